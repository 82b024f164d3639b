"""The local stack's moto (infra/local/moto_fast.py): a transaction keeps a copy of only the
items it writes, a query reads its partition or its index key's items, and every answer is
the one moto gave before (rollback, order, items whose index key changed or were deleted)."""
from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local import moto_fast
from infra.local.moto_server import MotoServer


@pytest.fixture(scope="module")
def client():
    aws = MotoServer(port=0).start()
    dynamodb = boto3.client("dynamodb", region_name="ap-east-1", endpoint_url=aws.url,
                            aws_access_key_id="local", aws_secret_access_key="local")
    dynamodb.create_table(
        TableName="things", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"}
                              for n in ("pk", "sk", "queue", "due")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "due", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "queue", "KeyType": "HASH"},
                                               {"AttributeName": "due", "KeyType": "RANGE"}]}])
    dynamodb.create_table(
        TableName="marks", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}])
    yield dynamodb
    aws.stop()


def _put(client, pk, sk, **attrs):
    item = {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}
    client.put_item(TableName="things", Item=item)


def _due(client, queue="pending", **kwargs):
    pages = client.get_paginator("query").paginate(
        TableName="things", IndexName="due", KeyConditionExpression="queue = :q",
        ExpressionAttributeValues={":q": {"S": queue}}, **kwargs)
    return [(i["pk"]["S"], i["sk"]["S"]) for page in pages for i in page["Items"]]


def test_installed_for_the_pinned_moto():
    assert moto_fast.install() is True


def test_a_table_query_reads_its_partition_in_order(client):
    for pk in ("a", "b", "c"):
        for sk in ("3", "1", "2"):
            _put(client, pk, sk)
    found = client.query(TableName="things", KeyConditionExpression="pk = :p AND sk >= :s",
                         ExpressionAttributeValues={":p": {"S": "b"}, ":s": {"S": "2"}},
                         ScanIndexForward=False)
    assert [(i["pk"]["S"], i["sk"]["S"]) for i in found["Items"]] == [("b", "3"), ("b", "2")]
    assert found["ScannedCount"] == 2
    none = client.query(TableName="things", KeyConditionExpression="pk = :p",
                        ExpressionAttributeValues={":p": {"S": "zz"}})
    assert none["Items"] == []


def test_an_index_query_follows_writes_updates_and_deletes(client):
    _put(client, "m1", "x", queue="pending", due="2026-01-03")
    _put(client, "m2", "x", queue="pending", due="2026-01-01")
    assert _due(client) == [("m2", "x"), ("m1", "x")]          # the lookup is built here
    _put(client, "m3", "x", queue="pending", due="2026-01-02")  # written after it
    client.update_item(TableName="things", Key={"pk": {"S": "m1"}, "sk": {"S": "x"}},
                       UpdateExpression="REMOVE queue")        # sent: out of the sparse index
    client.update_item(TableName="things", Key={"pk": {"S": "m4"}, "sk": {"S": "x"}},
                       UpdateExpression="SET queue = :q, due = :d",   # created by an update
                       ExpressionAttributeValues={":q": {"S": "pending"}, ":d": {"S": "2026-01-09"}})
    client.delete_item(TableName="things", Key={"pk": {"S": "m2"}, "sk": {"S": "x"}})
    _put(client, "m5", "x", queue="held", due="2026-01-01")
    client.update_item(TableName="things", Key={"pk": {"S": "m5"}, "sk": {"S": "x"}},
                       UpdateExpression="SET queue = :q", ExpressionAttributeValues={":q": {"S": "pending"}})
    assert _due(client) == [("m5", "x"), ("m3", "x"), ("m4", "x")]
    assert _due(client, "held") == []
    limited = client.query(TableName="things", IndexName="due", KeyConditionExpression="queue = :q AND due <= :d",
                           ExpressionAttributeValues={":q": {"S": "pending"}, ":d": {"S": "2026-01-05"}}, Limit=1)
    assert [i["pk"]["S"] for i in limited["Items"]] == ["m5"] and "LastEvaluatedKey" in limited
    scanned = client.scan(TableName="things", IndexName="due")["Items"]
    assert sorted(i["pk"]["S"] for i in scanned) == ["m3", "m4", "m5"]


def test_an_index_query_with_a_limit_reads_pages_in_order_both_ways(client):
    for n in range(12):
        _put(client, f"p{n:02d}", "x", queue="paged", due=f"2026-03-{(n * 7) % 12 + 1:02d}")
    _put(client, "p99", "x", queue="paged", due="2026-03-01")            # a tie with p00
    everything = _due(client, "paged")                  # no limit: moto's own path throughout
    dues = [client.get_item(TableName="things", Key={"pk": {"S": p}, "sk": {"S": s}})["Item"]["due"]["S"]
            for p, s in everything]
    assert len(everything) == 13 and dues == sorted(dues)
    for forward in (True, False):
        pages, start = [], {}
        while True:
            page = client.query(TableName="things", IndexName="due", Limit=4,
                                KeyConditionExpression="queue = :q", ScanIndexForward=forward,
                                ExpressionAttributeValues={":q": {"S": "paged"}}, **start)
            pages += [(i["pk"]["S"], i["sk"]["S"]) for i in page["Items"]]
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
        assert pages == (everything if forward else everything[::-1])


def test_a_failed_transaction_leaves_every_item_and_the_index_as_they_were(client):
    _put(client, "t1", "x", queue="pending", due="2026-02-01", note="before")
    client.put_item(TableName="marks", Item={"key": {"S": "taken"}})
    before = _due(client)
    with pytest.raises(ClientError) as failed:
        client.transact_write_items(TransactItems=[
            {"Put": {"TableName": "things", "Item": {"pk": {"S": "t1"}, "sk": {"S": "x"},
                                                     "note": {"S": "after"}}}},
            {"Put": {"TableName": "things", "Item": {"pk": {"S": "t2"}, "sk": {"S": "x"},
                                                     "queue": {"S": "pending"}, "due": {"S": "2026-02-02"}}}},
            {"Update": {"TableName": "marks", "Key": {"key": {"S": "count"}},
                        "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": "marks", "Item": {"key": {"S": "taken"}},
                     "ConditionExpression": "attribute_not_exists(#k)",
                     "ExpressionAttributeNames": {"#k": "key"}}}])
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert "ConditionalCheckFailed" in failed.value.response["Error"]["Message"]
    kept = client.get_item(TableName="things", Key={"pk": {"S": "t1"}, "sk": {"S": "x"}})["Item"]
    assert kept["note"] == {"S": "before"} and kept["queue"] == {"S": "pending"}
    assert "Item" not in client.get_item(TableName="things", Key={"pk": {"S": "t2"}, "sk": {"S": "x"}})
    assert "Item" not in client.get_item(TableName="marks", Key={"key": {"S": "count"}})
    assert _due(client) == before


def test_a_transaction_copies_only_the_items_it_writes(client, monkeypatch):
    for n in range(50):
        _put(client, "bulk", f"{n:03d}")
    copied = []
    real = moto_fast.deepcopy
    monkeypatch.setattr(moto_fast, "deepcopy", lambda value: copied.append(value) or real(value))
    client.transact_write_items(TransactItems=[
        {"Put": {"TableName": "things", "Item": {"pk": {"S": "bulk"}, "sk": {"S": "new"}}}},
        {"Update": {"TableName": "things", "Key": {"pk": {"S": "bulk"}, "sk": {"S": "001"}},
                    "UpdateExpression": "SET note = :n", "ExpressionAttributeValues": {":n": {"S": "x"}}}}])
    assert len(copied) == 2 and copied[0] is None          # the new item, then the one updated
    updated = client.get_item(TableName="things", Key={"pk": {"S": "bulk"}, "sk": {"S": "001"}})["Item"]
    assert updated["note"] == {"S": "x"}


def test_an_item_put_again_with_another_index_key_is_found_under_the_new_one_only(client):
    _put(client, "r1", "x", queue="first", due="2026-04-01")
    assert _due(client, "first") == [("r1", "x")]
    _put(client, "r1", "x", queue="second", due="2026-04-02")      # replaced, not updated
    assert _due(client, "first") == [] and _due(client, "second") == [("r1", "x")]
    client.delete_item(TableName="things", Key={"pk": {"S": "r1"}, "sk": {"S": "x"}})
    assert _due(client, "second") == []
