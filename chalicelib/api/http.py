"""Request parsing and the error shape of API.md, shared by every route."""
from __future__ import annotations

import functools
import importlib
import json
import logging
import re
from typing import Any, Callable

from chalice import Response

from ..domain.errors import DomainError, MalformedRequest
from ..headers import api_headers
from ..logs import log_event

JSON_TYPES = ["application/json", "text/plain"]   # content types a JSON body may be sent as
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={**JSON_HEADERS, **(headers or {})})


def error_response(error: DomainError) -> Response:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields:
        body["fields"] = error.fields
    body.update(error.extra)
    # extras (e.g. slot_full's alternatives) also stand beside "error", as API.md shows them
    answer: dict[str, Any] = {"error": body, **error.extra}
    return json_response(answer, status=error.status, headers=error.headers)


def api(fn: Callable[..., Any]) -> Callable[..., Response]:
    """Turn domain errors into API.md errors, and anything unexpected into a bare 500."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            result = fn(*args, **kwargs)
        except DomainError as exc:
            return error_response(exc)
        except Exception:  # never a stack trace in a response
            log_event("unhandled_error", logging.ERROR, exc_info=True, route=fn.__name__)
            return json_response({"error": {"code": "internal_error",
                                            "message": "Something went wrong on our side. Please try again."}},
                                 status=500)
        return result if isinstance(result, Response) else json_response(result)
    return wrapper


def api_error_shape(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """HTTP middleware: Chalice's own errors (415, 400...) in the error shape of API.md."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = re.sub(r"(?<!^)(?=[A-Z])", "_", str(body["Code"])).lower().removesuffix("_error")
        return json_response({"error": {"code": code, "message": str(body["Message"])}},
                             status=response.status_code)
    return response


def security_headers(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """HTTP middleware: every answer of the app carries the security headers (headers.py);
    an answer that sets its own policy (a print document) keeps it."""
    response = get_response(event)
    for name, value in api_headers().items():
        if not any(k.lower() == name.lower() for k in response.headers):
            response.headers[name] = value
    return response


class LazyModule:
    """A service module imported on first use: keeps the Lambda cold start short."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)


def json_body(request: Any) -> Any:
    raw = request.raw_body
    if not raw:
        raise MalformedRequest("The request needs a JSON body", fields={"body": "missing"})
    try:
        return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRequest("The body is not valid JSON",
                               fields={"body": f"not valid JSON ({exc.__class__.__name__})"}) from None


def query_param(request: Any, name: str) -> str | None:
    return (request.query_params or {}).get(name)


def header(request: Any, name: str) -> str | None:
    return request.headers.get(name.lower()) if request.headers else None
