"""/api/openapi.json is a contract a generated client can rely on.

(a) every operation that takes a body documents its schema (with an example that fits it),
    and every operation documents its success answer;
(b) real answers validate against the documented schema of their status, along a realistic
    path through the whole store: booking, slots, services, verification, manage links,
    check-in, order lines, approvals, workshop, settlement, follow-ups, complaints,
    settings, price book, accounts; error answers against the error shape;
(c) each operation's documented example request is accepted (the inverse of a fuzzer that
    builds bodies from the document): only the record's version and ids are filled in.
"""
from __future__ import annotations

import copy
import json
import os
from datetime import timedelta

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from chalicelib.config import get_config
from chalicelib.domain.tokens import sign_approval, sign_invitation, sign_order
from chalicelib.notify.sweep import run_sweep
from tests.factories import store_time

UNSET = object()


def _schema_errors(document, schema, instance):
    validator = OAS30Validator({**schema, "components": document["components"]})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300]
            for e in validator.iter_errors(instance)]


def _operations(document):
    return {(method.upper(), path): operation for path, item in document["paths"].items()
            for method, operation in item.items()}


@pytest.fixture
def document(client):
    return client.http.get("/api/openapi.json").json_body


# ---- (a) ----------------------------------------------------------------------------------

def test_every_body_and_every_success_answer_has_a_schema(document):
    validate(document)
    for (method, path), operation in _operations(document).items():
        where = f"{method} {path}"
        body = operation.get("requestBody")
        if method in ("POST", "PUT") and body is not None:
            media = body["content"]["application/json"]
            schema = media["schema"]
            resolved = (document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
                        if "$ref" in schema else schema)
            assert resolved.get("properties") or resolved.get("oneOf"), where
            assert "example" in media, where
            assert _schema_errors(document, schema, media["example"]) == [], where
        success = [status for status in operation["responses"] if status.startswith(("2", "3"))]
        assert success, where
        for status in success:
            answer = operation["responses"][status]
            for media_type, media in answer.get("content", {}).items():
                if media_type == "application/json":
                    assert media["schema"] not in ({}, {"type": "object"}), (where, status)


def test_operations_without_a_documented_body_read_none(document):
    """The POSTs documented without a body are the ones whose routes never read it."""
    bodiless = {(m, p) for (m, p), op in _operations(document).items()
                if m in ("POST", "PUT") and "requestBody" not in op}
    assert bodiless == {("POST", "/api/staff/accounts/{username}/disable"),
                        ("POST", "/api/staff/accounts/{username}/enable"),
                        ("POST", "/api/staff/accounts/{username}/reset-password"),
                        ("POST", "/api/invitations/{invitation_id}/unsubscribe")}  # issue 15


# ---- (b) and (c): one walk through the store ----------------------------------------------

class Contract:
    """Calls the API as the document describes it and checks each answer against it."""

    def __init__(self, client, staff, document):
        self.client, self.staff, self.document = client, staff, document
        self.operations = _operations(document)
        self.called: set[tuple[str, str]] = set()
        self.problems: list[str] = []

    def example(self, method, template):
        body = self.operations[(method, template)].get("requestBody")
        return copy.deepcopy(body["content"]["application/json"]["example"]) if body else None

    def required(self, method, template):
        schema = self.operations[(method, template)]["requestBody"]["content"][
            "application/json"]["schema"]
        if "$ref" in schema:
            schema = self.document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return set(schema.get("required", []))

    def call(self, method, template, *, ids=None, query="", who=None, body=UNSET, fill=None,
             expect=None, headers=None, minimal=False):
        """``body`` UNSET: the document's example, with ``fill`` (version, ids) put in;
        ``minimal``: only the example's fields the schema requires."""
        operation = self.operations[(method, template)]
        if body is UNSET:
            body = self.example(method, template)
            if minimal:
                required = self.required(method, template)
                body = {k: v for k, v in body.items() if k in required}
            if body is not None:
                body.update(fill or {})
        path = template.format(**(ids or {})) + (f"?{query}" if query else "")
        sent = {"Content-Type": "application/json", **(headers or {})}
        if who:
            sent["Authorization"] = f"Bearer {self.staff.token(who)}"
        raw = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        answer = self.client.http.request(method, path, headers=sent, body=raw)
        status = answer.status_code
        where = f"{method} {path} as {who}"
        if expect is None:
            assert 200 <= status < 400, (where, body, answer.body[:600])
        else:
            assert status == expect, (where, answer.body[:600])
        self.called.add((method, template))
        self._check(operation, str(status), answer, where)
        return answer.json_body if answer.headers.get("Content-Type", "").startswith(
            "application/json") else answer

    def _check(self, operation, status, answer, where):
        if answer.headers.get("Content-Type", "").startswith("application/json"):
            self._record(operation, status, json.loads(answer.body))
        documented = operation["responses"].get(status)
        if documented is None:
            self.problems.append(f"{where}: status {status} is not documented")
            return
        content = documented.get("content")
        if not content:
            return
        media_type = answer.headers.get("Content-Type", "").split(";")[0]
        if media_type not in content:
            self.problems.append(f"{where}: {media_type} is not documented for {status}")
            return
        if media_type == "application/json":
            body = json.loads(answer.body)
            errors = _schema_errors(self.document, content[media_type]["schema"], body)
            self.problems += [f"{where} {status}: {e}" for e in errors[:5]]

    def _record(self, operation, status, body):
        """OPENAPI_RECORD=file: the answers, for tests/openapi_answers.py to learn from."""
        if os.environ.get("OPENAPI_RECORD") and operation is not self.operations.get(
                ("GET", "/api/openapi.json")):
            key = next(k for k, op in self.operations.items() if op is operation)
            with open(os.environ["OPENAPI_RECORD"], "a", encoding="utf-8") as out:
                out.write(json.dumps({"method": key[0], "path": key[1], "status": int(status),
                                      "body": body}, ensure_ascii=False) + "\n")


def _invitation():
    """An invitation as the daily job (issue 15) writes it, sent now."""
    from chalicelib import clock as app_clock
    from chalicelib.db import records
    from chalicelib.domain.care import Invitation, new_invitation_id
    now = app_clock.now().isoformat()
    invitation = Invitation(
        id=new_invitation_id(), kind="service", vehicle_id="veh_1", customer_id="cus_1",
        plate="粤B99001", model="Lavida", customer_name="孙先生", phone="+8613900139001",
        locale="zh-CN", due_on="2026-12-07", created_at=now, services=("MAINT_10K",),
        items=("空调滤芯更换",), mileage_km=15800, status="sent", sent_at=now)
    records.save(records.Changes(invitations=[(invitation, True)]))
    return invitation
def _care_calls(c, order_id):
    from chalicelib.db import records as records_db
    from chalicelib.domain.care import Invitation
    saved = records_db.get_order(order_id)
    records_db.save(records_db.Changes(invitations=[(Invitation(
        id="inv_contract", kind="service", vehicle_id=saved.vehicle_id,
        customer_id=saved.customer_id, plate=saved.plate, model="朗逸",
        customer_name=saved.customer_name, phone=saved.phone, locale="zh-CN",
        due_on="2026-12-10", created_at="2026-12-04T10:00:00+08:00", status="sent",
        sent_at="2026-12-04T10:00:00+08:00", call_status="open", call_due="2026-12-04"), True)]))
    [call] = c.call("GET", "/api/staff/care/calls", who="followup")["calls"]
    iid = {"invitation_id": call["id"]}
    call = c.call("POST", "/api/staff/care/invitations/{invitation_id}/calls", ids=iid,
                  who="followup", fill={"version": call["version"]})
    c.call("POST", "/api/staff/care/invitations/{invitation_id}/calls", ids=iid, who="followup",
           body={"version": call["version"], "outcome": "lost", "reason": "moved"})
    cus = {"customer_id": saved.customer_id}
    c.call("POST", "/api/staff/customers/{customer_id}/contacts", ids=cus, who="followup",
           expect=201)
    c.call("GET", "/api/staff/customers/{customer_id}/contacts", ids=cus, who="followup")
    c.call("PUT", "/api/staff/customers/{customer_id}/consent", ids=cus, who="advisor")
    c.call("GET", "/api/staff/vehicles/{vehicle_id}", ids={"vehicle_id": saved.vehicle_id},
           who="advisor")


def test_real_answers_match_the_document_and_its_examples_are_accepted(
        client, staff, document, clock, sms):
    c = Contract(client, staff, document)
    secret = get_config().secret_key

    # -- the booking site
    c.call("GET", "/api/openapi.json")
    c.call("GET", "/api/store")
    services = c.call("GET", "/api/services")
    c.call("GET", "/api/slots", query=f"date=2026-12-01&services={services[0]['code']}")
    c.call("POST", "/api/verifications")
    booked = c.call("POST", "/api/bookings")
    token = booked["manage_url"].split("token=")[1]
    c.call("GET", "/api/bookings/{booking_id}", ids={"booking_id": booked["id"]},
           query=f"token={token}")
    c.call("POST", "/api/bookings/{booking_id}/reschedule", ids={"booking_id": booked["id"]},
           query=f"token={token}")
    clock.shift(timedelta(minutes=1))
    run_sweep()
    code = sms()[-1][1].rsplit("/l/", 1)[1].split()[0]
    c.call("GET", "/l/{code}", ids={"code": code})
    other = c.call("POST", "/api/bookings", minimal=True, fill={
        "customer": {"name": "钱女士", "phone": "13600136000"}, "vehicle": {"plate": "粤B77777"},
        "slot_start": "2026-12-01T10:00:00+08:00"})
    c.call("POST", "/api/bookings/{booking_id}/cancel", ids={"booking_id": other["id"]},
           query=f"token={other['manage_url'].split('token=')[1]}")

    # -- an invitation's personal link (issue 15, INVITE): the form filled in, a booking
    # from it (no code: the link proves the phone), unsubscribe
    invitation = _invitation()
    link = {"invitation_id": invitation.id}
    invited = f"token={sign_invitation(secret, invitation.id)}"
    c.call("GET", "/api/invitations/{invitation_id}", ids=link, query=invited)
    c.call("POST", "/api/bookings", minimal=True, fill={
        "customer": {"name": "孙先生", "phone": "139****9001"}, "vehicle": {"plate": "粤B99001"},
        "slot_start": "2026-12-01T11:00:00+08:00", "marketing_consent": True,
        "invitation": {"id": invitation.id, "token": invited.split("=", 1)[1]}})
    c.call("POST", "/api/invitations/{invitation_id}/unsubscribe", ids=link, query=invited,
           body=None)
    c.call("GET", "/api/invitations/{invitation_id}", ids=link, query="token=forged",
           expect=403)

    # -- errors keep the error shape
    c.call("POST", "/api/bookings", body={}, expect=422)
    c.call("GET", "/api/bookings/{booking_id}", ids={"booking_id": booked["id"]},
           query="token=forged", expect=403)
    c.call("GET", "/api/staff/me", expect=401)

    # -- sign-in
    signed = c.call("POST", "/api/auth/login")
    c.call("POST", "/api/auth/refresh", fill={"refresh_token": signed["refresh_token"]})
    c.call("GET", "/api/staff/me", who="advisor")

    # -- the desk
    c.call("GET", "/api/staff/board", query="date=2026-12-01", who="advisor")
    c.call("GET", "/api/staff/calls", query="date=2026-12-01", who="advisor")
    c.call("GET", "/api/staff/slots", query="date=2026-12-01&services=MAINT_10K&channel=phone",
           who="advisor")
    desk = c.call("POST", "/api/staff/bookings", who="advisor")["booking"]
    ids = {"booking_id": desk["id"]}
    detail = c.call("GET", "/api/staff/bookings/{booking_id}", ids=ids, who="advisor")
    row = c.call("POST", "/api/staff/bookings/{booking_id}/prepare", ids=ids, who="advisor",
                 fill={"version": detail["version"]})
    row = c.call("POST", "/api/staff/bookings/{booking_id}/calls", ids=ids, who="advisor",
                 fill={"version": row["version"]})
    row = c.call("POST", "/api/staff/bookings/{booking_id}/confirm", ids=ids, who="advisor",
                 fill={"version": row["version"]})
    row = c.call("POST", "/api/staff/bookings/{booking_id}/reschedule", ids=ids, who="advisor",
                 fill={"version": row["version"]})
    c.call("POST", "/api/staff/bookings/{booking_id}/cancel", ids=ids, who="advisor",
           fill={"version": row["version"]})
    c.call("POST", "/api/staff/bookings/{booking_id}/confirm", ids=ids, who="advisor",
           fill={"version": 0}, expect=409)
    missed = c.call("POST", "/api/staff/bookings", who="advisor", minimal=True, fill={
        "slot_start": "2026-12-01T13:00:00+08:00", "customer": {"name": "周先生",
                                                               "phone": "13500135000"},
        "vehicle": {"plate": "粤A12121"}})["booking"]

    # -- reception: the booked car checks in on 1 Dec
    clock.move_to(store_time(2026, 12, 1, 9, 50))
    c.call("POST", "/api/staff/uploads", who="advisor")
    order = c.call("POST", "/api/staff/checkins", who="advisor", fill={
        "booking_id": booked["id"], "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345"}})
    oid = {"order_id": order["id"]}
    found = c.call("GET", "/api/staff/search", query="q=粤B123", who="advisor")
    assert found
    customer_id, vehicle_id = order["customer"]["id"], order["vehicle"]["id"]
    person = c.call("GET", "/api/staff/customers/{customer_id}", ids={"customer_id": customer_id},
                    who="advisor")
    c.call("PUT", "/api/staff/customers/{customer_id}", ids={"customer_id": customer_id},
           who="advisor", fill={"version": person["version"]})
    car = c.call("GET", "/api/staff/vehicles/{vehicle_id}", ids={"vehicle_id": vehicle_id},
                 who="advisor")
    c.call("PUT", "/api/staff/vehicles/{vehicle_id}", ids={"vehicle_id": vehicle_id},
           who="advisor", fill={"version": car["version"]})
    c.call("GET", "/api/staff/orders", query="date=2026-12-01", who="advisor")
    order = c.call("GET", "/api/staff/orders/{order_id}", ids=oid, who="advisor")

    # -- lines, the estimate by SMS and the customer's approval
    order = c.call("POST", "/api/staff/orders/{order_id}/lines", ids=oid, who="advisor",
                   fill={"version": order["version"]})
    line = order["lines"][-1]["id"]
    order = c.call("PUT", "/api/staff/orders/{order_id}/lines/{line_id}",
                   ids={**oid, "line_id": line}, who="advisor", fill={"version": order["version"]})
    order = c.call("POST", "/api/staff/orders/{order_id}/promise", ids=oid, who="advisor",
                   fill={"version": order["version"]})
    order = c.call("POST", "/api/staff/orders/{order_id}/send-approval", ids=oid, who="advisor",
                   fill={"version": order["version"]})
    approval = f"token={sign_approval(secret, order['id'], order['pending_approval'])}"
    asked = c.call("GET", "/api/orders/{order_id}/approval", ids=oid, query=approval)
    c.call("POST", "/api/orders/{order_id}/approval", ids=oid, query=approval, fill={
        "decisions": {item["id"]: "approved" for item in asked["work_items"]}})
    order = c.call("GET", "/api/staff/orders/{order_id}", ids=oid, who="advisor")
    order = c.call("POST", "/api/staff/orders/{order_id}/lines", ids=oid, who="advisor",
                   fill={"version": order["version"], "part_number": "8K0819439",
                         "description": "空调滤芯", "unit_price": "88.00"})
    extra = order["lines"][-1]["id"]
    order = c.call("POST", "/api/staff/orders/{order_id}/approve-in-store", ids=oid,
                   who="advisor", fill={"version": order["version"],
                                        "decisions": {extra: "declined"}})
    order = c.call("POST", "/api/staff/orders/{order_id}/resend-link", ids=oid, who="advisor",
                   fill={"version": order["version"]})

    # -- the workshop
    c.call("GET", "/api/staff/technicians", who="foreman")
    c.call("GET", "/api/staff/workshop", who="foreman")
    order = c.call("POST", "/api/staff/orders/{order_id}/dispatch", ids=oid, who="foreman",
                   fill={"version": order["version"]})
    started = next(ln["id"] for ln in order["lines"] if ln["status"] == "approved")
    order = c.call("POST", "/api/staff/orders/{order_id}/lines/{line_id}/start",
                   ids={**oid, "line_id": started}, who="technician",
                   fill={"version": order["version"]})
    c.call("GET", "/api/staff/orders/{order_id}/job", ids=oid, who="technician")
    order = c.call("POST", "/api/staff/orders/{order_id}/findings", ids=oid, who="technician",
                   fill={"version": order["version"]})
    order = c.call("GET", "/api/staff/orders/{order_id}", ids=oid, who="advisor")
    finding = order["lines"][-1]["id"]
    order = c.call("POST", "/api/staff/orders/{order_id}/lines/{line_id}/remove",
                   ids={**oid, "line_id": finding}, who="advisor",
                   fill={"version": order["version"]})
    clock.shift(timedelta(minutes=70))
    order = c.call("POST", "/api/staff/orders/{order_id}/clock", ids=oid, who="technician",
                   fill={"version": order["version"], "action": "finish"})
    for who, level in (("technician", "self"), ("foreman", "team_lead"), ("inspector", "final")):
        items = {code: "pass" for code in c.example("POST", "/api/staff/orders/{order_id}/"
                                                            "quality-check")["items"]}
        if level != "self":
            settings = c.call("GET", "/api/staff/settings", who="manager")
            items = {item[0] if isinstance(item, list) else item["code"]: "pass"
                     for item in settings["settings"]["qc_checklists"][level]}
        order = c.call("POST", "/api/staff/orders/{order_id}/quality-check", ids=oid, who=who,
                       fill={"version": order["version"], "level": level, "items": items})
    order = c.call("POST", "/api/staff/orders/{order_id}/wash", ids=oid, who="technician",
                   fill={"version": order["version"]})
    status = f"token={sign_order(secret, order['id'])}"
    c.call("GET", "/api/orders/{order_id}/status", ids=oid, query=status)

    # -- settlement, delivery, documents
    order = c.call("POST", "/api/staff/orders/{order_id}/settle", ids=oid, who="cashier",
                   fill={"version": order["version"]})
    order = c.call("POST", "/api/staff/orders/{order_id}/deliver", ids=oid, who="advisor",
                   fill={"version": order["version"]})
    for doc in ("order", "checkin", "invoice", "report"):
        c.call("GET", "/api/staff/orders/{order_id}/print", ids=oid, query=f"doc={doc}",
               who="advisor")

    # -- the customer's survey and complaint; the follow-up desk and the complaint desk
    c.call("POST", "/api/orders/{order_id}/survey", ids=oid, query=status)
    c.call("POST", "/api/orders/{order_id}/complaint", ids=oid, query=status, expect=201)
    clock.move_to(store_time(2026, 12, 4, 10, 0))
    due = c.call("GET", "/api/staff/followups", who="followup")["followups"]
    [task] = [f for f in due if f["order_id"] == order["id"]]
    c.call("POST", "/api/staff/followups/{order_id}/calls", ids=oid, who="followup",
           fill={"version": task["version"]})
    # -- retention calls, contact log, consent (issue 15, part CALLS): an invitation the daily
    # job would have written, for the car just delivered
    _care_calls(c, order["id"])
    listed = c.call("GET", "/api/staff/complaints", who="manager")
    assert listed["complaints"]
    taken = c.call("POST", "/api/staff/complaints", who="advisor", expect=201)
    cid = {"complaint_id": taken["id"]}
    complaint = c.call("GET", "/api/staff/complaints/{complaint_id}", ids=cid, who="manager")
    complaint = c.call("POST", "/api/staff/complaints/{complaint_id}/notes", ids=cid,
                       who="manager", fill={"version": complaint["version"]})
    complaint = c.call("POST", "/api/staff/complaints/{complaint_id}/assign", ids=cid,
                       who="manager", fill={"version": complaint["version"]})
    c.call("POST", "/api/staff/complaints/{complaint_id}/resolve", ids=cid, who="manager",
           fill={"version": complaint["version"]})

    # -- a booking nobody came for
    clock.move_to(store_time(2026, 12, 4, 18, 0))
    c.call("POST", "/api/staff/bookings/{booking_id}/no-show", ids={"booking_id": missed["id"]},
           who="advisor", fill={"version": missed["version"]})

    # -- the manager's settings, price book and accounts
    page = c.call("GET", "/api/staff/settings", who="manager")
    page = c.call("PUT", "/api/staff/settings", who="manager", body={"version": page["version"]})
    c.call("PUT", "/api/staff/settings", who="manager", fill={"version": page["version"]})
    c.call("GET", "/api/staff/settings/holidays", query="year=2027", who="manager")
    c.call("GET", "/api/staff/pricebook/search", query="q=BRK", who="advisor")
    c.call("GET", "/api/staff/pricebook/export", query="kind=parts&format=csv", who="manager")
    c.call("POST", "/api/staff/pricebook/import", who="manager")
    c.call("GET", "/api/staff/pricebook/{kind}", ids={"kind": "operations"}, who="manager")
    created = c.call("POST", "/api/staff/pricebook/{kind}", ids={"kind": "operations"},
                     who="manager", expect=201)
    entry = {"kind": "operations", "code": "LB-WASH-01"}
    c.call("PUT", "/api/staff/pricebook/{kind}/{code}", ids=entry, who="manager",
           fill={"version": created["version"]})
    c.call("GET", "/api/staff/pricebook/{kind}/{code}/history", ids=entry, who="manager")
    c.call("GET", "/api/staff/accounts", who="manager")
    account = c.call("POST", "/api/staff/accounts", who="manager", expect=201)
    user = {"username": "zhou.tech"}
    challenged = c.call("POST", "/api/auth/login", body={
        "username": "zhou.tech", "password": account["temporary_password"]}, expect=401)
    c.call("POST", "/api/auth/new-password", fill={"session": challenged["session"]})
    c.call("PUT", "/api/staff/accounts/{username}", ids=user, who="manager")
    c.call("POST", "/api/staff/accounts/{username}/reset-password", ids=user, who="manager",
           body=None)
    c.call("POST", "/api/staff/accounts/{username}/disable", ids=user, who="manager", body=None)
    c.call("POST", "/api/staff/accounts/{username}/enable", ids=user, who="manager", body=None)

    # -- issue 15 part CAMPAIGNS: the manager's campaigns
    campaign = c.call("POST", "/api/staff/campaigns", who="manager", expect=201)
    ids = {"campaign_id": campaign["id"]}
    c.call("GET", "/api/staff/campaigns/{campaign_id}", ids=ids, who="manager")
    campaign = c.call("PUT", "/api/staff/campaigns/{campaign_id}", ids=ids, who="manager",
                      fill={"version": campaign["version"]})
    c.call("GET", "/api/staff/campaigns/{campaign_id}/preview", ids=ids, who="manager")
    campaign = c.call("POST", "/api/staff/campaigns/{campaign_id}/schedule", ids=ids,
                      who="manager", fill={"version": campaign["version"]})
    c.call("POST", "/api/staff/campaigns/{campaign_id}/cancel", ids=ids, who="manager",
           fill={"version": campaign["version"]})
    recall = c.call("POST", "/api/staff/campaigns", who="manager", expect=201, fill={
        "kind": "recall", "segment": {"recall": True}})
    c.call("POST", "/api/staff/campaigns/{campaign_id}/recall-vins", who="manager",
           ids={"campaign_id": recall["id"]}, fill={"version": recall["version"]})
    c.call("GET", "/api/staff/campaigns", who="manager")

    assert c.problems == []
    assert set(c.operations) - c.called == set()
