"""The advisor's day: board, customer file, reception, repair order, customer approval."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.config import get_config
from chalicelib.db.models import AuditItem, RepairOrderItem, VehicleItem
from chalicelib.domain.tokens import sign_approval
from chalicelib.notify.sweep import run_sweep
from tests.api.conftest import all_bookings, capacity
from tests.factories import (SIGNATURE, booking_body, checkin_body, labour_line, part_line,
                             store_time)

DAY = "2026-12-01"


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


def _book(api, **overrides):
    answer = api.book(booking_body(**overrides))
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def booking_estimate(api, code="MAINT_10K"):
    return next(s["price_estimate"] for s in api.get("/api/services").json_body if s["code"] == code)


def _checked_in(api, advisor, clock, **overrides):
    booking = _book(api)
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    answer = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"], **overrides))
    assert answer.status_code == 201, answer.json_body
    return booking, answer.json_body


# ---- appointment board --------------------------------------------------------------

def test_board_lists_the_days_bookings_by_slot_with_masked_phones(api, advisor):
    _book(api, slot_start="2026-12-01T10:00:00+08:00")
    _book(api, customer={"phone": "13900139000"}, vehicle={"plate": "粤B55555"})
    board = advisor.get(f"/api/staff/board?date={DAY}").json_body
    assert [b["slot_start"][11:16] for b in board["bookings"]] == ["09:00", "10:00"]
    first = board["bookings"][0]
    assert first["customer"]["phone"] == "139****9000" and first["vehicle"]["plate"] == "粤B55555"
    assert first["status"] == "booked" and first["services"][0]["code"] == "MAINT_10K"
    assert board["counts"] == {"booked": 2}
    bad = advisor.get("/api/staff/board?date=1.12.2026")
    assert bad.status_code == 422 and "date" in bad.json_body["error"]["fields"]


def test_prepare_confirm_and_no_show_are_recorded_with_who_did_it(api, advisor, staff, clock):
    booking = _book(api)
    ready = advisor.post(f"/api/staff/bookings/{booking['id']}/prepare",
                         {"parts_ready": True, "technician": "technician"})
    assert ready.status_code == 200
    assert ready.json_body["parts_ready"] is True and ready.json_body["technician"] == "technician"
    stale = advisor.post(f"/api/staff/bookings/{booking['id']}/confirm", {"version": 1})
    assert stale.status_code == 409 and stale.json_body["error"]["code"] == "booking_changed"
    confirmed = advisor.post(f"/api/staff/bookings/{booking['id']}/confirm",
                             {"version": ready.json_body["version"]})
    assert confirmed.json_body["status"] == "confirmed"
    early = advisor.post(f"/api/staff/bookings/{booking['id']}/no-show", {"reason": "没来"})
    assert early.status_code == 409 and early.json_body["error"]["code"] == "booking_not_due"
    clock.move_to(store_time(2026, 12, 1, 9, 40))
    missing = advisor.post(f"/api/staff/bookings/{booking['id']}/no-show", {})
    assert missing.status_code == 422 and "reason" in missing.json_body["error"]["fields"]
    lost = staff.as_("manager").post(f"/api/staff/bookings/{booking['id']}/no-show",
                                     {"reason": "电话未接通"})
    assert lost.json_body["status"] == "no_show" and lost.json_body["reason"] == "电话未接通"
    trail = [(e.actor, e.action) for e in AuditItem.query(f"booking#{booking['id']}")]
    assert trail == [("customer", "booked"), ("advisor", "prepared"), ("advisor", "confirmed"),
                     ("manager", "no_show")]
    no_show = next(e for e in AuditItem.query(f"booking#{booking['id']}") if e.action == "no_show")
    assert no_show.changes["status"] == {"before": "confirmed", "after": "no_show"}


def test_walk_ins_may_use_the_reserve_that_phone_bookings_may_not(api, advisor, store):
    # 48 workshop hours, 20 % kept for walk-ins: online and phone may take 2304 minutes
    store(workshop_hours_per_day=2, walkin_reserve_percent=50, slot_capacity=5)   # 60 min online
    body = booking_body(services=["MAINT_10K"], slot_start="2026-12-01T11:00:00+08:00")
    by_phone = advisor.post("/api/staff/bookings", {**body, "channel": "phone"})
    assert by_phone.status_code == 422   # 72 labour minutes do not fit in the 60 bookable
    walk_in = advisor.post("/api/staff/bookings", {**body, "channel": "walk_in"})
    assert walk_in.status_code == 201, walk_in.json_body
    assert walk_in.json_body["booking"]["channel"] == "walk_in"
    assert walk_in.json_body["booking"]["advisor"] == "advisor"
    assert capacity(DAY, "_day") == 72
    unknown = advisor.post("/api/staff/bookings", {**body, "channel": "fax"})
    assert unknown.status_code == 422 and "channel" in unknown.json_body["error"]["fields"]


def test_the_desk_may_book_the_slot_under_way_which_customers_may_not(api, advisor, clock):
    clock.move_to(store_time(2026, 12, 1, 9, 20))
    body = booking_body(slot_start="2026-12-01T09:00:00+08:00")
    assert api.book(body).status_code == 422
    answer = advisor.post("/api/staff/bookings", {**body, "channel": "walk_in"})
    assert answer.status_code == 201


# ---- reception and the vehicle file -------------------------------------------------

def test_check_in_files_customer_and_car_opens_the_order_and_marks_arrival(api, advisor, clock):
    booking, order = _checked_in(api, advisor, clock)
    assert order["status"] == "open" and order["booking_id"] == booking["id"]
    assert order["reception"]["mileage_km"] == 15302
    assert order["reception"]["damage"][0]["zone"] == "left_front_door"
    assert order["reception"]["concern"] == {"what": "刹车异响", "where": "左前轮"}
    assert order["reception"]["findings"] == "左前刹车片剩余2mm"
    assert order["reception"]["signature_url"].startswith("https://")
    # the booked service opens as its package's lines (价格本), at the estimate the customer
    # was quoted: 0.8 h x 300 + 4 L x 50 + 40, 0.2 h x 300 twice, + the air filter 80 = 680.00
    assert [(ln["code"], ln["quantity"], ln["amount"]) for ln in order["lines"]] == [
        ("LB-OIL", "0.8", "240.00"), ("G052195M4", "4", "200.00"), ("06A115561B", "1", "40.00"),
        ("LB-AIRF", "0.2", "60.00"), ("LB-INSP", "0.2", "60.00"), ("5Q0129620D", "1", "80.00")]
    assert order["estimate"]["total"] == booking_estimate(api) == "680.00"
    [item] = [b for b in all_bookings() if b.booking_id == booking["id"]]
    assert item.status == "arrived" and item.order_id == order["id"]
    vehicle = advisor.get(f"/api/staff/vehicles/{order['vehicle']['id']}").json_body
    assert vehicle["mileage_km"] == 15302 and vehicle["customer"]["name"] == "王先生"
    assert vehicle["orders"][0]["id"] == order["id"]
    assert vehicle["bookings"][0]["id"] == booking["id"]
    assert [d["document"] for d in vehicle["documents"]] == ["check_in"]
    assert vehicle["warranty"]["repair_warranty"]["active"] is True
    assert vehicle["warranty"]["repair_warranty"]["until"] == "2027-06-01"
    assert vehicle["audit"][0]["action"] == "created"


def test_the_technician_pre_assigned_on_the_booking_gets_the_job_at_check_in(api, advisor, clock):
    booking = _book(api)
    prepared = advisor.post(f"/api/staff/bookings/{booking['id']}/prepare",
                            {"technician": "technician2"})
    assert prepared.status_code == 200, prepared.json_body
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    order = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"])).json_body
    assert order["job"]["technician"] == "technician2" and order["job"]["state"] == "waiting"
    assert RepairOrderItem.get(order["id"]).job["technician"] == "technician2"


def test_check_in_may_change_the_pre_assigned_technician_to_one_of_the_store(api, advisor, clock,
                                                                             english):
    booking = _book(api)
    advisor.post(f"/api/staff/bookings/{booking['id']}/prepare",
                 {"technician": "technician2"})
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    stranger = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"],
                                                                technician="nobody"))
    assert stranger.status_code == 422
    assert stranger.json_body["error"]["fields"] == {"technician": "not a technician of this store"}
    assert list(RepairOrderItem.scan()) == []
    order = advisor.post("/api/staff/checkins", checkin_body(booking_id=booking["id"],
                                                             technician="technician")).json_body
    assert order["job"]["technician"] == "technician"
    walk_in = advisor.post("/api/staff/checkins", checkin_body(
        customer={"name": "李女士", "phone": "13900139000"}, vehicle={"plate": "粤B66666"}))
    assert walk_in.status_code == 201 and walk_in.json_body["job"]["technician"] == ""


def test_the_order_offers_a_promised_time_from_the_labour_still_to_do(api, advisor, clock):
    _, order = _checked_in(api, advisor, clock)             # 08:50, MAINT_10K: 1.2 h of labour
    assert order["promise_suggested"] == store_time(2026, 12, 1, 10, 45).isoformat()  # 10:32 ->
    added = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        "version": order["version"], "kind": "labor", "description": "更换刹车片", "hours": "7"})
    assert added.status_code == 201, added.json_body
    # 8.2 h + 30 min = 522 min from 08:50 in a 08:00-17:00 day: 490 today, 32 tomorrow -> 08:45
    assert added.json_body["promise_suggested"] == store_time(2026, 12, 2, 8, 45).isoformat()


def test_a_second_visit_finds_the_same_car_and_refuses_a_lower_mileage(api, advisor, clock):
    _, first = _checked_in(api, advisor, clock)
    lower = advisor.post("/api/staff/checkins", checkin_body(mileage_km=15000))
    assert lower.status_code == 422 and "mileage_km" in lower.json_body["error"]["fields"]
    walk_in = advisor.post("/api/staff/checkins", checkin_body(mileage_km=15400))
    assert walk_in.status_code == 201
    assert walk_in.json_body["vehicle"]["id"] == first["vehicle"]["id"]
    assert walk_in.json_body["customer"]["id"] == first["customer"]["id"]
    assert len(list(VehicleItem.scan())) == 1


def test_check_in_names_every_bad_field_and_writes_nothing(advisor):
    body = checkin_body(mileage_km=-5, fuel_level="lots", covers_fitted="yes", old_parts=None,
                        damage=[{"zone": "moon", "kind": "scratch"}], signature="data:image/gif;base64,R0lG",
                        vehicle={"plate": "XYZ"}, customer={"name": "", "phone": "123"},
                        photo_keys=["../../etc/passwd"])
    answer = advisor.post("/api/staff/checkins", body)
    assert answer.status_code == 422
    assert set(answer.json_body["error"]["fields"]) >= {
        "mileage_km", "fuel_level", "covers_fitted", "old_parts", "damage.0.zone", "signature",
        "vehicle.plate", "customer.name", "customer.phone", "photo_keys.0"}
    assert list(RepairOrderItem.scan()) == [] and list(VehicleItem.scan()) == []


def test_search_by_plate_and_vin_exact_and_prefix_and_by_mobile_or_its_last_4(api, advisor, clock):
    _checked_in(api, advisor, clock)
    # a VIN is found whole or by its end (车架号后六位): its start names the maker, not the car
    for q in ("粤B12345", "粤B12", "13800138000", "8000", "LSVAU2180N2183294", "183294"):
        found = advisor.get(f"/api/staff/search?q={q}").json_body
        assert [r["plate"] for r in found["results"]] == ["粤B12345"], q
        assert found["results"][0]["customer"]["phone"] == "138****8000"
    assert advisor.get("/api/staff/search?q=粤A9").json_body["results"] == []
    bad = advisor.get("/api/staff/search?q=%3F%3F")
    assert bad.status_code == 422 and "q" in bad.json_body["error"]["fields"]


def test_uploads_are_limited_in_type_and_size(advisor):
    ok = advisor.post("/api/staff/uploads", {"content_type": "image/jpeg", "size": 2_000_000})
    assert ok.status_code == 200
    assert ok.json_body["key"].startswith("uploads/2026-11-30/") and ok.json_body["method"] == "PUT"
    assert "X-Amz-Signature" in ok.json_body["url"]
    bad = advisor.post("/api/staff/uploads", {"content_type": "application/pdf", "size": 50_000_000})
    assert bad.status_code == 422
    assert set(bad.json_body["error"]["fields"]) == {"content_type", "size"}


# ---- the repair order -----------------------------------------------------------------

def test_lines_totals_per_pay_type_and_tax_are_exact(api, advisor, staff, clock):
    _, order = _checked_in(api, advisor, clock)
    url = f"/api/staff/orders/{order['id']}/lines"
    v = order["version"]
    order = advisor.post(url, {**part_line(quantity="2", unit_price="0.10"), "version": v}).json_body
    # a warranty line is a 100% discount for the customer: above the advisor's limit, the
    # manager writes it (issue 11)
    order = staff.as_("manager").post(url, {**labour_line(hours="0.3", rate="333.33", pay_type="warranty",
                                                          reason="三包期内"),
                                            "version": order["version"]}).json_body
    order = advisor.post(url, {**part_line(description="机油", quantity="4.5", unit_price="68.00"),
                               "version": order["version"]}).json_body
    # 680.00 (the package) + 0.20 + 306.00 for the customer; 0.3 x 333.33 = 99.999 -> 100.00
    # under warranty
    assert order["estimate"]["by_pay_type"] == {"customer": "986.20", "warranty": "100.00",
                                                "internal": "0.00", "goodwill": "0.00"}
    assert order["estimate"]["customer_pays"] == "986.20" and order["estimate"]["total"] == "1086.20"
    assert order["estimate"]["tax_included"] == "113.46"   # 986.20 x 13 / 113
    bad = advisor.post(url, {"kind": "part", "description": "", "quantity": "0",
                             "unit_price": "12.345", "pay_type": "free", "version": order["version"]})
    assert bad.status_code == 422
    assert set(bad.json_body["error"]["fields"]) == {"description", "quantity", "unit_price", "pay_type"}


def test_the_second_writer_gets_409_and_nothing_is_overwritten(api, advisor, staff, clock):
    _, order = _checked_in(api, advisor, clock, services=["DIAG"])  # one line
    url = f"/api/staff/orders/{order['id']}/lines"
    first = advisor.post(url, {**part_line(), "version": order["version"]})
    second = staff.as_("manager").post(url, {**labour_line(), "version": order["version"]})
    assert first.status_code == 201 and second.status_code == 409
    assert second.json_body["error"]["code"] == "order_changed"
    lines = advisor.get(f"/api/staff/orders/{order['id']}").json_body["lines"]
    assert [ln["description"] for ln in lines] == ["故障诊断", "前刹车片"]
    no_version = advisor.post(url, part_line())
    assert no_version.status_code == 422 and "version" in no_version.json_body["error"]["fields"]


def _approval_token(order_id, request_id):
    """The token the approval SMS link carries (as the store signs it)."""
    return sign_approval(get_config().secret_key, order_id, request_id)


def _send(advisor, order, **extra):
    answer = advisor.post(f"/api/staff/orders/{order['id']}/send-approval",
                          {"version": order["version"], **extra})
    assert answer.status_code == 200, answer.json_body
    return answer.json_body


def test_remote_approval_by_sms_link_approves_one_line_and_declines_another(
        api, advisor, staff, clock, sms, client):
    _, order = _checked_in(api, advisor, clock, services=["DIAG"])  # one line
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                         {**part_line(), "version": order["version"]}).json_body
    promised = "2026-12-01T16:00:00+08:00"
    order = _send(advisor, order, promised_at=promised)
    assert order["status"] == "awaiting_approval" and order["promised_at"] == promised
    assert {ln["status"] for ln in order["lines"]} == {"pending"}
    # the SMS goes out through the outbox
    run_sweep()
    [(phone, text)] = [m for m in sms() if "逐项确认" in m[1]]
    assert phone == "+8613800138000"
    assert "粤B12345" in text and "¥620.00" in text and "12月1日(周二)16:00" in text
    short = text.split("https://4s.example.cn")[1].split()[0]
    target = client.http.get(short).headers["Location"]
    query = parse_qs(urlsplit(target).query)
    order_id, token = query["o"][0], query["t"][0]
    assert order_id == order["id"]
    page = api.get(f"/api/orders/{order_id}/approval?token={token}").json_body
    assert [ln["amount"] for ln in page["lines"]] == ["200.00", "420.00"]
    assert page["total_if_all_approved"]["customer_pays"] == "620.00"
    labour, part = (ln["id"] for ln in page["lines"])
    # work cannot start before the customer decides
    tech = staff.as_("technician")
    refused = tech.post(f"/api/staff/orders/{order_id}/lines/{labour}/start",
                        {"version": order["version"]})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "line_not_approved"
    decided = api.post(f"/api/orders/{order_id}/approval?token={token}",
                       {"decisions": {labour: "approved", part: "declined"}})
    assert decided.status_code == 200, decided.json_body
    assert decided.json_body["total_now"]["customer_pays"] == "200.00"
    after = advisor.get(f"/api/staff/orders/{order_id}").json_body
    assert after["status"] == "approved"
    assert {ln["id"]: ln["status"] for ln in after["lines"]} == {labour: "approved", part: "declined"}
    assert after["agreed"]["customer_pays"] == "200.00"
    # answered once: a replay changes nothing
    again = api.post(f"/api/orders/{order_id}/approval?token={token}",
                     {"decisions": {labour: "declined", part: "approved"}})
    assert again.status_code == 409 and again.json_body["error"]["code"] == "approval_closed"
    # the declined part stays on the car's file as a recommendation
    vehicle = advisor.get(f"/api/staff/vehicles/{after['vehicle']['id']}").json_body
    assert [(r["description"], r["amount"]) for r in vehicle["recommendations"]] == [("前刹车片", "420.00")]
    refused = tech.post(f"/api/staff/orders/{order_id}/lines/{part}/start", {"version": after["version"]})
    assert refused.status_code == 409 and refused.json_body["error"]["code"] == "line_not_approved"
    # work starts on the job dispatched to this technician (issue 11: the clock's rules)
    after = staff.as_("foreman").post(f"/api/staff/orders/{order_id}/dispatch", {
        "version": after["version"], "technician": "technician"}).json_body
    started = tech.post(f"/api/staff/orders/{order_id}/lines/{labour}/start", {"version": after["version"]})
    assert started.status_code == 200 and started.json_body["status"] == "in_work"
    assert not started.json_body.get("audit")   # a technician does not see the audit trail
    trail = advisor.get(f"/api/staff/orders/{order_id}").json_body["audit"]
    assert [(e["actor"], e["action"]) for e in reversed(trail)] == [
        ("advisor", "opened"), ("advisor", "line_added"), ("advisor", "sent_estimate"),
        ("customer", "decided_estimate"), ("foreman", "dispatched"), ("technician", "line_started")]
    decided_entry = next(e for e in trail if e["action"] == "decided_estimate")
    assert decided_entry["changes"]["status"] == {"before": "awaiting_approval", "after": "approved"}


def test_tampered_expired_or_other_order_links_get_403_and_change_nothing(api, advisor, clock):
    _, order = _checked_in(api, advisor, clock)
    order = _send(advisor, order, promised_at="2026-12-01T16:00:00+08:00")
    request_id = order["pending_approval"]
    line_id = order["lines"][0]["id"]
    good = _approval_token(order["id"], request_id)
    other_order = _approval_token("ro_someotherorder", request_id)
    for token in (good[:-3] + "xyz", other_order, "", "a" * 500):
        answer = api.post(f"/api/orders/{order['id']}/approval?token={token}",
                          {"decisions": {line_id: "approved"}})
        assert answer.status_code == 403 and answer.json_body["error"]["code"] == "invalid_token"
    clock.shift(timedelta(days=15))
    expired = api.post(f"/api/orders/{order['id']}/approval?token={good}",
                       {"decisions": {line_id: "approved"}})
    assert expired.status_code == 403
    item = RepairOrderItem.get(order["id"])
    assert item.status == "awaiting_approval" and item.lines[0]["status"] == "pending"


def test_additional_work_moves_the_promise_only_when_the_customer_accepts(api, advisor, clock):
    _, order = _checked_in(api, advisor, clock, services=["DIAG"])  # one line
    order = advisor.post(f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "promised_at": "2026-12-01T12:00:00+08:00",
        "decisions": {order["lines"][0]["id"]: "approved"},
        "signature": SIGNATURE}).json_body
    assert order["status"] == "approved" and order["approvals"][0]["channel"] == "in_store"
    assert order["approvals"][0]["signature_url"]
    # the technician finds worn brake pads: 增项 with a photo of the worn part
    photo = advisor.post("/api/staff/uploads", {"content_type": "image/jpeg", "size": 4}).json_body
    assert requests.put(photo["url"], data=b"\xff\xd8\xff\xe0", headers=photo["headers"]).ok
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **part_line(photo_keys=[photo["key"]]), "version": order["version"]}).json_body
    assert order["lines"][1]["additional"] is True and order["lines"][1]["photos"]
    no_time = advisor.post(f"/api/staff/orders/{order['id']}/send-approval", {"version": order["version"]})
    assert no_time.status_code == 422 and "promised_at" in no_time.json_body["error"]["fields"]
    order = _send(advisor, order, promised_at="2026-12-01T15:00:00+08:00")
    assert order["promised_at"] == "2026-12-01T12:00:00+08:00"    # not before the customer says yes
    assert order["status"] == "approved"
    locked = advisor.post(f"/api/staff/orders/{order['id']}/promise",
                          {"version": order["version"], "promised_at": "2026-12-01T18:00:00+08:00"})
    assert locked.status_code == 409 and locked.json_body["error"]["code"] == "promise_locked"
    token = _approval_token(order["id"], order["pending_approval"])
    page = api.get(f"/api/orders/{order['id']}/approval?token={token}").json_body
    assert page["request"]["kind"] == "additional"
    assert page["agreed_before"]["customer_pays"] == "200.00"
    assert page["total_if_all_approved"]["customer_pays"] == "620.00"
    assert page["request"]["promised_at"] == "2026-12-01T15:00:00+08:00"
    part = order["lines"][1]["id"]
    api.post(f"/api/orders/{order['id']}/approval?token={token}", {"decisions": {part: "approved"}})
    final = advisor.get(f"/api/staff/orders/{order['id']}").json_body
    assert final["promised_at"] == "2026-12-01T15:00:00+08:00"
    assert final["agreed"]["customer_pays"] == "620.00"


def test_declined_additional_work_keeps_the_promise(api, advisor, clock):
    _, order = _checked_in(api, advisor, clock, promised_at="2026-12-01T12:00:00+08:00",
                           services=["DIAG"])   # checked in as one line
    order = advisor.post(f"/api/staff/orders/{order['id']}/approve-in-store", {
        "version": order["version"], "decisions": {order["lines"][0]["id"]: "approved"},
        "signature": SIGNATURE}).json_body
    order = advisor.post(f"/api/staff/orders/{order['id']}/lines",
                         {**part_line(), "version": order["version"]}).json_body
    order = _send(advisor, order, promised_at="2026-12-01T15:00:00+08:00")
    token = _approval_token(order["id"], order["pending_approval"])
    bad = api.post(f"/api/orders/{order['id']}/approval?token={token}", {"decisions": {}})
    assert bad.status_code == 422
    api.post(f"/api/orders/{order['id']}/approval?token={token}",
             {"decisions": {order["lines"][1]["id"]: "declined"}})
    final = advisor.get(f"/api/staff/orders/{order['id']}").json_body
    assert final["promised_at"] == "2026-12-01T12:00:00+08:00"
    assert final["lines"][1]["status"] == "declined"


def test_printable_order_and_check_in_sheet(api, advisor, clock, client):
    _, order = _checked_in(api, advisor, clock, services=["DIAG"])  # one line
    html = advisor.get(f"/api/staff/orders/{order['id']}/print?doc=order")
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    text = html.body.decode()
    assert "维修委托书" in text and order["reference"] in text and "200.00" in text
    assert "骏达大众4S店" in text and "@media print" in text
    sheet = advisor.get(f"/api/staff/orders/{order['id']}/print?doc=checkin&lang=en").body.decode()
    assert "Check-in sheet" in sheet and "left front door" in sheet and "scratch" in sheet
    bad = advisor.get(f"/api/staff/orders/{order['id']}/print?doc=receipt")
    assert bad.status_code == 422 and "doc" in bad.json_body["error"]["fields"]
    assert advisor.get("/api/staff/orders/ro_missing").status_code == 404


def test_the_printed_check_in_sheet_shows_its_photos(api, advisor, clock):
    """Issue 14: the check-in sheet prints with the walk-around's photos (the car's own and a
    damage mark's), each a presigned view of the file, after the signature's place."""
    keys = []
    for _ in range(2):
        photo = advisor.post("/api/staff/uploads", {"content_type": "image/jpeg", "size": 4}).json_body
        assert requests.put(photo["url"], data=b"\xff\xd8\xff\xe0", headers=photo["headers"]).ok
        keys.append(photo["key"])
    _, order = _checked_in(api, advisor, clock, photo_keys=[keys[0]], damage=[
        {"zone": "left_front_door", "kind": "scratch", "note": "10cm", "photo_keys": [keys[1]]}])
    sheet = advisor.get(f"/api/staff/orders/{order['id']}/print?doc=checkin").body.decode()
    assert "<h2>照片</h2>" in sheet
    photos = sheet.split('<div class="photos">')[1].split("</div>")[0]
    assert [k in photos for k in keys] == [True, True]
    assert photos.count("<img ") == 2


def test_an_empty_walk_in_form_hears_of_every_missing_field_with_the_signature_at_once(advisor):
    """Round 3: the page sends an empty walk-in form as it is (no stop at the signature); the
    one answer names every required field, the signature among them, and nothing is written."""
    body = {"booking_id": "", "customer": {"name": "", "phone": ""},
            "vehicle": {"plate": "", "vin": "", "model": "", "sale_date": ""},
            "mileage_km": None, "fuel_level": "", "covers_fitted": False, "interior": "clean",
            "interior_note": "", "valuables_reminded": False, "concern": {}, "findings": "",
            "old_parts": "", "wash": False, "contact_preference": "phone", "damage": [],
            "photo_keys": [], "technician": "", "promised_at": None, "signature": ""}
    answer = advisor.post("/api/staff/checkins", body)
    assert answer.status_code == 422
    fields = answer.json_body["error"]["fields"]
    assert set(fields) == {"customer.name", "customer.phone", "vehicle.plate", "mileage_km",
                           "fuel_level", "old_parts", "signature"}
    assert fields["customer.name"] == "请填写此项"
    assert list(RepairOrderItem.scan()) == [] and list(VehicleItem.scan()) == []


def test_the_vehicle_files_photos_say_what_they_show_as_data_not_english(api, advisor, clock):
    """The file's photos carry what they show (a check-in photo, a damage mark's zone and kind,
    a line) as data the page puts in the reader's words, not an English caption."""
    keys = []
    for _ in range(3):
        photo = advisor.post("/api/staff/uploads", {"content_type": "image/jpeg", "size": 4}).json_body
        assert requests.put(photo["url"], data=b"\xff\xd8\xff\xe0", headers=photo["headers"]).ok
        keys.append(photo["key"])
    _, order = _checked_in(api, advisor, clock, photo_keys=[keys[0]], damage=[
        {"zone": "left_front_door", "kind": "scratch", "note": "10cm", "photo_keys": [keys[1]]}])
    advisor.post(f"/api/staff/orders/{order['id']}/lines", {
        **part_line(description="刹车片", photo_keys=[keys[2]]), "version": order["version"]})
    file = advisor.get(f"/api/staff/vehicles/{order['vehicle']['id']}").json_body
    shown = [{k: v for k, v in p.items() if k not in ("url", "order_id", "reference")}
             for p in file["photos"]]
    assert shown == [{"kind": "check_in"},
                     {"kind": "damage", "zone": "left_front_door", "damage": "scratch"},
                     {"kind": "line", "description": "刹车片"}]
    assert all(p["url"] and "what" not in p for p in file["photos"])
