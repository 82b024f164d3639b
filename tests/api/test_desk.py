"""The reception desk's bookings (issue 12): the board for the roles that phone customers, the
real technicians, cancel and reschedule by staff with the lost-booking reason (战败原因), the
confirmation-call list, the desk's slot picker and form, and search by any part of a plate,
a name or the last 4 digits of a mobile, bookings not checked in included."""
from __future__ import annotations

import pytest

from chalicelib.db import records as records_db
from chalicelib.db.models import AuditItem, BookingItem, CustomerItem, OutboxItem, VehicleItem
from chalicelib.notify.sweep import run_sweep
from tests.api.conftest import capacity
from tests.factories import booking_body, checkin_body, store_time

DAY = "2026-12-01"          # tomorrow (the tests' clock: Monday 30 Nov 2026, 10:00)


@pytest.fixture
def advisor(staff):
    return staff.as_("advisor")


def _book(api, **overrides):
    answer = api.book(booking_body(**overrides))
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def _other(hour: int, n: int, day: str = DAY, **overrides):
    """Another customer's car at ``hour`` on ``day``."""
    return dict(slot_start=f"{day}T{hour:02d}:00:00+08:00",
                customer={"name": f"客户{n}", "phone": f"1390013{n:04d}"},
                vehicle={"plate": f"粤C{n:05d}", "vin": ""}, **overrides)


def _row(staff_api, booking_id, day=DAY):
    board = staff_api.get(f"/api/staff/board?date={day}").json_body
    return next(b for b in board["bookings"] if b["id"] == booking_id)


def _kinds(booking_id, status="pending"):
    """The booking's messages in ``status``, read by key (as the booking lists them)."""
    messages = [OutboxItem.get(i) for i in BookingItem.get(booking_id).message_ids]
    return sorted(m.message_id.split(".", 1)[1] for m in messages if m.status == status)


def _trail(booking_id):
    return [(e.actor, e.action) for e in AuditItem.query(f"booking#{booking_id}")]


@pytest.fixture
def no_scan(monkeypatch):
    """Request paths read by key and by index only: a Scan fails the test."""
    from pynamodb.models import Model

    def refuse(*args, **kwargs):
        raise AssertionError("Scan on a request path")
    monkeypatch.setattr(Model, "scan", classmethod(refuse))


# ---- the board: whole mobile for the callers, real technicians ---------------------------

def test_the_board_gives_the_whole_mobile_to_the_roles_that_phone_customers_only(api, staff):
    booked = _book(api)
    callers = {"advisor", "manager", "followup"}
    for user in ("advisor", "manager", "followup", "technician", "foreman", "inspector", "cashier"):
        row = _row(staff.as_(user), booked["id"])
        assert row["customer"]["phone"] == "138****8000", user
        assert row["customer"]["phone_full"] == ("+8613800138000" if user in callers else None), user


def test_a_booking_is_pre_assigned_to_a_technician_of_the_store_by_display_name(api, advisor):
    technicians = advisor.get("/api/staff/technicians").json_body["technicians"]
    assert {"username": "technician2", "name": "钱师傅"} in technicians
    booked = _book(api)
    not_one = advisor.post(f"/api/staff/bookings/{booked['id']}/prepare", {"technician": "advisor2"})
    assert not_one.status_code == 422
    assert set(not_one.json_body["error"]["fields"]) == {"technician"}
    assert _row(advisor, booked["id"])["technician"] == ""
    done = advisor.post(f"/api/staff/bookings/{booked['id']}/prepare", {"technician": "technician2"})
    assert done.status_code == 200, done.json_body
    assert done.json_body["technician"] == "technician2"
    assert _row(advisor, booked["id"])["technician_name"] == "钱师傅"


# ---- cancel and reschedule by staff -------------------------------------------------------

def test_staff_cancel_needs_a_lost_booking_reason_and_changes_nothing_without_one(api, advisor):
    booked = _book(api)
    url = f"/api/staff/bookings/{booked['id']}/cancel"
    version = _row(advisor, booked["id"])["version"]
    for body, fields in (({"version": version}, {"lost_reason"}),
                         ({"version": version, "lost_reason": "moon"}, {"lost_reason"}),
                         ({"version": version, "lost_reason": "other"}, {"note"}),
                         ({"version": version, "lost_reason": "price", "note": "x" * 201}, {"note"}),
                         ({"lost_reason": "price"}, {"version"})):
        refused = advisor.post(url, body)
        assert refused.status_code == 422, body
        assert set(refused.json_body["error"]["fields"]) == fields, body
    stale = advisor.post(url, {"version": version + 5, "lost_reason": "price"})
    assert stale.status_code == 409 and stale.json_body["error"]["code"] == "booking_changed"
    assert BookingItem.get(booked["id"]).status == "booked"
    assert capacity(DAY, "09:00") == 1 and capacity(DAY, "_day") == 72
    assert _kinds(booked["id"]) == ["0.confirmation", "0.reminder_hour"]


def test_staff_cancel_releases_the_capacity_texts_the_customer_and_is_audited(api, advisor, sms):
    booked = _book(api)
    version = _row(advisor, booked["id"])["version"]
    done = advisor.post(f"/api/staff/bookings/{booked['id']}/cancel",
                        {"version": version, "lost_reason": "repaired_elsewhere",
                         "note": "客户说已在别家保养"})
    assert done.status_code == 200, done.json_body
    row = done.json_body
    assert row["status"] == "cancelled" and row["lost_reason"] == "repaired_elsewhere"
    assert row["lost_note"] == "客户说已在别家保养"
    assert capacity(DAY, "09:00") == 0 and capacity(DAY, "_day") == 0
    # the same SMS as when the customer cancels through the link; reminders taken back
    assert _kinds(booked["id"]) == ["0.cancelled"]
    assert _kinds(booked["id"], "superseded") == ["0.confirmation", "0.reminder_hour"]
    run_sweep()
    [(phone, text)] = sms()
    assert phone == "+8613800138000" and "已取消" in text and booked["reference"] in text
    assert _trail(booked["id"])[-1] == ("advisor", "cancelled")
    audit = list(AuditItem.query(f"booking#{booked['id']}"))[-1]
    assert audit.changes["status"] == {"before": "booked", "after": "cancelled"}
    assert audit.changes["lost_reason"] == {"before": "", "after": "repaired_elsewhere"}
    # the staff's note stays in the store: the customer's page shows no reason
    mine = api.get(f"/api/bookings/{booked['id']}?token={api.token_of(booked)}").json_body
    assert mine["status"] == "cancelled" and mine["cancel_reason"] is None
    assert "别家" not in str(mine) and mine["history"][-1]["by"] == "advisor"
    # the car's day is free again; a second cancel is refused
    assert api.book(booking_body(slot_start=f"{DAY}T15:00:00+08:00")).status_code == 201
    again = advisor.post(f"/api/staff/bookings/{booked['id']}/cancel",
                         {"version": row["version"], "lost_reason": "price"})
    assert again.status_code == 409 and again.json_body["error"]["code"] == "booking_cancelled"


def test_staff_reschedule_moves_the_capacity_exactly_and_texts_the_new_time(api, advisor, store,
                                                                            sms):
    store(slot_capacity=1)
    booked = _book(api)                                   # 1 Dec 09:00
    _book(api, **_other(10, 1))                           # 10:00 is full now
    url = f"/api/staff/bookings/{booked['id']}/reschedule"
    version = _row(advisor, booked["id"])["version"]
    full = advisor.post(url, {"version": version, "slot_start": f"{DAY}T10:00:00+08:00"})
    assert full.status_code == 409 and full.json_body["error"]["code"] == "slot_full"
    assert full.json_body["alternatives"][0] == f"{DAY}T11:00:00+08:00"
    past = advisor.post(url, {"version": version, "slot_start": "2026-11-30T09:00:00+08:00"})
    assert past.status_code == 422 and set(past.json_body["error"]["fields"]) == {"slot_start"}
    assert capacity(DAY, "09:00") == 1 and capacity(DAY, "10:00") == 1
    assert capacity(DAY, "_day") == 144

    moved = advisor.post(url, {"version": version, "slot_start": "2026-12-02T14:00:00+08:00"})
    assert moved.status_code == 200, moved.json_body
    assert moved.json_body["slot_start"] == "2026-12-02T14:00:00+08:00"
    assert capacity(DAY, "09:00") == 0 and capacity(DAY, "_day") == 72
    assert capacity("2026-12-02", "14:00") == 1 and capacity("2026-12-02", "_day") == 72
    assert _kinds(booked["id"]) == ["1.reminder_day", "1.reminder_hour", "1.rescheduled"]
    assert _trail(booked["id"])[-1] == ("advisor", "rescheduled")
    run_sweep()
    texts = [text for phone, text in sms() if phone == "+8613800138000"]
    assert any("已改到" in t and "12月2日" in t and "14:00" in t for t in texts), texts
    # the desk moves a booking as often as the customer asks on the phone (the link allows 3)
    version = moved.json_body["version"]
    for hour in (15, 16, 9):
        again = advisor.post(url, {"version": version,
                                   "slot_start": f"2026-12-03T{hour:02d}:00:00+08:00"})
        assert again.status_code == 200, again.json_body
        version = again.json_body["version"]
    assert capacity("2026-12-02", "_day") == 0 and capacity("2026-12-03", "_day") == 72
    assert [capacity("2026-12-03", f"{h:02d}:00") for h in (9, 15, 16)] == [1, 0, 0]


# ---- the confirmation-call list ----------------------------------------------------------

def test_the_call_list_holds_tomorrows_unconfirmed_bookings_and_records_each_call(
        api, advisor, staff, sms, no_scan):
    first = _book(api)                                             # tomorrow 09:00
    second = _book(api, **_other(11, 2))
    third = _book(api, **_other(14, 3))
    fourth = _book(api, **_other(15, 4))
    _book(api, **_other(9, 5, day="2026-12-02"))                  # the day after: not yet
    confirmed = _book(api, **_other(16, 6))
    advisor.post(f"/api/staff/bookings/{confirmed['id']}/confirm", {})

    calls = advisor.get("/api/staff/calls").json_body
    assert calls["date"] == DAY
    assert [c["id"] for c in calls["bookings"]] == [first["id"], second["id"], third["id"],
                                                   fourth["id"]]
    assert calls["bookings"][0]["customer"]["phone_full"] == "+8613800138000"
    assert calls["bookings"][0]["calls"] == []

    def call(booking, **body):
        version = _row(advisor, booking["id"])["version"]
        return advisor.post(f"/api/staff/bookings/{booking['id']}/calls",
                            {"version": version, **body})

    for body, fields in (({"outcome": "maybe"}, {"outcome"}),
                         ({"outcome": "rescheduled"}, {"slot_start"}),
                         ({"outcome": "cancelled"}, {"lost_reason"})):
        refused = call(first, **body)
        assert refused.status_code == 422 and set(refused.json_body["error"]["fields"]) == fields
    # no outcome: asked for in words, in the reader's language, never as a list of codes
    silent = call(first)
    assert silent.json_body["error"]["fields"] == {"outcome": "请选择通话结果"}
    silent = advisor.post(f"/api/staff/bookings/{first['id']}/calls",
                          {"version": _row(advisor, first["id"])["version"]},
                          headers={"Accept-Language": "en"})
    assert silent.json_body["error"]["fields"] == {"outcome": "required: choose how the call went"}

    # not reached: it stays on the list, the attempt counted, to try again
    missed = call(first, outcome="not_reached", note="无人接听")
    assert missed.status_code == 200, missed.json_body
    assert [(c["outcome"], c["by"], c["note"]) for c in missed.json_body["calls"]] == [
        ("not_reached", "advisor", "无人接听")]
    assert missed.json_body["status"] == "booked"
    # reached: confirmed, off the list
    reached = call(first, outcome="confirmed")
    assert reached.json_body["status"] == "confirmed"
    assert [c["outcome"] for c in reached.json_body["calls"]] == ["not_reached", "confirmed"]
    # the customer cancels on the call: lost-booking reason, capacity released, SMS
    lost = call(second, outcome="cancelled", lost_reason="car_sold")
    assert lost.status_code == 200, lost.json_body
    assert lost.json_body["status"] == "cancelled" and lost.json_body["lost_reason"] == "car_sold"
    assert capacity(DAY, "11:00") == 0 and _kinds(second["id"]) == ["0.cancelled"]
    # the customer asks for another time: moved, and confirmed for the time agreed
    other_time = call(third, outcome="rescheduled", slot_start="2026-12-02T10:00:00+08:00")
    assert other_time.status_code == 200, other_time.json_body
    assert other_time.json_body["status"] == "confirmed"
    assert other_time.json_body["slot_start"] == "2026-12-02T10:00:00+08:00"
    assert capacity(DAY, "14:00") == 0 and capacity("2026-12-02", "10:00") == 1
    assert _kinds(third["id"]) == ["1.reminder_day", "1.reminder_hour", "1.rescheduled"]

    left = advisor.get(f"/api/staff/calls?date={DAY}").json_body["bookings"]
    assert [c["id"] for c in left] == [fourth["id"]]
    assert [a for a, _ in _trail(first["id"])] == ["customer", "advisor", "advisor"]
    assert [b for _, b in _trail(first["id"])] == ["booked", "called", "confirmed"]
    assert staff.as_("technician").get("/api/staff/calls").status_code == 403


# ---- the desk's slot picker and booking form -------------------------------------------------

def test_the_desks_slot_picker_offers_no_past_slot_and_the_places_left(api, advisor, clock, store):
    store(slot_capacity=2)
    clock.move_to(store_time(2026, 12, 1, 10, 20))
    _book(api, **_other(15, 1))
    today = advisor.get(f"/api/staff/slots?date={DAY}&services=MAINT_10K,BRAKE_CHECK"
                        "&channel=phone").json_body
    starts = [s["start"][11:16] for s in today["slots"]]
    assert starts[0] == "10:00"          # the slot under way; 08:00 and 09:00 have passed
    assert "09:00" not in starts and "17:00" not in starts
    left = {s["start"][11:16]: s["available"] for s in today["slots"]}
    assert left["15:00"] == 1 and left["11:00"] == 2
    bad = advisor.get(f"/api/staff/slots?date={DAY}&channel=fax")
    assert bad.status_code == 422 and set(bad.json_body["error"]["fields"]) == {"channel"}


def test_a_phone_booking_carries_several_services_the_interview_transport_and_a_note(advisor):
    body = booking_body(services=["MAINT_10K", "BRAKE_CHECK"], transport="loaner",
                        slot_start=f"{DAY}T11:00:00+08:00", note="客户要求用原厂机油",
                        vehicle={"model": "朗逸", "mileage_km": 23000})
    answer = advisor.post("/api/staff/bookings", {**body, "channel": "phone"})
    assert answer.status_code == 201, answer.json_body
    row = _row(advisor, answer.json_body["id"])
    assert [s["code"] for s in row["services"]] == ["MAINT_10K", "BRAKE_CHECK"]
    assert row["transport"] == "loaner" and row["note"] == "客户要求用原厂机油"
    assert row["vehicle"]["model"] == "朗逸" and row["vehicle"]["mileage_km"] == 23000
    assert row["concern"]["noise"] == "吱吱声" and row["channel"] == "phone"
    long_note = advisor.post("/api/staff/bookings", {**body, "note": "字" * 201,
                                                    "slot_start": f"{DAY}T12:00:00+08:00"})
    assert long_note.status_code == 422
    assert set(long_note.json_body["error"]["fields"]) == {"note"}


def test_a_desk_booking_records_the_advisors_display_name_and_the_board_shows_it(
        api, advisor, staff):
    """A phone booking is the advisor's: the board reads 张顾问, not the login ``advisor``; the
    name is written with the booking (what the advisor was called when they booked it)."""
    body = booking_body(slot_start=f"{DAY}T11:00:00+08:00")
    answer = advisor.post("/api/staff/bookings", {**body, "channel": "phone"})
    assert answer.status_code == 201, answer.json_body
    booking_id = answer.json_body["id"]
    assert BookingItem.get(booking_id).advisor_name == "张顾问"
    row = _row(advisor, booking_id)
    assert (row["advisor"], row["advisor_name"]) == ("advisor", "张顾问")
    calls = advisor.get(f"/api/staff/calls?date={DAY}").json_body["bookings"]
    assert next(b for b in calls if b["id"] == booking_id)["advisor_name"] == "张顾问"
    # the manager hands an online booking to another advisor: their name is recorded too
    online = _book(api, **_other(9, 1))
    manager = staff.as_("manager")
    moved = manager.post(f"/api/staff/bookings/{online['id']}/prepare",
                         {"version": _row(manager, online["id"])["version"], "advisor": "advisor2"})
    assert moved.status_code == 200, moved.json_body
    assert moved.json_body["advisor_name"] == "李顾问"
    assert BookingItem.get(online["id"]).advisor_name == "李顾问"
    stranger = manager.post(f"/api/staff/bookings/{online['id']}/prepare",
                            {"version": moved.json_body["version"], "advisor": "technician"})
    assert stranger.status_code == 422
    assert set(stranger.json_body["error"]["fields"]) == {"advisor"}
    assert BookingItem.get(online["id"]).advisor == "advisor2"


def test_a_booking_written_before_names_were_recorded_shows_the_name_from_the_directory(
        api, advisor):
    booked = _book(api, **_other(10, 2))
    item = BookingItem.get(booked["id"])
    item.advisor = "advisor"
    item.advisor_name = None
    item.save()
    assert _row(advisor, booked["id"])["advisor_name"] == "张顾问"


# ---- search ----------------------------------------------------------------------------

def _found(advisor, q):
    answer = advisor.get(f"/api/staff/search?q={q}")
    assert answer.status_code == 200, (q, answer.json_body)
    return answer.json_body


def test_a_booked_customer_not_yet_checked_in_is_found_by_name_last_4_and_any_part_of_the_plate(
        api, advisor, no_scan):
    booked = _book(api, vehicle={"plate": "粤A12345"})
    for q in ("王先生", "8000", "13800138000", "粤A12345", "A12345", "1234", "a123", "粤A1"):
        found = _found(advisor, q)
        assert [b["id"] for b in found["bookings"]] == [booked["id"]], q
        assert found["results"] == [], q
        hit = found["bookings"][0]
        assert hit["vehicle"]["plate"] == "粤A12345" and hit["customer"]["phone"] == "138****8000"
        assert hit["status"] == "booked" and hit["slot_start"] == f"{DAY}T09:00:00+08:00"
    assert _found(advisor, "粤A9")["bookings"] == []
    assert _found(advisor, "李四")["bookings"] == []


def test_a_checked_in_car_is_found_by_any_part_of_its_plate_and_its_owner_by_name(
        api, advisor, clock, no_scan):
    booked = _book(api, vehicle={"plate": "粤A12345"})
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    answer = advisor.post("/api/staff/checkins", checkin_body(
        booking_id=booked["id"], vehicle={"plate": "粤A12345", "vin": "LSVAU2180N2183294"}))
    assert answer.status_code == 201, answer.json_body
    for q in ("A12345", "1234", "2345", "王先生", "8000", "LSVAU2180N2183294", "183294"):
        found = _found(advisor, q)
        assert [r["plate"] for r in found["results"]] == ["粤A12345"], q
        assert found["results"][0]["customer"]["name"] == "王先生"
        assert found["bookings"] == [], q            # checked in: the car's file, not the booking


def test_corrected_names_and_plates_are_found_by_the_new_value_only(api, advisor, clock):
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    order = advisor.post("/api/staff/checkins", checkin_body()).json_body
    customer = advisor.get(f"/api/staff/customers/{order['customer']['id']}").json_body
    renamed = advisor.put(f"/api/staff/customers/{customer['id']}",
                          {"name": "王建国", "version": customer["version"]})
    assert renamed.status_code == 200, renamed.json_body
    assert [r["customer"]["name"] for r in _found(advisor, "王建国")["results"]] == ["王建国"]
    assert _found(advisor, "王先生")["results"] == []
    vehicle = advisor.get(f"/api/staff/vehicles/{order['vehicle']['id']}").json_body
    moved = advisor.put(f"/api/staff/vehicles/{vehicle['id']}",
                        {"plate": "粤B67890", "version": vehicle["version"]})
    assert moved.status_code == 200, moved.json_body
    assert [r["plate"] for r in _found(advisor, "6789")["results"]] == ["粤B67890"]
    assert _found(advisor, "B12345")["results"] == []


def test_a_mobile_is_still_found_only_whole_or_by_its_last_4(api, advisor):
    _book(api)
    for q in ("1380013", "1380013800", "138001380001"):
        refused = advisor.get(f"/api/staff/search?q={q}")
        assert refused.status_code == 422 and set(refused.json_body["error"]["fields"]) == {"q"}
    # three digits are a part of a plate, never the start of a mobile
    assert _found(advisor, "138")["bookings"] == []
    for q in ("", "%3F%3F", "x" * 40):
        refused = advisor.get(f"/api/staff/search?q={q}")
        assert refused.status_code == 422 and "q" in refused.json_body["error"]["fields"], q


def test_records_filed_before_the_search_keys_are_found_after_the_backfill(api, advisor, clock,
                                                                          monkeypatch):
    """The deploy (seed) and the local stack's start write the keys of older records once."""
    booked = _book(api, vehicle={"plate": "粤A12345"})
    clock.move_to(store_time(2026, 12, 1, 8, 50))
    advisor.post("/api/staff/checkins", checkin_body(vehicle={"plate": "粤B77777"}))
    from chalicelib.db.models import SearchItem
    for item in SearchItem.scan():
        item.delete()
    for model in (CustomerItem, VehicleItem, BookingItem):
        for item in model.scan():
            item.search_keys = None
            item.save()
    assert _found(advisor, "12345")["bookings"] == [] and _found(advisor, "7777")["results"] == []
    assert records_db.backfill_search_keys() == 3      # the customer, the car, the open booking
    assert [b["id"] for b in _found(advisor, "12345")["bookings"]] == [booked["id"]]
    assert [r["plate"] for r in _found(advisor, "7777")["results"]] == ["粤B77777"]
    # done once: a later start reads one marker, never a Scan of the years of records
    for model in (CustomerItem, VehicleItem, BookingItem):
        monkeypatch.setattr(model, "scan", classmethod(lambda *a, **k: pytest.fail("scanned")))
    assert records_db.backfill_search_keys() == 0
