"""The manager's store settings (门店设置): what may be set, each field checked on its own,
China's public holidays (法定节假日) and their 调休 working days offered for the closed dates,
and the bookings a change would strand (受影响的预约).

Field names are the settings keys (``opening_hours.sat``, ``slot_minutes``...): the API's
``fields`` and the portal's inputs use the same names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..i18n import Message, _
from .booking import ACTIVE, Booking
from .errors import FieldErrors, MalformedRequest
from .money import parse_money, to_decimal, yuan
from .slots import day_slots
from .store import WEEKDAYS, StoreSettings
from .validation import clean_int, clean_text

STORE_CACHE_SECONDS = 60      # services.store caches the profile this long per instance
DATES_AHEAD_DAYS = 2 * 366    # closed dates and special hours are kept at most this far ahead
SLOT_CHOICES = (15, 20, 30, 45, 60, 90, 120)
DISCOUNT_ROLES = ("advisor", "cashier")
QC_LEVELS = ("self", "team_lead", "final")   # as domain.workshop.LEVELS
MAX_CHECK_ITEMS = 20
MAX_BAYS = 60
BAY_NAME_MAX = 10
PHONE_MAX = 24
SMS_SIGNATURE = (2, 12)          # characters of the SMS signature (【】 added when sent)
MAX_TAX_PERCENT = 30
CHECK_ITEM_MAX = {"zh": 40, "en": 80}   # a quality-check item's name
FOLLOWUP_DAYS = (1, 60)         # days after delivery of the survey SMS and the call
_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,29}")
_PHONE = re.compile(r"[0-9+][0-9 \-]{4,23}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# the keys a manager may set (the profile's own: store_id, time zone and version are not)
TEXT_FIELDS = {"name": (40, True), "name_en": (80, False), "address": (100, False),
               "address_en": (160, False)}
INT_FIELDS = {   # key: (low, high)
    "slot_capacity": (1, 50), "workshop_hours_per_day": (1, 500),
    "walkin_reserve_percent": (0, 90), "min_notice_minutes": (0, 2880),
    "horizon_days": (1, 180), "qc_minutes": (0, 240),
    "service_interval_km": (1000, 50000), "service_interval_months": (1, 24),
    "complaint_reply_hours": (1, 168), "complaint_escalate_hours": (1, 720),
    "online_max_labor_minutes": (30, 1440), "max_active_bookings_per_phone": (1, 10),
    "sms_per_phone_per_hour": (1, 20),
    # bring customers back (issue 15)
    "care_lead_days": (1, 30), "first_free_km": (1000, 30000), "first_free_months": (1, 24),
    "second_free_km": (2000, 60000), "second_free_months": (2, 36), "lapsed_months": (2, 24),
    "anniversary_lead_days": (0, 60), "declined_after_days": (1, 365),
    "care_call_after_days": (0, 30), "care_sms_per_day": (0, 5000),
    "marketing_per_phone_per_month": (0, 10),
}
KEYS = (tuple(TEXT_FIELDS) + ("phone", "opening_hours", "special_hours", "closed_dates",
                              "slot_minutes") + tuple(INT_FIELDS)
        + ("quiet_start", "quiet_end", "sms_signature", "tax_rate_percent", "labor_rate",
           "discount_limits", "bays", "qc_checklists", "followup_days", "verify_phone",
           "care_run_at"))


def standard_checklists() -> dict[str, list[list[str]]]:
    """The store's standard quality-check lists (质检项目), used until the manager sets them."""
    from .workshop import CHECKLISTS
    return {level: [list(item) for item in items] for level, items in CHECKLISTS.items()}


def checklists(settings: StoreSettings) -> dict[str, list[list[str]]]:
    """The quality-check lists in force: the manager's, else the standard ones."""
    return settings.qc_checklists or standard_checklists()


def settings_view(s: StoreSettings) -> dict[str, Any]:
    """The settings as the form shows and sends them back (the labour rate in yuan)."""
    data = s.to_dict()
    view = {k: data[k] for k in KEYS if k in data}
    view["labor_rate"] = yuan(s.labor_rate_fen)
    view["qc_checklists"] = checklists(s)
    view["opening_hours"] = {d: list(s.opening_hours.get(d) or []) for d in WEEKDAYS}
    return view


# ---- validation -------------------------------------------------------------------------

def parse_settings(body: Any, current: StoreSettings, *, today: date) -> StoreSettings:
    """The settings after the change ``body`` asks for (keys left out keep their value).
    Every problem is reported at its field, all at once."""
    if not isinstance(body, dict):
        raise MalformedRequest(_("The request body must be a JSON object"))
    errors = FieldErrors()
    for key in body:
        if key not in KEYS and key not in ("version", "apply"):
            errors.add(key, _("not a setting"))
    changes: dict[str, Any] = {}
    for key, (max_len, required) in TEXT_FIELDS.items():
        if key in body:
            changes[key] = clean_text(errors, key, body[key], max_len=max_len, required=required)
    if "phone" in body:
        phone = clean_text(errors, "phone", body["phone"], max_len=PHONE_MAX)
        if phone and not _PHONE.fullmatch(phone):
            errors.add("phone", _("digits, spaces and dashes, e.g. 020-8888 6666"))
        changes["phone"] = phone
    for key, (low, high) in INT_FIELDS.items():
        if key in body:
            value = clean_int(errors, key, body[key], low=low, high=high, required=True)
            if value is not None:
                changes[key] = value
    if "slot_minutes" in body:
        value = clean_int(errors, "slot_minutes", body["slot_minutes"], low=5, high=240,
                          required=True)
        if value is not None and value not in SLOT_CHOICES:
            errors.add("slot_minutes", _("must be one of: %(choices)s",
                                         choices=", ".join(map(str, SLOT_CHOICES))))
        elif value is not None:
            changes["slot_minutes"] = value
    if "opening_hours" in body:
        changes["opening_hours"] = _opening_hours(errors, body["opening_hours"], current)
    if "special_hours" in body:
        changes["special_hours"] = _special_hours(errors, body["special_hours"], today)
    if "closed_dates" in body:
        changes["closed_dates"] = _closed_dates(errors, body["closed_dates"], today)
    for key in ("quiet_start", "quiet_end", "care_run_at"):
        if key in body:
            text = _time(errors, key, body[key])
            if text:
                changes[key] = text
    if "sms_signature" in body:
        sig = clean_text(errors, "sms_signature", body["sms_signature"], max_len=SMS_SIGNATURE[1],
                         required=True)
        if sig and len(sig) < SMS_SIGNATURE[0]:
            errors.add("sms_signature", _("2 to 12 characters"))
        elif sig and any(ch in sig for ch in "【】[]"):
            errors.add("sms_signature", _("without brackets: they are added when sent"))
        elif sig:
            changes["sms_signature"] = sig
    if "tax_rate_percent" in body:
        rate = _percent(errors, "tax_rate_percent", body["tax_rate_percent"], high=MAX_TAX_PERCENT)
        if rate is not None:
            changes["tax_rate_percent"] = rate
    if "labor_rate" in body:
        fen = parse_money(errors, "labor_rate", body["labor_rate"])
        if fen is not None and not 100 <= fen <= 1_000_000:
            errors.add("labor_rate", _("must be between %(low)s and %(high)s", low="1.00",
                                       high="10000.00"))
        elif fen is not None:
            changes["labor_rate_fen"] = fen
    if "discount_limits" in body:
        changes["discount_limits"] = _discounts(errors, body["discount_limits"], current)
    if "bays" in body:
        changes["bays"] = _bays(errors, body["bays"])
    if "qc_checklists" in body:
        changes["qc_checklists"] = _checklists(errors, body["qc_checklists"], current)
    if "followup_days" in body:
        changes["followup_days"] = _followup_days(errors, body["followup_days"])
    if "verify_phone" in body:
        if not isinstance(body["verify_phone"], bool):
            errors.add("verify_phone", _("must be true or false"))
        else:
            changes["verify_phone"] = body["verify_phone"]
    new = current.with_changes(**{k: v for k, v in changes.items() if v is not None})
    _across_fields(errors, new, changes)
    errors.raise_if_any()
    return new


def _across_fields(errors: FieldErrors, new: StoreSettings, changes: dict[str, Any]) -> None:
    """Rules between fields, each reported at the field that was changed."""
    if new.complaint_escalate_hours <= new.complaint_reply_hours:
        field = ("complaint_escalate_hours" if "complaint_escalate_hours" in changes
                 else "complaint_reply_hours")
        errors.add(field, _("escalation must come after the reply time"))
    for kind in ("km", "months"):    # 二保 after 首保
        first, second = getattr(new, f"first_free_{kind}"), getattr(new, f"second_free_{kind}")
        if second <= first:
            field = (f"second_free_{kind}" if f"second_free_{kind}" in changes
                     else f"first_free_{kind}")
            errors.add(field, _("the second free service must come after the first"))
    minutes = new.slot_minutes
    for day in WEEKDAYS:
        hours = new.opening_hours.get(day)
        if hours and _span(hours) < minutes:
            errors.add(f"opening_hours.{day}", _("shorter than one slot (%(minutes)s minutes)",
                                                  minutes=minutes))
    for day, hours in new.special_hours.items():
        if _span(hours) < minutes:
            errors.add(f"special_hours.{day}", _("shorter than one slot (%(minutes)s minutes)",
                                                  minutes=minutes))
        if day in new.closed_dates:
            errors.add(f"special_hours.{day}", _("this day is also marked closed"))


def _span(hours: list[str]) -> int:
    (oh, om), (ch, cm) = (map(int, t.split(":")) for t in hours)
    return ch * 60 + cm - oh * 60 - om


def _time(errors: FieldErrors, field: str, raw: Any) -> str | None:
    if not isinstance(raw, str) or not _HHMM.fullmatch(raw.strip()):
        errors.add(field, _("a time like 08:30"))
        return None
    return raw.strip()


def _hours(errors: FieldErrors, field: str, raw: Any) -> list[str] | None:
    """[open, close] of one day; [] or null: closed."""
    if raw is None or raw == []:
        return []
    if not isinstance(raw, list) or len(raw) != 2:
        errors.add(field, _("opening and closing time, e.g. 08:00 and 17:30"))
        return None
    start, end = _time(errors, field, raw[0]), _time(errors, field, raw[1])
    if start is None or end is None:
        return None
    if end <= start:
        errors.add(field, _("closing must be later than opening"))
        return None
    return [start, end]


def _opening_hours(errors: FieldErrors, raw: Any, current: StoreSettings) -> dict | None:
    if not isinstance(raw, dict):
        errors.add("opening_hours", _("hours per weekday, mon to sun"))
        return None
    hours = {d: list(current.opening_hours.get(d) or []) for d in WEEKDAYS}
    for day, value in raw.items():
        if day not in WEEKDAYS:
            errors.add(f"opening_hours.{day}", _("not a weekday (mon to sun)"))
            continue
        parsed = _hours(errors, f"opening_hours.{day}", value)
        if parsed is not None:
            hours[day] = parsed
    if not any(hours.values()):
        errors.add("opening_hours", _("open on one weekday at least"))
    return hours


def _day(errors: FieldErrors, field: str, raw: Any, today: date) -> date | None:
    """A date to set: from today to ``DATES_AHEAD_DAYS`` ahead (a past one is dropped)."""
    try:
        day = date.fromisoformat(raw) if isinstance(raw, str) and _DATE.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None:
        errors.add(field, _("a date like 2026-10-01"))
        return None
    if day > today + timedelta(days=DATES_AHEAD_DAYS):
        errors.add(field, _("at most %(days)s days ahead", days=DATES_AHEAD_DAYS))
        return None
    return day


def _closed_dates(errors: FieldErrors, raw: Any, today: date) -> tuple[str, ...] | None:
    if not isinstance(raw, list) or len(raw) > 400:
        errors.add("closed_dates", _("a list of dates, at most %(count)s", count=400))
        return None
    days = {d for i, text in enumerate(raw)
            if (d := _day(errors, f"closed_dates.{i}", text, today)) is not None}
    return tuple(sorted(d.isoformat() for d in days if d >= today))


def _special_hours(errors: FieldErrors, raw: Any, today: date) -> dict | None:
    if not isinstance(raw, dict) or len(raw) > 200:
        errors.add("special_hours", _("hours per date, at most %(count)s", count=200))
        return None
    special = {}
    for text, value in raw.items():
        field = f"special_hours.{text}"
        day = _day(errors, field, text, today)
        hours = _hours(errors, field, value)
        if hours == []:
            errors.add(field, _("opening and closing time, e.g. 08:00 and 17:30"))
        elif day is not None and hours and day >= today:
            special[day.isoformat()] = hours
    return dict(sorted(special.items()))


def _percent(errors: FieldErrors, field: str, raw: Any, *, high: int) -> str | None:
    value = to_decimal(raw)
    if value is None:
        errors.add(field, _("must be a number, e.g. 13"))
        return None
    if not 0 <= value <= high:
        errors.add(field, _("must be between %(low)s and %(high)s", low=0, high=high))
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.add(field, _("at most 2 decimals"))
        return None
    return str(value.normalize()) if value == value.to_integral() else str(value)


def _discounts(errors: FieldErrors, raw: Any, current: StoreSettings) -> dict | None:
    if not isinstance(raw, dict):
        errors.add("discount_limits", _("a percentage per role"))
        return None
    limits = dict(current.discount_limits)
    for role, value in raw.items():
        field = f"discount_limits.{role}"
        if role not in DISCOUNT_ROLES:
            errors.add(field, _("not a role with a discount limit"))
            continue
        number = clean_int(errors, field, value, low=0, high=100, required=True)
        if number is not None:
            limits[role] = number
    return limits


def _bays(errors: FieldErrors, raw: Any) -> tuple[str, ...] | None:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_BAYS:
        errors.add("bays", _("from 1 to %(count)s bays", count=MAX_BAYS))
        return None
    bays: list[str] = []
    for i, value in enumerate(raw):
        name = clean_text(errors, f"bays.{i}", value, max_len=BAY_NAME_MAX, required=True)
        if name in bays:
            errors.add(f"bays.{i}", _("named twice"))
        elif name:
            bays.append(name)
    return tuple(bays)


def _checklists(errors: FieldErrors, raw: Any, current: StoreSettings) -> dict | None:
    """Items per level, each ``{code, zh, en}``: a kept item keeps its code (past checks name
    it); a new one without a code gets the next free ``item_<n>``."""
    if not isinstance(raw, dict):
        errors.add("qc_checklists", _("items per quality-check level"))
        return None
    lists = checklists(current)
    result = {level: [list(item) for item in lists.get(level, [])] for level in QC_LEVELS}
    for level, items in raw.items():
        field = f"qc_checklists.{level}"
        if level not in QC_LEVELS:
            errors.add(field, _("not a quality-check level"))
            continue
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_CHECK_ITEMS:
            errors.add(field, _("from 1 to %(count)s items", count=MAX_CHECK_ITEMS))
            continue
        parsed: list[list[str]] = []
        codes = {item.get("code") for item in items if isinstance(item, dict)}
        for i, item in enumerate(items):
            where = f"{field}.{i}"
            if not isinstance(item, dict):
                errors.add(where, _("an item with its names"))
                continue
            zh = clean_text(errors, f"{where}.zh", item.get("zh"), max_len=CHECK_ITEM_MAX["zh"],
                              required=True)
            en = clean_text(errors, f"{where}.en", item.get("en"), max_len=CHECK_ITEM_MAX["en"],
                              required=True)
            code = item.get("code") or ""
            if not code:
                n = 1
                while f"item_{n}" in codes:
                    n += 1
                code = f"item_{n}"
                codes.add(code)
            if not isinstance(code, str) or not _CODE.fullmatch(code):
                errors.add(f"{where}.code", _("lower-case letters, digits and _"))
            elif any(p[0] == code for p in parsed):
                errors.add(f"{where}.code", _("named twice"))
            else:
                parsed.append([code, zh, en])
        result[level] = parsed
    return result


def _followup_days(errors: FieldErrors, raw: Any) -> tuple[int, int] | None:
    if not isinstance(raw, list) or len(raw) != 2:
        errors.add("followup_days", _("two numbers of days: the SMS, then the call"))
        return None
    first = clean_int(errors, "followup_days.0", raw[0], low=FOLLOWUP_DAYS[0], high=FOLLOWUP_DAYS[1],
                        required=True)
    second = clean_int(errors, "followup_days.1", raw[1], low=FOLLOWUP_DAYS[0], high=FOLLOWUP_DAYS[1],
                         required=True)
    if first is None or second is None:
        return None
    if second < first:
        errors.add("followup_days.1", _("not before the SMS day"))
        return None
    return first, second


# ---- China's public holidays ---------------------------------------------------------------

@dataclass(frozen=True)
class HolidayDay:
    day: str
    kind: str          # "holiday" (放假) or "workday" (调休上班)
    name: str          # 春节
    name_en: str       # Spring Festival


def holiday_days(year: int) -> list[HolidayDay] | None:
    """The official calendar of ``year`` (``chinese_calendar``): holidays, then the 调休
    working days that pay for them; None if the library does not know that year yet."""
    import chinese_calendar as cc
    known = {d.year for d in cc.holidays}
    if year not in known:
        return None
    names = {h.value: h.chinese for h in cc.Holiday}
    days = [HolidayDay(d.isoformat(), "holiday", names.get(n, n), n)
            for d, n in cc.holidays.items() if d.year == year and n]
    days += [HolidayDay(d.isoformat(), "workday", names.get(n, n), n)
             for d, n in cc.workdays.items() if d.year == year and n]
    return sorted(days, key=lambda h: h.day)


def holiday_offer(year: int, settings: StoreSettings, *, today: date) -> dict[str, Any]:
    """Each official day of ``year`` with the store's hours that day as set now and the
    offer: closed on a holiday, open (its weekday's hours, or the usual day's) on a 调休
    working day. The manager accepts or overrides day by day."""
    days = holiday_days(year)
    if days is None:
        return {"year": year, "covered": False, "days": []}
    usual = next((h for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                  if (h := settings.opening_hours.get(d))), [])
    rows = []
    for h in days:
        day = date.fromisoformat(h.day)
        hours = settings.hours_on(day)
        now = [t.strftime("%H:%M") for t in hours] if hours else []
        offer = [] if h.kind == "holiday" else (now or list(usual))
        rows.append({"date": h.day, "weekday": WEEKDAYS[day.weekday()], "kind": h.kind,
                     "name": h.name, "name_en": h.name_en, "hours": now, "offer": offer,
                     "past": day < today, "accepted": now == offer})
    return {"year": year, "covered": True, "days": rows}


def parse_year(raw: Any, *, today: date) -> int:
    errors = FieldErrors()
    year = clean_int(errors, "year", raw if raw not in (None, "") else today.year,
                     low=today.year - 1, high=today.year + 2, required=True)
    errors.raise_if_any()
    assert year is not None
    return year


# ---- bookings a change would strand ---------------------------------------------------------

CLOSED = "closed"      # the day is closed now
HOURS = "hours"        # the time is outside the day's hours now (or not a slot's start)
PLACES = "places"      # more bookings in the slot than its places now
LABOUR = "labour"      # more labour booked that day than the workshop sells now
REASONS: dict[str, Message] = {
    CLOSED: _("the store is now closed that day"),
    HOURS: _("the time is now outside the opening hours"),
    PLACES: _("the slot now has fewer places"),
    LABOUR: _("the day now has fewer workshop hours"),
}


def days_to_check(old: StoreSettings, new: StoreSettings, today: date) -> list[date]:
    """The days, from today to the furthest day one may have booked, where ``new`` could
    strand a booking made under ``old``."""
    everywhere = (new.slot_minutes != old.slot_minutes
                  or new.slot_capacity < old.slot_capacity
                  or new.workshop_hours_per_day < old.workshop_hours_per_day)
    days = []
    for offset in range(max(old.horizon_days, new.horizon_days) + 1):
        day = today + timedelta(days=offset)
        if old.hours_on(day) is None:
            continue     # no booking can be there
        if everywhere or old.hours_on(day) != new.hours_on(day):
            days.append(day)
    return days


def stranded(new: StoreSettings, day: date, bookings: list[Booking],
             now: datetime) -> list[tuple[Booking, str]]:
    """The still-expected bookings of ``day`` that ``new`` leaves without a place, with the
    reason: closed, outside the hours, beyond the slot's places or the day's workshop hours
    (the ones booked last go first)."""
    active = sorted((b for b in bookings if b.status in ACTIVE and b.slot_start > now),
                    key=lambda b: (b.slot_start, b.created_at))
    if new.hours_on(day) is None:
        return [(b, CLOSED) for b in active]
    keys = {s.key for s in day_slots(new, day)}
    out: list[tuple[Booking, str]] = []
    kept: list[Booking] = []
    for b in active:
        if b.slot_start.astimezone(new.tz).strftime("%H:%M") in keys:
            kept.append(b)
        else:
            out.append((b, HOURS))
    by_slot: dict[str, list[Booking]] = {}
    for b in kept:
        by_slot.setdefault(b.slot_start.astimezone(new.tz).strftime("%H:%M"), []).append(b)
    fit: list[Booking] = []
    for same in by_slot.values():
        same.sort(key=lambda b: b.created_at)
        fit += same[:new.slot_capacity]
        out += [(b, PLACES) for b in same[new.slot_capacity:]]
    fit.sort(key=lambda b: b.created_at)
    room = new.workshop_hours_per_day * 60
    for b in fit:
        room -= b.labor_minutes
        if room < 0:
            out.append((b, LABOUR))
            room += b.labor_minutes
    return sorted(out, key=lambda pair: (pair[0].slot_start, pair[0].id))
