"""Phone verification (短信验证码): a one-time SMS code proves the customer owns the mobile.

API.md, "Phone verification". A code is valid ``CODE_VALID`` and for
``MAX_ATTEMPTS`` tries; one SMS per number every ``RESEND_SECONDS`` and at most
``MAX_SENDS_PER_DAY`` a day (store time). Only an HMAC of the code (keyed with
the app's secret and bound to the verification id) is stored, never the code.
One verification serves one booking: the booking's transaction marks it used.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..i18n import _
from .booking import LOCALES, PHONE_PROBLEM, require_object
from .errors import FieldErrors, TooManyRequests, ValidationError
from .validation import REQUIRED, clean_choice, normalize_phone

CODE_DIGITS = 6
CODE_VALID = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_SECONDS = 60
MAX_SENDS_PER_DAY = 5
_ID = re.compile(r"^[0-9a-f]{32}$")
_CODE = re.compile(r"^[0-9]{6}$")


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(secret: str, verification_id: str, code: str) -> str:
    """What is stored and compared instead of the code: HMAC-SHA256 over id and code."""
    return hmac.new(secret.encode("utf-8"), f"{verification_id}:{code}".encode("utf-8"),
                    hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CodeRequest:
    phone: str    # E.164
    locale: str


def parse_code_request(body: Any) -> CodeRequest:
    """``{"phone": "13800138000", "locale": "zh-CN"}``; raises naming every bad field."""
    require_object(body)
    errors = FieldErrors()
    phone = None
    if body.get("phone") in (None, ""):
        errors.add("phone", REQUIRED)
    else:
        phone = normalize_phone(body.get("phone"))
        if phone is None:
            errors.add("phone", PHONE_PROBLEM)
    locale = clean_choice(errors, "locale", body.get("locale"), LOCALES, default="zh-CN")
    errors.raise_if_any()
    assert phone is not None
    return CodeRequest(phone=phone, locale=locale)


@dataclass(frozen=True)
class Verification:
    """A code sent to ``phone``; ``used_by`` is the booking it served."""
    id: str
    phone: str
    code_hash: str
    created_at: datetime
    valid_until: datetime
    attempts: int = 0
    used_by: str = ""

    @classmethod
    def new(cls, *, phone: str, secret: str, now: datetime) -> tuple["Verification", str]:
        """A new verification and its code (the code goes into the SMS, and nowhere else)."""
        verification_id = secrets.token_hex(16)
        code = new_code()
        return cls(id=verification_id, phone=phone,
                   code_hash=code_hash(secret, verification_id, code),
                   created_at=now, valid_until=now + CODE_VALID), code

    def accepts(self, proof: "Proof", now: datetime) -> bool:
        return (not self.used_by and self.attempts < MAX_ATTEMPTS and now < self.valid_until
                and self.phone == proof.phone
                and hmac.compare_digest(self.code_hash, proof.code_hash))


@dataclass(frozen=True)
class Proof:
    """What an online booking shows: the verification, the hash of the code typed, its phone."""
    verification_id: str
    code_hash: str
    phone: str


def verification_failed() -> ValidationError:
    return ValidationError(_("The SMS code is wrong or no longer valid"),
                           code="verification_failed",
                           fields={"verification.code": _("wrong, expired or already used: "
                                                          "check the SMS or ask for a new code")})


def parse_proof(raw: Any, *, secret: str, phone: str) -> Proof:
    """``{"id", "code"}`` of a booking body: missing is ``verification_required``; a value
    that cannot be right is ``verification_failed`` (no storage is read for it)."""
    if not isinstance(raw, dict) or raw.get("id") in (None, "") or raw.get("code") in (None, ""):
        raise ValidationError(_("Please verify the mobile number with the code we send by SMS"),
                              code="verification_required",
                              fields={"verification": _("required: ask for a code (POST "
                                                        "/api/verifications), send its id and code")})
    verification_id, code = raw.get("id"), raw.get("code")
    if not (isinstance(verification_id, str) and _ID.fullmatch(verification_id)
            and isinstance(code, str) and _CODE.fullmatch(code)):
        raise verification_failed()
    return Proof(verification_id=verification_id,
                 code_hash=code_hash(secret, verification_id, code), phone=phone)


# ---- limits per number ----------------------------------------------------------------

def send_day(tz: ZoneInfo, now: datetime) -> date:
    """The day a send counts against (store time)."""
    return now.astimezone(tz).date()


def seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def next_day_starts(tz: ZoneInfo, now: datetime) -> datetime:
    return datetime.combine(send_day(tz, now) + timedelta(days=1), datetime.min.time(), tz)


def too_many(retry_after: int, *, daily: bool) -> TooManyRequests:
    text = (_("No more codes for this number today: try again tomorrow or call the store")
            if daily else _("A code was sent to this number just now: wait a minute for another"))
    return TooManyRequests(text, retry_after=retry_after,
                           fields={"phone": _("try again in %(seconds)s seconds",
                                              seconds=retry_after)})
