"""Campaign figures (issue 15 part CAMPAIGNS): the DynamoDB requests of a segment's members by
each selector and of a preview, against the store's size (no Scan: the reads follow the
segment, not the fleet), and the time of one send_due run inviting a campaign's members.

    .venv/bin/python -c "from tests.bench_campaigns import campaign_lines; print(*campaign_lines(), sep='\\n')"
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as dtime


def _file(cars: int, now: datetime) -> None:
    """``cars`` cars: a third Lavida, visits spread over the last 300 days, services due over
    the next 90, VINs known (their markers, as the desk writes them)."""
    from chalicelib.db import records as records_db
    from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord
    from chalicelib.services import care
    today = now.date()
    for start in range(0, cars, 3):
        changes = records_db.Changes(now=now)
        for n in range(start, min(cars, start + 3)):
            customer = CustomerRecord(id=f"cus_b{n}", name=f"客户{n}", phone=f"+86139{n:08d}",
                                      created_at=now, updated_at=now)
            vehicle = VehicleRecord(id=f"veh_b{n:05d}", plate=f"粤C{n:05d}", customer_id=customer.id,
                                    vin=f"LSVAU2180N21{n:05d}",
                                    model=("Lavida", "Sagitar", "Tiguan")[n % 3],
                                    mileage_km=5000 + 300 * n, created_at=now, updated_at=now,
                                    last_visit_on=today - timedelta(days=n % 300),
                                    next_service_date=today + timedelta(days=n % 90))
            vehicle = care.refreshed(vehicle, today=today)     # its care_day, as the desk's save
            changes.customers.append((customer, True))
            changes.vehicles.append((vehicle, True))
            changes.markers(None, customer)
            changes.markers(None, vehicle)
        records_db.save(changes)


def campaign_lines(cars: int = 600) -> list[str]:
    from tests.bench import _fmt, _start_stack
    from chalicelib import clock
    from chalicelib.db import care as care_db
    from chalicelib.domain import campaigns as cp
    from chalicelib.services import campaigns as service
    aws = _start_stack()
    now = clock.now()
    _file(cars, now)
    from chalicelib.services.store import current_store
    tz = current_store().settings.tz
    today = now.astimezone(tz).date()

    def campaign(segment: dict, kind: str = "service") -> cp.Campaign:
        c = cp.parse({"name": "bench", "kind": kind, "text": "冬季保养八折", "segment": segment},
                     now=now, tz=tz, by="bench")
        return care_db.save_campaign(c, new=True)

    def measure(action):
        aws.app.requests.clear()
        started = time.perf_counter()
        result = action()
        return result, dict(aws.app.requests), time.perf_counter() - started

    lines = [f"  store of {cars} cars; reads per selector (goal: Query/BatchGet only, no Scan):"]
    since = (today - timedelta(days=60)).isoformat()
    cases = [("model Lavida, last visit 60 days", {"model": "Lavida", "last_visit_from": since}),
             ("last visit 60 days", {"last_visit_from": since}),
             ("due kind service, 30 days", {"due_kind": "service", "due_within_days": 30})]
    for name, segment in cases:
        c = campaign(segment)
        found, calls, _ = measure(lambda: service.members(c, today))
        lines.append(f"    {name:36s} {len(found.vehicles):4d} members: {_fmt(calls)}")
    recall = campaign({"recall": True}, kind="recall")
    vins = [f"LSVAU2180N21{n:05d}" for n in range(0, cars, 5)] + ["LSVAU2180N2199999"]
    care_db.replace_recall_vins(recall.id, [(v, "") for v in vins])
    found, calls, _ = measure(lambda: service.members(recall, today))
    lines.append(f"    {'recall list of ' + str(len(vins)) + ' VINs':36s} {len(found.vehicles):4d} "
                 f"members: {_fmt(calls)}")
    from chalicelib.domain.staff import Staff
    manager = Staff(username="bench", name="bench", roles=frozenset({"manager"}), store_id="")
    c = campaign({"model": "Lavida", "last_visit_from": since})
    answer, calls, seconds = measure(lambda: service.preview(c.id, manager))
    lines.append(f"    preview of {answer['members']} members: {_fmt(calls)}, {seconds * 1000:.0f} ms")
    # one send_due run at 10:00 tomorrow (out of quiet hours): each member invited once
    c = care_db.get_campaign(c.id)
    c = care_db.save_campaign(cp.schedule(
        cp.Campaign.from_dict({**c.to_dict(), "send_at": now.isoformat()}, version=c.version),
        now=now, by="bench"))
    at = datetime.combine(today + timedelta(days=1), dtime(10, 0), tzinfo=tz)
    done, calls, seconds = measure(lambda: service.send_due(at))
    handled = done["campaigns"].get(c.id, {}).get("handled", 0)
    lines.append(f"  send_due: {handled} members invited in {seconds:.1f} s "
                 f"({seconds / max(handled, 1) * 1000:.0f} ms each; goal: within one 240 s run); "
                 f"Scan: {calls.get('Scan', 0)} (goal 0)")
    aws.stop()
    return lines


if __name__ == "__main__":
    print(*campaign_lines(), sep="\n")
