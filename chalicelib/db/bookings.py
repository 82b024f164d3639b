"""Bookings and the capacity counters they take, written in one transaction each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone


from ..domain.booking import ACTIVE, Booking, Customer, Vehicle
from ..domain.care import Invitation
from ..domain.audit import AuditEntry
from ..domain.errors import Conflict
from ..i18n import _
from ..domain.messages import OutboxMessage
from ..domain.slots import DAY_KEY
from ..domain.verification import Proof
from . import bind, get_item
from . import care as care_db
from . import search as search_db
from . import verifications as verifications_db
from .audit import to_item as audit_item
from .capacity import day_usage  # noqa: F401  (read here by the booking use cases)
from .links import ShortLink
from .models import BookingItem, CapacityItem, IdempotencyItem, LinkItem
from .outbox import to_item as outbox_item
from .timefmt import parse
from .tx import Cancelled, Tx, commit
from .verifications import VerificationRejected
from . import store as store_db   # store settings: a booking holds only with the settings it used

PLATES_PREFIX = "plates#"  # capacity partition holding one marker per car booked that day


class CapacityExhausted(Exception):
    """The slot (``which == "slot"``) or the day's labour hours (``"day"``) are full."""

    def __init__(self, which: str):
        super().__init__(which)
        self.which = which


class AlreadyBooked(Exception):
    """The same car already has a booking that day."""


class IdempotencyReplay(Exception):
    def __init__(self, booking_id: str, request_hash: str):
        super().__init__(booking_id)
        self.booking_id = booking_id
        self.request_hash = request_hash


@dataclass(frozen=True)
class Idempotency:
    key: str
    request_hash: str
    expires: datetime


@dataclass(frozen=True)
class SlotTake:
    """What one booking takes: a place in a slot, labour minutes of its day,
    and its car's one booking that day."""
    day: date
    slot_key: str
    labor_minutes: int
    plate: str = ""


@dataclass(frozen=True)
class Limits:
    slot_capacity: int
    labor_minutes_per_day: int


# ---- reads ---------------------------------------------------------------

def day_bookings(day: date) -> list[Booking]:
    """The bookings of one day in slot order (appointment board): one query on ``by_date``."""
    bind()
    return [to_booking(item) for item in BookingItem.by_date.query(day.isoformat())]


def bookings_of_phone(phone: str, limit: int = 50) -> list[Booking]:
    """A customer's bookings, newest first: one query on ``by_phone``."""
    bind()
    return [to_booking(item) for item in BookingItem.by_phone.query(
        phone, scan_index_forward=False, limit=limit)]


def upcoming_bookings_of_phone(phone: str, *, after: datetime, created_since: datetime) -> int:
    """How many still-active bookings of ``phone`` begin after ``after``: one query on
    ``by_phone``, over the bookings made since ``created_since`` only (older ones cannot be
    active any more), the status filtered by DynamoDB, the time here."""
    bind()
    return sum(1 for item in BookingItem.by_phone.query(
        phone, BookingItem.created_at >= created_since.astimezone(timezone.utc).isoformat(),
        filter_condition=BookingItem.status.is_in(*ACTIVE))
        if parse(item.slot_start) > after)


def get_booking(booking_id: str) -> Booking | None:
    return get_item(BookingItem, booking_id, to_booking)


def get_bookings(ids: list[str]) -> list[Booking]:
    """Bookings by id (one batch read), in the order of ``ids``."""
    if not ids:
        return []
    bind()
    found = {item.booking_id: to_booking(item)
             for item in BookingItem.batch_get(ids, consistent_read=True)}
    return [found[i] for i in ids if i in found]


def find_idempotent(key: str) -> tuple[str, str] | None:
    """(booking_id, request_hash) first stored under ``key``."""
    return get_item(IdempotencyItem, key, lambda item: (item.booking_id, item.request_hash))


# ---- writes --------------------------------------------------------------

def create_booking(booking: Booking, *, take: SlotTake, limits: Limits,
                   messages: list[OutboxMessage], link: ShortLink,
                   idempotency: Idempotency | None, audit: list[AuditEntry] = (),
                   verification: Proof | None = None, settings=None,
                   invitation: Invitation | None = None,
                   consent: tuple[str, bool, str, str] | None = None) -> None:
    """Write the booking, its messages and link, and take its capacity: all or nothing.
    With ``invitation`` (issue 15), the invitation it was booked from, booked (on its version)
    and its source's ``booked`` counted; with ``consent`` (phone, marketing?, source, by), the
    customer's marketing consent.
    With ``verification``, the phone's code is consumed in the same transaction. With
    ``settings``, it holds only if the store profile is still at their version
    (``store_db.SettingsChanged`` otherwise: retry with fresh settings)."""
    item = to_item(booking)
    item.message_ids = [m.message_id for m in messages]
    item.link_code = link.code
    keys = search_db.booking_keys(booking)
    item.search_keys = sorted(keys)

    def build(tx: Tx) -> None:
        tx.save("booking", item, BookingItem.booking_id.does_not_exist())
        search_db.write(tx, search_db.BOOKING, booking.id, keys,
                        expires=search_db.booking_expiry(booking))
        for message in messages:
            tx.save("message", outbox_item(message))
        for entry in audit:
            tx.save("audit", audit_item(entry))
        tx.save("link", link.to_item(), LinkItem.code.does_not_exist())
        if idempotency:
            tx.save("idempotency", IdempotencyItem(
                idempotency.key, request_hash=idempotency.request_hash,
                booking_id=booking.id, expires=idempotency.expires),
                IdempotencyItem.key.does_not_exist())
        _take(tx, take, limits)
        if settings is not None:
            store_db.check_profile(tx, settings)
        if verification is not None:
            verifications_db.consume(tx, verification, booking_id=booking.id,
                                     now=booking.created_at)
        if invitation is not None:   # issue 15 (INVITE): booked from the invitation
            care_db.put_invitation(tx, invitation, new=False)
            care_db.add_stats(tx, invitation.source, booked=1)
        if consent is not None:
            phone, marketing, source, by = consent
            care_db.put_consent(tx, phone, marketing=marketing, source=source, by=by,
                                now=booking.created_at)

    try:
        commit(build)
    except Cancelled as exc:
        if "idempotency" in exc.failed and idempotency:
            found = find_idempotent(idempotency.key)
            if found:
                raise IdempotencyReplay(*found) from None
        if "settings" in exc.failed:
            raise store_db.SettingsChanged() from None
        if "verification" in exc.failed:
            raise VerificationRejected() from None
        _raise_capacity(exc)
        if invitation is not None and f"invitation:{invitation.id}" in exc.failed:
            raise Conflict(_("The invitation was used meanwhile; please try again"),
                           code="invitation_changed") from None
        raise Conflict(NOT_SAVED, code="write_conflict") from None


def reschedule_booking(old: Booking, new: Booking, *, release: SlotTake, take: SlotTake,
                       limits: Limits, messages: list[OutboxMessage],
                       audit: list[AuditEntry] = (), settings=None) -> None:
    """Move a booking to another slot: release the old capacity and take the new one atomically.
    Its search keys are written again, to expire after the new time."""
    item = to_item(new)
    item.message_ids = list(old.message_ids) + [m.message_id for m in messages]
    keys = search_db.booking_keys(new)
    item.search_keys = sorted(keys)

    def build(tx: Tx) -> None:
        tx.save("booking", item, BookingItem.status.is_in(*ACTIVE))
        search_db.write(tx, search_db.BOOKING, new.id, keys, old=old.search_keys,
                        expires=search_db.booking_expiry(new), refresh=True)
        for message in messages:
            tx.save("message", outbox_item(message))
        for entry in audit:
            tx.save("audit", audit_item(entry))
        other_day = release.day != take.day
        _release(tx, release, whole_day=other_day)
        _take(tx, take, limits, whole_day=other_day)
        if settings is not None:
            store_db.check_profile(tx, settings)

    try:
        commit(build)
    except Cancelled as exc:
        if "settings" in exc.failed:
            raise store_db.SettingsChanged() from None
        if "booking" in exc.failed:
            raise _changed() from None
        _raise_capacity(exc)
        raise Conflict(NOT_SAVED, code="write_conflict") from None


def cancel_booking(old: Booking, new: Booking, *, release: SlotTake,
                   messages: list[OutboxMessage], audit: list[AuditEntry] = ()) -> None:
    item = to_item(new)
    item.message_ids = list(old.message_ids) + [m.message_id for m in messages]

    def build(tx: Tx) -> None:
        tx.save("booking", item, BookingItem.status.is_in(*ACTIVE))
        for message in messages:
            tx.save("message", outbox_item(message))
        for entry in audit:
            tx.save("audit", audit_item(entry))
        _release(tx, release)

    try:
        commit(build)
    except Cancelled:
        raise _changed() from None


# ---- helpers -------------------------------------------------------------

def _plate_key(day: date) -> str:
    return f"{PLATES_PREFIX}{day.isoformat()}"


def _take(tx: Tx, take: SlotTake, limits: Limits, whole_day: bool = True) -> None:
    day = take.day.isoformat()
    tx.update("slot", CapacityItem(day, take.slot_key), [CapacityItem.booked.add(1)],
              CapacityItem.booked.does_not_exist() | (CapacityItem.booked < limits.slot_capacity))
    if not whole_day:
        return
    if take.labor_minutes > 0:
        room = limits.labor_minutes_per_day - take.labor_minutes
        if room < 0:
            raise CapacityExhausted("day")
        tx.update("day", CapacityItem(day, DAY_KEY),
                  [CapacityItem.labor_minutes.add(take.labor_minutes)],
                  CapacityItem.labor_minutes.does_not_exist()
                  | (CapacityItem.labor_minutes <= room))
    if take.plate:
        tx.save("plate", CapacityItem(_plate_key(take.day), take.plate),
                CapacityItem.day.does_not_exist())


def _release(tx: Tx, release: SlotTake, whole_day: bool = True) -> None:
    day = release.day.isoformat()
    tx.update("release_slot", CapacityItem(day, release.slot_key), [CapacityItem.booked.add(-1)])
    if not whole_day:
        return
    if release.labor_minutes > 0:
        tx.update("release_day", CapacityItem(day, DAY_KEY),
                  [CapacityItem.labor_minutes.add(-release.labor_minutes)])
    if release.plate:
        tx.delete("release_plate", CapacityItem(_plate_key(release.day), release.plate))


def _raise_capacity(exc: Cancelled) -> None:
    if "plate" in exc.failed:
        raise AlreadyBooked() from None
    if "slot" in exc.failed:
        raise CapacityExhausted("slot") from None
    if "day" in exc.failed:
        raise CapacityExhausted("day") from None


def _changed() -> Conflict:
    return Conflict(_("The booking was changed meanwhile; reload it and try again"),
                    code="booking_changed")


NOT_SAVED = _("The booking could not be saved, please try again")


def to_item(booking: Booking) -> BookingItem:
    item = BookingItem(
        booking.id, reference=booking.reference, status=booking.status,
        channel=booking.channel, customer_name=booking.customer.name,
        phone=booking.customer.phone, plate=booking.vehicle.plate,
        vin=booking.vehicle.vin or None, model=booking.vehicle.model or None,
        mileage_km=booking.vehicle.mileage_km, service_codes=list(booking.service_codes),
        labor_minutes=booking.labor_minutes,
        slot_date=booking.slot_start.date().isoformat(),
        slot_start=booking.slot_start.isoformat(), slot_end=booking.slot_end.isoformat(),
        concern=dict(booking.concern), transport=booking.transport, locale=booking.locale,
        created_at=booking.created_at.isoformat(), updated_at=booking.updated_at.isoformat(),
        revision=booking.revision, cancel_reason=booking.cancel_reason or None,
        advisor=booking.advisor or None, advisor_name=booking.advisor_name or None,
        technician=booking.technician or None,
        parts_ready=booking.parts_ready, order_id=booking.order_id or None,
        history=list(booking.history), message_ids=list(booking.message_ids),
        link_code=booking.link_code or None, note=booking.note or None,
        lost_reason=booking.lost_reason or None, lost_note=booking.lost_note or None,
        calls=list(booking.calls) or None, invitation_id=booking.invitation_id or None,
        search_keys=list(booking.search_keys) if booking.search_keys else None)
    if booking.version is not None:
        item.version = booking.version
    return item


def to_booking(item: BookingItem) -> Booking:
    concern = item.concern.as_dict() if hasattr(item.concern, "as_dict") else dict(item.concern or {})
    return Booking(
        id=item.booking_id, reference=item.reference, status=item.status,
        channel=item.channel, customer=Customer(name=item.customer_name, phone=item.phone),
        vehicle=Vehicle(plate=item.plate, vin=item.vin or "", model=item.model or "",
                        mileage_km=int(item.mileage_km) if item.mileage_km is not None else None),
        service_codes=list(item.service_codes), labor_minutes=int(item.labor_minutes),
        slot_start=parse(item.slot_start), slot_end=parse(item.slot_end),
        concern={k: str(v) for k, v in concern.items()}, transport=item.transport,
        locale=item.locale, created_at=parse(item.created_at), updated_at=parse(item.updated_at),
        revision=int(item.revision or 0), cancel_reason=item.cancel_reason or "",
        advisor=item.advisor or "", advisor_name=item.advisor_name or "",
        technician=item.technician or "",
        parts_ready=bool(item.parts_ready), order_id=item.order_id or "",
        history=list(item.history or []), version=item.version,
        message_ids=tuple(item.message_ids or ()), link_code=item.link_code or "",
        note=item.note or "", lost_reason=item.lost_reason or "",
        lost_note=item.lost_note or "", calls=tuple(item.calls or ()),
        invitation_id=item.invitation_id or "",
        search_keys=tuple(item.search_keys or ()))


def idempotency_expiry(now: datetime) -> datetime:
    return now + timedelta(hours=24)
