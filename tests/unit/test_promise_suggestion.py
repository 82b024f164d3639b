"""The promised time offered at approval (预计交车): the labour still to do, counted in the
store's opening hours from now, plus a margin, rounded up to the quarter hour."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from chalicelib.domain.reception import suggest_promise

TZ = ZoneInfo("Asia/Shanghai")


def hours_on(day: date):
    """08:00-17:00, closed on Sundays."""
    return None if day.weekday() == 6 else (time(8), time(17))


def at(d, h, m=0, s=0):
    return datetime(2026, 12, d, h, m, s, tzinfo=TZ)    # 1 Dec 2026 is a Tuesday


def test_the_labour_and_the_margin_from_now_rounded_up_to_the_quarter():
    assert suggest_promise(72, now=at(1, 9, 5), hours_on=hours_on) == at(1, 11, 0)   # 10:47 -> 11:00
    assert suggest_promise(60, now=at(1, 9, 0, 20), hours_on=hours_on) == at(1, 10, 45)
    assert suggest_promise(0, now=at(1, 9, 0), hours_on=hours_on) == at(1, 9, 30)


def test_before_opening_the_count_starts_at_opening():
    assert suggest_promise(90, now=at(1, 6, 40), hours_on=hours_on) == at(1, 10, 0)


def test_what_does_not_fit_today_carries_to_the_next_open_day():
    # 16:00 + 3 h 30 min: one hour today, 2 h 30 min on Wednesday from 08:00
    assert suggest_promise(180, now=at(1, 16, 0), hours_on=hours_on) == at(2, 10, 30)
    # Saturday 16:30, 2 hours: 30 minutes on Saturday, Sunday closed, Monday 08:00 + 2 h
    assert suggest_promise(120, now=at(5, 16, 30), hours_on=hours_on) == at(7, 10, 0)
    # after closing: the next open day
    assert suggest_promise(60, now=at(1, 18, 0), hours_on=hours_on) == at(2, 9, 30)


def test_a_store_that_never_opens_offers_nothing():
    assert suggest_promise(60, now=at(1, 9), hours_on=lambda day: None) is None
