"""A table's DynamoDB stream fed to a Chalice ``on_dynamodb_record`` handler, as Lambda's event
source mapping does in AWS (local stack and tests only).

``make run`` polls the outbox table's stream every half second and hands the new records to
``app.outbox_fast_path``, the function AWS runs from the same stream: a confirmation goes out
about a second after its booking, and the sweep stays the backstop. The position is kept as
a sequence number and a shard iterator is asked for at each poll: moto rolls a failed
transaction back by putting back a copy of the whole table, stream included, so an iterator
held across polls would go on reading the discarded copy.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

log = logging.getLogger("local")

Handler = Callable[[dict, Any], Any]


class StreamPoller:
    """Reads ``table_name``'s stream from where it was when created (earlier changes are the
    sweep's) and calls ``handler(event, context)`` with at most ``batch_size`` records a call.
    ``on_read(table_name, sequence_number)`` is told what was consumed (moto housekeeping)."""

    def __init__(self, table_name: str, handler: Handler, *, client=None, interval: float = 0.5,
                 batch_size: int = 10, on_read: Callable[[str, int], None] | None = None):
        if client is None:
            import boto3
            client = boto3.client("dynamodbstreams")
        self.table_name, self.handler, self.client = table_name, handler, client
        self.interval, self.batch_size, self.on_read = interval, batch_size, on_read
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.stream_arn, self.shard_id = self._stream()
        self.last: int | None = None
        while self._read():     # skip the history: what is already there is the sweep's
            pass

    def _stream(self) -> tuple[str, str]:
        arn = self.client.list_streams(TableName=self.table_name)["Streams"][-1]["StreamArn"]
        shards = self.client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        return arn, shards[-1]["ShardId"]     # moto keeps one shard per table

    def _read(self) -> list[dict]:
        position = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": str(self.last)}
                    if self.last is not None else {"ShardIteratorType": "TRIM_HORIZON"})
        iterator = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=self.shard_id,
                                                  **position)["ShardIterator"]
        records = self.client.get_records(ShardIterator=iterator, Limit=1000)["Records"]
        if records:
            self.last = max(int(r["dynamodb"]["SequenceNumber"]) for r in records)
            if self.on_read:
                self.on_read(self.table_name, self.last)
        return records

    def poll(self) -> int:
        """One round: every record written since the last, to the handler; how many."""
        records = [self._lambda_record(r) for r in self._read()]
        for start in range(0, len(records), self.batch_size):
            event = {"Records": records[start:start + self.batch_size]}
            try:
                self.handler(event, None)
            except Exception:   # Lambda would retry, then give up: the sweep is the backstop
                log.exception("stream handler failed on %d records of %s",
                              len(event["Records"]), self.table_name)
        return len(records)

    def _lambda_record(self, record: dict) -> dict:
        """A GetRecords record as Lambda delivers it (epoch seconds, the stream's ARN)."""
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        change["ApproximateCreationDateTime"] = created.timestamp() if hasattr(
            created, "timestamp") else created
        return {**record, "eventSourceARN": self.stream_arn, "dynamodb": change}

    # -- in a thread (make run) ------------------------------------------------------------
    def start(self) -> "StreamPoller":
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"stream-{self.table_name}")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:   # the endpoint stopping, a reset...: keep polling
                log.exception("stream poll failed (%s)", self.table_name)
            self._stop.wait(self.interval)


def outbox_poller(**options) -> StreamPoller:
    """The outbox's stream feeding ``app.outbox_fast_path``, the handler AWS runs from it."""
    import boto3

    from app import outbox_fast_path
    from chalicelib import db
    from chalicelib.config import get_config
    from chalicelib.db.models import OutboxItem
    db.bind()
    cfg = get_config()
    # the regional endpoint: botocore would address a stream's account-scoped endpoint
    # (<account>.streams-ddb.<region>...), which moto's in-process mock does not answer
    client = boto3.client("dynamodbstreams", region_name=cfg.region, endpoint_url=(
        cfg.endpoint_url or f"https://streams.dynamodb.{cfg.region}.amazonaws.com"))
    return StreamPoller(OutboxItem.Meta.table_name, outbox_fast_path, client=client, **options)
