"""Reception (接车): the walk-around (环车检查) and the check-in sheet the customer signs.

The customer's concern (in their words, five fields) is kept apart from the
advisor's findings. Damage is marked on zones of a car diagram.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Collection

from ..i18n import _
from .booking import (MAX_MILEAGE, SERVICE_CODES, Customer, Vehicle, parse_concern,
                      parse_customer, parse_vehicle, require_object)
from .errors import FieldErrors
from .files import NOT_A_PHOTO, decode_signature, photo_key_ok, photo_list_problem
from .validation import (ID_MAX, LOGIN_MAX, clean_choice, clean_int, clean_text, parse_instant,
                         required_choice)

FUEL_LEVELS = ("empty", "quarter", "half", "three_quarters", "full")
DAMAGE_KINDS = ("scratch", "dent", "crack", "other")          # 划痕 凹陷 裂纹 其他
ZONES = ("front_bumper", "hood", "windshield", "roof", "rear_window", "trunk", "rear_bumper",
         "left_front_fender", "left_front_door", "left_rear_door", "left_rear_fender",
         "right_front_fender", "right_front_door", "right_rear_door", "right_rear_fender",
         "left_mirror", "right_mirror", "wheels")
INTERIOR = ("clean", "dirty")
OLD_PARTS = ("take_home", "dispose")                          # 带走 / 店内处理
CONTACT_PREFERENCES = ("phone", "sms", "wechat")
MAX_DAMAGE_MARKS = 30
MAX_PHOTOS = 20
MAX_MARK_PHOTOS = 5      # photos of one damage mark
NOTE_MAX = 200           # a damage mark's note, the interior's note
FINDINGS_MAX = 500       # what the advisor found at the walk-around
MAX_PROMISE_AHEAD = timedelta(days=365)   # a car promised further ahead is a typing mistake


def parse_promise(errors: FieldErrors, raw: Any, *, now: datetime,
                  required: bool = True) -> datetime | None:
    """When the car will be ready (预计交车): later than now, and within a year."""
    return parse_instant(errors, "promised_at", raw, now=now, back=timedelta(0),
                         ahead=MAX_PROMISE_AHEAD, required=required)


PROMISE_MARGIN = timedelta(minutes=30)    # after the last labour hour: checks, wash, paperwork
PROMISE_LOOKAHEAD_DAYS = 31


def suggest_promise(labour_minutes: int, *, now: datetime,
                    hours_on: Callable[[date], tuple[time, time] | None]) -> datetime | None:
    """The promised time to offer (预计交车): the labour still to do, counted from now in the
    store's opening hours (a day's rest carries to the next open day), plus ``PROMISE_MARGIN``,
    rounded up to the quarter hour (never past that day's closing). ``now`` is in the store's
    time zone; None when the store opens on none of the next ``PROMISE_LOOKAHEAD_DAYS`` days."""
    need = timedelta(minutes=max(0, labour_minutes)) + PROMISE_MARGIN
    day = now.date()
    for _ in range(PROMISE_LOOKAHEAD_DAYS):
        hours = hours_on(day)
        if hours:
            opens = datetime.combine(day, hours[0], tzinfo=now.tzinfo)
            closes = datetime.combine(day, hours[1], tzinfo=now.tzinfo)
            start = max(opens, now)
            if start < closes:
                if start + need <= closes:
                    ready = (start + need).replace(second=0, microsecond=0)
                    ready += timedelta(minutes=-ready.minute % 15)
                    if ready < start + need:      # seconds were dropped: the next quarter
                        ready += timedelta(minutes=15)
                    return min(ready, closes)
                need -= closes - start
        day += timedelta(days=1)
    return None


@dataclass(frozen=True)
class CheckIn:
    booking_id: str
    customer: Customer
    vehicle: Vehicle
    service_codes: list[str]
    sheet: dict[str, Any]                 # what the walk-around recorded
    signature_png: bytes
    promised_at: datetime | None
    technician: str | None = None         # None: the booking's pre-assigned technician (预派工)


def _photos(errors: FieldErrors, field: str, raw: Any, limit: int) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > limit:
        errors.add(field, photo_list_problem(limit))
        return []
    for i, key in enumerate(raw):
        if not photo_key_ok(key):
            errors.add(f"{field}.{i}", NOT_A_PHOTO)
    return list(raw)


def _flag(errors: FieldErrors, field: str, raw: Any, *, required: bool = True) -> bool:
    if raw is None and not required:
        return False
    if not isinstance(raw, bool):
        errors.add(field, _("required: true or false"))
        return False
    return raw


def parse_damage(errors: FieldErrors, raw: Any) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_DAMAGE_MARKS:
        errors.add("damage", _("a list of at most %(count)s marks", count=MAX_DAMAGE_MARKS))
        return []
    marks = []
    for i, mark in enumerate(raw):
        if not isinstance(mark, dict):
            errors.add(f"damage.{i}", _("must be an object with zone and kind"))
            continue
        zone = required_choice(errors, f"damage.{i}.zone", mark.get("zone"), ZONES)
        kind = required_choice(errors, f"damage.{i}.kind", mark.get("kind"), DAMAGE_KINDS)
        note = clean_text(errors, f"damage.{i}.note", mark.get("note"), max_len=NOTE_MAX)
        photos = _photos(errors, f"damage.{i}.photo_keys", mark.get("photo_keys"), MAX_MARK_PHOTOS)
        marks.append({"zone": zone, "kind": kind, "note": note, "photo_keys": photos})
    return marks


def parse_checkin(body: Any, *, catalogue: dict[str, Any], now: datetime,
                  technicians: Collection[str] = ()) -> CheckIn:
    """The walk-around form, signed by the customer on the tablet (``now`` in the store's
    time zone). ``technician``, when given, is who gets the job (one of ``technicians``, or ""
    for nobody yet); without it the booking's pre-assigned technician does."""
    require_object(body)
    errors = FieldErrors()
    today = now.date()
    booking_id = clean_text(errors, "booking_id", body.get("booking_id"), max_len=ID_MAX)
    customer = parse_customer(errors, body.get("customer"))
    vehicle = parse_vehicle(errors, body.get("vehicle"), sale_date_until=today)
    mileage = clean_int(errors, "mileage_km", body.get("mileage_km"), low=0, high=MAX_MILEAGE,
                        required=True)
    fuel = required_choice(errors, "fuel_level", body.get("fuel_level"), FUEL_LEVELS)
    covers = _flag(errors, "covers_fitted", body.get("covers_fitted"))
    interior = clean_choice(errors, "interior", body.get("interior"), INTERIOR, default="clean")
    interior_note = clean_text(errors, "interior_note", body.get("interior_note"), max_len=NOTE_MAX)
    valuables = _flag(errors, "valuables_reminded", body.get("valuables_reminded"))
    concern = parse_concern(errors, body.get("concern"))
    findings = clean_text(errors, "findings", body.get("findings"), max_len=FINDINGS_MAX)
    old_parts = required_choice(errors, "old_parts", body.get("old_parts"), OLD_PARTS,
                                missing=_("required: take_home or dispose"))
    wash = _flag(errors, "wash", body.get("wash"))
    contact = clean_choice(errors, "contact_preference", body.get("contact_preference"),
                           CONTACT_PREFERENCES, default="phone")
    damage = parse_damage(errors, body.get("damage"))
    photos = _photos(errors, "photo_keys", body.get("photo_keys"), MAX_PHOTOS)
    codes = body.get("services") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        errors.add("services", SERVICE_CODES)
        codes = []
    for code in codes:
        if code not in catalogue:
            errors.add("services", _("unknown service: %(codes)s", codes=code[:60]))
    promised_at = parse_promise(errors, body.get("promised_at"), now=now, required=False)
    png = decode_signature(errors, "signature", body.get("signature"))
    technician = None
    if "technician" in body:
        technician = clean_text(errors, "technician", body.get("technician"), max_len=LOGIN_MAX)
        if technician and technician not in technicians:
            errors.add("technician", _("not a technician of this store"))
    errors.raise_if_any()
    assert mileage is not None
    sheet = {"mileage_km": mileage, "fuel_level": fuel, "covers_fitted": covers,
             "interior": interior, "interior_note": interior_note,
             "valuables_reminded": valuables, "concern": concern, "findings": findings,
             "old_parts": old_parts, "wash": wash, "contact_preference": contact,
             "damage": damage, "photo_keys": photos}
    return CheckIn(booking_id=booking_id, customer=customer, vehicle=vehicle,
                   service_codes=list(dict.fromkeys(codes)), sheet=sheet, signature_png=png or b"",
                   promised_at=promised_at, technician=technician)


def photo_fields(sheet: dict[str, Any]) -> dict[str, str]:
    """Each photo of a check-in sheet, by the field that carried it."""
    fields = {f"photo_keys.{i}": key for i, key in enumerate(sheet.get("photo_keys", []))}
    for i, mark in enumerate(sheet.get("damage", [])):
        fields.update({f"damage.{i}.photo_keys.{j}": key
                       for j, key in enumerate(mark.get("photo_keys", []))})
    return fields
