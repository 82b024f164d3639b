"""The outbox sweep: publishes due SMS exactly once in the normal case.

Per due message: claim it (conditional write; a concurrent sweep that loses
the claim leaves it alone), re-read the booking, decide (send, wait for the
end of quiet hours, drop, or supersede if the booking changed), check the
SNS opt-out list and the number's SMS of the last hour (store setting
``sms_per_phone_per_hour``: above it the message is skipped, noted
``rate_limited``), publish, record.

If the process dies between publishing and recording, the claim's lease
(5 minutes) runs out and a later sweep publishes the message again: we chose
*at least once* over *at most once*, because a customer who gets a
confirmation twice is better off than one who never gets it. An SNS error
leaves the message queued with backoff (1, 2, 4 ... 30 minutes); after
MAX_ATTEMPTS it is marked failed, never silently lost.

A message due at once need not wait for the sweep: ``run_fast_path`` (the outbox table's
stream -> ``app.outbox_fast_path``) runs the same per-message path on it seconds after its
transaction; the claim decides which of the two sends it, and the sweep is the backstop.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from .. import clock
from ..config import get_config
from ..db import bookings as bookings_db
from ..db import outbox as outbox_db
from ..db import records as records_db
from ..domain import messages as msg
from ..domain.booking import CANCELLED, Booking
from ..domain.money import yuan
from ..domain.repair_order import RepairOrder, totals
from ..domain.validation import mask_phone
from ..logs import log_event
from ..services import care
from ..services.store import StoreContext, current_store
from .sms import SmsError, SnsSmsSender
from .templates import format_when, render

BATCH = 100
MAX_BATCHES = 10


@dataclass
class SweepResult:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1


def run_sweep(*, now: datetime | None = None, sender: SnsSmsSender | None = None) -> SweepResult:
    sender = sender or SnsSmsSender()
    result = SweepResult()
    for _ in range(MAX_BATCHES):
        moment = now or clock.now()
        due = outbox_db.due_messages(moment, limit=BATCH)
        for message in due:
            try:
                result.add(_handle(message, moment, sender))
            except Exception:  # one bad message must not hold up the others
                log_event("outbox_message_error", logging.ERROR, exc_info=True,
                          message_id=message.message_id)
                result.add("error")
        if len(due) < BATCH:
            break
    if result.counts:
        log_event("outbox_sweep", **result.counts)
    return result


def run_fast_path(messages: list[msg.OutboxMessage], *, now: datetime | None = None,
                  sender: SnsSmsSender | None = None) -> SweepResult:
    """Publish the messages a change of the outbox just showed (its DynamoDB stream), if they
    are due now: the sweep's own per-message path (claim, decide, opt-out, rate, publish,
    record), so of the two only the one whose claim succeeds sends, and quiet hours, opt-outs,
    the hourly limit and retries are those of the sweep. Messages not due yet (a reminder, one
    deferred to the end of quiet hours or retried after an SNS error), claimed or final ones
    are left to the sweep, which stays the backstop: a message this path fails on is still
    queued (an SNS error: retried with backoff; anything else: once its claim's lease ends)."""
    moment = now or clock.now()
    result = SweepResult()
    for message in messages:
        if not msg.due_now(message, moment):
            continue
        sender = sender or SnsSmsSender()
        try:
            result.add(_handle(message, moment, sender))
        except Exception:  # the sweep publishes it later; the others still go now
            log_event("outbox_message_error", logging.ERROR, exc_info=True,
                      message_id=message.message_id, path="fast")
            result.add("error")
    if result.counts:
        log_event("outbox_fast_path", **result.counts)
    return result


def render_message(message: msg.OutboxMessage, booking: Booking, ctx: StoreContext) -> str:
    settings = ctx.settings
    english = message.locale == "en"
    slot = booking.slot_start.astimezone(settings.tz)
    names = [(s.name_en if english else s.name) for code in booking.service_codes
             if (s := ctx.catalogue.get(code))]
    return render(
        message.kind, message.locale,
        sig=settings.sms_signature, name=booking.customer.name,
        when=format_when(slot, message.locale), time=f"{slot:%H:%M}",
        services=(", " if english else "、").join(names),
        services_short=_short_list(names, english),
        address=(settings.address_en or settings.address) if english else settings.address,
        phone=settings.phone, reference=booking.reference,
        link=f"{get_config().public_base_url}/l/{booking.link_code}")


def _short_list(names: list[str], english: bool) -> str:
    """First service and how many in all: keeps a reminder within one SMS part."""
    if len(names) <= 1:
        return "".join(names)
    return f"{names[0]} +{len(names) - 1}" if english else f"{names[0]}等{len(names)}项"


def render_order_message(message: msg.OutboxMessage, order: RepairOrder,
                         ctx: StoreContext) -> str | None:
    """The approval request SMS, or None if the request was answered or withdrawn meanwhile."""
    request_id = message.message_id.split(".")[1]
    request = next((a for a in order.approvals if a.id == request_id), None)
    if request is None or request.status != "pending":
        return None
    settings = ctx.settings
    lines = [ln for ln in order.lines if ln.id in request.line_ids]
    amount = totals(lines, settings.tax_rate).customer_fen
    promised = datetime.fromisoformat(request.promised_at).astimezone(settings.tz)
    return render(msg.APPROVAL_REQUEST, message.locale, sig=settings.sms_signature,
                  name=order.customer_name, plate=order.plate, count=len(lines),
                  additional=request.kind == "additional", amount=yuan(amount),
                  when=format_when(promised, message.locale),
                  link=f"{get_config().public_base_url}/l/{request.link_code}")


def _text_for(claimed: msg.OutboxMessage, ctx: StoreContext, now: datetime) -> tuple[str | None, str]:
    """(text to send, "") or (None, outcome) when the message was marked final."""
    if claimed.text:   # prepared when it was planned
        return claimed.text, ""
    if claimed.order_id:
        order = records_db.get_order(claimed.order_id)
        text = render_order_message(claimed, order, ctx) if order else None
        if text is None:
            outbox_db.mark_final(claimed, status=msg.SUPERSEDED, note="request answered", now=now)
            return None, "superseded"
        claimed.phone = order.phone   # a mobile corrected since it was queued is the one
        return text, ""
    booking = bookings_db.get_booking(claimed.booking_id)
    if booking is None:
        outbox_db.mark_final(claimed, status=msg.FAILED, note="booking missing", now=now)
        return None, "failed"
    if claimed.kind in msg.ABOUT_VISIT and (
            booking.status == CANCELLED or booking.slot_start != claimed.slot_start):
        outbox_db.mark_final(claimed, status=msg.SUPERSEDED, note="booking changed", now=now)
        return None, "superseded"
    return render_message(claimed, booking, ctx), ""


def _handle(message: msg.OutboxMessage, now: datetime, sender: SnsSmsSender) -> str:
    claimed = outbox_db.claim(message, lease_until=now + msg.CLAIM_LEASE)
    if claimed is None:
        return "claimed_elsewhere"
    ctx = current_store()
    text, outcome = _text_for(claimed, ctx, now)
    if text is None:
        return outcome
    decision = msg.decide(ctx.settings, kind=claimed.kind, slot_start=claimed.slot_start, now=now)
    if decision.action == msg.DROP:
        outbox_db.mark_final(claimed, status=msg.DROPPED, note=decision.reason, now=now)
        return "dropped"
    if decision.action == msg.DEFER and decision.at is not None:
        outbox_db.mark_retry(claimed, at=decision.at, note=decision.reason)
        return "deferred"
    claimed.attempts += 1
    limit = ctx.settings.sms_per_phone_per_hour
    care_sms = claimed.kind == msg.CARE      # issue 15 (core): invitations hear of it
    try:
        if care_sms and care.opted_out_now(claimed.phone):
            outbox_db.mark_final(claimed, status=msg.SKIPPED, note="number on our opt-out list",
                                 now=now, text=text)
            care.message_done(claimed.message_id, sent=False, now=now, note="opted_out")
            log_event("sms_skipped_opt_out", message_id=claimed.message_id,
                      phone=mask_phone(claimed.phone), list="ours")
            return "skipped"
        if sender.is_opted_out(claimed.phone):
            outbox_db.mark_final(claimed, status=msg.SKIPPED, note="number opted out of SMS",
                                 now=now, text=text)
            if care_sms:
                care.message_done(claimed.message_id, sent=False, now=now, note="sns_opted_out")
            log_event("sms_skipped_opt_out", message_id=claimed.message_id,
                      phone=mask_phone(claimed.phone))
            return "skipped"
        if not outbox_db.take_sms_allowance(claimed.phone, message_id=claimed.message_id,
                                            now=now, limit=limit):
            outbox_db.mark_final(claimed, status=msg.SKIPPED, note=msg.rate_limited_note(limit),
                                 now=now, text=text)
            if care_sms:
                care.message_done(claimed.message_id, sent=False, now=now, note="rate_limited")
            log_event("sms_skipped_rate_limited", logging.WARNING, message_id=claimed.message_id,
                      kind=claimed.kind, phone=mask_phone(claimed.phone), limit=limit)
            return "skipped"
        try:
            sns_id = sender.publish(claimed.phone, text)
        except SmsError:
            outbox_db.release_sms_allowance(claimed.phone, message_id=claimed.message_id, now=now)
            raise
    except SmsError as exc:
        if claimed.attempts >= msg.MAX_ATTEMPTS:
            outbox_db.mark_final(claimed, status=msg.FAILED, note=f"gave up: {exc}"[:500], now=now)
            log_event("sms_failed", logging.ERROR, message_id=claimed.message_id,
                      attempts=claimed.attempts)
            if care_sms:        # the invitation is told: not sent (the clerk's call remains)
                care.message_done(claimed.message_id, sent=False, now=now, note="failed")
            return "failed"
        outbox_db.mark_retry(claimed, at=now + msg.retry_delay(claimed.attempts),
                             note=f"SNS error: {exc}"[:500])
        log_event("sms_retry", logging.WARNING, message_id=claimed.message_id,
                  attempts=claimed.attempts, error=exc.code)
        return "retry"
    if not outbox_db.mark_sent(claimed, sns_message_id=sns_id, text=text, now=now):
        # Our lease ran out and another sweep took the message: it may go twice.
        log_event("sms_sent_after_lease", logging.WARNING, message_id=claimed.message_id)
    if care_sms:
        care.message_done(claimed.message_id, sent=True, now=now)
    log_event("sms_sent", message_id=claimed.message_id, kind=claimed.kind,
              phone=mask_phone(claimed.phone), sns_message_id=sns_id)
    return "sent"
