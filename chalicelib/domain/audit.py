"""The audit trail (操作记录): who changed what, when, before and after."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

BOOKING = "booking"
CUSTOMER = "customer"
VEHICLE = "vehicle"
ORDER = "order"
FOLLOW_UP = "followup"
COMPLAINT = "complaint"
# the manager's administration (issue 13): the store's settings, price book entries, staff accounts
STORE = "store"
PRICEBOOK = "pricebook"
STAFF = "staff"
SUBJECTS = (BOOKING, CUSTOMER, VEHICLE, ORDER, FOLLOW_UP, COMPLAINT, STORE, PRICEBOOK, STAFF)


@dataclass(frozen=True)
class AuditEntry:
    subject: str                 # "order#ro_..." etc.
    at: datetime
    actor: str                   # username, or "customer" for the customer's own link
    action: str                  # e.g. "line_added", "approved", "checked_in"
    changes: dict[str, Any]      # field -> {"before": ..., "after": ...}
    # the display names (张顾问) of the staff the entry names (the actor, a technician given
    # the job, a complaint's new owner), by username: written with the entry, as they were
    # then, so a history reads without asking the identity provider per entry
    names: dict[str, str] = field(default_factory=dict)

    def view(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "actor": self.actor, "action": self.action,
                "changes": self.changes, "names": self.names}


def subject(kind: str, record_id: str) -> str:
    return f"{kind}#{record_id}"


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """Fields whose value differs; nested dicts (e.g. lines by id) are compared per key."""
    before = before or {}
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, dict) or isinstance(new, dict):
            for sub in sorted(set(old or {}) | set(new or {})):
                o, n = (old or {}).get(sub), (new or {}).get(sub)
                if o != n:
                    changes[f"{key}.{sub}"] = {"before": o, "after": n}
        else:
            changes[key] = {"before": old, "after": new}
    return changes


def entry(kind: str, record_id: str, *, actor: str, action: str, at: datetime,
          before: dict[str, Any] | None, after: dict[str, Any], actor_name: str = "",
          names: dict[str, str] | None = None) -> AuditEntry:
    """``actor_name`` and ``names``: display names of the actor and of anyone else the change
    names (username -> name)."""
    named = {**(names or {}), **({actor: actor_name} if actor_name else {})}
    return AuditEntry(subject=subject(kind, record_id), at=at, actor=actor, action=action,
                      changes=diff(before, after), names=named)
