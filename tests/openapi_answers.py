"""Write chalicelib/api/answers.json: the schemas of the API's answers, inferred from real
answers recorded along the contract test's walk through the store.

    OPENAPI_RECORD=/tmp/answers.jsonl .venv/bin/python -m pytest \\
        tests/api/test_openapi_contract.py -k real_answers
    .venv/bin/python -m tests.openapi_answers /tmp/answers.jsonl [more recordings...]

Views answered by several routes are one component (``GROUPS``); a key is required when
every recorded answer had it (at the answer's top level only: deeper, the views leave empty
fields out); an object whose keys are ids or free names (``MAPS``) is a map.
Enums and other rules from the domain are laid over this in chalicelib/api/answers.py.
Review the diff of answers.json like code: it is the contract clients are generated from.
"""
from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "chalicelib" / "api" / "answers.json"
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"[a-z][a-z_0-9]*")
# objects keyed by ids, logins, codes or field names
MAPS = (".names", ".minutes", ".before", ".after", ".changes", ".items", ".decisions",
        ".special_hours", ".fields", ".outcomes", ".discount_limits", ".checklists", ".qc_checklists")

# component name -> the (method, path) whose answers it is
_ORDER = "/api/staff/orders/{order_id}"
GROUPS: dict[str, list[tuple[str, ...]]] = {   # (method, path[, place in the answer])
    "StaffOrder": [("GET", _ORDER), ("POST", "/api/staff/checkins")] + [
        ("POST", f"{_ORDER}/{step}") for step in (
            "lines", "lines/{line_id}/remove", "promise", "send-approval", "approve-in-store",
            "resend-link", "dispatch", "quality-check", "settle", "deliver")] + [
        ("PUT", f"{_ORDER}/lines/{{line_id}}")],
    "Job": [("GET", f"{_ORDER}/job")] + [("POST", f"{_ORDER}/{step}") for step in (
        "lines/{line_id}/start", "findings", "clock", "wash")],
    "Service": [("GET", "/api/services", "[]")],
    "Slots": [("GET", "/api/slots"), ("GET", "/api/staff/slots")],
    "BookingCreated": [("POST", "/api/bookings")],
    "Booking": [("GET", "/api/bookings/{booking_id}"),
                        ("POST", "/api/bookings/{booking_id}/reschedule"),
                        ("POST", "/api/bookings/{booking_id}/cancel")],
    "DeskBooking": [("GET", "/api/staff/bookings/{booking_id}")] + [
        ("POST", f"/api/staff/bookings/{{booking_id}}/{step}") for step in (
            "prepare", "confirm", "no-show", "cancel", "reschedule", "calls")] + [
        ("GET", "/api/staff/board", "bookings[]"), ("GET", "/api/staff/calls", "bookings[]"),
        ("GET", "/api/staff/calls", "recalls[]"), ("POST", "/api/staff/bookings", "booking")],
    "FollowUp": [("POST", "/api/staff/followups/{order_id}/calls"),
                 ("GET", "/api/staff/followups", "followups[]"),
                 ("GET", "/api/staff/followups", "upcoming[]")],
    # issue 15, part CALLS: a retention call as the clerk's list and the call's answer show it
    "CareCall": [("POST", "/api/staff/care/invitations/{invitation_id}/calls"),
                 ("GET", "/api/staff/care/calls", "calls[]"),
                 ("GET", "/api/staff/care/calls", "upcoming[]")],
    "JobCard": [("GET", "/api/staff/workshop", place) for place in (
        "waiting[]", "quality_check[]", "ready[]", "technicians[].jobs[]")],
    "Approval": [("GET", "/api/orders/{order_id}/approval"),
                 ("POST", "/api/orders/{order_id}/approval")],
    "OrderStatus": [("GET", "/api/orders/{order_id}/status"),
                    ("POST", "/api/orders/{order_id}/survey")],
    "Complaint": [("GET", "/api/staff/complaints/{complaint_id}"),
                  ("POST", "/api/staff/complaints")] + [
        ("POST", f"/api/staff/complaints/{{complaint_id}}/{step}")
        for step in ("notes", "assign", "resolve")],
    "CustomerFile": [("GET", "/api/staff/customers/{customer_id}"),
                     ("PUT", "/api/staff/customers/{customer_id}")],
    "VehicleFile": [("GET", "/api/staff/vehicles/{vehicle_id}"),
                    ("PUT", "/api/staff/vehicles/{vehicle_id}")],
    "Tokens": [("POST", "/api/auth/login"), ("POST", "/api/auth/new-password"),
               ("POST", "/api/auth/refresh")],
    "AccountAnswer": [("PUT", "/api/staff/accounts/{username}"),
                      ("POST", "/api/staff/accounts")] + [
        ("POST", f"/api/staff/accounts/{{username}}/{step}")
        for step in ("disable", "enable", "reset-password")],
    "SettingsPage": [("GET", "/api/staff/settings"), ("PUT", "/api/staff/settings")],
    # issue 15 part CAMPAIGNS
    "Campaign": [("POST", "/api/staff/campaigns"), ("GET", "/api/staff/campaigns/{campaign_id}"),
                 ("PUT", "/api/staff/campaigns/{campaign_id}"),
                 ("POST", "/api/staff/campaigns/{campaign_id}/schedule"),
                 ("POST", "/api/staff/campaigns/{campaign_id}/cancel"),
                 ("GET", "/api/staff/campaigns", "campaigns[]")],
    "PricebookEntry": [("POST", "/api/staff/pricebook/{kind}"),
                       ("PUT", "/api/staff/pricebook/{kind}/{code}")],
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {int: "integer", float: "number", str: "string", list: "array",
            dict: "object"}[type(value)]


def infer(values: list[Any], path: str = "") -> dict[str, Any]:
    """The schema every one of ``values`` fits."""
    kinds = collections.Counter(_kind(v) for v in values)
    nullable = bool(kinds.pop("null", 0))
    if set(kinds) == {"integer", "number"}:
        kinds = collections.Counter(number=1)
    if len(kinds) != 1:
        return {"nullable": True} if nullable and kinds else {}
    kind = next(iter(kinds))
    present = [v for v in values if v is not None]
    schema: dict[str, Any]
    if kind == "object" and (path.endswith(MAPS) or any(
            not _WORD.fullmatch(key) for v in present for key in v)):
        inner = [item for v in present for item in v.values()]
        schema = {"type": "object", "additionalProperties": infer(inner, path + "{}")
                  if inner else {}}
    elif kind == "object":
        keys = list(dict.fromkeys(key for v in present for key in v))
        schema = {"type": "object", "properties": {
            key: infer([v[key] for v in present if key in v], f"{path}.{key}") for key in keys}}
        required = [key for key in keys if all(key in v for v in present)]
        if required and not path:
            schema["required"] = required
    elif kind == "array":
        inner = [item for v in present for item in v]
        schema = {"type": "array", "items": infer(inner, path + "[]") if inner else {}}
    elif kind == "string":
        schema = {"type": "string"}
        if all(_INSTANT.match(v) for v in present):
            schema["format"] = "date-time"
        elif all(_DAY.match(v) for v in present):
            schema["format"] = "date"
    else:
        schema = {"type": kind}
    if nullable:
        schema["nullable"] = True
    return schema


def _at(value: Any, place: str) -> list[Any]:
    """The values at ``technicians[].jobs[]`` of an answer."""
    values = [value]
    for step in place.split("."):
        name = step.removesuffix("[]")
        if name:
            values = [v[name] for v in values if isinstance(v, dict) and name in v]
        if step.endswith("[]"):
            values = [item for v in values if isinstance(v, list) for item in v]
    return values


def _replace(schema: dict[str, Any], place: str, component: str) -> None:
    steps = place.split(".")
    for i, step in enumerate(steps):
        name, last = step.removesuffix("[]"), i == len(steps) - 1
        holder, key = (schema["properties"], name) if name else ({"": schema}, "")
        if step.endswith("[]"):
            holder, key = holder[key], "items"
        if last:
            holder[key] = {"$ref": f"#/components/schemas/{component}"}
        else:
            schema = holder[key]


def build(recordings: list[Path]) -> dict[str, Any]:
    answers: dict[tuple[str, str], list[Any]] = collections.defaultdict(list)
    statuses: dict[tuple[str, str], int] = {}
    for line in (text for r in recordings for text in r.read_text().splitlines()):
        record = json.loads(line)
        key = (record["method"], record["path"])
        if 200 <= record["status"] < 300 and record["body"] is not None:
            answers[key].append(record["body"])
            statuses[key] = record["status"]
    whole = {(m, p): name for name, keys in GROUPS.items() for m, p, *place in keys if not place}
    parts = [(name, (m, p), place[0]) for name, keys in GROUPS.items()
             for m, p, *place in keys if place]
    components = {name: infer([v for m, p, *place in keys for b in answers.get((m, p), [])
                               for v in (_at(b, place[0]) if place else [b])])
                  for name, keys in GROUPS.items()}
    operations = {}
    for key in sorted(answers):
        if key in whole:
            schema = {"$ref": f"#/components/schemas/{whole[key]}"}
        else:
            schema = infer(answers[key])
            for name, _key, place in (p for p in parts if p[1] == key):
                _replace(schema, place, name)
        operations[f"{key[0]} {key[1]}"] = {"status": statuses[key], "schema": schema}
    return {"components": components, "operations": operations}


def main(argv: list[str]) -> None:
    built = build([Path(arg) for arg in argv[1:]])
    OUT.write_text(json.dumps(built, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"{OUT}: {len(built['operations'])} operations, "
          f"{len(built['components'])} components")


if __name__ == "__main__":
    main(sys.argv)
