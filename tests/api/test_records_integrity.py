"""The file (一车一档) never merges two people or two cars; refused requests leave nothing
behind; records that grow (complaint notes, a job's clock) keep within DynamoDB's item size."""
from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest

from chalicelib.config import get_config
from chalicelib.db.models import (AuditItem, ComplaintItem, CustomerItem, EventItem,
                                  RepairOrderItem, UniqueItem, VehicleItem)
from chalicelib.domain.workshop import CHECKLISTS
from tests.api.test_workshop_to_followup import dispatched_and_worked
from tests.factories import SIGNATURE, checkin_body, store_time


@pytest.fixture
def advisor(staff, clock):
    clock.move_to(store_time(2026, 12, 1, 9, 0))
    return staff.as_("advisor")


def check_in(advisor, name="王先生", phone="13800138000", plate="粤B12345",
             vin="LSVAU2180N2183294", **extra):
    """A walk-in: the advisor files whoever stands at the desk with whatever car."""
    return advisor.post("/api/staff/checkins", checkin_body(
        customer={"name": name, "phone": phone},
        vehicle={"plate": plate, "vin": vin, "model": "Lavida", "sale_date": "2024-06-01"},
        **extra))


def checked_in(advisor, **kwargs):
    answer = check_in(advisor, **kwargs)
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def owner(kind, value):
    return UniqueItem.get(f"{kind}#{value}").owner_id


def marker_exists(kind, value):
    return UniqueItem.count(f"{kind}#{value}") == 1


# ---- 1. a corrected mobile or plate frees the old one ---------------------------------

def test_a_corrected_mobile_frees_the_old_number_for_another_person(advisor):
    first = checked_in(advisor)
    wang = first["customer"]["id"]
    version = advisor.get(f"/api/staff/customers/{wang}").json_body["version"]
    fixed = advisor.put(f"/api/staff/customers/{wang}",
                        {"name": "王先生", "phone": "13900139000", "version": version})
    assert fixed.status_code == 200 and fixed.json_body["phone"] == "+8613900139000"
    assert not marker_exists("phone", "+8613800138000") and owner("phone", "+8613900139000") == wang

    # someone else now has the old number: a new customer, 王先生's file untouched
    newcomer = checked_in(advisor, name="李女士", phone="13800138000", plate="粤B67890",
                          vin="LFV2A21K8A3010001")
    li = newcomer["customer"]["id"]
    assert li != wang and newcomer["customer"]["name"] == "李女士"
    assert newcomer["customer"]["phone"] == "+8613800138000"   # her SMS go to her own phone
    assert owner("phone", "+8613800138000") == li
    wang_file = advisor.get(f"/api/staff/customers/{wang}").json_body
    assert wang_file["name"] == "王先生" and wang_file["phone"] == "+8613900139000"
    assert [v["plate"] for v in wang_file["vehicles"]] == ["粤B12345"]
    li_file = advisor.get(f"/api/staff/customers/{li}").json_body
    assert [v["plate"] for v in li_file["vehicles"]] == ["粤B67890"]
    assert len(list(CustomerItem.scan())) == 2

    # a number that is someone else's is refused, and nothing changes
    taken = advisor.put(f"/api/staff/customers/{wang}", {
        "name": "王先生", "phone": "13800138000", "version": wang_file["version"]})
    assert taken.status_code == 409 and taken.json_body["error"]["code"] == "phone_taken"
    assert CustomerItem.get(wang).phone == "+8613900139000"
    assert owner("phone", "+8613800138000") == li and owner("phone", "+8613900139000") == wang


def test_a_corrected_plate_and_vin_free_the_old_ones_for_another_car(advisor):
    first = checked_in(advisor)
    car, wang = first["vehicle"]["id"], first["customer"]["id"]
    version = advisor.get(f"/api/staff/vehicles/{car}").json_body["version"]
    fixed = advisor.put(f"/api/staff/vehicles/{car}", {
        "plate": "粤B12346", "vin": "LSVAU2180N2183295", "version": version})
    assert fixed.status_code == 200 and fixed.json_body["plate"] == "粤B12346"
    assert not marker_exists("plate", "粤B12345") and not marker_exists("vin", "LSVAU2180N2183294")
    assert owner("plate", "粤B12346") == car and owner("vin", "LSVAU2180N2183295") == car

    # another person's car with the old plate and VIN: a new vehicle, the first one untouched
    other = checked_in(advisor, name="李女士", phone="13700137000", plate="粤B12345",
                       vin="LSVAU2180N2183294")
    assert other["vehicle"]["id"] != car and other["vehicle"]["plate"] == "粤B12345"
    first_car = VehicleItem.get(car)
    assert first_car.plate == "粤B12346" and first_car.customer_id == wang
    assert first_car.vin == "LSVAU2180N2183295"
    assert owner("plate", "粤B12345") == other["vehicle"]["id"]
    wang_file = advisor.get(f"/api/staff/customers/{wang}").json_body
    assert [v["plate"] for v in wang_file["vehicles"]] == ["粤B12346"]

    # a plate that is another car's is refused, and nothing changes
    taken = advisor.put(f"/api/staff/vehicles/{car}", {
        "plate": "粤B12345", "version": first_car.version})
    assert taken.status_code == 409 and taken.json_body["error"]["code"] == "plate_taken"
    assert VehicleItem.get(car).plate == "粤B12346" and owner("plate", "粤B12346") == car


# ---- 2. the odometer only goes back with the manager's reason --------------------------

def test_only_the_manager_lowers_the_mileage_with_a_reason_kept_in_the_audit(advisor, staff):
    car = checked_in(advisor)["vehicle"]["id"]
    path = f"/api/staff/vehicles/{car}"
    version = advisor.get(path).json_body["version"]
    lowered = advisor.put(path, {"mileage_km": 10, "version": version})
    assert lowered.status_code == 403 and "mileage_km" in lowered.json_body["error"]["fields"]
    assert VehicleItem.get(car).mileage_km == 15302
    # the advisor may still record a higher reading
    higher = advisor.put(path, {"mileage_km": 15400, "version": version})
    assert higher.status_code == 200 and higher.json_body["mileage_km"] == 15400

    manager = staff.as_("manager")
    version = higher.json_body["version"]
    no_reason = manager.put(path, {"mileage_km": 10, "version": version})
    assert no_reason.status_code == 422 and set(no_reason.json_body["error"]["fields"]) == {"reason"}
    too_long = manager.put(path, {"mileage_km": 10, "version": version, "reason": "换" * 201})
    assert too_long.status_code == 422 and set(too_long.json_body["error"]["fields"]) == {"reason"}
    assert VehicleItem.get(car).mileage_km == 15400

    fixed = manager.put(path, {"mileage_km": 10, "version": version, "reason": "更换仪表,按新表读数"})
    assert fixed.status_code == 200 and fixed.json_body["mileage_km"] == 10
    entry = next(e for e in AuditItem.query(f"vehicle#{car}", scan_index_forward=False))
    assert entry.actor == "manager" and entry.action == "mileage_corrected"
    assert entry.changes["mileage_km"] == {"before": 15400, "after": 10}
    assert entry.changes["reason"]["after"] == "更换仪表,按新表读数"


def test_check_in_refuses_a_mileage_below_the_recorded_one(advisor):
    car = checked_in(advisor)["vehicle"]["id"]
    lower = check_in(advisor, mileage_km=10)
    assert lower.status_code == 422 and "mileage_km" in lower.json_body["error"]["fields"]
    assert VehicleItem.get(car).mileage_km == 15302 and len(list(RepairOrderItem.scan())) == 1


# ---- 3. a refused check-in writes nothing, not even its signature ------------------------

def _signatures():
    s3 = boto3.client("s3", region_name="ap-east-1")
    return s3.list_objects_v2(Bucket=get_config().files_bucket).get("KeyCount", 0)


def test_a_check_in_refused_with_409_leaves_no_signature_in_s3(advisor):
    checked_in(advisor)
    stored = _signatures()
    assert stored == 1
    # another car with the same VIN: refused by the transaction, after the signature was made
    refused = check_in(advisor, name="李女士", phone="13700137000", plate="粤B99999")
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "vin_taken"
    assert _signatures() == stored
    assert len(list(RepairOrderItem.scan())) == 1 and len(list(VehicleItem.scan())) == 1


@pytest.fixture
def someone_writes_first(monkeypatch):
    """``arm(order_id)``: the next save finds the order changed by another desk a moment
    before (the race no version check in the request can see)."""
    from chalicelib.db import records as records_db
    real = records_db.save

    def arm(order_id):
        def save(changes):
            monkeypatch.setattr(records_db, "save", real)
            RepairOrderItem.get(order_id).save()      # the other write: version + 1
            return real(changes)
        monkeypatch.setattr(records_db, "save", save)
    return arm


def test_a_signed_approval_or_check_refused_by_a_race_leaves_no_signature(
        advisor, staff, someone_writes_first):
    order = checked_in(advisor, services=["MAINT_10K"])
    path, stored = f"/api/staff/orders/{order['id']}", _signatures()
    someone_writes_first(order["id"])
    approval = {"version": order["version"], "promised_at": "2026-12-01T17:00:00+08:00",
                "decisions": {ln["id"]: "approved" for ln in order["lines"]}, "signature": SIGNATURE}
    refused = advisor.post(f"{path}/approve-in-store", approval)
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "order_changed"
    assert _signatures() == stored and RepairOrderItem.get(order["id"]).status == "open"

    version = advisor.get(path).json_body["version"]
    order = advisor.post(f"{path}/approve-in-store", {**approval, "version": version}).json_body
    assert _signatures() == stored + 1
    order = dispatched_and_worked(staff, order)
    someone_writes_first(order["id"])
    check = staff.as_("technician").post(f"{path}/quality-check", {
        "version": order["version"], "level": "self", "signature": SIGNATURE,
        "items": {code: "pass" for code, _, _ in CHECKLISTS["self"]}})
    assert check.status_code == 409 and check.json_body["error"]["code"] == "order_changed"
    assert _signatures() == stored + 1 and RepairOrderItem.get(order["id"]).quality == {
        "records": [], "rework_count": 0, "passed_at": ""}


# ---- 4. growing lists live in their own items ----------------------------------------------

LONG_NOTE = "已致电客户说明了进度" * 100          # 1,000 characters, the most a note may have


def test_many_long_complaint_notes_then_resolving_all_succeed(staff):
    clerk = staff.as_("followup")
    opened = clerk.post("/api/staff/complaints", {"customer_name": "王先生", "plate": "粤B12345",
                                                  "description": "交车晚了两个小时"})
    assert opened.status_code == 201, opened.json_body
    path, version = f"/api/staff/complaints/{opened.json_body['id']}", opened.json_body["version"]
    for i in range(70):                   # 66 such notes used to fill the 400 KB item
        answer = clerk.post(f"{path}/notes", {"version": version, "note": LONG_NOTE})
        assert answer.status_code == 200, (i, answer.json_body)
        version = answer.json_body["version"]
    too_long = clerk.post(f"{path}/notes", {"version": version, "note": LONG_NOTE + "。"})
    assert too_long.status_code == 422 and set(too_long.json_body["error"]["fields"]) == {"note"}
    resolved = clerk.post(f"{path}/resolve", {"version": version, "resolution": LONG_NOTE,
                                              "customer_accepted": True})
    assert resolved.status_code == 200 and resolved.json_body["status"] == "resolved"

    detail = clerk.get(path).json_body
    assert [e["action"] for e in detail["events"]] == ["opened"] + ["note"] * 70 + ["resolved"]
    assert detail["events"][1]["note"] == LONG_NOTE
    item = ComplaintItem.get(opened.json_body["id"])
    assert len(json.dumps(item.data)) < 20_000 and "events" not in item.data
    assert EventItem.count(f"complaint#{item.complaint_id}") == 72


def _dispatched(advisor, staff):
    order = checked_in(advisor, services=["MAINT_10K"])
    path = f"/api/staff/orders/{order['id']}"
    order = advisor.post(f"{path}/approve-in-store", {
        "version": order["version"], "promised_at": "2026-12-01T17:00:00+08:00",
        "decisions": {ln["id"]: "approved" for ln in order["lines"]}, "signature": SIGNATURE})
    assert order.status_code == 200, order.json_body
    order = staff.as_("foreman").post(f"{path}/dispatch", {
        "version": order.json_body["version"], "technician": "technician", "bay": "2"})
    assert order.status_code == 200, order.json_body
    return path, order.json_body


def test_the_jobs_clock_events_do_not_grow_the_order(advisor, staff, clock):
    path, order = _dispatched(advisor, staff)
    tech = staff.as_("technician")
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "start"}).json_body
    sizes = []
    for _ in range(12):
        clock.shift(timedelta(minutes=10))
        order = tech.post(f"{path}/clock", {"version": order["version"], "action": "pause",
                                            "reason": "other", "note": "等" * 200}).json_body
        clock.shift(timedelta(minutes=5))
        order = tech.post(f"{path}/clock", {"version": order["version"], "action": "resume"}).json_body
        sizes.append(len(json.dumps(RepairOrderItem.get(order["id"]).job)))
    clock.shift(timedelta(minutes=10))
    answer = tech.post(f"{path}/clock", {"version": order["version"], "action": "finish"})
    assert answer.status_code == 200, answer.json_body
    order = answer.json_body
    # derived hours: 13 running spells of 10 minutes; the pauses do not count
    assert order["status"] == "quality_check" and order["job"]["worked_minutes"] == {"technician": 130}
    assert order["job"]["state"] == "finished"
    kinds = [e["kind"] for e in order["job"]["events"]]
    assert kinds == ["assigned", "started"] + ["paused", "resumed"] * 12 + ["finished"]
    assert order["job"]["events"][2]["note"] == "等" * 200
    # 24 events of 200 characters (1.2 KB each as stored) and the job stays the same size
    assert max(sizes) - min(sizes) <= 3 and max(sizes) < 400
    assert "events" not in RepairOrderItem.get(order["id"]).job
    assert EventItem.count(f"job#{order['id']}") == len(kinds)
    assert not list(UniqueItem.query("clock#technician"))
    # reading it again gives the same history
    again = advisor.get(path).json_body
    assert again["job"]["events"] == order["job"]["events"]
    assert again["job"]["worked_minutes"] == {"technician": 130}


def test_an_order_stored_with_its_events_inside_is_read_and_moved_out_on_its_next_change(
        advisor, staff, clock):
    path, order = _dispatched(advisor, staff)
    tech = staff.as_("technician")
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "start"}).json_body
    # as written before the events moved out: the job holds them
    item = RepairOrderItem.get(order["id"])
    for event in EventItem.query(f"job#{order['id']}"):
        event.delete()
    item.job = {"technician": "technician", "bay": "2", "events": order["job"]["events"]}
    item.save()
    read = advisor.get(path).json_body
    assert read["job"]["events"] == order["job"]["events"] and read["job"]["state"] == "running"
    clock.shift(timedelta(minutes=30))
    paused = tech.post(f"{path}/clock", {"version": read["version"], "action": "pause",
                                         "reason": "parts"}).json_body
    assert [e["kind"] for e in paused["job"]["events"]] == ["assigned", "started", "paused"]
    assert paused["job"]["worked_minutes"] == {"technician": 30}
    assert [e.data["kind"] for e in EventItem.query(f"job#{order['id']}")] == [
        "assigned", "started", "paused"]
    assert RepairOrderItem.get(order["id"]).job["event_count"] == 3


def test_a_corrected_mobile_reaches_the_customers_car_in_the_store(advisor):
    """The advisor corrects the number while the car is in the workshop: the approval SMS of
    that visit go to the corrected number, not the wrong one typed at check-in."""
    visit = checked_in(advisor)
    wang = visit["customer"]["id"]
    version = advisor.get(f"/api/staff/customers/{wang}").json_body["version"]
    fixed = advisor.put(f"/api/staff/customers/{wang}",
                        {"name": "王建国", "phone": "13900139000", "version": version})
    assert fixed.status_code == 200, fixed.json_body
    order = RepairOrderItem.get(visit["id"])
    assert order.phone == "+8613900139000" and order.customer_name == "王建国"
    shown = advisor.get(f"/api/staff/orders/{visit['id']}").json_body
    assert shown["version"] == order.version     # the order moved on: a stale page reloads


def test_an_approval_sms_still_queued_goes_to_the_corrected_mobile(advisor, sms):
    """The approval request waits in the outbox (the sweep, quiet hours) while the advisor
    corrects the number: it goes to the corrected number, and its row says so."""
    from chalicelib.db.models import OutboxItem
    from chalicelib.notify.sweep import run_sweep
    from tests.factories import part_line
    visit = checked_in(advisor)
    order = advisor.post(f"/api/staff/orders/{visit['id']}/lines",
                         {**part_line(), "version": visit["version"]}).json_body
    sent = advisor.post(f"/api/staff/orders/{order['id']}/send-approval", {
        "version": order["version"], "promised_at": "2026-12-01T16:00:00+08:00"})
    assert sent.status_code == 200, sent.json_body
    wang = visit["customer"]["id"]
    version = advisor.get(f"/api/staff/customers/{wang}").json_body["version"]
    assert advisor.put(f"/api/staff/customers/{wang}", {
        "name": "王先生", "phone": "13900139000", "version": version}).status_code == 200
    run_sweep()
    assert [phone for phone, text in sms() if "逐项确认" in text] == ["+8613900139000"]
    [row] = [m for m in OutboxItem.scan() if m.kind == "approval_request"]
    assert row.status == "sent" and row.phone == "+8613900139000"
