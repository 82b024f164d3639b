import pytest

from chalicelib.domain.errors import Forbidden
from chalicelib.domain.money import yuan
from chalicelib.domain.tokens import check_booking_token, sign_booking
from chalicelib.notify.templates import format_when, sms_parts
from tests.factories import store_time


def test_dates_as_customers_read_them():
    moment = store_time(2026, 12, 1, 9)
    assert format_when(moment, "zh-CN") == "12月1日(周二)09:00"
    assert format_when(moment, "en") == "Tue 1 Dec 09:00"


def test_sms_parts_counts_chinese_as_ucs2():
    assert sms_parts("好" * 70) == 1
    assert sms_parts("好" * 71) == 2
    assert sms_parts("a" * 160) == 1
    assert sms_parts("好" * 135) == 3


def test_money_is_exact_text():
    assert yuan(68000) == "680.00" and yuan(5) == "0.05" and yuan(-150) == "-1.50"


def test_token_is_bound_to_its_booking():
    token = sign_booking("s3cret", "b1")
    check_booking_token("s3cret", "b1", token)
    for booking_id, secret, value in (("b2", "s3cret", token), ("b1", "other", token),
                                      ("b1", "s3cret", token + "x"), ("b1", "s3cret", None)):
        with pytest.raises(Forbidden):
            check_booking_token(secret, booking_id, value)


@pytest.mark.parametrize("typed, greeted", [
    ("王先生", "王先生"), ("欧阳娜娜", "欧阳娜娜"), ("阿卜杜·热合曼", "阿卜杜·热合曼"),
    ("Mr Wang", "Mr Wang"), ("Anne-Marie O'Neil", "Anne-Marie O'Neil"),
    ("您的订单退款请点 evil.cn/r?k=9", ""), ("evil.cn", ""), ("www.evil.cn", ""),
    ("王先生13800138000", ""), ("退款请点击链接领取", ""), ("http://x", ""), ("", ""),
])
def test_only_a_plain_name_reaches_an_sms(typed, greeted):
    from chalicelib.notify.templates import sms_name
    assert sms_name(typed) == greeted
