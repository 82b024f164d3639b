"""Issue 15, part CALLS, in real Chromium: the follow-up clerk records a retention call not
reached (the retry day asked at its field, in Chinese) and a lost one (the reason asked) from
the list; the vehicle file shows the calls in its timeline and logs an inbound call; the
manager's settings page has its customer care section. Screenshots at 1280 px (the clerk's
list also at 375 px) in /work/wt/_shots/care_calls."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.db import care as care_db
from chalicelib.db import records as records_db
from chalicelib.domain.care import Invitation
from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord
from chalicelib.services.store import current_store
from tests.e2e.conftest import open_page, sign_in

SHOTS = Path("/work/wt/_shots/care_calls")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def desktop(browser):
    with open_page(browser, viewport={"width": 1280, "height": 900}) as page:
        yield page


def _car_with_calls(today):
    now = clock.now()
    customer = CustomerRecord(id="cus_care", name="钱先生", phone="+8613700137000",
                              created_at=now, updated_at=now)
    vehicles = [VehicleRecord(id=vid, plate=plate, customer_id="cus_care", model="朗逸",
                              created_at=now, updated_at=now, care_day=today + timedelta(days=30))
                for vid, plate in (("veh_care", "粤B55555"), ("veh_care2", "粤B66666"))]
    invitations = [Invitation(
        id=iid, kind=kind, vehicle_id=vid, customer_id="cus_care", plate=plate,
        model="朗逸", customer_name="钱先生", phone="+8613700137000", locale="zh-CN",
        due_on=(today + timedelta(days=5)).isoformat(), created_at=now.isoformat(),
        items=items, status="sent", sent_at=now.isoformat(), call_status="open",
        call_due=today.isoformat()) for iid, kind, items, vid, plate in (
            ("inv_e2e_a", "first_free", ("首保: 更换机油机滤",), "veh_care", "粤B55555"),
            ("inv_e2e_b", "declined", ("前刹车片磨损",), "veh_care2", "粤B66666"))]
    records_db.save(records_db.Changes(customers=[(customer, True)],
                                       vehicles=[(v, True) for v in vehicles],
                                       invitations=[(i, True) for i in invitations]))


def test_the_clerk_records_a_not_reached_and_a_lost_call_from_the_list(stack, desktop, browser):
    page = desktop
    today = clock.now().astimezone(current_store().settings.tz).date()
    _car_with_calls(today)
    sign_in(page, stack, "followup")
    page.goto(f"{stack.url}/portal/#/followups")
    section = page.locator("#care-calls")
    expect(section.locator("h2")).to_have_text("邀约电话 (2)")
    first = section.locator('[data-cc="inv_e2e_a"]')
    expect(first).to_contain_text("首保")
    expect(first).to_contain_text("首保: 更换机油机滤")
    form = first.locator("form")
    # fields appear per outcome
    expect(form.locator('[data-for="retry_on"]')).to_be_hidden()
    form.locator("select[name=outcome]").select_option("not_reached")
    expect(form.locator('[data-for="retry_on"]')).to_be_visible()
    expect(form.locator('[data-for="next_on"]')).to_be_hidden()
    expect(form.locator('[data-for="reason"]')).to_be_hidden()
    shot(page, "followups-1280")
    form.locator("button[type=submit]").click()          # no retry day: told at the field
    error = form.locator('[data-for="retry_on"] .err')
    expect(error).not_to_be_empty()
    assert not re.search(r"[A-Za-z]{3,}", error.inner_text())
    form.locator("input[name=retry_on]").fill((today + timedelta(days=2)).isoformat())
    form.locator("textarea[name=note]").fill("无人接听")
    form.locator("button[type=submit]").click()
    expect(section.locator('[data-cc="inv_e2e_a"]')).to_contain_text("已致电 1 次")
    saved = care_db.get_invitation("inv_e2e_a")
    assert saved.call_due == (today + timedelta(days=2)).isoformat()
    assert [c.outcome for c in saved.calls] == ["not_reached"]

    second = section.locator('[data-cc="inv_e2e_b"] form')
    second.locator("select[name=outcome]").select_option("lost")
    expect(second.locator('[data-for="reason"]')).to_be_visible()
    second.locator("button[type=submit]").click()
    expect(second.locator('[data-for="reason"] .err')).not_to_be_empty()
    second.locator("select[name=reason]").select_option("other_workshop")
    second.locator("button[type=submit]").click()
    expect(section.locator('[data-cc="inv_e2e_b"]')).to_have_count(0)
    expect(section.locator("h2")).to_have_text("邀约电话 (1)")
    car = records_db.get_vehicle("veh_care2")
    assert care_db.get_invitation("inv_e2e_a").call_status == "open"   # another car's call
    assert car.care.lost["reason"] == "other_workshop" and car.care_day is None

    with open_page(browser, viewport={"width": 375, "height": 812}, is_mobile=True) as phone:
        sign_in(phone, stack, "followup")
        phone.goto(f"{stack.url}/portal/#/followups")
        expect(phone.locator('#care-calls [data-cc="inv_e2e_a"]')).to_be_visible()
        shot(phone, "followups-375")

    # the vehicle file: the call in its timeline, an inbound call logged, consent
    page.goto(f"{stack.url}/portal/#/vehicle/veh_care")
    timeline = page.locator("#timeline")
    expect(timeline.locator("tbody tr")).to_have_count(1)
    expect(timeline).to_contain_text("未接通")
    log = page.locator("#contact-form")
    log.locator("select[name=direction]").select_option("in")
    log.locator("textarea[name=note]").fill("客户来电询问首保时间")
    log.locator("button[type=submit]").click()
    expect(timeline.locator("tbody tr")).to_have_count(2)
    expect(timeline.locator("tbody tr").first).to_contain_text("来电")
    page.locator("#consent-box").check()
    expect(page.locator("#consent")).to_contain_text("已同意")
    assert care_db.consents(["+8613700137000"])["+8613700137000"]["marketing"] is True
    shot(page, "vehicle-1280")

    sign_in(page, stack, "manager")
    page.goto(f"{stack.url}/portal/#/settings")
    expect(page.locator("#care-hint")).to_be_visible()
    expect(page.locator("input[name=care_run_at]")).to_have_value(
        current_store().settings.care_run_at)
    shot(page, "settings-1280")
