"""Rules of the file (一车一档) and of records that must stay bounded, with no AWS."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from chalicelib.domain import followup as fu
from chalicelib.domain import repair_order as ro
from chalicelib.domain import workshop as ws
from chalicelib.domain.errors import FieldErrors, Forbidden, ValidationError
from chalicelib.domain.history import Trail
from chalicelib.domain.vehicles import (MAX_RECOMMENDATIONS, CustomerRecord, Recommendation,
                                        VehicleRecord, check_mileage_change, unique_moves)
from tests.unit.test_workshop_to_followup import (FOREMAN, INSPECTOR, T0, TECH, TECH2,
                                                  _followup, clock, dispatched, finished, qc)


# ---- unique values ---------------------------------------------------------------------

def test_a_corrected_value_is_taken_and_the_old_one_released():
    car = VehicleRecord(id="v1", plate="粤B12345", customer_id="c1", vin="LSVAU2180N2183294")
    assert unique_moves(None, car) == (["plate#粤B12345", "vin#LSVAU2180N2183294"], [])
    moved = replace(car, plate="粤B12346")
    assert unique_moves(car, moved) == (["plate#粤B12346"], ["plate#粤B12345"])
    assert unique_moves(car, replace(car, model="Passat")) == ([], [])
    person = CustomerRecord(id="c1", name="王", phone="+8613800138000", created_at=T0, updated_at=T0)
    assert unique_moves(person, replace(person, phone="+8613900139000")) == (
        ["phone#+8613900139000"], ["phone#+8613800138000"])


def test_only_the_manager_lowers_the_mileage_and_says_why():
    errors = FieldErrors()
    assert check_mileage_change(errors, 50_000, 60_000, manager=False, reason="") is False  # up
    assert check_mileage_change(errors, None, 10, manager=False, reason="") is False  # first
    assert errors.fields == {}
    with pytest.raises(Forbidden) as refused:
        check_mileage_change(errors, 50_000, 10, manager=False, reason="换表")
    assert set(refused.value.fields) == {"mileage_km"}
    assert check_mileage_change(errors, 50_000, 10, manager=True, reason="") is True
    assert set(errors.fields) == {"reason"}


# ---- the job's clock, kept without its events ---------------------------------------------

def _worked_job():
    order, *_ = clock(dispatched(), "start", T0)
    order, *_ = clock(order, "pause", T0 + timedelta(minutes=50), reason="parts")
    order, *_ = clock(order, "resume", T0 + timedelta(minutes=80))
    order, _ = order.dispatch(ws.Dispatch(technician="technician2", bay="2", note=""),
                              now=T0 + timedelta(minutes=100), by="foreman")
    order, *_ = clock(order, "resume", T0 + timedelta(minutes=110), staff=TECH2)
    return order.job


def test_the_stored_job_keeps_state_reason_and_hours_without_its_events():
    job = _worked_job()
    stored = job.summary()
    assert "events" not in stored and stored["event_count"] == len(job.events) == 7
    again = ws.Job.from_dict(stored)
    later = T0 + timedelta(minutes=130)
    assert again.events == () and again.trail == Trail.stored(7)
    assert (again.state, again.pause_reason, again.technician) == (ws.RUNNING, "", "technician2")
    assert again.worked_minutes(later) == job.worked_minutes(later) == {
        "technician": 70, "technician2": 20}
    paused = again.with_event(ws.JobEvent(at=later.isoformat(), by="technician2", kind=ws.PAUSED,
                                          technician="technician2", reason="approval"))
    assert paused.state == ws.ON_HOLD and paused.pause_reason == "approval"
    assert paused.trail.unsaved == paused.events and paused.trail.count == 8


def test_an_order_written_with_its_events_inside_is_replayed_and_moves_them_out():
    job = _worked_job()
    legacy = {"technician": job.technician, "bay": job.bay,
              "events": [e.to_dict() for e in job.events]}
    read = ws.Job.from_dict(legacy)
    later = T0 + timedelta(minutes=130)
    assert read.state == job.state and read.worked_minutes(later) == job.worked_minutes(later)
    assert read.trail.unsaved == job.events      # stored apart with the next change


def test_a_trail_knows_which_entries_are_still_to_store():
    trail = Trail.stored(3).add("d").add("e")
    assert (trail.count, trail.saved, trail.unsaved) == (5, 3, ("d", "e"))
    whole = Trail(known=("a", "b", "c", "d"), count=4, saved=3)
    assert whole.unsaved == ("d",) and Trail.unstored(("a",)).unsaved == ("a",)


def test_the_three_levels_still_pass_after_a_rework():
    order = qc(finished(), ws.SELF, TECH, fail=("torque",), note="扭矩不足")
    order, *_ = clock(order, "start", T0 + timedelta(hours=3))
    order, *_ = clock(order, "finish", T0 + timedelta(hours=4))
    for level, who in ((ws.SELF, TECH), (ws.TEAM_LEAD, FOREMAN), (ws.FINAL, INSPECTOR)):
        order = qc(order, level, who, at=T0 + timedelta(hours=5))
    assert order.status == ro.READY and [e.kind for e in order.job.events][-3:] == [
        ws.REWORK, ws.STARTED, ws.FINISHED]
    assert order.job.worked_minutes(T0 + timedelta(hours=6)) == {"technician": 120}


# ---- lists that stay in their record are bounded ------------------------------------------

def test_quality_checks_per_order_are_bounded():
    order = finished()
    records = tuple(ws.QcRecord(level=ws.SELF, round=i, at=T0.isoformat(), by="technician",
                                by_name="王师傅", items={"work_done": ws.FAIL}, note="x")
                    for i in range(ws.MAX_QC_RECORDS))
    full = replace(order, quality=replace(order.quality, records=records,
                                          rework_count=ws.MAX_QC_RECORDS))
    with pytest.raises(ValidationError) as refused:
        qc(full, ws.SELF, TECH)
    assert set(refused.value.fields) == {"quality"}
    assert qc(order, ws.SELF, TECH).quality.records    # below the bound: recorded


def test_calls_per_follow_up_are_bounded():
    today, now = date(2026, 12, 4), T0 + timedelta(days=3)
    f = _followup()
    retry = fu.parse_call({"outcome": "not_reached", "retry_on": "2026-12-05"}, today=today)
    for _ in range(fu.MAX_CALLS):
        f = f.record_call(retry, now=now, by="followup", today=today)
    with pytest.raises(ValidationError) as refused:
        f.record_call(retry, now=now, by="followup", today=today)
    assert set(refused.value.fields) == {"calls"} and len(f.calls) == fu.MAX_CALLS


def test_a_vehicle_keeps_the_newest_recommendations():
    car = VehicleRecord(id="v1", plate="粤B12345", customer_id="c1")
    for i in range(MAX_RECOMMENDATIONS + 10):
        car = car.recommend((Recommendation(description=f"item {i}", order_id=f"ro{i}",
                                            order_reference="R", declined_at="", amount_fen=1),),
                            T0)
    assert len(car.recommendations) == MAX_RECOMMENDATIONS
    assert car.recommendations[-1].description == f"item {MAX_RECOMMENDATIONS + 9}"
    assert car.recommendations[0].description == "item 10"
