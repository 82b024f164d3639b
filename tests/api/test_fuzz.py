"""Property: whatever a client sends to any operation of /api/openapi.json, the answer is not
a 5xx, and every error has the shape of API.md.

Each operation is called as a signed-in manager (who may call every staff route), with a
forged token and anonymously; path parameters are real ids or random text; bodies are the
route's own example with fields swapped for hostile values (huge numbers, "1e26", lone
surrogates, invisible text, deep nesting, wrong types, years 9999 and 0001), random objects,
or raw text that is not JSON at all. Deterministic (derandomize) so CI is stable.
"""
from __future__ import annotations

import copy
import json
from itertools import product
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.config import get_config
from chalicelib.db.models import RepairOrderItem
from chalicelib.domain.tokens import sign_approval, sign_order
from tests.factories import SIGNATURE, booking_body, checkin_body, labour_line, part_line, store_time

EXAMPLES = {"manager": 12, "anonymous": 3}   # per operation

HOSTILE_TEXT = [
    "", " ", "\u200b\u200b", "\ufeff", "\u3164", "²", "١٢", "１２", "1e26", "-1e26", "1E+400",
    "NaN", "Infinity", "-0", "0.001", "9" * 400, "9999-12-31", "0001-01-01", "2026-02-30",
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-12-01T09:00:00",
    "2026-12-01T09:00:00+08:00", "2026-12-01T09:00:00+08:00\n", "\ud800", "a\udfffb", "\x00\x07",
    "x" * 3000, "<script>alert(1)</script>", "../../etc/passwd", "%00", "MAINT_10K", "粤B12345",
    "13800138000", "LSVAU2180N2183294", "approved", "declined", "pass", "fail", "start", "finish",
    "self", "final", "cash", "not_reached", SIGNATURE, "data:image/png;base64,!!!",
    "uploads/2026-11-30/" + "a" * 32 + ".jpg\n", "uploads/2026-11-30/" + "a" * 32 + ".jpg",
]
HOSTILE_NUMBERS = [0, -1, 1, 5, 15302, 2 ** 31, 2 ** 63, 10 ** 26, -(10 ** 26), 10 ** 300,
                   1e26, 1e300, -1e-300, 0.5, 1.005, float("nan"), float("inf"), float("-inf")]
FIELDS = [
    "action", "bay", "booking_id", "channel", "checklist", "comment", "concern",
    "contact_preference", "content_type", "covers_fitted", "customer", "customer_accepted",
    "customer_name", "damage", "decisions", "description", "discount", "discount_reason",
    "distance_km", "findings", "fuel_level", "hours", "interior", "issue", "items", "kind",
    "level", "locale", "mileage_km", "model", "name", "note", "old_parts", "operation",
    "order_id", "outcome", "part_number", "password", "pay_type", "payment_method", "phone",
    "photo_keys", "plate", "promised_at", "quantity", "rate", "reason", "refresh_token",
    "resolution", "retry_on", "sale_date", "services", "severity", "signature", "size",
    "slot_start", "staff_involved", "technician", "test_drive", "transport", "unit_price",
    "username", "valuables_reminded", "vehicle", "version", "vin", "wash", "attitude",
    "quality", "timeliness", "owner", "parts_ready", "advisor", "checklist",
    "roles", "mobile", "session", "new_password",   # staff accounts (issue 13)
]
RAW_BODIES = [
    "", "{", "}", "null", "[]", '"text"', "1e999", "9" * 5000, "[" * 100_000 + "]" * 100_000,
    '{"a":' * 5000 + "1" + "}" * 5000, '{"customer": {"name": "\\ud800"}}', "NaN",
    b"\xff\xfe\x00garbage", '{"version": 1, "version": "x"}', " " * 10, "x" * (1024 * 1024 + 10),
]
QUERY_VALUES = {"date": ["2026-12-01", "2026-11-30"], "services": ["MAINT_10K", "MAINT_10K,X"],
                "q": ["粤B12", "138001"], "doc": ["order", "checkin", "invoice", "report"],
                "lang": ["zh-CN", "en"], "scope": ["in_store"], "token": []}


# ---- the world the requests hit: a booking, an order awaiting approval, a complaint ---------

def _world(api, staff, clock):
    booked = api.book(booking_body()).json_body
    other = api.book(booking_body(vehicle={"plate": "粤B54321"}, customer={"phone": "13900139000"},
                                  slot_start="2026-12-01T10:00:00+08:00")).json_body
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    manager = staff.as_("manager")
    order = manager.post("/api/staff/checkins", checkin_body(booking_id=booked["id"])).json_body
    order = manager.post(f"/api/staff/orders/{order['id']}/lines",
                         {**part_line(quantity="10"), "version": order["version"]}).json_body
    order = manager.post(f"/api/staff/orders/{order['id']}/send-approval", {
        "version": order["version"], "promised_at": "2026-12-01T16:00:00+08:00"}).json_body
    complaint = manager.post("/api/staff/complaints", {
        "description": "等太久", "customer_name": "王先生", "phone": "13800138000",
        "order_id": order["id"]}).json_body
    secret = get_config().secret_key
    return {
        "ids": {"booking_id": [booked["id"], other["id"]], "order_id": [order["id"]],
                "line_id": [ln["id"] for ln in order["lines"]],
                "customer_id": [order["customer"]["id"]], "vehicle_id": [order["vehicle"]["id"]],
                "complaint_id": [complaint.get("id", "cpl_missing")], "code": ["abc123"],
                # staff accounts (issue 13): real logins, another store's, and the manager's own
                "username": ["technician2", "other-store", "manager"]},
        "tokens": [api.token_of(booked), api.token_of(other),
                   sign_approval(secret, order["id"], order["pending_approval"]),
                   sign_order(secret, order["id"])],
        "order_id": order["id"], "booking_id": other["id"], "line_id": order["lines"][0]["id"],
        "manager": manager.token("manager"),
    }


def _example(method, path, world, operation=None):
    """A body the route would accept (or nearly): fuzzing starts from it to get past the
    first check. Without one here, the document's example of the operation (schemas)."""
    line = world["line_id"]
    examples = {
        "/api/bookings": booking_body(), "/api/staff/bookings": {**booking_body(), "channel": "phone"},
        "/api/bookings/{booking_id}/reschedule": {"slot_start": "2026-12-02T09:00:00+08:00"},
        "/api/bookings/{booking_id}/cancel": {"reason": "有事"},
        "/api/auth/login": {"username": "manager", "password": "x"},
        "/api/auth/refresh": {"refresh_token": "x"},
        "/api/orders/{order_id}/approval": {"decisions": {line: "approved"}},
        "/api/orders/{order_id}/survey": {"attitude": 5, "quality": 4, "timeliness": 3, "comment": ""},
        "/api/orders/{order_id}/complaint": {"description": "漏油"},
        "/api/staff/bookings/{booking_id}/prepare": {"advisor": "advisor", "technician": "technician",
                                                     "parts_ready": True},
        "/api/staff/bookings/{booking_id}/no-show": {"reason": "未到店"},
        "/api/staff/customers/{customer_id}": {"name": "王先生", "phone": "13800138000"},
        "/api/staff/vehicles/{vehicle_id}": {"vin": "LSVAU2180N2183294", "mileage_km": 20000},
        "/api/staff/uploads": {"content_type": "image/jpeg", "size": 1000},
        "/api/staff/checkins": checkin_body(booking_id=world["booking_id"],
                                            vehicle={"plate": "粤B54321"},
                                            customer={"name": "李女士", "phone": "13900139000"},
                                            promised_at="2026-12-01T18:00:00+08:00"),
        "/api/staff/orders/{order_id}/lines": part_line(),
        "/api/staff/orders/{order_id}/lines/{line_id}": labour_line(),
        "/api/staff/orders/{order_id}/promise": {"promised_at": "2026-12-01T18:00:00+08:00"},
        "/api/staff/orders/{order_id}/send-approval": {"promised_at": "2026-12-01T18:00:00+08:00"},
        "/api/staff/orders/{order_id}/approve-in-store": {"decisions": {line: "approved"},
                                                          "signature": SIGNATURE},
        "/api/staff/orders/{order_id}/dispatch": {"technician": "technician", "bay": "2"},
        "/api/staff/orders/{order_id}/clock": {"action": "start"},
        "/api/staff/orders/{order_id}/quality-check": {"level": "self", "items": {},
                                                       "signature": SIGNATURE},
        "/api/staff/orders/{order_id}/settle": {"payment_method": "cash", "discount": "1.00",
                                                "discount_reason": "老客户"},
        "/api/staff/orders/{order_id}/deliver": {"checklist": {"clean": True, "keys": True}},
        "/api/staff/followups/{order_id}/calls": {"outcome": "not_reached", "retry_on": "2026-12-05"},
        "/api/staff/complaints": {"description": "等太久", "phone": "13800138000"},
        "/api/staff/complaints/{complaint_id}/notes": {"note": "已致电"},
        "/api/staff/complaints/{complaint_id}/assign": {"owner": "manager"},
        "/api/staff/complaints/{complaint_id}/resolve": {"resolution": "已退款", "customer_accepted": True},
        # staff accounts (issue 13)
        "/api/staff/accounts": {"username": "zhou.tech", "name": "周师傅", "roles": ["technician"],
                                "mobile": "13900139001"},
        "/api/staff/accounts/{username}": {"name": "钱师傅", "roles": ["technician"], "mobile": ""},
        "/api/auth/new-password": {"username": "zhou.tech", "session": "s" * 40,
                                   "new_password": "zhou2026shop"},
    }
    documented = ((operation or {}).get("requestBody", {}).get("content", {})
                  .get("application/json", {}).get("example", {}))
    body = copy.deepcopy(examples.get(path, documented))
    if path.startswith("/api/staff/") and method != "GET":
        order = RepairOrderItem.get(world["order_id"])
        body.setdefault("version", int(order.version))
    return body


# ---- strategies ---------------------------------------------------------------------------

leaves = st.one_of(
    st.none(), st.booleans(), st.sampled_from(HOSTILE_NUMBERS), st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30), st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True))
values = st.recursive(
    leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=4)),
    max_leaves=12)


def _paths(value, prefix=()):
    """Every place in a body a value can be swapped."""
    places = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            places += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            places += _paths(item, prefix + (i,))
    return places


def _swap(body, path, value):
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _deep(depth, key):
    """{"customer": {"customer": ... {}}}, written out (json.dumps itself would recurse)."""
    return json.dumps(key).join(["{", ": "]) * depth + "{}" + "}" * depth


def _body(data, method, path, world, operation=None):
    kind = data.draw(st.sampled_from(["mutated", "mutated", "mutated", "random", "raw", "deep"]))
    if kind == "raw":
        return data.draw(st.sampled_from(RAW_BODIES))
    if kind == "deep":
        return _deep(data.draw(st.integers(min_value=30, max_value=5000)),
                     data.draw(st.sampled_from(FIELDS)))
    if kind == "random":
        body = data.draw(values)
    else:
        body = _example(method, path, world, operation)
        for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
            places = _paths(body)
            if places and data.draw(st.booleans()):
                _swap(body, data.draw(st.sampled_from(places)), data.draw(values))
            elif isinstance(body, dict):
                body[data.draw(st.sampled_from(FIELDS))] = data.draw(values)
    return json.dumps(body, ensure_ascii=data.draw(st.booleans()), allow_nan=True)


def _text_param(data, real):
    kind = data.draw(st.sampled_from(["real", "real", "real", "hostile", "text"]))
    if kind == "real" and real:
        choice = data.draw(st.sampled_from(real))
    elif kind == "text":
        choice = data.draw(st.text(max_size=40))
    else:
        choice = data.draw(st.sampled_from(HOSTILE_TEXT))
    # a URL cannot carry a lone surrogate: the client would send its bytes percent-encoded
    return choice.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _call(client, data, method, template, operation, world, principal):
    path = template
    for name in [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]:
        value = _text_param(data, world["ids"].get(name, []))
        path = path.replace("{" + name + "}", quote(value, safe="") or "x")
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    names += data.draw(st.lists(st.sampled_from(sorted(QUERY_VALUES)), max_size=2))
    query = {n: _text_param(data, world["tokens"] if n == "token" else QUERY_VALUES.get(n, []))
             for n in names}
    if query:
        path += "?" + urlencode(query)
    headers = {}
    if method in ("POST", "PUT"):
        headers["Content-Type"] = data.draw(st.sampled_from(
            ["application/json"] * 6 + ["text/plain; charset=utf-8", "application/xml"]))
    who = principal if principal == "manager" else data.draw(st.sampled_from(["nobody", "forged"]))
    if who == "manager":
        headers["Authorization"] = f"Bearer {world['manager']}"
    elif who == "forged":
        headers["Authorization"] = "Bearer " + data.draw(st.sampled_from(
            ["x", world["manager"][:-4] + "AAAA", "e30.e30.", "a" * 5000]))
    if data.draw(st.booleans()):
        headers["Idempotency-Key"] = _text_param(data, ["k1"]).replace("\n", " ")[:200] or "k"
    body = (_body(data, method, template, world, operation) if method in ("POST", "PUT")
            else b"")
    if isinstance(body, str):   # the bytes on the wire; a raw lone surrogate is invalid UTF-8
        body = body.encode("utf-8", "surrogatepass")
    return client.http.request(method, path, headers=headers, body=body), path, who


def _check(answer, method, path, who):
    where = f"{method} {path[:200]} as {who}"
    assert answer.status_code < 500, (where, answer.body[:500])
    if answer.status_code >= 400:
        error = json.loads(answer.body)["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), where
        assert all(isinstance(k, str) and isinstance(v, str)
                   for k, v in error.get("fields", {}).items()), (where, error)


def test_no_operation_answers_5xx_to_anything(api, staff, clock, client):
    world = _world(api, staff, clock)
    document = client.http.get("/api/openapi.json").json_body
    operations = [(method.upper(), path, operation)
                  for path, item in document["paths"].items()
                  for method, operation in item.items()]
    assert len(operations) >= 50

    for (method, template, operation), principal in product(operations, EXAMPLES):
        @settings(max_examples=EXAMPLES[principal], derandomize=True, deadline=None,
                  database=None, suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def operation_holds(data):
            answer, path, who = _call(client, data, method, template, operation, world, principal)
            _check(answer, method, path, who)

        operation_holds()
