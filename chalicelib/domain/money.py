"""Exact money and quantities: integer fen and Decimal, never float."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..i18n import _
from .errors import FieldErrors
from .validation import REQUIRED

MAX_FEN = 100_000_000  # 1,000,000.00 yuan: more is a typing mistake
MAX_YUAN = Decimal(MAX_FEN) / 100
FEN = Decimal("0.01")
MAX_QUANTITY = 999     # a quantity's (a part line's) upper bound, unless its field says
# a plain number in ASCII: no "Infinity", "NaN", "1_000" or other scripts' digits
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


def to_decimal(raw: Any) -> Decimal | None:
    """The exact value of a number sent as a JSON number or as text; None if it is not one.
    Check its range before doing arithmetic with it: "1e26" is a number."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        text = repr(raw)  # the shortest text of the number the client meant
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        return None
    if len(text) > 40 or not _NUMBER.fullmatch(text):
        return None
    return Decimal(text)


def parse_money(errors: FieldErrors, field: str, raw: Any, *, required: bool = True) -> int | None:
    """'12.50' (yuan, at most 2 decimals) -> 1250 fen."""
    if raw is None or raw == "":
        if required:
            errors.add(field, REQUIRED)
        return None
    value = to_decimal(raw)
    if value is None:
        errors.add(field, _("must be an amount in yuan, e.g. 128.50"))
        return None
    if value < 0:
        errors.add(field, _("must not be negative"))
        return None
    if value > MAX_YUAN:
        errors.add(field, _("too large"))
        return None
    if value != value.quantize(FEN):
        errors.add(field, _("at most 2 decimals (fen)"))
        return None
    return int(value * 100)


def parse_quantity(errors: FieldErrors, field: str, raw: Any, *, high: int = MAX_QUANTITY
                   ) -> Decimal | None:
    """Hours or quantity: positive, at most 2 decimals."""
    value = to_decimal(raw)
    if raw is None or raw == "":
        errors.add(field, REQUIRED)
        return None
    if value is None:
        errors.add(field, _("must be a number, e.g. 1.5"))
        return None
    if value <= 0 or value > high:
        errors.add(field, _("must be more than 0 and at most %(high)s", high=high))
        return None
    if value != value.quantize(FEN):
        errors.add(field, _("at most 2 decimals"))
        return None
    return value.normalize()


def times(quantity: Decimal, unit_fen: int) -> int:
    """quantity x unit price, rounded half up to the fen."""
    return int((quantity * unit_fen).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def included_tax(gross_fen: int, rate_percent: Decimal) -> int:
    """VAT contained in a tax-inclusive amount (价税合计): gross x r / (1 + r)."""
    rate = rate_percent / 100
    return int((Decimal(gross_fen) * rate / (1 + rate)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def decimal_text(value: Decimal) -> str:
    """A quantity or hours as people write it: 10 (never 1E+1), 1.5, 0.25."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def yuan(fen: int) -> str:
    """Exact money text: 68000 fen -> '680.00'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
