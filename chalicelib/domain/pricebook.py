"""The price book (价格本): labour operations (工时项目), parts (零件) and service packages
(保养套餐) made of them.

A bookable service IS a package: its labour, duration and price estimate are computed from its
content, so what the customer is quoted online is exactly what the repair order opens with.

- labour of a package line = the operation's flat-rate hours (工时) x the package's own rate for
  it when it has one (套餐工时单价: a diagnosis sold at ¥200 an hour, a free check at ¥0), else
  the store's labour rate (``labor_rate_fen``) at the time of reading;
- parts = quantity x the part's unit price;
- labour minutes = the hours x 60; duration (估时, how long the customer waits) = labour
  minutes + the package's handling minutes (交接、洗车), rounded up to a quarter of an hour.

Everything here is plain Python: the routes validate with it, db/ stores it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..i18n import _
from .errors import FieldErrors, ValidationError
from .money import decimal_text, parse_money, parse_quantity, yuan
# a package's figures at today's prices live on their own (issue 14, lean): the store's
# catalogue prices its packages on every cold start without importing the book's editing
from .package_price import (LABOR_LINE, PART_LINE, QUARTER, Estimate,  # noqa: F401
                            PricedLine, estimate, priced_lines)
from .validation import REQUIRED, clean_int, clean_text

OPERATION = "op"
PART = "part"
PACKAGE = "package"
KINDS = (OPERATION, PART, PACKAGE)
CATEGORIES = ("maintenance", "inspection", "repair", "bodywork", "recall")
MAX_HOURS = 99                     # one operation's flat-rate hours
MAX_QUANTITY = 999
MAX_PACKAGE_LINES = 30
MAX_HANDLING = 480
MAX_STOCK = 999_999
CODE_MAX = 30                     # a code or part number as typed (then checked by pattern)
NAME_MAX = 40
NAME_EN_MAX = 80
UNIT_MAX = 4
MAX_POSITION = 999                # a package's place in the catalogue
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_.\-]{1,23}")        # MAINT_BASIC, LB-OIL-01
PART_NUMBER_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_.\-]{1,29}")  # 06A115561B, 04152-YZZA1
UNITS = ("个", "件", "升", "瓶", "套", "对", "只", "条", "桶", "米", "组")
BAD_CODE = _("2 to 24 letters, digits, _ - or . (e.g. LB-OIL-01)")
BAD_PART_NUMBER = _("2 to 30 letters, digits, _ - or . (e.g. 06A115561B)")


# ---- the entries -------------------------------------------------------------------

@dataclass(frozen=True)
class Operation:
    """A labour operation (工时项目): its flat-rate hours (标准工时)."""
    code: str
    name: str
    name_en: str
    hours: Decimal
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "name_en": self.name_en,
                "hours": decimal_text(self.hours)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], version: int | None = None) -> "Operation":
        return cls(code=d["code"], name=d["name"], name_en=d.get("name_en", ""),
                   hours=Decimal(str(d["hours"])), version=version)

    def view(self) -> dict[str, Any]:
        return {**self.to_dict(), "version": self.version}

    def audit_view(self) -> dict[str, Any]:
        return self.to_dict()


@dataclass(frozen=True)
class Part:
    """A part (零件): its unit price, tax included, and unit; ``stock`` for the parts desk."""
    number: str
    name: str
    name_en: str
    unit_price_fen: int
    unit: str = "个"
    stock: int | None = None
    version: int | None = None

    @property
    def code(self) -> str:
        return self.number

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "name_en": self.name_en,
                "unit_price_fen": self.unit_price_fen, "unit": self.unit, "stock": self.stock}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], version: int | None = None) -> "Part":
        stock = d.get("stock")
        return cls(number=d["number"], name=d["name"], name_en=d.get("name_en", ""),
                   unit_price_fen=int(d["unit_price_fen"]), unit=d.get("unit") or "个",
                   stock=None if stock is None else int(stock), version=version)

    def view(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "name_en": self.name_en,
                "unit_price": yuan(self.unit_price_fen), "unit": self.unit,
                "stock": self.stock, "version": self.version}

    def audit_view(self) -> dict[str, Any]:
        return {**self.to_dict(), "unit_price_fen": yuan(self.unit_price_fen)}


@dataclass(frozen=True)
class PackageItem:
    """One line of a package: an operation (with the package's own rate for it, or None: the
    store's labour rate) or a part with its quantity."""
    kind: str                  # labor / part
    code: str                  # operation code or part number
    quantity: Decimal = Decimal(1)   # parts only; labour takes the operation's hours
    rate_fen: int | None = None      # labour only

    def to_dict(self) -> dict[str, Any]:
        if self.kind == LABOR_LINE:
            return {"kind": self.kind, "code": self.code, "rate_fen": self.rate_fen}
        return {"kind": self.kind, "code": self.code, "quantity": decimal_text(self.quantity)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "PackageItem":
        rate = d.get("rate_fen")
        return cls(kind=d["kind"], code=d["code"], quantity=Decimal(str(d.get("quantity", 1))),
                   rate_fen=None if rate is None else int(rate))


@dataclass(frozen=True)
class Package:
    """A service package (保养套餐): what the customer books, made of operations and parts."""
    code: str
    name: str
    name_en: str
    category: str = "maintenance"
    position: int = 0
    test_drive: bool = False
    handling_minutes: int = 15
    items: tuple[PackageItem, ...] = ()
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "name_en": self.name_en,
                "category": self.category, "position": self.position,
                "test_drive": self.test_drive, "handling_minutes": self.handling_minutes,
                "items": [i.to_dict() for i in self.items]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], version: int | None = None) -> "Package":
        return cls(code=d["code"], name=d["name"], name_en=d.get("name_en", ""),
                   category=d.get("category", "maintenance"), position=int(d.get("position", 0)),
                   test_drive=bool(d.get("test_drive")),
                   handling_minutes=int(d.get("handling_minutes", 0)),
                   items=tuple(PackageItem.from_dict(i) for i in d.get("items", [])),
                   version=version)

    def audit_view(self) -> dict[str, Any]:
        data = self.to_dict()
        data["items"] = {f"{i.kind}:{i.code}": (i.to_dict().get("quantity") or
                                                 (yuan(i.rate_fen) if i.rate_fen is not None
                                                  else "rate"))
                         for i in self.items}
        return data

    def uses(self, kind: str, code: str) -> bool:
        line_kind = LABOR_LINE if kind == OPERATION else PART_LINE
        return any(i.kind == line_kind and i.code == code for i in self.items)


# ---- a package, priced -------------------------------------------------------------

def package_lines(package: Package, operations: Mapping[str, Operation],
                  parts: Mapping[str, Part]) -> tuple[dict[str, Any], ...]:
    """The package's lines as the catalogue keeps them (names, hours, prices copied from the
    price book), so the booking path reads one item per service."""
    lines: list[dict[str, Any]] = []
    for item in package.items:
        if item.kind == LABOR_LINE:
            op = operations[item.code]
            lines.append({"kind": LABOR_LINE, "code": op.code, "name": op.name,
                          "name_en": op.name_en, "hours": decimal_text(op.hours),
                          "rate_fen": item.rate_fen})
        else:
            part = parts[item.code]
            lines.append({"kind": PART_LINE, "code": part.number, "name": part.name,
                          "name_en": part.name_en, "quantity": decimal_text(item.quantity),
                          "unit_price_fen": part.unit_price_fen, "unit": part.unit})
    return tuple(lines)


# ---- validation ----------------------------------------------------------------------

def _code(errors: FieldErrors, field_name: str, raw: Any, pattern: re.Pattern[str],
          problem) -> str:
    text = clean_text(errors, field_name, raw, max_len=CODE_MAX, required=True).upper()
    if text and field_name not in errors.fields and not pattern.fullmatch(text):
        errors.add(field_name, problem)
    return text


def _names(errors: FieldErrors, body: Mapping[str, Any]) -> tuple[str, str]:
    name = clean_text(errors, "name", body.get("name"), max_len=NAME_MAX, required=True)
    name_en = clean_text(errors, "name_en", body.get("name_en"), max_len=NAME_EN_MAX)
    return name, name_en


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise ValidationError(_("The request must be a JSON object"),
                              fields={"body": _("must be an object")})
    return body


def parse_operation(body: Any, *, code: str | None = None) -> Operation:
    """An operation from a form or a sheet row; ``code`` when the URL names it."""
    body = _object(body)
    errors = FieldErrors()
    op_code = code if code is not None else _code(errors, "code", body.get("code"),
                                                  CODE_PATTERN, BAD_CODE)
    name, name_en = _names(errors, body)
    hours = parse_quantity(errors, "hours", body.get("hours"), high=MAX_HOURS)
    errors.raise_if_any()
    assert hours is not None
    return Operation(code=op_code, name=name, name_en=name_en, hours=hours)


def parse_part(body: Any, *, number: str | None = None) -> Part:
    body = _object(body)
    errors = FieldErrors()
    part_number = number if number is not None else _code(
        errors, "number", body.get("number"), PART_NUMBER_PATTERN, BAD_PART_NUMBER)
    name, name_en = _names(errors, body)
    price = parse_money(errors, "unit_price", body.get("unit_price"))
    if price == 0:
        errors.add("unit_price", _("must be more than 0"))
    unit = clean_text(errors, "unit", body.get("unit"), max_len=UNIT_MAX) or "个"
    if "unit" not in errors.fields and unit not in UNITS:
        errors.add("unit", _("one of: %(units)s", units=" ".join(UNITS)))
    stock = clean_int(errors, "stock", body.get("stock"), low=0, high=MAX_STOCK)
    errors.raise_if_any()
    assert price is not None
    return Part(number=part_number, name=name, name_en=name_en, unit_price_fen=price,
                unit=unit, stock=stock)


def parse_package(body: Any, *, code: str | None = None, operations: Mapping[str, Any],
                  parts: Mapping[str, Any]) -> Package:
    """A package and its content; ``operations`` and ``parts`` are the price book's entries
    its lines may name (by code)."""
    body = _object(body)
    errors = FieldErrors()
    pkg_code = code if code is not None else _code(errors, "code", body.get("code"),
                                                   CODE_PATTERN, BAD_CODE)
    name, name_en = _names(errors, body)
    category = body.get("category") or "maintenance"
    if category not in CATEGORIES:
        errors.add("category", _("must be one of: %(choices)s", choices=", ".join(CATEGORIES)))
    position = clean_int(errors, "position", body.get("position"), low=0, high=MAX_POSITION) or 0
    handling = clean_int(errors, "handling_minutes", body.get("handling_minutes"), low=0,
                         high=MAX_HANDLING)
    test_drive = body.get("test_drive", False)
    if not isinstance(test_drive, bool):
        errors.add("test_drive", _("must be true or false"))
    raw_items = body.get("items")
    items: list[PackageItem] = []
    if not isinstance(raw_items, list) or not raw_items:
        errors.add("items", _("add at least one operation or part"))
        raw_items = []
    elif len(raw_items) > MAX_PACKAGE_LINES:
        errors.add("items", _("at most %(count)s", count=MAX_PACKAGE_LINES))
        raw_items = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(raw_items):
        where = f"items.{i}"
        if not isinstance(raw, dict):
            errors.add(where, _("must be an object"))
            continue
        kind = raw.get("kind")
        item_code = raw.get("code")
        if kind not in (LABOR_LINE, PART_LINE):
            errors.add(f"{where}.kind", _("required: labor or part"))
            continue
        if not isinstance(item_code, str) or not item_code:
            errors.add(f"{where}.code", REQUIRED)
            continue
        item_code = item_code.strip().upper()
        known = operations if kind == LABOR_LINE else parts
        if item_code not in known:
            errors.add(f"{where}.code", _("not in the price book") if kind == PART_LINE
                       else _("no such operation in the price book"))
            continue
        if (kind, item_code) in seen:
            errors.add(f"{where}.code", _("already in this package"))
            continue
        seen.add((kind, item_code))
        if kind == LABOR_LINE:
            rate = parse_money(errors, f"{where}.rate", raw.get("rate"), required=False)
            items.append(PackageItem(LABOR_LINE, item_code, rate_fen=rate))
        else:
            qty = parse_quantity(errors, f"{where}.quantity", raw.get("quantity"),
                                 high=MAX_QUANTITY)
            if qty is not None:
                items.append(PackageItem(PART_LINE, item_code, quantity=qty))
    errors.raise_if_any()
    return Package(code=pkg_code, name=name, name_en=name_en, category=category,
                   position=position, test_drive=bool(test_drive),
                   handling_minutes=15 if handling is None else handling, items=tuple(items))


# ---- type-ahead search keys (检索键) --------------------------------------------------
# Each entry is found by any part of its code, its Chinese name from any character on, the
# pinyin initials of its name (机油滤清器 -> jylqq) from any letter on, and each word of its
# English name: one search key item per such text, so a search is one Query (begins_with).
MAX_KEY_TEXT = 24
MIN_QUERY = 1


def normalize(text: str) -> str:
    """Lower case, letters, digits and Chinese only: "06A-115 561" -> "06a115561"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def initials(text: str) -> str:
    """Pinyin initials of the Chinese in ``text``, other letters and digits kept: 机油滤清器 ->
    jylqq, 机油 5W-30 -> jy5w30."""
    from pypinyin import Style, lazy_pinyin
    return normalize("".join(lazy_pinyin(text, style=Style.FIRST_LETTER, strict=False)))


def _kind_of_char(ch: str) -> str:
    return "d" if ch.isdigit() else ("l" if ch.isascii() else "c")


def _suffixes(text: str, min_len: int = 1) -> set[str]:
    """The text from each place a search may start typing it: every Chinese character (a name
    is searched from its middle: 滤清器 of 机油滤清器), and where letters turn to digits or back
    (5w30 of 机油5w30, 115561b of 06a115561b)."""
    text = text[:MAX_KEY_TEXT]
    starts = [i for i, ch in enumerate(text)
              if i == 0 or _kind_of_char(ch) == "c" or _kind_of_char(ch) != _kind_of_char(text[i - 1])]
    return {text[i:] for i in starts if len(text) - i >= min_len}


def _initial_suffixes(name: str) -> set[str]:
    """The pinyin initials from each Chinese character on (jylqq, lqq of 机油滤清器); other
    letters and digits kept as they are (jy5w30 of 机油 5W-30)."""
    from pypinyin import Style, lazy_pinyin
    text, starts = "", []
    for ch in normalize(name)[:MAX_KEY_TEXT]:
        if _kind_of_char(ch) == "c":
            starts.append(len(text))
            text += normalize("".join(lazy_pinyin(ch, style=Style.FIRST_LETTER, strict=False)))[:1]
        else:
            text += ch
    return {text[i:] for i in starts + [0] if text[i:]} if starts else set()


def search_texts(code: str, name: str, name_en: str) -> set[str]:
    """Every text whose start a search may type to find this entry."""
    texts = {normalize(code)}
    # a part number is often read off the box from the middle: 115561 of 06A115561B
    texts |= _suffixes(normalize(code), min_len=4)
    texts |= _suffixes(normalize(name))
    texts |= _initial_suffixes(name)
    words = [normalize(w) for w in re.split(r"[\s/,()\-]+", name_en) if w]
    texts |= {"".join(words[i:])[:MAX_KEY_TEXT] for i in range(len(words))}
    return {t for t in texts if t}


def search_query(raw: Any) -> str:
    """What a search typed, as the keys are written; "" when there is nothing to search."""
    if not isinstance(raw, str):
        return ""
    return normalize(raw[:60])[:MAX_KEY_TEXT]


def hit_view(kind: str, entry: Operation | Part) -> dict[str, Any]:
    """What the type-ahead shows (and what its search key items carry)."""
    if isinstance(entry, Operation):
        return {"kind": OPERATION, "code": entry.code, "name": entry.name,
                "name_en": entry.name_en, "hours": decimal_text(entry.hours)}
    return {"kind": PART, "code": entry.number, "name": entry.name, "name_en": entry.name_en,
            "unit_price": yuan(entry.unit_price_fen), "unit": entry.unit}


# ---- sheets (import and export) ---------------------------------------------------------
MAX_SHEET_BYTES = 700 * 1024          # a 5000-row parts sheet is ~250 KB as .xlsx
MAX_SHEET_ROWS = 5000
COLUMNS = {
    OPERATION: ("code", "name", "name_en", "hours"),
    PART: ("number", "name", "name_en", "unit_price", "unit", "stock"),
}
# headers people write in Chinese sheets, read as the columns above
HEADER_ALIASES = {"工时代码": "code", "代码": "code", "项目名称": "name", "名称": "name",
                  "英文名称": "name_en", "工时": "hours", "标准工时": "hours", "零件号": "number",
                  "配件编号": "number", "零件名称": "name", "单价": "unit_price",
                  "销售价": "unit_price", "单位": "unit", "库存": "stock"}


@dataclass(frozen=True)
class RowProblem:
    row: int            # the sheet's row number, as the spreadsheet shows it (header = 1)
    column: str
    problem: Any        # a Message

    def view(self, locale: str) -> dict[str, Any]:
        text = self.problem.render(locale) if hasattr(self.problem, "render") else str(self.problem)
        return {"row": self.row, "column": self.column, "reason": text}


@dataclass
class SheetResult:
    good: list[Operation | Part] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


def header_columns(kind: str, header: list[Any]) -> dict[int, str]:
    """Column index -> field, from the header row (English field names or Chinese headers);
    a sheet without a needed column is refused as a whole."""
    known = COLUMNS[kind]
    found: dict[int, str] = {}
    for i, cell in enumerate(header):
        text = str(cell or "").strip()
        name = HEADER_ALIASES.get(text, text.lower())
        if name in known and name not in found.values():
            found[i] = name
    required = ("code", "name", "hours") if kind == OPERATION else ("number", "name", "unit_price")
    missing = [c for c in required if c not in found.values()]
    if missing:
        raise ValidationError(_("The sheet's first row must name its columns"),
                              fields={"file": _("columns missing: %(columns)s",
                                                columns=", ".join(missing))})
    return found


def _cell(value: Any) -> Any:
    """A cell as a form would send it: numbers as exact text (a float cell 45.5 -> "45.5")."""
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(value)


def parse_rows(kind: str, rows: Iterable[list[Any]]) -> SheetResult:
    """The sheet's rows (the first is the header): the good entries and each refused row's
    problems (row number, column, reason). A code twice in the sheet: the second is refused."""
    result = SheetResult()
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise ValidationError(_("The sheet is empty"), fields={"file": _("no rows")})
    columns = header_columns(kind, list(header))
    key = "code" if kind == OPERATION else "number"
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        values = {name: _cell(row[i]) if i < len(row) else None for i, name in columns.items()}
        if all(v in (None, "") for v in values.values()):
            continue                   # blank rows between blocks are not mistakes
        result.rows += 1
        if result.rows > MAX_SHEET_ROWS:
            raise ValidationError(_("The sheet has too many rows"),
                                  fields={"file": _("at most %(count)s rows",
                                                    count=MAX_SHEET_ROWS)})
        try:
            entry = parse_operation(values) if kind == OPERATION else parse_part(values)
        except ValidationError as exc:
            for column, problem in exc.fields.items():
                result.problems.append(RowProblem(number, column, problem))
            continue
        if entry.code in seen:
            result.problems.append(RowProblem(number, key, _("same as row %(row)s",
                                                             row=seen[entry.code])))
            continue
        seen[entry.code] = number
        result.good.append(entry)
    return result


def sheet_rows(kind: str, entries: Iterable[Operation | Part]) -> list[list[Any]]:
    """The export: a header row of field names, then one row per entry (prices in yuan)."""
    rows: list[list[Any]] = [list(COLUMNS[kind])]
    for e in entries:
        if isinstance(e, Operation):
            rows.append([e.code, e.name, e.name_en, decimal_text(e.hours)])
        else:
            rows.append([e.number, e.name, e.name_en, yuan(e.unit_price_fen), e.unit,
                         "" if e.stock is None else e.stock])
    return rows


def changed(old: Operation | Part | Package | None, new: Operation | Part | Package) -> bool:
    return old is None or replace(old, version=None) != replace(new, version=None)
