"""Staff identities in the embedded Cognito: the user pool, the portal's client, demo staff."""
from __future__ import annotations

import os
from dataclasses import dataclass

import boto3

from infra.staff_pool import AUTH_FLOWS, CLIENT_NAME, PASSWORD_POLICY, ROLE_GROUPS, STORE_ATTRIBUTE

DEMO_PASSWORD = "Demo-2026!"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    name: str
    role: str
    store_id: str = ""   # "" = the local store


DEMO_STAFF = (
    DemoStaff("advisor", "张顾问", "advisor"),
    DemoStaff("advisor2", "李顾问", "advisor"),
    DemoStaff("technician", "王师傅", "technician"),
    DemoStaff("technician2", "钱师傅", "technician"),
    DemoStaff("foreman", "孙班长", "foreman"),
    DemoStaff("inspector", "赵质检", "inspector"),
    DemoStaff("cashier", "陈收银", "cashier"),
    DemoStaff("followup", "刘回访", "follow_up"),
    DemoStaff("manager", "周经理", "manager"),
    DemoStaff("other-store", "外店顾问", "advisor", store_id="other-store"),
)


def _client():
    return boto3.client("cognito-idp", region_name=os.environ.get("AWS_REGION", "ap-east-1"))


def create_pool(store_id: str) -> tuple[str, str]:
    """A user pool with the role groups and a store attribute, and the portal's app client.

    Sets COGNITO_USER_POOL_ID / COGNITO_CLIENT_ID for this process, as the
    deployment sets them for the Lambda functions.
    """
    client = _client()
    pool = client.create_user_pool(
        PoolName=f"{store_id}-staff",
        Schema=[{"Name": STORE_ATTRIBUTE, "AttributeDataType": "String", "Mutable": True},
                {"Name": "name", "AttributeDataType": "String", "Mutable": True}],
        Policies={"PasswordPolicy": dict(PASSWORD_POLICY)})["UserPool"]["Id"]
    app_client = client.create_user_pool_client(
        UserPoolId=pool, ClientName=CLIENT_NAME, GenerateSecret=False,
        ExplicitAuthFlows=[f"ALLOW_{flow}" for flow in AUTH_FLOWS],
    )["UserPoolClient"]["ClientId"]
    for group in ROLE_GROUPS:
        client.create_group(UserPoolId=pool, GroupName=group)
    os.environ["COGNITO_USER_POOL_ID"] = pool
    os.environ["COGNITO_CLIENT_ID"] = app_client
    from chalicelib.config import reset_config
    reset_config()
    return pool, app_client


def add_staff(pool: str, person: DemoStaff, store_id: str, password: str = DEMO_PASSWORD) -> None:
    client = _client()
    client.admin_create_user(
        UserPoolId=pool, Username=person.username, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "name", "Value": person.name},
                        {"Name": f"custom:{STORE_ATTRIBUTE}", "Value": person.store_id or store_id}])
    client.admin_set_user_password(UserPoolId=pool, Username=person.username,
                                   Password=password, Permanent=True)
    client.admin_add_user_to_group(UserPoolId=pool, Username=person.username,
                                   GroupName=person.role)


def existing_pool(store_id: str) -> tuple[str, str] | None:
    """The store's pool and portal client kept from an earlier run (keep.py), if any; sets
    COGNITO_USER_POOL_ID / COGNITO_CLIENT_ID as create_pool does."""
    client = _client()
    pools = [p["Id"] for p in client.list_user_pools(MaxResults=60)["UserPools"]
             if p["Name"] == f"{store_id}-staff"]
    if not pools:
        return None
    clients = [c["ClientId"] for c in client.list_user_pool_clients(
        UserPoolId=pools[0], MaxResults=60)["UserPoolClients"] if c["ClientName"] == CLIENT_NAME]
    if not clients:
        return None
    os.environ["COGNITO_USER_POOL_ID"] = pools[0]
    os.environ["COGNITO_CLIENT_ID"] = clients[0]
    from chalicelib.config import reset_config
    reset_config()
    return pools[0], clients[0]


def create_demo_staff(store_id: str) -> list[DemoStaff]:
    """The demo staff in the store's pool; a pool kept from an earlier run is used as it is
    (its accounts, passwords and groups as people left them), only missing demo staff added."""
    kept = existing_pool(store_id)
    if kept is None:
        pool, _ = create_pool(store_id)
        missing = list(DEMO_STAFF)
    else:
        pool = kept[0]
        client = _client()
        present = {u["Username"] for page in client.get_paginator("list_users").paginate(
            UserPoolId=pool) for u in page["Users"]}
        missing = [p for p in DEMO_STAFF if p.username not in present]
    for person in missing:
        add_staff(pool, person, store_id)
    return list(DEMO_STAFF)
