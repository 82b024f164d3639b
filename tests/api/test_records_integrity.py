"""The file (一车一档) never merges two people or two cars; refused requests leave nothing
behind; records that grow (complaint notes, a job's clock) keep within DynamoDB's item size."""
from __future__ import annotations

import boto3
import pytest

from chalicelib.config import get_config
from chalicelib.db.models import RepairOrderItem, VehicleItem
from chalicelib.domain.workshop import CHECKLISTS
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
    order = staff.as_("foreman").post(f"{path}/dispatch", {"version": order["version"],
                                                           "technician": "technician"}).json_body
    for action in ("start", "finish"):
        order = staff.as_("technician").post(f"{path}/clock", {"version": order["version"],
                                                               "action": action}).json_body
    someone_writes_first(order["id"])
    check = staff.as_("technician").post(f"{path}/quality-check", {
        "version": order["version"], "level": "self", "signature": SIGNATURE,
        "items": {code: "pass" for code, _, _ in CHECKLISTS["self"]}})
    assert check.status_code == 409 and check.json_body["error"]["code"] == "order_changed"
    assert _signatures() == stored + 1 and RepairOrderItem.get(order["id"]).quality == {
        "records": [], "rework_count": 0, "passed_at": ""}
