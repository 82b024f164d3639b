"""Issue 14 (lean): what a cold container does for GET /api/slots, in a fresh process
through the Lambda handler against the embedded endpoint: one botocore client, the store
and the day read together (2 Query), and none of the modules other paths need."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from infra.synth import ROOT
from tests.bench_lean import slots_event

NOT_ON_THIS_PATH = ("boto3", "s3transfer", "openpyxl", "pypinyin", "jinja2", "jwt",
                    "cryptography", "chinese_calendar", "phonenumbers", "requests",
                    "itsdangerous", "chalicelib.services.bookings")

CHILD = """
import json, sys
import botocore.session
clients = []
create = botocore.session.Session.create_client
def counted(self, service_name, *args, **kwargs):
    clients.append(service_name)
    return create(self, service_name, *args, **kwargs)
botocore.session.Session.create_client = counted
from app import app
answer = app(json.loads(EVENT), None)
print(json.dumps({"status": answer["statusCode"], "body": json.loads(answer["body"]),
                  "clients": clients, "loaded": sorted(m for m in LOOK_FOR if m in sys.modules)}))
"""


def test_a_cold_get_slots_builds_one_client_reads_store_and_day_together_and_loads_no_more(
        stack):
    day = stack.next_open_day()
    stack.aws.app.requests.clear()
    code = f"EVENT = {json.dumps(slots_event(day))!r}\nLOOK_FOR = {NOT_ON_THIS_PATH!r}\n" + CHILD
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200 and answer["body"]["date"] == day.isoformat()
    assert answer["body"]["slots"] and all(s["available"] >= 0 for s in answer["body"]["slots"])
    assert answer["clients"] == ["dynamodb"]
    assert answer["loaded"] == []
    assert dict(stack.aws.app.requests) == {"Query": 2}
