"""The API answers in the request's language (API.md, Conventions): the texts of an error
(``message`` and each ``fields`` value) in zh-CN by default, in English with
``Accept-Language: en``; the ``code`` and the field names stay the same in both."""
from __future__ import annotations

import re

import pytest

from tests.api.conftest import all_bookings
from tests.api.test_advisor_portal import _book, _checked_in
from tests.factories import checkin_body, labour_line, store_time

EN = {"Accept-Language": "en"}
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def _error(answer, status, code):
    assert answer.status_code == status, (answer.status_code, answer.body[:300])
    error = answer.json_body["error"]
    assert error["code"] == code, error
    return error


def _chinese(error):
    """Every text of the error is Chinese: no English word, no field key."""
    texts = [error["message"], *error.get("fields", {}).values()]
    for text in texts:
        assert not ASCII_WORD.search(text), (text, error)
        assert re.search(r"[\u4e00-\u9fff]", text), (text, error)


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


def test_field_errors_are_chinese_by_default_and_english_on_request(api):
    body = {"customer": {"name": "", "phone": "12345"}, "vehicle": {"plate": "粤B12345"},
            "services": ["MAINT_10K"], "slot_start": "2026-12-01T09:00:00+08:00"}
    zh = api.book(body)
    error = _error(zh, 422, "invalid_fields")
    assert error == {"code": "invalid_fields", "message": "请检查并修改标出的内容",
                     "fields": {"customer.name": "请填写此项",
                                "customer.phone": "请填写中国大陆手机号,如 13800138000"}}
    assert zh.headers["Content-Language"] == "zh-CN"
    en = api.book(body, **EN)
    assert _error(en, 422, "invalid_fields") == {
        "code": "invalid_fields", "message": "Please correct the marked fields",
        "fields": {"customer.name": "required",
                   "customer.phone": "not a mainland China mobile number, e.g. 13800138000"}}
    assert en.headers["Content-Language"] == "en"
    assert all_bookings() == []


@pytest.mark.parametrize("header, language", [
    ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("fr-FR, en;q=0.5", "en"),
    ("en;q=0.4, zh-Hans-CN;q=0.8", "zh-CN"), ("de", "zh-CN"), ("@@@", "zh-CN")])
def test_the_language_follows_accept_language(api, header, language):
    answer = api.book({"customer": {"name": ""}}, **{"Accept-Language": header})
    assert answer.headers["Content-Language"] == language
    required = answer.json_body["error"]["fields"]["customer.name"]
    assert required == ("required" if language == "en" else "请填写此项")


def test_a_past_slot_reads_as_a_sentence_in_either_language(api):
    body_past = {"customer": {"name": "王先生", "phone": "13800138000"},
                 "vehicle": {"plate": "粤B12345"}, "services": ["MAINT_10K"],
                 "slot_start": "2026-11-30T09:00:00+08:00"}
    error = _error(api.book(body_past), 422, "invalid_fields")
    assert error["fields"] == {"slot_start": "该时段已过,请另选时间"}
    _chinese(error)
    error = _error(api.book(body_past, **EN), 422, "invalid_fields")
    assert error["fields"] == {"slot_start": "this time has passed"}


def test_check_in_without_name_or_old_parts_choice(api, advisor, clock):
    booking = _book(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    body = checkin_body(booking_id=booking["id"], customer={"name": "", "phone": "13800138000"})
    del body["old_parts"]
    error = _error(advisor.post("/api/staff/checkins", body), 422, "invalid_fields")
    assert error["fields"] == {"customer.name": "请填写此项", "old_parts": "请选择旧件处理方式"}
    _chinese(error)
    error = _error(advisor.post("/api/staff/checkins", body, headers=EN), 422, "invalid_fields")
    assert error["fields"] == {"customer.name": "required",
                               "old_parts": "required: take_home or dispose"}


def test_a_discount_over_the_limit_names_the_limit_and_the_amount(api, advisor, clock):
    _booking, order = _checked_in(api, advisor, clock)
    # the advisor (limit 5%) writes 1.5 h of labour at 100.00 instead of the store's rate
    body = {**labour_line(rate="100.00", reason="老客户"), "version": order["version"]}
    en = _error(advisor.post(f"/api/staff/orders/{order['id']}/lines", body, headers=EN),
                422, "discount_over_limit")
    amount = re.fullmatch(r"your limit is 5%: at most ([0-9]+\.[0-9]{2})",
                          en["fields"]["rate"]).group(1)
    assert en["message"] == "This discount is above your limit: ask the manager"
    zh = _error(advisor.post(f"/api/staff/orders/{order['id']}/lines", body),
                422, "discount_over_limit")
    assert zh == {"code": "discount_over_limit", "message": "超出您的优惠权限,请找经理审批",
                  "fields": {"rate": f"超出您的优惠权限 5%:最多优惠 ¥{amount}"}}


def test_a_search_of_one_character(advisor):
    """Two characters may be a name (张三); one is too little to search by."""
    error = _error(advisor.get("/api/staff/search?q=B"), 422, "invalid_fields")
    assert error["message"] == "请再多输入几个字"
    assert error["fields"] == {"q": "至少 2 个字母或数字"}
    _chinese(error)
    error = _error(advisor.get("/api/staff/search?q=B", headers=EN), 422, "invalid_fields")
    assert error["fields"] == {"q": "at least 2 letters or digits"}


def test_refusals_of_each_status_in_both_languages(api, staff):
    technician = staff.as_("technician")
    advisor = staff.as_("advisor")
    cases = [
        # 400: not JSON
        (lambda h: api.post("/api/bookings", "{not json", **h), 400, "malformed_request",
         "请求内容格式不正确", "The body is not valid JSON"),
        # 401: a wrong password
        (lambda h: api.post("/api/auth/login", {"username": "advisor", "password": "nope-nope"}, **h),
         401, "invalid_credentials", "用户名或密码错误", "Wrong username or password"),
        # 403: a role that may not check cars in
        (lambda h: technician.post("/api/staff/checkins", checkin_body(), headers=h), 403,
         "forbidden", "您的岗位无权进行此操作", "Your role may not do this"),
        # 404: no such order
        (lambda h: advisor.get("/api/staff/orders/nope", headers=h), 404, "order_not_found",
         "未找到该工单", "Repair order not found"),
        # 415: Chalice's own refusal, in the error shape
        (lambda h: api.post("/api/bookings", "{}", **{"Content-Type": "text/html", **h}), 415,
         "unsupported_media_type", "请求格式不受支持", None),
    ]
    for call, status, code, zh_text, en_text in cases:
        zh = _error(call({}), status, code)
        assert zh["message"] == zh_text, zh
        _chinese(zh)
        en = _error(call(EN), status, code)
        assert not re.search(r"[\u4e00-\u9fff]", en["message"]), en
        if en_text:
            assert en["message"] == en_text, en


def test_a_conflict_in_both_languages(api):
    assert api.book(_body_for("2026-12-01T09:00:00+08:00")).status_code == 201
    zh = _error(api.book(_body_for("2026-12-01T10:00:00+08:00")), 409, "already_booked")
    assert zh["fields"] == {"vehicle.plate": "该车当天已有预约"}
    _chinese(zh)
    en = _error(api.book(_body_for("2026-12-01T10:00:00+08:00"), **EN), 409, "already_booked")
    assert en["fields"] == {"vehicle.plate": "already booked that day"}


def _body_for(slot):
    from tests.factories import booking_body
    return booking_body(slot_start=slot)


def test_too_many_requests_in_both_languages(api, store):
    store(verify_phone=True)
    assert api.post("/api/verifications", {"phone": "13800138000"}).status_code == 202
    zh = _error(api.post("/api/verifications", {"phone": "13800138000"}), 429, "too_many_requests")
    seconds = zh["retry_after"]
    assert zh["message"] == "验证码刚刚已发送到该号码,请稍候一分钟再获取"
    assert zh["fields"] == {"phone": f"请 {seconds} 秒后再试"}
    en = _error(api.post("/api/verifications", {"phone": "13800138000"}, **EN), 429,
                "too_many_requests")
    assert en["fields"] == {"phone": f"try again in {en['retry_after']} seconds"}


# ---- prints: the catalogue's language, staff by their display names ----------------------

def _text_of(html):
    """The words a reader sees on a print: no tags, no style sheet."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_prints_name_the_advisor_and_cashier_not_their_logins(api, staff, clock):
    from tests.api.test_workshop_to_followup import approved_order, worked_and_checked
    advisor = staff.as_("advisor")
    order = approved_order(api, advisor, clock)
    order = worked_and_checked(staff, order, clock)
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("technician").post(f"{path}/wash", {"version": order["version"]}).json_body
    settled = staff.as_("cashier").post(f"{path}/settle", {"version": order["version"],
                                                           "payment_method": "cash"})
    assert settled.status_code == 200, settled.json_body
    seen = {}
    for doc in ("order", "checkin", "invoice"):
        answer = staff.as_("manager").get(f"{path}/print?doc={doc}")   # whoever prints it
        assert answer.status_code == 200
        seen[doc] = _text_of(answer.body.decode())
        assert not re.search(r"\b(advisor|cashier|manager)\b", seen[doc]), (doc, seen[doc])
    assert "服务顾问 张顾问" in seen["order"] and "服务顾问签字 张顾问" in seen["order"]
    assert "服务顾问签字 张顾问" in seen["checkin"]
    assert "收银员 陈收银" in seen["invoice"] and "结算单" in seen["invoice"]
    english = _text_of(staff.as_("manager").get(f"{path}/print?doc=invoice&lang=en").body.decode())
    assert "Invoice" in english and "Cashier 陈收银" in english and "cash" in english
    for data in ("陈收银", "张顾问", "王先生", "前刹车片", "空调滤芯", "粤B12345",
                 # the 10,000 km package's lines, as the price book names them
                 "更换机油及机油滤清器", "机油 5W-30", "机油滤清器", "更换空气滤清器", "常规检查",
                 "空气滤清器"):
        english = english.replace(data, "")   # names and what was typed stay as written
    assert not re.search(r"[\u4e00-\u9fff]", english), english
