"""Staff accounts (员工账号) the manager administers through the Cognito user pool."""
from __future__ import annotations

from ..domain.staff import MANAGERS
from .http import LazyModule, json_response
from .staff import _body, staff_route

accounts = LazyModule("chalicelib.services.accounts")


@staff_route("/api/staff/accounts", "GET", MANAGERS,
             "This store's staff accounts, disabled ones too: login, name, roles, mobile, status")
def list_accounts(staff):
    return accounts.account_list(staff)


@staff_route("/api/staff/accounts", "POST", MANAGERS,
             "Create an account: login, name, roles, mobile; answers the temporary password once")
def create_account(staff):
    return json_response(accounts.create(_body(), staff), status=201)


@staff_route("/api/staff/accounts/{username}", "PUT", MANAGERS,
             "Change an account's name, roles or mobile")
def update_account(staff, username):
    return accounts.update(username, _body(), staff)


@staff_route("/api/staff/accounts/{username}/disable", "POST", MANAGERS,
             "Disable an account: it may no longer sign in")
def disable_account(staff, username):
    return accounts.disable(username, staff)


@staff_route("/api/staff/accounts/{username}/enable", "POST", MANAGERS, "Enable an account again")
def enable_account(staff, username):
    return accounts.enable(username, staff)


@staff_route("/api/staff/accounts/{username}/reset-password", "POST", MANAGERS,
             "A new temporary password, answered once; the next sign-in sets a new one")
def reset_account_password(staff, username):
    return accounts.reset_password(username, staff)
