"""The price book's storage (价格本): entries, their search keys, and the catalogue items
(``service#CODE`` of the store's partition) each package is materialized into.

- An entry is one item in the partition of its kind ("op", "part", "package"), keyed by its
  code, with a version checked on write (a stale editor gets 409).
- A change of an entry, its audit entry and the catalogue items of the packages that contain
  it are written in ONE transaction: the booking path (one cached Query of the store's
  partition) always reads packages with their current lines.
- Search keys are derived: rewritten after the transaction (batch writes), old keys the entry
  gave up deleted. A search is one Query on ``s#<first character>`` with begins_with.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterable, Iterator

from pynamodb.exceptions import DoesNotExist

from ..domain import pricebook as pb
from ..domain.audit import AuditEntry
from ..domain.errors import Conflict
from ..domain.store import Service
from ..i18n import _
from . import bind
from . import tx as txn
from .audit import to_item as audit_item
from .models import PricebookItem, StoreItem
from .store import SERVICE_PREFIX

SEARCH = "s#"
SEARCH_PAGE = 40            # key items read by one search (several may name one entry)
TX_MAX = 100                # DynamoDB's limit of items in one transaction
BATCH = 25                  # ... and of one BatchWriteItem
WRITERS = 8                 # batch writes of search keys in flight at once

Entry = pb.Operation | pb.Part | pb.Package
_CLASSES = {pb.OPERATION: pb.Operation, pb.PART: pb.Part, pb.PACKAGE: pb.Package}
CHANGED = _("Someone else changed this entry meanwhile; reload it and try again")


def kind_of(entry: Entry) -> str:
    if isinstance(entry, pb.Operation):
        return pb.OPERATION
    return pb.PART if isinstance(entry, pb.Part) else pb.PACKAGE


def _entry(kind: str, item: PricebookItem) -> Entry:
    return _CLASSES[kind].from_dict(item.data, version=int(item.version or 0))


def get(kind: str, code: str) -> Entry | None:
    if not code or len(code) > 60:
        return None
    bind()
    try:
        return _entry(kind, PricebookItem.get(kind, code, consistent_read=True))
    except DoesNotExist:
        return None


def entries(kind: str, *, limit: int | None = None, after: str | None = None
            ) -> tuple[list[Entry], str | None]:
    """The entries of a kind in code order, a page at a time (a Query, never a Scan);
    the code to continue after, or None at the end."""
    bind()
    kwargs: dict[str, Any] = {}
    if after:
        kwargs["last_evaluated_key"] = {"pk": {"S": kind}, "sk": {"S": after}}
    result = PricebookItem.query(kind, limit=limit, **kwargs)
    found = [_entry(kind, item) for item in result]
    more = result.last_evaluated_key if limit else None
    return found, (more["sk"]["S"] if more else None)


def many(kind: str, codes: Iterable[str]) -> dict[str, Entry]:
    """Entries by code (BatchGet); codes not in the book are left out."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    bind()
    return {item.sk: _entry(kind, item)
            for item in PricebookItem.batch_get([(kind, c) for c in codes])}


def search(text: str, limit: int = 12) -> list[dict[str, Any]]:
    """The entries whose code, name, initials or English word starts with ``text`` (already
    ``pb.search_query``): ONE Query."""
    bind()
    hits: dict[str, dict[str, Any]] = {}
    for item in PricebookItem.query(SEARCH + text[0], PricebookItem.sk.startswith(text),
                                    limit=SEARCH_PAGE):
        ref = item.sk.split("#", 1)[1]          # "<kind>#<code>"
        hits.setdefault(ref, item.data)
        if len(hits) >= limit:
            break
    return list(hits.values())


# ---- writing -------------------------------------------------------------------------

def _catalogue_item(store_id: str, service: Service) -> StoreItem:
    return StoreItem(store_id, SERVICE_PREFIX + service.code, data=service.to_dict())


def _put_entry(tx: txn.Tx, entry: Entry) -> None:
    kind = kind_of(entry)
    new_version = (entry.version or 0) + 1
    item = PricebookItem(kind, entry.code, data=entry.to_dict(), version=new_version)
    condition = (PricebookItem.sk.does_not_exist() if not entry.version
                 else PricebookItem.version == entry.version)
    tx.save(f"{kind}:{entry.code}", item, condition)


def save(entries_: list[Entry], *, audit: list[AuditEntry], store_id: str,
         services: list[Service]) -> None:
    """Write entries (each at the version it was read at; 0/None: must be new), their audit
    entries and the catalogue items of the packages they change, in one transaction.
    409 ``pricebook_changed`` when someone wrote one of them first."""
    def build(tx: txn.Tx) -> None:
        for entry in entries_:
            _put_entry(tx, entry)
        for a in audit:
            tx.save(f"audit:{a.subject}", audit_item(a))
        for service in services:
            tx.save(f"service:{service.code}", _catalogue_item(store_id, service))
    bind()
    try:
        txn.commit(build)
    except txn.Cancelled as exc:
        raise Conflict(CHANGED, code="pricebook_changed") from exc


def save_bulk(entries_: list[Entry], *, audit: list[AuditEntry], store_id: str,
              services: list[Service]) -> None:
    """An import: entries with their audit entries in transactions of at most 100 items (an
    entry and its audit entry always in the same one); then the packages' catalogue items."""
    audits: dict[str, list[AuditEntry]] = {}
    for a in audit:
        audits.setdefault(a.subject, []).append(a)
    chunk: list[Entry] = []
    chunk_audit: list[AuditEntry] = []
    for entry in entries_:
        mine = audits.get(f"pricebook#{kind_of(entry)}:{entry.code}", [])
        if len(chunk) + len(chunk_audit) + 1 + len(mine) > TX_MAX:
            save(chunk, audit=chunk_audit, store_id=store_id, services=[])
            chunk, chunk_audit = [], []
        chunk.append(entry)
        chunk_audit.extend(mine)
    if chunk:
        save(chunk, audit=chunk_audit, store_id=store_id, services=[])
    if services:
        for start in range(0, len(services), TX_MAX):
            save([], audit=[], store_id=store_id, services=services[start:start + TX_MAX])


def _key_items(entry: pb.Operation | pb.Part) -> dict[str, PricebookItem]:
    kind = kind_of(entry)
    shown = pb.hit_view(kind, entry)
    items = {}
    for text in pb.search_texts(entry.code, entry.name, entry.name_en):
        sk = f"{text}#{kind}#{entry.code}"
        items[sk] = PricebookItem(SEARCH + text[0], sk, data=shown)
    return items


def _write_keys(chunk: list[tuple[bool, PricebookItem]]) -> None:
    with PricebookItem.batch_write() as batch:
        for put, item in chunk:
            if put:
                batch.save(item)
            else:
                batch.delete(item)


def write_search_keys(changes: list[tuple[Entry | None, Entry]]) -> None:
    """Each changed operation's or part's search keys, rewritten (they carry its price), and
    the keys it gave up (a renamed entry) deleted: batches of 25, several at a time (an import
    of 5000 parts writes some 60,000 keys)."""
    bind()
    writes: list[tuple[bool, PricebookItem]] = []
    for old, new in changes:
        if isinstance(new, pb.Package):
            continue
        fresh = _key_items(new)
        if old is not None and not isinstance(old, pb.Package):
            writes += [(False, item) for sk, item in _key_items(old).items() if sk not in fresh]
        writes += [(True, item) for item in fresh.values()]
    chunks = [writes[i:i + BATCH] for i in range(0, len(writes), BATCH)]
    if len(chunks) <= 1:
        for chunk in chunks:
            _write_keys(chunk)
        return
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(_write_keys, chunks))


def all_entries(kind: str) -> Iterator[Entry]:
    """Every entry of a kind (the export, the package editor): Query pages."""
    bind()
    for item in PricebookItem.query(kind):
        yield _entry(kind, item)


def has_packages() -> bool:
    """Whether the store has a price book yet (a store set up before it has none): 1 Query."""
    return bool(entries(pb.PACKAGE, limit=1)[0])


def seed(operations: list[pb.Operation], parts: list[pb.Part],
         packages: list[pb.Package]) -> None:
    """A new store's price book (infra.seed, the demo store): entries at version 1 and their
    search keys, overwriting. The catalogue items are written by ``store.save_store``."""
    bind()
    with PricebookItem.batch_write() as batch:
        for entry in [*operations, *parts, *packages]:
            batch.save(PricebookItem(kind_of(entry), entry.code, data=entry.to_dict(), version=1))
    write_search_keys([(None, e) for e in [*operations, *parts]])
