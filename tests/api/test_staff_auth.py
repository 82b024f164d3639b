"""Staff sign-in, the built-in authorizer, and the role x route matrix."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from infra.local.identity import DEMO_STAFF

ROLES = ("advisor", "technician", "foreman", "inspector", "cashier", "follow_up", "manager")
USER_OF: dict[str, str] = {}
for _person in DEMO_STAFF:
    if not _person.store_id:
        USER_OF.setdefault(_person.role, _person.username)
ALL = set(ROLES)
DESK = {"advisor", "manager"}
WORKSHOP = {"technician", "foreman", "manager"}
DISPATCH = {"foreman", "manager"}
QUALITY = {"technician", "foreman", "inspector", "manager"}
WASH = {"technician", "foreman", "advisor", "manager"}
CASHIER = {"cashier", "manager"}
FOLLOW_UP = {"follow_up", "manager"}
COMPLAINTS = {"follow_up", "advisor", "manager"}
MANAGER = {"manager"}

# Every staff route and the roles that may call it (the issue's matrix, written out here so a
# change to the routes' roles must be made on purpose in both places).
MATRIX = [
    ("GET", "/api/staff/me", ALL),
    ("GET", "/api/staff/board", ALL),
    ("POST", "/api/staff/bookings", DESK),
    ("GET", "/api/staff/bookings/b1", ALL),
    ("POST", "/api/staff/bookings/b1/prepare", DESK),
    ("POST", "/api/staff/bookings/b1/confirm", DESK),
    ("POST", "/api/staff/bookings/b1/no-show", DESK),
    # the desk's bookings (issue 12): cancel, reschedule, confirmation calls, slot picker
    ("POST", "/api/staff/bookings/b1/cancel", DESK),
    ("POST", "/api/staff/bookings/b1/reschedule", DESK),
    ("POST", "/api/staff/bookings/b1/calls", DESK),
    ("GET", "/api/staff/calls", DESK),
    ("GET", "/api/staff/slots", DESK),
    ("GET", "/api/staff/search?q=粤B12345", ALL),
    ("GET", "/api/staff/customers/c1", ALL),
    ("PUT", "/api/staff/customers/c1", DESK),
    ("GET", "/api/staff/vehicles/v1", ALL),
    ("PUT", "/api/staff/vehicles/v1", DESK),
    ("POST", "/api/staff/uploads", DESK | WORKSHOP),
    ("POST", "/api/staff/checkins", DESK),
    ("GET", "/api/staff/orders", ALL),
    ("GET", "/api/staff/orders/o1", ALL),
    ("POST", "/api/staff/orders/o1/lines", DESK),
    ("PUT", "/api/staff/orders/o1/lines/l1", DESK),
    ("POST", "/api/staff/orders/o1/lines/l1/remove", DESK),
    ("POST", "/api/staff/orders/o1/promise", DESK),
    ("POST", "/api/staff/orders/o1/send-approval", DESK),
    ("POST", "/api/staff/orders/o1/approve-in-store", DESK),
    ("POST", "/api/staff/orders/o1/lines/l1/start", WORKSHOP),
    ("POST", "/api/staff/orders/o1/resend-link", DESK),
    ("GET", "/api/staff/orders/o1/print", ALL - {"technician"}),   # the job view has no prices
    ("GET", "/api/staff/workshop", ALL),
    ("GET", "/api/staff/orders/o1/job", ALL),
    ("POST", "/api/staff/orders/o1/findings", WORKSHOP),
    ("GET", "/api/staff/technicians", ALL),
    ("POST", "/api/staff/orders/o1/dispatch", DISPATCH),
    ("POST", "/api/staff/orders/o1/clock", WORKSHOP),
    ("POST", "/api/staff/orders/o1/quality-check", QUALITY),
    ("POST", "/api/staff/orders/o1/wash", WASH),
    ("POST", "/api/staff/orders/o1/settle", CASHIER),
    ("POST", "/api/staff/orders/o1/deliver", DESK),
    ("GET", "/api/staff/followups", FOLLOW_UP),
    ("POST", "/api/staff/followups/o1/calls", FOLLOW_UP),
    ("GET", "/api/staff/complaints", COMPLAINTS),
    ("POST", "/api/staff/complaints", ALL),
    ("GET", "/api/staff/complaints/k1", COMPLAINTS),
    ("POST", "/api/staff/complaints/k1/notes", COMPLAINTS),
    ("POST", "/api/staff/complaints/k1/assign", MANAGER),
    ("POST", "/api/staff/complaints/k1/resolve", COMPLAINTS),
    # ---- store settings (issue 13) ----
    ("GET", "/api/staff/settings", MANAGER),
    ("PUT", "/api/staff/settings", MANAGER),
    ("GET", "/api/staff/settings/holidays?year=2026", MANAGER),

    # ---- price book (issue 13) ----
    ("GET", "/api/staff/pricebook/search?q=jy", DESK),          # the advisor adds lines from it
    ("GET", "/api/staff/pricebook/export?kind=parts&format=csv", MANAGER),
    ("POST", "/api/staff/pricebook/import", MANAGER),
    ("GET", "/api/staff/pricebook/parts", MANAGER),
    ("POST", "/api/staff/pricebook/parts", MANAGER),
    ("PUT", "/api/staff/pricebook/parts/p1", MANAGER),
    ("GET", "/api/staff/pricebook/parts/p1/history", MANAGER),

    # ---- staff accounts (issue 13) ----
    ("GET", "/api/staff/accounts", MANAGER),
    ("POST", "/api/staff/accounts", MANAGER),
    ("PUT", "/api/staff/accounts/u1", MANAGER),
    ("POST", "/api/staff/accounts/u1/disable", MANAGER),
    ("POST", "/api/staff/accounts/u1/enable", MANAGER),
    ("POST", "/api/staff/accounts/u1/reset-password", MANAGER),

    # ---- bring customers back (issue 15, part CALLS): who phones customers ----
    ("GET", "/api/staff/care/calls", COMPLAINTS),
    ("POST", "/api/staff/care/invitations/i1/calls", COMPLAINTS),
    ("GET", "/api/staff/customers/c1/contacts", COMPLAINTS),
    ("POST", "/api/staff/customers/c1/contacts", COMPLAINTS),
    ("PUT", "/api/staff/customers/c1/consent", COMPLAINTS),
    # ---- (issue 15, part CAMPAIGNS): the manager's campaigns ----
    ("GET", "/api/staff/campaigns", MANAGER),
    ("POST", "/api/staff/campaigns", MANAGER),
    ("GET", "/api/staff/campaigns/m1", MANAGER),
    ("PUT", "/api/staff/campaigns/m1", MANAGER),
    ("GET", "/api/staff/campaigns/m1/preview", MANAGER),
    ("POST", "/api/staff/campaigns/m1/schedule", MANAGER),
    ("POST", "/api/staff/campaigns/m1/cancel", MANAGER),
    ("POST", "/api/staff/campaigns/m1/recall-vins", MANAGER),

]


def _template(path: str) -> str:
    path = path.split("?")[0]
    for concrete, name in (("b1", "booking_id"), ("c1", "customer_id"), ("v1", "vehicle_id"),
                           ("o1", "order_id"), ("l1", "line_id"), ("k1", "complaint_id"),
                           ("u1", "username"), ("parts", "kind"), ("p1", "code"),
                           ("i1", "invitation_id"), ("m1", "campaign_id")):
        path = re.sub(rf"/{concrete}(?=/|$)", "/{%s}" % name, path)
    return path


def test_the_matrix_covers_every_staff_route_with_its_roles():
    from chalicelib.api import accounts, pricebook, settings  # noqa: F401  (register when imported)
    from chalicelib.api import campaigns, care_calls  # noqa: F401  (issue 15)
    from chalicelib.api.staff import STAFF_ROUTES
    declared = {(r.method, r.path): set(r.roles) for r in STAFF_ROUTES}
    assert declared == {(m, _template(p)): roles for m, p, roles in MATRIX}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_let_through_or_refused_as_the_matrix_says(staff, role):
    me = staff.as_(USER_OF[role])
    for method, path, allowed in MATRIX:
        answer = me.send(method, path, {}) if method != "GET" else me.get(path)
        if role in allowed:
            # past the authorizer and the role check: the route itself answered
            assert answer.status_code not in (401, 403), (role, method, path, answer.json_body)
        else:
            assert answer.status_code == 403, (role, method, path, answer.status_code)
            assert answer.json_body["error"]["code"] == "forbidden"


def test_no_token_bad_token_and_expired_token_get_401(staff, clock):
    paths = [path for method, path, _ in MATRIX if method == "GET"]
    for path in paths:
        answer = staff.get(path)
        assert answer.status_code == 401 and answer.json_body["error"]["code"] == "unauthorized"
    token = staff.token("advisor")
    forged = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    for header in (f"Bearer {forged}", "Bearer not.a.jwt", "Basic YWJjOmRlZg=="):
        answer = staff.client.http.get("/api/staff/board", headers={"Authorization": header})
        assert answer.status_code == 401, header
    ok = staff.client.http.get("/api/staff/board", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    clock.shift(timedelta(hours=1, minutes=1))   # Cognito ID tokens last an hour
    late = staff.client.http.get("/api/staff/board", headers={"Authorization": f"Bearer {token}"})
    assert late.status_code == 401 and late.json_body["error"]["code"] == "unauthorized"


def test_a_token_of_another_store_gets_403_and_learns_nothing(staff, api):
    other = staff.as_("other-store")
    for method, path, _ in MATRIX:
        answer = other.send(method, path, {}) if method != "GET" else other.get(path)
        assert answer.status_code == 403, path
        assert answer.json_body == {"error": {"code": "forbidden", "message": "You may not do this"}}


def test_login_answers_tokens_and_who_signed_in(staff):
    answer = staff.login("advisor")
    assert answer.status_code == 200
    body = answer.json_body
    assert body["token_type"] == "Bearer" and body["id_token"].count(".") == 2
    assert body["staff"] == {"username": "advisor", "name": "张顾问", "roles": ["advisor"],
                             "store_id": "demo"}
    refreshed = staff.client.http.post("/api/auth/refresh", headers={"Content-Type": "application/json"},
                                       body='{"refresh_token": "%s"}' % body["refresh_token"])
    assert refreshed.status_code == 200 and refreshed.json_body["staff"]["username"] == "advisor"


def test_login_refuses_wrong_password_missing_fields_and_other_stores(staff):
    wrong = staff.login("advisor", "nope-nope")
    assert wrong.status_code == 401 and wrong.json_body["error"]["code"] == "invalid_credentials"
    assert staff.login("nobody", "whatever1").status_code == 401
    empty = staff.client.http.post("/api/auth/login", headers={"Content-Type": "application/json"},
                                   body="{}")
    assert empty.status_code == 422
    assert set(empty.json_body["error"]["fields"]) == {"username", "password"}
    other = staff.login("other-store")
    assert other.status_code == 403 and other.json_body["error"]["code"] == "forbidden"


@pytest.mark.parametrize("cognito_code, status, code", [
    # Cognito refuses a username it cannot hold (spaces, ...) before looking it up; moto does not
    ("InvalidParameterException", 401, "invalid_credentials"),
    ("TooManyFailedAttemptsException", 429, "too_many_requests"),
    ("TooManyRequestsException", 429, "too_many_requests"),
])
def test_cognitos_other_refusals_are_answers_not_500s(staff, monkeypatch, cognito_code, status, code):
    from botocore.exceptions import ClientError
    from chalicelib.services import auth

    class Refusing:
        def initiate_auth(self, **_):
            raise ClientError({"Error": {"Code": cognito_code, "Message": "refused"}},
                              "InitiateAuth")

    monkeypatch.setattr(auth, "_cognito", lambda: Refusing())
    answer = staff.login("a name with spaces", "whatever1")
    assert answer.status_code == status, answer.json_body
    assert answer.json_body["error"]["code"] == code
    if status == 429:
        assert answer.json_body["error"]["retry_after"] > 0
