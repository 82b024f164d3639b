"""Issue 12, accessibility of the staff portal at 1024 px, signed in as the advisor and the
manager: on every page of the front desk (the app shell, reception, the repair order and its
in-store approval dialog, the cars in the store, the board, calls, search, the vehicle file,
complaints, follow-ups, my jobs) no control lacks a tied label, no button a name, no id is
repeated, no ARIA state sits where its role forbids it, no heading skips a level and no text
falls under the WCAG AA contrast (tests/e2e/a11y.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import PROBLEMS
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_workshop_to_followup import approved_order, staff_token
from tests.factories import checkin_body

SHOTS = Path("/work/wt/_shots/portal2")


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def test_the_front_desk_pages_pass_the_accessibility_rules(stack, tablet):
    approved = approved_order(stack)
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "赵先生", "phone": "13900139000"},
        "vehicle": {"plate": "粤B54321", "model": "朗逸"}, "services": ["MAINT_10K"],
        "slot_start": stack.slot(day, 10)})
    assert status == 201, booked
    status, open_order = stack.request("POST", "/api/staff/checkins", checkin_body(
        booking_id=booked["id"], wash=False), staff_token(stack, "advisor"))
    assert status == 201, open_order
    page, found = tablet, {}

    def check(name, ready):
        expect(ready).to_be_visible()
        problems = page.evaluate(PROBLEMS)
        if problems:
            found[name] = problems

    pages = {"board": "#upd >> text=更新于", "calls": "#view h2", "checkin/new": "svg.car",
             f"order/{approved['id']}": "#jobsec", f"order/{open_order['id']}": "#instore",
             "orders": "#view table", "search": "#sf",
             f"vehicle/{approved['vehicle']['id']}": "#view table", "complaints": "#view .counts",
             "followups": "#fu-overdue", "jobs": "#view h2"}
    for who in ("advisor", "manager"):
        sign_in(page, stack, who)
        for route, ready in pages.items():
            if who == "advisor" and route in ("followups", "jobs"):   # not the advisor's pages
                continue
            page.goto(f"{stack.url}/portal/#/{route}")
            check(f"{who} {route}", page.locator(ready).first)
    # the in-store approval dialog, over the order
    page.goto(f"{stack.url}/portal/#/order/{open_order['id']}")
    page.click("#instore")
    check("manager approval dialog", page.locator("dialog"))
    page.screenshot(path=str(SHOTS / "a11y-approval-dialog-1024.png"), full_page=True)
    page.goto(f"{stack.url}/portal/#/checkin/new")
    page.screenshot(path=str(SHOTS / "a11y-reception-1024.png"), full_page=True)
    # signed out: the sign-in page
    page.evaluate("localStorage.removeItem('portal.session')")
    page.goto(f"{stack.url}/portal/#/login")
    page.reload()
    check("sign-in", page.locator("input[name=username]"))
    assert found == {}
