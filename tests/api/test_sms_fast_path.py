"""Confirmations in seconds (issue 14): the outbox table's stream feeds ``app.outbox_fast_path``,
which publishes a message due at once through the sweep's own path; the sweep is the backstop.

The stream is moto's, read by the local stack's poller (infra/local/streams.py) as Lambda's
event source mapping reads it in AWS; ``fast_path.poll()`` delivers what was written since.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock as app_clock
from chalicelib.db import outbox as outbox_db
from chalicelib.db.models import OutboxItem
from chalicelib.domain import messages as msg
from chalicelib.notify import sweep
from chalicelib.notify.sms import SmsError, SnsSmsSender
from chalicelib.notify.sweep import run_sweep
from chalicelib.services.store import current_store
from infra.local.streams import outbox_poller
from tests.factories import booking_body, store_time


@pytest.fixture
def fast_path(aws):
    """The outbox's stream from now on, handed to the Lambda handler on each ``poll()``."""
    return outbox_poller()


def _item(booking_id: str, kind: str, revision: int = 0) -> OutboxItem:
    return OutboxItem.get(f"{booking_id}.{revision}.{kind}")


def test_the_confirmation_is_published_without_any_sweep(api, sms, fast_path):
    created = api.book(booking_body()).json_body
    assert sms() == []                     # the request did not wait for SNS
    assert fast_path.poll() >= 2           # the confirmation and the hour reminder
    assert len(sms()) == 1
    phone, text = sms()[0]
    assert phone == "+8613800138000" and created["reference"] in text and "已为您预约" in text
    confirmation = _item(created["id"], msg.CONFIRMATION)
    assert (confirmation.status, confirmation.queue, confirmation.text, confirmation.attempts) == (
        "sent", None, text, 1)
    # the reminder is not due yet: the fast path leaves it to the sweep
    assert _item(created["id"], msg.REMINDER_HOUR).status == "pending"
    assert run_sweep().counts == {}        # nothing left for the sweep to send
    assert fast_path.poll() >= 1 and len(sms()) == 1   # its own writes do not send it again


def test_reschedule_and_cancellation_go_out_at_once(api, sms, fast_path):
    created = api.book(booking_body()).json_body
    token = api.token_of(created)
    fast_path.poll()
    moved = api.post(f"/api/bookings/{created['id']}/reschedule?token={token}",
                     {"slot_start": "2026-12-01T15:00:00+08:00"})
    assert moved.status_code == 200
    fast_path.poll()
    assert len(sms()) == 2 and "改到" in sms()[1][1]
    assert _item(created["id"], msg.RESCHEDULED, revision=1).status == "sent"
    cancelled = api.post(f"/api/bookings/{created['id']}/cancel?token={token}", {"reason": "车已修好"})
    assert cancelled.status_code == 200
    fast_path.poll()
    assert len(sms()) == 3 and "取消" in sms()[2][1]
    assert run_sweep().counts == {}


def test_a_message_seen_by_both_the_fast_path_and_the_sweep_is_published_once(api, sms, fast_path):
    created = api.book(booking_body())
    assert created.status_code == 201
    assert run_sweep().counts == {"sent": 1}       # the sweep got there first
    fast_path.poll()                               # the stream still shows the message as queued
    assert len(sms()) == 1
    assert run_sweep().counts == {}


def test_when_the_fast_path_wins_the_sweep_finds_nothing(api, sms, fast_path):
    api.book(booking_body())
    records = fast_path._read()                    # what the stream shows, kept for a replay
    fast_path.last = None
    fast_path.poll()
    assert len(sms()) == 1
    assert run_sweep().counts == {}
    # the same records delivered again (Lambda retries a batch): the claim refuses them
    from app import outbox_fast_path
    assert outbox_fast_path({"Records": [fast_path._lambda_record(r) for r in records]},
                            None) == {"claimed_elsewhere": 1}
    assert len(sms()) == 1


def test_when_the_fast_path_handler_fails_the_sweep_still_publishes(api, sms, fast_path,
                                                                    clock, monkeypatch):
    created = api.book(booking_body()).json_body
    real_get = sweep.bookings_db.get_booking

    def unavailable(booking_id):
        raise RuntimeError("DynamoDB unavailable")

    monkeypatch.setattr(sweep.bookings_db, "get_booking", unavailable)
    fast_path.poll()
    assert sms() == []
    monkeypatch.setattr(sweep.bookings_db, "get_booking", real_get)
    assert run_sweep().counts == {}                # claimed by the failed run: the lease holds
    clock.shift(msg.CLAIM_LEASE)
    assert run_sweep().counts == {"sent": 1}
    assert len(sms()) == 1 and _item(created["id"], msg.CONFIRMATION).status == "sent"


def test_when_the_whole_handler_raises_the_sweep_still_publishes(api, sms, monkeypatch, fast_path):
    created = api.book(booking_body()).json_body

    def broken(*args, **kwargs):
        raise RuntimeError("import failed")

    monkeypatch.setattr(sweep, "run_fast_path", broken)
    fast_path.poll()                               # logged; Lambda would retry, then give up
    assert sms() == []
    assert run_sweep().counts == {"sent": 1}       # never claimed: the next sweep sends it
    assert _item(created["id"], msg.CONFIRMATION).status == "sent"


class Throttled(SnsSmsSender):
    def publish(self, phone: str, text: str) -> str:
        raise SmsError("Throttling: Rate exceeded")


def test_an_sns_error_on_the_fast_path_is_retried_by_the_sweep(api, sms, fast_path, clock,
                                                               monkeypatch):
    created = api.book(booking_body()).json_body
    monkeypatch.setattr(sweep, "SnsSmsSender", Throttled)
    fast_path.poll()
    item = _item(created["id"], msg.CONFIRMATION)
    assert (item.status, item.attempts, item.next_attempt_at) == (
        "pending", 1, "2026-11-30T02:01:00.000000Z")   # backoff: one minute
    assert item.note.startswith("SNS error: Throttling")
    monkeypatch.undo()
    fast_path.poll()        # the requeued message is not due yet: left to the sweep
    assert sms() == []
    clock.shift(timedelta(minutes=1))
    assert run_sweep().counts == {"sent": 1}
    assert len(sms()) == 1 and _item(created["id"], msg.CONFIRMATION).attempts == 2


def test_quiet_hours_apply_on_the_fast_path(api, sms, fast_path, clock):
    clock.move_to(store_time(2026, 11, 30, 21, 30))
    created = api.book(booking_body(slot_start="2026-12-02T10:00:00+08:00")).json_body
    fast_path.poll()
    assert sms() == []                     # planned for 08:00: not due now
    assert _item(created["id"], msg.CONFIRMATION).next_attempt_at == "2026-12-01T00:00:00.000000Z"


def test_a_message_due_before_quiet_hours_and_seen_in_them_waits(api, sms, fast_path, clock):
    clock.move_to(store_time(2026, 11, 30, 20, 59))
    created = api.book(booking_body(slot_start="2026-12-02T10:00:00+08:00")).json_body
    clock.move_to(store_time(2026, 11, 30, 21, 0))    # the stream is read a moment later
    assert fast_path.poll() >= 1
    assert sms() == []
    item = _item(created["id"], msg.CONFIRMATION)
    assert (item.status, item.next_attempt_at, item.note) == (
        "pending", "2026-12-01T00:00:00.000000Z", "quiet hours")
    clock.move_to(store_time(2026, 12, 1, 8, 0))
    assert run_sweep().counts == {"sent": 1}


def test_an_opted_out_number_is_skipped_on_the_fast_path(api, sms, fast_path):
    # moto's SNS reports numbers ending in 99 as opted out
    created = api.book(booking_body(customer={"phone": "13800138099"})).json_body
    fast_path.poll()
    assert sms() == []
    item = _item(created["id"], msg.CONFIRMATION)
    assert (item.status, item.note, item.queue) == ("skipped", "number opted out of SMS", None)
    assert run_sweep().counts == {}


def test_the_hourly_limit_applies_on_the_fast_path(api, sms, fast_path, store):
    store(sms_per_phone_per_hour=1)
    first = api.book(booking_body()).json_body
    second = api.book(booking_body(vehicle={"plate": "京A88888"},
                                   slot_start="2026-12-01T10:00:00+08:00")).json_body
    fast_path.poll()
    assert len(sms()) == 1
    assert _item(first["id"], msg.CONFIRMATION).status == "sent"
    limited = _item(second["id"], msg.CONFIRMATION)
    assert limited.status == "skipped" and limited.note.startswith("rate_limited")


def test_the_stream_is_still_read_after_a_transaction_that_failed(api, sms, fast_path, store):
    """moto rolls a failed transaction back by putting back a copy of the tables it touched,
    the outbox's stream included: the poller asks for its position again at each poll."""
    store(slot_capacity=1)
    first = api.book(booking_body())
    assert first.status_code == 201
    full = api.book(booking_body(customer={"phone": "13900139000"}, vehicle={"plate": "京A88888"}))
    assert full.status_code == 409                 # the slot is full: the transaction failed
    fast_path.poll()
    assert [phone for phone, _ in sms()] == ["+8613800138000"]
    later = api.book(booking_body(customer={"phone": "13900139000"}, vehicle={"plate": "京A88888"},
                                  slot_start="2026-12-01T10:00:00+08:00"))
    assert later.status_code == 201
    fast_path.poll()
    assert [phone for phone, _ in sms()] == ["+8613800138000", "+8613900139000"]


def test_a_prepared_message_goes_out_at_once_with_its_own_text(aws, sms, fast_path):
    """Complaint acknowledgements, escalations and order links carry their text: the same path."""
    now = app_clock.now()
    message = msg.prepared_message(message_id="c1.complaint_ack", kind=msg.COMPLAINT_ACK,
                                   phone="+8613800138000", locale="zh-CN", text="【骏达大众】已受理",
                                   due=now, settings=current_store().settings, now=now)
    outbox_db.to_item(message).save()
    fast_path.poll()
    assert sms() == [("+8613800138000", "【骏达大众】已受理")]
    assert OutboxItem.get("c1.complaint_ack").status == "sent"
