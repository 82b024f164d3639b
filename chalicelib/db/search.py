"""Search keys (检索键): what the desk may type to find a car, a customer or a booking.

A search is one query on the text typed, never a scan: each record holds one ``SearchItem``
per text that finds it, written in the transaction that writes the record (``records.save``
for customers and vehicles, ``bookings.create_booking`` and ``reschedule_booking`` for
bookings), and the record keeps the list of its keys so a correction deletes the keys it
gave up in that same transaction.

The keys of a record, all in ``search_text`` form (no spaces or punctuation, upper case):

- a plate: every run of 3 or more of its characters (粤A12345 -> 粤A1, A12345, 1234, 345...),
  so a plate is found without its province character or from its middle;
- a VIN: whole, and its last 6 and 8 characters (车架号后六位 / 后八位);
- a name: whole, and its first 2 to 10 characters (王建国 -> 王建, 王建国);
- a mobile: whole (E.164) and its last 4 digits (手机尾号), never a prefix.

A booking's keys expire ``BOOKING_KEPT`` after its visit (TTL): the desk finds a booking not
yet checked in, or one lost lately, while customers and cars stay findable for good.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from ..domain.booking import Booking
from ..domain.vehicles import CustomerRecord, VehicleRecord, search_text
from . import bind
from .models import SearchItem
from .tx import Tx

PLATE_PART = 3            # the fewest characters of a plate, in a row, that find it
NAME_PART = 2             # a name is found whole or by its first 2 ...
NAME_PART_MAX = 10        # ... to 10 characters
VIN_TAILS = (6, 8)
BOOKING_KEPT = timedelta(days=60)

VEHICLE = "vehicle"
CUSTOMER = "customer"
BOOKING = "booking"


def plate_keys(plate: str) -> set[str]:
    text = search_text(plate)
    return {text[i:j] for i in range(len(text))
            for j in range(i + PLATE_PART, len(text) + 1)}


def vin_keys(vin: str) -> set[str]:
    text = search_text(vin)
    return {text, *(text[-n:] for n in VIN_TAILS)} if text else set()


def name_keys(name: str) -> set[str]:
    text = search_text(name)
    if not text:
        return set()
    return {text} | {text[:n] for n in range(NAME_PART, min(len(text), NAME_PART_MAX) + 1)}


def phone_keys(e164: str) -> set[str]:
    return {e164, e164[-4:]} if e164 else set()


def customer_keys(customer: CustomerRecord) -> set[str]:
    return name_keys(customer.name) | phone_keys(customer.phone)


def vehicle_keys(vehicle: VehicleRecord) -> set[str]:
    return plate_keys(vehicle.plate) | vin_keys(vehicle.vin)


def booking_keys(booking: Booking) -> set[str]:
    return (plate_keys(booking.vehicle.plate) | vin_keys(booking.vehicle.vin)
            | name_keys(booking.customer.name) | phone_keys(booking.customer.phone))


def booking_expiry(booking: Booking) -> datetime:
    return booking.slot_end + BOOKING_KEPT


def ref(kind: str, record_id: str) -> str:
    return f"{kind}#{record_id}"


def write(tx: Tx, kind: str, record_id: str, keys: Iterable[str], *, old: Iterable[str] = (),
          expires: datetime | None = None, refresh: bool = False) -> None:
    """In ``tx``: put the keys the record has and did not have (every one with ``refresh``,
    e.g. for a new expiry), delete those it had and gave up."""
    keys, old = set(keys), set(old)
    target = ref(kind, record_id)
    for key in sorted(keys if refresh else keys - old):
        tx.save("search", SearchItem(key, target, expires=expires))
    for key in sorted(old - keys):
        tx.delete("search", SearchItem(key, target))


def find(key: str, limit: int) -> list[tuple[str, str]]:
    """(kind, id) of the records ``key`` finds: one query; vehicles first, then customers,
    then bookings."""
    bind()
    return [tuple(item.ref.split("#", 1)) for item in SearchItem.query(
        key, scan_index_forward=False, limit=limit)]
