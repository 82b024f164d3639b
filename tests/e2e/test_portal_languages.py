"""Issue 12, "Chinese throughout", in real Chromium: the zh-CN portal shows the server's refusals
in Chinese at their fields — a check-in without the customer's name or the old-parts choice, a
search of two characters, a discount above the cashier's limit — and no visible error holds an
untranslated server message or a field key (no ASCII word of three letters or more)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib.db.models import RepairOrderItem
from chalicelib.domain.workshop import CHECKLISTS
from tests.e2e.conftest import open_page
from tests.e2e.test_advisor_portal import sign
from tests.e2e.test_workshop_to_followup import approved_order, sign_in, staff_token
from tests.factories import SIGNATURE

SHOTS = Path("/work/wt/_shots/i18n")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def look(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def error_at(page, form, name):
    """The error shown at the field named ``name`` of ``form`` (its .err box)."""
    return page.locator(f'{form} .field:has([name="{name}"]) .err, {form} fieldset:has([name="{name}"]) .err').first


def visible_errors(page):
    """The error texts a person reads now: field errors and the banner."""
    texts = page.locator(".err:visible, #banner:visible").all_inner_texts()
    return [t.strip() for t in texts if t.strip()]


def all_chinese(page):
    texts = visible_errors(page)
    assert texts, "no error shown"
    for text in texts:
        assert HAN.search(text) and not ASCII_WORD.search(text), (text, texts)
    return texts


def ready_order(stack):
    """Approved, worked, checked at three levels (no wash): ready to settle, through the API."""
    order = approved_order(stack)
    path = f"/api/staff/orders/{order['id']}"
    status, order = stack.request("POST", f"{path}/dispatch", {
        "version": order["version"], "technician": "technician"}, staff_token(stack, "foreman"))
    assert status == 200, order
    technician = staff_token(stack, "technician")
    for action in ("start", "finish"):
        status, order = stack.request("POST", f"{path}/clock",
                                      {"version": order["version"], "action": action}, technician)
        assert status == 200, order
    for who, level in (("technician", "self"), ("foreman", "team_lead"), ("inspector", "final")):
        status, order = stack.request("POST", f"{path}/quality-check", {
            "version": order["version"], "level": level, "signature": SIGNATURE,
            "items": {code: "pass" for code, _, _ in CHECKLISTS[level]}}, staff_token(stack, who))
        assert status == 200, order
    assert order["status"] == "ready", order
    return order


def test_server_refusals_reach_the_zh_cn_portal_in_chinese_at_their_fields(stack, tablet):
    page = tablet
    # 1. check-in: the customer's name rubbed out, no choice for the old parts
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13900139000"},
        "vehicle": {"plate": "粤A54321", "model": "朗逸"}, "services": ["MAINT_10K"],
        "slot_start": stack.slot(day, 10)})
    assert status == 201, booked
    sign_in(page, stack, "advisor")
    page.goto(f"{stack.url}/portal/#/checkin/{booked['id']}")
    expect(page.locator('input[name="customer.name"]')).to_have_value("王先生")
    page.fill('input[name="customer.name"]', "")
    page.fill('input[name="mileage_km"]', "15302")
    page.check('input[name="fuel_level"][value="half"]')
    page.locator("#sig").scroll_into_view_if_needed()
    sign(page, "#sig")
    page.click("#ci button[type=submit]")
    expect(error_at(page, "#ci", "customer.name")).to_have_text("请填写此项")
    expect(error_at(page, "#ci", "old_parts")).to_have_text("请选择旧件处理方式")
    all_chinese(page)
    look(page, "zh-checkin-errors")
    assert list(RepairOrderItem.scan()) == []   # nothing was filed

    # 2. search: two characters
    page.goto(f"{stack.url}/portal/#/search")
    page.fill('input[name="q"]', "B1")
    page.keyboard.press("Enter")
    expect(page.locator('[data-err="q"]')).to_have_text(
        "请至少输入车牌或车架号的前 3 个字符,或完整手机号 / 手机尾号 4 位")
    all_chinese(page)
    look(page, "zh-search-errors")

    # 3. settlement: a discount above the cashier's 5% (of ¥360.00: at most ¥18.00)
    order = ready_order(stack)
    sign_in(page, stack, "cashier")
    page.goto(f"{stack.url}/portal/#/order/{order['id']}")
    page.fill('#stf input[name="discount"]', "100.00")
    page.fill('#stf input[name="discount_reason"]', "老客户")
    page.click("#stf button[type=submit]")
    expect(error_at(page, "#stf", "discount")).to_have_text("超出您的优惠权限 5%:最多优惠 ¥18.00")
    texts = all_chinese(page)
    assert not any("discount" in t for t in texts)
    look(page, "zh-settlement-errors")
    assert RepairOrderItem.get(order["id"]).status == "ready"
