"""Retention calls (邀约电话), the contact log (电话登记表) and the vehicle file's contact
timeline (一车一档), issue 15: the rules, in plain Python.

The follow-up clerk calls the owner of a car an invitation is about (first free service due,
not seen for months, declined work...). Each call has an outcome:

- ``booked`` 已预约: the call is done (the booking itself is attributed by its invitation);
- ``not_reached`` 未接通: the call comes back on ``retry_on`` (tomorrow to 14 days ahead);
- ``not_now`` 暂不需要: the call comes back on ``next_on`` (tomorrow to 180 days ahead);
- ``lost`` 流失: with a ``reason`` (sold the car, moved, another workshop, unhappy, other):
  the call is done, and the car is marked lost: no more reminders until it visits again.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..i18n import _
from .care import (CALL_DONE, CALL_OPEN, CALL_OUTCOMES, CONTACT_NOTE_MAX, DIRECTIONS,
                   LOST, LOST_REASONS, MAX_INVITATION_CALLS, NOT_NOW, NOT_REACHED, CallRecord,
                   CareState, Invitation)
from .errors import Conflict, FieldErrors, ValidationError
from .validation import clean_text, parse_date, required_choice

MAX_RETRY_DAYS = 14          # not reached: call again tomorrow .. 14 days ahead
MAX_NEXT_DAYS = 180          # not now: ask again tomorrow .. 180 days ahead
OVERDUE_DAYS = 14            # the list shows calls overdue at most this long
UPCOMING_DAYS = 7            # and the calls due in the week ahead
LIST_LIMIT = 200             # calls one list reads at most (one Query page)
CALL_NOTE_MAX = CONTACT_NOTE_MAX
CONTACT_OUTCOME_MAX = 40     # a logged call's outcome, in a word or two (已预约, 咨询价格)
TIMELINE_LIMIT = 100         # entries of a vehicle file's timeline (newest first)


@dataclass(frozen=True)
class CallInput:
    outcome: str
    note: str = ""
    retry_on: str = ""
    next_on: str = ""
    reason: str = ""

    @property
    def comes_back_on(self) -> str:
        """The day the call is due again (not reached, not now), or "" when it is done."""
        return self.retry_on or self.next_on


def _day_ahead(errors: FieldErrors, field: str, raw: Any, today: date, days: int) -> str:
    day = parse_date(errors, field, raw, today=today, back=timedelta(0),
                     ahead=timedelta(days=days))
    if day is not None and day <= today:
        errors.add(field, _("a day from tomorrow to %(days)s days ahead", days=days))
        return ""
    return day.isoformat() if day else ""


def parse_call(body: dict[str, Any], *, today: date) -> CallInput:
    """A retention call's outcome, each with what it needs; problems at their field."""
    errors = FieldErrors()
    outcome = required_choice(errors, "outcome", body.get("outcome"), CALL_OUTCOMES,
                              missing=_("required: what came of the call"))
    note = clean_text(errors, "note", body.get("note"), max_len=CALL_NOTE_MAX)
    retry_on = next_on = reason = ""
    if outcome == NOT_REACHED:
        retry_on = _day_ahead(errors, "retry_on", body.get("retry_on"), today, MAX_RETRY_DAYS)
    elif outcome == NOT_NOW:
        next_on = _day_ahead(errors, "next_on", body.get("next_on"), today, MAX_NEXT_DAYS)
    elif outcome == LOST:
        reason = required_choice(errors, "reason", body.get("reason"), LOST_REASONS,
                                 missing=_("required: why the customer is lost"))
    errors.raise_if_any()
    return CallInput(outcome=outcome, note=note, retry_on=retry_on, next_on=next_on,
                     reason=reason)


def record_call(inv: Invitation, data: CallInput, *, now: datetime, by: str) -> Invitation:
    """The invitation once the call is recorded: open again on the day it comes back, or done."""
    if inv.call_status != CALL_OPEN:
        raise Conflict(_("This invitation has no open call"), code="call_closed")
    if len(inv.calls) >= MAX_INVITATION_CALLS:
        raise ValidationError(_("This invitation has had too many calls"), fields={
            "outcome": _("at most %(count)s calls per invitation", count=MAX_INVITATION_CALLS)})
    call = CallRecord(at=now.isoformat(), by=by, outcome=data.outcome, note=data.note,
                      retry_on=data.retry_on, next_on=data.next_on, reason=data.reason)
    comes_back = data.comes_back_on
    return replace(inv, calls=inv.calls + (call,),
                   call_status=CALL_OPEN if comes_back else CALL_DONE,
                   call_due=comes_back or inv.call_due)


def lost(care: CareState, *, reason: str, at: datetime, by: str, note: str = "") -> CareState:
    """The car's care state once its owner is lost (流失): reminders stop until it visits again
    (``CareState.with_visit`` clears it)."""
    return replace(care, lost={"reason": reason, "at": at.isoformat(), "by": by, "note": note})


def closes_other_calls(data: CallInput) -> bool:
    """A lost car's other open calls are closed with it (nothing more is asked of the owner
    about this car: sold, moved, another workshop...)."""
    return data.outcome == LOST


def agenda(invitations: list[Invitation], today: date) -> dict[str, list[Invitation]]:
    """Open retention calls by when they are due: overdue (at most OVERDUE_DAYS), today, the
    week ahead; each by due day, then plate."""
    groups: dict[str, list[Invitation]] = {"overdue": [], "today": [], "upcoming": []}
    day = today.isoformat()
    oldest = (today - timedelta(days=OVERDUE_DAYS)).isoformat()
    until = (today + timedelta(days=UPCOMING_DAYS)).isoformat()
    for inv in sorted((i for i in invitations if i.call_status == CALL_OPEN and i.call_due),
                      key=lambda i: (i.call_due, i.plate, i.id)):
        if not oldest <= inv.call_due <= until:
            continue
        groups["overdue" if inv.call_due < day else
               "today" if inv.call_due == day else "upcoming"].append(inv)
    return groups


# ---- the contact log: any call in or out (电话登记表) ---------------------------------------

@dataclass(frozen=True)
class ContactInput:
    direction: str
    note: str
    vehicle_id: str = ""
    outcome: str = ""


def parse_contact(body: dict[str, Any]) -> ContactInput:
    errors = FieldErrors()
    direction = required_choice(errors, "direction", body.get("direction"), DIRECTIONS,
                                missing=_("required: in or out"))
    note = clean_text(errors, "note", body.get("note"), max_len=CONTACT_NOTE_MAX, required=True)
    vehicle_id = clean_text(errors, "vehicle_id", body.get("vehicle_id"), max_len=64)
    outcome = clean_text(errors, "outcome", body.get("outcome"), max_len=CONTACT_OUTCOME_MAX)
    errors.raise_if_any()
    return ContactInput(direction=direction, note=note, vehicle_id=vehicle_id, outcome=outcome)


def parse_consent(body: dict[str, Any]) -> bool:
    marketing = body.get("marketing")
    if not isinstance(marketing, bool):
        raise ValidationError(_("Say whether the customer agrees to marketing SMS"),
                              fields={"marketing": _("true or false")})
    return marketing


# ---- the vehicle file's timeline --------------------------------------------------------------

SMS_ENTRY = "sms"
CALL_ENTRY = "call"
FOLLOW_UP_ENTRY = "follow_up"
SURVEY_ENTRY = "survey"
COMPLAINT_ENTRY = "complaint"
INVITATION_ENTRY = "invitation"
TIMELINE_TYPES = (SMS_ENTRY, CALL_ENTRY, FOLLOW_UP_ENTRY, SURVEY_ENTRY, COMPLAINT_ENTRY,
                  INVITATION_ENTRY)


def _moment(entry: dict[str, Any]) -> datetime:
    try:
        moment = datetime.fromisoformat(str(entry["at"]).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def timeline(entries: list[dict[str, Any]], limit: int | None = None) -> list[dict[str, Any]]:
    """Entries of every kind ({"at", "type", ...}) newest first (by the instant, whatever
    the zone each was written in), at most ``limit``; an entry with no time is left out."""
    dated = [e for e in entries if e.get("at")]
    return sorted(dated, key=_moment, reverse=True)[:limit or TIMELINE_LIMIT]
