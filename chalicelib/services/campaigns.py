"""Campaigns (营销活动 / 服务活动 / 召回): the manager's figures, the campaign form, its
preview, schedule and cancel, the recall VIN upload, and ``send_due`` (the scheduled
``campaign_send``) that invites each member through the care invitations (services/care.py).

Members come from designed indexes only (db/care.py): a model's cars by last visit
(``by_model``), the store's cars by last visit (``by_last_visit``), the cars due in the next
days (``care_due`` buckets, filtered by the due rules), the recall list's VINs (their
``vin#`` markers, batched). No scan.
"""
from __future__ import annotations

import base64
import binascii
import time as _time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ..config import get_config
from ..db import care as care_db
from ..db import records as records_db
from ..db.tx import Cancelled
from ..domain import messages as msg
from ..domain import campaigns as cp
from ..domain.care import KIND_NAMES, RECALL, REMINDER_KINDS, model_key
from ..domain.errors import Conflict, FieldErrors, NotFound, ValidationError
from ..domain.staff import Staff
from ..domain.validation import expect_version, mask_phone
from ..domain.vehicles import CustomerRecord, VehicleRecord
from ..i18n import _, current_language
from ..logs import log_event
from ..notify.templates import sms_parts
from .. import clock
from .store import current_store

NOT_FOUND = _("No such campaign")
PREVIEW_MEMBERS = 20
SEND_SECONDS = 240            # one scheduled run stops handing out invitations after this
SAVE_EVERY = 25               # the cursor is saved this often while sending
VIN_SHEET_BYTES = 700 * 1024


# ---- reading -------------------------------------------------------------------------------

def _get(campaign_id: str) -> cp.Campaign:
    campaign = care_db.get_campaign(campaign_id)
    if campaign is None:
        raise NotFound(NOT_FOUND)
    return campaign


def view(c: cp.Campaign, stats: dict[str, dict[str, int]] | None = None) -> dict[str, Any]:
    data = c.to_dict()
    data["version"] = c.version
    data["marketing"] = c.marketing
    data["figures"] = cp.figures((stats or {}).get(c.source, {}))
    return data


def overview() -> dict[str, Any]:
    """The manager's page: every campaign with its figures, and each reminder kind's figures
    (the counters: one Query; the campaigns: one Query)."""
    stats = care_db.all_stats()
    campaigns = sorted(care_db.campaigns(), key=lambda c: c.created_at, reverse=True)
    lang = current_language()
    reminders = [{"kind": kind, "name": KIND_NAMES[kind].render(lang),
                  "figures": cp.figures(stats.get(f"reminder:{kind}", {}))}
                 for kind in REMINDER_KINDS]
    return {"campaigns": [view(c, stats) for c in campaigns], "reminders": reminders,
            "sms_frames": sms_frames()}


TEXT_MARK = "〔TEXT〕"


def sms_frames() -> dict[str, str]:
    """The SMS around the manager's text, as care.invite writes it (``TEXT_MARK`` where the
    text goes), for marketing and for service messages: the form counts parts as it is typed."""
    store = current_store()
    today = clock.now().astimezone(store.settings.tz).date()
    frames = {}
    for name, kind in (("marketing", cp.PROMOTION), ("service", cp.SERVICE_CAMPAIGN)):
        probe = cp.Campaign(id="", name="", kind=kind, text=TEXT_MARK, segment=cp.Segment())
        frames[name] = _sample_sms(probe, store, None, today)
    return frames


def get(campaign_id: str) -> dict[str, Any]:
    return view(_get(campaign_id), care_db.all_stats())


# ---- writing -------------------------------------------------------------------------------

def _save(c: cp.Campaign, *, new: bool = False) -> cp.Campaign:
    try:
        return care_db.save_campaign(c, new=new)
    except Cancelled:
        raise Conflict(_("Someone else changed this campaign meanwhile; reload it and try again"),
                       code="campaign_changed") from None


def create(body: Any, staff: Staff) -> dict[str, Any]:
    now = clock.now()
    campaign = cp.parse(body, now=now, tz=current_store().settings.tz, by=staff.username)
    saved = _save(campaign, new=True)
    log_event("campaign_created", campaign_id=saved.id, kind=saved.kind, by=staff.username)
    return view(saved)


def update(campaign_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    current = _get(campaign_id)
    if not isinstance(body, dict):
        raise ValidationError(_("The request must be a JSON object"),
                              fields={"body": _("must be an object")})
    expect_version(FieldErrors(), body, current.version, kind="campaign")
    cp.require_changeable(current)
    changed = cp.parse(body, now=clock.now(), tz=current_store().settings.tz, current=current)
    saved = _save(changed)
    log_event("campaign_changed", campaign_id=saved.id, by=staff.username)
    return view(saved)


def _versioned(campaign_id: str, body: Any) -> cp.Campaign:
    current = _get(campaign_id)
    if not isinstance(body, dict):
        raise ValidationError(_("The request must be a JSON object"),
                              fields={"body": _("must be an object")})
    expect_version(FieldErrors(), body, current.version, kind="campaign")
    return current


def schedule(campaign_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    current = _versioned(campaign_id, body)
    if current.segment.recall and not care_db.recall_vins(current.id):
        raise ValidationError(_("Upload the recall's VIN list first"),
                              fields={"segment.recall": _("no VINs uploaded yet")})
    saved = _save(cp.schedule(current, now=clock.now(), by=staff.username))
    log_event("campaign_scheduled", campaign_id=saved.id, send_at=saved.send_at,
              by=staff.username)
    return view(saved)


def cancel(campaign_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    current = _versioned(campaign_id, body)
    saved = _save(cp.cancel(current, now=clock.now()))
    log_event("campaign_cancelled", campaign_id=saved.id, by=staff.username)
    return view(saved)


# ---- members -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Members:
    vehicles: list[VehicleRecord]
    cut: bool                     # more matched than MAX_MEMBERS: the rest left out


def _due_kind_filter(segment: cp.Segment, today: date):
    """Whether a car has a reason of the segment's kind due within its days (the due rules of
    domain/care_rules, with the store's settings)."""
    from ..domain import care_rules
    from .care import rules_of
    rules = rules_of()
    until = today + timedelta(days=segment.due_within_days)

    def keeps(v: VehicleRecord) -> bool:
        return any(d.kind == segment.due_kind and d.due_on <= until
                   for d in care_rules.due(v, rules, today))
    return keeps


def members(c: cp.Campaign, today: date) -> Members:
    """The campaign's cars: read by its most selective selector (the recall list, a model, the
    due buckets, the last visit), every other condition applied as a filter; lost cars (流失)
    left out; in vehicle id order, at most MAX_MEMBERS."""
    seg = c.segment
    limit = cp.MAX_MEMBERS + 1
    recall_ids: set[str] | None = None
    if seg.recall:
        vins = [vin for vin, _vid in care_db.recall_vins(c.id)]
        by_vin = care_db.vehicle_ids_by_vin(vins)
        recall_ids = set(by_vin.values())
        found = care_db.vehicles_by_id(sorted(recall_ids))
    elif seg.model:
        found = care_db.vehicles_by_model(seg.model, seg.last_visit_from, seg.last_visit_to,
                                          limit=limit * 2)
    elif seg.due_kind:
        found = []
        for offset in range(seg.due_within_days + 1):
            found += care_db.vehicles_due_on(today + timedelta(days=offset))
    else:
        found = care_db.vehicles_by_last_visit(seg.last_visit_from, seg.last_visit_to,
                                               limit=limit * 2)
    wanted_model = model_key(seg.model)
    due_keeps = _due_kind_filter(seg, today) if seg.due_kind else None
    kept: dict[str, VehicleRecord] = {}
    for v in found:
        if v.care.lost or v.id in kept:
            continue
        if not seg.keeps(v.last_visit_on, v.mileage_km, model_key(v.model), wanted_model):
            continue
        if recall_ids is not None and v.id not in recall_ids:
            continue
        if due_keeps is not None and not due_keeps(v):
            continue
        kept[v.id] = v
    ordered = [kept[i] for i in sorted(kept)]
    return Members(vehicles=ordered[:cp.MAX_MEMBERS], cut=len(ordered) > cp.MAX_MEMBERS)


def _owners(vehicles: list[VehicleRecord]) -> dict[str, CustomerRecord]:
    """The cars' owners: one batch read (PynamoDB asks 100 keys at a time)."""
    return {c.id: c for c in records_db.customers_by_id([v.customer_id for v in vehicles])}


def preview(campaign_id: str, staff: Staff) -> dict[str, Any]:
    """Who is in it and what it costs: members, those left out (opted out, no marketing
    consent, no mobile), the SMS parts of one message and in all, the first members (mobiles
    masked)."""
    c = _get(campaign_id)
    store = current_store()
    today = clock.now().astimezone(store.settings.tz).date()
    found = members(c, today)
    owners = _owners(found.vehicles)
    from . import care
    known = care.Known.of([o.phone for o in owners.values()], marketing=c.marketing)
    excluded = {"opted_out": 0, "no_consent": 0, "no_mobile": 0}
    sendable: list[tuple[VehicleRecord, CustomerRecord]] = []
    for v in found.vehicles:
        owner = owners.get(v.customer_id)
        reason = care.withheld(owner.phone if owner else "", c.marketing, known)
        if reason:
            excluded["no_mobile" if reason == care.NO_PHONE else reason] += 1
        else:
            sendable.append((v, owner))
    sample = _sample_sms(c, store, sendable[0] if sendable else None, today)
    parts = sms_parts(sample)
    return {"id": c.id, "members": len(found.vehicles), "cut": found.cut,
            "max_members": cp.MAX_MEMBERS, "excluded": excluded, "messages": len(sendable),
            "sample": sample, "parts_per_message": parts, "parts_total": parts * len(sendable),
            "first": [{"vehicle_id": v.id, "plate": v.plate, "model": v.model,
                       "customer_name": o.name, "phone_masked": mask_phone(o.phone),
                       "last_visit_on": v.last_visit_on.isoformat() if v.last_visit_on else None,
                       "mileage_km": v.mileage_km}
                      for v, o in sendable[:PREVIEW_MEMBERS]]}


def _sample_sms(c: cp.Campaign, store, member, today: date) -> str:
    """One member's SMS as care.invite writes it (its template, the personal link; marketing
    also 回T退订 and the unsubscribe link), a short link of the real length standing in."""
    from .care import DEFAULT_LOCALE, sms_text
    vehicle, owner = member if member else (None, None)
    link = f"{get_config().public_base_url}/l/XXXXXXXX"
    return sms_text(cp.invitation_kind(c.kind), DEFAULT_LOCALE, store,
                     name=owner.name if owner else "张先生",
                     plate=vehicle.plate if vehicle else "粤B12345",
                     due_on=c.event_date or today, link=link,
                     unsubscribe=link if c.marketing else "", text=c.text)


# ---- the recall VIN list -------------------------------------------------------------------

def _sheet_rows(body: dict[str, Any]) -> list[list[Any]]:
    from .pricebook import uploaded_sheet   # the price book's reader: .xlsx (openpyxl) or CSV
    return uploaded_sheet(FieldErrors(), body, max_bytes=VIN_SHEET_BYTES)


def upload_recall(campaign_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """The recall's VIN list (Excel or CSV, first column): stored as the campaign's rows, with
    a report: matched, unmatched VINs, invalid cells, duplicates."""
    current = _versioned(campaign_id, body)
    cp.require_changeable(current)
    if not current.segment.recall:
        raise ValidationError(_("This campaign does not go to a VIN list"),
                              fields={"segment.recall": _("choose the VIN list first")})
    sheet = cp.read_vins(_sheet_rows(body))
    if len(sheet.vins) > cp.RECALL_VINS_MAX:
        raise ValidationError(_("The file has too many rows"), fields={
            "content": _("at most %(count)s rows", count=cp.RECALL_VINS_MAX)})
    if not sheet.vins:
        raise ValidationError(_("The file has no VIN"),
                              fields={"content": _("no valid VIN in the first column")})
    matched = care_db.vehicle_ids_by_vin(list(sheet.vins))
    care_db.replace_recall_vins(current.id, [(vin, matched.get(vin, "")) for vin in sheet.vins])
    saved = _save(replace(current, recall_rows=len(sheet.vins),
                          updated_at=clock.now().isoformat()))
    unmatched = [vin for vin in sheet.vins if vin not in matched]
    log_event("campaign_recall_uploaded", campaign_id=current.id, rows=sheet.rows,
              vins=len(sheet.vins), matched=len(matched), by=staff.username)
    return {"id": current.id, "version": saved.version, "rows": sheet.rows,
            "vins": len(sheet.vins), "matched": len(matched), "unmatched": unmatched,
            "invalid": [{"row": row, "value": value} for row, value in sheet.invalid],
            "duplicates": list(sheet.duplicates)}


# ---- sending (scheduled: campaign_send, every 5 minutes) -----------------------------------

def send_due(now: datetime | None = None) -> dict[str, Any]:
    """Scheduled campaigns whose send time passed: each member invited once (care.invite:
    a second run finds the invitation and sends nothing twice), in vehicle id order from the
    saved cursor. The daily SMS budget full: the campaign waits for the next day. Nothing is
    sent in quiet hours. Returns what it did, per campaign."""
    from . import care
    now = now or clock.now()
    store = current_store()
    tz = store.settings.tz
    local = now.astimezone(tz)
    today = local.date()
    if msg.quiet_until(store.settings, now) is not None:
        return {"quiet": True, "campaigns": {}}
    started = _time.monotonic()
    done: dict[str, Any] = {}
    for c in care_db.campaigns():
        if c.status not in (cp.SCHEDULED, cp.SENDING) or c.send_at is None or c.send_at > now:
            continue
        if c.paused_on == today.isoformat():
            continue
        try:
            done[c.id] = _send(c, now=now, today=today, care=care, started=started)
        except Conflict:            # cancelled or changed meanwhile: its next run sees it
            done[c.id] = {"stopped": "changed"}
        if _time.monotonic() - started > SEND_SECONDS:
            break
    if done:
        log_event("campaign_send", campaigns=done)
    return {"quiet": False, "campaigns": done}


def _send(c: cp.Campaign, *, now: datetime, today: date, care, started: float) -> dict[str, Any]:
    if c.event_date and c.event_date < today:     # paused past its event: too late to invite
        _save(replace(c, status=cp.SENT, sent_at=now.isoformat(), updated_at=now.isoformat(),
                      outcomes={**c.outcomes, "event_passed": 1}))
        return {"handled": 0, "event_passed": True}
    found = members(c, today)
    if c.status == cp.SCHEDULED:
        c = _save(replace(c, status=cp.SENDING, members=len(found.vehicles), paused_on="",
                          updated_at=now.isoformat()))
    elif c.paused_on:
        c = replace(c, paused_on="")
    todo = [v for v in found.vehicles if v.id > c.cursor]
    owners = _owners(todo)
    # the members' opt-outs and consents read at once, not per invitation
    known = care.Known.of([o.phone for o in owners.values()], marketing=c.marketing)
    outcomes = dict(c.outcomes)
    handled = 0
    due_on = (c.event_date or today)
    kind = cp.invitation_kind(c.kind)
    for v in todo:
        outcome = care.invite(v, kind=kind, due_on=due_on, now=now, campaign_id=c.id,
                              text=c.text, services=(), items=(c.name,) if kind == RECALL else (),
                              call=kind == RECALL, customer=owners.get(v.customer_id),
                              known=known)
        if outcome == "over_budget":
            c = _save(replace(c, outcomes=outcomes, paused_on=today.isoformat(),
                              updated_at=now.isoformat()))
            return {"handled": handled, "paused": True}
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        handled += 1
        c = replace(c, cursor=v.id)
        if handled % SAVE_EVERY == 0:
            c = _save(replace(c, outcomes=outcomes, updated_at=now.isoformat()))
        if _time.monotonic() - started > SEND_SECONDS:
            c = _save(replace(c, outcomes=outcomes, updated_at=now.isoformat()))
            return {"handled": handled, "more": True}
    _save(replace(c, outcomes=outcomes, status=cp.SENT, sent_at=now.isoformat(),
                  updated_at=now.isoformat()))
    return {"handled": handled, "sent": True}

