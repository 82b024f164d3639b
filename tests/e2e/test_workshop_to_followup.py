"""One approved order in real Chromium: the foreman dispatches it, the technician clocks it on a
phone, three people sign the quality check, the cashier settles, the advisor delivers. Three days
later the survey SMS goes out; the customer gives 2 stars on their phone and the manager finds the
complaint on the list."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.db.models import ComplaintItem, RepairOrderItem
from chalicelib.notify.sweep import run_sweep
from infra.local.identity import DEMO_PASSWORD
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_advisor_portal import sign
from tests.e2e.test_booking_site import shot
from tests.factories import SIGNATURE, checkin_body


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def staff_token(stack, username):
    status, body = stack.request("POST", "/api/auth/login",
                                 {"username": username, "password": DEMO_PASSWORD})
    assert status == 200, body
    return {"Authorization": f"Bearer {body['id_token']}"}


def approved_order(stack):
    """Booked, checked in and approved in store, through the API (issue 3's path)."""
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸"}, "services": ["MAINT_10K"],
        "slot_start": stack.slot(day, 9)})
    assert status == 201, booked
    advisor = staff_token(stack, "advisor")
    status, order = stack.request("POST", "/api/staff/checkins", checkin_body(
        booking_id=booked["id"], wash=False), advisor)
    assert status == 201, order
    promised = (clock.now() + timedelta(hours=6)).isoformat()
    status, order = stack.request("POST", f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": promised, "signature": SIGNATURE,
        # the 10,000 km package's lines (price book): every job of it approved
        "decisions": {ln["id"]: "approved" for ln in order["lines"]}}, advisor)
    assert status == 200 and order["status"] == "approved", order
    return order


def check_level(page, stack, username, order_id, heading):
    sign_in(page, stack, username)
    page.goto(f"{stack.url}/portal/#/order/{order_id}")
    expect(page.locator("#qcf")).to_be_visible()
    expect(page.locator("section", has=page.locator("#qcf")).locator("h3")).to_have_text(heading)
    for item in page.locator("#qcf select[name^=item_]").all():   # issue 12: each starts unset
        item.select_option("pass")
    page.locator("#qsig").scroll_into_view_if_needed()
    sign(page, "#qsig")
    page.click("#qcf button[type=submit]")
    expect(page.locator("#banner")).to_contain_text("已保存")


def test_approved_order_to_delivery_then_survey_and_complaint(stack, tablet, phone):
    order = approved_order(stack)
    oid = order["id"]
    page = tablet

    # the foreman dispatches the job from the board
    sign_in(page, stack, "foreman")
    expect(page).to_have_url(f"{stack.url}/portal/#/workshop")
    card = page.locator(f'#waiting [data-job="{oid}"]')
    expect(card).to_contain_text("粤B12345")
    card.locator("select[name=technician]").select_option("technician")
    card.locator("select[name=bay]").select_option("2")
    shot(page, "workshop-board")
    card.locator("button[type=submit]").click()
    expect(page.locator('[data-lane="technician"]')).to_contain_text("粤B12345")

    # the technician clocks it on a phone: start, then finish
    sign_in(phone, stack, "technician")
    expect(phone).to_have_url(f"{stack.url}/portal/#/jobs")
    job = phone.locator(f'[data-job="{oid}"]')
    job.locator('[data-clock="start"]').click()
    expect(phone.locator(f'[data-job="{oid}"] [data-clock="finish"]')).to_be_visible()
    shot(phone, "technician-jobs")
    phone.locator(f'[data-job="{oid}"] [data-clock="finish"]').click()
    expect(phone.locator("body")).to_contain_text("自检")
    assert RepairOrderItem.get(oid).status == "quality_check"

    # three levels, each signed by its role
    check_level(page, stack, "technician", oid, "自检")
    check_level(page, stack, "foreman", oid, "互检(班组长)")
    check_level(page, stack, "inspector", oid, "终检")
    expect(page.locator("#jobsec")).to_contain_text("质检合格")
    assert RepairOrderItem.get(oid).status == "ready"

    # the cashier takes the payment
    sign_in(page, stack, "cashier")
    page.goto(f"{stack.url}/portal/#/order/{oid}")
    expect(page.locator(".due")).to_have_text("¥680.00")
    expect(page.locator("#al")).to_have_count(0)          # the cashier may not add lines
    page.fill("#stf input[name=discount]", "100")
    page.fill("#stf input[name=discount_reason]", "老客户")
    page.click("#stf button[type=submit]")
    expect(page.locator("#banner")).to_contain_text("请修改标红的内容")  # over the 5% limit:
    discount = page.locator("#stf input[name=discount]")               # said at the field
    expect(discount).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#stf .field:has(input[name=discount]) .err")).to_contain_text("5%")
    page.fill("#stf input[name=discount]", "")
    page.fill("#stf input[name=discount_reason]", "")
    page.select_option("#stf select[name=payment_method]", "alipay")
    page.click("#stf button[type=submit]")
    expect(page.locator("body")).to_contain_text("支付宝")
    # the timeline's payment names its amount, as 操作记录 does
    expect(page.locator("ol.timeline")).to_contain_text("结算收款 ¥680.00")

    # the advisor hands the car back
    sign_in(page, stack, "advisor")
    page.goto(f"{stack.url}/portal/#/order/{oid}")
    expect(page.locator("#dlf")).to_be_visible()
    expect(page.locator("#al")).to_have_count(0)          # settled: no more lines
    # the customer's mobile as a person writes it, the call link keeping the whole number
    tel = page.locator("#view a.tel").first
    expect(tel).to_have_text("138 0013 8000")
    expect(tel).to_have_attribute("href", "tel:+8613800138000")
    for item in ("clean", "old_parts", "keys", "documents"):
        page.check(f"#dlf input[name=ck_{item}]")
    page.click("#dlf button[type=submit]")
    expect(page.locator('[data-err="checklist.explained"]')).not_to_be_empty()
    page.check("#dlf input[name=ck_explained]")
    page.click("#dlf button[type=submit]")
    expect(page.locator("#nexts")).to_contain_text("km")
    shot(page, "order-delivered")
    delivered = RepairOrderItem.get(oid)
    assert delivered.status == "delivered" and delivered.delivery["on_time"] is True
    # the customer's progress link goes to their phone again on request, never to the page
    before = len(stack.sms())
    page.click("#relink")
    expect(page.locator("#banner")).to_contain_text("已发送到客户手机")
    assert "/l/" not in page.content() and "order.html" not in page.content()
    run_sweep()
    assert [t for _, t in stack.sms()[before:] if "维修进度、报告与评价" in t]

    # three days later the survey SMS goes out
    with time_machine.travel(clock.now() + timedelta(days=3, minutes=5), tick=True):
        before = len(stack.sms())
        run_sweep()
        texts = [m[1] for m in stack.sms()[before:]]
        survey = next(t for t in texts if "打分" in t)
        code = survey.rsplit("/l/", 1)[1].split()[0]

        phone.goto(f"{stack.url}/l/{code}")
        expect(phone.locator("#survey")).to_be_visible()
        expect(phone.locator('[data-step="delivered"]')).to_have_class("now")
        for question, stars in (("attitude", 4), ("quality", 4), ("timeliness", 2)):
            phone.click(f'#survey [data-k="{question}"][data-n="{stars}"]')
        phone.fill("#cm", "比约定时间晚了")
        shot(phone, "survey")
        phone.click("#survey button[type=submit]")
        expect(phone.locator("#banner")).to_contain_text("非常抱歉")
        assert [c.data["source"] for c in ComplaintItem.scan()] == ["survey"]

        # the manager sees the complaint
        sign_in(page, stack, "manager")
        page.goto(f"{stack.url}/portal/#/complaints")
        row = page.locator("#cpl tbody tr[data-complaint]").first
        expect(row).to_contain_text("粤B12345")
        expect(row).to_contain_text("比约定时间晚了")
        shot(page, "complaints")
