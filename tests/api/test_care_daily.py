"""The daily job (每日关怀任务) and invitations (邀约), issue 15 part CORE: under controlled time
across months, against moto."""
from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.config import get_config
from chalicelib.db import care as care_db
from chalicelib.db import records as records_db
from chalicelib.db.models import OutboxItem
from chalicelib.domain.care import ANNIVERSARY, SERVICE, Reading
from chalicelib.domain.tokens import check_invitation_token
from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord
from chalicelib.notify.sweep import run_sweep
from chalicelib.services import care
from tests.factories import store_time


def _now():
    from chalicelib import clock
    return clock.now()


def make_car(n: int = 1, *, phone: str = "", sale_date: date | None = None,
             next_service_date: date | None = None, last_visit_on: date | None = None,
             recommendations=(), visits=(), readings=()) -> VehicleRecord:
    """A customer and a car filed directly (as the desk would), its care_day computed."""
    now = _now()
    customer = CustomerRecord(id=f"cus_{n}", name="王先生", phone=phone or f"+861380013{n:04d}",
                              created_at=now, updated_at=now)
    vehicle = VehicleRecord(id=f"veh_{n}", plate=f"粤B{n:05d}", customer_id=customer.id,
                            model="Lavida", sale_date=sale_date, mileage_km=10000,
                            created_at=now, updated_at=now, next_service_date=next_service_date,
                            recommendations=tuple(recommendations), last_visit_on=last_visit_on)
    vehicle = replace(vehicle, care=replace(vehicle.care, visits=tuple(visits),
                                            readings=tuple(readings)))
    vehicle = care.refreshed(vehicle, today=now.date())
    records_db.save(records_db.Changes(customers=[(customer, True)], vehicles=[(vehicle, True)]))
    return records_db.get_vehicle(vehicle.id)


def care_messages():
    return sorted((m for m in OutboxItem.scan() if m.kind == "care"), key=lambda m: m.message_id)


def run_at(clock, day: date, hour: int = 10):
    clock.move_to(store_time(day.year, day.month, day.day, hour, 0))
    return care.run_daily()


# ---- invite -------------------------------------------------------------------------------

def test_invite_plans_one_sms_with_a_personal_link_that_opens_the_booking_site(aws, client):
    vehicle = make_car(1, next_service_date=date(2026, 12, 7))
    now = _now()
    outcome = care.invite(vehicle, kind=SERVICE, due_on=date(2026, 12, 7), now=now,
                          services=("MAINT_BASIC",))
    assert outcome == "invited"
    inv_id = care.invitation_id(vehicle.id, kind=SERVICE, due_on=date(2026, 12, 7))
    inv = care_db.get_invitation(inv_id)
    assert (inv.kind, inv.vehicle_id, inv.phone, inv.status) == (SERVICE, "veh_1",
                                                                   "+8613800130001", "planned")
    assert inv.services == ("MAINT_BASIC",) and inv.call_status == "open"
    assert inv.call_due == "2026-12-03"        # care_call_after_days = 3
    [message] = care_messages()
    assert message.message_id == f"care.{inv_id}" and message.phone == "+8613800130001"
    assert "粤B00001" in message.text and "回T退订" not in message.text
    code = re.search(r"/l/(\w+)", message.text).group(1)
    assert inv.link_code == code
    location = client.http.get(f"/l/{code}").headers["Location"]
    assert location.startswith(get_config().public_base_url + "/?invitation=")
    query = parse_qs(urlsplit(location).query)
    assert query["invitation"] == [inv_id]
    check_invitation_token(get_config().secret_key, inv_id, query["token"][0])
    [entry] = care_db.contacts_of("cus_1")
    assert (entry.channel, entry.invitation_id, entry.outcome) == ("sms", inv_id, "planned")

    # a second attempt finds it: nothing sent twice, nothing counted twice
    assert care.invite(vehicle, kind=SERVICE, due_on=date(2026, 12, 7), now=now) == "exists"
    assert len(care_messages()) == 1
    assert care_db.budget_used(now.date()) == 1


def test_invite_skips_an_opted_out_number_but_keeps_the_call(aws):
    vehicle = make_car(2)
    now = _now()
    records_db.save(records_db.Changes(opt_outs=[("+8613800130002", "unsubscribe")], now=now))
    assert care.invite(vehicle, kind=SERVICE, due_on=date(2026, 12, 7), now=now) == "opted_out"
    assert care_messages() == []
    inv = care_db.get_invitation(care.invitation_id("veh_2", kind=SERVICE,
                                                    due_on=date(2026, 12, 7)))
    assert inv.status == "skipped" and inv.call_status == "open"
    assert care_db.all_stats()["reminder:service"]["skipped"] == 1
    assert care_db.budget_used(now.date()) == 0


# ---- the daily job -------------------------------------------------------------------------

@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


def test_a_car_delivered_today_is_invited_a_week_before_its_next_service(
        api, advisor, staff, clock, client, sms):
    from tests.api.test_workshop_to_followup import approved_order, worked_and_checked
    order = worked_and_checked(staff, approved_order(api, advisor, clock, wash=False), clock)
    order = staff.as_("cashier").post(f"/api/staff/orders/{order['id']}/settle", {
        "version": order["version"], "payment_method": "cash"}).json_body
    clock.move_to(store_time(2026, 12, 1, 16, 0))
    delivered = advisor.post(f"/api/staff/orders/{order['id']}/deliver", {
        "version": order["version"], "checklist": {
            k: True for k in ("clean", "old_parts", "keys", "documents", "explained")}})
    assert delivered.status_code == 200, delivered.json_body
    vehicle = records_db.get_vehicle(records_db.get_order(order["id"]).vehicle_id)
    assert vehicle.next_service_date == date(2027, 3, 1)        # 3 months (store rule)
    assert vehicle.last_visit_on == date(2026, 12, 1)
    assert vehicle.care.readings[-1].km == 15302
    # the air filter declined on 1 Dec is offered again 30 days after: the next look
    assert vehicle.care_day == date(2026, 12, 31)

    assert run_at(clock, date(2026, 12, 30))["invited"] == 0
    declined = run_at(clock, date(2026, 12, 31))
    assert declined["invited"] == 1
    [offer] = care_messages()
    inv = care_db.get_invitation(offer.message_id.split(".", 1)[1])
    assert inv.kind == "declined" and inv.items == ("空调滤芯",) and inv.services == ()
    assert records_db.get_vehicle(vehicle.id).care_day == date(2027, 2, 22)

    assert run_at(clock, date(2027, 2, 21))["invited"] == 0
    assert run_at(clock, date(2027, 2, 22))["invited"] == 1       # 1 Mar - 7 days
    service = care_messages()[-1] if care_messages()[-1].message_id != offer.message_id \
        else care_messages()[0]
    inv = care_db.get_invitation(service.message_id.split(".", 1)[1])
    assert (inv.kind, inv.due_on, inv.services) == ("service", "2027-03-01", ("MAINT_BASIC",))
    assert "粤B12345" in service.text and "3月1日" in service.text
    target = urlsplit(client.http.get(f"/l/{inv.link_code}").headers["Location"])
    assert parse_qs(target.query)["invitation"] == [inv.id]
    check_invitation_token(get_config().secret_key, inv.id, parse_qs(target.query)["token"][0])

    # the sweep sends it: the invitation is sent, counted once even if the sweep runs again
    before = len(sms())
    run_sweep()
    run_sweep()
    texts = [t for _p, t in sms()[before:]]
    assert texts.count(service.text) == 1 and texts.count(offer.text) == 1
    sent = care_db.get_invitation(inv.id)
    assert sent.status == "sent" and sent.sent_at
    stats = care_db.all_stats()
    assert stats["reminder:service"]["sent"] == 1 and stats["reminder:declined"]["sent"] == 1
    assert care.message_done(service.message_id, sent=True, now=_now()) is False
    assert care_db.all_stats()["reminder:service"]["sent"] == 1


def test_the_job_does_nothing_before_its_time_and_runs_once_a_day(aws, clock):
    make_car(1, next_service_date=date(2026, 12, 8))          # reminded 1 Dec
    clock.move_to(store_time(2026, 12, 1, 9, 15))             # care_run_at 09:30
    assert care.run_daily() == {"ran": False, "reason": "before_run_at"}
    assert care_messages() == [] and care_db.last_runs() == []
    clock.move_to(store_time(2026, 12, 1, 9, 45))
    assert care.run_daily()["invited"] == 1
    clock.move_to(store_time(2026, 12, 1, 10, 0))
    assert care.run_daily() == {"ran": False, "reason": "already_ran"}
    assert len(care_messages()) == 1


def test_two_jobs_at_once_send_one_sms(aws, clock):
    for n in range(1, 4):
        make_car(n, next_service_date=date(2026, 12, 8))
    clock.move_to(store_time(2026, 12, 1, 9, 45))
    results = []
    threads = [threading.Thread(target=lambda: results.append(care.run_daily()))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.get("invited", -1) for r in results) == [-1, 3]
    assert len(care_messages()) == 3
    # and the same reason invited by two callers at once: one SMS
    vehicle = make_car(9, next_service_date=date(2026, 12, 20))
    outcomes = []
    callers = [threading.Thread(target=lambda: outcomes.append(care.invite(
        vehicle, kind=SERVICE, due_on=date(2026, 12, 20), now=_now()))) for _ in range(2)]
    for t in callers:
        t.start()
    for t in callers:
        t.join()
    assert sorted(outcomes) == ["exists", "invited"]
    assert len(care_messages()) == 4
    assert care_db.budget_used(date(2026, 12, 1)) == 4


def test_a_budget_of_one_sms_sends_one_car_today_and_the_other_tomorrow(aws, clock, store):
    store(care_sms_per_day=1)
    make_car(1, next_service_date=date(2026, 12, 10))
    make_car(2, next_service_date=date(2026, 12, 10))
    first = run_at(clock, date(2026, 12, 3))
    assert (first["invited"], first["over_budget"], first["waiting"]) == (1, 1, 1)
    assert len(care_messages()) == 1
    waiting = [v for v in (records_db.get_vehicle("veh_1"), records_db.get_vehicle("veh_2"))
               if v.care_day == date(2026, 12, 4)]
    assert len(waiting) == 1 and waiting[0].care.handled == ()
    second = run_at(clock, date(2026, 12, 4))
    assert (second["invited"], second["over_budget"]) == (1, 0)
    assert {m.phone for m in care_messages()} == {"+8613800130001", "+8613800130002"}
    assert care_db.budget_used(date(2026, 12, 3)) == 1 == care_db.budget_used(date(2026, 12, 4))


def test_an_opted_out_number_gets_no_sms(aws, clock, sms):
    make_car(1, next_service_date=date(2026, 12, 10))
    make_car(2, next_service_date=date(2026, 12, 10))
    records_db.save(records_db.Changes(opt_outs=[("+8613800130001", "unsubscribe")], now=_now()))
    summary = run_at(clock, date(2026, 12, 3))
    assert summary["invited"] == 1 and summary["skipped"] == {"opted_out": 1}
    assert [m.phone for m in care_messages()] == ["+8613800130002"]
    # opted out after the SMS was planned: checked again when it is sent
    records_db.save(records_db.Changes(opt_outs=[("+8613800130002", "unsubscribe")], now=_now()))
    run_sweep()
    assert [p for p, _t in sms()] == []
    assert care_db.all_stats()["reminder:service"]["skipped"] == 2
    assert care_db.all_stats()["reminder:service"].get("sent", 0) == 0


def test_marketing_needs_consent_and_carries_the_unsubscribe_link(aws, clock, client):
    # sold 14 Dec 2025: its first anniversary, 14 Dec 2026, is invited 14 days ahead
    make_car(1, sale_date=date(2025, 12, 14), visits=[date(2026, 1, 10), date(2026, 6, 10)],
             last_visit_on=date(2026, 10, 10))
    make_car(2, sale_date=date(2025, 12, 14), visits=[date(2026, 1, 10), date(2026, 6, 10)],
             last_visit_on=date(2026, 10, 10))
    records_db.save(records_db.Changes(consents=[("+8613800130002", True, "desk", "advisor")],
                                       now=_now()))
    summary = run_at(clock, date(2026, 12, 1))
    assert summary["invited"] == 1 and summary["skipped"] == {"no_consent": 1}
    [message] = care_messages()
    assert message.phone == "+8613800130002"
    assert "回T退订" in message.text
    codes = re.findall(r"/l/(\w+)", message.text)
    assert len(codes) == 2
    out = urlsplit(client.http.get(f"/l/{codes[1]}").headers["Location"])
    assert out.path == "/unsubscribe.html"
    inv = care_db.get_invitation(parse_qs(out.query)["invitation"][0])
    assert inv.kind == ANNIVERSARY and inv.due_on == "2026-12-14" and inv.call_status == ""
    check_invitation_token(get_config().secret_key, inv.id, parse_qs(out.query)["token"][0])
    skipped = care_db.get_invitation(care.invitation_id("veh_1", kind=ANNIVERSARY,
                                                        due_on=date(2026, 12, 14)))
    assert skipped.status == "skipped" and skipped.call_status == ""


def test_the_monthly_marketing_cap(aws, clock, store):
    store(marketing_per_phone_per_month=1)
    vehicle = make_car(1)
    records_db.save(records_db.Changes(consents=[("+8613800130001", True, "desk", "advisor")],
                                       now=_now()))
    first = care.invite(vehicle, kind="campaign", campaign_id="cmp_1", text="冬季免费检测",
                        due_on=date(2026, 12, 20), now=_now(), call=False)
    second = care.invite(vehicle, kind="campaign", campaign_id="cmp_2", text="冬季免费检测",
                         due_on=date(2026, 12, 20), now=_now(), call=False)
    assert (first, second) == ("invited", "capped")
    [message] = care_messages()
    assert "冬季免费检测" in message.text and "回T退订" in message.text
    assert care_db.all_stats()["campaign:cmp_2"]["skipped"] == 1


def test_a_new_cars_first_and_second_free_service(aws, clock):
    # sold 15 Nov, driven 100 km a day: 5,000 km on 4 Jan, before 6 months
    make_car(1, sale_date=date(2026, 11, 15),
             readings=[Reading(date(2026, 11, 15), 10), Reading(date(2026, 11, 29), 1410)])
    # sold 1 Jun, serviced once on 1 Sep, no mileage history: 12 months after the sale
    make_car(2, sale_date=date(2026, 6, 1), visits=[date(2026, 9, 1)],
             last_visit_on=date(2026, 9, 1), next_service_date=date(2026, 12, 1))
    assert records_db.get_vehicle("veh_1").care_day == date(2026, 12, 28)
    assert run_at(clock, date(2026, 12, 28))["invited"] == 1
    inv = care_db.get_invitation(care_messages()[0].message_id.split(".", 1)[1])
    assert (inv.kind, inv.due_on, inv.services) == ("first_free", "2027-01-04", ("MAINT_BASIC",))
    assert inv.mileage_km == 1410 + 29 * 100
    assert "首保" in care_messages()[0].text
    # the second car's second free service replaces its service reminder
    assert records_db.get_vehicle("veh_2").care_day == date(2027, 3, 1)   # lapsed: 1 Sep + 6 m
    run_at(clock, date(2027, 3, 1))
    run_at(clock, date(2027, 5, 25))
    kinds = sorted(care_db.get_invitation(m.message_id.split(".", 1)[1]).kind
                   for m in care_messages())
    assert kinds == ["first_free", "lapsed", "second_free"]


def test_a_lapsed_customer_is_invited_with_a_call_the_same_day(aws, clock):
    make_car(1, last_visit_on=date(2026, 6, 10), visits=[date(2026, 6, 10)],
             next_service_date=date(2027, 3, 1))
    assert records_db.get_vehicle("veh_1").care_day == date(2026, 12, 10)
    assert run_at(clock, date(2026, 12, 10))["invited"] == 1
    inv = care_db.get_invitation(care_messages()[0].message_id.split(".", 1)[1])
    assert (inv.kind, inv.due_on, inv.call_due, inv.services) == (
        "lapsed", "2026-12-10", "2026-12-10", ("FREE_CHECK",))
    assert [i.id for i in care_db.calls_due(date(2026, 12, 10))] == [inv.id]
    # its next look: the service reminder, 22 Feb
    assert records_db.get_vehicle("veh_1").care_day == date(2027, 2, 22)


def test_vehicles_saved_before_the_care_copies_are_backfilled_once(aws, clock):
    from chalicelib.db.models import CareItem, VehicleItem
    make_car(1, next_service_date=date(2026, 12, 10))
    # as saved before issue 15: no care state, no copy
    item = VehicleItem.get("veh_1")
    item.care = None
    item.care_day = None
    item.save()
    CareItem("vehicle#veh_1", "care").delete()
    summary = run_at(clock, date(2026, 12, 1))
    assert summary["backfilled"] == 1
    assert CareItem.get("vehicle#veh_1", "care").care_day == "2026-12-03"
    assert run_at(clock, date(2026, 12, 3))["invited"] == 1
    assert run_at(clock, date(2026, 12, 4))["backfilled"] == 0


def test_a_run_that_died_midway_is_read_again_the_next_day(aws, clock):
    make_car(1, next_service_date=date(2026, 12, 10))             # reminded 3 Dec
    run_at(clock, date(2026, 12, 2))
    care_db.start_run(date(2026, 12, 3), _now())                  # claimed, never finished
    assert run_at(clock, date(2026, 12, 3)) == {"ran": False, "reason": "already_ran"}
    summary = run_at(clock, date(2026, 12, 4))
    assert (summary["buckets"], summary["invited"]) == (3, 1)    # 2 Dec again, 3 and 4 Dec
    assert len(care_messages()) == 1


def test_refreshed_keeps_the_facts_current(aws, clock):
    vehicle = make_car(1, next_service_date=date(2026, 11, 25), last_visit_on=date(2026, 8, 25))
    assert vehicle.care_day == date(2026, 12, 1)                  # a missed one: the next run
    lost = replace(vehicle, care=replace(vehicle.care, handled=("lapsed@2027-02-25",),
                                         lost={"reason": "sold", "at": "2026-11-01", "by": "x"}))
    assert care.refreshed(lost, today=date(2026, 11, 30)).care_day is None
    # sold to someone else: a new owner starts afresh
    fresh = care.refreshed(lost, today=date(2026, 11, 30), new_owner=True)
    assert fresh.care.handled == () and fresh.care.lost is None
    assert fresh.care_day == date(2026, 12, 1)
    # the car comes in: its visit and reading; the service reminder due is settled by it
    visited = care.refreshed(vehicle, today=date(2026, 11, 30), reading_km=12000, visit=True)
    assert visited.last_visit_on == date(2026, 11, 30)
    assert visited.care.visits[-1] == date(2026, 11, 30)
    assert visited.care.readings[-1] == Reading(date(2026, 11, 30), 12000)
    assert "service@2026-11-25" in visited.care.handled
    assert visited.care_day == date(2027, 5, 30)                  # lapsed: 6 months on
