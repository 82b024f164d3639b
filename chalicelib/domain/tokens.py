"""Signed customer links: a token bound to one booking or order, that expires.

Every failure (missing, tampered, expired, another record's) gets the same
403: a probe learns nothing about the record.
"""
from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..i18n import _
from .errors import Forbidden

MANAGE_SALT = "booking-manage"
TOKEN_MAX_AGE = 120 * 24 * 3600  # a booking link works for 120 days
APPROVAL_SALT = "order-approval"
APPROVAL_MAX_AGE = 14 * 24 * 3600   # an approval link works for 14 days
ORDER_SALT = "order-status"
ORDER_MAX_AGE = 180 * 24 * 3600     # the customer's order link (progress, report, survey)


def _denied() -> Forbidden:
    return Forbidden(_("This link is not valid. Please use the link from your SMS."),
                     code="invalid_token")


def _sign(secret: str, salt: str, value: Any) -> str:
    return URLSafeTimedSerializer(secret, salt=salt).dumps(value)


def _loads(secret: str, salt: str, token: str | None, *, max_len: int, max_age: int) -> Any:
    """The signed value, or the one Forbidden for every failure."""
    if not token or not isinstance(token, str) or len(token) > max_len:
        raise _denied()
    try:
        return URLSafeTimedSerializer(secret, salt=salt).loads(token, max_age=max_age)
    except BadSignature as exc:  # SignatureExpired is a BadSignature
        raise _denied() from exc


def sign_booking(secret: str, booking_id: str) -> str:
    return _sign(secret, MANAGE_SALT, booking_id)


def check_booking_token(secret: str, booking_id: str, token: str | None,
                        *, max_age: int = TOKEN_MAX_AGE) -> None:
    """Raise Forbidden unless ``token`` was signed for ``booking_id`` and is still valid."""
    if _loads(secret, MANAGE_SALT, token, max_len=200, max_age=max_age) != booking_id:
        raise _denied()


def sign_approval(secret: str, order_id: str, request_id: str) -> str:
    return _sign(secret, APPROVAL_SALT, [order_id, request_id])


def check_approval_token(secret: str, order_id: str, token: str | None,
                         *, max_age: int = APPROVAL_MAX_AGE) -> str:
    """The approval request a link was signed for; Forbidden, always the same, otherwise."""
    value = _loads(secret, APPROVAL_SALT, token, max_len=300, max_age=max_age)
    if not (isinstance(value, list) and len(value) == 2 and value[0] == order_id):
        raise _denied()
    return str(value[1])


def sign_order(secret: str, order_id: str) -> str:
    return _sign(secret, ORDER_SALT, order_id)


def check_order_token(secret: str, order_id: str, token: str | None,
                      *, max_age: int = ORDER_MAX_AGE) -> None:
    """Forbidden, always the same, unless ``token`` was signed for this order and is valid."""
    if _loads(secret, ORDER_SALT, token, max_len=200, max_age=max_age) != order_id:
        raise _denied()


INVITATION_SALT = "care-invitation"
INVITATION_MAX_AGE = 90 * 24 * 3600   # a care invitation's personal link (issue 15)


def sign_invitation(secret: str, invitation_id: str) -> str:
    return _sign(secret, INVITATION_SALT, invitation_id)


def check_invitation_token(secret: str, invitation_id: str, token: str | None,
                           *, max_age: int = INVITATION_MAX_AGE) -> None:
    """Forbidden, always the same, unless ``token`` was signed for this invitation."""
    if _loads(secret, INVITATION_SALT, token, max_len=200, max_age=max_age) != invitation_id:
        raise _denied()


def invitation_denied() -> Forbidden:
    """The same 403 for an invitation link past the day it books until (issue 15: INVITE)."""
    return _denied()
