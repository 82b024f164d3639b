"""Signed customer links: a token bound to one booking, that expires."""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

from .errors import Forbidden

MANAGE_SALT = "booking-manage"
TOKEN_MAX_AGE = 120 * 24 * 3600  # a booking link works for 120 days


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=MANAGE_SALT)


def sign_booking(secret: str, booking_id: str) -> str:
    return _serializer(secret).dumps(booking_id)


def check_booking_token(secret: str, booking_id: str, token: str | None,
                        *, max_age: int = TOKEN_MAX_AGE) -> None:
    """Raise Forbidden unless ``token`` was signed for ``booking_id`` and is still valid.

    The same answer for every failure: a probe learns nothing about the booking.
    """
    denied = Forbidden("This link is not valid. Please use the link from your SMS.",
                       code="invalid_token")
    if not token or not isinstance(token, str) or len(token) > 200:
        raise denied
    try:
        value = _serializer(secret).loads(token, max_age=max_age)
    except BadSignature as exc:  # SignatureExpired is a BadSignature
        raise denied from exc
    if value != booking_id:
        raise denied


APPROVAL_SALT = "order-approval"
APPROVAL_MAX_AGE = 14 * 24 * 3600   # an approval link works for 14 days


def sign_approval(secret: str, order_id: str, request_id: str) -> str:
    return URLSafeTimedSerializer(secret, salt=APPROVAL_SALT).dumps([order_id, request_id])


def check_approval_token(secret: str, order_id: str, token: str | None,
                         *, max_age: int = APPROVAL_MAX_AGE) -> str:
    """The approval request a link was signed for; Forbidden, always the same, otherwise."""
    denied = Forbidden("This link is not valid. Please use the link from your SMS.",
                       code="invalid_token")
    if not token or not isinstance(token, str) or len(token) > 300:
        raise denied
    try:
        value = URLSafeTimedSerializer(secret, salt=APPROVAL_SALT).loads(token, max_age=max_age)
    except BadSignature as exc:
        raise denied from exc
    if not (isinstance(value, list) and len(value) == 2 and value[0] == order_id):
        raise denied
    return str(value[1])


ORDER_SALT = "order-status"
ORDER_MAX_AGE = 180 * 24 * 3600     # the customer's order link (progress, report, survey)


def sign_order(secret: str, order_id: str) -> str:
    return URLSafeTimedSerializer(secret, salt=ORDER_SALT).dumps(order_id)


def check_order_token(secret: str, order_id: str, token: str | None,
                      *, max_age: int = ORDER_MAX_AGE) -> None:
    """Forbidden, always the same, unless ``token`` was signed for this order and is valid."""
    denied = Forbidden("This link is not valid. Please use the link from your SMS.",
                       code="invalid_token")
    if not token or not isinstance(token, str) or len(token) > 200:
        raise denied
    try:
        value = URLSafeTimedSerializer(secret, salt=ORDER_SALT).loads(token, max_age=max_age)
    except BadSignature as exc:
        raise denied from exc
    if value != order_id:
        raise denied
