"""Issue 15 (INVITE) in real Chromium at 375 px: the invitation's SMS link opens the booking
site filled in (name, masked mobile, car, mileage, services, the declined work), the customer
books without an SMS code and sees the confirmation; a forged link shows a friendly message and
the normal form; the unsubscribe page takes the number off marketing."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.config import get_config
from chalicelib.db import care as care_db
from chalicelib.db import records
from chalicelib.db.links import ShortLink
from chalicelib.db.models import BookingItem
from chalicelib.domain.care import Invitation, new_invitation_id
from chalicelib.domain.tokens import sign_invitation
from chalicelib.services import invitations
from tests.e2e.conftest import open_page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = "+8613800138000"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def small_phone(browser):
    with open_page(browser, viewport={"width": 375, "height": 812}, is_mobile=True) as page:
        yield page


def invitation_in_the_stack(stack) -> tuple[Invitation, str, str]:
    """An invitation as the daily job leaves it in the stack's tables: its SMS link (a short
    link to the booking site with the signed token)."""
    now = clock.now()
    inv = Invitation(
        id=new_invitation_id(), kind="service", vehicle_id="veh_e2e", customer_id="cus_e2e",
        plate="粤B12345", model="Lavida", customer_name="王先生", phone=PHONE, locale="zh-CN",
        due_on=(now + timedelta(days=7)).date().isoformat(), created_at=now.isoformat(),
        services=("MAINT_10K",), items=("空调滤芯更换",), mileage_km=15800, status="sent",
        sent_at=now.isoformat(), call_status="open",
        call_due=(now + timedelta(days=3)).date().isoformat())
    token = sign_invitation(get_config().secret_key, inv.id)
    target = invitations.booking_url(inv.id)
    assert target == f"{stack.url}/?invitation={inv.id}&token={token}"
    link = ShortLink.new(target, expires=now + timedelta(days=60))
    records.save(records.Changes(invitations=[(inv, True)], links=[link]))
    return inv, token, link.code


def test_the_sms_link_books_on_a_phone_without_a_code(stack, small_phone):
    stack.verify_phones()          # as `make run` has it: a code is asked on the normal form
    inv, token, code = invitation_in_the_stack(stack)
    page = small_phone

    # the link from the SMS: the form is filled in, the mobile masked and read-only, no code
    page.goto(f"{stack.url}/l/{code}")
    expect(page.locator("#invitation")).to_contain_text("定期保养")
    expect(page.locator("#invitation")).to_contain_text("空调滤芯更换")
    expect(page.locator("#svc-MAINT_10K")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375   # no sideways scroll
    shot(page, "invite-1-services")
    page.click("#next")
    first_free = page.locator(".slot:not([disabled])").first
    expect(first_free).to_be_visible()
    first_free.click()
    page.click("#next")
    expect(page.locator("#f-name")).to_have_value("王先生")
    expect(page.locator("#f-phone")).to_have_value("138****8000")
    expect(page.locator("#f-phone")).to_have_attribute("readonly", "")
    expect(page.locator("#f-plate")).to_have_value("粤B12345")
    expect(page.locator("#f-model")).to_have_value("Lavida")
    expect(page.locator("#f-mileage")).to_have_value("15800")
    expect(page.locator("#c-what")).to_have_value("空调滤芯更换")
    expect(page.locator("#get-code")).to_be_hidden()
    expect(page.locator("#code-field")).to_be_hidden()
    consent = page.locator("#f-consent")
    expect(consent).not_to_be_checked()                                   # unticked by default
    expect(page.locator("label:has(#f-consent)")).to_contain_text("接收保养提醒以外的优惠活动短信")
    consent.check()
    shot(page, "invite-2-details")
    page.click("#next")

    # the confirmation; the booking is the invitation's, on its mobile, and counted
    expect(page.locator("#step4")).to_be_visible()
    expect(page.locator("#d-ref")).not_to_be_empty()
    expect(page.locator("#d-sms")).to_contain_text("138****8000")
    shot(page, "invite-3-done")
    [booking] = list(BookingItem.scan())
    assert (booking.phone, booking.invitation_id) == (PHONE, inv.id)
    stored = care_db.get_invitation(inv.id)
    assert stored.booking_id == booking.booking_id and stored.opened_at
    assert care_db.all_stats()["reminder:service"]["opened"] == 1
    assert care_db.all_stats()["reminder:service"]["booked"] == 1
    assert care_db.consents([PHONE])[PHONE]["marketing"] is True

    # a forged link: a friendly word, and the normal form with its SMS code
    page.goto(f"{stack.url}/?invitation={inv.id}&token=forged")
    expect(page.locator("#invitation")).to_have_text(
        "这个专属预约链接无效或已过期。您仍可在下方正常预约。")
    expect(page.locator("#get-code")).to_be_attached()
    shot(page, "invite-4-bad-link")

    # unsubscribe: one button, the confirmation; in English too
    page.goto(invitations.unsubscribe_url(inv.id))
    expect(page.locator("#uh")).to_have_text("退订优惠活动短信")
    shot(page, "invite-5-unsubscribe")
    page.click("#unsubscribe")
    expect(page.locator("#done")).to_be_visible()
    shot(page, "invite-6-unsubscribed")
    assert care_db.opted_out([PHONE]) == {PHONE}
    assert care_db.consents([PHONE])[PHONE]["marketing"] is False
    page.click("#lang")
    expect(page.locator("#done-h")).to_have_text(
        "Done. We will not text you offers or events any more.")
