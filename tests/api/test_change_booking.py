"""Reschedule and cancel through the customer's signed link."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.db.models import BookingItem, OutboxItem
from tests.api.conftest import capacity
from tests.factories import booking_body

# these tests assert the API's English wording (zh-CN is the default: see test_languages.py)
pytestmark = pytest.mark.usefixtures("english")


def _book(api, **overrides):
    created = api.book(booking_body(**overrides)).json_body
    return created["id"], api.token_of(created)


def _pending(booking_id):
    return sorted(m.message_id.split(".", 1)[1] for m in OutboxItem.scan()
                  if m.booking_id == booking_id and m.status == "pending")


def test_reschedule_moves_capacity_and_messages(api):
    booking_id, token = _book(api, slot_start="2026-12-03T09:00:00+08:00")
    assert _pending(booking_id) == ["0.confirmation", "0.reminder_day", "0.reminder_hour"]

    response = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                        {"slot_start": "2026-12-04T14:00:00+08:00"})
    assert response.status_code == 200
    assert response.json_body["slot_start"] == "2026-12-04T14:00:00+08:00"
    assert response.json_body["history"][-1]["event"] == "rescheduled"
    assert capacity("2026-12-03", "09:00") == 0 and capacity("2026-12-03", "_day") == 0
    assert capacity("2026-12-04", "14:00") == 1 and capacity("2026-12-04", "_day") == 72
    # old reminders are out of the queue; the confirmation not yet sent is superseded too
    statuses = {m.message_id.split(".", 1)[1]: m.status for m in OutboxItem.scan()}
    assert statuses["0.reminder_day"] == statuses["0.reminder_hour"] == "superseded"
    assert _pending(booking_id) == ["1.reminder_day", "1.reminder_hour", "1.rescheduled"]
    assert BookingItem.get(booking_id).revision == 1


def test_reschedule_within_the_same_day(api):
    booking_id, token = _book(api)
    response = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                        {"slot_start": "2026-12-01T15:00:00+08:00"})
    assert response.status_code == 200
    assert capacity("2026-12-01", "09:00") == 0
    assert capacity("2026-12-01", "15:00") == 1
    assert capacity("2026-12-01", "_day") == 72  # labour taken once, not twice


def test_reschedule_to_a_full_slot_changes_nothing(api, store):
    store(slot_capacity=1)
    booking_id, token = _book(api)
    _book(api, slot_start="2026-12-01T10:00:00+08:00", customer={"phone": "13900139000"},
          vehicle={"plate": "京A88888"})
    response = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                        {"slot_start": "2026-12-01T10:00:00+08:00"})
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "slot_full"
    assert response.json_body["alternatives"][0] == "2026-12-01T11:00:00+08:00"
    assert BookingItem.get(booking_id).slot_start == "2026-12-01T09:00:00+08:00"
    assert capacity("2026-12-01", "09:00") == 1 and capacity("2026-12-01", "10:00") == 1
    assert _pending(booking_id) == ["0.confirmation", "0.reminder_hour"]


def test_reschedule_input_errors(api):
    booking_id, token = _book(api)
    same = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                    {"slot_start": "2026-12-01T09:00:00+08:00"})
    assert same.status_code == 422
    assert same.json_body["error"]["fields"] == {"slot_start": "same as the current slot"}
    missing = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}", {})
    assert missing.status_code == 422 and "slot_start" in missing.json_body["error"]["fields"]
    denied = api.post(f"/api/bookings/{booking_id}/reschedule?token=forged",
                      {"slot_start": "2026-12-01T10:00:00+08:00"})
    assert denied.status_code == 403
    assert BookingItem.get(booking_id).revision == 0


def test_cancel_releases_capacity_and_records_the_reason(api):
    booking_id, token = _book(api)
    no_reason = api.post(f"/api/bookings/{booking_id}/cancel?token={token}", {"reason": "  "})
    assert no_reason.status_code == 422
    assert no_reason.json_body["error"]["fields"] == {"reason": "required"}
    assert BookingItem.get(booking_id).status == "booked"

    response = api.post(f"/api/bookings/{booking_id}/cancel?token={token}", {"reason": "临时出差"})
    assert response.status_code == 200
    assert response.json_body["status"] == "cancelled"
    assert response.json_body["can_change"] is False
    item = BookingItem.get(booking_id)
    assert (item.status, item.cancel_reason) == ("cancelled", "临时出差")
    assert capacity("2026-12-01", "09:00") == 0 and capacity("2026-12-01", "_day") == 0
    assert _pending(booking_id) == ["0.cancelled"]

    again = api.post(f"/api/bookings/{booking_id}/cancel?token={token}", {"reason": "x"})
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "booking_cancelled"
    move = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                    {"slot_start": "2026-12-01T10:00:00+08:00"})
    assert move.status_code == 409
    assert capacity("2026-12-01", "10:00") == 0


def test_no_change_once_the_visit_has_begun(api, clock):
    booking_id, token = _book(api)
    clock.shift(timedelta(days=1))  # 1 Dec 10:00, the 09:00 visit has begun
    response = api.post(f"/api/bookings/{booking_id}/cancel?token={token}", {"reason": "late"})
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "booking_past"
    assert api.get(f"/api/bookings/{booking_id}?token={token}").json_body["can_change"] is False
    assert capacity("2026-12-01", "09:00") == 1


def test_concurrent_edit_with_a_stale_copy_gets_409(api):
    """Two tabs: the second writer works from a stale read and must not overwrite."""
    from chalicelib.db import bookings as bookings_db
    from chalicelib.db.bookings import SlotTake
    from chalicelib.domain.errors import Conflict
    from tests.factories import store_time
    import pytest

    booking_id, token = _book(api)
    stale = bookings_db.get_booking(booking_id)
    api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
             {"slot_start": "2026-12-01T11:00:00+08:00"})
    now = store_time(2026, 11, 30, 10)
    cancelled = stale.cancelled(reason="stale tab", now=now)
    with pytest.raises(Conflict) as err:
        bookings_db.cancel_booking(stale, cancelled, messages=[],
                                   release=SlotTake(day=stale.slot_start.date(), slot_key="09:00",
                                                    labor_minutes=72))
    assert err.value.code == "booking_changed"
    assert BookingItem.get(booking_id).status == "booked"
    assert capacity("2026-12-01", "11:00") == 1


def test_one_car_one_booking_a_day(api):
    first_id, token = _book(api)
    again = api.book(booking_body(slot_start="2026-12-01T14:00:00+08:00",
                                  customer={"phone": "13900139000"}))
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "already_booked"
    assert again.json_body["error"]["fields"] == {"vehicle.plate": "already booked that day"}
    assert capacity("2026-12-01", "14:00") == 0 and capacity("2026-12-01", "_day") == 72
    # another day is fine
    assert api.book(booking_body(slot_start="2026-12-02T09:00:00+08:00")).status_code == 201
    # a cancelled booking frees the day for the car
    api.post(f"/api/bookings/{first_id}/cancel?token={token}", {"reason": "改天"})
    assert api.book(booking_body(slot_start="2026-12-01T14:00:00+08:00")).status_code == 201


def test_rescheduling_moves_the_cars_day(api):
    booking_id, token = _book(api)
    assert api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                    {"slot_start": "2026-12-01T15:00:00+08:00"}).status_code == 200  # same day
    _book(api, slot_start="2026-12-03T09:00:00+08:00")
    clash = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                     {"slot_start": "2026-12-03T11:00:00+08:00"})
    assert clash.status_code == 409 and clash.json_body["error"]["code"] == "already_booked"
    assert capacity("2026-12-03", "11:00") == 0 and capacity("2026-12-01", "15:00") == 1
    moved = api.post(f"/api/bookings/{booking_id}/reschedule?token={token}",
                     {"slot_start": "2026-12-02T11:00:00+08:00"})
    assert moved.status_code == 200
    # the first day is free again for this car
    assert api.book(booking_body(slot_start="2026-12-01T10:00:00+08:00")).status_code == 201
