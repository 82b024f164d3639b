from datetime import date, timedelta

from chalicelib.domain.slots import DayUsage, availability, bookable_slots, day_slots, nearest
from chalicelib.domain.store import StoreSettings
from tests.factories import store_time

SETTINGS = StoreSettings(store_id="t", slot_capacity=3, workshop_hours_per_day=10,
                         walkin_reserve_percent=20, min_notice_minutes=120, horizon_days=30)
NOW = store_time(2026, 11, 30, 10)


def test_hourly_slots_between_opening_and_closing():
    slots = day_slots(SETTINGS, date(2026, 12, 1))
    assert [s.key for s in slots] == [f"{h:02d}:00" for h in range(8, 17)]
    assert slots[-1].end == store_time(2026, 12, 1, 17)


def test_half_hour_slots_and_closed_weekday():
    settings = SETTINGS.with_changes(slot_minutes=30, opening_hours={"tue": ["08:30", "10:00"]})
    assert [s.key for s in day_slots(settings, date(2026, 12, 1))] == ["08:30", "09:00", "09:30"]
    assert day_slots(settings, date(2026, 12, 2)) == []


def test_minimum_notice_past_and_horizon():
    assert bookable_slots(SETTINGS, date(2026, 11, 30), NOW)[0].key == "12:00"
    assert bookable_slots(SETTINGS, date(2026, 11, 29), NOW) == []
    assert bookable_slots(SETTINGS, date(2026, 12, 30), NOW) != []
    assert bookable_slots(SETTINGS, date(2026, 12, 31), NOW) == []


def test_available_is_the_smallest_of_the_three_limits():
    day = date(2026, 12, 1)
    usage = DayUsage(slot_booked={"09:00": 2}, labor_minutes=360)
    # 480 minutes bookable (20 % walk-in reserve of 600); 120 left
    places = dict((s.key, left) for s, left in availability(SETTINGS, day, usage, 60, NOW))
    assert places["09:00"] == 1    # reception: one place left
    assert places["10:00"] == 2    # labour: 120 // 60
    places = dict((s.key, left) for s, left in availability(SETTINGS, day, usage, 90, NOW))
    assert places["10:00"] == 1
    places = dict((s.key, left) for s, left in availability(SETTINGS, day, usage, 0, NOW))
    assert places["10:00"] == 3    # no labour: only reception counts
    full = DayUsage(slot_booked={}, labor_minutes=480)
    assert {left for _, left in availability(SETTINGS, day, full, 30, NOW)} == {0}


def test_nearest_free_slots_prefer_the_closer_then_the_earlier():
    day = date(2026, 12, 1)
    candidates = availability(SETTINGS, day, DayUsage(slot_booked={"10:00": 3, "11:00": 3}), 60, NOW)
    wanted = store_time(2026, 12, 1, 10)
    assert [s.key for s in nearest(wanted, candidates)] == ["09:00", "08:00", "12:00"]
    assert nearest(wanted, [], 3) == []
    assert nearest(wanted - timedelta(days=1), candidates, 1)[0].key == "08:00"
