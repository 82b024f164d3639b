"""Domain rules of issue 4, with no AWS: the clock, quality check and rework, settlement,
next service, the follow-up schedule, complaint escalation and comebacks."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain import complaints as cpl
from chalicelib.domain import followup as fu
from chalicelib.domain import repair_order as ro
from chalicelib.domain import settlement as st
from chalicelib.domain import workshop as ws
from chalicelib.domain.errors import Conflict, Forbidden, ValidationError
from chalicelib.domain.staff import Staff
from chalicelib.domain.store import StoreSettings
from tests.factories import store_time

T0 = store_time(2026, 12, 1, 9)
SETTINGS = StoreSettings(store_id="t")
TECH = Staff("technician", "王师傅", frozenset({"technician"}), "t")
TECH2 = Staff("technician2", "钱师傅", frozenset({"technician"}), "t")
FOREMAN = Staff("foreman", "孙班长", frozenset({"foreman"}), "t")
INSPECTOR = Staff("inspector", "赵质检", frozenset({"inspector"}), "t")
CASHIER = Staff("cashier", "陈收银", frozenset({"cashier"}), "t")
MANAGER = Staff("manager", "周经理", frozenset({"manager"}), "t")


def _line(hours="1.5", status=ro.LINE_APPROVED, kind=ro.LABOR, price=30000, pay="customer"):
    return ro.Line(id=f"L{hours}{kind}{status}", kind=kind, code="OP", description="x",
                   quantity=Decimal(hours), unit_price_fen=price, pay_type=pay, status=status)


def approved_order(**changes) -> ro.RepairOrder:
    order = ro.RepairOrder(
        id="ro1", reference="REF12345", status=ro.APPROVED, vehicle_id="v1", customer_id="c1",
        plate="粤B12345", customer_name="王先生", phone="+8613800138000", advisor="advisor",
        opened_at=T0, updated_at=T0, promised_at=T0 + timedelta(hours=4),
        lines=(_line("1.5"), _line("2", kind=ro.PART, price=12345),
               _line("1", status=ro.DECLINED)),
        reception={"wash": False, "mileage_km": 15230})
    return replace(order, **changes)


def dispatched(order=None, tech="technician") -> ro.RepairOrder:
    order, _ = (order or approved_order()).dispatch(
        ws.Dispatch(technician=tech, bay="1", note=""), now=T0, by="foreman")
    return order


def clock(order, action, at, staff=TECH, reason="", note=""):
    return order.clock(ws.ClockInput(action=action, reason=reason, note=note), staff=staff, now=at)


# ---- the clock ---------------------------------------------------------------------------

def test_actual_hours_come_from_the_clock_events_and_pauses_do_not_count():
    order, on, off = clock(dispatched(), "start", T0)
    assert (order.status, on, off) == (ro.IN_WORK, "technician", "")
    assert [ln.status for ln in order.lines] == [ro.LINE_IN_WORK, ro.LINE_IN_WORK, ro.DECLINED]
    order, on, off = clock(order, "pause", T0 + timedelta(minutes=50), reason="parts")
    assert (on, off) == ("", "technician") and order.job.pause_reason == "parts"
    order, *_ = clock(order, "resume", T0 + timedelta(minutes=80))
    # while running, the clock counts up to now
    assert order.job.total_minutes(T0 + timedelta(minutes=90)) == 60
    order, _, off = clock(order, "finish", T0 + timedelta(minutes=120))
    assert off == "technician" and order.status == ro.QUALITY_CHECK
    assert order.job.worked_minutes(T0 + timedelta(hours=9)) == {"technician": 90}
    assert order.sold_minutes == 90      # the approved labour line only, not the declined one
    assert {ln.status for ln in order.lines} == {ro.DONE, ro.DECLINED}


def test_clock_actions_out_of_order_are_refused():
    with pytest.raises(Conflict) as exc:
        clock(approved_order(), "start", T0)
    assert exc.value.code == "job_not_dispatched"
    order = dispatched()
    for action in ("pause", "resume", "finish"):
        with pytest.raises(Conflict) as exc:
            clock(order, action, T0, reason="parts")
        assert exc.value.code == "invalid_clock"
    running, *_ = clock(order, "start", T0)
    with pytest.raises(Conflict):
        clock(running, "start", T0)


def test_only_the_dispatched_technician_clocks_the_job_unless_foreman_or_manager():
    with pytest.raises(Forbidden) as exc:
        clock(dispatched(), "start", T0, staff=TECH2)
    assert exc.value.code == "not_your_job"
    order, on, _ = clock(dispatched(), "start", T0, staff=FOREMAN)
    assert on == "technician"   # the clock is the technician's, whoever pressed the button


def test_finishing_waits_for_the_customers_answer_on_additional_work():
    order, *_ = clock(dispatched(), "start", T0)
    request = ro.ApprovalRequest(id="A1", kind=ro.ADDITIONAL, line_ids=(), channel="sms",
                                 promised_at="", created_at="", created_by="advisor")
    with pytest.raises(Conflict) as exc:
        clock(replace(order, approvals=(request,)), "finish", T0 + timedelta(hours=1))
    assert exc.value.code == "approval_pending"


def test_handover_stops_the_running_clock_and_is_recorded():
    order, *_ = clock(dispatched(), "start", T0)
    order, stopped = order.dispatch(ws.Dispatch("technician2", "2", "午休交接"),
                                    now=T0 + timedelta(minutes=30), by="foreman")
    assert stopped == "technician" and order.job.technician == "technician2"
    assert order.job.state == ws.ON_HOLD    # the new technician resumes it
    assert order.job.events[-1].kind == ws.HANDED_OVER and "technician -> technician2" in order.job.events[-1].note
    order, on, _ = clock(order, "resume", T0 + timedelta(minutes=40), staff=TECH2)
    assert on == "technician2"
    worked = order.job.worked_minutes(T0 + timedelta(minutes=70))
    assert worked == {"technician": 30, "technician2": 30}


def test_pause_needs_a_reason_and_other_needs_a_note():
    with pytest.raises(ValidationError) as exc:
        ws.parse_clock({"action": "pause"})
    assert set(exc.value.fields) == {"reason"}
    with pytest.raises(ValidationError) as exc:
        ws.parse_clock({"action": "pause", "reason": "other"})
    assert set(exc.value.fields) == {"note"}
    with pytest.raises(ValidationError) as exc:
        ws.parse_clock({"action": "jump"})
    assert set(exc.value.fields) == {"action"}


def test_a_promise_is_at_risk_when_remaining_sold_hours_plus_qc_do_not_fit():
    promise = T0 + timedelta(hours=2)
    assert not ws.at_risk(now=T0, promised_at=promise, sold_minutes=90, worked_minutes=0,
                          qc_minutes=30)
    assert ws.at_risk(now=T0 + timedelta(minutes=1), promised_at=promise, sold_minutes=90,
                      worked_minutes=0, qc_minutes=30)
    assert not ws.at_risk(now=T0 + timedelta(minutes=60), promised_at=promise, sold_minutes=90,
                          worked_minutes=60, qc_minutes=30)


# ---- quality check ------------------------------------------------------------------------

def _items(level, fail=()):
    return {code: ("fail" if code in fail else "pass") for code, _, _ in ws.CHECKLISTS[level]}


def qc(order, level, staff, fail=(), note="", drive=None, at=T0 + timedelta(hours=2)):
    body = {"level": level, "items": _items(level, fail), "note": note}
    if drive:
        body["test_drive"] = drive
    data = ws.parse_qc(body, test_drive_required=bool(drive))
    return order.record_qc(data, staff=staff, signature_key="sig", now=at)


def finished(**changes):
    order, *_ = clock(dispatched(approved_order(**changes)), "start", T0)
    order, *_ = clock(order, "finish", T0 + timedelta(hours=1))
    return order


def test_three_levels_in_order_then_ready_without_wash():
    order = finished()
    with pytest.raises(Conflict) as exc:
        qc(order, ws.FINAL, INSPECTOR)
    assert exc.value.code == "wrong_qc_level"
    order = qc(order, ws.SELF, TECH)
    order = qc(order, ws.TEAM_LEAD, FOREMAN)
    assert order.status == ro.QUALITY_CHECK and order.quality.next_level == ws.FINAL
    order = qc(order, ws.FINAL, INSPECTOR)
    assert order.status == ro.READY and order.quality.passed_at and order.quality.rework_count == 0


def test_a_failed_check_sends_the_job_back_to_work_and_is_counted():
    order = qc(finished(), ws.SELF, TECH)
    order = qc(order, ws.TEAM_LEAD, FOREMAN, fail=("parts_correct",),
               note="刹车片型号不对")
    assert order.status == ro.IN_WORK and order.quality.rework_count == 1
    assert order.job.state == ws.WAITING and order.job.events[-1].kind == ws.REWORK
    # back to work, finished again: the checks start over from the self-check
    order, *_ = clock(order, "start", T0 + timedelta(hours=3))
    order, *_ = clock(order, "finish", T0 + timedelta(hours=4))
    assert order.quality.next_level == ws.SELF
    for level, who in ((ws.SELF, TECH), (ws.TEAM_LEAD, FOREMAN), (ws.FINAL, INSPECTOR)):
        order = qc(order, level, who, at=T0 + timedelta(hours=5))
    assert order.status == ro.READY and order.quality.rework_count == 1


def test_a_failure_needs_a_note_and_every_item_an_answer():
    with pytest.raises(ValidationError) as exc:
        ws.parse_qc({"level": "self", "items": {"work_done": "fail"}}, test_drive_required=False)
    assert "note" in exc.value.fields and "items.torque" in exc.value.fields


def test_each_level_is_signed_by_its_role_and_the_self_check_by_the_technician():
    order = finished()
    with pytest.raises(Forbidden):
        qc(order, ws.SELF, TECH2)
    with pytest.raises(Forbidden):
        qc(order, ws.SELF, INSPECTOR)
    order = qc(order, ws.SELF, TECH)
    with pytest.raises(Forbidden):
        qc(order, ws.TEAM_LEAD, TECH)
    assert qc(order, ws.TEAM_LEAD, MANAGER).quality.next_level == ws.FINAL


def test_test_drive_jobs_need_a_drive_record_at_the_final_inspection():
    with pytest.raises(ValidationError) as exc:
        ws.parse_qc({"level": "final", "items": _items(ws.FINAL)}, test_drive_required=True)
    assert set(exc.value.fields) == {"test_drive.distance_km", "test_drive.findings"}
    data = ws.parse_qc({"level": "final", "items": _items(ws.FINAL),
                        "test_drive": {"distance_km": "5.5", "findings": "制动正常无异响"}},
                       test_drive_required=True)
    assert data.test_drive == ws.TestDrive("5.5", "制动正常无异响")


def test_wash_wanted_keeps_the_car_until_washed():
    order = finished(reception={"wash": True, "mileage_km": 1})
    for level, who in ((ws.SELF, TECH), (ws.TEAM_LEAD, FOREMAN), (ws.FINAL, INSPECTOR)):
        order = qc(order, level, who)
    assert order.status == ro.QUALITY_CHECK and order.quality.passed_at
    order = order.record_wash(now=T0 + timedelta(hours=3))
    assert order.status == ro.READY and order.wash_done_at


# ---- settlement ------------------------------------------------------------------------

def test_the_invoice_holds_approved_lines_only_and_the_discount_limit_holds():
    order = approved_order()
    assert [ln.status for ln in order.invoice_lines] == [ro.LINE_APPROVED, ro.LINE_APPROVED]
    agreed = order.agreed(Decimal("13"))
    assert agreed.customer_fen == 45000 + 24690    # 1.5 h x 300.00 + 2 x 123.45; not the declined

    def settle(staff, discount):
        data = st.parse_settlement({"payment_method": "wechat_pay", "discount": discount,
                                    "discount_reason": "老客户"})
        return st.settle(subtotal_fen=agreed.customer_fen, by_pay_type=agreed.by_pay_type,
                         data=data, staff=staff, settings=SETTINGS, invoice_no="INV", now=T0)
    ok = settle(CASHIER, "34.84")                   # 5% of 696.90 is 34.845: 34.84 is allowed
    assert (ok.amount_due_fen, ok.discount_fen) == (69690 - 3484, 3484)
    assert ok.tax_fen == 7617                        # 66206 x 13 / 113 = 7616.62
    with pytest.raises(ValidationError) as exc:
        settle(CASHIER, "34.85")
    assert exc.value.code == "discount_over_limit" and "5%" in str(exc.value.fields["discount"])
    assert settle(MANAGER, "100.00").amount_due_fen == 59690   # the manager may go above it
    with pytest.raises(ValidationError):
        settle(MANAGER, "700.00")


def test_settlement_input_names_the_bad_fields():
    with pytest.raises(ValidationError) as exc:
        st.parse_settlement({"payment_method": "bitcoin", "discount": "-1"})
    assert {"payment_method", "discount"} <= set(exc.value.fields)
    with pytest.raises(ValidationError) as exc:
        st.parse_settlement({"payment_method": "cash", "discount": "10"})
    assert set(exc.value.fields) == {"discount_reason"}


# ---- delivery and the next service --------------------------------------------------------

def test_next_service_is_5000_km_or_3_months_whichever_first():
    due, km = st.next_service(delivered_on=date(2026, 11, 30), mileage_km=15230, settings=SETTINGS)
    assert (due, km) == (date(2027, 2, 28), 20230)       # 30 Nov + 3 months: end of February
    custom = SETTINGS.with_changes(service_interval_km=7500, service_interval_months=6)
    assert st.next_service(delivered_on=date(2026, 12, 1), mileage_km=None, settings=custom) == (
        date(2027, 6, 1), None)


def test_delivery_needs_the_whole_checklist_and_records_on_time_or_late():
    with pytest.raises(ValidationError) as exc:
        st.parse_delivery({"checklist": {"clean": True, "keys": True}})
    assert set(exc.value.fields) == {"checklist.old_parts", "checklist.documents",
                                     "checklist.explained"}
    checks = st.parse_delivery({"checklist": {k: True for k in st.DELIVERY_CHECKS}})
    on_time = st.deliver(now=T0, by="advisor", checklist=checks, promised_at=T0,
                         mileage_km=100, settings=SETTINGS)
    late = st.deliver(now=T0 + timedelta(minutes=45), by="advisor", checklist=checks,
                      promised_at=T0, mileage_km=100, settings=SETTINGS)
    assert (on_time.on_time, late.on_time, late.late_minutes) == (True, False, 45)


# ---- follow-up ---------------------------------------------------------------------------

def _followup() -> fu.FollowUp:
    return fu.plan(order_id="ro1", order_reference="R", vehicle_id="v1", plate="粤B12345",
                   customer_id="c1", customer_name="王先生", phone="+8613800138000",
                   advisor="advisor", delivered_at=store_time(2026, 12, 1, 16), days=(3, 7))


def test_follow_up_calls_are_due_3_and_7_days_after_delivery():
    f = _followup()
    assert [(t.kind, t.due_on) for t in f.tasks] == [("first", "2026-12-04"), ("second", "2026-12-08")]
    assert f.next_due == "2026-12-04"


def test_not_reached_moves_the_call_to_the_retry_day_and_done_moves_on():
    today = date(2026, 12, 4)
    f = _followup()
    retry = fu.parse_call({"outcome": "not_reached", "retry_on": "2026-12-05"}, today=today)
    f = f.record_call(retry, now=store_time(2026, 12, 4, 10), by="followup", today=today)
    assert f.current.kind == "first" and f.next_due == "2026-12-05"
    ok = fu.parse_call({"outcome": "satisfied"}, today=today)
    f = f.record_call(ok, now=store_time(2026, 12, 5, 10), by="followup", today=today)
    assert f.current.kind == "second" and f.next_due == "2026-12-08"
    f = f.record_call(ok, now=store_time(2026, 12, 8, 10), by="followup", today=today)
    assert f.current is None and f.next_due is None and len(f.calls) == 3
    with pytest.raises(Conflict):
        f.record_call(ok, now=T0, by="followup", today=today)


def test_call_outcomes_name_their_missing_fields():
    today = date(2026, 12, 4)
    with pytest.raises(ValidationError) as exc:
        fu.parse_call({"outcome": "not_reached", "retry_on": "2026-12-04"}, today=today)
    assert set(exc.value.fields) == {"retry_on"}
    with pytest.raises(ValidationError) as exc:
        fu.parse_call({"outcome": "issue_raised"}, today=today)
    assert set(exc.value.fields) == {"issue"}


def test_a_score_of_3_or_less_on_any_question_is_low():
    now = store_time(2026, 12, 4, 10)
    assert fu.parse_survey({"attitude": 5, "quality": 3, "timeliness": 5}, now=now).low
    assert not fu.parse_survey({"attitude": 4, "quality": 4, "timeliness": 5}, now=now).low
    with pytest.raises(ValidationError) as exc:
        fu.parse_survey({"attitude": 0, "quality": "5", "timeliness": True}, now=now)
    assert set(exc.value.fields) == {"attitude", "quality", "timeliness"}


# ---- complaints -------------------------------------------------------------------------

def _complaint(**over) -> cpl.Complaint:
    data = cpl.parse_complaint({"description": "等了两个小时", "severity": "high"})
    return replace(cpl.open_complaint(data, source="staff", reference="K1", owner="followup",
                                      now=T0, by="advisor", reply_hours=24, escalate_hours=48),
                   **over)


def test_a_complaint_has_a_reply_deadline_and_escalates_after_2_days_unresolved():
    c = _complaint()
    assert c.reply_by == T0 + timedelta(hours=24) and c.escalate_at == T0 + timedelta(hours=48)
    assert c.overdue_reply(T0 + timedelta(hours=25))
    assert not c.escalation_due(T0 + timedelta(hours=47, minutes=59))
    escalated = c.escalate(now=T0 + timedelta(hours=48), to="manager")
    assert escalated.escalated and escalated.events[-1].action == "escalated"
    assert not escalated.escalation_due(T0 + timedelta(days=5))   # once
    noted = c.add_note("已电话致歉", now=T0 + timedelta(hours=1), by="followup")
    assert not noted.overdue_reply(T0 + timedelta(hours=25))


def test_a_resolved_complaint_does_not_escalate_and_a_refused_resolution_stays_open():
    c = _complaint()
    refused = c.resolve("免费洗车", False, now=T0 + timedelta(hours=2), by="followup")
    assert refused.status == cpl.OPEN and refused.customer_accepted is False
    done = refused.resolve("退还工时费100元", True, now=T0 + timedelta(hours=5), by="followup")
    assert done.status == cpl.RESOLVED and done.customer_accepted
    assert not done.escalation_due(T0 + timedelta(days=3))
    with pytest.raises(Conflict):
        done.add_note("x", now=T0, by="followup")


# ---- comebacks ----------------------------------------------------------------------------

def _delivered(days_ago: int, concern: dict) -> ro.RepairOrder:
    at = T0 - timedelta(days=days_ago)
    return approved_order(status=ro.DELIVERED, reception={"concern": concern},
                          delivery=st.Delivery(delivered_at=at.isoformat(), by="a", checklist={},
                                               next_service_date="", next_service_km=None,
                                               on_time=True, late_minutes=0))


def test_same_car_same_concern_within_30_days_is_a_comeback():
    brake = {"what": "刹车异响", "where": "左前轮"}
    assert ro.comeback_source([_delivered(10, brake)], {"what": "刹车有异响", "where": "左前轮"}, T0)
    assert ro.comeback_source([_delivered(31, brake)], brake, T0) is None
    assert ro.comeback_source([_delivered(10, brake)], {"what": "空调不制冷"}, T0) is None
    assert ro.comeback_source([_delivered(10, brake)], {}, T0) is None

