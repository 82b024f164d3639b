"""Bringing customers back (客户关怀, issue 15): the daily job (每日关怀任务) and invitations.

- ``refreshed``: a vehicle with a new mileage reading / visit and its next ``care_day``,
  called wherever a vehicle is saved with facts the care rules read (check-in, delivery,
  the vehicle file, declined work).
- ``invite``: ONE invitation (邀约) for one car, in ONE ``records.save``: the invitation (its
  id fixed by the car and the reason, written new: a second attempt finds it and sends
  nothing), its personal short link, its SMS in the outbox, a contact log entry, counters,
  the clerk's call. Campaigns (part CAMPAIGNS) call it too.
- ``run_daily``: every 15 minutes; acts once a day from the store's ``care_run_at``: reads
  the ``care_due`` buckets since the last run (one Query each), invites what is due, marks it
  handled and sets each car's next ``care_day``.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from typing import Any, Iterable

from .. import clock
from ..config import get_config
from ..db import care as care_db
from ..db import records as records_db
from ..db.links import ShortLink
from ..domain import messages as msg
from ..domain.care import (CALL_OPEN, LAPSED, MARKETING_KINDS, OUTBOUND, SERVICE, SMS,
                           ContactEntry, Invitation)
from ..domain.care_rules import CareRules, Due, due_today, next_care_day, projected_km
from ..domain.errors import Conflict

from ..domain.tokens import INVITATION_MAX_AGE
from ..domain.validation import mask_phone
from ..domain.vehicles import CustomerRecord, VehicleRecord
from ..logs import log_event
from ..notify.templates import render
from . import invitations
from .store import StoreContext, current_store

# outcomes of ``invite``
INVITED = "invited"
EXISTS = "exists"
OPTED_OUT = "opted_out"
NO_CONSENT = "no_consent"
CAPPED = "capped"
OVER_BUDGET = "over_budget"
RETRY = "retry"                 # not written (a short-link code clash): planned again tomorrow
NO_PHONE = "no_phone"
MAX_DAYS_BACK = 14          # the daily job reads at most this many missed days' buckets
DEFAULT_LOCALE = "zh-CN"


def rules_of(ctx: StoreContext | None = None) -> CareRules:
    ctx = ctx or current_store()
    return CareRules.from_settings(ctx.settings, ctx.services)


# ---- keeping the facts current --------------------------------------------------------------

def refreshed(vehicle: VehicleRecord, *, today: date, reading_km: int | None = None,
              visit: bool = False, new_owner: bool = False) -> VehicleRecord:
    """The vehicle with a mileage reading and/or a visit (``last_visit_on``) added and its next
    ``care_day`` computed with the store's current rules (from tomorrow on: today's bucket
    may have been read already). A new owner starts afresh: nothing handled, not lost. A
    visit settles the service reminder that was due (the car is in)."""
    rules = rules_of()
    care = vehicle.care
    if new_owner:
        care = replace(care, handled=(), lost=None)
    care = care.with_reading(today, reading_km)
    last_visit = vehicle.last_visit_on
    if visit:
        before = replace(vehicle, care=care)
        settled = [d.key for d in due_today(before, rules, today) if d.kind == SERVICE]
        care = care.with_visit(today).with_handled(*settled)
        last_visit = max(today, last_visit) if last_visit else today
    new = replace(vehicle, care=care, last_visit_on=last_visit)
    return replace(new, care_day=next_care_day(new, rules, today + timedelta(days=1)))


# ---- one invitation -------------------------------------------------------------------------

def invitation_id(vehicle_id: str, *, kind: str, due_on: date, campaign_id: str = "") -> str:
    """Fixed by the car and the reason (or the campaign): planning it twice finds it."""
    basis = (f"{campaign_id}|{vehicle_id}" if campaign_id
             else f"{vehicle_id}|{kind}@{due_on.isoformat()}")
    return "inv_" + hashlib.sha1(basis.encode()).hexdigest()[:20]


def _short(link: ShortLink) -> str:
    return f"{get_config().public_base_url}/l/{link.code}"


def sms_text(kind: str, locale: str, ctx: StoreContext, *, name: str, plate: str,
              due_on: date, link: str, unsubscribe: str, text: str) -> str:
    settings = ctx.settings
    when = (f"{due_on.month}月{due_on.day}日" if locale != "en" else due_on.strftime("%-d %b"))
    return render(f"care_{kind}", locale, sig=settings.sms_signature, name=name, plate=plate,
                  when=when, link=link, unsubscribe=unsubscribe, text=text,
                  phone=settings.phone)


def invite(vehicle: VehicleRecord, *, kind: str, due_on: date, now: datetime,
           campaign_id: str = "", text: str = "", services: Iterable[str] = (),
           items: Iterable[str] = (), call: bool = True,
           customer: CustomerRecord | None = None, known: "Known | None" = None) -> str:
    """Plan one invitation for one car (one ``records.save``); the outcome:
    ``invited``; ``exists`` (planned before: nothing sent twice); ``over_budget`` (the day's SMS
    budget is spent: nothing written, try again tomorrow); or a skip, written as an invitation
    with status ``skipped`` and counted ``skipped`` (a manager sees it), its call kept for a
    service reason: ``no_phone``, ``opted_out`` (our list; SNS's is checked by the sweep),
    ``no_consent`` (marketing without the customer's consent), ``capped`` (the number's
    monthly marketing cap). ``known``: the opt-outs and consents of a batch of numbers,
    read once for many invitations (the daily job, a campaign), else read here."""
    ctx = current_store()
    settings = ctx.settings
    local_now = now.astimezone(settings.tz)
    today = local_now.date()
    inv_id = invitation_id(vehicle.id, kind=kind, due_on=due_on, campaign_id=campaign_id)
    if care_db.get_invitation(inv_id) is not None:
        return EXISTS
    if customer is None or customer.id != vehicle.customer_id:
        customer = records_db.get_customer(vehicle.customer_id)
    phone = customer.phone if customer else ""
    marketing = kind in MARKETING_KINDS
    invitation = Invitation(
        id=inv_id, kind=kind, vehicle_id=vehicle.id, customer_id=vehicle.customer_id,
        plate=vehicle.plate, model=vehicle.model, customer_name=customer.name if customer else "",
        phone=phone, locale=DEFAULT_LOCALE, due_on=due_on.isoformat(),
        created_at=local_now.isoformat(), campaign_id=campaign_id,
        services=tuple(services), items=tuple(items),
        mileage_km=projected_km(vehicle.care, today) or vehicle.mileage_km)
    if call:
        call_due = today if kind == LAPSED else today + timedelta(
            days=settings.care_call_after_days)
        invitation = replace(invitation, call_status=CALL_OPEN, call_due=call_due.isoformat())

    outcome = _check(phone, marketing, settings, now, local_now,
                     known if known is not None else Known.of([phone], marketing=marketing))
    if outcome == OVER_BUDGET:
        return OVER_BUDGET
    if outcome:
        return _skip(invitation, outcome, marketing, now)

    expires = now + timedelta(seconds=INVITATION_MAX_AGE)     # with the link's token
    link = ShortLink.new(invitations.booking_url(inv_id), expires=expires)
    links = [link]
    unsubscribe = ""
    if marketing:
        out = ShortLink.new(invitations.unsubscribe_url(inv_id), expires=expires)
        links.append(out)
        unsubscribe = _short(out)
    body = sms_text(kind, invitation.locale, ctx, name=invitation.customer_name,
                     plate=vehicle.plate, due_on=due_on, link=_short(link),
                     unsubscribe=unsubscribe, text=text)
    message = msg.prepared_message(message_id=f"care.{inv_id}", kind=msg.CARE, phone=phone,
                                   locale=invitation.locale, text=body, due=now,
                                   settings=settings, now=now)
    invitation = replace(invitation, link_code=link.code, message_id=message.message_id)
    entry = ContactEntry(at=local_now.isoformat(), channel=SMS, direction=OUTBOUND, kind=kind,
                         vehicle_id=vehicle.id, invitation_id=inv_id,
                         message_id=message.message_id, outcome="planned")
    changes = records_db.Changes(invitations=[(invitation, True)], messages=[message],
                                 links=links, contacts=[(vehicle.customer_id, entry)], now=now)
    try:
        records_db.save(changes)
    except Conflict:
        # planned meanwhile by another run (it has the SMS), or a short-link code taken (the
        # next run plans it again): give back what we took
        care_db.give_back_budget(today)
        if marketing:
            care_db.give_back_marketing(phone, f"{local_now:%Y-%m}")
        if care_db.get_invitation(inv_id) is None:
            return RETRY
        return EXISTS
    return INVITED


@dataclass(frozen=True)
class Known:
    """Numbers on our opt-out list and the marketing consents of a batch of numbers."""
    opted_out: frozenset[str]
    consents: dict[str, bool]

    @classmethod
    def of(cls, phones: Iterable[str], *, marketing: bool = True) -> "Known":
        """One BatchGetItem per 100 numbers for each (consents: when marketing is asked)."""
        wanted = [p for p in phones if p]
        if not wanted:
            return cls(frozenset(), {})
        consents = care_db.consents(wanted) if marketing else {}
        return cls(frozenset(care_db.opted_out(wanted)),
                   {p: bool(c.get("marketing")) for p, c in consents.items()})


def withheld(phone: str, marketing: bool, known: Known) -> str:
    """Why no SMS may go to this number, from what is on file ("" when it may): no mobile,
    opted out, or marketing without consent. A campaign's preview counts the same."""
    if not phone:
        return NO_PHONE
    if phone in known.opted_out:
        return OPTED_OUT
    if marketing and not known.consents.get(phone):
        return NO_CONSENT
    return ""


def _check(phone: str, marketing: bool, settings: Any, now: datetime,
           local_now: datetime, known: Known) -> str:
    """"" when the SMS may go (budget and cap taken), else why not."""
    reason = withheld(phone, marketing, known)
    if reason:
        return reason
    month = f"{local_now:%Y-%m}"
    if marketing:
        if not care_db.take_marketing(phone, month, settings.marketing_per_phone_per_month, now):
            return CAPPED
    if not care_db.take_budget(local_now.date(), settings.care_sms_per_day, now):
        if marketing:
            care_db.give_back_marketing(phone, month)
        return OVER_BUDGET
    return ""


def _skip(invitation: Invitation, outcome: str, marketing: bool, now: datetime) -> str:
    invitation = replace(invitation, status="skipped")
    if marketing:       # a marketing reason needs no call of its own
        invitation = replace(invitation, call_status="", call_due="")
    entry = ContactEntry(at=invitation.created_at, channel=SMS, direction=OUTBOUND,
                         kind=invitation.kind, vehicle_id=invitation.vehicle_id,
                         invitation_id=invitation.id, outcome="skipped", note=outcome)
    changes = records_db.Changes(invitations=[(invitation, True)],
                                 stats=[(invitation.source, {"skipped": 1})],
                                 contacts=[(invitation.customer_id, entry)], now=now)
    try:
        records_db.save(changes)
    except Conflict:
        return EXISTS
    return outcome


# ---- the daily job (每日关怀任务) -------------------------------------------------------------

def run_daily(now: datetime | None = None) -> dict[str, Any]:
    """The scheduled job (every 15 minutes): once a day from ``care_run_at`` store time."""
    started = time.monotonic()
    now = now or clock.now()
    ctx = current_store()
    local = now.astimezone(ctx.settings.tz)
    if local.time() < dt_time.fromisoformat(ctx.settings.care_run_at):
        return {"ran": False, "reason": "before_run_at"}
    today = local.date()
    # from the day of the last run that finished: its bucket is read again (a car the index
    # did not show yet, or one left there by a conflict; invitations are planned once whatever),
    # and a run that died midway (its day claimed, not finished) is read by the next day's
    previous = [day for day, summary in care_db.last_runs(limit=MAX_DAYS_BACK)
                if day < today.isoformat() and summary.get("ran")]
    if not care_db.start_run(today, now):
        return {"ran": False, "reason": "already_ran"}
    backfilled = backfill_copies(today)
    first = today - timedelta(days=MAX_DAYS_BACK)
    if previous:
        first = max(first, date.fromisoformat(previous[0]))
    rules = rules_of(ctx)
    summary: dict[str, Any] = {"day": today.isoformat(), "buckets": 0, "vehicles": 0,
                               "invited": 0, "exists": 0, "skipped": {}, "over_budget": 0,
                               "waiting": 0, "conflicts": 0, "backfilled": backfilled}
    budget_full = False
    day = first
    while day <= today:
        vehicles = care_db.vehicles_due_on(day)
        summary["buckets"] += 1
        owners = {c.id: c for c in records_db.customers_by_id([v.customer_id for v in vehicles])}
        known = Known.of([c.phone for c in owners.values()])    # the bucket's numbers at once
        for vehicle in vehicles:
            summary["vehicles"] += 1
            budget_full = _care_for(vehicle, rules, today, now, owners.get(vehicle.customer_id),
                                    summary, budget_full, known)
        day += timedelta(days=1)
    summary["seconds"] = round(time.monotonic() - started, 3)
    summary["ran"] = True
    care_db.finish_run(today, {**summary, "started_at": now.isoformat()})
    log_event("care_daily", **summary)
    return summary


def _care_for(vehicle: VehicleRecord, rules: CareRules, today: date, now: datetime,
              customer: CustomerRecord | None, summary: dict[str, Any],
              budget_full: bool, known: Known | None = None) -> bool:
    """Invite what is due for one car, then save its handled reasons and next care day
    (re-read once on a conflict). Returns whether the day's budget is spent."""
    handled: list[str] = []
    waits = False
    for reason in due_today(vehicle, rules, today):
        if budget_full:
            waits = True
            break
        outcome = invite(vehicle, kind=reason.kind, due_on=reason.due_on, now=now,
                         services=reason.services, items=reason.items, customer=customer,
                         call=reason.kind not in MARKETING_KINDS,   # service reasons: a call
                         known=known)
        if outcome == OVER_BUDGET:
            summary["over_budget"] += 1
            budget_full = waits = True
            break
        if outcome == RETRY:        # not written (a short-link code clash): tomorrow again
            waits = True
            continue
        handled.append(reason.key)
        if outcome == INVITED:
            summary["invited"] += 1
        elif outcome == EXISTS:
            summary["exists"] += 1
        else:
            summary["skipped"][outcome] = summary["skipped"].get(outcome, 0) + 1
            log_event("care_skipped", vehicle_id=vehicle.id, kind=reason.kind, outcome=outcome,
                      phone=mask_phone(customer.phone) if customer else "")
    if waits:
        summary["waiting"] += 1
    for attempt in range(2):
        care = vehicle.care.with_handled(*handled) if handled else vehicle.care
        marked = replace(vehicle, care=care)
        care_day = (today + timedelta(days=1) if waits
                    else next_care_day(marked, rules, today + timedelta(days=1)))
        if care_day == vehicle.care_day and not handled:
            return budget_full
        try:
            records_db.save(records_db.Changes(vehicles=[(replace(marked, care_day=care_day),
                                                          False)]))
            return budget_full
        except Conflict:
            summary["conflicts"] += 1
            fresh = records_db.get_vehicle(vehicle.id) if attempt == 0 else None
            if fresh is None:
                break
            vehicle = fresh
    log_event("care_vehicle_conflict", vehicle_id=vehicle.id)
    return budget_full


def backfill_copies(today: date) -> int:
    """Vehicles saved before issue 15 have no care copy: write theirs once (a Scan guarded by
    the ``migration#care_copies`` marker: never again after the first run)."""
    if records_db.owner_of("migration", "care_copies"):
        return 0
    rules = rules_of()
    count = 0
    for vehicle in records_db.vehicles_without_copy():
        vehicle = with_past_visits(vehicle)
        care_day = next_care_day(vehicle, rules, today + timedelta(days=1))
        try:
            records_db.save(records_db.Changes(vehicles=[(replace(vehicle, care_day=care_day),
                                                          False)]))
            count += 1
        except Conflict:      # saved meanwhile: it has its copy
            continue
    records_db.mark_migration("care_copies")
    return count


def with_past_visits(vehicle: VehicleRecord) -> VehicleRecord:
    """A car filed before issue 15 with the visits its orders tell (one Query, once): its
    last visit, so the first free service is not offered a car already serviced and the
    lapsed rule and the campaigns' last-visit segments see it."""
    orders = records_db.orders_of(vehicle.id)
    days = sorted({o.opened_at.date() for o in orders})
    if not days:
        return vehicle
    care = vehicle.care
    for day in days:
        care = care.with_visit(day)
    return replace(vehicle, care=care, last_visit_on=max(days))


# ---- what the sweep tells us (notify/sweep.py) ----------------------------------------------

def opted_out_now(phone: str) -> bool:
    """Our opt-out list, checked again when a care SMS is about to go (the customer may have
    unsubscribed since it was planned)."""
    return bool(care_db.opted_out([phone]))


def message_done(message_id: str, *, sent: bool, now: datetime, note: str = "") -> bool:
    """A care SMS was sent (the invitation: ``sent``, ``sent_at``; counter ``sent``) or skipped
    (status ``skipped``; counter ``skipped``): the invitation's change and the counter in one
    transaction, on the invitation's version and only while it has neither, so a message
    the sweep handles twice is counted once. False when there was nothing to do."""
    inv_id = message_id.split(".", 1)[1]
    for _attempt in range(3):
        inv = care_db.get_invitation(inv_id)
        if inv is None or inv.sent_at or inv.status == "skipped":
            return False
        changed = (replace(inv, status="sent", sent_at=now.isoformat()) if sent
                   else replace(inv, status="skipped"))
        counter = "sent" if sent else "skipped"
        try:
            records_db.save(records_db.Changes(invitations=[(changed, False)],
                                               stats=[(inv.source, {counter: 1})], now=now))
            return True
        except Conflict:        # changed meanwhile (opened, called...): read it again
            continue
    log_event("care_message_done_conflict", message_id=message_id, sent=sent, note=note)
    return False


__all__ = ["invite", "run_daily", "refreshed", "invitation_id", "Known", "withheld",
           "message_done", "opted_out_now"]
