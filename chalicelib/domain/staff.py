"""Staff (员工) and their roles: who may do what in the portal.

A staff member signs in through Cognito; the token names the store they work
for (``custom:store_id``) and their role groups. Each deployment serves one
store, so a token of another store is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import _
from .errors import Forbidden
from .validation import mask_phone

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
    def reads_prices(self) -> bool:
        """Whether this member of staff reads an order's prices (else: the job view)."""
        return bool(self.roles & READS_PRICES)

    def require(self, allowed: frozenset[str]) -> None:
        if not self.roles & allowed:
            raise Forbidden(_("Your role may not do this"), code="forbidden")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.username})" if self.name != self.username else self.username
