"""moto's DynamoDB, made to cost what DynamoDB's own requests cost (the local stack only).

A year of data showed three costs in moto that grow with every item a table holds, where
DynamoDB's do not (``tests/bench_yeardata.py``):

- a ``TransactWriteItems`` deep-copies every table it touches before it starts (to restore
  them if it fails): a booking copied the whole search, outbox and audit tables;
- a ``Query`` on a table sorts every item of the table, then keeps its partition's;
- a ``Query`` on a global secondary index reads every item of the table to find those with
  the index's key, and sorts them all before applying the sort key's condition.

``install()`` replaces them with what DynamoDB does by design: the transaction keeps a copy
of only the items it writes, and restores those (and the table's stream) if it fails; a
table query reads its partition; an index query reads the items filed under its key, from a
lookup kept as items are written (built on the first query of the index, checked item by
item as it is read, so an item whose key changed is never returned under the old one); both
keep the items within the sort key's condition before moto sorts them, and an index query
with a limit the first page of them.
What a query answers is still decided by moto's own code, over those items. Applied by
``MotoServer`` (local stack, end-to-end tests, bench); the API tests' in-process
``mock_aws()`` keeps moto as it is.
"""
from __future__ import annotations

from copy import deepcopy
import logging
from typing import Any

import moto
from moto.dynamodb.comparisons import get_filter_expression as filter_expression
from moto.dynamodb.exceptions import (ConditionalCheckFailed, MockValidationException,
                                      MultipleTransactionsException,
                                      TooManyTransactionsException, TransactionCanceledException,
                                      TransactWriteSingleOpException)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

log = logging.getLogger(__name__)
WRITTEN_FOR = "5.2.5"      # the moto release this module was written against (requirements-dev)
_installed = False


def install() -> bool:
    """Patch moto's DynamoDB (idempotent). Returns False, and leaves moto as it is, when the
    installed moto is not the release this was written for."""
    global _installed
    if _installed:
        return True
    if moto.__version__ != WRITTEN_FOR:
        log.warning("moto %s, not %s: its DynamoDB costs are left as they are",
                    moto.__version__, WRITTEN_FOR)
        return False
    DynamoDBBackend.transact_write_items = transact_write_items
    _orig["update_item"] = DynamoDBBackend.update_item
    DynamoDBBackend.update_item = _update_item
    _orig["put_item"] = Table.put_item
    Table.put_item = _put_item
    _orig["delete_item"] = Table.delete_item
    Table.delete_item = _delete_item
    _orig["query"] = Table.query
    Table.query = _query
    _orig["all_items"] = Table.all_items
    Table.all_items = _all_items
    _installed = True
    return True


_orig: dict[str, Any] = {}


# ---- queries ---------------------------------------------------------------------------------

def _all_items(self: Table) -> list[Item]:
    only = self.__dict__.get("_only")
    return only if only is not None else _orig["all_items"](self)


def _query(self: Table, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
           scan_index_forward, projection_expressions, index_name=None, consistent_read=False,
           filter_expression=None, hash_key_conditions=None, range_key_conditions=None,
           **filter_kwargs):
    only = _candidates(self, hash_key, index_name, hash_key_conditions)
    if only is not None and range_comparison and len(range_key_conditions or ()) <= 1:
        only = _in_range(self, only, index_name, range_comparison, range_objs)
    if only is not None and index_name and limit and exclusive_start_key is None \
            and not filter_kwargs:
        only = _first_page(self, only, index_name, limit, scan_index_forward is not False)
    if only is not None:
        self._only = only
    try:
        return _orig["query"](self, hash_key, range_comparison, range_objs, limit,
                              exclusive_start_key, scan_index_forward, projection_expressions,
                              index_name, consistent_read, filter_expression,
                              hash_key_conditions=hash_key_conditions,
                              range_key_conditions=range_key_conditions, **filter_kwargs)
    finally:
        self.__dict__.pop("_only", None)


def _candidates(table: Table, hash_key, index_name, hash_key_conditions) -> list[Item] | None:
    """The items a query may return (a superset moto then filters), or None: all of them."""
    if not index_name:
        if hash_key is None:
            return None
        part = table.items.get(hash_key)
        if part is None:
            return []
        return list(part.values()) if table.range_key_attr else [part]
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    if index is None or index not in (table.global_indexes or []):
        return None
    hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    conditions = dict(hash_key_conditions or ())
    if len(hashes) != 1 or hashes[0] not in conditions:
        return None
    name, value = hashes[0], conditions[hashes[0]]
    filed = _lookup(table).setdefault(index_name, {}).get(value)
    if not filed:
        return []
    found = []
    kind, raw = value.type, value.value
    for key, item in list(filed.items()):
        held = item.attrs.get(name)      # the item as stored now (deletes unfile it)
        if held is not None and held.value == raw and held.type == kind:
            found.append(item)
        else:                    # its key changed: no longer under this one
            del filed[key]
    return found


def _in_range(table: Table, items: list[Item], index_name, comparison, objs) -> list[Item]:
    """The items whose sort key meets the key condition (moto's own comparison, which its
    query applies again): the items a DynamoDB query reads, before moto sorts them."""
    if not index_name:
        return [i for i in items if i.range_key is not None and i.range_key.compare(comparison, objs)]
    index = table.get_index(index_name)
    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    if len(ranges) != 1:
        return items
    kept = []
    for item in items:
        value = item.attrs.get(ranges[0])
        if value is not None and value.compare(comparison, objs):
            kept.append(item)
    return kept


def _first_page(table: Table, items: list[Item], index_name, limit: int,
                forward: bool) -> list[Item]:
    """The first ``limit`` items in the index's order and the next one (so moto still says
    there is more), with every item tied with the last: what a DynamoDB query with a limit
    reads, before moto sorts them (its sort costs most of an index query)."""
    if len(items) <= limit + 1:
        return items
    index = table.get_index(index_name)
    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    if len(ranges) != 1:
        return items
    name = ranges[0]
    present = [i for i in items if i.attrs.get(name) is not None]
    if len(present) <= limit + 1 or len({i.attrs[name].type for i in present}) != 1:
        return items

    def key(item: Item):
        return item.attrs[name].cast_value

    ordered = sorted(present, key=key, reverse=not forward)
    edge = key(ordered[limit])
    return [i for i in ordered if (key(i) <= edge if forward else key(i) >= edge)]


def _lookup(table: Table) -> dict[str, dict[DynamoType, dict]]:
    """index name -> index hash key value -> {(hash, range) of the items filed under it}."""
    lookup = table.__dict__.get("_fast_index")
    if lookup is None:
        lookup = table._fast_index = {}
        for item in _orig["all_items"](table):
            _file(table, item, lookup)
    return lookup


def _file(table: Table, item: Item | None, lookup=None) -> None:
    if item is None:
        return
    lookup = lookup if lookup is not None else table.__dict__.get("_fast_index")
    if lookup is None:           # no index query yet: built from the items when there is
        return
    for index in table.global_indexes or []:
        for key in index.schema:
            if key["KeyType"] == "HASH":
                value = item.attrs.get(key["AttributeName"])
                if value is not None:
                    lookup.setdefault(index.name, {}).setdefault(value, {})[
                        (item.hash_key, item.range_key)] = item


def _unfile(table: Table, item: Item | None) -> None:
    lookup = table.__dict__.get("_fast_index")
    if item is None or lookup is None:
        return
    for index in table.global_indexes or []:
        for key in index.schema:
            if key["KeyType"] == "HASH":
                value = item.attrs.get(key["AttributeName"])
                filed = lookup.get(index.name, {}).get(value) if value is not None else None
                if filed is not None:
                    filed.pop((item.hash_key, item.range_key), None)


def _get(table: Table, key) -> Item | None:
    hash_key, range_key = key
    part = table.items.get(hash_key)
    if part is None:
        return None
    return part.get(range_key) if table.range_key_attr else part


# ---- writes keep the lookup ----------------------------------------------------------------

def _put_item(self: Table, item_attrs, *args, **kwargs) -> Item:
    replaced = None
    if "_fast_index" in self.__dict__ and self.hash_key_attr in item_attrs:
        range_key = (DynamoType(item_attrs[self.range_key_attr])
                     if self.range_key_attr and self.range_key_attr in item_attrs else None)
        replaced = _get(self, (DynamoType(item_attrs[self.hash_key_attr]), range_key))
    item = _orig["put_item"](self, item_attrs, *args, **kwargs)
    _unfile(self, replaced)
    _file(self, item)
    return item


def _delete_item(self: Table, hash_key, range_key=None) -> Item | None:
    item = _orig["delete_item"](self, hash_key, range_key)
    _unfile(self, item)
    return item


def _update_item(self: DynamoDBBackend, table_name: str, *args, **kwargs) -> Item:
    item = _orig["update_item"](self, table_name, *args, **kwargs)
    _file(self.get_table(table_name), item)
    return item


# ---- transactions: an undo log of the items written, not a copy of the tables ----------------

def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto 5.2.5's own, but for what it keeps to roll back: the items the transaction names,
    as they were, and where each touched table's stream stood."""
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo = _undo_log(self, transact_items)

    def roll_back() -> None:
        for table, key, before in reversed(undo["items"]):
            _restore(table, key, before)
        for table, length in undo["streams"]:
            del table.stream_shard.items[length:]

    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list = []
    for item in transact_items:
        original_item = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            on_failure = op.get("ReturnValuesOnConditionCheckFailure")
            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            check_unicity(table_name, key)
            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition_op = filter_expression(condition_expression, names, values)
                if not condition_op.expr(current):
                    if on_failure == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            if op_type == "Put":
                self.put_item(table_name, op["Item"], condition_expression=condition_expression,
                              expression_attribute_names=names,
                              expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(table_name, key, condition_expression=condition_expression,
                                 expression_attribute_names=names,
                                 expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(table_name, key, update_expression=op["UpdateExpression"],
                                 condition_expression=condition_expression,
                                 expression_attribute_names=names,
                                 expression_attribute_values=values)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            roll_back()
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:  # noqa: BLE001 (moto's own: reported as the item's reason)
            errors.append((type(e).__name__, str(e), original_item))
    if any(code is not None for code, _, _ in errors):
        roll_back()
        raise TransactionCanceledException(errors)


def _undo_log(backend: DynamoDBBackend, transact_items) -> dict[str, list]:
    items, streams, seen = [], [], set()
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            if op_type == "Put":
                attrs = op["Item"]
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            hash_key, range_key = backend.get_keys_value(table, key)
        except Exception:  # noqa: BLE001 - a malformed entry: moto reports it in the loop
            continue
        if (id(table), hash_key, range_key) in seen:
            continue
        seen.add((id(table), hash_key, range_key))
        items.append((table, (hash_key, range_key), deepcopy(_get(table, (hash_key, range_key)))))
        if table.stream_shard is not None and all(t is not table for t, _ in streams):
            streams.append((table, len(table.stream_shard.items)))
    return {"items": items, "streams": streams}


def _restore(table: Table, key, before: Item | None) -> None:
    hash_key, range_key = key
    _unfile(table, _get(table, key))          # what the failed transaction wrote
    if before is None:
        part = table.items.get(hash_key)
        if part is not None:
            if table.range_key_attr:
                part.pop(range_key, None)
            else:
                table.items.pop(hash_key, None)
        return
    if table.range_key_attr:
        table.items[hash_key][range_key] = before
    else:
        table.items[hash_key] = before
    _file(table, before)
