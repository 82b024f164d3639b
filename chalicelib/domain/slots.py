"""Reception slots and capacity (预约容量).

A slot's availability is the smallest of three limits: reception places left
in the slot, how many more bookings of the wanted services fit in the labour
hours left that day, and the walk-in reserve kept out of those hours.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .store import StoreSettings

DAY_KEY = "_day"  # capacity counter of a whole day, beside one counter per slot


@dataclass(frozen=True)
class Slot:
    start: datetime   # aware, store time zone
    end: datetime

    @property
    def key(self) -> str:
        """Counter key of the slot inside its day: 'HH:MM'."""
        return self.start.strftime("%H:%M")


@dataclass(frozen=True)
class DayUsage:
    """What bookings already took on one day."""
    slot_booked: dict[str, int]
    labor_minutes: int = 0

    @classmethod
    def empty(cls) -> "DayUsage":
        return cls(slot_booked={}, labor_minutes=0)


def day_slots(settings: StoreSettings, day: date) -> list[Slot]:
    hours = settings.hours_on(day)
    if hours is None:
        return []
    tz = settings.tz
    start = datetime.combine(day, hours[0], tz)
    close = datetime.combine(day, hours[1], tz)
    step = timedelta(minutes=settings.slot_minutes)
    slots = []
    while start + step <= close:
        slots.append(Slot(start, start + step))
        start += step
    return slots


def day_closed_reason(settings: StoreSettings, day: date, now: datetime) -> str | None:
    """Why no slot of ``day`` can be booked at all, or None."""
    today = now.astimezone(settings.tz).date()
    if day < today:
        return "past"
    if day > today + timedelta(days=settings.horizon_days):
        return "beyond_horizon"
    if settings.hours_on(day) is None:
        return "closed"
    return None


def earliest_start(settings: StoreSettings, now: datetime) -> datetime:
    return now + timedelta(minutes=settings.min_notice_minutes)


def bookable_slots(settings: StoreSettings, day: date, now: datetime, *,
                   desk: bool = False) -> list[Slot]:
    """Slots of ``day`` that may be offered now: open, not past, outside minimum notice.

    At the reception desk (``desk``: phone and walk-in bookings) there is no
    minimum notice and the slot under way still counts.
    """
    if day_closed_reason(settings, day, now):
        return []
    if desk:
        return [s for s in day_slots(settings, day) if s.end > now]
    first = earliest_start(settings, now)
    return [s for s in day_slots(settings, day) if s.start >= first]


def find_slot(settings: StoreSettings, start: datetime, now: datetime, *,
              desk: bool = False) -> Slot | None:
    """The bookable slot that begins exactly at ``start``, if any."""
    day = start.astimezone(settings.tz).date()
    for slot in bookable_slots(settings, day, now, desk=desk):
        if slot.start == start:
            return slot
    return None


def places_left(settings: StoreSettings, slot: Slot, usage: DayUsage,
                labor_minutes: int, labor_limit: int | None = None) -> int:
    """How many more bookings of ``labor_minutes`` each the slot takes now, within
    ``labor_limit`` labour minutes a day (the bookable share: walk-ins may use the reserve)."""
    slot_left = settings.slot_capacity - usage.slot_booked.get(slot.key, 0)
    limit = settings.online_labor_minutes_per_day if labor_limit is None else labor_limit
    labor_left = limit - usage.labor_minutes
    if labor_minutes > 0:
        slot_left = min(slot_left, labor_left // labor_minutes)
    return max(0, slot_left)


def availability(settings: StoreSettings, day: date, usage: DayUsage,
                 labor_minutes: int, now: datetime, *, desk: bool = False,
                 labor_limit: int | None = None) -> list[tuple[Slot, int]]:
    """Each slot that may be offered now (``desk``: as ``bookable_slots``) and its places."""
    return [(slot, places_left(settings, slot, usage, labor_minutes, labor_limit))
            for slot in bookable_slots(settings, day, now, desk=desk)]


def nearest(wanted: datetime, candidates: list[tuple[Slot, int]], count: int = 3) -> list[Slot]:
    """The ``count`` free slots closest in time to ``wanted`` (earlier one first on a tie)."""
    free = [slot for slot, left in candidates if left > 0 and slot.start != wanted]
    free.sort(key=lambda s: (abs((s.start - wanted).total_seconds()), s.start))
    return free[:count]
