"""From the approved order to the car handed back and followed up: dispatch, clock, quality
check, wash, ready SMS, settlement, delivery, survey, follow-up calls, complaints."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.config import get_config
from chalicelib.db.models import (ComplaintItem, EventItem, FollowUpItem, OutboxItem,
                                  RepairOrderItem, UniqueItem, VehicleItem)
from chalicelib.domain.tokens import sign_order
from chalicelib.domain.workshop import CHECKLISTS
from chalicelib.notify.sweep import run_sweep
from chalicelib.services.complaints import run_escalation
from tests.factories import SIGNATURE, booking_body, checkin_body, part_line, store_time


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


def book(api, plate="粤B12345", phone="13800138000", slot=9):
    booked = api.book(booking_body(vehicle={"plate": plate}, customer={"phone": phone},
                                   slot_start=f"2026-12-01T{slot:02d}:00:00+08:00"))
    assert booked.status_code == 201, booked.json_body
    return booked.json_body["id"]


def approved_order(api, advisor, clock, plate="粤B12345", phone="13800138000", slot=9,
                   booking_id=None, **checkin):
    """A car checked in for its booking on 1 Dec and its estimate approved in store."""
    booking_id = booking_id or book(api, plate, phone, slot)
    clock.move_to(store_time(2026, 12, 1, slot - 1, 50))
    order = advisor.post("/api/staff/checkins", checkin_body(
        booking_id=booking_id, vehicle={"plate": plate}, customer={
            "name": "王先生", "phone": phone}, **checkin)).json_body
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                         {**part_line(), "version": order["version"]}).json_body
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **part_line(description="空调滤芯", unit_price="88.00"), "version": order["version"]}).json_body
    # the booked 10,000 km service opens as its package's lines (price book, issue 13): its
    # labour and parts approved with the pads; the filter declined
    *package, brake, filter_ = (ln["id"] for ln in order["lines"])
    order = advisor.post(f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": f"2026-12-01T{slot + 6:02d}:00:00+08:00",
        "decisions": {**dict.fromkeys(package, "approved"), brake: "approved",
                      filter_: "declined"},
        "signature": SIGNATURE})
    assert order.status_code == 200, order.json_body
    assert order.json_body["status"] == "approved"
    return order.json_body


def items(level, fail=()):
    return {code: ("fail" if code in fail else "pass") for code, _, _ in CHECKLISTS[level]}


def qc(staff, who, order, level, **extra):
    return staff.as_(who).post(f"/api/staff/orders/{order['id']}/quality-check", {
        "version": order["version"], "level": level, "items": items(level), "signature": SIGNATURE,
        **extra})


def dispatched_and_worked(staff, order):
    """The foreman dispatches the job to the technician, who starts and finishes it."""
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("foreman").post(f"{path}/dispatch", {"version": order["version"],
                                                           "technician": "technician"}).json_body
    for action in ("start", "finish"):
        order = staff.as_("technician").post(f"{path}/clock", {"version": order["version"],
                                                               "action": action}).json_body
    return order


def worked_and_checked(staff, order, clock):
    """Dispatch, clock 70 minutes, pass the three checks."""
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("foreman").post(f"{path}/dispatch", {
        "version": order["version"], "technician": "technician", "bay": "2"}).json_body
    order = staff.as_("technician").post(f"{path}/clock",
                                         {"version": order["version"], "action": "start"}).json_body
    clock.shift(timedelta(minutes=70))
    order = staff.as_("technician").post(f"{path}/clock",
                                         {"version": order["version"], "action": "finish"}).json_body
    for who, level in (("technician", "self"), ("foreman", "team_lead"), ("inspector", "final")):
        answer = qc(staff, who, order, level)
        assert answer.status_code == 200, answer.json_body
        order = answer.json_body
    return order


def short_link_target(client, text):
    code = text.rsplit("/l/", 1)[1].split()[0]
    answer = client.http.get(f"/l/{code}")
    assert answer.status_code == 302
    return answer.headers["Location"]


def test_an_approved_order_goes_through_the_workshop_to_delivery_and_follow_up(
        api, advisor, staff, clock, sms, client):
    order = approved_order(api, advisor, clock)
    oid, path = order["id"], f"/api/staff/orders/{order['id']}"
    assert order["may_add_lines"] is True           # the advisor, on an approved order
    assert not any(staff.as_(r).get(path).json_body["may_add_lines"] for r in ("cashier", "foreman"))
    board = staff.as_("foreman").get("/api/staff/workshop").json_body
    assert [c["order_id"] for c in board["waiting"]] == [oid]
    assert {t["username"] for t in board["technicians"]} == {"technician", "technician2"}

    # dispatch to 王师傅 in bay 2; an advisor may not dispatch
    refused = advisor.post(f"{path}/dispatch", {"version": order["version"], "technician": "technician"})
    assert refused.status_code == 403
    bad = staff.as_("foreman").post(f"{path}/dispatch", {"version": order["version"],
                                                          "technician": "advisor", "bay": "99"})
    assert bad.status_code == 422 and set(bad.json_body["error"]["fields"]) == {"technician", "bay"}
    order = staff.as_("foreman").post(f"{path}/dispatch", {
        "version": order["version"], "technician": "technician", "bay": "2"}).json_body
    assert order["job"]["technician"] == "technician" and order["job"]["state"] == "waiting"

    tech = staff.as_("technician")
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "start"}).json_body
    assert order["status"] == "in_work" and order["job"]["state"] == "running"
    assert UniqueItem.get("clock#technician").owner_id == oid
    clock.shift(timedelta(minutes=40))
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "pause",
                                        "reason": "parts"}).json_body
    clock.shift(timedelta(minutes=20))
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "resume"}).json_body
    clock.shift(timedelta(minutes=30))
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "finish"}).json_body
    assert order["status"] == "quality_check" and order["job"]["worked_minutes"] == {"technician": 70}
    assert order["job"]["sold_minutes"] == 72 and order["quality"]["next_level"] == "self"
    assert not list(UniqueItem.query("clock#technician"))

    # three checks, each signed by its role; the wash is wanted, so not ready yet
    order = qc(staff, "technician", order, "self").json_body
    order = qc(staff, "foreman", order, "team_lead").json_body
    order = qc(staff, "inspector", order, "final").json_body
    assert order["status"] == "quality_check" and order["quality"]["passed_at"]
    assert [r["signature_url"] for r in order["quality"]["records"]] != []
    assert not [m for m in OutboxItem.scan() if m.kind == "ready"]
    order = tech.post(f"{path}/wash", {"version": order["version"]}).json_body
    assert order["status"] == "ready"

    # the customer hears the car is ready, with the amount due (the 10,000 km package 680 + pads 420)
    clock.shift(timedelta(minutes=1))
    run_sweep()
    ready_text = sms()[-1][1]
    assert "可以提车" in ready_text and "¥1100.00" in ready_text and "粤B12345" in ready_text
    status_url = short_link_target(client, ready_text)
    query = parse_qs(urlsplit(status_url).query)
    status = api.get(f"/api/orders/{oid}/status?token={query['t'][0]}").json_body
    assert status["progress"] == "ready" and [p["description"] for p in status["report"]["parts_replaced"]] == [
        "机油 5W-30", "机油滤清器", "空气滤清器", "前刹车片"]
    assert [r["description"] for r in status["report"]["recommendations"]] == ["空调滤芯"]

    # settlement: over the cashier's 5% limit is refused and changes nothing
    cashier = staff.as_("cashier")
    over = cashier.post(f"{path}/settle", {"version": order["version"], "payment_method": "wechat_pay",
                                           "discount": "56.00", "discount_reason": "老客户"})
    assert over.status_code == 422 and over.json_body["error"]["code"] == "discount_over_limit"
    assert RepairOrderItem.get(oid).status == "ready"
    # the page offers the add-line form only where the server accepts lines (same rule)
    assert advisor.get(path).json_body["may_add_lines"] is False     # ready: no more lines
    assert cashier.get(path).json_body["may_add_lines"] is False
    assert staff.as_("foreman").get(path).json_body["may_add_lines"] is False
    refused = cashier.post(f"{path}/lines", {"version": order["version"], **part_line()})
    assert refused.status_code == 403
    order = cashier.post(f"{path}/settle", {"version": order["version"], "payment_method": "wechat_pay",
                                            "discount": "55.00", "discount_reason": "老客户"}).json_body
    assert order["status"] == "settled" and order["may_add_lines"] is False
    # 应收金额 in the list of cars in the store: what was paid once settled (after the discount)
    rows = cashier.get("/api/staff/orders?scope=in_store").json_body["orders"]
    assert next(r for r in rows if r["id"] == oid)["amount_due"] == "1045.00"
    closed = advisor.post(f"{path}/lines", {"version": order["version"], **part_line()})
    assert closed.status_code == 409 and closed.json_body["error"]["code"] == "order_closed"
    assert advisor.get(path).json_body["may_add_lines"] is False
    # the timeline's settlement names its amount for the roles that read prices, never in the job view
    paid = [e for e in order["timeline"] if e["action"] == "settled"]
    assert paid and paid[0]["changes"]["amount_due"]["after"] == "1045.00"
    job = tech.get(path).json_body
    assert [e for e in job["timeline"] if e["action"] == "settled"][0].get("changes") is None
    assert order["settlement"]["amount_due"] == "1045.00" and order["settlement"]["tax_included"] == "120.22"
    invoice = cashier.get(f"{path}/print?doc=invoice").body.decode()
    assert "前刹车片" in invoice and "1045.00" in invoice and "微信支付" in invoice
    assert invoice.index("空调滤芯") > invoice.index("客户暂不维修的建议项目")   # listed, not charged

    # delivery: the whole checklist, the next service, the follow-up planned
    missing = advisor.post(f"{path}/deliver", {"version": order["version"], "checklist": {"clean": True}})
    assert missing.status_code == 422 and "checklist.keys" in missing.json_body["error"]["fields"]
    checklist = {k: True for k in ("clean", "old_parts", "keys", "documents", "explained")}
    delivered_at = store_time(2026, 12, 1, 14, 30)
    clock.move_to(delivered_at)
    order = advisor.post(f"{path}/deliver", {"version": order["version"], "checklist": checklist}).json_body
    assert order["status"] == "delivered" and order["delivery"]["on_time"] is True
    assert order["delivery"]["next_service_date"] == "2027-03-01"
    assert order["delivery"]["next_service_km"] == 20302
    vehicle = VehicleItem.get(order["vehicle"]["id"])
    assert (vehicle.next_service_date, vehicle.next_service_km) == ("2027-03-01", 20302)
    assert not RepairOrderItem.get(oid).in_store
    assert {a for a in (e["action"] for e in order["timeline"])} >= {
        "opened", "dispatched", "job_started", "job_paused", "job_resumed", "job_finished",
        "qc_self_passed", "qc_team_lead_passed", "qc_final_passed", "washed", "settled", "delivered"}

    # nothing more until day 3; then the survey SMS
    sent_before = len(sms())
    clock.move_to(delivered_at + timedelta(days=2))
    run_sweep()
    assert len(sms()) == sent_before
    clock.move_to(delivered_at + timedelta(days=3, minutes=1))
    run_sweep()
    survey_text = sms()[-1][1]
    assert len(sms()) == sent_before + 1 and "打分" in survey_text
    survey_url = short_link_target(client, survey_text)
    token = parse_qs(urlsplit(survey_url).query)["t"][0]
    assert survey_url.endswith("#survey")

    # the follow-up clerk sees the call due today
    clerk = staff.as_("followup")
    due = clerk.get("/api/staff/followups").json_body["followups"]
    assert [(f["order_id"], f["task"]["kind"]) for f in due] == [(oid, "first")]

    # 2 stars for timeliness: a complaint opens, the customer is told when we reply
    answered = api.post(f"/api/orders/{oid}/survey?token={token}",
                        {"attitude": 4, "quality": 5, "timeliness": 2, "comment": "交车晚了"})
    assert answered.status_code == 200 and answered.json_body["survey"]["answered"]["timeliness"] == 2
    again = api.post(f"/api/orders/{oid}/survey?token={token}",
                     {"attitude": 5, "quality": 5, "timeliness": 5})
    assert again.status_code == 409 and again.json_body["error"]["code"] == "survey_closed"
    complaints = list(ComplaintItem.scan())
    assert len(complaints) == 1 and complaints[0].data["source"] == "survey"
    run_sweep()
    assert "我们将在" in sms()[-1][1] and complaints[0].data["reference"] in sms()[-1][1]
    due = clerk.get("/api/staff/followups").json_body["followups"]
    assert due[0]["survey"]["timeliness"] == 2 and due[0]["survey_low"] is True

    listing = staff.as_("manager").get("/api/staff/complaints").json_body
    assert listing["counts"]["open"] == 1
    assert listing["complaints"][0]["plate"] == "粤B12345" and "及时2" in listing["complaints"][0]["description"]

    # unresolved 2 days later: escalated to the manager, once
    clock.shift(timedelta(hours=47))
    assert run_escalation()["escalated"] == 0
    clock.shift(timedelta(hours=1, minutes=1))
    assert run_escalation()["escalated"] == 1
    assert run_escalation()["escalated"] == 0
    listing = staff.as_("manager").get("/api/staff/complaints").json_body
    assert listing["complaints"][0]["escalated"] is True and listing["counts"]["escalated"] == 1

    # the second follow-up SMS on day 7
    clock.move_to(delivered_at + timedelta(days=7, minutes=1))
    run_sweep()
    assert "一周" in sms()[-1][1]


def test_a_technician_clocks_one_job_at_a_time(api, advisor, staff, clock):
    later = book(api, plate="粤B55555", phone="13900139000", slot=10)
    first = approved_order(api, advisor, clock, slot=9)
    second = approved_order(api, advisor, clock, plate="粤B55555", phone="13900139000", slot=10,
                            booking_id=later)
    foreman, tech = staff.as_("foreman"), staff.as_("technician")
    for order in (first, second):
        order.update(foreman.post(f"/api/staff/orders/{order['id']}/dispatch", {
            "version": order["version"], "technician": "technician"}).json_body)
    started = tech.post(f"/api/staff/orders/{first['id']}/clock",
                        {"version": first["version"], "action": "start"}).json_body
    busy = tech.post(f"/api/staff/orders/{second['id']}/clock",
                     {"version": second["version"], "action": "start"})
    assert busy.status_code == 409 and busy.json_body["error"]["code"] == "technician_busy"
    assert RepairOrderItem.get(second["id"]).status == "approved"
    tech.post(f"/api/staff/orders/{first['id']}/clock",
              {"version": started["version"], "action": "pause", "reason": "approval"})
    ok = tech.post(f"/api/staff/orders/{second['id']}/clock",
                   {"version": second["version"], "action": "start"})
    assert ok.status_code == 200 and ok.json_body["job"]["state"] == "running"
    other = staff.as_("technician2").post(f"/api/staff/orders/{first['id']}/clock",
                                          {"version": started["version"] + 1, "action": "resume"})
    assert other.status_code == 403 and other.json_body["error"]["code"] == "not_your_job"


def test_a_failed_check_is_rework_counted_and_the_board_flags_promises_at_risk(
        api, advisor, staff, clock, english):
    later = book(api, plate="粤B77777", phone="13700137000", slot=10)
    order = approved_order(api, advisor, clock)
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("foreman").post(f"{path}/dispatch", {"version": order["version"],
                                                           "technician": "technician"}).json_body
    order = staff.as_("technician").post(f"{path}/clock", {"version": order["version"],
                                                           "action": "start"}).json_body
    late = approved_order(api, advisor, clock, plate="粤B77777", phone="13700137000", slot=10,
                          booking_id=later)     # checked in at 09:50, promised 16:00
    # promised 15:00; 72 sold minutes + 30 of QC still fit at 13:00, no longer at 13:40
    clock.move_to(store_time(2026, 12, 1, 13, 0))
    card = staff.as_("foreman").get("/api/staff/workshop").json_body["technicians"][0]["jobs"][0]
    assert card["at_risk"] is False and card["worked_minutes"] == 250
    order = staff.as_("technician").post(f"{path}/clock", {"version": order["version"],
                                                           "action": "finish"}).json_body
    failed = qc(staff, "technician", order, "self", items=items("self", fail=("no_leaks",)))
    assert failed.status_code == 422 and failed.json_body["error"]["fields"] == {
        "note": "say what failed and what must be redone"}
    failed = qc(staff, "technician", order, "self", items=items("self", fail=("no_leaks",)),
                note="油底壳渗油")
    order = failed.json_body
    assert order["status"] == "in_work" and order["quality"]["rework_count"] == 1
    assert order["job"]["state"] == "waiting"
    item = RepairOrderItem.get(order["id"])
    assert item.quality["rework_count"] == 1 and item.job["last"] == "rework"
    # the job's events are items of their own (EventItem), not a list inside the order
    [last] = EventItem.query(f"job#{order['id']}", scan_index_forward=False, limit=1)
    assert last.data["kind"] == "rework" and order["job"]["events"][-1]["kind"] == "rework"
    early = staff.as_("cashier").post(f"{path}/settle", {"version": order["version"],
                                                         "payment_method": "cash"})
    assert early.status_code == 409 and early.json_body["error"]["code"] == "invalid_transition"

    clock.move_to(store_time(2026, 12, 1, 14, 40))   # promised 16:00, nothing done
    board = staff.as_("foreman").get("/api/staff/workshop").json_body
    waiting = {c["order_id"]: c for c in board["waiting"]}
    assert waiting[late["id"]]["at_risk"] is True and board["at_risk"] >= 1


def test_test_drive_jobs_need_the_drive_record(api, advisor, staff, clock):
    booked = api.book(booking_body(services=["BRAKE_CHECK"]))
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    order = advisor.post("/api/staff/checkins", checkin_body(booking_id=booked.json_body["id"],
                                                             wash=False)).json_body
    order = advisor.post(f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": "2026-12-01T15:00:00+08:00",
        "decisions": {order["lines"][0]["id"]: "approved"}, "signature": SIGNATURE}).json_body
    assert order["test_drive_required"] is True
    order = dispatched_and_worked(staff, order)
    order = qc(staff, "technician", order, "self").json_body
    order = qc(staff, "foreman", order, "team_lead").json_body
    no_drive = qc(staff, "inspector", order, "final")
    assert no_drive.status_code == 422
    assert set(no_drive.json_body["error"]["fields"]) == {"test_drive.distance_km", "test_drive.findings"}
    done = qc(staff, "inspector", order, "final",
              test_drive={"distance_km": "6", "findings": "制动有力,无跑偏无异响"}).json_body
    assert done["status"] == "ready"   # no wash wanted
    assert done["quality"]["records"][-1]["test_drive"]["distance_km"] == "6"


def test_follow_up_calls_retry_and_an_issue_raised_opens_a_complaint(api, advisor, staff, clock):
    order = worked_and_checked(staff, approved_order(api, advisor, clock, wash=False), clock)
    order = staff.as_("cashier").post(f"/api/staff/orders/{order['id']}/settle", {
        "version": order["version"], "payment_method": "cash"}).json_body
    clock.move_to(store_time(2026, 12, 1, 16, 0))
    advisor.post(f"/api/staff/orders/{order['id']}/deliver", {"version": order["version"], "checklist": {
        k: True for k in ("clean", "old_parts", "keys", "documents", "explained")}})
    clerk = staff.as_("followup")
    assert clerk.get("/api/staff/followups").json_body["followups"] == []
    clock.move_to(store_time(2026, 12, 4, 10, 0))
    [due] = clerk.get("/api/staff/followups").json_body["followups"]
    call = f"/api/staff/followups/{order['id']}/calls"
    silent = clerk.post(call, {"version": due["version"], "outcome": ""})   # no result: nothing saved
    assert silent.status_code == 422 and set(silent.json_body["error"]["fields"]) == {"outcome"}
    assert clerk.get("/api/staff/followups").json_body["followups"] == [due]
    bad = clerk.post(call, {"version": due["version"], "outcome": "not_reached"})
    assert bad.status_code == 422 and set(bad.json_body["error"]["fields"]) == {"retry_on"}
    retry = clerk.post(call, {"version": due["version"], "outcome": "not_reached",
                              "retry_on": "2026-12-05"}).json_body
    assert retry["task"]["due_on"] == "2026-12-05"
    assert clerk.get("/api/staff/followups").json_body["followups"] == []
    clock.move_to(store_time(2026, 12, 5, 10, 0))
    [due] = clerk.get("/api/staff/followups").json_body["followups"]
    raised = clerk.post(call, {"version": due["version"], "outcome": "issue_raised",
                               "issue": "刹车还是有异响", "severity": "high"}).json_body
    assert raised["task"]["kind"] == "second" and len(raised["complaint_ids"]) == 1
    complaint = ComplaintItem.get(raised["complaint_ids"][0])
    assert complaint.data["source"] == "follow_up" and complaint.data["severity"] == "high"
    assert complaint.data["owner"] == "followup"
    item = FollowUpItem.get(order["id"])
    assert item.next_due == "2026-12-08" and [c["outcome"] for c in item.data["calls"]] == [
        "not_reached", "issue_raised"]

    # the owner records the reply, the customer refuses a first offer, then accepts
    path = f"/api/staff/complaints/{complaint.complaint_id}"
    view = staff.as_("manager").get(path).json_body
    not_owner = advisor.post(f"{path}/resolve", {"version": view["version"], "resolution": "x",
                                                 "customer_accepted": True})
    assert not_owner.status_code == 403 and not_owner.json_body["error"]["code"] == "not_your_complaint"
    view = clerk.post(f"{path}/notes", {"version": view["version"], "note": "已致电道歉,约明天复检"}).json_body
    assert view["replied_at"] and view["overdue_reply"] is False
    view = clerk.post(f"{path}/resolve", {"version": view["version"], "resolution": "免费洗车",
                                          "customer_accepted": False}).json_body
    assert view["status"] == "open" and view["customer_accepted"] is False
    view = clerk.post(f"{path}/resolve", {"version": view["version"], "resolution": "免费复检并更换消音片",
                                          "customer_accepted": True}).json_body
    assert view["status"] == "resolved" and view["customer_accepted"] is True
    clock.shift(timedelta(days=3))
    assert run_escalation()["escalated"] == 0


def test_the_same_car_back_with_the_same_concern_within_30_days_is_a_comeback(
        api, advisor, staff, clock):
    order = worked_and_checked(staff, approved_order(api, advisor, clock, wash=False), clock)
    order = staff.as_("cashier").post(f"/api/staff/orders/{order['id']}/settle", {
        "version": order["version"], "payment_method": "card"}).json_body
    advisor.post(f"/api/staff/orders/{order['id']}/deliver", {"version": order["version"], "checklist": {
        k: True for k in ("clean", "old_parts", "keys", "documents", "explained")}})
    clock.move_to(store_time(2026, 12, 10, 9, 0))
    back = advisor.post("/api/staff/checkins", checkin_body(
        mileage_km=15800, concern={"what": "刹车还有异响", "where": "左前轮"})).json_body
    assert back["comeback_of"] == order["reference"]
    other = advisor.post("/api/staff/checkins", checkin_body(
        mileage_km=15900, concern={"what": "空调不制冷"})).json_body
    assert other["comeback_of"] is None


def test_the_customers_order_link_shows_progress_and_refuses_forged_tokens(api, advisor, clock):
    order = approved_order(api, advisor, clock)
    # the token the order link SMS carries, as the store signs it (staff never see it)
    token = sign_order(get_config().secret_key, order["id"])
    status = api.get(f"/api/orders/{order['id']}/status?token={token}").json_body
    assert status["progress"] == "received" and status["steps"] == [
        "received", "in_work", "quality_check", "ready", "delivered"]
    assert status["report"] is None and status["survey"]["open"] is False
    for bad in (token[:-2] + "xx", "", "abc"):
        answer = api.get(f"/api/orders/{order['id']}/status?token={bad}")
        assert answer.status_code == 403 and answer.json_body["error"]["code"] == "invalid_token"
    early = api.post(f"/api/orders/{order['id']}/survey?token={token}",
                     {"attitude": 5, "quality": 5, "timeliness": 5})
    assert early.status_code == 409 and early.json_body["error"]["code"] == "survey_not_open"
    told = api.post(f"/api/orders/{order['id']}/complaint?token={token}", {"description": ""})
    assert told.status_code == 422 and "description" in told.json_body["error"]["fields"]
    told = api.post(f"/api/orders/{order['id']}/complaint?token={token}",
                    {"description": "接待时等了很久"})
    assert told.status_code == 201 and told.json_body["reply_by"] == "2026-12-02T08:50:00+08:00"
    assert [c.data["source"] for c in ComplaintItem.scan()] == ["customer"]
    assert [m.kind for m in OutboxItem.scan() if m.kind == "complaint_ack"] == ["complaint_ack"]


def test_the_list_of_cars_in_store_shows_the_estimate_as_amount_due_until_settled(api, advisor, staff, clock):
    """应收金额 before the customer's answer is the estimate, not ¥0.00."""
    booking_id = book(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    order = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking_id)).json_body
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                         {**part_line(), "version": order["version"]}).json_body
    assert order["status"] == "open" and order["agreed"]["customer_pays"] == "0.00"
    rows = staff.as_("cashier").get("/api/staff/orders?scope=in_store").json_body["orders"]
    row = next(r for r in rows if r["id"] == order["id"])
    assert row["amount_due"] == order["estimate"]["customer_pays"] != "0.00"
