"""Campaigns (营销活动 / 服务活动 / 召回, issue 15): the manager's message to a segment of the
store's cars, sent through the care invitations (one personal booking link each).

Kinds: ``event`` (活动: sent ``EVENT_LEAD_DAYS`` before its day unless told otherwise) and
``promotion`` (促销) are marketing: only to numbers with recorded consent, with 回T退订 and an
unsubscribe link, within each number's monthly cap. ``service`` (服务活动) and ``recall``
(召回) are service messages; a recall's members are the uploaded VIN list.

The text is what the manager writes (at most ``TEXT_MAX`` characters); the system adds the
store's signature and the personal link, so the text itself may hold no link: nothing
URL- or domain-like (http, www, ://, ``x.y`` domains) is accepted.

A segment needs at least one selector (model, last visit between, due kind, the recall list);
mileage between only filters what they select. At most ``MAX_MEMBERS`` members: the rest is
cut, and the preview says so.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..i18n import _
from .care import CAMPAIGN, RECALL, REMINDER_KINDS
from .money import yuan
from .errors import Conflict, FieldErrors, ValidationError
from .validation import (VIN_PATTERN, clean_int, clean_text, iso_day,
                         parse_date, parse_instant, required_choice)

EVENT = "event"
PROMOTION = "promotion"
SERVICE_CAMPAIGN = "service"
RECALL_CAMPAIGN = "recall"
CAMPAIGN_KINDS = (EVENT, PROMOTION, SERVICE_CAMPAIGN, RECALL_CAMPAIGN)
MARKETING_CAMPAIGNS = (EVENT, PROMOTION)
CAMPAIGN_KIND_NAMES = {EVENT: _("Event"), PROMOTION: _("Promotion"),
                       SERVICE_CAMPAIGN: _("Service campaign"), RECALL_CAMPAIGN: _("Recall")}

DRAFT = "draft"
SCHEDULED = "scheduled"
SENDING = "sending"
SENT = "sent"
CANCELLED = "cancelled"
STATUSES = (DRAFT, SCHEDULED, SENDING, SENT, CANCELLED)
CHANGEABLE = (DRAFT, SCHEDULED)

NAME_MAX = 40
TEXT_MAX = 60                 # what the manager writes; signature and link come on top
MODEL_MAX = 40
MAX_MEMBERS = 5000
MAX_SEND_DAYS = 180           # send_at from now to this many days ahead
MAX_EVENT_DAYS = 365
EVENT_LEAD_DAYS = 14          # events: announced two weeks ahead (FAW-VW guide)
DUE_WITHIN_DEFAULT = 30       # due kind: cars due within this many days
DUE_WITHIN_MAX = 60
MILEAGE_MAX = 2_000_000
DEFAULT_SEND_TIME = time(10, 0)
RECALL_VINS_MAX = 5000        # rows of one uploaded VIN sheet

# nothing link-like: a scheme, www, ://, a domain (a name "." 2+ letters, Chinese ones too:
# 例子.中国) or an address of digits (1.2.3.4); a price (3.5折) is none of these
_LINK = re.compile(r"https?|www\.|://|[\w-]+\.[^\W\d_]{2,}|\d+\.\d+\.\d+\.\d+",
                   re.IGNORECASE)


def new_campaign_id() -> str:
    return f"cmp_{secrets.token_hex(6)}"


def has_link(text: str) -> bool:
    """Whether ``text`` holds anything URL- or domain-like (after folding full-width forms:
    "ｗｗｗ．ａ．ｃｎ" is a link too). A Chinese full stop (。) is not a dot."""
    return bool(_LINK.search(unicodedata.normalize("NFKC", text or "")))


def invitation_kind(kind: str) -> str:
    """The care kind a campaign's invitations carry: marketing or a service message."""
    return CAMPAIGN if kind in MARKETING_CAMPAIGNS else RECALL


@dataclass(frozen=True)
class Segment:
    """Who a campaign goes to: selectors (at least one) and the mileage filter."""
    model: str = ""
    last_visit_from: date | None = None
    last_visit_to: date | None = None
    mileage_from: int | None = None
    mileage_to: int | None = None
    due_kind: str = ""
    due_within_days: int = DUE_WITHIN_DEFAULT
    recall: bool = False

    @property
    def selectors(self) -> tuple[str, ...]:
        chosen = []
        if self.model:
            chosen.append("model")
        if self.last_visit_from or self.last_visit_to:
            chosen.append("last_visit")
        if self.due_kind:
            chosen.append("due_kind")
        if self.recall:
            chosen.append("recall")
        return tuple(chosen)

    def keeps(self, last_visit_on: date | None, mileage_km: int | None,
              model_key_of: str = "", wanted_model_key: str = "") -> bool:
        """Whether a car the selectors found passes every other condition of the segment
        (a car found by one selector must satisfy all the others too)."""
        if self.last_visit_from and (last_visit_on is None or last_visit_on < self.last_visit_from):
            return False
        if self.last_visit_to and (last_visit_on is None or last_visit_on > self.last_visit_to):
            return False
        if wanted_model_key and model_key_of != wanted_model_key:
            return False
        if self.mileage_from is not None and (mileage_km is None or mileage_km < self.mileage_from):
            return False
        if self.mileage_to is not None and (mileage_km is None or mileage_km > self.mileage_to):
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model,
                "last_visit_from": self.last_visit_from.isoformat() if self.last_visit_from else None,
                "last_visit_to": self.last_visit_to.isoformat() if self.last_visit_to else None,
                "mileage_from": self.mileage_from, "mileage_to": self.mileage_to,
                "due_kind": self.due_kind, "due_within_days": self.due_within_days,
                "recall": self.recall}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Segment":
        data = data or {}

        def number(name: str) -> int | None:
            return None if data.get(name) is None else int(data[name])
        return cls(model=data.get("model") or "",
                   last_visit_from=iso_day(data.get("last_visit_from")),
                   last_visit_to=iso_day(data.get("last_visit_to")),
                   mileage_from=number("mileage_from"), mileage_to=number("mileage_to"),
                   due_kind=data.get("due_kind") or "",
                   due_within_days=int(data.get("due_within_days") or DUE_WITHIN_DEFAULT),
                   recall=bool(data.get("recall")))


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    kind: str
    text: str
    segment: Segment
    status: str = DRAFT
    event_date: date | None = None
    send_at: datetime | None = None
    created_by: str = ""
    created_at: str = ""
    updated_at: str = ""
    scheduled_by: str = ""
    # sending (resumable): members are handled in vehicle id order; ``cursor`` is the last
    # vehicle id handled, ``paused_on`` the store day the SMS budget ran out (next day: on)
    cursor: str = ""
    paused_on: str = ""
    members: int = 0                                   # when sending started
    outcomes: dict[str, int] = field(default_factory=dict)   # care.invite outcome -> count
    sent_at: str = ""                                  # when the last member was handled
    recall_rows: int = 0                               # VINs of the uploaded list
    version: int | None = None

    @property
    def marketing(self) -> bool:
        return self.kind in MARKETING_CAMPAIGNS

    @property
    def source(self) -> str:
        return f"campaign:{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "text": self.text,
                "segment": self.segment.to_dict(), "status": self.status,
                "event_date": self.event_date.isoformat() if self.event_date else None,
                "send_at": self.send_at.isoformat() if self.send_at else None,
                "created_by": self.created_by, "created_at": self.created_at,
                "updated_at": self.updated_at, "scheduled_by": self.scheduled_by,
                "cursor": self.cursor, "paused_on": self.paused_on, "members": self.members,
                "outcomes": dict(self.outcomes), "sent_at": self.sent_at,
                "recall_rows": self.recall_rows}

    @classmethod
    def from_dict(cls, data: dict[str, Any], version: int | None = None) -> "Campaign":
        send_at = data.get("send_at")
        return cls(id=data["id"], name=data.get("name", ""), kind=data.get("kind", EVENT),
                   text=data.get("text", ""), segment=Segment.from_dict(data.get("segment")),
                   status=data.get("status", DRAFT), event_date=iso_day(data.get("event_date")),
                   send_at=datetime.fromisoformat(send_at) if send_at else None,
                   created_by=data.get("created_by", ""), created_at=data.get("created_at", ""),
                   updated_at=data.get("updated_at", ""),
                   scheduled_by=data.get("scheduled_by", ""),
                   cursor=str(data.get("cursor") or ""),
                   paused_on=str(data.get("paused_on") or ""), members=int(data.get("members") or 0),
                   outcomes={k: int(v) for k, v in (data.get("outcomes") or {}).items()},
                   sent_at=data.get("sent_at", ""),
                   recall_rows=int(data.get("recall_rows") or 0), version=version)


# ---- parsing a form -------------------------------------------------------------------------

def _segment(errors: FieldErrors, raw: Any, kind: str, today: date) -> Segment:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        errors.add("segment", _("must be an object"))
        return Segment()
    wide = timedelta(days=50 * 365)
    model = clean_text(errors, "segment.model", raw.get("model"), max_len=MODEL_MAX)
    visit_from = parse_date(errors, "segment.last_visit_from", raw.get("last_visit_from"),
                            today=today, back=wide, ahead=timedelta(days=366), required=False)
    visit_to = parse_date(errors, "segment.last_visit_to", raw.get("last_visit_to"),
                          today=today, back=wide, ahead=timedelta(days=366), required=False)
    if visit_from and visit_to and visit_from > visit_to:
        errors.add("segment.last_visit_to", _("must not be before the first day"))
    km_from = clean_int(errors, "segment.mileage_from", raw.get("mileage_from"),
                        low=0, high=MILEAGE_MAX)
    km_to = clean_int(errors, "segment.mileage_to", raw.get("mileage_to"), low=0, high=MILEAGE_MAX)
    if km_from is not None and km_to is not None and km_from > km_to:
        errors.add("segment.mileage_to", _("must not be below the lowest mileage"))
    due_kind = raw.get("due_kind") or ""
    if due_kind and due_kind not in REMINDER_KINDS:
        errors.add("segment.due_kind", _("must be one of: %(choices)s",
                                          choices=", ".join(REMINDER_KINDS)))
        due_kind = ""
    within = clean_int(errors, "segment.due_within_days", raw.get("due_within_days"),
                       low=1, high=DUE_WITHIN_MAX)
    recall = raw.get("recall", False)
    if not isinstance(recall, bool):
        errors.add("segment.recall", _("must be true or false"))
        recall = False
    if recall and kind not in (RECALL_CAMPAIGN, SERVICE_CAMPAIGN):
        errors.add("segment.recall", _("a VIN list is for recalls and service campaigns"))
    segment = Segment(model=model, last_visit_from=visit_from, last_visit_to=visit_to,
                      mileage_from=km_from, mileage_to=km_to, due_kind=due_kind,
                      due_within_days=within or DUE_WITHIN_DEFAULT, recall=recall)
    if kind == RECALL_CAMPAIGN and not recall:
        errors.add("segment.recall", _("a recall goes to its uploaded VIN list"))
    elif not segment.selectors and not any(k.startswith("segment") for k in errors.fields):
        errors.add("segment", _("choose at least one: model, last visit between, due kind "
                                "or the VIN list"))
    return segment


def check_text(errors: FieldErrors, raw: Any) -> str:
    text = clean_text(errors, "text", raw, max_len=TEXT_MAX, required=True)
    if text and has_link(text):
        errors.add("text", _("no links or web addresses: the personal link is added for you"))
    return text


def parse(body: Any, *, now: datetime, tz: ZoneInfo, current: Campaign | None = None,
          campaign_id: str = "", by: str = "") -> Campaign:
    """A campaign from the manager's form: new (``current`` None) or a change of ``current``
    (draft or scheduled). Raises ValidationError with every field's problem."""
    if not isinstance(body, dict):
        raise ValidationError(_("The request must be a JSON object"),
                              fields={"body": _("must be an object")})
    errors = FieldErrors()
    name = clean_text(errors, "name", body.get("name"), max_len=NAME_MAX, required=True)
    kind = required_choice(errors, "kind", body.get("kind"), CAMPAIGN_KINDS)
    text = check_text(errors, body.get("text"))
    today = now.astimezone(tz).date()
    segment = _segment(errors, body.get("segment"), kind, today)
    event_date = parse_date(errors, "event_date", body.get("event_date"), today=today,
                            back=timedelta(0), ahead=timedelta(days=MAX_EVENT_DAYS),
                            required=kind == EVENT)
    send_at = parse_instant(errors, "send_at", body.get("send_at"), now=now - timedelta(minutes=5),
                            back=timedelta(0), ahead=timedelta(days=MAX_SEND_DAYS),
                            required=False)
    if kind == EVENT and event_date and send_at is None and "send_at" not in errors.fields:
        send_at = default_send_at(event_date, now=now, tz=tz)
    if event_date and send_at and send_at.astimezone(tz).date() > event_date:
        errors.add("send_at", _("must be before the event"))
    errors.raise_if_any(_("The campaign cannot be saved"))
    stamp = now.isoformat()
    if current is None:
        return Campaign(id=campaign_id or new_campaign_id(), name=name, kind=kind, text=text,
                        segment=segment, event_date=event_date, send_at=send_at,
                        created_by=by, created_at=stamp, updated_at=stamp)
    return replace(current, name=name, kind=kind, text=text, segment=segment,
                   event_date=event_date, send_at=send_at, updated_at=stamp)


def default_send_at(event_date: date, *, now: datetime, tz: ZoneInfo) -> datetime:
    """An event's announcement: ``EVENT_LEAD_DAYS`` before it at 10:00, or now if that passed."""
    planned = datetime.combine(event_date - timedelta(days=EVENT_LEAD_DAYS), DEFAULT_SEND_TIME,
                               tzinfo=tz)
    return max(planned, now.astimezone(tz).replace(microsecond=0))


def require_changeable(campaign: Campaign) -> None:
    if campaign.status not in CHANGEABLE:
        raise Conflict(_("This campaign is %(status)s: it can no longer be changed",
                         status=STATUS_NAMES[campaign.status]), code="campaign_not_changeable")


STATUS_NAMES = {DRAFT: _("a draft"), SCHEDULED: _("scheduled"), SENDING: _("being sent"),
                SENT: _("sent"), CANCELLED: _("cancelled")}


def schedule(campaign: Campaign, *, now: datetime, by: str) -> Campaign:
    """Draft → scheduled: it needs a send time still ahead (or now)."""
    require_changeable(campaign)
    if campaign.send_at is None:
        raise ValidationError(_("Choose when the campaign is sent"),
                              fields={"send_at": _("required to schedule")})
    if campaign.send_at < now - timedelta(minutes=5):
        raise ValidationError(_("Choose when the campaign is sent"),
                              fields={"send_at": _("must be later than now")})
    return replace(campaign, status=SCHEDULED, scheduled_by=by, updated_at=now.isoformat())


def cancel(campaign: Campaign, *, now: datetime) -> Campaign:
    """Draft, scheduled or sending → cancelled (what was sent stays sent)."""
    if campaign.status in (SENT, CANCELLED):
        raise Conflict(_("This campaign is %(status)s: it can no longer be changed",
                         status=STATUS_NAMES[campaign.status]), code="campaign_not_changeable")
    return replace(campaign, status=CANCELLED, updated_at=now.isoformat())


# ---- the recall VIN list ---------------------------------------------------------------

@dataclass(frozen=True)
class VinSheet:
    """An uploaded VIN list read: the good VINs (first time each), the invalid cells (row,
    text) and the repeated VINs."""
    vins: tuple[str, ...]
    invalid: tuple[tuple[int, str], ...]
    duplicates: tuple[str, ...]
    rows: int


def read_vins(rows: list[list[Any]]) -> VinSheet:
    """The VINs of a sheet: the first column (a header row such as "VIN"/"车架号" skipped),
    upper-cased, blanks and separators dropped; a VIN is 17 characters without I, O, Q."""
    vins: list[str] = []
    seen: set[str] = set()
    invalid: list[tuple[int, str]] = []
    duplicates: list[str] = []
    count = 0
    for number, row in enumerate(rows, start=1):
        cell = next((c for c in row if c not in (None, "")), None) if row else None
        if cell is None:
            continue
        raw = unicodedata.normalize("NFKC", str(cell)).strip()
        value = re.sub(r"[\s\-]", "", raw).upper()
        if number == 1 and not VIN_PATTERN.fullmatch(value) and not any(ch.isdigit() for ch in value):
            continue            # a header
        count += 1
        if not VIN_PATTERN.fullmatch(value):
            invalid.append((number, raw[:40]))
        elif value in seen:
            duplicates.append(value)
        else:
            seen.add(value)
            vins.append(value)
    return VinSheet(vins=tuple(vins), invalid=tuple(invalid),
                    duplicates=tuple(dict.fromkeys(duplicates)), rows=count)


# ---- figures -----------------------------------------------------------------------------

def figures(counts: dict[str, int]) -> dict[str, Any]:
    """A source's counters as the manager reads them: counts, revenue in yuan and the rates
    (opened / sent, booked / sent, arrived / booked), in percent with one decimal."""
    sent = int(counts.get("sent", 0))
    opened = int(counts.get("opened", 0))
    booked = int(counts.get("booked", 0))
    arrived = int(counts.get("arrived", 0))
    revenue = int(counts.get("revenue_fen", 0))

    def rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None
    return {"sent": sent, "opened": opened, "booked": booked, "arrived": arrived,
            "skipped": int(counts.get("skipped", 0)), "revenue_fen": revenue,
            "revenue": yuan(revenue), "open_rate": rate(opened, sent),
            "booking_rate": rate(booked, sent), "arrival_rate": rate(arrived, booked)}

