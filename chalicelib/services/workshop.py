"""The workshop floor: dispatch board, the technician's clock, quality check, wash, ready."""
from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..db import records as records_db
from ..domain import repair_order as ro
from ..domain import workshop as ws
from ..domain.errors import FieldErrors
from ..domain.files import decode_signature, photo_key_ok
from ..domain.money import FEN, decimal_text, yuan
from ..domain.staff import TECHNICIAN, Staff
from ..logs import log_event
from . import auth, files
from .customer_orders import ready_changes
from .orders import job_view, load_order, order_to_change, order_view, require_uploaded, save_order
from .store import current_store, store_now

ON_FLOOR = (ro.APPROVED, ro.IN_WORK, ro.QUALITY_CHECK)


def technicians() -> list[dict[str, str]]:
    return auth.staff_in_role(TECHNICIAN)


def job_card(order: ro.RepairOrder, now: datetime) -> dict[str, Any]:
    settings = current_store().settings
    worked = order.job.total_minutes(now)
    return {
        "order_id": order.id, "reference": order.reference, "status": order.status,
        "version": order.version, "plate": order.plate, "advisor": order.advisor,
        "technician": order.job.technician or None, "bay": order.job.bay or None,
        "job": order.job.state, "pause_reason": order.job.pause_reason or None,
        "sold_hours": decimal_text((Decimal(order.sold_minutes) / 60).quantize(FEN)), "sold_minutes": order.sold_minutes,
        "worked_minutes": worked,
        "promised_at": order.promised_at.isoformat() if order.promised_at else None,
        "at_risk": order.status in ON_FLOOR and ws.at_risk(
            now=now, promised_at=order.promised_at, sold_minutes=order.sold_minutes,
            worked_minutes=worked, qc_minutes=settings.qc_minutes),
        "pending_approval": order.pending_approval is not None,
        "qc_next": order.quality.next_level if order.status == ro.QUALITY_CHECK else None,
        "qc_passed": bool(order.quality.passed_at), "rework_count": order.quality.rework_count,
        "wash_wanted": order.wash_wanted, "wash_done": bool(order.wash_done_at),
        "comeback_of": order.comeback_of or None,
        "booked": order.booked, "opened_at": order.opened_at.isoformat(),
        "findings_to_price": order.findings_to_price,
        "lines": [{"description": ln.description, "kind": ln.kind, "quantity": decimal_text(ln.quantity),
                   "status": ln.status, "additional": ln.additional}
                  for ln in order.lines if ln.status in ro.AGREED],
        "concern": order.reception.get("concern") or {},
    }


def board(staff: Staff) -> dict[str, Any]:
    """The dispatch board (派工看板): one query for every car in the store. The amount due of the
    cars ready shows only to those who read prices (not to the technician)."""
    now = store_now()
    settings = current_store().settings
    orders = records_db.orders_in_store()
    cards = [job_card(o, now) for o in orders if o.status in ON_FLOOR]
    checked = {o.id: o for o in orders if o.status == ro.QUALITY_CHECK}
    cards.sort(key=lambda c: (c["promised_at"] or "9999"))
    people = technicians()
    known = {p["username"] for p in people}
    lanes = [{**p, "jobs": [c for c in cards if c["technician"] == p["username"]
                            and c["status"] != ro.QUALITY_CHECK]} for p in people]
    lanes += [{"username": t, "name": t, "jobs": [c for c in cards if c["technician"] == t]}
              for t in sorted({c["technician"] for c in cards if c["technician"]} - known)]
    busy = {c["bay"]: c for c in cards if c["bay"] and c["status"] != ro.QUALITY_CHECK}
    return {
        "generated_at": now.isoformat(),
        # 待派工: not dispatched yet (a dispatched job is in its technician's lane, once);
        # 预约优先: booked cars first, then by the promised time, then by arrival
        "waiting": sorted([c for c in cards if c["job"] == ws.UNASSIGNED],
                          key=lambda c: (not c["booked"], c["promised_at"] or "9999",
                                         c["opened_at"])),
        "technicians": lanes,
        "bays": [{"bay": b, "order_id": busy[b]["order_id"] if b in busy else None,
                  "plate": busy[b]["plate"] if b in busy else None} for b in settings.bays],
        # each check says whether the reader may sign its next level (我的工单 lists those)
        "quality_check": [{**c, "may_check": ws.can_sign(staff, checked[c["order_id"]].job,
                                                         checked[c["order_id"]].quality)}
                          for c in cards if c["status"] == ro.QUALITY_CHECK],
        "ready": [{"order_id": o.id, "reference": o.reference, "plate": o.plate,
                   "status": o.status, "version": o.version,
                   **({"amount_due": yuan(o.amount_due_fen(settings.tax_rate))}
                      if staff.reads_prices else {})}
                  for o in orders if o.status in (ro.READY, ro.SETTLED)],
        "at_risk": sum(1 for c in cards if c["at_risk"]),
        "checklists": ws.checklist_view(checklists=current_store().settings.qc_checklists),
        "pause_reasons": list(ws.PAUSE_REASONS),
    }


def dispatch(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Give the job to a technician and a bay, or hand it over to another (交接)."""
    old = order_to_change(order_id, body)
    names = {p["username"]: p["name"] for p in technicians()}
    data = ws.parse_dispatch(body, technicians=set(names), bays=current_store().settings.bays)
    order, stopped = old.dispatch(data, now=store_now(), by=staff.username)
    changes = records_db.Changes()
    if stopped:
        changes.clock_off.append((stopped, order.id))
    action = "handed_over" if old.job.technician else "dispatched"
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name, action=action,
                       extra=changes, names={data.technician: names[data.technician]})
    log_event("job_dispatched", order_id=order.id, technician=data.technician, bay=data.bay)
    return order_view(order_id, staff, saved)


def clock(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Start, pause (with a reason), resume or finish the job."""
    old = order_to_change(order_id, body)
    data = ws.parse_clock(body)
    order, on, off = old.clock(data, staff=staff, now=store_now())
    changes = records_db.Changes()
    if on:
        changes.clock_on.append((on, order.id))
    if off:
        changes.clock_off.append((off, order.id))
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                       action=f"job_{ws.CLOCK_ACTIONS[data.action]}",
                  extra=changes)
    return order_view(order_id, staff, saved)


def job(order_id: str) -> dict[str, Any]:
    """The job view of an order (施工视图): for the technician's phone, for every role."""
    return job_view(records_db.with_events(load_order(order_id)))


def report_finding(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """A finding reported from the bay with photos (技师发现): a draft line of additional work
    for the advisor to price and send; flagged on the lists until the advisor handles it."""
    old = order_to_change(order_id, body)
    data = ws.parse_finding(body, photo_key_ok=photo_key_ok)
    require_uploaded({f"photo_keys.{i}": key for i, key in enumerate(data.photo_keys)})
    order = old.report_finding(data, staff=staff, now=store_now())
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                       action="finding_reported")
    log_event("finding_reported", order_id=order.id, line_id=order.lines[-1].id,
              photos=len(data.photo_keys))
    return order_view(order_id, staff, saved)


def start_line(order_id: str, line_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Work begins on an approved line, under the clock's rules: the job's technician (or the
    foreman or manager for them); a job not running is clocked on, one job at a time."""
    old = order_to_change(order_id, body)
    order, on = old.start_line(line_id, staff=staff, now=store_now())
    changes = records_db.Changes()
    if on:
        changes.clock_on.append((on, order.id))
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                       action="line_started", extra=changes)
    return order_view(order_id, staff, saved)


def quality_check(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """One level of the quality check, signed; a failure sends the job back to work."""
    old = order_to_change(order_id, body)
    errors = FieldErrors()
    png = decode_signature(errors, "signature", body.get("signature"))
    data = ws.parse_qc(body, test_drive_required=old.needs_test_drive(current_store().catalogue), errors=errors,
                       checklists=current_store().settings.qc_checklists)
    now = store_now()
    key = files.signature_key(f"qc-{data.level}", old.id, now.date(), secrets.token_hex(4))
    order = old.record_qc(data, staff=auth.with_display_name(staff), signature_key=key, now=now)
    assert png is not None
    record = order.quality.records[-1]
    action = f"qc_{data.level}_{'passed' if record.passed else 'failed'}"
    extra = ready_changes(order, now)
    with files.signature_kept(key, png):   # gone again if the order changed meanwhile
        saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                           action=action, extra=extra)
    log_event("quality_check", order_id=order.id, qc_level=data.level, passed=record.passed,
              rework_count=order.quality.rework_count)
    return order_view(order_id, staff, saved)


def wash(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    old = order_to_change(order_id, body)
    now = store_now()
    order = old.record_wash(now=now)
    extra = ready_changes(order, now)
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                       action="washed", extra=extra)
    return order_view(order_id, staff, saved)
