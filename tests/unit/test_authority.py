"""Money and authority, with no AWS: discounts on lines and at the till come under one rule of
role limits; a line starts under the clock's rules; three quality levels need three people; an
approval SMS is re-sent, not handed to staff."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain import repair_order as ro
from chalicelib.domain import settlement as st
from chalicelib.domain import workshop as ws
from chalicelib.domain.errors import Conflict, Forbidden, ValidationError
from chalicelib.domain.staff import Staff
from chalicelib.domain.store import Service, StoreSettings
from tests.factories import store_time
from tests.unit.test_workshop_to_followup import (FOREMAN, INSPECTOR, MANAGER, TECH, TECH2,
                                                  approved_order, clock, dispatched, finished,
                                                  qc)

T0 = store_time(2026, 12, 1, 9)
SETTINGS = StoreSettings(store_id="t")          # labour 300.00/h; advisor and cashier: 5%
ADVISOR = Staff("advisor", "张顾问", frozenset({"advisor"}), "t")
CASHIER = Staff("cashier", "陈收银", frozenset({"cashier"}), "t")
MANAGER2 = Staff("manager2", "吴经理", frozenset({"manager"}), "t")
CATALOGUE = {
    "FREE_CHECK": Service(code="FREE_CHECK", name="免费安全检查", name_en="Free safety check",
                          duration_min=30, labor_minutes=24, price_estimate_fen=0),
    "BODY_PAINT": Service(code="BODY_PAINT", name="钣金喷漆", name_en="Body and paint",
                          duration_min=480, labor_minutes=300, price_estimate_fen=120000),
}


def part(price="420.00", pay="customer", reason="", quantity="1"):
    return ro.parse_line({"kind": "part", "part_number": "1K0698151", "description": "前刹车片",
                          "quantity": quantity, "unit_price": price, "pay_type": pay,
                          "reason": reason}, default_rate_fen=30000, photo_key_ok=lambda k: True)


def labour(hours="1", rate=None, pay="customer", reason="", operation="BRK01"):
    body = {"kind": "labor", "operation": operation, "description": "更换前刹车片",
            "hours": hours, "pay_type": pay, "reason": reason}
    if rate is not None:
        body["rate"] = rate
    return ro.parse_line(body, default_rate_fen=30000, photo_key_ok=lambda k: True)


def authorise(data, staff=ADVISOR, settings=SETTINGS):
    return ro.authorise_line(data, staff=staff, settings=settings, catalogue=CATALOGUE)


# ---- discounts on the lines ---------------------------------------------------------------

def test_a_goodwill_or_free_part_is_a_100_percent_discount_beyond_the_advisors_limit():
    with pytest.raises(ValidationError) as exc:
        authorise(part("50000.00", pay="goodwill", reason="老客户"))
    assert exc.value.code == "discount_over_limit" and set(exc.value.fields) == {"pay_type"}
    assert "5%" in str(exc.value.fields["pay_type"])
    with pytest.raises(ValidationError) as exc:
        authorise(part("0.00", reason="送的"))
    assert exc.value.code == "discount_over_limit" and set(exc.value.fields) == {"unit_price"}
    for pay in ("warranty", "internal"):
        with pytest.raises(ValidationError) as exc:
            authorise(labour(pay=pay, reason="三包"))
        assert exc.value.code == "discount_over_limit" and set(exc.value.fields) == {"pay_type"}


def test_a_labour_rate_below_the_store_rate_is_a_discount_within_the_role_limit():
    # 5% of 300.00 is 15.00: 285.00 an hour is allowed, 284.99 is not
    ok = authorise(labour(rate="285.00", reason="老客户"))
    assert (ok.reason, ok.discount_by) == ("老客户", "advisor")
    with pytest.raises(ValidationError) as exc:
        authorise(labour(rate="284.99", reason="老客户"))
    assert exc.value.code == "discount_over_limit" and set(exc.value.fields) == {"rate"}
    assert "15.00" in str(exc.value.fields["rate"])
    # more than the store's rate, or a part at its typed price: no discount, nothing to say
    assert authorise(labour(rate="350.00")).discount_by == ""
    assert authorise(part("420.00")).discount_by == ""


def test_a_discounted_or_non_customer_line_needs_a_reason_whoever_writes_it():
    for data in (part("420.00", pay="warranty"), labour(rate="290.00"), part("0.00")):
        with pytest.raises(ValidationError) as exc:
            authorise(data, staff=MANAGER)
        assert set(exc.value.fields) == {"reason"}, data


def test_the_manager_may_write_any_line_and_is_recorded_with_the_reason():
    line = authorise(part("50000.00", pay="goodwill", reason="质量问题善意补偿"), staff=MANAGER)
    assert (line.pay_type, line.reason, line.discount_by) == ("goodwill", "质量问题善意补偿", "manager")
    order = approved_order().add_line(line, now=T0, by="manager")
    added = order.lines[-1]
    assert (added.reason, added.discount_by, added.added_by) == ("质量问题善意补偿", "manager", "manager")
    assert ro.Line.from_dict(added.to_dict()) == added
    assert order.audit_view()["lines"][added.id]["reason"] == "质量问题善意补偿"


def test_a_store_may_give_a_role_more_authority():
    generous = replace(SETTINGS, discount_limits={"advisor": 100})
    assert authorise(part("420.00", pay="warranty", reason="三包"), settings=generous).discount_by == "advisor"


def test_the_catalogue_price_is_the_list_price_of_a_catalogue_service():
    # the catalogue gives the free check away: at 0.00 it is no discount, and needs no reason
    free = authorise(labour(hours="0.4", rate="0.00", operation="FREE_CHECK"))
    assert free.discount_by == "" and free.reason == ""
    # body work is quoted 1,200.00 for its 5 flat-rate hours: that price is no discount ...
    assert authorise(labour(hours="5", rate="240.00", operation="BODY_PAINT")).discount_by == ""
    # ... and below it the role's limit applies as anywhere
    with pytest.raises(ValidationError) as exc:
        authorise(labour(hours="5", rate="200.00", operation="BODY_PAINT", reason="x"))
    assert set(exc.value.fields) == {"rate"}


def test_one_rule_decides_the_limit_for_lines_and_for_the_settlement():
    assert st.within_authority(CASHIER, SETTINGS, list_fen=10000, discount_fen=500)
    assert not st.within_authority(CASHIER, SETTINGS, list_fen=10000, discount_fen=501)
    assert not st.within_authority(ADVISOR, SETTINGS, list_fen=None, discount_fen=0)   # price unknown
    assert st.within_authority(MANAGER, SETTINGS, list_fen=None, discount_fen=0)
    assert st.within_authority(MANAGER, SETTINGS, list_fen=10000, discount_fen=10000)
    staff_without_limit = Staff("tech", "t", frozenset({"technician"}), "t")
    assert not st.within_authority(staff_without_limit, SETTINGS, list_fen=10000, discount_fen=1)


# ---- starting a line: the clock's rules ----------------------------------------------------

def test_starting_a_line_needs_the_job_dispatched_to_whoever_starts_it():
    order = approved_order()
    line_id = order.lines[0].id
    with pytest.raises(Conflict) as exc:
        order.start_line(line_id, staff=TECH, now=T0)
    assert exc.value.code == "job_not_dispatched"
    with pytest.raises(Forbidden) as exc:
        dispatched(order).start_line(line_id, staff=TECH2, now=T0)
    assert exc.value.code == "not_your_job"


def test_starting_a_line_clocks_the_technician_on_and_a_running_job_stays_one_clock():
    order, on = dispatched().start_line(approved_order().lines[0].id, staff=TECH, now=T0)
    assert on == "technician" and order.status == ro.IN_WORK and order.job.state == ws.RUNNING
    assert [ln.status for ln in order.lines] == [ro.LINE_IN_WORK, ro.LINE_APPROVED, ro.DECLINED]
    order, on = order.start_line(order.lines[1].id, staff=TECH, now=T0 + timedelta(minutes=5))
    assert on == "" and order.job.state == ws.RUNNING     # already clocked on: no second marker
    assert order.lines[1].status == ro.LINE_IN_WORK
    # the foreman may start it for the technician: the clock is the technician's
    _, on = dispatched().start_line(order.lines[0].id, staff=FOREMAN, now=T0)
    assert on == "technician"


def test_a_line_of_a_paused_job_resumes_its_clock():
    order, *_ = clock(dispatched(), "start", T0)
    order, *_ = clock(order, "pause", T0 + timedelta(minutes=10), reason="parts")
    extra = replace(order.lines[1], id="L9", status=ro.LINE_APPROVED)
    order = replace(order, lines=order.lines + (extra,))
    order, on = order.start_line("L9", staff=TECH, now=T0 + timedelta(minutes=30))
    assert on == "technician" and order.job.state == ws.RUNNING
    assert order.job.events[-1].kind == ws.RESUMED


# ---- quality check: three levels, three people -------------------------------------------

def test_the_manager_may_stand_in_for_one_level_but_never_sign_two():
    order = qc(finished(), ws.SELF, MANAGER)
    with pytest.raises(Forbidden) as exc:
        qc(order, ws.TEAM_LEAD, MANAGER)
    assert exc.value.code == "same_signer"
    order = qc(order, ws.TEAM_LEAD, FOREMAN)
    with pytest.raises(Forbidden) as exc:
        qc(order, ws.FINAL, MANAGER)
    assert exc.value.code == "same_signer"
    order = qc(order, ws.FINAL, INSPECTOR)
    assert order.status == ro.READY and [r.by for r in order.quality.records] == [
        "manager", "foreman", "inspector"]


def test_only_one_level_of_a_round_is_signed_by_a_stand_in():
    order = qc(finished(), ws.SELF, TECH)
    order = qc(order, ws.TEAM_LEAD, MANAGER)
    assert order.quality.records[-1].stand_in is True
    with pytest.raises(Forbidden) as exc:
        qc(order, ws.FINAL, MANAGER2)
    assert exc.value.code == "stand_in_used"
    assert qc(order, ws.FINAL, INSPECTOR).status == ro.READY


def test_after_a_rework_the_round_starts_over_for_the_signers_too():
    order = qc(finished(), ws.SELF, MANAGER)
    order = qc(order, ws.TEAM_LEAD, FOREMAN, fail=("parts_correct",), note="型号不对")
    order, *_ = clock(order, "start", T0 + timedelta(hours=2))
    order, *_ = clock(order, "finish", T0 + timedelta(hours=3))
    order = qc(order, ws.SELF, TECH)
    assert qc(order, ws.TEAM_LEAD, MANAGER).quality.next_level == ws.FINAL


# ---- the approval SMS is re-sent, never handed to staff ----------------------------------

def _sent_for_approval():
    order = replace(approved_order(), status=ro.OPEN,
                    lines=(replace(approved_order().lines[0], status=ro.DRAFT),))
    return order.request_approval(channel=ro.VIA_SMS, promised_at=T0 + timedelta(hours=5),
                                  now=T0, by="advisor")


def test_a_pending_request_is_re_sent_a_few_times_at_most():
    order, request = _sent_for_approval()
    for n in range(1, ro.MAX_RESENDS + 1):
        order, again = order.resend_approval(now=T0 + timedelta(minutes=n))
        assert again.id == request.id and again.resent == n
    with pytest.raises(Conflict) as exc:
        order.resend_approval(now=T0 + timedelta(hours=1))
    assert exc.value.code == "resend_limit"
    assert ro.ApprovalRequest.from_dict(order.pending_approval.to_dict()).resent == ro.MAX_RESENDS


def test_nothing_to_re_send_once_the_customer_answered():
    order, request = _sent_for_approval()
    decided = order.decide(request.id, {request.line_ids[0]: "approved"}, now=T0, via=ro.VIA_SMS)
    with pytest.raises(Conflict) as exc:
        decided.order.resend_approval(now=T0)
    assert exc.value.code == "no_pending_approval"


def test_resent_messages_have_their_own_id_and_the_same_request():
    from chalicelib.domain import messages as msg
    first = msg.approval_message(order_id="ro1", request_id="A1", phone="+8613800138000",
                                 locale="zh-CN", settings=SETTINGS, now=T0)
    again = msg.approval_message(order_id="ro1", request_id="A1", phone="+8613800138000",
                                 locale="zh-CN", settings=SETTINGS, now=T0, resend=2)
    assert first.message_id != again.message_id
    assert again.message_id.split(".")[1] == "A1"     # the sweep finds the request from it
