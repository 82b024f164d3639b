"""Issue 15 part CAMPAIGNS in real Chromium: the manager reads the figures (a reminder kind's
sent / opened / booked), creates a campaign (a link in the text is refused at the field),
previews who it reaches, and schedules it."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from chalicelib import clock
from chalicelib.db import records as records_db
from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord
from chalicelib.services.store import current_store
from tests.e2e.conftest import open_page, sign_in

SHOTS = Path("/work/wt/_shots/campaigns")


def look(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def file_cars():
    now = clock.now()
    today = now.astimezone(current_store().settings.tz).date()
    changes = records_db.Changes(now=now)
    for n in (1, 2):
        customer = CustomerRecord(id=f"cus_cm{n}", name=f"客户{n}", phone=f"+861390013{n:04d}",
                                  created_at=now, updated_at=now)
        vehicle = VehicleRecord(id=f"veh_cm{n}", plate=f"粤B7{n:04d}", customer_id=customer.id,
                                model="朗逸", mileage_km=20000 * n, created_at=now,
                                updated_at=now, last_visit_on=today - timedelta(days=60 * n))
        changes.customers.append((customer, True))
        changes.vehicles.append((vehicle, True))
    # what the sweep and the booking site counted for the service reminders
    changes.stats.append(("reminder:service", {"sent": 1, "opened": 1, "booked": 1}))
    records_db.save(changes)
    return today


def test_the_manager_reads_the_figures_creates_previews_and_schedules_a_campaign(stack, browser):
    today = file_cars()
    with open_page(browser, viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, stack, "manager")
        page.goto(stack.url + "/portal/#/campaigns")
        service = page.locator('#cmfig tr[data-source="r:service"]')
        expect(service).to_contain_text("定期保养")
        expect(service.locator("td").nth(1)).to_have_text("1")     # sent
        expect(service.locator("td").nth(2)).to_have_text("1")     # opened
        expect(service.locator("td").nth(3)).to_have_text("1")     # booked
        expect(page.locator('[data-fig="r:service:booked"]')).to_have_text("1")
        look(page, "campaigns-figures-1280")

        page.click("#cmnew")
        form = page.locator("#cmf")
        form.locator("input[name=name]").fill("冬季保养节")
        form.locator("select[name=kind]").select_option("service")
        form.locator("textarea[name=text]").fill("冬季保养八折 详见 www.example.com")
        # the live count frames the text as the SMS will: signature, greeting, plate, link
        expect(page.locator("#cmsms")).to_contain_text("【")
        form.locator('input[name="segment.model"]').fill("朗逸")
        send_day = today + timedelta(days=2)
        form.locator("input[name=send_at]").fill(f"{send_day.isoformat()}T10:00")
        form.locator("button[type=submit]").click()
        error = form.locator('[data-err="text"]')
        expect(error).to_contain_text("不能包含链接")
        look(page, "campaigns-text-refused-1280")
        form.locator("textarea[name=text]").fill("冬季保养八折,欢迎预约")
        live = page.locator("#cmsms").inner_text()
        assert "冬季保养八折,欢迎预约" in live and "/l/" in live
        form.locator("button[type=submit]").click()
        row = page.locator("#cmlist tr[data-campaign]")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("草稿")

        row.locator("[data-preview]").click()
        expect(page.locator("#cmcount")).to_contain_text("共 2 辆车,将发送 2 条")
        parts = live.split("每条 ")[1].split(" ")[0]        # the form's count is the preview's
        expect(page.locator("#cmcount")).to_contain_text(f"每条 {parts} 条短信")
        expect(page.locator("#cmmembers tr[data-member]")).to_have_count(2)
        expect(page.locator("#cmmembers")).to_contain_text("139****0001")
        look(page, "campaigns-preview-1280")

        page.locator("#cmlist [data-edit]").click()
        page.click("#cmsched")
        expect(page.locator("#cmlist tr[data-campaign]")).to_contain_text("已排期")
        expect(page.locator("#cmlist tr[data-campaign]")).to_contain_text(
            f"{send_day.isoformat()} 10:00")
        look(page, "campaigns-scheduled-1280")
