"""Issue 14, the local stack keeps everything: the real `make run` process (python -m
infra.local.server, its own ports and state directory) is stopped and started again; the
records, the photo and signature files and a staff account a manager created are all there.
Stopped with SIGTERM (as Ctrl-C), and killed with SIGKILL right after the writes answered."""
from __future__ import annotations

import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import requests

from infra.local.identity import DEMO_PASSWORD
from infra.local.stack import ROOT
from tests.factories import checkin_body

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStack:
    """`make run` in a subprocess."""

    def __init__(self, state_dir: Path):
        self.state_dir = state_dir
        self.port, self.aws_port = _free_port(), _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.output = b""

    def start(self) -> "LocalStack":
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "infra.local.server", "--port", str(self.port),
             "--aws-port", str(self.aws_port), "--state-dir", str(self.state_dir)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120       # a generous bound for a busy machine, not a timing
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.stdout.read().decode())
            try:
                with urllib.request.urlopen(self.url + "/api/store", timeout=5):
                    return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("the local stack did not start")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        self.output, _ = self.proc.communicate(timeout=60)
        return self.proc.returncode

    def call(self, method: str, path: str, body=None, token: str | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = requests.request(method, self.url + path, json=body, headers=headers, timeout=30)
        return answer.status_code, answer.json()

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> str:
        status, body = self.call("POST", "/api/auth/login",
                                 {"username": username, "password": password})
        assert status == 200, body
        return body["id_token"]


@pytest.fixture
def local(tmp_path):
    stacks: list[LocalStack] = []

    def make() -> LocalStack:
        stack = LocalStack(tmp_path / "state").start()
        stacks.append(stack)
        return stack
    yield make
    for stack in stacks:
        if stack.proc and stack.proc.poll() is None:
            stack.stop(signal.SIGKILL)


def _photo_checkin_and_account(stack: LocalStack) -> dict:
    """A photo uploaded, a walk-in car checked in with it, a technician account created by the
    manager (who sets its first password, as the new technician would)."""
    advisor = stack.sign_in("advisor")
    status, upload = stack.call("POST", "/api/staff/uploads",
                                {"content_type": "image/jpeg", "size": len(JPEG)}, advisor)
    assert status == 201 or status == 200, upload
    put = requests.put(upload["url"], data=JPEG, headers=upload["headers"], timeout=30)
    assert put.ok, put.text
    status, order = stack.call("POST", "/api/staff/checkins",
                               checkin_body(photo_keys=[upload["key"]]), advisor)
    assert status == 201, order

    manager = stack.sign_in("manager")
    status, created = stack.call("POST", "/api/staff/accounts", {
        "username": "zhou.tech", "name": "周师傅", "roles": ["technician"],
        "mobile": "13900139001"}, manager)
    assert status == 201, created
    status, challenge = stack.call("POST", "/api/auth/login", {
        "username": "zhou.tech", "password": created["temporary_password"]})
    assert status == 401 and challenge["error"]["challenge"] == "new_password", challenge
    status, _ = stack.call("POST", "/api/auth/new-password", {
        "username": "zhou.tech", "session": challenge["error"]["session"],
        "new_password": "Zhou-Tech-2026"})
    assert status == 200
    return {"order": order, "photo": upload["key"]}


def _everything_is_there(stack: LocalStack, kept: dict) -> None:
    advisor = stack.sign_in("advisor")
    order_id = kept["order"]["id"]
    status, order = stack.call("GET", f"/api/staff/orders/{order_id}", token=advisor)
    assert status == 200, order
    assert order["reference"] == kept["order"]["reference"]
    assert order["reception"]["photo_keys"] == [kept["photo"]]
    # the check-in sheet prints with its photo and the customer's signature: both files served
    sheet = requests.get(f"{stack.url}/api/staff/orders/{order_id}/print?doc=checkin",
                         headers={"Authorization": f"Bearer {advisor}"}, timeout=30)
    assert sheet.status_code == 200
    images = [html.unescape(src) for src in re.findall(r'<img[^>]* src="([^"]+)"', sheet.text)]
    served = [requests.get(src, timeout=30) for src in images]
    assert [r.status_code for r in served] == [200] * len(images)
    photos = [r for r in served if r.headers["Content-Type"] == "image/jpeg"]
    assert [r.content for r in photos] == [JPEG]
    assert any(r.content.startswith(b"\x89PNG") for r in served)       # the signature
    # the new account signs in with its password and keeps its role
    token = stack.sign_in("zhou.tech", "Zhou-Tech-2026")
    status, me = stack.call("GET", "/api/staff/me", token=token)
    assert status == 200 and me["roles"] == ["technician"] and me["name"] == "周师傅", me


def test_records_files_and_accounts_survive_a_stop_and_start(local):
    first = local()
    kept = _photo_checkin_and_account(first)
    manager = first.sign_in("manager")
    _, accounts_before = first.call("GET", "/api/staff/accounts", token=manager)
    assert first.stop(signal.SIGTERM) == 0

    second = local()
    _everything_is_there(second, kept)
    manager = second.sign_in("manager")
    _, accounts_after = second.call("GET", "/api/staff/accounts", token=manager)
    assert accounts_after == accounts_before       # no demo account added twice, none lost
    assert (first.port, first.aws_port) != (0, 0)
    # the pool and the portal's client kept their ids: a token from before still works
    status, me = second.call("GET", "/api/staff/me", token=manager)
    assert status == 200


def test_a_crash_right_after_the_writes_loses_none_of_them(local):
    first = local()
    kept = _photo_checkin_and_account(first)
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL   # no shutdown code runs

    second = local()
    _everything_is_there(second, kept)
