"""The SMS outbox: due messages are read from a sparse index, never by a scan.

A message is *claimed* before it is published: a conditional write moves its
``next_attempt_at`` forward by a lease and stamps a claim token, so of two
sweeps that read the same message only one publishes it. Every later write
is conditional on that token.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from pynamodb.exceptions import PutError, UpdateError

from ..domain.errors import Conflict
from ..domain.messages import (PENDING, SMS_RATE_WINDOW, SUPERSEDED, OutboxMessage, SentSms,
                               sms_allowance)
from . import bind, get_item
from .models import OutboxItem, SmsRateItem
from .timefmt import from_utc_key, parse, utc_key
from .tx import BUSY

QUEUE = "pending"
RATE_RETRIES = 5


def to_item(message: OutboxMessage) -> OutboxItem:
    return OutboxItem(
        message.message_id, booking_id=message.booking_id or None,
        order_id=message.order_id or None, kind=message.kind,
        phone=message.phone, locale=message.locale, slot_start=message.slot_start.isoformat(),
        status=message.status, queue=QUEUE if message.status == PENDING else None,
        next_attempt_at=utc_key(message.next_attempt_at) if message.next_attempt_at else None,
        due_at=message.due_at.isoformat(), attempts=message.attempts,
        created_at=message.created_at.isoformat(), claim_token=message.claim_token,
        text=message.text)


def to_message(item: OutboxItem) -> OutboxMessage:
    return OutboxMessage(
        message_id=item.message_id, booking_id=item.booking_id or "",
        order_id=item.order_id or "", kind=item.kind,
        phone=item.phone, locale=item.locale, slot_start=parse(item.slot_start),
        due_at=parse(item.due_at), created_at=parse(item.created_at), status=item.status,
        attempts=int(item.attempts or 0),
        next_attempt_at=from_utc_key(item.next_attempt_at) if item.next_attempt_at else None,
        claim_token=item.claim_token, sns_message_id=item.sns_message_id, text=item.text,
        note=item.note, finished_at=parse(item.finished_at) if item.finished_at else None)


def from_stream_image(image: dict) -> OutboxMessage:
    """A message as a DynamoDB stream record's ``NewImage`` shows it (attribute-value JSON):
    what the item was when that change was written, read with no request."""
    return to_message(OutboxItem.from_raw_data(image))


def due_messages(now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Messages whose next attempt is due: one query on the ``due`` index."""
    bind()
    return [to_message(item) for item in
            OutboxItem.due.query(QUEUE, OutboxItem.next_attempt_at <= utc_key(now), limit=limit)]


def get(message_id: str) -> OutboxMessage | None:
    return get_item(OutboxItem, message_id, to_message)


def get_many(message_ids: list[str]) -> list[OutboxMessage]:
    bind()
    found = {item.message_id: to_message(item) for item in OutboxItem.batch_get(message_ids)}
    return [found[i] for i in message_ids if i in found]


def claim(message: OutboxMessage, *, lease_until: datetime) -> OutboxMessage | None:
    """Take the message for this sweep, or None if another sweep took it first."""
    bind()
    seen = utc_key(message.next_attempt_at) if message.next_attempt_at else None
    token = secrets.token_hex(8)
    item = OutboxItem(message.message_id)
    try:
        item.update(
            actions=[OutboxItem.next_attempt_at.set(utc_key(lease_until)),
                     OutboxItem.claim_token.set(token)],
            condition=(OutboxItem.queue == QUEUE) & (OutboxItem.next_attempt_at == seen))
    except UpdateError as exc:
        if _condition_failed(exc):
            return None
        raise
    return to_message(item)


def mark_sent(message: OutboxMessage, *, sns_message_id: str, text: str, now: datetime) -> bool:
    return _finish(message, "sent", now, extra=[OutboxItem.sns_message_id.set(sns_message_id),
                                                OutboxItem.text.set(text),
                                                OutboxItem.attempts.set(message.attempts)])


def mark_final(message: OutboxMessage, *, status: str, note: str, now: datetime,
               text: str | None = None) -> bool:
    extra = [OutboxItem.note.set(note), OutboxItem.attempts.set(message.attempts)]
    if text:
        extra.append(OutboxItem.text.set(text))
    return _finish(message, status, now, extra=extra)


def mark_retry(message: OutboxMessage, *, at: datetime, note: str) -> bool:
    """Put the message back in the queue for ``at`` (quiet hours, SNS error...)."""
    bind()
    try:
        OutboxItem(message.message_id).update(
            actions=[OutboxItem.next_attempt_at.set(utc_key(at)), OutboxItem.note.set(note),
                     OutboxItem.attempts.set(message.attempts),
                     OutboxItem.claim_token.remove()],
            condition=(OutboxItem.claim_token == message.claim_token) & (OutboxItem.queue == QUEUE))
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


def supersede(message_ids: list[str], *, now: datetime) -> int:
    """Take still-pending messages out of the queue (the booking changed); returns how many."""
    bind()
    count = 0
    for message_id in message_ids:
        try:
            OutboxItem(message_id).update(
                actions=[OutboxItem.status.set(SUPERSEDED), OutboxItem.queue.remove(),
                         OutboxItem.next_attempt_at.remove(),
                         OutboxItem.finished_at.set(now.isoformat())],
                condition=OutboxItem.queue == QUEUE)
            count += 1
        except UpdateError as exc:
            if not _condition_failed(exc):
                raise
    return count


def _finish(message: OutboxMessage, status: str, now: datetime, *, extra: list) -> bool:
    bind()
    try:
        OutboxItem(message.message_id).update(
            actions=[OutboxItem.status.set(status), OutboxItem.queue.remove(),
                     OutboxItem.next_attempt_at.remove(), OutboxItem.claim_token.remove(),
                     OutboxItem.finished_at.set(now.isoformat()),
                     OutboxItem.phone.set(message.phone), *extra],   # where it went
            condition=(OutboxItem.claim_token == message.claim_token) & (OutboxItem.queue == QUEUE))
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


def _condition_failed(exc: UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def record(message: OutboxMessage) -> None:
    """Keep a message that was published (or failed) outside the sweep, e.g. a verification
    code: written final, never queued, so no sweep sends it."""
    bind()
    item = to_item(message)
    item.sns_message_id = message.sns_message_id
    item.note = message.note
    item.finished_at = message.finished_at.isoformat() if message.finished_at else None
    item.save(OutboxItem.message_id.does_not_exist())


# ---- SMS per number per hour -------------------------------------------------------

def sms_sent_recently(phone: str) -> tuple[tuple[SentSms, ...], int | None]:
    """The SMS counted against ``phone`` (maybe older than an hour) and the version read."""
    found = get_item(SmsRateItem, phone, lambda item: item)
    if found is None:
        return (), None
    sent = tuple(SentSms(at=from_utc_key(at), message_id=message_id)
                 for at, _, message_id in (entry.partition(" ") for entry in found.sent))
    return sent, found.version


def take_sms_allowance(phone: str, *, message_id: str, now: datetime, limit: int) -> bool:
    """Count one SMS to ``phone`` in its rolling hour; False when ``limit`` are already in it.
    The write is conditional on the version read: of two sweeps at once, the later one reads
    again, so they cannot both pass the limit."""
    for _ in range(RATE_RETRIES):
        sent, version = sms_sent_recently(phone)
        counted = sms_allowance(sent, message_id=message_id, now=now, limit=limit)
        if counted is None:
            return False
        if _write_sent(phone, counted, version, now):
            return True
    raise Conflict(BUSY, code="busy")


def release_sms_allowance(phone: str, *, message_id: str, now: datetime) -> None:
    """Uncount a message that could not be published (it is tried again later)."""
    for _ in range(RATE_RETRIES):
        sent, version = sms_sent_recently(phone)
        kept = tuple(s for s in sent if s.message_id != message_id)
        if len(kept) == len(sent) or _write_sent(phone, kept, version, now):
            return


def _write_sent(phone: str, sent: tuple[SentSms, ...], version: int | None,
                now: datetime) -> bool:
    bind()
    item = SmsRateItem(phone, sent=[f"{utc_key(s.at)} {s.message_id}" for s in sent],
                       expires=now + SMS_RATE_WINDOW)
    if version is not None:
        item.version = version
    try:
        item.save()   # VersionAttribute: only if nobody wrote it since it was read
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
