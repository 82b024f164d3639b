"""The customer's pages on a 390-px phone in real Chromium: every status read as words, a wrong
or expired link explained in the customer's language, and the approval decided per job (its
labour and its parts together) with the total following each choice."""
from __future__ import annotations

from datetime import timedelta

import time_machine
from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.config import get_config
from chalicelib.db.models import RepairOrderItem
from chalicelib.domain import booking as booking_rules
from chalicelib.domain import repair_order as ro
from chalicelib.domain.tokens import sign_order
from chalicelib.services.orders import approval_url
from tests.e2e.conftest import open_page
from tests.e2e.test_booking_site import shot
from tests.e2e.test_workshop_to_followup import staff_token
from tests.factories import checkin_body, labour_line, part_line

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def local(stack, url):
    return url.replace("http://127.0.0.1:8000", stack.url)


def order_with_ignition_job(stack):
    """Checked in for a fault diagnosis (one line at its ¥200); the advisor adds a job found at
    the walk-around:
    the labour 更换点火线圈 and its part 点火线圈, then sends the estimate by SMS."""
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸"}, "services": ["DIAG"],
        "slot_start": stack.slot(day, 9)})
    assert status == 201, booked
    advisor = staff_token(stack, "advisor")
    status, order = stack.request("POST", "/api/staff/checkins", checkin_body(
        booking_id=booked["id"], wash=False), advisor)
    assert status == 201, order
    path = f"/api/staff/orders/{order['id']}"
    status, order = stack.request("POST", f"{path}/lines", {
        **labour_line(operation="IGN01", description="更换点火线圈", hours="1", rate="300.00"),
        "version": order["version"]}, advisor)
    assert status == 201, order
    labour = order["lines"][-1]["id"]
    status, order = stack.request("POST", f"{path}/lines", {
        **part_line(part_number="06H905110G", description="点火线圈", quantity="4",
                    unit_price="150.00"),
        "labor_line": labour, "version": order["version"]}, advisor)
    assert status == 201, order
    status, order = stack.request("POST", f"{path}/send-approval", {
        "version": order["version"],
        "promised_at": (clock.now() + timedelta(hours=6)).isoformat()}, advisor)
    assert status == 200, order
    return order, advisor


def test_approval_per_job_with_a_live_total_then_every_status_in_words(stack, browser):
    order, advisor = order_with_ignition_job(stack)
    oid = order["id"]
    with open_page(browser, **PHONE) as page:
        page.goto(local(stack, approval_url(oid, order["pending_approval"])))

        # two jobs to decide, not three lines: the coil's labour and part are one job
        jobs = page.locator("[data-item]")
        expect(jobs).to_have_count(2)
        ignition = jobs.nth(1)
        expect(ignition).to_contain_text("更换点火线圈")
        expect(ignition).to_contain_text("点火线圈 × 4")
        expect(ignition.locator(".amt")).to_have_text("¥900.00")
        expect(ignition.locator('input[type="radio"]')).to_have_count(2)

        # the total follows each choice
        live = page.locator("#live")
        expect(live).to_have_text("¥0.00")
        expect(page.locator("#undecided")).to_have_text("还有2项未选择")
        jobs.nth(0).get_by_label("同意维修").check()
        expect(live).to_have_text("¥200.00")
        ignition.get_by_label("同意维修").check()
        expect(live).to_have_text("¥1100.00")
        expect(page.locator("#live-tax")).to_have_text("¥126.55")     # 1100.00 x 13 / 113
        ignition.get_by_label("暂不维修").check()
        expect(live).to_have_text("¥200.00")
        expect(page.locator("#live-tax")).to_have_text("¥23.01")
        expect(page.locator("#undecided")).to_be_hidden()
        shot(page, "customer-approve-per-job")
        page.click("#send")
        expect(page.locator("#banner")).to_contain_text("已收到您的确认")

        # the server applied one answer to the whole job
        lines = {ln["description"]: ln["status"] for ln in RepairOrderItem.get(oid).lines}
        assert lines == {"故障诊断": "approved", "更换点火线圈": "declined",
                         "点火线圈": "declined"}
        expect(jobs.nth(0).locator(".state")).to_have_text("已同意")
        expect(ignition.locator(".state")).to_have_text("暂不维修")
        expect(page.locator(".sum.big")).to_contain_text("¥200.00")
        page.click("#lang")
        expect(ignition.locator(".state")).to_have_text("Declined")
        expect(jobs.nth(0).locator(".state")).to_have_text("Approved")
        page.click("#lang")

        # the progress page names the order's status and each job's
        token = sign_order(get_config().secret_key, oid)
        page.goto(f"{stack.url}/order.html?o={oid}&t={token}")
        expect(page.locator("#order-status")).to_have_text("已确认,等待维修")
        items = page.locator("[data-item]")
        expect(items).to_have_count(2)
        expect(items.nth(0).locator(".state")).to_have_text("已同意")
        expect(items.nth(1).locator(".state")).to_have_text("暂不维修")
        foreman = staff_token(stack, "foreman")
        status, order = stack.request("POST", f"/api/staff/orders/{oid}/dispatch", {
            "version": RepairOrderItem.get(oid).version, "technician": "technician"}, foreman)
        assert status == 200, order
        status, order = stack.request("POST", f"/api/staff/orders/{oid}/clock", {
            "version": order["version"], "action": "start"}, staff_token(stack, "technician"))
        assert status == 200, order
        page.reload()
        expect(page.locator("#order-status")).to_have_text("维修中")
        expect(items.nth(0).locator(".state")).to_have_text("维修中")
        shot(page, "customer-order-in-work")
        page.click("#lang")
        expect(page.locator("#order-status")).to_have_text("In the workshop")
        expect(items.nth(0).locator(".state")).to_have_text("In work")
        expect(items.nth(1).locator(".state")).to_have_text("Declined")

        # every status the server can give has words on the customer's pages, in both languages
        keys = ([f"status_{s}" for s in booking_rules.STATUSES]
                + [f"order_{s}" for s in ro.STATUSES]
                + [f"line_{s}" for s in (ro.PENDING, ro.LINE_APPROVED, ro.DECLINED,
                                         ro.LINE_IN_WORK, ro.DONE)])
        for lang in ("zh-CN", "en"):
            page.evaluate(f"localStorage.setItem('lang', '{lang}')")
            page.reload()
            expect(page.locator("#order-status")).to_be_visible()
            texts = page.evaluate("keys => keys.map(k => App.t(k))", keys)
            assert all(text and text != key for key, text in zip(keys, texts)), (lang, texts)


def test_a_wrong_or_expired_link_says_what_to_do_in_the_customers_language(stack, browser):
    order, _ = order_with_ignition_job(stack)
    expected_zh = ["链接无效或已过期", "020-88886666", "重新预约"]
    with open_page(browser, **PHONE) as page:
        # a short link nobody sent, then each page with a token that is not the store's
        for url in ("/l/zzzzzzzz", "/manage.html?id=abc&token=forged",
                    f"/approve.html?o={order['id']}&t=forged", f"/order.html?o={order['id']}&t=x"):
            page.goto(stack.url + url)
            problem = page.locator("#link-problem")
            expect(problem.locator("h2")).to_have_text("链接无效或已过期")
            expect(problem).to_contain_text("请使用最新短信中的链接")
            expect(problem.locator('a[href="tel:02088886666"]')).to_contain_text("020-88886666")
            expect(problem.locator('a[href="/"]')).to_have_text("重新预约")
            expect(page.locator("body")).not_to_contain_text("invalid_token")
            expect(page.locator("body")).not_to_contain_text("link_not_found")
        shot(page, "customer-bad-link-zh")

        # the approval link, 15 days later: expired
        good = local(stack, approval_url(order["id"], order["pending_approval"]))
        with time_machine.travel(clock.now() + timedelta(days=15), tick=True):
            page.goto(good)
            expect(page.locator("#link-problem h2")).to_have_text(expected_zh[0])
            expect(page.locator("#view")).to_be_hidden()

    # a phone set to English reads it in English, before anyone chose a language on our pages
    with open_page(browser, locale="en-US", **PHONE) as page:
        page.goto(stack.url + "/l/zzzzzzzz")
        problem = page.locator("#link-problem")
        expect(problem.locator("h2")).to_have_text("This link is wrong or has expired")
        expect(problem).to_contain_text("Use the link in our latest SMS")
        expect(problem.locator('a[href="/"]')).to_have_text("Book again")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        shot(page, "customer-bad-link-en")
        page.click("#lang")        # and back to Chinese on request
        expect(problem.locator("h2")).to_have_text("链接无效或已过期")
