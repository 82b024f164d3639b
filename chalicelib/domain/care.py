"""Bringing customers back (客户关怀 / 主动预约, issue 15): the names and records every part
shares. The due rules (what is due when) live in ``domain/care_rules.py``; campaigns in
``domain/campaigns.py``.

Kinds of reason to contact a car's owner (``KINDS``):

- ``service`` 定期保养: next service by date or projected mileage, whichever first;
- ``first_free`` 首保 / ``second_free`` 二保: a new car's free services, from the sale date;
- ``lapsed`` 久未回厂: no visit for ``lapsed_months``: a free check offer and a call;
- ``anniversary`` 购车周年: invited ``anniversary_lead_days`` ahead (marketing);
- ``declined`` 未做项目: work declined at a visit, offered again ``declined_after_days`` after;
- ``recall`` 召回/服务活动: a manufacturer's VIN list the manager uploads;
- ``campaign`` 营销活动: events and promotions the manager sends to a segment (marketing).

Service reminders (every kind but ``anniversary`` and ``campaign``) need no consent;
marketing needs the customer's recorded consent, carries 回T退订 and an unsubscribe link,
and counts against the number's monthly cap. A number on our opt-out list, or SNS's, gets
neither.

An **invitation** (邀约) is one reason to contact one car: the personal booking link its SMS
carries (the link proves the phone: no verification code), the clerk's retention call, and
what it earned (sent, opened, booked, arrived, revenue), counted per ``source``: a campaign
(``campaign:<id>``) or a reminder kind (``reminder:<kind>``).
"""
from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..i18n import _

SERVICE = "service"
FIRST_FREE = "first_free"
SECOND_FREE = "second_free"
LAPSED = "lapsed"
ANNIVERSARY = "anniversary"
DECLINED = "declined"
RECALL = "recall"
CAMPAIGN = "campaign"
KINDS = (SERVICE, FIRST_FREE, SECOND_FREE, LAPSED, ANNIVERSARY, DECLINED, RECALL, CAMPAIGN)
REMINDER_KINDS = (SERVICE, FIRST_FREE, SECOND_FREE, LAPSED, ANNIVERSARY, DECLINED)
MARKETING_KINDS = (ANNIVERSARY, CAMPAIGN)
KIND_NAMES = {SERVICE: _("Service due"), FIRST_FREE: _("First free service"),
              SECOND_FREE: _("Second free service"), LAPSED: _("Not seen for months"),
              ANNIVERSARY: _("Purchase anniversary"), DECLINED: _("Declined work"),
              RECALL: _("Recall"), CAMPAIGN: _("Campaign")}

# ---- the retention call (邀约电话) and its outcomes ----------------------------------
BOOKED = "booked"              # 已预约
NOT_REACHED = "not_reached"    # 未接通: try again on retry_on
NOT_NOW = "not_now"            # 暂不需要: ask again on next_on
LOST = "lost"                  # 流失: with a reason
CALL_OUTCOMES = (BOOKED, NOT_REACHED, NOT_NOW, LOST)
LOST_REASONS = ("sold", "moved", "other_workshop", "unhappy", "other")   # seed 003 流失原因
LOST_REASON_NAMES = {"sold": _("Sold the car"), "moved": _("Moved away"),
                     "other_workshop": _("Goes to another workshop"),
                     "unhappy": _("Unhappy with us"), "other": _("Other")}
CALL_OPEN = "open"
CALL_DONE = "done"
MAX_INVITATION_CALLS = 20      # calls kept on one invitation (one item: bounded)

# ---- the contact log (电话登记表): every SMS and call, in or out --------------------
SMS = "sms"
CALL = "call"
CHANNELS = (SMS, CALL)
INBOUND = "in"
OUTBOUND = "out"
DIRECTIONS = (INBOUND, OUTBOUND)
CONTACT_NOTE_MAX = 500

INVITATION_DAYS = 60           # a personal link books for this long after it was sent


def new_invitation_id() -> str:
    return f"inv_{secrets.token_hex(8)}"


def model_key(model: str) -> str:
    """A model as the ``by_model`` index keys it: folded (NFKC, lower case, no spaces), so
    "Lavida", "lavida " and "ＬＡＶＩＤＡ" are one model; "" for none."""
    return "".join(unicodedata.normalize("NFKC", model or "").lower().split())


def source_of(kind: str, campaign_id: str = "") -> str:
    """Where an invitation's figures are counted: its campaign, or its reminder kind."""
    return f"campaign:{campaign_id}" if campaign_id else f"reminder:{kind}"


@dataclass(frozen=True)
class Reading:
    """A mileage reading (里程) of a car on a day: at a booking, a check-in, a delivery."""
    on: date
    km: int


@dataclass(frozen=True)
class CareState:
    """What the care rules know of a car beyond its file (kept on the vehicle, bounded):
    its mileage readings, its visits (days an order was opened), the reasons to contact it
    already handled (``<kind>@<due day>``), and whether it is lost (流失) and why."""
    readings: tuple[Reading, ...] = ()
    visits: tuple[date, ...] = ()
    handled: tuple[str, ...] = ()
    lost: dict[str, str] | None = None     # {"reason", "at", "by", "note"}

    MAX_READINGS = 12
    MAX_VISITS = 12
    MAX_HANDLED = 40

    def to_dict(self) -> dict[str, Any]:
        return {"readings": [[r.on.isoformat(), r.km] for r in self.readings],
                "visits": [d.isoformat() for d in self.visits],
                "handled": list(self.handled), "lost": self.lost}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "CareState":
        data = data or {}
        return cls(readings=tuple(Reading(date.fromisoformat(d), int(km))
                                  for d, km in data.get("readings") or ()),
                   visits=tuple(date.fromisoformat(d) for d in data.get("visits") or ()),
                   handled=tuple(data.get("handled") or ()),
                   lost=data.get("lost") or None)

    def with_reading(self, on: date, km: int | None) -> "CareState":
        """A reading added (one per day: the day's highest), the newest MAX_READINGS kept."""
        if km is None:
            return self
        kept = [r for r in self.readings if r.on != on]
        same_day = [r.km for r in self.readings if r.on == on]
        kept.append(Reading(on, max([km] + same_day)))
        kept.sort(key=lambda r: r.on)
        return replace(self, readings=tuple(kept[-self.MAX_READINGS:]))

    def with_visit(self, on: date) -> "CareState":
        """A visit added; a lost car that comes back is no longer lost."""
        visits = sorted(set(self.visits) | {on})[-self.MAX_VISITS:]
        return replace(self, visits=tuple(visits), lost=None)

    def with_handled(self, *keys: str) -> "CareState":
        handled = [k for k in self.handled if k not in keys] + list(keys)
        return replace(self, handled=tuple(handled[-self.MAX_HANDLED:]))


@dataclass(frozen=True)
class CallRecord:
    at: str
    by: str
    outcome: str
    note: str = ""
    retry_on: str = ""        # not reached: call again that day
    next_on: str = ""         # not now: ask again that day
    reason: str = ""          # lost: one of LOST_REASONS

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CallRecord":
        return cls(**{k: str(v or "") for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Invitation:
    """One reason to contact one car (邀约): its link, its call, what it earned."""
    id: str
    kind: str                       # one of KINDS
    vehicle_id: str
    customer_id: str
    plate: str
    model: str
    customer_name: str
    phone: str                      # E.164
    locale: str
    due_on: str                     # the day the service falls due (YYYY-MM-DD)
    created_at: str
    campaign_id: str = ""
    services: tuple[str, ...] = ()  # catalogue codes the booking site ticks
    items: tuple[str, ...] = ()     # declined work or recall text, shown to customer and clerk
    mileage_km: int | None = None   # projected today, offered on the booking form
    link_code: str = ""             # the short link its SMS carries
    message_id: str = ""            # its SMS in the outbox ("" when none was sent)
    status: str = "planned"         # planned, sent, skipped (no SMS: opted out, no consent...)
    sent_at: str = ""
    opened_at: str = ""
    booking_id: str = ""
    booked_at: str = ""
    order_id: str = ""
    arrived_at: str = ""
    revenue_fen: int = 0
    call_status: str = ""           # "" no call, open, done
    call_due: str = ""              # the day the clerk calls (YYYY-MM-DD)
    calls: tuple[CallRecord, ...] = ()
    version: int | None = None

    @property
    def source(self) -> str:
        return source_of(self.kind, self.campaign_id)

    @property
    def marketing(self) -> bool:
        return self.kind in MARKETING_KINDS

    def to_dict(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "version"}
        data["services"] = list(self.services)
        data["items"] = list(self.items)
        data["calls"] = [c.to_dict() for c in self.calls]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], version: int | None = None) -> "Invitation":
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["services"] = tuple(values.get("services") or ())
        values["items"] = tuple(values.get("items") or ())
        values["calls"] = tuple(CallRecord.from_dict(c) for c in values.get("calls") or ())
        values["revenue_fen"] = int(values.get("revenue_fen") or 0)
        if values.get("mileage_km") is not None:
            values["mileage_km"] = int(values["mileage_km"])
        values["version"] = version
        return cls(**values)


@dataclass(frozen=True)
class ContactEntry:
    """One line of a customer's contact log (电话登记表): an SMS or a call, in or out."""
    at: str                         # ISO time, store zone
    channel: str                    # sms / call
    direction: str                  # in / out
    kind: str = ""                  # care kind, message kind, or "" for a plain call
    by: str = ""                    # staff username ("" for the system)
    by_name: str = ""
    vehicle_id: str = ""
    invitation_id: str = ""
    message_id: str = ""
    outcome: str = ""               # a call's outcome
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ContactEntry":
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**values)
