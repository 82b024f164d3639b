from datetime import timedelta

from chalicelib.domain import messages as msg
from chalicelib.domain.store import StoreSettings
from tests.factories import store_time

SETTINGS = StoreSettings(store_id="t")


def test_new_booking_plan():
    now = store_time(2026, 11, 30, 10)
    plan = msg.plan_new_booking(SETTINGS, store_time(2026, 12, 3, 14), now)
    assert [(p.kind, p.due) for p in plan] == [
        ("confirmation", now),
        ("reminder_day", store_time(2026, 12, 2, 14)),
        ("reminder_hour", store_time(2026, 12, 3, 13)),
    ]


def test_reminders_in_quiet_hours_move_to_eight_or_vanish():
    now = store_time(2026, 11, 30, 10)
    plan = msg.plan_new_booking(SETTINGS, store_time(2026, 12, 3, 8, 0), now)
    # day reminder 2 Dec 08:00 is fine; hour reminder 07:00 is quiet until the visit: dropped
    assert [(p.kind, p.due) for p in plan] == [("confirmation", now),
                                               ("reminder_day", store_time(2026, 12, 2, 8))]
    plan = msg.plan_new_booking(SETTINGS, store_time(2026, 12, 3, 9, 0), now)
    # hour reminder 08:00; day reminder (2 Dec 09:00) as planned
    assert [p.kind for p in plan] == ["confirmation", "reminder_day", "reminder_hour"]


def test_quiet_hours_boundaries():
    assert msg.quiet_until(SETTINGS, store_time(2026, 12, 1, 20, 59)) is None
    assert msg.quiet_until(SETTINGS, store_time(2026, 12, 1, 21, 0)) == store_time(2026, 12, 2, 8)
    assert msg.quiet_until(SETTINGS, store_time(2026, 12, 2, 3, 0)) == store_time(2026, 12, 2, 8)
    assert msg.quiet_until(SETTINGS, store_time(2026, 12, 2, 8, 0)) is None
    daytime_quiet = SETTINGS.with_changes(quiet_start="12:00", quiet_end="13:30")
    assert msg.quiet_until(daytime_quiet, store_time(2026, 12, 2, 12, 15)) == store_time(2026, 12, 2, 13, 30)
    none = SETTINGS.with_changes(quiet_start="00:00", quiet_end="00:00")
    assert msg.quiet_until(none, store_time(2026, 12, 2, 3, 0)) is None


def test_cancel_message_is_never_dropped_only_delayed():
    late = store_time(2026, 12, 1, 23, 0)
    assert msg.plan_cancel(SETTINGS, late)[0].due == store_time(2026, 12, 2, 8)
    decision = msg.decide(SETTINGS, kind=msg.CANCELLED, slot_start=store_time(2026, 12, 1, 9),
                          now=store_time(2026, 12, 1, 12))
    assert decision.action == msg.SEND


def test_backoff():
    assert [msg.retry_delay(n) for n in (1, 2, 3, 6, 7)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4),
        timedelta(minutes=30), timedelta(minutes=30)]
