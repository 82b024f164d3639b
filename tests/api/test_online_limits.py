"""What one anonymous online booking may take, and what customer-typed text may reach an SMS.

Issue 11: four online bookings of the eight heaviest services closed a whole day, and a
booking named with a link sent that link, store-signed, to a stranger's mobile.
"""
from __future__ import annotations

import pytest

from chalicelib.notify.sweep import run_sweep
from tests.api.conftest import all_bookings, capacity
from tests.factories import booking_body, store_time

# these tests assert the API's English wording (zh-CN is the default: see test_languages.py)
pytestmark = pytest.mark.usefixtures("english")

HEAVIEST = ["BODY_PAINT", "MAINT_30K", "MAINT_10K", "AC_SERVICE", "DIAG", "RECALL",
            "MAINT_BASIC", "BRAKE_CHECK"]


# ---- labour hours of one online booking ------------------------------------------------

def test_one_online_booking_may_not_take_more_labour_than_the_store_allows(api, store):
    store(online_max_labor_minutes=360)
    response = api.book(booking_body(services=HEAVIEST))
    assert response.status_code == 422
    error = response.json_body["error"]
    assert error["code"] == "online_labor_limit"
    assert set(error["fields"]) == {"services"}
    assert "call the store" in error["fields"]["services"]
    assert all_bookings() == [] and capacity("2026-12-01", "_day") == 0
    # within the limit (300 + 48 minutes) books
    assert api.book(booking_body(services=["BODY_PAINT", "MAINT_BASIC"])).status_code == 201


def test_the_store_profile_gives_the_site_the_online_limits(api, store):
    store(online_max_labor_minutes=240, max_active_bookings_per_phone=3)
    profile = api.get("/api/store").json_body
    assert profile["online_max_labor_minutes"] == 240
    assert profile["max_active_bookings_per_phone"] == 3


def test_the_desk_may_book_a_heavy_visit(staff, store):
    store(online_max_labor_minutes=360)
    answer = staff.as_("advisor").post("/api/staff/bookings",
                                       {**booking_body(services=HEAVIEST), "channel": "phone"})
    assert answer.status_code == 201, answer.json_body


def test_the_default_limit_keeps_four_heavy_bookings_from_closing_a_day(api):
    answers = [api.book(booking_body(services=HEAVIEST, customer={"phone": f"1380013800{i}"},
                                     vehicle={"plate": f"粤B1234{i}"},
                                     slot_start=f"2026-12-01T{9 + i:02d}:00:00+08:00"))
               for i in range(4)]
    assert {a.status_code for a in answers} == {422}
    slots = api.get("/api/slots?date=2026-12-01&services=MAINT_10K").json_body["slots"]
    assert {s["available"] for s in slots} == {3}


# ---- active bookings of one mobile ----------------------------------------------------

def _book(api, i, **extra):
    return api.book(booking_body(vehicle={"plate": f"粤B5555{i}"},
                                 slot_start=f"2026-12-0{1 + i}T09:00:00+08:00", **extra))


def test_a_mobile_holds_at_most_so_many_upcoming_online_bookings(api, store):
    store(max_active_bookings_per_phone=2)
    first, second = _book(api, 0), _book(api, 1)
    assert first.status_code == second.status_code == 201
    third = _book(api, 2)
    assert third.status_code == 409
    error = third.json_body["error"]
    assert error["code"] == "too_many_bookings"
    assert set(error["fields"]) == {"customer.phone"}
    assert len(all_bookings()) == 2
    # another mobile is not affected
    assert _book(api, 3, customer={"phone": "13900139000"}).status_code == 201
    # cancelling one frees a place
    token = api.token_of(first.json_body)
    cancel = api.post(f"/api/bookings/{first.json_body['id']}/cancel?token={token}",
                      {"reason": "时间有冲突"})
    assert cancel.status_code == 200
    assert _book(api, 2).status_code == 201


def test_past_visits_no_longer_count(api, store, clock):
    store(max_active_bookings_per_phone=1)
    assert _book(api, 0).status_code == 201               # 1 Dec 09:00
    assert _book(api, 1).status_code == 409
    clock.move_to(store_time(2026, 12, 1, 10, 0))
    assert api.book(booking_body(vehicle={"plate": "粤B55551"},
                                 slot_start="2026-12-02T09:00:00+08:00")).status_code == 201


def test_the_desk_is_not_held_to_the_online_limit(api, staff, store):
    store(max_active_bookings_per_phone=1)
    assert _book(api, 0).status_code == 201
    answer = staff.as_("advisor").post("/api/staff/bookings", {
        **booking_body(vehicle={"plate": "粤B55551"}, slot_start="2026-12-02T09:00:00+08:00"),
        "channel": "phone"})
    assert answer.status_code == 201, answer.json_body


# ---- customer-typed text in SMS ---------------------------------------------------------

def test_a_link_typed_as_the_name_never_reaches_the_sms(api, sms):
    created = api.book(booking_body(customer={"name": "您的订单退款请点 evil.cn/r?k=9"}))
    assert created.status_code == 201
    assert run_sweep().counts == {"sent": 1}
    (_, text), = sms()
    assert "evil" not in text and "退款" not in text and "k=9" not in text
    assert text.startswith("【骏达大众】您好,已为您预约12月1日(周二)09:00到店")


def test_a_plain_name_still_greets_the_customer(api, sms):
    api.book(booking_body(customer={"name": "欧阳娜娜"}))
    api.book(booking_body(customer={"name": "Mr Wang", "phone": "13900139000"}, locale="en",
                          vehicle={"plate": "粤B22222"}))
    run_sweep()
    texts = dict(sms())
    assert texts["+8613800138000"].startswith("【骏达大众】欧阳娜娜您好,")
    assert texts["+8613900139000"].startswith("[骏达大众] Mr Wang, you are booked")


def test_an_english_sms_without_a_safe_name_says_hello(api, sms):
    api.book(booking_body(customer={"name": "Refund at www.evil.cn"}, locale="en"))
    run_sweep()
    (_, text), = sms()
    assert text.startswith("[骏达大众] Hello, you are booked") and "evil" not in text

