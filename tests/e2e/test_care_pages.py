"""Issue 12 in real Chromium at 1024 px: an order's change history reads as sentences with the
staff's names (zh-CN and English); the manager works a complaint from its page (reassigns it,
reads its notes and resolution, calls the customer, opens the order); the follow-up clerk's page
shows the overdue calls, today's and the week ahead."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.db import records as records_db
from chalicelib.domain import followup as fu
from chalicelib.services.store import current_store
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_workshop_to_followup import approved_order, staff_token

SHOTS = Path("/work/wt/_shots/customer")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def followup_file(plate: str, delivered_days_ago: int, order_id: str) -> None:
    """A delivered order's follow-up file: its first call due 3 days after delivery."""
    delivered = clock.now().astimezone(current_store().settings.tz) - timedelta(days=delivered_days_ago)
    records_db.save(records_db.Changes(followups=[(fu.plan(
        order_id=order_id, order_reference=order_id[-8:].upper(), vehicle_id=f"veh_{order_id}",
        plate=plate, customer_id="cus_1", customer_name="赵女士", phone="+8613900139000",
        advisor="advisor", delivered_at=delivered, days=(3, 7)), True)]))


def test_history_sentences_complaint_desk_and_followup_agenda(stack, tablet):
    page = tablet
    order = approved_order(stack)
    oid = order["id"]
    advisor, foreman, tech = (staff_token(stack, u) for u in ("advisor", "foreman", "technician"))
    status, order = stack.request("POST", f"/api/staff/orders/{oid}/lines", {
        "version": order["version"], "kind": "labor", "description": "更换机油", "hours": "1",
        "rate": "300"}, advisor)
    assert status == 201, order
    status, order = stack.request("POST", f"/api/staff/orders/{oid}/dispatch", {
        "version": order["version"], "technician": "technician"}, foreman)
    assert status == 200, order
    status, order = stack.request("POST", f"/api/staff/orders/{oid}/clock", {
        "version": order["version"], "action": "start"}, tech)
    assert status == 200, order

    # item 4: the history is sentences a person reads, with names, not developer text
    sign_in(page, stack, "advisor")
    page.goto(f"{stack.url}/portal/#/order/{oid}")
    history = page.locator("ul.audit")
    expect(history).to_contain_text("张顾问 添加了项目「更换机油」1 × ¥300.00")
    expect(history).to_contain_text("王师傅 开工")
    expect(history).to_contain_text("张顾问 开单")
    expect(history).to_contain_text("派工给 王师傅")
    expect(history).to_contain_text("张顾问 答复了报价：同意「")       # the package's lines, named
    expect(history).to_contain_text("「更换机油及机油滤清器」")
    expect(page.locator("ol.timeline")).to_contain_text("派工给 王师傅")
    text = history.inner_text()
    for developer in ("line_added", "lines.", "null", "→", "advisor", "technician"):
        assert developer not in text, (developer, text)
    page.locator("ul.audit").scroll_into_view_if_needed()
    shot(page, "order-history-zh")
    page.click("#lang")
    expect(history).to_contain_text("张顾问 added “更换机油” 1 × ¥300.00")
    expect(history).to_contain_text("王师傅 started work")
    expect(page.locator("ol.timeline li").nth(1)).to_have_text(re.compile(r"张顾问 answered the estimate$"))
    shot(page, "order-history-en")
    page.click("#lang")
    expect(history).to_contain_text("王师傅 开工")

    # item 2: a complaint about this order; the manager gives it to the clerk from the page
    status, complaint = stack.request("POST", "/api/staff/complaints", {
        "order_id": oid, "description": "等了两个小时", "severity": "high"}, advisor)
    assert status == 201, complaint
    cid = complaint["id"]
    sign_in(page, stack, "manager")
    page.goto(f"{stack.url}/portal/#/complaints")
    row = page.locator(f'#cpl [data-complaint="{cid}"]')
    expect(row).to_contain_text("张顾问")                     # the owner by name
    call = row.locator('a[href="tel:+8613800138000"]')
    expect(call).to_be_visible()
    expect(row.locator(f'a[href="#/order/{oid}"]')).to_contain_text(order["reference"])
    page.select_option(f'form[data-assign="{cid}"] select[name=owner]', "followup")
    page.click(f'form[data-assign="{cid}"] button[type=submit]')
    expect(page.locator("#banner")).to_contain_text("已保存")
    row = page.locator(f'#cpl [data-complaint="{cid}"]')
    expect(row).to_contain_text("刘回访")
    trail = page.locator(f'[data-trail="{cid}"]')
    expect(trail).to_contain_text("周经理 转交给 刘回访")
    page.fill(f'form[data-k="{cid}"] input[name=text]', "已致电道歉，约周六复查")
    page.click(f'form[data-k="{cid}"] button[value=note]')
    expect(page.locator("#banner")).to_contain_text("已保存")
    expect(page.locator(f'[data-trail="{cid}"]')).to_contain_text("已致电道歉，约周六复查")
    page.fill(f'form[data-k="{cid}"] input[name=text]', "下次保养工时八折")
    page.click(f'form[data-k="{cid}"] button[value=no]')
    expect(page.locator("#banner")).to_contain_text("已保存")
    expect(page.locator(f'[data-resolution="{cid}"]')).to_contain_text("下次保养工时八折")
    expect(page.locator(f'[data-resolution="{cid}"]')).to_contain_text("客户不接受")
    shot(page, "complaints")
    page.click(f'#cpl a[href="#/order/{oid}"]')
    expect(page.locator("ul.audit")).to_contain_text("张顾问 开单")

    # the clerk may not reassign: no such control on their page
    sign_in(page, stack, "followup")
    page.goto(f"{stack.url}/portal/#/complaints")
    expect(page.locator(f'#cpl [data-complaint="{cid}"]')).to_contain_text("刘回访")
    expect(page.locator("form[data-assign]")).to_have_count(0)

    # item 3: overdue, today and the days ahead
    followup_file("粤B00001", 5, "ro_overdue1")   # due 2 days ago
    followup_file("粤B00002", 3, "ro_today001")   # due today
    followup_file("粤B00003", 1, "ro_soon0001")   # due in 2 days
    page.goto(f"{stack.url}/portal/#/followups")
    expect(page.locator("#fu-overdue [data-fu]")).to_have_count(1)
    expect(page.locator("#fu-overdue")).to_contain_text("粤B00001")
    expect(page.locator("#fu-today [data-fu]")).to_have_count(1)
    expect(page.locator("#fu-today")).to_contain_text("粤B00002")
    expect(page.locator("#fu-upcoming [data-fu]")).to_have_count(1)
    expect(page.locator("#fu-upcoming")).to_contain_text("粤B00003")
    due = (clock.now().astimezone(current_store().settings.tz) + timedelta(days=2)).strftime("%m-%d")
    expect(page.locator("#fu-upcoming")).to_contain_text(due)
    expect(page.locator('#fu-today a[href="tel:+8613900139000"]')).to_be_visible()
    expect(page.locator("#fu-today [data-fu]")).to_contain_text("顾问 张顾问")
    shot(page, "followups")
    # round 3: no result chosen for the clerk; 记录 without one is refused at the field
    outcome = page.locator("#fu-upcoming [data-fu] select[name=outcome]")
    assert outcome.input_value() == ""
    page.click("#fu-upcoming [data-fu] button[type=submit]")
    expect(outcome).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + outcome.get_attribute("aria-describedby").split()[-1])
    expect(error).to_have_text("请选择回访结果")
    shot(page, "followups-no-result")
    expect(page.locator("#fu-upcoming [data-fu]")).not_to_contain_text("二次回访")
    # a call made ahead of its day moves it on
    page.locator("#fu-upcoming [data-fu] select[name=outcome]").select_option("satisfied")
    page.click("#fu-upcoming [data-fu] button[type=submit]")
    expect(page.locator("#banner")).to_contain_text("已保存")
    expect(page.locator("#fu-upcoming [data-fu]")).to_contain_text("二次回访")
