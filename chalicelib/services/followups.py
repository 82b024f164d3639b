"""The follow-up clerk's calls (回访): who to call today, with the survey answers, and what
came of each call. An issue raised on a call opens a complaint."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from ..db import records as records_db
from ..domain import audit as audit_rules
from ..domain import followup as fu
from ..domain.booking import require_object
from ..domain.errors import FieldErrors, NotFound
from ..domain.repair_order import ORDER_NOT_FOUND
from ..i18n import _
from ..domain.staff import Staff
from ..domain.validation import day_asked, expect_version, mask_phone
from ..logs import log_event
from . import complaints
from .store import store_now


def _names() -> dict[str, str]:
    """Display names (张顾问) of the people a follow-up names (its advisor), from the cached
    staff directory."""
    return {p["username"]: p["name"] for p in complaints.handlers()}


def view(f: fu.FollowUp, today: date, staff: Staff,
         names: dict[str, str] | None = None) -> dict[str, Any]:
    task = f.current
    return {"order_id": f.order_id, "order_reference": f.order_reference,
            "vehicle_id": f.vehicle_id, "plate": f.plate, "customer_name": f.customer_name,
            "phone": staff.phone_view(f.phone), "phone_masked": mask_phone(f.phone), "advisor": f.advisor,
            "advisor_name": (names or {}).get(f.advisor, f.advisor),
            "delivered_at": f.delivered_at, "version": f.version,
            "task": task.to_dict() if task else None, "due_on": task.due_on if task else None,
            "overdue": bool(task and task.due_on < today.isoformat()),
            "can_call": staff.full_phone(f.phone) is not None,
            "tasks": [t.to_dict() for t in f.tasks], "calls": [c.to_dict() for c in f.calls],
            "survey": f.survey.to_dict() if f.survey else None,
            "survey_low": bool(f.survey and f.survey.low),
            "complaint_ids": list(f.complaint_ids)}


def due_list(date_text: str | None, staff: Staff) -> dict[str, Any]:
    """The clerk's calls: overdue, due today (or the day asked), and due in the week ahead,
    so a quiet day still shows what comes: one query on the ``due`` index.
    ``followups`` stays what is due by the day (overdue ones included, for ``LAPSED_DAYS``:
    a call older than that missed its time); ``upcoming`` is the week after it."""
    day = day_asked(date_text, today=store_now().date())
    until = day + timedelta(days=fu.UPCOMING_DAYS)
    groups = fu.agenda(records_db.followups_due(
        until, since=day - timedelta(days=fu.LAPSED_DAYS)), day)
    names = _names()
    return {"date": day.isoformat(), "until": until.isoformat(),
            "followups": [view(f, day, staff, names) for f in groups["overdue"] + groups["today"]],
            "upcoming": [view(f, day, staff, names) for f in groups["upcoming"]],
            "counts": {name: len(items) for name, items in groups.items()}}


def record_call(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    require_object(body)
    old = records_db.get_followup(order_id)
    if old is None:
        raise NotFound(_("No follow-up for this order"), code="followup_not_found")
    expect_version(FieldErrors(), body, old.version, kind="followup")
    now = store_now()
    data = fu.parse_call(body, today=now.date())
    changes = records_db.Changes()
    complaint_id = ""
    if data.outcome == fu.ISSUE_RAISED:
        order = records_db.get_order(order_id)
        if order is None:
            raise NotFound(ORDER_NOT_FOUND, code="order_not_found")
        complaint, _created = complaints.complaint_for_order(
            order, description=data.issue, source="follow_up", severity=data.severity,
            by=staff.username, now=now, changes=changes)
        complaint_id = complaint.id
    new = old.record_call(data, now=now, by=staff.username, today=now.date(),
                          complaint_id=complaint_id)
    changes.followups.append((new, False))
    changes.audit.append(audit_rules.entry(
        audit_rules.FOLLOW_UP, order_id, actor=staff.username, actor_name=staff.name,
            action=f"call_{data.outcome}",
        at=now, before=None, after={"outcome": data.outcome, "note": data.note,
                                    "retry_on": data.retry_on or None,
                                    "complaint_id": complaint_id or None}))
    records_db.save(changes)
    log_event("followup_call", order_id=order_id, outcome=data.outcome, complaint_id=complaint_id)
    saved = replace(new, version=records_db.saved_version(old.version))
    return view(saved, now.date(), staff, _names())
