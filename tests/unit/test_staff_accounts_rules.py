"""The rules of a staff account (issue 13), without AWS."""
from __future__ import annotations

import re

import pytest

from chalicelib.domain import staff as rules
from chalicelib.domain.errors import Conflict, FieldErrors, ValidationError
from chalicelib.domain.staff import Account, Staff

MANAGER = Staff("boss", "周经理", frozenset({"manager"}), "demo")


def account(username="boss", roles=("manager",), enabled=True):
    return Account(username=username, name="周经理", roles=frozenset(roles), mobile="",
                   enabled=enabled, password_set=True, store_id="demo")


def test_a_new_account_is_read_and_its_mobile_normalised():
    data = rules.parse_new_account({"username": "zhou.tech", "name": " 周师傅 ", "roles": ["technician"],
                                    "mobile": "139 0013 9001"})
    assert (data.username, data.name, data.roles, data.mobile) == (
        "zhou.tech", "周师傅", frozenset({"technician"}), "+8613900139001")


@pytest.mark.parametrize("login", ["", "ab", "Zhou", "1abc", "a b c", "zhou@tech", "x" * 33, 7])
def test_a_login_outside_the_pattern_is_refused_at_its_field(login):
    with pytest.raises(ValidationError) as refused:
        rules.parse_new_account({"username": login, "name": "周师傅", "roles": ["technician"]})
    assert set(refused.value.fields) == {"username"}


def test_a_change_names_at_least_one_field_and_keeps_a_role():
    with pytest.raises(ValidationError):
        rules.parse_account_change({})
    with pytest.raises(ValidationError) as refused:
        rules.parse_account_change({"roles": []})
    assert "roles" in refused.value.fields
    assert rules.parse_account_change({"mobile": ""}).mobile == ""


def test_the_last_manager_keeps_the_role_and_no_one_disables_themselves():
    with pytest.raises(Conflict) as last:
        rules.check_roles_change(MANAGER, account(), frozenset({"advisor"}), other_managers=0)
    assert last.value.code == "last_manager"
    rules.check_roles_change(MANAGER, account(), frozenset({"advisor"}), other_managers=1)
    with pytest.raises(Conflict) as own:
        rules.check_disable(MANAGER, account(), other_managers=3)
    assert own.value.code == "own_account"
    with pytest.raises(Conflict):
        rules.check_disable(MANAGER, account("second"), other_managers=0)
    rules.check_disable(MANAGER, account("tech", roles=("technician",)), other_managers=0)


@pytest.mark.parametrize("password, ok", [
    ("zhou2026shop", True), ("short1", False), ("onlyletters", False), ("1234567890", False),
    (" zhou2026shop", False), ("z1" * 200, False), (None, False)])
def test_the_password_policy_is_told_at_the_field(password, ok):
    errors = FieldErrors()
    rules.check_new_password(errors, "new_password", password)
    assert (errors.fields == {}) is ok


def test_a_temporary_password_meets_any_policy_and_differs_each_time():
    seen = {rules.temporary_password() for _ in range(50)}
    assert len(seen) == 50
    for password in seen:
        assert re.fullmatch(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}", password)
        assert re.search("[a-z]", password) and re.search("[A-Z]", password) and re.search("[0-9]", password)
        assert not set(password) & set("0O1lI")


def test_the_audit_view_masks_the_mobile():
    a = Account("t", "王师傅", frozenset({"technician", "foreman"}), "+8613900139001", True, False, "demo")
    assert a.audit_view() == {"name": "王师傅", "roles": "technician,foreman", "mobile": "139****9001",
                              "status": "new_password"}
