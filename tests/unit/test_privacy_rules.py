"""Who sees a customer's mobile in full, how a mobile is searched, what a customer's link shows."""
import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.staff import ROLES, Staff
from chalicelib.domain.validation import mask_vin
from chalicelib.domain.vehicles import SearchTerm, parse_search

PHONE = "+8613800138000"


def _staff(*roles):
    return Staff(username="someone", name="某人", roles=frozenset(roles), store_id="s")


@pytest.mark.parametrize("role", ["advisor", "follow_up", "manager"])
def test_staff_who_phone_customers_see_the_whole_number(role):
    assert _staff(role).phone_view(PHONE) == PHONE
    assert _staff(role).full_phone(PHONE) == PHONE


@pytest.mark.parametrize("role", ["technician", "inspector", "foreman", "cashier"])
def test_the_other_roles_see_it_masked_as_in_lists(role):
    assert _staff(role).phone_view(PHONE) == "138****8000"
    assert _staff(role).full_phone(PHONE) is None


def test_every_role_is_decided_and_one_calling_role_is_enough():
    decided = {r for r in ROLES if _staff(r).full_phone(PHONE)}
    assert decided == {"advisor", "follow_up", "manager"}
    assert _staff("technician", "manager").phone_view(PHONE) == PHONE
    assert _staff("technician").phone_view("") == ""     # a complaint without a mobile


def test_a_mobile_is_searched_by_all_11_digits_or_exactly_the_last_4():
    assert parse_search("13800138000") == SearchTerm(PHONE, "phone")
    assert parse_search("+86 138 0013 8000") == SearchTerm(PHONE, "phone")
    assert parse_search("8000") == SearchTerm("8000", "text")
    assert parse_search(" 0013 ") == SearchTerm("0013", "text")


@pytest.mark.parametrize("q", ["1380013", "13800138", "1380013800", "138001380001"])
def test_a_mobile_prefix_no_longer_lists_every_customer_of_the_operator(q):
    with pytest.raises(ValidationError) as refused:
        parse_search(q)
    assert "q" in refused.value.fields


def test_a_few_digits_are_a_part_of_a_plate_never_the_start_of_a_mobile():
    """Mobiles are keyed whole and by their last 4 only (db.search): 138 finds plates with
    138 in them, no customer of that operator."""
    assert parse_search("138") == SearchTerm("138", "text")
    assert parse_search("13800") == SearchTerm("13800", "text")


def test_plates_are_searched_by_any_part_names_whole_or_by_their_start():
    assert parse_search("粤b12") == SearchTerm("粤B12", "text")
    assert parse_search(" a·123-45 ") == SearchTerm("A12345", "text")
    assert parse_search("王先生") == SearchTerm("王先生", "text")
    assert parse_search("183294") == SearchTerm("183294", "text")      # a VIN's last 6


@pytest.mark.parametrize("q", ["", "  ", "?", "王", "x" * 33, "+86abc"])
def test_too_little_or_too_much_text_is_refused(q):
    with pytest.raises(ValidationError) as refused:
        parse_search(q)
    assert "q" in refused.value.fields


def test_a_vin_shows_its_first_3_and_last_4_characters():
    assert mask_vin("LSVAU2180N2183294") == "LSV**********3294"
    assert mask_vin("") == ""
