"""Campaigns (营销活动 / 服务活动 / 召回, issue 15): the manager's routes. The figures of every
campaign and reminder kind, the campaign form, its preview, schedule, cancel, and the recall
VIN upload. Sending is the scheduled ``campaign_send`` (app.py)."""
from __future__ import annotations

from ..domain.staff import MANAGERS
from .http import LazyModule, json_response
from .staff import _body, staff_route

campaigns = LazyModule("chalicelib.services.campaigns")


@staff_route("/api/staff/campaigns", "GET", MANAGERS,
             "Every campaign with its figures, and each reminder kind's figures")
def campaign_list(staff):
    return campaigns.overview()


@staff_route("/api/staff/campaigns", "POST", MANAGERS, "Create a campaign (a draft)")
def campaign_create(staff):
    return json_response(campaigns.create(_body(), staff), status=201)


@staff_route("/api/staff/campaigns/{campaign_id}", "GET", MANAGERS,
             "One campaign with its figures")
def campaign_get(staff, campaign_id):
    return campaigns.get(campaign_id)


@staff_route("/api/staff/campaigns/{campaign_id}", "PUT", MANAGERS,
             "Change a draft or scheduled campaign (body carries its version)")
def campaign_update(staff, campaign_id):
    return campaigns.update(campaign_id, _body(), staff)


@staff_route("/api/staff/campaigns/{campaign_id}/preview", "GET", MANAGERS,
             "Who the campaign reaches, who is left out and why, and the SMS it costs")
def campaign_preview(staff, campaign_id):
    return campaigns.preview(campaign_id, staff)


@staff_route("/api/staff/campaigns/{campaign_id}/schedule", "POST", MANAGERS,
             "Schedule the campaign for its send time ({version})")
def campaign_schedule(staff, campaign_id):
    return campaigns.schedule(campaign_id, _body(), staff)


@staff_route("/api/staff/campaigns/{campaign_id}/cancel", "POST", MANAGERS,
             "Cancel the campaign ({version}); what was sent stays sent")
def campaign_cancel(staff, campaign_id):
    return campaigns.cancel(campaign_id, _body(), staff)


@staff_route("/api/staff/campaigns/{campaign_id}/recall-vins", "POST", MANAGERS,
             "Upload the recall's VIN list from .xlsx/.csv ({version, filename, content: "
             "base64}): matched, unmatched, invalid and repeated VINs reported")
def campaign_recall_vins(staff, campaign_id):
    return campaigns.upload_recall(campaign_id, _body(), staff)
