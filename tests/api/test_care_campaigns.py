"""Campaigns (营销活动 / 服务活动 / 召回), issue 15 part CAMPAIGNS: segments by each selector
on controlled data, the preview's counts and exclusions, schedule → send_due inviting each
member once, the daily budget carrying the rest to the next day, the recall VIN upload
(xlsx and csv), a link in the text refused, the figures."""
from __future__ import annotations

import base64
import io
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import Workbook

from chalicelib import clock as app_clock
from chalicelib.db import care as care_db
from chalicelib.db import records as records_db
from chalicelib.db.models import OutboxItem
from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord
from chalicelib.services import campaigns as campaign_service
from chalicelib.services import care
from tests.factories import store_time

CAMPAIGNS = "/api/staff/campaigns"


@pytest.fixture
def manager(staff, aws):
    return staff.as_("manager")


def vin_of(n: int) -> str:
    return f"LSVAU2180N21{n:05d}"


def car(n: int, *, model: str = "Lavida", last_visit_on: date | None = None,
        mileage_km: int | None = 20000, vin: bool = True, consent: bool | None = None,
        opted_out: bool = False, next_service_date: date | None = None) -> VehicleRecord:
    """A customer and a car filed as the desk would (its care copy written with it)."""
    now = app_clock.now()
    phone = f"+861390013{n:04d}"
    customer = CustomerRecord(id=f"cus_{n}", name=f"客户{n}", phone=phone, created_at=now,
                              updated_at=now)
    vehicle = VehicleRecord(id=f"veh_{n:03d}", plate=f"粤B{n:05d}", customer_id=customer.id,
                            vin=vin_of(n) if vin else "", model=model, mileage_km=mileage_km,
                            created_at=now, updated_at=now, last_visit_on=last_visit_on,
                            next_service_date=next_service_date)
    vehicle = care.refreshed(vehicle, today=now.date())
    changes = records_db.Changes(customers=[(customer, True)], vehicles=[(vehicle, True)],
                                 now=now)
    changes.markers(None, customer)
    changes.markers(None, vehicle)
    if consent is not None:
        changes.consents.append((phone, consent, "desk", "advisor"))
    if opted_out:
        changes.opt_outs.append((phone, "sms"))
    records_db.save(changes)
    return vehicle


def form(**changes):
    body = {"name": "冬季保养节", "kind": "promotion", "text": "冬季保养八折，欢迎预约",
            "segment": {"model": "Lavida"}, "send_at": "2026-12-01T10:00:00+08:00"}
    body.update(changes)
    return body


def create(manager, **changes):
    answer = manager.post(CAMPAIGNS, form(**changes))
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


def preview(manager, campaign):
    answer = manager.get(f"{CAMPAIGNS}/{campaign['id']}/preview")
    assert answer.status_code == 200, answer.json_body
    return answer.json_body


def plates(p):
    return sorted(m["plate"] for m in p["first"])


def care_messages():
    return sorted((m for m in OutboxItem.scan() if m.kind == "care"), key=lambda m: m.message_id)


# ---- segments ------------------------------------------------------------------------------

def test_a_model_segment_reads_the_model_in_its_last_visit_range_and_filters_mileage(manager):
    car(1, last_visit_on=date(2026, 6, 1), mileage_km=20000)
    car(2, last_visit_on=date(2025, 1, 1))                       # visited too long ago
    car(3, model="Sagitar", last_visit_on=date(2026, 6, 1))      # another model
    car(4, model="LAVIDA ", last_visit_on=date(2026, 7, 1), mileage_km=90000)   # same, folded
    car(5, last_visit_on=None)                                   # never visited: not indexed
    segment = {"model": "lavida", "last_visit_from": "2026-01-01", "last_visit_to": "2026-11-30"}
    both = create(manager, kind="service", segment=segment)
    assert plates(preview(manager, both)) == ["粤B00001", "粤B00004"]
    low = create(manager, kind="service", segment={**segment, "mileage_from": 10000,
                                                   "mileage_to": 50000})
    p = preview(manager, low)
    assert (p["members"], plates(p), p["cut"]) == (1, ["粤B00001"], False)
    assert p["first"][0]["phone_masked"] == "139****0001"
    assert "+86" not in str(p)


def test_a_last_visit_segment_reads_the_store_by_last_visit(manager):
    car(1, last_visit_on=date(2026, 5, 3))
    car(2, model="Sagitar", last_visit_on=date(2026, 6, 30))
    car(3, last_visit_on=date(2026, 7, 1))
    car(4, last_visit_on=date(2026, 4, 30))
    c = create(manager, kind="service", segment={"last_visit_from": "2026-05-01",
                                                 "last_visit_to": "2026-06-30"})
    assert plates(preview(manager, c)) == ["粤B00001", "粤B00002"]


def test_a_due_kind_segment_reads_the_due_buckets_of_the_coming_days(manager):
    today = app_clock.now().date()
    car(1, next_service_date=date(2026, 12, 20), last_visit_on=date(2026, 9, 20))
    car(2, next_service_date=date(2027, 2, 10), last_visit_on=date(2026, 11, 10))  # too far
    car(3, model="Sagitar", next_service_date=date(2026, 12, 15),
        last_visit_on=date(2026, 9, 15))
    assert today == date(2026, 11, 30)
    c = create(manager, kind="service", segment={"due_kind": "service", "due_within_days": 30})
    assert plates(preview(manager, c)) == ["粤B00001", "粤B00003"]
    lavida = create(manager, kind="service", segment={"due_kind": "service", "model": "Lavida",
                                                      "due_within_days": 30})
    assert plates(preview(manager, lavida)) == ["粤B00001"]


def test_a_segment_needs_a_selector_and_a_text_with_a_link_is_refused(manager, staff):
    answer = manager.post(CAMPAIGNS, form(segment={"mileage_from": 1000}))
    assert answer.status_code == 422 and set(answer.json_body["error"]["fields"]) == {"segment"}
    answer = manager.post(CAMPAIGNS, form(text="详情 www.example.com 预约"))
    assert answer.status_code == 422
    assert set(answer.json_body["error"]["fields"]) == {"text"}
    assert care_db.campaigns() == []
    refused = staff.as_("advisor").post(CAMPAIGNS, form())
    assert refused.status_code == 403
    assert staff.as_("advisor").get(CAMPAIGNS).status_code == 403


# ---- preview -------------------------------------------------------------------------------

def test_the_preview_counts_members_exclusions_and_sms_parts(manager):
    visit = date(2026, 6, 1)
    car(1, last_visit_on=visit, consent=True)
    car(2, last_visit_on=visit, consent=True)
    car(3, last_visit_on=visit, consent=False)         # said no
    car(4, last_visit_on=visit)                        # never asked: no consent
    car(5, last_visit_on=visit, consent=True, opted_out=True)
    promo = create(manager)
    p = preview(manager, promo)
    assert (p["members"], p["messages"]) == (5, 2)
    assert p["excluded"] == {"opted_out": 1, "no_consent": 2, "no_mobile": 0}
    assert "冬季保养八折" in p["sample"] and "回T退订" in p["sample"]
    assert p["parts_per_message"] >= 1 and p["parts_total"] == 2 * p["parts_per_message"]
    assert plates(p) == ["粤B00001", "粤B00002"]
    # a service campaign needs no consent: only the opted-out number is left out
    service = create(manager, kind="service")
    p = preview(manager, service)
    assert (p["messages"], p["excluded"]["opted_out"], p["excluded"]["no_consent"]) == (4, 1, 0)
    assert "回T退订" not in p["sample"]


# ---- schedule and send ---------------------------------------------------------------------

def test_a_scheduled_campaign_invites_each_member_once_when_its_time_comes(manager, clock):
    visit = date(2026, 6, 1)
    for n in (1, 2, 3):
        car(n, last_visit_on=visit, consent=True)
    car(4, last_visit_on=visit, consent=True, opted_out=True)
    c = create(manager)
    answer = manager.post(f"{CAMPAIGNS}/{c['id']}/schedule", {"version": c["version"]})
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["status"] == "scheduled"
    assert campaign_service.send_due()["campaigns"] == {}      # not yet its time
    assert care_messages() == []
    clock.move_to(store_time(2026, 12, 1, 10, 5))
    first = campaign_service.send_due()
    assert first["campaigns"][c["id"]]["sent"] is True
    messages = care_messages()
    assert len(messages) == 3
    assert all("冬季保养八折" in m.text and "回T退订" in m.text for m in messages)
    assert sorted(m.phone for m in messages) == [f"+861390013{n:04d}" for n in (1, 2, 3)]
    again = campaign_service.send_due()                          # sent: not picked again
    assert again["campaigns"] == {} and len(care_messages()) == 3
    done = manager.get(f"{CAMPAIGNS}/{c['id']}").json_body
    assert done["status"] == "sent"
    assert done["outcomes"] == {"invited": 3, "opted_out": 1}
    assert done["figures"]["skipped"] == 1
    # its invitations say where they came from
    inv = care_db.get_invitation(care.invitation_id("veh_001", kind="campaign",
                                                    due_on=date(2026, 12, 1), campaign_id=c["id"]))
    assert (inv.campaign_id, inv.kind, inv.source) == (c["id"], "campaign", f"campaign:{c['id']}")


def test_sending_twice_over_a_reset_cursor_sends_nothing_twice(manager, clock):
    for n in (1, 2):
        car(n, last_visit_on=date(2026, 6, 1))
    c = create(manager, kind="service")
    manager.post(f"{CAMPAIGNS}/{c['id']}/schedule", {"version": c["version"]})
    clock.move_to(store_time(2026, 12, 1, 10, 5))
    campaign_service.send_due()
    # as if a run died before saving its end: back to sending from the start
    stored = care_db.get_campaign(c["id"])
    care_db.save_campaign(replace(stored, status="sending", cursor=""))
    campaign_service.send_due()
    assert len(care_messages()) == 2
    assert care_db.get_campaign(c["id"]).outcomes == {"invited": 2, "exists": 2}


def test_a_full_daily_budget_leaves_the_rest_for_the_next_day(manager, clock, store):
    store(care_sms_per_day=2)
    for n in (1, 2, 3):
        car(n, last_visit_on=date(2026, 6, 1))
    c = create(manager, kind="service")
    manager.post(f"{CAMPAIGNS}/{c['id']}/schedule", {"version": c["version"]})
    clock.move_to(store_time(2026, 12, 1, 10, 5))
    assert campaign_service.send_due()["campaigns"][c["id"]] == {"handled": 2, "paused": True}
    clock.move_to(store_time(2026, 12, 1, 15, 0))
    assert campaign_service.send_due()["campaigns"] == {}       # paused for today
    assert len(care_messages()) == 2
    assert care_db.get_campaign(c["id"]).status == "sending"
    clock.move_to(store_time(2026, 12, 2, 10, 0))
    assert campaign_service.send_due()["campaigns"][c["id"]]["sent"] is True
    assert len(care_messages()) == 3


def test_nothing_is_sent_in_quiet_hours(manager, clock):
    car(1, last_visit_on=date(2026, 6, 1))
    c = create(manager, kind="service")
    manager.post(f"{CAMPAIGNS}/{c['id']}/schedule", {"version": c["version"]})
    clock.move_to(store_time(2026, 12, 1, 22, 0))
    assert campaign_service.send_due()["quiet"] is True and care_messages() == []


def test_change_cancel_and_a_stale_version(manager, clock):
    car(1, last_visit_on=date(2026, 6, 1))
    c = create(manager)
    changed = manager.put(f"{CAMPAIGNS}/{c['id']}", {**form(name="冬季关怀"),
                                                     "version": c["version"]})
    assert changed.status_code == 200 and changed.json_body["name"] == "冬季关怀"
    stale = manager.put(f"{CAMPAIGNS}/{c['id']}", {**form(), "version": c["version"]})
    assert stale.status_code == 409 and stale.json_body["error"]["code"] == "campaign_changed"
    cancelled = manager.post(f"{CAMPAIGNS}/{c['id']}/cancel",
                             {"version": changed.json_body["version"]})
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled"
    again = manager.put(f"{CAMPAIGNS}/{c['id']}", {**form(),
                                                   "version": cancelled.json_body["version"]})
    assert again.status_code == 409
    assert again.json_body["error"]["code"] == "campaign_not_changeable"
    clock.move_to(store_time(2026, 12, 1, 10, 5))
    campaign_service.send_due()
    assert care_messages() == []
    assert manager.get(f"{CAMPAIGNS}/nope").status_code == 404


# ---- the recall VIN list -------------------------------------------------------------------

def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return base64.b64encode(buf.getvalue()).decode()


def test_a_recall_sheet_is_matched_reported_and_messaged_skipping_an_opted_out_number(
        manager, clock):
    for n in (1, 2, 3):
        car(n, last_visit_on=date(2026, 6, 1) if n != 2 else None)
    car(4, last_visit_on=date(2026, 6, 1), opted_out=True)
    car(5, last_visit_on=date(2026, 6, 1))                     # not on the list
    recall = create(manager, kind="recall", text="您的爱车需免费更换燃油泵",
                    segment={"recall": True})
    rows = [["VIN"], [vin_of(1)], [vin_of(2)], [vin_of(4)], [vin_of(1)],
            ["LSVAU2180N219999"], ["LSVAU2180N2199990"], ["LSVAU2180N2199991"]]
    answer = manager.post(f"{CAMPAIGNS}/{recall['id']}/recall-vins", {
        "version": recall["version"], "filename": "召回清单.xlsx", "content": _xlsx(rows)})
    assert answer.status_code == 200, answer.json_body
    report = answer.json_body
    assert (report["rows"], report["vins"], report["matched"]) == (7, 5, 3)
    assert report["unmatched"] == ["LSVAU2180N2199990", "LSVAU2180N2199991"]
    assert report["invalid"] == [{"row": 6, "value": "LSVAU2180N219999"}]
    assert report["duplicates"] == [vin_of(1)]
    p = preview(manager, recall)
    assert (p["members"], p["messages"], p["excluded"]["opted_out"]) == (3, 2, 1)
    assert plates(p) == ["粤B00001", "粤B00002"]               # car 2 never visited: on the list
    scheduled = manager.post(f"{CAMPAIGNS}/{recall['id']}/schedule",
                             {"version": report["version"]})
    assert scheduled.status_code == 200, scheduled.json_body
    clock.move_to(store_time(2026, 12, 1, 10, 5))
    campaign_service.send_due()
    messages = care_messages()
    assert sorted(m.phone for m in messages) == ["+8613900130001", "+8613900130002"]
    assert all("燃油泵" in m.text and "回T退订" not in m.text for m in messages)
    inv = care_db.get_invitation(care.invitation_id("veh_001", kind="recall",
                                                    due_on=date(2026, 12, 1),
                                                    campaign_id=recall["id"]))
    assert inv.kind == "recall" and inv.call_status == "open"   # the clerk calls too


def test_a_csv_recall_sheet_replaces_the_list_and_bad_files_are_field_errors(manager):
    car(1)
    recall = create(manager, kind="recall", text="免费检查转向拉杆", segment={"recall": True})
    first = manager.post(f"{CAMPAIGNS}/{recall['id']}/recall-vins", {
        "version": recall["version"], "filename": "a.xlsx",
        "content": _xlsx([[vin_of(7)], [vin_of(8)]])}).json_body
    text = f"车架号\n{vin_of(1)}\n{vin_of(9)}\nnot-a-vin\n".encode("gb18030")
    answer = manager.post(f"{CAMPAIGNS}/{recall['id']}/recall-vins", {
        "version": first["version"], "filename": "list.csv",
        "content": base64.b64encode(text).decode()})
    assert answer.status_code == 200, answer.json_body
    assert (answer.json_body["matched"], answer.json_body["unmatched"]) == (1, [vin_of(9)])
    assert answer.json_body["invalid"] == [{"row": 4, "value": "not-a-vin"}]
    assert sorted(v for v, _ in care_db.recall_vins(recall["id"])) == [vin_of(1), vin_of(9)]
    for body, field in (({"filename": "a.pdf", "content": "AAAA"}, "filename"),
                        ({"filename": "a.csv", "content": "%%%"}, "content"),
                        ({"filename": "a.xlsx", "content": base64.b64encode(b"zip?").decode()},
                         "content")):
        bad = manager.post(f"{CAMPAIGNS}/{recall['id']}/recall-vins",
                           {**body, "version": answer.json_body["version"]})
        assert bad.status_code == 422 and field in bad.json_body["error"]["fields"], bad.json_body
    promo = create(manager)
    refused = manager.post(f"{CAMPAIGNS}/{promo['id']}/recall-vins", {
        "version": promo["version"], "filename": "a.csv",
        "content": base64.b64encode(vin_of(1).encode()).decode()})
    assert refused.status_code == 422
    assert set(refused.json_body["error"]["fields"]) == {"segment.recall"}


def test_a_recall_cannot_be_scheduled_before_its_list_is_uploaded(manager):
    recall = create(manager, kind="recall", text="免费检查", segment={"recall": True})
    answer = manager.post(f"{CAMPAIGNS}/{recall['id']}/schedule", {"version": recall["version"]})
    assert answer.status_code == 422
    assert set(answer.json_body["error"]["fields"]) == {"segment.recall"}


# ---- figures -------------------------------------------------------------------------------

def test_the_figures_of_each_campaign_and_reminder_kind(manager, clock):
    for n in (1, 2):
        car(n, last_visit_on=date(2026, 6, 1))
    c = create(manager, kind="service")
    manager.post(f"{CAMPAIGNS}/{c['id']}/schedule", {"version": c["version"]})
    clock.move_to(store_time(2026, 12, 1, 10, 5))
    campaign_service.send_due()
    # what the sweep (sent), the booking site (opened, booked) and check-in / settlement
    # (arrived, revenue) add in their transactions
    now = app_clock.now()
    records_db.save(records_db.Changes(stats=[
        (f"campaign:{c['id']}", {"sent": 2, "opened": 2, "booked": 1, "arrived": 1,
                                 "revenue_fen": 68000}),
        ("reminder:service", {"sent": 4, "opened": 1})], now=now))
    page = manager.get(CAMPAIGNS).json_body
    [listed] = page["campaigns"]
    assert listed["id"] == c["id"] and listed["status"] == "sent"
    assert {k: listed["figures"][k] for k in ("sent", "opened", "booked", "arrived", "revenue",
                                              "open_rate", "booking_rate")} == {
        "sent": 2, "opened": 2, "booked": 1, "arrived": 1, "revenue": "680.00",
        "open_rate": 100.0, "booking_rate": 50.0}
    kinds = {r["kind"]: r for r in page["reminders"]}
    assert list(kinds) == ["service", "first_free", "second_free", "lapsed", "anniversary",
                           "declined"]
    assert (kinds["service"]["figures"]["sent"], kinds["service"]["figures"]["opened"]) == (4, 1)
    assert kinds["service"]["name"] == "定期保养"


def test_a_segment_larger_than_the_limit_is_cut_and_the_preview_says_so(manager, monkeypatch):
    from chalicelib.domain import campaigns as cp
    monkeypatch.setattr(cp, "MAX_MEMBERS", 2)
    for n in (1, 2, 3):
        car(n, last_visit_on=date(2026, 6, n))
    p = preview(manager, create(manager, kind="service"))
    assert (p["members"], p["cut"], p["max_members"], plates(p)) == (
        2, True, 2, ["粤B00001", "粤B00002"])
