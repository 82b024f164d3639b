"""Field checks shared by every form: phone, licence plate (车牌号), VIN (车架号), text,
whole numbers, dates and times.

Every number, date and time a request carries is read here (amounts in ``money``), each
within its field's sane range, so no value that reaches the rules can overflow them.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from ..i18n import Message, _, pgettext
from .errors import Conflict, FieldErrors

# Province abbreviations used as the first character of a mainland plate.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_L = "A-HJ-NP-Z"  # plate letters: no I, no O
PLATE_PATTERNS = (
    # ordinary 7-character plate, last character may be a special-use mark
    re.compile(rf"^[{PROVINCES}][{_L}][{_L}0-9]{{4}}[{_L}0-9挂学警港澳]$"),
    # small new-energy plate, 8 characters: D (electric) / F (hybrid) first
    re.compile(rf"^[{PROVINCES}][{_L}][DF][{_L}0-9][0-9]{{4}}$"),
    # large new-energy plate, 8 characters: D / F last
    re.compile(rf"^[{PROVINCES}][{_L}][0-9]{{5}}[DF]$"),
)
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")  # ISO 3779: no I, O, Q


def normalize_phone(raw: Any) -> str | None:
    """A mainland mobile number in E.164 (+8613800138000), or None if it is not one."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace(" ", "").replace("-", "")
    import phonenumbers    # lazily (issue 14): a cold start that reads no phone skips it
    from phonenumbers import PhoneNumberType
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (PhoneNumberType.MOBILE,
                                                PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+8613800138000 -> 138****8000 (for lists and logs)."""
    national = e164[3:] if e164.startswith("+86") else e164
    if len(national) < 8:
        return "****"
    return f"{national[:3]}****{national[-4:]}"


def mask_vin(vin: str) -> str:
    """LSVAU2180N2183294 -> LSV**********3294 (the maker and the last digits: enough to
    recognise one's car on a page whose link may be forwarded)."""
    if len(vin) <= 7:
        return "*" * len(vin)
    return f"{vin[:3]}{'*' * (len(vin) - 7)}{vin[-4:]}"


def normalize_plate(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw).upper()
    text = re.sub(r"[\s·.\-]", "", text)
    return text if any(p.fullmatch(text) for p in PLATE_PATTERNS) else None


def normalize_vin(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    text = raw.strip().upper()
    return text if VIN_PATTERN.fullmatch(text) else None


# Characters that show nothing: format characters (category Cf: zero-width space and
# joiners, BOM, word joiner, soft hyphen, direction marks) and the blank "filler" letters.
INVISIBLE_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(text: str) -> str:
    """``text`` without the characters that show nothing."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if ch not in INVISIBLE_FILLERS
                   and unicodedata.category(ch) != "Cf")


REQUIRED = _("required")   # a field to fill in
ID_MAX = 64      # a record's id sent in a form (booking_id, order_id)
LOGIN_MAX = 64   # a staff login chosen in a form (advisor, technician, owner)
LATER_THAN_NOW = _("must be later than now")


def clean_text(errors: FieldErrors, field: str, raw: Any, *, max_len: int,
               required: bool = False) -> str:
    """Trimmed text of at most ``max_len`` characters; records a problem otherwise.
    Invisible characters are dropped: text made only of them is missing."""
    if raw is None or raw == "":
        if required:
            errors.add(field, REQUIRED)
        return ""
    if not isinstance(raw, str):
        errors.add(field, _("must be text"))
        return ""
    if len(raw) > 4 * max_len + 100:   # far too long, however much of it is blank
        errors.add(field, _("at most %(count)s characters", count=max_len))
        return ""
    text = " ".join(visible(raw).split())
    if required and not text:
        errors.add(field, REQUIRED)
    elif len(text) > max_len:
        errors.add(field, _("at most %(count)s characters", count=max_len))
    elif any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        errors.add(field, _("contains control characters"))
    return text


_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")   # ASCII digits only: not "²", "١٢" or "１２"


def clean_int(errors: FieldErrors, field: str, raw: Any, *, low: int, high: int,
              required: bool = False) -> int | None:
    """A whole number from ``low`` to ``high``, sent as a number or as digits."""
    if raw is None or raw == "":
        if required:
            errors.add(field, REQUIRED)
        return None
    if isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw.strip()):
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int):
        errors.add(field, _("must be a whole number"))
        return None
    if not low <= raw <= high:
        errors.add(field, _("must be between %(low)s and %(high)s", low=low, high=high))
        return None
    return raw


# ---- dates and times ------------------------------------------------------------------
# No form asks about a day or time further from now than this, unless its field says so.
TIME_WINDOW = timedelta(days=5 * 365)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INSTANT_EXAMPLE = "2026-12-01T09:00:00+08:00"


def _window_problem(value: Any, low: Any, high: Any, back: timedelta, ahead: timedelta,
                    *, past: Message, future: Message) -> Message | None:
    if value < low:
        return past if not back else _("at most %(days)s days ago", days=back.days)
    if value > high:
        return future if not ahead else _("at most %(days)s days ahead", days=ahead.days)
    return None


def iso_day(raw: Any) -> date | None:
    """The day ``raw`` names if it is written YYYY-MM-DD (no other check), else None."""
    if not isinstance(raw, str) or not _DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse_date(errors: FieldErrors, field: str, raw: Any, *, today: date,
               back: timedelta = TIME_WINDOW, ahead: timedelta = TIME_WINDOW,
               required: bool = True) -> date | None:
    """A day written YYYY-MM-DD, from ``today - back`` to ``today + ahead``."""
    if raw is None or raw == "":
        if required:
            errors.add(field, _("required, as YYYY-MM-DD"))
        return None
    try:
        if not isinstance(raw, str) or not _DATE.fullmatch(raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        errors.add(field, _("not a date, expected YYYY-MM-DD"))
        return None
    problem = _window_problem(value, today - back, today + ahead, back, ahead,
                              past=_("is in the past"), future=_("is in the future"))
    if problem:
        errors.add(field, problem)
        return None
    return value


def day_asked(raw: Any, *, today: date, field: str = "date") -> date:
    """The day a list is asked for (``?date=YYYY-MM-DD``): today when none is given."""
    errors = FieldErrors()
    day = parse_date(errors, field, raw, today=today, required=False)
    errors.raise_if_any(_("That day cannot be shown"))
    return day or today


def parse_instant(errors: FieldErrors, field: str, raw: Any, *, now: datetime,
                  back: timedelta = TIME_WINDOW, ahead: timedelta = TIME_WINDOW,
                  required: bool = True) -> datetime | None:
    """An ISO 8601 time that carries its offset, from ``now - back`` to ``now + ahead``."""
    if raw is None or raw == "":
        if required:
            errors.add(field, _("required: an ISO 8601 time with offset, e.g. %(example)s",
                                example=INSTANT_EXAMPLE))
        return None
    try:
        if not isinstance(raw, str) or not raw.isascii() or len(raw) > 40:
            raise ValueError(raw)
        value = datetime.fromisoformat(raw)
    except ValueError:
        errors.add(field, _("not an ISO 8601 time, e.g. %(example)s", example=INSTANT_EXAMPLE))
        return None
    if value.tzinfo is None:
        errors.add(field, _("must carry a UTC offset, e.g. +08:00"))
        return None
    problem = _window_problem(value, now - back, now + ahead, back, ahead,
                              past=LATER_THAN_NOW,
                              future=_("must not be in the future"))
    if problem:
        errors.add(field, problem)
        return None
    return value


REQUIRED_CHOICE = pgettext("a choice", "required")   # a field to choose one of a list


def clean_choice(errors: FieldErrors, field: str, raw: Any, choices: tuple[str, ...],
                 *, default: str) -> str:
    if raw is None or raw == "":
        return default
    if raw not in choices:
        errors.add(field, _("must be one of: %(choices)s", choices=", ".join(choices)))
        return default
    return raw


def required_choice(errors: FieldErrors, field: str, raw: Any, choices: tuple[str, ...], *,
                    missing: Message | None = None, hint: str = "") -> str:
    """``clean_choice`` for a field that must be given: a missing one is ``missing``, the
    field's own words (``_("required: take_home or dispose")``, "请选择旧件处理方式"), or
    "required[: hint]" with the codes to choose from (in Chinese: "请选择一项"); "" when
    missing or wrong (the error is in ``errors``)."""
    if raw is None or raw == "":
        errors.add(field, missing or (_("required: %(choices)s", choices=hint) if hint
                                      else REQUIRED_CHOICE))
        return ""
    return clean_choice(errors, field, raw, choices, default="")


# the records that carry a version, as a sentence names them
RECORD_KINDS = {"order": _("repair order"), "booking": _("booking"), "customer": _("customer"),
                "vehicle": _("vehicle"), "complaint": _("complaint"), "followup": _("follow-up"),
                "invitation": _("invitation")}


def expect_version(errors: FieldErrors, body: dict[str, Any], current: int | None, *,
                   kind: str, required: bool = True) -> None:
    """Optimistic locking: a change names the version of the record it was made on.

    A missing version is a field error (raised with any others already in ``errors``);
    a stale one is 409 ``<kind>_changed``: someone else wrote first, reload.
    """
    version = body.get("version")
    if version is None and not required:
        errors.raise_if_any()
        return
    if isinstance(version, bool) or not isinstance(version, int):
        errors.add("version", _("required: the version you read"))
    errors.raise_if_any()
    if version != current:
        raise Conflict(_("Someone else changed this %(kind)s meanwhile; reload it and try again",
                         kind=RECORD_KINDS.get(kind, kind)), code=f"{kind}_changed")
