"""`make run`'s fast path (issue 14): the outbox's stream, read from the embedded endpoint over
HTTP, publishes a confirmation without a sweep, and moto is handed back what was read."""
from __future__ import annotations

import json

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodbstreams.models import dynamodbstreams_backends

from chalicelib.db.models import OutboxItem
from infra.local.streams import outbox_poller
from tests.factories import booking_body


def test_the_local_poller_publishes_a_confirmation_and_moto_forgets_what_was_read(stack):
    poller = outbox_poller(on_read=stack.aws.stream_read)
    day = stack.next_open_day()
    status, created = stack.request("POST", "/api/bookings",
                                    booking_body(slot_start=stack.slot(day, 9)))
    assert status == 201 and stack.sms() == []
    assert poller.poll() >= 1
    [(phone, text)] = stack.sms()
    assert phone == "+8613800138000" and created["reference"] in text
    assert OutboxItem.get(f"{created['id']}.0.confirmation").status == "sent"
    # the sender's own writes (claim, sent) are read next and change nothing
    assert poller.poll() >= 2 and len(stack.sms()) == 1
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["ap-east-1"].tables[poller.table_name]
    assert table.stream_shard.items == []          # moto keeps no record already read...
    assert dynamodbstreams_backends[DEFAULT_ACCOUNT_ID]["ap-east-1"].shard_iterators == {}
    # ...and the poller's position still holds: the next booking is delivered
    status, again = stack.request("POST", "/api/bookings", booking_body(
        slot_start=stack.slot(day, 10), customer={"phone": "13900139000"},
        vehicle={"plate": "京A88888"}))
    assert status == 201, json.dumps(again)
    poller.poll()
    assert [p for p, _ in stack.sms()] == ["+8613800138000", "+8613900139000"]
