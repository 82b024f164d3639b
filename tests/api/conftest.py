"""API tests: chalice.test.Client against moto, with the clock under the test's control."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from chalice.test import Client
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib import db
from chalicelib.db.models import BookingItem, CapacityItem, OutboxItem
from chalicelib.services.store import current_store, save_store
from infra.local.demo import demo_services, demo_settings
from tests.factories import store_time

# Monday 30 Nov 2026, 10:00 in Guangzhou: the store is open, 1 Dec is bookable.
START = store_time(2026, 11, 30, 10, 0)


class Clock:
    def __init__(self, traveller):
        self._traveller = traveller

    def move_to(self, moment: datetime) -> None:
        self._traveller.move_to(moment)

    def shift(self, delta: timedelta) -> None:
        self._traveller.shift(delta)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield Clock(traveller)


@pytest.fixture
def aws(clock):
    with mock_aws():
        db.create_tables()
        save_store(demo_settings(), demo_services())
        yield


@pytest.fixture
def store(aws):
    """Change the store's settings for one test: ``store(slot_capacity=1)``."""
    def change(**changes):
        save_store(current_store().settings.with_changes(**changes), demo_services())
        return current_store().settings
    return change


@pytest.fixture
def client(aws):
    from app import app
    with Client(app) as test_client:
        yield test_client


class Api:
    """The customer's steps, as calls."""

    def __init__(self, client):
        self.client = client

    def get(self, path, **headers):
        return self.client.http.get(path, headers=headers)

    def post(self, path, body, **headers):
        import json
        raw = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False)
        return self.client.http.post(path, body=raw,
                                     headers={"Content-Type": "application/json", **headers})

    def book(self, body, **headers):
        return self.post("/api/bookings", body, **headers)

    @staticmethod
    def token_of(created_json):
        return created_json["manage_url"].split("token=")[1]


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def sms():
    """SMS published to SNS so far: list of (phone, text)."""
    def sent():
        return list(sns_backends[DEFAULT_ACCOUNT_ID]["ap-east-1"].sms_messages.values())
    return sent


def all_bookings():
    return list(BookingItem.scan())


def all_messages():
    return list(OutboxItem.scan())


def capacity(day: str, slot: str):
    try:
        item = CapacityItem.get(day, slot)
    except CapacityItem.DoesNotExist:
        return 0
    return int(item.labor_minutes if slot == "_day" else item.booked)
