"""An invitation's link rules (issue 15, INVITE), no AWS: how long it books, when a booking
counts for it, what the booking writes on it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.domain.care import INVITATION_DAYS, Invitation
from chalicelib.services.invitations import BookingLink, valid_until

SENT = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


def invitation(**changes) -> Invitation:
    base = dict(id="inv_1", kind="service", vehicle_id="veh_1", customer_id="cus_1",
                plate="粤B12345", model="Lavida", customer_name="王先生", phone="+8613800138000",
                locale="zh-CN", due_on="2026-12-07", created_at=SENT.isoformat())
    return Invitation(**{**base, **changes})


def test_a_link_books_for_its_days_from_the_sms_else_from_when_it_was_made():
    made_only = invitation()
    assert valid_until(made_only) == SENT + timedelta(days=INVITATION_DAYS)
    later = SENT + timedelta(days=2)
    assert valid_until(invitation(sent_at=later.isoformat())) == later + timedelta(days=INVITATION_DAYS)


def test_only_the_first_booking_counts_and_it_closes_the_call():
    assert not BookingLink().counts() and BookingLink().booked("bk_1", SENT) is None
    link = BookingLink(invitation=invitation(call_status="open", call_due="2026-12-03"))
    assert link.counts()
    booked = link.booked("bk_1", SENT)
    assert (booked.booking_id, booked.booked_at, booked.call_status) == (
        "bk_1", SENT.isoformat(), "done")
    assert BookingLink(invitation=invitation()).booked("bk_1", SENT).call_status == ""   # no call
    used = BookingLink(invitation=booked)
    assert not used.counts() and used.booked("bk_2", SENT) is None
