"""Issue 12, the advisor's desk in real Chromium on a 1024-px tablet: the pre-assigned technician
is carried at check-in; the reception form is usable by keyboard, its labels tied to their
controls; a line typed while a colleague changed the order survives the 409 and is saved again
with one tap; the in-store approval dialog holds the promised time it needs, prefilled; every
role's header names its own workbench, the cashier's list names its columns."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from chalicelib.db.models import RepairOrderItem
from tests.e2e.conftest import open_page, sign_in
from tests.e2e.test_advisor_portal import sign
from tests.e2e.test_workshop_to_followup import staff_token

SHOTS = Path("/work/wt/_shots/r3-reception")

UNLABELLED = """() => [...document.querySelectorAll('#view input, #view select, #view textarea, dialog input')]
  .filter((e) => e.type !== 'hidden' && !e.hidden && e.labels.length === 0)
  .map((e) => e.name || e.id || e.outerHTML)"""


@pytest.fixture
def tablet(browser):
    with open_page(browser, viewport={"width": 1024, "height": 768}) as page:
        yield page


def look(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_desk_keeps_the_technician_the_typed_line_and_the_promise(stack, tablet):
    day = stack.next_open_day()
    status, booked = stack.request("POST", "/api/bookings", {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "model": "朗逸", "mileage_km": 15230},
        "services": ["MAINT_10K"], "slot_start": stack.slot(day, 9)})
    assert status == 201, booked
    advisor2 = staff_token(stack, "advisor2")
    status, prepared = stack.request("POST", f"/api/staff/bookings/{booked['id']}/prepare",
                                     {"technician": "technician2"}, advisor2)
    assert status == 200 and prepared["technician"] == "technician2", prepared

    page = tablet
    # round 3, the sign-in page: a Chinese subtitle; a new attempt clears the old field errors;
    # the password box keeps its width when it turns red
    page.goto(stack.url + "/portal/#/login")
    page.evaluate("localStorage.removeItem('portal.session')")
    page.reload()
    expect(page.locator("#who")).to_have_text("售后服务")
    page.click("button[type=submit]")
    expect(page.locator(".login .err").first).to_have_text("请填写此项")
    page.fill("input[name=username]", "advisor")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator("#banner")).to_have_text("用户名或密码错误")
    expect(page.locator(".login .err", has_text="请填写此项")).to_have_count(0)
    expect(page.locator("input[name=password]")).to_have_attribute("aria-invalid", "true")
    widths = page.evaluate("""() => ['username', 'password'].map((n) =>
      document.querySelector('input[name=' + n + ']').getBoundingClientRect().width)""")
    assert widths[0] == widths[1], widths
    look(page, "login-wrong-1024")

    sign_in(page, stack, "advisor")
    expect(page.locator("header h1 [data-t]")).to_have_text("服务顾问工作台")

    # round 3, walk-in reception saved empty: every required field is marked at once, with the
    # signature, before anyone asks the customer to sign
    page.goto(f"{stack.url}/portal/#/checkin/new")
    expect(page.locator('select[name="technician"] option')).to_have_count(3)
    page.click("#ci button[type=submit]")
    for path in ("customer.name", "customer.phone", "vehicle.plate", "mileage_km"):
        expect(page.locator(f'#ci [name="{path}"]')).to_have_attribute("aria-invalid", "true")
    for path in ("fuel_level", "old_parts", "signature"):
        expect(page.locator(f'#ci [data-field="{path}"]')).to_have_attribute("aria-invalid", "true")
    expect(page.locator('#ci [data-err="signature"]')).not_to_be_empty()
    errors = page.locator("#ci .err").all_inner_texts()
    assert sum(1 for e in errors if e.strip()) >= 7, errors
    look(page, "checkin-empty-1024")

    # reception: the booking's technician is there, preselected among the store's technicians
    page.goto(f"{stack.url}/portal/#/checkin/{booked['id']}")
    expect(page.locator('input[name="customer.name"]')).to_have_value("王先生")
    expect(page.locator('select[name="technician"]')).to_have_value("technician2")
    expect(page.locator('select[name="technician"] option:checked')).to_have_text("钱师傅")
    assert page.evaluate(UNLABELLED) == []
    name = page.get_by_label("姓名", exact=False).first
    expect(name).to_have_attribute("aria-required", "true")
    name_id = page.locator('input[name="customer.name"]').get_attribute("id")
    expect(page.locator(f'label[for="{name_id}"] .req')).to_have_text("*")
    for required in ("customer.phone", "vehicle.plate", "mileage_km"):
        expect(page.locator(f'input[name="{required}"]')).to_have_attribute("aria-required", "true")
    for legend in ("油量", "旧件"):
        expect(page.locator("legend", has_text=legend).locator(".req")).to_have_text("*")
    # the damage note is labelled as a damage note; the photo button is a button
    expect(page.get_by_label("损伤说明")).to_be_visible()
    expect(page.get_by_text("处理记录")).to_have_count(0)
    photo = page.get_by_role("button", name="拍照 / 上传照片")
    expect(photo).to_be_visible()
    assert photo.evaluate("(b) => getComputedStyle(b).borderStyle") != "none"
    # the car diagram: zones named in text, front and rear marked, keyboard reaches and toggles
    car = page.locator("svg.car")
    for text in ("车头", "车尾", "左前门", "引擎盖"):
        expect(car).to_contain_text(text)
    door = page.get_by_role("button", name="左前门")
    page.select_option('select[name="damage_kind"]', "scratch")
    page.get_by_label("损伤说明").fill("约10厘米")
    door.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#marks")).to_contain_text("左前门 · 划痕 · 约10厘米")
    expect(door).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Enter")                               # toggled off
    expect(page.locator("#marks")).not_to_contain_text("左前门")
    expect(door).to_have_attribute("aria-pressed", "false")
    page.get_by_label("损伤说明").fill("约10厘米")
    door.focus()
    page.keyboard.press(" ")
    expect(page.locator("#marks")).to_contain_text("左前门 · 划痕 · 约10厘米")
    page.fill('input[name="mileage_km"]', "15302")
    page.check('input[name="fuel_level"][value="half"]')
    page.check('input[name="old_parts"][value="take_home"]')
    sign(page, "#sig")
    look(page, "reception-1024")
    page.click("#ci button[type=submit]")

    # the order: the job is the pre-assigned technician's; the booked package's lines (价格本)
    expect(page.locator("#lines")).to_contain_text("更换机油及机油滤清器")
    [item] = list(RepairOrderItem.scan())
    assert item.job["technician"] == "technician2"
    assert item.reception["damage"] == [{"zone": "left_front_door", "kind": "scratch",
                                         "note": "约10厘米", "photo_keys": []}]
    order_id = item.order_id
    assert page.evaluate(UNLABELLED) == []

    # the advisor types a part line while a colleague adds another to the same order
    page.select_option('#al select[name="kind"]', "part")
    page.fill('#al input[name="description"]', "空调滤芯")
    page.fill('#al input[name="code"]', "6Q0819653")
    page.fill('#al input[name="qty"]', "1")
    page.fill('#al input[name="price"]', "88.00")
    status, theirs = stack.request("GET", f"/api/staff/orders/{order_id}", None, advisor2)
    status, theirs = stack.request("POST", f"/api/staff/orders/{order_id}/lines", {
        "version": theirs["version"], "kind": "part", "description": "机油滤清器",
        "part_number": "03C115561H", "quantity": "1", "unit_price": "45.00",
        "pay_type": "customer"}, advisor2)
    assert status == 201, theirs
    page.click('#al button[type="submit"]')
    # kept: what they typed, fresh: the colleague's line, and what changed, said in a list
    conflict = page.locator("#al .conflict")
    expect(conflict).to_contain_text("机油滤清器")
    expect(page.locator("#lines")).to_contain_text("机油滤清器")
    expect(page.locator('#al input[name="description"]')).to_have_value("空调滤芯")
    expect(page.locator('#al select[name="kind"]')).to_have_value("part")
    expect(page.locator('#al input[name="price"]')).to_have_value("88.00")
    look(page, "order-conflict-1024")
    assert len(RepairOrderItem.get(order_id).lines) == 7        # nothing of theirs saved yet
    conflict.get_by_role("button", name="再次保存").click()
    expect(page.locator("#lines")).to_contain_text("空调滤芯")
    expect(page.locator("#al .conflict")).to_have_count(0)
    expect(page.locator('#al input[name="description"]')).to_have_value("")
    lines = RepairOrderItem.get(order_id).lines
    assert sorted(ln["description"] for ln in lines) == sorted([
        "更换机油及机油滤清器", "机油 5W-30", "机油滤清器", "更换空气滤清器", "常规检查", "空气滤清器",
        "机油滤清器", "空调滤芯"])

    # approval in store: the promised time is in the dialog, prefilled from the labour hours
    page.click("#instore")
    dialog = page.locator("dialog")
    promised = dialog.get_by_label("预计交车时间")
    expect(promised).to_be_visible()
    suggested = stack.request("GET", f"/api/staff/orders/{order_id}", None, advisor2)[1]["promise_suggested"]
    assert suggested
    expect(promised).to_have_value(suggested[:16])
    assert page.evaluate(UNLABELLED) == []
    # the customer sees the total of what they approve, job by job, following each choice
    view = stack.request("GET", f"/api/staff/orders/{order_id}", None, advisor2)[1]
    jobs = {it["description"]: it for it in view["approval_items"]}
    cents = lambda y: round(float(y) * 100)
    full = cents(view["agreed"]["customer_pays"]) + sum(cents(it["customer_amount"]) for it in jobs.values())
    total = dialog.locator("#dtotal")
    expect(total).to_have_text(f"¥{full / 100:.2f}")
    filter_job = jobs["空调滤芯"]
    radio = f'input[name="d_{filter_job["id"]}"]'
    dialog.locator(radio + '[value="declined"]').check()
    expect(total).to_have_text(f"¥{(full - cents(filter_job['customer_amount'])) / 100:.2f}")
    dialog.locator(radio + '[value="approved"]').check()
    expect(total).to_have_text(f"¥{full / 100:.2f}")
    expect(dialog.get_by_role("img", name="客户签字")).to_be_visible()
    expect(dialog.get_by_text("客户签字", exact=True)).to_be_visible()     # a visible label
    expect(dialog.get_by_role("button", name="关闭")).to_be_visible()
    sign(page, "#dsig")
    look(page, "approval-dialog-1024")
    dialog.locator("#dok").click()
    expect(page.locator("dialog")).to_have_count(0)
    expect(page.locator("h2").first).to_contain_text("已确认")
    stored = RepairOrderItem.get(order_id)
    assert stored.status == "approved"
    assert datetime.fromisoformat(stored.promised_at) == datetime.fromisoformat(suggested)

    # round 3, the vehicle's file: signed documents in words, empty sections say so
    page.goto(f"{stack.url}/portal/#/vehicle/{stored.vehicle_id}")
    docs = page.locator("#docs")
    expect(docs).to_contain_text("接车单签字")
    expect(docs).to_contain_text("报价确认签字")
    for code in ("check_in", "approval_estimate"):
        expect(docs).not_to_contain_text(code)
    expect(page.locator("#vphotos")).to_have_text("暂无")
    look(page, "vehicle-file-1024")
    page.goto(f"{stack.url}/portal/#/order/{order_id}")
    expect(page.locator("h2").first).to_contain_text("已确认")

    # the order names people, not logins: the technician and the clocked hours by display name,
    # the approval's kind in words
    technician2 = staff_token(stack, "technician2")
    status, job = stack.request("GET", f"/api/staff/orders/{order_id}", None, technician2)
    status, job = stack.request("POST", f"/api/staff/orders/{order_id}/clock",
                                {"version": job["version"], "action": "start"}, technician2)
    assert status == 200, job
    page.reload()
    expect(page.locator("#jobsec")).to_contain_text("技师: 钱师傅")
    expect(page.locator("#jobsec")).to_contain_text("实际工时 钱师傅 0.0h")
    expect(page.locator("#view")).to_contain_text("报价确认")
    shown = page.locator("#view").inner_text()
    for login in ("technician", "advisor", "estimate"):
        assert login not in shown
    look(page, "order-names-1024")

    # every role's header names its workbench; the cashier's list names its columns
    for username, title in (("technician", "技师工作台"), ("foreman", "车间主管工作台"),
                            ("inspector", "质检员工作台"), ("cashier", "收银工作台"),
                            ("followup", "回访专员工作台"), ("manager", "服务经理工作台")):
        sign_in(page, stack, username)
        expect(page.locator("header h1 [data-t]")).to_have_text(title)
        expect(page).to_have_title(f"{title} · 售后服务")
        expect(page.locator("#who")).not_to_contain_text(username)   # the role in words
        if username == "cashier":
            expect(page.locator("#view table thead th")).to_have_text(
                ["单号", "车牌号", "客户", "状态", "预计交车时间", "应收金额"])
            look(page, "cashier-1024")
        if username in ("cashier", "foreman"):   # roles that may not add lines: no form
            page.goto(f"{stack.url}/portal/#/order/{order_id}")
            expect(page.locator("#jobsec")).to_be_visible()
            expect(page.locator("#al")).to_have_count(0)

    # in English: the walk-in reception names the diagram and the damage note in English
    sign_in(page, stack, "advisor")
    page.click("#lang")
    expect(page.locator("header h1 [data-t]")).to_have_text("Service advisor desk")
    page.goto(f"{stack.url}/portal/#/checkin/new")
    expect(page.get_by_label("Damage note")).to_be_visible()
    expect(page.locator("svg.car")).to_contain_text("Front")
    expect(page.get_by_role("button", name="Left front door")).to_have_attribute("aria-pressed", "false")
    expect(page.locator('select[name="technician"] option')).to_have_count(3)
    look(page, "reception-walk-in-en-1024")
