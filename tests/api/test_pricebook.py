"""The price book (价格本): packages priced from their content, the order opening with exactly the
booked lines, the manager's edits (validated, audited, versioned), the advisor's type-ahead and
lines from the book, sheets in and out."""
from __future__ import annotations

import base64
import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from chalicelib.db import pricebook as pricebook_db
from chalicelib.db.models import AuditItem, PricebookItem, RepairOrderItem
from infra.catalogue import standard_pricebook
from tests.factories import booking_body, checkin_body, store_time

OPS = "/api/staff/pricebook/operations"
PARTS = "/api/staff/pricebook/parts"
PACKAGES = "/api/staff/pricebook/packages"


@pytest.fixture
def book(aws):
    pricebook_db.seed(*standard_pricebook())


@pytest.fixture
def manager(staff, book):
    return staff.as_("manager")


@pytest.fixture
def advisor(staff, book):
    return staff.as_("advisor")


def _services(api):
    return {s["code"]: s for s in api.get("/api/services").json_body}


def _checked_in(api, advisor, clock, services):
    booked = api.book(booking_body(services=services))
    assert booked.status_code == 201, booked.json_body
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    answer = advisor.post("/api/staff/checkins", checkin_body(booking_id=booked.json_body["id"]))
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def _audit(subject):
    return list(AuditItem.query(f"pricebook#{subject}"))


# ---- a package's figures and the order it opens -------------------------------------------

def test_the_catalogue_keeps_its_contract_and_figures(api, book):
    services = _services(api)
    assert set(services["DIAG"]) == {"code", "name", "name_en", "duration_min", "labor_hours",
                                     "price_estimate", "currency", "category"}
    basic = services["MAINT_BASIC"]
    assert (basic["price_estimate"], basic["duration_min"], basic["labor_hours"]) == \
        ("480.00", 60, 0.8)
    assert services["DIAG"]["price_estimate"] == "200.00"
    assert services["MAINT_30K"]["price_estimate"] == "1580.00"


def test_a_booked_diagnosis_opens_at_the_price_the_customer_was_quoted(api, advisor, clock):
    """The defect of issue 13: ¥200 booked online opened as 1 h x ¥300."""
    order = _checked_in(api, advisor, clock, ["DIAG"])
    assert order["estimate"]["total"] == "200.00"
    [line] = order["lines"]
    assert (line["code"], line["quantity"], line["unit_price"]) == ("LB-DIAG", "1", "200.00")


def test_check_in_turns_each_package_into_exactly_its_lines(api, advisor, clock):
    services = _services(api)
    order = _checked_in(api, advisor, clock, ["MAINT_10K", "BRAKE_CHECK"])
    quoted = sum(int(services[c]["price_estimate"].replace(".", "")) for c in
                 ("MAINT_10K", "BRAKE_CHECK"))
    assert order["estimate"]["total"] == f"{quoted // 100}.{quoted % 100:02d}" == "830.00"
    rows = [(ln["kind"], ln["code"], ln["quantity"], ln["unit_price"]) for ln in order["lines"]]
    assert rows == [("labor", "LB-OIL", "0.8", "300.00"), ("part", "G052195M4", "4", "50.00"),
                    ("part", "06A115561B", "1", "40.00"), ("labor", "LB-AIRF", "0.2", "300.00"),
                    ("labor", "LB-INSP", "0.2", "300.00"), ("part", "5Q0129620D", "1", "80.00"),
                    ("labor", "LB-BRAKE", "0.6", "250.00")]
    oil = order["lines"][0]["id"]
    # the package's parts go with its first job: the customer approves them together
    assert [ln["labor_line"] for ln in order["lines"] if ln["kind"] == "part"] == [oil] * 3
    stored = RepairOrderItem.get(order["id"])
    assert {ln["package"] for ln in stored.lines} == {"MAINT_10K", "BRAKE_CHECK"}


def test_a_labour_rate_change_reprices_packages_without_rewriting_them(api, store, book):
    store(labor_rate_fen=40000)
    services = _services(api)
    assert services["MAINT_BASIC"]["price_estimate"] == "560.00"   # 0.8 h x 400 + 240
    assert services["DIAG"]["price_estimate"] == "200.00"          # its own rate


# ---- the manager edits ---------------------------------------------------------------------

def test_a_part_price_change_reaches_the_estimate_is_audited_and_spares_sent_lines(
        api, advisor, manager, clock):
    order = _checked_in(api, advisor, clock, ["MAINT_BASIC"])
    sent = advisor.post(f"/api/staff/orders/{order['id']}/send-approval",
                        {"channel": "sms", "version": order["version"],
                         "promised_at": "2026-12-01T17:00:00+08:00"})
    assert sent.status_code == 200, sent.json_body
    filt = manager.get(f"{PARTS}?q=06A115561B").json_body["items"][0]
    changed = manager.put(f"{PARTS}/06A115561B", {**filt, "unit_price": "55.00"})
    assert changed.status_code == 200, changed.json_body
    assert changed.json_body["unit_price"] == "55.00" and changed.json_body["version"] == 2
    assert _services(api)["MAINT_BASIC"]["price_estimate"] == "495.00"
    assert _services(api)["MAINT_10K"]["price_estimate"] == "695.00"
    [entry] = _audit("part:06A115561B")
    assert entry.actor == "manager" and entry.action == "changed"
    assert entry.changes["unit_price_fen"] == {"before": "40.00", "after": "55.00"}
    # the order the customer has keeps its price
    again = advisor.get(f"/api/staff/orders/{order['id']}").json_body
    assert again["estimate"]["total"] == "480.00"
    assert [ln["unit_price"] for ln in again["lines"] if ln["code"] == "06A115561B"] == ["40.00"]
    # a second editor on the old version: 409, nothing written
    stale = manager.put(f"{PARTS}/06A115561B", {**filt, "unit_price": "60.00"})
    assert stale.status_code == 409 and stale.json_body["error"]["code"] == "pricebook_changed"
    assert len(_audit("part:06A115561B")) == 1


def test_a_package_content_change_is_validated_and_recomputed(api, manager):
    listed = manager.get(PACKAGES).json_body
    assert listed["labor_rate"] == "300.00"
    diag = next(p for p in listed["packages"] if p["code"] == "DIAG")
    assert diag["price_estimate"] == "200.00" and diag["test_drive"] is True
    body = {**diag, "items": [{"kind": "labor", "code": "LB-DIAG", "rate": "200.00"},
                              {"kind": "part", "code": "NOPE-1", "quantity": "1"},
                              {"kind": "part", "code": "06A115561B", "quantity": "0"}]}
    bad = manager.put(f"{PACKAGES}/DIAG", body)
    assert bad.status_code == 422
    assert set(bad.json_body["error"]["fields"]) == {"items.1.code", "items.2.quantity"}
    body["items"] = [{"kind": "labor", "code": "LB-DIAG", "rate": "200.00"},
                     {"kind": "part", "code": "06A115561B", "quantity": "1"}]
    body["test_drive"] = False
    ok = manager.put(f"{PACKAGES}/DIAG", body)
    assert ok.status_code == 200, ok.json_body
    assert ok.json_body["price_estimate"] == "240.00" and ok.json_body["duration_min"] == 60
    assert _services(api)["DIAG"]["price_estimate"] == "240.00"
    assert [e.action for e in _audit("package:DIAG")] == ["changed"]


def test_new_entries_are_checked_field_by_field(manager):
    bad = manager.post(OPS, {"code": "x", "name": "", "hours": "0"})
    assert bad.status_code == 422
    assert set(bad.json_body["error"]["fields"]) == {"code", "name", "hours"}
    assert bad.json_body["error"]["fields"]["name"] == "请填写此项"
    bad = manager.post(PARTS, {"number": "AB 12", "name": "x" * 41, "unit_price": "1.234",
                               "unit": "箱子", "stock": -1})
    assert set(bad.json_body["error"]["fields"]) == {"number", "name", "unit_price", "unit", "stock"}
    assert manager.post(PARTS, {"number": "N1", "name": "n", "unit_price": "0"}).status_code == 422
    before = PricebookItem.count("part")
    made = manager.post(PARTS, {"number": "n-900", "name": "刹车盘", "unit_price": "650",
                                "unit": "个", "stock": 2})
    assert made.status_code == 201 and made.json_body["number"] == "N-900"
    again = manager.post(PARTS, {"number": "N-900", "name": "刹车盘", "unit_price": "650"})
    assert again.status_code == 409 and again.json_body["error"]["fields"] == {
        "number": "已在价格本中"} or again.json_body["error"]["code"] == "pricebook_exists"
    assert PricebookItem.count("part") == before + 1
    assert manager.put(f"{OPS}/NOPE", {"name": "x", "hours": 1, "version": 1}).status_code == 404
    assert manager.put(f"{OPS}/LB-OIL", {"name": "x", "hours": 1}).status_code == 422


def test_only_the_manager_administers_the_book(staff, book):
    advisor = staff.as_("advisor")
    assert advisor.post(PARTS, {"number": "N1", "name": "n", "unit_price": "1"}).status_code == 403
    assert advisor.get("/api/staff/pricebook/search?q=jy").status_code == 200


# ---- the type-ahead and lines from the book -----------------------------------------------

@pytest.mark.parametrize("typed, found", [
    ("jylq", "06A115561B"),          # pinyin initials of 机油滤清器
    ("滤清器", "06A115561B"),          # Chinese from the middle
    ("06a115", "06A115561B"),        # code start, any case
    ("115561", "06A115561B"),        # part number read from the middle
    ("oil filter", "06A115561B"),    # English words
    ("lb-oil", "LB-OIL"),
    ("gzjc", "LB-DIAG"),             # 故障诊断 -> gzzd? no: initials of 诊 are z
])
def test_the_type_ahead_finds_by_code_name_and_initials(advisor, typed, found):
    if typed == "gzjc":
        typed = "gzzd"
    hits = advisor.get(f"/api/staff/pricebook/search?q={typed}").json_body["results"]
    assert found in [h["code"] for h in hits], (typed, hits)
    hit = next(h for h in hits if h["code"] == found)
    assert "name" in hit and ("unit_price" in hit or "hours" in hit)


def test_an_empty_search_is_refused(advisor):
    answer = advisor.get("/api/staff/pricebook/search?q=%20-")
    assert answer.status_code == 422 and "q" in answer.json_body["error"]["fields"]


def test_a_line_from_the_book_takes_its_name_hours_and_price(api, advisor, clock, staff):
    order = _checked_in(api, advisor, clock, ["DIAG"])
    path = f"/api/staff/orders/{order['id']}/lines"
    added = advisor.post(path, {"kind": "part", "part_number": "3q0698151", "quantity": "1",
                                "version": order["version"]})
    assert added.status_code == 201, added.json_body
    line = added.json_body["lines"][-1]
    assert (line["code"], line["description"], line["unit_price"]) == ("3Q0698151", "前刹车片",
                                                                       "580.00")
    labour = advisor.post(path, {"kind": "labor", "operation": "LB-PADS-F",
                                 "version": added.json_body["version"]})
    line = labour.json_body["lines"][-1]
    assert (line["description"], line["quantity"], line["unit_price"]) == ("更换前刹车片", "1",
                                                                           "300.00")
    # below the book's price: a discount, within the advisor's 5 %
    cheap = advisor.post(path, {"kind": "part", "part_number": "3Q0698151", "unit_price": "400",
                                "reason": "老客户", "version": labour.json_body["version"]})
    assert cheap.status_code == 422 and cheap.json_body["error"]["code"] == "discount_over_limit"
    assert "unit_price" in cheap.json_body["error"]["fields"]
    ok = staff.as_("manager").post(path, {"kind": "part", "part_number": "3Q0698151",
                                          "unit_price": "400", "reason": "老客户",
                                          "version": labour.json_body["version"]})
    assert ok.status_code == 201 and ok.json_body["lines"][-1]["discount_by"] == "manager"
    # an odd job typed by hand still works
    odd = advisor.post(path, {"kind": "part", "part_number": "", "description": "门把手修复件",
                              "quantity": "1", "unit_price": "35", "version": ok.json_body["version"]})
    assert odd.status_code == 201 and odd.json_body["lines"][-1]["unit_price"] == "35.00"


# ---- sheets -------------------------------------------------------------------------------

def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return base64.b64encode(buf.getvalue()).decode()


def parts_sheet(count=500, bad=(37, 411)):
    rows = [["零件号", "零件名称", "英文名称", "单价", "单位", "库存"]]
    for i in range(count):
        rows.append([f"IMP-{i:04d}", f"导入零件{i}", f"Imported part {i}", 10 + i, "个", i])
    rows[bad[0]][3] = "12.345"          # sheet row bad[0] + 1
    rows[bad[1]][0] = ""
    return rows


def test_an_imported_sheet_applies_the_good_rows_and_reports_the_bad_ones(manager):
    answer = manager.post("/api/staff/pricebook/import",
                          {"kind": "parts", "filename": "parts.xlsx", "content": _xlsx(parts_sheet())})
    assert answer.status_code == 200, answer.json_body
    report = answer.json_body
    assert (report["rows"], report["created"], report["refused"]) == (500, 498, 2)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(38, "unit_price"),
                                                                       (412, "number")]
    assert report["problems"][0]["reason"] == "最多两位小数(到分)"
    assert pricebook_db.get("part", "IMP-0001").unit_price_fen == 1100
    assert pricebook_db.get("part", "IMP-0036") is None   # the refused row (sheet row 38)
    # the same sheet again: nothing changes; with one price changed: one change, audited
    rows = parts_sheet()
    rows[5][3] = "99.50"
    again = manager.post("/api/staff/pricebook/import", {"kind": "parts", "filename": "p.xlsx",
                                                         "content": _xlsx(rows)}).json_body
    assert (again["created"], again["changed"], again["unchanged"]) == (0, 1, 497)
    [entry] = _audit("part:IMP-0004")[1:]
    assert entry.action == "imported" and entry.changes["unit_price_fen"]["after"] == "99.50"


def test_a_csv_import_and_the_exports(manager):
    text = "number,name,unit_price,unit\nCSV-1,雨刮片（后）,88,套\nCSV-2,,1,个\n"
    answer = manager.post("/api/staff/pricebook/import", {
        "kind": "parts", "filename": "p.csv",
        "content": base64.b64encode(text.encode("gb18030")).decode()})
    assert answer.status_code == 200
    assert answer.json_body["created"] == 1
    assert answer.json_body["problems"] == [{"row": 3, "column": "name", "reason": "请填写此项"}]
    exported = manager.get("/api/staff/pricebook/export?kind=parts&format=csv")
    assert exported.status_code == 200 and "text/csv" in exported.headers["Content-Type"]
    rows = list(csv.reader(io.StringIO(exported.body.decode("utf-8-sig"))))
    assert rows[0] == ["number", "name", "name_en", "unit_price", "unit", "stock"]
    assert ["CSV-1", "雨刮片（后）", "", "88.00", "套", ""] in rows
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    xlsx = manager.get("/api/staff/pricebook/export?kind=operations&format=xlsx",
                       headers={"Accept": xlsx_type})   # as API Gateway needs for binary
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.body)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["code", "name", "name_en", "hours"]
    assert ["LB-OIL", "更换机油及机油滤清器", "Replace engine oil and oil filter", "0.8"] in values


def test_a_bad_file_is_refused_whole_and_changes_nothing(manager):
    before = PricebookItem.count("part")
    cases = [
        ({"kind": "parts", "filename": "p.pdf", "content": "AAAA"}, "filename"),
        ({"kind": "tyres", "filename": "p.csv", "content": "AAAA"}, "kind"),
        ({"kind": "parts", "filename": "p.xlsx", "content": "not base64!"}, "content"),
        ({"kind": "parts", "filename": "p.xlsx", "content": base64.b64encode(b"PK junk").decode()},
         "content"),
        ({"kind": "parts", "filename": "p.xlsx", "content": "A" * (960 * 1024)}, "content"),
        ({"kind": "parts", "filename": "p.xlsx", "content": "A" * (1024 * 1024)}, "body"),
        ({"kind": "parts", "filename": "p.csv",
          "content": base64.b64encode("名称,单价\nx,1\n".encode()).decode()}, "file"),
    ]
    for body, field in cases:
        answer = manager.post("/api/staff/pricebook/import", body)
        assert answer.status_code in (400, 422), body
        assert field in answer.json_body["error"].get("fields", {}), (field, answer.json_body)
    assert PricebookItem.count("part") == before
