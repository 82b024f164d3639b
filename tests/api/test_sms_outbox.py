"""SMS confirmations and reminders: schedule, quiet hours, opt-out, failures, exactly-once claims."""
from __future__ import annotations

from datetime import timedelta

from chalicelib import clock as app_clock
from chalicelib.db import outbox as outbox_db
from chalicelib.db.models import BookingItem, OutboxItem
from chalicelib.domain import messages as msg
from chalicelib.notify.sms import SmsError, SnsSmsSender
from chalicelib.notify.sweep import run_sweep
from chalicelib.notify.templates import sms_parts
from tests.factories import booking_body, store_time


def _statuses():
    return {m.message_id.split(".", 1)[1]: m.status for m in OutboxItem.scan()}


def test_confirmation_goes_out_at_the_next_sweep(api, sms):
    created = api.book(booking_body()).json_body
    assert sms() == []
    result = run_sweep()
    assert result.counts == {"sent": 1}
    code = BookingItem.get(created["id"]).link_code
    assert sms() == [("+8613800138000",
                      "【骏达大众】王先生您好,已为您预约12月1日(周二)09:00到店10000公里保养,"
                      f"单号{created['reference']}。地址:广州市天河区黄埔大道西100号。请准时到店。"
                      f"改约/取消 https://4s.example.cn/l/{code}")]
    assert _statuses() == {"0.confirmation": "sent", "0.reminder_hour": "pending"}
    sent = OutboxItem.get(f"{created['id']}.0.confirmation")
    assert sent.sns_message_id and sent.text == sms()[0][1] and sent.queue is None
    assert run_sweep().counts == {}  # nothing is sent twice
    assert len(sms()) == 1


def test_reminders_one_day_and_one_hour_before(api, sms, clock):
    api.book(booking_body(slot_start="2026-12-03T14:00:00+08:00"))
    run_sweep()
    clock.move_to(store_time(2026, 12, 2, 13, 59))
    assert run_sweep().counts == {}
    clock.move_to(store_time(2026, 12, 2, 14, 0))
    assert run_sweep().counts == {"sent": 1}
    reminder = sms()[-1][1]
    assert reminder.startswith("【骏达大众】提醒:明天14:00到店10000公里保养,请准时。变更 https://4s.example.cn/l/")
    clock.move_to(store_time(2026, 12, 3, 13, 0))
    assert run_sweep().counts == {"sent": 1}
    assert sms()[-1][1] == "【骏达大众】提醒:您预约的14:00到店时间快到了,请准时。地址:广州市天河区黄埔大道西100号"
    assert _statuses() == {"0.confirmation": "sent", "0.reminder_day": "sent", "0.reminder_hour": "sent"}


def test_reminders_fit_one_sms_part(api, sms, clock):
    api.book(booking_body(slot_start="2026-12-03T14:00:00+08:00",
                          services=["MAINT_10K", "BRAKE_CHECK", "TYRE_ROTATE"]))
    for moment in (store_time(2026, 12, 2, 14, 0), store_time(2026, 12, 3, 13, 0)):
        clock.move_to(moment)
        run_sweep()
    reminders = [text for _, text in sms() if "提醒" in text]
    assert len(reminders) == 2
    assert "到店10000公里保养等3项" in reminders[0]
    assert [sms_parts(t) for t in reminders] == [1, 1], [len(t) for t in reminders]


def test_day_reminder_found_late_on_the_day_is_dropped(api, sms, clock):
    created = api.book(booking_body(slot_start="2026-12-03T14:00:00+08:00")).json_body
    run_sweep()
    clock.move_to(store_time(2026, 12, 3, 8, 0))  # the sweeps were down yesterday
    assert run_sweep().counts == {"dropped": 1}
    item = OutboxItem.get(f"{created['id']}.0.reminder_day")
    assert item.note == "the visit is today: too late to say 'tomorrow'"
    clock.move_to(store_time(2026, 12, 3, 13, 0))
    assert run_sweep().counts == {"sent": 1}  # the hour reminder still goes


def test_quiet_hours_hold_messages_until_eight(api, sms, clock):
    clock.move_to(store_time(2026, 11, 30, 21, 30))
    created = api.book(booking_body(slot_start="2026-12-02T10:00:00+08:00")).json_body
    # planned for the end of quiet hours, not for 21:30
    confirmation = OutboxItem.get(f"{created['id']}.0.confirmation")
    assert confirmation.next_attempt_at == "2026-12-01T00:00:00.000000Z"  # 08:00 store time
    clock.move_to(store_time(2026, 12, 1, 7, 59))
    assert run_sweep().counts == {} and sms() == []
    clock.move_to(store_time(2026, 12, 1, 8, 0))
    assert run_sweep().counts == {"sent": 1}


def test_a_due_message_found_in_quiet_hours_waits(api, sms, clock):
    created = api.book(booking_body(slot_start="2026-12-02T10:00:00+08:00")).json_body
    clock.move_to(store_time(2026, 11, 30, 23, 0))  # the sweep did not run before 21:00
    assert run_sweep().counts == {"deferred": 1}
    assert sms() == []
    item = OutboxItem.get(f"{created['id']}.0.confirmation")
    assert (item.status, item.next_attempt_at, item.note) == (
        "pending", "2026-12-01T00:00:00.000000Z", "quiet hours")
    clock.move_to(store_time(2026, 12, 1, 8, 0))
    assert run_sweep().counts == {"sent": 1}


def test_hour_reminder_of_an_eight_oclock_visit_is_not_planned(api):
    created = api.book(booking_body(slot_start="2026-12-02T08:00:00+08:00")).json_body
    kinds = {m.kind for m in OutboxItem.scan() if m.booking_id == created["id"]}
    # 1 hour before is 07:00, in quiet hours that last until the visit itself
    assert kinds == {"confirmation", "reminder_day"}


def test_messages_about_a_visit_that_began_are_dropped(api, sms, clock):
    created = api.book(booking_body(slot_start="2026-12-01T12:00:00+08:00")).json_body
    clock.move_to(store_time(2026, 12, 1, 12, 30))  # the sweeps were down all along
    assert run_sweep().counts == {"dropped": 3}  # confirmation and both reminders
    assert sms() == []
    assert OutboxItem.get(f"{created['id']}.0.confirmation").note == "appointment already begun"


def test_reschedule_and_cancel_leave_no_stale_reminder(api, sms, clock):
    created = api.book(booking_body(slot_start="2026-12-03T09:00:00+08:00")).json_body
    token = api.token_of(created)
    run_sweep()
    api.post(f"/api/bookings/{created['id']}/reschedule?token={token}",
             {"slot_start": "2026-12-04T15:00:00+08:00"})
    run_sweep()
    assert sms()[-1][1].startswith("【骏达大众】您的预约已改到12月4日(周五)15:00")
    clock.move_to(store_time(2026, 12, 2, 9, 0))   # old day reminder would be due
    assert run_sweep().counts == {}
    clock.move_to(store_time(2026, 12, 3, 15, 0))  # the new one is
    run_sweep()
    assert "提醒:明天15:00" in sms()[-1][1]
    api.post(f"/api/bookings/{created['id']}/cancel?token={token}", {"reason": "车已修好"})
    run_sweep()
    assert sms()[-1][1] == f"【骏达大众】您12月4日(周五)15:00的预约(单号{created['reference']})已取消。如需再约请致电020-88886666。"
    clock.move_to(store_time(2026, 12, 4, 14, 0))
    assert run_sweep().counts == {}
    assert len(sms()) == 4  # confirmation, rescheduled, day reminder, cancelled


def test_stale_message_is_superseded_at_send_time(api, sms):
    """Even if superseding after a reschedule failed, the sweep checks the booking first."""
    created = api.book(booking_body()).json_body
    token = api.token_of(created)
    old_ids = list(BookingItem.get(created["id"]).message_ids)
    api.post(f"/api/bookings/{created['id']}/reschedule?token={token}",
             {"slot_start": "2026-12-01T15:00:00+08:00"})
    for message_id in old_ids:  # put the old messages back in the queue by hand
        OutboxItem(message_id).update(actions=[OutboxItem.status.set("pending"),
                                               OutboxItem.queue.set("pending"),
                                               OutboxItem.next_attempt_at.set("2026-11-30T01:00:00.000000Z")])
    counts = run_sweep().counts
    assert counts == {"superseded": 2, "sent": 1}
    assert len(sms()) == 1 and "改到" in sms()[0][1]


def test_opted_out_number_is_skipped_and_recorded(api, sms):
    # moto's SNS reports numbers ending in 99 as opted out
    created = api.book(booking_body(customer={"phone": "13800138099"})).json_body
    assert run_sweep().counts == {"skipped": 1}
    assert sms() == []
    item = OutboxItem.get(f"{created['id']}.0.confirmation")
    assert (item.status, item.note, item.queue) == ("skipped", "number opted out of SMS", None)


class FlakySender(SnsSmsSender):
    """Throttled by SNS ``failures`` times, then fine."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    def publish(self, phone: str, text: str) -> str:
        if self.failures:
            self.failures -= 1
            raise SmsError("Throttling: Rate exceeded")
        return super().publish(phone, text)


def test_sns_failure_is_retried_with_backoff_and_nothing_is_lost(api, sms, clock):
    created = api.book(booking_body()).json_body
    sender = FlakySender(failures=2)
    assert run_sweep(sender=sender).counts == {"retry": 1}
    item = OutboxItem.get(f"{created['id']}.0.confirmation")
    assert (item.status, item.attempts, item.next_attempt_at) == (
        "pending", 1, "2026-11-30T02:01:00.000000Z")  # 1 minute later
    assert item.note.startswith("SNS error: Throttling")
    clock.shift(timedelta(seconds=59))
    assert run_sweep(sender=sender).counts == {}
    clock.shift(timedelta(seconds=1))
    assert run_sweep(sender=sender).counts == {"retry": 1}
    assert OutboxItem.get(f"{created['id']}.0.confirmation").next_attempt_at == "2026-11-30T02:03:00.000000Z"
    clock.shift(timedelta(minutes=2))
    assert run_sweep(sender=sender).counts == {"sent": 1}
    assert len(sms()) == 1
    assert OutboxItem.get(f"{created['id']}.0.confirmation").attempts == 3


def test_gives_up_after_max_attempts_and_records_it(api, sms, clock):
    created = api.book(booking_body(slot_start="2026-12-03T09:00:00+08:00")).json_body
    sender = FlakySender(failures=100)
    for _ in range(msg.MAX_ATTEMPTS):
        run_sweep(sender=sender)
        clock.shift(timedelta(minutes=31))
    item = OutboxItem.get(f"{created['id']}.0.confirmation")
    assert (item.status, item.attempts, item.queue) == ("failed", msg.MAX_ATTEMPTS, None)
    assert item.note.startswith("gave up")
    assert sms() == []


def test_a_sweep_that_dies_after_publishing_is_retried_after_the_lease(api, sms, clock):
    """At least once: if the process dies between publish and record, the SMS goes again."""
    created = api.book(booking_body()).json_body
    due = outbox_db.due_messages(app_clock.now())
    claimed = outbox_db.claim(due[0], lease_until=app_clock.now() + msg.CLAIM_LEASE)
    SnsSmsSender().publish(claimed.phone, "first copy")  # ...and the process dies here
    assert run_sweep().counts == {}           # the lease holds: nobody else sends it
    clock.shift(msg.CLAIM_LEASE - timedelta(seconds=1))
    assert run_sweep().counts == {}
    clock.shift(timedelta(seconds=1))
    assert run_sweep().counts == {"sent": 1}  # lease over: sent again, and recorded
    assert [text[:10] for _, text in sms()] == ["first copy", "【骏达大众】王先生您"]
    assert OutboxItem.get(f"{created['id']}.0.confirmation").status == "sent"


def test_a_lost_claim_is_left_to_the_winner(api, sms):
    api.book(booking_body())
    now = app_clock.now()
    seen_by_a = outbox_db.due_messages(now)[0]
    seen_by_b = outbox_db.due_messages(now)[0]
    assert outbox_db.claim(seen_by_a, lease_until=now + msg.CLAIM_LEASE) is not None
    assert outbox_db.claim(seen_by_b, lease_until=now + msg.CLAIM_LEASE) is None


def test_a_customer_who_booked_in_english_gets_english_sms(api, sms, clock):
    created = api.book(booking_body(locale="en", slot_start="2026-12-03T14:00:00+08:00")).json_body
    run_sweep()
    clock.move_to(store_time(2026, 12, 2, 14, 0))
    run_sweep()
    code = BookingItem.get(created["id"]).link_code
    confirmation, reminder = [text for _, text in sms()]
    assert confirmation == (
        f"[骏达大众] 王先生, you are booked for 10,000 km service on Thu 3 Dec 14:00, "
        f"ref {created['reference']}. Address: 100 Huangpu Ave W, Tianhe, Guangzhou. "
        f"Please be on time. Change/cancel: https://4s.example.cn/l/{code}")
    assert reminder.startswith("[骏达大众] Reminder: your visit is tomorrow at 14:00 (10,000 km service).")


def test_one_failing_message_does_not_hold_up_the_others(api, sms, clock, monkeypatch):
    from chalicelib.db import bookings as bookings_db
    broken = api.book(booking_body(slot_start="2026-12-01T15:00:00+08:00")).json_body
    fine = api.book(booking_body(customer={"phone": "13900139000"}, vehicle={"plate": "京A88888"})).json_body
    real_get = bookings_db.get_booking

    def flaky_get(booking_id):
        if booking_id == broken["id"]:
            raise RuntimeError("DynamoDB unavailable")
        return real_get(booking_id)

    monkeypatch.setattr(bookings_db, "get_booking", flaky_get)
    assert run_sweep().counts == {"error": 1, "sent": 1}
    assert [phone for phone, _ in sms()] == ["+8613900139000"]
    monkeypatch.setattr(bookings_db, "get_booking", real_get)
    assert run_sweep().counts == {}                 # still claimed: the lease holds
    clock.shift(msg.CLAIM_LEASE)
    assert run_sweep().counts == {"sent": 1}        # then retried, and nothing is lost
    assert OutboxItem.get(f"{broken['id']}.0.confirmation").status == "sent"
    assert OutboxItem.get(f"{fine['id']}.0.confirmation").status == "sent"
