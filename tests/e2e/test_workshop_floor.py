"""The workshop floor in real Chromium (issue 12): the foreman's dispatch board (每辆车一次,
预约优先, the promised date when not today), the technician's job view on a 390-px phone (no
prices, no mobile, the concern, the findings, the bay and the promise), a finding reported from
the bay with a photo that the advisor prices and sends as additional work, and a quality check
whose items start unanswered and whose signature is the inspector's."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.config import get_config
from chalicelib.domain.tokens import sign_approval
from chalicelib.db.models import RepairOrderItem
from chalicelib.domain.workshop import CHECKLISTS
from chalicelib.services.store import current_store
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_advisor_portal import sign
from tests.e2e.test_workshop_to_followup import staff_token
from tests.factories import SIGNATURE, checkin_body

SHOTS = Path("/work/wt/_shots/workshop")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000180000001808020000006f15aaaf0000001f49444154789c633860604015c4306ad0a841a3068d1a346ad0a841036f10002cdd881f8e3c474d0000000049454e44ae426082")   # 24x24, red


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def shown(iso_time, now):
    """How a card shows a promised time: the time today, the date and time on another day."""
    tz = current_store().settings.tz
    at, today = iso_time.astimezone(tz), now.astimezone(tz).date()
    return at.strftime("%H:%M") if at.date() == today else at.strftime("%m-%d %H:%M")


def approved(stack, advisor, order, promised):
    status, order = stack.request("POST", f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": promised.isoformat(), "signature": SIGNATURE,
        "decisions": {ln["id"]: "approved" for ln in order["lines"]}}, advisor)
    assert status == 200 and order["status"] == "approved", order
    return order


def assert_options_fit(selects):
    """Every option's text fits its select (nothing cut off as "王师("), the arrow left aside."""
    cut = selects.evaluate_all("""(sels) => sels.flatMap((s) => {
        const cs = getComputedStyle(s), span = document.createElement("span");
        span.style.font = cs.font; span.style.whiteSpace = "pre"; document.body.append(span);
        const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 16;
        const bad = [...s.options].filter((o) => { span.textContent = o.text;
            return span.getBoundingClientRect().width > room; }).map((o) => s.name + ":" + o.text);
        span.remove(); return bad; })""")
    assert cut == []


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_board_job_view_finding_and_quality_check_on_the_floor(stack, tablet, phone):
    advisor = staff_token(stack, "advisor")
    now = clock.now()
    # a walk-in (散客) checked in first, promised soon
    status, walk_in = stack.request("POST", "/api/staff/checkins", checkin_body(
        customer={"name": "李女士", "phone": "13600136000"},
        vehicle={"plate": "粤B66666", "vin": "", "model": "速腾"}, services=["MAINT_10K"],
        wash=False), advisor)
    assert status == 201, walk_in
    walk_in_promise = now + timedelta(minutes=90)
    walk_in = approved(stack, advisor, walk_in, walk_in_promise)
    # a customer who booked online, checked in after, promised tomorrow
    status, booking = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸"}, "services": ["MAINT_10K"],
        "slot_start": stack.slot(stack.next_open_day(), 9)})
    assert status == 201, booking
    status, booked = stack.request("POST", "/api/staff/checkins", checkin_body(
        booking_id=booking["id"], wash=False), advisor)
    assert status == 201, booked
    booked_promise = now + timedelta(days=1)
    booked = approved(stack, advisor, booked, booked_promise)
    oid = booked["id"]

    # ---- the foreman's board: booked first, each car once, dates when not today
    page = tablet
    sign_in(page, stack, "foreman")
    expect(page).to_have_url(f"{stack.url}/portal/#/workshop")
    waiting = page.locator("#waiting [data-job]")
    expect(waiting).to_have_count(2)
    assert [waiting.nth(i).get_attribute("data-job") for i in range(2)] == [oid, walk_in["id"]]
    expect(waiting.nth(0).locator(".pill.booked")).to_have_text("预约")
    expect(waiting.nth(1).locator(".pill.booked")).to_have_count(0)
    expect(waiting.nth(0)).to_contain_text("预计交车时间 " + shown(booked_promise, now))
    expect(waiting.nth(1)).to_contain_text("预计交车时间 " + shown(walk_in_promise, now))
    # the rule itself, whatever the hour this test runs at (the cards above may both be tomorrow)
    assert page.evaluate("""async () => { const t = await import('/portal/kit/time.js');
        return [t.when('2026-12-01T16:00:00+08:00', '2026-12-01T08:00:00+08:00'),
                t.when('2026-12-02T09:30:00+08:00', '2026-12-01T08:00:00+08:00'),
                t.when('2026-12-01T23:30:00+08:00', '2026-12-01T16:00:00Z')]; }""") == [
        "16:00", "12-02 09:30", "12-01 23:30"]
    waiting_count = page.locator(".counts > div", has_text="待派工").locator("b")
    expect(waiting_count).to_have_text("2")
    card = page.locator(f'#waiting [data-job="{oid}"]')
    # round 3: no technician chosen for the foreman; 派工 without a choice is refused at the field
    tech_select = card.locator("select[name=technician]")
    expect(tech_select.locator("option:checked")).to_have_text("请选择技师")
    assert tech_select.input_value() == "" and card.locator("select[name=bay]").input_value() == ""
    assert_options_fit(card.locator("select"))
    card.locator("button[type=submit]").click()
    expect(tech_select).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + tech_select.get_attribute("aria-describedby").split()[-1])
    expect(error).to_have_text("请选择一项")
    shot(page, "workshop-dispatch-unchosen")
    expect(page.locator(f'#waiting [data-job="{oid}"]')).to_have_count(1)
    expect(waiting_count).to_have_text("2")
    card.locator("select[name=technician]").select_option("technician")
    card.locator("select[name=bay]").select_option("2")
    card.locator("button[type=submit]").click()
    expect(page.locator(f'[data-lane="technician"] [data-job="{oid}"]')).to_be_visible()
    expect(page.locator(f'#waiting [data-job="{oid}"]')).to_have_count(0)
    expect(waiting_count).to_have_text("1")
    expect(page.locator(f'[data-job="{oid}"]')).to_have_count(1)
    shot(page, "workshop-board-1024")

    # ---- the technician on a phone: their job, then the job view
    sign_in(phone, stack, "technician")
    expect(phone).to_have_url(f"{stack.url}/portal/#/jobs")
    job = phone.locator(f'[data-job="{oid}"]')
    expect(job).to_contain_text("工位 2")
    expect(job).to_contain_text("预计交车时间 " + shown(booked_promise, now))
    no_horizontal_scroll(phone)
    shot(phone, "technician-jobs-390")
    phone.goto(f"{stack.url}/portal/#/orders")       # the cars in the store: no amounts
    expect(phone.locator(f'tr[data-order="{oid}"]')).to_contain_text("粤B12345")
    assert "¥" not in phone.locator("body").inner_text()
    expect(phone.locator("#view thead")).not_to_contain_text("应收金额")
    no_horizontal_scroll(phone)
    shot(phone, "technician-orders-390")
    phone.goto(f"{stack.url}/portal/#/jobs")
    job.locator(f'a[href="#/order/{oid}"]').click()
    view = phone.locator("#jobview")
    expect(view).to_contain_text("刹车异响")              # the customer's concern
    expect(view).to_contain_text("左前轮")
    expect(view).to_contain_text("左前刹车片剩余2mm")      # the advisor's findings
    expect(view).to_contain_text("工位 2")
    expect(view).to_contain_text(shown(booked_promise, now))
    expect(view).to_contain_text("更换机油及机油滤清器")   # the booked package's lines
    text = phone.locator("body").inner_text()
    assert "¥" not in text and "13800138000" not in text and "138****8000" not in text
    expect(phone.locator("#al")).to_have_count(0)           # no add-line form
    no_horizontal_scroll(phone)
    phone.locator('#jobsec [data-clock="start"]').click()
    expect(phone.locator('#jobsec [data-clock="finish"]')).to_be_visible()

    # a finding from the bay, with a photo
    form = phone.locator("#ff")
    form.locator("[name=description]").fill("右后刹车片磨损至2mm")
    form.locator("input[name=photo]").set_input_files(
        files=[{"name": "pad.png", "mimeType": "image/png", "buffer": PNG}])
    expect(form.locator("[data-photos]")).to_have_attribute("data-photos", "1")
    form.locator("button[type=submit]").click()
    expect(phone.locator("#banner")).to_contain_text("已报告")
    found = phone.locator("#joblines li", has_text="右后刹车片磨损至2mm")
    expect(found).to_contain_text("技师发现")
    expect(found.locator("img")).to_have_count(1)
    expect(phone.locator("body")).to_contain_text("王师傅 报告了技师发现")   # the timeline
    phone.wait_for_function("() => document.querySelector('#joblines img').naturalWidth === 24")
    stored = RepairOrderItem.get(oid).lines[-1]
    assert stored["to_price"] is True and stored["status"] == "draft" and len(stored["photo_keys"]) == 1
    no_horizontal_scroll(phone)
    shot(phone, "technician-job-view-390")
    phone.click("#lang")                                       # the same view in English
    expect(view).to_contain_text("Customer's concern")
    expect(view).to_contain_text("Technician's finding")
    expect(phone.locator("#ff")).to_contain_text("Report to the advisor")
    shot(phone, "technician-job-view-en-390")
    phone.click("#lang")
    expect(view).to_contain_text("客户描述")

    # ---- the advisor sees the mark, prices the finding and sends it as additional work
    sign_in(page, stack, "advisor")
    page.goto(f"{stack.url}/portal/#/orders")
    expect(page.locator(f'tr[data-order="{oid}"] .pill.finding')).to_contain_text("技师发现")
    expect(page.locator(f'tr[data-order="{walk_in["id"]}"] .pill.finding')).to_have_count(0)
    shot(page, "orders-finding-mark-1024")
    page.goto(f"{stack.url}/portal/#/workshop")
    expect(page.locator(f'[data-job="{oid}"] .pill.finding')).to_contain_text("技师发现")
    page.goto(f"{stack.url}/portal/#/order/{oid}")
    row = page.locator(f'tr[data-line="{stored["id"]}"]')
    expect(row).to_contain_text("待报价")
    expect(row.locator("img")).to_have_count(1)
    row.locator("[data-price]").click()
    dialog = page.locator("#pf")
    expect(dialog.locator("[name=description]")).to_have_value("右后刹车片磨损至2mm")
    dialog.locator("[name=description]").fill("更换右后刹车片")
    dialog.locator("[name=qty]").fill("1.0")
    dialog.locator("[name=price]").fill("300")
    shot(page, "order-price-finding-1024")
    dialog.locator("button[type=submit]").click()
    expect(page.locator("#banner")).to_contain_text("已保存")
    row = page.locator(f'tr[data-line="{stored["id"]}"]')
    expect(row).to_contain_text("更换右后刹车片")
    expect(row).to_contain_text("300.00")
    expect(row).not_to_contain_text("待报价")
    page.fill("#ap input[name=promised_at]", (now + timedelta(days=1, hours=1)).astimezone(
        current_store().settings.tz).strftime("%Y-%m-%dT%H:%M"))
    page.click("#sms")
    expect(page.locator("#sent")).to_contain_text("确认短信已发送")
    line = RepairOrderItem.get(oid).lines[-1]
    assert (line["status"], line["additional"], line["to_price"]) == ("pending", True, False)
    shot(page, "order-finding-sent-1024")
    # the customer approves it on their phone (the approval page's own test walks that path)
    request_id = RepairOrderItem.get(oid).approvals[-1]["id"]
    token = sign_approval(get_config().secret_key, oid, request_id)
    status, decided = stack.request("POST", f"/api/orders/{oid}/approval?token={token}",
                                    {"decisions": {stored["id"]: "approved"}})
    assert status == 200, decided

    # ---- the technician finishes; the self check starts unanswered, signed by the inspector
    phone.reload()                                           # the same page, fresh
    expect(phone.locator("#joblines")).to_contain_text("已确认")
    phone.locator('#jobsec [data-clock="finish"]').click()
    qcf = phone.locator("#qcf")
    expect(qcf).to_be_visible()
    codes = [code for code, _, _ in CHECKLISTS["self"]]
    for code in codes:
        expect(qcf.locator(f"select[name=item_{code}]")).to_have_value("")
    # round 3: the answers in one column at 390 px, whatever the width of each item's words
    boxes = qcf.locator("select").evaluate_all(
        "s => s.map((e) => { const r = e.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.width)]; })")
    assert len(boxes) == len(codes) and len({tuple(b) for b in boxes}) == 1, boxes
    expect(phone.locator("#qsig-l")).to_have_text("检验人签字")
    expect(qcf).not_to_contain_text("客户签字")
    phone.locator("#qsig").scroll_into_view_if_needed()
    sign(phone, "#qsig")
    qcf.locator("button[type=submit]").click()
    for code in codes:
        expect(qcf.locator(f'[data-err="items.{code}"], [aria-invalid="true"][name=item_{code}]')
               .first).to_be_visible()
    assert RepairOrderItem.get(oid).quality.get("records", []) == []
    no_horizontal_scroll(phone)
    shot(phone, "technician-self-check-390")
    for code in codes:
        qcf.locator(f"select[name=item_{code}]").select_option("pass")
    qcf.locator("button[type=submit]").click()
    expect(phone.locator("#banner")).to_contain_text("已保存")
    [record] = RepairOrderItem.get(oid).quality["records"]
    assert record["level"] == "self" and set(record["items"].values()) == {"pass"}
    # 我的工单 lists only the checks its reader signs: the team lead's check is not his
    phone.goto(f"{stack.url}/portal/#/jobs")
    expect(phone.locator("#view h2").first).to_have_text("我的工单")
    expect(phone.locator("#view")).not_to_contain_text("待质检")
    expect(phone.locator("#view")).not_to_contain_text("互检")
