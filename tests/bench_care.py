"""`make bench`, care (issue 15, part CORE): the daily job (每日关怀任务) on a year of data
(``infra/local/yeardata.py``: 150 repair orders a day, every car's care state and its copy on
the care table, as if the job had run every day of the year).

The job runs at today's ``care_run_at`` with yesterday's run on record (as it runs daily): it
reads today's ``care_due`` bucket (goal: 1 Query per bucket whatever the fleet, no Scan) and
then works per car due (an invitation: its existence read, the opt-out and budget checks, one
transaction; the car's next look: one transaction). Figures: DynamoDB requests counted at the
embedded endpoint, the cars due against the fleet, and its time (one run: the machine is
shared, noisy).
"""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, time as dtime, timedelta


def care_lines() -> list[str]:
    from chalicelib.db import care as care_db
    from chalicelib.db.models import CareItem
    from chalicelib.services import care
    from chalicelib.services.store import current_store, forget_store
    from infra.local import yeardata
    from tests.bench import _today
    from tests.bench_yeardata import _fresh_stack, _reset
    aws = _fresh_stack()
    try:
        started = time.perf_counter()
        items = yeardata.load(365)
        loaded = time.perf_counter() - started
        forget_store()
        settings = current_store().settings
        today = _today()
        yesterday = today - timedelta(days=1)         # the job ran yesterday, to the end
        care_db.start_run(yesterday, datetime.now(settings.tz))
        care_db.finish_run(yesterday, {"ran": True})
        run_at = datetime.combine(today, dtime(10, 0), settings.tz)
        fleet = sum(1 for _ in CareItem.scan(CareItem.sk == "care"))   # the bench's own count
        due = len(care_db.vehicles_due_on(today))
        aws.app.requests.clear()
        started = time.perf_counter()
        summary = care.run_daily(now=run_at)
        seconds = time.perf_counter() - started
        calls = Counter(aws.app.requests)
    finally:
        _reset(aws)
        aws.stop()
    per_car = {op: n / max(due, 1) for op, n in calls.items()}
    lines = [
        f"year loaded: {items} items in {loaded:.0f} s; fleet {fleet} cars, due today {due}",
        f"daily job: buckets read {summary['buckets']} (goal: 1 Query per bucket), cars "
        f"{summary['vehicles']}, invited {summary['invited']}, skipped {summary['skipped']}, "
        f"waiting for tomorrow {summary['waiting']}, version conflicts {summary['conflicts']} "
        f"(budget {settings.care_sms_per_day} SMS/day)",
        "daily job requests: " + ", ".join(f"{n} {op}" for op, n in sorted(calls.items()))
        + f" (Query: the last runs + the bucket, paged by 1 MB; Scan goal: 0)",
        "per car due: " + ", ".join(f"{v:.1f} {op}" for op, v in sorted(per_car.items()))
        + " (cost follows the cars due, not the fleet)",
        f"daily job time: {seconds:.2f} s for {due} cars due "
        f"({seconds / max(due, 1) * 1000:.0f} ms a car; one run, shared machine: noisy)",
    ]
    if calls.get("Scan"):
        raise SystemExit("Scan in the daily care job with a year of data")
    return lines


if __name__ == "__main__":
    import logging
    import os
    os.environ.setdefault("APP_SECRET_KEY", "bench")
    logging.disable(logging.INFO)
    for line in care_lines():
        print(f"  {line}")
