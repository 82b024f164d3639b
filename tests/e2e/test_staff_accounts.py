"""Issue 13, staff accounts in real Chromium: the manager creates a technician (周师傅), who
signs in with the temporary password, sets a new one and lands on their jobs; they appear on
the dispatch board and in the appointment board's technician choice; the manager disables them
and they can no longer sign in."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_workshop_to_followup import staff_token

SHOTS = Path("/work/wt/_shots/accounts")


def look(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_new_technician_signs_in_sets_a_password_is_dispatchable_then_is_disabled(stack, browser):
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸"}, "services": ["MAINT_10K"],
        "slot_start": stack.slot(day, 9)})
    assert status == 201, booked

    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        sign_in(page, stack, "manager")
        page.goto(stack.url + "/portal/#/accounts")
        row = page.locator('#accounts tr[data-account="technician2"]')
        expect(row).to_contain_text("钱师傅")
        expect(row).to_contain_text("技师")
        expect(page.locator('#accounts tr[data-account="other-store"]')).to_have_count(0)
        # no disable button on the manager's own row
        expect(page.locator('#accounts tr[data-account="manager"] [data-act="disable"]')).to_have_count(0)
        look(page, "accounts-1024")

        # the new account: refused at the fields first, then created
        page.click("#acc-new")
        dlg = page.locator("dialog")
        dlg.locator("input[name=username]").fill("Zhou Tech")
        dlg.locator("input[name=name]").fill("周师傅")
        dlg.locator("input[name=mobile]").fill("139 0013 9001")
        dlg.locator("button[type=submit]").click()
        expect(dlg.locator('[data-for="username"] .err')).to_contain_text("小写字母")
        expect(dlg.locator('[data-field="roles"] .err')).to_have_text("至少选择一个角色")
        look(page, "accounts-create-errors-1024")
        dlg.locator("input[name=username]").fill("zhou.tech")
        dlg.get_by_label("技师").check()
        dlg.locator("button[type=submit]").click()
        expect(page.locator("dialog h3")).to_have_text("周师傅 的临时密码")
        temporary = page.locator("#temp-pw").inner_text()
        assert len(temporary) == 14
        expect(page.locator("dialog .note")).to_contain_text("只显示这一次")
        look(page, "accounts-temporary-password-1024")
        page.click("dialog button[type=submit]")
        new_row = page.locator('#accounts tr[data-account="zhou.tech"]')
        expect(new_row).to_contain_text("待设密码")
        expect(new_row).to_contain_text("139 0013 9001")

        # the technician's first sign-in: asked for a new password (twice), then signed in
        sign_in(page, stack, "zhou.tech", temporary, wait=False)
        expect(page.locator(".login h2")).to_have_text("设置新密码")
        expect(page.locator("#np button[type=submit]")).to_have_text("设置密码并登录")   # not 登录
        page.fill("input[name=new_password]", "zhou2026shop")
        page.fill("input[name=repeat]", "zhou2026shopX")
        page.click("button[type=submit]")
        expect(page.locator('[data-for="repeat"] .err')).to_have_text("两次输入不一致")
        page.fill("input[name=new_password]", "short1")
        page.fill("input[name=repeat]", "short1")
        page.click("button[type=submit]")
        expect(page.locator('[data-for="new_password"] .err')).to_have_text("至少 10 个字符")
        look(page, "login-new-password-error-1024")
        page.set_viewport_size({"width": 390, "height": 844})
        look(page, "login-new-password-390")
        page.set_viewport_size({"width": 1024, "height": 768})
        page.fill("input[name=new_password]", "zhou2026shop")
        page.fill("input[name=repeat]", "zhou2026shop")
        page.click("button[type=submit]")
        page.wait_for_url("**/portal/#/jobs")
        expect(page.locator("#view")).not_to_contain_text("设置新密码")

        # on the dispatch board (the foreman's) and in the appointment board's choice (advisor's)
        sign_in(page, stack, "foreman")
        page.goto(stack.url + "/portal/#/workshop")
        expect(page.locator('[data-lane="zhou.tech"] h3')).to_have_text("周师傅")
        sign_in(page, stack, "advisor")
        page.evaluate(f"sessionStorage.setItem('board.date', '{day.isoformat()}')")
        page.goto(stack.url + "/portal/#/board")
        choice = page.locator(f'tr[data-booking="{booked["id"]}"] select[data-act="tech"]')
        expect(choice.locator('option[value="zhou.tech"]')).to_have_text("周师傅")

        # the manager disables the account, after a yes
        sign_in(page, stack, "manager")
        page.goto(stack.url + "/portal/#/accounts")
        page.click('#accounts tr[data-account="zhou.tech"] [data-act="disable"]')
        expect(page.locator("dialog h3")).to_have_text("停用 周师傅？停用后不能登录。")
        page.click("dialog button[type=submit]")
        expect(page.locator('#accounts tr[data-account="zhou.tech"]')).to_contain_text("已停用")
        expect(page.locator('#accounts tr[data-account="zhou.tech"] [data-act="enable"]')).to_be_visible()
        look(page, "accounts-disabled-1024")

        sign_in(page, stack, "zhou.tech", "zhou2026shop", wait=False)
        expect(page.locator("#banner")).to_have_text("用户名或密码错误")
        # and gone from the dispatch board
        status, board = stack.request("GET", "/api/staff/technicians", headers=staff_token(stack, "foreman"))
        assert "zhou.tech" not in {t["username"] for t in board["technicians"]}
