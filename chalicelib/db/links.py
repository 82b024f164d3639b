"""Short links for SMS (a few characters instead of a long signed URL)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from . import bind
from .models import LinkItem

_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class ShortLink:
    code: str
    target: str
    expires: datetime

    @classmethod
    def new(cls, target: str, expires: datetime) -> "ShortLink":
        # 56^8 ≈ 9.7e13 codes: not guessable in practice, and the target still
        # carries its own signed token.
        code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        return cls(code=code, target=target, expires=expires)

    def to_item(self) -> LinkItem:
        return LinkItem(self.code, target=self.target, expires=self.expires)


def resolve(code: str, now: datetime) -> str | None:
    bind()
    try:
        item = LinkItem.get(code)
    except LinkItem.DoesNotExist:
        return None
    if item.expires and item.expires <= now:
        return None
    return item.target
