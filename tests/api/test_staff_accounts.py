"""Staff accounts (issue 13): the manager administers the store's accounts in the user pool,
and a new account's first sign-in sets its own password."""
from __future__ import annotations

import json

import boto3
import pytest

from chalicelib.config import get_config
from chalicelib.db import audit as audit_db
from chalicelib.db.models import AuditItem

TECH = {"username": "zhou.tech", "name": "周师傅", "roles": ["technician"], "mobile": "13900139001"}


def _pool():
    return boto3.client("cognito-idp", region_name="ap-east-1")


def _user(username):
    return _pool().admin_get_user(UserPoolId=get_config().user_pool_id, Username=username)


def _attrs(username):
    return {a["Name"]: a["Value"] for a in _user(username)["UserAttributes"]}


def _groups(username):
    answer = _pool().admin_list_groups_for_user(UserPoolId=get_config().user_pool_id, Username=username)
    return {g["GroupName"] for g in answer["Groups"]}


def _user_count():
    return len(_pool().list_users(UserPoolId=get_config().user_pool_id)["Users"])


def _trail(username):
    return audit_db.history(f"staff#{username}")


def _post(client, path, body):
    return client.http.post(path, headers={"Content-Type": "application/json"},
                            body=json.dumps(body, ensure_ascii=False))


@pytest.fixture
def manager(staff):
    return staff.as_("manager")


@pytest.fixture
def created(manager):
    answer = manager.post("/api/staff/accounts", TECH)
    assert answer.status_code == 201, answer.json_body
    return answer.json_body


# ---- list ---------------------------------------------------------------------------------

def test_the_list_shows_this_stores_accounts_with_roles_name_mobile_and_status(manager, created):
    manager.post("/api/staff/accounts/technician2/disable")
    listed = manager.get("/api/staff/accounts").json_body["accounts"]
    by_login = {a["username"]: a for a in listed}
    assert "other-store" not in by_login                    # another store's account: invisible
    assert by_login["advisor"] == {"username": "advisor", "name": "张顾问", "roles": ["advisor"],
                                   "mobile": None, "enabled": True, "status": "active"}
    assert by_login["zhou.tech"]["status"] == "new_password"
    assert by_login["zhou.tech"]["mobile"] == "+8613900139001"
    assert by_login["technician2"]["status"] == "disabled"      # disabled ones are listed too
    assert listed[-1]["username"] == "technician2"                # after the enabled ones


# ---- create -------------------------------------------------------------------------------

def test_create_makes_the_pool_account_with_store_groups_and_a_temporary_password(manager, created):
    password = created["temporary_password"]
    assert len(password) == 14 and created["account"]["status"] == "new_password"
    user = _user("zhou.tech")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD" and user["Enabled"]
    assert _attrs("zhou.tech")["custom:store_id"] == get_config().store_id
    assert _attrs("zhou.tech")["name"] == "周师傅"
    assert _attrs("zhou.tech")["phone_number"] == "+8613900139001"
    assert _groups("zhou.tech") == {"technician"}
    [entry] = _trail("zhou.tech")
    assert (entry.actor, entry.action) == ("manager", "account_created")
    assert entry.changes["roles"] == {"before": None, "after": "technician"}
    assert entry.changes["mobile"] == {"before": None, "after": "139****9001"}   # masked
    assert password not in json.dumps(entry.changes)


def test_the_new_technician_is_on_the_dispatch_board_list_at_once(manager, staff, created):
    before = staff.as_("foreman").get("/api/staff/technicians").json_body["technicians"]
    assert {"username": "zhou.tech", "name": "周师傅"} in before   # the directory was forgotten


@pytest.mark.parametrize("body, field", [
    ({**TECH, "username": "Zhou Tech"}, "username"),
    ({**TECH, "username": "zt"}, "username"),
    ({**TECH, "username": ""}, "username"),
    ({**TECH, "name": ""}, "name"),
    ({**TECH, "name": "周" * 21}, "name"),
    ({**TECH, "roles": []}, "roles"),
    ({**TECH, "roles": ["technician", "boss"]}, "roles"),
    ({**TECH, "roles": "technician"}, "roles"),
    ({**TECH, "mobile": "12345"}, "mobile"),
])
def test_create_refuses_bad_fields_at_the_field_and_creates_nothing(manager, body, field):
    count = _user_count()
    answer = manager.post("/api/staff/accounts", body)
    assert answer.status_code == 422
    assert answer.json_body["error"]["code"] == "invalid_fields"
    assert field in answer.json_body["error"]["fields"]
    assert _user_count() == count


def test_create_answers_in_chinese_by_default(manager):
    answer = manager.post("/api/staff/accounts", {**TECH, "roles": []})
    assert answer.json_body["error"]["fields"]["roles"] == "至少选择一个角色"


def test_a_taken_login_is_409_at_the_field(manager, created):
    count = _user_count()
    answer = manager.post("/api/staff/accounts", {**TECH, "username": "advisor"})
    assert answer.status_code == 409
    assert answer.json_body["error"]["code"] == "username_taken"
    assert "username" in answer.json_body["error"]["fields"]
    assert _user_count() == count and _attrs("advisor")["name"] == "张顾问"


# ---- change -------------------------------------------------------------------------------

def test_change_roles_name_and_mobile_is_audited_before_and_after(manager, created):
    answer = manager.put("/api/staff/accounts/zhou.tech",
                         {"name": "周班长", "roles": ["foreman", "inspector"], "mobile": "13900139002"})
    assert answer.status_code == 200, answer.json_body
    assert answer.json_body["account"]["roles"] == ["foreman", "inspector"]
    assert _groups("zhou.tech") == {"foreman", "inspector"}
    assert _attrs("zhou.tech")["name"] == "周班长"
    assert _attrs("zhou.tech")["phone_number"] == "+8613900139002"
    change = _trail("zhou.tech")[0]
    assert change.action == "account_changed"
    assert change.changes == {
        "name": {"before": "周师傅", "after": "周班长"},
        "roles": {"before": "technician", "after": "foreman,inspector"},
        "mobile": {"before": "139****9001", "after": "139****9002"}}
    # the mobile removed
    manager.put("/api/staff/accounts/zhou.tech", {"mobile": ""})
    assert "phone_number" not in _attrs("zhou.tech")


def test_a_renamed_technician_shows_with_the_new_name_on_this_instance(manager, staff):
    manager.put("/api/staff/accounts/technician", {"name": "王大师"})
    names = {t["username"]: t["name"] for t in
             staff.as_("advisor").get("/api/staff/technicians").json_body["technicians"]}
    assert names["technician"] == "王大师"


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"roles": []}, "roles"), ({"name": " "}, "name"), ({"mobile": "110"}, "mobile"),
])
def test_a_bad_change_changes_nothing(manager, body, field):
    answer = manager.put("/api/staff/accounts/advisor", body)
    assert answer.status_code == 422 and field in answer.json_body["error"]["fields"]
    assert _groups("advisor") == {"advisor"} and _attrs("advisor")["name"] == "张顾问"
    assert _trail("advisor") == []


def test_the_last_manager_keeps_the_manager_role(manager):
    answer = manager.put("/api/staff/accounts/manager", {"roles": ["advisor"]})
    assert answer.status_code == 409
    assert answer.json_body["error"]["code"] == "last_manager"
    assert answer.json_body["error"]["fields"]["roles"]
    assert _groups("manager") == {"manager"} and _trail("manager") == []


def test_with_a_second_manager_one_may_step_down(manager, staff):
    manager.put("/api/staff/accounts/advisor", {"roles": ["advisor", "manager"]})
    answer = manager.put("/api/staff/accounts/manager", {"roles": ["advisor"]})
    assert answer.status_code == 200 and _groups("manager") == {"advisor"}
    # the second manager, now the last one, cannot be disabled or demoted by anyone
    second = staff.as_("advisor")
    assert second.put("/api/staff/accounts/advisor", {"roles": ["advisor"]}).status_code == 409


# ---- disable, enable ----------------------------------------------------------------------

def test_disable_then_enable_an_account(manager, staff, created):
    assert staff.login("technician").status_code == 200
    answer = manager.post("/api/staff/accounts/technician/disable")
    assert answer.status_code == 200 and answer.json_body["account"]["status"] == "disabled"
    assert _user("technician")["Enabled"] is False
    refused = staff.login("technician")
    assert refused.status_code == 401 and refused.json_body["error"]["code"] == "invalid_credentials"
    # gone from the dispatch board's technicians at once
    techs = staff.as_("foreman").get("/api/staff/technicians").json_body["technicians"]
    assert "technician" not in {t["username"] for t in techs}
    assert _trail("technician")[0].changes == {"status": {"before": "active", "after": "disabled"}}

    again = manager.post("/api/staff/accounts/technician/enable")
    assert again.status_code == 200 and again.json_body["account"]["status"] == "active"
    assert staff.login("technician").status_code == 200
    assert [e.action for e in _trail("technician")] == ["account_enabled", "account_disabled"]


def test_a_manager_cannot_disable_themselves(manager):
    answer = manager.post("/api/staff/accounts/manager/disable")
    assert answer.status_code == 409 and answer.json_body["error"]["code"] == "own_account"
    assert answer.json_body["error"]["message"] == "不能停用自己的账号"
    assert _user("manager")["Enabled"] is True and _trail("manager") == []


def test_disabling_twice_writes_one_entry(manager):
    manager.post("/api/staff/accounts/cashier/disable")
    manager.post("/api/staff/accounts/cashier/disable")
    assert len(_trail("cashier")) == 1


# ---- reset password -----------------------------------------------------------------------

def test_reset_gives_a_new_temporary_password_and_the_next_sign_in_sets_one(manager, staff):
    answer = manager.post("/api/staff/accounts/cashier/reset-password")
    assert answer.status_code == 200
    temporary = answer.json_body["temporary_password"]
    assert staff.login("cashier").status_code == 401       # the old password no longer works
    challenged = staff.login("cashier", temporary)
    assert challenged.status_code == 401
    assert challenged.json_body["error"]["code"] == "new_password_required"
    assert _trail("cashier")[0].changes == {"status": {"before": "active", "after": "new_password"}}


# ---- another store's accounts, unknown logins ----------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("PUT", "/api/staff/accounts/{u}"), ("POST", "/api/staff/accounts/{u}/disable"),
    ("POST", "/api/staff/accounts/{u}/enable"), ("POST", "/api/staff/accounts/{u}/reset-password"),
])
def test_another_stores_account_or_no_account_is_404_and_untouched(manager, method, path):
    for login in ("other-store", "nobody", "a b", "x" * 200):
        answer = manager.send(method, path.format(u=login), {"name": "改名"})
        assert answer.status_code == 404, (login, answer.json_body)
        assert answer.json_body["error"]["code"] == "account_not_found"
    assert _attrs("other-store")["name"] == "外店顾问" and _user("other-store")["Enabled"]
    assert _trail("other-store") == []


# ---- first sign-in: the new-password challenge ---------------------------------------------

def test_first_sign_in_asks_for_a_new_password_then_signs_in(manager, staff, client, created):
    challenged = staff.login("zhou.tech", created["temporary_password"])
    assert challenged.status_code == 401
    body = challenged.json_body
    assert body["error"]["code"] == "new_password_required"
    assert body["challenge"] == "new_password" and body["session"]
    assert "id_token" not in body

    weak = _post(client, "/api/auth/new-password", {
        "username": "zhou.tech", "session": body["session"], "new_password": "short1"})
    assert weak.status_code == 422
    assert weak.json_body["error"]["fields"]["new_password"] == "至少 10 个字符"
    no_digit = _post(client, "/api/auth/new-password", {
        "username": "zhou.tech", "session": body["session"], "new_password": "onlyletters"})
    assert "new_password" in no_digit.json_body["error"]["fields"]

    done = _post(client, "/api/auth/new-password", {
        "username": "zhou.tech", "session": body["session"], "new_password": "zhou-2026-shop"})
    assert done.status_code == 200, done.json_body
    assert done.json_body["id_token"] and done.json_body["staff"]["roles"] == ["technician"]
    assert done.json_body["staff"]["name"] == "周师傅"
    assert _user("zhou.tech")["UserStatus"] == "CONFIRMED"
    again = staff.login("zhou.tech", "zhou-2026-shop")
    assert again.status_code == 200


def test_a_bad_session_is_401_and_sets_nothing(client, created):
    answer = _post(client, "/api/auth/new-password", {
        "username": "zhou.tech", "session": "made-up", "new_password": "zhou-2026-shop"})
    assert answer.status_code == 401 and answer.json_body["error"]["code"] == "session_expired"
    assert _user("zhou.tech")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    missing = _post(client, "/api/auth/new-password", {"username": "zhou.tech"})
    assert missing.status_code == 422
    assert {"session", "new_password"} <= set(missing.json_body["error"]["fields"])


def test_the_audit_rows_are_written_to_the_table(manager, created):
    rows = list(AuditItem.query("staff#zhou.tech"))
    assert len(rows) == 1 and rows[0].actor == "manager" and rows[0].names["manager"] == "周经理"


# ---- the real staff list: no demo login as a fallback --------------------------------------

def test_escalation_names_the_real_managers_never_a_made_up_login(manager, staff, clock):
    from datetime import timedelta

    from chalicelib.services.complaints import run_escalation
    # the store's manager account is renamed: 'manager' is now only a demo login nobody holds
    pool = _pool()
    pool.admin_remove_user_from_group(UserPoolId=get_config().user_pool_id, Username="manager",
                                      GroupName="manager")
    pool.admin_add_user_to_group(UserPoolId=get_config().user_pool_id, Username="advisor2",
                                 GroupName="manager")
    from chalicelib.services import auth
    auth.forget_directory()
    made = staff.as_("advisor").post("/api/staff/complaints", {"description": "等太久", "phone": "13800138000",
                                                            "customer_name": "王先生"})
    assert made.status_code == 201, made.json_body
    clock.shift(timedelta(days=3))
    assert run_escalation()["escalated"] == 1
    events = staff.as_("advisor").get(f"/api/staff/complaints/{made.json_body['id']}").json_body["events"]
    assert [e["note"] for e in events if e["action"] == "escalated"] == ["advisor2"]

    # with no manager at all, nobody is named (not the login 'manager')
    pool.admin_remove_user_from_group(UserPoolId=get_config().user_pool_id, Username="advisor2",
                                      GroupName="manager")
    auth.forget_directory()
    from chalicelib.services.complaints import default_owner
    assert default_owner() == "followup"
    pool.admin_disable_user(UserPoolId=get_config().user_pool_id, Username="followup")
    auth.forget_directory()
    assert default_owner() == ""


def test_an_escalated_complaint_is_texted_to_the_managers_with_a_mobile_once(manager, staff, clock):
    """The mobile the manager sets on an account is where the escalation SMS goes (issue 13)."""
    from datetime import timedelta

    from chalicelib.db.models import OutboxItem
    from chalicelib.services.complaints import run_escalation
    changed = manager.put("/api/staff/accounts/manager", {"mobile": "13900139000"})
    assert changed.status_code == 200, changed.json_body
    made = staff.as_("advisor").post("/api/staff/complaints", {
        "description": "等太久", "phone": "13800138000", "customer_name": "王先生"})
    assert made.status_code == 201, made.json_body
    reference = made.json_body["reference"]
    clock.shift(timedelta(days=3))
    assert run_escalation()["escalated"] == 1
    assert run_escalation()["escalated"] == 0
    sent = [m for m in OutboxItem.scan() if m.kind == "complaint_escalated"]
    assert [m.phone for m in sent] == ["+8613900139000"]
    assert reference in sent[0].text and "已超时未解决" in sent[0].text
    assert "13800138000" not in sent[0].text and "http" not in sent[0].text
