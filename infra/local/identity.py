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


def create_demo_staff(store_id: str) -> list[DemoStaff]:
    pool, _ = create_pool(store_id)
    for person in DEMO_STAFF:
        add_staff(pool, person, store_id)
    return list(DEMO_STAFF)
