"""Lists that only grow (a complaint's events, a job's clock events), kept apart from their record.

A record item may not pass DynamoDB's 400 KB, so such a list is not stored inside
it: each entry is an item of its own (see ``db.records``), written in the
transaction that changes the record. The record keeps the list's length and
whatever its rules need (a job's state and clocked minutes, for instance).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

E = TypeVar("E")


@dataclass(frozen=True)
class Trail(Generic[E]):
    """A growing list, as far as it is known here.

    ``known`` is its tail: the whole list once read with the record's events, otherwise
    only the entries added since the record was read. ``count`` is the length of the
    whole list, ``saved`` how many of its entries are stored.
    """
    known: tuple[Any, ...] = ()
    count: int = 0
    saved: int = 0

    def add(self, entry: E) -> "Trail[E]":
        return replace(self, known=self.known + (entry,), count=self.count + 1)

    @property
    def unsaved(self) -> tuple[Any, ...]:
        """The entries still to store, in order (the ``saved``-th entry first)."""
        missing = self.count - self.saved
        return self.known[len(self.known) - missing:] if missing > 0 else ()

    @classmethod
    def stored(cls, count: int) -> "Trail[E]":
        """The trail of a record read without its events: ``count`` entries, all stored."""
        return cls(count=count, saved=count)

    @classmethod
    def unstored(cls, entries: tuple[Any, ...]) -> "Trail[E]":
        """Entries not stored apart yet (a record written before the list moved out of it):
        stored on the record's next change."""
        return cls(known=tuple(entries), count=len(entries), saved=0)
