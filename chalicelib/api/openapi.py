"""The OpenAPI 3 document of every route (served at /api/openapi.json).

The routes and their summaries come from here and from the staff route registry; request
bodies and query parameters from ``schemas`` (built on the parsers' own constants), answers
from ``answers``. The document is built once per process and served as the same bytes.
"""
from __future__ import annotations

import functools
import json
import re
from typing import Any

from ..domain import verification
from . import answers, schemas

ERROR = {"$ref": "#/components/schemas/Error"}
# the error answers, once: each operation refers to those it may give
ERROR_ANSWERS = {400: "Malformed request (not JSON, not an object, too large or too deep)",
                 401: "Missing, invalid or expired token",
                 403: "A bad or expired link token, or a role or store that may not call this",
                 404: "Not found", 409: "Conflict: a stale version, or a state that does not "
                                        "allow it (error.code says which)",
                 422: "Invalid field values: error.fields names each",
                 429: "Too many requests: retry_after seconds (also Retry-After)"}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"$ref": f"#/components/responses/E{c}"} for c in codes}


def _path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": schemas.PATH_ENUMS.get(name, {"type": "string"})}


def _token(what: str) -> dict[str, Any]:
    return {"name": "token", "in": "query", "required": True, "schema": {"type": "string"},
            "description": f"Signed token from {what}"}


_MANAGE = _token("manage_url")
_APPROVAL = _token("the approval SMS link")
_ORDER_LINK = _token("the order link (ready or follow-up SMS)")
_INVITATION = _token("the invitation's SMS link (issue 15)")

# the routes outside the staff registry: (method, path) -> summary, extra fields
PUBLIC: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/store"): {"summary": "Store profile: name, address, phone, hours"},
    ("GET", "/api/services"): {"summary": "Service catalogue"},
    ("GET", "/api/slots"): {"summary": "Reception slots of a day", "parameters": [
        {"name": "date", "in": "query", "required": True, "schema": schemas.DAY},
        {"name": "services", "in": "query", "schema": {"type": "string", "example": "MAINT_10K"},
         "description": "comma-separated service codes"}]},
    ("POST", "/api/verifications"): {
        "summary": "Send a one-time code (短信验证码) to a mobile before an online booking",
        "description": f"One SMS per number per {verification.RESEND_SECONDS} s, at most "
                       f"{verification.MAX_SENDS_PER_DAY} per number per day: 429 "
                       "too_many_requests with retry_after and Retry-After. A code is valid "
                       f"{verification.CODE_VALID.seconds // 60} minutes and for "
                       f"{verification.MAX_ATTEMPTS} attempts."},
    ("POST", "/api/bookings"): {
        "summary": "Book a visit", "parameters": [
            {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"},
             "description": "the same request sent again with the same key books once"}],
        "description": "409 slot_full with alternatives: the nearest free slots"},
    ("GET", "/api/bookings/{booking_id}"): {"summary": "The booking, as its customer may see it",
                                            "parameters": [_MANAGE]},
    ("POST", "/api/bookings/{booking_id}/reschedule"): {
        "summary": "Move the booking to another slot", "parameters": [_MANAGE]},
    ("POST", "/api/bookings/{booking_id}/cancel"): {
        "summary": "Cancel the booking with a reason", "parameters": [_MANAGE]},
    ("GET", "/api/orders/{order_id}/approval"): {
        "summary": "The lines a customer is asked to approve (signed SMS link), and the same "
                   "lines as work_items: the jobs decided as one (a labour line with the parts "
                   "fitted in it)", "parameters": [_APPROVAL]},
    ("POST", "/api/orders/{order_id}/approval"): {
        "summary": "The customer approves or declines each job: decisions keyed by the work "
                   "item's id (or by each of its lines' ids, one answer for the whole job)",
        "parameters": [_APPROVAL]},
    ("GET", "/api/orders/{order_id}/status"): {
        "summary": "The customer's order page: progress, report, survey (signed link)",
        "parameters": [_ORDER_LINK]},
    ("POST", "/api/orders/{order_id}/survey"): {
        "summary": "The satisfaction survey: 1-5 stars for attitude, quality, timeliness",
        "parameters": [_ORDER_LINK]},
    ("POST", "/api/orders/{order_id}/complaint"): {
        "summary": "The customer reports a problem from their order link",
        "description": "While the order has an open complaint, the text becomes its note "
                       "(opened: false): no second complaint, no second SMS",
        "parameters": [_ORDER_LINK]},
    ("GET", "/api/invitations/{invitation_id}"): {
        "summary": "The personal booking link of an invitation (邀约): the booking form "
                   "filled in (name, masked mobile, car, projected mileage, services, items)",
        "description": "A wrong, tampered or expired token, or a link past valid_until: 403 "
                       "invalid_token. The first open counts as opened (once)",
        "parameters": [_INVITATION]},
    ("POST", "/api/invitations/{invitation_id}/unsubscribe"): {
        "summary": "The customer stops marketing SMS (退订): the mobile on the store's opt-out "
                   "list, its marketing consent withdrawn; sent again: the same answer",
        "parameters": [_INVITATION]},
    ("GET", "/l/{code}"): {
        "summary": "Short SMS link: redirects to the customer page. A wrong or expired one: "
                   "404 link_not_found, or for a browser (Accept: text/html) a redirect to "
                   "/link.html, which says what to do"},
    ("GET", "/api/openapi.json"): {"summary": "This document"},
    ("POST", "/api/auth/login"): {
        "summary": "Staff sign-in (Amazon Cognito): returns the ID token for Authorization",
        "description": "401 wrong_credentials; 401 new_password_required with challenge and "
                       "session on a first sign-in (answer it at /api/auth/new-password); "
                       "403 for an account of another store"},
    ("POST", "/api/auth/new-password"): {
        "summary": "The first sign-in's new password: answers the login's 401 "
                   "new_password_required (its session) and returns the tokens"},
    ("POST", "/api/auth/refresh"): {"summary": "New tokens from the refresh token"},
}


def _operation(method: str, path: str, base: dict[str, Any], *, staff: bool) -> dict[str, Any]:
    """The operation with its parameters, body and answers."""
    key = (method, path)
    operation = {k: v for k, v in base.items() if k != "parameters"}
    params = [_path_param(name) for name in re.findall(r"{(\w+)}", path)]
    params += base.get("parameters", []) + schemas.QUERIES.get(key, [])
    if params:
        operation["parameters"] = params
    body = schemas.BODIES.get(key)
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": body}}
    status, answer = answers.ANSWERS[key]
    codes: set[int] = set(answers.ERRORS.get(key, ()))
    if body is not None:
        codes |= {400, 422}
    if "{" in path:
        codes.add(404)
    if method in ("POST", "PUT") and path.startswith("/api/staff/"):
        codes.add(409)
    if staff:
        codes |= {401, 403}
    if any(p["name"] == "token" for p in params):
        codes.add(403)
    if any(p["in"] == "query" and p["name"] != "token" for p in params):
        codes.add(422)
    operation["responses"] = {str(status): answer, **_errors(*sorted(codes))}
    return operation


def _paths() -> dict[str, Any]:
    from .staff import STAFF_ROUTES
    paths: dict[str, Any] = {}
    for (method, path), base in PUBLIC.items():
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, base, staff=False)
    for route in STAFF_ROUTES:
        roles = sorted(route.roles)
        base = {"summary": route.summary, "security": [{"staffToken": []}], "x-roles": roles,
                "description": "Roles: " + ", ".join(roles)}
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(
            route.method, route.path, base, staff=True)
    return paths


def document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "4S after-sales service API", "version": "1.1.0"},
        "paths": _paths(),
        "components": {
            "schemas": answers.COMPONENTS,
            "responses": {f"E{code}": {"description": text,
                                       "content": {"application/json": {"schema": ERROR}}}
                          for code, text in ERROR_ANSWERS.items()},
            "securitySchemes": {"staffToken": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Cognito ID token from POST /api/auth/login"}}},
    }


@functools.lru_cache(maxsize=1)
def document_json() -> str:
    """The document as served: built once per process (it changes only with the code)."""
    return json.dumps(document(), ensure_ascii=False, separators=(",", ":"))
