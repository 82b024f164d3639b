"""Hand-written least-privilege policies, one role per Lambda function.

Chalice's generated policy is switched off (``manage_iam_role: false``): each
function gets exactly what its code calls, on this store's resources only.

| function              | DynamoDB          | S3 files  | SNS SMS  | Cognito             |
|-----------------------|-------------------|-----------|----------|---------------------|
| api_handler           | store tables, r/w | put, get  | -        | ListUsersInGroup,   |
|                       |                   |           |          | staff accounts (1)  |
| staff_authorizer      | -                 | -         | -        | - (JWKS over HTTPS) |
| outbox_sweep          | store tables, r/w | -         | Publish  | -                   |
| complaint_escalation  | store tables, r/w | -         | -        | ListUsersInGroup    |
| outbox_fast_path      | store tables, r/w | -         | Publish  | -                   |
|                       | + outbox stream   |           |          |                     |
| campaign_send         | store tables, r/w | -         | -        | -                   |
| care_daily            | store tables, r/w | -         | -        | -                   |

(1) the manager's staff accounts (issue 13): ListUsers, AdminGetUser, AdminListGroupsForUser,
AdminCreateUser, AdminUpdateUserAttributes, AdminDeleteUserAttributes, AdminAdd/RemoveUser
To/FromGroup, AdminDisableUser, AdminEnableUser, AdminSetUserPassword, AdminUserGlobalSignOut.
"""
from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

# what PynamoDB issues: items, queries, transactions (per-item actions) and the table description
DYNAMODB_ACTIONS = [
    "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
]


def _logs(stack_name: str) -> iam.PolicyStatement:
    """Write to this stack's function log groups only (functions are named <stack>-<Name>-<id>)."""
    return iam.PolicyStatement(
        sid="OwnLogs", actions=["logs:CreateLogStream", "logs:PutLogEvents"],
        resources=[f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:"
                   f"/aws/lambda/{stack_name}-*:*"])


def _tracing() -> iam.PolicyStatement:
    # X-Ray takes no resource-level permissions
    return iam.PolicyStatement(sid="Tracing", resources=["*"],
                               actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"])


def _tables(table_arns: list[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        sid="StoreTables", actions=DYNAMODB_ACTIONS,
        resources=table_arns + [f"{arn}/index/*" for arn in table_arns])


def _staff_directory(user_pool_arn: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(sid="StaffDirectory", actions=["cognito-idp:ListUsersInGroup"],
                               resources=[user_pool_arn])


STAFF_ACCOUNT_ACTIONS = [
    "cognito-idp:ListUsers", "cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:AdminCreateUser", "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminDeleteUserAttributes", "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminRemoveUserFromGroup", "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser", "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminUserGlobalSignOut",
]


def _staff_accounts(user_pool_arn: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(sid="StaffAccounts", actions=STAFF_ACCOUNT_ACTIONS,
                               resources=[user_pool_arn])


def _send_sms() -> iam.PolicyStatement:
    # SMS to a phone number has no resource ARN: SNS takes "*" for direct publishing
    return iam.PolicyStatement(sid="SendSms", resources=["*"],
                               actions=["sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"])


def _outbox_stream(stream_arn: str) -> list[iam.PolicyStatement]:
    """What Lambda's event source mapping reads the outbox's stream with (fastsms)."""
    return [
        iam.PolicyStatement(sid="OutboxStream", resources=[stream_arn], actions=[
            "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]),
        # ListStreams names no stream (it lists them): it takes no resource but "*"
        iam.PolicyStatement(sid="ListStreams", resources=["*"], actions=["dynamodb:ListStreams"]),
    ]


def documents(*, stack_name: str, table_arns: list[str], files_bucket_arn: str,
              user_pool_arn: str, outbox_stream_arn: str) -> dict[str, iam.PolicyDocument]:
    """Function name -> its policy."""
    base = [_logs(stack_name), _tracing()]
    return {
        "api_handler": iam.PolicyDocument(statements=base + [
            _tables(table_arns),
            # photos uploaded with presigned PUTs, signatures written, presigned GETs to show them
            iam.PolicyStatement(sid="Files", actions=["s3:PutObject", "s3:GetObject"],
                                resources=[f"{files_bucket_arn}/*"]),
            _staff_directory(user_pool_arn), _staff_accounts(user_pool_arn),
        ]),
        "staff_authorizer": iam.PolicyDocument(statements=base),
        "outbox_sweep": iam.PolicyDocument(statements=base + [_tables(table_arns), _send_sms()]),
        "complaint_escalation": iam.PolicyDocument(statements=base + [
            _tables(table_arns), _staff_directory(user_pool_arn),
        ]),
        # care (issue 15): the daily job plans SMS in the outbox (the sweep sends them)
        "care_daily": iam.PolicyDocument(statements=base + [_tables(table_arns)]),
        # fastsms: the sweep's rights, and the outbox's stream (its dead letters: store_stack)
        "outbox_fast_path": iam.PolicyDocument(statements=base + [
            _tables(table_arns), _send_sms(), *_outbox_stream(outbox_stream_arn)]),
        # issue 15 part CAMPAIGNS: invitations and their SMS go to the outbox (the sweep sends)
        "campaign_send": iam.PolicyDocument(statements=base + [_tables(table_arns)]),
    }
