"""The price book in real Chromium (issue 13): the manager changes a part's price in the price
book, the booking site quotes the new estimate, the booked car opens at exactly that total; the
advisor adds a part to the order through the type-ahead (pinyin initials, keyboard only); the
manager imports a 500-row parts sheet with two bad rows and sees exactly those two reported."""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import expect

from chalicelib.db import pricebook as pricebook_db
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_workshop_to_followup import staff_token
from tests.factories import checkin_body

SHOTS = Path("/work/wt/_shots/pricebook")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def parts_sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["零件号", "零件名称", "英文名称", "单价", "单位", "库存"])
    for i in range(500):
        ws.append([f"IMP-{i:04d}", f"导入零件{i}", f"Imported part {i}", f"{10 + i}.50", "个", i])
    ws.cell(row=38, column=4, value="12.345")     # three decimals
    ws.cell(row=412, column=1).value = None       # no part number
    wb.save(path)
    return path


def test_the_manager_prices_the_book_and_the_booking_and_order_agree(stack, browser, tmp_path):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        # the manager finds the oil filter in the price book and changes its price
        sign_in(page, stack, "manager")
        page.goto(stack.url + "/portal/#/pricebook")
        expect(page.locator("#view tr[data-pkg=MAINT_BASIC]")).to_contain_text("¥480.00")
        shot(page, "packages-1024")
        page.get_by_role("tab", name="零件").click()
        page.get_by_label("筛选").fill("jylq")
        page.get_by_role("button", name="搜索").click()
        row = page.locator("tr[data-entry='06A115561B']")
        expect(row).to_contain_text("¥40.00")
        row.get_by_role("button", name="编辑").click()
        price = page.locator("#pbf").get_by_label("单价")
        price.fill("-5")
        page.locator("#pbf").get_by_role("button", name="保存").click()
        expect(page.locator("#pbf .err").filter(has_text="不能为负")).to_be_visible()   # at the field
        price.fill("55")
        page.locator("#pbf").get_by_role("button", name="保存").click()
        expect(page.locator("tr[data-entry='06A115561B']")).to_contain_text("¥55.00")
        shot(page, "parts-1024")

        # a colleague saves the same part first: what the manager typed is kept (409)
        page.locator("tr[data-entry='06A115561B']").get_by_role("button", name="编辑").click()
        page.locator("#pbf").get_by_label("英文名称").fill("Oil filter (OEM)")
        manager = staff_token(stack, "manager")
        status, part = stack.request("GET", "/api/staff/pricebook/parts?q=06A115561B", None, manager)
        theirs = part["items"][0]
        status, _ = stack.request("PUT", "/api/staff/pricebook/parts/06A115561B",
                                  {**theirs, "stock": 61}, manager)
        assert status == 200
        page.locator("#pbf").get_by_role("button", name="保存").click()
        expect(page.locator("#pbf .conflict")).to_be_visible()
        expect(page.locator("#pbf").get_by_label("英文名称")).to_have_value("Oil filter (OEM)")
        expect(page.locator("#pbf .conflict")).to_contain_text("61")   # what changed, said
        page.locator("#pbf .conflict").get_by_role("button", name="再次保存").click()
        expect(page.locator("tr[data-entry='06A115561B']")).to_contain_text("Oil filter (OEM)")
        assert pricebook_db.get("part", "06A115561B").name_en == "Oil filter (OEM)"

        # the package editor shows the new figure, computed live as the content changes
        page.get_by_role("tab", name="套餐").click()
        expect(page.locator("tr[data-pkg=MAINT_BASIC]")).to_contain_text("¥495.00")
        page.locator("tr[data-pkg=MAINT_BASIC]").get_by_role("button", name="编辑").click()
        expect(page.locator("#pkest")).to_have_text("¥495.00 · 工时 48 分钟")
        page.get_by_label("数量 G052195M4").fill("5")
        expect(page.locator("#pkest")).to_have_text("¥545.00 · 工时 48 分钟")
        page.get_by_label("数量 G052195M4").fill("4")
        shot(page, "package-editor-1024")

    # the booking site quotes the new estimate
    with open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True) as site:
        site.goto(stack.url + "/")
        site.check("#svc-MAINT_BASIC")
        expect(site.locator("#total")).to_contain_text("¥495.00")

    # booked and checked in: the order opens at exactly that total
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸"}, "services": ["MAINT_BASIC"],
        "slot_start": stack.slot(day, 9)})
    assert status == 201, booked
    status, order = stack.request("POST", "/api/staff/checkins", checkin_body(
        booking_id=booked["id"]), staff_token(stack, "advisor"))
    assert status == 201, order
    assert order["estimate"]["total"] == "495.00"

    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        sign_in(page, stack, "advisor")
        page.goto(stack.url + f"/portal/#/order/{order['id']}")
        expect(page.locator(".totals .big").first).to_contain_text("¥495.00")
        # the advisor adds a part by its pinyin initials, with the keyboard only
        box = page.get_by_role("combobox", name="查价格本")
        box.fill("kqlq")                               # 空气滤清器
        expect(page.get_by_role("option").first).to_contain_text("更换空气滤清器")   # the operation
        box.press("ArrowDown")                         # the part, below it
        expect(page.locator("[role=option][aria-selected=true]")).to_contain_text("5Q0129620D")
        shot(page, "order-typeahead-1024")
        box.press("Enter")
        form = page.locator("#al")
        expect(form.locator("input[name=description]")).to_have_value("空气滤清器")
        expect(form.locator("input[name=price]")).to_have_value("80.00")
        form.get_by_role("button", name="添加").click()
        expect(page.locator("#lines")).to_contain_text("5Q0129620D")
        expect(page.locator(".totals .big").first).to_contain_text("¥575.00")

    # the manager imports a 500-row parts sheet with two bad rows
    sheet = parts_sheet(tmp_path / "parts.xlsx")
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        sign_in(page, stack, "manager")
        page.goto(stack.url + "/portal/#/pricebook")
        page.get_by_role("tab", name="导入导出").click()
        page.get_by_label("文件(.xlsx / .csv)").set_input_files(str(sheet))
        page.locator("#imf").get_by_role("button", name="导入").click()
        expect(page.locator("#imp")).to_be_visible()          # the upload's progress shows
        # the embedded endpoint (moto) takes ~1 s per transaction of 50 entries + their audit
        expect(page.locator("#imsum")).to_have_text("共 500 行:新增 498,修改 0,拒绝 2",
                                                    timeout=90_000)
        rows = page.locator("#improbs tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("38")
        expect(rows.nth(0)).to_contain_text("单价")              # the column by its name
        expect(rows.nth(0)).to_contain_text("最多两位小数")
        expect(rows.nth(1)).to_contain_text("412")
        expect(rows.nth(1)).to_contain_text("请填写此项")
        assert not re.search(r"[A-Za-z]{3,}", rows.nth(1).inner_text())   # no field keys
        shot(page, "import-report-1024")
    assert pricebook_db.get("part", "IMP-0499").unit_price_fen == 50950
    assert pricebook_db.get("part", "IMP-0036") is None
