"""The customer's order link: progress, the service report, the survey, a complaint.

The link (``/order.html?o=<order>&t=<token>``) is signed for one order and
lasts 180 days. It goes out in the "ready" SMS and in the follow-up SMS.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..config import get_config
from ..db import records as records_db
from ..db.links import ShortLink
from ..domain import audit as audit_rules
from ..domain import followup as fu
from ..domain import messages as msg
from ..domain import repair_order as ro
from ..domain.booking import require_object
from ..domain.complaints import parse_complaint
from ..domain.errors import Conflict, NotFound
from ..i18n import _
from ..domain.money import decimal_text, yuan
from ..domain.tokens import ORDER_MAX_AGE, check_order_token, sign_order
from ..logs import log_event
from ..notify.templates import format_when, render
from . import complaints
from .store import current_store, store_now

CUSTOMER_ACTOR = "customer"


def status_url(order_id: str) -> str:
    cfg = get_config()
    return f"{cfg.public_base_url}/order.html?o={order_id}&t={sign_order(cfg.secret_key, order_id)}"


def status_link(order_id: str, now: datetime, anchor: str = "") -> ShortLink:
    return ShortLink.new(status_url(order_id) + anchor,
                         expires=now + timedelta(seconds=ORDER_MAX_AGE))


def order_message(order: ro.RepairOrder, kind: str, *, now: datetime, due: datetime,
                  anchor: str = "", message_id: str = "",
                  **context: Any) -> tuple[msg.OutboxMessage, ShortLink]:
    """An SMS about the order, written now, with a short link to the customer's order page
    (``message_id``: for a kind sent more than once)."""
    settings = current_store().settings
    link = status_link(order.id, now, anchor)
    text = render(kind, order.locale, sig=settings.sms_signature, name=order.customer_name,
                  plate=order.plate, phone=settings.phone,
                  link=f"{get_config().public_base_url}/l/{link.code}", **context)
    message = msg.prepared_message(message_id=message_id or f"{order.id}.{kind}", kind=kind,
                                   phone=order.phone,
                                   locale=order.locale, text=text, due=due, settings=settings,
                                   now=now, order_id=order.id)
    return message, link


def ready_changes(order: ro.RepairOrder, now: datetime) -> records_db.Changes | None:
    """When the change just made the car ready: tell the customer, with the amount due (交车通知)."""
    if order.status != ro.READY:
        return None
    amount = yuan(order.agreed(current_store().settings.tax_rate).customer_fen)
    message, link = order_message(order, msg.READY, now=now, due=now, amount=amount)
    return records_db.Changes(messages=[message], links=[link])


# ---- jobs as the customer reads them (维修项目) ----------------------------------------------

def line_view(line: ro.Line) -> dict[str, Any]:
    """A line on the customer's pages: what it is and costs, never who wrote it."""
    return {"id": line.id, "kind": line.kind, "description": line.description,
            "quantity": decimal_text(line.quantity), "unit_price": yuan(line.unit_price_fen),
            "amount": yuan(line.amount_fen), "pay_type": line.pay_type,
            "customer_amount": yuan(line.customer_fen), "status": line.status,
            "labor_line": line.labor_line or None}


def work_item_view(item: ro.WorkItem) -> dict[str, Any]:
    """A job with its lines: the customer approves or declines it as one."""
    return {"id": item.id, "description": item.lines[0].description, "status": item.status,
            "line_ids": list(item.line_ids), "amount": yuan(item.amount_fen),
            "customer_amount": yuan(item.customer_fen),
            "lines": [line_view(ln) for ln in item.lines]}


# ---- the report (保养报告 / 维修报告) ----------------------------------------------------

def report(order: ro.RepairOrder) -> dict[str, Any]:
    """What was done, parts replaced, findings, recommendations, next service."""
    settings = current_store().settings
    vehicle = records_db.get_vehicle(order.vehicle_id)
    done = order.invoice_lines
    findings = [order.reception.get("findings") or ""]
    findings += [r.note for r in order.quality.records if r.note and r.passed]
    findings += [f"试车 {r.test_drive.distance_km} km: {r.test_drive.findings}"
                 for r in order.quality.records if r.test_drive and r.passed]
    maintenance = any(ln.code.startswith("MAINT") for ln in done)
    return {
        "kind": "maintenance" if maintenance else "repair",
        "reference": order.reference, "plate": order.plate,
        "model": vehicle.model if vehicle else "",
        "mileage_km": order.reception.get("mileage_km"),
        "opened_at": order.opened_at.isoformat(),
        "work_done": [{"description": ln.description, "hours": decimal_text(ln.quantity),
                       "pay_type": ln.pay_type, "additional": ln.additional}
                      for ln in done if ln.kind == ro.LABOR],
        "parts_replaced": [{"description": ln.description, "part_number": ln.code,
                            "quantity": decimal_text(ln.quantity), "pay_type": ln.pay_type}
                           for ln in done if ln.kind == ro.PART],
        "findings": [f for f in findings if f],
        "recommendations": [{"description": ln.description, "amount": yuan(ln.amount_fen)}
                            for ln in order.lines if ln.status == ro.DECLINED],
        "next_service": ({"date": order.delivery.next_service_date,
                          "mileage_km": order.delivery.next_service_km}
                         if order.delivery else None),
        "totals": order.agreed(settings.tax_rate).view(),
        # the amounts, not who took the money: no staff login or name on the customer's page
        "settlement": ({k: v for k, v in order.settlement.view().items()
                        if k not in ("cashier", "cashier_name")} if order.settlement else None),
        "quality_passed_at": order.quality.passed_at or None,
    }


# ---- the customer's page ------------------------------------------------------------

def _authorised(order_id: str, token: str | None) -> ro.RepairOrder:
    check_order_token(get_config().secret_key, order_id, token)
    order = records_db.get_order(order_id)
    if order is None:
        raise NotFound(ro.ORDER_NOT_FOUND, code="order_not_found")
    return order


def customer_view(order: ro.RepairOrder, followup: fu.FollowUp | None) -> dict[str, Any]:
    settings = current_store().settings
    step = order.progress
    return {
        "reference": order.reference, "plate": order.plate, "customer_name": order.customer_name,
        "status": order.status, "progress": step, "steps": list(ro.PROGRESS),
        "step_index": ro.PROGRESS.index(step),
        "promised_at": order.promised_at.isoformat() if order.promised_at else None,
        "ready_at": order.ready_at or None,
        "delivered_at": order.delivery.delivered_at if order.delivery else None,
        "amount_due": yuan(order.agreed(settings.tax_rate).customer_fen),
        # the jobs the customer was asked about, each with its status (not the drafts)
        "work_items": [work_item_view(item) for item in
                       ro.work_items(ln for ln in order.lines if ln.status != ro.DRAFT)],
        "report": report(order) if order.status in (ro.READY, ro.SETTLED, ro.DELIVERED) else None,
        "survey": {"open": followup is not None and followup.survey is None,
                   "answered": followup.survey.to_dict() if followup and followup.survey else None},
        "store": {"name": settings.name, "name_en": settings.name_en, "phone": settings.phone,
                  "address": settings.address},
    }


def customer_status(order_id: str, token: str | None) -> dict[str, Any]:
    order = _authorised(order_id, token)
    return customer_view(order, records_db.get_followup(order_id))


def customer_survey(order_id: str, token: str | None, body: Any) -> dict[str, Any]:
    """The customer's stars; 3 or less on any question opens a complaint (or adds to the
    order's open one)."""
    order = _authorised(order_id, token)
    require_object(body)
    return complaints.retry_if_opened_meanwhile(lambda: _answer_survey(order, body))


def _answer_survey(order: ro.RepairOrder, body: dict[str, Any]) -> dict[str, Any]:
    followup = records_db.get_followup(order.id)
    if followup is None:
        raise Conflict(_("The survey opens once the car has been handed back"),
                       code="survey_not_open")
    now = store_now()
    survey = fu.parse_survey(body, now=now)
    if followup.survey is not None:   # before a complaint is opened for a second answer
        raise Conflict(fu.SURVEY_ANSWERED, code="survey_closed")
    changes = records_db.Changes()
    complaint_id = ""
    if survey.low:
        text = (f"回访评分 态度{survey.attitude} 质量{survey.quality} 及时{survey.timeliness}"
                + (f":{survey.comment}" if survey.comment else ""))
        complaint, _created = complaints.complaint_for_order(
            order, description=text, source="survey", severity="medium", by=CUSTOMER_ACTOR,
            now=now, changes=changes)
        complaint_id = complaint.id
    new = followup.answer_survey(survey, complaint_id)
    changes.followups.append((new, False))
    changes.audit.append(audit_rules.entry(audit_rules.FOLLOW_UP, order.id, actor=CUSTOMER_ACTOR,
                                           action="survey_answered", at=now, before=None,
                                           after=survey.to_dict()))
    records_db.save(changes)
    log_event("survey_answered", order_id=order.id, low=survey.low, complaint_id=complaint_id)
    return customer_view(order, new)


def customer_complaint(order_id: str, token: str | None, body: Any) -> dict[str, Any]:
    """The customer tells us something went wrong, from their order link. While the order's
    complaint is open, what they write again becomes its note (``opened`` false): no second
    complaint, no second SMS."""
    order = _authorised(order_id, token)
    require_object(body)
    data = parse_complaint(body, customer=True)

    def tell() -> dict[str, Any]:
        changes = records_db.Changes()
        complaint, opened = complaints.complaint_for_order(
            order, description=data.description, source="customer", severity=data.severity,
            by=CUSTOMER_ACTOR, now=store_now(), changes=changes)
        records_db.save(changes)
        return {"reference": complaint.reference, "opened": opened,
                "reply_by": complaint.reply_by.isoformat(),
                "reply_by_text": format_when(complaint.reply_by, order.locale)}
    return complaints.retry_if_opened_meanwhile(tell)


