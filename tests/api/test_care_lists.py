"""Customer care (客户关怀): the follow-up clerk's calls (overdue, today, the week ahead) and a
complaint as its page shows it (who may take it over, its notes and resolution, the customer's
phone for a call, the order)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.db import audit as audit_db
from chalicelib.db import records as records_db
from chalicelib.domain import followup as fu
from tests.api.test_advisor_portal import _checked_in, advisor  # noqa: F401  (fixture)
from tests.factories import store_time


def _file(plate: str, delivered: datetime, order_id: str) -> fu.FollowUp:
    """A delivered order's follow-up file: calls due 3 and 7 days after delivery."""
    followup = fu.plan(order_id=order_id, order_reference=order_id[-8:].upper(),
                       vehicle_id=f"veh_{order_id}", plate=plate, customer_id="cus_1",
                       customer_name="王先生", phone="+8613800138000", advisor="advisor",
                       delivered_at=delivered, days=(3, 7))
    records_db.save(records_db.Changes(followups=[(followup, True)]))
    return followup


def test_the_clerk_sees_overdue_today_and_the_week_ahead_by_due_day(staff, clock):
    clock.move_to(store_time(2026, 12, 10, 9, 0))
    _file("粤B00003", store_time(2026, 12, 7, 16), "ro_today")        # first call: 12-10
    _file("粤B00001", store_time(2026, 12, 5, 16), "ro_overdue")      # first call: 12-08
    _file("粤B00009", store_time(2026, 12, 9, 16), "ro_soon")         # first call: 12-12
    _file("粤B00004", store_time(2026, 12, 14, 16), "ro_week")        # first call: 12-17
    _file("粤B00005", store_time(2026, 12, 15, 16), "ro_later")       # first call: 12-18
    clerk = staff.as_("followup")
    answer = clerk.get("/api/staff/followups").json_body
    assert answer["date"] == "2026-12-10" and answer["until"] == "2026-12-17"
    assert [(f["plate"], f["due_on"], f["overdue"]) for f in answer["followups"]] == [
        ("粤B00001", "2026-12-08", True), ("粤B00003", "2026-12-10", False)]
    assert [(f["plate"], f["due_on"]) for f in answer["upcoming"]] == [
        ("粤B00009", "2026-12-12"), ("粤B00004", "2026-12-17")]
    assert answer["counts"] == {"overdue": 1, "today": 1, "upcoming": 2}
    assert answer["followups"][0]["phone"] == "+8613800138000" and answer["followups"][0]["can_call"]
    assert answer["followups"][0]["advisor_name"] == "张顾问"

    # a quiet day still shows what comes; calling ahead of the day is fine
    clock.move_to(store_time(2026, 12, 11, 9, 0))
    quiet = staff.as_("manager").get("/api/staff/followups?date=2026-12-11").json_body
    assert [f["plate"] for f in quiet["followups"]] == ["粤B00001", "粤B00003"]
    assert [f["plate"] for f in quiet["upcoming"]] == ["粤B00009", "粤B00004", "粤B00005"]
    soon = quiet["upcoming"][0]
    called = clerk.post(f"/api/staff/followups/{soon['order_id']}/calls",
                        {"version": soon["version"], "outcome": "satisfied"}).json_body
    assert called["task"]["kind"] == "second" and called["due_on"] == "2026-12-16"
    after = clerk.get("/api/staff/followups").json_body
    assert [(f["plate"], f["due_on"]) for f in after["upcoming"]] == [
        ("粤B00009", "2026-12-16"), ("粤B00004", "2026-12-17"), ("粤B00005", "2026-12-18")]
    assert staff.as_("advisor").get("/api/staff/followups").status_code == 403


def test_calls_overdue_past_their_time_leave_the_list_and_are_not_read(staff, clock, monkeypatch):
    """A year of data (issue 14): customers never reached stay overdue in the ``due`` index for
    good. The list reads the calls of the last ``LAPSED_DAYS`` and the week ahead only, so
    those of months ago neither hide today's (the query's limit) nor cost a read."""
    clock.move_to(store_time(2026, 12, 10, 9, 0))
    for n in range(201):                                  # months old: their call was 08-04
        _file(f"粤B9{n:04d}", store_time(2026, 8, 1, 16), f"ro_old{n:03d}")
    _file("粤B00002", store_time(2026, 11, 23, 16), "ro_late")     # first call 11-26: 14 days late
    _file("粤B00003", store_time(2026, 12, 7, 16), "ro_today")     # first call: 12-10
    read = []
    real = records_db._followup
    monkeypatch.setattr(records_db, "_followup", lambda item: read.append(item.order_id) or real(item))
    answer = staff.as_("followup").get("/api/staff/followups").json_body
    assert [(f["plate"], f["due_on"], f["overdue"]) for f in answer["followups"]] == [
        ("粤B00002", "2026-11-26", True), ("粤B00003", "2026-12-10", False)]
    assert answer["counts"] == {"overdue": 1, "today": 1, "upcoming": 0}
    assert sorted(read) == ["ro_late", "ro_today"]              # not one of the 201 lapsed


def _complaint(n: int, opened: datetime, *, resolved: bool) -> str:
    from chalicelib.domain import complaints as cpl
    c = cpl.open_complaint(cpl.ComplaintInput(description="等待时间太长", severity="medium",
                                              staff_involved="", order_id=""),
                           source="staff", reference=f"C{n:05d}", owner="manager", now=opened,
                           by="advisor", reply_hours=24, escalate_hours=48)
    if resolved:
        c = c.resolve("已致歉", True, now=opened, by="manager")
    records_db.save(records_db.Changes(complaints=[(c, True)]))
    return c.id


def test_the_complaint_list_keeps_every_open_complaint_and_reads_only_a_page_of_resolved(
        staff, clock, monkeypatch):
    """A year of data (issue 14): the list read the newest 100 complaints, so one still open
    from months ago fell off it, and it read 100 however few were open. It reads the open ones
    (a sparse index), however old, and the newest resolved ones (a page)."""
    from chalicelib.services import complaints
    old = _complaint(0, store_time(2026, 6, 1, 10), resolved=False)
    for n in range(1, 106):
        _complaint(n, store_time(2026, 7, 1, 10) + timedelta(hours=n), resolved=True)
    clock.move_to(store_time(2026, 12, 10, 9, 0))
    recent = _complaint(200, store_time(2026, 12, 9, 10), resolved=False)
    read = []
    real = records_db._complaint
    monkeypatch.setattr(records_db, "_complaint", lambda item: read.append(item) or real(item))
    answer = staff.as_("manager").get("/api/staff/complaints").json_body
    listed = answer["complaints"]
    assert [c["id"] for c in listed[:2]] == [old, recent]             # escalation due first
    assert answer["counts"]["open"] == 2
    # the newest page holds the recent open one too: listed once, with the open ones
    assert answer["counts"]["resolved"] == len(listed) - 2 == complaints.RESOLVED_LISTED - 1
    assert len(read) == 2 + complaints.RESOLVED_LISTED


def test_open_complaints_filed_before_the_open_index_are_listed_after_the_backfill(
        staff, clock, monkeypatch):
    from chalicelib.db.models import ComplaintItem
    clock.move_to(store_time(2026, 12, 10, 9, 0))
    kept = _complaint(1, store_time(2026, 12, 9, 10), resolved=False)
    _complaint(2, store_time(2026, 12, 9, 11), resolved=True)
    for item in ComplaintItem.scan():          # as written before the index
        item.open_queue = None
        item.save()
    assert staff.as_("manager").get("/api/staff/complaints").json_body["counts"]["open"] == 0
    assert records_db.backfill_open_complaints() == 1
    answer = staff.as_("manager").get("/api/staff/complaints").json_body
    assert answer["counts"] == {"open": 1, "escalated": 0, "overdue_reply": 0, "resolved": 1}
    assert answer["complaints"][0]["id"] == kept
    monkeypatch.setattr(ComplaintItem, "scan", classmethod(lambda *a, **k: pytest.fail("scanned")))
    assert records_db.backfill_open_complaints() == 0          # once: a marker, no Scan


def test_a_complaint_shows_its_trail_resolution_phone_order_and_who_may_take_it(
        api, advisor, staff, clock):  # noqa: F811
    _, order = _checked_in(api, advisor, clock)
    opened = advisor.post("/api/staff/complaints", {
        "order_id": order["id"], "description": "等了两个小时", "severity": "high"})
    assert opened.status_code == 201, opened.json_body
    cid = opened.json_body["id"]
    manager = staff.as_("manager")
    page = manager.get(f"/api/staff/complaints/{cid}").json_body
    assert page["order_id"] == order["id"] and page["order_reference"] == order["reference"]
    assert page["phone"] == "+8613800138000" and page["can_call"] is True
    assert page["may_assign"] is True
    names = {p["username"]: p["name"] for p in page["handlers"]}
    assert names == {"advisor": "张顾问", "advisor2": "李顾问", "followup": "刘回访",
                     "manager": "周经理"}
    assert page["owner"] == "advisor"                       # taken down at the desk: theirs

    # the manager gives it to the clerk; the clerk notes the call and offers a resolution
    page = manager.post(f"/api/staff/complaints/{cid}/assign",
                        {"version": page["version"], "owner": "followup"}).json_body
    assert page["owner"] == "followup" and page["handlers"]
    clerk = staff.as_("followup")
    page = clerk.post(f"/api/staff/complaints/{cid}/notes",
                      {"version": page["version"], "note": "已致电道歉"}).json_body
    page = clerk.post(f"/api/staff/complaints/{cid}/resolve", {
        "version": page["version"], "resolution": "下次保养工时八折",
        "customer_accepted": False}).json_body
    page = clerk.get(f"/api/staff/complaints/{cid}").json_body
    assert page["may_assign"] is False
    assert [(e["by"], e["action"], e["note"]) for e in page["events"]] == [
        ("advisor", "opened", "staff"), ("manager", "assigned", "followup"),
        ("followup", "note", "已致电道歉"), ("followup", "resolution_refused", "下次保养工时八折")]
    assert page["resolution"] == "下次保养工时八折" and page["customer_accepted"] is False
    listed = {c["id"]: c for c in clerk.get("/api/staff/complaints").json_body["complaints"]}
    assert listed[cid]["resolution"] == "下次保养工时八折" and listed[cid]["can_call"] is True
    wrong = manager.post(f"/api/staff/complaints/{cid}/assign",
                         {"version": page["version"], "owner": "technician"})
    assert wrong.status_code == 422 and set(wrong.json_body["error"]["fields"]) == {"owner"}


def test_the_order_history_keeps_who_did_it_by_name_and_each_line_as_its_fields(
        api, advisor, staff, clock):  # noqa: F811
    """The change history says 张顾问, not ``advisor``: the display name is written with each
    entry (and the technician's, when the job is given to them); a line is its fields."""
    _, order = _checked_in(api, advisor, clock)
    added = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        "version": order["version"], "kind": "part", "description": "机油滤清器", "quantity": "2",
        "unit_price": "45.50"})
    assert added.status_code == 201, added.json_body
    new_line = added.json_body["lines"][-1]
    trail = added.json_body["audit"]
    assert [(e["actor"], e["action"], e["names"]) for e in trail] == [
        ("advisor", "line_added", {"advisor": "张顾问"}), ("advisor", "opened", {"advisor": "张顾问"})]
    assert trail[0]["changes"] == {f"lines.{new_line['id']}": {"before": None, "after": {
        "description": "机油滤清器", "quantity": "2", "unit_price": "45.50", "pay_type": "customer",
        "status": "draft", "reason": None}}}
    kept = audit_db.history(f"order#{order['id']}")
    assert [e.names for e in kept] == [{"advisor": "张顾问"}, {"advisor": "张顾问"}]
    timeline = added.json_body["timeline"]
    assert [(e["action"], e["names"]) for e in timeline] == [
        ("opened", {"advisor": "张顾问"}), ("line_added", {"advisor": "张顾问"})]
