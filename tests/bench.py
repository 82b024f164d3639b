"""`make bench`: the booking path's figures (not part of the tests).

- DynamoDB requests per availability query and per booking (goal: 1 query, 1 transaction;
  an online booking also reads its mobile's active bookings, 1 query), counted at the
  embedded AWS endpoint, after the store profile is cached. Online bookings go through the
  SMS code as customers do (the demo store verifies phones): the code is read from the SNS
  backend, the code request is measured on its own row;
- the app's cold import time as a ratio to `import boto3` alone (goal: under 1.5x);
- the booking page's first-load bytes (goal: under 100 KB) and the staff portal's (goal: at most
  60 KB, landing on the sign-in page and on the board);
- latency of the booking path through the local HTTP server (informative).
"""
from __future__ import annotations

import gzip
import logging
import os
import posixpath
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _start_stack():
    """A fresh embedded AWS endpoint with the tables and the demo store."""
    from infra.local.moto_server import MotoServer
    from infra.local.stack import bootstrap, configure
    aws = MotoServer(port=0).start()
    configure(aws.url, state_dir=None, secret="bench")
    bootstrap(demo=True)
    return aws


def _open_day(start: date) -> date:
    """``start``, or the first day after it that the store is open."""
    from chalicelib.services.store import current_store
    settings = current_store().settings  # also warms the store cache, as a warm Lambda has it
    while settings.hours_on(start) is None:
        start += timedelta(days=1)
    return start


def _today() -> date:
    from chalicelib import clock
    from chalicelib.services.store import current_store
    return clock.now().astimezone(current_store().settings.tz).date()


def _sent_code(phone: str) -> str:
    """The code in the last SMS to ``phone`` (the embedded SNS keeps what it was asked to send)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends
    texts = [text for to, text in sns_backends[DEFAULT_ACCOUNT_ID]["ap-east-1"].sms_messages.values()
             if to.endswith(phone[-11:])]
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def _verified(phone: str) -> dict:
    from chalicelib.services import verification
    sent = verification.request_code({"phone": phone})
    return {"id": sent["verification_id"], "code": _sent_code(phone)}


def dynamodb_requests() -> list[tuple[str, str, str]]:
    aws = _start_stack()
    from chalicelib.notify.sweep import run_sweep
    from chalicelib.services import bookings
    from tests.factories import booking_body

    day = _open_day(_today() + timedelta(days=2))
    slot = lambda h: f"{day.isoformat()}T{h:02d}:00:00+08:00"  # noqa: E731

    def measure(action):
        aws.app.requests.clear()
        result = action()
        return result, dict(aws.app.requests)

    rows = []
    _, calls = measure(lambda: bookings.slots_for(day.isoformat(), "MAINT_10K"))
    rows.append(("availability query (GET /api/slots)", _fmt(calls), "1 Query"))
    verification, calls = measure(lambda: _verified("13800138000"))
    rows.append(("SMS code (POST /api/verifications)", _fmt(calls),
                 "1 TransactWriteItems (code + limits), 1 PutItem (outbox record)"))
    created, calls = measure(lambda: bookings.create_booking(
        booking_body(slot_start=slot(9), verification=verification)))
    rows.append(("booking (POST /api/bookings)", _fmt(calls),
                 "1 Query (by_phone) + 1 TransactWriteItems (code consumed in it)"))
    keyed = booking_body(slot_start=slot(10), vehicle={"plate": "粤B22222"},
                         customer={"phone": "13900139000"}, verification=_verified("13900139000"))
    _, calls = measure(lambda: bookings.create_booking(keyed, idempotency_key="bench-key"))
    rows.append(("booking with Idempotency-Key", _fmt(calls), "1 Query + 1 TransactWriteItems"))
    _, calls = measure(lambda: bookings.create_booking(keyed, idempotency_key="bench-key"))
    rows.append(("  replay of that key", _fmt(calls), "(failure path)"))
    token = created["manage_url"].split("token=")[1]
    _, calls = measure(lambda: bookings.reschedule_booking(created["id"], token, {"slot_start": slot(11)}))
    rows.append(("reschedule", _fmt(calls), "(informative)"))
    swept, calls = measure(lambda: run_sweep())
    handled = sum(swept.counts.values())
    rows.append((f"sweep handling {handled} due messages", _fmt(calls),
                 "1 Query + per message 1 GetItem, 2 UpdateItem, "
                 "+ the number's hour count (1 GetItem, 1 PutItem)"))
    rows += _staff_requests(measure, day, slot)
    aws.stop()
    return rows


def _staff_requests(measure, day, slot) -> list[tuple[str, str, str]]:
    """The advisor's path (S3 and Cognito calls are not counted: DynamoDB only)."""
    from chalicelib.domain.staff import Staff
    from chalicelib.services import desk, orders, vehicle_file
    from tests.factories import checkin_body, part_line
    advisor = Staff(username="advisor", name="张顾问", roles=frozenset({"advisor"}), store_id="demo")
    rows = []
    _, calls = measure(lambda: desk.board(day.isoformat(), advisor))
    rows.append(("appointment board of a day", _fmt(calls), "1 Query"))
    booked = desk.desk_booking(checkin_body_booking(slot(14)), advisor, None)
    car = {"plate": "粤B33333", "vin": "LSVAU2180N2183299", "model": "Lavida"}
    order, calls = measure(lambda: orders.check_in(checkin_body(booking_id=booked["id"], vehicle=car),
                                                   advisor))
    rows.append(("check-in (new customer and car)", _fmt(calls),
                 "1 BatchGetItem (booking, mobile, plate) + 1 TransactWriteItems"))
    order, calls = measure(lambda: orders.add_line(order["id"], {**part_line(), "version": order["version"]},
                                                   advisor))
    rows.append(("add a line to the order", _fmt(calls), "1 TransactWriteItems"))
    _, calls = measure(lambda: vehicle_file.search("B333"))
    rows.append(("file search by part of a plate", _fmt(calls), "1 Query + owners"))
    rows += _workshop_requests(measure, order, slot)
    return rows


def _workshop_requests(measure, order, slot) -> list[tuple[str, str, str]]:
    """The workshop and the follow-up desk (DynamoDB only; Cognito and S3 are not counted)."""
    from chalicelib.domain.staff import Staff
    from chalicelib.services import complaints, followups, orders, workshop
    from tests.factories import SIGNATURE
    advisor = Staff("advisor", "张顾问", frozenset({"advisor"}), "demo")
    foreman = Staff("foreman", "孙班长", frozenset({"foreman"}), "demo")
    tech = Staff("technician", "王师傅", frozenset({"technician"}), "demo")
    order = orders.approve_in_store(order["id"], {
        "version": order["version"], "promised_at": slot(17), "signature": SIGNATURE,
        "decisions": {ln["id"]: "approved" for ln in order["lines"] if ln["status"] == "draft"}},
        advisor)
    order = workshop.dispatch(order["id"], {"version": order["version"], "technician": "technician"},
                              foreman)
    rows = []
    _, calls = measure(lambda: workshop.clock(order["id"], {"version": order["version"],
                                                            "action": "start"}, tech))
    rows.append(("clock a job (start)", _fmt(calls), "1 TransactWriteItems"))
    _, calls = measure(lambda: workshop.board(foreman))
    rows.append(("dispatch board (every car in the store)", _fmt(calls), "1 Query"))
    _, calls = measure(lambda: orders.order_view(order["id"], foreman))
    rows.append(("repair order view (GET, job clocked)", _fmt(calls),
                 "order + vehicle, audit + job events"))
    clerk = Staff("followup", "刘回访", frozenset({"follow_up"}), "demo")
    _, calls = measure(lambda: followups.due_list(None, clerk))
    rows.append(("follow-up calls due today", _fmt(calls), "1 Query"))
    opened = complaints.create({"customer_name": "王先生", "description": "等了太久"}, advisor)
    _, calls = measure(lambda: complaints.complaint_detail(opened["id"], advisor))
    rows.append(("complaint with its events (GET)", _fmt(calls), "1 GetItem, 1 Query"))
    _, calls = measure(lambda: complaints.complaint_list(advisor))
    rows.append(("complaint list", _fmt(calls), "1 Query"))
    _, calls = measure(complaints.run_escalation)
    rows.append(("complaint escalation run (nothing due)", _fmt(calls), "1 Query"))
    return rows


def checkin_body_booking(slot_start: str) -> dict:
    from tests.factories import booking_body
    return {**booking_body(slot_start=slot_start, vehicle={"plate": "粤B33333"}), "channel": "phone"}


def _fmt(calls: dict[str, int]) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(calls.items())) or "none"


def import_ratio(runs: int = 7) -> tuple[float, float, float]:
    def timed(stmt: str) -> float:
        code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, check=True, env={k: v for k, v in os.environ.items()
                                                         # any value, even "0", stops .pyc writing
                                                         if k != "PYTHONDONTWRITEBYTECODE"})
        return float(out.stdout.strip())
    timed("import app")  # compile bytecode once
    boto, app = [], []
    for _ in range(runs):
        boto.append(timed("import boto3"))
        app.append(timed("import app"))
    b, a = statistics.median(boto), statistics.median(app)
    return b, a, a / b


def page_weight() -> tuple[int, int, list[str]]:
    html = (ROOT / "frontend" / "index.html").read_bytes()
    refs = re.findall(rb'(?:href|src)="(/[^"]+)"', html)
    files = [("index.html", html)] + [(r.decode(), (ROOT / "frontend" / r.decode().lstrip("/")).read_bytes())
                                      for r in refs]
    raw = sum(len(body) for _, body in files)
    zipped = sum(len(gzip.compress(body)) for _, body in files)
    return raw, zipped, [name for name, _ in files]


PORTAL_IMPORT = re.compile(rb"""(?:\bimport\s*|\bfrom\s*)["'](\.{1,2}/[^"']+)["']""")


def portal_first_load(landing: str = "login") -> tuple[int, int, list[str]]:
    """The bytes a browser fetches to show /portal/ the first time: index.html, what it links
    (stylesheets, icon, app.js), every module app.js imports statically (the kit), the zh-CN
    strings and the landing page's module with its imports; no other page's module."""
    front = ROOT / "frontend"
    html = (front / "portal" / "index.html").read_bytes()
    names = ["/portal/index.html"] + [r.decode() for r in re.findall(rb'(?:href|src)="(/[^"]+)"', html)]

    def follow(url: str) -> None:
        for rel in PORTAL_IMPORT.findall((front / url.lstrip("/")).read_bytes()):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(url), rel.decode()))
            if target not in names:
                names.append(target)
                follow(target)
    for url in list(names) + ["/portal/strings/zh-CN.js", f"/portal/pages/{landing}.js"]:
        if url.endswith(".js"):
            if url not in names:
                names.append(url)
            follow(url)
    bodies = [(front / name.lstrip("/")).read_bytes() for name in names]
    return (sum(len(b) for b in bodies), sum(len(gzip.compress(b)) for b in bodies), names)


def http_latency(samples: int = 30) -> tuple[float, float]:
    import json
    from infra.local.server import serve
    from tests.factories import booking_body
    aws = _start_stack()
    http = serve(port=0)
    base = "http://127.0.0.1:%d" % http.server_address[1]
    day = _today() + timedelta(days=3)
    times = []
    for i in range(samples):
        day = _open_day(day)
        mobile = f"1390000{i:04d}"
        asked = urllib.request.Request(base + "/api/verifications", method="POST",
                                       data=json.dumps({"phone": mobile}).encode(),
                                       headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(asked) as resp:
            verification = {"id": json.loads(resp.read())["verification_id"],
                            "code": _sent_code(mobile)}
        body = booking_body(customer={"phone": mobile}, vehicle={"plate": f"粤B{10000 + i}"},
                            slot_start=f"{day.isoformat()}T{8 + i % 9:02d}:00:00+08:00",
                            verification=verification)
        request = urllib.request.Request(base + "/api/bookings", data=json.dumps(body).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request) as resp:
            assert resp.status == 201
        times.append(time.perf_counter() - start)
        if i % 9 == 8:
            day += timedelta(days=1)
    http.shutdown()
    aws.stop()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def deployment() -> list[str]:
    """make synth + cfn-lint of every store, and the sizes AWS limits."""
    import json
    import tempfile
    import zipfile
    from pathlib import Path

    from infra.store_config import all_stores
    from infra.synth import lint
    lines = []
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "infra.synth", "--out", out],
                             capture_output=True, text=True)
        synth_s = time.perf_counter() - started
        if run.returncode:
            return [f"synth failed: {run.stderr[-500:]}"]
        started = time.perf_counter()
        checked = lint([Path(out) / s.store_id for s in all_stores()])
        lint_s = time.perf_counter() - started
        findings = len([line for line in checked.stdout.splitlines() if line.strip()])
        lines.append(f"synth of {len(all_stores())} stores {synth_s:.1f} s, cfn-lint with the "
                     f"serverless rules {lint_s:.1f} s, {findings} findings")
        for store in all_stores():
            folder = Path(out) / store.store_id
            path = folder / f"{store.names.stack}.template.json"
            tpl = json.loads(path.read_text())
            res = tpl["Resources"]

            def unzipped(key: dict) -> tuple[int, int]:
                asset = folder / f"asset.{key['Key'].split('.')[0]}.zip"
                with zipfile.ZipFile(asset) as z:
                    return asset.stat().st_size, sum(i.file_size for i in z.infolist())
            code = unzipped(res["APIHandler"]["Properties"]["CodeUri"])
            layer = unzipped(res["ManagedLayer"]["Properties"]["ContentUri"])
            lines.append(
                f"{store.store_id}: {len(res)} resources (limit 500), template "
                f"{path.stat().st_size / 1024:.0f} KB (limit 1024 KB); app code {code[0] / 1024:.0f} KB "
                f"zipped; layer {layer[0] / 2**20:.1f} MB zipped, function + layer "
                f"{(code[1] + layer[1]) / 2**20:.1f} MB unzipped (limit 250 MB; goal <= 25 MB)")
    return lines


# ---- store settings (issue 13) ----
def settings_requests() -> list[tuple[str, str, str]]:
    """The store settings stay cached on the booking path: the profile's version is checked
    inside the booking's own TransactWriteItems (a ConditionCheck), never read per request."""
    aws = _start_stack()
    from chalicelib.domain.staff import Staff
    from chalicelib.services import bookings, settings
    from tests.factories import booking_body
    day = _open_day(_today() + timedelta(days=2))

    def measure(action):
        aws.app.requests.clear()
        result = action()
        return result, dict(aws.app.requests)

    advisor = Staff(username="advisor", name="张顾问", roles=frozenset({"advisor"}), store_id="demo")
    manager = Staff(username="manager", name="周经理", roles=frozenset({"manager"}), store_id="demo")
    _, slots = measure(lambda: bookings.slots_for(day.isoformat(), "MAINT_10K", channel="phone"))
    _, booking = measure(lambda: bookings.create_booking(
        booking_body(slot_start=f"{day.isoformat()}T09:00:00+08:00",   # a car of its own
                     customer={"phone": "13900009999"}, vehicle={"plate": "粤B9S999"}), channel="phone",
        staff=advisor))
    extra = sum(slots.values()) - 1 + sum(booking.values()) - 1
    rows = [("settings read cached: availability", _fmt(slots), "1 Query"),
            ("settings read cached: desk booking", _fmt(booking), "1 TransactWriteItems"),
            (f"settings read cached: {extra} extra requests on the booking path", "", "0")]
    page = settings.settings_page(manager)
    _, calls = measure(lambda: settings.change_settings(
        {"version": page["version"], "slot_capacity": 4}, manager))
    rows.append(("settings saved (more places: no day to check)", _fmt(calls),
                 "(informative; fewer: 1 Query per day checked)"))
    aws.stop()
    return rows


# ---- price book (issue 13, the pricebook part) ----------------------------------------------
def pricebook_requests() -> list[tuple[str, str, str]]:
    """A type-ahead search is 1 Query; the booking path still reads the store (settings and the
    catalogue with its packages' lines) once, then from the cache."""
    aws = _start_stack()
    from chalicelib.services import bookings
    from chalicelib.services import pricebook as book
    from chalicelib.services.store import current_store, forget_store   # the demo has its book

    def measure(action):
        aws.app.requests.clear()
        result = action()
        return result, dict(aws.app.requests)

    rows = []
    for typed in ("jylq", "滤清器", "06A115", "oil"):
        found, calls = measure(lambda: book.search(typed))
        rows.append((f"type-ahead '{typed}' ({len(found['results'])} found)", _fmt(calls), "1 Query"))
    forget_store()
    _, calls = measure(lambda: (current_store(), bookings.service_catalogue(), bookings.service_catalogue()))
    rows.append(("catalogue with package lines, cold + 2 reads", _fmt(calls), "1 Query"))
    _, calls = measure(lambda: bookings.service_catalogue())
    rows.append(("  again within the cache time", _fmt(calls), "none"))
    aws.stop()
    return rows


def main() -> int:
    os.environ.setdefault("APP_SECRET_KEY", "bench")
    logging.disable(logging.INFO)    # the app's event lines (INFO) would drown the figures
    print("DynamoDB requests (counted at the embedded endpoint, store profile cached):")
    for name, calls, goal in dynamodb_requests():
        print(f"  {name:42s} {calls:45s} goal: {goal}")
    print("Store settings (issue 13):")
    for name, calls, goal in settings_requests():
        print(f"  {name:42s} {calls:45s} goal: {goal}")
    print("Price book (issue 13):")
    for name, calls, goal in pricebook_requests():
        print(f"  {name:42s} {calls:45s} goal: {goal}")
    boto, app, ratio = import_ratio()
    print(f"Cold import: boto3 {boto * 1000:.0f} ms, app {app * 1000:.0f} ms, ratio {ratio:.2f}x (goal < 1.5x)")
    # lean (issue 14): cold start of GET /api/slots through the Lambda handler
    from tests.bench_lean import lean_lines
    for line in lean_lines():
        print(line)
    raw, zipped, names = page_weight()
    print(f"Booking page first load: {raw / 1024:.1f} KB ({zipped / 1024:.1f} KB gzipped) "
          f"in {len(names)} files {names} (goal < 100 KB)")
    for landing in ("login", "board"):
        raw, zipped, names = portal_first_load(landing)
        print(f"Portal first load, landing on {landing}: {raw / 1024:.1f} KB ({zipped / 1024:.1f} KB "
              f"gzipped) in {len(names)} files (goal <= 60 KB)")
    # ---- a year of data (issue 14): tests/bench_yeardata.py ----
    from tests.bench_yeardata import yeardata_figures
    print("A year of data (issue 14): the same calls on an empty store, two weeks and a year:")
    for line in yeardata_figures():
        print(line)
    # ---- retention calls and the vehicle file's timeline (issue 15, part CALLS) ----
    from tests.bench_calls import calls_lines
    for line in calls_lines():
        print(line)
    p50, p95 = http_latency()
    print(f"POST /api/bookings through the local server + moto: p50 {p50 * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms (30 bookings; local emulation, informative)")
    # fastsms (issue 14): confirmation SMS within seconds of the 201
    from tests.bench_fastsms import fastsms_lines
    print("Confirmations in seconds (issue 14; local, other work on the machine adds noise):")
    for line in fastsms_lines():
        print(f"  {line}")
    # issue 15 part CAMPAIGNS: a segment's reads by selector, a preview, one send_due run
    from tests.bench_campaigns import campaign_lines
    print("Campaigns (issue 15; one Query per selector, one per due-day bucket; no Scan):")
    for line in campaign_lines():
        print(line)
    # schemas (issue 14): the OpenAPI document's coverage and size
    from tests.bench_schemas import schema_figures
    print("OpenAPI document (issue 14):")
    for line in schema_figures():
        print(f"  {line}")
    # issue 15 (INVITE): an invitation's personal link, booking, arrival, unsubscribe
    from tests.bench_invite import invite_lines
    print("Invitation links (issue 15, INVITE; DynamoDB requests):")
    for line in invite_lines():
        print(line)
    # care (issue 15, part CORE): the daily job on a year of data
    from tests.bench_care import care_lines
    print("Daily care job on a year of data (issue 15):")
    for line in care_lines():
        print(f"  {line}")
    print("Deployment (make synth):")
    for line in deployment():
        print(f"  {line}")
    # issue 14, the local stack keeps everything (last: it resets the embedded endpoint)
    from tests.bench_localkeep import local_keeping
    print("Local stack keeps everything (issue 14):")
    for line in local_keeping():
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
