"""The appointment board (预约看板) and what the reception desk does to bookings."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from .. import clock
from ..db import bookings as bookings_db
from ..db import records as records_db
from ..domain import audit as audit_rules
from ..domain.booking import Booking, BookingDesk, parse_reason, require_object
from ..domain.errors import FieldErrors, NotFound, ValidationError
from ..i18n import _
from ..domain.money import yuan
from ..domain.staff import Staff
from ..domain.validation import clean_text, day_asked, expect_version, mask_phone
from . import bookings as booking_service
from .store import current_store, store_now

DESK_CHANNELS = ("phone", "walk_in", "proactive")


def _day(text: str | None) -> date:
    return day_asked(text, today=store_now().date())


def board_row(booking: Booking) -> dict[str, Any]:
    catalogue = current_store().catalogue
    services = [catalogue[c] for c in booking.service_codes if c in catalogue]
    return {
        "id": booking.id, "reference": booking.reference, "status": booking.status,
        "channel": booking.channel, "slot_start": booking.slot_start.isoformat(),
        "slot_end": booking.slot_end.isoformat(),
        "customer": {"name": booking.customer.name, "phone": mask_phone(booking.customer.phone)},
        "vehicle": {"plate": booking.vehicle.plate, "model": booking.vehicle.model},
        "services": [{"code": s.code, "name": s.name, "name_en": s.name_en} for s in services],
        "estimate": yuan(sum(s.price_estimate_fen for s in services)),
        "concern": booking.concern, "transport": booking.transport,
        "advisor": booking.advisor, "technician": booking.technician,
        "parts_ready": booking.parts_ready, "reason": booking.cancel_reason or None,
        "order_id": booking.order_id or None, "version": booking.version,
    }


def board(date_text: str | None) -> dict[str, Any]:
    """One day's bookings by slot, with counts per status: one query."""
    day = _day(date_text)
    bookings = bookings_db.day_bookings(day)
    counts: dict[str, int] = {}
    for b in bookings:
        counts[b.status] = counts.get(b.status, 0) + 1
    return {"date": day.isoformat(), "bookings": [board_row(b) for b in bookings],
            "counts": counts,
            "generated_at": store_now().isoformat()}


def _load(booking_id: str) -> Booking:
    booking = bookings_db.get_booking(booking_id)
    if booking is None:
        raise NotFound(_("Booking not found"), code="booking_not_found")
    return booking


def _expect_version(booking: Booking, body: dict[str, Any]) -> None:
    """The board sends the version it showed: a stale board must reload, not overwrite."""
    expect_version(FieldErrors(), body, booking.version, kind="booking", required=False)


def _save(old: Booking, new: Booking, staff: Staff, action: str) -> dict[str, Any]:
    if new == old:
        return board_row(old)
    now = clock.now()
    entry = audit_rules.entry(audit_rules.BOOKING, old.id, actor=staff.username, actor_name=staff.name,
                              action=action,
                              at=now, before=BookingDesk.audit_view(old),
                              after=BookingDesk.audit_view(new))
    records_db.save(records_db.Changes(bookings=[new], audit=[entry]))
    return board_row(replace(new, version=records_db.saved_version(old.version)))


def prepare(booking_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Assign the advisor, pre-assign a technician (预派工), mark parts ready (备件)."""
    require_object(body)
    booking = _load(booking_id)
    _expect_version(booking, body)
    errors = FieldErrors()
    advisor = technician = parts = None
    if "advisor" in body:
        advisor = clean_text(errors, "advisor", body["advisor"], max_len=64)
    if "technician" in body:
        technician = clean_text(errors, "technician", body["technician"], max_len=64)
    if "parts_ready" in body:
        if not isinstance(body["parts_ready"], bool):
            errors.add("parts_ready", _("must be true or false"))
        else:
            parts = body["parts_ready"]
    if advisor is None and technician is None and parts is None and not errors.fields:
        errors.add("body", _("nothing to change: advisor, technician or parts_ready"))
    errors.raise_if_any()
    new = BookingDesk.prepare(booking, advisor=advisor, technician=technician, parts_ready=parts,
                              now=clock.now(), by=staff.username)
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
    return {**answer, "booking": board_row(_load(created["id"]))}


def booking_detail(booking_id: str, staff: Staff) -> dict[str, Any]:
    booking = _load(booking_id)
    row = board_row(booking)
    row["customer"]["phone_full"] = staff.full_phone(booking.customer.phone)
    row["vehicle"].update({"vin": booking.vehicle.vin, "mileage_km": booking.vehicle.mileage_km})
    row["history"] = booking.history
    return row
