"""`make bench` figures of retention calls and the vehicle file's timeline (issue 15, part
CALLS): the DynamoDB requests of the clerk's list (one Query on the ``calls`` index, whatever
the number of invitations behind it), of recording a call, and of the vehicle file with its
contact timeline (a fixed number of reads whatever the car's history), and their time.

    .venv/bin/python -m tests.bench_calls
"""
from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta

CALLS = 150          # open calls in the list's window, and as many more done or out of it
CONTACTS = 150       # contact log entries of the car's owner (the timeline keeps 100)


def _setup(today):
    from chalicelib import clock
    from chalicelib.db import records as records_db
    from chalicelib.domain.care import ContactEntry, Invitation
    from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord
    now = clock.now()
    records_db.save(records_db.Changes(
        customers=[(CustomerRecord(id="cus_b", name="钱先生", phone="+8613700137000",
                                   created_at=now, updated_at=now), True)],
        vehicles=[(VehicleRecord(id="veh_b", plate="粤B55555", customer_id="cus_b",
                                 model="朗逸", created_at=now, updated_at=now), True)]))
    invitations = [Invitation(
        id=f"inv_b{i:04d}", kind="service", vehicle_id="veh_b", customer_id="cus_b",
        plate="粤B55555", model="朗逸", customer_name="钱先生", phone="+8613700137000",
        locale="zh-CN", due_on=today.isoformat(), created_at=now.isoformat(), status="sent",
        call_status="open" if i < CALLS else "done",
        call_due=(today + timedelta(days=i % 7 if i < CALLS else -(i % 60))).isoformat())
        for i in range(2 * CALLS)]
    contacts = [("cus_b", ContactEntry(at=(now - timedelta(hours=i)).isoformat(), channel="call",
                                       direction="in", vehicle_id="veh_b", note=f"{i}"))
                for i in range(CONTACTS)]
    for start in range(0, len(invitations), 50):
        records_db.save(records_db.Changes(invitations=[(i, True) for i in
                                                        invitations[start:start + 50]]))
    for start in range(0, len(contacts), 50):
        records_db.save(records_db.Changes(contacts=contacts[start:start + 50]))


def calls_lines() -> list[str]:
    """The printable figures (each with its goal); starts and stops its own endpoint."""
    from tests.bench import _fmt, _start_stack
    aws = _start_stack()
    try:
        from chalicelib.domain.staff import FOLLOW_UP, Staff
        from chalicelib.services import retention, vehicle_file
        from chalicelib.services.store import store_now
        clerk = Staff("followup", "刘回访", frozenset({FOLLOW_UP}), "demo")
        today = store_now().date()
        _setup(today)

        def measure(action, runs=7):
            times, calls, result = [], {}, None
            for _ in range(runs):
                aws.app.requests.clear()
                start = time.perf_counter()
                result = action()
                times.append(time.perf_counter() - start)
                calls = dict(aws.app.requests)
            return result, calls, statistics.median(times)

        listed, calls, took = measure(lambda: retention.call_list(None, clerk))
        shown = len(listed["calls"]) + len(listed["upcoming"])
        lines = [f"  {'retention calls list (' + str(shown) + ' shown of ' + str(2 * CALLS) + ')':42s} "
                 f"{_fmt(calls):45s} goal: 1 Query; median {took * 1000:.0f} ms"]
        first = listed["calls"][0]
        _, calls, took = measure(lambda: retention.record_call(first["id"], {
            "version": first["version"], "outcome": "not_reached",
            "retry_on": (today + timedelta(days=1)).isoformat()}, clerk), runs=1)
        lines.append(f"  {'record a retention call (not reached)':42s} {_fmt(calls):45s} "
                     f"goal: 1 GetItem + 1 TransactWriteItems; {took * 1000:.0f} ms")
        file, calls, took = measure(lambda: vehicle_file.vehicle_view("veh_b", clerk))
        lines.append(f"  {'vehicle file, timeline of ' + str(len(file['timeline'])) + ' (' + str(CONTACTS) + ' logged)':42s} "
                     f"{_fmt(calls):45s} goal: fixed, whatever the history; median {took * 1000:.0f} ms")
        return ["Retention calls and the vehicle file's timeline (issue 15, part CALLS; timings "
                "noisy while others run):"] + lines
    finally:
        aws.stop()


if __name__ == "__main__":
    import logging
    os.environ.setdefault("APP_SECRET_KEY", "bench")
    logging.disable(logging.INFO)
    for line in calls_lines():
        print(line)
