"""Write a newly deployed store's profile and service catalogue, once.

    python -m infra.seed gz-tianhe            # only if the store has no profile yet
    python -m infra.seed gz-tianhe --force    # overwrite (the file wins over edits made since)

Uses the app's own code (``services.store.save_store``) against the store's
tables in its region, with the AWS credentials of the environment.
"""
from __future__ import annotations

import argparse
import os
import sys


def seed(store_id: str, *, force: bool = False) -> str:
    from infra.store_config import store_by_id
    store = store_by_id(store_id)
    os.environ.update({
        "STORE_ID": store.store_id, "APP_STAGE": store.names.stage,
        "TABLE_PREFIX": store.names.table_prefix,
        "AWS_REGION": store.region, "AWS_DEFAULT_REGION": store.region,
        # the seed signs nothing; the functions read the real key from Secrets Manager
        "APP_SECRET_KEY": os.environ.get("APP_SECRET_KEY", "seed-signs-nothing"),
    })
    from chalicelib.config import reset_config
    from chalicelib.db import store as store_db
    from chalicelib.services.store import save_store
    from infra.catalogue import standard_services
    reset_config()
    from chalicelib.db import records as records_db
    backfilled = records_db.backfill_search_keys()     # records filed before the search keys
    records_db.backfill_open_complaints()       # complaints filed before the open index (issue 14)
    existing, _ = store_db.load_store(store.store_id)
    from chalicelib.db import pricebook as pricebook_db
    if existing is not None and not force and pricebook_db.has_packages():
        return (f"{store.store_id}: profile already there, left as it is (--force overwrites); "
                f"{backfilled} records given their search keys")
    from infra.catalogue import standard_pricebook
    operations, parts, packages = standard_pricebook()
    pricebook_db.seed(operations, parts, packages)
    services = standard_services()
    # a store set up before the price book keeps its settings; its catalogue was the standard
    # one (only this seed wrote it), which the standard price book reproduces price for price
    save_store(existing if existing is not None and not force else store.settings(), services)
    return (f"{store.store_id}: profile, {len(services)} catalogue services and a price book "
            f"of {len(operations)} operations and {len(parts)} parts written")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    print(seed(args.store, force=args.force))
    return 0


if __name__ == "__main__":
    sys.exit(main())
