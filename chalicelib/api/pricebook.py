"""The price book (价格本): labour operations, parts and service packages; staff routes.

The manager administers it; the front desk (advisor, manager) searches it to add order
lines, so the search is open to FRONT_DESK."""
from __future__ import annotations

from chalice import Response

from ..domain.staff import FRONT_DESK, MANAGERS
from .http import LazyModule, json_response
from .staff import _body, _q, staff_api, staff_route

book = LazyModule("chalicelib.services.pricebook")
KINDS = "operations|parts|packages"


@staff_route("/api/staff/pricebook/search", "GET", FRONT_DESK,
             "Type-ahead: operations and parts by code, name, pinyin initials (?q=); one query")
def pricebook_search(staff):
    return book.search(_q("q"))


@staff_route("/api/staff/pricebook/export", "GET", MANAGERS,
             "Operations or parts as a sheet (?kind=operations|parts&format=xlsx|csv)")
def pricebook_export(staff):
    body, content_type, name = book.export(_q("kind"), _q("format") or "xlsx")
    return Response(body=body, status_code=200, headers={
        "Content-Type": content_type, "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store"})


@staff_route("/api/staff/pricebook/import", "POST", MANAGERS,
             "Import operations or parts from .xlsx/.csv ({kind, filename, content: base64}): "
             "good rows applied, refused rows reported")
def pricebook_import(staff):
    return book.import_sheet(_body(), staff)


@staff_route("/api/staff/pricebook/{kind}", "GET", MANAGERS,
             f"Price book entries ({KINDS}); ?after= next page, ?q= filter")
def pricebook_list(staff, kind):
    return book.list_entries(kind, _q("after"), _q("q"))


@staff_route("/api/staff/pricebook/{kind}", "POST", MANAGERS,
             f"Add an entry to the price book ({KINDS})")
def pricebook_create(staff, kind):
    return json_response(book.create(kind, _body(), staff), status=201)


@staff_route("/api/staff/pricebook/{kind}/{code}", "PUT", MANAGERS,
             f"Change a price book entry ({KINDS}; body carries its version)")
def pricebook_update(staff, kind, code):
    return book.update(kind, code, _body(), staff)


@staff_route("/api/staff/pricebook/{kind}/{code}/history", "GET", MANAGERS,
             "An entry's changes: who, when, before and after")
def pricebook_history(staff, kind, code):
    return book.history(kind, code)
