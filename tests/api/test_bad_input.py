"""Bad input is never a 500: each case is refused in the error shape of API.md, naming the
field, and nothing is written. Also: quantities shown plainly, and photos that stay as
they were attached."""
from __future__ import annotations

import json

import pytest
import requests

from chalicelib.config import get_config
from chalicelib.db.models import RepairOrderItem, VehicleItem
from chalicelib.domain.tokens import sign_approval
from chalicelib.services import files
from tests.api.conftest import all_bookings
from tests.api.test_advisor_portal import _book
from tests.api.test_advisor_portal import _checked_in as booked_and_checked_in
from tests.factories import SIGNATURE, booking_body, checkin_body, labour_line, part_line, store_time

# these tests assert the API's English wording (zh-CN is the default: see test_languages.py)
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


@pytest.fixture
def manager(staff):
    return staff.as_("manager")


def _error(answer, status, code=None):
    assert answer.status_code == status, (answer.status_code, answer.body[:300])
    error = answer.json_body["error"]
    assert set(error) >= {"code", "message"} and isinstance(error["message"], str)
    if code:
        assert error["code"] == code, error
    return error


def _checked_in(api, advisor, clock, **overrides):
    _booking, order = booked_and_checked_in(api, advisor, clock, **overrides)
    return order


def _orders():
    return list(RepairOrderItem.scan())


# ---- the body itself ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/bookings", "/api/auth/login"])
def test_json_nested_100000_levels_deep_is_malformed_not_a_crash(api, path):
    for deep in ("[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000):
        error = _error(api.post(path, deep), 400, "malformed_request")
        assert "body" in error["fields"]
    assert all_bookings() == []


def test_json_nested_deeper_than_any_form_is_malformed(api):
    body = booking_body(concern={"what": json.loads("[" * 40 + "]" * 40)})
    error = _error(api.book(body), 400, "malformed_request")
    assert error["fields"] == {"body": "nested more than 32 levels deep"}
    assert all_bookings() == []


def test_a_huge_body_is_refused_before_it_is_read(api):
    body = booking_body(concern={"what": "x" * 2_000_000})
    error = _error(api.book(body), 400, "malformed_request")
    assert error["fields"] == {"body": "at most 1 MB"}
    assert all_bookings() == []


def test_a_number_too_long_to_read_is_malformed(api):
    raw = json.dumps(booking_body()).replace('"mileage_km": 15230', '"mileage_km": ' + "9" * 5000)
    _error(api.book(raw), 400, "malformed_request")
    assert all_bookings() == []


def test_a_lone_surrogate_anywhere_is_malformed_and_named(api):
    raw = json.dumps(booking_body(customer={"name": "王\ud800"}))   # "\ud800": valid JSON escape
    error = _error(api.book(raw), 400, "malformed_request")
    assert error["fields"] == {"customer.name": "not valid text (a lone surrogate)"}
    key = json.dumps(booking_body(concern={"wh\udfffat": "x"}))
    assert _error(api.book(key), 400, "malformed_request")["fields"] == {
        "concern": "a key is not valid text (a lone surrogate)"}
    assert all_bookings() == []


# ---- booking fields -------------------------------------------------------------------

def test_a_name_of_only_invisible_characters_is_missing(api):
    for name in ("\u200b\u200b", "\ufeff", "\u200d \u2060", "\u3164", "\u00ad\u200e"):
        error = _error(api.book(booking_body(customer={"name": name})), 422, "invalid_fields")
        assert error["fields"] == {"customer.name": "required"}, name
    assert all_bookings() == []
    kept = _book(api, customer={"name": "王\u200b先生\ufeff"})
    [item] = all_bookings()
    assert item.booking_id == kept["id"] and item.customer_name == "王先生"


def test_mileage_that_is_not_a_plain_whole_number_in_range(api):
    for mileage in ("²", "١٢", "１２", "12 000", "9" * 5000, 10 ** 40, -1, 1.5, "1e3"):
        error = _error(api.book(booking_body(vehicle={"mileage_km": mileage})), 422, "invalid_fields")
        assert set(error["fields"]) == {"vehicle.mileage_km"}, mileage
    assert all_bookings() == []


def test_mileage_as_digit_text_is_still_read(api):
    _book(api, vehicle={"mileage_km": " 15230 "})
    [item] = all_bookings()
    assert item.mileage_km == 15230


def test_services_that_are_not_codes(api):
    for services in ([[1]], [{}], [None], [1], ["MAINT_10K", ["MAINT_10K"]], {"a": 1}):
        error = _error(api.book(booking_body(services=services)), 422, "invalid_fields")
        assert set(error["fields"]) == {"services"}, services
    assert all_bookings() == []


def test_slot_start_far_outside_any_window_is_a_field_error(api):
    for slot in ("9999-12-31T09:00:00+08:00", "0001-01-01T00:00:00+08:00",
                 "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
                 "２０２６-12-01T09:00:00+08:00", "2026-12-01T09:00:00+08:00\n"):
        error = _error(api.book(booking_body(slot_start=slot)), 422, "invalid_fields")
        assert set(error["fields"]) == {"slot_start"}, slot
    assert all_bookings() == []


def test_reschedule_to_year_9999_or_0001_changes_nothing(api):
    booked = _book(api)
    token = api.token_of(booked)
    for slot in ("9999-12-31T09:00:00+08:00", "0001-01-01T00:00:00+08:00"):
        answer = api.post(f"/api/bookings/{booked['id']}/reschedule?token={token}",
                          {"slot_start": slot})
        assert set(_error(answer, 422, "invalid_fields")["fields"]) == {"slot_start"}, slot
    [item] = all_bookings()
    assert item.slot_start == "2026-12-01T09:00:00+08:00"


def test_a_day_asked_for_far_away_or_in_another_form(api, manager):
    for day in ("9999-12-31", "0001-01-01", "20261201", "2026-W49-2"):
        error = _error(api.get(f"/api/slots?date={day}"), 422, "invalid_fields")
        assert set(error["fields"]) == {"date"}, day
        for path in ("/api/staff/board", "/api/staff/orders", "/api/staff/followups"):
            error = _error(manager.get(f"{path}?date={day}"), 422, "invalid_fields")
            assert set(error["fields"]) == {"date"}, (path, day)


# ---- reception and the repair order ---------------------------------------------------

def test_check_in_mileage_of_unicode_digits(api, advisor, clock):
    booking = _book(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    answer = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"],
                                                              mileage_km="²"))
    assert set(_error(answer, 422, "invalid_fields")["fields"]) == {"mileage_km"}
    assert _orders() == [] and list(VehicleItem.scan()) == []


def test_check_in_promised_years_ahead_is_refused(api, advisor, clock):
    booking = _book(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    for promised in ("9999-12-31T23:00:00+00:00", "2028-12-01T18:00:00+08:00"):
        answer = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"],
                                                                  promised_at=promised))
        error = _error(answer, 422, "invalid_fields")
        assert error["fields"] == {"promised_at": "at most 365 days ahead"}, promised
    assert _orders() == []


def test_a_promise_in_year_9999_cannot_be_set_later_either(api, advisor, clock):
    order = _checked_in(api, advisor, clock)
    for path, extra in (("promise", {}), ("send-approval", {}),
                        ("approve-in-store", {"signature": SIGNATURE,
                                              "decisions": {order["lines"][0]["id"]: "approved"}})):
        answer = advisor.post(f"/api/staff/orders/{order['id']}/{path}", {
            "version": order["version"], "promised_at": "9999-12-31T18:00:00+08:00", **extra})
        assert _error(answer, 422, "invalid_fields")["fields"] == {
            "promised_at": "at most 365 days ahead"}, path
    [item] = _orders()
    assert item.promised_at is None and item.status == "open"
    for doc in ("order", "checkin", "invoice", "report"):
        assert advisor.get(f"/api/staff/orders/{order['id']}/print?doc={doc}").status_code == 200


def test_an_order_saved_with_a_promise_in_year_9999_still_prints(api, advisor, clock):
    """Written before promises were range-checked: 9999-12-31 23:00 UTC is year 10000 in
    Guangzhou, which no datetime can hold."""
    order = _checked_in(api, advisor, clock)
    item = RepairOrderItem.get(order["id"])
    item.promised_at = "9999-12-31T23:00:00+00:00"
    item.save()
    for doc in ("order", "checkin", "invoice", "report"):
        answer = advisor.get(f"/api/staff/orders/{order['id']}/print?doc={doc}")
        assert answer.status_code == 200, doc
        assert "9999-12-31 23:00" in answer.body.decode(), doc


def test_amounts_far_too_large_or_not_numbers(api, advisor, clock):
    order = _checked_in(api, advisor, clock)
    for line, field in (
            (part_line(unit_price="1e26"), "unit_price"),
            (part_line(unit_price="1E+400"), "unit_price"),
            (part_line(unit_price=1e300), "unit_price"),
            (part_line(unit_price="NaN"), "unit_price"),
            (part_line(quantity="1e26"), "quantity"),
            (part_line(quantity="1e-999999"), "quantity"),
            (labour_line(rate="1e26"), "rate"),
            (labour_line(hours="-1e26"), "hours"),
            (part_line(unit_price=["1"]), "unit_price"),
            (part_line(quantity={"q": 1}), "quantity")):
        answer = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                              {**line, "version": order["version"]})
        assert set(_error(answer, 422, "invalid_fields")["fields"]) == {field}, line
    [item] = _orders()
    assert len(item.lines) == 6      # the booked 10,000 km package's lines, nothing added


def test_a_discount_of_1e26_is_a_field_error(api, advisor, manager, clock):
    order = _checked_in(api, advisor, clock)
    answer = manager.post(f"/api/staff/orders/{order['id']}/settle", {
        "version": order["version"], "payment_method": "cash", "discount": "1e26",
        "discount_reason": "x"})
    assert _error(answer, 422, "invalid_fields")["fields"] == {"discount": "too large"}
    [item] = _orders()
    assert item.status == "open" and item.settlement is None


def test_upload_content_type_or_size_of_the_wrong_type(advisor):
    for body, field in (({"content_type": ["image/jpeg"], "size": 1000}, "content_type"),
                        ({"content_type": {"a": 1}, "size": 1000}, "content_type"),
                        ({"content_type": "image/jpeg", "size": "1000"}, "size"),
                        ({"content_type": "image/jpeg", "size": 10 ** 30}, "size")):
        error = _error(advisor.post("/api/staff/uploads", body), 422, "invalid_fields")
        assert set(error["fields"]) == {field}, body


# ---- quantities are shown plainly ----------------------------------------------------------

def _approval_token(order_id, request_id):
    return sign_approval(get_config().secret_key, order_id, request_id)


def test_whole_quantities_of_ten_and_more_are_plain_numbers_everywhere(api, advisor, clock):
    order = _checked_in(api, advisor, clock)
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **part_line(quantity="10", unit_price="1.00"), "version": order["version"]}).json_body
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **labour_line(hours="20.00"), "version": order["version"]}).json_body
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **part_line(quantity="100", unit_price="0.50"), "version": order["version"]}).json_body
    # after the booked package's lines (0.8 h, 4 L of oil...)
    assert [ln["quantity"] for ln in order["lines"]][-4:] == ["1", "10", "20", "100"]
    assert [ln["amount"] for ln in order["lines"]][-4:] == ["80.00", "10.00", "6000.00", "50.00"]
    html = advisor.get(f"/api/staff/orders/{order['id']}/print?doc=order").body.decode()
    assert "E+" not in html and '<td class="num">10</td>' in html and '<td class="num">100</td>' in html
    sent = advisor.post(f"/api/staff/orders/{order['id']}/send-approval", {
        "version": order["version"], "promised_at": "2026-12-01T16:00:00+08:00"}).json_body
    token = _approval_token(order["id"], sent["pending_approval"])
    page = api.get(f"/api/orders/{order['id']}/approval?token={token}").json_body
    assert [ln["quantity"] for ln in page["lines"]][-4:] == ["1", "10", "20", "100"]
    [item] = _orders()
    assert [ln["quantity"] for ln in item.lines][-4:] == ["1", "10", "20", "100"]


# ---- photos: exact keys, attached ones immutable ------------------------------------------

def _upload(advisor, data=b"\xff\xd8\xff photo"):
    plan = advisor.post("/api/staff/uploads", {"content_type": "image/jpeg", "size": len(data)})
    assert plan.status_code == 200, plan.json_body
    plan = plan.json_body
    put = requests.put(plan["url"], data=data, headers=plan["headers"])
    assert put.status_code == 200, put.text
    return plan


def _stored(key):
    return files.s3().get_object(Bucket=get_config().files_bucket, Key=key)["Body"].read()


def test_the_upload_url_only_creates_it_cannot_replace_an_attached_photo(api, advisor, clock):
    order = _checked_in(api, advisor, clock)
    plan = _upload(advisor, b"\xff\xd8\xff the worn pad")
    assert plan["headers"] == {"Content-Type": "image/jpeg", "If-None-Match": "*"}
    assert "if-none-match" in plan["url"].split("X-Amz-SignedHeaders=")[1].split("&")[0]
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **part_line(photo_keys=[plan["key"]]), "version": order["version"]})
    assert order.status_code == 201, order.json_body
    # the same URL, used again within its 15 minutes, to swap the evidence
    again = requests.put(plan["url"], data=b"\xff\xd8\xff a new pad", headers=plan["headers"])
    assert again.status_code == 412
    assert _stored(plan["key"]) == b"\xff\xd8\xff the worn pad"


def test_a_photo_not_uploaded_yet_cannot_be_attached(api, advisor, clock):
    order = _checked_in(api, advisor, clock)
    plan = advisor.post("/api/staff/uploads", {"content_type": "image/jpeg", "size": 1000}).json_body
    answer = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **part_line(photo_keys=[plan["key"]]), "version": order["version"]})
    assert _error(answer, 422, "invalid_fields")["fields"] == {
        "photo_keys.0": "not uploaded yet: upload the photo first"}
    [item] = _orders()
    assert len(item.lines) == 6      # the booked 10,000 km package's lines, nothing added


def test_check_in_photos_must_be_uploaded_ones(api, advisor, clock):
    booking = _book(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    uploaded = _upload(advisor)["key"]
    missing = advisor.post("/api/staff/uploads", {"content_type": "image/png", "size": 10}).json_body["key"]
    body = checkin_body(booking_id=booking["id"], photo_keys=[uploaded, missing],
                        damage=[{"zone": "hood", "kind": "dent", "photo_keys": [missing]}])
    error = _error(advisor.post("/api/staff/checkins", body), 422, "invalid_fields")
    assert set(error["fields"]) == {"photo_keys.1", "damage.0.photo_keys.0"}
    assert _orders() == []
    body = checkin_body(booking_id=booking["id"], photo_keys=[uploaded])
    assert advisor.post("/api/staff/checkins", body).status_code == 201


def test_photo_keys_must_be_exactly_of_the_upload_form(api, advisor, clock):
    order = _checked_in(api, advisor, clock)
    for key in ("uploads/2026-11-30/" + "a" * 32 + ".jpg\n",
                "uploads/２０２６-11-30/" + "a" * 32 + ".jpg",
                "uploads/2026-11-30/" + "a" * 32 + ".jpg/../x",
                "Uploads/2026-11-30/" + "a" * 32 + ".jpg"):
        answer = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
            **part_line(photo_keys=[key]), "version": order["version"]})
        assert _error(answer, 422, "invalid_fields")["fields"] == {
            "photo_keys.0": "not an uploaded photo"}, key
