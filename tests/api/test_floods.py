"""Floods through the customer's own links: changes per booking, one open complaint per order,
and a cap on SMS per number per hour."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.db import outbox as outbox_db
from chalicelib.db import records as records_db
from chalicelib.db.models import BookingItem, ComplaintItem, OutboxItem
from chalicelib.domain import messages as msg
from chalicelib.domain.store import StoreSettings
from chalicelib.notify.sweep import run_sweep
from chalicelib.services import customer_orders
from tests.api.conftest import all_messages, capacity
from tests.api.test_workshop_to_followup import approved_order, worked_and_checked
from tests.factories import booking_body, store_time


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


# ---- reschedules per booking ---------------------------------------------------------

def test_a_fourth_reschedule_through_the_link_is_refused(api, sms, clock):
    created = api.book(booking_body()).json_body
    booking_id, token = created["id"], api.token_of(created)
    path = f"/api/bookings/{booking_id}/reschedule?token={token}"
    run_sweep()
    for hour in (10, 11, 14):   # the sweep runs every minute: each change is told by SMS
        clock.shift(timedelta(seconds=30))
        moved = api.post(path, {"slot_start": f"2026-12-01T{hour}:00:00+08:00"})
        assert moved.status_code == 200, moved.json_body
        run_sweep()
    assert moved.json_body["reschedules_left"] == 0
    assert len(sms()) == 4 and "14:00" in sms()[-1][1]
    rows_before = len(all_messages())

    clock.shift(timedelta(seconds=30))
    fourth = api.post(path, {"slot_start": "2026-12-01T15:00:00+08:00"})
    assert fourth.status_code == 409
    assert fourth.json_body["error"]["code"] == "too_many_changes"
    assert "slot_start" in fourth.json_body["error"]["fields"]
    # nothing changed: the booking, its capacity, its messages
    item = BookingItem.get(booking_id)
    assert (item.revision, item.slot_start) == (3, "2026-12-01T14:00:00+08:00")
    assert capacity("2026-12-01", "14:00") == 1 and capacity("2026-12-01", "15:00") == 0
    assert capacity("2026-12-01", "_day") == 72
    assert len(all_messages()) == rows_before
    run_sweep()
    assert len(sms()) == 4
    # cancelling is still possible
    cancelled = api.post(f"/api/bookings/{booking_id}/cancel?token={token}", {"reason": "改天再约"})
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"


def test_the_limit_is_told_before_the_slot_is_checked(api):
    created = api.book(booking_body()).json_body
    path = f"/api/bookings/{created['id']}/reschedule?token={api.token_of(created)}"
    for hour in (10, 11, 14):
        assert api.post(path, {"slot_start": f"2026-12-01T{hour}:00:00+08:00"}).status_code == 200
    # a time that could not be booked anyway: the customer learns to call the store
    refused = api.post(path, {"slot_start": "2026-12-01T14:30:00+08:00"})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "too_many_changes"
