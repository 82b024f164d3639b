"""Complaints (投诉): recorded, owned, answered in time, escalated, resolved.

A complaint comes from a low survey score, a follow-up call, a member of
staff or the customer's own link. It records what happened, the vehicle,
the staff involved and the severity; it gets an owner and a reply deadline
(store setting, 24 hours by default), which the customer is told by SMS.
Unresolved after 2 days (seed 004, a store setting) it escalates to the
manager. The resolution and whether the customer accepted it are recorded;
a resolution the customer does not accept leaves the complaint open.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..i18n import _
from .errors import Conflict, FieldErrors
from .history import Trail
from .validation import ID_MAX, clean_choice, clean_text

SOURCES = ("survey", "follow_up", "staff", "customer")
FROM_CUSTOMER = ("survey", "customer")   # sent by the customer: a note from them is no reply
SEVERITIES = ("low", "medium", "high")
DESCRIPTION_MAX = 1000   # what happened (also a resolution, a note)
STAFF_INVOLVED_MAX = 200
CUSTOMER_NAME_MAX = 40   # who complains, when no order is named
PLATE_MAX = 12
OPEN = "open"
RESOLVED = "resolved"


def new_complaint_id() -> str:
    return f"cpl{secrets.token_hex(8)}"


@dataclass(frozen=True)
class Event:
    at: str
    by: str
    action: str          # opened, note, assigned, escalated, resolution_refused, resolved
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Complaint:
    id: str
    reference: str
    source: str
    status: str
    description: str
    severity: str
    owner: str
    opened_at: datetime
    opened_by: str
    reply_by: datetime
    escalate_at: datetime
    order_id: str = ""
    order_reference: str = ""
    vehicle_id: str = ""
    plate: str = ""
    customer_name: str = ""
    phone: str = ""
    staff_involved: str = ""
    replied_at: str = ""
    escalated_at: str = ""
    resolution: str = ""
    resolved_at: str = ""
    customer_accepted: bool | None = None
    trail: Trail[Event] = field(default_factory=Trail)   # what happened: stored apart, it grows
    version: int | None = None

    @property
    def events(self) -> tuple[Event, ...]:
        """The events known here: all of them once read with the complaint's events."""
        return self.trail.known

    @property
    def escalated(self) -> bool:
        return bool(self.escalated_at)

    def overdue_reply(self, now: datetime) -> bool:
        return not self.replied_at and self.status == OPEN and now > self.reply_by

    def escalation_due(self, now: datetime) -> bool:
        return self.status == OPEN and not self.escalated_at and now >= self.escalate_at

    def _event(self, now: datetime, by: str, action: str, note: str = "") -> Trail[Event]:
        return self.trail.add(Event(at=now.isoformat(), by=by, action=action, note=note))

    def _open_only(self) -> None:
        if self.status != OPEN:
            raise Conflict(_("This complaint is resolved"), code="complaint_closed")

    def add_note(self, note: str, *, now: datetime, by: str, reply: bool = True) -> "Complaint":
        """A contact with the customer or a step taken; the first one is the reply.
        ``reply=False``: the customer wrote again (not our reply)."""
        self._open_only()
        replied_at = self.replied_at or (now.isoformat() if reply else "")
        return replace(self, replied_at=replied_at, trail=self._event(now, by, "note", note))

    def assign(self, owner: str, *, now: datetime, by: str) -> "Complaint":
        self._open_only()
        return replace(self, owner=owner, trail=self._event(now, by, "assigned", owner))

    def escalate(self, *, now: datetime, to: str) -> "Complaint":
        if not self.escalation_due(now):
            raise Conflict(_("Not due for escalation"), code="not_due")
        return replace(self, escalated_at=now.isoformat(),
                       trail=self._event(now, "system", "escalated", to))

    def resolve(self, resolution: str, accepted: bool, *, now: datetime, by: str) -> "Complaint":
        self._open_only()
        if not accepted:   # the customer is not satisfied: it stays open, the attempt is kept
            return replace(self, resolution=resolution, customer_accepted=False,
                           replied_at=self.replied_at or now.isoformat(),
                           trail=self._event(now, by, "resolution_refused", resolution))
        return replace(self, status=RESOLVED, resolution=resolution, customer_accepted=True,
                       resolved_at=now.isoformat(), replied_at=self.replied_at or now.isoformat(),
                       trail=self._event(now, by, "resolved", resolution))


@dataclass(frozen=True)
class ComplaintInput:
    description: str
    severity: str
    staff_involved: str
    order_id: str


def parse_complaint(body: dict[str, Any], *, customer: bool = False) -> ComplaintInput:
    errors = FieldErrors()
    description = clean_text(errors, "description", body.get("description"), max_len=DESCRIPTION_MAX,
                             required=True)
    severity = "medium" if customer else clean_choice(errors, "severity", body.get("severity"),
                                                      SEVERITIES, default="medium")
    staff_involved = clean_text(errors, "staff_involved", body.get("staff_involved"), max_len=STAFF_INVOLVED_MAX)
    order_id = "" if customer else clean_text(errors, "order_id", body.get("order_id"), max_len=ID_MAX)
    errors.raise_if_any(_("Say what happened"))
    return ComplaintInput(description=description, severity=severity,
                          staff_involved=staff_involved, order_id=order_id)


def parse_resolution(body: dict[str, Any]) -> tuple[str, bool]:
    errors = FieldErrors()
    resolution = clean_text(errors, "resolution", body.get("resolution"), max_len=DESCRIPTION_MAX,
                            required=True)
    accepted = body.get("customer_accepted")
    if not isinstance(accepted, bool):
        errors.add("customer_accepted", _("required: did the customer accept it (true / false)"))
    errors.raise_if_any()
    return resolution, bool(accepted)


def open_complaint(data: ComplaintInput, *, source: str, reference: str, owner: str,
                   now: datetime, by: str, reply_hours: int, escalate_hours: int,
                   **about: str) -> Complaint:
    """``about``: order_id, order_reference, vehicle_id, plate, customer_name, phone."""
    return Complaint(
        id=new_complaint_id(), reference=reference, source=source, status=OPEN,
        description=data.description, severity=data.severity, owner=owner, opened_at=now,
        opened_by=by, reply_by=now + timedelta(hours=reply_hours),
        escalate_at=now + timedelta(hours=escalate_hours), staff_involved=data.staff_involved,
        trail=Trail().add(Event(at=now.isoformat(), by=by, action="opened", note=source)), **about)
