"""The real local stack in this process: moto in server mode and the HTTP server."""
from __future__ import annotations

import contextlib
import json
import os
import re
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import sync_playwright
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from chalicelib import clock
from chalicelib.services.store import current_store, save_store
from infra.local.demo import demo_services


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@contextlib.contextmanager
def open_page(browser, **context_options):
    """A page in its own browser context; the test fails on any uncaught script error, and on
    anything the Content-Security-Policy refused, in this page or a window it opened."""
    context = browser.new_context(**{"locale": "zh-CN", "has_touch": True, **context_options})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    context.on("console", lambda msg: errors.append(msg.text)
               if "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert errors == []


def sign_in(page, stack, username, password=None, *, wait=True):
    """Sign in on the portal's login page (any earlier session forgotten); with ``wait``, until
    the portal shows it is signed in (a first sign-in with a temporary password does not)."""
    from playwright.sync_api import expect
    from infra.local.identity import DEMO_PASSWORD
    page.goto(stack.url + "/portal/#/login")
    page.evaluate("localStorage.removeItem('portal.session')")
    page.reload()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or DEMO_PASSWORD)
    page.click("button[type=submit]")
    if wait:
        expect(page.locator("html")).to_have_class(re.compile(r"\bsigned-in\b"))


@pytest.fixture
def phone(browser):
    with open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        yield page


class Stack:
    def __init__(self, aws, http):
        self.aws = aws
        self.http = http
        host, port = http.server_address[:2]
        self.url = f"http://{host}:{port}"

    def request(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def reset(self):
        """Empty every table and the SNS log, then load the demo store again."""
        from infra.local.stack import bootstrap
        urllib.request.urlopen(urllib.request.Request(self.aws.url + "/moto-api/reset", method="POST"))
        bootstrap(demo=True)
        # no quiet hours here: these tests run on the real clock, at any hour; bookings made
        # through the API need no SMS code (the booking site's test turns verification on)
        settings = current_store().settings.with_changes(quiet_start="00:00", quiet_end="00:00",
                                                         verify_phone=False)
        save_store(settings, demo_services())

    def verify_phones(self, on: bool = True):
        """The store's ``verify_phone`` setting, as `make run` has it (on)."""
        save_store(current_store().settings.with_changes(verify_phone=on), demo_services())

    def sms(self):
        return list(sns_backends[DEFAULT_ACCOUNT_ID]["ap-east-1"].sms_messages.values())

    def next_open_day(self) -> date:
        settings = current_store().settings
        day = clock.now().astimezone(settings.tz).date() + timedelta(days=1)
        while settings.hours_on(day) is None:
            day += timedelta(days=1)
        return day

    def slot(self, day: date, hour: int) -> str:
        tz = current_store().settings.tz
        return datetime(day.year, day.month, day.day, hour, tzinfo=tz).isoformat()


@pytest.fixture(scope="session")
def stack_servers():
    from infra.local.moto_server import MotoServer
    from infra.local.server import serve
    from infra.local.stack import configure
    saved = dict(os.environ)
    aws = MotoServer(port=0).start()
    configure(aws.url, state_dir=None, public_base_url="http://127.0.0.1:8000",
              secret="e2e-secret")
    http = serve(port=0)
    yield aws, http
    http.shutdown()
    aws.stop()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def stack(stack_servers, fresh_process_state):
    aws, http = stack_servers
    os.environ["PUBLIC_BASE_URL"] = "http://127.0.0.1:%d" % http.server_address[1]
    from chalicelib.config import reset_config
    reset_config()
    s = Stack(aws, http)
    s.reset()
    return s
