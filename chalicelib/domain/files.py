"""Uploaded files: photos (straight to S3 by presigned URL) and signature images."""
from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..i18n import Message, _
from .errors import FieldErrors, ValidationError
from .validation import REQUIRED

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024        # a phone photo, resized by the portal when larger
MAX_SIGNATURE_BYTES = 300 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
# exactly what plan_upload makes: ASCII digits, no trailing newline, nothing after
UPLOAD_KEY = re.compile(r"uploads/[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9a-f]{32}\.(?:jpg|png|webp)")


NOT_A_PHOTO = _("not an uploaded photo")


def photo_list_problem(limit: int) -> Message:
    return _("a list of at most %(count)s uploaded photos", count=limit)


def photo_key_ok(key: Any) -> bool:
    """A key of an uploaded photo, as handed out by ``plan_upload``."""
    return isinstance(key, str) and UPLOAD_KEY.fullmatch(key) is not None


@dataclass(frozen=True)
class UploadRequest:
    key: str
    content_type: str
    size: int


def plan_upload(body: Any, today: date) -> UploadRequest:
    """Where a photo goes; refuses types and sizes the store does not keep."""
    errors = FieldErrors()
    if not isinstance(body, dict):
        raise ValidationError(_("Say what you upload"), fields={"content_type": REQUIRED})
    content_type = body.get("content_type")
    if not isinstance(content_type, str) or content_type not in PHOTO_TYPES:
        errors.add("content_type", _("photos only: %(types)s", types=", ".join(PHOTO_TYPES)))
    size = body.get("size")
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        errors.add("size", _("required: the file size in bytes"))
    elif size > MAX_PHOTO_BYTES:
        errors.add("size", _("at most %(size)s MB", size=MAX_PHOTO_BYTES // (1024 * 1024)))
    errors.raise_if_any(_("This file cannot be uploaded"))
    key = f"uploads/{today.isoformat()}/{secrets.token_hex(16)}.{PHOTO_TYPES[content_type]}"
    return UploadRequest(key=key, content_type=content_type, size=size)


def decode_signature(errors: FieldErrors, field: str, raw: Any, *, required: bool = True) -> bytes | None:
    """A canvas signature sent as ``data:image/png;base64,...``: the PNG bytes."""
    if raw in (None, ""):
        if required:
            errors.add(field, _("a signature is required: sign in the box"))
        return None
    if not isinstance(raw, str) or not raw.startswith(DATA_URL_PREFIX):
        errors.add(field, _("must be a PNG image (data:image/png;base64,...)"))
        return None
    if len(raw) > MAX_SIGNATURE_BYTES * 4 // 3 + 100:
        errors.add(field, _("at most %(size)s KB", size=MAX_SIGNATURE_BYTES // 1024))
        return None
    try:
        data = base64.b64decode(raw[len(DATA_URL_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        errors.add(field, _("not valid base64"))
        return None
    if not data.startswith(PNG_MAGIC) or len(data) < 100:
        errors.add(field, _("not a PNG image, or empty"))
        return None
    return data
