"""Start, fill and persist the local stack."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = ROOT / ".local"
REGION = "ap-east-1"


def stage_environment(stage: str = "local") -> dict[str, str]:
    """The stage's environment variables from .chalice/config.json (as Lambda would get them)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env = dict(config.get("environment_variables", {}))
    env.update(config.get("stages", {}).get(stage, {}).get("environment_variables", {}))
    return env


def configure(endpoint_url: str, *, state_dir: Path | None = STATE_DIR,
              public_base_url: str | None = None, secret: str | None = None) -> None:
    """Point this process (boto3, PynamoDB, the app) at the embedded AWS endpoint."""
    for key, value in stage_environment().items():
        os.environ[key] = value
    os.environ.update({
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "APP_SECRET_KEY": secret or _local_secret(state_dir),
    })
    if public_base_url:
        os.environ["PUBLIC_BASE_URL"] = public_base_url
    from chalicelib import db
    from chalicelib.config import reset_config
    from chalicelib.services.store import forget_store
    reset_config()
    db.unbind()
    forget_store()


def _local_secret(state_dir: Path | None) -> str:
    if state_dir is None:
        return secrets.token_urlsafe(32)
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "secret.key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def bootstrap(*, demo: bool = True, backfill: bool = True) -> list[str]:
    """Create the tables (from the PynamoDB models) and the files bucket; with ``demo``, load
    the demo store if it is missing and create the staff user pool with the demo staff.
    ``backfill``: give records kept from before the search keys theirs (three Scans: `make run`
    does it only for a store upgraded from dynamodb.json, whose records may predate them)."""
    from chalicelib import db
    from chalicelib.config import get_config
    from chalicelib.db import store as store_db
    from chalicelib.services import files
    from chalicelib.services.store import save_store
    from .demo import demo_services, demo_settings
    from .identity import create_demo_staff

    created = db.create_tables()
    files.create_bucket()
    if demo:
        from chalicelib.db import records as records_db
        if backfill:
            records_db.backfill_search_keys()     # records restored from before the search keys
        records_db.backfill_open_complaints()  # a year of data (issue 14): the open index
        settings, _ = store_db.load_store(get_config().store_id)
        from chalicelib.db import pricebook as pricebook_db
        if settings is None or not pricebook_db.has_packages():
            # a new store, or data kept from before the price book: its catalogue was the
            # standard one, which the standard price book reproduces price for price
            from .demo import demo_pricebook
            pricebook_db.seed(*demo_pricebook())
            save_store(settings or demo_settings(get_config().store_id), demo_services())
        create_demo_staff(get_config().store_id)
    return created


def _dynamodb():
    return boto3.client("dynamodb", region_name=REGION, endpoint_url=os.environ["AWS_ENDPOINT_URL"])


def snapshot(path: Path) -> int:
    """Write every item (and, for a state directory, every file and staff account) the embedded
    endpoint holds to ``path``: a state directory as keep.py keeps it, or, for a ``.json`` path,
    the tables alone in the format before. A full pass: `make run` saves what changed instead."""
    if path.suffix != ".json":
        from .keep import Keeper
        return Keeper(path, region=REGION).snapshot()
    from chalicelib import db
    from chalicelib.db.models import MODELS
    db.bind()
    client = _dynamodb()
    data: dict[str, list] = {}
    count = 0
    for model in MODELS:
        name = model.Meta.table_name
        items: list = []
        for page in client.get_paginator("scan").paginate(TableName=name):
            items += page["Items"]
        data[model.Meta.base_name] = items
        count += len(items)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return count


def restore(path: Path = STATE_DIR, keeper=None) -> int:
    """Load what was kept at ``path`` into the embedded endpoint running in this process (the
    tables and the files bucket exist: bootstrap(demo=False)); the number of items restored.

    ``path`` is a state directory (keep.py: items, files, staff accounts; a ``dynamodb.json``
    of the format before found there is upgraded once), or a ``.json`` file of that format."""
    from chalicelib import db
    from .keep import Keeper, load_legacy
    db.bind()
    if path.suffix == ".json":
        return load_legacy(path) if path.exists() else 0
    return (keeper or Keeper(path, region=REGION)).restore()
