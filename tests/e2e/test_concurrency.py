"""Capacity and exactly-once SMS under real concurrency, against moto in server mode."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from chalicelib import clock
from chalicelib.db.models import BookingItem, CapacityItem
from chalicelib.domain.errors import SlotFull
from chalicelib.notify.sweep import run_sweep
from chalicelib.services import bookings
from chalicelib.services.store import current_store, save_store
from infra.local.demo import demo_services
from tests.factories import booking_body


def test_twenty_customers_race_for_a_slot_with_three_places(stack):
    day = stack.next_open_day()
    slot = stack.slot(day, 10)
    start = threading.Barrier(20)

    def attempt(i):
        start.wait()
        try:
            bookings.create_booking(booking_body(customer={"phone": f"1390000{i:04d}"}, vehicle={"plate": f"粤B{10000 + i}"},
                                                 slot_start=slot))
            return 201
        except SlotFull as full:
            assert full.alternatives
            return 409

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = Counter(pool.map(attempt, range(20)))
    assert answers == {201: 3, 409: 17}
    booked = list(BookingItem.by_date.query(day.isoformat()))
    assert len(booked) == 3
    assert int(CapacityItem.get(day.isoformat(), "10:00").booked) == 3
    assert int(CapacityItem.get(day.isoformat(), "_day").labor_minutes) == 3 * 72


def test_race_for_the_last_labour_hours_of_a_day(stack):
    settings = current_store().settings.with_changes(workshop_hours_per_day=5,
                                                     walkin_reserve_percent=0)
    save_store(settings, demo_services())  # 300 minutes: four 72-minute services
    day = stack.next_open_day()
    start = threading.Barrier(12)

    def attempt(i):
        start.wait()
        try:
            bookings.create_booking(booking_body(customer={"phone": f"1390000{i:04d}"}, vehicle={"plate": f"粤B{10000 + i}"},
                                                 slot_start=stack.slot(day, 8 + i % 6)))
            return 201
        except SlotFull:
            return 409

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = Counter(pool.map(attempt, range(12)))
    assert answers == {201: 4, 409: 8}
    assert int(CapacityItem.get(day.isoformat(), "_day").labor_minutes) == 288


def test_the_same_idempotency_key_sent_concurrently_books_once(stack):
    slot = stack.slot(stack.next_open_day(), 11)
    start = threading.Barrier(8)

    def attempt(_):
        start.wait()
        return bookings.create_booking(booking_body(slot_start=slot),
                                       idempotency_key="tap-tap-tap")["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(attempt, range(8)))
    assert len(ids) == 1
    assert len(list(BookingItem.by_date.query(stack.next_open_day().isoformat()))) == 1


def test_two_sweeps_at_once_publish_each_message_once(stack):
    day = stack.next_open_day()
    for i in range(12):
        bookings.create_booking(booking_body(customer={"phone": f"1390000{i:04d}"}, vehicle={"plate": f"粤B{10000 + i}"},
                                             slot_start=stack.slot(day, 8 + i % 9)))
    now = clock.now()
    start = threading.Barrier(2)

    def sweep(_):
        start.wait()
        return run_sweep(now=now).counts

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(sweep, range(2)))
    sent = sum(r.get("sent", 0) for r in results)
    assert sent == 12
    phones = Counter(phone for phone, _ in stack.sms())
    assert len(phones) == 12 and set(phones.values()) == {1}
    assert run_sweep(now=now).counts == {}


def test_http_booking_and_errors_through_the_local_server(stack):
    slot = stack.slot(stack.next_open_day(), 9)
    status, created = stack.request("POST", "/api/bookings", booking_body(slot_start=slot))
    assert status == 201
    status, view = stack.request("GET", f"/api/bookings/{created['id']}?token="
                                 + created["manage_url"].split("token=")[1])
    assert status == 200 and view["slot_start"] == slot
    status, error = stack.request("GET", "/api/nothing-here")
    assert status == 404 and error["error"]["code"] == "not_found"
    status, error = stack.request("POST", "/api/bookings", {"customer": {}})
    assert status == 422 and "customer.name" in error["error"]["fields"]


def test_the_sweep_reads_only_what_is_due(stack):
    """Its cost follows the due messages, not the table size: one Query, no Scan."""
    day = stack.next_open_day()
    for i in range(9):
        bookings.create_booking(booking_body(customer={"phone": f"1390000{i:04d}"}, vehicle={"plate": f"粤B{10000 + i}"},
                                             slot_start=stack.slot(day, 8 + i)))
    assert run_sweep().counts == {"sent": 9}  # the confirmations; 9+ reminders stay queued
    stack.aws.app.requests.clear()
    assert run_sweep().counts == {}
    assert dict(stack.aws.app.requests) == {"Query": 1}
