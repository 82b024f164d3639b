"""The repair order (施工单 / 委托书): lines, totals, customer approval, states.

Every state change of an order goes through ``_move`` and the TRANSITIONS
table below: routes and services never set a status themselves.

Lines are labour (工时: hours x rate) or parts (备件: quantity x unit price),
each with a pay type. Prices include VAT (明码标价); the tax contained is
shown per pay type. A line is *draft* until it is sent for approval, then
*pending* until the customer approves or declines it. Work may start only on
an approved line (避免擅自更换或修理). Lines added after the estimate was
approved are additional work (增项): the customer decides on them, with the
new total and the new promised completion time, which the order takes only
if the customer accepts. A part may name the labour line whose work fits it
(``labor_line``): the customer approves or declines the two as one job
(维修项目, ``work_items``), never the labour without its part.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..i18n import _
from . import workshop as ws
from .booking import WALK_IN
from .errors import Conflict, FieldErrors, NotFound, ValidationError
from .money import decimal_text, included_tax, parse_money, parse_quantity, times, yuan
from .settlement import Delivery, Settlement, require_authority
from .staff import FRONT_DESK, Staff
from .store import Service, StoreSettings
from .files import NOT_A_PHOTO, photo_list_problem
from .validation import LATER_THAN_NOW, REQUIRED, clean_choice, clean_text

# ---- order states --------------------------------------------------------------
OPEN = "open"                              # being written
AWAITING_APPROVAL = "awaiting_approval"    # estimate sent, customer deciding
APPROVED = "approved"                      # customer approved; work may start
IN_WORK = "in_work"                        # 施工: dispatched and clocked
QUALITY_CHECK = "quality_check"            # 质检
READY = "ready"                            # 待交车
SETTLED = "settled"                        # 已结算
DELIVERED = "delivered"                    # 已交车
CANCELLED = "cancelled"
STATUSES = (OPEN, AWAITING_APPROVAL, APPROVED, IN_WORK, QUALITY_CHECK, READY, SETTLED,
            DELIVERED, CANCELLED)
STATUS_NAMES = {OPEN: _("open"), AWAITING_APPROVAL: _("awaiting approval"),
                APPROVED: _("approved"), IN_WORK: _("in work"),
                QUALITY_CHECK: _("in quality check"), READY: _("ready"), SETTLED: _("settled"),
                DELIVERED: _("delivered"), CANCELLED: _("cancelled")}   # as a sentence says it
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({AWAITING_APPROVAL, CANCELLED}),
    AWAITING_APPROVAL: frozenset({APPROVED, OPEN}),
    APPROVED: frozenset({IN_WORK}),
    IN_WORK: frozenset({QUALITY_CHECK}),
    QUALITY_CHECK: frozenset({IN_WORK, READY}),
    READY: frozenset({SETTLED}),
    SETTLED: frozenset({DELIVERED}),
    DELIVERED: frozenset(),
    CANCELLED: frozenset(),
}
# Lines may be added (as additional work once approved) in these states. In quality check
# the inspector fails the check first: the job goes back to work, then lines can be added.
ACCEPTS_LINES = frozenset({OPEN, AWAITING_APPROVAL, APPROVED, IN_WORK})
# The car is in the store (not yet handed back): the orders of the shop floor.
IN_STORE = frozenset({OPEN, AWAITING_APPROVAL, APPROVED, IN_WORK, QUALITY_CHECK, READY, SETTLED})
# What the customer's status link shows: received -> in work -> quality check -> ready -> delivered
PROGRESS = ("received", IN_WORK, QUALITY_CHECK, READY, DELIVERED)
PROGRESS_STEP = {OPEN: "received", AWAITING_APPROVAL: "received", APPROVED: "received",
                 IN_WORK: IN_WORK, QUALITY_CHECK: QUALITY_CHECK, READY: READY, SETTLED: READY,
                 DELIVERED: DELIVERED, CANCELLED: "received"}

# ---- lines ---------------------------------------------------------------------
LABOR = "labor"
PART = "part"
LINE_KINDS = (LABOR, PART)
PAY_TYPES = ("customer", "warranty", "internal", "goodwill")   # 客户 / 保修 / 内部 / 善意
DRAFT = "draft"
PENDING = "pending"
LINE_APPROVED = "approved"
DECLINED = "declined"
LINE_IN_WORK = "in_work"
DONE = "done"
COUNTED = frozenset({DRAFT, PENDING, LINE_APPROVED, LINE_IN_WORK, DONE})  # in the estimate
AGREED = frozenset({LINE_APPROVED, LINE_IN_WORK, DONE})                   # the customer said yes
LINE_STATUS_NAMES = {DRAFT: _("draft"), PENDING: _("awaiting customer"),
                     LINE_APPROVED: _("approved"), DECLINED: _("declined"),
                     LINE_IN_WORK: _("in work"), DONE: _("done")}
MAX_LINES = 60
DESCRIPTION_MAX = 120    # a line's description (and a discount's reason)
CODE_MAX = 40            # a line's operation code or part number
MAX_LINE_HOURS = 200     # a labour line's hours
LINE_ID_MAX = 16         # the labour line a part belongs to
MAX_LINE_PHOTOS = 10
PROMISE_PAST = _("The promised time is in the past")
ORDER_NOT_FOUND = _("Repair order not found")

# ---- approval requests ---------------------------------------------------------
ESTIMATE = "estimate"
ADDITIONAL = "additional"
VIA_SMS = "sms"
VIA_IN_STORE = "in_store"
APPROVAL_CHANNELS = (VIA_SMS, VIA_IN_STORE)
MAX_RESENDS = 3        # an approval SMS is sent again at most this many times
DECISIONS = (LINE_APPROVED, DECLINED)


def _short_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Line:
    id: str
    kind: str
    code: str                 # operation code (工时代码) or part number (零件号)
    description: str
    quantity: Decimal         # hours for labour, units for parts
    unit_price_fen: int       # hourly rate or unit price, tax included
    pay_type: str
    status: str = DRAFT
    additional: bool = False  # 增项: added after the estimate was approved
    photo_keys: tuple[str, ...] = ()
    added_at: str = ""
    added_by: str = ""
    decided_at: str = ""
    decided_via: str = ""
    reason: str = ""          # why the line is discounted or not paid by the customer
    discount_by: str = ""     # who gave that discount, within their authority ("" if none)
    labor_line: str = ""      # a part: the labour line whose work fits it ("" if on its own)
    found_by: str = ""        # 技师发现: the technician who reported it from the bay
    to_price: bool = False    # a finding the advisor has not priced yet: it cannot be sent
    package: str = ""         # the booked service (保养套餐) the line came from at check-in

    @classmethod
    def new(cls, data: "LineInput", *, now: datetime, by: str, additional: bool = False) -> "Line":
        return cls(id=_short_id("L"), kind=data.kind, code=data.code,
                   description=data.description, quantity=data.quantity,
                   unit_price_fen=data.unit_price_fen, pay_type=data.pay_type,
                   additional=additional, photo_keys=data.photo_keys,
                   added_at=now.isoformat(), added_by=by, reason=data.reason,
                   discount_by=data.discount_by, labor_line=data.labor_line)

    @property
    def customer_fen(self) -> int:
        """What the customer pays for the line: nothing under warranty, internal or goodwill."""
        return self.amount_fen if self.pay_type == "customer" else 0

    @property
    def amount_fen(self) -> int:
        return times(self.quantity, self.unit_price_fen)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "code": self.code,
                "description": self.description, "quantity": decimal_text(self.quantity),
                "unit_price_fen": self.unit_price_fen, "pay_type": self.pay_type,
                "status": self.status, "additional": self.additional,
                "photo_keys": list(self.photo_keys), "added_at": self.added_at,
                "added_by": self.added_by, "decided_at": self.decided_at,
                "decided_via": self.decided_via, "reason": self.reason,
                "discount_by": self.discount_by, "labor_line": self.labor_line,
                "found_by": self.found_by, "to_price": self.to_price, "package": self.package}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Line":
        return cls(id=d["id"], kind=d["kind"], code=d.get("code", ""),
                   description=d["description"], quantity=Decimal(str(d["quantity"])),
                   unit_price_fen=int(d["unit_price_fen"]), pay_type=d["pay_type"],
                   status=d.get("status", DRAFT), additional=bool(d.get("additional")),
                   photo_keys=tuple(d.get("photo_keys") or ()), added_at=d.get("added_at", ""),
                   added_by=d.get("added_by", ""), decided_at=d.get("decided_at", ""),
                   decided_via=d.get("decided_via", ""), reason=d.get("reason", ""),
                   discount_by=d.get("discount_by", ""), labor_line=d.get("labor_line", ""),
                   found_by=d.get("found_by", ""), to_price=bool(d.get("to_price", False)),
                   package=d.get("package", ""))


@dataclass(frozen=True)
class LineInput:
    kind: str
    code: str
    description: str
    quantity: Decimal
    unit_price_fen: int
    pay_type: str
    photo_keys: tuple[str, ...]
    reason: str = ""
    discount_by: str = ""     # set by ``authorise_line``
    labor_line: str = ""      # a part: the labour line it is fitted in (checked on the order)

    @property
    def amount_fen(self) -> int:
        return times(self.quantity, self.unit_price_fen)


def parse_line(body: Any, *, default_rate_fen: int, photo_key_ok) -> LineInput:
    """A labour line {kind: labor, description, hours, rate} or a part line
    {kind: part, part_number, description, quantity, unit_price, labor_line}; amounts in yuan
    text. ``labor_line`` (optional) names the labour line whose work fits the part: the
    customer then approves or declines them as one job (``work_items``)."""
    errors = FieldErrors()
    if not isinstance(body, dict):
        raise ValidationError(_("A line must be an object"), fields={"line": _("must be an object")})
    kind = clean_choice(errors, "kind", body.get("kind"), LINE_KINDS, default="")
    if not kind:
        errors.add("kind", _("required: labor or part"))
    description = clean_text(errors, "description", body.get("description"), max_len=DESCRIPTION_MAX,
                             required=True)
    pay_type = clean_choice(errors, "pay_type", body.get("pay_type"), PAY_TYPES, default="customer")
    if kind == PART:
        code = clean_text(errors, "part_number", body.get("part_number"), max_len=CODE_MAX)
        quantity = parse_quantity(errors, "quantity", body.get("quantity"))
        price = parse_money(errors, "unit_price", body.get("unit_price"))
    else:
        code = clean_text(errors, "operation", body.get("operation"), max_len=CODE_MAX)
        quantity = parse_quantity(errors, "hours", body.get("hours"), high=MAX_LINE_HOURS)
        price = parse_money(errors, "rate", body.get("rate"), required=False)
        if price is None and "rate" not in errors.fields:
            price = default_rate_fen
    reason = clean_text(errors, "reason", body.get("reason"), max_len=DESCRIPTION_MAX)
    labor_line = clean_text(errors, "labor_line", body.get("labor_line"), max_len=LINE_ID_MAX)
    if labor_line and kind == LABOR:
        errors.add("labor_line", _("only a part belongs to a labour line"))
    photos = body.get("photo_keys") or []
    if not isinstance(photos, list) or len(photos) > MAX_LINE_PHOTOS:
        errors.add("photo_keys", photo_list_problem(MAX_LINE_PHOTOS))
        photos = []
    for i, key in enumerate(photos):
        if not photo_key_ok(key):
            errors.add(f"photo_keys.{i}", NOT_A_PHOTO)
    errors.raise_if_any()
    assert quantity is not None and price is not None
    return LineInput(kind=kind, code=code, description=description, quantity=quantity,
                     unit_price_fen=price, pay_type=pay_type, photo_keys=tuple(photos),
                     reason=reason, labor_line=labor_line if kind == PART else "")


# ---- discounts on a line (优惠权限) -------------------------------------------------------
# A line is a discount when the customer pays less than its list price: a price below it, or
# a pay type other than the customer (warranty, internal, goodwill: the customer pays 0).
# The role limits of the settlement apply where the line is written (one rule for both,
# ``settlement.within_authority``); the manager decides above them by writing the line.

def list_price_fen(data: LineInput, *, labor_rate_fen: int,
                   catalogue: Mapping[str, Service], book_unit_fen: int | None = None) -> int | None:
    """What the line costs at list price; None when nobody can know (a part typed by hand at
    0.00: there is no price book yet, so a hand-typed part's own price is its list price).

    Labour is the store's rate x hours; a service of the catalogue costs at most its
    catalogue price, for as many of its flat-rate hours as the line has (free checks and
    recalls are free; a quoted package price is no discount).

    Price book (价格本): a part in the book costs its quantity x the book's unit price
    (``book_unit_fen``); an operation a package sells at its own rate (a diagnosis at ¥200 an
    hour, a free check at ¥0) costs at most that rate."""
    if data.kind == PART:
        if book_unit_fen is not None:
            return times(data.quantity, book_unit_fen)
        return data.amount_fen if data.unit_price_fen > 0 else None
    at_rate = times(data.quantity, labor_rate_fen)
    service = catalogue.get(data.code) if data.code else None
    if service is None:
        rates = [int(ln["rate_fen"]) for s in catalogue.values() for ln in s.lines
                 if data.code and ln.get("kind") == LABOR and ln.get("code") == data.code
                 and ln.get("rate_fen") is not None]
        return min([at_rate] + [times(data.quantity, r) for r in rates])
    if service.labor_minutes <= 0:
        return min(at_rate, service.price_estimate_fen)
    share = data.quantity * 60 / Decimal(service.labor_minutes)
    return min(at_rate, times(share, service.price_estimate_fen))


def authorise_line(data: LineInput, *, staff: Staff, settings: StoreSettings,
                   catalogue: Mapping[str, Service], book_unit_fen: int | None = None
                   ) -> LineInput:
    """The line as ``staff`` may write it: a discounted or non-customer line needs a reason
    and must be within the writer's limit (422 ``discount_over_limit`` naming the field);
    it records who gave the discount."""
    listed = list_price_fen(data, labor_rate_fen=settings.labor_rate_fen, catalogue=catalogue,
                            book_unit_fen=book_unit_fen)
    customer_pays = data.amount_fen if data.pay_type == "customer" else 0
    discount = max(0, listed - customer_pays) if listed is not None else 0
    if listed is not None and discount == 0 and data.pay_type == "customer":
        return replace(data, discount_by="")
    if not data.reason:
        raise ValidationError(_("Say why this line is discounted or not paid by the customer"),
                              fields={"reason": _("required for a discount or a pay type "
                                                  "other than customer")})
    if data.pay_type != "customer":
        field_name = "pay_type"
    else:
        field_name = "unit_price" if data.kind == PART else "rate"
    require_authority(staff, settings, field=field_name, list_fen=listed, discount_fen=discount)
    return replace(data, discount_by=staff.username)


@dataclass(frozen=True)
class ApprovalRequest:
    """One request to the customer to approve lines (estimate or additional work)."""
    id: str
    kind: str                       # estimate / additional
    line_ids: tuple[str, ...]
    channel: str                    # sms / in_store
    promised_at: str                # completion time if the customer accepts (ISO, store tz)
    created_at: str
    created_by: str
    status: str = PENDING           # pending / decided / withdrawn
    decided_at: str = ""
    signature_key: str = ""         # in store: the customer's signature image
    link_code: str = ""             # by SMS: the short link sent
    resent: int = 0                 # times the SMS was sent again (staff never see the link)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "line_ids": list(self.line_ids),
                "channel": self.channel, "promised_at": self.promised_at,
                "created_at": self.created_at, "created_by": self.created_by,
                "status": self.status, "decided_at": self.decided_at,
                "signature_key": self.signature_key, "link_code": self.link_code,
                "resent": self.resent}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ApprovalRequest":
        return cls(id=d["id"], kind=d["kind"], line_ids=tuple(d["line_ids"]),
                   channel=d["channel"], promised_at=d.get("promised_at", ""),
                   created_at=d["created_at"], created_by=d.get("created_by", ""),
                   status=d.get("status", PENDING), decided_at=d.get("decided_at", ""),
                   signature_key=d.get("signature_key", ""), link_code=d.get("link_code", ""),
                   resent=int(d.get("resent", 0)))


@dataclass(frozen=True)
class Totals:
    by_pay_type: dict[str, int]
    total_fen: int
    customer_fen: int
    tax_fen: int             # VAT contained in what the customer pays

    def view(self) -> dict[str, Any]:
        return {"by_pay_type": {k: yuan(v) for k, v in self.by_pay_type.items()},
                "total": yuan(self.total_fen), "customer_pays": yuan(self.customer_fen),
                "tax_included": yuan(self.tax_fen), "currency": "CNY"}


def totals(lines: list[Line] | tuple[Line, ...], tax_rate_percent: Decimal) -> Totals:
    by_pay = {p: 0 for p in PAY_TYPES}
    for line in lines:
        by_pay[line.pay_type] += line.amount_fen
    customer = by_pay["customer"]
    return Totals(by_pay_type=by_pay, total_fen=sum(by_pay.values()), customer_fen=customer,
                  tax_fen=included_tax(customer, tax_rate_percent))


# ---- work items (维修项目): what the customer approves or declines as one --------------

@dataclass(frozen=True)
class WorkItem:
    """A job as the customer decides it (维修项目): a labour line with the parts fitted in its
    work ("更换点火线圈" and "点火线圈"), or a line on its own. Its id is its first line's."""
    lines: tuple[Line, ...]

    @property
    def id(self) -> str:
        return self.lines[0].id

    @property
    def line_ids(self) -> tuple[str, ...]:
        return tuple(ln.id for ln in self.lines)

    @property
    def amount_fen(self) -> int:
        return sum(ln.amount_fen for ln in self.lines)

    @property
    def customer_fen(self) -> int:
        return sum(ln.customer_fen for ln in self.lines)

    @property
    def status(self) -> str:
        """One status for the job: its lines' when they share it (they are decided together);
        while some of its lines are being worked on or done, in work."""
        statuses = {ln.status for ln in self.lines}
        if len(statuses) == 1:
            return statuses.pop()
        for status in (DRAFT, PENDING, LINE_IN_WORK, DONE):
            if status in statuses:
                return LINE_IN_WORK if status == DONE else status
        return LINE_APPROVED


def work_items(lines: Iterable[Line]) -> tuple[WorkItem, ...]:
    """``lines`` grouped into jobs, in the order of their labour line: a part joins the labour
    line it names when that line is among ``lines``; any other line is a job on its own."""
    lines = tuple(lines)
    heads = {ln.id for ln in lines if ln.kind == LABOR}
    groups: dict[str, list[Line]] = {}
    for line in lines:
        key = line.labor_line if line.kind == PART and line.labor_line in heads else line.id
        groups.setdefault(key, []).append(line)
    return tuple(WorkItem(lines=tuple(sorted(group, key=lambda ln: ln.id != key)))
                 for key, group in groups.items())


def item_decisions(items: Iterable[WorkItem], decisions: Mapping[str, Any]) -> dict[str, str]:
    """Each line's answer from the customer's answers: one per job, given under its id or
    under any of its lines' ids (a client that lists every line). A job answered both ways,
    or not at all, is a field error naming the job."""
    errors = FieldErrors()
    answers: dict[str, str] = {}
    for item in items:
        given = [decisions[i] for i in item.line_ids if i in decisions]
        problem = (_("approve or decline this line") if len(item.lines) == 1 else
                   _("approve or decline this job: its labour and parts go together"))
        if not given or not all(isinstance(g, str) and g in DECISIONS for g in given):
            errors.add(f"decisions.{item.id}", problem)
        elif len(set(given)) > 1:
            errors.add(f"decisions.{item.id}",
                       _("one answer for the whole job: its labour and parts go together"))
        else:
            answers.update(dict.fromkeys(item.line_ids, given[0]))
    errors.raise_if_any(_("Decide on every job"))
    return answers


@dataclass(frozen=True)
class Decided:
    """The outcome of a customer's decision, for the vehicle file and the audit."""
    order: "RepairOrder"
    approved: tuple[Line, ...]
    declined: tuple[Line, ...]


@dataclass(frozen=True)
class RepairOrder:
    id: str
    reference: str
    status: str
    vehicle_id: str
    customer_id: str
    plate: str
    customer_name: str
    phone: str
    advisor: str                     # username of the advisor who owns the order
    opened_at: datetime
    updated_at: datetime
    booking_id: str = ""
    promised_at: datetime | None = None     # 预计交车
    lines: tuple[Line, ...] = ()
    approvals: tuple[ApprovalRequest, ...] = ()
    reception: dict[str, Any] = field(default_factory=dict)   # the check-in sheet (接车单)
    locale: str = "zh-CN"
    job: ws.Job = field(default_factory=ws.Job)                # the workshop job (派工)
    quality: ws.Quality = field(default_factory=ws.Quality)    # quality checks (质检)
    wash_done_at: str = ""
    ready_at: str = ""
    settlement: Settlement | None = None                       # the invoice (结算单)
    delivery: Delivery | None = None                           # handed back (交车)
    comeback_of: str = ""            # 返修: reference of the order this car came back from
    booking_channel: str = ""        # how the car's booking was made ("" without a booking)
    invitation_id: str = ""          # its booking came from a care invitation (issue 15: INVITE)
    version: int | None = None

    # ---- reads -----------------------------------------------------------------
    def line(self, line_id: str) -> Line:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise NotFound(_("No such line on this order"), code="line_not_found")

    def approval(self, request_id: str) -> ApprovalRequest:
        for request in self.approvals:
            if request.id == request_id:
                return request
        raise NotFound(_("No such approval request"), code="approval_not_found")

    @property
    def pending_approval(self) -> ApprovalRequest | None:
        return next((a for a in self.approvals if a.status == PENDING), None)

    def estimate(self, tax_rate: Decimal) -> Totals:
        """Everything not declined: what the order comes to if the customer says yes."""
        return totals([ln for ln in self.lines if ln.status in COUNTED], tax_rate)

    def agreed(self, tax_rate: Decimal) -> Totals:
        return totals([ln for ln in self.lines if ln.status in AGREED], tax_rate)

    def amount_due_fen(self, tax_rate: Decimal) -> int:
        """应收金额: what the customer pays for the order: once settled, what was paid (after
        the discount); before, the estimate (every line not declined)."""
        if self.settlement:
            return self.settlement.amount_due_fen
        return self.estimate(tax_rate).customer_fen

    def audit_view(self) -> dict[str, Any]:
        view = {"status": self.status,
                "promised_at": self.promised_at.isoformat() if self.promised_at else None,
                # each line as its fields, so a history can say what was added or changed
                "lines": {ln.id: {"description": ln.description,
                                  "quantity": decimal_text(ln.quantity),
                                  "unit_price": yuan(ln.unit_price_fen), "pay_type": ln.pay_type,
                                  "status": ln.status, "reason": ln.reason or None}
                          for ln in self.lines},
                "technician": self.job.technician or None, "bay": self.job.bay or None,
                "job": self.job.state, "rework_count": self.quality.rework_count}
        if self.settlement:
            view["amount_due"] = yuan(self.settlement.amount_due_fen)
        return view

    @property
    def wash_wanted(self) -> bool:
        return bool(self.reception.get("wash"))

    @property
    def sold_minutes(self) -> int:
        """Labour sold (工时): the hours of the labour lines the customer agreed to."""
        hours = sum((ln.quantity for ln in self.lines
                     if ln.kind == LABOR and ln.status in AGREED), Decimal(0))
        return int(hours * 60)

    @property
    def labour_to_do_minutes(self) -> int:
        """Labour not done yet on the lines the customer has not declined (what a promised
        time is counted from)."""
        hours = sum((ln.quantity for ln in self.lines
                     if ln.kind == LABOR and ln.status in COUNTED and ln.status != DONE), Decimal(0))
        return int(hours * 60)

    def needs_test_drive(self, catalogue: Mapping[str, Service]) -> bool:
        """A line of a catalogue service (or of its package) marked for a test drive (试车) at
        the final check."""
        return any(catalogue[ln.package or ln.code].test_drive for ln in self.invoice_lines
                   if (ln.package or ln.code) in catalogue)

    @property
    def booked(self) -> bool:
        """预约: the car came for a booking made ahead (online, by phone, proactively), not as a
        walk-in (散客); booked cars are dispatched first (预约顾客优先派工)."""
        return bool(self.booking_id) and self.booking_channel != WALK_IN

    @property
    def findings_to_price(self) -> int:
        """The technicians' findings the advisor has not priced yet (技师发现)."""
        return sum(1 for ln in self.lines if ln.to_price)

    @property
    def progress(self) -> str:
        return PROGRESS_STEP[self.status]

    # ---- changes (each returns a new order) ---------------------------------------
    def _move(self, to: str) -> "RepairOrder":
        if to not in TRANSITIONS[self.status]:
            raise Conflict(_("A repair order cannot go from %(old)s to %(new)s",
                             old=STATUS_NAMES[self.status], new=STATUS_NAMES[to]),
                           code="invalid_transition")
        return replace(self, status=to)

    def may_add_lines(self, staff: Staff) -> bool:
        """Whether this member of staff may add a line to the order now: a front-desk role
        (the route's rule) while the order still takes lines (add_line's rule)."""
        return bool(staff.roles & FRONT_DESK) and self.status in ACCEPTS_LINES

    def add_line(self, data: LineInput, *, now: datetime, by: str) -> "RepairOrder":
        if self.status not in ACCEPTS_LINES:
            raise Conflict(_("Lines can no longer be added to this order"), code="order_closed")
        if len(self.lines) >= MAX_LINES:
            raise ValidationError(_("Too many lines"),
                                  fields={"lines": _("at most %(count)s", count=MAX_LINES)})
        self._check_labor_line(data.labor_line)
        line = Line.new(data, now=now, by=by,
                        additional=self.status not in (OPEN, AWAITING_APPROVAL))
        return replace(self, lines=self.lines + (line,), updated_at=now)

    def report_finding(self, data: ws.Finding, *, staff: Staff, now: datetime) -> "RepairOrder":
        """A finding reported from the bay (技师发现) by the job's technician (or the foreman or
        manager): a draft line of additional work, unpriced, for the advisor to price and send;
        the customer sees nothing of it before then."""
        if self.status not in ACCEPTS_LINES:
            raise Conflict(_("Lines can no longer be added to this order"), code="order_closed")
        ws.may_clock(staff, self.job)
        order = self.add_line(LineInput(kind=LABOR, code="", description=data.description,
                                        quantity=Decimal(0), unit_price_fen=0, pay_type="customer",
                                        photo_keys=data.photo_keys), now=now, by=staff.username)
        found = replace(order.lines[-1], found_by=staff.username, to_price=True)
        return replace(order, lines=order.lines[:-1] + (found,))

    def _check_labor_line(self, labor_line: str, line_id: str = "") -> None:
        """A part is fitted in a labour line of this order the customer has not declined."""
        if not labor_line:
            return
        target = next((ln for ln in self.lines if ln.id == labor_line), None)
        if target is None or target.kind != LABOR or target.id == line_id:
            raise ValidationError(_("The part's job is not a labour line of this order"),
                                  fields={"labor_line": _("not a labour line of this order")})
        if target.status == DECLINED:
            raise ValidationError(_("The customer declined that job"),
                                  fields={"labor_line": _("the customer declined this job")})

    def _unlinked(self, lines: tuple[Line, ...], labor_line: str) -> tuple[Line, ...]:
        """The parts of a labour line that is gone (or is no labour line any more) stand alone."""
        return tuple(replace(ln, labor_line="") if ln.labor_line == labor_line else ln
                     for ln in lines)

    def _draft(self, line_id: str) -> Line:
        line = self.line(line_id)
        if line.status != DRAFT:
            raise Conflict(_("Only a line not yet sent to the customer can be changed"),
                           code="line_locked")
        return line

    def update_line(self, line_id: str, data: LineInput, *, now: datetime) -> "RepairOrder":
        old = self._draft(line_id)
        self._check_labor_line(data.labor_line, line_id)
        new = replace(old, kind=data.kind, code=data.code, description=data.description,
                      quantity=data.quantity, unit_price_fen=data.unit_price_fen,
                      pay_type=data.pay_type, photo_keys=data.photo_keys, reason=data.reason,
                      discount_by=data.discount_by, labor_line=data.labor_line,
                      to_price=False)
        lines = tuple(new if ln.id == line_id else ln for ln in self.lines)
        if new.kind != LABOR:
            lines = self._unlinked(lines, line_id)
        return replace(self, lines=lines, updated_at=now)

    def remove_line(self, line_id: str, *, now: datetime) -> "RepairOrder":
        self._draft(line_id)
        lines = self._unlinked(tuple(ln for ln in self.lines if ln.id != line_id), line_id)
        return replace(self, lines=lines, updated_at=now)

    def set_promised_at(self, promised_at: datetime, *, now: datetime) -> "RepairOrder":
        if self.status != OPEN:
            raise Conflict(_("Once the customer has the estimate, the promised time changes only "
                             "with their approval"), code="promise_locked",
                           fields={"promised_at": _("ask the customer: send additional work")})
        if promised_at <= now:
            raise ValidationError(PROMISE_PAST, fields={"promised_at": LATER_THAN_NOW})
        return replace(self, promised_at=promised_at, updated_at=now)

    def request_approval(self, *, channel: str, promised_at: datetime | None, now: datetime,
                         by: str) -> tuple["RepairOrder", ApprovalRequest]:
        """Send every draft line to the customer: the estimate first, later additional work."""
        if self.pending_approval is not None:
            raise Conflict(_("The customer has not answered the last request yet"),
                           code="approval_pending")
        drafts = [ln for ln in self.lines if ln.status == DRAFT]
        if not drafts:
            raise ValidationError(_("Add the lines to approve first"),
                                  fields={"lines": _("no new line to send")})
        unpriced = [ln for ln in drafts if ln.to_price]
        if unpriced:
            raise ValidationError(_("Price the technician's findings first"), fields={
                f"lines.{ln.id}": _("price this finding first") for ln in unpriced})
        kind = ESTIMATE if self.status == OPEN else ADDITIONAL
        promise = promised_at or (self.promised_at if kind == ESTIMATE else None)
        if promise is None:
            raise ValidationError(_("Say when the car will be ready"),
                                  fields={"promised_at": REQUIRED})
        if promise <= now:
            raise ValidationError(PROMISE_PAST, fields={"promised_at": LATER_THAN_NOW})
        if kind == ADDITIONAL and self.status not in ACCEPTS_LINES:
            raise Conflict(_("This order takes no more work"), code="order_closed")
        request = ApprovalRequest(id=_short_id("A"), kind=kind,
                                  line_ids=tuple(ln.id for ln in drafts), channel=channel,
                                  promised_at=promise.isoformat(), created_at=now.isoformat(),
                                  created_by=by)
        ids = set(request.line_ids)
        lines = tuple(replace(ln, status=PENDING) if ln.id in ids else ln for ln in self.lines)
        order = replace(self, lines=lines, approvals=self.approvals + (request,), updated_at=now)
        if kind == ESTIMATE:
            order = replace(order._move(AWAITING_APPROVAL), promised_at=promise)
        return order, request

    def resend_approval(self, *, now: datetime) -> tuple["RepairOrder", ApprovalRequest]:
        """Send the pending request's SMS again (the customer lost it): the same link, which
        only the customer's phone receives."""
        request = self.pending_approval
        if request is None or request.channel != VIA_SMS:
            raise Conflict(_("Nothing is waiting for the customer's answer by SMS"),
                           code="no_pending_approval")
        if request.resent >= MAX_RESENDS:
            raise Conflict(_("This request was already sent again %(count)s times: call the "
                             "customer or let them approve in store", count=MAX_RESENDS),
                           code="resend_limit")
        request = replace(request, resent=request.resent + 1)
        return replace(self, updated_at=now).with_request(request), request

    def with_request(self, request: ApprovalRequest) -> "RepairOrder":
        return replace(self, approvals=tuple(request if a.id == request.id else a
                                             for a in self.approvals))

    def request_items(self, request: ApprovalRequest) -> tuple[WorkItem, ...]:
        """The jobs of a request, as the customer decides them."""
        return work_items(ln for ln in self.lines if ln.id in request.line_ids)

    def items_to_decide(self) -> tuple[WorkItem, ...]:
        """What the customer decides next in store: the pending request's jobs, or the jobs
        of the lines not yet sent (the request an in-store approval makes of them)."""
        request = self.pending_approval
        if request is not None:
            return self.request_items(request)
        return work_items(ln for ln in self.lines if ln.status == DRAFT)

    def decide(self, request_id: str, decisions: dict[str, str], *, now: datetime, via: str,
               signature_key: str = "") -> Decided:
        """The customer's answer on each job of a request (a job's labour and parts take one
        answer); all of them, once."""
        request = self.approval(request_id)
        if request.status != PENDING:
            raise Conflict(_("This request has already been answered"), code="approval_closed")
        errors = FieldErrors()
        for line_id in decisions:
            if line_id not in request.line_ids:
                errors.add(f"decisions.{line_id}", _("not part of this request"))
        errors.raise_if_any(_("Decide on every line"))
        answers = item_decisions(self.request_items(request), decisions)
        stamp = now.isoformat()
        lines = tuple(replace(ln, status=answers[ln.id], decided_at=stamp, decided_via=via)
                      if ln.id in request.line_ids else ln for ln in self.lines)
        decided = replace(request, status="decided", decided_at=stamp, signature_key=signature_key)
        order = replace(self, lines=lines, updated_at=now).with_request(decided)
        approved = tuple(ln for ln in order.lines if ln.id in request.line_ids
                         and ln.status == LINE_APPROVED)
        declined = tuple(ln for ln in order.lines if ln.id in request.line_ids
                         and ln.status == DECLINED)
        if request.kind == ESTIMATE:
            order = order._move(APPROVED if approved else OPEN)
        elif approved:
            # the new completion time holds only if the customer accepted the extra work
            order = replace(order, promised_at=datetime.fromisoformat(request.promised_at))
        return Decided(order=order, approved=approved, declined=declined)

    def start_line(self, line_id: str, *, staff: Staff, now: datetime
                   ) -> tuple["RepairOrder", str]:
        """Work begins on a line: only on one the customer approved (从不擅自施工), and under
        the clock's rules: the job is dispatched, ``staff`` may clock it, and a job not
        running is clocked on (started or resumed) for its technician. Returns the order and
        the technician clocked on ("" if the clock was already running)."""
        line = self.line(line_id)
        if line.status != LINE_APPROVED:
            raise Conflict(_("The customer has not approved this line"), code="line_not_approved",
                           fields={"line_id": _("is %(status)s, not approved",
                                                status=LINE_STATUS_NAMES[line.status])})
        order = self._into_work()
        job = self.job
        action = ws.clock_on_action(job)
        if action:
            ws.next_clock_state(job, action)
        ws.may_clock(staff, job)
        if action:
            job = job.with_event(ws.JobEvent(at=now.isoformat(), by=staff.username,
                                             kind=ws.CLOCK_ACTIONS[action],
                                             technician=job.technician, note=line.description))
        lines = tuple(replace(ln, status=LINE_IN_WORK) if ln.id == line_id else ln
                      for ln in order.lines)
        return replace(order, lines=lines, job=job, updated_at=now), (job.technician if action else "")

    # ---- the workshop (派工 / 施工) ---------------------------------------------------
    def dispatch(self, data: ws.Dispatch, *, now: datetime, by: str) -> tuple["RepairOrder", str]:
        """Give the job to a technician (and bay); a second dispatch is a hand-over (交接).
        Returns the order and the technician whose running clock was stopped ("" if none)."""
        if self.status not in (APPROVED, IN_WORK):
            raise Conflict(_("An order that is %(status)s cannot be dispatched",
                             status=STATUS_NAMES[self.status]), code="invalid_transition",
                           fields={"status": _("the order is %(status)s",
                                               status=STATUS_NAMES[self.status])})
        job, stopped, stamp = self.job, "", now.isoformat()
        if job.technician == data.technician and job.bay == data.bay:
            raise Conflict(_("The job is already with this technician and bay"), code="no_change")
        if job.state == ws.RUNNING and job.technician != data.technician:
            stopped = job.technician
            job = job.with_event(ws.JobEvent(at=stamp, by=by, kind=ws.PAUSED,
                                             technician=job.technician, reason="handover"))
        kind = ws.HANDED_OVER if job.technician and job.technician != data.technician else ws.ASSIGNED
        event = ws.JobEvent(at=stamp, by=by, kind=kind, technician=data.technician, bay=data.bay,
                            note=data.note + (f" ({job.technician} -> {data.technician})"
                                              if kind == ws.HANDED_OVER else ""))
        job = job.with_event(event, technician=data.technician, bay=data.bay)
        return replace(self, job=job, updated_at=now), stopped

    def _into_work(self) -> "RepairOrder":
        """The order as work (re)starts on it: approved or already in work, now in work."""
        if self.status not in (APPROVED, IN_WORK):
            raise Conflict(_("An order that is %(status)s cannot be worked on",
                             status=STATUS_NAMES[self.status]), code="invalid_transition")
        return self if self.status == IN_WORK else self._move(IN_WORK)

    def clock(self, data: ws.ClockInput, *, staff: Staff, now: datetime
              ) -> tuple["RepairOrder", str, str]:
        """A clock action on the job. Returns the order, the technician clocked on ("" if
        none) and the one clocked off ("" if none)."""
        ws.next_clock_state(self.job, data.action)
        ws.may_clock(staff, self.job)
        tech, stamp = self.job.technician, now.isoformat()
        kind = ws.CLOCK_ACTIONS[data.action]
        was_running = self.job.state == ws.RUNNING
        order = self
        if data.action in ("start", "resume"):
            order = replace(self._into_work(),
                            lines=tuple(replace(ln, status=LINE_IN_WORK)
                                        if ln.status == LINE_APPROVED else ln
                                        for ln in self.lines))
        if data.action == "finish":
            if self.pending_approval is not None:
                raise Conflict(_("The customer has not answered the additional work yet"),
                               code="approval_pending")
            order = replace(self._move(QUALITY_CHECK),
                            lines=tuple(replace(ln, status=DONE) if ln.status in
                                        (LINE_APPROVED, LINE_IN_WORK) else ln
                                        for ln in self.lines))
        event = ws.JobEvent(at=stamp, by=staff.username, kind=kind, technician=tech,
                            reason=data.reason, note=data.note)
        order = replace(order, job=order.job.with_event(event), updated_at=now)
        clocked_on = tech if data.action in ("start", "resume") else ""
        clocked_off = tech if data.action in ("pause", "finish") and was_running else ""
        return order, clocked_on, clocked_off

    # ---- quality check (质检), wash, ready ----------------------------------------------
    def record_qc(self, data: ws.QcInput, *, staff: Staff, signature_key: str,
                  now: datetime) -> "RepairOrder":
        if self.status != QUALITY_CHECK or self.quality.passed_at:
            raise Conflict(_("The job is not waiting for a quality check"),
                           code="not_in_quality_check")
        if len(self.quality.records) >= ws.MAX_QC_RECORDS:
            raise ValidationError(_("This order has had too many quality checks"), fields={
                "quality": _("at most %(count)s checks per order", count=ws.MAX_QC_RECORDS)})
        expected = self.quality.next_level
        if data.level != expected:
            level = ws.LEVEL_NAMES.get(expected, expected)
            raise Conflict(_("The next check is the %(level)s", level=level),
                           code="wrong_qc_level",
                           fields={"level": _("the %(level)s comes next", level=level)})
        stand_in = ws.may_sign(staff, data.level, self.job, self.quality)
        record = ws.QcRecord(level=data.level, round=self.quality.rework_count,
                             at=now.isoformat(), by=staff.username, by_name=staff.name,
                             items=data.items, note=data.note, signature_key=signature_key,
                             test_drive=data.test_drive, stand_in=stand_in)
        quality = replace(self.quality, records=self.quality.records + (record,))
        order = replace(self, quality=quality, updated_at=now)
        if not record.passed:   # 返工: back to the workshop, counted
            job = order.job.with_event(ws.JobEvent(at=now.isoformat(), by=staff.username,
                                                   kind=ws.REWORK, technician=order.job.technician,
                                                   note=data.note))
            return replace(order._move(IN_WORK), job=job,
                           quality=replace(quality, rework_count=quality.rework_count + 1))
        if quality.next_level is None:
            order = replace(order, quality=replace(quality, passed_at=now.isoformat()))
            return order._ready_if_washed(now)
        return order

    def _ready_if_washed(self, now: datetime) -> "RepairOrder":
        if self.quality.passed_at and (self.wash_done_at or not self.wash_wanted):
            return replace(self._move(READY), ready_at=now.isoformat())
        return self

    def record_wash(self, *, now: datetime) -> "RepairOrder":
        if self.status != QUALITY_CHECK or self.wash_done_at:
            raise Conflict(_("The car is not waiting for its wash"), code="invalid_transition")
        return replace(self, wash_done_at=now.isoformat(), updated_at=now)._ready_if_washed(now)

    # ---- settlement and delivery --------------------------------------------------------
    @property
    def invoice_lines(self) -> tuple[Line, ...]:
        """Exactly what the customer approved: never a declined or unapproved line."""
        return tuple(ln for ln in self.lines if ln.status in AGREED)

    def settle(self, settlement: Settlement, *, now: datetime) -> "RepairOrder":
        return replace(self._move(SETTLED), settlement=settlement, updated_at=now)

    def deliver(self, delivery: Delivery, *, now: datetime) -> "RepairOrder":
        return replace(self._move(DELIVERED), delivery=delivery, updated_at=now)


# ---- comebacks (返修) -----------------------------------------------------------------
COMEBACK_DAYS = 30


def _concern_text(concern: dict[str, Any] | None) -> str:
    concern = concern or {}
    return "".join(str(concern.get(k) or "") for k in ("what", "where")).replace(" ", "").lower()


def same_concern(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """The customer describes the same problem: one description contains the other, or they
    are mostly alike (difflib ratio of 0.6 or more)."""
    from difflib import SequenceMatcher
    x, y = _concern_text(a), _concern_text(b)
    if len(x) < 2 or len(y) < 2:
        return False
    return x in y or y in x or SequenceMatcher(None, x, y).ratio() >= 0.6


def comeback_source(previous: list[RepairOrder], concern: dict[str, Any] | None,
                    now: datetime) -> RepairOrder | None:
    """The order this car came back from: delivered within 30 days with the same concern."""
    for order in previous:
        if order.status != DELIVERED or order.delivery is None:
            continue
        delivered = datetime.fromisoformat(order.delivery.delivered_at)
        if (now - delivered).days < COMEBACK_DAYS and same_concern(
                order.reception.get("concern"), concern):
            return order
    return None
