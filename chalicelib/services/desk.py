"""The appointment board (预约看板) and what the reception desk does to bookings: prepare,
confirm, the confirmation calls (预约确认电话), cancel and reschedule on the customer's word,
no-shows, bookings taken by phone or for a walk-in."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from .. import clock
from ..db import bookings as bookings_db
from ..db import records as records_db
from ..domain import audit as audit_rules
from ..domain.booking import (ACTIVE, BOOKED, CALL_CANCELLED, CALL_CONFIRMED, CALL_RESCHEDULED,
                              Booking, BookingDesk, parse_call, parse_lost_reason, parse_reason,
                              require_object)
from ..domain.errors import FieldErrors, NotFound, ValidationError
from ..i18n import _
from ..domain.money import yuan
from ..domain.slots import Slot
from ..domain.staff import ADVISOR, TECHNICIAN, Staff
from ..domain.validation import (LOGIN_MAX, clean_text, day_asked, expect_version, mask_phone,
                                 parse_instant)
from . import auth
from . import bookings as booking_service
from .store import current_store, store_now

DESK_CHANNELS = ("phone", "walk_in", "proactive")


def _day(text: str | None, default: date | None = None) -> date:
    today = store_now().date()
    return day_asked(text, today=today) if text else (default or today)


def _technician_names() -> dict[str, str]:
    """The store's technicians by login: their display names (钱师傅), as on the dispatch board."""
    return {t["username"]: t["name"] for t in auth.staff_in_role(TECHNICIAN)}


def _advisor_names() -> dict[str, str]:
    """The store's service advisors by login: their display names (张顾问)."""
    return {a["username"]: a["name"] for a in auth.staff_in_role(ADVISOR)}


def advisor_name(booking: Booking) -> str:
    """The display name of the booking's advisor: the one recorded when they were assigned,
    else (a booking written before names were recorded) the store's directory, cached."""
    if not booking.advisor or booking.advisor_name:
        return booking.advisor_name
    return _advisor_names().get(booking.advisor, "")


def board_row(booking: Booking, staff: Staff | None = None,
              technicians: dict[str, str] | None = None) -> dict[str, Any]:
    """A booking as the desk sees it. The mobile is masked; ``phone_full`` is the whole number
    for the roles that phone customers (a call link), None for the others."""
    catalogue = current_store().catalogue
    services = [catalogue[c] for c in booking.service_codes if c in catalogue]
    phone = booking.customer.phone
    names = technicians if technicians is not None else (
        _technician_names() if booking.technician else {})
    return {
        "id": booking.id, "reference": booking.reference, "status": booking.status,
        "channel": booking.channel, "slot_start": booking.slot_start.isoformat(),
        "slot_end": booking.slot_end.isoformat(),
        "customer": {"name": booking.customer.name, "phone": mask_phone(phone),
                     "phone_full": staff.full_phone(phone) if staff else None},
        "vehicle": {"plate": booking.vehicle.plate, "model": booking.vehicle.model,
                    "mileage_km": booking.vehicle.mileage_km},
        "services": [{"code": s.code, "name": s.name, "name_en": s.name_en} for s in services],
        "estimate": yuan(sum(s.price_estimate_fen for s in services)),
        "concern": booking.concern, "transport": booking.transport, "note": booking.note,
        "advisor": booking.advisor, "advisor_name": advisor_name(booking),
        "technician": booking.technician,
        "technician_name": names.get(booking.technician, booking.technician),
        "parts_ready": booking.parts_ready, "reason": booking.cancel_reason or None,
        "lost_reason": booking.lost_reason or None, "lost_note": booking.lost_note or None,
        "calls": [dict(c) for c in booking.calls],
        "order_id": booking.order_id or None, "version": booking.version,
    }


def board(date_text: str | None, staff: Staff) -> dict[str, Any]:
    """One day's bookings by slot, with counts per status: one query."""
    day = _day(date_text)
    bookings = bookings_db.day_bookings(day)
    counts: dict[str, int] = {}
    for b in bookings:
        counts[b.status] = counts.get(b.status, 0) + 1
    names = _technician_names()
    return {"date": day.isoformat(),
            "bookings": [board_row(b, staff, names) for b in bookings],
            "counts": counts, "generated_at": store_now().isoformat()}


def call_list(date_text: str | None, staff: Staff) -> dict[str, Any]:
    """The confirmation calls to make (预约确认): the day's bookings not yet confirmed,
    tomorrow's unless asked; one query on the board's index. A call not answered leaves the
    booking on the list, its attempts counted."""
    day = _day(date_text, default=store_now().date() + timedelta(days=1))
    bookings = [b for b in bookings_db.day_bookings(day) if b.status == BOOKED]
    names = _technician_names()
    return {"date": day.isoformat(), "bookings": [board_row(b, staff, names) for b in bookings],
            "recalls": _recalls(staff, names),
            "generated_at": store_now().isoformat()}


# ---- store settings (issue 13): bookings a settings change stranded ----
def _recalls(staff: Staff, names: dict[str, str]) -> list[dict[str, Any]]:
    """The bookings a settings change left without a place, whatever their day, with the
    reason: still expected, at the time they were stranded at, and not called since."""
    from . import settings as settings_service
    from ..domain.settings import REASONS
    from ..i18n import current_language, render
    entries = settings_service.recall_rows(clock.now())
    if not entries:
        return []
    found = {b.id: b for b in bookings_db.get_bookings([k for k, _v in entries])}
    rows = []
    for booking_id, entry in entries:
        b = found.get(booking_id)
        if (b is None or b.status not in ACTIVE or b.slot_start.isoformat() != entry["slot_start"]
                or any(c.get("at", "") > entry["at"] for c in b.calls)):
            continue
        rows.append({**board_row(b, staff, names),
                     "recall": {"reason": entry["reason"], "at": entry["at"],
                                "reason_text": render(REASONS[entry["reason"]],
                                                      current_language())}})
    return rows


def _load(booking_id: str) -> Booking:
    booking = bookings_db.get_booking(booking_id)
    if booking is None:
        raise NotFound(_("Booking not found"), code="booking_not_found")
    return booking


def _expect_version(booking: Booking, body: dict[str, Any], errors: FieldErrors | None = None,
                    *, required: bool = False) -> None:
    """The board sends the version it showed: a stale board must reload, not overwrite."""
    expect_version(errors or FieldErrors(), body, booking.version, kind="booking",
                   required=required)


def _saved(booking_id: str, staff: Staff) -> dict[str, Any]:
    return board_row(_load(booking_id), staff)


def _save(old: Booking, new: Booking, staff: Staff, action: str) -> dict[str, Any]:
    if new == old:
        return board_row(old, staff)
    now = clock.now()
    entry = audit_rules.entry(audit_rules.BOOKING, old.id, actor=staff.username, actor_name=staff.name,
                              action=action,
                              at=now, before=BookingDesk.audit_view(old),
                              after=BookingDesk.audit_view(new))
    records_db.save(records_db.Changes(bookings=[new], audit=[entry]))
    return board_row(replace(new, version=records_db.saved_version(old.version)), staff)


def prepare(booking_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Assign the advisor, pre-assign one of the store's technicians (预派工), mark parts
    ready (备件)."""
    require_object(body)
    booking = _load(booking_id)
    _expect_version(booking, body)
    errors = FieldErrors()
    advisor = technician = parts = None
    if "advisor" in body:
        advisor = clean_text(errors, "advisor", body["advisor"], max_len=LOGIN_MAX)
    if "technician" in body:
        technician = clean_text(errors, "technician", body["technician"], max_len=LOGIN_MAX)
        if technician and technician not in _technician_names():
            errors.add("technician", _("not a technician of this store"))
    name = ""
    if advisor:
        name = staff.name if advisor == staff.username else _advisor_names().get(advisor, "")
        if not name:
            errors.add("advisor", _("not a service advisor of this store"))
    if "parts_ready" in body:
        if not isinstance(body["parts_ready"], bool):
            errors.add("parts_ready", _("must be true or false"))
        else:
            parts = body["parts_ready"]
    if advisor is None and technician is None and parts is None and not errors.fields:
        errors.add("body", _("nothing to change: advisor, technician or parts_ready"))
    errors.raise_if_any()
    new = BookingDesk.prepare(booking, advisor=advisor, technician=technician, parts_ready=parts,
                              now=clock.now(), by=staff.username, advisor_name=name)
    return _save(booking, new, staff, "prepared")


def confirm(booking_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    booking = _load(booking_id)
    _expect_version(booking, body if isinstance(body, dict) else {})
    new = BookingDesk.confirm(booking, now=clock.now(), by=staff.username)
    return _save(booking, new, staff, "confirmed")


def no_show(booking_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    reason = parse_reason(body)
    booking = _load(booking_id)
    _expect_version(booking, body)
    new = BookingDesk.no_show(booking, reason=reason, now=clock.now(), by=staff.username)
    return _save(booking, new, staff, "no_show")


def cancel(booking_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """The customer cancels on the phone: the lost-booking reason (战败原因) and a note; the
    capacity released and the same SMS as a cancellation through the customer's link."""
    require_object(body)
    booking = _load(booking_id)
    errors = FieldErrors()
    lost = parse_lost_reason(errors, body)
    _expect_version(booking, body, errors, required=True)
    now = clock.now()
    new = BookingDesk.cancel(booking, lost=lost, now=now, by=staff.username)
    booking_service.write_cancel(booking, new, actor=staff.username, now=now)
    return _saved(booking_id, staff)


def _move(booking: Booking, start: datetime, staff: Staff) -> Booking:
    """The booking moved to the slot beginning at ``start``, as the desk may book it."""
    now = clock.now()
    booking.ensure_expected()
    slot = booking_service.bookable_slot(current_store().settings, start, now, desk=True)
    return booking.moved(slot_start=slot.start, slot_end=slot.end, now=now, by=staff.username)


def reschedule(booking_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """The customer asks for another time on the phone: moved with its capacity, and the same
    SMS as a move through the customer's link (the desk has no limit of moves)."""
    require_object(body)
    booking = _load(booking_id)
    errors = FieldErrors()
    start = parse_instant(errors, "slot_start", body.get("slot_start"), now=clock.now())
    _expect_version(booking, body, errors, required=True)
    assert start is not None
    _write_move(booking, _move(booking, start, staff), staff)
    return _saved(booking_id, staff)


def _write_move(old: Booking, new: Booking, staff: Staff) -> None:
    slot = Slot(new.slot_start, new.slot_end)
    booking_service.write_move(old, new, slot, actor=staff.username, now=clock.now(), desk=True)


def record_call(booking_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """A confirmation call made: its outcome kept on the booking, and what it came to done in
    the same write: confirmed, not reached (stays on the list to try again), rescheduled
    (moved to the time agreed, which the customer has just confirmed) or cancelled (with the
    lost-booking reason)."""
    require_object(body)
    booking = _load(booking_id)
    now = clock.now()
    call = parse_call(body, now=now)
    _expect_version(booking, body, required=True)
    called = BookingDesk.record_call(booking, call=call, now=now, by=staff.username)
    if call.outcome == CALL_CONFIRMED:
        new = BookingDesk.confirm(called, now=now, by=staff.username)
        return _save(booking, new, staff, "confirmed")
    if call.outcome == CALL_CANCELLED:
        assert call.lost is not None
        new = BookingDesk.cancel(called, lost=call.lost, now=now, by=staff.username)
        booking_service.write_cancel(booking, new, actor=staff.username, now=now)
        return _saved(booking_id, staff)
    if call.outcome == CALL_RESCHEDULED:
        assert call.slot_start is not None
        moved = _move(called, call.slot_start, staff)
        new = BookingDesk.confirm(moved, now=now, by=staff.username)
        _write_move(booking, new, staff)
        return _saved(booking_id, staff)
    return _save(booking, called, staff, "called")


def desk_slots(date_text: str | None, services_text: str | None,
               channel_text: str | None) -> dict[str, Any]:
    """The desk's slot picker: as the booking site's, for a phone or walk-in booking."""
    channel = channel_text or "phone"
    if channel not in DESK_CHANNELS:
        raise ValidationError(_("Unknown channel"), fields={
            "channel": _("must be one of: %(choices)s", choices=", ".join(DESK_CHANNELS))})
    return booking_service.slots_for(date_text, services_text, channel=channel)


def desk_booking(body: Any, staff: Staff, idempotency_key: str | None) -> dict[str, Any]:
    """A booking taken by phone, for a walk-in, or made proactively: same capacity rules."""
    require_object(body)
    channel = body.get("channel", "phone")
    if channel not in DESK_CHANNELS:
        raise ValidationError(_("Unknown channel"), fields={
            "channel": _("must be one of: %(choices)s", choices=", ".join(DESK_CHANNELS))})
    fields = {k: v for k, v in body.items() if k != "channel"}
    created = booking_service.create_booking(fields, idempotency_key=idempotency_key,
                                             channel=channel, staff=staff)
    # the customer's manage link goes to their phone in the confirmation SMS, not to staff
    answer = {k: v for k, v in created.items() if k != "manage_url"}
    return {**answer, "booking": board_row(_load(created["id"]), staff)}


def booking_detail(booking_id: str, staff: Staff) -> dict[str, Any]:
    booking = _load(booking_id)
    row = board_row(booking, staff)
    row["vehicle"].update({"vin": booking.vehicle.vin, "mileage_km": booking.vehicle.mileage_km})
    row["history"] = booking.history
    return row
