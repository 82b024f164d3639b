"""How times are written to DynamoDB."""
from __future__ import annotations

from datetime import datetime, timezone


def utc_key(moment: datetime) -> str:
    """Sortable UTC text for index range keys: 2026-12-01T01:00:00.000000Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_utc_key(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)
