"""`make bench`, issue 14 "the local stack keeps everything": what saving and restoring cost.

- saving, before: every 20 s the whole store was scanned and rewritten (infra/local/stack.py
  snapshot to dynamodb.json): its time and bytes per save, for a store of ``SMALL`` items;
- saving, now: each write is journaled as it happens (infra/local/keep.py): the lines and bytes
  one booking adds, in an empty store and in the big one (goal: the same), and the time of a
  compaction of the big store (it runs when the journal reaches half the snapshot);
- restore (local start-up) of the big store, now (goal: under 30 s for 500k items) and, for a
  store of ``SMALL`` items, before (BatchWriteItem through the endpoint) and now.

Run alone: ``.venv/bin/python -m tests.bench_localkeep [items]``.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIG = 500_000
SMALL = 5_000
RESTORE_GOAL_S = 30.0


def _audit_item(n: int) -> dict:
    """An audit entry as the app writes them (about 400 bytes): the store's most numerous item."""
    return {"subject": {"S": f"order#ro_{n // 6:016x}"}, "seq": {"S": f"20260101T0000{n:012d}"},
            "at": {"S": "2026-01-01T08:00:00+08:00"}, "actor": {"S": "advisor"},
            "action": {"S": "line_added"},
            "changes": {"S": json.dumps({"line": {"before": None, "after": {
                "code": "LB-OIL", "description": "更换机油及机油滤清器", "quantity": "1",
                "amount": "180.00"}}}, ensure_ascii=False)},
            "names": {"S": json.dumps({"advisor": "张顾问"}, ensure_ascii=False)}}


def _write_kept_store(state: Path, items: int) -> None:
    """A kept state directory of ``items`` audit entries, as keep.py writes its snapshot."""
    from chalicelib.db.models import AuditItem
    from infra.local.keep import SNAPSHOT, _dumps, _key
    table = AuditItem.Meta.table_name
    state.mkdir(parents=True, exist_ok=True)
    # one line as keep.py writes it, with the item's keys as placeholders (fast to repeat)
    item = _audit_item(0)
    subject, seq = item["subject"]["S"], item["seq"]["S"]
    line = f"{_key('d', table, {'subject': item['subject'], 'seq': item['seq']})}\t{_dumps(item)}\n"
    line = line.replace("%", "%%").replace(subject, "%(subject)s").replace(seq, "%(seq)s")
    with (state / SNAPSHOT).open("w", encoding="utf-8") as out:
        for n in range(items):
            out.write(line % {"subject": f"order#ro_{n // 6:016x}", "seq": f"20260101T0000{n:012d}"})


def _empty_endpoint(aws) -> None:
    from infra.local.stack import bootstrap
    urllib.request.urlopen(urllib.request.Request(aws.url + "/moto-api/reset", method="POST"))
    bootstrap(demo=False)


def _restore_before(items: list[dict], table: str) -> float:
    """The restore before keep.py: BatchWriteItem, 25 items a request, through the endpoint."""
    from infra.local.stack import _dynamodb
    client = _dynamodb()
    start = time.perf_counter()
    for i in range(0, len(items), 25):
        client.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": it}}
                                                      for it in items[i:i + 25]]})
    return time.perf_counter() - start


def _booking_lines(keeper, stack_day, hour: int, n: int) -> tuple[int, int]:
    from chalicelib.services import bookings
    from infra.local.keep import JOURNAL
    from tests.factories import booking_body
    path = keeper.dir / JOURNAL
    lines, size = len(path.read_bytes().splitlines()), path.stat().st_size
    bookings.create_booking(booking_body(slot_start=stack_day(hour), customer={
        "phone": f"1390013{n:04d}"}, vehicle={"plate": f"粤B{n:05d}"}))
    return len(path.read_bytes().splitlines()) - lines, path.stat().st_size - size


def local_keeping(big: int = BIG) -> list[str]:
    from datetime import datetime, timedelta

    from chalicelib import db
    from chalicelib.db.models import AuditItem
    from chalicelib.services.store import current_store, save_store
    from infra.local.demo import demo_services
    from infra.local.keep import Keeper
    from infra.local.moto_server import MotoServer
    from infra.local.stack import bootstrap, configure, restore, snapshot

    os.environ.setdefault("APP_SECRET_KEY", "bench")
    aws = MotoServer(port=0).start()
    lines: list[str] = []
    try:
        configure(aws.url, state_dir=None, secret="bench")
        bootstrap(demo=False)
        db.bind()
        table = AuditItem.Meta.table_name
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            # restore, before and now, of a small store
            small = [_audit_item(n) for n in range(SMALL)]
            before = _restore_before(small, table)
            # saving before: the whole store, every 20 s (a Scan through moto: minutes for the
            # big store, so measured on the small one)
            start = time.perf_counter()
            snapshot(tmp / "before.json")
            full = time.perf_counter() - start
            lines.append(f"Saving before: every 20 s a Scan + rewrite of {SMALL:,} items: {full:.1f} s, "
                         f"{(tmp / 'before.json').stat().st_size / 1e6:.1f} MB each time")
            _write_kept_store(tmp / "small", SMALL)
            _empty_endpoint(aws)
            start = time.perf_counter()
            restore(tmp / "small")
            now_small = time.perf_counter() - start
            lines.append(f"Restore {SMALL:,} items: before (BatchWriteItem) {before:.1f} s, "
                         f"now {now_small:.2f} s")
            # restore of the big store (local start-up)
            _write_kept_store(tmp / "big", big)
            _empty_endpoint(aws)
            start = time.perf_counter()
            count = restore(tmp / "big")
            took = time.perf_counter() - start
            lines.append(f"Restore {count:,} items (local start-up): {took:.1f} s "
                         f"(goal < {RESTORE_GOAL_S:.0f} s)")
            # saving now: what one booking journals, in an empty store and in the big one
            bootstrap(demo=True)
            save_store(current_store().settings.with_changes(
                quiet_start="00:00", quiet_end="00:00", verify_phone=False), demo_services())
            settings = current_store().settings
            day = datetime.now(settings.tz).date() + timedelta(days=1)
            while settings.hours_on(day) is None:
                day += timedelta(days=1)

            def at(hour):
                return datetime(day.year, day.month, day.day, hour, tzinfo=settings.tz).isoformat()
            keeper = Keeper(tmp / "big")
            keeper.open()
            aws.app.keeper = keeper
            _booking_lines(keeper, at, 9, 1)        # the day's first booking opens the day
            in_big = _booking_lines(keeper, at, 10, 2)
            aws.app.keeper = None
            keeper.close()
            _empty_endpoint(aws)
            bootstrap(demo=True)
            save_store(current_store().settings.with_changes(
                quiet_start="00:00", quiet_end="00:00", verify_phone=False), demo_services())
            empty = Keeper(tmp / "empty")
            empty.open()
            aws.app.keeper = empty
            _booking_lines(empty, at, 9, 1)
            in_empty = _booking_lines(empty, at, 10, 2)
            aws.app.keeper = None
            empty.close()
            lines.append(f"Saving now, one booking journals: empty store {in_empty[0]} lines "
                         f"{in_empty[1] / 1024:.1f} KB; {count:,} items {in_big[0]} lines "
                         f"{in_big[1] / 1024:.1f} KB (goal: the same)")
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                keeper.compact(force=True)
                runs.append(time.perf_counter() - start)
                _booking_lines_free(keeper)
            lines.append(f"Compaction of {count:,} items (when the journal reaches half the "
                         f"snapshot, outside the endpoint's lock): median {statistics.median(runs):.1f} s")
    finally:
        aws.app.keeper = None
        aws.stop()
    return lines


def _booking_lines_free(keeper) -> None:
    """A journal line, so that the next compaction has something to merge."""
    from infra.local.keep import JOURNAL
    with (keeper.dir / JOURNAL).open("a", encoding="utf-8") as fh:
        fh.write('["s","bench","x"]\tnull\n')


if __name__ == "__main__":
    for line in local_keeping(int(sys.argv[1]) if len(sys.argv) > 1 else BIG):
        print(line)
