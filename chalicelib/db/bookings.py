"""Bookings and the capacity counters they take, written in one transaction each."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.booking import BOOKED, Booking, Customer, Vehicle
from ..domain.errors import Conflict
from ..domain.messages import OutboxMessage
from ..domain.slots import DAY_KEY, DayUsage
from . import bind, connection
from .links import ShortLink
from .models import BookingItem, CapacityItem, IdempotencyItem, LinkItem
from .outbox import to_item as outbox_item
from .timefmt import parse

TRANSACTION_RETRIES = 6


class CapacityExhausted(Exception):
    """The slot (``which == "slot"``) or the day's labour hours (``"day"``) are full."""

    def __init__(self, which: str):
        super().__init__(which)
        self.which = which


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
    """Capacity one booking takes: a place in a slot and labour minutes of its day."""
    day: date
    slot_key: str
    labor_minutes: int


@dataclass(frozen=True)
class Limits:
    slot_capacity: int
    labor_minutes_per_day: int


# ---- reads ---------------------------------------------------------------

def day_usage(day: date) -> DayUsage:
    """Everything booked on ``day``: one query."""
    bind()
    slots: dict[str, int] = {}
    labor = 0
    for item in CapacityItem.query(day.isoformat(), consistent_read=True):
        if item.slot == DAY_KEY:
            labor = int(item.labor_minutes or 0)
        else:
            slots[item.slot] = int(item.booked or 0)
    return DayUsage(slot_booked=slots, labor_minutes=labor)


def get_booking(booking_id: str) -> Booking | None:
    bind()
    try:
        return to_booking(BookingItem.get(booking_id, consistent_read=True))
    except DoesNotExist:
        return None


def find_idempotent(key: str) -> tuple[str, str] | None:
    """(booking_id, request_hash) first stored under ``key``."""
    bind()
    try:
        item = IdempotencyItem.get(key, consistent_read=True)
    except DoesNotExist:
        return None
    return item.booking_id, item.request_hash


# ---- writes --------------------------------------------------------------

def create_booking(booking: Booking, *, take: SlotTake, limits: Limits,
                   messages: list[OutboxMessage], link: ShortLink,
                   idempotency: Idempotency | None) -> None:
    """Write the booking, its messages and link, and take its capacity: all or nothing."""
    item = to_item(booking)
    item.message_ids = [m.message_id for m in messages]
    item.link_code = link.code

    def build(tw: TransactWrite) -> list[str]:
        labels = []
        tw.save(item, condition=BookingItem.booking_id.does_not_exist())
        labels.append("booking")
        for message in messages:
            tw.save(outbox_item(message))
            labels.append("message")
        tw.save(link.to_item(), condition=LinkItem.code.does_not_exist())
        labels.append("link")
        if idempotency:
            tw.save(IdempotencyItem(idempotency.key, request_hash=idempotency.request_hash,
                                    booking_id=booking.id, expires=idempotency.expires),
                    condition=IdempotencyItem.key.does_not_exist())
            labels.append("idempotency")
        labels += _take(tw, take, limits)
        return labels

    try:
        _commit(build)
    except _Cancelled as exc:
        if "idempotency" in exc.failed and idempotency:
            found = find_idempotent(idempotency.key)
            if found:
                raise IdempotencyReplay(*found) from None
        _raise_capacity(exc)
        raise Conflict("The booking could not be saved, please try again",
                       code="write_conflict") from None


def reschedule_booking(old: Booking, new: Booking, *, release: SlotTake, take: SlotTake,
                       limits: Limits, messages: list[OutboxMessage]) -> None:
    """Move a booking to another slot: release the old capacity and take the new one atomically."""
    item = to_item(new)
    item.message_ids = list(old.message_ids) + [m.message_id for m in messages]

    def build(tw: TransactWrite) -> list[str]:
        labels = []
        tw.save(item, condition=BookingItem.status == BOOKED)
        labels.append("booking")
        for message in messages:
            tw.save(outbox_item(message))
            labels.append("message")
        same_day = release.day == take.day
        labels += _release(tw, release, include_day=not same_day)
        labels += _take(tw, take, limits, include_day=not same_day)
        return labels

    try:
        _commit(build)
    except _Cancelled as exc:
        if "booking" in exc.failed:
            raise _changed() from None
        _raise_capacity(exc)
        raise Conflict("The booking could not be saved, please try again",
                       code="write_conflict") from None


def cancel_booking(old: Booking, new: Booking, *, release: SlotTake,
                   messages: list[OutboxMessage]) -> None:
    item = to_item(new)
    item.message_ids = list(old.message_ids) + [m.message_id for m in messages]

    def build(tw: TransactWrite) -> list[str]:
        tw.save(item, condition=BookingItem.status == BOOKED)
        for message in messages:
            tw.save(outbox_item(message))
        return ["booking"] + ["message"] * len(messages) + _release(tw, release)

    try:
        _commit(build)
    except _Cancelled:
        raise _changed() from None


# ---- helpers -------------------------------------------------------------

class _Cancelled(Exception):
    def __init__(self, failed: set[str]):
        super().__init__(", ".join(sorted(failed)))
        self.failed = failed


def _commit(build: Callable[[TransactWrite], list[str]]) -> None:
    """Run a transaction; retry on TransactionConflict; raise _Cancelled naming failed parts.

    ``build`` adds the operations and returns a label per operation, in the
    order DynamoDB reports them (puts, then updates: PynamoDB sends condition
    checks, deletes, puts, updates).
    """
    for attempt in range(TRANSACTION_RETRIES):
        try:
            with TransactWrite(connection=connection()) as tw:
                labels = build(tw)
            return
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons or []
            codes = [(labels[i] if i < len(labels) else "?", r.code)
                     for i, r in enumerate(reasons) if r is not None]
            failed = {label for label, code in codes if code == "ConditionalCheckFailed"}
            if failed:
                raise _Cancelled(failed) from exc
            if any(code == "TransactionConflict" for _, code in codes) \
                    or exc.cause_response_code in ("TransactionConflictException",
                                                    "ThrottlingException"):
                time.sleep(random.uniform(0.01, 0.05) * (2 ** attempt))
                continue
            raise
    raise Conflict("Too many people are booking right now, please try again",
                   code="busy")


def _take(tw: TransactWrite, take: SlotTake, limits: Limits, include_day: bool = True) -> list[str]:
    day = take.day.isoformat()
    tw.update(CapacityItem(day, take.slot_key), actions=[CapacityItem.booked.add(1)],
              condition=CapacityItem.booked.does_not_exist()
              | (CapacityItem.booked < limits.slot_capacity))
    labels = ["slot"]
    if include_day and take.labor_minutes > 0:
        room = limits.labor_minutes_per_day - take.labor_minutes
        if room < 0:
            raise CapacityExhausted("day")
        tw.update(CapacityItem(day, DAY_KEY),
                  actions=[CapacityItem.labor_minutes.add(take.labor_minutes)],
                  condition=CapacityItem.labor_minutes.does_not_exist()
                  | (CapacityItem.labor_minutes <= room))
        labels.append("day")
    return labels


def _release(tw: TransactWrite, release: SlotTake, include_day: bool = True) -> list[str]:
    day = release.day.isoformat()
    tw.update(CapacityItem(day, release.slot_key), actions=[CapacityItem.booked.add(-1)])
    labels = ["release_slot"]
    if include_day and release.labor_minutes > 0:
        tw.update(CapacityItem(day, DAY_KEY),
                  actions=[CapacityItem.labor_minutes.add(-release.labor_minutes)])
        labels.append("release_day")
    return labels


def _raise_capacity(exc: _Cancelled) -> None:
    if "slot" in exc.failed:
        raise CapacityExhausted("slot") from None
    if "day" in exc.failed:
        raise CapacityExhausted("day") from None


def _changed() -> Conflict:
    return Conflict("The booking was changed meanwhile; reload it and try again",
                    code="booking_changed")


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
        history=list(booking.history), message_ids=list(booking.message_ids),
        link_code=booking.link_code or None)
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
        history=list(item.history or []), version=item.version,
        message_ids=tuple(item.message_ids or ()), link_code=item.link_code or "")


def idempotency_expiry(now: datetime) -> datetime:
    return now + timedelta(hours=24)
