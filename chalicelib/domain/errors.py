"""Domain errors. The API layer maps each to a status and the error shape of API.md.

Every text in an error (its ``message`` and each ``fields`` value) is a ``_()`` message of
chalicelib.i18n: the API renders it in the language the request asks for."""
from __future__ import annotations

from typing import Any

from ..i18n import Message, _


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: Message, *, fields: dict[str, Message] | None = None,
                 code: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code
        self.extra = extra or {}

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries (e.g. Retry-After)."""
        return {}


class MalformedRequest(DomainError):
    """The request cannot be read at all (not JSON, not an object)."""
    status = 400
    code = "malformed_request"


class ValidationError(DomainError):
    """One or more field values are invalid; ``fields`` names each one."""
    status = 422
    code = "invalid_fields"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class SlotFull(Conflict):
    code = "slot_full"

    def __init__(self, message: Message, *, alternatives: list[str]):
        super().__init__(message, fields={"slot_start": _("no room left in this slot")},
                         extra={"alternatives": alternatives})
        self.alternatives = alternatives


class TooManyRequests(DomainError):
    """A limit per mobile number or per record was reached: try again in ``retry_after`` s."""
    status = 429
    code = "too_many_requests"

    def __init__(self, message: Message, *, retry_after: int,
                 fields: dict[str, Message] | None = None):
        super().__init__(message, fields=fields, extra={"retry_after": retry_after})
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class FieldErrors:
    """Collects field problems so a form learns everything wrong at once."""

    def __init__(self) -> None:
        self.fields: dict[str, Message] = {}

    def add(self, field: str, problem: Message) -> None:
        self.fields.setdefault(field, problem)

    def raise_if_any(self, message: Message = _("Please correct the marked fields")) -> None:
        if self.fields:
            raise ValidationError(message, fields=dict(self.fields))
