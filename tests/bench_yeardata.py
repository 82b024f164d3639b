"""`make bench`, a year of data (issue 14): the request paths cost the same with a year behind
them (``infra/local/yeardata.py``: 150 repair orders a day) as without.

Three stores, each on a fresh embedded endpoint: empty; two weeks of the busy store (every
call, SMS and complaint open today is there: the same work as in the year); and the year.
On each, the same records of the bench's own (a desk booking on a day ahead, checked in:
one car in the store) and the same calls: DynamoDB requests per operation (counted at the
endpoint, as tests/bench.py does) and the median latency of several calls (service level,
in process). The goal is the year within 1.2x of the two weeks, which hold the same open
work, and no Scan on any of these paths (a Scan fails the bench). Plus the year's local
start-up: ``stack.restore`` of its saved data, then ``stack.bootstrap`` (run when a day's
figure says it fits ``STARTUP_BUDGET``; else the day's and its prediction).
"""
from __future__ import annotations

import statistics
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Callable

RUNS = 9
GOAL = 1.2
STORES = (("empty", 0), ("2 weeks", 14), ("year", 365))


def _fresh_stack():
    """A clean embedded endpoint (moto's state lives in this process: reset it) with the demo."""
    from infra.local.moto_server import MotoServer
    from infra.local.stack import bootstrap, configure
    aws = MotoServer(port=0).start()
    _reset(aws)
    configure(aws.url, state_dir=None, secret="bench")
    bootstrap(demo=True)
    return aws


def _reset(aws) -> None:
    urllib.request.urlopen(urllib.request.Request(aws.url + "/moto-api/reset", method="POST"))


class _Probe:
    def __init__(self, aws):
        self.aws = aws

    def __call__(self, action: Callable[[], object]) -> tuple[Counter, float]:
        """The requests of the first call, and the median time of ``RUNS`` calls (``action``
        may take the run's number)."""
        times, first = [], None
        for n in range(RUNS):
            self.aws.app.requests.clear()
            started = time.perf_counter()
            action(n) if action.__code__.co_argcount else action()
            times.append(time.perf_counter() - started)
            if first is None:
                first = Counter(self.aws.app.requests)
        return first, statistics.median(times)


def _measure(aws) -> dict[str, tuple[Counter, float]]:
    from chalicelib.domain.staff import Staff
    from chalicelib.notify.sweep import run_sweep
    from chalicelib.services import (bookings, complaints, desk, followups, orders,
                                     vehicle_file, workshop)
    from tests.bench import _open_day, _today, _verified
    from tests.factories import booking_body, checkin_body
    advisor = Staff("advisor", "张顾问", frozenset({"advisor"}), "demo")
    foreman = Staff("foreman", "孙班长", frozenset({"foreman"}), "demo")
    clerk = Staff("followup", "刘回访", frozenset({"follow_up"}), "demo")
    day = _open_day(_today() + timedelta(days=3))
    slot = lambda h: f"{day.isoformat()}T{h:02d}:00:00+08:00"  # noqa: E731
    # the bench's own car, booked at the desk and checked in: one car in the store
    car = {"plate": "粤B9Y987", "vin": "LSVAU2180N2189876", "model": "Lavida"}
    person = {"name": "钱先生", "phone": "13999990001"}
    booked = desk.desk_booking({**booking_body(slot_start=slot(14), vehicle=car, customer=person),
                                "channel": "phone"}, advisor, None)
    orders.check_in(checkin_body(booking_id=booked["id"], vehicle=car, customer=person), advisor)
    # what fell due since the generated morning, and the confirmations just planned, go out
    # now: the sweep and the escalation measured below have nothing due
    for _run in range(50):
        if not sum(run_sweep().counts.values()):
            break
    complaints.run_escalation()
    probe = _Probe(aws)
    verified = [_verified(f"1370000{n:04d}") for n in range(RUNS)]
    return {
        "availability (GET /api/slots)":
            probe(lambda: bookings.slots_for(day.isoformat(), "MAINT_10K")),
        "booking (POST /api/bookings, online)":
            probe(lambda n: bookings.create_booking(booking_body(
                slot_start=slot(9 + n % 3), customer={"phone": f"1370000{n:04d}"},
                vehicle={"plate": f"粤B7{n:04d}"}, verification=verified[n]))),
        "appointment board of the day": probe(lambda: desk.board(day.isoformat(), advisor)),
        "dispatch board": probe(lambda: workshop.board(foreman)),
        "file search, part of a plate": probe(lambda: vehicle_file.search("9Y98")),
        "file search, whole mobile": probe(lambda: vehicle_file.search(person["phone"])),
        "follow-up calls (due and ahead)": probe(lambda: followups.due_list(None, clerk)),
        "complaint list": probe(lambda: complaints.complaint_list(advisor)),
        "SMS sweep, nothing due": probe(lambda: run_sweep()),
        "complaint escalation, nothing due": probe(lambda: complaints.run_escalation()),
    }


STARTUP_BUDGET = 300      # seconds the bench may spend on the year's snapshot and restore


def _startup(aws) -> float:
    """A local start-up: the store's saved data restored into a fresh endpoint, then the
    start's own bootstrap (``make run``'s order), through ``stack``'s names (whatever the
    saved format is)."""
    from infra.local.stack import bootstrap, restore, snapshot
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state"        # a state directory, as `make run` keeps it
        snapshot(path)
        _reset(aws)
        started = time.perf_counter()
        bootstrap(demo=False)
        restore(path)
        bootstrap(demo=True)
        return time.perf_counter() - started


def _startup_line(year_items: int) -> str:
    """The year's start-up, measured when a day's save and restore say it fits the budget;
    otherwise the day's figure and what it predicts for the year (at least: moto's scans
    grow faster than the data)."""
    from infra.local import yeardata
    aws = _fresh_stack()
    try:
        items = yeardata.load(1)
        started = time.perf_counter()
        day = _startup(aws)
        both = time.perf_counter() - started           # its snapshot too
    finally:
        _reset(aws)
        aws.stop()
    predicted = both * year_items / max(items, 1)
    if predicted <= STARTUP_BUDGET:
        aws = _fresh_stack()
        try:
            yeardata.load(365)
            return (f"  local start-up of the year (stack.restore of its saved data + bootstrap): "
                    f"{_startup(aws):.1f} s (informative)")
        finally:
            _reset(aws)
            aws.stop()
    return (f"  local start-up (stack.restore of the saved data + bootstrap): a day ({items} items) "
            f"{day:.1f} s; the year ({year_items} items) not run: its save and restore would take "
            f"at least {predicted / 60:.0f} min at that rate (the saved format's cost, informative)")


def _fmt(calls: Counter) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(calls.items())) or "none"


def yeardata_figures() -> list[str]:
    from chalicelib.services.store import forget_store
    from infra.local import yeardata
    figures: dict[str, dict[str, tuple[Counter, float]]] = {}
    lines = []
    year_items = 0
    for label, days in STORES:
        aws = _fresh_stack()
        try:
            started = time.perf_counter()
            count = yeardata.load(days) if days else 0
            lines.append(f"  {label}: {count} items loaded in {time.perf_counter() - started:.0f} s")
            forget_store()
            figures[label] = _measure(aws)
            year_items = count
        finally:
            _reset(aws)
            aws.stop()
    empty, base, year = (figures[label] for label, _ in STORES)
    lines.append(f"  {'':38s} {'empty':>9s} {'2 weeks':>9s} {'year':>9s} {'ratio':>6s}  "
                 f"year's requests (goal: <= {GOAL}x the 2 weeks, Scan: 0)")
    scans, over = [], []
    for name in year:
        ratio = year[name][1] / base[name][1]
        if ratio > GOAL:
            over.append(name)
        if any(f[name][0].get("Scan") for f in (empty, base, year)):
            scans.append(name)
        grew = "" if year[name][0] == base[name][0] else f" (2 weeks: {_fmt(base[name][0])})"
        lines.append(f"  {name:38s} {empty[name][1] * 1000:7.1f}ms {base[name][1] * 1000:7.1f}ms "
                     f"{year[name][1] * 1000:7.1f}ms {ratio:5.2f}x  {_fmt(year[name][0])}{grew}")
    lines.append(f"  Scan: {len(scans)} on these paths; over {GOAL}x: {', '.join(over) or 'none'} "
                 f"(medians of {RUNS} calls, in process; the machine is shared: noisy)")
    lines.append(_startup_line(year_items))
    if scans:
        raise SystemExit("Scan on a request path with a year of data: " + ", ".join(scans))
    return lines


if __name__ == "__main__":
    import logging
    import os
    os.environ.setdefault("APP_SECRET_KEY", "bench")
    logging.disable(logging.INFO)
    print("\n".join(yeardata_figures()))
