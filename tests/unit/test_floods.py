"""The pure rules against floods: moves per booking, SMS per number per hour, customer notes."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain import complaints as cpl
from chalicelib.domain import messages as msg
from chalicelib.domain.booking import (MAX_RESCHEDULES, BOOKED, Booking, Customer, Vehicle)
from chalicelib.domain.errors import Conflict
from chalicelib.domain.followup import FollowUp
from tests.factories import store_time

NOW = store_time(2026, 11, 30, 10)


def _booking(revision=0):
    start = store_time(2026, 12, 1, 9)
    return Booking(id="b1", reference="R1", status=BOOKED, channel="online",
                   customer=Customer("王先生", "+8613800138000"), vehicle=Vehicle("粤B12345"),
                   service_codes=["MAINT_10K"], labor_minutes=72, slot_start=start,
                   slot_end=start + timedelta(hours=1), concern={}, transport="wait",
                   locale="zh-CN", created_at=NOW, updated_at=NOW, revision=revision)


def test_a_booking_moves_three_times_then_the_store_is_called():
    booking = _booking()
    for hour in range(10, 10 + MAX_RESCHEDULES):
        start = store_time(2026, 12, 1, hour)
        booking = booking.rescheduled(slot_start=start, slot_end=start + timedelta(hours=1),
                                      now=NOW)
    assert (booking.revision, booking.reschedules_left) == (3, 0)
    with pytest.raises(Conflict) as refused:
        booking.rescheduled(slot_start=store_time(2026, 12, 1, 15),
                            slot_end=store_time(2026, 12, 1, 16), now=NOW)
    assert refused.value.code == "too_many_changes"
    assert "call the store" in refused.value.fields["slot_start"]
    assert booking.cancelled(reason="改天", now=NOW).status == "cancelled"   # still possible
