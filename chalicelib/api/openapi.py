"""The OpenAPI 3 document of every route (served at /api/openapi.json)."""
from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Malformed request", 403: "Bad or expired token", 404: "Not found",
            409: "Conflict", 422: "Invalid field values", 429: "Too many requests"}
    return {str(c): _json(_ERROR, text[c]) for c in codes}


_TOKEN = {"name": "token", "in": "query", "required": True, "schema": {"type": "string"},
          "description": "Signed customer token from manage_url"}
_BOOKING_ID = {"name": "booking_id", "in": "path", "required": True, "schema": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "alternatives": {"type": "array", "items": {"type": "string", "format": "date-time"}},
        "retry_after": {"type": "integer", "description": "429: seconds to wait (also Retry-After)"}}},
    "VerificationRequest": {"type": "object", "required": ["phone"], "properties": {
        "phone": {"type": "string", "example": "13800138000"},
        "locale": {"type": "string", "enum": ["zh-CN", "en"], "description": "SMS language"}}},
    "VerificationSent": {"type": "object", "properties": {
        "verification_id": {"type": "string"},
        "expires_at": {"type": "string", "format": "date-time",
                       "description": "the code is valid until then (10 minutes, 5 attempts)"},
        "resend_after": {"type": "integer", "description": "seconds before another code may go"}}},
    "Service": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "name_en": {"type": "string"},
        "category": {"type": "string"}, "duration_min": {"type": "integer"},
        "labor_hours": {"type": "number"},
        "price_estimate": {"type": "string", "description": "CNY, exact decimal text", "example": "680.00"},
        "currency": {"type": "string"}}},
    "Slots": {"type": "object", "properties": {
        "date": {"type": "string", "format": "date"},
        "closed_reason": {"type": "string", "enum": ["past", "beyond_horizon", "closed"]},
        "slots": {"type": "array", "items": {"type": "object", "properties": {
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
            "available": {"type": "integer"}}}}}},
    "BookingRequest": {"type": "object", "required": ["customer", "vehicle", "services", "slot_start"],
                       "properties": {
        "customer": {"type": "object", "required": ["name", "phone"], "properties": {
            "name": {"type": "string", "maxLength": 30},
            "phone": {"type": "string", "example": "+8613800138000"}}},
        "vehicle": {"type": "object", "required": ["plate"], "properties": {
            "plate": {"type": "string", "example": "粤B12345"},
            "vin": {"type": "string", "minLength": 17, "maxLength": 17},
            "model": {"type": "string", "maxLength": 40},
            "mileage_km": {"type": "integer", "minimum": 0}}},
        "services": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "slot_start": {"type": "string", "format": "date-time"},
        "concern": {"type": "object", "properties": {k: {"type": "string", "maxLength": 200}
                                                     for k in ("what", "where", "noise", "frequency", "when")}},
        "transport": {"type": "string", "enum": ["wait", "drop_off", "loaner", "pickup"]},
        "locale": {"type": "string", "enum": ["zh-CN", "en"], "description": "SMS language"},
        "verification": {"type": "object", "required": ["id", "code"],
                         "description": "the SMS code of the customer's phone (store setting "
                                        "verify_phone; ignored when it is off)",
                         "properties": {"id": {"type": "string"},
                                        "code": {"type": "string", "pattern": "^[0-9]{6}$"}}}}},
    "BookingCreated": {"type": "object", "properties": {
        "id": {"type": "string"}, "reference": {"type": "string"},
        "status": {"type": "string", "enum": ["booked"]},
        "slot_start": {"type": "string", "format": "date-time"},
        "slot_end": {"type": "string", "format": "date-time"},
        "manage_url": {"type": "string", "format": "uri"}}},
    "Booking": {"type": "object", "properties": {
        "id": {"type": "string"}, "reference": {"type": "string"},
        "status": {"type": "string", "enum": ["booked", "cancelled"]},
        "slot_start": {"type": "string", "format": "date-time"},
        "slot_end": {"type": "string", "format": "date-time"},
        "services": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
        "can_change": {"type": "boolean"}, "cancel_reason": {"type": "string", "nullable": True},
        "reschedules_left": {"type": "integer", "description": "moves left through the link; "
                             "then 409 too_many_changes (call the store)"}}},
}


def _staff_paths() -> dict[str, Any]:
    """Every /api/staff route, with the roles that may call it (x-roles), from the registry."""
    import re

    from .staff import STAFF_ROUTES
    paths: dict[str, Any] = {
        "/api/auth/login": {"post": {
            "summary": "Staff sign-in (Amazon Cognito): returns the ID token for Authorization",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["username", "password"], "properties": {
                    "username": {"type": "string"}, "password": {"type": "string"}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 422),
                          "401": _json(_ERROR, "Wrong username or password"),
                          "403": _json(_ERROR, "Account of another store")}}},
        "/api/auth/new-password": {"post": {
            "summary": "The first sign-in's new password: answers the login's 401 "
                       "new_password_required (its session) and returns the tokens",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["username", "session", "new_password"],
                "properties": {"username": {"type": "string"}, "session": {"type": "string"},
                               "new_password": {"type": "string", "minLength": 10}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 422),
                          "401": _json(_ERROR, "The session expired: sign in again"),
                          "403": _json(_ERROR, "Account of another store")}}},
        "/api/auth/refresh": {"post": {
            "summary": "New tokens from the refresh token",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["refresh_token"],
                "properties": {"refresh_token": {"type": "string"}}}}}},
            "responses": {"200": _json({"type": "object"}), "401": _json(_ERROR, "Sign in again")}}},
        "/api/orders/{order_id}/approval": {
            "get": {"summary": "The lines a customer is asked to approve (signed SMS link), "
                               "and the same lines as work_items: the jobs decided as one "
                               "(a labour line with the parts fitted in it)",
                    "parameters": [_ORDER_ID, _APPROVAL_TOKEN],
                    "responses": {"200": _json({"type": "object"}), **_errors(403, 404)}},
            "post": {"summary": "The customer approves or declines each job: decisions "
                                "keyed by the work item's id (or by each of its lines' ids, "
                                "one answer for the whole job)",
                     "parameters": [_ORDER_ID, _APPROVAL_TOKEN],
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["decisions"], "properties": {
                             "decisions": {"type": "object", "additionalProperties": {
                                 "type": "string", "enum": ["approved", "declined"]}}}}}}},
                     "responses": {"200": _json({"type": "object"}),
                                   **_errors(400, 403, 404, 409, 422)}}},
        "/api/orders/{order_id}/status": {"get": {
            "summary": "The customer's order page: progress, report, survey (signed link)",
            "parameters": [_ORDER_ID, _ORDER_TOKEN],
            "responses": {"200": _json({"type": "object"}), **_errors(403, 404)}}},
        "/api/orders/{order_id}/survey": {"post": {
            "summary": "The satisfaction survey: 1-5 stars for attitude, quality, timeliness",
            "parameters": [_ORDER_ID, _ORDER_TOKEN],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["attitude", "quality", "timeliness"],
                "properties": {**{k: {"type": "integer", "minimum": 1, "maximum": 5}
                                  for k in ("attitude", "quality", "timeliness")},
                               "comment": {"type": "string", "maxLength": 500}}}}}},
            "responses": {"200": _json({"type": "object"}), **_errors(400, 403, 404, 409, 422)}}},
        "/api/orders/{order_id}/complaint": {"post": {
            "summary": "The customer reports a problem from their order link",
            "parameters": [_ORDER_ID, _ORDER_TOKEN],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["description"],
                "properties": {"description": {"type": "string", "maxLength": 1000}}}}}},
            "description": "While the order has an open complaint, the text becomes its note "
                           "(opened: false): no second complaint, no second SMS",
            "responses": {"201": _json({"type": "object"}), **_errors(400, 403, 404, 409, 422)}}},
    }
    for route in STAFF_ROUTES:
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in re.findall(r"{(\w+)}", route.path)]
        operation: dict[str, Any] = {
            "summary": route.summary, "security": [{"staffToken": []}],
            "x-roles": sorted(route.roles),
            "description": "Roles: " + ", ".join(sorted(route.roles)),
            "responses": {"200": _json({"type": "object"}), **_errors(400, 404, 409, 422),
                          "401": _json(_ERROR, "Missing, invalid or expired token"),
                          "403": _json(_ERROR, "Role or store may not call this")}}
        if params:
            operation["parameters"] = params
        if route.method in ("POST", "PUT"):
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"type": "object"}}}}
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    return paths


_ORDER_ID = {"name": "order_id", "in": "path", "required": True, "schema": {"type": "string"}}
_APPROVAL_TOKEN = {"name": "token", "in": "query", "required": True, "schema": {"type": "string"},
                   "description": "Signed token from the approval SMS link"}


_ORDER_TOKEN = {"name": "token", "in": "query", "required": True, "schema": {"type": "string"},
                "description": "Signed token from the order link (ready or follow-up SMS)"}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "4S after-sales service API", "version": "1.0.0"},
        "paths": {
            "/api/store": {"get": {"summary": "Store profile", "responses": {"200": _json({"type": "object"})}}},
            "/api/services": {"get": {"summary": "Service catalogue", "responses": {
                "200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Service"}})}}},
            "/api/slots": {"get": {"summary": "Reception slots of a day", "parameters": [
                {"name": "date", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
                {"name": "services", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "comma-separated service codes"}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Slots"}), **_errors(422)}}},
            "/api/verifications": {"post": {
                "summary": "Send a one-time code (短信验证码) to a mobile before an online booking",
                "description": "One SMS per number per 60 s, at most 5 per number per day: "
                               "429 too_many_requests with retry_after and Retry-After.",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/VerificationRequest"}}}},
                "responses": {"202": _json({"$ref": "#/components/schemas/VerificationSent"},
                                           "Code sent"),
                              **_errors(400, 422, 429)}}},
            "/api/bookings": {"post": {
                "summary": "Book a visit", "parameters": [
                    {"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/BookingRequest"}}}},
                "responses": {"201": _json({"$ref": "#/components/schemas/BookingCreated"}, "Booked"),
                              **_errors(400, 409, 422)}}},
            "/api/bookings/{booking_id}": {"get": {
                "summary": "The booking, as its customer may see it", "parameters": [_BOOKING_ID, _TOKEN],
                "responses": {"200": _json({"$ref": "#/components/schemas/Booking"}), **_errors(403, 404)}}},
            "/api/bookings/{booking_id}/reschedule": {"post": {
                "summary": "Move the booking to another slot", "parameters": [_BOOKING_ID, _TOKEN],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["slot_start"],
                    "properties": {"slot_start": {"type": "string", "format": "date-time"}}}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/Booking"}),
                              **_errors(400, 403, 404, 409, 422)}}},
            "/api/bookings/{booking_id}/cancel": {"post": {
                "summary": "Cancel the booking with a reason", "parameters": [_BOOKING_ID, _TOKEN],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["reason"],
                    "properties": {"reason": {"type": "string", "maxLength": 200}}}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/Booking"}),
                              **_errors(400, 403, 404, 409, 422)}}},
            "/l/{code}": {"get": {"summary": "Short SMS link: redirects to the customer page. "
                                             "A wrong or expired one: 404 link_not_found, or for "
                                             "a browser (Accept: text/html) a redirect to "
                                             "/link.html, which says what to do",
                                  "parameters": [{"name": "code", "in": "path", "required": True,
                                                  "schema": {"type": "string"}}],
                                  "responses": {"302": {"description": "Redirect"}, **_errors(404)}}},
            "/api/openapi.json": {"get": {"summary": "This document",
                                          "responses": {"200": _json({"type": "object"})}}},
            **_staff_paths(),
        },
        "components": {"schemas": SCHEMAS, "securitySchemes": {"staffToken": {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "Cognito ID token from POST /api/auth/login"}}},
    }
