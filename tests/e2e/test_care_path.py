"""Issue 15's whole path in real Chromium, on the real local stack: a car delivered today is,
three months less a week later, reminded by the daily job with a personal link; the customer
books from it on a phone without an SMS code; the manager's campaigns page shows the service
reminder's 1 sent, 1 opened, 1 booked. The next morning's run sends nothing twice."""
from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from playwright.sync_api import expect

from chalicelib.db import care as care_db
from chalicelib.db.models import BookingItem
from chalicelib.notify.sweep import run_sweep
from chalicelib.services import care
from chalicelib.services.store import current_store
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_booking_site import shot
from tests.e2e.test_portal_zh_errors import ready_order
from tests.e2e.test_workshop_to_followup import staff_token

PHONE = "+8613800138000"


def delivered_today(stack) -> dict:
    """Booked, checked in, worked, checked, settled and handed back, by the API."""
    order = ready_order(stack)
    path = f"/api/staff/orders/{order['id']}"
    status, order = stack.request("POST", path + "/settle", {
        "version": order["version"], "payment_method": "alipay"}, staff_token(stack, "cashier"))
    assert status == 200, order
    status, order = stack.request("POST", path + "/deliver", {
        "version": order["version"], "checklist": {item: True for item in (
            "clean", "old_parts", "keys", "documents", "explained")}},
        staff_token(stack, "advisor"))
    assert status == 200 and order["status"] == "delivered", order
    return order


def test_a_delivered_car_is_reminded_books_from_its_link_and_the_manager_sees_it(
        stack, phone, browser):
    delivered_today(stack)
    stack.verify_phones()               # as `make run` has it: the normal form asks a code
    # the vehicles here are read with a Scan: test code, looking at what the stack holds
    settings = current_store().settings
    [vehicle] = [v for v in _vehicles() if v.plate == "粤B12345"]
    remind_day = vehicle.next_service_date - timedelta(days=settings.care_lead_days)
    assert vehicle.care_day == remind_day
    assert [v.plate for v in care_db.vehicles_due_on(remind_day)] == ["粤B12345"]

    # three months less a week later, just after the daily job's time
    hour, minute = map(int, settings.care_run_at.split(":"))
    morning = datetime(remind_day.year, remind_day.month, remind_day.day, hour, minute,
                       tzinfo=settings.tz) + timedelta(minutes=5)
    with time_machine.travel(morning, tick=True):
        run_sweep()         # what went meanwhile (the car ready, the survey and the follow-up)
        before = len(stack.sms())
        summary = care.run_daily()
        assert summary["invited"] == 1, summary
        run_sweep()
        [text] = [t for _n, t in stack.sms()[before:]]
        assert "粤B12345" in text and "/l/" in text and "回T退订" not in text  # a service reminder
        code = text.rsplit("/l/", 1)[1].split()[0]

        # the customer opens it on the phone: filled in, and no SMS code asked
        page = phone
        page.goto(f"{stack.url}/l/{code}")
        expect(page.locator("#invitation")).to_contain_text("保养")
        page.click("#next")
        slot = page.locator(".slot:not([disabled])").first
        expect(slot).to_be_visible()
        slot.click()
        page.click("#next")
        expect(page.locator("#f-phone")).to_have_value("138****8000")
        expect(page.locator("#f-plate")).to_have_value("粤B12345")
        expect(page.locator("#code-field")).to_be_hidden()
        shot(page, "care-path-1-form")
        page.click("#next")
        expect(page.locator("#step4")).to_be_visible()
        shot(page, "care-path-2-booked")
        booked = [b for b in BookingItem.scan() if b.invitation_id]
        assert [(b.phone, b.plate) for b in booked] == [(PHONE, "粤B12345")]

        # the manager's campaigns page: the service reminder's figures
        with open_page(browser, viewport={"width": 1280, "height": 900}) as desk:
            sign_in(desk, stack, "manager")
            desk.goto(stack.url + "/portal/#/campaigns")
            row = desk.locator('#cmfig tr[data-source="r:service"]')
            expect(row).to_contain_text("定期保养")
            for column, figure in ((1, "1"), (2, "1"), (3, "1")):   # sent, opened, booked
                expect(row.locator("td").nth(column)).to_have_text(figure)
            shot(desk, "care-path-3-figures")

        # the job runs again that day: nothing is sent twice
        assert care.run_daily()["ran"] is False

    # and the next morning the car is not reminded again
    with time_machine.travel(morning + timedelta(days=1), tick=True):
        summary = care.run_daily()
        run_sweep()
        assert summary["ran"] is True and summary["invited"] == 0, summary
        assert care_db.all_stats()["reminder:service"]["sent"] == 1


def _vehicles():
    from chalicelib.db.models import VehicleItem
    from chalicelib.db.records import _vehicle
    return [_vehicle(i) for i in VehicleItem.scan()]
