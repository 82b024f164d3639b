"""The technician's day on a 390-px phone in real Chromium (issue 12): the portal header on one
line with a menu button (touch and keyboard), a photo control that looks like a button and
counts the photos, a failed photo upload that says so and can be retried, and the technician's
pages with every control named and tap targets of at least 24 px."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from chalicelib.db.models import RepairOrderItem
from tests.e2e.conftest import sign_in
from tests.e2e.test_workshop_floor import PNG
from tests.e2e.test_workshop_to_followup import approved_order, staff_token

SHOTS = Path("/work/wt/_shots/workshop2")

# every visible control in the page: its accessible name (label, aria-label(ledby), text) and size
CONTROLS = """() => [...document.querySelectorAll(
    'header button, header a, #view a, #view button, #view input, #view select, #view textarea')]
  .filter((el) => el.type !== 'hidden' && el.getClientRects().length && !el.closest('p'))
  .map((el) => {
    const r = ((el.type === 'file' && el.labels[0]) || el).getBoundingClientRect();   // a photo: its label is tapped
    const by = el.getAttribute('aria-labelledby');
    const name = (el.getAttribute('aria-label') || (by && document.getElementById(by)?.textContent) ||
      (el.labels && [...el.labels].map((l) => l.textContent).join(' ')) ||
      (['A', 'BUTTON'].includes(el.tagName) ? el.textContent : '') || '').trim();
    return { what: el.outerHTML.slice(0, 80), name, w: r.width, h: r.height };
  })"""

# what axe-core (Lighthouse's accessibility audit) found on these pages: status pills below 4.5:1
# contrast, and the workshop board jumping from the header's h1 to h3
PILLS_BELOW_4_5 = """() => {
  const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  return [...document.querySelectorAll('.pill')].filter((el) => el.getClientRects().length).map((el) => {
    const s = getComputedStyle(el), a = lum(s.color), b = lum(s.backgroundColor);
    return [el.outerHTML.slice(0, 60), Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100]; })
    .filter(([, ratio]) => ratio < 4.5); }"""
HEADINGS = "() => [...document.querySelectorAll('h1, h2, h3, h4')].map((h) => Number(h.tagName[1]))"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def named_and_big_enough(page):
    controls = page.evaluate(CONTROLS)
    assert controls
    assert [c["what"] for c in controls if not c["name"]] == []
    assert [(c["what"], c["w"], c["h"]) for c in controls if c["w"] < 24 or c["h"] < 24] == []
    assert page.evaluate(PILLS_BELOW_4_5) == []
    levels = page.evaluate(HEADINGS)
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_technician_phone_header_photos_failed_upload_and_named_controls(stack, phone):
    order = approved_order(stack)
    oid = order["id"]
    status, order = stack.request("POST", f"/api/staff/orders/{oid}/dispatch", {
        "version": order["version"], "technician": "technician", "bay": "3"}, staff_token(stack, "foreman"))
    assert status == 200, order

    # ---- 1. the header: one line, the links behind a menu button
    sign_in(phone, stack, "technician")
    expect(phone).to_have_url(f"{stack.url}/portal/#/jobs")
    expect(phone.locator(f'[data-job="{oid}"]')).to_be_visible()
    header = phone.locator("header.bar")
    assert header.bounding_box()["height"] <= 64          # one line (three lines were ~130 px)
    no_horizontal_scroll(phone)
    menu = phone.locator("#menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(phone.locator('#nav a[href="#/jobs"]')).to_be_hidden()
    shot(phone, "technician-jobs-390")
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    links = phone.locator("#nav a:visible")
    expect(links).to_have_count(3)                       # 施工单, 我的工单, 客户档案
    for i in range(3):
        box = links.nth(i).bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(phone.locator("#logout")).to_be_visible()
    no_horizontal_scroll(phone)
    shot(phone, "technician-menu-open-390")
    phone.locator('#nav a[href="#/orders"]').tap()
    expect(phone).to_have_url(f"{stack.url}/portal/#/orders")
    expect(menu).to_have_attribute("aria-expanded", "false")   # closes on the way
    expect(phone.locator("#nav a:visible")).to_have_count(0)
    # by keyboard: the menu button, Enter, then Tab to the links
    menu.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    phone.keyboard.press("Tab")
    expect(phone.locator('#nav a[href="#/orders"]')).to_be_focused()
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()

    # ---- 4. the technician's pages: named controls, tap targets
    phone.goto(f"{stack.url}/portal/#/jobs")
    expect(phone.locator(f'[data-job="{oid}"]')).to_be_visible()
    named_and_big_enough(phone)
    phone.locator(f'[data-job="{oid}"] a[href="#/order/{oid}"]').tap()
    expect(phone.locator("#jobview")).to_contain_text("工位 3")
    phone.locator('#jobsec [data-clock="start"]').click()
    expect(phone.locator('#jobsec [data-clock="finish"]')).to_be_visible()
    named_and_big_enough(phone)

    # ---- 2. the photo control: a real labelled file input that looks like a button
    form = phone.locator("#ff")
    photo = form.locator("input[type=file][name=photo]")
    expect(photo).to_have_accessible_name("拍照 / 上传照片")
    look = phone.locator('label[for="%s"]' % photo.get_attribute("id")).evaluate(
        """(el) => { const s = getComputedStyle(el); return { bg: s.backgroundColor, color: s.color,
            h: el.getBoundingClientRect().height }; }""")
    assert look == {"bg": "rgb(11, 92, 173)", "color": "rgb(255, 255, 255)", "h": look["h"]} and look["h"] >= 44, look
    photo.focus()                                        # by keyboard, the label shows the focus
    assert phone.evaluate("getComputedStyle(document.querySelector('#ff label[for=%s]')).outlineStyle"
                          % photo.get_attribute("id")) == "solid"

    # ---- 3. the uploads fail: a GIF the API refuses (400), a photo the network drops; the form
    # says so in Chinese, and the technician sends the photo again
    failing = {"on": True}

    def bucket(route):
        if route.request.method == "PUT" and failing["on"]:
            return route.abort("internetdisconnected")
        return route.continue_()

    phone.route(lambda url: "/api/" not in url and "/portal/" not in url, bucket)
    form.locator("[name=description]").fill("右后刹车片磨损至2mm")
    photo.set_input_files(files=[{"name": "pad.gif", "mimeType": "image/gif", "buffer": b"GIF89a"},
                                 {"name": "pad.png", "mimeType": "image/png", "buffer": PNG}])
    failed = form.locator("[data-err=photo_keys]")
    expect(failed).to_have_text("1 张照片未上传:仅限 JPG/PNG/WebP,8 MB 以内。 1 张照片上传失败,请重试。")
    expect(form.locator("[data-photos]")).to_have_text("")
    retry = form.locator("button[data-retry]")
    expect(retry).to_be_visible()
    expect(retry).to_have_text("重新上传")
    no_horizontal_scroll(phone)
    shot(phone, "technician-upload-failed-390")
    opened_with = len(RepairOrderItem.get(oid).lines)        # the booked package's lines
    form.locator("button[type=submit]").click()          # not "still uploading": a failed photo
    expect(phone.locator("#banner")).to_contain_text("照片上传失败")
    assert len(RepairOrderItem.get(oid).lines) == opened_with   # nothing reported yet
    failing["on"] = False
    retry.click()
    expect(form.locator("[data-photos]")).to_have_text("已上传 1 张")
    expect(failed).to_have_text("")
    expect(retry).to_have_count(0)
    form.locator("button[type=submit]").click()
    expect(phone.locator("#banner")).to_contain_text("已报告")
    assert len(RepairOrderItem.get(oid).lines) == opened_with + 1
    stored = RepairOrderItem.get(oid).lines[-1]
    assert stored["description"] == "右后刹车片磨损至2mm" and len(stored["photo_keys"]) == 1
    shot(phone, "technician-job-view-390")
    named_and_big_enough(phone)
    # the self check after finishing: its items, the signature pad and its buttons
    phone.locator('#jobsec [data-clock="finish"]').click()
    expect(phone.locator("#qcf")).to_be_visible()
    named_and_big_enough(phone)
    no_horizontal_scroll(phone)
    shot(phone, "technician-self-check-390")
    # the same in English
    phone.click("#lang")
    expect(phone.locator("#jobview")).to_contain_text("Customer's concern")
    expect(phone.locator("#menu")).to_have_accessible_name("Menu")
    assert phone.locator("header.bar").bounding_box()["height"] <= 64
    shot(phone, "technician-job-view-en-390")

    # ---- 4. the foreman's workshop board on a phone
    sign_in(phone, stack, "foreman")
    expect(phone).to_have_url(f"{stack.url}/portal/#/workshop")
    expect(phone.locator(f'[data-job="{oid}"]')).to_be_visible()
    named_and_big_enough(phone)
    no_horizontal_scroll(phone)
    assert phone.locator("header.bar").bounding_box()["height"] <= 64
    shot(phone, "foreman-workshop-390")
