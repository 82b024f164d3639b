"""Phone verification (短信验证码) before an online booking: API.md, "Phone verification".

These tests run with the store's ``verify_phone`` on, as a store is by default.
"""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from chalicelib.db.models import BookingItem, OutboxItem
from chalicelib.services.store import save_store
from infra.local.demo import demo_services, demo_settings
from tests.api.conftest import all_bookings, capacity
from tests.factories import booking_body

PHONE = "+8613800138000"


@pytest.fixture(autouse=True)
def verification_on(aws):
    """The demo store as `make run` has it: verification on (the default)."""
    save_store(demo_settings(), demo_services())


def ask(api, phone="13800138000", locale="zh-CN"):
    return api.post("/api/verifications", {"phone": phone, "locale": locale})


def code_sent_to(sms, phone=PHONE):
    texts = [text for to, text in sms() if to == phone]
    assert texts, f"no SMS to {phone}"
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)


def verified(api, sms, phone="13800138000"):
    """A verification of ``phone`` and the code the customer read in the SMS."""
    answer = ask(api, phone)
    assert answer.status_code == 202, answer.json_body
    return {"id": answer.json_body["verification_id"],
            "code": code_sent_to(sms, "+86" + phone[-11:])}


def verification_rows():
    from chalicelib.db.models import VerificationItem
    return list(VerificationItem.scan())


# ---- asking for a code -------------------------------------------------------------

def test_a_code_goes_out_by_sms_at_once_and_only_its_hash_is_stored(api, sms, caplog):
    caplog.set_level(logging.INFO, logger="aftersales")
    answer = ask(api)
    assert answer.status_code == 202
    body = answer.json_body
    assert set(body) == {"verification_id", "expires_at", "resend_after"}
    assert body["expires_at"] == "2026-11-30T10:10:00+08:00"     # 10 minutes, store time
    assert body["resend_after"] == 60
    assert len(sms()) == 1                                         # sent now, not at the next sweep
    to, text = sms()[0]
    assert to == PHONE
    code = code_sent_to(sms)
    assert text == f"【骏达大众】您的预约验证码为{code},10分钟内有效。如非本人操作,请忽略本短信。"
    # storage and logs never hold the code itself
    stored = " ".join(str(row.attribute_values) for row in verification_rows())
    assert code not in stored
    record = OutboxItem.get(f"verification.{body['verification_id']}")
    assert (record.kind, record.status, record.phone, record.queue) == (
        "verification_code", "sent", PHONE, None)
    assert code not in record.text and "******" in record.text
    assert code not in caplog.text and PHONE not in caplog.text
    # the sweep has nothing to send: the code went out once
    from chalicelib.notify.sweep import run_sweep
    assert run_sweep().counts == {}
    assert len(sms()) == 1


def test_the_code_sms_speaks_english_when_asked(api, sms):
    assert ask(api, locale="en").status_code == 202
    code = code_sent_to(sms)
    assert sms()[0][1] == (f"[骏达大众] Your booking code is {code}, valid for 10 minutes. "
                           "If you did not ask for it, please ignore this SMS.")


def test_one_sms_per_number_a_minute(api, sms, clock):
    assert ask(api).status_code == 202
    again = ask(api)
    assert again.status_code == 429
    assert again.json_body["error"]["code"] == "too_many_requests"
    assert again.json_body["error"]["retry_after"] == 60
    assert again.headers["Retry-After"] == "60"
    clock.shift(timedelta(seconds=45))
    assert ask(api).json_body["error"]["retry_after"] == 15
    assert ask(api, phone="13900139000").status_code == 202     # another number is not held up
    clock.shift(timedelta(seconds=15))
    assert ask(api).status_code == 202
    assert [to for to, _ in sms()] == [PHONE, "+8613900139000", PHONE]


def test_at_most_five_sms_per_number_a_day(api, sms, clock):
    for _ in range(5):
        assert ask(api).status_code == 202
        clock.shift(timedelta(minutes=1))
    # 10:05 now: the next code may go at midnight, store time
    refused = ask(api)
    assert refused.status_code == 429
    assert refused.json_body["error"]["retry_after"] == 14 * 3600 - 5 * 60
    assert refused.headers["Retry-After"] == str(14 * 3600 - 5 * 60)
    assert len(sms()) == 5
    clock.shift(timedelta(hours=14))
    assert ask(api).status_code == 202
    assert len(sms()) == 6


def test_bad_verification_requests_name_the_field(api, sms):
    bad_phone = ask(api, phone="12345")
    assert bad_phone.status_code == 422
    assert set(bad_phone.json_body["error"]["fields"]) == {"phone"}
    bad_locale = ask(api, locale="fr")
    assert bad_locale.status_code == 422
    assert set(bad_locale.json_body["error"]["fields"]) == {"locale"}
    assert api.post("/api/verifications", "{nope").status_code == 400
    assert api.post("/api/verifications", [1]).status_code == 400
    assert sms() == [] and verification_rows() == []


# ---- booking with the code -----------------------------------------------------------

def test_an_online_booking_without_a_code_is_refused(api, sms):
    response = api.book(booking_body())
    assert response.status_code == 422
    error = response.json_body["error"]
    assert error["code"] == "verification_required"
    assert set(error["fields"]) == {"verification"}
    assert all_bookings() == [] and capacity("2026-12-01", "09:00") == 0
    assert sms() == []


def test_the_right_code_books_once(api, sms):
    verification = verified(api, sms)
    created = api.book(booking_body(verification=verification))
    assert created.status_code == 201, created.json_body
    assert BookingItem.get(created.json_body["id"]).phone == PHONE
    # the same verification cannot serve a second booking
    second = api.book(booking_body(verification=verification, vehicle={"plate": "粤B22222"},
                                   slot_start="2026-12-01T10:00:00+08:00"))
    assert second.status_code == 422
    assert second.json_body["error"]["code"] == "verification_failed"
    assert len(all_bookings()) == 1


def test_a_wrong_code_is_refused_and_five_wrong_ones_spend_the_code(api, sms):
    verification = verified(api, sms)
    wrong = "000000" if verification["code"] != "000000" else "111111"
    for _ in range(5):
        response = api.book(booking_body(verification={**verification, "code": wrong}))
        assert response.status_code == 422
        assert response.json_body["error"]["code"] == "verification_failed"
        assert "verification.code" in response.json_body["error"]["fields"]
    # the sixth try, even with the right code, is refused: ask for a new code
    locked = api.book(booking_body(verification=verification))
    assert locked.status_code == 422
    assert locked.json_body["error"]["code"] == "verification_failed"
    assert all_bookings() == []


def test_an_expired_code_is_refused(api, sms, clock):
    verification = verified(api, sms)
    clock.shift(timedelta(minutes=10, seconds=1))
    response = api.book(booking_body(verification=verification))
    assert response.status_code == 422
    assert response.json_body["error"]["code"] == "verification_failed"
    assert all_bookings() == []


def test_a_code_verifies_only_the_phone_it_was_sent_to(api, sms):
    mine = verified(api, sms, phone="13900139000")
    stranger = api.book(booking_body(verification=mine))        # booking for 13800138000
    assert stranger.status_code == 422
    assert stranger.json_body["error"]["code"] == "verification_failed"
    assert all_bookings() == []
    own = api.book(booking_body(verification=mine, customer={"phone": "13900139000"}))
    assert own.status_code == 201


def test_a_booking_that_fails_does_not_spend_the_code(api, sms, store):
    store(slot_capacity=1)
    staff_booking = booking_body(customer={"phone": "13700137000"}, vehicle={"plate": "粤B99999"})
    from chalicelib.services import bookings
    bookings.create_booking(staff_booking, channel="phone")     # the desk takes 09:00
    verification = verified(api, sms)
    full = api.book(booking_body(verification=verification))
    assert full.status_code == 409 and full.json_body["error"]["code"] == "slot_full"
    later = api.book(booking_body(verification=verification, slot_start="2026-12-01T10:00:00+08:00"))
    assert later.status_code == 201


def test_malformed_verifications_are_named(api, sms):
    for value, code in ((None, "verification_required"), ("123456", "verification_required"),
                        ({"id": "x"}, "verification_required"),
                        ({"id": "nope", "code": "123456"}, "verification_failed"),
                        ({"id": 5, "code": 123456}, "verification_failed"),
                        ({"id": "nope", "code": "12ab"}, "verification_failed")):
        response = api.book(booking_body(verification=value))
        assert response.status_code == 422, value
        assert response.json_body["error"]["code"] == code, value
    assert all_bookings() == []


def test_the_same_idempotency_key_replays_after_the_code_was_used(api, sms):
    body = booking_body(verification=verified(api, sms))
    first = api.book(body, **{"Idempotency-Key": "tap-tap"})
    again = api.book(body, **{"Idempotency-Key": "tap-tap"})
    assert first.status_code == again.status_code == 201
    assert again.json_body["id"] == first.json_body["id"]
    assert len(all_bookings()) == 1


def test_staff_bookings_never_need_a_code(staff, sms):
    answer = staff.as_("advisor").post("/api/staff/bookings", {**booking_body(), "channel": "phone"})
    assert answer.status_code == 201, answer.json_body
    assert sms() == []


def test_with_verification_off_the_field_is_ignored(api, store):
    store(verify_phone=False)
    assert api.book(booking_body()).status_code == 201
    ignored = api.book(booking_body(verification={"id": "whatever", "code": "x"},
                                    vehicle={"plate": "粤B22222"}))
    assert ignored.status_code == 201
    assert len(all_bookings()) == 2


def test_the_store_profile_tells_the_site_to_ask_for_a_code(api, store):
    assert api.get("/api/store").json_body["verify_phone"] is True
    store(verify_phone=False)
    assert api.get("/api/store").json_body["verify_phone"] is False


def test_only_the_numbers_owner_learns_it_holds_too_many_bookings(api, sms, store, clock):
    store(max_active_bookings_per_phone=1)
    assert api.book(booking_body(verification=verified(api, sms))).status_code == 201
    clock.shift(timedelta(minutes=1))
    verification = verified(api, sms)
    wrong = "000000" if verification["code"] != "000000" else "111111"
    probe = api.book(booking_body(verification={**verification, "code": wrong},
                                  vehicle={"plate": "粤B22222"}, slot_start="2026-12-02T09:00:00+08:00"))
    assert probe.status_code == 422
    assert probe.json_body["error"]["code"] == "verification_failed"
    owner = api.book(booking_body(verification=verification, vehicle={"plate": "粤B22222"},
                                  slot_start="2026-12-02T09:00:00+08:00"))
    assert owner.status_code == 409
    assert owner.json_body["error"]["code"] == "too_many_bookings"
    assert len(all_bookings()) == 1
