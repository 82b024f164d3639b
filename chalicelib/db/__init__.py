"""All DynamoDB access lives in this package."""
from __future__ import annotations

import boto3
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist

from ..config import get_config
from .models import MODELS
from .schema import table_definitions

_bound: tuple[str, str] | None = None
_connection: Connection | None = None


def bind() -> None:
    """Point every model at this deployment's tables (idempotent, cheap)."""
    global _bound, _connection
    cfg = get_config()
    key = (cfg.table_prefix, cfg.region)
    if _bound == key:
        return
    for model in MODELS:
        model.Meta.table_name = cfg.table_name(model.Meta.base_name)
        model.Meta.region = cfg.region
        model._connection = None
    _connection = None
    _bound = key


def unbind() -> None:
    """Forget the binding (tests switch endpoints between cases)."""
    global _bound, _connection
    _bound = None
    _connection = None
    for model in MODELS:
        model._connection = None


def connection() -> Connection:
    """Connection used for transactions."""
    global _connection
    bind()
    if _connection is None:
        _connection = Connection(region=get_config().region)
    return _connection


MAX_KEY_BYTES = 2048   # DynamoDB refuses (ValidationException) a longer partition key


def get_item(model, key: str, convert):
    """One item by its key, read strongly consistent and converted; None when there is none
    (also for a key no item can have: empty or too long, e.g. an id typed into a URL)."""
    if not key or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        return None
    bind()
    try:
        item = model.get(key, consistent_read=True)
    except DoesNotExist:
        return None
    return convert(item)


def create_tables() -> list[str]:
    """Create any missing table (local stack and tests; AWS gets them from infra/cdk).

    Both build the tables from ``schema.table_definitions()``.
    """
    bind()
    cfg = get_config()
    client = boto3.client("dynamodb", region_name=cfg.region, endpoint_url=cfg.endpoint_url or None)
    existing = set()
    for page in client.get_paginator("list_tables").paginate():
        existing.update(page["TableNames"])
    created = []
    for definition in table_definitions():
        name = definition.table_name(cfg.table_prefix)
        if name in existing:
            continue
        client.create_table(**definition.create_table_request(name))
        client.get_waiter("table_exists").wait(TableName=name)
        if definition.ttl_attribute:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": definition.ttl_attribute})
        created.append(name)
    return created
