"""Rules of the file (一车一档) and of records that must stay bounded, with no AWS."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.errors import FieldErrors, Forbidden
from chalicelib.domain.vehicles import (CustomerRecord, VehicleRecord, check_mileage_change,
                                        unique_moves)
from tests.unit.test_workshop_to_followup import T0


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
    check_mileage_change(errors, 50_000, 60_000, manager=False, reason="")   # up: anyone
    check_mileage_change(errors, None, 10, manager=False, reason="")         # first reading
    assert errors.fields == {}
    with pytest.raises(Forbidden) as refused:
        check_mileage_change(errors, 50_000, 10, manager=False, reason="换表")
    assert set(refused.value.fields) == {"mileage_km"}
    check_mileage_change(errors, 50_000, 10, manager=True, reason="")
    assert set(errors.fields) == {"reason"}
