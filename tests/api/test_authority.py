"""Money and authority (issue 11): discount limits hold on the lines, a line starts only under
the clock's rules, three quality levels take three people, staff never hold a customer's token
(they re-send the SMS), and another store's staff get no fresh tokens."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from chalicelib.config import get_config
from chalicelib.db.models import AuditItem, OutboxItem, RepairOrderItem, UniqueItem
from chalicelib.notify.sweep import run_sweep
from infra.local.identity import DEMO_PASSWORD
from tests.api.conftest import StaffApi
from tests.api.test_workshop_to_followup import (approved_order, book, dispatched_and_worked,
                                                 items, qc)
from tests.factories import SIGNATURE, booking_body, checkin_body, labour_line, part_line, store_time


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


def checked_in(api, advisor, clock):
    booking_id = book(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    answer = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking_id))
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def stored_lines(order_id):
    return RepairOrderItem.get(order_id).lines


# ---- 5. discounts on the lines -------------------------------------------------------------

def test_an_advisor_alone_cannot_give_a_part_away(api, advisor, staff, clock):
    order = checked_in(api, advisor, clock)
    url = f"/api/staff/orders/{order['id']}/lines"
    before = stored_lines(order["id"])
    goodwill = advisor.post(url, {**part_line(unit_price="50000.00", pay_type="goodwill",
                                              reason="老客户"), "version": order["version"]})
    assert goodwill.status_code == 422
    error = goodwill.json_body["error"]
    assert error["code"] == "discount_over_limit" and set(error["fields"]) == {"pay_type"}
    assert "5%" in error["fields"]["pay_type"]
    free = advisor.post(url, {**part_line(unit_price="0.00", reason="送的"), "version": order["version"]})
    assert free.status_code == 422 and set(free.json_body["error"]["fields"]) == {"unit_price"}
    cheap = advisor.post(url, {**labour_line(rate="200.00", reason="老客户"), "version": order["version"]})
    assert cheap.status_code == 422 and set(cheap.json_body["error"]["fields"]) == {"rate"}
    no_reason = advisor.post(url, {**labour_line(rate="290.00"), "version": order["version"]})
    assert no_reason.status_code == 422 and set(no_reason.json_body["error"]["fields"]) == {"reason"}
    assert stored_lines(order["id"]) == before

    # within 5% with a reason: written, and who and why are on the line
    order = advisor.post(url, {**labour_line(rate="290.00", reason="会员工时九七折"),
                               "version": order["version"]}).json_body
    line = order["lines"][-1]
    assert (line["unit_price"], line["reason"], line["discount_by"]) == ("290.00", "会员工时九七折", "advisor")

    # the manager decides above the limit by writing the line
    manager = staff.as_("manager")
    order = manager.post(url, {**part_line(unit_price="50000.00", pay_type="goodwill",
                                           reason="发动机异响善意补偿"), "version": order["version"]})
    assert order.status_code == 201, order.json_body
    line = order.json_body["lines"][-1]
    assert (line["pay_type"], line["discount_by"], line["reason"]) == ("goodwill", "manager", "发动机异响善意补偿")
    assert order.json_body["estimate"]["by_pay_type"]["goodwill"] == "50000.00"
    [stored] = [ln for ln in stored_lines(order.json_body["id"]) if ln["id"] == line["id"]]
    assert (stored["reason"], stored["discount_by"], stored["added_by"]) == (
        "发动机异响善意补偿", "manager", "manager")
    entry = [a for a in AuditItem.scan() if a.action == "line_added"][-1]
    assert entry.actor == "manager"


def test_changing_a_line_to_warranty_is_held_to_the_same_limit(api, advisor, staff, clock):
    order = checked_in(api, advisor, clock)
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                         {**part_line(), "version": order["version"]}).json_body
    part = order["lines"][-1]["id"]
    url = f"/api/staff/orders/{order['id']}/lines/{part}"
    refused = advisor.put(url, {**part_line(pay_type="warranty", reason="三包"), "version": order["version"]})
    assert refused.status_code == 422 and refused.json_body["error"]["code"] == "discount_over_limit"
    assert {ln["pay_type"] for ln in stored_lines(order["id"])} == {"customer"}
    done = staff.as_("manager").put(url, {**part_line(pay_type="warranty", reason="三包期内"),
                                          "version": order["version"]})
    assert done.status_code == 200 and done.json_body["lines"][-1]["discount_by"] == "manager"
    assert done.json_body["estimate"]["customer_pays"] == "680.00"   # the package; the part: warranty


def test_a_store_that_trusts_its_advisors_with_warranty_sets_their_limit(api, advisor, store, clock):
    store(discount_limits={"advisor": 100, "cashier": 5})
    order = checked_in(api, advisor, clock)
    answer = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                          {**part_line(pay_type="warranty", reason="三包期内"), "version": order["version"]})
    assert answer.status_code == 201 and answer.json_body["lines"][-1]["discount_by"] == "advisor"


# ---- 6. starting a line follows the clock's rules -------------------------------------------

def test_a_line_starts_only_on_the_job_dispatched_to_whoever_starts_it(api, advisor, staff, clock):
    later = book(api, plate="粤B55555", phone="13900139000", slot=10)
    order = approved_order(api, advisor, clock)
    other = approved_order(api, advisor, clock, plate="粤B55555", phone="13900139000", slot=10,
                           booking_id=later)
    line = order["lines"][0]["id"]
    path = f"/api/staff/orders/{order['id']}"
    tech = staff.as_("technician")

    nobody = tech.post(f"{path}/lines/{line}/start", {"version": order["version"]})
    assert nobody.status_code == 409 and nobody.json_body["error"]["code"] == "job_not_dispatched"
    assert RepairOrderItem.get(order["id"]).status == "approved"

    foreman = staff.as_("foreman")
    unchosen = foreman.post(f"{path}/dispatch", {"version": order["version"], "technician": "", "bay": ""})
    assert unchosen.status_code == 422   # the foreman has to choose whom: a choice, not a text
    assert unchosen.json_body["error"]["fields"] == {"technician": "请选择一项"}
    assert foreman.post(f"{path}/dispatch", {"version": order["version"], "technician": ""},
                        headers={"Accept-Language": "en"}).json_body["error"]["fields"] == {
        "technician": "required"}
    assert RepairOrderItem.get(order["id"]).version == order["version"]
    order = foreman.post(f"{path}/dispatch", {"version": order["version"], "technician": "technician"}).json_body
    someone_else = staff.as_("technician2").post(f"{path}/lines/{line}/start", {"version": order["version"]})
    assert someone_else.status_code == 403 and someone_else.json_body["error"]["code"] == "not_your_job"
    assert RepairOrderItem.get(order["id"]).status == "approved"

    started = tech.post(f"{path}/lines/{line}/start", {"version": order["version"]})
    assert started.status_code == 200, started.json_body
    assert started.json_body["status"] == "in_work" and started.json_body["job"]["state"] == "running"
    assert UniqueItem.get("clock#technician").owner_id == order["id"]

    # one job at a time: a line of another job waits until this one is paused
    other = foreman.post(f"/api/staff/orders/{other['id']}/dispatch",
                         {"version": other["version"], "technician": "technician"}).json_body
    busy = tech.post(f"/api/staff/orders/{other['id']}/lines/{other['lines'][0]['id']}/start",
                     {"version": other["version"]})
    assert busy.status_code == 409 and busy.json_body["error"]["code"] == "technician_busy"
    assert RepairOrderItem.get(other["id"]).status == "approved"


# ---- 7. three levels, three people -----------------------------------------------------------

def test_one_manager_cannot_sign_two_levels_of_a_round(api, advisor, staff, clock):
    order = approved_order(api, advisor, clock, wash=False)
    order = dispatched_and_worked(staff, order)
    order = qc(staff, "manager", order, "self").json_body
    again = qc(staff, "manager", order, "team_lead")
    assert again.status_code == 403 and again.json_body["error"]["code"] == "same_signer"
    order = qc(staff, "foreman", order, "team_lead").json_body
    third = qc(staff, "manager", order, "final")
    assert third.status_code == 403
    assert RepairOrderItem.get(order["id"]).status == "quality_check"
    order = qc(staff, "inspector", order, "final").json_body
    assert order["status"] == "ready"
    assert [r["by"] for r in order["quality"]["records"]] == ["manager", "foreman", "inspector"]


# ---- 8. customer tokens never reach staff ----------------------------------------------------

class RecordingStaff(StaffApi):
    """Staff calls that keep every answer's body, to search them afterwards."""

    def __init__(self, client, role=None, tokens=None, seen=None):
        super().__init__(client, role, tokens)
        self.seen = seen if seen is not None else []

    def as_(self, username):
        return RecordingStaff(self.client, username, self._tokens, self.seen)

    def get(self, path, headers=None):
        answer = super().get(path, headers)
        self.seen.append((f"GET {path}", answer.body.decode("utf-8", "replace")))
        return answer

    def send(self, method, path, body=None, headers=None):
        answer = super().send(method, path, body, headers)
        self.seen.append((f"{method} {path}", answer.body.decode("utf-8", "replace")))
        return answer


def link_target(client, text):
    code = re.search(r"/l/(\w+)", text).group(1)
    answer = client.http.get(f"/l/{code}")
    assert answer.status_code == 302
    return code, answer.headers["Location"]


def test_no_staff_answer_carries_a_customer_token_on_the_whole_path(api, client, clock, sms):
    people = RecordingStaff(client)
    advisor = people.as_("advisor")
    booking_id = book(api)
    desk = advisor.post("/api/staff/bookings", booking_body(
        vehicle={"plate": "粤B66666"}, customer={"phone": "13600136000"},
        slot_start="2026-12-01T11:00:00+08:00", channel="phone"))
    assert desk.status_code == 201 and "manage_url" not in desk.json_body
    advisor.get(f"/api/staff/bookings/{desk.json_body['id']}")
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    order = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking_id)).json_body
    oid, path = order["id"], f"/api/staff/orders/{order['id']}"
    assert "customer_link" not in order
    order = advisor.post(f"{path}/lines", {**part_line(), "version": order["version"]}).json_body
    order = advisor.post(f"{path}/send-approval", {"version": order["version"],
                                                   "promised_at": "2026-12-01T16:00:00+08:00"}).json_body
    assert order["status"] == "awaiting_approval" and "approval_link" not in order
    run_sweep()
    assert len([t for _, t in sms() if "逐项确认" in t]) == 1

    # the customer lost the SMS: the advisor sends it again (the same link), and cannot see it
    clock.shift(timedelta(minutes=5))
    order = advisor.post(f"{path}/send-approval", {"version": order["version"]}).json_body
    assert order["status"] == "awaiting_approval" and order["approvals"][-1]["resent"] == 1
    run_sweep()
    approvals = [t for _, t in sms() if "逐项确认" in t]
    assert len(approvals) == 2 and approvals[0] == approvals[1]
    _, target = link_target(client, approvals[-1])
    token = parse_qs(urlsplit(target).query)["t"][0]
    lines = api.get(f"/api/orders/{oid}/approval?token={token}").json_body["lines"]
    decided = api.post(f"/api/orders/{oid}/approval?token={token}",
                       {"decisions": {ln["id"]: "approved" for ln in lines}})
    assert decided.status_code == 200
    nothing = advisor.post(f"{path}/send-approval", {"version": order["version"] + 1})
    assert nothing.status_code == 422      # answered: no draft line to send, nothing pending

    # the workshop, the checks, the wash, the till and the hand-back, read by every role
    order = advisor.get(path).json_body
    foreman, tech = people.as_("foreman"), people.as_("technician")
    order = foreman.post(f"{path}/dispatch", {"version": order["version"], "technician": "technician",
                                              "bay": "2"}).json_body
    order = tech.post(f"{path}/lines/{order['lines'][0]['id']}/start", {"version": order["version"]}).json_body
    clock.shift(timedelta(minutes=70))
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "finish"}).json_body
    for who, level in (("technician", "self"), ("foreman", "team_lead"), ("inspector", "final")):
        order = people.as_(who).post(f"{path}/quality-check", {
            "version": order["version"], "level": level, "items": items(level),
            "signature": SIGNATURE}).json_body
    order = tech.post(f"{path}/wash", {"version": order["version"]}).json_body
    assert order["status"] == "ready"
    order = people.as_("cashier").post(f"{path}/settle", {"version": order["version"],
                                                          "payment_method": "cash"}).json_body
    order = advisor.post(f"{path}/deliver", {"version": order["version"], "checklist": {
        k: True for k in ("clean", "old_parts", "keys", "documents", "explained")}}).json_body
    assert order["status"] == "delivered"

    # the customer's order link SMS is re-sent on request; staff never see the link
    run_sweep()     # the ready SMS
    before = len(sms())
    resent = advisor.post(f"{path}/resend-link", {"version": order["version"]})
    assert resent.status_code == 200, resent.json_body
    order = resent.json_body
    run_sweep()
    [(phone, text)] = sms()[before:]
    assert phone == "+8613800138000" and "粤B12345" in text
    _, target = link_target(client, text)
    order_token = parse_qs(urlsplit(target).query)["t"][0]
    assert api.get(f"/api/orders/{oid}/status?token={order_token}").status_code == 200

    for role in ("advisor", "technician", "foreman", "inspector", "cashier", "followup", "manager"):
        people.as_(role).get(path)
    for doc in ("order", "checkin", "invoice", "report"):
        advisor.get(f"{path}/print?doc={doc}")
    advisor.get(f"/api/staff/vehicles/{order['vehicle']['id']}")
    advisor.get(f"/api/staff/customers/{order['customer']['id']}")
    advisor.get("/api/staff/board?date=2026-12-01")
    advisor.get("/api/staff/orders?date=2026-12-01")
    advisor.get("/api/staff/orders?scope=in_store")
    advisor.get("/api/staff/workshop")
    advisor.get("/api/staff/search?q=粤B12345")
    people.as_("followup").get("/api/staff/followups?date=2026-12-04")
    people.as_("manager").get("/api/staff/complaints")

    # every customer link the store sent: its short code and its signed token
    secrets = set()
    for _, text in sms():
        for code in re.findall(r"/l/(\w+)", text):
            secrets.add(code)
            query = parse_qs(urlsplit(client.http.get(f"/l/{code}").headers["Location"]).query)
            secrets.update(v[0] for k, v in query.items() if k in ("t", "token"))
    assert len(secrets) >= 8 and token in secrets and order_token in secrets
    assert len(people.seen) >= 35
    for call, body in people.seen:
        assert "token=" not in body and "&t=" not in body and "/l/" not in body, call
        for secret in secrets:
            assert secret not in body, (call, secret)


def test_only_the_front_desk_resends_the_order_link(api, advisor, staff, clock):
    order = checked_in(api, advisor, clock)
    answer = staff.as_("cashier").post(f"/api/staff/orders/{order['id']}/resend-link",
                                       {"version": order["version"]})
    assert answer.status_code == 403


def test_the_order_link_is_not_sent_for_a_cancelled_order_or_a_stale_version(api, advisor, clock):
    order = checked_in(api, advisor, clock)
    stale = advisor.post(f"/api/staff/orders/{order['id']}/resend-link", {"version": order["version"] + 5})
    assert stale.status_code == 409
    assert not [m for m in OutboxItem.scan() if m.kind == "order_link"]


# ---- 9. refresh refuses another store's staff as login does -----------------------------------

def test_refresh_gives_no_tokens_to_another_stores_staff(staff):
    answer = boto3.client("cognito-idp", region_name="ap-east-1").initiate_auth(
        ClientId=get_config().user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "other-store", "PASSWORD": DEMO_PASSWORD})
    refresh_token = answer["AuthenticationResult"]["RefreshToken"]
    refused = staff.client.http.post("/api/auth/refresh", headers={"Content-Type": "application/json"},
                                     body=json.dumps({"refresh_token": refresh_token}))
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "forbidden"
    assert "id_token" not in refused.body.decode() and "eyJ" not in refused.body.decode()
