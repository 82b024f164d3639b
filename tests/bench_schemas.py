"""`make bench` figures of the OpenAPI document (issue 14, "Contract and edges"): how many
operations document their request body and their answer, the document's size as served, and
what serving it costs once built (it is built once per process).

    .venv/bin/python -m tests.bench_schemas
"""
from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# as served (it is cached by clients: Cache-Control max-age); 200 since issue 15's 15 routes
# (care calls, contact log, consent, campaigns, invitations): gzipped, what travels, is the goal
SIZE_GOAL_KB = 200
GZIP_GOAL_KB = 25

_FIRST_CALL = """
import json, time
from chalice.test import Client
from app import app
with Client(app) as client:
    t = time.perf_counter(); first = client.http.get("/api/openapi.json")
    built = time.perf_counter() - t
    times = []
    for _ in range(21):
        t = time.perf_counter(); again = client.http.get("/api/openapi.json")
        times.append(time.perf_counter() - t)
assert first.status_code == again.status_code == 200 and first.body == again.body
print(json.dumps({"built": built, "cached": sorted(times)[len(times) // 2]}))
"""


def _has_shape(document: dict, schema: dict) -> bool:
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return bool(schema.get("properties") or schema.get("oneOf") or schema.get("items")
                or schema.get("additionalProperties"))


def coverage(document: dict) -> tuple[int, int, int, int]:
    """(operations, with a body, bodies with a schema, answers with a schema)."""
    operations = [op for item in document["paths"].values() for op in item.values()]
    bodies = [op["requestBody"]["content"]["application/json"]["schema"]
              for op in operations if "requestBody" in op]
    answered = 0
    for op in operations:
        success = [a for status, a in op["responses"].items() if status[0] in "23"]
        content = success[0].get("content", {}) if success else {}
        if "application/json" in content:
            answered += _has_shape(document, content["application/json"]["schema"])
        elif success:   # a redirect, a printable page, a sheet: described by their type
            answered += 1
    return len(operations), len(bodies), sum(_has_shape(document, b) for b in bodies), answered


def schema_figures() -> list[str]:
    import app  # noqa: F401  registers every route (the administration's too)
    from chalicelib.api.openapi import document_json
    served = document_json().encode()
    document = json.loads(served)
    total, with_body, body_schemas, answers = coverage(document)
    runs = [json.loads(subprocess.run([sys.executable, "-c", _FIRST_CALL], cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout.splitlines()[-1])
            for _ in range(3)]
    built = statistics.median(r["built"] for r in runs)
    cached = statistics.median(r["cached"] for r in runs)
    return [
        f"Request bodies with a schema: {body_schemas}/{with_body} (goal: all)",
        f"Answers with a schema: {answers}/{total} operations (goal: all)",
        f"Document as served: {len(served) / 1024:.1f} KB ({len(gzip.compress(served)) / 1024:.1f}"
        f" KB gzipped) (goal <= {SIZE_GOAL_KB} KB, <= {GZIP_GOAL_KB} KB gzipped)",
        f"GET /api/openapi.json in a fresh process: first {built * 1000:.0f} ms (builds it), "
        f"then {cached * 1000:.2f} ms median (the same bytes; informative, 3 processes)",
    ]


if __name__ == "__main__":
    print(*schema_figures(), sep="\n")
