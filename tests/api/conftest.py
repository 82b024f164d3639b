"""API tests: chalice.test.Client against moto, with the clock under the test's control."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from chalice.test import Client, TestHTTPClient
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib import db
from chalicelib.db.models import BookingItem, CapacityItem, OutboxItem
from chalicelib.services import files
from chalicelib.services.store import current_store, save_store
from infra.local.gateway import ApiGateway
from infra.local.identity import DEMO_PASSWORD, create_demo_staff
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


def _jwks_through_moto(url: str) -> bytes:
    """lean (issue 14): the app GETs the pool's keys with urllib, which moto's in-process mock
    does not intercept; in these tests that one GET goes through requests, which it does."""
    import requests
    answer = requests.get(url, timeout=3)
    answer.raise_for_status()
    return answer.content


@pytest.fixture
def aws(clock, monkeypatch):
    from chalicelib.services import auth
    monkeypatch.setattr(auth, "_get_url", _jwks_through_moto)
    with mock_aws():
        db.create_tables()
        files.create_bucket()
        # tests that are not about them book without an SMS code and with one mobile for many
        # bookings: test_verification.py and test_online_limits.py set the real limits
        save_store(demo_settings().with_changes(verify_phone=False, max_active_bookings_per_phone=50),
                   demo_services())
        create_demo_staff("demo")
        yield


@pytest.fixture
def store(aws):
    """Change the store's settings for one test: ``store(slot_capacity=1)``."""
    def change(**changes):
        save_store(current_store().settings.with_changes(**changes), demo_services())
        return current_store().settings
    return change


class GatewayHTTPClient(TestHTTPClient):
    """chalice's test HTTP client, through the gateway that answers as API Gateway is set up."""

    def __init__(self, app, config):
        super().__init__(app, config)
        self._local_gateway = ApiGateway(app, config)


class GatewayClient(Client):
    @property
    def http(self):
        if self._http_client is None:
            self._http_client = GatewayHTTPClient(self._app, self._chalice_config)
        return self._http_client


@pytest.fixture
def client(aws):
    from app import app
    with GatewayClient(app) as test_client:
        yield test_client


# ---- i18n: answers in English for tests that assert the English wording ------------------
@pytest.fixture
def english(client, monkeypatch):
    """Every call of this test sends ``Accept-Language: en`` (unless it names another): the
    API's texts then come in English (API.md, Conventions; zh-CN is the default). A test
    module that asserts English messages says ``pytestmark = pytest.mark.usefixtures("english")``."""
    http = client.http
    send = http.request

    def request(method, path, headers=None, body=b""):
        return send(method, path, headers={"Accept-Language": "en", **(headers or {})}, body=body)

    monkeypatch.setattr(http, "request", request)


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


def _expired(token):
    import time

    import jwt
    return jwt.decode(token, options={"verify_signature": False})["exp"] <= time.time()


def cognito_id_token(username, password=DEMO_PASSWORD):
    import boto3

    from chalicelib.config import get_config
    answer = boto3.client("cognito-idp", region_name="ap-east-1").initiate_auth(
        ClientId=get_config().user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password})
    return answer["AuthenticationResult"]["IdToken"]


class StaffApi:
    """A staff member's calls: ``staff.as_("advisor").post(...)`` with their bearer token."""

    def __init__(self, client, role: str | None = None, tokens: dict | None = None):
        self.client = client
        self.role = role
        self._tokens = tokens if tokens is not None else {}

    def login(self, username, password=DEMO_PASSWORD):
        return self.client.http.post("/api/auth/login", headers={"Content-Type": "application/json"},
                                     body=json.dumps({"username": username, "password": password}))

    def token(self, username):
        if username in self._tokens and _expired(self._tokens[username]):
            del self._tokens[username]   # as the portal does: sign in again when it ran out
        if username not in self._tokens:
            if username == "other-store":
                # the portal refuses to sign this account in here: take its token from Cognito
                self._tokens[username] = cognito_id_token(username)
            else:
                answer = self.login(username)
                assert answer.status_code == 200, answer.json_body
                self._tokens[username] = answer.json_body["id_token"]
        return self._tokens[username]

    def as_(self, username):
        return StaffApi(self.client, username, self._tokens)

    def _headers(self, extra=None):
        headers = {"Content-Type": "application/json"}
        if self.role:
            headers["Authorization"] = f"Bearer {self.token(self.role)}"
        headers.update(extra or {})
        return headers

    def get(self, path, headers=None):
        return self.client.http.get(path, headers=self._headers(headers))

    def send(self, method, path, body=None, headers=None):
        raw = body if isinstance(body, (str, bytes)) else json.dumps(body or {}, ensure_ascii=False)
        return self.client.http.request(method, path, headers=self._headers(headers), body=raw)

    def post(self, path, body=None, headers=None):
        return self.send("POST", path, body, headers)

    def put(self, path, body=None, headers=None):
        return self.send("PUT", path, body, headers)


@pytest.fixture
def staff(client):
    return StaffApi(client)
