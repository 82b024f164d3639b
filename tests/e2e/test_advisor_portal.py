"""An advisor, in real Chromium on a 1024-px tablet: signs in, checks in a booked car with a damage
mark and a signature, builds the repair order, sends it for approval (and, the customer having lost
the SMS, sends it again: the link only ever goes to the customer's phone); the customer approves
one line and declines the other on their phone; the advisor sees the result on the order."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from chalicelib.db.models import RepairOrderItem
from chalicelib.notify.sweep import run_sweep
from infra.local.identity import DEMO_PASSWORD
from tests.e2e.conftest import open_page
from tests.e2e.test_booking_site import shot


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def sign(page, canvas):
    box = page.locator(canvas).bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 100)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 30 + i * 25, box["y"] + 100 + (30 if i % 2 else -30))
    page.mouse.up()


def test_advisor_checks_in_builds_the_order_and_the_customer_decides_by_sms_link(stack, tablet, phone):
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸", "mileage_km": 15230},
        "services": ["MAINT_10K"], "slot_start": stack.slot(day, 9),
        "concern": {"what": "刹车异响", "where": "左前轮"}})
    assert status == 201, booked

    page = tablet
    page.goto(stack.url + "/portal/")
    page.fill("input[name=username]", "advisor")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator("#banner")).to_contain_text("用户名或密码错误")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#who")).to_contain_text("张顾问")

    # the appointment board of the booked day
    page.fill("#bd", day.isoformat())
    page.dispatch_event("#bd", "change")
    row = page.locator(f'tr[data-booking="{booked["id"]}"]')
    expect(row).to_contain_text("粤B12345")
    expect(row).to_contain_text("138****8000")
    shot(page, "portal-board")
    row.locator('[data-act="checkin"]').click()

    # reception walk-around
    expect(page.locator('input[name="customer.name"]')).to_have_value("王先生")
    page.fill('input[name="mileage_km"]', "15302")
    page.check('input[name="fuel_level"][value="half"]')
    page.check('input[name="covers_fitted"]')
    page.check('input[name="valuables_reminded"]')
    page.check('input[name="old_parts"][value="take_home"]')
    page.select_option("#dk", "scratch")
    page.fill("#dn", "约10厘米")
    page.click('[data-zone="left_front_door"]')
    expect(page.locator("#marks")).to_contain_text("左前门")
    page.click("button[type=submit]")                      # not signed yet
    expect(page.locator('[data-err="signature"]')).not_to_be_empty()
    sign(page, "#sig")
    shot(page, "portal-checkin")
    page.click("button[type=submit]")

    # the repair order: the booked service is its package's lines (price book); add a part
    expect(page.locator("h2")).to_contain_text("施工单")
    expect(page.locator("#lines")).to_contain_text("更换机油及机油滤清器")
    expect(page.locator(".totals").first).to_contain_text("680.00")   # the booking's estimate
    page.select_option('#al select[name="kind"]', "part")
    page.fill('#al input[name="description"]', "前刹车片")
    page.fill('#al input[name="code"]', "1K0698151")
    page.fill('#al input[name="qty"]', "1")
    page.fill('#al input[name="price"]', "420.00")
    page.click('#al button[type="submit"]')
    expect(page.locator("#lines")).to_contain_text("前刹车片")
    expect(page.locator(".totals").first).to_contain_text("1100.00")
    page.fill('#ap input[name="promised_at"]', f"{day.isoformat()}T16:00")
    page.click("#sms")
    expect(page.locator("#sent")).to_contain_text("已发送到客户手机")
    assert "/l/" not in page.content() and "token" not in page.content()   # staff never hold it
    shot(page, "portal-order-sent")

    # the customer lost the SMS: the advisor sends it again, to the customer's phone
    page.click("#resms")
    expect(page.locator("#sent")).to_contain_text("已重新发送")
    run_sweep()
    texts = [text for _, text in stack.sms() if "逐项确认" in text]
    assert len(texts) == 2 and texts[0] == texts[1]
    code = texts[-1].rsplit("/l/", 1)[1].split()[0]

    # the customer, on their phone, from the SMS link
    phone.goto(f"{stack.url}/l/{code}")
    expect(phone.locator("#view")).to_contain_text("前刹车片")
    lines = phone.locator(".line")
    expect(lines).to_have_count(4)         # the package's three jobs and the pads
    for n in range(3):
        lines.nth(n).locator('input[value="approved"]').check()
    lines.nth(3).locator('input[value="declined"]').check()
    shot(phone, "approve-page")
    phone.click("#send")
    expect(phone.locator("#banner")).to_contain_text("已收到")
    expect(phone.locator(".sum.big")).to_contain_text("680.00")

    # back at the desk: the result on the order
    page.reload()
    expect(page.locator("h2").first).to_contain_text("已确认")
    expect(page.locator("#lines")).to_contain_text("客户拒绝")
    expect(page.locator("#lines")).to_contain_text("已确认")
    shot(page, "portal-order-decided")
    [item] = list(RepairOrderItem.scan())
    assert item.status == "approved"
    assert sorted(line["status"] for line in item.lines) == ["approved"] * 6 + ["declined"]
    assert item.reception["damage"][0] == {"zone": "left_front_door", "kind": "scratch",
                                           "note": "约10厘米", "photo_keys": []}

    # the printed check-in sheet opens in its own window, under the portal's policy: its
    # stylesheet applies, the signature loads from S3, its print button needs no inline script
    with page.expect_popup() as opened:
        page.click("#pr2")
    sheet = opened.value
    expect(sheet.locator("h1")).to_contain_text("接车检查单")
    expect(sheet.locator(".signs img").first).to_be_visible()
    sheet.wait_for_function("() => document.querySelector('.signs img').naturalWidth > 0")
    assert sheet.evaluate("() => getComputedStyle(document.querySelector('header')).display") == "flex"
    sheet.evaluate("() => { window.print = () => { document.body.dataset.printed = 'yes'; }; }")
    sheet.click("#print-now")
    expect(sheet.locator("body")).to_have_attribute("data-printed", "yes")
    shot(sheet, "portal-print-checkin")
