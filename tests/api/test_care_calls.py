"""Retention calls (邀约电话), the contact log (电话登记表), the vehicle file's contact timeline
and marketing consent (issue 15, part CALLS). Invitations are written here as the daily job
writes them (an open call due on a day)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.db import care as care_db
from chalicelib.db import records as records_db
from chalicelib.db.models import AuditItem, CareItem
from chalicelib.domain.care import ContactEntry, Invitation
from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord
from chalicelib.domain import retention as rules
from chalicelib.notify.sweep import run_sweep
from tests.api.test_workshop_to_followup import (advisor, approved_order, book,  # noqa: F401
                                                 worked_and_checked)
from tests.factories import store_time

NOW = store_time(2026, 11, 30, 10, 0)     # the clock fixture's start: Monday 30 Nov 2026
PHONE = "+8613800138000"


def _car(vid="veh_1", cid="cus_1", plate="粤B12345", phone=PHONE, care_day=date(2026, 12, 20)):
    customer = CustomerRecord(id=cid, name="王先生", phone=phone, created_at=NOW, updated_at=NOW)
    vehicle = VehicleRecord(id=vid, plate=plate, customer_id=cid, model="朗逸", created_at=NOW,
                            updated_at=NOW, care_day=care_day, sale_date=date(2026, 6, 1))
    records_db.save(records_db.Changes(customers=[(customer, True)], vehicles=[(vehicle, True)]))
    return records_db.get_vehicle(vid)


def _invitation(iid, call_due, *, vehicle_id="veh_1", customer_id="cus_1", plate="粤B12345",
                kind="first_free", call_status="open"):
    inv = Invitation(id=iid, kind=kind, vehicle_id=vehicle_id, customer_id=customer_id,
                     plate=plate, model="朗逸", customer_name="王先生", phone=PHONE,
                     locale="zh-CN", due_on="2026-12-01", created_at=NOW.isoformat(),
                     items=("首保: 更换机油机滤",), status="sent", sent_at=NOW.isoformat(),
                     call_status=call_status, call_due=call_due)
    records_db.save(records_db.Changes(invitations=[(inv, True)]))
    return inv


@pytest.fixture
def clerk(staff):
    return staff.as_("followup")


def _call(who, iid, **body):
    return who.post(f"/api/staff/care/invitations/{iid}/calls", body)


def _audit(vehicle_id):
    return [i for i in AuditItem.query(f"vehicle#{vehicle_id}")]


# ---- the list ---------------------------------------------------------------------------------

def test_the_list_shows_overdue_today_and_the_week_ahead_from_one_query(clerk, staff, monkeypatch):
    _car()
    _invitation("inv_old", "2026-11-10")           # overdue longer than 14 days: missed
    _invitation("inv_over", "2026-11-20")
    _invitation("inv_today", "2026-11-30", kind="lapsed")
    _invitation("inv_soon", "2026-12-05")
    _invitation("inv_later", "2026-12-08")         # beyond the week ahead
    _invitation("inv_done", "2026-11-30", call_status="done")
    queries = []
    query = CareItem.calls.query
    monkeypatch.setattr(CareItem.calls, "query",
                        lambda *a, **k: queries.append(a) or query(*a, **k))
    answer = clerk.get("/api/staff/care/calls")
    assert answer.status_code == 200, answer.json_body
    body = answer.json_body
    assert len(queries) == 1
    assert body["date"] == "2026-11-30" and body["until"] == "2026-12-07"
    assert [(c["id"], c["overdue"]) for c in body["calls"]] == [("inv_over", True),
                                                                 ("inv_today", False)]
    assert [c["id"] for c in body["upcoming"]] == ["inv_soon"]
    assert body["counts"] == {"overdue": 1, "today": 1, "upcoming": 1}
    today = body["calls"][1]
    assert today["kind"] == "lapsed" and today["kind_name"] == "久未回厂"
    assert today["phone"] == PHONE and today["can_call"] and today["plate"] == "粤B12345"
    assert today["model"] == "朗逸" and today["items"] == ["首保: 更换机油机滤"]
    assert today["status"] == "sent" and today["sent_at"] and today["calls"] == []
    # another day asked: what is due by then
    later = clerk.get("/api/staff/care/calls?date=2026-12-05").json_body
    assert [c["id"] for c in later["calls"]] == ["inv_today", "inv_soon"]   # 11-20: 15 days late
    assert [c["id"] for c in later["upcoming"]] == ["inv_later"]
    bad = clerk.get("/api/staff/care/calls?date=2026-13-01")
    assert bad.status_code == 422 and set(bad.json_body["error"]["fields"]) == {"date"}
    assert staff.as_("technician").get("/api/staff/care/calls").status_code == 403
    assert staff.as_("advisor").get("/api/staff/care/calls").status_code == 200


# ---- each outcome -----------------------------------------------------------------------------

def test_not_reached_and_not_now_bring_the_call_back_on_their_day(clerk, clock):
    _car()
    _invitation("inv_1", "2026-11-30")
    called = _call(clerk, "inv_1", version=1, outcome="not_reached", retry_on="2026-12-02",
                   note="无人接听")
    assert called.status_code == 200, called.json_body
    assert called.json_body["call_due"] == "2026-12-02" and called.json_body["version"] == 2
    assert [c["id"] for c in clerk.get("/api/staff/care/calls").json_body["upcoming"]] == ["inv_1"]
    saved = care_db.get_invitation("inv_1")
    assert saved.call_status == "open" and saved.call_due == "2026-12-02"
    assert [(c.outcome, c.retry_on, c.by, c.note) for c in saved.calls] == [
        ("not_reached", "2026-12-02", "followup", "无人接听")]
    [logged] = care_db.contacts_of("cus_1")
    assert (logged.channel, logged.direction, logged.outcome, logged.invitation_id,
            logged.vehicle_id, logged.by_name) == ("call", "out", "not_reached", "inv_1",
                                                   "veh_1", "刘回访")
    [audit] = _audit("veh_1")
    assert audit.action == "care_call_not_reached"

    # a stale version is refused and changes nothing
    stale = _call(clerk, "inv_1", version=1, outcome="booked")
    assert stale.status_code == 409 and stale.json_body["error"]["code"] == "invitation_changed"
    assert care_db.get_invitation("inv_1").calls == saved.calls

    # not now: back in three months (the list crosses months with the clock)
    clock.move_to(store_time(2026, 12, 2, 9, 0))
    later = _call(clerk, "inv_1", version=2, outcome="not_now", next_on="2027-03-01").json_body
    assert later["call_due"] == "2027-03-01" and later["call_status"] == "open"
    assert clerk.get("/api/staff/care/calls").json_body["counts"] == {
        "overdue": 0, "today": 0, "upcoming": 0}
    clock.move_to(store_time(2027, 3, 1, 9, 0))
    [back] = clerk.get("/api/staff/care/calls").json_body["calls"]
    assert back["id"] == "inv_1" and [c["outcome"] for c in back["calls"]] == [
        "not_reached", "not_now"]

    booked = _call(clerk, "inv_1", version=back["version"], outcome="booked").json_body
    assert booked["call_status"] == "done"
    assert clerk.get("/api/staff/care/calls").json_body["calls"] == []
    closed = _call(clerk, "inv_1", version=booked["version"], outcome="booked")
    assert closed.status_code == 409 and closed.json_body["error"]["code"] == "call_closed"


def test_lost_marks_the_car_lost_and_stops_its_reminders(clerk):
    vehicle = _car()
    assert [v.id for v in care_db.vehicles_due_on(date(2026, 12, 20))] == ["veh_1"]
    _invitation("inv_1", "2026-11-30")
    _invitation("inv_2", "2026-12-03", kind="declined")       # the same car's other call
    _car(vid="veh_2", cid="cus_2", plate="粤B22222", phone="+8613900139000")
    _invitation("inv_3", "2026-12-01", vehicle_id="veh_2", customer_id="cus_2", plate="粤B22222")
    lost = _call(clerk, "inv_1", version=1, outcome="lost", reason="sold", note="车已卖给朋友")
    assert lost.status_code == 200, lost.json_body
    assert lost.json_body["call_status"] == "done"
    assert lost.json_body["calls"][0]["reason_name"] == "车辆已卖"
    car = records_db.get_vehicle("veh_1")
    assert car.care.lost["reason"] == "sold" and car.care.lost["by"] == "followup"
    assert car.care.lost["note"] == "车已卖给朋友" and car.care_day is None
    assert car.version == vehicle.version + 1
    # the daily job no longer looks at it (its bucket keeps the other car)
    assert [v.id for v in care_db.vehicles_due_on(date(2026, 12, 20))] == ["veh_2"]
    assert care_db.get_invitation("inv_2").call_status == "done"
    listed = clerk.get("/api/staff/care/calls").json_body
    assert [c["id"] for c in listed["calls"] + listed["upcoming"]] == ["inv_3"]
    [logged] = care_db.contacts_of("cus_1")
    assert logged.outcome == "lost" and logged.extra == {"reason": "sold"}
    # a visit brings the car back (the care rules clear lost)
    assert car.care.with_visit(date(2027, 1, 5)).lost is None


# ---- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("body, fields", [
    ({"version": 1}, {"outcome"}),
    ({"version": 1, "outcome": "maybe"}, {"outcome"}),
    ({"version": 1, "outcome": "not_reached"}, {"retry_on"}),
    ({"version": 1, "outcome": "not_reached", "retry_on": "2026-11-30"}, {"retry_on"}),
    ({"version": 1, "outcome": "not_reached", "retry_on": "2026-12-15"}, {"retry_on"}),
    ({"version": 1, "outcome": "not_now", "next_on": "2027-05-30"}, {"next_on"}),
    ({"version": 1, "outcome": "not_now", "next_on": "soon"}, {"next_on"}),
    ({"version": 1, "outcome": "lost"}, {"reason"}),
    ({"version": 1, "outcome": "lost", "reason": "bored"}, {"reason"}),
    ({"version": 1, "outcome": "booked", "note": "长" * 501}, {"note"}),
    ({"outcome": "booked"}, {"version"}),
])
def test_bad_calls_are_told_at_the_field_and_change_nothing(clerk, body, fields):
    _car()
    _invitation("inv_1", "2026-11-30")
    answer = _call(clerk, "inv_1", **body)
    assert answer.status_code == 422, answer.json_body
    assert set(answer.json_body["error"]["fields"]) == fields
    assert care_db.get_invitation("inv_1").calls == () and care_db.contacts_of("cus_1") == []


def test_unknown_invitations_technicians_and_too_many_calls(clerk, staff):
    _car()
    inv = _invitation("inv_1", "2026-11-30")
    assert _call(clerk, "inv_nope", version=1, outcome="booked").status_code == 404
    assert _call(clerk, "x" * 300, version=1, outcome="booked").status_code == 404
    not_json = clerk.post("/api/staff/care/invitations/inv_1/calls", ["booked"])
    assert not_json.status_code == 400
    refused = _call(staff.as_("technician"), "inv_1", version=1, outcome="booked")
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "forbidden"
    full = replace(inv, version=1, calls=tuple(
        rules.record_call(inv, rules.CallInput("not_reached", retry_on="2026-12-01"),
                          now=NOW, by="followup").calls[0] for _ in range(20)))
    records_db.save(records_db.Changes(invitations=[(full, False)]))
    too_many = _call(clerk, "inv_1", version=2, outcome="booked")
    assert too_many.status_code == 422 and set(too_many.json_body["error"]["fields"]) == {"outcome"}


# ---- the contact log --------------------------------------------------------------------------

def test_calls_in_and_out_are_logged_on_the_customer(clerk, staff, clock):
    _car()
    path = "/api/staff/customers/cus_1/contacts"
    inbound = clerk.post(path, {"direction": "in", "vehicle_id": "veh_1",
                                "note": "客户来电询问首保价格", "outcome": "已告知"})
    assert inbound.status_code == 201, inbound.json_body
    assert inbound.json_body["by_name"] == "刘回访" and inbound.json_body["channel"] == "call"
    clock.shift(timedelta(minutes=5))
    out = staff.as_("advisor").post(path, {"direction": "out", "note": "提醒带保养手册"})
    assert out.status_code == 201
    log = clerk.get(path).json_body["contacts"]
    assert [(e["direction"], e["note"], e["vehicle_id"]) for e in log] == [
        ("out", "提醒带保养手册", ""), ("in", "客户来电询问首保价格", "veh_1")]
    for body, fields in (({"direction": "sideways", "note": "x"}, {"direction"}),
                         ({"direction": "in"}, {"note"}),
                         ({"direction": "in", "note": "长" * 501}, {"note"}),
                         ({"direction": "in", "note": "x", "outcome": "y" * 41}, {"outcome"})):
        bad = clerk.post(path, body)
        assert bad.status_code == 422 and set(bad.json_body["error"]["fields"]) == fields, body
    _car(vid="veh_2", cid="cus_2", plate="粤B22222", phone="+8613900139000")
    other = clerk.post(path, {"direction": "in", "note": "x", "vehicle_id": "veh_2"})
    assert other.status_code == 422 and set(other.json_body["error"]["fields"]) == {"vehicle_id"}
    assert len(care_db.contacts_of("cus_1")) == 2
    assert clerk.post("/api/staff/customers/cus_nope/contacts",
                      {"direction": "in", "note": "x"}).status_code == 404
    assert staff.as_("technician").post(path, {"direction": "in", "note": "x"}).status_code == 403


# ---- the vehicle file ------------------------------------------------------------------------

def test_the_vehicle_file_shows_every_contact_newest_first(api, advisor, staff, clock):  # noqa: F811
    booking_id = book(api)
    run_sweep()                                    # the booking's confirmation goes out
    order = worked_and_checked(staff, approved_order(api, advisor, clock, wash=False,
                                                     booking_id=booking_id), clock)
    order = staff.as_("cashier").post(f"/api/staff/orders/{order['id']}/settle", {
        "version": order["version"], "payment_method": "cash"}).json_body
    clock.move_to(store_time(2026, 12, 1, 16, 0))
    advisor.post(f"/api/staff/orders/{order['id']}/deliver", {"version": order["version"],
                 "checklist": {k: True for k in ("clean", "old_parts", "keys", "documents",
                                                 "explained")}})
    clock.move_to(store_time(2026, 12, 4, 16, 30))
    run_sweep()                                    # the survey SMS goes out
    clock.shift(timedelta(hours=1))
    clerk = staff.as_("followup")
    [due] = clerk.get("/api/staff/followups").json_body["followups"]
    clerk.post(f"/api/staff/followups/{order['id']}/calls", {
        "version": due["version"], "outcome": "issue_raised", "issue": "刹车异响",
        "severity": "medium"})
    saved = records_db.get_order(order["id"])
    vehicle_id, customer_id = saved.vehicle_id, saved.customer_id
    clock.move_to(store_time(2026, 12, 20, 10, 0))
    records_db.save(records_db.Changes(contacts=[(customer_id, ContactEntry(
        at=store_time(2026, 12, 20, 10, 0).isoformat(), channel="sms", direction="out",
        kind="service", vehicle_id=vehicle_id, invitation_id="inv_9", message_id="care.inv_9",
        outcome="sent"))], now=store_time(2026, 12, 20, 10, 0)))
    clock.move_to(store_time(2026, 12, 21, 10, 0))
    clerk.post(f"/api/staff/customers/{customer_id}/contacts",
               {"direction": "in", "vehicle_id": vehicle_id, "note": "客户来电改约"})
    file = advisor.get(f"/api/staff/vehicles/{vehicle_id}").json_body
    timeline = file["timeline"]
    types = [e["type"] for e in timeline]
    assert types[:2] == ["call", "invitation"]
    assert set(types[2:4]) == {"complaint", "follow_up"} and types[4] == "sms"   # same minute
    assert {"sms", "follow_up", "complaint"} <= set(types)
    moments = [e["at"] for e in timeline]
    from datetime import datetime
    instants = [datetime.fromisoformat(m) for m in moments]
    assert instants == sorted(instants, reverse=True)
    assert timeline[0]["by_name"] == "刘回访" and timeline[0]["direction"] == "in"
    sms = {(e["kind"], e["outcome"]) for e in timeline if e["type"] == "sms"}
    assert {("confirmation", "sent"), ("survey", "sent"), ("ready", "sent")} <= sms
    assert not any(kind == "second_follow_up" for kind, _status in sms)    # not sent yet
    follow = next(e for e in timeline if e["type"] == "follow_up")
    assert follow["outcome"] == "issue_raised" and follow["by_name"] == "刘回访"
    assert follow["complaint_id"]
    assert file["consent"] == {"marketing": False, "recorded": False, "at": None, "source": None,
                               "by": None, "opted_out": False}
    # the workshop reads the car's file, not what was said to its owner (notes, comments)
    for role in ("technician", "cashier"):
        seen = staff.as_(role).get(f"/api/staff/vehicles/{vehicle_id}").json_body
        assert (seen["timeline"], seen["consent"]) == ([], None), role


def test_the_timeline_is_bounded(advisor):
    _car()
    entries = [("cus_1", ContactEntry(at=(NOW - timedelta(hours=i)).isoformat(), channel="call",
                                      direction="in", vehicle_id="veh_1", note=f"第{i}次"))
               for i in range(rules.TIMELINE_LIMIT + 20)]
    for start in range(0, len(entries), 60):
        records_db.save(records_db.Changes(contacts=entries[start:start + 60]))
    timeline = advisor.get("/api/staff/vehicles/veh_1").json_body["timeline"]
    assert len(timeline) == rules.TIMELINE_LIMIT
    assert [e["note"] for e in timeline[:2]] == ["第0次", "第1次"]


# ---- marketing consent -----------------------------------------------------------------------

def test_marketing_consent_is_shown_and_changed_on_the_file(advisor, staff):
    _car()
    path = "/api/staff/customers/cus_1/consent"
    yes = advisor.put(path, {"marketing": True})
    assert yes.status_code == 200, yes.json_body
    assert yes.json_body["marketing"] is True and yes.json_body["source"] == "desk"
    assert care_db.consents([PHONE])[PHONE]["marketing"] is True
    no = staff.as_("followup").put(path, {"marketing": False}).json_body
    assert no["marketing"] is False and no["by"] == "followup"
    assert care_db.consents([PHONE])[PHONE]["marketing"] is False
    assert advisor.get("/api/staff/vehicles/veh_1").json_body["consent"]["marketing"] is False
    bad = advisor.put(path, {"marketing": "yes"})
    assert bad.status_code == 422 and set(bad.json_body["error"]["fields"]) == {"marketing"}
    assert staff.as_("technician").put(path, {"marketing": True}).status_code == 403
    assert care_db.consents([PHONE])[PHONE]["marketing"] is False
    assert advisor.put("/api/staff/customers/cus_nope/consent",
                       {"marketing": True}).status_code == 404
