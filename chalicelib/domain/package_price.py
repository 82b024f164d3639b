"""A service package's lines at today's prices, and its figures (labour, duration, price):
what the catalogue shows and what a repair order opens with. On its own (issue 14, lean):
the store's catalogue is priced on every cold start, without the price book's editing."""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from .money import times

LABOR_LINE = "labor"
PART_LINE = "part"
QUARTER = 15                       # a duration is rounded up to a quarter of an hour


@dataclass(frozen=True)
class PricedLine:
    """A line of a package at today's prices: what the repair order opens with."""
    kind: str
    code: str
    name: str
    name_en: str
    quantity: Decimal            # hours for labour
    unit_price_fen: int          # hourly rate for labour

    @property
    def amount_fen(self) -> int:
        return times(self.quantity, self.unit_price_fen)


def priced_lines(lines: Iterable[Mapping[str, Any]], labor_rate_fen: int) -> list[PricedLine]:
    out = []
    for ln in lines:
        if ln["kind"] == LABOR_LINE:
            rate = ln.get("rate_fen")
            out.append(PricedLine(LABOR_LINE, ln["code"], ln["name"], ln.get("name_en", ""),
                                  Decimal(str(ln["hours"])),
                                  labor_rate_fen if rate is None else int(rate)))
        else:
            out.append(PricedLine(PART_LINE, ln["code"], ln["name"], ln.get("name_en", ""),
                                  Decimal(str(ln["quantity"])), int(ln["unit_price_fen"])))
    return out


@dataclass(frozen=True)
class Estimate:
    labor_minutes: int
    duration_min: int
    price_fen: int


def estimate(lines: Iterable[Mapping[str, Any]], *, labor_rate_fen: int,
             handling_minutes: int) -> Estimate:
    """The package's labour minutes, duration and price at ``labor_rate_fen``."""
    priced = priced_lines(lines, labor_rate_fen)
    hours = sum((p.quantity for p in priced if p.kind == LABOR_LINE), Decimal(0))
    labour = int((hours * 60).to_integral_value())
    duration = max(QUARTER, math.ceil((labour + handling_minutes) / QUARTER) * QUARTER)
    return Estimate(labor_minutes=labour, duration_min=duration,
                    price_fen=sum(p.amount_fen for p in priced))
