"""A customer books on a phone-sized screen in real Chromium; the SMS arrives; they cancel from it."""
from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import expect

from chalicelib.db.models import BookingItem
from infra.local.server import Scheduler

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fill_booking(page, stack, *, service, slot_start, name, mobile, plate):
    """The customer's first three steps, up to the filled-in details form."""
    page.goto(stack.url + "/")
    page.check(f"#svc-{service}")
    page.click("#next")
    page.click(f'.day[data-date="{slot_start[:10]}"]')
    page.click(f'.slot[data-start="{slot_start}"]')
    page.click("#next")
    page.fill("#f-name", name)
    page.fill("#f-phone", mobile)
    page.fill("#f-plate", plate)


def wait_for_sms(stack, count, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(stack.sms()) >= count:
            return stack.sms()
        time.sleep(0.2)
    raise AssertionError(f"expected {count} SMS, got {stack.sms()}")


def test_book_on_a_phone_get_the_sms_and_cancel_from_it(stack, phone):
    stack.verify_phones()          # as `make run` has it: the mobile is verified by an SMS code
    page = phone
    page.goto(stack.url + "/")
    expect(page.locator("#store-name")).to_have_text("骏达大众4S店")

    # step 1: nothing chosen -> a clear message, then two services
    page.click("#next")
    expect(page.locator("#banner")).to_have_text("请至少选择一项服务")
    page.check("#svc-MAINT_10K")
    page.check("#svc-BRAKE_CHECK")
    expect(page.locator("#total")).to_contain_text("预估 ¥830.00")
    page.click("#next")

    # step 2: the first day with room opens by itself; take its first free slot
    first_free = page.locator(".slot:not([disabled])").first
    expect(first_free).to_be_visible()
    chosen_time = first_free.locator("span").inner_text()
    first_free.click()
    expect(first_free).to_have_attribute("aria-pressed", "true")
    shot(page, "booking-2-slot")
    page.click("#next")

    # step 3: wrong phone and plate are named inline; fixing them books
    page.fill("#f-name", "王先生")
    page.fill("#f-phone", "1380013")
    page.fill("#f-plate", "粤B1234")
    page.click("#next")
    expect(page.locator("#e-customer\\.phone")).to_have_text("请输入11位手机号,例如 13800138000")
    expect(page.locator("#e-vehicle\\.plate")).to_contain_text("请输入正确的车牌号")
    expect(page.locator("#f-phone")).to_have_attribute("aria-invalid", "true")
    shot(page, "booking-3-errors")
    page.fill("#f-phone", "138 0013 8000")
    page.fill("#f-plate", "粤bd12345")
    page.fill("#f-mileage", "15230")
    page.click("#concern summary")
    page.fill("#c-what", "刹车时有异响")
    page.check("input[value=drop_off]")
    page.click("#next")
    expect(page.locator("#e-verification\\.code")).to_have_text("请先获取并填写短信验证码")
    assert list(BookingItem.scan()) == []         # nothing booked without the code

    # the SMS code (短信验证码): 获取验证码, a 60-second countdown, the code read from the SMS
    code_input = page.locator("#f-code")
    assert (code_input.get_attribute("inputmode"), code_input.get_attribute("autocomplete"),
            code_input.get_attribute("maxlength")) == ("numeric", "one-time-code", "6")
    page.click("#get-code")
    expect(page.locator("#code-hint")).to_have_text("验证码已发送至 138****8000,10分钟内有效。")
    expect(page.locator("#get-code")).to_be_disabled()
    expect(page.locator("#get-code")).to_have_text(re.compile(r"^(60|59|58|57)秒后重新获取$"))
    code_to, code_sms = wait_for_sms(stack, 1)[0]
    assert code_to == "+8613800138000"
    code = re.search(r"验证码为(\d{6}),", code_sms).group(1)
    page.fill("#f-code", "000000" if code != "000000" else "111111")
    page.click("#next")
    expect(page.locator("#e-verification\\.code")).to_have_text("验证码错误或已失效,请核对短信或重新获取")
    expect(page.locator("#f-code")).to_have_attribute("aria-invalid", "true")
    shot(page, "booking-3-code")
    page.fill("#f-code", code)
    page.click("#next")

    # step 4: confirmation with the reference
    expect(page.locator("#step4")).to_be_visible()
    expect(page.locator("#h4")).to_have_text("预约成功")
    expect(page.locator("#d-ref")).to_have_text(re.compile(r"^[2-9A-HJ-NP-Z]{8}$"))
    reference = page.locator("#d-ref").inner_text()
    expect(page.locator("#d-when")).to_contain_text(chosen_time)
    expect(page.locator("#d-sms")).to_have_text("确认短信将发送到 138****8000。")
    with page.expect_download() as download:
        page.click("#ics")
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and reference in ics
    shot(page, "booking-4-done")

    stored = [b for b in BookingItem.scan() if b.reference == reference]
    assert len(stored) == 1
    booking = stored[0]
    assert (booking.phone, booking.plate, booking.transport, booking.mileage_km) == (
        "+8613800138000", "粤BD12345", "drop_off", 15230)
    assert booking.concern.as_dict() == {"what": "刹车时有异响"}

    # the scheduled sweep publishes the confirmation by itself
    scheduler = Scheduler(interval=0.5).start()
    try:
        phone_number, text = wait_for_sms(stack, 2)[1]
    finally:
        scheduler.stop()
    assert phone_number == "+8613800138000"
    assert text.startswith("【骏达大众】王先生您好,已为您预约")
    assert f"单号{reference}" in text and "请准时到店" in text
    short_link = re.search(r"(http://\S+/l/\w+)$", text).group(1)

    # the customer taps the SMS link and cancels with a reason
    page.goto(short_link)
    expect(page.locator("#ref")).to_have_text(reference)
    expect(page.locator("#status")).to_have_text("已预约")
    page.click("#do-cancel")
    page.click("#c-save")
    expect(page.locator("#e-reason")).to_have_text("请选择或填写取消原因")
    page.check("input[value=reason_time]")
    page.click("#c-save")
    expect(page.locator("#banner")).to_have_text("预约已取消。")
    expect(page.locator("#status")).to_have_text("已取消")
    shot(page, "manage-cancelled")
    item = BookingItem.get(booking.booking_id)
    assert (item.status, item.cancel_reason) == ("cancelled", "时间有冲突")


def test_reschedule_from_the_manage_page_in_english(stack, phone):
    from chalicelib.services import bookings
    from tests.factories import booking_body
    day = stack.next_open_day()
    created = bookings.create_booking(booking_body(slot_start=stack.slot(day, 9)))
    page = phone
    page.goto(stack.url + "/")
    page.click("#lang")  # the choice is remembered for the next page
    page.goto(created["manage_url"].replace("http://127.0.0.1:8000", stack.url))
    expect(page.locator("#status")).to_have_text("Booked")
    page.click("#do-reschedule")
    current = page.locator(f'.slot[data-start="{stack.slot(day, 9)}"]')
    expect(current).to_be_disabled()
    page.click(f'.slot[data-start="{stack.slot(day, 15)}"]')
    page.click("#r-save")
    expect(page.locator("#banner")).to_contain_text("Moved to")
    expect(page.locator("#v-when")).to_contain_text("15:00")
    shot(page, "manage-rescheduled-en")
    assert BookingItem.get(created["id"]).slot_start == stack.slot(day, 15)


def test_a_forged_link_shows_a_clear_message(stack, phone):
    phone.goto(stack.url + "/manage.html?id=abc&token=forged")
    expect(phone.locator("#link-problem h2")).to_have_text("链接无效或已过期")
    expect(phone.locator("#link-problem")).to_contain_text("请使用最新短信中的链接")
    expect(phone.locator("#view")).to_be_hidden()


def _wait_for(page, condition, timeout_ms=5000):
    """Let the page run until ``condition()`` holds (a Playwright route handler is called then)."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not get there in time")


def test_slot_taken_while_filling_the_form_offers_the_nearest_times(stack, phone):
    from chalicelib.services import bookings
    from chalicelib.services.store import current_store, save_store
    from infra.local.demo import demo_services
    from tests.factories import booking_body
    save_store(current_store().settings.with_changes(slot_capacity=1), demo_services())
    day = stack.next_open_day()
    wanted = stack.slot(day, 10)
    page = phone
    fill_booking(page, stack, service="MAINT_BASIC", slot_start=wanted,
                 name="李女士", mobile="13900139000", plate="京A12345")
    # meanwhile someone else takes the last place by phone
    bookings.create_booking(booking_body(slot_start=wanted, services=["MAINT_BASIC"]))
    page.keyboard.press("Tab")
    # the day's slots are held back until the customer has also picked an alternative, so two
    # answers arrive together (a slow mobile network): the grid must show the last one only
    held, holding = [], [True]
    page.route("**/api/slots?*", lambda route: held.append(route) if holding[0] else route.continue_())
    page.click("#next")
    expect(page.locator("#banner")).to_contain_text("该时段刚刚约满")
    alternatives = page.locator("#banner .alts button")
    expect(alternatives).to_have_count(3)
    alternatives.first.click()  # the nearest: 09:00 the same day
    _wait_for(page, lambda: len(held) >= 2)
    holding[0] = False
    for route in held:
        route.continue_()
    nine = page.locator(f'.slot[data-start="{stack.slot(day, 9)}"]')
    expect(nine).to_have_count(1)
    expect(nine).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".slot")).to_have_count(len(set(page.locator(".slot").evaluate_all(
        "els => els.map(e => e.dataset.start)"))))
    shot(page, "booking-slot-full")
    page.click("#next")
    page.click("#next")
    expect(page.locator("#step4")).to_be_visible()
    expect(page.locator("#d-when")).to_contain_text("09:00")
    assert len(list(BookingItem.by_date.query(day.isoformat()))) == 2


def test_the_same_car_twice_on_one_day_is_explained(stack, phone):
    from chalicelib.services import bookings
    from tests.factories import booking_body
    day = stack.next_open_day()
    bookings.create_booking(booking_body(slot_start=stack.slot(day, 9)))  # 粤B12345
    page = phone
    fill_booking(page, stack, service="FREE_CHECK", slot_start=stack.slot(day, 14),
                 name="王太太", mobile="13600136000", plate="粤B12345")
    page.click("#next")
    expect(page.locator("#e-vehicle\\.plate")).to_have_text("该车辆当天已有预约")
    expect(page.locator("#banner")).to_contain_text("如需修改,请使用短信中的链接或致电门店")
    expect(page.locator("#step3")).to_be_visible()


def test_a_second_code_within_the_minute_shows_the_wait_at_the_field(stack, phone):
    stack.verify_phones()
    status, _ = stack.request("POST", "/api/verifications", {"phone": "13900139000"})
    assert status == 202
    day = stack.next_open_day()
    page = phone
    fill_booking(page, stack, service="MAINT_BASIC", slot_start=stack.slot(day, 10),
                 name="李女士", mobile="13900139000", plate="京A12345")
    page.click("#get-code")
    expect(page.locator("#e-verification\\.code")).to_have_text(re.compile(r"^获取太频繁,请\d{1,2}秒后再试$"))
    expect(page.locator("#get-code")).to_be_disabled()
    assert len(stack.sms()) == 1


def test_too_much_work_for_one_online_booking_says_to_call_the_store(stack, phone):
    page = phone
    page.goto(stack.url + "/")
    for code in ("BODY_PAINT", "MAINT_30K"):       # 420 labour minutes, 360 bookable online
        page.check(f"#svc-{code}")
    expect(page.locator("#banner")).to_have_text("所选项目工时较多,无法在线预约,请致电门店 020-88886666 预约。")
    page.click("#next")
    expect(page.locator("#step1")).to_be_visible()
    page.uncheck("#svc-MAINT_30K")
    page.click("#next")
    expect(page.locator("#step2")).to_be_visible()


def test_a_code_asked_for_survives_a_reload_of_the_page(stack, phone):
    """The SMS is on its way when the customer reloads: the page keeps the code's number and
    countdown, and the code from the SMS books (no second code, which the minute refuses)."""
    stack.verify_phones()
    day = stack.next_open_day()
    page = phone
    details = dict(service="MAINT_BASIC", slot_start=stack.slot(day, 10), name="李女士",
                   mobile="13900139000", plate="京A12345")
    fill_booking(page, stack, **details)
    page.click("#get-code")
    expect(page.locator("#code-hint")).to_have_text("验证码已发送至 139****9000,10分钟内有效。")
    code = re.search(r"验证码为(\d{6}),", wait_for_sms(stack, 1)[0][1]).group(1)

    fill_booking(page, stack, **details)          # the page is loaded again
    expect(page.locator("#code-hint")).to_have_text("验证码已发送至 139****9000,10分钟内有效。")
    expect(page.locator("#get-code")).to_be_disabled()       # the minute is still running
    page.fill("#f-code", code)
    page.click("#next")
    expect(page.locator("#step4")).to_be_visible()
    expect(page.locator("#d-ref")).to_have_text(re.compile(r"^[2-9A-HJ-NP-Z]{8}$"))
    [booking] = BookingItem.scan()
    assert booking.phone == "+8613900139000"
    assert len(stack.sms()) == 1                  # one code SMS; the confirmation is the sweep's


def test_the_manage_page_names_every_status_the_desk_sets(stack, phone):
    """Confirmed at the reminder call, then the car arrives: the customer reads 已确认 and
    已到店, not status keys."""
    from chalicelib.services import bookings, desk
    from chalicelib.domain.staff import Staff
    from tests.factories import booking_body
    day = stack.next_open_day()
    created = bookings.create_booking(booking_body(slot_start=stack.slot(day, 9)))
    desk.confirm(created["id"], {}, Staff("advisor", "张顾问", frozenset({"advisor"}), "demo"))
    page = phone
    page.goto(created["manage_url"].replace("http://127.0.0.1:8000", stack.url))
    expect(page.locator("#status")).to_have_text("已确认")
    expect(page.locator("#do-reschedule")).to_be_visible()     # still the customer's to change
