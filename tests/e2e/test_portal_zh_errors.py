"""Chinese throughout (issue 12, "Done means"): the portal in zh-CN, in real Chromium, shows the
server's field problems in Chinese at their field, never the English or a field key
(`customer.name: required`, `old_parts: required: take_home or dispose`, `your limit is 5%:
at most 65.00`, `q: type at least the first 3 characters…`, the cancel and call dialogs' codes).
An advisor and a cashier make each mistake through the pages; each error is screenshot."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.domain.workshop import CHECKLISTS
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_advisor_portal import sign
from tests.e2e.test_workshop_to_followup import approved_order, staff_token
from tests.factories import SIGNATURE

SHOTS = Path("/work/wt/_shots/desk2")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")
ALLOWED = {"VIN"}                                # a unit or a code a Chinese reader writes so
FIELD_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z0-9_]+\b|\b[a-z]+_[a-z_]+\b")


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"zh-error-{name}.png"), full_page=True)


def visible_errors(page):
    """Every error text a person sees: the messages at the fields and the banner."""
    return page.locator(".err, #banner, .conflict").evaluate_all(
        "els => els.filter(e => e.getClientRects().length && e.innerText.trim())"
        ".map(e => e.innerText.trim())")


def untranslated(texts, what):
    """The texts that are not plain Chinese: English words, a field key, no Chinese at all."""
    assert texts, f"{what}: no error shown"
    wrong = []
    for text in texts:
        english = [w for w in WORD.findall(text) if w not in ALLOWED]
        if english or FIELD_KEY.search(text) or not CHINESE.search(text):
            wrong.append((what, text))
    return wrong


def field_error(page, scope, name):
    """The control named ``name`` (or its group of radios) is marked wrong, its message at it."""
    marked = scope.locator(f'[aria-invalid="true"]:is([name="{name}"], [data-field~="{name}"], '
                           f'fieldset:has([name="{name}"]))')
    expect(marked.first).to_be_attached()
    return marked.first


def ready_order(stack):
    """An order through the workshop and the three checks, ready for the cashier (by API)."""
    order = approved_order(stack)
    path = f"/api/staff/orders/{order['id']}"
    steps = [("foreman", "/dispatch", {"technician": "technician", "bay": "2"}),
             ("technician", "/clock", {"action": "start"}),
             ("technician", "/clock", {"action": "finish"})]
    for who, level in (("technician", "self"), ("foreman", "team_lead"), ("inspector", "final")):
        steps.append((who, "/quality-check", {
            "level": level, "items": {code: "pass" for code, _zh, _en in CHECKLISTS[level]},
            "signature": SIGNATURE}))
    for who, step, body in steps:
        status, order = stack.request("POST", path + step, {"version": order["version"], **body},
                                      staff_token(stack, who))
        assert status == 200, (step, order)
    assert order["status"] == "ready"
    return order


def test_the_zh_portal_shows_no_untranslated_server_message(stack, tablet):
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "赵先生", "phone": "13700137002"},
        "vehicle": {"plate": "粤C33333", "model": "朗逸"}, "services": ["MAINT_10K"],
        "slot_start": stack.slot(day, 11)})
    assert status == 201, booked
    order = ready_order(stack)
    page = tablet
    wrong = []      # every step's untranslated texts, to see them all at once

    # 1. walk-in reception without the customer's name nor the old parts' choice
    sign_in(page, stack, "advisor")
    page.goto(f"{stack.url}/portal/#/checkin/new")
    form = page.locator("#ci")
    form.locator('[name="customer.phone"]').fill("13600136003")
    form.locator('[name="vehicle.plate"]').fill("粤D44444")
    form.locator('[name="mileage_km"]').fill("15230")
    form.locator('input[name="fuel_level"][value="half"]').check()
    form.locator("#sig").scroll_into_view_if_needed()
    sign(page, "#sig")
    form.locator("button[type=submit]").click()
    field_error(page, form, "customer.name")
    field_error(page, form, "old_parts")
    shot(page, "reception")
    wrong += untranslated(visible_errors(page), "reception")

    # 2. a search too short (one character: a name takes two)
    page.goto(f"{stack.url}/portal/#/search")
    page.locator('#sf input[name="q"]').fill("Z")
    page.click('#sf button[type="submit"]')
    expect(page.locator('#sf [data-err="q"]')).not_to_be_empty()
    shot(page, "search")
    wrong += untranslated(visible_errors(page), "search")

    # 3. the cancel dialog without a lost-booking reason
    page.goto(f"{stack.url}/portal/#/board")
    page.fill("#bd", day.isoformat())
    page.dispatch_event("#bd", "change")
    page.locator(f'tr[data-booking="{booked["id"]}"] button[data-act="cancel"]').click()
    dialog = page.locator("#cancel-dlg")
    dialog.locator("button[type=submit]").click()
    field_error(page, dialog, "lost_reason")
    shot(page, "cancel")
    wrong += untranslated(visible_errors(page), "cancel dialog")
    dialog.locator("[data-close]").click()

    # 3b. a confirmation call recorded without its outcome
    page.goto(f"{stack.url}/portal/#/calls")
    page.fill("#cd", day.isoformat())
    page.dispatch_event("#cd", "change")
    page.locator(f'tr[data-call="{booked["id"]}"] button[data-act="call"]').click()
    dialog = page.locator("#call-dlg")
    dialog.locator("button[type=submit]").click()
    field_error(page, dialog, "outcome")
    shot(page, "call")
    wrong += untranslated(visible_errors(page), "call dialog")
    dialog.locator("[data-close]").click()

    # 4. a booking into a time that has passed (the page offers none: asked of the API as the
    # page asks, in its language)
    status, answer = stack.request("POST", "/api/staff/bookings", {
        "customer": {"name": "孙先生", "phone": "13500135004"},
        "vehicle": {"plate": "粤E55555"}, "services": ["MAINT_10K"], "channel": "phone",
        "slot_start": (clock.now() - timedelta(days=1)).replace(microsecond=0).isoformat()},
        {**staff_token(stack, "advisor"), "Accept-Language": "zh-CN"})
    assert status == 422 and "slot_start" in answer["error"]["fields"], answer
    wrong += untranslated([answer["error"]["message"], answer["error"]["fields"]["slot_start"]],
                   "past slot")

    # 5. the cashier: a discount over their limit
    sign_in(page, stack, "cashier")
    page.goto(f"{stack.url}/portal/#/order/{order['id']}")
    page.fill("#stf input[name=discount]", "100")
    page.fill("#stf input[name=discount_reason]", "老客户")
    page.click("#stf button[type=submit]")
    field_error(page, page.locator("#stf"), "discount")
    shot(page, "discount")
    wrong += untranslated(visible_errors(page), "discount")
    assert not wrong, wrong
