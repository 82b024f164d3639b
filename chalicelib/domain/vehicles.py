"""The customer and vehicle file (一车一档): records, search terms, warranty.

Warranty (三包, the national rules for family cars): repair warranty at least
3 years / 60,000 km and 三包 validity at least 2 years / 50,000 km from the
sale date, whichever comes first.
"""
from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from ..i18n import _
from .care import CareState
from .errors import FieldErrors, Forbidden, ValidationError
from .money import yuan
from .validation import REQUIRED, normalize_phone

REPAIR_WARRANTY = (3, 60_000)     # years, km
MAX_RECOMMENDATIONS = 50          # declined work kept on a vehicle's file
SANBAO_VALIDITY = (2, 50_000)


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass(frozen=True)
class CustomerRecord:
    """A customer (车主) of the store."""
    id: str
    name: str
    phone: str                       # E.164
    created_at: datetime
    updated_at: datetime
    version: int | None = None
    search_keys: tuple[str, ...] = ()   # storage bookkeeping: the search keys written for it

    def audit_view(self) -> dict[str, Any]:
        return {"name": self.name, "phone": self.phone}


@dataclass(frozen=True)
class Recommendation:
    """Work the customer declined (recommended, declined): offered again next visit."""
    description: str
    order_id: str
    order_reference: str
    declined_at: str
    amount_fen: int

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "order_id": self.order_id,
                "order_reference": self.order_reference, "declined_at": self.declined_at,
                "amount_fen": self.amount_fen}

    def view(self) -> dict[str, Any]:
        return {**self.to_dict(), "amount": yuan(self.amount_fen)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Recommendation":
        return cls(description=str(data["description"]), order_id=str(data["order_id"]),
                   order_reference=str(data.get("order_reference", "")),
                   declined_at=str(data.get("declined_at", "")),
                   amount_fen=int(data.get("amount_fen", 0)))


@dataclass(frozen=True)
class VehicleRecord:
    """A vehicle (车辆) and its owner."""
    id: str
    plate: str
    customer_id: str
    vin: str = ""
    model: str = ""
    sale_date: date | None = None
    mileage_km: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    recommendations: tuple[Recommendation, ...] = ()
    next_service_date: date | None = None    # 下次保养: told to the customer at delivery
    next_service_km: int | None = None
    version: int | None = None
    search_keys: tuple[str, ...] = ()   # storage bookkeeping: the search keys written for it
    # bring customers back (issue 15): what the care rules know of it, the daily job's next
    # look at it (None: nothing due), its last visit (store date)
    care: CareState = field(default_factory=CareState)
    care_day: date | None = None
    last_visit_on: date | None = None

    def audit_view(self) -> dict[str, Any]:
        return {"plate": self.plate, "vin": self.vin, "model": self.model,
                "sale_date": self.sale_date.isoformat() if self.sale_date else None,
                "mileage_km": self.mileage_km, "customer_id": self.customer_id,
                "next_service_date": (self.next_service_date.isoformat()
                                      if self.next_service_date else None),
                "next_service_km": self.next_service_km}

    def recommend(self, new: tuple[Recommendation, ...], now: datetime) -> "VehicleRecord":
        """Declined work added to the file; the newest ``MAX_RECOMMENDATIONS`` are kept (the
        vehicle is one item: the list is bounded; older ones stay on their orders)."""
        kept = (self.recommendations + tuple(new))[-MAX_RECOMMENDATIONS:]
        return replace(self, recommendations=kept, updated_at=now)

    def with_mileage(self, mileage_km: int | None, now: datetime) -> "VehicleRecord":
        if mileage_km is None or (self.mileage_km is not None and mileage_km <= self.mileage_km):
            return self
        return replace(self, mileage_km=mileage_km, updated_at=now)


# ---- unique values (一车一档: one record per person, one per car) ---------------------

def unique_values(record: CustomerRecord | VehicleRecord) -> set[str]:
    """The values only this record may hold, as marker keys: a customer's mobile; a
    vehicle's plate and VIN."""
    if isinstance(record, CustomerRecord):
        return {f"phone#{record.phone}"}
    return {f"plate#{record.plate}"} | ({f"vin#{record.vin}"} if record.vin else set())


def unique_moves(old: CustomerRecord | VehicleRecord | None,
                 new: CustomerRecord | VehicleRecord) -> tuple[list[str], list[str]]:
    """The unique values a change takes and those it gives up (a corrected mobile or plate
    frees the old one for another person or car)."""
    before = unique_values(old) if old is not None else set()
    after = unique_values(new)
    return sorted(after - before), sorted(before - after)


# ---- mileage -------------------------------------------------------------------------

MAX_REASON = 200


def check_mileage_change(errors: FieldErrors, recorded: int | None, new: int | None, *,
                         manager: bool, reason: str) -> bool:
    """The odometer only goes up. Lowering the recorded mileage is a correction (a replaced
    instrument cluster, a typing slip) that only the manager makes, with a reason kept in
    the audit trail; anyone else is refused. True when this change lowers it."""
    if new is None or recorded is None or new >= recorded:
        return False
    if not manager:
        raise Forbidden(_("Only the manager may lower the recorded mileage"), code="manager_only",
                        fields={"mileage_km": _("cannot be lower than the recorded %(km)s km",
                                                km=recorded)})
    if not reason:
        errors.add("reason", _("required: why the mileage is lowered"))
    return True


# ---- warranty ----------------------------------------------------------------

def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 Feb
        return day.replace(year=day.year + years, day=28)


def _cover(name: str, sale: date, limit: tuple[int, int], today: date, mileage: int | None) -> dict[str, Any]:
    years, km = limit
    until = _add_years(sale, years)
    by_time = today < until
    by_km = mileage is None or mileage < km
    return {"name": name, "until": until.isoformat(), "max_km": km,
            "active": by_time and by_km,
            "ended_by": None if by_time and by_km else ("time" if not by_time else "mileage")}


def warranty_status(sale_date: date | None, mileage_km: int | None, today: date) -> dict[str, Any]:
    """Which warranty still covers the car (whichever of time or distance comes first)."""
    if sale_date is None:
        return {"known": False, "repair_warranty": None, "sanbao": None}
    return {"known": True,
            "repair_warranty": _cover("repair_warranty", sale_date, REPAIR_WARRANTY, today, mileage_km),
            "sanbao": _cover("sanbao", sale_date, SANBAO_VALIDITY, today, mileage_km)}


# ---- search ----------------------------------------------------------------------

@dataclass(frozen=True)
class SearchTerm:
    """What the desk typed, as the key it is searched by (``db.search``)."""
    key: str
    kind: str      # "phone" (a whole mobile, in E.164) or "text"


PHONE_HINT = _("a whole mobile number (11 digits) or its last 4 digits")
MIN_SEARCH = 2
MAX_SEARCH = 32
_PLATE_DIGITS = 6     # no plate holds more digits in a row (and a VIN's tail is 6 or 8)


def search_text(raw: str) -> str:
    """Text as it is searched and as search keys are written: letters and digits only (and
    a phone's "+"), full-width folded, upper case: " 粤a·123 45" -> "粤A12345"."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isalnum() or ch == "+")


def parse_search(raw: Any) -> SearchTerm:
    """What the advisor typed: any 3 or more characters of a plate in a row (A12345, 1234), a
    name or its start, a whole mobile or its last 4 digits, a whole VIN or its last 6 or 8.

    A mobile is never found by a prefix: "1380013" would list every customer of an operator.
    Digits that could only be the start of a mobile (7 to 10 from a 1, more than 11) are
    refused; 3 to 6 digits are a part of a plate (or a VIN's tail), never a mobile's start."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(_("Type a plate, name, mobile number or VIN"), fields={"q": REQUIRED})
    if len(raw) > 4 * MAX_SEARCH:
        raise ValidationError(_("Search text is too long"),
                              fields={"q": _("at most %(count)s characters", count=MAX_SEARCH)})
    text = search_text(raw)
    if len(text) > MAX_SEARCH:
        raise ValidationError(_("Search text is too long"),
                              fields={"q": _("at most %(count)s characters", count=MAX_SEARCH)})
    if len(text) < MIN_SEARCH:
        raise ValidationError(_("Type a little more"),
                              fields={"q": _("at least %(count)s letters or digits",
                                             count=MIN_SEARCH)})
    digits = text.removeprefix("+86") if text.startswith("+86") else text
    if digits.isdigit():
        if len(digits) == 11:
            phone = normalize_phone(digits)
            if phone:
                return SearchTerm(phone, "phone")
        if len(digits) > _PLATE_DIGITS and (digits.startswith("1") or len(digits) >= 11):
            raise ValidationError(_("Type the whole mobile number or its last 4 digits"),
                                  fields={"q": PHONE_HINT})
    elif "+" in text:
        raise ValidationError(_("Not a mobile number"), fields={"q": PHONE_HINT})
    return SearchTerm(text, "text")
