"""The manager runs the store's settings (issue 13) in real Chromium: a field refused at its
field in Chinese, a shorter Saturday refused while a Saturday afternoon is booked (the
affected bookings in a dialog), applied anyway with the booking listed for the advisor's
call, and the booking site then offering only the new Saturday slots. And, against the real
stack under concurrency: bookings arriving while Saturday is shortened leave none unlisted
and every counter exact."""
from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.db import bookings as bookings_db
from chalicelib.db.models import CapacityItem
from chalicelib.domain.staff import Staff
from chalicelib.services import settings as settings_service
from chalicelib.services.store import current_store
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_workshop_to_followup import staff_token

SHOTS = Path("/work/wt/_shots/settings")
MANAGER = Staff(username="manager", name="刘经理", roles=frozenset({"manager"}), store_id="demo")


def saturday() -> date:
    day = clock.now().astimezone(current_store().settings.tz).date() + timedelta(days=1)
    while day.weekday() != 5 or current_store().settings.hours_on(day) is None:
        day += timedelta(days=1)
    return day


def look(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_manager_shortens_saturday_and_the_booking_site_follows(stack, browser):
    sat = saturday()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸"}, "services": ["MAINT_10K"],
        "slot_start": stack.slot(sat, 14)})
    assert status == 201, booked

    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        sign_in(page, stack, "manager")
        page.goto(stack.url + "/portal/#/settings")
        form = page.locator("#settings-form")
        expect(form).to_be_visible()
        expect(page.locator("#eff")).to_contain_text("1分钟内生效")
        expect(page.locator("#holidays")).not_to_contain_text("…")
        look(page, "settings-1024")

        # a field refused at its field, in Chinese
        page.fill('input[name="sms_signature"]', "骏")
        page.click('#settings-form button[type=submit]')
        err = page.locator('.field[data-for="sms_signature"] .err')
        expect(err).not_to_be_empty()
        text = err.inner_text()
        assert not re.search(r"[A-Za-z]{3,}", text), text
        expect(page.locator('input[name="sms_signature"]')).to_have_attribute("aria-invalid", "true")
        page.fill('input[name="sms_signature"]', "骏达大众")

        # Saturday closes at noon: the booked afternoon is listed in a dialog, nothing saved
        page.fill('input[name="opening_hours.sat.b"]', "12:00")
        page.click('#settings-form button[type=submit]')
        dialog = page.locator("dialog")
        expect(dialog).to_contain_text("粤B12345")
        expect(dialog).to_contain_text("王先生")
        look(page, "settings-affected-1024")
        assert current_store().settings.opening_hours["sat"] == ["08:00", "17:00"]
        # saved anyway: the booking goes to the advisor's call list with the reason
        dialog.locator("#apply").click()
        expect(page.locator("#banner")).to_contain_text("1")
        expect(page.locator("#changes")).to_contain_text("12:00")
        look(page, "settings-saved-1024")
    assert current_store().settings.opening_hours["sat"] == ["08:00", "12:00"]
    status, calls = stack.request("GET", "/api/staff/calls", headers=staff_token(stack, "advisor"))
    assert status == 200 and [r["id"] for r in calls["recalls"]] == [booked["id"]]

    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        sign_in(page, stack, "advisor")
        page.goto(stack.url + "/portal/#/calls")
        expect(page.locator("#recalls")).to_contain_text("粤B12345")
        look(page, "calls-recall-1024")

    # the booking site offers only the new Saturday slots
    with open_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        page.goto(stack.url + "/")
        page.check("#svc-MAINT_10K")
        page.click("#next")
        page.click(f'.day[data-date="{sat.isoformat()}"]')
        expect(page.locator(".slot").first).to_be_visible()
        starts = page.eval_on_selector_all(".slot", "els => els.map((e) => e.dataset.start)")
        assert starts and all(s[11:16] < "12:00" for s in starts), starts
        assert stack.slot(sat, 11) in starts


def test_bookings_arriving_while_saturday_is_shortened_none_unlisted_counters_exact(stack):
    """Threads book Saturday afternoon while the manager shortens Saturday (applying it to the
    bookings it strands): afterwards every active booking outside the new hours is on the
    call list, and every counter equals the active bookings it counts."""
    sat = saturday()
    version = settings_service.settings_page(MANAGER)["version"]
    start = threading.Barrier(13)
    results, saved = [], []

    def book(n):
        from chalicelib.services import bookings
        start.wait()
        try:
            bookings.create_booking({
                "customer": {"name": f"客户{n}", "phone": f"1390013{n:04d}"},
                "vehicle": {"plate": f"粤C{n:05d}"}, "services": ["MAINT_10K"],
                "slot_start": stack.slot(sat, 12 + n % 4)})
            results.append("booked")
        except Exception as exc:   # refused: full, or the hours are gone
            results.append(type(exc).__name__)

    def shorten():
        start.wait()
        saved.append(settings_service.change_settings(
            {"version": version, "apply_affected": True,
             "opening_hours": {"sat": ["08:00", "12:00"]}}, MANAGER))

    threads = [threading.Thread(target=book, args=(n,)) for n in range(12)]
    threads.append(threading.Thread(target=shorten))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert saved and saved[0]["version"] == version + 1
    assert "booked" in results, results
    active = [b for b in bookings_db.day_bookings(sat) if b.status in ("booked", "confirmed")]
    outside = {b.id for b in active
               if b.slot_start.astimezone(current_store().settings.tz).hour >= 12}
    listed = {r["id"] for r in settings_service.recall_rows(clock.now()) for r in [{"id": r[0]}]}
    assert outside <= listed, (outside, listed)
    for item in CapacityItem.query(sat.isoformat()):
        if item.slot.startswith("_"):
            continue
        counted = sum(1 for b in active if b.slot_start.astimezone(
            current_store().settings.tz).strftime("%H:%M") == item.slot)
        assert int(item.booked or 0) == counted, item.slot
