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
