"""The care rules (domain/care_rules.py, issue 15 part CORE): what is due when."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from chalicelib.domain.care import CareState, Reading
from chalicelib.domain.care_rules import (CareRules, add_months, daily_km, day_reaching, due,
                                          due_today, next_care_day, projected_km)
from chalicelib.domain.store import Service, StoreSettings
from chalicelib.domain.vehicles import Recommendation, VehicleRecord

RULES = CareRules(service_codes=("MAINT_BASIC",), check_codes=("FREE_CHECK",))
TODAY = date(2026, 12, 1)


def car(**fields) -> VehicleRecord:
    care = fields.pop("care", CareState())
    return replace(VehicleRecord(id="veh_1", plate="粤B12345", customer_id="cus_1"), care=care,
                   **fields)


def readings(*pairs) -> CareState:
    return CareState(readings=tuple(Reading(date.fromisoformat(d), km) for d, km in pairs))


def kinds(reasons) -> list[tuple[str, str, str]]:
    return [(r.kind, r.due_on.isoformat(), r.remind_on.isoformat()) for r in reasons]


# ---- settings and catalogue -------------------------------------------------------------------

def test_rules_from_the_store_settings_and_catalogue():
    services = [Service("FREE_CHECK", "免费安全检查", "Free check", 30, 24, 0, "inspection", 9),
                Service("BRAKE_CHECK", "刹车检查", "Brakes", 30, 36, 25000, "inspection", 3),
                Service("MAINT_10K", "10000公里保养", "10k", 60, 60, 90000, "maintenance", 1),
                Service("MAINT_BASIC", "常规保养", "Routine", 60, 48, 48000, "maintenance", 0)]
    settings = StoreSettings(store_id="s", care_lead_days=10, first_free_km=3000)
    rules = CareRules.from_settings(settings, services)
    assert (rules.lead_days, rules.first_free_km, rules.service_interval_months) == (10, 3000, 3)
    assert rules.service_codes == ("MAINT_BASIC",)       # the first maintenance service
    assert rules.check_codes == ("FREE_CHECK",)          # a free inspection, not a paid one


def test_months_are_added_as_people_count_them():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)


# ---- mileage projection -----------------------------------------------------------------------

def test_no_mileage_history_no_projection():
    assert daily_km(CareState()) is None and projected_km(CareState(), TODAY) is None
    one = readings(("2026-11-01", 12000))
    assert daily_km(one) is None and projected_km(one, TODAY) == 12000


def test_under_fourteen_days_of_history_no_projection():
    short = readings(("2026-11-20", 12000), ("2026-12-01", 13000))
    assert daily_km(short) is None and day_reaching(short, 15000) is None


def test_average_daily_km_over_the_run_and_the_date_a_mileage_is_reached():
    care = readings(("2026-09-01", 10000), ("2026-10-01", 11500), ("2026-11-01", 13100))
    assert daily_km(care) == 3100 / 61
    assert day_reaching(care, 15000) == date(2026, 12, 9)   # 1900 km at 50.8/day: 38 days
    assert projected_km(care, TODAY) == 13100 + int(3100 / 61 * 30)
    assert day_reaching(care, 13000) == date(2026, 11, 1)   # already past: the last reading


def test_a_mileage_that_went_down_starts_a_new_run():
    care = readings(("2026-06-01", 80000), ("2026-08-01", 90000),      # old instrument cluster
                    ("2026-10-01", 100), ("2026-11-01", 1650))          # replaced: 50 km/day
    assert daily_km(care) == 50
    only_the_new_one = readings(("2026-06-01", 80000), ("2026-10-01", 100))
    assert daily_km(only_the_new_one) is None


def test_daily_km_is_clamped_to_a_sane_range():
    typo = readings(("2026-11-01", 10000), ("2026-11-15", 110000))
    assert daily_km(typo) == 500


# ---- service -----------------------------------------------------------------------------------

def test_service_by_date_or_projected_mileage_whichever_first():
    by_date = car(next_service_date=date(2027, 3, 1), next_service_km=20000,
                  care=readings(("2026-09-01", 10000), ("2026-12-01", 11000)))
    assert kinds(due(by_date, RULES, TODAY)) == [("service", "2027-03-01", "2027-02-22")]
    later_km = replace(by_date, next_service_km=12000)     # 11 km/day: 2 Mar, after the date
    assert kinds(due(later_km, RULES, TODAY)) == [("service", "2027-03-01", "2027-02-22")]
    by_km = replace(by_date, next_service_km=11500)
    assert kinds(due(by_km, RULES, TODAY)) == [("service", "2027-01-16", "2027-01-09")]
    [reason] = due(by_km, RULES, TODAY)
    assert reason.key == "service@2027-01-16" and reason.services == ("MAINT_BASIC",)


def test_service_by_mileage_alone_needs_a_projection():
    no_history = car(next_service_km=15000, last_visit_on=date(2026, 10, 1))
    # no projection: the date rule alone (the last visit + 3 months)
    assert kinds(due(no_history, RULES, TODAY))[0] == ("service", "2027-01-01", "2026-12-25")


def test_a_service_long_past_is_not_reminded_the_lapsed_rule_invites_the_car():
    old = car(next_service_date=date(2024, 1, 1), last_visit_on=date(2023, 10, 1))
    assert [r.kind for r in due(old, RULES, TODAY)] == ["lapsed"]


def test_no_next_service_and_no_visit_nothing_due():
    assert due(car(), RULES, TODAY) == [] and next_care_day(car(), RULES, TODAY) is None


# ---- free services ------------------------------------------------------------------------------

def test_first_free_service_of_a_new_car_by_months_or_km():
    new = car(sale_date=date(2026, 10, 1))
    assert kinds(due(new, RULES, TODAY))[0] == ("first_free", "2027-04-01", "2027-03-25")
    driven = replace(new, care=readings(("2026-10-01", 5), ("2026-11-01", 3105)))   # 100/day
    assert kinds(due(driven, RULES, TODAY))[0] == ("first_free", "2026-11-20", "2026-11-13")


def test_second_free_service_after_exactly_one_visit_and_none_after_two():
    once = car(sale_date=date(2026, 6, 1), last_visit_on=date(2026, 9, 1),
               care=CareState(visits=(date(2026, 9, 1),)), next_service_date=date(2026, 12, 1))
    reasons = kinds(due(once, RULES, TODAY))
    assert ("second_free", "2027-06-01", "2027-05-25") in reasons
    assert not [r for r in reasons if r[0] == "service"]   # the free service is the service
    twice = replace(once, care=CareState(visits=(date(2026, 9, 1), date(2026, 11, 1))),
                    last_visit_on=date(2026, 11, 1))
    reasons = kinds(due(twice, RULES, TODAY))
    assert not [r for r in reasons if "free" in r[0]]
    assert ("service", "2026-12-01", "2026-11-24") in reasons


def test_no_sale_date_no_free_service_and_no_anniversary():
    unknown = car(last_visit_on=date(2026, 11, 1))
    assert {r.kind for r in due(unknown, RULES, TODAY)} == {"service", "lapsed"}


def test_a_free_service_long_past_is_not_offered():
    old = car(sale_date=date(2020, 5, 1))
    assert [r.kind for r in due(old, RULES, TODAY)] == ["anniversary"]


# ---- lapsed, anniversary, declined -----------------------------------------------------------

def test_lapsed_after_six_months_reminded_that_day_and_every_six_months():
    gone = car(last_visit_on=date(2026, 3, 10), next_service_date=date(2027, 6, 1))
    assert [r for r in kinds(due(gone, RULES, TODAY)) if r[0] == "lapsed"] == [
        ("lapsed", "2026-09-10", "2026-09-10")]
    handled = replace(gone, care=gone.care.with_handled("lapsed@2026-09-10"))
    assert [r for r in kinds(due(handled, RULES, TODAY)) if r[0] == "lapsed"] == [
        ("lapsed", "2027-03-10", "2027-03-10")]
    long_gone = car(last_visit_on=date(2023, 1, 5), next_service_date=date(2027, 6, 1))
    assert [r for r in kinds(due(long_gone, RULES, TODAY)) if r[0] == "lapsed"] == [
        ("lapsed", "2026-07-05", "2026-07-05")]        # the latest period, not six years of them


def test_anniversary_reminded_two_weeks_ahead_and_29_february():
    sold = car(sale_date=date(2024, 12, 10))
    assert [r for r in kinds(due(sold, RULES, TODAY)) if r[0] == "anniversary"] == [
        ("anniversary", "2026-12-10", "2026-11-26")]
    handled = replace(sold, care=sold.care.with_handled("anniversary@2026-12-10"))
    assert [r for r in kinds(due(handled, RULES, TODAY)) if r[0] == "anniversary"] == [
        ("anniversary", "2027-12-10", "2027-11-26")]
    leap = car(sale_date=date(2024, 2, 29))
    assert [r for r in kinds(due(leap, RULES, TODAY)) if r[0] == "anniversary"] == [
        ("anniversary", "2027-02-28", "2027-02-14")]
    just_sold = car(sale_date=date(2026, 11, 28))
    assert [r for r in kinds(due(just_sold, RULES, TODAY)) if r[0] == "anniversary"] == [
        ("anniversary", "2027-11-28", "2027-11-14")]


def test_declined_work_offered_thirty_days_after_one_reason_per_order_with_the_items():
    def rec(description, order_id, declined_at):
        return Recommendation(description, order_id, "R1", declined_at, 10000)
    declined = car(recommendations=(
        rec("空调滤芯", "ro_1", "2026-11-10T10:00:00+08:00"),
        rec("雨刮片", "ro_1", "2026-11-10T10:05:00+08:00"),
        rec("前刹车片", "ro_2", "2026-11-20T09:00:00+08:00"),
        rec("蓄电池", "ro_0", "2026-01-05T09:00:00+08:00")))       # long ago: not offered
    reasons = [r for r in due(declined, RULES, TODAY) if r.kind == "declined"]
    assert [(r.due_on.isoformat(), r.remind_on.isoformat(), r.items, r.services)
            for r in reasons] == [
        ("2026-12-10", "2026-12-10", ("空调滤芯", "雨刮片"), ()),
        ("2026-12-20", "2026-12-20", ("前刹车片",), ())]
    # the car came back after the second order: its work was offered again at that visit
    back = replace(declined, last_visit_on=date(2026, 11, 25))
    assert [r for r in due(back, RULES, TODAY) if r.kind == "declined"] == []


# ---- lost cars, handled reasons, the next look ----------------------------------------------

def test_a_lost_car_has_nothing_due():
    sold = car(sale_date=date(2024, 12, 10), last_visit_on=date(2026, 3, 1),
               next_service_date=date(2026, 6, 1),
               care=CareState(lost={"reason": "sold", "at": "2026-11-01", "by": "clerk"}))
    assert due(sold, RULES, TODAY) == [] and next_care_day(sold, RULES, TODAY) is None


def test_handled_reasons_are_skipped_and_the_next_look_is_the_earliest_reminder():
    vehicle = car(next_service_date=date(2027, 3, 1), last_visit_on=date(2026, 12, 1))
    assert next_care_day(vehicle, RULES, TODAY) == date(2027, 2, 22)
    assert due_today(vehicle, RULES, TODAY) == []
    overdue = replace(vehicle, next_service_date=date(2026, 11, 20))
    assert next_care_day(overdue, RULES, TODAY) == TODAY            # a missed one: today
    assert [r.key for r in due_today(overdue, RULES, TODAY)] == ["service@2026-11-20"]
    handled = replace(overdue, care=overdue.care.with_handled("service@2026-11-20"))
    assert due_today(handled, RULES, TODAY) == []
    assert next_care_day(handled, RULES, TODAY) == date(2027, 6, 1)  # lapsed: 6 months
