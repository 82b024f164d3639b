"""Phone verifications and the per-number send limits, enforced by conditional writes.

A new code is one transaction: the verification, the number's "next send at"
(condition: passed) and its count for the day (condition: under the limit).
Two requests at once cannot both pass a limit. A booking consumes its
verification inside the booking's own transaction (``consume``), so a booking
that fails leaves the code usable and two bookings cannot share it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from pynamodb.exceptions import UpdateError

from ..domain.verification import MAX_ATTEMPTS, Proof, Verification
from . import bind, get_item
from .models import VerificationItem
from .timefmt import from_utc_key, parse, utc_key
from .tx import Cancelled, Tx, commit

KEEP = timedelta(days=2)   # items stay this long after their use (TTL), for support questions


class SendLimited(Exception):
    """A code went to this number less than a minute ago (``which == "resend"``, with when
    the next may go), or the day's codes are used up (``"day"``)."""

    def __init__(self, which: str, next_send_at: datetime | None = None):
        super().__init__(which)
        self.which = which
        self.next_send_at = next_send_at


class VerificationRejected(Exception):
    """The booking's code is wrong, expired, used, spent or for another phone."""


def _code_key(verification_id: str) -> str:
    return f"code#{verification_id}"


def _resend_key(phone: str) -> str:
    return f"resend#{phone}"


def _day_key(phone: str, day: date) -> str:
    return f"day#{phone}#{day.isoformat()}"


def create(verification: Verification, *, day: date, next_send_at: datetime,
           max_per_day: int, now: datetime) -> None:
    """Store a new verification and take one send of the number's limits: all or nothing."""
    expires = now + KEEP
    item = VerificationItem(
        _code_key(verification.id), phone=verification.phone, code_hash=verification.code_hash,
        created_at=verification.created_at.isoformat(),
        valid_until=utc_key(verification.valid_until), attempts=0, expires=expires)

    def build(tx: Tx) -> None:
        tx.save("verification", item, VerificationItem.key.does_not_exist())
        tx.update("resend", VerificationItem(_resend_key(verification.phone)),
                  [VerificationItem.next_send_at.set(utc_key(next_send_at)),
                   VerificationItem.expires.set(expires)],
                  VerificationItem.next_send_at.does_not_exist()
                  | (VerificationItem.next_send_at <= utc_key(now)))
        tx.update("day", VerificationItem(_day_key(verification.phone, day)),
                  [VerificationItem.sends.add(1), VerificationItem.expires.set(expires)],
                  VerificationItem.sends.does_not_exist()
                  | (VerificationItem.sends < max_per_day))

    try:
        commit(build)
    except Cancelled as exc:
        if "day" in exc.failed:
            raise SendLimited("day") from None
        if "resend" in exc.failed:
            held = get_item(VerificationItem, _resend_key(verification.phone),
                            lambda i: from_utc_key(i.next_send_at) if i.next_send_at else None)
            raise SendLimited("resend", held) from None
        raise


def get(verification_id: str) -> Verification | None:
    return get_item(VerificationItem, _code_key(verification_id), _to_verification)


def consume(tx: Tx, proof: Proof, *, booking_id: str, now: datetime) -> None:
    """Part of a booking's transaction: mark the verification used by ``booking_id``, on
    condition that the code, the phone, the time and the attempts allow it (part
    ``"verification"`` fails otherwise)."""
    v = VerificationItem
    tx.update("verification", v(_code_key(proof.verification_id)),
              [v.used_by.set(booking_id)],
              (v.code_hash == proof.code_hash) & (v.phone == proof.phone)
              & v.used_by.does_not_exist() & (v.attempts < MAX_ATTEMPTS)
              & (v.valid_until > utc_key(now)))


def count_wrong_code(proof: Proof, *, now: datetime) -> bool:
    """One more wrong attempt at a live, unused verification (atomic); False when there was
    nothing to count (unknown, used, expired, spent, or the code was right)."""
    bind()
    v = VerificationItem
    try:
        v(_code_key(proof.verification_id)).update(
            actions=[v.attempts.add(1)],
            condition=v.key.exists() & (v.code_hash != proof.code_hash)
            & v.used_by.does_not_exist() & (v.attempts < MAX_ATTEMPTS)
            & (v.valid_until > utc_key(now)))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _to_verification(item: VerificationItem) -> Verification:
    return Verification(id=item.key.removeprefix("code#"), phone=item.phone or "",
                        code_hash=item.code_hash or "", created_at=parse(item.created_at),
                        valid_until=from_utc_key(item.valid_until),
                        attempts=int(item.attempts or 0), used_by=item.used_by or "")
