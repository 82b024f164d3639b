"""An invitation's personal link (issue 15, part INVITE): the booking form filled in, booking
without a code, unsubscribe, and what the invitation earned (opened, booked, arrived, revenue)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib import clock as app_clock
from chalicelib.config import get_config
from chalicelib.db import care as care_db
from chalicelib.db import records
from chalicelib.db.models import BookingItem, RepairOrderItem
from chalicelib.domain import repair_order as ro
from chalicelib.domain.care import Invitation, new_invitation_id
from chalicelib.domain.tokens import sign_invitation
from chalicelib.services import invitations
from tests.api.conftest import all_bookings
from tests.factories import booking_body, checkin_body, store_time

PHONE = "+8613800138000"
SOURCE = "reminder:service"


def make_invitation(**overrides) -> Invitation:
    """An invitation as the daily job writes it: sent now, its retention call open."""
    now = app_clock.now().isoformat()
    inv = Invitation(
        id=new_invitation_id(), kind="service", vehicle_id="veh_1", customer_id="cus_1",
        plate="粤B12345", model="Lavida", customer_name="王先生", phone=PHONE, locale="zh-CN",
        due_on="2026-12-07", created_at=now, services=("MAINT_10K", "GONE_SERVICE"),
        items=("空调滤芯更换",), mileage_km=15800, status="sent", sent_at=now,
        call_status="open", call_due="2026-12-03")
    inv = replace(inv, **overrides)
    records.save(records.Changes(invitations=[(inv, True)]))
    return replace(inv, version=1)


def token(inv: Invitation) -> str:
    return sign_invitation(get_config().secret_key, inv.id)


def stats(source: str = SOURCE) -> dict[str, int]:
    return care_db.all_stats().get(source, {})


def open_link(api, inv, tok=None):
    return api.get(f"/api/invitations/{inv.id}?token={tok if tok is not None else token(inv)}")


def from_link(inv, **overrides):
    """The booking form as the site sends it from the link: the phone as shown (masked)."""
    body = booking_body(customer={"name": "王先生", "phone": "138****8000"},
                        invitation={"id": inv.id, "token": token(inv)})
    body.update(overrides)
    return body


@pytest.fixture
def verify_on(store):
    store(verify_phone=True, max_active_bookings_per_phone=3)


# ---- the booking form from the link ----------------------------------------------------------

def test_the_link_fills_the_form_and_its_first_open_counts_once(api, aws, clock):
    inv = make_invitation()
    answer = open_link(api, inv)
    assert answer.status_code == 200, answer.json_body
    page = answer.json_body
    assert page["customer"] == {"name": "王先生", "phone": "138****8000"}
    assert page["vehicle"] == {"plate": "粤B12345", "model": "Lavida", "mileage_km": 15800}
    assert page["services"] == ["MAINT_10K"]          # one no longer in the catalogue: left out
    assert page["items"] == ["空调滤芯更换"]
    assert (page["kind"], page["kind_name"], page["marketing"]) == ("service", "定期保养", False)
    assert page["due_on"] == "2026-12-07"
    assert page["valid_until"] == (app_clock.now() + timedelta(days=60)).isoformat()
    assert PHONE not in answer.body.decode() and "13800138000" not in answer.body.decode()
    stored = care_db.get_invitation(inv.id)
    assert stored.opened_at == app_clock.now().isoformat()
    assert stats()["opened"] == 1
    clock.shift(timedelta(hours=2))
    assert open_link(api, inv).status_code == 200
    assert care_db.get_invitation(inv.id).opened_at == stored.opened_at
    assert stats()["opened"] == 1


def test_two_opens_at_once_count_one(api, aws):
    inv = make_invitation()
    stale = care_db.get_invitation(inv.id)            # read by a second request, not yet written
    assert open_link(api, inv).status_code == 200
    invitations._opened(stale, app_clock.now())        # its write comes second: conflict, reread
    assert stats()["opened"] == 1


def test_bad_links_get_the_one_403_and_count_nothing(api, aws, clock):
    inv = make_invitation()
    other = make_invitation()
    bad = {"forged": "forged", "another's": token(other), "none": ""}
    for what, tok in bad.items():
        answer = open_link(api, inv, tok)
        assert answer.status_code == 403, what
        assert answer.json_body["error"]["code"] == "invalid_token", what
    clock.shift(timedelta(days=61))                    # token still signed, the link too old
    late = open_link(api, inv)
    assert late.status_code == 403 and late.json_body["error"]["code"] == "invalid_token"
    clock.shift(timedelta(days=30))                    # the token itself expired
    assert open_link(api, inv).json_body["error"]["code"] == "invalid_token"
    assert care_db.get_invitation(inv.id).opened_at == ""
    assert stats().get("opened", 0) == 0


# ---- booking from the link ---------------------------------------------------------------------

def test_the_link_books_without_a_code_and_counts_booked(api, verify_on):
    inv = make_invitation()
    answer = api.book(from_link(inv))
    assert answer.status_code == 201, answer.json_body
    row = BookingItem.get(answer.json_body["id"])
    assert row.phone == PHONE and row.invitation_id == inv.id
    stored = care_db.get_invitation(inv.id)
    assert stored.booking_id == row.booking_id and stored.booked_at
    assert stored.call_status == "done"                # the clerk no longer calls
    assert care_db.calls_due(store_time(2026, 12, 31).date()) == []
    assert stats()["booked"] == 1


def test_another_phone_from_the_link_needs_its_code(api, verify_on):
    inv = make_invitation()
    answer = api.book(from_link(inv, customer={"name": "王太太", "phone": "13900139000"}))
    assert answer.status_code == 422
    assert answer.json_body["error"]["fields"]["verification"]
    assert all_bookings() == []
    assert stats().get("booked", 0) == 0 and care_db.get_invitation(inv.id).booking_id == ""


def test_a_second_booking_from_the_same_link_is_not_counted_again(api, verify_on):
    inv = make_invitation()
    first = api.book(from_link(inv))
    second = api.book(from_link(inv, slot_start="2026-12-02T10:00:00+08:00",
                                vehicle={"plate": "粤B54321"}))
    assert first.status_code == 201 and second.status_code == 201, second.json_body
    assert BookingItem.get(second.json_body["id"]).invitation_id is None
    assert care_db.get_invitation(inv.id).booking_id == first.json_body["id"]
    assert stats()["booked"] == 1


def test_a_bad_invitation_on_a_booking_is_refused(api, aws):
    inv = make_invitation()
    forged = api.book(from_link(inv, invitation={"id": inv.id, "token": "forged"}))
    assert forged.status_code == 403 and forged.json_body["error"]["code"] == "invalid_token"
    malformed = api.book(from_link(inv, invitation="inv_1"))
    assert malformed.status_code == 422 and "invitation" in malformed.json_body["error"]["fields"]
    assert all_bookings() == [] and stats().get("booked", 0) == 0


def test_the_booking_form_records_marketing_consent(api, aws):
    bad = api.book(booking_body(marketing_consent="yes"))
    assert bad.status_code == 422 and "marketing_consent" in bad.json_body["error"]["fields"]
    assert api.book(booking_body(marketing_consent=True)).status_code == 201
    consent = care_db.consents([PHONE])[PHONE]
    assert consent["marketing"] is True and consent["source"] == "booking_site"
    assert api.book(booking_body(slot_start="2026-12-02T10:00:00+08:00",
                                 vehicle={"plate": "粤B54321"})).status_code == 201
    assert care_db.consents([PHONE])[PHONE]["marketing"] is True   # not asked: unchanged


# ---- unsubscribe ---------------------------------------------------------------------------

def test_unsubscribe_opts_out_withdraws_consent_and_is_logged_once(api, aws):
    inv = make_invitation(kind="anniversary")
    assert api.book(booking_body(marketing_consent=True)).status_code == 201
    path = f"/api/invitations/{inv.id}/unsubscribe?token={token(inv)}"
    for _time in range(2):
        answer = api.post(path, {})
        assert answer.status_code == 200 and answer.json_body == {"unsubscribed": True}
    assert care_db.opted_out([PHONE, "+8613900139000"]) == {PHONE}
    consent = care_db.consents([PHONE])[PHONE]
    assert consent["marketing"] is False and consent["source"] == "unsubscribe"
    [entry] = care_db.contacts_of("cus_1")
    assert (entry.channel, entry.direction, entry.kind, entry.invitation_id) == (
        "sms", "in", "unsubscribe", inv.id)
    refused = api.post(f"/api/invitations/{inv.id}/unsubscribe?token=forged", {})
    assert refused.status_code == 403 and refused.json_body["error"]["code"] == "invalid_token"


# ---- the desk books from a retention call ------------------------------------------------------

def test_a_staff_booking_from_an_invitation_is_attributed(staff, aws):
    inv = make_invitation()
    advisor = staff.as_("advisor")
    unknown = advisor.post("/api/staff/bookings", booking_body(invitation_id="inv_nope"))
    assert unknown.status_code == 422 and "invitation_id" in unknown.json_body["error"]["fields"]
    # another customer's booking is not credited to this invitation's figures
    other = advisor.post("/api/staff/bookings", booking_body(
        invitation_id=inv.id, customer={"name": "李女士", "phone": "13900139000"},
        vehicle={"plate": "粤A54321"}))
    assert other.status_code == 422 and "invitation_id" in other.json_body["error"]["fields"]
    assert stats().get("booked", 0) == 0
    answer = advisor.post("/api/staff/bookings", booking_body(
        invitation_id=inv.id, channel="phone", marketing_consent=False))
    assert answer.status_code == 201, answer.json_body
    assert BookingItem.get(answer.json_body["id"]).invitation_id == inv.id
    assert care_db.get_invitation(inv.id).booking_id == answer.json_body["id"]
    assert stats()["booked"] == 1
    consent = care_db.consents([PHONE])[PHONE]
    assert consent["marketing"] is False and (consent["source"], consent["by"]) == ("desk",
                                                                                   "advisor")


# ---- further down: the car arrives, the order is paid ------------------------------------------

def test_check_in_and_settlement_count_arrived_and_revenue_once(api, staff, aws, clock):
    inv = make_invitation()
    booked = api.book(from_link(inv)).json_body
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    advisor = staff.as_("advisor")
    order = advisor.post("/api/staff/checkins", checkin_body(booking_id=booked["id"]))
    assert order.status_code == 201, order.json_body
    oid = order.json_body["id"]
    assert RepairOrderItem.get(oid).invitation_id == inv.id
    stored = care_db.get_invitation(inv.id)
    assert stored.order_id == oid and stored.arrived_at
    assert stats()["arrived"] == 1
    # the workshop's part is other tests' business: the order is ready, its lines agreed
    ready = records.get_order(oid)
    records.save(records.Changes(orders=[(replace(ready, status=ro.READY, lines=tuple(
        replace(ln, status=ro.LINE_APPROVED) for ln in ready.lines)), False)]))
    version = RepairOrderItem.get(oid).version
    paid = staff.as_("cashier").post(f"/api/staff/orders/{oid}/settle", {
        "version": version, "payment_method": "wechat_pay"})
    assert paid.status_code == 200, paid.json_body
    amount_fen = records.get_order(oid).settlement.amount_due_fen
    assert amount_fen > 0
    assert care_db.get_invitation(inv.id).revenue_fen == amount_fen
    assert stats()["revenue_fen"] == amount_fen
    again = staff.as_("cashier").post(f"/api/staff/orders/{oid}/settle", {
        "version": paid.json_body["version"], "payment_method": "wechat_pay"})
    assert again.status_code == 409
    assert care_db.get_invitation(inv.id).revenue_fen == amount_fen
    assert stats()["revenue_fen"] == amount_fen and stats()["arrived"] == 1


def test_a_booking_without_an_invitation_counts_nothing(api, staff, aws, clock):
    make_invitation()
    booked = api.book(booking_body()).json_body
    assert BookingItem.get(booked["id"]).invitation_id is None
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    order = staff.as_("advisor").post("/api/staff/checkins", checkin_body(booking_id=booked["id"]))
    assert RepairOrderItem.get(order.json_body["id"]).invitation_id is None
    assert stats() == {} or (stats().get("booked", 0), stats().get("arrived", 0)) == (0, 0)
