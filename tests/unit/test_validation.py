from chalicelib.domain.errors import FieldErrors
from chalicelib.domain.validation import (mask_phone, normalize_phone, normalize_plate, normalize_vin,
                                          required_choice)


def test_mainland_mobiles_in_both_forms_become_e164():
    assert normalize_phone("13800138000") == "+8613800138000"
    assert normalize_phone("+8613800138000") == "+8613800138000"
    assert normalize_phone("138 0013 8000") == "+8613800138000"
    assert normalize_phone("+86 199-1234-5678") == "+8619912345678"


def test_other_numbers_are_refused():
    for raw in ("12345", "010-12345678", "+14155550123", "23800138000", "", None, 13800138000):
        assert normalize_phone(raw) is None, raw


def test_phone_mask():
    assert mask_phone("+8613800138000") == "138****8000"


def test_plates():
    assert normalize_plate("粤B12345") == "粤B12345"
    assert normalize_plate("粤b·12345") == "粤B12345"
    assert normalize_plate("粤BD12345") == "粤BD12345"      # small new-energy, 8 characters
    assert normalize_plate("粤BFA1234") == "粤BFA1234"
    assert normalize_plate("粤B12345D") == "粤B12345D"      # large new-energy
    assert normalize_plate("京A1234学") == "京A1234学"
    for bad in ("粤B1234", "粤BI2345", "XB12345", "粤B123456", "粤BD123456", "", None):
        assert normalize_plate(bad) is None, bad


def test_vin():
    assert normalize_vin("lsvau2180n2183294") == "LSVAU2180N2183294"
    for bad in ("LSVAU2180N218329", "LSVAU2180N2183294X", "LSVAU2180N218329O", "LSVAU2180N218329Q"):
        assert normalize_vin(bad) is None, bad


def test_a_required_choice_names_what_is_missing_or_wrong():
    errors = FieldErrors()
    assert required_choice(errors, "level", None, ("self", "final"), hint="self or final") == ""
    assert required_choice(errors, "fuel", "", ("half", "full")) == ""
    assert required_choice(errors, "kind", "dent!", ("dent", "crack")) == ""
    assert required_choice(errors, "ok", "dent", ("dent", "crack")) == "dent"
    assert errors.fields == {"level": "required: self or final", "fuel": "required",
                             "kind": "must be one of: dent, crack"}
