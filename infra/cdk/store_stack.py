"""One store's deployment: the Chalice app and everything around it.

Built from a ``StoreConfig`` (``infra/stores/<id>.toml``); every named resource
takes its name from ``Names``, tables from ``chalicelib.db.schema``.
"""
from __future__ import annotations

from pathlib import Path

import json
import re

import jsii
from aws_cdk import (Acknowledgment, Aspects, Aws, CfnOutput, CfnResource, Duration, Fn, IAspect, RemovalPolicy,
                     Stack, Tags, Validations)
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_wafv2 as waf
from aws_cdk import custom_resources as cr
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.db.schema import table_definitions
from chalicelib.headers import API_CSP, HSTS_MAX_AGE, files_url, page_csp
from infra import staff_pool
from infra.local.gateway import GATEWAY_RESPONSES, error_body, route_methods
from infra.store_config import StoreConfig

from . import policies

ROOT = Path(__file__).resolve().parents[2]
API_STAGE = "api"            # API Gateway stage: https://<id>.execute-api.<region>.amazonaws.com/api
LOG_RETENTION_DAYS = 90
ASYNC_RETRIES = 2            # EventBridge-invoked functions: Lambda retries twice, then the DLQ
# CloudFormation logical ids of the functions in Chalice's SAM template
FUNCTION_IDS = {"api_handler": "APIHandler", "staff_authorizer": "StaffAuthorizer",
                "outbox_sweep": "OutboxSweep", "complaint_escalation": "ComplaintEscalation",
                "outbox_fast_path": "OutboxFastPath"}
FUNCTION_IDS["care_daily"] = "CareDaily"     # care (issue 15): the daily job (每日关怀任务)
SCHEDULED = ("outbox_sweep", "complaint_escalation", "care_daily")
TIMEOUTS = {"outbox_sweep": 55, "complaint_escalation": 120}   # seconds; the API: 30
# issue 15 part CAMPAIGNS: campaigns are sent every 5 minutes (a run stops inviting at 240 s)
FUNCTION_IDS["campaign_send"] = "CampaignSend"
SCHEDULED += ("campaign_send",)
TIMEOUTS["campaign_send"] = 280
TIMEOUTS["care_daily"] = 900     # care: the day's cars due, one at a time (bench: ms a car)
# fastsms: the outbox's stream -> outbox_fast_path (app.py): a batch that fails is split in
# two and tried again, twice, then its place in the stream goes to the dead letters (the
# messages themselves stay queued for the sweep)
STREAM_RETRIES = 2
STREAM_MAX_AGE = 3600        # seconds: older records are the sweep's
SENDERS = ("outbox_sweep", "outbox_fast_path")   # publish SMS: their logs count failures
# API Gateway's own refusals -> the error codes of API.md (bodies from infra/local/gateway.py)
GATEWAY_RESPONSE_TYPES = {
    "UNAUTHORIZED": "unauthorized", "EXPIRED_TOKEN": "unauthorized",
    "ACCESS_DENIED": "forbidden",
    "MISSING_AUTHENTICATION_TOKEN": "not_found", "RESOURCE_NOT_FOUND": "not_found",
    "THROTTLED": "too_many_requests", "QUOTA_EXCEEDED": "too_many_requests",
    "BAD_REQUEST_BODY": "bad_request", "BAD_REQUEST_PARAMETERS": "bad_request",
    "DEFAULT_4XX": "bad_request", "DEFAULT_5XX": "unavailable",
}
# issue 14: any method a path does not take, to the app (the same proxy integration as its
# routes, no authorizer: the app refuses it before anything else)
OTHER_METHODS = {
    "produces": ["application/json"],
    "responses": {"405": {"description": "405 response"}},
    "x-amazon-apigateway-integration": {
        "type": "aws_proxy", "httpMethod": "POST", "passthroughBehavior": "when_no_match",
        "contentHandling": "CONVERT_TO_TEXT", "responses": {"default": {"statusCode": "200"}},
        "uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
                           "2015-03-31/functions/${APIHandler.Arn}/invocations"}},
}
# CloudFront adds this header, with a generated secret, to every request it sends to API
# Gateway; the API stage's web ACL lets nothing else in (lower case: WAF matches it so).
# Renaming it re-reads the secret in both places at the next deploy (infra/README.md).
ORIGIN_HEADER = "x-origin-verify"
# CloudFront viewer-request function: /portal/ -> /portal/index.html (S3 has no directory index)
INDEX_FUNCTION = """function handler(event) {
  var request = event.request;
  if (request.uri.endsWith('/')) { request.uri += 'index.html'; }
  return request;
}"""


class StoreStack(Stack):
    def __init__(self, scope: Construct, *, store: StoreConfig, **kwargs):
        names = store.names
        super().__init__(scope, names.stack, stack_name=names.stack,
                         description=f"After-sales service system: {store.name} ({store.store_id})",
                         **kwargs)
        self.store, self.names = store, names
        Tags.of(self).add("app", "aftersales")
        Tags.of(self).add("store", store.store_id)

        self.tables = self._tables()
        self.files_bucket = self._files_bucket()
        self.site_bucket = self._site_bucket()
        self.user_pool, self.portal_client = self._user_pool()
        self.secret = secretsmanager.Secret(
            self, "AppSecret", secret_name=names.resource("app-secret"),
            description="Signs customer links (booking, approval, order): rotate = links expire",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN)    # customers' links outlive a stack
        # dead letters: scheduled runs that failed three times, alarm mails SNS could not deliver
        self.dead_letters = sqs.Queue(
            self, "DeadLetters", queue_name=names.resource("dead-letters"),
            retention_period=Duration.days(14), enforce_ssl=True,
            encryption=sqs.QueueEncryption.SQS_MANAGED)
        _lint_ignore(self.dead_letters.node.default_child, "ES6000")   # it is the dead-letter queue
        self.alarm_topic = sns.Topic(self, "Alarms", topic_name=names.resource("alarms"),
                                     display_name=f"{store.store_id} alarms",
                                     enforce_ssl=True)
        sns.Subscription(self, "AlarmEmail", topic=self.alarm_topic,
                         protocol=sns.SubscriptionProtocol.EMAIL, endpoint=store.alarm_email,
                         dead_letter_queue=self.dead_letters)
        self._provider_logs = logs.LogGroup(self, "ProviderLogs",
                                            retention=logs.RetentionDays.THREE_MONTHS,
                                            removal_policy=RemovalPolicy.DESTROY)
        self.roles = self._roles()
        self.app = self._chalice_app()
        self._async_failures()
        self._fast_sms()
        self.origin_secret = self._origin_lock()
        self.distribution = self._distribution(self._web_acl_arn())
        self._publish_site()
        self._sms_settings()
        self._alarms()
        Aspects.of(self).add(CdkProviderFunctions())
        CfnOutput(self, "SiteUrl", value=store.public_base_url)
        CfnOutput(self, "DistributionDomain", value=self.distribution.distribution_domain_name,
                  description=f"point {store.domain} here (CNAME)")
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "TablePrefix", value=names.table_prefix)

    # -- data -------------------------------------------------------------------------------
    def _tables(self) -> dict[str, dynamodb.CfnTable]:
        """Every table of chalicelib.db.schema: on demand, PITR, deletion protection, TTL."""
        tables = {}
        for definition in table_definitions():
            request = definition.create_table_request(self.names.table(definition.base_name))
            table = dynamodb.CfnTable(
                self, f"Table{''.join(p.title() for p in definition.base_name.split('_'))}",
                table_name=request["TableName"],
                billing_mode=request["BillingMode"],
                attribute_definitions=[dynamodb.CfnTable.AttributeDefinitionProperty(
                    attribute_name=a["AttributeName"], attribute_type=a["AttributeType"])
                    for a in request["AttributeDefinitions"]],
                key_schema=_key_schema(request["KeySchema"]),
                global_secondary_indexes=[dynamodb.CfnTable.GlobalSecondaryIndexProperty(
                    index_name=i["IndexName"], key_schema=_key_schema(i["KeySchema"]),
                    projection=dynamodb.CfnTable.ProjectionProperty(
                        projection_type=i["Projection"]["ProjectionType"]))
                    for i in request.get("GlobalSecondaryIndexes", [])] or None,
                point_in_time_recovery_specification=dynamodb.CfnTable
                .PointInTimeRecoverySpecificationProperty(point_in_time_recovery_enabled=True),
                deletion_protection_enabled=True,
                sse_specification=dynamodb.CfnTable.SSESpecificationProperty(sse_enabled=True),
                time_to_live_specification=dynamodb.CfnTable.TimeToLiveSpecificationProperty(
                    attribute_name=definition.ttl_attribute, enabled=True)
                if definition.ttl_attribute else None,
                stream_specification=dynamodb.CfnTable.StreamSpecificationProperty(
                    stream_view_type=definition.stream_view_type)
                if definition.stream_view_type else None,
            )
            table.apply_removal_policy(RemovalPolicy.RETAIN)
            tables[definition.base_name] = table
        return tables

    def _files_bucket(self) -> s3.Bucket:
        """Photos, signatures and signed documents: private, encrypted, versioned."""
        bucket = s3.Bucket(
            self, "Files",
            bucket_name=self.names.bucket("files", Aws.ACCOUNT_ID, Aws.REGION),
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True, versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,
            # the browser PUTs photos straight to S3 with presigned URLs
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.PUT, s3.HttpMethods.GET],
                              allowed_origins=[self.store.public_base_url],
                              # if-none-match: the presigned PUT may only create (never replace)
                              allowed_headers=["content-type", "content-length", "if-none-match"],
                              max_age=3600)],
            lifecycle_rules=[s3.LifecycleRule(
                id="old-versions", abort_incomplete_multipart_upload_after=Duration.days(7),
                noncurrent_version_expiration=Duration.days(365))])
        return bucket

    def _site_bucket(self) -> s3.Bucket:
        return s3.Bucket(
            self, "Site", bucket_name=self.names.bucket("site", Aws.ACCOUNT_ID, Aws.REGION),
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN)

    def _user_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        """Staff sign-in: one group per role, custom:store_id checked by the authorizer."""
        pool = cognito.UserPool(
            self, "Staff", user_pool_name=self.names.resource("staff"),
            self_sign_up_enabled=False, sign_in_aliases=cognito.SignInAliases(username=True),
            standard_attributes=cognito.StandardAttributes(
                fullname=cognito.StandardAttribute(required=False, mutable=True)),
            custom_attributes={staff_pool.STORE_ATTRIBUTE: cognito.StringAttribute(mutable=True)},
            password_policy=cognito.PasswordPolicy(
                min_length=staff_pool.PASSWORD_MIN_LENGTH, require_digits=True,
                require_lowercase=True, require_uppercase=False, require_symbols=False),
            mfa=cognito.Mfa.OPTIONAL, mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.NONE,   # the manager resets passwords
            deletion_protection=True, removal_policy=RemovalPolicy.RETAIN)
        flows = set(staff_pool.AUTH_FLOWS)
        client = pool.add_client(
            "Portal", user_pool_client_name=staff_pool.CLIENT_NAME, generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password="USER_PASSWORD_AUTH" in flows),
            prevent_user_existence_errors=True,
            id_token_validity=Duration.minutes(60), access_token_validity=Duration.minutes(60),
            refresh_token_validity=Duration.days(30))
        for role in staff_pool.ROLE_GROUPS:
            cognito.CfnUserPoolGroup(self, f"Group{role.title().replace('_', '')}",
                                     user_pool_id=pool.user_pool_id, group_name=role)
        return pool, client

    # -- functions --------------------------------------------------------------------------
    def _roles(self) -> dict[str, iam.Role]:
        docs = policies.documents(
            stack_name=self.names.stack,
            table_arns=[t.attr_arn for t in self.tables.values()],
            outbox_stream_arn=self.tables["outbox"].attr_stream_arn,
            files_bucket_arn=self.files_bucket.bucket_arn,
            user_pool_arn=self.user_pool.user_pool_arn)
        return {name: iam.Role(
            self, f"Role{FUNCTION_IDS[name]}", role_name=None,
            description=f"{self.store.store_id}: {name} (hand-written, least privilege)",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            inline_policies={"least-privilege": document}) for name, document in docs.items()}

    def _chalice_app(self) -> Chalice:
        store, names = self.store, self.names
        environment = {
            "APP_STAGE": names.stage, "STORE_ID": store.store_id, "STORE_NAME": store.name,
            "STORE_TIMEZONE": store.timezone, "SMS_SIGNATURE": store.sms_signature,
            "SMS_SENDER_ID": store.sms_sender_id, "TABLE_PREFIX": names.table_prefix,
            "FILES_BUCKET": self.files_bucket.bucket_name,
            "COGNITO_USER_POOL_ID": self.user_pool.user_pool_id,
            "COGNITO_CLIENT_ID": self.portal_client.user_pool_client_id,
            "PUBLIC_BASE_URL": store.public_base_url,
            # a dynamic reference: resolved by CloudFormation at deploy time, not in the template
            "APP_SECRET_KEY": self.secret.secret_value.unsafe_unwrap(),
        }
        stage_config = {
            "api_gateway_stage": API_STAGE,
            "api_gateway_endpoint_type": "REGIONAL",     # CloudFront is the edge
            "environment_variables": environment,
            "manage_iam_role": False, "autogen_policy": False,
            "automatic_layer": True, "xray": True,
            "lambda_timeout": 30, "lambda_memory_size": 512,
            "tags": {"store": store.store_id},
            # Chalice takes one role here; each function gets its own role just below
            "iam_role_arn": self.roles["api_handler"].role_arn,
        }
        app = Chalice(self, "App", source_dir=str(ROOT), stage_config=stage_config)
        app.get_resource("ManagedLayer").add_property_override(
            "LayerName", names.resource("dependencies"))
        self.log_groups = {}
        for name, role in self.roles.items():
            # named functions, and their log groups made first: a function invoked before its
            # group exists would create it, and the stack's group would then fail. (Chalice's
            # own log_retention_in_days would also misname the API handler's group.)
            function_name = names.resource(name.replace("_", "-"))
            log_group = logs.CfnLogGroup(self, f"{FUNCTION_IDS[name]}Logs",
                                         log_group_name=f"/aws/lambda/{function_name}",
                                         retention_in_days=LOG_RETENTION_DAYS)
            self.log_groups[name] = log_group
            function = app.get_resource(FUNCTION_IDS[name])
            function.add_property_override("FunctionName", function_name)
            function.add_dependency(log_group)
            function.add_property_override("Role", role.role_arn)
            if name in TIMEOUTS:
                function.add_property_override("Timeout", TIMEOUTS[name])
        rest_api = app.get_resource("RestAPI")
        rest_api.add_property_override(
            "DefinitionBody.x-amazon-apigateway-gateway-responses",
            {kind: {"statusCode": str(GATEWAY_RESPONSES[code][0]),
                    "responseParameters": {
                        "gatewayresponse.header.Content-Type": "'application/json'"},
                    "responseTemplates": {"application/json": error_body(code)}}
             for kind, code in GATEWAY_RESPONSE_TYPES.items()})
        # issue 14, unknown methods: a method a path does not take goes to the app, which answers
        # 405 in the error shape with the path's Allow (as the local stack does), instead of API
        # Gateway's 403 MISSING_AUTHENTICATION_TOKEN (shown as 404: the path exists). A path that
        # is no route stays 404. Explicit methods take precedence over ANY.
        for path in route_methods():
            rest_api.add_property_override(
                "DefinitionBody.paths." + path.replace(".", "\\.") + ".x-amazon-apigateway-any-method",
                OTHER_METHODS)
        # one deployment of the API per store: throttle beyond what a store ever sends
        rest_api.add_property_override("MethodSettings", [{
            "ResourcePath": "/*", "HttpMethod": "*",
            "ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100}])
        access_logs = logs.LogGroup(
            self, "ApiAccessLogs", log_group_name=self.names.resource("api-access"),
            retention=logs.RetentionDays.THREE_MONTHS, removal_policy=RemovalPolicy.DESTROY)
        rest_api.add_property_override("TracingEnabled", True)
        rest_api.add_property_override("AccessLogSetting", {
            "DestinationArn": access_logs.log_group_arn,
            # no query strings or bodies: customer links carry tokens, bodies carry phones
            "Format": json.dumps({
                "time": "$context.requestTime", "id": "$context.requestId",
                "ip": "$context.identity.sourceIp", "method": "$context.httpMethod",
                "route": "$context.resourcePath", "status": "$context.status",
                "ms": "$context.responseLatency", "error": "$context.error.responseType"})})
        return app

    def _async_failures(self) -> None:
        """Scheduled (asynchronous) functions: two retries, then the dead-letter queue."""
        for name in SCHEDULED:
            function = self.app.get_resource(FUNCTION_IDS[name])
            function.add_property_override("EventInvokeConfig", {
                "MaximumRetryAttempts": ASYNC_RETRIES,
                "MaximumEventAgeInSeconds": 3600,
                "DestinationConfig": {"OnFailure": {
                    "Type": "SQS", "Destination": self.dead_letters.queue_arn}}})
            self.roles[name].add_to_policy(iam.PolicyStatement(
                sid="DeadLetters", actions=["sqs:SendMessage"],
                resources=[self.dead_letters.queue_arn]))
            # and the schedule's own target: an event EventBridge cannot deliver
            event_id = f"{FUNCTION_IDS[name]}Event"
            function.add_property_override(f"Events.{event_id}.Properties.DeadLetterConfig",
                                           {"Arn": self.dead_letters.queue_arn})
            Validations.of(function).acknowledge(Acknowledgment(
                id="CloudFormation-Validate::E0001",
                reason="CDK's validator reads the SAM event without its Schedule once a property "
                       "is overridden; the written template has both (cfn-lint checks it)"))
        self.dead_letters.add_to_resource_policy(iam.PolicyStatement(
            sid="UndeliveredSchedules", actions=["sqs:SendMessage"],
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            resources=[self.dead_letters.queue_arn],
            conditions={"ArnLike": {"aws:SourceArn": f"arn:{Aws.PARTITION}:events:{Aws.REGION}:"
                                                     f"{Aws.ACCOUNT_ID}:rule/{self.names.stack}-*"}}))

    def _fast_sms(self) -> None:
        """fastsms: the outbox's stream triggers outbox_fast_path (Chalice's template names a
        placeholder stream, app.OUTBOX_STREAM): batches of 10 as soon as they come, only the
        images of queued messages (claims and final states are filtered out by Lambda),
        failures split and retried, then recorded in the dead-letter queue."""
        function = self.app.get_resource(FUNCTION_IDS["outbox_fast_path"])
        event = "Events.OutboxFastPathDynamodbEventSource.Properties"
        function.add_property_override(f"{event}.Stream", self.tables["outbox"].attr_stream_arn)
        function.add_property_override(f"{event}.BisectBatchOnFunctionError", True)
        function.add_property_override(f"{event}.MaximumRetryAttempts", STREAM_RETRIES)
        function.add_property_override(f"{event}.MaximumRecordAgeInSeconds", STREAM_MAX_AGE)
        function.add_property_override(f"{event}.DestinationConfig", {
            "OnFailure": {"Type": "SQS", "Destination": self.dead_letters.queue_arn}})
        function.add_property_override(f"{event}.FilterCriteria", {"Filters": [{"Pattern": json.dumps(
            {"eventName": ["INSERT", "MODIFY"],
             "dynamodb": {"NewImage": {"queue": {"S": ["pending"]}}}})}]})
        self.roles["outbox_fast_path"].add_to_policy(iam.PolicyStatement(
            sid="DeadLetters", actions=["sqs:SendMessage"], resources=[self.dead_letters.queue_arn]))
        Validations.of(function).acknowledge(Acknowledgment(
            id="CloudFormation-Validate::E0001",
            reason="CDK's validator reads the SAM event without its properties once one is "
                   "overridden; the written template has them all (cfn-lint checks it)"))

    # -- edge -------------------------------------------------------------------------------
    def _origin_lock(self) -> secretsmanager.Secret:
        """API Gateway's own address answers only what came through CloudFront (and so through
        its web firewall and rate rules): a regional web ACL on the stage blocks every request
        without the secret header CloudFront adds (403, API.md error shape)."""
        secret = secretsmanager.Secret(
            self, "OriginVerify", secret_name=self.names.resource("origin-verify"),
            description="CloudFront -> API Gateway: the header value that proves a request "
                        "came through CloudFront (and its web ACL)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True),
            removal_policy=RemovalPolicy.DESTROY)
        names = self.names

        def visibility(name: str) -> waf.CfnWebACL.VisibilityConfigProperty:
            return waf.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, sampled_requests_enabled=True,
                metric_name=f"{names.prefix}-{name}")

        acl = waf.CfnWebACL(
            self, "ApiOriginLock", name=names.resource("api-origin"), scope="REGIONAL",
            default_action=waf.CfnWebACL.DefaultActionProperty(block=waf.CfnWebACL.BlockActionProperty(
                custom_response=waf.CfnWebACL.CustomResponseProperty(
                    response_code=GATEWAY_RESPONSES["forbidden"][0],
                    custom_response_body_key="forbidden"))),
            visibility_config=visibility("api-origin"),
            custom_response_bodies={"forbidden": waf.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON", content=error_body("forbidden"))},
            rules=[waf.CfnWebACL.RuleProperty(
                name="through-cloudfront", priority=0, visibility_config=visibility("through-cloudfront"),
                action=waf.CfnWebACL.RuleActionProperty(allow={}),
                statement=waf.CfnWebACL.StatementProperty(
                    byte_match_statement=waf.CfnWebACL.ByteMatchStatementProperty(
                        field_to_match=waf.CfnWebACL.FieldToMatchProperty(
                            single_header={"Name": ORIGIN_HEADER}),
                        positional_constraint="EXACTLY",
                        search_string=secret.secret_value.unsafe_unwrap(),
                        text_transformations=[waf.CfnWebACL.TextTransformationProperty(
                            priority=0, type="NONE")])))])
        # "RestAPI.Stage": the stage SAM makes for Chalice's API (a reference, so the association
        # waits for it)
        stage_arn = Fn.join("", [
            "arn:", Aws.PARTITION, ":apigateway:", Aws.REGION, "::/restapis/",
            Fn.ref("RestAPI"), "/stages/", Fn.ref("RestAPI.Stage")])
        waf.CfnWebACLAssociation(self, "ApiOriginLockAssociation", resource_arn=stage_arn,
                                 web_acl_arn=acl.attr_arn)
        return secret

    def _headers_policy(self, id_: str, purpose: str, csp: str, *, override_csp: bool,
                        comment: str) -> cloudfront.ResponseHeadersPolicy:
        """The security headers of chalicelib/headers.py, and HSTS (HTTPS: here only)."""
        return cloudfront.ResponseHeadersPolicy(
            self, id_, response_headers_policy_name=self.names.resource(purpose), comment=comment,
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=override_csp),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(HSTS_MAX_AGE),
                    include_subdomains=True, preload=False, override=True)))

    def _web_acl_arn(self) -> str:
        """The edge stack's web ACL (us-east-1), read from its SSM parameter at deploy time."""
        from .edge_stack import EDGE_REGION, web_acl_parameter
        name = web_acl_parameter(self.store)
        call = cr.AwsSdkCall(service="SSM", action="getParameter", region=EDGE_REGION,
                             parameters={"Name": name},
                             physical_resource_id=cr.PhysicalResourceId.of(name))
        reader = cr.AwsCustomResource(
            self, "WebAclArn", on_create=call, on_update=call, install_latest_aws_sdk=False,
            log_group=self._provider_logs,
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(
                actions=["ssm:GetParameter"],
                resources=[f"arn:{Aws.PARTITION}:ssm:{EDGE_REGION}:{Aws.ACCOUNT_ID}:parameter{name}"])]))
        return reader.get_response_field("Parameter.Value")

    def _distribution(self, web_acl_arn: str) -> cloudfront.Distribution:
        """One origin for the browser: the sites from S3, /api/* and /l/* from API Gateway."""
        api_domain = Fn.join("", [self.app.get_resource("RestAPI").ref,
                                  ".execute-api.", Aws.REGION, ".", Aws.URL_SUFFIX])
        api_origin = origins.HttpOrigin(
            api_domain, origin_path=f"/{API_STAGE}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            # CloudFront replaces a header of that name a viewer would send
            custom_headers={ORIGIN_HEADER: self.origin_secret.secret_value.unsafe_unwrap()})
        # presigned photo and signature URLs: path-style, the files bucket (services/files.py)
        files = files_url(f"https://s3.{Aws.REGION}.{Aws.URL_SUFFIX}", self.files_bucket.bucket_name)
        page_headers = self._headers_policy(
            "PageHeaders", "page-headers", page_csp(files), override_csp=True,
            comment="Booking site, customer pages, portal: no inline script, no framing")
        api_headers = self._headers_policy(
            "ApiHeaders", "api-headers", API_CSP, override_csp=False,
            comment="API and short links: the app sets these too; API Gateway's own answers get them here")
        api = cloudfront.BehaviorOptions(
            origin=api_origin, response_headers_policy=api_headers,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            # with caching disabled this forwards Authorization, query and body; not the Host
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
        index = cloudfront.Function(
            self, "DirectoryIndex", function_name=self.names.resource("index"),
            code=cloudfront.FunctionCode.from_inline(INDEX_FUNCTION),
            runtime=cloudfront.FunctionRuntime.JS_2_0)
        distribution = cloudfront.Distribution(
            self, "Web", comment=f"{self.store.store_id} booking site, portal and API",
            default_root_object="index.html",
            domain_names=[self.store.domain],
            certificate=acm.Certificate.from_certificate_arn(
                self, "Certificate", self.store.certificate_arn),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,   # includes Hong Kong, Asia
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            web_acl_id=web_acl_arn,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.site_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=page_headers,
                function_associations=[cloudfront.FunctionAssociation(
                    function=index, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST)]),
            additional_behaviors={"/api/*": api, "/l/*": api})
        return distribution

    def _publish_site(self) -> None:
        """The static sites (frontend/) go to S3 with each deploy; CloudFront is invalidated."""
        s3deploy.BucketDeployment(
            self, "PublishSite", sources=[s3deploy.Source.asset(str(ROOT / "frontend"))],
            destination_bucket=self.site_bucket, distribution=self.distribution,
            distribution_paths=["/*"], prune=True, memory_limit=256,
            log_group=logs.LogGroup(self, "PublishSiteLogs",
                                    retention=logs.RetentionDays.THREE_MONTHS,
                                    removal_policy=RemovalPolicy.DESTROY))

    def _sms_settings(self) -> None:
        """SNS SMS: transactional, the store's spend limit (account-wide setting of the region)."""
        attributes = {"DefaultSMSType": "Transactional",
                      "MonthlySpendLimit": str(self.store.sms_monthly_spend_limit_usd)}
        if self.store.sms_sender_id:
            attributes["DefaultSenderID"] = self.store.sms_sender_id
        call = cr.AwsSdkCall(service="SNS", action="setSMSAttributes",
                             parameters={"attributes": attributes},
                             physical_resource_id=cr.PhysicalResourceId.of(
                                 self.names.resource("sms-settings")))
        cr.AwsCustomResource(
            self, "SmsSettings", on_create=call, on_update=call,
            install_latest_aws_sdk=False, log_group=self._provider_logs,
            policy=cr.AwsCustomResourcePolicy.from_statements([iam.PolicyStatement(
                actions=["sns:SetSMSAttributes"], resources=["*"])]))

    # -- alarms -----------------------------------------------------------------------------
    def _alarms(self) -> None:
        action = cw_actions.SnsAction(self.alarm_topic)

        def alarm(id_: str, metric: cloudwatch.IMetric, threshold: float, description: str,
                  periods: int = 1) -> None:
            cloudwatch.Alarm(
                self, id_, alarm_name=self.names.resource(_kebab(id_)), metric=metric,
                threshold=threshold, evaluation_periods=periods,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description).add_alarm_action(action)

        for name, logical_id in FUNCTION_IDS.items():
            function = Fn.ref(logical_id)
            for metric_name, threshold in (("Errors", 1), ("Throttles", 1)):
                alarm(f"{logical_id}{metric_name}", cloudwatch.Metric(
                    namespace="AWS/Lambda", metric_name=metric_name,
                    dimensions_map={"FunctionName": function}, statistic="Sum",
                    period=Duration.minutes(5)), threshold,
                    f"{name}: {metric_name.lower()} in the last 5 minutes")
        alarm("DeadLettersWaiting", self.dead_letters.metric_approximate_number_of_messages_visible(
            period=Duration.minutes(5)), 1,
            "A scheduled run failed three times, a batch of the outbox's stream could not be "
            "handled, or an alarm mail bounced: read the queue")
        # fastsms: the stream's records waiting longer than a minute: confirmations are late
        alarm("OutboxFastPathIteratorAge", cloudwatch.Metric(
            namespace="AWS/Lambda", metric_name="IteratorAge",
            dimensions_map={"FunctionName": Fn.ref(FUNCTION_IDS["outbox_fast_path"])},
            statistic="Maximum", period=Duration.minutes(5)), 60_000,
            "SMS due at once wait over a minute for the fast path (the sweep still sends them)")
        # SMS the senders gave up on (after their retries), counted from their structured logs
        for event, threshold, what in (("sms_failed", 1, "SMS could not be sent"),
                                       ("sms_retry", 10, "SMS sending keeps failing (SNS?)")):
            metric_name = event.replace("_", " ").title().replace(" ", "")
            for sender in SENDERS:
                # the sweep's filters keep their ids; the fast path's are named after it
                prefix = "" if sender == "outbox_sweep" else FUNCTION_IDS[sender]
                logs.CfnMetricFilter(
                    self, f"{prefix}{metric_name}Filter",
                    log_group_name=self.log_groups[sender].ref,   # made after it
                    filter_pattern=logs.FilterPattern.string_value("$.event", "=", event).log_pattern_string,
                    metric_transformations=[logs.CfnMetricFilter.MetricTransformationProperty(
                        metric_namespace=f"Aftersales/{self.store.store_id}", metric_name=metric_name,
                        metric_value="1", default_value=0)])
            alarm(metric_name, cloudwatch.Metric(
                namespace=f"Aftersales/{self.store.store_id}", metric_name=metric_name,
                statistic="Sum", period=Duration.minutes(15)), threshold, what)
        spend_alarm_at = (self.store.sms_monthly_spend_limit_usd
                          * self.store.sms_alarm_at_percent / 100)
        alarm("SmsSpendNearLimit", cloudwatch.Metric(
            namespace="AWS/SNS", metric_name="SMSMonthToDateSpentUSD", statistic="Maximum",
            period=Duration.hours(1)), spend_alarm_at,
            f"SMS spend passed {self.store.sms_alarm_at_percent}% of the monthly limit "
            f"(US${self.store.sms_monthly_spend_limit_usd}); SNS stops sending at the limit")


def _lint_ignore(resource: CfnResource, *checks: str) -> None:
    """Tell cfn-lint a finding does not apply here (each call says why)."""
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": list(checks)}})


@jsii.implements(IAspect)
class CdkProviderFunctions:
    """CDK's own provider functions (site upload, SMS settings, cross-region export) run a few
    times per deploy: the serverless rules for request-serving functions do not apply."""

    def visit(self, node) -> None:
        if isinstance(node, CfnResource) and node.cfn_resource_type == "AWS::Lambda::Function":
            _lint_ignore(node, "WS1000", "WS1004", "ES1005", "W3005")


def _key_schema(schema: list[dict]) -> list[dynamodb.CfnTable.KeySchemaProperty]:
    return [dynamodb.CfnTable.KeySchemaProperty(attribute_name=k["AttributeName"],
                                                key_type=k["KeyType"]) for k in schema]


def _kebab(camel: str) -> str:
    """APIHandlerErrors -> api-handler-errors."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", camel).lower()
