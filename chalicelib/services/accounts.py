"""Staff accounts (员工账号) the manager administers, through the Cognito user pool.

The pool holds the accounts: a login, the display name (``name``: 张顾问, on prints and
customers' messages), the mobile (``phone_number``: the manager's escalation SMS), the store
(``custom:store_id``) and one group per role. Another store's account is not found here (404),
whatever its login. Each change is audited (audit.STAFF, "staff#<login>") right after the pool
took it; the pool has no transaction with DynamoDB, so an audit write that fails after the
change is retried, then logged in full (``staff_audit_unwritten``, error level) and the
change stands: the pool is the truth about an account.

The staff directory (auth.staff_in_role, 5 minutes) is forgotten on this instance after every
change; other instances read the change within those 5 minutes.
"""
from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from ..config import get_config
from ..db import records as records_db
from ..domain import audit as audit_rules
from ..domain import staff as rules
from ..domain.booking import require_object
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.staff import MANAGER, ROLES, Account, Staff
from ..i18n import _
from ..logs import log_event
from . import auth
from .store import store_now

STORE_ATTRIBUTE = auth.STORE_ATTRIBUTE
AUDIT_TRIES = 2


def _pool() -> str:
    return get_config().user_pool_id


def _not_found() -> NotFound:
    return NotFound(_("No such staff account"), code="account_not_found")


def _load(username: str) -> Account:
    """This store's account of that login; 404 for none, or another store's."""
    if not (0 < len(username) <= 128) or not username.isprintable() or " " in username:
        raise _not_found()   # no pool holds such a login: not worth asking
    client = auth._cognito()
    try:
        user = client.admin_get_user(UserPoolId=_pool(), Username=username)
        groups = client.admin_list_groups_for_user(UserPoolId=_pool(), Username=username)["Groups"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("UserNotFoundException",
                                                          "InvalidParameterException"):
            raise _not_found() from None
        raise
    account = auth.pool_account(user, frozenset(g["GroupName"] for g in groups if g["GroupName"] in ROLES))
    if account.store_id != get_config().store_id:
        raise _not_found()
    return account


def accounts() -> list[Account]:
    """This store's accounts, disabled ones too: one paginated ListUsers, and one
    ListUsersInGroup per role for the roles (never a call per person)."""
    client, pool, store_id = auth._cognito(), _pool(), get_config().store_id
    roles: dict[str, set[str]] = {}
    for role in ROLES:
        for page in client.get_paginator("list_users_in_group").paginate(UserPoolId=pool, GroupName=role):
            for user in page.get("Users", []):
                roles.setdefault(user["Username"], set()).add(role)
    found = []
    for page in client.get_paginator("list_users").paginate(UserPoolId=pool):
        for user in page.get("Users", []):
            account = auth.pool_account(user, frozenset(roles.get(user["Username"], ())))
            if account.store_id == store_id:
                found.append(account)
    return sorted(found, key=lambda a: (not a.enabled, a.username))


def _other_managers(username: str) -> int:
    """Enabled managers of this store other than ``username``: read from the pool, not the
    cached directory (the rule must see a change made a minute ago)."""
    return sum(1 for a in accounts() if MANAGER in a.roles and a.enabled and a.username != username)


def _audit(staff: Staff, account: Account, action: str, before: Account | None,
           after: Account) -> None:
    entry = audit_rules.entry(audit_rules.STAFF, account.username, actor=staff.username,
                              action=action, at=store_now(),
                              before=before.audit_view() if before else None,
                              after=after.audit_view(), actor_name=staff.name,
                              names={account.username: after.name})
    for attempt in range(AUDIT_TRIES):
        try:
            records_db.save(records_db.Changes(audit=[entry]))
            return
        except Exception as exc:   # noqa: BLE001 - the change stands; the entry goes to the log
            if attempt + 1 < AUDIT_TRIES:
                continue
            log_event("staff_audit_unwritten", logging.ERROR, subject=entry.subject,
                      actor=entry.actor, action=action, at=entry.at.isoformat(),
                      changes=entry.changes, reason=exc.__class__.__name__)


def _changed(staff: Staff, event: str, account: Account) -> None:
    auth.forget_directory()
    log_event(event, username=account.username, by=staff.username)


def _password_refused(exc: ClientError) -> None:
    if exc.response.get("Error", {}).get("Code") == "InvalidPasswordException":
        raise ValidationError(_("The password does not meet the pool's rules"),
                              fields={"password": _("does not meet the password rules")}) from None


# ---- the manager's calls ------------------------------------------------------------------

def account_list(staff: Staff) -> dict[str, Any]:
    return {"accounts": [a.view() for a in accounts()], "roles": list(ROLES)}


def create(body: Any, staff: Staff) -> dict[str, Any]:
    require_object(body)
    data = rules.parse_new_account(body)
    password = rules.temporary_password()
    attributes = [{"Name": "name", "Value": data.name},
                  {"Name": STORE_ATTRIBUTE, "Value": get_config().store_id}]
    if data.mobile:
        attributes.append({"Name": "phone_number", "Value": data.mobile})
    client = auth._cognito()
    try:
        client.admin_create_user(UserPoolId=_pool(), Username=data.username,
                                 TemporaryPassword=password, MessageAction="SUPPRESS",
                                 UserAttributes=attributes)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "UsernameExistsException":
            raise Conflict(_("This login is taken"), code="username_taken",
                           fields={"username": _("taken: choose another login")}) from None
        raise
    for role in sorted(data.roles or ()):
        client.admin_add_user_to_group(UserPoolId=_pool(), Username=data.username, GroupName=role)
    account = Account(username=data.username, name=data.name or data.username,
                      roles=data.roles or frozenset(), mobile=data.mobile or "", enabled=True,
                      password_set=False, store_id=get_config().store_id)
    _audit(staff, account, "account_created", None, account)
    _changed(staff, "staff_account_created", account)
    return {"account": account.view(), "temporary_password": password}


def update(username: str, body: Any, staff: Staff) -> dict[str, Any]:
    require_object(body)
    change = rules.parse_account_change(body)
    before = _load(username)
    if change.roles is not None and change.roles != before.roles:
        rules.check_roles_change(staff, before, change.roles,
                                 _other_managers(username) if MANAGER in before.roles else 1)
    client = auth._cognito()
    attributes = []
    if change.name is not None and change.name != before.name:
        attributes.append({"Name": "name", "Value": change.name})
    if change.mobile and change.mobile != before.mobile:
        attributes.append({"Name": "phone_number", "Value": change.mobile})
    if attributes:
        client.admin_update_user_attributes(UserPoolId=_pool(), Username=username,
                                            UserAttributes=attributes)
    if change.mobile == "" and before.mobile:
        client.admin_delete_user_attributes(UserPoolId=_pool(), Username=username,
                                            UserAttributeNames=["phone_number"])
    if change.roles is not None:
        for role in sorted(change.roles - before.roles):
            client.admin_add_user_to_group(UserPoolId=_pool(), Username=username, GroupName=role)
        for role in sorted(before.roles - change.roles):
            client.admin_remove_user_from_group(UserPoolId=_pool(), Username=username, GroupName=role)
    after = Account(username=username,
                    name=change.name if change.name is not None else before.name,
                    roles=change.roles if change.roles is not None else before.roles,
                    mobile=change.mobile if change.mobile is not None else before.mobile,
                    enabled=before.enabled, password_set=before.password_set,
                    store_id=before.store_id)
    if after != before:
        _audit(staff, after, "account_changed", before, after)
        _changed(staff, "staff_account_changed", after)
    return {"account": after.view()}


def disable(username: str, staff: Staff) -> dict[str, Any]:
    before = _load(username)
    if not before.enabled:
        return {"account": before.view()}
    rules.check_disable(staff, before, _other_managers(username) if MANAGER in before.roles else 1)
    client = auth._cognito()
    client.admin_disable_user(UserPoolId=_pool(), Username=username)
    # its refresh tokens stop working now: no new ID token once the one it holds expires
    client.admin_user_global_sign_out(UserPoolId=_pool(), Username=username)
    after = Account(**{**before.__dict__, "enabled": False})
    _audit(staff, after, "account_disabled", before, after)
    _changed(staff, "staff_account_disabled", after)
    return {"account": after.view()}


def enable(username: str, staff: Staff) -> dict[str, Any]:
    before = _load(username)
    if before.enabled:
        return {"account": before.view()}
    auth._cognito().admin_enable_user(UserPoolId=_pool(), Username=username)
    after = Account(**{**before.__dict__, "enabled": True})
    _audit(staff, after, "account_enabled", before, after)
    _changed(staff, "staff_account_enabled", after)
    return {"account": after.view()}


def reset_password(username: str, staff: Staff) -> dict[str, Any]:
    """A new temporary password (shown once to the manager): the next sign-in sets a new one.
    Signs the account out everywhere (its refresh tokens stop working)."""
    before = _load(username)
    password = rules.temporary_password()
    client = auth._cognito()
    try:
        client.admin_set_user_password(UserPoolId=_pool(), Username=username, Password=password,
                                       Permanent=False)
    except ClientError as exc:
        _password_refused(exc)
        raise
    client.admin_user_global_sign_out(UserPoolId=_pool(), Username=username)
    after = Account(**{**before.__dict__, "password_set": False})
    _audit(staff, after, "password_reset", before, after)
    _changed(staff, "staff_password_reset", after)
    return {"account": after.view(), "temporary_password": password}


def escalation_mobiles() -> list[tuple[str, str]]:
    """(username, mobile) of this store's enabled managers who have a mobile."""
    return [(a.username, a.mobile) for a in accounts()
            if MANAGER in a.roles and a.enabled and a.mobile]

