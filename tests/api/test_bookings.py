"""Customer booking API: API.md, "Customer endpoints"."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.db.models import BookingItem
from tests.api.conftest import all_bookings, all_messages, capacity
from tests.factories import booking_body

# these tests assert the API's English wording (zh-CN is the default: see test_languages.py)
pytestmark = pytest.mark.usefixtures("english")


def test_store_profile_and_catalogue(api):
    store = api.get("/api/store").json_body
    assert store["name"] == "骏达大众4S店"
    assert store["timezone"] == "Asia/Shanghai"
    assert store["opening_hours"]["mon"] == ["08:00", "17:00"]
    services = api.get("/api/services").json_body
    maint = next(s for s in services if s["code"] == "MAINT_10K")
    assert maint == {"code": "MAINT_10K", "name": "10000公里保养", "name_en": "10,000 km service",
                     "category": "maintenance", "duration_min": 90, "labor_hours": 1.2,
                     "price_estimate": "680.00", "currency": "CNY"}
    assert services[0]["code"] == "MAINT_BASIC"  # the store's own order


def test_slots_of_an_open_day(api):
    answer = api.get("/api/slots?date=2026-12-01&services=MAINT_10K").json_body
    starts = [s["start"] for s in answer["slots"]]
    assert starts[0] == "2026-12-01T08:00:00+08:00"
    assert starts[-1] == "2026-12-01T16:00:00+08:00"
    assert len(starts) == 9
    assert {s["available"] for s in answer["slots"]} == {3}
    assert answer["slots"][0]["end"] == "2026-12-01T09:00:00+08:00"


def test_slots_respect_minimum_notice_today(api):
    # it is 10:00; two hours of notice leave 12:00 as the first slot
    answer = api.get("/api/slots?date=2026-11-30").json_body
    assert answer["slots"][0]["start"] == "2026-11-30T12:00:00+08:00"


def test_no_slots_when_closed_past_or_beyond_horizon(api, store):
    store(closed_dates=("2026-12-02",))
    assert api.get("/api/slots?date=2026-12-02").json_body == {
        "date": "2026-12-02", "slots": [], "closed_reason": "closed"}
    assert api.get("/api/slots?date=2026-11-29").json_body["closed_reason"] == "past"
    assert api.get("/api/slots?date=2027-01-15").json_body["closed_reason"] == "beyond_horizon"


def test_slots_bad_query_names_the_field(api):
    bad_date = api.get("/api/slots?date=2026-13-01")
    assert bad_date.status_code == 422
    assert bad_date.json_body["error"]["fields"] == {"date": "not a date, expected YYYY-MM-DD"}
    missing = api.get("/api/slots")
    assert missing.json_body["error"]["fields"]["date"].startswith("required")
    unknown = api.get("/api/slots?date=2026-12-01&services=NOPE")
    assert unknown.status_code == 422
    assert unknown.json_body["error"]["fields"] == {"services": "unknown service: NOPE"}


def test_booking_is_written_with_capacity_and_messages(api):
    response = api.book(booking_body())
    assert response.status_code == 201
    created = response.json_body
    assert created["status"] == "booked"
    assert created["slot_start"] == "2026-12-01T09:00:00+08:00"
    assert created["manage_url"].startswith(
        f"https://4s.example.cn/manage.html?id={created['id']}&token=")
    assert len(created["reference"]) == 8

    item = BookingItem.get(created["id"])
    assert item.phone == "+8613800138000"  # stored in E.164
    assert item.plate == "粤B12345"
    assert item.channel == "online"
    assert item.service_codes == ["MAINT_10K"]
    assert item.concern.as_dict()["what"] == "刹车异响"
    assert capacity("2026-12-01", "09:00") == 1
    assert capacity("2026-12-01", "_day") == 72  # labour minutes of MAINT_10K

    planned = {m.kind: m.next_attempt_at for m in all_messages()}
    # the 1-day reminder would be due 30 Nov 09:00, before the booking was made: skipped
    assert planned == {
        "confirmation": "2026-11-30T02:00:00.000000Z",   # now (10:00 store time)
        "reminder_hour": "2026-12-01T00:00:00.000000Z",  # 08:00 store time
    }
    slots = api.get("/api/slots?date=2026-12-01&services=MAINT_10K").json_body["slots"]
    assert next(s for s in slots if s["start"].endswith("09:00:00+08:00"))["available"] == 2


def test_both_reminders_are_planned_for_a_later_visit(api):
    api.book(booking_body(slot_start="2026-12-03T14:00:00+08:00"))
    planned = {m.kind: (m.next_attempt_at, m.status, m.queue) for m in all_messages()}
    assert planned == {
        "confirmation": ("2026-11-30T02:00:00.000000Z", "pending", "pending"),
        "reminder_day": ("2026-12-02T06:00:00.000000Z", "pending", "pending"),
        "reminder_hour": ("2026-12-03T05:00:00.000000Z", "pending", "pending"),
    }


def test_new_energy_plate_and_plain_phone(api):
    response = api.book(booking_body(customer={"phone": "+86 138 0013 8000"},
                                     vehicle={"plate": "粤BD12345", "vin": ""}))
    assert response.status_code == 201
    item = BookingItem.get(response.json_body["id"])
    assert (item.phone, item.plate, item.vin) == ("+8613800138000", "粤BD12345", None)


def test_invalid_fields_are_all_named_and_nothing_is_written(api):
    response = api.book(booking_body(
        customer={"name": "", "phone": "12345"},
        vehicle={"plate": "ABC123", "vin": "LSVAU2180N218329I", "mileage_km": -5},
        services=["MAINT_10K", "NOPE"], slot_start="2026-12-01 09:00",
        concern={"what": "x" * 201, "colour": "red"}, transport="helicopter"))
    assert response.status_code == 422
    error = response.json_body["error"]
    assert error["code"] == "invalid_fields"
    assert set(error["fields"]) == {
        "customer.name", "customer.phone", "vehicle.plate", "vehicle.vin", "vehicle.mileage_km",
        "services", "slot_start", "concern.what", "concern.colour", "transport"}
    assert error["fields"]["vehicle.vin"] == "must be 17 letters or digits, without I, O or Q"
    assert all_bookings() == [] and all_messages() == []


def test_slot_rules_are_enforced_on_booking(api, store):
    store(closed_dates=("2026-12-02",))
    cases = {
        "2026-12-01T07:00:00+08:00": "not the start of a slot (see /api/slots)",
        "2026-12-01T09:30:00+08:00": "not the start of a slot (see /api/slots)",
        "2026-12-01T17:00:00+08:00": "not the start of a slot (see /api/slots)",
        "2026-12-02T09:00:00+08:00": "the store is closed that day",
        "2026-11-30T11:00:00+08:00": "book at least 120 minutes ahead",
        "2026-11-30T09:00:00+08:00": "this time has passed",
        "2027-01-05T09:00:00+08:00": "bookings open 30 days ahead at most",
        "2026-12-01T09:00:00": "must carry a UTC offset, e.g. +08:00",
    }
    for slot_start, problem in cases.items():
        response = api.book(booking_body(slot_start=slot_start))
        assert response.status_code == 422, slot_start
        assert response.json_body["error"]["fields"] == {"slot_start": problem}, slot_start
    assert all_bookings() == []


def test_the_same_instant_in_another_offset_is_the_same_slot(api):
    response = api.book(booking_body(slot_start="2026-12-01T01:00:00+00:00"))
    assert response.status_code == 201
    assert response.json_body["slot_start"] == "2026-12-01T09:00:00+08:00"


def test_malformed_body_is_400(api):
    for raw in ("{not json", "", "\xff"):
        response = api.book(raw)
        assert response.status_code == 400, raw
        assert response.json_body["error"]["code"] == "malformed_request"
    not_object = api.book([1, 2])
    assert not_object.status_code == 400
    assert not_object.json_body["error"] == {"code": "malformed_request",
                                             "message": "The body must be a JSON object",
                                             "fields": {"body": "must be an object"}}


def test_content_types(api):
    import json
    body = json.dumps(booking_body())
    with_charset = api.client.http.post("/api/bookings", body=body,
                                        headers={"Content-Type": "application/json; charset=utf-8"})
    assert with_charset.status_code == 201
    form = api.client.http.post("/api/bookings", body=body,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415
    assert form.json_body == {"error": {
        "code": "unsupported_media_type",
        "message": "Send the request as JSON (Content-Type: application/json)"}}
    assert len(all_bookings()) == 1


def test_odd_types_never_cause_a_500(api):
    bodies = [
        {"customer": "王", "vehicle": 5, "services": "MAINT_10K", "slot_start": 12},
        {"customer": {"name": 5, "phone": 13800138000}, "vehicle": {"plate": ["粤B12345"]},
         "services": [None], "slot_start": None, "concern": "loud", "transport": 3},
        {"customer": {"name": "王\u0000", "phone": "13800138000"}, "vehicle": {"plate": "粤B12345",
         "mileage_km": True}, "services": ["MAINT_10K"] * 9, "slot_start": "2026-12-01T09:00:00+08:00"},
    ]
    for body in bodies:
        response = api.book(body)
        assert response.status_code == 422, (body, response.body)
        assert response.json_body["error"]["fields"]
    assert all_bookings() == []


def test_full_slot_answers_409_with_nearest_alternatives(api):
    for i in range(3):
        assert api.book(booking_body(customer={"phone": f"1380013800{i}"},
                                     vehicle={"plate": f"粤B1234{i}"})).status_code == 201
    response = api.book(booking_body(customer={"phone": "13800138009"}, vehicle={"plate": "粤B12349"}))
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "slot_full"
    assert response.json_body["alternatives"] == [
        "2026-12-01T08:00:00+08:00", "2026-12-01T10:00:00+08:00", "2026-12-01T11:00:00+08:00"]
    assert response.json_body["error"]["alternatives"] == response.json_body["alternatives"]
    assert len(all_bookings()) == 3
    assert capacity("2026-12-01", "09:00") == 3


def test_workshop_hours_and_walk_in_reserve_limit_the_day(api, store):
    # 3 labour hours a day, 20 % kept for walk-ins: 144 minutes bookable online
    store(workshop_hours_per_day=3, walkin_reserve_percent=20)
    slots = api.get("/api/slots?date=2026-12-01&services=MAINT_10K").json_body["slots"]
    assert {s["available"] for s in slots} == {2}  # 144 // 72
    assert api.book(booking_body(slot_start="2026-12-01T09:00:00+08:00")).status_code == 201
    assert api.book(booking_body(slot_start="2026-12-01T14:00:00+08:00",
                                 vehicle={"plate": "粤B22222"})).status_code == 201
    full = api.book(booking_body(slot_start="2026-12-01T15:00:00+08:00", vehicle={"plate": "粤B33333"}))
    assert full.status_code == 409
    assert full.json_body["error"]["message"] == "The workshop is fully booked that day"
    # the nearest free slots are on other days
    assert all(not alt.startswith("2026-12-01") for alt in full.json_body["alternatives"])
    assert full.json_body["alternatives"][0] == "2026-12-02T08:00:00+08:00"
    assert capacity("2026-12-01", "_day") == 144
    # a lighter service still fits in what is left? No: 0 minutes left
    slots = api.get("/api/slots?date=2026-12-01&services=BRAKE_CHECK").json_body["slots"]
    assert {s["available"] for s in slots} == {0}


def test_idempotency_key_replays_the_first_booking(api):
    first = api.book(booking_body(), **{"Idempotency-Key": "abc-123"})
    again = api.book(booking_body(), **{"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert again.json_body["id"] == first.json_body["id"]
    assert len(all_bookings()) == 1
    assert capacity("2026-12-01", "09:00") == 1
    other = api.book(booking_body(customer={"name": "李女士"}), **{"Idempotency-Key": "abc-123"})
    assert other.status_code == 422
    assert other.json_body["error"]["code"] == "idempotency_key_reused"
    assert len(all_bookings()) == 1


def test_booking_view_needs_the_signed_token(api, clock):
    created = api.book(booking_body()).json_body
    token = api.token_of(created)
    view = api.get(f"/api/bookings/{created['id']}?token={token}")
    assert view.status_code == 200
    body = view.json_body
    assert body["reference"] == created["reference"]
    assert body["customer"] == {"name": "王先生", "phone": "138****8000"}
    assert body["services"][0]["name"] == "10000公里保养"
    assert body["estimate"] == {"duration_min": 90, "price": "680.00", "currency": "CNY"}
    assert body["can_change"] is True

    other = api.book(booking_body(slot_start="2026-12-01T10:00:00+08:00",
                                  vehicle={"plate": "粤B54321"})).json_body
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in ("", "?token=", f"?token={tampered}", f"?token={api.token_of(other)}",
                "?token=" + "x" * 500):
        denied = api.get(f"/api/bookings/{created['id']}{bad}")
        assert denied.status_code == 403, bad
        assert denied.json_body == {"error": {
            "code": "invalid_token",
            "message": "This link is not valid. Please use the link from your SMS."}}
    # a valid token of an unknown booking id reveals nothing either
    assert api.get(f"/api/bookings/nope?token={token}").status_code == 403
    from datetime import timedelta
    clock.shift(timedelta(days=121))
    assert api.get(f"/api/bookings/{created['id']}?token={token}").status_code == 403


def test_short_link_redirects_to_the_manage_page(api):
    created = api.book(booking_body()).json_body
    code = BookingItem.get(created["id"]).link_code
    response = api.get(f"/l/{code}")
    assert response.status_code == 302
    assert response.headers["Location"] == created["manage_url"]
    missing = api.get("/l/zzzzzzzz")
    assert missing.status_code == 404
    assert missing.json_body["error"]["code"] == "link_not_found"


def test_a_wrong_or_expired_short_link_sends_a_browser_to_the_page_that_says_so(api, clock):
    created = api.book(booking_body()).json_body
    code = BookingItem.get(created["id"]).link_code
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    assert api.get(f"/l/{code}", **browser).headers["Location"] == created["manage_url"]
    for wrong in ("zzzzzzzz", "no-such-code!", "a" * 40):
        answer = api.get(f"/l/{wrong}", **browser)
        assert answer.status_code == 302
        assert answer.headers["Location"] == "https://4s.example.cn/link.html"
        assert answer.headers["Cache-Control"] == "no-store"
        # a program still reads the error it can act on
        program = api.get(f"/l/{wrong}", Accept="application/json")
        assert program.status_code == 404 and program.json_body["error"]["code"] == "link_not_found"
    clock.shift(timedelta(days=200))    # the booking link's life is over
    assert api.get(f"/l/{code}", **browser).headers["Location"] == "https://4s.example.cn/link.html"
    assert api.get(f"/l/{code}").status_code == 404
