"""The year generator (infra/local/yeardata.py): seeded, and its items are what the app reads
back as its own (the staff's views of the generated orders, cars, calls and complaints)."""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.db import records as records_db
from chalicelib.db.models import (CapacityItem, EventItem, LinkItem, RepairOrderItem, SearchItem,
                                  UniqueItem)
from infra.local import yeardata
from tests.factories import store_time


def _keys(built) -> dict[str, list]:
    return {model.Meta.base_name: sorted(str(item if isinstance(item, dict) else item.serialize())
                                         [:120] for item in items)
            for model, items in built.items()}


def test_the_small_items_are_what_the_models_serialize():
    when = datetime(2026, 12, 1, tzinfo=timezone.utc)
    for model, values in ((SearchItem, {"key": "B123", "ref": "vehicle#veh_1", "expires": when}),
                          (SearchItem, {"key": "B123", "ref": "customer#cus_1"}),
                          (CapacityItem, {"day": "2026-12-01", "slot": "09:00", "booked": 2}),
                          (CapacityItem, {"day": "plates#2026-12-01", "slot": "粤B12345"}),
                          (LinkItem, {"code": "abc", "target": "https://x/y", "expires": when}),
                          (EventItem, {"subject": "job#ro_1", "seq": 3, "data": {"kind": "started"}}),
                          (UniqueItem, {"key": "plate#粤B12345", "owner_id": "veh_1"})):
        assert yeardata.raw(model, **values) == model(**values).serialize()


def test_a_generated_store_is_seeded_and_read_back_by_the_app(aws, clock, staff):
    clock.move_to(store_time(2026, 12, 10, 7, 0))
    first = yeardata.generate(20, per_day=6, today=store_time(2026, 12, 10).date())
    again = yeardata.generate(20, per_day=6, today=store_time(2026, 12, 10).date())
    assert {m.Meta.base_name: len(i) for m, i in first.items()} == \
        {m.Meta.base_name: len(i) for m, i in again.items()}
    for model in (SearchItem, UniqueItem, CapacityItem):        # ids, plates, mobiles: seeded
        assert _keys({model: first[model]}) == _keys({model: again[model]})
    loaded = yeardata.load(20, per_day=6, today=store_time(2026, 12, 10).date(), cache=False)
    assert loaded == sum(len(items) for items in first.values())

    order = records_db.get_order(first[RepairOrderItem][0].order_id)
    assert order.status == "delivered" and order.settlement and order.lines
    assert all(line.status == "done" for line in order.lines)
    advisor = staff.as_("advisor")
    page = advisor.get(f"/api/staff/orders/{order.id}").json_body
    assert page["reference"] == order.reference and page["status"] == "delivered"
    found = advisor.get(f"/api/staff/search?q={order.plate[2:]}").json_body
    assert order.plate in [row["plate"] for row in found["results"]]
    calls = staff.as_("followup").get("/api/staff/followups").json_body
    assert calls["counts"]["upcoming"] > 0                     # the last week's deliveries
    assert all(f["due_on"] >= "2026-11-26" for f in calls["followups"] + calls["upcoming"])
    board = staff.as_("foreman").get("/api/staff/workshop").json_body
    assert board["waiting"] == [] and all(not lane["jobs"] for lane in board["technicians"])
    # care (issue 15): every car's copy on the care table, its next look today or later (as if
    # the daily job had run every day); today's run reads the day's bucket and saves each car
    # on the version its copy holds (no conflict), with no backfill (marked done)
    from chalicelib.db.models import CareItem, VehicleItem
    from chalicelib.services import care
    copies = [c for c in first[CareItem] if c.sk == "care"]
    assert len(copies) == len(first[VehicleItem])
    assert all(c.care_day is None or c.care_day >= "2026-12-10" for c in copies)
    due_today = sum(1 for c in copies if c.care_day == "2026-12-10")
    clock.move_to(store_time(2026, 12, 10, 10, 0))
    summary = care.run_daily()
    assert due_today > 0, "no car due: the check below would prove nothing"
    assert summary["vehicles"] == due_today and summary["conflicts"] == 0
    assert summary["backfilled"] == 0
