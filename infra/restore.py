"""Put a store table back as it was at a point in time (runbook: "Restore a table from PITR").

    aws dynamodb restore-table-to-point-in-time --source-table-name gz-tianhe-prod-repair_orders \\
        --target-table-name gz-tianhe-prod-repair_orders-restored --restore-date-time 2026-11-23T09:30:00+08:00
    python -m infra.restore gz-tianhe repair_orders gz-tianhe-prod-repair_orders-restored

The deployed table keeps its name, indexes, alarms and permissions (CloudFormation
owns it): the restored copy's items are written back into it, overwriting items
with the same key. Items created after the restore point are listed, not deleted,
so that nothing is lost by accident; ``--delete-newer`` removes them.
"""
from __future__ import annotations

import argparse
import sys

import boto3


def copy_back(*, source: str, target: str, region: str, delete_newer: bool = False,
              endpoint_url: str | None = None) -> dict[str, int]:
    client = boto3.client("dynamodb", region_name=region, endpoint_url=endpoint_url)
    key_names = [k["AttributeName"] for k in
                 client.describe_table(TableName=target)["Table"]["KeySchema"]]
    table = boto3.resource("dynamodb", region_name=region, endpoint_url=endpoint_url).Table(target)

    def keys_of(name: str) -> set[tuple]:
        found = set()
        for page in client.get_paginator("scan").paginate(
                TableName=name, ProjectionExpression=", ".join(f"#k{i}" for i in range(len(key_names))),
                ExpressionAttributeNames={f"#k{i}": k for i, k in enumerate(key_names)}):
            for item in page["Items"]:
                found.add(tuple((k, next(iter(item[k].values()))) for k in key_names))
        return found

    restored_keys = keys_of(source)
    newer = keys_of(target) - restored_keys
    written = 0
    with table.batch_writer() as batch:
        for page in boto3.resource("dynamodb", region_name=region, endpoint_url=endpoint_url) \
                .meta.client.get_paginator("scan").paginate(TableName=source):
            for item in page["Items"]:
                batch.put_item(Item=item)
                written += 1
        if delete_newer:
            for key in newer:
                batch.delete_item(Key=dict(key))
    return {"written": written, "newer": len(newer), "deleted": len(newer) if delete_newer else 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("table", help="the table's base name, e.g. repair_orders")
    parser.add_argument("restored", help="the table restore-table-to-point-in-time created")
    parser.add_argument("--delete-newer", action="store_true",
                        help="also delete items created after the restore point")
    args = parser.parse_args(argv)
    from infra.store_config import store_by_id
    store = store_by_id(args.store)
    counts = copy_back(source=args.restored, target=store.names.table(args.table),
                       region=store.region, delete_newer=args.delete_newer)
    print(f"{counts['written']} items written back; {counts['newer']} items newer than the "
          f"restore point" + (f", {counts['deleted']} deleted" if args.delete_newer else " kept"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
