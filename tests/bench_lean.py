"""`make bench` figures of issue 14's lean part: cold start of the Lambda handler.

A FRESH process imports the app and answers one ``GET /api/slots`` through the Lambda handler
(``app(event, context)`` with an API Gateway REST proxy event) against the embedded endpoint
the bench started (tables and demo store exist; nothing is cached in that process), versus a
fresh process that imports boto3 and makes one DynamoDB Query against the same endpoint.
Each child times itself from its first import to the answer (the interpreter's own start-up,
the same for both, is left out): goal, the app at most 1.2x the bare Query (median of 7 runs).
The whole processes' wall times are printed too (the issue measured those); they include
the interpreter's exit, which a Lambda container does not go through per request.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
COLD_GOAL = 1.2

# the child processes: each prints its elapsed seconds, from its first import to the answer
HANDLER_CHILD = """
import time
started = time.perf_counter()
from app import app
event = json.loads(EVENT)
answer = app(event, None)
elapsed = time.perf_counter() - started
assert answer["statusCode"] == 200, answer
assert json.loads(answer["body"])["slots"], answer["body"][:300]
print(elapsed)
"""

BOTO3_CHILD = """
import time
started = time.perf_counter()
import boto3
client = boto3.client("dynamodb")
answer = client.query(TableName=TABLE, KeyConditionExpression="slot_date = :d",
                      IndexName="by_date", ExpressionAttributeValues={":d": {"S": DAY}})
elapsed = time.perf_counter() - started
assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
print(elapsed)
"""


def slots_event(day: date, services: str = "MAINT_10K") -> dict:
    """An API Gateway REST (v1) proxy event for GET /api/slots, as Lambda receives it."""
    query = {"date": day.isoformat(), "services": services}
    return {
        "resource": "/api/slots", "path": "/api/slots", "httpMethod": "GET",
        "headers": {"Accept": "application/json", "Host": "example.execute-api.amazonaws.com"},
        "multiValueHeaders": {"Accept": ["application/json"]},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()},
        "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"resourcePath": "/api/slots", "httpMethod": "GET", "path": "/api/api/slots",
                           "stage": "api", "requestId": "bench", "identity": {"sourceIp": "127.0.0.1"}},
    }


def _child(code: str, **values: str) -> tuple[float, float]:
    """(the process's wall time seen from here, its own time from first import to answer)"""
    prelude = "import json\n" + "".join(f"{k} = {v!r}\n" for k, v in values.items())
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # any value
    started = time.perf_counter()                               # stops .pyc files being written
    out = subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, capture_output=True,
                         text=True, env=env)
    wall = time.perf_counter() - started
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return wall, float(out.stdout.strip().splitlines()[-1])


def cold_start(day: date, runs: int = RUNS) -> dict[str, tuple[float, float, float]]:
    """Medians (seconds) of the handler's and the bare Query's fresh processes, and the ratio:
    "process" is each process's wall time (the interpreter's start-up included, as the issue
    measures it), "in-process" from its first import to the answer. The environment must
    point at a running embedded endpoint with the demo store."""
    from chalicelib import db
    from chalicelib.db.models import BookingItem
    db.bind()
    event = json.dumps(slots_event(day))
    table = BookingItem.Meta.table_name
    _child(HANDLER_CHILD, EVENT=event)       # compile the bytecode once
    app, boto = [], []
    for _ in range(runs):
        boto.append(_child(BOTO3_CHILD, TABLE=table, DAY=day.isoformat()))
        app.append(_child(HANDLER_CHILD, EVENT=event))
    figures = {}
    for i, name in enumerate(("process", "in-process")):
        a, b = statistics.median(t[i] for t in app), statistics.median(t[i] for t in boto)
        figures[name] = (a, b, a / b)
    return figures


def lean_lines() -> list[str]:
    """The printable figures (each with its goal); starts and stops its own endpoint."""
    from datetime import timedelta

    from tests.bench import _open_day, _start_stack, _today
    aws = _start_stack()
    try:
        day = _open_day(_today() + timedelta(days=2))
        figures = cold_start(day)
    finally:
        aws.stop()
    app, boto, ratio = figures["in-process"]
    lines = [f"Cold start (fresh process, median of {RUNS}, from its first import to the answer): "
             f"GET /api/slots through the Lambda handler {app * 1000:.0f} ms, boto3 + 1 DynamoDB "
             f"Query {boto * 1000:.0f} ms, ratio {ratio:.2f}x (goal <= {COLD_GOAL}x)"]
    app, boto, ratio = figures["process"]
    lines.append(f"  whole processes (interpreter start and exit included): {app * 1000:.0f} ms vs "
                 f"{boto * 1000:.0f} ms, ratio {ratio:.2f}x (informative: Lambda keeps the process)")
    return lines


if __name__ == "__main__":
    import logging
    os.environ.setdefault("APP_SECRET_KEY", "bench")
    logging.disable(logging.INFO)
    for line in lean_lines():
        print(line)
