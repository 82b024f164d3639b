"""Store settings rules (issue 13), no AWS: each field checked on its own, special hours and
closed dates, the holiday offer, and which bookings a change strands."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.domain import settings as rules
from chalicelib.domain.booking import Booking, Customer, Vehicle
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.store import StoreSettings
from tests.factories import store_time

TODAY = date(2026, 11, 30)
BASE = StoreSettings(store_id="demo")


def parse(**body):
    return rules.parse_settings(body, BASE, today=TODAY)


def fields_of(**body):
    with pytest.raises(ValidationError) as exc:
        parse(**body)
    return set(exc.value.fields)


def test_keys_left_out_keep_their_value_and_the_labour_rate_is_fen():
    new = parse(labor_rate="320.50", opening_hours={"sat": ["08:00", "12:00"]})
    assert new.labor_rate_fen == 32050 and new.opening_hours["sat"] == ["08:00", "12:00"]
    assert new.opening_hours["mon"] == ["08:00", "17:00"] and new.slot_capacity == 3


@pytest.mark.parametrize("body, field", [
    ({"sms_signature": "骏"}, "sms_signature"),
    ({"sms_signature": "【骏达】"}, "sms_signature"),
    ({"opening_hours": {"sun": ["09:00", "09:30"]}}, "opening_hours.sun"),
    ({"opening_hours": {d: [] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}, "opening_hours"),
    ({"complaint_reply_hours": 72}, "complaint_reply_hours"),
    ({"tax_rate_percent": "13.005"}, "tax_rate_percent"),
    ({"special_hours": {"2026-12-31": ["09:00", "12:00"]}, "closed_dates": ["2026-12-31"]},
     "special_hours.2026-12-31"),
    ({"qc_checklists": {"self": [{"code": "Bad Code", "zh": "甲", "en": "A"}]}}, "qc_checklists.self.0.code"),
])
def test_each_bad_value_is_named_by_its_settings_key(body, field):
    assert field in fields_of(**body)


def test_a_time_like_setting_speaks_chinese_by_default():
    with pytest.raises(ValidationError) as exc:
        parse(quiet_start="9pm")
    assert exc.value.fields["quiet_start"].render("zh-CN") == "时间格式如 08:30"


def test_dates_in_the_past_are_dropped_and_too_far_ahead_refused():
    assert parse(closed_dates=["2026-11-01", "2026-12-25"]).closed_dates == ("2026-12-25",)
    far = (TODAY + timedelta(days=rules.DATES_AHEAD_DAYS + 1)).isoformat()
    assert "closed_dates.0" in fields_of(closed_dates=[far])


def test_special_hours_open_a_closed_day_and_closed_dates_win():
    s = BASE.with_changes(opening_hours={**BASE.opening_hours, "sun": []},
                          special_hours={"2026-12-06": ["09:00", "12:00"]})
    assert s.hours_on(date(2026, 12, 6))[1].hour == 12
    assert s.hours_on(date(2026, 12, 13)) is None
    assert s.with_changes(closed_dates=("2026-12-06",)).hours_on(date(2026, 12, 6)) is None


def test_the_holiday_offer_closes_holidays_and_opens_tiaoxiu_days():
    offer = rules.holiday_offer(2026, BASE.with_changes(
        opening_hours={**BASE.opening_hours, "sat": [], "sun": []}), today=date(2026, 1, 1))
    days = {d["date"]: d for d in offer["days"]}
    assert offer["covered"] and days["2026-10-01"]["offer"] == [] and not days["2026-10-01"]["accepted"]
    assert days["2026-10-10"]["kind"] == "workday" and days["2026-10-10"]["hours"] == []
    assert days["2026-10-10"]["offer"] == ["08:00", "17:00"] and days["2026-02-17"]["name"] == "春节"
    assert rules.holiday_offer(2027, BASE, today=TODAY) == {"year": 2027, "covered": False, "days": []}


def _booking(hour, n, labor=60, created=0):
    start = store_time(2026, 12, 5, hour)
    at = datetime(2026, 11, 30, tzinfo=timezone.utc) + timedelta(minutes=created)
    return Booking(id=f"b{n}", reference=f"R{n}", status="booked", channel="online",
                   customer=Customer(name=f"客户{n}", phone="+8613900000000"),
                   vehicle=Vehicle(plate=f"粤C{n:05d}"), service_codes=["MAINT_10K"],
                   labor_minutes=labor, slot_start=start, slot_end=start + timedelta(hours=1),
                   concern={}, transport="wait", locale="zh-CN", created_at=at, updated_at=at)


def test_stranded_bookings_by_hours_places_and_labour_the_latest_first():
    now = store_time(2026, 11, 30, 10)
    day = date(2026, 12, 5)
    bookings = [_booking(9, 1, created=1), _booking(9, 2, created=2), _booking(14, 3),
                _booking(10, 4, labor=400, created=3)]
    new = BASE.with_changes(opening_hours={**BASE.opening_hours, "sat": ["08:00", "12:00"]},
                            slot_capacity=1, workshop_hours_per_day=6)
    out = {b.id: r for b, r in rules.stranded(new, day, bookings, now)}
    assert out == {"b2": "places", "b3": "hours", "b4": "labour"}
    assert rules.stranded(BASE.with_changes(closed_dates=("2026-12-05",)), day, bookings[:1],
                          now)[0][1] == "closed"


def test_only_days_where_the_change_matters_are_checked():
    new = BASE.with_changes(opening_hours={**BASE.opening_hours, "sat": ["08:00", "12:00"]})
    days = rules.days_to_check(BASE, new, TODAY)
    assert days and all(d.weekday() == 5 for d in days)
    assert len(rules.days_to_check(BASE, BASE.with_changes(slot_capacity=2), TODAY)) == 31
    assert rules.days_to_check(BASE, BASE.with_changes(slot_capacity=5), TODAY) == []
