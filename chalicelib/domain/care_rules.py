"""What is due when (客户关怀的规则, issue 15): plain rules, no storage.

``due(vehicle, rules, today)`` lists every reason to contact a car that is not handled yet,
each with the day it falls due and the day to remind (``remind_on``); the daily job invites
those whose ``remind_on`` has come. ``next_care_day`` is the day the job must look at the car
again (its ``care_day`` bucket).

- **service** 定期保养: the next service by ``next_service_date`` or by the projected date of
  ``next_service_km``, whichever first; with neither, the last visit + the store's
  ``service_interval_months``. Not offered while a free service (首保/二保) is due: that visit
  is the service.
- **first_free** 首保 / **second_free** 二保: from the sale date, at ``*_km`` (projected) or
  ``*_months``, whichever first; the first while no visit since the sale, the second after
  exactly one; a car without a sale date has none. A free service due more than
  ``STALE_DAYS`` ago is no longer offered (the car is lapsed by then).
- **lapsed** 久未回厂: the last visit + ``lapsed_months`` (and every ``lapsed_months`` after:
  never six months without contact), reminded that day.
- **anniversary** 购车周年: the next anniversary of the sale date (29 Feb: 28 Feb),
  reminded ``anniversary_lead_days`` ahead.
- **declined** 未做项目: the work declined at a visit, ``declined_after_days`` after; one
  reason per order (orders declined the same day share one), with the items; work declined
  longer ago than that + ``STALE_DAYS`` is not offered.

Mileage is projected from ``CareState.readings``: the average daily km between the first and
the last reading of the current run (a reading lower than the one before starts a new run:
an odometer replaced, a typing slip), clamped to 0..``MAX_DAILY_KM``; under
``MIN_HISTORY_DAYS`` of history: no projection (the date rules alone).

A lost car (流失) has nothing due. ``remind_on`` is ``due_on`` - ``care_lead_days`` (lapsed:
``due_on``).
"""
from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

from .care import (ANNIVERSARY, DECLINED, FIRST_FREE, LAPSED, SECOND_FREE, SERVICE, CareState,
                   Reading)
from .vehicles import VehicleRecord

MIN_HISTORY_DAYS = 14
MAX_DAILY_KM = 500
STALE_DAYS = 60
MAINTENANCE = "maintenance"
INSPECTION = "inspection"


def add_months(day: date, months: int) -> date:
    """``day`` + ``months`` (the month's last day when it has no such day: 31 Aug + 6 = 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def anniversary_in(sale: date, year: int) -> date:
    """The sale date's anniversary in ``year`` (29 Feb: 28 Feb in a common year)."""
    try:
        return sale.replace(year=year)
    except ValueError:
        return sale.replace(year=year, day=28)


@dataclass(frozen=True)
class CareRules:
    """The store's care settings, as the rules use them."""
    lead_days: int = 7
    service_interval_km: int = 5000
    service_interval_months: int = 3
    first_free_km: int = 5000
    first_free_months: int = 6
    second_free_km: int = 10000
    second_free_months: int = 12
    lapsed_months: int = 6
    anniversary_lead_days: int = 14
    declined_after_days: int = 30
    service_codes: tuple[str, ...] = ()     # the link ticks these for a service / free service
    check_codes: tuple[str, ...] = ()       # ... and these for a free check (lapsed, anniversary)

    @classmethod
    def from_settings(cls, s: Any, services: Iterable[Any] = ()) -> "CareRules":
        """From ``StoreSettings`` and the catalogue: the service the link ticks is the
        catalogue's first ``maintenance`` service (by position: the routine service); the
        free check, its first free ``inspection`` (estimate 0), if any."""
        ordered = sorted(services, key=lambda x: (getattr(x, "position", 0), x.code))
        maintenance = [x.code for x in ordered if x.category == MAINTENANCE][:1]
        check = [x.code for x in ordered
                 if x.category == INSPECTION and not x.price_estimate_fen][:1]
        return cls(lead_days=s.care_lead_days, service_interval_km=s.service_interval_km,
                   service_interval_months=s.service_interval_months,
                   first_free_km=s.first_free_km, first_free_months=s.first_free_months,
                   second_free_km=s.second_free_km, second_free_months=s.second_free_months,
                   lapsed_months=s.lapsed_months, anniversary_lead_days=s.anniversary_lead_days,
                   declined_after_days=s.declined_after_days,
                   service_codes=tuple(maintenance), check_codes=tuple(check))


@dataclass(frozen=True)
class Due:
    """One reason to contact a car: due on ``due_on``, reminded on ``remind_on``."""
    kind: str
    due_on: date
    remind_on: date
    key: str
    services: tuple[str, ...] = ()
    items: tuple[str, ...] = ()

    @classmethod
    def of(cls, kind: str, due_on: date, remind_on: date, services: tuple[str, ...] = (),
           items: tuple[str, ...] = ()) -> "Due":
        return cls(kind, due_on, remind_on, f"{kind}@{due_on.isoformat()}", services, items)


# ---- mileage ------------------------------------------------------------------------------

def current_run(readings: Iterable[Reading]) -> list[Reading]:
    """The readings since the last one lower than the one before it (a new odometer)."""
    run: list[Reading] = []
    for r in sorted(readings, key=lambda r: r.on):
        if run and r.km < run[-1].km:
            run = []
        run.append(r)
    return run


def daily_km(care: CareState) -> float | None:
    """Average km a day over the current run, or None (under MIN_HISTORY_DAYS of history)."""
    run = current_run(care.readings)
    if len(run) < 2:
        return None
    days = (run[-1].on - run[0].on).days
    if days < MIN_HISTORY_DAYS:
        return None
    return min(float(MAX_DAILY_KM), max(0.0, (run[-1].km - run[0].km) / days))


def projected_km(care: CareState, today: date) -> int | None:
    """The mileage the car has today by its average, or its last reading; None without any."""
    run = current_run(care.readings)
    if not run:
        return None
    rate = daily_km(care)
    last = run[-1]
    if rate is None or today <= last.on:
        return last.km
    return int(last.km + rate * (today - last.on).days)


def day_reaching(care: CareState, km: int | None) -> date | None:
    """The projected day the car reaches ``km`` (the last reading's day if already past it);
    None without a projection."""
    if km is None:
        return None
    run = current_run(care.readings)
    rate = daily_km(care)
    if rate is None:
        return None
    last = run[-1]
    if last.km >= km:
        return last.on
    if rate <= 0:
        return None
    return last.on + timedelta(days=math.ceil((km - last.km) / rate))


# ---- the rules ----------------------------------------------------------------------------

def _earliest(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _visits_since(vehicle: VehicleRecord, since: date) -> int:
    visits = {d for d in vehicle.care.visits if d >= since}
    if vehicle.last_visit_on and vehicle.last_visit_on >= since:
        visits.add(vehicle.last_visit_on)
    return len(visits)


def _free_service(vehicle: VehicleRecord, rules: CareRules, today: date) -> Due | None:
    sale = vehicle.sale_date
    if sale is None:
        return None
    visits = _visits_since(vehicle, sale)
    if visits == 0:
        kind, km, months = FIRST_FREE, rules.first_free_km, rules.first_free_months
    elif visits == 1:
        kind, km, months = SECOND_FREE, rules.second_free_km, rules.second_free_months
    else:
        return None
    due_on = _earliest(add_months(sale, months), day_reaching(vehicle.care, km))
    assert due_on is not None
    if due_on < today - timedelta(days=STALE_DAYS):
        return None
    return Due.of(kind, due_on, due_on - timedelta(days=rules.lead_days), rules.service_codes)


def _service(vehicle: VehicleRecord, rules: CareRules, today: date) -> Due | None:
    due_on = _earliest(vehicle.next_service_date,
                       day_reaching(vehicle.care, vehicle.next_service_km))
    if due_on is None and vehicle.last_visit_on:
        due_on = add_months(vehicle.last_visit_on, rules.service_interval_months)
    if due_on is None or due_on < today - timedelta(days=STALE_DAYS):
        return None     # long past: the car is lapsed, the lapsed rule invites it
    return Due.of(SERVICE, due_on, due_on - timedelta(days=rules.lead_days), rules.service_codes)


def _lapsed(vehicle: VehicleRecord, rules: CareRules, today: date) -> Due | None:
    last = vehicle.last_visit_on
    if last is None:
        return None
    # the latest period that has begun (or the first), then the next one if that is handled
    k = 1
    while add_months(last, (k + 1) * rules.lapsed_months) <= today:
        k += 1
    for n in (k, k + 1):
        due_on = add_months(last, n * rules.lapsed_months)
        key = f"{LAPSED}@{due_on.isoformat()}"
        if key not in vehicle.care.handled:
            return Due.of(LAPSED, due_on, due_on, rules.check_codes)
    return None


def _anniversary(vehicle: VehicleRecord, rules: CareRules, today: date) -> Due | None:
    sale = vehicle.sale_date
    if sale is None:
        return None
    year = max(today.year, sale.year + 1)
    day = anniversary_in(sale, year)
    if day < today:
        year, day = year + 1, anniversary_in(sale, year + 1)
    for candidate in (day, anniversary_in(sale, year + 1)):
        if f"{ANNIVERSARY}@{candidate.isoformat()}" not in vehicle.care.handled:
            return Due.of(ANNIVERSARY, candidate,
                          candidate - timedelta(days=rules.anniversary_lead_days),
                          rules.check_codes)
    return None


def _declined(vehicle: VehicleRecord, rules: CareRules, today: date) -> list[Due]:
    by_day: dict[date, list[str]] = {}
    for rec in vehicle.recommendations:
        try:
            declined_on = date.fromisoformat(rec.declined_at[:10])
        except ValueError:
            continue
        if vehicle.last_visit_on and vehicle.last_visit_on > declined_on:
            continue    # the car came back since: the work was offered again at that visit
        due_on = declined_on + timedelta(days=rules.declined_after_days)
        if due_on < today - timedelta(days=STALE_DAYS):
            continue
        items = by_day.setdefault(due_on, [])
        if rec.description not in items:
            items.append(rec.description)
    return [Due.of(DECLINED, d, d, (), tuple(items)) for d, items in sorted(by_day.items())]


def due(vehicle: VehicleRecord, rules: CareRules, today: date) -> list[Due]:
    """Every reason to contact the car not handled yet (past and coming), earliest reminder
    first. A lost car (流失) has none."""
    if vehicle.care.lost:
        return []
    found: list[Due | None] = []
    free = _free_service(vehicle, rules, today)
    found.append(free if free is not None else _service(vehicle, rules, today))
    found.append(_lapsed(vehicle, rules, today))
    found.append(_anniversary(vehicle, rules, today))
    found.extend(_declined(vehicle, rules, today))
    handled = set(vehicle.care.handled)
    reasons = [d for d in found if d is not None and d.key not in handled]
    return sorted(reasons, key=lambda d: (d.remind_on, d.kind))


def due_today(vehicle: VehicleRecord, rules: CareRules, today: date) -> list[Due]:
    """The reasons whose reminder day has come (missed ones included)."""
    return [d for d in due(vehicle, rules, today) if d.remind_on <= today]


def next_care_day(vehicle: VehicleRecord, rules: CareRules, today: date) -> date | None:
    """The day the daily job must look at the car: the earliest reminder not handled, not
    before ``today`` (a missed one: today); None when nothing is due."""
    reasons = due(vehicle, rules, today)
    if not reasons:
        return None
    return max(today, reasons[0].remind_on)
