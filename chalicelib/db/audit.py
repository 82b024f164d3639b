"""Audit entries (操作记录), written inside the transaction of the change they record."""
from __future__ import annotations

import secrets

from ..domain.audit import AuditEntry
from . import bind
from .models import AuditItem
from .timefmt import parse, utc_key


def to_item(entry: AuditEntry) -> AuditItem:
    return AuditItem(entry.subject, f"{utc_key(entry.at)}#{secrets.token_hex(4)}",
                     at=entry.at.isoformat(), actor=entry.actor, action=entry.action,
                     changes=entry.changes)


def to_entry(item: AuditItem) -> AuditEntry:
    return AuditEntry(subject=item.subject, at=parse(item.at), actor=item.actor,
                      action=item.action, changes=dict(item.changes or {}))


def history(subject: str, limit: int = 200) -> list[AuditEntry]:
    """A record's changes, newest first: one query."""
    bind()
    return [to_entry(i) for i in AuditItem.query(subject, scan_index_forward=False, limit=limit)]
