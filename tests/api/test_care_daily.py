"""The daily job (每日关怀任务) and invitations (邀约), issue 15 part CORE: under controlled time
across months, against moto."""
from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.config import get_config
from chalicelib.db import care as care_db
from chalicelib.db import records as records_db
from chalicelib.db.models import OutboxItem
from chalicelib.domain.care import ANNIVERSARY, SERVICE, Reading
from chalicelib.domain.tokens import check_invitation_token
from chalicelib.domain.vehicles import CustomerRecord, Recommendation, VehicleRecord
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
    inv = care_db.get_invitation(care.invitation_id("veh_2", kind=SERVICE, due_on=date(2026, 12, 7)))
    assert inv.status == "skipped" and inv.call_status == "open"
    assert care_db.all_stats()["reminder:service"]["skipped"] == 1
    assert care_db.budget_used(now.date()) == 0
