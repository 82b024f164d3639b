"""The table definitions, read off the PynamoDB models: the one schema.

``db.create_tables()`` (local stack and tests) and the deployment
(``infra/cdk``) both build their tables from ``table_definitions()``, so a key,
an index or a TTL attribute exists in one place: the model class.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .models import MODELS


@dataclass(frozen=True)
class Key:
    name: str
    type: str          # "S", "N" or "B"


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    partition_key: Key
    sort_key: Key | None
    projection: str    # "ALL", "KEYS_ONLY" or "INCLUDE"


@dataclass(frozen=True)
class TableDefinition:
    base_name: str                 # "bookings": the deployed name is <prefix><base_name>
    partition_key: Key
    sort_key: Key | None
    indexes: tuple[IndexDefinition, ...]
    ttl_attribute: str | None      # items expire by this epoch-seconds attribute
    stream_view_type: str | None = None   # a DynamoDB stream of its changes (outbox: NEW_IMAGE)

    def table_name(self, prefix: str) -> str:
        return f"{prefix}{self.base_name}"

    def create_table_request(self, table_name: str) -> dict[str, Any]:
        """DynamoDB CreateTable arguments (on-demand billing, as deployed)."""
        keys = [self.partition_key, self.sort_key]
        for index in self.indexes:
            keys += [index.partition_key, index.sort_key]
        types: dict[str, str] = {}
        for key in keys:
            if key is not None:
                types[key.name] = key.type
        request: dict[str, Any] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t}
                                     for n, t in sorted(types.items())],
            "KeySchema": _key_schema(self.partition_key, self.sort_key),
        }
        if self.indexes:
            request["GlobalSecondaryIndexes"] = [
                {"IndexName": i.name, "KeySchema": _key_schema(i.partition_key, i.sort_key),
                 "Projection": {"ProjectionType": i.projection}}
                for i in self.indexes]
        if self.stream_view_type:
            request["StreamSpecification"] = {"StreamEnabled": True,
                                              "StreamViewType": self.stream_view_type}
        return request


def _key_schema(partition: Key, sort: Key | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": partition.name, "KeyType": "HASH"}]
    if sort is not None:
        schema.append({"AttributeName": sort.name, "KeyType": "RANGE"})
    return schema


def _keys(key_schema: list[dict], types: dict[str, str]) -> tuple[Key, Key | None]:
    by_type = {k["KeyType"]: k["AttributeName"] for k in key_schema}
    partition = Key(by_type["HASH"], types[by_type["HASH"]])
    sort = Key(by_type["RANGE"], types[by_type["RANGE"]]) if "RANGE" in by_type else None
    return partition, sort


def definition_of(model) -> TableDefinition:
    """One model's table, from PynamoDB's own schema of it."""
    schema = model._get_schema()
    if schema["local_secondary_indexes"]:
        raise ValueError(f"{model.__name__}: local secondary indexes are not deployed")
    types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
    partition, sort = _keys(schema["key_schema"], types)
    indexes = []
    for index in sorted(schema["global_secondary_indexes"], key=lambda i: i["index_name"]):
        i_partition, i_sort = _keys(index["key_schema"], types)
        indexes.append(IndexDefinition(index["index_name"], i_partition, i_sort,
                                       index["projection"]["ProjectionType"]))
    ttl = model._ttl_attribute()
    return TableDefinition(base_name=model.Meta.base_name, partition_key=partition,
                           sort_key=sort, indexes=tuple(indexes),
                           ttl_attribute=ttl.attr_name if ttl is not None else None,
                           stream_view_type=getattr(model.Meta, "stream_view_type", None))


@lru_cache(maxsize=1)
def table_definitions() -> tuple[TableDefinition, ...]:
    """Every table of the system, in the order of ``MODELS``."""
    return tuple(definition_of(model) for model in MODELS)
