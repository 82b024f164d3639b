"""The price book's use cases (价格本): the manager edits operations, parts and packages,
imports and exports sheets; the advisor searches it and adds lines from it."""
from __future__ import annotations

import base64
import binascii
import csv
import io
from dataclasses import replace
from typing import Any

from .. import clock
from ..config import get_config
from ..db import pricebook as book_db
from ..domain import audit as audit_rules
from ..domain import pricebook as pb
from ..domain.errors import Conflict, FieldErrors, NotFound, ValidationError
from ..domain.money import decimal_text, yuan
from ..domain.staff import Staff
from ..domain.store import Service
from ..i18n import _, current_language
from ..logs import log_event
from .store import current_store, forget_store

PAGE = 50
NOT_FOUND = _("Not in the price book")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_NAMES = {"operations": pb.OPERATION, "parts": pb.PART, "packages": pb.PACKAGE}


def _kind(raw: Any, field_name: str = "kind", sheets_only: bool = False) -> str:
    allowed = ("operations", "parts") if sheets_only else tuple(KIND_NAMES)
    if raw not in allowed:
        raise ValidationError(_("Please correct the marked fields"),
                              fields={field_name: _("must be one of: %(choices)s",
                                                    choices=", ".join(allowed))})
    return KIND_NAMES[raw]


def _audit(kind: str, old: Any, new: Any, staff: Staff, action: str):
    return audit_rules.entry(audit_rules.PRICEBOOK, f"{kind}:{new.code}", actor=staff.username,
                             actor_name=staff.name, action=action, at=clock.now(),
                             before=old.audit_view() if old is not None else None,
                             after=new.audit_view())


# ---- packages -> catalogue -------------------------------------------------------------

def _service(package: pb.Package, ops: dict[str, Any], parts: dict[str, Any]) -> Service:
    lines = pb.package_lines(package, ops, parts)
    service = Service(code=package.code, name=package.name, name_en=package.name_en,
                      duration_min=0, labor_minutes=0, price_estimate_fen=0,
                      category=package.category, position=package.position,
                      test_drive=package.test_drive, lines=lines,
                      handling_minutes=package.handling_minutes)
    return service.priced(current_store().settings.labor_rate_fen)


def services_for(packages: list[pb.Package], changed: list[Any] = ()) -> list[Service]:
    """The catalogue items of ``packages``, with ``changed`` entries in place of the stored."""
    op_codes = {i.code for p in packages for i in p.items if i.kind == pb.LABOR_LINE}
    part_codes = {i.code for p in packages for i in p.items if i.kind == pb.PART_LINE}
    ops = book_db.many(pb.OPERATION, op_codes)
    parts = book_db.many(pb.PART, part_codes)
    for entry in changed:
        (ops if isinstance(entry, pb.Operation) else parts)[entry.code] = entry
    return [_service(p, ops, parts) for p in packages]


def _containing(entries: list[Any]) -> list[pb.Package]:
    """The packages that contain any of ``entries`` (one Query of the packages)."""
    wanted = {(book_db.kind_of(e), e.code) for e in entries}
    return [p for p in book_db.all_entries(pb.PACKAGE)
            if any(p.uses(k, c) for k, c in wanted)]


# ---- reading ---------------------------------------------------------------------------

def _package_view(package: pb.Package, service: Service | None) -> dict[str, Any]:
    data = package.to_dict()
    data["items"] = [{**i.to_dict(), "rate": yuan(i.rate_fen) if i.rate_fen is not None else None}
                     for i in package.items]
    data["version"] = package.version
    if service is not None:
        data.update(labor_minutes=service.labor_minutes, duration_min=service.duration_min,
                    price_estimate=yuan(service.price_estimate_fen),
                    lines=[{k: v for k, v in ln.items()} for ln in service.lines])
    return data


def list_entries(kind_name: Any, after: Any, q: Any) -> dict[str, Any]:
    """A page of operations or parts in code order (?after= the last code shown), or every
    package with its computed figures; ``q`` filters operations and parts by the search."""
    kind = _kind(kind_name)
    ctx = current_store()
    if kind == pb.PACKAGE:
        packages = sorted(book_db.all_entries(pb.PACKAGE), key=lambda p: (p.position, p.code))
        services = {s.code: s for s in services_for(packages)}
        return {"packages": [_package_view(p, services.get(p.code)) for p in packages],
                "labor_rate": yuan(ctx.settings.labor_rate_fen)}
    text = pb.search_query(q)
    if text:
        codes = [h["code"] for h in book_db.search(text, limit=PAGE) if h["kind"] == kind]
        found = sorted(book_db.many(kind, codes).values(), key=lambda e: e.code)
        return {"items": [e.view() for e in found], "next": None}
    start = after if isinstance(after, str) and 0 < len(after) <= 40 else None
    found, more = book_db.entries(kind, limit=PAGE, after=start)
    return {"items": [e.view() for e in found], "next": more}


def search(q: Any) -> dict[str, Any]:
    """Type-ahead (检索): operations and parts whose code, Chinese name (from any character),
    pinyin initials or English word start with ``q``; one Query."""
    text = pb.search_query(q)
    if len(text) < pb.MIN_QUERY:
        raise ValidationError(_("Type what to search for"), fields={"q": _("required")})
    return {"q": text, "results": book_db.search(text)}


# ---- writing one entry ------------------------------------------------------------------

def _expected(old: Any, body: dict[str, Any]) -> int:
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError(_("Please correct the marked fields"),
                              fields={"version": _("required: the version you read")})
    if old is None:
        raise NotFound(NOT_FOUND, code="pricebook_not_found")
    if version != old.version:
        raise Conflict(book_db.CHANGED, code="pricebook_changed")
    return version


def _parse(kind: str, body: Any, code: str | None) -> Any:
    if kind == pb.OPERATION:
        return pb.parse_operation(body, code=code)
    if kind == pb.PART:
        return pb.parse_part(body, number=code)
    items = body.get("items") if isinstance(body, dict) else None
    items = items if isinstance(items, list) else []
    named = [i for i in items if isinstance(i, dict) and isinstance(i.get("code"), str)]
    ops = book_db.many(pb.OPERATION, {i["code"].strip().upper() for i in named
                                      if i.get("kind") == pb.LABOR_LINE and i["code"].strip()})
    parts = book_db.many(pb.PART, {i["code"].strip().upper() for i in named
                                   if i.get("kind") == pb.PART_LINE and i["code"].strip()})
    return pb.parse_package(body, code=code, operations=ops, parts=parts)


def _write(kind: str, old: Any, new: Any, staff: Staff, action: str) -> dict[str, Any]:
    if not pb.changed(old, new):
        return _saved_view(kind, old)
    packages = [new] if kind == pb.PACKAGE else _containing([new])
    services = services_for(packages, [] if kind == pb.PACKAGE else [new])
    book_db.save([new], audit=[_audit(kind, old, new, staff, action)],
                 store_id=get_config().store_id, services=services)
    book_db.write_search_keys([(old, new)])
    forget_store()
    log_event("pricebook_saved", kind=kind, code=new.code, action=action,
              packages=len(packages) if kind != pb.PACKAGE else 0)
    return _saved_view(kind, replace(new, version=(new.version or 0) + 1))


def _saved_view(kind: str, entry: Any) -> dict[str, Any]:
    if kind == pb.PACKAGE:
        return _package_view(entry, services_for([entry])[0])
    return entry.view()


def create(kind_name: str, body: Any, staff: Staff) -> dict[str, Any]:
    kind = _kind(kind_name)
    new = _parse(kind, body, None)
    if book_db.get(kind, new.code) is not None:
        field_name = "number" if kind == pb.PART else "code"
        raise Conflict(_("This code is already in the price book"), code="pricebook_exists",
                       fields={field_name: _("already in the price book")})
    return _write(kind, None, replace(new, version=0), staff, "created")


def update(kind_name: str, code: str, body: Any, staff: Staff) -> dict[str, Any]:
    kind = _kind(kind_name)
    old = book_db.get(kind, code)
    if old is None:
        raise NotFound(NOT_FOUND, code="pricebook_not_found")
    new = _parse(kind, body, old.code)
    version = _expected(old, body)
    return _write(kind, old, replace(new, version=version), staff, "changed")


def history(kind_name: Any, code: str) -> dict[str, Any]:
    from ..db import audit as audit_db
    kind = _kind(kind_name)
    entries = audit_db.history(audit_rules.subject(audit_rules.PRICEBOOK, f"{kind}:{code}"), 50)
    return {"history": [e.view() for e in entries]}


# ---- the advisor's lines from the book ----------------------------------------------------

def line_from_book(body: Any) -> tuple[Any, int | None]:
    """An order line as typed, with what it leaves out filled from the price book: an
    operation's name and hours, a part's name and unit price. Also the part's list price per
    unit (the price book's), or None when the part is not in the book (typed by hand)."""
    if not isinstance(body, dict):
        return body, None
    if body.get("kind") == "part" and isinstance(body.get("part_number"), str):
        part = book_db.get(pb.PART, body["part_number"].strip().upper())
        if part is None:
            return body, None
        filled = dict(body, part_number=part.number)
        if not body.get("description"):
            filled["description"] = part.name
        if body.get("unit_price") in (None, ""):
            filled["unit_price"] = yuan(part.unit_price_fen)
        if body.get("quantity") in (None, ""):
            filled["quantity"] = "1"
        return filled, part.unit_price_fen
    if body.get("kind") == "labor" and isinstance(body.get("operation"), str):
        op = book_db.get(pb.OPERATION, body["operation"].strip().upper())
        if op is None:
            return body, None
        filled = dict(body, operation=op.code)
        if not body.get("description"):
            filled["description"] = op.name
        if body.get("hours") in (None, ""):
            filled["hours"] = decimal_text(op.hours)
        return filled, None
    return body, None


# ---- sheets ------------------------------------------------------------------------------

def export(kind_name: Any, fmt: Any) -> tuple[bytes | str, str, str]:
    """The operations or parts as .xlsx or .csv: (body, content type, file name)."""
    kind = _kind(kind_name, sheets_only=True)
    if fmt not in ("xlsx", "csv"):
        raise ValidationError(_("Please correct the marked fields"),
                              fields={"format": _("must be one of: %(choices)s",
                                                  choices="xlsx, csv")})
    rows = pb.sheet_rows(kind, book_db.all_entries(kind))
    name = f"{kind_name}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        # with a BOM: Excel then opens the UTF-8 Chinese correctly
        return "\ufeff" + out.getvalue(), "text/csv; charset=utf-8", name
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(kind_name)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), XLSX, name


def _sheet(body: Any) -> tuple[str, list[list[Any]]]:
    if not isinstance(body, dict):
        raise ValidationError(_("The request must be a JSON object"),
                              fields={"body": _("must be an object")})
    errors = FieldErrors()
    kind_name = body.get("kind")
    if kind_name not in ("operations", "parts"):
        errors.add("kind", _("must be one of: %(choices)s", choices="operations, parts"))
    rows = uploaded_sheet(errors, body, max_bytes=pb.MAX_SHEET_BYTES)
    return KIND_NAMES[kind_name], rows


def uploaded_sheet(errors: FieldErrors, body: dict[str, Any], *, max_bytes: int) -> list[list[Any]]:
    """The rows of a spreadsheet sent as ``{filename, content}`` (base64 of an .xlsx or a
    UTF-8/GBK .csv): the price book's import and a recall's VIN list. Problems join
    ``errors`` (with any the caller found) and are raised here, all at once."""
    filename = body.get("filename")
    fmt = ""
    if not isinstance(filename, str) or not filename.strip():
        errors.add("filename", _("required"))
    else:
        fmt = filename.strip().lower().rsplit(".", 1)[-1]
        if fmt not in ("xlsx", "csv"):
            errors.add("filename", _("an .xlsx or .csv file"))
    content = body.get("content")
    data = b""
    if not isinstance(content, str) or not content:
        errors.add("content", _("required"))
    elif len(content) > max_bytes * 4 // 3 + 4:
        errors.add("content", _("at most %(kb)s KB", kb=max_bytes // 1024))
    else:
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            errors.add("content", _("must be the file in base64"))
    errors.raise_if_any()
    return _rows(fmt, data)


def _rows(fmt: str, data: bytes) -> list[list[Any]]:
    unreadable = ValidationError(_("The file could not be read"),
                                 fields={"content": _("not a readable %(format)s file",
                                                      format=fmt)})
    if fmt == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")     # Excel in China saves CSV as GBK
            except UnicodeDecodeError:
                raise unreadable from None
        return [row for row in csv.reader(io.StringIO(text))][:pb.MAX_SHEET_ROWS + 2]
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(list(row)[:12])
            if len(rows) > pb.MAX_SHEET_ROWS + 2:
                break
        wb.close()
        return rows
    except Exception:   # a broken or disguised file: openpyxl raises many kinds
        raise unreadable from None


def import_sheet(body: Any, staff: Staff) -> dict[str, Any]:
    """Import operations or parts: the good rows are applied (new entries created, changed
    ones updated and audited, unchanged ones left alone), the refused rows reported one by
    one (row, column, reason in the reader's language). Packages that contain a changed
    entry get its new figures."""
    kind, rows = _sheet(body)
    result = pb.parse_rows(kind, rows)
    current = book_db.many(kind, [e.code for e in result.good])
    writes, audit, pairs = [], [], []
    for entry in result.good:
        old = current.get(entry.code)
        if old is not None and not pb.changed(old, entry):
            continue
        new = replace(entry, version=old.version if old else 0)
        writes.append(new)
        pairs.append((old, new))
        audit.append(_audit(kind, old, new, staff, "imported"))
    services = services_for(_containing(writes), writes) if writes else []
    book_db.save_bulk(writes, audit=audit, store_id=get_config().store_id, services=services)
    book_db.write_search_keys(pairs)
    forget_store()
    created = sum(1 for old, _new in pairs if old is None)
    log_event("pricebook_imported", kind=kind, rows=result.rows, created=created,
              changed=len(pairs) - created, refused=len({p.row for p in result.problems}))
    lang = current_language()
    return {"rows": result.rows, "created": created, "changed": len(pairs) - created,
            "unchanged": len(result.good) - len(pairs),
            "refused": len({p.row for p in result.problems}),
            "problems": [p.view(lang) for p in result.problems],
            "packages": [s.code for s in services]}

