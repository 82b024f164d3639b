"""Reception check-in and repair orders: lines, approval in store or by SMS link, work start."""
from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from .. import clock
from ..config import get_config
from ..db import audit as audit_db
from ..db import records as records_db
from ..db.links import ShortLink
from ..domain import audit as audit_rules
from ..domain.audit import AuditEntry
from ..domain import messages as msg
from ..domain import pricebook as pricebook_rules
from ..domain import repair_order as ro
from ..domain import workshop as ws
from ..domain.booking import ACTIVE, BookingDesk, new_reference, require_object
from ..domain.errors import Conflict, FieldErrors, NotFound, ValidationError
from ..domain.booking import STATUS_NAMES as BOOKING_STATUS_NAMES
from ..i18n import _
from ..domain.files import decode_signature, photo_key_ok, plan_upload
from ..domain.money import decimal_text, yuan
from ..domain.reception import parse_checkin, parse_promise, photo_fields, suggest_promise
from ..domain.staff import AUDIT_READERS, ROLES, TECHNICIAN, Staff
from ..domain.tokens import APPROVAL_MAX_AGE, check_approval_token, sign_approval
from ..domain.validation import day_asked, expect_version, mask_phone
from ..domain.vehicles import CustomerRecord, Recommendation, VehicleRecord, new_id
from ..logs import log_event
from . import care  # issue 15: the care facts of a vehicle saved here
from . import auth, files, invitations, pricebook
from .customer_orders import line_view, order_message, work_item_view
from .customer_orders import report as customer_report
from .store import current_store, store_now

CUSTOMER_ACTOR = "customer"


# ---- uploads ---------------------------------------------------------------------

def presign_upload(body: Any) -> dict[str, Any]:
    return files.upload_url(plan_upload(body, store_now().date()))


def require_uploaded(photos: dict[str, str]) -> None:
    """Only a photo already uploaded may be attached (its upload URL cannot replace it)."""
    missing = files.missing_uploads(photos)
    if missing:
        raise ValidationError(_("Upload the photos first"), fields={
            field: _("not uploaded yet: upload the photo first") for field in missing})


# ---- reception (接车) ---------------------------------------------------------------

def _booked_lines(codes: list[str], now: datetime, by: str) -> tuple[ro.Line, ...]:
    """The booked services as the order opens with them: a package's own lines (价格本: its
    operations at its rate or the store's, its parts at their price; the parts fitted in its
    first labour line's job), so the order's total is the estimate the customer was quoted. A
    service without lines: one labour line of its hours at the store's rate."""
    ctx = current_store()
    rate = ctx.settings.labor_rate_fen
    lines: list[ro.Line] = []
    for service in (ctx.catalogue[code] for code in codes):
        if not service.lines:
            lines.append(ro.Line.new(ro.LineInput(
                kind=ro.LABOR, code=service.code, description=service.name,
                quantity=service.labor_hours, unit_price_fen=rate,
                pay_type="customer", photo_keys=()), now=now, by=by))
            continue
        job = ""
        for priced in pricebook_rules.priced_lines(service.lines, rate):
            kind = ro.LABOR if priced.kind == pricebook_rules.LABOR_LINE else ro.PART
            line = ro.Line.new(ro.LineInput(
                kind=kind, code=priced.code, description=priced.name, quantity=priced.quantity,
                unit_price_fen=priced.unit_price_fen, pay_type="customer", photo_keys=(),
                labor_line=job if kind == ro.PART else ""), now=now, by=by)
            job = job or (line.id if kind == ro.LABOR else "")
            lines.append(replace(line, package=service.code))
    return tuple(lines)


def _technicians() -> dict[str, str]:
    """The store's technicians: username -> display name."""
    return {p["username"]: p.get("name", "") for p in auth.staff_in_role(TECHNICIAN)}


def check_in(body: Any, staff: Staff) -> dict[str, Any]:
    """The walk-around is done and signed: file the customer and car, open the repair order."""
    now = store_now()
    ctx = current_store()
    named = isinstance(body, dict) and bool(body.get("technician"))
    checkin = parse_checkin(body, catalogue=ctx.catalogue, now=now,   # promised_at: later than now
                            technicians=_technicians() if named else ())
    require_uploaded(photo_fields(checkin.sheet))
    # the booking, and who holds the mobile and the plate: one BatchGetItem (+ one for the
    # holders of a known mobile or car)
    arrival = records_db.arrival(checkin.booking_id, checkin.customer.phone, checkin.vehicle.plate)
    booking = arrival.booking
    if checkin.booking_id:
        if booking is None:
            raise NotFound(_("Booking not found"), code="booking_not_found")
        if booking.status not in ACTIVE:
            status = BOOKING_STATUS_NAMES.get(booking.status, booking.status)
            raise Conflict(_("This booking is %(status)s", status=status),
                           code="booking_not_active",
                           fields={"booking_id": _("this booking is %(status)s", status=status)})
    changes = records_db.Changes()
    audit = changes.audit
    actor = staff.username

    # customer: found by mobile number, or new
    old_customer = arrival.customer
    if old_customer is None:
        customer = CustomerRecord(id=new_id("cus"), name=checkin.customer.name,
                                  phone=checkin.customer.phone, created_at=now, updated_at=now)
        changes.customers.append((customer, True))
        changes.uniques.append((f"phone#{customer.phone}", customer.id))
        audit.append(audit_rules.entry(audit_rules.CUSTOMER, customer.id, actor=actor, actor_name=staff.name,
                                       action="created", at=now, before=None,
                                       after=customer.audit_view()))
    else:
        customer = old_customer
        if old_customer.name != checkin.customer.name:
            customer = replace(old_customer, name=checkin.customer.name, updated_at=now)
            changes.customers.append((customer, False))
            audit.append(audit_rules.entry(audit_rules.CUSTOMER, customer.id, actor=actor, actor_name=staff.name,
                                           action="edited", at=now,
                                           before=old_customer.audit_view(),
                                           after=customer.audit_view()))

    # vehicle: found by plate, or new; its owner and mileage brought up to date
    data = checkin.vehicle
    mileage = checkin.sheet["mileage_km"]
    old_vehicle = arrival.vehicle
    if old_vehicle is None:
        vehicle = VehicleRecord(id=new_id("veh"), plate=data.plate, customer_id=customer.id,
                                vin=data.vin, model=data.model, sale_date=data.sale_date,
                                mileage_km=mileage, created_at=now, updated_at=now)
        vehicle = care.refreshed(vehicle, today=now.date(), reading_km=mileage, visit=True)  # care
        changes.vehicles.append((vehicle, True))
        action, before = "created", None
    else:
        if old_vehicle.mileage_km is not None and mileage < old_vehicle.mileage_km:
            raise ValidationError(_("Mileage lower than at the last visit"), fields={
                "mileage_km": _("was %(km)s km at the last visit", km=old_vehicle.mileage_km)})
        vehicle = replace(old_vehicle, customer_id=customer.id, vin=data.vin or old_vehicle.vin,
                          model=data.model or old_vehicle.model,
                          sale_date=data.sale_date or old_vehicle.sale_date,
                          updated_at=now).with_mileage(mileage, now)
        vehicle = care.refreshed(vehicle, today=now.date(), reading_km=mileage, visit=True,  # care
                                 new_owner=old_vehicle.customer_id != customer.id)
        changes.vehicles.append((vehicle, False))
        action, before = "checked_in", old_vehicle.audit_view()
    changes.markers(old_vehicle, vehicle)      # its plate and VIN; a corrected VIN frees the old
    audit.append(audit_rules.entry(audit_rules.VEHICLE, vehicle.id, actor=actor, actor_name=staff.name,
                                   action=action,
                                   at=now, before=before, after=vehicle.audit_view()))

    # the repair order, with the signed check-in sheet
    order_id = new_id("ro")
    signature_key = files.signature_key("checkin", order_id, now.date(), secrets.token_hex(4))
    codes = checkin.service_codes or (list(booking.service_codes) if booking else [])
    sheet = {**checkin.sheet, "signature_key": signature_key, "signed_at": now.isoformat(),
             "advisor": actor, "advisor_name": auth.with_display_name(staff).name,
             "concern": checkin.sheet["concern"] or (dict(booking.concern) if booking else {})}
    # 返修: the same car back with the same concern within 30 days of a delivery
    came_back = (ro.comeback_source(records_db.orders_of(old_vehicle.id, limit=10),
                                    sheet["concern"], now) if old_vehicle is not None else None)
    order = ro.RepairOrder(
        id=order_id, reference=new_reference(), status=ro.OPEN, vehicle_id=vehicle.id,
        customer_id=customer.id, plate=vehicle.plate, customer_name=customer.name,
        phone=customer.phone, advisor=actor, opened_at=now, updated_at=now,
        booking_id=booking.id if booking else "",
        booking_channel=booking.channel if booking else "", promised_at=checkin.promised_at,
        lines=_booked_lines(codes, now, actor), reception=sheet,
        job=ws.pre_assigned(checkin.technician if checkin.technician is not None
                            else (booking.technician if booking else ""), at=now, by=actor),
        locale=booking.locale if booking else "zh-CN",
        comeback_of=came_back.reference if came_back else "",
        invitation_id=booking.invitation_id if booking else "")
    changes.orders.append((order, True))
    invitations.arrived(order, changes, now)   # issue 15 (INVITE): the invitation's car came
    given = order.job.technician    # the pre-assigned technician, named in the history
    audit.append(audit_rules.entry(audit_rules.ORDER, order.id, actor=actor, actor_name=staff.name,
                                   action="opened",
                                   at=now, before=None, after=order.audit_view(),
                                   names={given: _technicians().get(given, "")} if given else None))
    if booking is not None:
        arrived = BookingDesk.arrive(booking, order_id=order.id, now=now, by=actor)
        changes.bookings.append(arrived)
        audit.append(audit_rules.entry(audit_rules.BOOKING, booking.id, actor=actor, actor_name=staff.name,
                                       action="arrived", at=now,
                                       before=BookingDesk.audit_view(booking),
                                       after=BookingDesk.audit_view(arrived)))
    with files.signature_kept(signature_key, checkin.signature_png):   # gone again if refused
        records_db.save(changes)
    log_event("checked_in", order_id=order.id, booking_id=order.booking_id, advisor=actor,
              comeback_of=order.comeback_of)
    # the answer from what was just written: the order's history is its "opened" entry
    subject = audit_rules.subject(audit_rules.ORDER, order.id)
    return order_view(order.id, staff, replace(order, version=records_db.saved_version(None)),
                      history=[e for e in reversed(audit) if e.subject == subject], vehicle=vehicle)


# ---- the order -------------------------------------------------------------------

def load_order(order_id: str) -> ro.RepairOrder:
    order = records_db.get_order(order_id)
    if order is None:
        raise NotFound(ro.ORDER_NOT_FOUND, code="order_not_found")
    return order


def _line_view(line: ro.Line) -> dict[str, Any]:
    return {"id": line.id, "kind": line.kind, "code": line.code,
            "description": line.description, "quantity": decimal_text(line.quantity),
            "unit_price": yuan(line.unit_price_fen), "amount": yuan(line.amount_fen),
            "pay_type": line.pay_type, "status": line.status, "additional": line.additional,
            "photos": [files.view_url(k) for k in line.photo_keys],
            "photo_keys": list(line.photo_keys), "decided_at": line.decided_at or None,
            "decided_via": line.decided_via or None, "reason": line.reason or None,
            "discount_by": line.discount_by or None, "labor_line": line.labor_line or None,
            "found_by": line.found_by or None, "to_price": line.to_price}


def _sheet_view(sheet: dict[str, Any]) -> dict[str, Any]:
    view = dict(sheet)
    view["photos"] = [files.view_url(k) for k in sheet.get("photo_keys", [])]
    view["damage"] = [{**m, "photos": [files.view_url(k) for k in m.get("photo_keys", [])]}
                      for m in sheet.get("damage", [])]
    if sheet.get("signature_key"):
        view["signature_url"] = files.view_url(sheet["signature_key"])
    return view


def _approval_view(a: ro.ApprovalRequest) -> dict[str, Any]:
    view = {k: v for k, v in a.to_dict().items() if k not in ("signature_key", "link_code")}
    if a.signature_key:
        view["signature_url"] = files.view_url(a.signature_key)
    return view


def order_view(order_id: str, staff: Staff, order: ro.RepairOrder | None = None, *,
               history: list[AuditEntry] | None = None,
               vehicle: VehicleRecord | None = None) -> dict[str, Any]:
    """The order as ``staff`` reads it: whole for those who read prices; the technician reads
    the job view (``job_view``), in every answer about an order. ``history`` (newest first)
    and ``vehicle``: as just written by the caller, not read again."""
    order = records_db.with_events(order or load_order(order_id))
    if history is None:
        history = audit_db.history(audit_rules.subject(audit_rules.ORDER, order.id))
    if not staff.reads_prices:
        return job_view(order, history)
    settings = current_store().settings
    if vehicle is None or vehicle.id != order.vehicle_id:
        vehicle = records_db.get_vehicle(order.vehicle_id)
    suggested = suggest_promise(order.labour_to_do_minutes, now=store_now(),
                                hours_on=settings.hours_on)
    return {
        **_work_view(order, history, amounts=True),
        "may_add_lines": order.may_add_lines(staff),
        "booking_id": order.booking_id or None,
        "opened_at": order.opened_at.isoformat(), "updated_at": order.updated_at.isoformat(),
        "promise_suggested": suggested.isoformat() if suggested else None,
        "advisor": order.advisor,
        "customer": {"id": order.customer_id, "name": order.customer_name,
                     "phone": staff.phone_view(order.phone),
                     "phone_masked": mask_phone(order.phone)},
        "vehicle": {"id": order.vehicle_id, "plate": order.plate,
                    "model": vehicle.model if vehicle else "", "vin": vehicle.vin if vehicle else ""},
        "lines": [_line_view(ln) for ln in order.lines],
        "estimate": order.estimate(settings.tax_rate).view(),
        "agreed": order.agreed(settings.tax_rate).view(),
        "tax_rate_percent": settings.tax_rate_percent,
        "approvals": [_approval_view(a) for a in order.approvals],
        "pending_approval": order.pending_approval.id if order.pending_approval else None,
        # what the customer decides next in store, job by job (a job's labour and parts as one)
        "approval_items": [work_item_view(item) for item in order.items_to_decide()],
        "reception": _sheet_view(order.reception),
        "recommendations": [r.view() for r in (vehicle.recommendations if vehicle else ())
                            if r.order_id != order.id],
        "findings_to_price": order.findings_to_price,
        "audit": ([e.view() for e in history] if staff.roles & AUDIT_READERS else None),
        "settlement": order.settlement.view() if order.settlement else None,
        "delivery": order.delivery.to_dict() if order.delivery else None,
    }


def _timeline_entry(e: Any, amounts: bool) -> dict[str, Any]:
    """One event of the timeline; with amounts (the order view, never the job view) the
    settlement carries its amount_due change, as in the audit entry."""
    entry = {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "names": e.names}
    if amounts and e.action == "settled" and "amount_due" in (e.changes or {}):
        entry["changes"] = {"amount_due": e.changes["amount_due"]}
    return entry


def _work_view(order: ro.RepairOrder, history: list[Any], amounts: bool = False) -> dict[str, Any]:
    """What every role reads of an order: its state, the promise, the job and its checks."""
    now = store_now()
    worked = order.job.worked_minutes(now)
    next_level = (order.quality.next_level if order.status == ro.QUALITY_CHECK
                  and not order.quality.passed_at else None)
    return {
        "id": order.id, "reference": order.reference, "status": order.status,
        "version": order.version,
        "promised_at": order.promised_at.isoformat() if order.promised_at else None,
        # every event of the order, for every role: who did what, when (时间线)
        "timeline": [_timeline_entry(e, amounts) for e in reversed(history)],
        # the display names of the logins the page shows (technician, clock, finder, who gave a
        # discount): 王师傅
        "names": auth.display_names({order.job.technician, *worked,
                                     *(ln.found_by for ln in order.lines),
                                     *(ln.discount_by for ln in order.lines)},
                                    roles=(TECHNICIAN, *ROLES)),
        "job": {**order.job.to_dict(), "state": order.job.state,
                "pause_reason": order.job.pause_reason or None,
                "worked_minutes": worked,
                "sold_minutes": order.sold_minutes},
        "quality": {**order.quality.to_dict(), "next_level": next_level,
                    "checklist": ws.checklist_view(checklists=current_store().settings.qc_checklists)[next_level] if next_level else None,
                    "records": [_qc_view(r) for r in order.quality.records]},
        "test_drive_required": order.needs_test_drive(current_store().catalogue),
        "wash_wanted": order.wash_wanted, "wash_done_at": order.wash_done_at or None,
        "ready_at": order.ready_at or None,
        "comeback_of": order.comeback_of or None,
        "progress": order.progress,
    }


def job_view(order: ro.RepairOrder, history: list[Any] | None = None) -> dict[str, Any]:
    """The job view (施工视图): what a technician reads of an order, on a phone in the bay. The
    work (no prices), the customer's concern and the advisor's findings, the bay, the promised
    time, the clock and the checks, and the findings reported from the bay; never a price, an
    amount or the customer's mobile."""
    if history is None:
        history = audit_db.history(audit_rules.subject(audit_rules.ORDER, order.id))
    vehicle = records_db.get_vehicle(order.vehicle_id)
    sheet = order.reception
    return {
        **_work_view(order, history), "view": "job",
        "customer": {"name": order.customer_name},
        "vehicle": {"id": order.vehicle_id, "plate": order.plate,
                    "model": vehicle.model if vehicle else "", "vin": vehicle.vin if vehicle else ""},
        "lines": [{"id": ln.id, "kind": ln.kind, "code": ln.code, "description": ln.description,
                   "quantity": decimal_text(ln.quantity), "status": ln.status,
                   "additional": ln.additional, "found_by": ln.found_by or None,
                   "to_price": ln.to_price, "photos": [files.view_url(k) for k in ln.photo_keys]}
                  for ln in order.lines],
        "reception": {"concern": sheet.get("concern") or {}, "findings": sheet.get("findings", ""),
                      "mileage_km": sheet.get("mileage_km"), "fuel_level": sheet.get("fuel_level"),
                      "old_parts": sheet.get("old_parts"), "wash": bool(sheet.get("wash"))},
    }


def _qc_view(record: ws.QcRecord) -> dict[str, Any]:
    view = record.to_dict()
    view.pop("signature_key", None)
    if record.signature_key:
        view["signature_url"] = files.view_url(record.signature_key)
    return view


def orders_of_day(date_text: str | None, scope: str | None, staff: Staff) -> dict[str, Any]:
    from .vehicle_file import order_row
    prices = staff.reads_prices
    if scope == "in_store":   # every car still in the store, oldest first
        return {"scope": "in_store",
                "orders": [order_row(o, prices=prices) for o in records_db.orders_in_store()]}
    if scope not in (None, ""):
        raise ValidationError(_("Unknown scope"), fields={"scope": _("in_store, or a date")})
    day = day_asked(date_text, today=store_now().date())
    return {"date": day.isoformat(),
            "orders": [order_row(o, prices=prices) for o in records_db.orders_opened_on(day)]}


def order_to_change(order_id: str, body: Any) -> ro.RepairOrder:
    """The order a staff change applies to: the body must be an object naming the version it
    was read at (a stale one is 409 ``order_changed``)."""
    require_object(body)
    order = load_order(order_id)
    expect_version(FieldErrors(), body, order.version, kind="order")
    return order


def save_order(old: ro.RepairOrder, new: ro.RepairOrder, *, actor: str, action: str,
               extra: records_db.Changes | None = None, actor_name: str = "",
               names: dict[str, str] | None = None) -> ro.RepairOrder:
    """Write the order with its audit entry (and ``extra``); the order as stored now.
    ``actor_name``, ``names``: the display names the entry keeps (see ``AuditEntry.names``)."""
    changes = extra or records_db.Changes()
    changes.orders.append((new, False))
    changes.audit.append(audit_rules.entry(audit_rules.ORDER, old.id, actor=actor, action=action,
                                           at=clock.now(), before=old.audit_view(),
                                           after=new.audit_view(), actor_name=actor_name,
                                           names=names))
    records_db.save(changes)
    return replace(new, version=records_db.saved_version(old.version))


def _change(order_id: str, body: Any, staff: Staff, action: str, change) -> dict[str, Any]:
    old = order_to_change(order_id, body)
    saved = save_order(old, change(old), actor=staff.username, actor_name=staff.name, action=action)
    return order_view(order_id, staff, saved)


def _line_input(body: Any, staff: Staff) -> ro.LineInput:
    """The line as this person may write it: a discount within their role's limit, and
    photos that were uploaded."""
    ctx = current_store()
    # an operation code or part number of the price book fills what the line leaves out
    body, book_unit_fen = pricebook.line_from_book(body)
    data = ro.parse_line(body, default_rate_fen=ctx.settings.labor_rate_fen,
                         photo_key_ok=photo_key_ok)
    require_uploaded({f"photo_keys.{i}": key for i, key in enumerate(data.photo_keys)})
    return ro.authorise_line(data, staff=staff, settings=ctx.settings, catalogue=ctx.catalogue,
                             book_unit_fen=book_unit_fen)


def add_line(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    data = _line_input(body, staff)
    return _change(order_id, body, staff, "line_added",
                   lambda o: o.add_line(data, now=store_now(), by=staff.username))


def update_line(order_id: str, line_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    data = _line_input(body, staff)
    return _change(order_id, body, staff, "line_changed",
                   lambda o: o.update_line(line_id, data, now=store_now()))


def remove_line(order_id: str, line_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    return _change(order_id, body, staff, "line_removed",
                   lambda o: o.remove_line(line_id, now=store_now()))


def set_promise(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    require_object(body)
    errors = FieldErrors()
    promised = parse_promise(errors, body.get("promised_at"), now=store_now())
    errors.raise_if_any()
    assert promised is not None
    return _change(order_id, body, staff, "promise_set",
                   lambda o: o.set_promised_at(promised, now=store_now()))


def _promise(body: dict[str, Any]) -> datetime | None:
    errors = FieldErrors()
    value = parse_promise(errors, body.get("promised_at"), now=store_now(), required=False)
    errors.raise_if_any()
    return value


def approval_url(order_id: str, request_id: str) -> str:
    cfg = get_config()
    return (f"{cfg.public_base_url}/approve.html?o={order_id}"
            f"&t={sign_approval(cfg.secret_key, order_id, request_id)}")


def send_for_approval(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Send the draft lines to the customer's phone: an SMS with a link to approve each. With
    a request still unanswered and no new line, the same SMS goes again (the customer lost
    it). The link goes to the customer's phone only: staff never hold it."""
    old = order_to_change(order_id, body)
    now = store_now()
    settings = current_store().settings
    if old.pending_approval is not None and not any(ln.status == ro.DRAFT for ln in old.lines):
        return _resend_approval(old, staff, now)
    order, request = old.request_approval(channel=ro.VIA_SMS, promised_at=_promise(body),
                                          now=now, by=staff.username)
    link = ShortLink.new(approval_url(order.id, request.id),
                         expires=now + timedelta(seconds=APPROVAL_MAX_AGE))
    order = order.with_request(replace(request, link_code=link.code))
    message = msg.approval_message(order_id=order.id, request_id=request.id, phone=order.phone,
                                   locale=order.locale, settings=settings, now=now)
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                       action=f"sent_{request.kind}",
                  extra=records_db.Changes(messages=[message], links=[link]))
    log_event("approval_requested", order_id=order.id, request_id=request.id, kind=request.kind,
              lines=len(request.line_ids))
    return order_view(order_id, staff, saved)


def _resend_approval(old: ro.RepairOrder, staff: Staff, now: datetime) -> dict[str, Any]:
    order, request = old.resend_approval(now=now)
    message = msg.approval_message(order_id=order.id, request_id=request.id, phone=order.phone,
                                   locale=order.locale, settings=current_store().settings,
                                   now=now, resend=request.resent)
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                       action=f"resent_{request.kind}",
                       extra=records_db.Changes(messages=[message]))
    log_event("approval_resent", order_id=order.id, request_id=request.id, resent=request.resent)
    return order_view(order.id, staff, saved)


def resend_order_link(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """The customer's order link (progress, report, survey) by SMS again, to their phone only."""
    old = order_to_change(order_id, body)
    if old.status == ro.CANCELLED:
        raise Conflict(_("This order was cancelled"), code="invalid_transition",
                       fields={"status": _("the order is %(status)s",
                                           status=ro.STATUS_NAMES[old.status])})
    now = store_now()
    message, link = order_message(old, msg.ORDER_LINK, now=now, due=now,
                                  message_id=f"{old.id}.{msg.ORDER_LINK}.{now:%Y%m%d%H%M%S}")
    saved = save_order(old, replace(old, updated_at=now), actor=staff.username, actor_name=staff.name,
                       action="order_link_resent",
                       extra=records_db.Changes(messages=[message], links=[link]))
    log_event("order_link_resent", order_id=old.id)
    return order_view(order_id, staff, saved)


def _decisions(body: dict[str, Any]) -> dict[str, str]:
    raw = body.get("decisions")
    if not isinstance(raw, dict) or not raw:
        raise ValidationError(_("Decide on each line"), fields={
            "decisions": _("required: {line_id: approved | declined}")})
    return {str(k): v for k, v in raw.items()}


def _decided_changes(decided: ro.Decided, old: ro.RepairOrder, now: datetime) -> records_db.Changes:
    """Declined lines go to the vehicle's file as recommendations, offered at the next visit."""
    changes = records_db.Changes()
    if decided.declined:
        vehicle = records_db.get_vehicle(old.vehicle_id)
        if vehicle is not None:
            recs = tuple(
                Recommendation(description=ln.description, order_id=old.id,
                               order_reference=old.reference, declined_at=now.isoformat(),
                               amount_fen=ln.amount_fen) for ln in decided.declined)
            changes.vehicles.append((care.refreshed(vehicle.recommend(recs, now),  # care
                                                    today=now.date()), False))
    return changes


def approve_in_store(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """The customer decides at the desk and signs on the tablet (the pending request, or
    every draft line)."""
    old = order_to_change(order_id, body)
    errors = FieldErrors()
    png = decode_signature(errors, "signature", body.get("signature"))
    errors.raise_if_any()
    now = store_now()
    order, request = old, old.pending_approval
    if request is None:
        order, request = old.request_approval(channel=ro.VIA_IN_STORE, promised_at=_promise(body),
                                              now=now, by=staff.username)
    key = files.signature_key("approval", order.id, now.date(), request.id)
    decided = order.decide(request.id, _decisions(body), now=now, via=ro.VIA_IN_STORE,
                           signature_key=key)
    assert png is not None
    with files.signature_kept(key, png):   # gone again if the order changed meanwhile
        saved = save_order(old, decided.order, actor=staff.username, actor_name=staff.name,
                           action=f"decided_{request.kind}",
                           extra=_decided_changes(decided, old, now))
    return order_view(order_id, staff, saved)


# ---- the customer's approval page -------------------------------------------------

def _authorised(order_id: str, token: str | None) -> tuple[ro.RepairOrder, ro.ApprovalRequest]:
    request_id = check_approval_token(get_config().secret_key, order_id, token)
    order = records_db.get_order(order_id)
    if order is None:
        raise NotFound(ro.ORDER_NOT_FOUND, code="order_not_found")
    return order, order.approval(request_id)


def customer_approval_view(order: ro.RepairOrder, request: ro.ApprovalRequest) -> dict[str, Any]:
    settings = current_store().settings
    in_request = [ln for ln in order.lines if ln.id in request.line_ids]
    agreed = order.agreed(settings.tax_rate)
    if_all = ro.totals([ln for ln in order.lines if ln.status in ro.AGREED] + in_request,
                       settings.tax_rate)
    return {
        "order": {"reference": order.reference, "plate": order.plate,
                  "customer_name": order.customer_name, "status": order.status,
                  "promised_at": order.promised_at.isoformat() if order.promised_at else None},
        "request": {"id": request.id, "kind": request.kind, "status": request.status,
                    "promised_at": request.promised_at, "decided_at": request.decided_at or None},
        "lines": [{**line_view(ln), "photos": [files.view_url(k) for k in ln.photo_keys]}
                  for ln in in_request],
        # the same lines as the jobs the customer decides: one answer per job
        "work_items": [work_item_view(item) for item in order.request_items(request)],
        "tax_rate_percent": settings.tax_rate_percent,
        "agreed_before": agreed.view() if request.kind == ro.ADDITIONAL else None,
        "total_if_all_approved": if_all.view(),
        "total_now": agreed.view(),
        "store": {"name": settings.name, "name_en": settings.name_en, "phone": settings.phone},
    }


def customer_approval(order_id: str, token: str | None) -> dict[str, Any]:
    order, request = _authorised(order_id, token)
    return customer_approval_view(order, request)


def customer_decide(order_id: str, token: str | None, body: Any) -> dict[str, Any]:
    order, request = _authorised(order_id, token)
    require_object(body)
    now = store_now()
    decided = order.decide(request.id, _decisions(body), now=now, via=ro.VIA_SMS)
    saved = save_order(order, decided.order, actor=CUSTOMER_ACTOR, action=f"decided_{request.kind}",
                  extra=_decided_changes(decided, order, now))
    log_event("approval_decided", order_id=order.id, request_id=request.id,
              approved=len(decided.approved), declined=len(decided.declined))
    return customer_approval_view(saved, saved.approval(request.id))


def print_context(order_id: str) -> dict[str, Any]:
    """What the printable check-in sheet and repair order show."""
    order = load_order(order_id)
    settings = current_store().settings
    vehicle = records_db.get_vehicle(order.vehicle_id)
    counted = [ln for ln in order.lines if ln.status in ro.COUNTED]
    return {
        "store": settings, "order": order, "vehicle": vehicle,
        "lines": [_line_view(ln) for ln in counted],
        "declined": [_line_view(ln) for ln in order.lines if ln.status == ro.DECLINED],
        "estimate": order.estimate(settings.tax_rate).view(),
        "agreed": order.agreed(settings.tax_rate).view(),
        "sheet": _sheet_view(order.reception),
        "approvals": [_approval_view(a) for a in order.approvals],
        "tz": settings.tz, "tax_rate": Decimal(settings.tax_rate_percent),
        "invoice_lines": [_line_view(ln) for ln in order.invoice_lines],
        "settlement": order.settlement.view() if order.settlement else None,
        "report": customer_report(order),
    }
