"""`make bench`, issue 14 "Confirmations in seconds": the time from a booking's 201 to the SNS
publish of its confirmation, through the local stack as `make run` runs it (HTTP server, the
outbox's stream poller, the 20 s sweep), over 20 bookings one after the other.

Run alone: ``.venv/bin/python -m tests.bench_fastsms`` (``--sweep-only``: without the stream
poller, the figure before issue 14).
"""
from __future__ import annotations

import json
import logging
import statistics
import sys
import threading
import time
import urllib.request
from datetime import timedelta

BOOKINGS = 20
GOAL_SECONDS = 5.0
WAIT_SECONDS = 60.0     # a confirmation not published by then counts as this


class PublishClock:
    """Wraps the SNS sender's publish: when each number's first SMS went out, and by whom."""

    def __init__(self):
        from chalicelib.notify.sms import SnsSmsSender
        self._cls, self._real = SnsSmsSender, SnsSmsSender.publish
        self.sent: dict[str, tuple[float, str]] = {}
        self._changed = threading.Condition()
        clock = self

        def publish(sender, phone, text):
            answer = clock._real(sender, phone, text)
            with clock._changed:
                clock.sent.setdefault(phone, (time.perf_counter(), threading.current_thread().name))
                clock._changed.notify_all()
            return answer

        SnsSmsSender.publish = publish

    def wait_for(self, phone: str, timeout: float) -> tuple[float, str] | None:
        with self._changed:
            self._changed.wait_for(lambda: phone in self.sent, timeout=timeout)
            return self.sent.get(phone)

    def close(self) -> None:
        self._cls.publish = self._real


def confirmation_delays(samples: int = BOOKINGS, *, fast_path: bool = True) -> tuple[list[float], dict]:
    from chalicelib import clock
    from chalicelib.services.store import current_store, save_store
    from infra.local.demo import demo_services
    from infra.local.moto_server import MotoServer
    from infra.local.server import Scheduler, serve
    from infra.local.stack import bootstrap, configure
    from infra.local.streams import outbox_poller
    from tests.factories import booking_body

    aws = MotoServer(port=0).start()
    configure(aws.url, state_dir=None, secret="bench")
    bootstrap(demo=True)
    # the bench runs at any hour on the real clock: no quiet hours; no SMS code to type
    save_store(current_store().settings.with_changes(quiet_start="00:00", quiet_end="00:00",
                                                     verify_phone=False), demo_services())
    http = serve(port=0)
    base = "http://127.0.0.1:%d" % http.server_address[1]
    scheduler = Scheduler().start()
    poller = outbox_poller(on_read=aws.stream_read).start() if fast_path else None
    publishes = PublishClock()
    settings = current_store().settings
    day = clock.now().astimezone(settings.tz).date() + timedelta(days=3)
    delays, by = [], {}
    try:
        for i in range(samples):
            while settings.hours_on(day) is None:
                day += timedelta(days=1)
            mobile = f"1370000{i:04d}"
            body = booking_body(customer={"phone": mobile}, vehicle={"plate": f"粤C{20000 + i}"},
                                slot_start=f"{day.isoformat()}T{9 + i % 8:02d}:00:00+08:00")
            request = urllib.request.Request(base + "/api/bookings", data=json.dumps(body).encode(),
                                             method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request) as resp:
                assert resp.status == 201, resp.status
                resp.read()
            answered = time.perf_counter()
            seen = publishes.wait_for("+86" + mobile, WAIT_SECONDS)
            delays.append(max(0.0, seen[0] - answered) if seen else WAIT_SECONDS)
            path = ("fast path" if seen and seen[1].startswith("stream") else
                    "sweep" if seen else "not published")
            by[path] = by.get(path, 0) + 1
            if i % 8 == 7:
                day += timedelta(days=1)
    finally:
        publishes.close()
        if poller:
            poller.stop()
        scheduler.stop()
        http.shutdown()
        aws.stop()
    return delays, by


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(len(ordered) * 0.95)) - 1)]


def fastsms_lines(*, fast_path: bool = True) -> list[str]:
    delays, by = confirmation_delays(fast_path=fast_path)
    p50, p95 = statistics.median(delays), _p95(delays)
    verdict = "ok" if p95 <= GOAL_SECONDS else "OVER"
    return [f"confirmation SMS after the booking's 201 ({len(delays)} bookings via the local "
            f"server{' + stream poller' if fast_path else ', sweep only'}): p50 {p50:.2f} s, "
            f"p95 {p95:.2f} s (goal: p95 <= {GOAL_SECONDS:.0f} s: {verdict}); published by "
            + ", ".join(f"{k} {v}" for k, v in sorted(by.items()))]


def main(argv: list[str]) -> int:
    import os
    os.environ.setdefault("APP_SECRET_KEY", "bench")
    logging.disable(logging.INFO)
    for line in fastsms_lines(fast_path="--sweep-only" not in argv):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
