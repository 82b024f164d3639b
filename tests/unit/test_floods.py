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
    assert "call the store" in str(refused.value.fields["slot_start"])
    assert booking.cancelled(reason="改天", now=NOW).status == "cancelled"   # still possible


def test_the_customer_writing_again_is_not_our_reply():
    complaint = cpl.open_complaint(
        cpl.ComplaintInput(description="等太久", severity="medium", staff_involved="",
                           order_id="o1"),
        source="customer", reference="C1", owner="followup", now=NOW, by="customer",
        reply_hours=24, escalate_hours=48)
    noted = complaint.add_note("还是没人联系我", now=NOW, by="customer", reply=False)
    assert noted.replied_at == "" and noted.overdue_reply(NOW + timedelta(hours=25))
    assert (noted.events[-1].action, noted.events[-1].by) == ("note", "customer")
    answered = noted.add_note("已致电道歉", now=NOW + timedelta(hours=1), by="followup")
    assert answered.replied_at == (NOW + timedelta(hours=1)).isoformat()


def test_a_follow_up_lists_each_complaint_once():
    followup = FollowUp(order_id="o1", order_reference="R", vehicle_id="v", plate="粤B12345",
                        customer_id="c", customer_name="王先生", phone="+8613800138000",
                        advisor="advisor", delivered_at=NOW.isoformat(), tasks=(),
                        complaint_ids=("cpl1",))
    assert followup.answer_survey(_survey(), "cpl1").complaint_ids == ("cpl1",)
    assert followup.answer_survey(_survey(), "cpl2").complaint_ids == ("cpl1", "cpl2")


def _survey():
    from chalicelib.domain.followup import parse_survey
    return parse_survey({"attitude": 2, "quality": 5, "timeliness": 5}, now=NOW)


def _sent(*minutes_ago):
    return tuple(msg.SentSms(at=NOW - timedelta(minutes=m), message_id=f"m{m}")
                 for m in minutes_ago)


def test_sms_allowance_counts_the_rolling_hour():
    full = _sent(1, 10, 20, 30, 59)
    assert msg.sms_allowance(full, message_id="new", now=NOW, limit=5) is None
    # one of them left the hour: room for one more, and the old one is forgotten
    counted = msg.sms_allowance(_sent(1, 10, 20, 30, 60), message_id="new", now=NOW, limit=5)
    assert [s.message_id for s in counted] == ["m1", "m10", "m20", "m30", "new"]
    assert counted[-1].at == NOW


def test_a_message_sent_again_is_counted_once():
    full = _sent(1, 2, 3, 4, 5)
    assert msg.sms_allowance(full, message_id="m3", now=NOW, limit=5) == full


def test_the_setting_reads_from_the_store_profile():
    from chalicelib.domain.store import StoreSettings
    settings = StoreSettings.from_dict({"store_id": "s", "sms_per_phone_per_hour": "8"})
    assert settings.sms_per_phone_per_hour == 8
    assert StoreSettings(store_id="s").sms_per_phone_per_hour == 5
    assert replace(settings, sms_per_phone_per_hour=3).to_dict()["sms_per_phone_per_hour"] == 3


def test_a_booking_prepared_again_and_again_keeps_a_bounded_history():
    from chalicelib.domain.booking import HISTORY_LIMIT, BookingDesk
    booking = _booking()
    now = store_time(2026, 11, 30, 10, 0)
    for n in range(HISTORY_LIMIT + 25):
        booking = BookingDesk.prepare(booking, advisor=None, technician=f"tech{n % 2}",
                                      parts_ready=None, now=now + timedelta(minutes=n), by="advisor")
    assert len(booking.history) == HISTORY_LIMIT
    # the newest entries are the ones kept
    assert booking.history[-1]["at"] == (now + timedelta(minutes=HISTORY_LIMIT + 24)).isoformat()


def test_only_bookings_made_within_four_horizons_can_still_be_active():
    """The per-mobile cap reads a phone's bookings made since then, not its whole history:
    made at most 30 days ahead and moved at most 3 times, each time at most 30 days ahead."""
    from chalicelib.domain.booking import oldest_active_created
    now = store_time(2026, 11, 30, 10, 0)
    assert oldest_active_created(now, 30) == now - timedelta(days=(MAX_RESCHEDULES + 1) * 30 + 1)
