"""The workshop floor as the foreman and the technician see it (issue 12): the dispatch board's
waiting lane (每辆车一次, 预约优先), the quality checklist left unmarked, the technician's job
view without prices or the customer's mobile, and a finding reported from the bay that becomes a
draft additional-work line for the advisor to price."""
from __future__ import annotations

import json

import pytest
import requests

from chalicelib.db.models import AuditItem, OutboxItem, RepairOrderItem
from chalicelib.domain.workshop import CHECKLISTS
from tests.api.test_workshop_to_followup import (approved_order, book, dispatched_and_worked,
                                                 worked_and_checked)
from tests.factories import SIGNATURE, checkin_body, labour_line, part_line, store_time

# rate, the oil change's labour and oil, the package, pads, filter, total
PRICES = ("300.00", "240.00", "200.00", "680.00", "420.00", "88.00", "1100.00")
FULL, MASKED = "13800138000", "138****8000"


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


def approved(advisor, order, promised):
    """The estimate approved at the desk with ``promised`` (HH:MM on 1 Dec)."""
    answer = advisor.post(f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": f"2026-12-01T{promised}:00+08:00",
        "decisions": {ln["id"]: "approved" for ln in order["lines"]}, "signature": SIGNATURE})
    assert answer.status_code == 200, answer.json_body
    return answer.json_body


def checked_in(advisor, clock, at, plate, phone, booking_id=""):
    clock.move_to(at)
    answer = advisor.post("/api/staff/checkins", checkin_body(
        booking_id=booking_id, vehicle={"plate": plate, "vin": ""},
        customer={"name": "李女士", "phone": phone}, services=["MAINT_10K"]))
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def ids(cards):
    return [c["order_id"] for c in cards]


# ---- item 1 and 2: the waiting lane -----------------------------------------------------------

def test_a_dispatched_job_leaves_the_waiting_lane_and_booked_cars_wait_first(
        api, advisor, staff, clock):
    booking = book(api, slot=9)                                   # booked online the day before
    # the walk-ins arrive first and are promised earlier than the booked car
    walk_in = approved(advisor, checked_in(advisor, clock, store_time(2026, 12, 1, 8, 20),
                                           "粤B66666", "13600136000"), "12:00")
    desk = advisor.post("/api/staff/bookings", {
        "channel": "walk_in", "customer": {"name": "赵先生", "phone": "13500135000"},
        "vehicle": {"plate": "粤B44444"}, "services": ["MAINT_10K"],
        "slot_start": "2026-12-01T10:00:00+08:00"})
    assert desk.status_code == 201, desk.json_body
    desk_walk_in = approved(advisor, checked_in(advisor, clock, store_time(2026, 12, 1, 8, 30),
                                                "粤B44444", "13500135000",
                                                booking_id=desk.json_body["id"]), "11:00")
    booked = approved_order(api, advisor, clock, slot=9, booking_id=booking)  # in at 08:50, 15:00

    foreman = staff.as_("foreman")
    board = foreman.get("/api/staff/workshop").json_body
    # 预约优先: the booked car first, then the walk-ins by their promised time
    assert ids(board["waiting"]) == [booked["id"], desk_walk_in["id"], walk_in["id"]]
    assert [c["booked"] for c in board["waiting"]] == [True, False, False]

    dispatched = foreman.post(f"/api/staff/orders/{booked['id']}/dispatch", {
        "version": booked["version"], "technician": "technician", "bay": "2"})
    assert dispatched.status_code == 200, dispatched.json_body
    board = foreman.get("/api/staff/workshop").json_body
    assert ids(board["waiting"]) == [desk_walk_in["id"], walk_in["id"]]
    lane = next(t for t in board["technicians"] if t["username"] == "technician")
    assert ids(lane["jobs"]) == [booked["id"]]
    shown = ids(board["waiting"]) + [i for t in board["technicians"] for i in ids(t["jobs"])]
    assert sorted(shown) == sorted([booked["id"], desk_walk_in["id"], walk_in["id"]])  # once each


# ---- item 3: the quality checklist is marked item by item -----------------------------------

def test_a_check_with_items_left_unmarked_names_each_of_them_and_records_nothing(
        api, advisor, staff, clock, english):
    order = dispatched_and_worked(staff, approved_order(api, advisor, clock))
    first, *rest = [code for code, _, _ in CHECKLISTS["self"]]
    answer = staff.as_("technician").post(f"/api/staff/orders/{order['id']}/quality-check", {
        "version": order["version"], "level": "self", "items": {first: "pass"},
        "signature": SIGNATURE})
    assert answer.status_code == 422
    assert answer.json_body["error"]["fields"] == {f"items.{code}": "pass or fail" for code in rest}
    assert RepairOrderItem.get(order["id"]).quality.get("records", []) == []


# ---- item 4: the technician's job view ------------------------------------------------------

def _no_price_no_mobile(answer, who):
    text = json.dumps(answer.json_body, ensure_ascii=False)
    assert not [p for p in PRICES if p in text], (who, text)
    assert FULL not in text and MASKED not in text and "8000" not in text, who
    for key in ("unit_price", "amount", "estimate", "agreed", "settlement", "phone",
                "amount_due", "approvals", "audit"):
        assert f'"{key}"' not in text, (who, key)


def test_the_technician_reads_the_job_without_prices_or_the_customers_mobile(
        api, advisor, staff, clock):
    order = approved_order(api, advisor, clock)        # labour 360, pads 420, filter declined
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("foreman").post(f"{path}/dispatch", {
        "version": order["version"], "technician": "technician", "bay": "2"}).json_body
    tech = staff.as_("technician")
    job = tech.get(f"{path}/job")
    started = tech.post(f"{path}/clock", {"version": job.json_body["version"], "action": "start"})
    for answer, what in ((job, "job"), (tech.get(path), "order"), (started, "clock")):
        assert answer.status_code == 200, answer.json_body
        _no_price_no_mobile(answer, what)
        body = answer.json_body
        assert body["view"] == "job", what
        assert body["reception"]["findings"] == "左前刹车片剩余2mm"             # the advisor's
        assert body["reception"]["concern"] == {"what": "刹车异响", "where": "左前轮"}
        assert body["job"]["bay"] == "2" and body["job"]["technician"] == "technician"
        assert body["promised_at"] == "2026-12-01T15:00:00+08:00"
        assert body["customer"] == {"name": "王先生"}
        assert [(ln["description"], ln["status"]) for ln in body["lines"]
                if ln["status"] != "declined"] == [
            (name, "approved" if what == "job" else "in_work")
            for name in ("更换机油及机油滤清器", "机油 5W-30", "机油滤清器", "更换空气滤清器",
                         "常规检查", "空气滤清器", "前刹车片")]   # the package's lines (价格本)
    assert started.json_body["job"]["state"] == "running"

    # the advisor still reads the whole order
    full = advisor.get(path).json_body
    assert full["customer"]["phone"] == "+86" + FULL and full["agreed"]["customer_pays"] == "1100.00"
    assert "view" not in full


def test_the_workshop_board_shows_the_amount_due_only_to_those_who_handle_money(
        api, advisor, staff, clock):
    order = worked_and_checked(staff, approved_order(api, advisor, clock, wash=False), clock)
    assert order["status"] == "ready"
    tech_board = staff.as_("technician").get("/api/staff/workshop")
    assert [r["order_id"] for r in tech_board.json_body["ready"]] == [order["id"]]
    _no_price_no_mobile(tech_board, "board")
    cashier = staff.as_("cashier").get("/api/staff/workshop").json_body
    assert cashier["ready"][0]["amount_due"] == "1100.00"


# ---- item 4: a finding reported from the bay --------------------------------------------------

def _photo(member):
    plan = member.post("/api/staff/uploads", {"content_type": "image/jpeg", "size": 4})
    assert plan.status_code == 200, plan.json_body
    assert requests.put(plan.json_body["url"], data=b"\xff\xd8\xff\xe0",
                        headers=plan.json_body["headers"]).ok
    return plan.json_body["key"]


def _in_store_row(advisor, order_id):
    rows = advisor.get("/api/staff/orders?scope=in_store").json_body["orders"]
    return next(r for r in rows if r["id"] == order_id)


def test_a_finding_from_the_bay_is_a_draft_line_the_advisor_prices_before_the_customer_sees_it(
        api, advisor, staff, clock, sms, english):
    order = approved_order(api, advisor, clock)
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("foreman").post(f"{path}/dispatch", {
        "version": order["version"], "technician": "technician", "bay": "2"}).json_body
    tech = staff.as_("technician")
    job = tech.post(f"{path}/clock", {"version": order["version"], "action": "start"}).json_body
    key = _photo(tech)

    # bad reports change nothing
    missing = tech.post(f"{path}/findings", {"version": job["version"], "photo_keys": [key]})
    assert missing.status_code == 422 and set(missing.json_body["error"]["fields"]) == {"description"}
    not_uploaded = "uploads/2026-12-01/" + "0" * 32 + ".jpg"
    unsent = tech.post(f"{path}/findings", {"version": job["version"], "description": "右后刹车片磨损",
                                            "photo_keys": [not_uploaded]})
    assert unsent.status_code == 422 and set(unsent.json_body["error"]["fields"]) == {"photo_keys.0"}
    stale = tech.post(f"{path}/findings", {"version": job["version"] - 1, "description": "右后刹车片磨损"})
    assert stale.status_code == 409 and stale.json_body["error"]["code"] == "order_changed"
    other = staff.as_("technician2").post(f"{path}/findings", {
        "version": job["version"], "description": "右后刹车片磨损"})
    assert other.status_code == 403 and other.json_body["error"]["code"] == "not_your_job"
    assert len(RepairOrderItem.get(order["id"]).lines) == 8   # the package's 6, pads, filter

    found = tech.post(f"{path}/findings", {"version": job["version"],
                                           "description": "右后刹车片磨损至2mm", "photo_keys": [key]})
    assert found.status_code == 201, found.json_body
    _no_price_no_mobile(found, "finding")
    line = found.json_body["lines"][-1]
    assert (line["description"], line["status"], line["additional"], line["found_by"],
            line["to_price"]) == ("右后刹车片磨损至2mm", "draft", True, "technician", True)
    assert len(line["photos"]) == 1
    stored = RepairOrderItem.get(order["id"]).lines[-1]
    assert stored["status"] == "draft" and stored["photo_keys"] == [key]
    [entry] = [a for a in AuditItem.query(f"order#{order['id']}") if a.action == "finding_reported"]
    assert entry.actor == "technician" and entry.names == {"technician": "王师傅"}

    # flagged for the advisor (the order list) and the foreman (the board) until handled
    assert _in_store_row(advisor, order["id"])["findings_to_price"] == 1
    lane = next(t for t in staff.as_("foreman").get("/api/staff/workshop").json_body["technicians"]
                if t["username"] == "technician")
    assert lane["jobs"][0]["findings_to_price"] == 1

    # not sent to the customer before the advisor has priced it
    order = advisor.get(path).json_body
    texts_before = len(sms())
    refused = advisor.post(f"{path}/send-approval", {
        "version": order["version"], "promised_at": "2026-12-01T17:00:00+08:00"})
    assert refused.status_code == 422
    assert refused.json_body["error"]["fields"] == {f"lines.{line['id']}": "price this finding first"}
    assert RepairOrderItem.get(order["id"]).lines[-1]["status"] == "draft"
    assert not [m for m in OutboxItem.scan() if m.kind == "approval"] and len(sms()) == texts_before

    # the advisor prices it (labour, keeping the photo) and adds the part, then sends both
    priced = advisor.put(f"{path}/lines/{line['id']}", {
        **labour_line(description="更换右后刹车片", hours="1.0"), "photo_keys": [key],
        "version": order["version"]})
    assert priced.status_code == 200, priced.json_body
    assert priced.json_body["lines"][-1]["to_price"] is False
    assert priced.json_body["lines"][-1]["found_by"] == "technician"
    assert priced.json_body["lines"][-1]["photos"]
    assert _in_store_row(advisor, order["id"])["findings_to_price"] == 0
    order = advisor.post(f"{path}/lines", {**part_line(description="后刹车片"),
                                           "version": priced.json_body["version"]}).json_body
    sent = advisor.post(f"{path}/send-approval", {
        "version": order["version"], "promised_at": "2026-12-01T17:00:00+08:00"})
    assert sent.status_code == 200, sent.json_body
    assert [ln["status"] for ln in sent.json_body["lines"][-2:]] == ["pending", "pending"]


def test_a_finding_is_refused_once_the_job_is_in_quality_check(api, advisor, staff, clock):
    order = dispatched_and_worked(staff, approved_order(api, advisor, clock))
    late = staff.as_("technician").post(f"/api/staff/orders/{order['id']}/findings", {
        "version": order["version"], "description": "右后刹车片磨损"})
    assert late.status_code == 409 and late.json_body["error"]["code"] == "order_closed"
    assert len(RepairOrderItem.get(order["id"]).lines) == 8   # the package's 6, pads, filter


def test_the_board_tells_each_reader_which_checks_are_theirs_to_sign(api, advisor, staff, clock):
    """我的工单 lists only the checks its reader may sign: the job's own technician the
    self-check, then the foreman the team lead's check; never a level of someone else's."""
    from tests.api.test_workshop_to_followup import qc
    order = dispatched_and_worked(staff, approved_order(api, advisor, clock))

    def may_check(who):
        board = staff.as_(who).get("/api/staff/workshop").json_body
        return {c["order_id"]: c["may_check"] for c in board["quality_check"]}

    assert may_check("technician") == {order["id"]: True}        # his own job's self-check
    assert may_check("technician2") == {order["id"]: False}      # not his job
    assert may_check("foreman") == {order["id"]: False}          # not yet his level
    answer = qc(staff, "technician", order, "self")
    assert answer.status_code == 200, answer.json_body
    assert may_check("technician") == {order["id"]: False}       # 互检 is the foreman's
    assert may_check("foreman") == {order["id"]: True}
    assert may_check("inspector") == {order["id"]: False}
