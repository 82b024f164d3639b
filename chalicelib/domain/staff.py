"""Staff (员工) and their roles: who may do what in the portal.

A staff member signs in through Cognito; the token names the store they work
for (``custom:store_id``) and their role groups. Each deployment serves one
store, so a token of another store is refused.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from ..i18n import _
from .errors import Conflict, FieldErrors, Forbidden, ValidationError
from .validation import REQUIRED, clean_text, mask_phone, normalize_phone

ADVISOR = "advisor"          # 服务顾问
TECHNICIAN = "technician"    # 技师
FOREMAN = "foreman"          # 车间主管 / 班组长: dispatch, team-lead check
INSPECTOR = "inspector"      # 质检员
CASHIER = "cashier"          # 收银
FOLLOW_UP = "follow_up"      # 回访专员
MANAGER = "manager"          # 售后经理
ROLES = (ADVISOR, TECHNICIAN, FOREMAN, INSPECTOR, CASHIER, FOLLOW_UP, MANAGER)
ROLE_NAMES = {ADVISOR: _("service advisor"), TECHNICIAN: _("technician"),
              FOREMAN: _("foreman"), INSPECTOR: _("inspector"), CASHIER: _("cashier"),
              FOLLOW_UP: _("follow-up clerk"), MANAGER: _("manager")}

# Who may call what. Routes name one of these; the role matrix test holds them to it.
EVERYONE = frozenset(ROLES)
FRONT_DESK = frozenset({ADVISOR, MANAGER})          # bookings, customers, reception, orders
WORKSHOP = frozenset({TECHNICIAN, FOREMAN, MANAGER})  # clock the work
DISPATCH = frozenset({FOREMAN, MANAGER})            # dispatch and hand over jobs
QUALITY = frozenset({TECHNICIAN, FOREMAN, INSPECTOR, MANAGER})   # sign a QC level
WASH = frozenset({TECHNICIAN, FOREMAN, ADVISOR, MANAGER})        # the car is washed
CASHIER_DESK = frozenset({CASHIER, MANAGER})        # settle the invoice
FOLLOW_UP_DESK = frozenset({FOLLOW_UP, MANAGER})    # follow-up calls
COMPLAINT_DESK = frozenset({FOLLOW_UP, ADVISOR, MANAGER})   # handle complaints
MANAGERS = frozenset({MANAGER})
AUDIT_READERS = frozenset({ADVISOR, MANAGER})       # the change history of a record
# Who phones customers, and so reads their whole mobile number; the workshop, quality
# check and cashier see it masked (138****8000), as every list shows it.
CALLS_CUSTOMERS = frozenset({ADVISOR, FOLLOW_UP, MANAGER})
# Who reads prices and amounts of an order. The technician reads the job (施工视图): the work,
# the concern and findings, the bay and the promise, never a price or the customer's mobile.
READS_PRICES = frozenset(set(ROLES) - {TECHNICIAN})
PHOTOGRAPHERS = FRONT_DESK | WORKSHOP               # upload photos (walk-around, findings)


@dataclass(frozen=True)
class Staff:
    username: str
    name: str
    roles: frozenset[str]
    store_id: str

    def to_context(self) -> dict[str, str]:
        """As the authorizer hands it to the routes (API Gateway context values are strings)."""
        return {"username": self.username, "name": self.name,
                "roles": ",".join(sorted(self.roles)), "store_id": self.store_id}

    @classmethod
    def from_context(cls, context: dict[str, Any]) -> "Staff":
        roles = frozenset(r for r in str(context.get("roles", "")).split(",") if r)
        return cls(username=str(context.get("username", "")), name=str(context.get("name", "")),
                   roles=roles, store_id=str(context.get("store_id", "")))

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Staff":
        groups = claims.get("cognito:groups") or []
        if isinstance(groups, str):
            groups = [groups]
        username = str(claims.get("cognito:username") or claims.get("sub") or "")
        return cls(username=username, name=str(claims.get("name") or username),
                   roles=frozenset(g for g in groups if g in ROLES),
                   store_id=str(claims.get("custom:store_id") or ""))

    def view(self) -> dict[str, Any]:
        return {"username": self.username, "name": self.name, "roles": sorted(self.roles),
                "store_id": self.store_id}

    def full_phone(self, e164: str) -> str | None:
        """A customer's whole mobile number, or None for a role that does not phone customers."""
        return e164 if self.roles & CALLS_CUSTOMERS else None

    def phone_view(self, e164: str) -> str:
        """A customer's mobile as this member of staff sees it, in every staff answer and print:
        whole for the roles that phone customers, masked for the others."""
        if not e164:
            return ""
        return self.full_phone(e164) or mask_phone(e164)

    @property
    def calls_customers(self) -> bool:
        """Whether this member of staff phones customers, and so reads their contact history
        (calls, notes, survey comments) and marketing consent (issue 15)."""
        return bool(self.roles & CALLS_CUSTOMERS)

    @property
    def reads_prices(self) -> bool:
        """Whether this member of staff reads an order's prices (else: the job view)."""
        return bool(self.roles & READS_PRICES)

    def require(self, allowed: frozenset[str]) -> None:
        if not self.roles & allowed:
            raise Forbidden(_("Your role may not do this"), code="forbidden")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.username})" if self.name != self.username else self.username


# ---- staff accounts (员工账号) the manager administers (issue 13) ---------------------------
# The rules of an account, in plain Python: the user pool (Cognito) holds the accounts, the
# service (services/accounts.py) calls it; nothing here talks to AWS.

USERNAME_PATTERN = re.compile(r"[a-z][a-z0-9._-]{2,31}")   # a login: zhou.jl, tech07
NAME_MAX = 20                  # a display name as printed and texted: 张顾问, 周师傅
PASSWORD_MIN_LENGTH = 10       # the pool's policy (infra/staff_pool.py): 10+, a digit, a letter a-z
PASSWORD_MAX_LENGTH = 256
SIGN_IN_NAME_MAX = 128        # the login typed at sign-in (checked by Cognito)
# a temporary password: no look-alikes (0/O, 1/l/I), and every class a pool may require
_TEMP_LETTERS = "abcdefghijkmnpqrstuvwxyz"
_TEMP_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_TEMP_DIGITS = "23456789"

# an account's status as the manager reads it
ACTIVE = "active"                  # signs in
NEW_PASSWORD = "new_password"      # signs in once with the temporary password, then sets one
DISABLED = "disabled"              # may not sign in


@dataclass(frozen=True)
class Account:
    """A staff account of this store, as the user pool holds it."""
    username: str
    name: str
    roles: frozenset[str]
    mobile: str            # E.164, or "" (the manager's escalation SMS goes to it)
    enabled: bool
    password_set: bool     # False until the first sign-in sets a password
    store_id: str

    @property
    def status(self) -> str:
        if not self.enabled:
            return DISABLED
        return ACTIVE if self.password_set else NEW_PASSWORD

    def view(self) -> dict[str, Any]:
        return {"username": self.username, "name": self.name,
                "roles": [r for r in ROLES if r in self.roles], "mobile": self.mobile or None,
                "enabled": self.enabled, "status": self.status}

    def audit_view(self) -> dict[str, Any]:
        """What an audit entry records of an account: the mobile masked (an audit trail is read
        by more people than the manager)."""
        return {"name": self.name, "roles": ",".join(r for r in ROLES if r in self.roles),
                "mobile": mask_phone(self.mobile) if self.mobile else None,
                "status": self.status}


@dataclass(frozen=True)
class AccountInput:
    """A new account, or the fields of a change (None: not asked to change)."""
    username: str = ""
    name: str | None = None
    roles: frozenset[str] | None = None
    mobile: str | None = None      # "" removes it


def _roles(errors: FieldErrors, raw: Any) -> frozenset[str] | None:
    if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
        errors.add("roles", _("choose at least one role"))
        return None
    unknown = [r for r in raw if r not in ROLES]
    if unknown:
        errors.add("roles", _("not a role of this portal"))
        return None
    if not raw:
        errors.add("roles", _("choose at least one role"))
        return None
    return frozenset(raw)


def _mobile(errors: FieldErrors, raw: Any) -> str | None:
    if raw is None or raw == "":
        return ""
    phone = normalize_phone(raw)
    if phone is None:
        errors.add("mobile", _("not a mainland mobile number"))
    return phone


def _name(errors: FieldErrors, raw: Any) -> str:
    return clean_text(errors, "name", raw, max_len=NAME_MAX, required=True)


def parse_new_account(body: dict[str, Any]) -> AccountInput:
    errors = FieldErrors()
    username = body.get("username")
    if username is None or username == "":
        errors.add("username", REQUIRED)
    elif not isinstance(username, str) or not USERNAME_PATTERN.fullmatch(username.strip()):
        errors.add("username", _("3 to 32 lowercase letters, digits, '.', '_' or '-', "
                                 "starting with a letter"))
    name = _name(errors, body.get("name"))
    roles = _roles(errors, body.get("roles"))
    mobile = _mobile(errors, body.get("mobile"))
    errors.raise_if_any()
    return AccountInput(username=str(username).strip(), name=name, roles=roles, mobile=mobile)


def parse_account_change(body: dict[str, Any]) -> AccountInput:
    """The fields a change names (name, roles, mobile); at least one."""
    errors = FieldErrors()
    name = _name(errors, body["name"]) if "name" in body else None
    roles = _roles(errors, body["roles"]) if "roles" in body else None
    mobile = _mobile(errors, body["mobile"]) if "mobile" in body else None
    errors.raise_if_any()
    if name is None and roles is None and mobile is None:
        raise ValidationError(_("Nothing to change"),
                              fields={"name": _("give a name, roles or a mobile")})
    return AccountInput(name=name, roles=roles, mobile=mobile)


def check_roles_change(actor: Staff, account: Account, roles: frozenset[str],
                       other_managers: int) -> None:
    """The store keeps a manager: the last enabled manager's manager role stays.
    ``other_managers``: enabled managers of this store other than ``account``."""
    if MANAGER in account.roles and MANAGER not in roles and account.enabled \
            and other_managers == 0:
        raise Conflict(_("The store's last manager keeps the manager role"), code="last_manager",
                       fields={"roles": _("the store's last manager")})


def check_disable(actor: Staff, account: Account, other_managers: int) -> None:
    """No one disables their own account, nor the store's last enabled manager."""
    if account.username == actor.username:
        raise Conflict(_("You cannot disable your own account"), code="own_account")
    if MANAGER in account.roles and account.enabled and other_managers == 0:
        raise Conflict(_("The store's last manager keeps the manager role"), code="last_manager")


def check_new_password(errors: FieldErrors, field: str, raw: Any) -> str:
    """A password the pool's policy takes: told at the field in the reader's language."""
    if not isinstance(raw, str) or not raw:
        errors.add(field, REQUIRED)
        return ""
    if len(raw) < PASSWORD_MIN_LENGTH:
        errors.add(field, _("at least %(count)s characters", count=PASSWORD_MIN_LENGTH))
    elif len(raw) > PASSWORD_MAX_LENGTH:
        errors.add(field, _("at most %(count)s characters", count=PASSWORD_MAX_LENGTH))
    elif raw != raw.strip():
        errors.add(field, _("no spaces at the start or end"))
    elif not re.search(r"[0-9]", raw) or not re.search(r"[a-z]", raw):
        errors.add(field, _("needs a digit and a lowercase letter"))
    return raw


def temporary_password() -> str:
    """A one-time password the manager passes on (12 characters, in three groups of four):
    lower- and uppercase letters, digits and '-', so any of the pool's rules is met."""
    groups = []
    for _i in range(3):
        chars = [secrets.choice(_TEMP_LETTERS), secrets.choice(_TEMP_UPPER),
                 secrets.choice(_TEMP_DIGITS), secrets.choice(_TEMP_LETTERS + _TEMP_DIGITS)]
        secrets.SystemRandom().shuffle(chars)
        groups.append("".join(chars))
    return "-".join(groups)
