"""Issue 14, the local stack keeps everything: the real `make run` process (python -m
infra.local.server, its own ports and state directory) is stopped and started again; the
records, the photo and signature files and a staff account a manager created are all there.
Stopped with SIGTERM (as Ctrl-C), and killed with SIGKILL right after the writes answered."""
from __future__ import annotations

import html
import json
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

    def sign_in(self, username: str, password: str = DEMO_PASSWORD, *, tokens: bool = False):
        status, body = self.call("POST", "/api/auth/login",
                                 {"username": username, "password": password})
        assert status == 200, body
        return body if tokens else body["id_token"]


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
    assert status == 200, upload
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
    session = first.sign_in("manager", tokens=True)
    manager = session["id_token"]
    status, _ = first.call("POST", "/api/staff/accounts/technician2/disable", {}, manager)
    assert status == 200
    _, accounts_before = first.call("GET", "/api/staff/accounts", token=manager)
    assert [a["enabled"] for a in accounts_before["accounts"] if a["username"] == "technician2"] == [False]
    assert first.stop(signal.SIGTERM) == 0

    second = local()
    _everything_is_there(second, kept)
    assert (second.state_dir / "secret.key").exists()    # customer links stay signed the same
    _, accounts_after = second.call("GET", "/api/staff/accounts", token=second.sign_in("manager"))
    assert accounts_after == accounts_before       # no demo account added twice, none lost
    status, refused = second.call("POST", "/api/auth/login",
                                  {"username": "technician2", "password": DEMO_PASSWORD})
    assert status == 401, refused                  # disabled stays disabled
    # the pool and the portal's client kept their ids: the portal's session from before the
    # restart still works, and refreshes
    status, me = second.call("GET", "/api/staff/me", token=session["id_token"])
    assert status == 200 and me["username"] == "manager"
    status, refreshed = second.call("POST", "/api/auth/refresh",
                                    {"refresh_token": session["refresh_token"]})
    assert status == 200 and refreshed["staff"]["username"] == "manager", refreshed


def test_a_crash_right_after_the_writes_loses_none_of_them(local):
    first = local()
    kept = _photo_checkin_and_account(first)
    assert first.stop(signal.SIGKILL) == -signal.SIGKILL   # no shutdown code runs

    second = local()
    _everything_is_there(second, kept)


# ---- the keeper in this process's endpoint: journal, compaction, upgrade ---------------------

@pytest.fixture
def keeper(stack, tmp_path):
    from infra.local.keep import Keeper
    kept = Keeper(tmp_path / "kept")
    kept.snapshot()                  # what the endpoint holds already (the demo store, the pool)
    kept.open()
    stack.aws.app.keeper = kept
    yield kept
    stack.aws.app.keeper = None
    kept.close()


def _everything(keeper) -> dict:
    """Every item of every table and every object, as the endpoint holds them."""
    from moto.s3.models import FakeKey
    items = {name: sorted(json.dumps(i.to_json()["Attributes"], sort_keys=True)
                          for i in table.all_items())
             for name, table in keeper._ddb().tables.items()}
    files = {(b.name, k): keeper._s3().get_object(b.name, k).value
             for b in keeper._s3().buckets.values() for k in list(b.keys.keys())
             if isinstance(keeper._s3().get_object(b.name, k), FakeKey)}
    return {"items": items, "files": files, "idp": keeper._idp_records()}


def _journal_lines(keeper) -> int:
    from infra.local.keep import JOURNAL
    path = keeper.dir / JOURNAL
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def _restart(stack, keeper):
    """A new, empty endpoint (as after stopping `make run`) and a restore from the kept state."""
    from infra.local.keep import Keeper
    from infra.local.stack import bootstrap, restore
    stack.aws.app.keeper = None
    keeper.close()
    urllib.request.urlopen(urllib.request.Request(stack.aws.url + "/moto-api/reset", method="POST"))
    bootstrap(demo=False)
    again = Keeper(keeper.dir)
    count = restore(keeper.dir, again)
    return again, count


def test_saving_costs_what_changed_not_what_exists(stack, keeper):
    """A booking journals one line per item its transaction wrote, whatever the store holds."""
    from chalicelib.db.models import AuditItem
    from chalicelib.services import bookings
    from tests.factories import booking_body
    day = stack.next_open_day()

    def book(hour, n):
        before = _journal_lines(keeper)
        bookings.create_booking(booking_body(slot_start=stack.slot(day, hour),
                                             customer={"phone": f"1390013900{n}"},
                                             vehicle={"plate": f"粤B5555{n}"}))
        return _journal_lines(keeper) - before
    book(9, 1)                       # the day's first booking also opens the day
    in_a_small_store = book(10, 2)
    assert in_a_small_store > 0
    with AuditItem.batch_write() as batch:      # 2,000 more items
        for n in range(2000):
            batch.save(AuditItem(subject=f"bulk#{n}", seq="0", at="2026-01-01T00:00:00Z",
                                 actor="bench", action="bulk"))
    assert book(11, 3) == in_a_small_store


def test_compaction_upgrade_and_a_torn_line_keep_exactly_what_the_endpoint_held(stack, keeper, tmp_path):
    from chalicelib.config import get_config
    from chalicelib.services import bookings, files
    from infra.local.keep import JOURNAL, LEGACY, SNAPSHOT, FILES
    from infra.local.stack import snapshot
    from tests.factories import booking_body
    day = stack.next_open_day()
    first = bookings.create_booking(booking_body(slot_start=stack.slot(day, 9)))
    files.put_signature("signatures/a.png", b"\x89PNG one")
    files.put_signature("signatures/b.png", b"\x89PNG two")
    assert keeper.compact(force=True)
    assert (keeper.dir / SNAPSHOT).exists() and _journal_lines(keeper) == 0
    # after the compaction: a change, a cancellation, a replaced and a deleted file
    bookings.cancel_booking(first["id"], first["manage_url"].split("token=")[1], {"reason": "行程有变"})
    files.put_signature("signatures/a.png", b"\x89PNG one, again")
    files.s3().delete_object(Bucket=get_config().files_bucket, Key="signatures/b.png")
    held = _everything(keeper)
    # a crash in the middle of a line: the torn line is skipped, and cut before appending
    with (keeper.dir / JOURNAL).open("ab") as fh:
        fh.write(b'["d","nope",{"pk":{"S":"x"}}]\t{"pk":')
    keeper, count = _restart(stack, keeper)
    assert _everything(keeper) == held
    assert count == sum(len(v) for v in held["items"].values())
    keeper.open()
    assert (keeper.dir / JOURNAL).read_bytes().endswith(b"\n")
    # merged again: the replaced and the deleted file's bytes are gone, the kept ones stay
    assert keeper.compact(force=True)
    blobs = {p.name for p in (keeper.dir / FILES).iterdir()}
    assert len(blobs) == len([k for k in held["files"] if k[0] == get_config().files_bucket])
    keeper, _ = _restart(stack, keeper)
    assert _everything(keeper) == held
    # the format before (dynamodb.json, items only) loads once, then lives in the new format
    legacy_dir = tmp_path / "legacy"
    legacy_dir.mkdir()
    saved = snapshot(legacy_dir / LEGACY)
    from infra.local.keep import Keeper
    from infra.local.stack import restore
    urllib.request.urlopen(urllib.request.Request(stack.aws.url + "/moto-api/reset", method="POST"))
    from infra.local.stack import bootstrap
    bootstrap(demo=False)
    assert restore(legacy_dir, Keeper(legacy_dir)) == saved
    assert not (legacy_dir / LEGACY).exists() and (legacy_dir / (LEGACY + ".upgraded")).exists()
    assert _everything(keeper)["items"] == held["items"]
    assert restore(legacy_dir, Keeper(legacy_dir)) == saved       # now from its snapshot


def test_items_of_a_table_the_models_no_longer_have_are_skipped_not_fatal(stack, keeper):
    from infra.local.keep import JOURNAL
    with (keeper.dir / JOURNAL).open("a", encoding="utf-8") as fh:
        fh.write('["d","gone-table",{"pk":{"S":"x"}}]\t{"pk":{"S":"x"}}\n')
    held = _everything(keeper)
    keeper, _ = _restart(stack, keeper)
    assert _everything(keeper) == held
