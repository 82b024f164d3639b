"""The answers of every operation: the success status and the schema of its body.

The shapes come from answers.json, learnt from real answers (tests/openapi_answers.py writes
it; tests/api/test_openapi_contract.py checks the API still answers so); the domain's
constants are laid over them here: the states a status may have, the choices of a field.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..domain import booking as bk
from ..domain import care
from ..domain import retention as rt
from ..domain import campaigns as cm
from ..domain import complaints as cpl
from ..domain import repair_order as ro
from ..domain import staff as sf
from . import schemas as s

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def json_answer(schema: Schema, description: str = "OK") -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR: Schema = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "a stable snake_case identifier"},
        "message": {"type": "string", "description": "in the language Accept-Language asks"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "alternatives": {"type": "array", "items": {"type": "string", "format": "date-time"},
                     "description": "409 slot_full: the nearest free slots"},
    "retry_after": {"type": "integer", "description": "429: seconds to wait"}}}

# (component or "METHOD path", dotted place in the answer) -> what the domain says of it
LINE_STATUSES = (ro.DRAFT, ro.PENDING, ro.LINE_APPROVED, ro.DECLINED, ro.LINE_IN_WORK, ro.DONE)
MONEY_TEXT = {"description": "CNY, exact decimal text", "example": "680.00"}
OVERLAYS: dict[tuple[str, str], Schema] = {
    ("StaffOrder", "status"): {"enum": list(ro.STATUSES)},
    ("StaffOrder", "lines[].status"): {"enum": list(LINE_STATUSES)},
    ("StaffOrder", "lines[].kind"): {"enum": list(ro.LINE_KINDS)},
    ("StaffOrder", "lines[].pay_type"): {"enum": list(ro.PAY_TYPES)},
    ("StaffOrder", "version"): {"description": "send it back with a change of the order"},
    ("Job", "status"): {"enum": list(ro.STATUSES)},
    ("Booking", "status"): {"enum": list(bk.STATUSES)},
    ("Booking", "reschedules_left"): {"description": "moves left through the link; then 409 "
                                                     "too_many_changes (call the store)"},
    ("DeskBooking", "status"): {"enum": list(bk.STATUSES)},
    ("DeskBooking", "channel"): {"enum": list(bk.CHANNELS)},
    ("DeskBooking", "transport"): {"enum": list(bk.TRANSPORTS)},
    ("Complaint", "status"): {"enum": [cpl.OPEN, cpl.RESOLVED]},
    ("Complaint", "severity"): {"enum": list(cpl.SEVERITIES)},
    ("Complaint", "source"): {"enum": list(cpl.SOURCES)},
    ("BookingCreated", "status"): {"enum": [bk.BOOKED]},
    ("BookingCreated", "manage_url"): {"format": "uri",
                                       "description": "the customer's link, with its token"},
    ("Service", "price_estimate"): MONEY_TEXT,
    ("Slots", "closed_reason"): {"enum": ["past", "beyond_horizon", "closed"]},
    ("Slots", "slots[].available"): {"description": "how many more bookings it takes now"},
    ("GET /api/staff/me", "roles[]"): {"enum": list(sf.ROLES)},
    # issue 15 (INVITE): an invitation's personal link
    ("GET /api/invitations/{invitation_id}", "kind"): {"enum": list(care.KINDS)},
    ("GET /api/invitations/{invitation_id}", "customer.phone"): {
        "description": "masked (138****8000): send it back as is, the link proves the mobile"},
    ("GET /api/invitations/{invitation_id}", "services[]"): {
        "description": "service codes to tick (those still in the catalogue)"},
    ("GET /api/invitations/{invitation_id}", "items[]"): {
        "description": "declined work or recall text, shown as the concern"},
    ("GET /api/invitations/{invitation_id}", "valid_until"): {
        "description": "the link books until then; later: 403 invalid_token"},
    ("GET /api/invitations/{invitation_id}", "marketing"): {
        "description": "a marketing invitation (event, anniversary): the page offers 退订"},
    ("GET /api/invitations/{invitation_id}", "booked"): {
        "description": "already booked from: another booking is not attributed again"},
    # issue 15, part CALLS
    ("CareCall", "kind"): {"enum": list(care.KINDS)},
    ("CareCall", "call_status"): {"enum": [care.CALL_OPEN, care.CALL_DONE, None]},
    ("CareCall", "calls[].outcome"): {"enum": list(care.CALL_OUTCOMES)},
    ("VehicleFile", "timeline[].type"): {"enum": list(rt.TIMELINE_TYPES)},
}
# issue 15 part CAMPAIGNS: what a draft leaves empty, the rates without a base (null)
_RATE = {"type": "number", "nullable": True, "description": "percent; null when nothing to divide by"}
_NULL_DAY = {"type": "string", "format": "date", "nullable": True}
_NULL_KM = {"type": "integer", "nullable": True}
OVERLAYS.update({
    ("Campaign", "status"): {"enum": list(cm.STATUSES)},
    ("Campaign", "kind"): {"enum": list(cm.CAMPAIGN_KINDS)},
    ("Campaign", "event_date"): _NULL_DAY,
    ("Campaign", "send_at"): {"nullable": True},
    ("Campaign", "segment.last_visit_from"): _NULL_DAY,
    ("Campaign", "segment.last_visit_to"): _NULL_DAY,
    ("Campaign", "segment.mileage_from"): _NULL_KM,
    ("Campaign", "segment.mileage_to"): _NULL_KM,
    ("Campaign", "outcomes"): {"additionalProperties": {"type": "integer"}},
    ("Campaign", "figures.open_rate"): _RATE,
    ("Campaign", "figures.booking_rate"): _RATE,
    ("Campaign", "figures.arrival_rate"): _RATE,
    ("Campaign", "figures.revenue"): MONEY_TEXT,
    ("GET /api/staff/campaigns", "reminders[].figures.open_rate"): _RATE,
    ("GET /api/staff/campaigns", "reminders[].figures.booking_rate"): _RATE,
    ("GET /api/staff/campaigns", "reminders[].figures.arrival_rate"): _RATE,
    ("POST /api/staff/campaigns/{campaign_id}/recall-vins", "invalid[]"): {
        "type": "object", "properties": {"row": {"type": "integer"},
                                         "value": {"type": "string"}}},
    ("POST /api/staff/campaigns/{campaign_id}/recall-vins", "duplicates[]"): {"type": "string"},
    ("GET /api/staff/campaigns/{campaign_id}/preview", "first[]"): {
        "type": "object", "properties": {
            "vehicle_id": {"type": "string"}, "plate": {"type": "string"},
            "model": {"type": "string"}, "customer_name": {"type": "string"},
            "phone_masked": {"type": "string"}, "last_visit_on": _NULL_DAY,
            "mileage_km": _NULL_KM}},
})


def _place(schema: Schema, dotted: str) -> Schema:
    """The schema at ``lines[].status`` (a KeyError if the answers no longer have it)."""
    for step in dotted.split("."):
        name, is_list = step.removesuffix("[]"), step.endswith("[]")
        if name:
            schema = schema["properties"][name]
        if is_list:
            schema = schema["items"]
    return schema


def _load() -> tuple[dict[str, Schema], dict[tuple[str, str], tuple[int, Schema]]]:
    learnt = json.loads((Path(__file__).with_name("answers.json")).read_text(encoding="utf-8"))
    components: dict[str, Schema] = {
        "Error": ERROR,
        "VerificationRequest": s.obj({"phone": s.PHONE, "locale": s.LOCALE}, ("phone",)),
        "BookingRequest": s._booking_request(desk=False),
        **s.COMPONENTS, **learnt["components"]}
    operations = {tuple(key.split(" ", 1)): (op["status"], op["schema"])
                  for key, op in learnt["operations"].items()}
    for (where, dotted), overlay in OVERLAYS.items():
        schema = (components[where] if " " not in where
                  else operations[tuple(where.split(" ", 1))][1])  # type: ignore[index]
        _place(schema, dotted).update(overlay)
    said = {200: "OK", 201: "Created", 202: "Accepted"}
    answers = {key: (status, json_answer(schema, said[status]))
               for key, (status, schema) in operations.items()}
    answers.update(BY_HAND)
    return components, answers  # type: ignore[return-value]


BY_HAND: dict[tuple[str, str], tuple[int, Schema]] = {
    ("GET", "/api/openapi.json"): (200, json_answer(s.obj(
        {"openapi": {"type": "string"}, "info": {"type": "object"},
         "paths": {"type": "object"}, "components": {"type": "object"}},
        ("openapi", "info", "paths")))),
    ("GET", "/l/{code}"): (302, {"description": "Redirect to the customer page", "headers": {
        "Location": {"schema": {"type": "string", "format": "uri"}}}}),
    ("GET", "/api/staff/orders/{order_id}/print"): (200, {
        "description": "The printable document", "content": {
            "text/html": {"schema": {"type": "string"}}}}),
    ("GET", "/api/staff/pricebook/export"): (200, {
        "description": "The sheet, as a download", "content": {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}}}}),
}

COMPONENTS, ANSWERS = _load()

# errors some operations give beside those their parameters and body imply (openapi.py)
ERRORS: dict[tuple[str, str], tuple[int, ...]] = {
    ("POST", "/api/verifications"): (429,),
    ("POST", "/api/bookings"): (403, 409, 429),   # 403: a bad invitation link (issue 15)
    ("POST", "/api/bookings/{booking_id}/reschedule"): (409,),
    ("POST", "/api/bookings/{booking_id}/cancel"): (409,),
    ("POST", "/api/orders/{order_id}/approval"): (409,),
    ("POST", "/api/orders/{order_id}/survey"): (409,),
    ("POST", "/api/orders/{order_id}/complaint"): (409,),
    ("POST", "/api/auth/login"): (401, 403, 429),
    ("POST", "/api/auth/new-password"): (401, 403),
    ("POST", "/api/auth/refresh"): (401,),
}
