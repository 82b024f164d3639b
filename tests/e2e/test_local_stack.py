"""`make run` keeps its data across restarts: snapshot and restore of the embedded endpoint."""
from __future__ import annotations

from chalicelib.db.models import BookingItem, CapacityItem
from chalicelib.services import bookings
from infra.local.stack import restore, snapshot
from tests.factories import booking_body


def test_data_survives_a_restart(stack, tmp_path):
    day = stack.next_open_day()
    created = bookings.create_booking(booking_body(slot_start=stack.slot(day, 9)))
    state = tmp_path / "dynamodb.json"
    saved = snapshot(state)
    assert saved >= 4  # store profile + services, booking, capacity, messages, link

    stack.reset()  # a new, empty endpoint, as after stopping `make run`
    assert BookingItem.count(created["id"]) == 0

    assert restore(state) == saved
    assert BookingItem.get(created["id"]).reference == created["reference"]
    assert int(CapacityItem.get(day.isoformat(), "09:00").booked) == 1
    token = created["manage_url"].split("token=")[1]
    assert bookings.customer_booking(created["id"], token)["status"] == "booked"
