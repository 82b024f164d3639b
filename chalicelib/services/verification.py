"""Phone verification (短信验证码) for online bookings: API.md, "Phone verification".

The code is published at once through the SNS sender (a customer waits for it
with the form open), and the outbox keeps a record of the message with the
code masked: the record is written final, never queued, so the sweep cannot
send it a second time. Nothing stores or logs the code itself.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from .. import clock
from ..config import get_config
from ..db import outbox as outbox_db
from ..db import verifications as verifications_db
from ..db.verifications import SendLimited
from ..domain import messages as msg
from ..domain import verification as rules
from ..domain.validation import mask_phone
from ..logs import log_event
from ..notify.sms import SmsError, SnsSmsSender
from ..notify.templates import render
from .store import current_store

MASK = "*" * rules.CODE_DIGITS


def request_code(body: Any, *, sender: SnsSmsSender | None = None) -> dict[str, Any]:
    """Send a new code to the phone of ``body``, within the limits per number."""
    request = rules.parse_code_request(body)
    settings = current_store().settings
    now = clock.now()
    verification, code = rules.Verification.new(phone=request.phone,
                                                 secret=get_config().secret_key, now=now)
    try:
        verifications_db.create(verification, day=rules.send_day(settings.tz, now),
                                next_send_at=now + timedelta(seconds=rules.RESEND_SECONDS),
                                max_per_day=rules.MAX_SENDS_PER_DAY, now=now)
    except SendLimited as limited:
        daily = limited.which == "day"
        until = (rules.next_day_starts(settings.tz, now) if daily
                 else limited.next_send_at or now + timedelta(seconds=rules.RESEND_SECONDS))
        log_event("verification_limited", limit=limited.which, phone=mask_phone(request.phone))
        raise rules.too_many(rules.seconds_until(until, now), daily=daily) from None

    def text(shown: str) -> str:
        return render(msg.VERIFICATION_CODE, request.locale, sig=settings.sms_signature,
                      code=shown)

    record = msg.OutboxMessage(
        message_id=f"verification.{verification.id}", booking_id="",
        kind=msg.VERIFICATION_CODE, phone=request.phone, locale=request.locale,
        slot_start=now, due_at=now, created_at=now, attempts=1, text=text(MASK),
        finished_at=now)
    try:
        record.sns_message_id = (sender or SnsSmsSender()).publish(request.phone, text(code))
        record.status = msg.SENT
    except SmsError as exc:
        # the customer sees no SMS and asks again after the minute; nothing else to undo
        record.status, record.note = msg.FAILED, f"SNS error: {exc}"[:500]
        log_event("verification_sms_failed", logging.ERROR, verification_id=verification.id,
                  phone=mask_phone(request.phone))
    outbox_db.record(record)
    log_event("verification_sent", verification_id=verification.id,
              phone=mask_phone(request.phone), status=record.status)
    return {"verification_id": verification.id,
            "expires_at": verification.valid_until.astimezone(settings.tz).isoformat(),
            "resend_after": rules.RESEND_SECONDS}
