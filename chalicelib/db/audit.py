"""Audit entries (操作记录), written inside the transaction of the change they record."""
from __future__ import annotations

import secrets
import time

from ..domain.audit import AuditEntry
from . import bind
from .models import AuditItem
from .timefmt import parse, utc_key


def to_item(entry: AuditEntry) -> AuditItem:
    # time, then this process's monotonic clock (orders entries of the same microsecond),
    # then a random tail (unique across processes)
    seq = f"{utc_key(entry.at)}#{time.monotonic_ns():020d}#{secrets.token_hex(3)}"
    return AuditItem(entry.subject, seq,
                     at=entry.at.isoformat(), actor=entry.actor, action=entry.action,
                     changes=entry.changes, names=entry.names or None)


def to_entry(item: AuditItem) -> AuditEntry:
    return AuditEntry(subject=item.subject, at=parse(item.at), actor=item.actor,
                      action=item.action, changes=dict(item.changes or {}),
                      names=dict(item.names or {}))


def history(subject: str, limit: int = 200) -> list[AuditEntry]:
    """A record's changes, newest first: one query."""
    bind()
    return [to_entry(i) for i in AuditItem.query(subject, scan_index_forward=False, limit=limit)]
