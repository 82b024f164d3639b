"""Request parsing and the error shape of API.md, shared by every route."""
from __future__ import annotations

import functools
import gc
import importlib
import json
import logging
import re
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from chalice import Response

from ..domain.errors import DomainError, MalformedRequest
from ..headers import api_headers
from ..i18n import Message, _, current_language, language, negotiate, render
from ..logs import log_event

JSON_TYPES = ["application/json", "text/plain"]   # content types a JSON body may be sent as
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={**JSON_HEADERS, **(headers or {})})


def error_response(error: DomainError) -> Response:
    """The error shape of API.md, its texts in the request's language."""
    lang = current_language()
    body: dict[str, Any] = {"code": error.code, "message": render(error.message, lang)}
    if error.fields:
        body["fields"] = render(error.fields, lang)
    body.update(error.extra)
    # extras (e.g. slot_full's alternatives) also stand beside "error", as API.md shows them
    answer: dict[str, Any] = {"error": body, **error.extra}
    return json_response(answer, status=error.status,
                         headers={**_language_headers(lang), **error.headers})


def _language_headers(lang: str) -> dict[str, str]:
    return {"Content-Language": lang, "Vary": "Accept-Language"}


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
            lang = current_language()
            return json_response({"error": {"code": "internal_error",
                                            "message": render(INTERNAL_ERROR, lang)}},
                                 status=500, headers=_language_headers(lang))
        return result if isinstance(result, Response) else json_response(result)
    return wrapper


INTERNAL_ERROR = _("Something went wrong on our side. Please try again.")
# Chalice's own refusals, by the code they get in the error shape (their English is Chalice's)
CHALICE_ERRORS = {
    "method_not_allowed": _("This address does not take this method"),
    "unsupported_media_type": _("Send the request as JSON (Content-Type: application/json)"),
    "bad_request": _("The request could not be read"),
    "not_found": _("Not found"),
    "internal_server": INTERNAL_ERROR,
}


def api_error_shape(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """HTTP middleware: answers in the language of the request's Accept-Language (the
    texts of errors), and gives Chalice's own errors (415, 405...) the error shape of API.md."""
    lang = negotiate(event.headers.get("accept-language") if event.headers else None)
    with language(lang):
        response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = re.sub(r"(?<!^)(?=[A-Z])", "_", str(body["Code"])).lower().removesuffix("_error")
        message = CHALICE_ERRORS.get(code, INTERNAL_ERROR if response.status_code >= 500
                                     else CHALICE_ERRORS["bad_request"])
        headers = {k: v for k, v in response.headers.items() if k.lower() == "allow"}
        return json_response({"error": {"code": code, "message": render(message, lang)}},
                             status=response.status_code,
                             headers={**_language_headers(lang), **headers})
    return response


def security_headers(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """HTTP middleware: every answer of the app carries the security headers (headers.py);
    an answer that sets its own policy (a print document) keeps it."""
    response = get_response(event)
    for name, value in api_headers().items():
        if not any(k.lower() == name.lower() for k in response.headers):
            response.headers[name] = value
    return response


@contextmanager
def loading_modules() -> Iterator[None]:
    """Around imports (issue 14, lean): no garbage collection while modules load. They
    allocate tens of thousands of objects that live as long as the process, and the
    collector would walk them again and again: ~15% of a cold start. (Not frozen here, as
    app.py's are: a request is under way, and its objects must stay collectable.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class LazyModule:
    """A service module imported on first use: keeps the Lambda cold start short."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        module = sys.modules.get(self._name)
        if module is None:
            with loading_modules():
                module = importlib.import_module(self._name)
        return getattr(module, attr)


MAX_BODY_BYTES = 1024 * 1024   # the largest form (a check-in with its signature) is far smaller
MAX_DEPTH = 32                 # no form nests deeper (nor may a DynamoDB item)


def json_body(request: Any) -> Any:
    """The request's JSON body: 400 ``malformed_request`` if it is missing, too large, not
    JSON, nested too deeply or holds text that is not valid Unicode."""
    raw = request.raw_body
    if not raw:
        raise MalformedRequest(_("The request needs a JSON body"), fields={"body": _("missing")})
    if len(raw) > MAX_BODY_BYTES:
        raise MalformedRequest(_("The body is too large"), fields={
            "body": _("at most %(size)s MB", size=MAX_BODY_BYTES // (1024 * 1024))})
    try:
        body = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except RecursionError:
        raise _too_deep() from None
    except (UnicodeDecodeError, ValueError) as exc:   # ValueError: also a 5,000-digit number
        raise MalformedRequest(_("The body is not valid JSON"), fields={
            "body": _("not valid JSON (%(error)s)", error=exc.__class__.__name__)}) from None
    _check_tree(body)
    return body


def _too_deep() -> MalformedRequest:
    return MalformedRequest(_("The body is nested too deeply"), fields={
        "body": _("nested more than %(depth)s levels deep", depth=MAX_DEPTH)})


def _text_ok(text: str) -> bool:
    """False for a lone surrogate ("\\ud800" is valid JSON, but no text): it cannot be stored."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lone_surrogate(path: str, what: Message = _("not valid text (a lone surrogate)")
                    ) -> MalformedRequest:
    return MalformedRequest(_("The body holds text that is not valid Unicode"),
                            fields={path or "body": what})


def _check_tree(body: Any) -> None:
    """Walk the parsed body without recursion: depth and text."""
    stack: list[tuple[Any, str, int]] = [(body, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if not _text_ok(value):
                raise _lone_surrogate(path)
            continue
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        for key, item in items:
            if isinstance(key, str) and not _text_ok(key):
                raise _lone_surrogate(path, _("a key is not valid text (a lone surrogate)"))
            if isinstance(item, (str, dict, list)):
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))


def query_param(request: Any, name: str) -> str | None:
    return (request.query_params or {}).get(name)


def header(request: Any, name: str) -> str | None:
    return request.headers.get(name.lower()) if request.headers else None


def accepts_page(request: Any) -> bool:
    """The request comes from a browser opening a page (it accepts HTML), not from a program."""
    return "text/html" in (header(request, "Accept") or "").lower()
