"""Booking (预约): what a customer asks for, and the rules for changing it."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from ..i18n import _
from .errors import Conflict, FieldErrors, MalformedRequest, ValidationError
from .store import Service
from .validation import (REQUIRED, clean_choice, clean_int, clean_text, normalize_phone,
                         normalize_plate, normalize_vin, parse_date, parse_instant,
                         required_choice)

TRANSPORTS = ("wait", "drop_off", "loaner", "pickup")        # 等待 / 送修 / 代步车 / 上门取送车
WALK_IN = "walk_in"      # 散客: came in without booking ahead (not 预约)
CHANNELS = ("online", "phone", WALK_IN, "proactive")
CONCERN_FIELDS = ("what", "where", "noise", "frequency", "when")  # 问题 位置 噪音 频率 情景
LOCALES = ("zh-CN", "en")
MAX_SERVICES = 8
# A customer may move a booking this many times through the link; after that the store
# handles it on the phone (each move sends an SMS and moves capacity).
MAX_RESCHEDULES = 3

BOOKED = "booked"          # 已预约
CONFIRMED = "confirmed"    # the customer confirmed (reminder call) 已确认
ARRIVED = "arrived"        # checked in at reception 已到店
NO_SHOW = "no_show"        # did not come: a lost booking (战败) with a reason
CANCELLED = "cancelled"    # a lost booking too, with the customer's reason
STATUSES = (BOOKED, CONFIRMED, ARRIVED, NO_SHOW, CANCELLED)
ACTIVE = (BOOKED, CONFIRMED)   # still expected: may be changed, confirmed, checked in
STATUS_NAMES = {BOOKED: _("booked"), CONFIRMED: _("confirmed"), ARRIVED: _("arrived"),
                NO_SHOW: _("a no-show"), CANCELLED: _("cancelled")}   # as a sentence says it
PHONE_PROBLEM = _("not a mainland China mobile number, e.g. 13800138000")

# Why a booking was lost (战败原因) when the desk cancels it: 时间不合适, 已在他处维修,
# 车辆已出售, 价格原因, 联系不上, 其他 (the note then says what).
LOST_REASONS = ("bad_time", "repaired_elsewhere", "car_sold", "price", "unreachable", "other")
OTHER_REASON = "other"
# What a confirmation call (预约确认电话) came to: 已确认, 未接通 (try again), 改约, 取消.
CALL_CONFIRMED = "confirmed"
CALL_NOT_REACHED = "not_reached"
CALL_RESCHEDULED = "rescheduled"
CALL_CANCELLED = "cancelled"
CALL_OUTCOMES = (CALL_CONFIRMED, CALL_NOT_REACHED, CALL_RESCHEDULED, CALL_CANCELLED)
MAX_CALLS = 20          # calls kept on a booking; a booking nobody reaches 20 times is lost
MAX_NOTE = 200
NAME_MAX = 30       # the customer's name
MODEL_MAX = 40      # the car's model, as the customer writes it
CONCERN_MAX = 200   # each of the concern's five fields
REASON_MAX = 200    # a reason in words (a cancellation, a no-show)

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    """Short reference a customer can read out on the phone: 8 characters, no 0/O/1/I."""
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _i in range(8))


def new_booking_id() -> str:
    return secrets.token_hex(12)


def require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise MalformedRequest(_("The body must be a JSON object"),
                               fields={"body": _("must be an object")})
    return body


SERVICE_CODES = _("a list of service codes")


def parse_service_codes(errors: FieldErrors, raw: Any, catalogue: dict[str, Service],
                        field_name: str = "services") -> list[Service]:
    if isinstance(raw, str):
        raw = [code for code in raw.split(",") if code]
    if not isinstance(raw, list) or not raw:
        errors.add(field_name, _("choose at least one service"))
        return []
    if len(raw) > MAX_SERVICES:
        errors.add(field_name, _("at most %(count)s services", count=MAX_SERVICES))
        return []
    if not all(isinstance(code, str) for code in raw):
        errors.add(field_name, SERVICE_CODES)
        return []
    unknown = [code for code in raw if code not in catalogue]
    if unknown:
        errors.add(field_name, _("unknown service: %(codes)s", codes=", ".join(unknown[:5])[:180]))
        return []
    seen: dict[str, Service] = {}
    for code in raw:
        seen.setdefault(code, catalogue[code])
    return list(seen.values())


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str  # E.164


@dataclass(frozen=True)
class Vehicle:
    plate: str
    vin: str = ""
    model: str = ""
    mileage_km: int | None = None
    sale_date: date | None = None   # known at reception (warranty), not asked when booking


MAX_MILEAGE = 2_000_000
MAX_CAR_AGE = timedelta(days=60 * 365)   # a sale date further back is a typing mistake


def parse_customer(errors: FieldErrors, raw: Any, prefix: str = "customer") -> Customer:
    """Name and mainland mobile (stored in E.164); every problem is added to ``errors``."""
    if not isinstance(raw, dict):
        errors.add(prefix, _("required: an object with name and phone"))
        raw = {}
    name = clean_text(errors, f"{prefix}.name", raw.get("name"), max_len=NAME_MAX, required=True)
    phone = None
    if raw.get("phone") in (None, ""):
        errors.add(f"{prefix}.phone", REQUIRED)
    else:
        phone = normalize_phone(raw.get("phone"))
        if phone is None:
            errors.add(f"{prefix}.phone", PHONE_PROBLEM)
    return Customer(name=name, phone=phone or "")


def parse_vehicle(errors: FieldErrors, raw: Any, prefix: str = "vehicle", *,
                  sale_date_until: date | None = None) -> Vehicle:
    """Plate (required), VIN, model, mileage; with ``sale_date_until`` also the sale date,
    which may not be later than that day."""
    if not isinstance(raw, dict):
        errors.add(prefix, _("required: an object with at least plate"))
        raw = {}
    plate = None
    if raw.get("plate") in (None, ""):
        errors.add(f"{prefix}.plate", REQUIRED)
    else:
        plate = normalize_plate(raw.get("plate"))
        if plate is None:
            errors.add(f"{prefix}.plate", _("not a licence plate, e.g. %(example)s",
                                             example="粤B12345 / 粤BD12345"))
    vin = ""
    if raw.get("vin") not in (None, ""):
        vin = normalize_vin(raw.get("vin")) or ""
        if not vin:
            errors.add(f"{prefix}.vin", _("must be 17 letters or digits, without I, O or Q"))
    model = clean_text(errors, f"{prefix}.model", raw.get("model"), max_len=MODEL_MAX)
    mileage = clean_int(errors, f"{prefix}.mileage_km", raw.get("mileage_km"),
                        low=0, high=MAX_MILEAGE)
    sale_date = None
    if sale_date_until is not None:
        sale_date = parse_date(errors, f"{prefix}.sale_date", raw.get("sale_date"),
                               today=sale_date_until, back=MAX_CAR_AGE, ahead=timedelta(0),
                               required=False)
    return Vehicle(plate=plate or "", vin=vin, model=model, mileage_km=mileage,
                   sale_date=sale_date)


def parse_concern(errors: FieldErrors, raw: Any) -> dict[str, str]:
    """The customer's concern in five fields (问题 位置 噪音 频率 情景), empty ones left out."""
    raw = raw or {}
    concern: dict[str, str] = {}
    if not isinstance(raw, dict):
        errors.add("concern", _("must be an object with what, where, noise, frequency, when"))
        return concern
    for key in raw:
        if key not in CONCERN_FIELDS:
            errors.add(f"concern.{key}", _("unknown field"))
    for key in CONCERN_FIELDS:
        text = clean_text(errors, f"concern.{key}", raw.get(key), max_len=CONCERN_MAX)
        if text:
            concern[key] = text
    return concern


@dataclass(frozen=True)
class BookingRequest:
    """A validated request to book; nothing is reserved yet."""
    customer: Customer
    vehicle: Vehicle
    services: list[Service]
    slot_start: datetime
    concern: dict[str, str]
    transport: str
    channel: str
    locale: str
    note: str = ""          # the desk's note for the visit (电话预约备注)

    @property
    def labor_minutes(self) -> int:
        return sum(s.labor_minutes for s in self.services)


def parse_booking_request(body: Any, catalogue: dict[str, Service], *, now: datetime,
                          channel: str = "online") -> BookingRequest:
    """Validate a booking body (API.md shape); raises ValidationError naming every bad field."""
    errors = FieldErrors()
    require_object(body)
    customer = parse_customer(errors, body.get("customer"))
    vehicle = parse_vehicle(errors, body.get("vehicle"))

    services = parse_service_codes(errors, body.get("services"), catalogue)
    slot_start = parse_instant(errors, "slot_start", body.get("slot_start"), now=now)

    concern = parse_concern(errors, body.get("concern"))

    transport = clean_choice(errors, "transport", body.get("transport"), TRANSPORTS, default="wait")
    locale = clean_choice(errors, "locale", body.get("locale"), LOCALES, default="zh-CN")
    note = clean_text(errors, "note", body.get("note"), max_len=MAX_NOTE)
    errors.raise_if_any()
    assert slot_start is not None
    return BookingRequest(
        customer=customer, vehicle=vehicle, services=services, slot_start=slot_start, concern=concern,
        transport=transport, channel=channel, locale=locale, note=note)


@dataclass(frozen=True)
class Booking:
    id: str
    reference: str
    status: str
    channel: str
    customer: Customer
    vehicle: Vehicle
    service_codes: list[str]
    labor_minutes: int
    slot_start: datetime
    slot_end: datetime
    concern: dict[str, str]
    transport: str
    locale: str
    created_at: datetime
    updated_at: datetime
    revision: int = 0                # bumps on every reschedule
    cancel_reason: str = ""          # lost-booking reason (战败原因): cancelled or no-show
    advisor: str = ""                # assigned service advisor (username)
    advisor_name: str = ""           # their display name (张顾问), recorded when assigned
    technician: str = ""             # pre-assigned technician (预派工)
    parts_ready: bool = False        # parts pre-picked (备件)
    order_id: str = ""               # the repair order opened at check-in
    history: list[dict[str, str]] = field(default_factory=list)
    note: str = ""                   # the desk's note for the visit
    lost_reason: str = ""            # LOST_REASONS: why the desk cancelled it (战败原因)
    lost_note: str = ""              # what the customer said, for the store only
    calls: tuple[dict[str, str], ...] = ()   # confirmation calls: at, by, outcome, note
    invitation_id: str = ""          # booked from a care invitation (邀约, issue 15: INVITE)
    # storage bookkeeping, carried so a later write can check what it read
    version: int | None = None       # optimistic lock
    message_ids: tuple[str, ...] = ()
    link_code: str = ""
    search_keys: tuple[str, ...] = ()   # the search keys written for it (db.search)

    @classmethod
    def from_request(cls, request: BookingRequest, *, slot_end: datetime,
                     now: datetime) -> "Booking":
        return cls(
            id=new_booking_id(), reference=new_reference(), status=BOOKED,
            channel=request.channel, customer=request.customer, vehicle=request.vehicle,
            service_codes=[s.code for s in request.services],
            labor_minutes=request.labor_minutes, slot_start=request.slot_start,
            slot_end=slot_end, concern=request.concern, transport=request.transport,
            locale=request.locale, created_at=now, updated_at=now, note=request.note,
            history=[{"at": now.isoformat(), "event": "booked",
                      "slot_start": request.slot_start.isoformat()}])

    def ensure_changeable(self, now: datetime) -> None:
        """A customer may change a booking until its slot begins, unless it is cancelled."""
        if self.status == CANCELLED:
            raise Conflict(_("This booking is already cancelled"), code="booking_cancelled")
        if self.status not in ACTIVE:
            raise Conflict(_("This booking can no longer be changed online"),
                           code="booking_not_changeable")
        if now >= self.slot_start:
            raise Conflict(_("The appointment time has passed"), code="booking_past")

    def ensure_expected(self) -> None:
        """Still expected (booked or confirmed): the desk may change it."""
        if self.status == CANCELLED:
            raise Conflict(_("This booking is already cancelled"), code="booking_cancelled")
        if self.status not in ACTIVE:
            raise Conflict(_("This booking is %(status)s",
                             status=STATUS_NAMES.get(self.status, self.status)),
                           code="booking_not_active")

    @property
    def reschedules_left(self) -> int:
        return max(0, MAX_RESCHEDULES - self.revision)

    def ensure_reschedulable(self, now: datetime) -> None:
        """Changeable, and not yet moved MAX_RESCHEDULES times (``revision`` counts the moves)."""
        self.ensure_changeable(now)
        if not self.reschedules_left:
            raise Conflict(_("This booking has been moved %(count)s times online; to change it "
                             "again, please call the store", count=MAX_RESCHEDULES),
                           code="too_many_changes",
                           fields={"slot_start": _("moved %(count)s times already: please call "
                                                   "the store", count=MAX_RESCHEDULES)})

    def rescheduled(self, *, slot_start: datetime, slot_end: datetime, now: datetime) -> "Booking":
        """Moved by the customer through the link (at most ``MAX_RESCHEDULES`` times)."""
        self.ensure_reschedulable(now)
        return self.moved(slot_start=slot_start, slot_end=slot_end, now=now)

    def moved(self, *, slot_start: datetime, slot_end: datetime, now: datetime,
              by: str = "") -> "Booking":
        """Moved to another slot; ``by`` the desk: no limit, and also when the customer calls
        late for a time that has begun."""
        if by:
            self.ensure_expected()
        else:
            self.ensure_changeable(now)
        if slot_start == self.slot_start:
            raise ValidationError(_("That is the current time of the booking"),
                                  fields={"slot_start": _("same as the current slot")})
        event = {"at": now.isoformat(), "event": "rescheduled",
                 "from": self.slot_start.isoformat(), "slot_start": slot_start.isoformat()}
        return replace(
            self, slot_start=slot_start, slot_end=slot_end, revision=self.revision + 1,
            updated_at=now, history=_logged(self.history, {**event, "by": by} if by else event))

    def cancelled(self, *, reason: str, now: datetime) -> "Booking":
        self.ensure_changeable(now)
        return replace(
            self, status=CANCELLED, cancel_reason=reason, updated_at=now,
            history=_logged(self.history, {"at": now.isoformat(), "event": "cancelled",
                                                         "reason": reason}))


def oldest_active_created(now: datetime, horizon_days: int) -> datetime:
    """No booking made before this can still be active: each is booked, and may be moved at
    most ``MAX_RESCHEDULES`` times, at most ``horizon_days`` ahead of the moment it is made
    or moved (a day more for the store's time zone)."""
    return now - timedelta(days=(MAX_RESCHEDULES + 1) * horizon_days + 1)


@dataclass(frozen=True)
class LostReason:
    """Why a booking was lost (战败原因): a code of ``LOST_REASONS`` and a note."""
    code: str
    note: str = ""


def parse_lost_reason(errors: FieldErrors, body: dict[str, Any]) -> LostReason:
    code = required_choice(errors, "lost_reason", body.get("lost_reason"), LOST_REASONS,
                           missing=_("required: choose why the booking is lost"))
    note = clean_text(errors, "note", body.get("note"), max_len=MAX_NOTE)
    if code == OTHER_REASON and not note and "note" not in errors.fields:
        errors.add("note", _("required: say why, for the reason 'other'"))
    return LostReason(code=code, note=note)


@dataclass(frozen=True)
class CallRecord:
    """A confirmation call as the desk records it: the outcome, and what goes with it."""
    outcome: str
    note: str = ""
    slot_start: datetime | None = None    # rescheduled: the time agreed
    lost: LostReason | None = None        # cancelled: why


def parse_call(body: Any, *, now: datetime) -> CallRecord:
    errors = FieldErrors()
    require_object(body)
    outcome = required_choice(errors, "outcome", body.get("outcome"), CALL_OUTCOMES,
                              missing=_("required: choose how the call went"))
    slot_start = lost = None
    if outcome == CALL_RESCHEDULED:
        slot_start = parse_instant(errors, "slot_start", body.get("slot_start"), now=now)
    if outcome == CALL_CANCELLED:
        lost = parse_lost_reason(errors, body)
        note = lost.note
    else:
        note = clean_text(errors, "note", body.get("note"), max_len=MAX_NOTE)
    errors.raise_if_any()
    return CallRecord(outcome=outcome, note=note, slot_start=slot_start, lost=lost)


def parse_reason(body: Any) -> str:
    errors = FieldErrors()
    require_object(body)
    reason = clean_text(errors, "reason", body.get("reason"), max_len=REASON_MAX, required=True)
    errors.raise_if_any()
    return reason


HISTORY_LIMIT = 40   # the newest entries the booking keeps (the audit trail keeps every change)


def _logged(history: list[dict[str, str]], entry: dict[str, str]) -> list[dict[str, str]]:
    """``history`` with ``entry`` added, bounded: a booking prepared again and again by the
    desk must not grow without end (DynamoDB's 400 KB per item)."""
    return (history + [entry])[-HISTORY_LIMIT:]


def _event(now: datetime, event: str, by: str, **extra: str) -> dict[str, str]:
    return {"at": now.isoformat(), "event": event, "by": by, **extra}


class BookingDesk:
    """What the reception desk does to a booking (状态流转), in one place."""

    @staticmethod
    def _active(booking: Booking) -> None:
        if booking.status not in ACTIVE:
            raise Conflict(_("This booking is %(status)s",
                             status=STATUS_NAMES.get(booking.status, booking.status)),
                           code="booking_not_active")

    @classmethod
    def confirm(cls, booking: Booking, *, now: datetime, by: str) -> Booking:
        cls._active(booking)
        return replace(booking, status=CONFIRMED, updated_at=now,
                       history=_logged(booking.history, _event(now, "confirmed", by)))

    @classmethod
    def prepare(cls, booking: Booking, *, advisor: str | None, technician: str | None,
                parts_ready: bool | None, now: datetime, by: str,
                advisor_name: str = "") -> Booking:
        cls._active(booking)
        changed = replace(booking,
                          advisor=booking.advisor if advisor is None else advisor,
                          advisor_name=booking.advisor_name if advisor is None else advisor_name,
                          technician=booking.technician if technician is None else technician,
                          parts_ready=booking.parts_ready if parts_ready is None else parts_ready)
        if changed == booking:
            return booking
        return replace(changed, updated_at=now,
                       history=_logged(booking.history, _event(now, "prepared", by)))

    @classmethod
    def no_show(cls, booking: Booking, *, reason: str, now: datetime, by: str) -> Booking:
        cls._active(booking)
        if now < booking.slot_start:
            raise Conflict(_("The appointment has not begun yet"), code="booking_not_due",
                           fields={"reason": _("record a no-show after the booked time")})
        return replace(booking, status=NO_SHOW, cancel_reason=reason, updated_at=now,
                       history=_logged(booking.history,
                                       _event(now, "no_show", by, reason=reason)))

    @classmethod
    def cancel(cls, booking: Booking, *, lost: LostReason, now: datetime, by: str) -> Booking:
        """The customer cancels on the phone (often on the confirmation call): a lost booking
        with its reason; the note stays with the store (the customer's page shows none)."""
        booking.ensure_expected()
        return replace(booking, status=CANCELLED, lost_reason=lost.code, lost_note=lost.note,
                       updated_at=now,
                       history=_logged(booking.history,
                                       _event(now, "cancelled", by, lost_reason=lost.code)))

    @classmethod
    def record_call(cls, booking: Booking, *, call: CallRecord, now: datetime,
                    by: str) -> Booking:
        """A confirmation call made (预约确认), its outcome kept on the booking."""
        cls._active(booking)
        if len(booking.calls) >= MAX_CALLS:
            raise Conflict(_("This booking has been called %(count)s times: cancel it as "
                             "unreachable", count=MAX_CALLS), code="too_many_calls",
                           fields={"outcome": _("called %(count)s times already",
                                                count=MAX_CALLS)})
        entry = {"at": now.isoformat(), "by": by, "outcome": call.outcome, "note": call.note}
        return replace(booking, calls=booking.calls + (entry,), updated_at=now)

    @classmethod
    def arrive(cls, booking: Booking, *, order_id: str, now: datetime, by: str) -> Booking:
        cls._active(booking)
        return replace(booking, status=ARRIVED, order_id=order_id, updated_at=now,
                       history=_logged(booking.history,
                                       _event(now, "arrived", by, order_id=order_id)))

    @staticmethod
    def audit_view(booking: Booking) -> dict[str, Any]:
        last_call = booking.calls[-1] if booking.calls else {}
        return {"status": booking.status, "slot_start": booking.slot_start.isoformat(),
                "advisor": booking.advisor, "technician": booking.technician,
                "parts_ready": booking.parts_ready, "reason": booking.cancel_reason,
                "order_id": booking.order_id, "lost_reason": booking.lost_reason,
                "calls": len(booking.calls), "last_call": last_call.get("outcome", "")}
