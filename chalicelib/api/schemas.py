"""The request bodies and query parameters of every operation, as OpenAPI 3.0 schemas.

Each schema states what the route's parser really enforces (required fields, types, enums,
lengths and ranges), built from the parser's own constants in ``chalicelib/domain``: change
a limit there and the document follows. Each body carries an ``example`` the API accepts
(tests/api/test_openapi_contract.py sends them).

Leniencies the parsers allow beyond the documented form (a whole number sent as digits, an
amount as a JSON number, a phone with spaces) are described, not typed: a generated client
sends the canonical form.
"""
from __future__ import annotations

import re
from typing import Any

from ..domain import booking as bk
from ..domain import care
from ..domain import retention as rt
from ..domain import campaigns as cm
from ..domain import complaints as cpl
from ..domain import files
from ..domain import followup as fu
from ..domain import pricebook as pb
from ..domain import reception as rc
from ..domain import repair_order as ro
from ..domain import settings as st
from ..domain import settlement as sm
from ..domain import staff as sf
from ..domain import vehicles as vh
from ..domain import verification as vf
from ..domain import workshop as ws
from ..domain.money import MAX_QUANTITY, MAX_YUAN
from ..domain.store import WEEKDAYS
from ..domain.validation import ID_MAX, INSTANT_EXAMPLE, LOGIN_MAX, VIN_PATTERN

Schema = dict[str, Any]

# ---- field types ---------------------------------------------------------------------------


def text(max_len: int, *, min_len: int = 0, **extra: Any) -> Schema:
    """Text as ``clean_text`` takes it: trimmed, inner blanks collapsed, at most ``max_len``."""
    schema: Schema = {"type": "string", "maxLength": max_len, **extra}
    if min_len:
        schema["minLength"] = min_len
    return schema


def choice(values: Any, **extra: Any) -> Schema:
    return {"type": "string", "enum": list(values), **extra}


def whole(low: int, high: int, **extra: Any) -> Schema:
    return {"type": "integer", "minimum": low, "maximum": high, **extra}


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def array(items: Schema, *, max_items: int | None = None, min_items: int = 0) -> Schema:
    schema: Schema = {"type": "array", "items": items}
    if max_items is not None:
        schema["maxItems"] = max_items
    if min_items:
        schema["minItems"] = min_items
    return schema


# shared parts, served once in components/schemas and referred to
COMPONENTS: dict[str, Schema] = {}


def shared(name: str, schema: Schema) -> Schema:
    COMPONENTS[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


FLAG: Schema = {"type": "boolean"}
DAY: Schema = {"type": "string", "format": "date", "example": "2026-12-01"}
DECIMAL = r"^[0-9]+(\.[0-9]{1,2})?$"
INSTANT: Schema = shared("Instant", {
    "type": "string", "format": "date-time", "example": INSTANT_EXAMPLE,
    "description": "ISO 8601 with its UTC offset"})
MONEY: Schema = shared("Money", {
    "type": "string", "pattern": DECIMAL, "example": "128.50",
    "description": f"yuan, at most 2 decimals, at most {MAX_YUAN:.2f} (a JSON number is "
                   "taken too)"})


def quantity(high: int) -> Schema:
    return {"type": "string", "pattern": DECIMAL, "example": "1.5",
            "description": f"more than 0, at most {high}, at most 2 decimals "
                           "(a JSON number is taken too)"}


PHONE: Schema = shared("Mobile", {
    "type": "string", "example": "13800138000",
    "description": "a mainland China mobile, 11 digits or E.164 (+86...)"})
PLATE: Schema = {"type": "string", "example": "粤B12345",
                 "description": "a mainland licence plate (7 characters, 8 for new energy)"}
VIN: Schema = {"type": "string", "pattern": VIN_PATTERN.pattern, "example": "LSVAU2180N2183294"}
PHOTO_KEY: Schema = shared("PhotoKey", {
    "type": "string", "pattern": "^" + files.UPLOAD_KEY.pattern + "$",
    "description": "the key POST /api/staff/uploads answered, once uploaded"})
SIGNATURE: Schema = shared("Signature", {
    "type": "string", "pattern": "^" + re.escape(files.DATA_URL_PREFIX),
    "maxLength": files.MAX_SIGNATURE_BYTES * 4 // 3 + 100,
    "description": "the signature canvas as a PNG data URL"})
VERSION: Schema = shared("Version", {
    "type": "integer", "minimum": 0,
    "description": "the version you read: a stale one is 409 <record>_changed"})
LOGIN: Schema = text(LOGIN_MAX, description="a staff login")


def photos(limit: int) -> Schema:
    return array(PHOTO_KEY, max_items=limit)


def versioned(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any
              ) -> Schema:
    """A change of a record: the body names the version it was made on."""
    return obj({**properties, "version": VERSION}, ("version", *required), **extra)


CUSTOMER = shared("Customer", obj({"name": text(bk.NAME_MAX, min_len=1), "phone": PHONE},
                                  ("name", "phone")))
VEHICLE_FIELDS = {"plate": PLATE, "vin": VIN, "model": text(bk.MODEL_MAX),
                  "mileage_km": whole(0, bk.MAX_MILEAGE)}
VEHICLE = shared("Vehicle", obj(VEHICLE_FIELDS, ("plate",)))
CONCERN = shared("Concern", obj(
    {k: text(bk.CONCERN_MAX) for k in bk.CONCERN_FIELDS}, additionalProperties=False,
    description="the customer's concern: what, where, noise, frequency, when"))
LOCALE = choice(bk.LOCALES, description="the language of the customer's SMS")
SERVICES = array({"type": "string", "example": "MAINT_10K"}, min_items=1,
                 max_items=bk.MAX_SERVICES)
LOST = {"lost_reason": choice(bk.LOST_REASONS),
        "note": text(bk.MAX_NOTE, description="required for lost_reason other")}
DECISIONS = {"type": "object", "minProperties": 1,
             "additionalProperties": choice(ro.DECISIONS),
             "description": "per work item id (or line id): approved or declined"}
LINE_FIELDS = {"kind": choice(ro.LINE_KINDS),
            "description": text(ro.DESCRIPTION_MAX, min_len=1,
                                description="required unless the price book fills it"),
            "pay_type": choice(ro.PAY_TYPES),
            "part_number": text(ro.CODE_MAX, description="part: a price book number fills "
                                "description and unit_price"),
            "quantity": quantity(MAX_QUANTITY), "unit_price": MONEY,
            "operation": text(ro.CODE_MAX, description="labour: a price book code fills "
                              "description and hours"),
            "hours": quantity(ro.MAX_LINE_HOURS),
            "rate": {**MONEY, "description": "labour: yuan per hour (default: the store's rate)"},
            "reason": text(ro.DESCRIPTION_MAX, description="why the price is below the list"),
            "labor_line": text(ro.LINE_ID_MAX, description="part: the labour line it is fitted in"),
            "photo_keys": photos(ro.MAX_LINE_PHOTOS), "version": VERSION}
LINE = shared("Line", obj(LINE_FIELDS, ("kind", "version"), anyOf=[
    {"required": ["part_number"]}, {"required": ["operation"]},
    {"required": ["description", "quantity", "unit_price"]},
    {"required": ["description", "hours"]}], description=(
    "a labour line (operation, hours, rate) or a part line (part_number, quantity, "
    "unit_price), with the order's version. An operation code or part number of the price "
    "book fills what the line leaves out (description, hours; description, unit_price, "
    "quantity 1); one typed by hand needs them")))
PART_EXAMPLE = {"kind": "part", "part_number": "1K0698151", "description": "前刹车片",
                "quantity": "1", "unit_price": "420.00", "pay_type": "customer"}
SIGNATURE_EXAMPLE = ("data:image/png;base64,"
                     "iVBORw0KGgoAAAANSUhEUgAAAAYAAAAECAYAAACtBE5DAAAAb0lEQVR4nAFkAJv/AEQggjz95vHCazD5"
                     "DsfdAeSIdTSiDwsNBADDbtgOceD9d7B2cOuUC9UzX5c9qthhm5EA/8kR9XzO1Fi7vyzgN1PJvfoP8Bad"
                     "yVdWAHQGZnbPsLTriQLEQmnaHPa6ZtP4ttSxAMWwM6Ty725qAAAAAElFTkSuQmCC")
BOOKING_EXAMPLE = {"customer": {"name": "王先生", "phone": "13800138000"},
                   "vehicle": {"plate": "粤B12345", "vin": "LSVAU2180N2183294", "model": "Lavida",
                               "mileage_km": 15230},
                   "services": ["MAINT_10K"], "slot_start": "2026-12-01T09:00:00+08:00",
                   "concern": {"what": "刹车异响", "where": "左前轮"}, "transport": "wait"}


def _booking_request(*, desk: bool) -> Schema:
    properties: dict[str, Schema] = {
        "customer": CUSTOMER, "vehicle": VEHICLE, "services": SERVICES, "slot_start": INSTANT,
        "concern": CONCERN, "transport": choice(bk.TRANSPORTS), "locale": LOCALE}
    # issue 15 (INVITE): the customer's answer to marketing SMS, and the invitation booked from
    properties["marketing_consent"] = {**FLAG, "description": (
        "the customer accepts offers by SMS beyond service reminders (营销短信授权), recorded "
        "for this mobile; left out: nothing recorded")}
    if desk:
        properties["channel"] = choice([c for c in bk.CHANNELS if c != "online"])
        properties["note"] = text(bk.MAX_NOTE, description="the desk's note for the visit")
        properties["invitation_id"] = text(ID_MAX, description=(
            "the invitation (邀约) the clerk books from, e.g. a retention call: attributed "
            "to it (its first booking counts as booked)"))
    else:
        properties["verification"] = obj(
            {"id": {"type": "string"},
             "code": {"type": "string", "pattern": f"^[0-9]{{{vf.CODE_DIGITS}}}$"}},
            ("id", "code"), description="the SMS code of the customer's phone (store setting "
                                        "verify_phone; ignored when it is off)")
        properties["invitation"] = obj(
            {"id": {"type": "string"}, "token": {"type": "string"}}, ("id", "token"),
            description=(
                "the personal link (邀约) the booking is made from (invalid or past its "
                "valid_until: 403 invalid_token). It proves the invitation's mobile: "
                "customer.phone may be left empty or sent masked as the invitation shows "
                "it (138****8000) and the invitation's mobile is booked, without "
                "verification; another mobile needs its code as usual. The invitation's "
                "first booking is attributed to it"))
    return obj(properties, ("customer", "vehicle", "services", "slot_start"))


CHECKIN = obj({
    "booking_id": text(ID_MAX, description="the booking the car came for (none: a walk-in)"),
    "customer": CUSTOMER,
    "vehicle": obj({**VEHICLE_FIELDS, "sale_date": DAY}, ("plate",)),
    "mileage_km": whole(0, bk.MAX_MILEAGE), "fuel_level": choice(rc.FUEL_LEVELS),
    "covers_fitted": FLAG, "interior": choice(rc.INTERIOR),
    "interior_note": text(rc.NOTE_MAX), "valuables_reminded": FLAG, "concern": CONCERN,
    "findings": text(rc.FINDINGS_MAX), "old_parts": choice(rc.OLD_PARTS), "wash": FLAG,
    "contact_preference": choice(rc.CONTACT_PREFERENCES),
    "damage": array(obj({"zone": choice(rc.ZONES), "kind": choice(rc.DAMAGE_KINDS),
                         "note": text(rc.NOTE_MAX), "photo_keys": photos(rc.MAX_MARK_PHOTOS)},
                        ("zone", "kind")), max_items=rc.MAX_DAMAGE_MARKS),
    "photo_keys": photos(rc.MAX_PHOTOS),
    "services": array({"type": "string"}, max_items=bk.MAX_SERVICES),
    "promised_at": {**INSTANT, "description": "when the car will be ready: later than now"},
    "signature": SIGNATURE,
    "technician": {**LOGIN, "description": "who gets the job ('' for nobody yet; left out: "
                                           "the booking's pre-assigned technician)"}},
    ("customer", "vehicle", "mileage_km", "fuel_level", "covers_fitted", "valuables_reminded",
     "old_parts", "wash", "signature"))
CHECKIN_EXAMPLE = {
    "customer": {"name": "李女士", "phone": "13900139000"},
    "vehicle": {"plate": "粤B54321", "vin": "LSVAU2180N2183294", "model": "Lavida",
                "sale_date": "2024-06-01"},
    "mileage_km": 15302, "fuel_level": "half", "covers_fitted": True, "interior": "clean",
    "valuables_reminded": True, "concern": {"what": "刹车异响", "where": "左前轮"},
    "findings": "左前刹车片剩余2mm", "old_parts": "take_home", "wash": True,
    "contact_preference": "phone",
    "damage": [{"zone": "left_front_door", "kind": "scratch", "note": "10cm"}],
    "promised_at": "2026-12-01T18:00:00+08:00", "signature": SIGNATURE_EXAMPLE}

HHMM = "^" + st._HHMM.pattern + "$"   # the parser's own pattern of a time of day
_SETTINGS_PROPERTIES: dict[str, Schema] = {
    **{key: text(max_len, min_len=1 if needed else 0)
       for key, (max_len, needed) in st.TEXT_FIELDS.items()},
    "phone": text(st.PHONE_MAX, description="the store's phone: digits, spaces and dashes"),
    **{key: whole(low, high) for key, (low, high) in st.INT_FIELDS.items()},
    "slot_minutes": {"type": "integer", "enum": list(st.SLOT_CHOICES)},
    "opening_hours": obj({day: {"type": "array", "items": {"type": "string",
                                                          "pattern": HHMM},
                                "description": "[opens, closes]; [] or null: closed"}
                          for day in WEEKDAYS}, additionalProperties=False),
    "special_hours": {"type": "object", "description": "YYYY-MM-DD: [opens, closes]",
                      "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    "closed_dates": array(DAY),
    "quiet_start": {"type": "string", "pattern": HHMM, "example": "21:00"},
    "quiet_end": {"type": "string", "pattern": HHMM, "example": "08:00"},
    "sms_signature": text(st.SMS_SIGNATURE[1], min_len=st.SMS_SIGNATURE[0]),
    "tax_rate_percent": {"type": "string", "example": "13",
                         "description": f"0 to {st.MAX_TAX_PERCENT}, at most 2 decimals"},
    "labor_rate": MONEY,
    "discount_limits": obj({role: whole(0, 100) for role in st.DISCOUNT_ROLES},
                           additionalProperties=False),
    "bays": array(text(st.BAY_NAME_MAX, min_len=1), min_items=1, max_items=st.MAX_BAYS),
    "qc_checklists": obj({level: array(obj({"code": {"type": "string"},
                                             **{k: text(n, min_len=1)
                                                for k, n in st.CHECK_ITEM_MAX.items()}},
                                            ("zh", "en")),
                                        min_items=1, max_items=st.MAX_CHECK_ITEMS)
                          for level in st.QC_LEVELS}, additionalProperties=False),
    "followup_days": array(whole(*st.FOLLOWUP_DAYS), min_items=2, max_items=2),
    "verify_phone": FLAG,
}
SETTINGS_CHANGE = obj({"version": VERSION, "apply_affected": FLAG, **_SETTINGS_PROPERTIES},
                      ("version",), additionalProperties=False,
                      description="the settings to change (others keep their value); "
                                  "apply_affected: save even if bookings are stranded")

PB_OPERATION = {"code": text(pb.CODE_MAX, pattern="^" + pb.CODE_PATTERN.pattern + "$"),
                "name": text(pb.NAME_MAX, min_len=1), "name_en": text(pb.NAME_EN_MAX),
                "hours": quantity(pb.MAX_HOURS)}
PB_PART = {"number": text(pb.CODE_MAX, pattern="^" + pb.PART_NUMBER_PATTERN.pattern + "$"),
           "name": text(pb.NAME_MAX, min_len=1), "name_en": text(pb.NAME_EN_MAX),
           "unit_price": MONEY, "unit": choice(pb.UNITS), "stock": whole(0, pb.MAX_STOCK)}
PB_PACKAGE = {"code": PB_OPERATION["code"], "name": text(pb.NAME_MAX, min_len=1),
              "name_en": text(pb.NAME_EN_MAX), "category": choice(pb.CATEGORIES),
              "position": whole(0, pb.MAX_POSITION),
              "handling_minutes": whole(0, pb.MAX_HANDLING), "test_drive": FLAG,
              "items": array(obj({"kind": choice((pb.LABOR_LINE, pb.PART_LINE)),
                                  "code": {"type": "string", "minLength": 1},
                                  "rate": MONEY, "quantity": quantity(pb.MAX_QUANTITY)},
                                 ("kind", "code")),
                             min_items=1, max_items=pb.MAX_PACKAGE_LINES)}
PRICEBOOK_ENTRY = {
    "oneOf": [obj(PB_OPERATION, ("code", "name", "hours"), title="operation"),
              obj(PB_PART, ("number", "name", "unit_price"), title="part"),
              obj(PB_PACKAGE, ("code", "name", "items"), title="package")],
    "description": "by {kind}: an operation, a part or a package"}
PRICEBOOK_CHANGE = {
    "oneOf": [obj({**{k: v for k, v in PB_OPERATION.items() if k != "code"}, "version": VERSION},
                  ("version", "name", "hours"), title="operation"),
              obj({**{k: v for k, v in PB_PART.items() if k != "number"}, "version": VERSION},
                  ("version", "name", "unit_price"), title="part"),
              obj({**{k: v for k, v in PB_PACKAGE.items() if k != "code"}, "version": VERSION},
                  ("version", "name", "items"), title="package")],
    "description": "the whole entry as it is to be, by {kind}, with the version read"}

ACCOUNT = {"name": text(sf.NAME_MAX, min_len=1),
           "roles": array(choice(sf.ROLES), min_items=1),
           "mobile": {**PHONE, "description": "a mainland mobile, or '' for none"}}


NEW_PROMISE = {**INSTANT, "description": "when the car will be ready: required for additional "
                                        "work (an estimate keeps the order's promise)"}


def _body(schema: Schema, example: Any) -> dict[str, Any]:
    return {"schema": schema, "example": example}


# (METHOD, path) -> the JSON body: its schema and an example the API accepts
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/verifications"): _body(
        {"$ref": "#/components/schemas/VerificationRequest"},
        {"phone": "13800138000", "locale": "zh-CN"}),
    ("POST", "/api/bookings"): _body({"$ref": "#/components/schemas/BookingRequest"},
                                     BOOKING_EXAMPLE),
    ("POST", "/api/bookings/{booking_id}/reschedule"): _body(
        obj({"slot_start": INSTANT}, ("slot_start",)),
        {"slot_start": "2026-12-02T10:00:00+08:00"}),
    ("POST", "/api/bookings/{booking_id}/cancel"): _body(
        obj({"reason": text(bk.REASON_MAX, min_len=1)}, ("reason",)), {"reason": "临时有事"}),
    ("POST", "/api/orders/{order_id}/approval"): _body(
        obj({"decisions": DECISIONS}, ("decisions",)), {"decisions": {"w1": "approved"}}),
    ("POST", "/api/orders/{order_id}/survey"): _body(
        obj({**{k: whole(*fu.STARS) for k in fu.SCORES}, "comment": text(fu.NOTE_MAX)},
            tuple(fu.SCORES)),
        {"attitude": 5, "quality": 5, "timeliness": 4, "comment": "服务很好"}),
    ("POST", "/api/orders/{order_id}/complaint"): _body(
        obj({"description": text(cpl.DESCRIPTION_MAX, min_len=1),
             "staff_involved": text(cpl.STAFF_INVOLVED_MAX)}, ("description",)),
        {"description": "车辆还有异响"}),
    ("POST", "/api/auth/login"): _body(
        obj({"username": text(sf.SIGN_IN_NAME_MAX, min_len=1),
             "password": {"type": "string", "minLength": 1,
                          "maxLength": sf.PASSWORD_MAX_LENGTH, "format": "password"}},
            ("username", "password")),
        {"username": "advisor", "password": "Demo-2026!"}),
    ("POST", "/api/auth/new-password"): _body(
        obj({"username": text(sf.SIGN_IN_NAME_MAX, min_len=1), "session": {"type": "string"},
             "new_password": {"type": "string", "format": "password",
                              "minLength": sf.PASSWORD_MIN_LENGTH,
                              "maxLength": sf.PASSWORD_MAX_LENGTH,
                              "description": "a digit and a lowercase letter at least"}},
            ("username", "session", "new_password")),
        {"username": "zhou.tech", "session": "the login's session",
         "new_password": "zhou2026shop"}),
    ("POST", "/api/auth/refresh"): _body(
        obj({"refresh_token": {"type": "string", "minLength": 1}}, ("refresh_token",)),
        {"refresh_token": "the login's refresh_token"}),
    # ---- the desk
    ("POST", "/api/staff/bookings"): _body(
        _booking_request(desk=True),
        {**BOOKING_EXAMPLE, "channel": "phone", "slot_start": "2026-12-01T11:00:00+08:00",
         "customer": {"name": "赵先生", "phone": "13700137000"},
         "vehicle": {"plate": "粤A66666"}, "note": "电话预约"}),
    ("POST", "/api/staff/bookings/{booking_id}/prepare"): _body(
        obj({"version": VERSION, "advisor": LOGIN, "technician": LOGIN, "parts_ready": FLAG},
            anyOf=[{"required": ["advisor"]}, {"required": ["technician"]},
                   {"required": ["parts_ready"]}],
            description="at least one of advisor, technician, parts_ready"),
        {"advisor": "advisor", "technician": "technician", "parts_ready": True}),
    ("POST", "/api/staff/bookings/{booking_id}/confirm"): _body(
        obj({"version": VERSION}), {"version": 1}),
    ("POST", "/api/staff/bookings/{booking_id}/no-show"): _body(
        obj({"reason": text(bk.REASON_MAX, min_len=1), "version": VERSION}, ("reason",)),
        {"reason": "未到店, 电话未接"}),
    ("POST", "/api/staff/bookings/{booking_id}/cancel"): _body(
        versioned(LOST, ("lost_reason",)), {"version": 1, "lost_reason": "bad_time"}),
    ("POST", "/api/staff/bookings/{booking_id}/reschedule"): _body(
        versioned({"slot_start": INSTANT}, ("slot_start",)),
        {"version": 1, "slot_start": "2026-12-02T14:00:00+08:00"}),
    ("POST", "/api/staff/bookings/{booking_id}/calls"): _body(
        versioned({"outcome": choice(bk.CALL_OUTCOMES),
                   "slot_start": {**INSTANT, "description": "rescheduled: the time agreed"},
                   **LOST}, ("outcome",),
                  description="rescheduled needs slot_start; cancelled needs lost_reason"),
        {"version": 1, "outcome": "not_reached", "note": "无人接听"}),
    ("PUT", "/api/staff/customers/{customer_id}"): _body(
        versioned({"name": text(bk.NAME_MAX, min_len=1), "phone": PHONE}),
        {"version": 1, "name": "王先生", "phone": "13800138000"}),
    ("PUT", "/api/staff/vehicles/{vehicle_id}"): _body(
        versioned({**VEHICLE_FIELDS, "sale_date": DAY,
                   "reason": text(bk.REASON_MAX, description="required to lower the mileage "
                                                             "(manager only)")}),
        {"version": 1, "model": "Lavida 1.5L", "mileage_km": 16000}),
    # ---- reception and the order
    ("POST", "/api/staff/uploads"): _body(
        obj({"content_type": choice(files.PHOTO_TYPES),
             "size": whole(1, files.MAX_PHOTO_BYTES, description="bytes")},
            ("content_type", "size")),
        {"content_type": "image/jpeg", "size": 250000}),
    ("POST", "/api/staff/checkins"): _body(CHECKIN, CHECKIN_EXAMPLE),
    ("POST", "/api/staff/orders/{order_id}/lines"): _body(LINE, {**PART_EXAMPLE, "version": 1}),
    ("PUT", "/api/staff/orders/{order_id}/lines/{line_id}"): _body(
        LINE, {**PART_EXAMPLE, "unit_price": "400.00", "version": 1}),
    ("POST", "/api/staff/orders/{order_id}/lines/{line_id}/remove"): _body(
        versioned({}), {"version": 1}),
    ("POST", "/api/staff/orders/{order_id}/promise"): _body(
        versioned({"promised_at": INSTANT}, ("promised_at",)),
        {"version": 1, "promised_at": "2026-12-01T17:00:00+08:00"}),
    ("POST", "/api/staff/orders/{order_id}/send-approval"): _body(
        versioned({"promised_at": NEW_PROMISE}), {"version": 1}),
    ("POST", "/api/staff/orders/{order_id}/approve-in-store"): _body(
        versioned({"decisions": DECISIONS, "signature": SIGNATURE, "promised_at": NEW_PROMISE},
                  ("decisions", "signature")),
        {"version": 1, "decisions": {"w1": "approved"}, "signature": SIGNATURE_EXAMPLE,
         "promised_at": "2026-12-01T17:30:00+08:00"}),
    ("POST", "/api/staff/orders/{order_id}/lines/{line_id}/start"): _body(
        versioned({}), {"version": 1}),
    ("POST", "/api/staff/orders/{order_id}/resend-link"): _body(versioned({}), {"version": 1}),
    # ---- the workshop
    ("POST", "/api/staff/orders/{order_id}/findings"): _body(
        versioned({"description": text(ws.FINDING_MAX, min_len=1),
                   "photo_keys": photos(ws.MAX_FINDING_PHOTOS)}, ("description",)),
        {"version": 1, "description": "后刹车片磨损严重"}),
    ("POST", "/api/staff/orders/{order_id}/dispatch"): _body(
        versioned({"technician": {**LOGIN, "minLength": 1}, "bay": text(ws.BAY_MAX),
                   "note": text(ws.NOTE_MAX)}, ("technician",)),
        {"version": 1, "technician": "technician", "bay": "2"}),
    ("POST", "/api/staff/orders/{order_id}/clock"): _body(
        versioned({"action": choice(ws.CLOCK_ACTIONS),
                   "reason": choice(ws.PAUSE_REASONS, description="pause: why"),
                   "note": text(ws.NOTE_MAX, description="required for reason other")},
                  ("action",)),
        {"version": 1, "action": "start"}),
    ("POST", "/api/staff/orders/{order_id}/quality-check"): _body(
        versioned({"level": choice(ws.LEVELS),
                   "items": {"type": "object", "additionalProperties": choice((ws.PASS, ws.FAIL)),
                             "description": "every item of the level's checklist (GET "
                                            "/api/staff/settings): pass or fail"},
                   "note": text(ws.QC_NOTE_MAX, description="required when an item fails"),
                   "signature": SIGNATURE,
                   "test_drive": obj({"distance_km": {"type": "number", "exclusiveMinimum": True,
                                                      "minimum": 0,
                                                      "maximum": ws.MAX_TEST_DRIVE_KM},
                                      "findings": text(ws.TEST_DRIVE_FINDINGS_MAX, min_len=1)},
                                     ("distance_km", "findings"),
                                     description="final level of a job that needs a test drive")},
                  ("level", "items", "signature")),
        {"version": 1, "level": "self",
         "items": {code: ws.PASS for code, _zh, _en in ws.CHECKLISTS[ws.SELF]},
         "signature": SIGNATURE_EXAMPLE}),
    ("POST", "/api/staff/orders/{order_id}/wash"): _body(versioned({}), {"version": 1}),
    # ---- settlement and delivery
    ("POST", "/api/staff/orders/{order_id}/settle"): _body(
        versioned({"payment_method": choice(sm.PAYMENT_METHODS),
                   "discount": {**MONEY, "description": "yuan off the customer's amount, "
                                                        "within the role's limit"},
                   "discount_reason": text(sm.DISCOUNT_REASON_MAX,
                                           description="required with a discount")},
                  ("payment_method",)),
        {"version": 1, "payment_method": "wechat_pay"}),
    ("POST", "/api/staff/orders/{order_id}/deliver"): _body(
        versioned({"checklist": obj({item: {"type": "boolean", "enum": [True]}
                                     for item in sm.DELIVERY_CHECKS},
                                    tuple(sm.DELIVERY_CHECKS))}, ("checklist",)),
        {"version": 1, "checklist": {item: True for item in sm.DELIVERY_CHECKS}}),
    # ---- follow-up and complaints
    ("POST", "/api/staff/followups/{order_id}/calls"): _body(
        versioned({"outcome": choice(fu.OUTCOMES), "note": text(fu.NOTE_MAX),
                   "retry_on": {**DAY, "description": f"not_reached: tomorrow to "
                                                      f"{fu.MAX_RETRY_DAYS} days ahead"},
                   "issue": text(fu.ISSUE_MAX, description="issue_raised: what the customer said"),
                   "severity": choice(cpl.SEVERITIES)}, ("outcome",)),
        {"version": 1, "outcome": "satisfied", "note": "客户满意"}),
    ("POST", "/api/staff/complaints"): _body(
        obj({"description": text(cpl.DESCRIPTION_MAX, min_len=1),
             "severity": choice(cpl.SEVERITIES), "staff_involved": text(cpl.STAFF_INVOLVED_MAX),
             "order_id": text(ID_MAX, description="the repair order it is about"),
             "customer_name": text(cpl.CUSTOMER_NAME_MAX,
                                   description="required when no order_id is given"),
             "plate": text(cpl.PLATE_MAX)}, ("description",),
            anyOf=[{"required": ["order_id"]}, {"required": ["customer_name"]}],
            description="about a repair order (order_id) or a customer named here"),
        {"description": "等待时间太长", "severity": "medium", "customer_name": "孙女士",
         "plate": "粤B88888"}),
    ("POST", "/api/staff/complaints/{complaint_id}/notes"): _body(
        versioned({"note": text(cpl.DESCRIPTION_MAX, min_len=1)}, ("note",)),
        {"version": 1, "note": "已致电客户, 致歉"}),
    ("POST", "/api/staff/complaints/{complaint_id}/assign"): _body(
        versioned({"owner": {**LOGIN, "minLength": 1}}, ("owner",)),
        {"version": 1, "owner": "advisor"}),
    ("POST", "/api/staff/complaints/{complaint_id}/resolve"): _body(
        versioned({"resolution": text(cpl.DESCRIPTION_MAX, min_len=1),
                   "customer_accepted": FLAG}, ("resolution", "customer_accepted")),
        {"version": 1, "resolution": "免费复检并致歉", "customer_accepted": True}),
    # ---- retention calls, contact log, marketing consent (issue 15, part CALLS)
    ("POST", "/api/staff/care/invitations/{invitation_id}/calls"): _body(
        versioned({"outcome": choice(care.CALL_OUTCOMES), "note": text(rt.CALL_NOTE_MAX),
                   "retry_on": {**DAY, "description": f"not_reached: tomorrow to "
                                                      f"{rt.MAX_RETRY_DAYS} days ahead"},
                   "next_on": {**DAY, "description": f"not_now: tomorrow to "
                                                     f"{rt.MAX_NEXT_DAYS} days ahead"},
                   "reason": choice(care.LOST_REASONS, description="lost: why")},
                  ("outcome",)),
        {"version": 1, "outcome": "not_reached", "retry_on": "2026-12-05", "note": "无人接听"}),
    ("POST", "/api/staff/customers/{customer_id}/contacts"): _body(
        obj({"direction": choice(care.DIRECTIONS),
             "note": text(care.CONTACT_NOTE_MAX, min_len=1),
             "vehicle_id": text(ID_MAX, description="one of the customer's cars"),
             "outcome": text(rt.CONTACT_OUTCOME_MAX)}, ("direction", "note")),
        {"direction": "in", "note": "客户来电询问首保", "outcome": "已告知"}),
    ("PUT", "/api/staff/customers/{customer_id}/consent"): _body(
        obj({"marketing": FLAG}, ("marketing",)), {"marketing": True}),
    # ---- administration
    ("PUT", "/api/staff/settings"): _body(SETTINGS_CHANGE, {"version": 1, "slot_capacity": 4}),
    ("POST", "/api/staff/pricebook/import"): _body(
        obj({"kind": choice(("operations", "parts")),
             "filename": {"type": "string", "pattern": r"(?i)\.(xlsx|csv)$",
                          "example": "parts.csv"},
             "content": {"type": "string", "format": "byte",
                         "maxLength": pb.MAX_SHEET_BYTES * 4 // 3 + 4,
                         "description": f"the file in base64, at most {pb.MAX_SHEET_ROWS} rows"}},
            ("kind", "filename", "content")),
        {"kind": "parts", "filename": "parts.csv",
         "content": "bnVtYmVyLG5hbWUsdW5pdF9wcmljZQpQRi0wMDEs5py65rK55ruk5riF5ZmoLDQ1LjAwCg=="}),
    ("POST", "/api/staff/pricebook/{kind}"): _body(
        PRICEBOOK_ENTRY, {"code": "LB-WASH-01", "name": "精洗", "name_en": "Detail wash",
                          "hours": "0.5"}),
    ("PUT", "/api/staff/pricebook/{kind}/{code}"): _body(
        PRICEBOOK_CHANGE, {"version": 1, "name": "精洗", "name_en": "Detail wash", "hours": "0.75"}),
    ("POST", "/api/staff/accounts"): _body(
        obj({"username": {"type": "string",
                          "pattern": "^" + sf.USERNAME_PATTERN.pattern + "$"}, **ACCOUNT},
            ("username", "name", "roles")),
        {"username": "zhou.tech", "name": "周师傅", "roles": ["technician"],
         "mobile": "13900139001"}),
    ("PUT", "/api/staff/accounts/{username}"): _body(
        obj(ACCOUNT, anyOf=[{"required": [k]} for k in ACCOUNT],
            description="at least one of name, roles, mobile"),
        {"name": "周师傅", "roles": ["technician", "foreman"]}),
}

# ---- issue 15 part CAMPAIGNS: the campaign form, schedule / cancel, the recall VIN sheet
CAMPAIGN_SEGMENT = shared("CampaignSegment", obj({
    "model": text(cm.MODEL_MAX, description="a model (folded: case and blanks ignored)"),
    "last_visit_from": DAY, "last_visit_to": DAY,
    "mileage_from": whole(0, cm.MILEAGE_MAX, description="a filter only"),
    "mileage_to": whole(0, cm.MILEAGE_MAX, description="a filter only"),
    "due_kind": choice(care.REMINDER_KINDS), "due_within_days": whole(1, cm.DUE_WITHIN_MAX),
    "recall": {"type": "boolean", "description": "the uploaded VIN list (recall, service)"}},
    description="at least one selector: model, last visit between, due_kind, recall"))
CAMPAIGN_FORM = {
    "name": text(cm.NAME_MAX, min_len=1), "kind": choice(cm.CAMPAIGN_KINDS),
    "text": text(cm.TEXT_MAX, min_len=1,
                 description="the SMS text: no links (the personal link is added)"),
    "segment": CAMPAIGN_SEGMENT,
    "event_date": {**DAY, "description": f"events: required; sent {cm.EVENT_LEAD_DAYS} days "
                                         "ahead unless send_at says otherwise"},
    "send_at": {**INSTANT, "description": f"from now to {cm.MAX_SEND_DAYS} days ahead"}}
CAMPAIGN_EXAMPLE = {"name": "冬季保养节", "kind": "promotion", "text": "冬季保养八折,欢迎预约",
                    "segment": {"model": "Lavida", "last_visit_from": "2026-01-01"},
                    "send_at": "2026-12-05T10:00:00+08:00"}
BODIES.update({
    ("POST", "/api/staff/campaigns"): _body(
        obj(CAMPAIGN_FORM, ("name", "kind", "text", "segment")), CAMPAIGN_EXAMPLE),
    ("PUT", "/api/staff/campaigns/{campaign_id}"): _body(
        versioned(CAMPAIGN_FORM, ("name", "kind", "text", "segment")),
        {**CAMPAIGN_EXAMPLE, "version": 1}),
    ("POST", "/api/staff/campaigns/{campaign_id}/schedule"): _body(versioned({}), {"version": 1}),
    ("POST", "/api/staff/campaigns/{campaign_id}/cancel"): _body(versioned({}), {"version": 1}),
    ("POST", "/api/staff/campaigns/{campaign_id}/recall-vins"): _body(
        versioned({"filename": {"type": "string", "pattern": r"(?i)\.(xlsx|csv)$",
                                "example": "recall.csv"},
                   "content": {"type": "string", "format": "byte",
                               "description": f"the file in base64: VINs in the first column, "
                                              f"at most {cm.RECALL_VINS_MAX}"}},
                  ("filename", "content")),
        {"version": 1, "filename": "recall.csv",
         "content": "VklOCkxTVkFVMjE4ME4yMTgzMjk0Cg=="}),
})

# the query parameters of the GET routes (path parameters are found in the path)
_DATE_Q = {"name": "date", "in": "query", "schema": DAY,
           "description": "YYYY-MM-DD (default: today)"}


def _q(name: str, schema: Schema, description: str = "", required: bool = False) -> Schema:
    param: Schema = {"name": name, "in": "query", "schema": schema}
    if required:
        param["required"] = True
    if description:
        param["description"] = description
    return param


QUERIES: dict[tuple[str, str], list[Schema]] = {
    ("GET", "/api/staff/board"): [_DATE_Q],
    ("GET", "/api/staff/calls"): [{**_DATE_Q, "description": "YYYY-MM-DD (default: tomorrow)"}],
    ("GET", "/api/staff/slots"): [
        {**_DATE_Q, "required": True},
        _q("services", {"type": "string", "example": "MAINT_10K"}, "comma-separated service codes"),
        _q("channel", choice([c for c in bk.CHANNELS if c != "online"]), "default phone")],
    ("GET", "/api/staff/search"): [
        _q("q", text(vh.MAX_SEARCH, min_len=vh.MIN_SEARCH, example="粤B12"),
           "part of a plate, name, mobile (or its last 4), VIN", required=True)],
    ("GET", "/api/staff/orders"): [_DATE_Q, _q("scope", choice(("in_store",)),
                                               "in_store: every car in the store")],
    ("GET", "/api/staff/followups"): [_DATE_Q],
    ("GET", "/api/staff/care/calls"): [_DATE_Q],
    ("GET", "/api/staff/orders/{order_id}/print"): [
        _q("doc", choice(("order", "checkin", "invoice", "report")), "default order"),
        _q("lang", LOCALE, "the document's language (default: the customer's)")],
    ("GET", "/api/staff/pricebook/search"): [_q("q", {"type": "string", "minLength": pb.MIN_QUERY},
                                                "code, name, pinyin initials", required=True)],
    ("GET", "/api/staff/pricebook/export"): [
        _q("kind", choice(("operations", "parts")), required=True),
        _q("format", choice(("xlsx", "csv")), "default xlsx")],
    ("GET", "/api/staff/pricebook/{kind}"): [
        _q("after", {"type": "string"}, "the next page: the answer's next"),
        _q("q", {"type": "string"}, "filter by code or name")],
    ("GET", "/api/staff/settings/holidays"): [_q("year", {"type": "integer", "example": 2027},
                                                  "last year to two years ahead (default: this year)")],
}

# path parameters with a closed set of values
PATH_ENUMS: dict[str, Schema] = {
    "kind": choice(("operations", "parts", "packages")),
}
