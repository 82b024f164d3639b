"""Issue 14 (lean): a check-in's independent reads are one BatchGetItem, counted at the one
DynamoDB client every model shares."""
from __future__ import annotations

import pytest

from chalicelib import db
from chalicelib.db.models import AuditItem, RepairOrderItem, VehicleItem
from chalicelib.services.store import current_store
from tests.factories import booking_body, checkin_body, store_time


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


@pytest.fixture
def dynamodb_calls(aws):
    """The DynamoDB operations sent, in order (the models and transactions share one client)."""
    calls: list[str] = []

    def seen(model, **_):
        calls.append(model.name)
    events = db.connection().client.meta.events
    events.register("before-call.dynamodb", seen, unique_id="lean-count")
    yield calls
    events.unregister("before-call.dynamodb", unique_id="lean-count")


def _booked(api) -> dict:
    answer = api.book(booking_body())
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def test_one_client_serves_every_model_and_the_transactions(aws):
    clients = {id(model._get_connection().connection.client) for model in db.MODELS}
    assert clients == {id(db.connection().client)}


def test_a_first_check_in_reads_booking_mobile_and_plate_in_one_batch_then_writes_once(
        api, advisor, clock, dynamodb_calls):
    booking = _booked(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    dynamodb_calls.clear()
    answer = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"]))
    assert answer.status_code == 201, answer.json_body
    assert dynamodb_calls == ["BatchGetItem", "TransactWriteItems"]
    order = answer.json_body
    # the answer is the order as written: its car, its history, its version
    stored = RepairOrderItem.get(order["id"])
    assert order["version"] == stored.version
    assert order["vehicle"] == {"id": stored.vehicle_id, "plate": "粤B12345", "model": "Lavida",
                                "vin": "LSVAU2180N2183294"}
    assert [e["action"] for e in order["audit"]] == ["opened"]
    assert order["audit"] == advisor.get(f"/api/staff/orders/{order['id']}").json_body["audit"]
    assert answer.json_body == {**advisor.get(f"/api/staff/orders/{order['id']}").json_body}


def test_a_returning_car_reads_its_owner_and_file_in_a_second_batch(api, advisor, clock,
                                                                    dynamodb_calls):
    booking = _booked(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    first = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"])).json_body
    dynamodb_calls.clear()
    again = advisor.post("/api/staff/checkins", checkin_body(mileage_km=15400))
    assert again.status_code == 201, again.json_body
    # markers (mobile, plate), then the customer and the car, then the car's recent orders
    assert dynamodb_calls == ["BatchGetItem", "BatchGetItem", "Query", "TransactWriteItems"]
    assert again.json_body["vehicle"]["id"] == first["vehicle"]["id"]
    assert again.json_body["customer"]["id"] == first["customer"]["id"]
    assert VehicleItem.get(first["vehicle"]["id"]).mileage_km == 15400
    assert again.json_body == advisor.get(f"/api/staff/orders/{again.json_body['id']}").json_body


def test_an_unknown_booking_is_404_and_nothing_is_written(advisor, clock, dynamodb_calls):
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    current_store()     # cached, as a warm container has it
    dynamodb_calls.clear()
    answer = advisor.post("/api/staff/checkins", checkin_body(booking_id="bk_nope"))
    assert answer.status_code == 404 and answer.json_body["error"]["code"] == "booking_not_found"
    assert dynamodb_calls == ["BatchGetItem"]
    assert list(RepairOrderItem.scan()) == [] and list(AuditItem.scan()) == []


def test_keys_dynamodb_leaves_unprocessed_are_asked_again(api, dynamodb_calls):
    from chalicelib.db.bookings import to_booking
    from chalicelib.db.models import BookingItem
    booking = _booked(api)
    throttled = []

    def leave_one_unprocessed(parsed, model, **_):
        if model.name == "BatchGetItem" and not throttled:
            table, items = next(iter(parsed["Responses"].items()))
            left = items.pop()
            throttled.append(left)
            parsed["UnprocessedKeys"] = {table: {"Keys": [{"booking_id": left["booking_id"]}]}}
    events = db.connection().client.meta.events
    events.register("after-call.dynamodb", leave_one_unprocessed, unique_id="lean-throttle")
    try:
        dynamodb_calls.clear()
        found = db.get_items([(BookingItem, booking["id"], to_booking),
                              (BookingItem, "bk_none", to_booking)])
    finally:
        events.unregister("after-call.dynamodb", unique_id="lean-throttle")
    assert throttled and dynamodb_calls == ["BatchGetItem", "BatchGetItem"]
    assert found[0].id == booking["id"] and found[1] is None
