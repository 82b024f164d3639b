"""Floods through the customer's own links: changes per booking, one open complaint per order,
and a cap on SMS per number per hour."""
from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.config import get_config
from chalicelib.db import outbox as outbox_db
from chalicelib.db import records as records_db
from chalicelib.db.models import BookingItem, ComplaintItem, OutboxItem
from chalicelib.domain import messages as msg
from chalicelib.domain.store import StoreSettings
from chalicelib.domain.tokens import sign_order
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


# ---- one open complaint per order ----------------------------------------------------

def _order_token(order):
    """The customer's order link token, as the SMS carries it (staff answers never do)."""
    return sign_order(get_config().secret_key, order["id"])


def _events(item):
    """A complaint's events, read from their own items as the complaint page reads them."""
    complaint = records_db.with_events(records_db.get_complaint(item.complaint_id))
    return [e.to_dict() for e in complaint.events]


def _acks():
    return [m for m in OutboxItem.scan() if m.kind == "complaint_ack"]


def test_five_complaints_from_one_order_link_open_one_complaint(api, advisor, clock, sms):
    order = approved_order(api, advisor, clock)
    path = f"/api/orders/{order['id']}/complaint?token={_order_token(order)}"
    answers = []
    for n in range(5):
        clock.shift(timedelta(seconds=15))
        answers.append(api.post(path, {"description": f"接待时等了很久 {n}"}))
    assert [a.status_code for a in answers] == [201] * 5
    assert [a.json_body["opened"] for a in answers] == [True, False, False, False, False]
    assert len({a.json_body["reference"] for a in answers}) == 1

    [complaint] = ComplaintItem.scan()
    assert complaint.data["description"] == "接待时等了很久 0"
    notes = [e for e in _events(complaint) if e["action"] == "note"]
    assert [(e["by"], e["note"]) for e in notes] == [
        ("customer", f"接待时等了很久 {n}") for n in range(1, 5)]
    assert complaint.data["replied_at"] == ""   # the customer writing again is not our reply
    assert len(_acks()) == 1
    run_sweep()
    assert len([t for _, t in sms() if complaint.data["reference"] in t]) == 1


def test_two_complaints_posted_at_once_give_one_complaint(api, advisor, clock, monkeypatch):
    """The second request reads "no open complaint" before the first one is written."""
    order = approved_order(api, advisor, clock)
    token = _order_token(order)
    real = records_db.latest_complaint_of
    raced = []

    def read_then_lose_the_race(order_id):
        seen = real(order_id)
        if not raced:
            raced.append(True)
            customer_orders.customer_complaint(order["id"], token, {"description": "第一条"})
        return seen

    monkeypatch.setattr(records_db, "latest_complaint_of", read_then_lose_the_race)
    second = customer_orders.customer_complaint(order["id"], token, {"description": "第二条"})
    assert second["opened"] is False
    [complaint] = ComplaintItem.scan()
    assert complaint.data["description"] == "第一条"
    assert [e["note"] for e in _events(complaint) if e["action"] == "note"] == ["第二条"]
    assert len(_acks()) == 1


def test_a_resolved_complaint_lets_the_next_one_open(api, advisor, staff, clock):
    order = approved_order(api, advisor, clock)
    path = f"/api/orders/{order['id']}/complaint?token={_order_token(order)}"
    first = api.post(path, {"description": "洗车没洗干净"}).json_body
    [item] = ComplaintItem.scan()
    owner = staff.as_(item.data["owner"])
    view = owner.get(f"/api/staff/complaints/{item.complaint_id}").json_body
    done = owner.post(f"/api/staff/complaints/{item.complaint_id}/resolve", {
        "version": view["version"], "resolution": "重新洗车", "customer_accepted": True})
    assert done.status_code == 200, done.json_body
    second = api.post(path, {"description": "车里有烟味"}).json_body
    assert second["opened"] is True and second["reference"] != first["reference"]
    assert sorted(c.data["status"] for c in ComplaintItem.scan()) == ["open", "resolved"]
    assert len(_acks()) == 2


def test_a_low_survey_after_a_complaint_becomes_its_note(api, advisor, staff, clock):
    order = worked_and_checked(staff, approved_order(api, advisor, clock, wash=False), clock)
    order = staff.as_("cashier").post(f"/api/staff/orders/{order['id']}/settle", {
        "version": order["version"], "payment_method": "cash"}).json_body
    advisor.post(f"/api/staff/orders/{order['id']}/deliver", {
        "version": order["version"],
        "checklist": {k: True for k in ("clean", "old_parts", "keys", "documents", "explained")}})
    token = _order_token(order)
    told = api.post(f"/api/orders/{order['id']}/complaint?token={token}", {"description": "刹车还响"})
    assert told.status_code == 201
    rated = api.post(f"/api/orders/{order['id']}/survey?token={token}",
                     {"attitude": 4, "quality": 2, "timeliness": 4, "comment": "还是响"})
    assert rated.status_code == 200, rated.json_body
    [complaint] = ComplaintItem.scan()
    [note] = [e for e in _events(complaint) if e["action"] == "note"]
    assert note["by"] == "customer" and "质量2" in note["note"] and "还是响" in note["note"]
    assert len(_acks()) == 1
    followup = records_db.get_followup(order["id"])
    assert followup.complaint_ids == (complaint.complaint_id,)


def test_staff_cannot_open_a_second_complaint_on_the_same_order(api, advisor, staff, clock):
    order = approved_order(api, advisor, clock)
    api.post(f"/api/orders/{order['id']}/complaint?token={_order_token(order)}",
             {"description": "等太久"})
    again = staff.as_("manager").post("/api/staff/complaints", {
        "order_id": order["id"], "description": "客户来电投诉等太久"})
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "complaint_already_open"
    assert "order_id" in again.json_body["error"]["fields"]
    assert len(list(ComplaintItem.scan())) == 1 and len(_acks()) == 1


# ---- SMS per number per hour ------------------------------------------------------------

def _queue(n, phone, first=0, at=None):
    """``n`` prepared messages due now for ``phone``."""
    settings = StoreSettings(store_id="demo")
    now = at or store_time(2026, 11, 30, 10, 0)
    for i in range(first, first + n):
        message = msg.prepared_message(
            message_id=f"o{i}.{msg.COMPLAINT_ACK}", kind=msg.COMPLAINT_ACK, phone=phone,
            locale="zh-CN", text=f"【骏达大众】消息{i}", due=now, settings=settings, now=now,
            order_id=f"o{i}")
        outbox_db.to_item(message).save()


def test_six_sms_for_one_number_within_an_hour_send_five(aws, sms, caplog):
    _queue(6, "+8613800138000")
    _queue(1, "+8613900139000", first=100)
    assert run_sweep().counts == {"sent": 6, "skipped": 1}
    to_first = [t for phone, t in sms() if phone == "+8613800138000"]
    assert len(to_first) == 5
    assert [t for phone, t in sms() if phone == "+8613900139000"] == ["【骏达大众】消息100"]
    [skipped] = [m for m in OutboxItem.scan() if m.status == "skipped"]
    assert skipped.phone == "+8613800138000" and skipped.queue is None
    assert skipped.note == ("rate_limited: at most 5 SMS per number per hour "
                            "(sms_per_phone_per_hour)")
    assert skipped.text not in to_first
    logged = [r.getMessage() for r in caplog.records
              if "sms_skipped_rate_limited" in r.getMessage()]
    assert len(logged) == 1 and "138****8000" in logged[0] and "+8613800138000" not in logged[0]


def test_the_hour_is_a_rolling_one(aws, sms, clock, store):
    store(sms_per_phone_per_hour=2)
    _queue(2, "+8613800138000")
    assert run_sweep().counts == {"sent": 2}
    clock.shift(timedelta(minutes=59))
    _queue(1, "+8613800138000", first=2, at=store_time(2026, 11, 30, 10, 59))
    assert run_sweep().counts == {"skipped": 1}
    clock.shift(timedelta(minutes=1, seconds=1))   # the first two left the hour
    _queue(1, "+8613800138000", first=3,
           at=store_time(2026, 11, 30, 11, 0) + timedelta(seconds=1))
    assert run_sweep().counts == {"sent": 1}
    assert len(sms()) == 3


def test_a_failed_publish_does_not_use_up_the_hour(aws, sms, store, monkeypatch):
    from chalicelib.notify.sms import SmsError, SnsSmsSender
    store(sms_per_phone_per_hour=1)
    _queue(1, "+8613800138000")
    real = SnsSmsSender.publish

    def fail_once(self, phone, text):
        monkeypatch.setattr(SnsSmsSender, "publish", real)
        raise SmsError("throttled")

    monkeypatch.setattr(SnsSmsSender, "publish", fail_once)
    assert run_sweep().counts == {"retry": 1}    # message 0 waits a minute
    _queue(1, "+8613800138000", first=1)
    assert run_sweep().counts == {"sent": 1}     # the failed one did not take the hour's one
    assert sms() == [("+8613800138000", "【骏达大众】消息1")]


def test_two_sweeps_at_once_cannot_both_pass_the_cap(aws, store, monkeypatch):
    """The second sweep read the number's hour before the first one wrote it."""
    store(sms_per_phone_per_hour=1)
    now = store_time(2026, 11, 30, 10, 0)
    real = outbox_db.sms_sent_recently
    raced = []

    def stale_read(phone):
        seen = real(phone)
        if not raced:
            raced.append(True)
            assert outbox_db.take_sms_allowance(phone, message_id="a", now=now, limit=1)
        return seen

    monkeypatch.setattr(outbox_db, "sms_sent_recently", stale_read)
    assert outbox_db.take_sms_allowance("+8613800138000", message_id="b", now=now,
                                        limit=1) is False
    # a message sent again after its lease ran out is counted once
    assert outbox_db.take_sms_allowance("+8613800138000", message_id="a", now=now, limit=1)
