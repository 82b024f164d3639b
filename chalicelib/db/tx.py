"""Transactions with named parts: a failed condition says which part failed."""
from __future__ import annotations

import random
import time
from typing import Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.errors import Conflict
from ..i18n import _
from . import connection

TRANSACTION_RETRIES = 6


class Cancelled(Exception):
    def __init__(self, failed: set[str]):
        super().__init__(", ".join(sorted(failed)))
        self.failed = failed


class Tx:
    """A TransactWrite that remembers a label for each operation.

    DynamoDB reports cancellation reasons in request order, and PynamoDB sends
    condition checks, then deletes, then puts, then updates: the labels are
    kept in that same order so a failed condition can be named.
    """

    def __init__(self, tw: TransactWrite):
        self.tw = tw
        self._labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def check(self, label: str, model_cls, hash_key, range_key=None, condition=None) -> None:
        """A ConditionCheck: the transaction holds only if ``condition`` is true of that item."""
        self.tw.condition_check(model_cls, hash_key, range_key=range_key, condition=condition)
        self._labels["check"].append(label)

    def save(self, label: str, model, condition=None) -> None:
        self.tw.save(model, condition=condition)
        self._labels["put"].append(label)

    def update(self, label: str, model, actions, condition=None) -> None:
        self.tw.update(model, actions=actions, condition=condition)
        self._labels["update"].append(label)

    def delete(self, label: str, model, condition=None) -> None:
        self.tw.delete(model, condition=condition)
        self._labels["delete"].append(label)

    @property
    def labels(self) -> list[str]:
        return (self._labels["check"] + self._labels["delete"] + self._labels["put"]
                + self._labels["update"])


def commit(build: Callable[[Tx], None]) -> None:
    """Run a transaction; retry on TransactionConflict; raise Cancelled naming failed parts."""
    for attempt in range(TRANSACTION_RETRIES):
        tx: Tx | None = None
        try:
            with TransactWrite(connection=connection()) as tw:
                tx = Tx(tw)
                build(tx)
            return
        except TransactWriteError as exc:
            labels = tx.labels if tx else []
            reasons = exc.cancellation_reasons or []
            codes = [(labels[i] if i < len(labels) else "?", r.code)
                     for i, r in enumerate(reasons) if r is not None]
            failed = {label for label, code in codes if code == "ConditionalCheckFailed"}
            if failed:
                raise Cancelled(failed) from exc
            if any(code == "TransactionConflict" for _label, code in codes) \
                    or exc.cause_response_code in ("TransactionConflictException",
                                                    "ThrottlingException"):
                time.sleep(random.uniform(0.01, 0.05) * (2 ** attempt))
                continue
            raise
    raise Conflict(BUSY, code="busy")


BUSY = _("Too many changes at once right now, please try again")
