"""Complaints (投诉): opened from a survey, a call, staff or the customer; owned, answered,
escalated after 2 days unresolved, resolved with the customer's acceptance."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Callable, TypeVar

from botocore.exceptions import ClientError

from ..db import records as records_db
from ..domain import audit as audit_rules
from ..domain import complaints as cpl
from ..domain import messages as msg
from ..domain import repair_order as ro
from ..domain.booking import new_reference, require_object
from ..domain.errors import Conflict, FieldErrors, Forbidden, NotFound, ValidationError
from ..i18n import _
from ..domain.staff import COMPLAINT_DESK, FOLLOW_UP, MANAGER, MANAGERS, Staff
from ..domain.validation import LOGIN_MAX, clean_text, expect_version, mask_phone
from ..logs import log_event
from ..notify.templates import format_when, render
from . import auth
from .store import current_store, store_now

T = TypeVar("T")
RACE_RETRIES = 3
RACES = ("complaint_already_open", "complaint_changed")


def default_owner() -> str:
    """Complaints go to the customer-relations clerk (回访专员), else the manager; with neither
    in the store's staff, to nobody yet ("": the manager assigns it), never a made-up login."""
    for role in (FOLLOW_UP, MANAGER):
        people = auth.staff_in_role(role)
        if people:
            return people[0]["username"]
    return ""


def _audit(complaint: cpl.Complaint, before: cpl.Complaint | None, *, actor: str, action: str,
           now: datetime) -> audit_rules.AuditEntry:
    def view(c: cpl.Complaint | None) -> dict[str, Any] | None:
        if c is None:
            return None
        return {"status": c.status, "owner": c.owner, "severity": c.severity,
                "escalated_at": c.escalated_at or None, "resolution": c.resolution or None,
                "customer_accepted": c.customer_accepted}
    return audit_rules.entry(audit_rules.COMPLAINT, complaint.id, actor=actor, action=action,
                             at=now, before=view(before), after=view(complaint))


def _open(data: cpl.ComplaintInput, *, source: str, owner: str, by: str, now: datetime,
          changes: records_db.Changes, locale: str = "zh-CN", replaces: str = "",
          **about: str) -> cpl.Complaint:
    """Open the complaint, with the SMS that tells the customer when we will reply. About an
    order, it becomes the order's latest complaint in place of ``replaces`` (resolved)."""
    settings = current_store().settings
    complaint = cpl.open_complaint(data, source=source, reference=new_reference(), owner=owner,
                                   now=now, by=by, reply_hours=settings.complaint_reply_hours,
                                   escalate_hours=settings.complaint_escalate_hours, **about)
    changes.complaints.append((complaint, True))
    changes.audit.append(_audit(complaint, None, actor=by, action="opened", now=now))
    if complaint.order_id:
        changes.order_complaints.append((complaint.order_id, complaint.id, replaces))
    if complaint.phone:
        text = render(msg.COMPLAINT_ACK, locale, sig=settings.sms_signature,
                      name=complaint.customer_name, reference=complaint.reference,
                      reply_by=format_when(complaint.reply_by.astimezone(settings.tz), locale),
                      phone=settings.phone)
        changes.messages.append(msg.prepared_message(
            message_id=f"{complaint.id}.{msg.COMPLAINT_ACK}", kind=msg.COMPLAINT_ACK,
            phone=complaint.phone, locale=locale, text=text, due=now, settings=settings, now=now,
            order_id=complaint.order_id))
    log_event("complaint_opened", complaint_id=complaint.id, source=source,
              order_id=complaint.order_id, severity=complaint.severity)
    return complaint


def _about(order: ro.RepairOrder) -> dict[str, str]:
    return {"order_id": order.id, "order_reference": order.reference,
            "vehicle_id": order.vehicle_id, "plate": order.plate,
            "customer_name": order.customer_name, "phone": order.phone}


def complaint_for_order(order: ro.RepairOrder, *, description: str, source: str,
                        severity: str, by: str, now: datetime, changes: records_db.Changes,
                        staff_involved: str = "") -> tuple[cpl.Complaint, bool]:
    """(complaint, opened): an order has one open complaint at a time. While it is open, what
    the customer (survey, link) or a call tells us later becomes its note: no second complaint,
    no second SMS. Two at once: the marker written with ``changes`` lets only one open it
    (the other gets ``complaint_already_open`` and tries again)."""
    latest = records_db.latest_complaint_of(order.id)
    if latest is not None and latest.status == cpl.OPEN:
        noted = latest.add_note(description, now=now, by=by,
                                reply=source not in cpl.FROM_CUSTOMER)
        changes.complaints.append((noted, False))
        changes.audit.append(_audit(noted, latest, actor=by, action="note", now=now))
        log_event("complaint_noted", complaint_id=latest.id, source=source, order_id=order.id)
        return noted, False
    data = cpl.ComplaintInput(description=description, severity=severity,
                              staff_involved=staff_involved or order.advisor, order_id=order.id)
    return _open(data, source=source, owner=default_owner(), by=by, now=now, changes=changes,
                 locale=order.locale, replaces=latest.id if latest else "", **_about(order)), True


def retry_if_opened_meanwhile(action: Callable[[], T]) -> T:
    """Run ``action`` again if another request opened the order's complaint, or wrote to it,
    meanwhile: the next run reads it again and adds to it."""
    for _attempt in range(RACE_RETRIES - 1):
        try:
            return action()
        except Conflict as exc:
            if exc.code not in RACES:
                raise
    return action()


# ---- staff ----------------------------------------------------------------------------

def view(c: cpl.Complaint, staff: Staff, now: datetime | None = None, *,
         events: bool = True) -> dict[str, Any]:
    """The complaint; with its ``events`` when it was read with them (a list row is not)."""
    now = now or store_now()
    row = {"id": c.id, "reference": c.reference, "source": c.source, "status": c.status,
            "description": c.description, "severity": c.severity, "owner": c.owner,
            "opened_at": c.opened_at.isoformat(), "opened_by": c.opened_by,
            "reply_by": c.reply_by.isoformat(), "escalate_at": c.escalate_at.isoformat(),
            "replied_at": c.replied_at or None, "escalated_at": c.escalated_at or None,
            "escalated": c.escalated, "overdue_reply": c.overdue_reply(now),
            "order_id": c.order_id or None, "order_reference": c.order_reference or None,
            "vehicle_id": c.vehicle_id or None, "plate": c.plate, "customer_name": c.customer_name,
            "phone_masked": mask_phone(c.phone) if c.phone else "",
            "phone": staff.phone_view(c.phone),
            "can_call": bool(c.phone) and staff.full_phone(c.phone) is not None,
            "staff_involved": c.staff_involved, "resolution": c.resolution or None,
            "resolved_at": c.resolved_at or None, "customer_accepted": c.customer_accepted,
            "version": c.version}
    if events:
        row["events"] = [e.to_dict() for e in c.events]
    return row


def handlers() -> list[dict[str, str]]:
    """Who may own a complaint (advisors, follow-up clerks, managers): [{username, name}]."""
    people: dict[str, dict[str, str]] = {}
    for role in sorted(COMPLAINT_DESK):
        for person in auth.staff_in_role(role):
            people.setdefault(person["username"], {"username": person["username"],
                                                   "name": person["name"]})
    return sorted(people.values(), key=lambda p: p["username"])


def _desk(staff: Staff) -> dict[str, Any]:
    """What the complaints page needs beside the complaints: the people a complaint may go to
    (their names for the owners and the trail) and whether this reader may reassign."""
    return {"handlers": handlers(), "may_assign": bool(staff.roles & MANAGERS)}


RESOLVED_LISTED = 30     # the newest complaints read for the resolved part of the list


def complaint_list(staff: Staff) -> dict[str, Any]:
    """The manager's list: every open one first (escalated, then by reply deadline), then the
    newest resolved ones (``RESOLVED_LISTED``): two queries, bounded by what is open and a
    page, never by the years of complaints behind them."""
    now = store_now()
    open_ = sorted(records_db.open_complaints(), key=lambda c: (not c.escalated, c.reply_by))
    done = [c for c in records_db.recent_complaints(limit=RESOLVED_LISTED)
            if c.status != cpl.OPEN]
    resolved_hours = [(datetime.fromisoformat(c.resolved_at) - c.opened_at).total_seconds() / 3600
                      for c in done if c.resolved_at]
    return {"generated_at": now.isoformat(),
            "complaints": [view(c, staff, now, events=False) for c in open_ + done],
            "counts": {"open": len(open_), "escalated": sum(1 for c in open_ if c.escalated),
                       "overdue_reply": sum(1 for c in open_ if c.overdue_reply(now)),
                       "resolved": len(done)},
            "average_hours_to_resolve": (f"{sum(resolved_hours) / len(resolved_hours):.1f}"
                                         if resolved_hours else None),
            **_desk(staff)}


def _load(complaint_id: str) -> cpl.Complaint:
    complaint = records_db.get_complaint(complaint_id)
    if complaint is None:
        raise NotFound(_("Complaint not found"), code="complaint_not_found")
    return complaint


def complaint_detail(complaint_id: str, staff: Staff) -> dict[str, Any]:
    """One GetItem and one query (its events), with who it may go to."""
    return {**view(records_db.with_events(_load(complaint_id)), staff), **_desk(staff)}


def create(body: Any, staff: Staff) -> dict[str, Any]:
    """A complaint a member of staff takes down (at the desk, on the phone)."""
    require_object(body)
    data = cpl.parse_complaint(body)
    now = store_now()
    about: dict[str, str] = {}
    locale = "zh-CN"
    latest = None
    if data.order_id:
        order = records_db.get_order(data.order_id)
        if order is None:
            raise ValidationError(_("No such repair order"), fields={"order_id": _("not found")})
        about, locale = _about(order), order.locale
        latest = records_db.latest_complaint_of(order.id)
        if latest is not None and latest.status == cpl.OPEN:
            raise Conflict(_("This order already has an open complaint: add a note to it"),
                           code="complaint_already_open",
                           fields={"order_id": _("already has open complaint %(reference)s",
                                                 reference=latest.reference)},
                           extra={"complaint_id": latest.id})
    else:
        errors = FieldErrors()
        about["customer_name"] = clean_text(errors, "customer_name", body.get("customer_name"),
                                            max_len=cpl.CUSTOMER_NAME_MAX, required=True)
        about["plate"] = clean_text(errors, "plate", body.get("plate"), max_len=cpl.PLATE_MAX)
        errors.raise_if_any(_("Say who complains, or link the repair order"))
    owner = staff.username if staff.roles & COMPLAINT_DESK else default_owner()
    changes = records_db.Changes()
    complaint = _open(data, source="staff", owner=owner, by=staff.username, now=now,
                      changes=changes, locale=locale, replaces=latest.id if latest else "",
                      **about)
    records_db.save(changes)
    return view(replace(complaint, version=1), staff, now)


def _change(complaint_id: str, body: Any, staff: Staff, action: str, change) -> dict[str, Any]:
    require_object(body)
    old = _load(complaint_id)
    expect_version(FieldErrors(), body, old.version, kind="complaint")
    now = store_now()
    new = change(old, now)
    records_db.save(records_db.Changes(complaints=[(new, False)],
                                       audit=[_audit(new, old, actor=staff.username,
                                                     action=action, now=now)]))
    saved = replace(new, version=records_db.saved_version(old.version))
    return {**view(records_db.with_events(saved), staff, now), **_desk(staff)}


def _may_handle(staff: Staff, complaint: cpl.Complaint) -> None:
    if MANAGER not in staff.roles and complaint.owner != staff.username:
        raise Forbidden(_("Only the complaint's owner or the manager may do this"),
                        code="not_your_complaint")


def add_note(complaint_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    errors = FieldErrors()
    note = clean_text(errors, "note", (body or {}).get("note") if isinstance(body, dict) else None,
                      max_len=cpl.DESCRIPTION_MAX, required=True)
    errors.raise_if_any()

    def change(c: cpl.Complaint, now: datetime) -> cpl.Complaint:
        _may_handle(staff, c)
        return c.add_note(note, now=now, by=staff.username)
    return _change(complaint_id, body, staff, "note", change)


def assign(complaint_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    errors = FieldErrors()
    owner = clean_text(errors, "owner", (body or {}).get("owner") if isinstance(body, dict) else None,
                       max_len=LOGIN_MAX, required=True)
    errors.raise_if_any()
    if owner not in {p["username"] for p in handlers()}:
        raise ValidationError(_("Not someone who handles complaints"),
                              fields={"owner": _("an advisor, follow-up clerk or manager")})
    return _change(complaint_id, body, staff, "assigned",
                   lambda c, now: c.assign(owner, now=now, by=staff.username))


def resolve(complaint_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    require_object(body)
    resolution, accepted = cpl.parse_resolution(body)

    def change(c: cpl.Complaint, now: datetime) -> cpl.Complaint:
        _may_handle(staff, c)
        return c.resolve(resolution, accepted, now=now, by=staff.username)
    return _change(complaint_id, body, staff, "resolved" if accepted else "resolution_refused",
                   change)


# ---- the scheduled escalation -----------------------------------------------------------

def run_escalation(now: datetime | None = None) -> dict[str, int]:
    """Open complaints unresolved past their escalation time go to the manager (seed: 2 days).
    One query on a sparse index; each escalation is a conditional write (version)."""
    now = now or store_now()
    counts = {"escalated": 0, "conflict": 0}
    mobiles: list[tuple[str, str]] | None = None     # read once a run, only if one is due
    for complaint in records_db.complaints_to_escalate(now):
        if not complaint.escalation_due(now):
            continue
        if mobiles is None:
            mobiles = _manager_mobiles()
        managers = ",".join(p["username"] for p in auth.staff_in_role(MANAGER))
        new = complaint.escalate(now=now, to=managers)
        try:
            records_db.save(records_db.Changes(
                complaints=[(new, False)],
                audit=[_audit(new, complaint, actor="system", action="escalated", now=now)],
                messages=_escalation_texts(new, mobiles, now)))
        except Conflict as exc:   # changed meanwhile (resolved?): the next run looks again
            log_event("complaint_escalation_skipped", complaint_id=complaint.id,
                      reason=exc.__class__.__name__)
            counts["conflict"] += 1
            continue
        log_event("complaint_escalated", complaint_id=complaint.id, to=managers)
        counts["escalated"] += 1
    return counts


def _manager_mobiles() -> list[tuple[str, str]]:
    """(username, mobile) of the managers the escalation SMS goes to (set on their accounts)."""
    from . import accounts
    try:
        return accounts.escalation_mobiles()
    except ClientError as exc:   # the pool unreachable: escalate anyway, without the SMS
        log_event("escalation_sms_skipped", reason=exc.response.get("Error", {}).get("Code", ""))
        return []


def _escalation_texts(complaint: cpl.Complaint, mobiles: list[tuple[str, str]],
                      now: datetime) -> list[msg.OutboxMessage]:
    """One SMS per manager with a mobile, in the complaint's transaction (once: its id names
    the complaint and the manager); the reference only, never the customer's words or a link."""
    settings = current_store().settings
    text = render(msg.COMPLAINT_ESCALATED, "zh-CN", sig=settings.sms_signature,
                  reference=complaint.reference)
    return [msg.prepared_message(message_id=f"{complaint.id}.{msg.COMPLAINT_ESCALATED}.{username}",
                                 kind=msg.COMPLAINT_ESCALATED, phone=mobile, locale="zh-CN",
                                 text=text, due=now, settings=settings, now=now,
                                 order_id=complaint.order_id)
            for username, mobile in mobiles]
