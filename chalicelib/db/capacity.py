"""A day's capacity read on its own (issue 14, lean): availability imports this, not the
booking writer with everything it writes."""
from __future__ import annotations

from datetime import date

from ..domain.slots import DAY_KEY, DayUsage
from . import bind
from .models import CapacityItem


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
