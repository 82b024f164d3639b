from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chalicelib.domain.errors import FieldErrors
from chalicelib.domain.files import photo_key_ok
from chalicelib.domain.money import decimal_text, parse_money, parse_quantity
from chalicelib.domain.validation import (clean_int, clean_text, mask_phone, normalize_phone,
                                          normalize_plate, normalize_vin, parse_date,
                                          parse_instant, required_choice)


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


# ---- text: invisible characters ------------------------------------------------------

def test_text_of_only_invisible_characters_is_missing():
    for raw in ("\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060 \u00ad", "\u202e\u2066",
                "\u3164\u115f", "\u180e"):
        errors = FieldErrors()
        assert clean_text(errors, "name", raw, max_len=30, required=True) == ""
        assert errors.fields == {"name": "required"}, repr(raw)


def test_invisible_characters_are_dropped_from_text_kept():
    errors = FieldErrors()
    assert clean_text(errors, "name", "\ufeff王\u200b先生\u200e ", max_len=30) == "王先生"
    assert clean_text(errors, "note", "a" * 30 + "\u200b" * 5, max_len=30) == "a" * 30
    assert errors.fields == {}


def test_text_with_control_characters_or_far_too_long_is_refused():
    errors = FieldErrors()
    clean_text(errors, "a", "bell\x07", max_len=30)
    clean_text(errors, "b", " " * 10_000, max_len=30)
    assert errors.fields == {"a": "contains control characters", "b": "at most 30 characters"}


# ---- whole numbers ----------------------------------------------------------------------

def test_whole_numbers_are_ascii_digits_in_their_range():
    errors = FieldErrors()
    assert clean_int(errors, "a", 12, low=0, high=99) == 12
    assert clean_int(errors, "b", " 12 ", low=0, high=99) == 12
    assert errors.fields == {}
    for raw in ("²", "١٢", "１２", "1e3", "12.0", 12.0, True, "9" * 5000, [1], {"n": 1}):
        errors = FieldErrors()
        assert clean_int(errors, "n", raw, low=0, high=99) is None
        assert errors.fields == {"n": "must be a whole number"}, repr(raw)
    errors = FieldErrors()
    assert clean_int(errors, "n", 10 ** 40, low=0, high=99) is None
    assert errors.fields == {"n": "must be between 0 and 99"}


# ---- dates and times ----------------------------------------------------------------------

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def test_instants_outside_their_window_are_field_errors_not_overflows():
    cases = {"9999-12-31T23:59:59-12:00": "at most 1825 days ahead",
             "0001-01-01T00:00:00+14:00": "at most 1825 days ago",
             "2026-12-01T09:00:00": "must carry a UTC offset, e.g. +08:00",
             "２０２６-12-01T09:00:00+08:00": "not an ISO 8601 time, e.g. 2026-12-01T09:00:00+08:00",
             "2026-12-01T09:00:00+08:00\n": "not an ISO 8601 time, e.g. 2026-12-01T09:00:00+08:00",
             12: "not an ISO 8601 time, e.g. 2026-12-01T09:00:00+08:00"}
    for raw, problem in cases.items():
        errors = FieldErrors()
        assert parse_instant(errors, "t", raw, now=NOW) is None
        assert errors.fields == {"t": problem}, raw
    errors = FieldErrors()
    assert parse_instant(errors, "t", "2026-11-30T09:00:00+08:00", now=NOW,
                         back=timedelta(0)) is None
    assert parse_instant(errors, "u", "2027-12-01T09:00:00+08:00", now=NOW,
                         ahead=timedelta(days=365)) is None
    assert errors.fields == {"t": "must be later than now", "u": "at most 365 days ahead"}
    assert parse_instant(errors, "v", "2026-12-01T09:00:00+08:00", now=NOW) == datetime(
        2026, 12, 1, 1, 0, tzinfo=timezone.utc)


def test_dates_are_yyyy_mm_dd_within_their_window():
    today = date(2026, 11, 30)
    errors = FieldErrors()
    assert parse_date(errors, "d", "2026-12-01", today=today) == date(2026, 12, 1)
    assert errors.fields == {}
    cases = {"9999-12-31": "at most 1825 days ahead", "0001-01-01": "at most 1825 days ago",
             "20261201": "not a date, expected YYYY-MM-DD",
             "2026-W49-2": "not a date, expected YYYY-MM-DD",
             "2026-02-30": "not a date, expected YYYY-MM-DD", None: "required, as YYYY-MM-DD"}
    for raw, problem in cases.items():
        errors = FieldErrors()
        assert parse_date(errors, "d", raw, today=today) is None
        assert errors.fields == {"d": problem}, raw
    errors = FieldErrors()
    assert parse_date(errors, "sold", "2026-12-01", today=today, ahead=timedelta(0)) is None
    assert errors.fields == {"sold": "is in the future"}


# ---- money and quantities --------------------------------------------------------------------

def test_amounts_are_plain_numbers_checked_for_range_before_any_arithmetic():
    errors = FieldErrors()
    assert parse_money(errors, "a", "128.50") == 12850
    assert parse_money(errors, "b", 0.1) == 10
    assert errors.fields == {}
    cases = {"1e26": "too large", "1E+400": "too large", 1e300: "too large",
             "1000000.01": "too large", "-1": "must not be negative",
             "NaN": "must be an amount in yuan, e.g. 128.50",
             "Infinity": "must be an amount in yuan, e.g. 128.50",
             "1_000": "must be an amount in yuan, e.g. 128.50",
             "１２": "must be an amount in yuan, e.g. 128.50",
             "0.001": "at most 2 decimals (fen)"}
    for raw, problem in cases.items():
        errors = FieldErrors()
        assert parse_money(errors, "p", raw) is None
        assert errors.fields == {"p": problem}, raw
    for raw in ("1e26", "-1e26", "1e-9999", "nan"):
        errors = FieldErrors()
        assert parse_quantity(errors, "q", raw) is None and set(errors.fields) == {"q"}, raw


def test_quantities_are_written_plainly():
    errors = FieldErrors()
    assert [decimal_text(parse_quantity(errors, "q", raw))
            for raw in ("10", "10.00", "1e1", "100", "1.50", "0.25", 20)] == [
        "10", "10", "10", "100", "1.5", "0.25", "20"]
    assert decimal_text(Decimal("1E+1")) == "10" and decimal_text(Decimal("0.00")) == "0"


# ---- photo keys -------------------------------------------------------------------------------

def test_photo_keys_are_exactly_what_an_upload_hands_out():
    key = "uploads/2026-11-30/" + "0123456789abcdef" * 2 + ".jpg"
    assert photo_key_ok(key)
    for bad in (key + "\n", key.replace("2026", "２０２６"), key.replace("2026", "٢٠٢٦"),
                key + "/../x", key.upper(), "x" + key, key.replace(".jpg", ".gif"), None, [key]):
        assert not photo_key_ok(bad), repr(bad)


def test_test_drive_distance_is_a_plain_number_from_0_to_200_km():
    from chalicelib.domain.errors import ValidationError
    from chalicelib.domain.workshop import CHECKLISTS, parse_qc
    items = {code: "pass" for code, _, _ in CHECKLISTS["final"]}
    for raw, kept in (("6", "6"), (5.5, "5.5"), ("1e1", "10"), (" 12.50 ", "12.5")):
        qc = parse_qc({"level": "final", "items": items,
                       "test_drive": {"distance_km": raw, "findings": "ok"}}, test_drive_required=True)
        assert qc.test_drive.distance_km == kept
    for raw in ("nan", "inf", "1e400", "0", "201", "５", "1_0", None, [5]):
        try:
            parse_qc({"level": "final", "items": items,
                      "test_drive": {"distance_km": raw, "findings": "ok"}}, test_drive_required=True)
        except ValidationError as exc:
            assert set(exc.fields) == {"test_drive.distance_km"}, raw
        else:
            raise AssertionError(f"accepted {raw!r}")


@pytest.mark.parametrize("raw", [
    {"id": "0123456789abcdef0123456789abcdef\n", "code": "123456"},
    {"id": "0123456789abcdef0123456789abcdef", "code": "123456\n"},
    {"id": "0123456789abcdef0123456789abcdef", "code": "１２３４５６"},
])
def test_a_verification_is_read_exactly_or_fails(raw):
    """Like photo keys: no trailing newline, no full-width digits slip through."""
    from chalicelib.domain.errors import ValidationError
    from chalicelib.domain.verification import parse_proof
    with pytest.raises(ValidationError) as refused:
        parse_proof(raw, secret="s", phone="+8613800138000")
    assert refused.value.code == "verification_failed"
