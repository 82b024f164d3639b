"""Retention calls (邀约电话), the contact log (电话登记表) and marketing consent on the
customer's file (issue 15, part CALLS).

The daily job (services/care.py) opens a call on an invitation; the clerk's list reads the
open ones from the ``calls`` index (one Query) and records what came of each call.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from ..db import care as care_db
from ..db import records as records_db
from ..domain import audit as audit_rules
from ..domain import care as care_rules
from ..domain import retention as rules
from ..domain.booking import require_object
from ..domain.care import CALL, OUTBOUND, ContactEntry, Invitation
from ..domain.errors import FieldErrors, NotFound, ValidationError
from ..domain.staff import Staff
from ..domain.validation import day_asked, expect_version, mask_phone
from ..i18n import _, current_language, render
from ..logs import log_event
from .invitations import DESK     # the consent source: the desk
from .store import store_now

INVITATION_NOT_FOUND = _("Invitation not found")


def _name(message: Any) -> str:
    return render(message, current_language()) if message else ""


def call_view(inv: Invitation, today_text: str, staff: Staff) -> dict[str, Any]:
    """An invitation as the clerk's list shows it: the car, the customer (the phone per role),
    why we call, what the invitation did so far, the calls made."""
    return {"id": inv.id, "version": inv.version, "kind": inv.kind,
            "kind_name": _name(care_rules.KIND_NAMES.get(inv.kind)),
            "campaign_id": inv.campaign_id or None,
            "vehicle_id": inv.vehicle_id, "customer_id": inv.customer_id, "plate": inv.plate,
            "model": inv.model, "customer_name": inv.customer_name,
            "phone": staff.phone_view(inv.phone), "phone_masked": mask_phone(inv.phone),
            "can_call": staff.full_phone(inv.phone) is not None,
            "items": list(inv.items), "due_on": inv.due_on, "call_due": inv.call_due or None,
            "call_status": inv.call_status or None,
            "overdue": bool(inv.call_due and inv.call_due < today_text),
            "status": inv.status, "sent_at": inv.sent_at or None,
            "opened_at": inv.opened_at or None, "booked_at": inv.booked_at or None,
            "booking_id": inv.booking_id or None,
            "calls": [{**c.to_dict(), "reason_name": _name(
                care_rules.LOST_REASON_NAMES.get(c.reason))} for c in inv.calls]}


def call_list(date_text: str | None, staff: Staff) -> dict[str, Any]:
    """The clerk's retention calls: overdue (at most 14 days), due today (or the day asked),
    and the week ahead: ONE Query on the ``calls`` index, bounded by those days."""
    day = day_asked(date_text, today=store_now().date())
    since = day - timedelta(days=rules.OVERDUE_DAYS)
    until = day + timedelta(days=rules.UPCOMING_DAYS)
    groups = rules.agenda(care_db.calls_due(until, since=since, limit=rules.LIST_LIMIT), day)
    today = day.isoformat()
    return {"date": today, "until": until.isoformat(),
            "calls": [call_view(i, today, staff) for i in groups["overdue"] + groups["today"]],
            "upcoming": [call_view(i, today, staff) for i in groups["upcoming"]],
            "counts": {name: len(items) for name, items in groups.items()}}


def _invitation(invitation_id: str) -> Invitation:
    inv = care_db.get_invitation(invitation_id)
    if inv is None:
        raise NotFound(INVITATION_NOT_FOUND, code="invitation_not_found")
    return inv


def record_call(invitation_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """What came of a retention call: booked (done), not reached (back on retry_on), not now
    (back on next_on), lost (done; the car is lost: its reminders stop, its other open calls
    close). Logged on the customer (contact log) and in the vehicle's audit trail."""
    require_object(body)
    old = _invitation(invitation_id)
    expect_version(FieldErrors(), body, old.version, kind="invitation")
    now = store_now()
    data = rules.parse_call(body, today=now.date())
    new = rules.record_call(old, data, now=now, by=staff.username)
    changes = records_db.Changes(invitations=[(new, False)], now=now)
    if rules.closes_other_calls(data):
        vehicle = records_db.get_vehicle(old.vehicle_id)
        if vehicle is not None:
            care = rules.lost(vehicle.care, reason=data.reason, at=now, by=staff.username,
                              note=data.note)
            changes.vehicles.append((replace(vehicle, care=care, care_day=None, updated_at=now),
                                     False))
        others = [i for i in care_db.calls_due(
            now.date() + timedelta(days=rules.MAX_NEXT_DAYS),
            since=now.date() - timedelta(days=rules.OVERDUE_DAYS), limit=rules.LIST_LIMIT)
            if i.vehicle_id == old.vehicle_id and i.id != old.id]
        changes.invitations += [(replace(i, call_status=care_rules.CALL_DONE), False)
                                for i in others]
    extra = {k: v for k, v in (("retry_on", data.retry_on), ("next_on", data.next_on),
                               ("reason", data.reason)) if v}
    changes.contacts.append((old.customer_id, ContactEntry(
        at=now.isoformat(), channel=CALL, direction=OUTBOUND, kind=old.kind, by=staff.username,
        by_name=staff.name, vehicle_id=old.vehicle_id, invitation_id=old.id,
        outcome=data.outcome, note=data.note, extra=extra)))
    changes.audit.append(audit_rules.entry(
        audit_rules.VEHICLE, old.vehicle_id, actor=staff.username, actor_name=staff.name,
        action=f"care_call_{data.outcome}", at=now, before=None,
        after={"invitation_id": old.id, "kind": old.kind, "outcome": data.outcome,
               "note": data.note or None, **extra}))
    records_db.save(changes)
    log_event("care_call", invitation_id=old.id, outcome=data.outcome, reason=data.reason)
    saved = replace(new, version=records_db.saved_version(old.version))
    return call_view(saved, now.date().isoformat(), staff)


# ---- the contact log --------------------------------------------------------------------------

def contact_view(entry: ContactEntry) -> dict[str, Any]:
    return {**entry.to_dict(), "kind_name": _name(care_rules.KIND_NAMES.get(entry.kind)),
            "reason_name": _name(care_rules.LOST_REASON_NAMES.get(entry.extra.get("reason", "")))}


def _customer(customer_id: str):
    customer = records_db.get_customer(customer_id)
    if customer is None:
        raise NotFound(_("Customer not found"), code="customer_not_found")
    return customer


def contacts(customer_id: str) -> dict[str, Any]:
    _customer(customer_id)
    return {"customer_id": customer_id,
            "contacts": [contact_view(e) for e in care_db.contacts_of(customer_id)]}


def log_contact(customer_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Any call in or out, written on the customer's contact log (电话登记表)."""
    require_object(body)
    customer = _customer(customer_id)
    data = rules.parse_contact(body)
    if data.vehicle_id:
        vehicle = records_db.get_vehicle(data.vehicle_id)
        if vehicle is None or vehicle.customer_id != customer.id:
            raise ValidationError(_("That car is not this customer's"),
                                  fields={"vehicle_id": _("not a car of this customer")})
    now = store_now()
    entry = ContactEntry(at=now.isoformat(), channel=CALL, direction=data.direction,
                         by=staff.username, by_name=staff.name, vehicle_id=data.vehicle_id,
                         outcome=data.outcome, note=data.note)
    records_db.save(records_db.Changes(contacts=[(customer.id, entry)], now=now))
    log_event("contact_logged", customer_id=customer.id, direction=data.direction)
    return contact_view(entry)


# ---- marketing consent (营销短信授权) -----------------------------------------------------------

def consent_view(phone: str) -> dict[str, Any]:
    recorded = care_db.consents([phone]).get(phone) if phone else None
    opted_out = bool(phone) and phone in care_db.opted_out([phone])
    return {"marketing": bool(recorded and recorded.get("marketing")),
            "recorded": recorded is not None,
            "at": (recorded or {}).get("at"), "source": (recorded or {}).get("source"),
            "by": (recorded or {}).get("by"), "opted_out": opted_out}


def set_consent(customer_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """The customer's answer at the desk: marketing SMS yes or no (latest answer wins)."""
    require_object(body)
    customer = _customer(customer_id)
    marketing = rules.parse_consent(body)
    now = store_now()
    records_db.save(records_db.Changes(
        consents=[(customer.phone, marketing, DESK, staff.username)], now=now,
        audit=[audit_rules.entry(audit_rules.CUSTOMER, customer.id, actor=staff.username,
                                 actor_name=staff.name, action="marketing_consent", at=now,
                                 before=None, after={"marketing": marketing})]))
    log_event("marketing_consent", customer_id=customer.id, marketing=marketing)
    return consent_view(customer.phone)
