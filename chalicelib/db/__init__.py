"""All DynamoDB access lives in this package."""
from __future__ import annotations

from pynamodb.connection import Connection

from ..config import get_config
from .models import MODELS

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


def create_tables() -> list[str]:
    """Create any missing table (local stack and tests; AWS gets them from infra/)."""
    bind()
    created = []
    for model in MODELS:
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
    return created
