"""Follow-up after delivery (回访): the survey and the clerk's calls.

Seed 004: the first contact 3 days to 1 week after delivery, the second
within the 7 days after that. Each delivered order gets a follow-up file
with two call tasks (delivery + 3 days, delivery + 7 days, a store setting)
and two SMS on the same days: the survey link first, then the second
follow-up. The clerk records each call: satisfied, reached (nothing to
report), not reached (with the day to try again) or an issue raised, which
opens a complaint. A survey with any score of 3 or less opens one too.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ..i18n import _
from .complaints import SEVERITIES
from .errors import Conflict, FieldErrors, ValidationError
from .validation import clean_choice, clean_text, parse_date, required_choice

FIRST = "first"
SECOND = "second"
TASKS = (FIRST, SECOND)
OPEN = "open"
DONE = "done"

SATISFIED = "satisfied"       # 满意
REACHED = "reached"           # 已联系, nothing to report
NOT_REACHED = "not_reached"   # 未接通: try again
ISSUE_RAISED = "issue_raised"  # 客户反映问题: a complaint
OUTCOMES = (SATISFIED, REACHED, NOT_REACHED, ISSUE_RAISED)
MAX_RETRY_DAYS = 14
SURVEY_ANSWERED = _("Thank you: this survey has already been answered")
MAX_CALLS = 40               # calls kept in one follow-up file (it is one item: bounded)
UPCOMING_DAYS = 7            # the clerk's list shows the calls due in the week ahead too
LAPSED_DAYS = 14             # a call overdue longer than this missed its time (回访时效): off the
                             # list, which so reads the calls of weeks, never of the years behind

SCORES = ("attitude", "quality", "timeliness")   # 服务态度 / 维修质量 / 及时性
LOW_SCORE = 3                                    # this or less opens a complaint
STARS = (1, 5)                                   # a score's range
NOTE_MAX = 500           # a call's note, the survey's comment
ISSUE_MAX = 1000         # an issue raised on a call (it opens a complaint)


@dataclass(frozen=True)
class Call:
    at: str
    by: str
    task: str
    outcome: str
    note: str = ""
    retry_on: str = ""
    complaint_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Task:
    kind: str
    due_on: str            # YYYY-MM-DD, store time; moved to the retry day when not reached
    status: str = OPEN
    outcome: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Survey:
    attitude: int
    quality: int
    timeliness: int
    comment: str
    answered_at: str

    @property
    def low(self) -> bool:
        return min(self.attitude, self.quality, self.timeliness) <= LOW_SCORE

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class FollowUp:
    """The follow-up file of one delivered order (回访记录)."""
    order_id: str
    order_reference: str
    vehicle_id: str
    plate: str
    customer_id: str
    customer_name: str
    phone: str
    advisor: str
    delivered_at: str
    tasks: tuple[Task, ...]
    calls: tuple[Call, ...] = ()
    survey: Survey | None = None
    complaint_ids: tuple[str, ...] = ()
    version: int | None = None

    @property
    def current(self) -> Task | None:
        """The open task to work on next: the one due first."""
        open_tasks = [t for t in self.tasks if t.status == OPEN]
        return min(open_tasks, key=lambda t: t.due_on) if open_tasks else None

    @property
    def next_due(self) -> str | None:
        task = self.current
        return task.due_on if task else None

    def record_call(self, call_input: "CallInput", *, now: datetime, by: str, today: date,
                    complaint_id: str = "") -> "FollowUp":
        task = self.current
        if task is None:
            raise Conflict(_("Every follow-up of this order is done"), code="followup_done")
        if len(self.calls) >= MAX_CALLS:
            raise ValidationError(_("This follow-up has had too many calls"), fields={
                "calls": _("at most %(count)s calls per follow-up", count=MAX_CALLS)})
        if call_input.outcome == NOT_REACHED:
            new_task = replace(task, due_on=call_input.retry_on)
        else:
            new_task = replace(task, status=DONE, outcome=call_input.outcome)
        call = Call(at=now.isoformat(), by=by, task=task.kind, outcome=call_input.outcome,
                    note=call_input.note, retry_on=call_input.retry_on, complaint_id=complaint_id)
        return replace(self, tasks=tuple(new_task if t.kind == task.kind else t for t in self.tasks),
                       calls=self.calls + (call,),
                       complaint_ids=self._with_complaint(complaint_id))

    def _with_complaint(self, complaint_id: str) -> tuple[str, ...]:
        """The order's complaints, once each (a later issue may add to the open one)."""
        if not complaint_id or complaint_id in self.complaint_ids:
            return self.complaint_ids
        return self.complaint_ids + (complaint_id,)

    def answer_survey(self, survey: Survey, complaint_id: str = "") -> "FollowUp":
        if self.survey is not None:
            raise Conflict(SURVEY_ANSWERED, code="survey_closed")
        return replace(self, survey=survey, complaint_ids=self._with_complaint(complaint_id))


def agenda(files: list[FollowUp], today: date) -> dict[str, list[FollowUp]]:
    """The clerk's calls by when they are due: overdue, today, then the days ahead (each list
    by due day, then plate)."""
    groups: dict[str, list[FollowUp]] = {"overdue": [], "today": [], "upcoming": []}
    day = today.isoformat()
    for f in sorted((f for f in files if f.next_due), key=lambda f: (f.next_due, f.plate)):
        due = f.next_due or ""
        groups["overdue" if due < day else "today" if due == day else "upcoming"].append(f)
    return groups


def plan(*, order_id: str, order_reference: str, vehicle_id: str, plate: str, customer_id: str,
         customer_name: str, phone: str, advisor: str, delivered_at: datetime,
         days: tuple[int, int]) -> FollowUp:
    day = delivered_at.date()
    return FollowUp(order_id=order_id, order_reference=order_reference, vehicle_id=vehicle_id,
                    plate=plate, customer_id=customer_id, customer_name=customer_name, phone=phone,
                    advisor=advisor, delivered_at=delivered_at.isoformat(),
                    tasks=(Task(FIRST, (day + timedelta(days=days[0])).isoformat()),
                           Task(SECOND, (day + timedelta(days=days[1])).isoformat())))


@dataclass(frozen=True)
class CallInput:
    outcome: str
    note: str
    retry_on: str
    issue: str
    severity: str


def parse_call(body: dict[str, Any], *, today: date) -> CallInput:
    errors = FieldErrors()
    outcome = required_choice(errors, "outcome", body.get("outcome"), OUTCOMES,
                              missing=_("required: %(outcomes)s", outcomes=", ".join(OUTCOMES)))
    note = clean_text(errors, "note", body.get("note"), max_len=NOTE_MAX)
    retry_on = ""
    if outcome == NOT_REACHED:
        retry = parse_date(errors, "retry_on", body.get("retry_on"), today=today,
                           back=timedelta(0), ahead=timedelta(days=MAX_RETRY_DAYS))
        if retry is not None and retry <= today:
            errors.add("retry_on", _("a day from tomorrow to %(days)s days ahead",
                                     days=MAX_RETRY_DAYS))
        retry_on = retry.isoformat() if retry else ""
    issue, severity = "", ""
    if outcome == ISSUE_RAISED:
        issue = clean_text(errors, "issue", body.get("issue"), max_len=ISSUE_MAX, required=True)
        severity = clean_choice(errors, "severity", body.get("severity"), SEVERITIES,
                                default="medium")
    errors.raise_if_any()
    return CallInput(outcome=outcome, note=note, retry_on=retry_on, issue=issue,
                     severity=severity)


def parse_survey(body: dict[str, Any], *, now: datetime) -> Survey:
    errors = FieldErrors()
    scores: dict[str, int] = {}
    for name in SCORES:
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not STARS[0] <= value <= STARS[1]:
            errors.add(name, _("1 to 5 stars"))
        else:
            scores[name] = value
    comment = clean_text(errors, "comment", body.get("comment"), max_len=NOTE_MAX)
    errors.raise_if_any(_("Give each question 1 to 5 stars"))
    return Survey(comment=comment, answered_at=now.isoformat(), **scores)
