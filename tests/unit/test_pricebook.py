"""The price book's rules (价格本), no AWS: a package's figures from its content, validation,
search keys, sheets, list prices of lines from the book."""
from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain import pricebook as pb
from chalicelib.domain import repair_order as ro
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.store import Service
from infra.catalogue import standard_pricebook, standard_services


def test_a_package_costs_its_hours_at_the_rate_plus_its_parts_and_waits_to_the_quarter():
    lines = [{"kind": "labor", "code": "LB-OIL", "name": "换油", "hours": "0.8", "rate_fen": None},
             {"kind": "part", "code": "OIL", "name": "机油", "quantity": "4", "unit_price_fen": 5000}]
    figures = pb.estimate(lines, labor_rate_fen=30000, handling_minutes=12)
    assert (figures.price_fen, figures.labor_minutes, figures.duration_min) == (44000, 48, 60)
    assert pb.estimate(lines, labor_rate_fen=40000, handling_minutes=13).duration_min == 75
    own = [{**lines[0], "rate_fen": 20000}]
    assert pb.estimate(own, labor_rate_fen=30000, handling_minutes=0).price_fen == 16000


def test_a_service_with_lines_is_priced_at_todays_rate_and_one_without_is_left_alone():
    [basic] = [s for s in standard_services() if s.code == "MAINT_BASIC"]
    assert basic.priced(40000).price_estimate_fen == 56000
    plain = Service(code="X", name="x", name_en="x", duration_min=30, labor_minutes=20,
                    price_estimate_fen=999)
    assert plain.priced(40000) is plain
    assert Service.from_dict(basic.to_dict()) == basic


def test_the_standard_book_keeps_the_catalogues_figures():
    figures = {s.code: (s.price_estimate_fen, s.labor_minutes, s.duration_min)
               for s in standard_services()}
    assert figures == {"MAINT_BASIC": (48000, 48, 60), "MAINT_10K": (68000, 72, 90),
                       "MAINT_30K": (158000, 120, 150), "BRAKE_CHECK": (15000, 36, 45),
                       "AC_SERVICE": (38000, 60, 90), "TYRE_ROTATE": (16000, 36, 45),
                       "DIAG": (20000, 60, 60), "BODY_PAINT": (120000, 300, 480),
                       "RECALL": (0, 60, 90), "FREE_CHECK": (0, 24, 30)}
    ops, parts, packages = standard_pricebook()
    assert len({o.code for o in ops}) == len(ops) and len({p.number for p in parts}) == len(parts)


def test_entries_are_checked_field_by_field():
    with pytest.raises(ValidationError) as bad:
        pb.parse_operation({"code": "a b", "name": " ", "hours": "100"})
    assert set(bad.value.fields) == {"code", "name", "hours"}
    op = pb.parse_operation({"code": "lb-x1", "name": "测试", "hours": "1.25"})
    assert (op.code, op.hours) == ("LB-X1", Decimal("1.25"))
    with pytest.raises(ValidationError) as bad:
        pb.parse_part({"number": "X1", "name": "n", "unit_price": "0", "unit": "箱", "stock": "-1"})
    assert set(bad.value.fields) == {"unit_price", "unit", "stock"}
    part = pb.parse_part({"number": "x1", "name": "n", "unit_price": "12.5"})
    assert (part.number, part.unit_price_fen, part.unit, part.stock) == ("X1", 1250, "个", None)


def test_a_package_names_only_entries_of_the_book_once_each():
    ops = {"LB-OIL": object()}
    parts = {"OIL": object()}
    body = {"code": "P1", "name": "套餐", "category": "spa", "handling_minutes": 999,
            "test_drive": "yes", "items": [
                {"kind": "labor", "code": "LB-OIL", "rate": "-1"},
                {"kind": "part", "code": "NOPE", "quantity": "1"},
                {"kind": "part", "code": "OIL", "quantity": "1"},
                {"kind": "part", "code": "oil", "quantity": "2"},
                {"kind": "tyre", "code": "OIL"}]}
    with pytest.raises(ValidationError) as bad:
        pb.parse_package(body, operations=ops, parts=parts)
    assert set(bad.value.fields) == {"category", "handling_minutes", "test_drive", "items.0.rate",
                                     "items.1.code", "items.3.code", "items.4.kind"}
    with pytest.raises(ValidationError) as empty:
        pb.parse_package({**body, "items": []}, operations=ops, parts=parts)
    assert "items" in empty.value.fields


@pytest.mark.parametrize("typed", ["jylq", "lqq", "滤清器", "机油滤", "06a115", "115561",
                                   "oilfilter", "filter"])
def test_an_entry_is_found_by_any_of_its_search_texts(typed):
    texts = pb.search_texts("06A115561B", "机油滤清器", "Oil filter")
    query = pb.search_query(typed)
    assert any(t.startswith(query) for t in texts), (typed, texts)


def test_search_keys_stay_few_and_a_query_is_normalized():
    assert len(pb.search_texts("IMP-0123", "导入零件123", "Imported part 123")) <= 15
    assert pb.search_query(" 06A-115 ") == "06a115"
    assert pb.search_query(None) == "" and pb.search_query("--") == ""


def test_a_sheet_gives_the_good_rows_and_each_bad_rows_problems():
    rows = [["零件号", "零件名称", "单价", "单位"],
            ["A-1", "刹车片", 420, "套"],
            ["A-2", "", "1.234", "套"],
            [None, None, None, None],
            ["A-1", "again", 1, "个"],
            ["A-3", "雨刮", 88.5, "对"]]
    result = pb.parse_rows(pb.PART, rows)
    assert [p.number for p in result.good] == ["A-1", "A-3"]
    assert result.good[1].unit_price_fen == 8850
    assert [(p.row, p.column) for p in result.problems] == [(3, "name"), (3, "unit_price"),
                                                             (5, "number")]
    assert result.rows == 4
    with pytest.raises(ValidationError) as bad:
        pb.parse_rows(pb.PART, [["名称", "单价"], ["x", 1]])
    assert "file" in bad.value.fields


def test_list_prices_come_from_the_book_and_the_packages_own_rates():
    catalogue = {s.code: s for s in standard_services()}
    diag = ro.LineInput(kind=ro.LABOR, code="LB-DIAG", description="故障诊断",
                        quantity=Decimal(1), unit_price_fen=20000, pay_type="customer",
                        photo_keys=())
    assert ro.list_price_fen(diag, labor_rate_fen=30000, catalogue=catalogue) == 20000
    pads = ro.LineInput(kind=ro.PART, code="3Q0698151", description="前刹车片",
                        quantity=Decimal(2), unit_price_fen=40000, pay_type="customer",
                        photo_keys=())
    assert ro.list_price_fen(pads, labor_rate_fen=30000, catalogue=catalogue,
                             book_unit_fen=58000) == 116000
    assert ro.list_price_fen(pads, labor_rate_fen=30000, catalogue=catalogue) == 80000
