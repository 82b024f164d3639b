"""What message is due when (短信计划), and whether it may go out now.

Kinds: ``confirmation`` (预约回执), ``reminder_day`` (1天前确认),
``reminder_hour`` (1小时前确认), ``rescheduled``, ``cancelled``; about a repair
order: ``approval_request``, ``ready``, ``survey``, ``second_follow_up``; and
``complaint_ack``. Messages whose text does not depend on later changes are
written to the outbox with their text (``prepared``).
No SMS in the store's quiet hours (21:00-08:00 by default): a message due
then waits for the end of quiet hours, unless it would by then be useless
(anything about a visit that has already begun is dropped).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .store import StoreSettings

CONFIRMATION = "confirmation"
REMINDER_DAY = "reminder_day"
REMINDER_HOUR = "reminder_hour"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"
APPROVAL_REQUEST = "approval_request"   # repair order: estimate or additional work to approve
READY = "ready"                         # 交车通知: the car is ready, the amount due
SURVEY = "survey"                       # 首次回访: survey link, delivery + 3 days
SECOND_FOLLOW_UP = "second_follow_up"   # 二次回访: delivery + 7 days
COMPLAINT_ACK = "complaint_ack"         # 投诉受理: we reply by ...
COMPLAINT_ESCALATED = "complaint_escalated"   # 投诉升级: to the store's managers' mobiles
ORDER_LINK = "order_link"               # the customer's order link, sent again on request
VERIFICATION_CODE = "verification_code"  # 短信验证码: sent at once, kept here as a record only
CARE = "care"                           # 客户关怀 (issue 15): an invitation's SMS, care.<invitation id>
KINDS = (CONFIRMATION, REMINDER_DAY, REMINDER_HOUR, RESCHEDULED, CANCELLED, APPROVAL_REQUEST,
         READY, SURVEY, SECOND_FOLLOW_UP, COMPLAINT_ACK, ORDER_LINK, VERIFICATION_CODE,
         COMPLAINT_ESCALATED, CARE)
# Messages about an upcoming visit: useless once it has begun.
ABOUT_VISIT = {CONFIRMATION, REMINDER_DAY, REMINDER_HOUR, RESCHEDULED}
REMINDER_OFFSETS = {REMINDER_DAY: timedelta(days=1), REMINDER_HOUR: timedelta(hours=1)}

SEND = "send"
DEFER = "defer"
DROP = "drop"


@dataclass(frozen=True)
class PlannedMessage:
    kind: str
    due: datetime


@dataclass(frozen=True)
class Decision:
    action: str                 # send / defer / drop
    at: datetime | None = None  # for defer: when to try again
    reason: str = ""


def quiet_until(settings: StoreSettings, moment: datetime) -> datetime | None:
    """End of the quiet period ``moment`` falls in (store time), or None if it is not quiet."""
    local = moment.astimezone(settings.tz)
    start, end = settings.quiet_hours
    clock = local.time()
    in_quiet = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not in_quiet:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, settings.tz)


def _local_date(settings: StoreSettings, moment: datetime):
    return moment.astimezone(settings.tz).date()


def decide(settings: StoreSettings, *, kind: str, slot_start: datetime,
           now: datetime) -> Decision:
    """Send now, wait for the end of quiet hours, or drop."""
    if kind in ABOUT_VISIT and now >= slot_start:
        return Decision(DROP, reason="appointment already begun")
    if kind == REMINDER_DAY and _local_date(settings, now) >= _local_date(settings, slot_start):
        return Decision(DROP, reason="the visit is today: too late to say 'tomorrow'")
    wake = quiet_until(settings, now)
    if wake is None:
        return Decision(SEND)
    if kind in ABOUT_VISIT and wake >= slot_start:
        return Decision(DROP, reason="quiet hours last until the appointment")
    return Decision(DEFER, at=wake, reason="quiet hours")


def _plan(settings: StoreSettings, first_kind: str, slot_start: datetime,
          now: datetime) -> list[PlannedMessage]:
    planned = [PlannedMessage(first_kind, now)]
    for kind, offset in REMINDER_OFFSETS.items():
        due = slot_start - offset
        if due <= now:
            continue  # booked after the reminder's time: skipped
        planned.append(PlannedMessage(kind, due))
    result = []
    for message in planned:
        decision = decide(settings, kind=message.kind, slot_start=slot_start, now=message.due)
        if decision.action == SEND:
            result.append(message)
        elif decision.action == DEFER and decision.at is not None:
            result.append(PlannedMessage(message.kind, decision.at))
    # a reminder pushed out of quiet hours onto the same minute as another is redundant
    seen: set[datetime] = set()
    unique = []
    for message in sorted(result, key=lambda m: m.due):
        if message.kind != first_kind and message.due in seen:
            continue
        seen.add(message.due)
        unique.append(message)
    return unique


def plan_new_booking(settings: StoreSettings, slot_start: datetime, now: datetime) -> list[PlannedMessage]:
    return _plan(settings, CONFIRMATION, slot_start, now)


def plan_reschedule(settings: StoreSettings, slot_start: datetime, now: datetime) -> list[PlannedMessage]:
    return _plan(settings, RESCHEDULED, slot_start, now)


def plan_cancel(settings: StoreSettings, now: datetime) -> list[PlannedMessage]:
    wake = quiet_until(settings, now)
    return [PlannedMessage(CANCELLED, wake or now)]


def retry_delay(attempts: int) -> timedelta:
    """Backoff after a failed publish: 1, 2, 4 ... minutes, at most 30."""
    return timedelta(minutes=min(30, 2 ** max(0, attempts - 1)))


MAX_ATTEMPTS = 8

# No number gets more than the store's ``sms_per_phone_per_hour`` SMS in any hour, whatever
# the kind: it caps what any loop or link (reschedules, complaints...) can send to one phone.
SMS_RATE_WINDOW = timedelta(hours=1)
RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class SentSms:
    """One SMS counted against its number's hour."""
    at: datetime
    message_id: str


def sms_allowance(sent: tuple[SentSms, ...], *, message_id: str, now: datetime,
                  limit: int) -> tuple[SentSms, ...] | None:
    """The number's SMS of the last hour with this one counted, or None when ``limit`` are
    already there. A message sent again (its claim's lease ran out) is counted once."""
    kept = tuple(s for s in sent if s.at > now - SMS_RATE_WINDOW)
    if any(s.message_id == message_id for s in kept):
        return kept
    if len(kept) >= limit:
        return None
    return kept + (SentSms(at=now, message_id=message_id),)


def rate_limited_note(limit: int) -> str:
    return f"{RATE_LIMITED}: at most {limit} SMS per number per hour (sms_per_phone_per_hour)"
# A claimed message whose sender died is taken again after this lease.
CLAIM_LEASE = timedelta(minutes=5)


PENDING = "pending"
SENT = "sent"
SKIPPED = "skipped"        # e.g. the number opted out of SMS
DROPPED = "dropped"        # no longer useful
SUPERSEDED = "superseded"  # the booking changed after it was planned
FAILED = "failed"          # gave up after MAX_ATTEMPTS


@dataclass
class OutboxMessage:
    """A message in the outbox (短信发件箱), as the sweep sees it."""
    message_id: str
    booking_id: str
    kind: str
    phone: str
    locale: str
    slot_start: datetime
    due_at: datetime
    created_at: datetime
    status: str = PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    claim_token: str | None = None
    sns_message_id: str | None = None
    text: str | None = None
    note: str | None = None
    finished_at: datetime | None = None
    order_id: str = ""          # set for messages about a repair order (booking_id is then "")

    @classmethod
    def planned(cls, *, booking_id: str, revision: int, plan: PlannedMessage, phone: str,
                locale: str, slot_start: datetime, now: datetime) -> "OutboxMessage":
        return cls(message_id=f"{booking_id}.{revision}.{plan.kind}", booking_id=booking_id,
                   kind=plan.kind, phone=phone, locale=locale, slot_start=slot_start,
                   due_at=plan.due, created_at=now, next_attempt_at=plan.due)


def approval_message(*, order_id: str, request_id: str, phone: str, locale: str,
                     settings: StoreSettings, now: datetime, resend: int = 0) -> OutboxMessage:
    """The SMS asking the customer to approve lines, due now (or when quiet hours end);
    ``resend`` counts the times it is sent again (each its own message)."""
    due = quiet_until(settings, now) or now
    message_id = f"{order_id}.{request_id}.{APPROVAL_REQUEST}" + (f".{resend}" if resend else "")
    return OutboxMessage(message_id=message_id, booking_id="",
                         order_id=order_id, kind=APPROVAL_REQUEST, phone=phone, locale=locale,
                         slot_start=due, due_at=due, created_at=now, next_attempt_at=due)


def prepared_message(*, message_id: str, kind: str, phone: str, locale: str, text: str,
                     due: datetime, settings: StoreSettings, now: datetime,
                     order_id: str = "") -> OutboxMessage:
    """A message whose text is written now and sent at ``due`` (or when quiet hours end)."""
    due = quiet_until(settings, due) or due
    return OutboxMessage(message_id=message_id, booking_id="", order_id=order_id, kind=kind,
                         phone=phone, locale=locale, slot_start=due, due_at=due, created_at=now,
                         next_attempt_at=due, text=text)


def due_now(message: OutboxMessage, now: datetime) -> bool:
    """Whether the sender that sees this (new or requeued) message should try it now: waiting
    in the queue, claimed by nobody, and its next attempt due."""
    return (message.status == PENDING and message.claim_token is None
            and message.next_attempt_at is not None and message.next_attempt_at <= now)
