"""A job's labour and its parts are decided as one (维修项目): by the customer's link and in
store, with one answer the server applies to every line of the job."""
from __future__ import annotations

import pytest

from chalicelib.config import get_config
from chalicelib.db.models import RepairOrderItem
from chalicelib.domain.tokens import sign_approval, sign_order
from tests.api.test_advisor_portal import _checked_in, advisor  # noqa: F401  (fixture)
from tests.factories import SIGNATURE, labour_line, part_line

# these tests assert the API's English wording (zh-CN is the default: see test_languages.py)
pytestmark = pytest.mark.usefixtures("english")

PROMISED = "2026-12-01T16:00:00+08:00"


def _add(advisor, order, line):
    answer = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                          {**line, "version": order["version"]})
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def _with_ignition_job(api, advisor, clock):
    """A fault diagnosis (the service booked, checked in as its one labour line at its ¥200),
    and the coil job: its labour and, fitted in it, its part."""
    _, order = _checked_in(api, advisor, clock, services=["DIAG"])
    order = _add(advisor, order, labour_line(operation="IGN01", description="更换点火线圈",
                                             hours="1", rate="300.00"))
    labour = order["lines"][-1]["id"]
    order = _add(advisor, order, part_line(part_number="06H905110G", description="点火线圈",
                                           quantity="4", unit_price="150.00", labor_line=labour))
    return order, labour, order["lines"][-1]["id"]


def _sent(advisor, order):
    answer = advisor.post(f"/api/staff/orders/{order['id']}/send-approval",
                          {"version": order["version"], "promised_at": PROMISED})
    assert answer.status_code == 200, answer.json_body
    order = answer.json_body
    token = sign_approval(get_config().secret_key, order["id"], order["pending_approval"])
    return order, f"/api/orders/{order['id']}/approval?token={token}"


def _statuses(order_id):
    return {ln["description"]: ln["status"] for ln in RepairOrderItem.get(order_id).lines}


def test_the_customer_decides_each_job_once_and_the_server_applies_it_to_its_lines(
        api, advisor, clock):
    order, labour, part = _with_ignition_job(api, advisor, clock)
    assert order["lines"][-1]["labor_line"] == labour
    order, url = _sent(advisor, order)
    page = api.get(url).json_body
    service = order["lines"][0]["id"]
    assert [(i["id"], i["line_ids"], i["customer_amount"], i["status"]) for i in page["work_items"]] == [
        (service, [service], "200.00", "pending"), (labour, [labour, part], "900.00", "pending")]
    assert [ln["description"] for ln in page["work_items"][1]["lines"]] == ["更换点火线圈", "点火线圈"]
    assert page["total_if_all_approved"]["customer_pays"] == "1100.00"
    assert page["tax_rate_percent"] == "13"
    assert [ln["labor_line"] for ln in page["lines"]] == [None, None, labour]   # still there

    decided = api.post(url, {"decisions": {service: "approved", labour: "declined"}})
    assert decided.status_code == 200, decided.json_body
    assert _statuses(order["id"]) == {"故障诊断": "approved", "更换点火线圈": "declined",
                                      "点火线圈": "declined"}
    assert [i["status"] for i in decided.json_body["work_items"]] == ["approved", "declined"]
    assert decided.json_body["total_now"]["customer_pays"] == "200.00"
    # the customer's progress page lists the same jobs with their status
    token = sign_order(get_config().secret_key, order["id"])
    status = api.get(f"/api/orders/{order['id']}/status?token={token}").json_body
    assert [(i["description"], i["status"]) for i in status["work_items"]] == [
        ("故障诊断", "approved"), ("更换点火线圈", "declined")]


def test_a_job_answered_both_ways_is_refused_and_nothing_changes(api, advisor, clock):
    order, labour, part = _with_ignition_job(api, advisor, clock)
    order, url = _sent(advisor, order)
    service = order["lines"][0]["id"]
    split = api.post(url, {"decisions": {service: "approved", labour: "approved", part: "declined"}})
    assert split.status_code == 422
    assert split.json_body["error"]["fields"] == {
        f"decisions.{labour}": "one answer for the whole job: its labour and parts go together"}
    missing = api.post(url, {"decisions": {service: "approved"}})
    assert missing.status_code == 422
    assert set(missing.json_body["error"]["fields"]) == {f"decisions.{labour}"}
    odd = api.post(url, {"decisions": {service: "approved", labour: {"x": 1}}})
    assert odd.status_code == 422 and set(odd.json_body["error"]["fields"]) == {f"decisions.{labour}"}
    assert set(_statuses(order["id"]).values()) == {"pending"}
    # a client that answers every line, the same for the job's lines, is understood as before
    listed = api.post(url, {"decisions": {service: "approved", labour: "approved", part: "approved"}})
    assert listed.status_code == 200, listed.json_body
    assert set(_statuses(order["id"]).values()) == {"approved"}
    assert listed.json_body["total_now"]["customer_pays"] == "1100.00"


def test_in_store_the_advisor_gets_the_same_jobs_and_one_answer_covers_a_job(api, advisor, clock):
    order, labour, part = _with_ignition_job(api, advisor, clock)
    service = order["lines"][0]["id"]
    assert [(i["id"], i["line_ids"], i["amount"]) for i in order["approval_items"]] == [
        (service, [service], "200.00"), (labour, [labour, part], "900.00")]
    answer = advisor.post(f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": PROMISED, "signature": SIGNATURE,
        "decisions": {service: "declined", labour: "approved"}})
    assert answer.status_code == 200, answer.json_body
    assert _statuses(order["id"]) == {"故障诊断": "declined", "更换点火线圈": "approved",
                                      "点火线圈": "approved"}
    assert answer.json_body["agreed"]["customer_pays"] == "900.00"
    assert answer.json_body["approval_items"] == []


def test_a_part_joins_only_a_labour_line_of_the_order_and_stands_alone_when_it_goes(
        api, advisor, clock):
    order, labour, part = _with_ignition_job(api, advisor, clock)
    url = f"/api/staff/orders/{order['id']}/lines"
    for body, problem in (
            (labour_line(labor_line=labour), "only a part belongs to a labour line"),
            (part_line(labor_line="Lnothere"), "not a labour line of this order"),
            (part_line(labor_line=part), "not a labour line of this order")):
        bad = advisor.post(url, {**body, "version": order["version"]})
        assert bad.status_code == 422, bad.json_body
        assert bad.json_body["error"]["fields"] == {"labor_line": problem}
    assert len(RepairOrderItem.get(order["id"]).lines) == 3
    # the labour line is taken off the draft: its part is a job of its own
    removed = advisor.post(f"{url}/{labour}/remove", {"version": order["version"]})
    assert removed.status_code == 200, removed.json_body
    assert [(ln["description"], ln["labor_line"]) for ln in removed.json_body["lines"]] == [
        ("故障诊断", None), ("点火线圈", None)]
    assert [i["line_ids"] for i in removed.json_body["approval_items"]] == [
        [removed.json_body["lines"][0]["id"]], [part]]


def test_a_part_of_a_declined_job_is_refused(api, advisor, clock):
    order, labour, _ = _with_ignition_job(api, advisor, clock)
    service = order["lines"][0]["id"]
    order = advisor.post(f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": PROMISED, "signature": SIGNATURE,
        "decisions": {service: "approved", labour: "declined"}}).json_body
    bad = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                       {**part_line(labor_line=labour), "version": order["version"]})
    assert bad.status_code == 422
    assert bad.json_body["error"]["fields"] == {"labor_line": "the customer declined this job"}
    # more parts for a job the customer approved are additional work, decided on their own
    more = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                        {**part_line(labor_line=service), "version": order["version"]})
    assert more.status_code == 201, more.json_body
    assert [i["line_ids"] for i in more.json_body["approval_items"]] == [
        [more.json_body["lines"][-1]["id"]]]
