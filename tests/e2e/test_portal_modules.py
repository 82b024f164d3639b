"""The staff portal as native ES modules, in real Chromium: the first load of /portal/ stays
within 60 KB, the router fetches only the page shown (and only the current language's strings),
and every API call says the page's language."""
from __future__ import annotations

from playwright.sync_api import expect

from infra.local.identity import DEMO_PASSWORD
from tests.e2e.conftest import open_page


def test_first_load_is_small_and_each_page_loads_only_its_own_module(stack, browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        fetched, api_languages = {}, []

        def seen(response):
            path = response.url.split("//", 1)[1].split("/", 1)[1].split("?")[0]
            if path.startswith("api/"):
                api_languages.append((path, response.request.headers.get("accept-language")))
            else:
                fetched["/" + path] = len(response.body())
        page.on("response", seen)

        page.goto(stack.url + "/portal/")
        expect(page.locator("input[name=username]")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert sum(fetched.values()) <= 60 * 1024, fetched
        assert [p for p in fetched if p.startswith("/portal/pages/")] == ["/portal/pages/login.js"]
        assert [p for p in fetched if p.startswith("/portal/strings/")] == ["/portal/strings/zh-CN.js"]
        assert "/portal/portal.js" not in fetched and "/assets/common.js" not in fetched
        # the label names its input (for/id) and the required field says so
        expect(page.get_by_label("用户名")).to_have_attribute("required", "")

        fetched.clear()
        page.fill("input[name=username]", "advisor")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#counts")).to_contain_text("已预约")
        assert [p for p in fetched if p.startswith("/portal/pages/")] == ["/portal/pages/board.js"]
        # the navigation of the advisor's roles, and not the follow-up clerk's
        expect(page.locator('#nav a[href="#/board"]')).to_be_visible()
        expect(page.locator('#nav a[href="#/followups"]')).to_be_hidden()
        assert ("api/staff/board", "zh-CN") in api_languages

        # English on request: its strings only now, and the API is asked in English
        api_languages.clear()
        page.click("#lang")
        expect(page.locator("#counts")).to_contain_text("Booked")
        assert "/portal/strings/en.js" in fetched
        assert ("api/staff/board", "en") in api_languages
        assert all(lang == "en" for _, lang in api_languages), api_languages
