"""The workshop (车间): dispatch (派工), the technician's clock, quality check (质检).

A repair order is one workshop *job*: the foreman dispatches it to a
technician and a bay, and may hand it over to another technician (交接), which
is recorded. The technician clocks the job: start, pause with a reason,
resume, finish. Actual hours come from those events; sold hours from the
order's approved labour lines. A technician clocks one job at a time (the
store enforces it with a marker per technician, see ``db.records``).

Quality check has three levels in order: the technician's self-check (自检),
the team lead's check (互检 / 班组长), the final inspection (终检). Each is a
checklist with pass or fail per item and the signer's signature; job types
marked in the catalogue need a test drive record at the final inspection. A
failure at any level sends the job back to work (返工) and is counted; the
checks start again from the self-check.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..i18n import _
from .errors import Conflict, FieldErrors, Forbidden
from .history import Trail
from .files import NOT_A_PHOTO, photo_list_problem
from .money import decimal_text, to_decimal
from .staff import FOREMAN, INSPECTOR, MANAGER, ROLE_NAMES, TECHNICIAN, Staff
from .validation import LOGIN_MAX, REQUIRED_CHOICE, clean_text, required_choice

# ---- the job and its clock --------------------------------------------------------
ASSIGNED = "assigned"
HANDED_OVER = "handed_over"
STARTED = "started"
PAUSED = "paused"
RESUMED = "resumed"
FINISHED = "finished"
REWORK = "rework"            # quality check failed: back to work
CLOCK_ACTIONS = {"start": STARTED, "pause": PAUSED, "resume": RESUMED, "finish": FINISHED}
PAUSE_REASONS = ("parts", "approval", "other")   # 等件 / 等客户确认 / 其他
BAY_MAX = 20             # a bay's name
NOTE_MAX = 200           # a dispatch's or a clock event's note
ACTION_NAMES = {"start": _("start"), "pause": _("pause"), "resume": _("resume"),
                "finish": _("finish")}   # what a sentence calls the clock actions

# job states, derived from the events
UNASSIGNED = "unassigned"
WAITING = "waiting"          # dispatched, not started (or sent back for rework)
RUNNING = "running"
ON_HOLD = "paused"
DONE = "finished"
STATE_NAMES = {UNASSIGNED: _("not dispatched"), WAITING: _("waiting to start"),
               RUNNING: _("running"), ON_HOLD: _("paused"), DONE: _("finished")}
STATE_KINDS = (STARTED, RESUMED, PAUSED, FINISHED, REWORK)   # the events that decide the state


@dataclass(frozen=True)
class JobEvent:
    at: str
    by: str
    kind: str
    technician: str = ""
    bay: str = ""
    reason: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v or k in ("at", "by", "kind")}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "JobEvent":
        return cls(at=d["at"], by=d.get("by", ""), kind=d["kind"],
                   technician=d.get("technician", ""), bay=d.get("bay", ""),
                   reason=d.get("reason", ""), note=d.get("note", ""))


@dataclass(frozen=True)
class Job:
    """The job's dispatch and clock.

    Its events only grow, so they are stored apart from the order (``history.Trail``);
    the job keeps what its rules need, updated with each event: the last event that
    decides the state, the reason of the last pause, the minutes of the closed spells per
    technician and the running spell (``since``, ``running``: started when, by whom).
    """
    technician: str = ""
    bay: str = ""
    trail: Trail[JobEvent] = field(default_factory=Trail)
    last: str = ""
    paused_for: str = ""
    minutes: dict[str, float] = field(default_factory=dict)
    since: str = ""
    running: str = ""

    @property
    def events(self) -> tuple[JobEvent, ...]:
        """The events known here: all of them once read with the order's events."""
        return self.trail.known

    @property
    def state(self) -> str:
        if not self.technician:
            return UNASSIGNED
        return {STARTED: RUNNING, RESUMED: RUNNING, PAUSED: ON_HOLD,
                FINISHED: DONE}.get(self.last, WAITING)

    @property
    def pause_reason(self) -> str:
        return self.paused_for

    def worked_minutes(self, now: datetime) -> dict[str, int]:
        """Clocked minutes per technician; a running clock counts up to ``now``."""
        minutes = dict(self.minutes)
        if self.since:
            spell = (now - datetime.fromisoformat(self.since)).total_seconds() / 60
            minutes[self.running] = minutes.get(self.running, 0) + max(0.0, spell)
        return {k: int(round(v)) for k, v in minutes.items()}

    def total_minutes(self, now: datetime) -> int:
        return sum(self.worked_minutes(now).values())

    def with_event(self, event: JobEvent, **changes: Any) -> "Job":
        return replace(self, **changes)._folded(event)

    def _folded(self, event: JobEvent) -> "Job":
        """The job after ``event``: the event added to the trail, the clock brought up to date."""
        last, paused_for, minutes = self.last, self.paused_for, self.minutes
        since, running = self.since, self.running
        if event.kind in STATE_KINDS:
            last = event.kind
        if event.kind in CLOCK_ACTIONS.values():
            paused_for = event.reason if event.kind == PAUSED else ""
        if event.kind in (STARTED, RESUMED):
            since, running = event.at, event.technician or self.technician
        elif event.kind in (PAUSED, FINISHED) and since:
            spell = (datetime.fromisoformat(event.at) - datetime.fromisoformat(since)).total_seconds() / 60
            minutes = {**minutes, running: minutes.get(running, 0) + spell}
            since, running = "", ""
        return replace(self, trail=self.trail.add(event), last=last, paused_for=paused_for,
                       minutes=minutes, since=since, running=running)

    def to_dict(self) -> dict[str, Any]:
        """As shown: technician, bay and the events known here."""
        return {"technician": self.technician, "bay": self.bay,
                "events": [e.to_dict() for e in self.events]}

    def summary(self) -> dict[str, Any]:
        """As stored in the order: bounded (one entry per technician at most), no events."""
        return {"technician": self.technician, "bay": self.bay, "last": self.last,
                "paused_for": self.paused_for, "minutes": dict(self.minutes),
                "since": self.since, "running": self.running, "event_count": self.trail.count}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Job":
        """From ``summary()``; or from an order written when the job held its events, which
        are replayed (and stored apart with the order's next change)."""
        d = d or {}
        if "event_count" in d:
            return cls(technician=d.get("technician", ""), bay=d.get("bay", ""),
                       trail=Trail.stored(int(d["event_count"])), last=d.get("last", ""),
                       paused_for=d.get("paused_for", ""), minutes=dict(d.get("minutes") or {}),
                       since=d.get("since", ""), running=d.get("running", ""))
        job = cls(technician=d.get("technician", ""), bay=d.get("bay", ""))
        for raw in d.get("events", []):
            job = job._folded(JobEvent.from_dict(raw))
        return replace(job, trail=Trail.unstored(job.events))


@dataclass(frozen=True)
class Dispatch:
    technician: str
    bay: str
    note: str


def parse_dispatch(body: dict[str, Any], *, technicians: set[str], bays: tuple[str, ...]) -> Dispatch:
    errors = FieldErrors()
    technician = clean_text(errors, "technician", body.get("technician"), max_len=LOGIN_MAX)
    if not technician:   # chosen from the store's list, not typed: "please choose one"
        errors.add("technician", REQUIRED_CHOICE)
    elif technician and technician not in technicians:
        errors.add("technician", _("not a technician of this store"))
    bay = clean_text(errors, "bay", body.get("bay"), max_len=BAY_MAX)
    if bay and bay not in bays:
        errors.add("bay", _("one of %(bays)s", bays=", ".join(bays)))
    note = clean_text(errors, "note", body.get("note"), max_len=NOTE_MAX)
    errors.raise_if_any()
    return Dispatch(technician=technician, bay=bay, note=note)


def pre_assigned(technician: str, *, at: datetime, by: str) -> Job:
    """The job of a new order whose booking named its technician (预派工): assigned to them from
    the start, no bay yet; the foreman may still hand it over."""
    if not technician:
        return Job()
    return Job().with_event(JobEvent(at=at.isoformat(), by=by, kind=ASSIGNED, technician=technician,
                                     note="pre_assigned"), technician=technician)


@dataclass(frozen=True)
class ClockInput:
    action: str
    reason: str
    note: str


def parse_clock(body: dict[str, Any]) -> ClockInput:
    errors = FieldErrors()
    action = required_choice(errors, "action", body.get("action"), tuple(CLOCK_ACTIONS),
                             missing=_("required: start, pause, resume or finish"))
    reason = ""
    if action == "pause":
        reason = required_choice(errors, "reason", body.get("reason"), PAUSE_REASONS,
                                 missing=_("required: parts, approval or other"))
    note = clean_text(errors, "note", body.get("note"), max_len=NOTE_MAX)
    if reason == "other" and not note:
        errors.add("note", _("say why the job is paused"))
    errors.raise_if_any()
    return ClockInput(action=action, reason=reason, note=note)


@dataclass(frozen=True)
class Finding:
    """What a technician found in the bay (技师发现): their words and photos of it."""
    description: str
    photo_keys: tuple[str, ...]


MAX_FINDING_PHOTOS = 10
FINDING_MAX = 120        # a finding's description


def parse_finding(body: dict[str, Any], *, photo_key_ok) -> Finding:
    errors = FieldErrors()
    description = clean_text(errors, "description", body.get("description"), max_len=FINDING_MAX,
                             required=True)
    photos = body.get("photo_keys") or []
    if not isinstance(photos, list) or len(photos) > MAX_FINDING_PHOTOS:
        errors.add("photo_keys", photo_list_problem(MAX_FINDING_PHOTOS))
        photos = []
    for i, key in enumerate(photos):
        if not photo_key_ok(key):
            errors.add(f"photo_keys.{i}", NOT_A_PHOTO)
    errors.raise_if_any()
    return Finding(description=description, photo_keys=tuple(photos))


def may_clock(staff: Staff, job: Job) -> None:
    """A technician clocks their own job; the foreman and the manager may clock any."""
    if staff.roles & {FOREMAN, MANAGER}:
        return
    if staff.username != job.technician:
        raise Forbidden(_("This job is dispatched to another technician"), code="not_your_job")


def next_clock_state(job: Job, action: str) -> None:
    """Refuse a clock action the job's state does not allow."""
    state = job.state
    allowed = {"start": (WAITING,), "pause": (RUNNING,), "resume": (ON_HOLD,),
               "finish": (RUNNING, ON_HOLD)}[action]
    if state == UNASSIGNED:
        raise Conflict(_("Dispatch the job to a technician first"), code="job_not_dispatched")
    if state not in allowed:
        raise Conflict(_("The job is %(state)s: cannot %(action)s", state=STATE_NAMES[state],
                         action=ACTION_NAMES[action]), code="invalid_clock",
                       fields={"action": _("job is %(state)s", state=STATE_NAMES[state])})


def clock_on_action(job: Job) -> str:
    """The clock action that puts the job's technician to work ("" if the clock runs already);
    ``next_clock_state`` refuses it for a job not dispatched or finished."""
    return {RUNNING: "", ON_HOLD: "resume"}.get(job.state, "start")


def at_risk(*, now: datetime, promised_at: datetime | None, sold_minutes: int,
            worked_minutes: int, qc_minutes: int) -> bool:
    """The remaining sold time plus the quality check no longer fits before the promise."""
    if promised_at is None:
        return False
    remaining = max(0, sold_minutes - worked_minutes) + qc_minutes
    return now + timedelta(minutes=remaining) > promised_at


# ---- quality check (质检) ------------------------------------------------------------
SELF = "self"            # 自检
TEAM_LEAD = "team_lead"  # 互检 (班组长)
FINAL = "final"          # 终检
LEVELS = (SELF, TEAM_LEAD, FINAL)
LEVEL_NAMES = {SELF: _("self-check"), TEAM_LEAD: _("team lead's check"), FINAL: _("final inspection")}
LEVEL_ROLES = {SELF: frozenset({TECHNICIAN}), TEAM_LEAD: frozenset({FOREMAN}),
               FINAL: frozenset({INSPECTOR})}
PASS = "pass"
FAIL = "fail"
MAX_QC_RECORDS = 30      # checks kept in one order (ten rounds of three levels): bounded
QC_NOTE_MAX = 500
MAX_TEST_DRIVE_KM = 200
TEST_DRIVE_FINDINGS_MAX = 300

# (code, 中文, English): the store's standard checklist per level
CHECKLISTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    SELF: (("work_done", "施工单项目全部完成", "Every line of the order done"),
           ("torque", "螺栓扭矩已复核", "Bolt torques re-checked"),
           ("fluids", "油液液位正常", "Fluid levels correct"),
           ("no_leaks", "无渗漏", "No leaks"),
           ("tools_removed", "工具、护罩已取出", "Tools and covers removed")),
    TEAM_LEAD: (("work_matches", "施工内容与施工单一致", "Work matches the order"),
                ("parts_correct", "更换零件型号正确", "Right parts fitted"),
                ("old_parts", "旧件按客户要求处理", "Old parts kept as the customer chose"),
                ("records", "维修记录填写完整", "Work records complete")),
    FINAL: (("concern_fixed", "客户描述的故障已排除", "The customer's concern is fixed"),
            ("warning_lights", "仪表无故障灯", "No warning lights"),
            ("no_new_damage", "车身无新增损伤", "No new damage to the body"),
            ("interior_clean", "内饰整洁,三件套已撤", "Interior clean, covers removed"),
            ("settings_restored", "座椅、收音机等设置已复原", "Seat, radio and other settings restored")),
}


@dataclass(frozen=True)
class TestDrive:
    distance_km: str
    findings: str

    def to_dict(self) -> dict[str, str]:
        return {"distance_km": self.distance_km, "findings": self.findings}


@dataclass(frozen=True)
class QcRecord:
    level: str
    round: int                 # 0 for the first pass, n after n reworks
    at: str
    by: str
    by_name: str
    items: dict[str, str]      # code -> pass / fail
    note: str = ""
    signature_key: str = ""
    test_drive: TestDrive | None = None
    stand_in: bool = False     # signed by the manager in place of the level's role

    @property
    def passed(self) -> bool:
        return all(v == PASS for v in self.items.values())

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "round": self.round, "at": self.at, "by": self.by,
                "by_name": self.by_name, "items": dict(self.items), "note": self.note,
                "signature_key": self.signature_key, "passed": self.passed,
                "test_drive": self.test_drive.to_dict() if self.test_drive else None,
                "stand_in": self.stand_in}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "QcRecord":
        drive = d.get("test_drive")
        return cls(level=d["level"], round=int(d.get("round", 0)), at=d["at"], by=d["by"],
                   by_name=d.get("by_name", ""), items=dict(d.get("items", {})),
                   note=d.get("note", ""), signature_key=d.get("signature_key", ""),
                   test_drive=TestDrive(**drive) if drive else None,
                   stand_in=bool(d.get("stand_in", False)))


@dataclass(frozen=True)
class Quality:
    records: tuple[QcRecord, ...] = ()
    rework_count: int = 0          # 返工次数: 0 means fixed right first time (一次修好)
    passed_at: str = ""

    def passed_levels(self) -> list[str]:
        return [r.level for r in self.records if r.round == self.rework_count and r.passed]

    @property
    def next_level(self) -> str | None:
        done = self.passed_levels()
        return next((level for level in LEVELS if level not in done), None)

    def to_dict(self) -> dict[str, Any]:
        return {"records": [r.to_dict() for r in self.records],
                "rework_count": self.rework_count, "passed_at": self.passed_at}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Quality":
        d = d or {}
        return cls(records=tuple(QcRecord.from_dict(r) for r in d.get("records", [])),
                   rework_count=int(d.get("rework_count", 0)), passed_at=d.get("passed_at", ""))


@dataclass(frozen=True)
class QcInput:
    level: str
    items: dict[str, str]
    note: str
    test_drive: TestDrive | None


def parse_qc(body: dict[str, Any], *, test_drive_required: bool,
             errors: FieldErrors | None = None, checklists: dict | None = None) -> QcInput:
    """The checklist of one level; ``errors`` may already hold other problems of the form.
    ``checklists``: the store's (settings, issue 13), else the standard ``CHECKLISTS``."""
    lists = checklists or CHECKLISTS
    errors = errors if errors is not None else FieldErrors()
    level = required_choice(errors, "level", body.get("level"), LEVELS,
                            missing=_("required: self, team_lead or final"))
    items_in = body.get("items")
    items: dict[str, str] = {}
    if level:
        if not isinstance(items_in, dict):
            items_in = {}
        for code, _zh, _en in lists[level]:
            value = items_in.get(code)
            if value not in (PASS, FAIL):
                errors.add(f"items.{code}", _("pass or fail"))
            else:
                items[code] = value
        for code in items_in:
            if code not in items and f"items.{code}" not in errors.fields:
                errors.add(f"items.{code}", _("not on this checklist"))
    note = clean_text(errors, "note", body.get("note"), max_len=QC_NOTE_MAX)
    if FAIL in items.values() and not note:
        errors.add("note", _("say what failed and what must be redone"))
    drive = None
    raw = body.get("test_drive")
    if level == FINAL and (test_drive_required or raw):
        raw = raw if isinstance(raw, dict) else {}
        km = to_decimal(raw.get("distance_km"))
        if km is None or not 0 < km <= MAX_TEST_DRIVE_KM:
            errors.add("test_drive.distance_km",
                       _("required for this job: the test drive's km (0-200)"))
            km = None
        findings = clean_text(errors, "test_drive.findings", raw.get("findings"), max_len=TEST_DRIVE_FINDINGS_MAX,
                              required=True)
        if km is not None and findings:
            drive = TestDrive(distance_km=decimal_text(km), findings=findings)
    errors.raise_if_any(_("Complete the checklist"))
    return QcInput(level=level, items=items, note=note, test_drive=drive)


def may_sign(staff: Staff, level: str, job: Job, quality: Quality) -> bool:
    """Three levels are three people: each level is signed by its role, the self-check by the
    job's technician, and no one signs two levels of the same round (independent checks). The
    manager may stand in for one level of a round. Returns whether ``staff`` stands in."""
    this_round = [r for r in quality.records if r.round == quality.rework_count and r.passed]
    if staff.username in {r.by for r in this_round}:
        raise Forbidden(_("Another person must sign this level"), code="same_signer")
    own_level = bool(staff.roles & LEVEL_ROLES[level]) and (
        level != SELF or staff.username == job.technician)
    if own_level:
        return False
    if MANAGER not in staff.roles:
        if level == SELF and staff.roles & LEVEL_ROLES[SELF]:
            raise Forbidden(_("The self-check is signed by the job's technician"),
                            code="not_your_job")
        raise Forbidden(_("The %(level)s is signed by the %(role)s", level=LEVEL_NAMES[level],
                          role=ROLE_NAMES[min(LEVEL_ROLES[level])]), code="forbidden")
    if any(r.stand_in for r in this_round):
        raise Forbidden(_("The manager has already stood in for a level of this check: the "
                          "level's own role signs it"), code="stand_in_used")
    return True


def can_sign(staff: Staff, job: Job, quality: Quality) -> bool:
    """Whether ``staff`` may sign the next level of the check (what ``may_sign`` allows):
    a list offers a reader only the checks that are theirs."""
    level = quality.next_level
    if level is None:
        return False
    try:
        may_sign(staff, level, job, quality)
    except Forbidden:
        return False
    return True


def checklist_view(lang_en: bool = False,
                   checklists: dict | None = None) -> dict[str, list[dict[str, str]]]:
    return {level: [{"code": c, "label": en if lang_en else zh, "label_zh": zh, "label_en": en}
                    for c, zh, en in items] for level, items in (checklists or CHECKLISTS).items()}
