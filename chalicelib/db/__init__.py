"""All DynamoDB access lives in this package."""
from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable

from pynamodb.connection import Connection
from pynamodb.connection.base import BOTOCORE_EXCEPTIONS
from pynamodb.constants import BATCH_GET_ITEM
from pynamodb.exceptions import DoesNotExist, GetError

from ..config import get_config
from .models import MODELS

_bound: tuple[str, str] | None = None
_binding = threading.Lock()
_connection: Connection | None = None


def bind() -> None:
    """Point every model at this deployment's tables (idempotent, cheap).

    Lean (issue 14): ONE Connection, hence one botocore session and client, serves every
    model and the transactions (PynamoDB would otherwise build a client per model, about
    75 ms each on a cold start). The client is built here, once, under a lock: requests
    issued together from threads then share it instead of each building its own."""
    global _bound, _connection
    cfg = get_config()
    key = (cfg.table_prefix, cfg.region)
    if _bound == key:
        return
    with _binding:
        if _bound == key:
            return
        shared = Connection(region=cfg.region)
        for model in MODELS:
            model.Meta.table_name = cfg.table_name(model.Meta.base_name)
            model.Meta.region = cfg.region
            model._connection = None
            table = model._get_connection()     # the table's key schema; builds no client
            shared.add_meta_table(table.get_meta_table())
            table.connection = shared
        shared._local.session = _dynamodb_session()   # PynamoDB builds its client from it
        shared.client   # noqa: B018  the one botocore client, built now
        _connection = shared
        _bound = key


def _dynamodb_session():
    """A botocore session whose data loader knows that the one model it is asked for is
    DynamoDB's: botocore's own loader first lists every service it has (about 440
    directories, 2,600 file system calls: ~20 ms of a cold start) to check the name."""
    from botocore.loaders import Loader
    from botocore.session import get_session

    class DynamoDBLoader(Loader):
        def list_available_services(self, type_name):
            return ["dynamodb"]

    session = get_session()
    data_path = session.get_config_variable("data_path")     # AWS_DATA_PATH, as botocore reads it
    paths = [os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)] \
        if data_path else None
    session.register_component("data_loader", DynamoDBLoader(extra_search_paths=paths))
    return session


def unbind() -> None:
    """Forget the binding (tests switch endpoints between cases)."""
    global _bound, _connection
    _bound = None
    _connection = None
    for model in MODELS:
        model._connection = None


def connection() -> Connection:
    """The one Connection of every model, used for transactions too."""
    bind()
    assert _connection is not None
    return _connection


BATCH_RETRIES = 8
MAX_BATCH_KEYS = 100
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


def get_items(wanted: list[tuple[type, str, Callable[[Any], Any]]]) -> list[Any]:
    """Items of one table or several, each ``(model, hash key, convert)``: ONE BatchGetItem
    (strongly consistent; keys DynamoDB left unprocessed are asked again), converted, in the
    order asked; None where there is no item (also for a key no item can have). Lean
    (issue 14): the independent reads of a request in one round trip (at most 100 keys,
    DynamoDB's limit for one BatchGetItem)."""
    if len(wanted) > MAX_BATCH_KEYS:
        raise ValueError(f"at most {MAX_BATCH_KEYS} keys in one BatchGetItem")
    results: list[Any] = [None] * len(wanted)
    asked: dict[tuple[str, str], list[int]] = {}
    models: dict[str, type] = {}
    request: dict[str, dict[str, Any]] = {}
    for i, (model, key, _convert) in enumerate(wanted):
        if not key or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
            continue
        bind()
        table = model.Meta.table_name
        if (table, key) not in asked:
            attribute = model._hash_key_attribute()
            request.setdefault(table, {"Keys": [], "ConsistentRead": True})["Keys"].append(
                {attribute.attr_name: {attribute.attr_type: attribute.serialize(key)}})
            models[table] = model
        asked.setdefault((table, key), []).append(i)
    attempt = 0
    while request:
        try:
            data = connection().dispatch(BATCH_GET_ITEM, {"RequestItems": request})
        except BOTOCORE_EXCEPTIONS as exc:
            raise GetError(f"Failed to batch get items: {exc}", exc) from exc
        for table, items in data.get("Responses", {}).items():
            model = models[table]
            for raw in items:
                item = model.from_raw_data(raw)
                for i in asked[(table, getattr(item, model._hash_keyname))]:
                    results[i] = wanted[i][2](item)
        request = {table: {**unprocessed, "ConsistentRead": True}
                   for table, unprocessed in (data.get("UnprocessedKeys") or {}).items()
                   if unprocessed.get("Keys")}
        if request:     # throttled: ask again for what is left, after a short pause
            attempt += 1
            if attempt > BATCH_RETRIES:
                raise GetError("Failed to batch get items: keys left unprocessed")
            time.sleep(min(0.05 * 2 ** attempt, 1.0))
    return results


def create_tables() -> list[str]:
    """Create any missing table (local stack and tests; AWS gets them from infra/cdk).

    Both build the tables from ``schema.table_definitions()``.
    """
    from .schema import table_definitions
    cfg = get_config()
    client = connection().client      # botocore's: boto3 (s3transfer...) is not imported
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
