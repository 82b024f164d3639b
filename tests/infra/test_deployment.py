"""`make synth` for every store, cfn-lint over the output, and what the templates promise.

The synthesis runs once (a subprocess, offline: the Lambda wheels come from
.venv/lambda-wheels); every test reads the written CloudFormation.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.db.schema import table_definitions
from chalicelib.domain.staff import ROLES
from infra.local.gateway import GATEWAY_RESPONSES
from infra.store_config import all_stores
from infra.synth import ROOT, lint, templates

STORES = {s.store_id: s for s in all_stores()}
NAME_PROPERTIES = ("TableName", "BucketName", "UserPoolName", "QueueName", "TopicName",
                   "AlarmName", "LogGroupName", "Name", "LayerName", "FunctionName",
                   "RoleName")


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("infra-out")
    run = subprocess.run([sys.executable, "-m", "infra.synth", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    return {store_id: out / store_id for store_id in STORES}


def template(folders: dict[str, Path], store_id: str, edge: bool = False) -> dict:
    name = STORES[store_id].names.edge_stack if edge else STORES[store_id].names.stack
    return json.loads((folders[store_id] / f"{name}.template.json").read_text(encoding="utf-8"))


def resources(tpl: dict, kind: str) -> dict[str, dict]:
    return {k: v for k, v in tpl["Resources"].items() if v["Type"] == kind}


def test_every_store_is_written_and_passes_cfn_lint_with_the_serverless_rules(synthesized):
    for store_id, folder in synthesized.items():
        names = sorted(t.name for t in templates(folder))
        assert names == [f"aftersales-{store_id}-prod-edge.template.json",
                         f"aftersales-{store_id}-prod.template.json"]
        manifest = json.loads((folder / "manifest.json").read_text())
        stacks = {k: v for k, v in manifest["artifacts"].items()
                  if v["type"] == "aws:cloudformation:stack"}
        assert stacks[f"aftersales-{store_id}-prod"]["environment"].endswith(
            f"/{STORES[store_id].region}")
        assert stacks[f"aftersales-{store_id}-prod-edge"]["environment"].endswith("/us-east-1")
    result = lint(list(synthesized.values()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_the_serverless_rules_are_really_applied(tmp_path):
    """A function without tracing or a log group is reported: the lint step is not a no-op."""
    bad = tmp_path / "bad.template.json"
    bad.write_text(json.dumps({"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.11", "Handler": "app.handler", "Role": "arn:aws:iam::123456789012:role/x",
        "Code": {"ZipFile": "def handler(e, c): pass"}}}}}))
    result = lint([tmp_path])
    assert result.returncode != 0
    assert "WS1000" in result.stdout and "ES1005" in result.stdout


def explicit_names(tpl: dict, pseudo: dict[str, str]) -> set[str]:
    """Every name a resource sets itself, with Fn::Sub/Join of pseudo parameters resolved."""
    def text(value) -> str | None:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            resolved = [text(p) for p in parts]
            return None if None in resolved else sep.join(resolved)
        if isinstance(value, dict) and "Ref" in value and value["Ref"].startswith("AWS::"):
            return pseudo[value["Ref"]]
        if isinstance(value, dict) and "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
            # ${Logical} of a resource of this stack: named after it, and the stack is per store
            return re.sub(r"\$\{([^}]+)\}", lambda m: pseudo.get(m.group(1), m.group(1)),
                          value["Fn::Sub"])
        return None

    names = set()
    for logical, resource in tpl["Resources"].items():
        for prop in NAME_PROPERTIES:
            value = resource.get("Properties", {}).get(prop)
            if value is None or (isinstance(value, dict) and (
                    "Fn::GetAtt" in value or ("Ref" in value and "::" not in value["Ref"]))):
                continue        # a reference to another resource, not a name
            name = text(value)
            assert name is not None, f"{logical}.{prop} is not a readable name: {value}"
            if prop == "LogGroupName" and name.startswith("/aws/lambda/"):
                name = f"{name} in {tpl['__stack__']}"     # functions get stack-made names
            names.add(name)
    return names


def test_two_stores_never_share_a_name_table_or_bucket(synthesized):
    pseudo = {"AWS::AccountId": "111122223333", "AWS::Region": "ap-east-1",
              "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
    per_store = {}
    for store_id in STORES:
        names = set()
        for edge in (False, True):
            tpl = template(synthesized, store_id, edge)
            tpl["__stack__"] = STORES[store_id].names.edge_stack if edge else \
                STORES[store_id].names.stack
            names |= explicit_names(tpl, pseudo)
        per_store[store_id] = names
    a, b = per_store.values()
    # in one account and region, every table, bucket, pool, queue, alarm... is the store's own
    assert not a & b, a & b
    for store_id, names in per_store.items():
        table_names = {STORES[store_id].names.table(d.base_name) for d in table_definitions()}
        assert table_names <= names
        for name in names:
            assert store_id in name, f"{name!r} does not say which store it belongs to"


def test_tables_are_deployed_exactly_as_the_code_defines_them(synthesized):
    tpl = template(synthesized, "gz-tianhe")
    deployed = {r["Properties"]["TableName"]: r for r in
                resources(tpl, "AWS::DynamoDB::Table").values()}
    assert len(deployed) == len(table_definitions())
    for definition in table_definitions():
        name = STORES["gz-tianhe"].names.table(definition.base_name)
        table = deployed[name]
        props = table["Properties"]
        request = definition.create_table_request(name)
        assert props["KeySchema"] == request["KeySchema"]
        assert props["AttributeDefinitions"] == request["AttributeDefinitions"]
        assert props.get("GlobalSecondaryIndexes", []) == request.get("GlobalSecondaryIndexes", [])
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain" and table["UpdateReplacePolicy"] == "Retain"
        if definition.ttl_attribute:
            assert props["TimeToLiveSpecification"] == {
                "AttributeName": definition.ttl_attribute, "Enabled": True}
        else:
            assert "TimeToLiveSpecification" not in props
        if definition.stream_view_type:     # fastsms: the outbox's stream
            assert props["StreamSpecification"] == {"StreamViewType": definition.stream_view_type}
        else:
            assert "StreamSpecification" not in props


def test_functions_run_with_hand_written_roles_and_the_stores_settings(synthesized):
    tpl = template(synthesized, "sz-nanshan")
    functions = resources(tpl, "AWS::Serverless::Function")
    assert set(functions) == {"APIHandler", "StaffAuthorizer", "OutboxSweep", "ComplaintEscalation",
                              "OutboxFastPath", "CampaignSend", "CareDaily"}, \
        "a new function needs its own role: FUNCTION_IDS in infra/cdk/store_stack.py, infra/cdk/policies.py"
    roles = resources(tpl, "AWS::IAM::Role")
    assert len({json.dumps(f["Properties"]["Role"]) for f in functions.values()}) == 7   # one each

    def actions(function: str) -> set[str]:
        role_id = functions[function]["Properties"]["Role"]["Fn::GetAtt"][0]
        found = set()
        policies = roles[role_id]["Properties"].get("Policies", [])
        policies += [p["Properties"]["PolicyDocument"] for p in
                     resources(tpl, "AWS::IAM::Policy").values()
                     if {"Ref": role_id} in p["Properties"]["Roles"]]
        for policy in policies:
            document = policy.get("PolicyDocument", policy)
            for statement in document["Statement"]:
                acts = statement["Action"]
                found |= set([acts] if isinstance(acts, str) else acts)
        return found

    assert not any(a.startswith("dynamodb:") for a in actions("StaffAuthorizer"))
    assert "sns:Publish" in actions("OutboxSweep")
    assert "sns:Publish" not in actions("APIHandler")
    assert "s3:PutObject" in actions("APIHandler")
    assert "s3:PutObject" not in actions("OutboxSweep")
    assert "sns:Publish" not in actions("CareDaily")     # care: it plans, the sweep sends
    assert "cognito-idp:ListUsersInGroup" in actions("ComplaintEscalation")
    # issue 15 part CAMPAIGNS: campaigns write invitations and the outbox; the sweep sends
    assert "dynamodb:Query" in actions("CampaignSend") and "sns:Publish" not in actions("CampaignSend")
    # fastsms: the fast path sends as the sweep does and alone reads the outbox's stream
    assert {"sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut", "dynamodb:GetRecords",
            "sqs:SendMessage"} <= actions("OutboxFastPath")
    assert not any("GetRecords" in a for f in functions if f != "OutboxFastPath" for a in actions(f))
    assert "s3:PutObject" not in actions("OutboxFastPath")
    assert not any("*" in a for f in functions for a in actions(f))     # no wildcard actions
    log_groups = resources(tpl, "AWS::Logs::LogGroup")
    for logical, function in functions.items():
        name = function["Properties"]["FunctionName"]
        assert name.startswith("aftersales-sz-nanshan-prod-")
        # its log group (90 days) exists before the function can write to it
        group = log_groups[function["DependsOn"][0]]["Properties"]
        assert (group["LogGroupName"], group["RetentionInDays"]) == (f"/aws/lambda/{name}", 90)
    filters = resources(tpl, "AWS::Logs::MetricFilter").values()
    assert {json.dumps(f["Properties"]["LogGroupName"]) for f in filters} == {
        json.dumps({"Ref": functions[sender]["DependsOn"][0]})
        for sender in ("OutboxSweep", "OutboxFastPath")}
    env = functions["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["STORE_ID"] == "sz-nanshan" and env["TABLE_PREFIX"] == "sz-nanshan-prod-"
    assert env["PUBLIC_BASE_URL"] == "https://service.junda-toyota.example.com"
    assert env["SMS_SIGNATURE"] == "骏达丰田"
    assert "{{resolve:secretsmanager:" in json.dumps(env["APP_SECRET_KEY"])  # not in the template


def test_scheduled_functions_have_retries_and_a_dead_letter_queue(synthesized):
    tpl = template(synthesized, "gz-tianhe")
    functions = resources(tpl, "AWS::Serverless::Function")
    queue = next(iter(resources(tpl, "AWS::SQS::Queue")))
    scheduled = {k: v for k, v in functions.items()
                 if any(e["Type"] == "Schedule" for e in v["Properties"].get("Events", {}).values())}
    assert {k: [e["Properties"]["Schedule"] for e in v["Properties"]["Events"].values()]
            for k, v in scheduled.items()} == {"OutboxSweep": ["rate(1 minute)"],
                                               "ComplaintEscalation": ["rate(15 minutes)"],
                                               "CampaignSend": ["rate(5 minutes)"],
                                               "CareDaily": ["rate(15 minutes)"]}
    for function in scheduled.values():
        config = function["Properties"]["EventInvokeConfig"]
        assert config["DestinationConfig"]["OnFailure"]["Destination"] == {
            "Fn::GetAtt": [queue, "Arn"]}
        assert config["MaximumRetryAttempts"] == 2
        for event in function["Properties"]["Events"].values():
            assert event["Properties"]["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}


def test_the_outbox_stream_triggers_the_fast_path_with_retries_and_dead_letters(synthesized):
    """fastsms: new and requeued outbox messages reach outbox_fast_path from the table's stream."""
    tpl = template(synthesized, "gz-tianhe")
    functions = resources(tpl, "AWS::Serverless::Function")
    queue = next(iter(resources(tpl, "AWS::SQS::Queue")))
    outbox = next(k for k, v in resources(tpl, "AWS::DynamoDB::Table").items()
                  if v["Properties"]["TableName"] == STORES["gz-tianhe"].names.table("outbox"))
    [event] = functions["OutboxFastPath"]["Properties"]["Events"].values()
    props = event["Properties"]
    assert event["Type"] == "DynamoDB"
    assert props["Stream"] == {"Fn::GetAtt": [outbox, "StreamArn"]}    # not Chalice's placeholder
    assert (props["StartingPosition"], props["BatchSize"], props["MaximumBatchingWindowInSeconds"]) == (
        "LATEST", 10, 0)
    assert props["BisectBatchOnFunctionError"] is True and props["MaximumRetryAttempts"] == 2
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue, "Arn"]}
    [pattern] = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT", "MODIFY"],
                       "dynamodb": {"NewImage": {"queue": {"S": ["pending"]}}}}
    alarms = {a["Properties"]["MetricName"] for a in resources(tpl, "AWS::CloudWatch::Alarm").values()}
    assert "IteratorAge" in alarms


def test_gateway_refusals_answer_in_the_api_error_shape(synthesized):
    tpl = template(synthesized, "gz-tianhe")
    api = tpl["Resources"]["RestAPI"]["Properties"]
    answers = api["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    for kind, code in (("UNAUTHORIZED", "unauthorized"), ("ACCESS_DENIED", "forbidden"),
                       ("MISSING_AUTHENTICATION_TOKEN", "not_found"),
                       ("THROTTLED", "too_many_requests")):
        status, message = GATEWAY_RESPONSES[code]
        assert answers[kind]["statusCode"] == str(status)
        body = json.loads(answers[kind]["responseTemplates"]["application/json"])
        assert body == {"error": {"code": code, "message": message}}
    assert api["StageName"] == "api" and api["EndpointConfiguration"] == "REGIONAL"


def test_a_method_a_path_does_not_take_is_405_in_the_error_shape_at_the_gateway_and_edge(synthesized):
    """Issue 14: API Gateway sends a method a route lacks (e.g. DELETE /api/store) to the app,
    which answers 405 with Allow, instead of its own 403 MISSING_AUTHENTICATION_TOKEN (404);
    the web ACL answers 405 for methods CloudFront never forwards, in the same shape."""
    from infra.local.gateway import EDGE_METHODS, SITE_METHODS, api_methods, route_methods
    tpl = template(synthesized, "gz-tianhe")
    paths = tpl["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    routes = route_methods()
    assert set(paths) == set(routes)
    for path, spec in paths.items():
        other = spec["x-amazon-apigateway-any-method"]
        integration = other["x-amazon-apigateway-integration"]
        assert integration["type"] == "aws_proxy", path
        assert "${APIHandler.Arn}" in integration["uri"]["Fn::Sub"], path
        assert "security" not in other, path
        assert {m.lower() for m in routes[path]} <= set(spec), path      # the routes stay
    edge = template(synthesized, "gz-tianhe", edge=True)
    acl = next(iter(resources(edge, "AWS::WAFv2::WebACL").values()))["Properties"]
    body = json.loads(acl["CustomResponseBodies"]["method_not_allowed"]["Content"])
    assert body == {"error": {"code": "method_not_allowed",
                              "message": GATEWAY_RESPONSES["method_not_allowed"][1]}}
    rules = {r["Name"]: r for r in acl["Rules"]}
    for name, methods, allow in (("api-methods", EDGE_METHODS, ", ".join(api_methods())),
                                 ("site-methods", SITE_METHODS, "GET, HEAD")):
        response = rules[name]["Action"]["Block"]["CustomResponse"]
        assert response["ResponseCode"] == 405
        assert response["CustomResponseBodyKey"] == "method_not_allowed"
        assert response["ResponseHeaders"] == [{"Name": "Allow", "Value": allow}]
        where, refused = rules[name]["Statement"]["AndStatement"]["Statements"]
        forwarded = refused["NotStatement"]["Statement"]["OrStatement"]["Statements"]
        assert sorted(s["ByteMatchStatement"]["SearchString"] for s in forwarded) == sorted(methods)
        assert ("NotStatement" in where) == (name == "site-methods")


def test_the_app_answers_a_method_its_route_lacks_405_as_api_gateway_sends_it(monkeypatch):
    """What the ANY method above sends: the proxy event of DELETE on /api/store."""
    from app import app
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-east-1")
    event = {"resource": "/api/store", "path": "/api/store", "httpMethod": "DELETE",
             "headers": {"accept-language": "en"}, "multiValueHeaders": {},
             "queryStringParameters": None, "multiValueQueryStringParameters": None,
             "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
             "requestContext": {"resourcePath": "/api/store", "httpMethod": "DELETE",
                                "path": "/api/store", "stage": "api"}}
    answer = app(event, None)
    assert answer["statusCode"] == 405
    headers = answer.get("headers") or {}
    assert headers["Allow"] == "GET" and headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(answer["body"])["error"] == {
        "code": "method_not_allowed", "message": "This address does not take this method"}


def test_cloudfront_serves_the_sites_and_routes_the_api_on_one_origin(synthesized):
    tpl = template(synthesized, "gz-tianhe")
    distribution = next(iter(resources(tpl, "AWS::CloudFront::Distribution").values()))
    config = distribution["Properties"]["DistributionConfig"]
    assert config["Aliases"] == ["service.junda-vw.example.com"]
    origins = {o["Id"]: o for o in config["Origins"]}
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviors) == {"/api/*", "/l/*"}
    for behavior in behaviors.values():
        origin = origins[behavior["TargetOriginId"]]
        assert origin["OriginPath"] == "/api"
        assert "execute-api" in json.dumps(origin["DomainName"])
        assert "POST" in behavior["AllowedMethods"]
    site = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert "S3OriginConfig" in site and "OriginAccessControlId" in site
    reader, field = config["WebACLId"]["Fn::GetAtt"]     # read from the edge stack's parameter
    assert field == "Parameter.Value"
    assert tpl["Resources"][reader]["Type"] == "Custom::AWS"


def _policies_of_every_behaviour(tpl: dict) -> dict[str, dict]:
    """Path pattern ("*" for the sites) -> the security headers its response policy sends."""
    config = next(iter(resources(tpl, "AWS::CloudFront::Distribution").values()))[
        "Properties"]["DistributionConfig"]
    policies = resources(tpl, "AWS::CloudFront::ResponseHeadersPolicy")
    found = {}
    for behavior in [{**config["DefaultCacheBehavior"], "PathPattern": "*"},
                     *config["CacheBehaviors"]]:
        policy = policies[behavior["ResponseHeadersPolicyId"]["Ref"]]["Properties"]
        found[behavior["PathPattern"]] = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    return found


def test_every_behaviour_sends_the_security_headers_and_hsts(synthesized):
    from chalicelib.headers import API_CSP, HSTS_MAX_AGE
    tpl = template(synthesized, "gz-tianhe")
    found = _policies_of_every_behaviour(tpl)
    assert set(found) == {"*", "/api/*", "/l/*"}
    for pattern, headers in found.items():
        assert headers["StrictTransportSecurity"] == {
            "AccessControlMaxAgeSec": HSTS_MAX_AGE, "IncludeSubdomains": True, "Override": True,
            "Preload": False}, pattern
        assert headers["ContentTypeOptions"] == {"Override": True}, pattern
        assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}, pattern
        assert headers["ReferrerPolicy"] == {"ReferrerPolicy": "no-referrer", "Override": True}
    site = found["*"]["ContentSecurityPolicy"]
    assert site["Override"] is True
    text = json.dumps(site["ContentSecurityPolicy"])
    assert "script-src 'self';" in text and "unsafe-eval" not in text
    assert "frame-ancestors 'none'" in text
    # photos and signatures: the files bucket's own address, not all of S3
    files_bucket = next(k for k, v in resources(tpl, "AWS::S3::Bucket").items()
                        if "-files-" in json.dumps(v["Properties"]["BucketName"]))
    assert f'{{"Ref": "{files_bucket}"}}' in text and "https://s3." in text
    for pattern in ("/api/*", "/l/*"):
        # the app's own policy wins (a print document's); API Gateway's refusals get this one
        assert found[pattern]["ContentSecurityPolicy"] == {
            "ContentSecurityPolicy": API_CSP, "Override": False}


def test_the_api_answers_only_requests_that_came_through_cloudfront(synthesized):
    from infra.cdk.store_stack import ORIGIN_HEADER
    for store_id in STORES:
        tpl = template(synthesized, store_id)
        [secret] = [k for k, v in resources(tpl, "AWS::SecretsManager::Secret").items()
                    if v["Properties"]["Name"].endswith("-origin-verify")]
        value = {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret},
                                   ":SecretString:::}}"]]}
        # CloudFront adds the header to every request it sends to API Gateway...
        config = next(iter(resources(tpl, "AWS::CloudFront::Distribution").values()))[
            "Properties"]["DistributionConfig"]
        api_origins = [o for o in config["Origins"] if "execute-api" in json.dumps(o["DomainName"])]
        assert api_origins
        for origin in api_origins:
            assert origin["OriginCustomHeaders"] == [{"HeaderName": ORIGIN_HEADER,
                                                      "HeaderValue": value}]
        # ...and the API's stage answers nothing else: a regional web ACL blocks by default
        [acl_id] = [k for k, v in resources(tpl, "AWS::WAFv2::WebACL").items()
                    if v["Properties"]["Scope"] == "REGIONAL"]
        acl = tpl["Resources"][acl_id]["Properties"]
        assert acl["DefaultAction"]["Block"]["CustomResponse"] == {
            "ResponseCode": 403, "CustomResponseBodyKey": "forbidden"}
        body = json.loads(acl["CustomResponseBodies"]["forbidden"]["Content"])
        assert body["error"]["code"] == "forbidden"
        [rule] = acl["Rules"]
        assert rule["Action"] == {"Allow": {}}
        match = rule["Statement"]["ByteMatchStatement"]
        assert match["FieldToMatch"] == {"SingleHeader": {"Name": ORIGIN_HEADER}}
        assert match["PositionalConstraint"] == "EXACTLY" and match["SearchString"] == value
        [association] = resources(tpl, "AWS::WAFv2::WebACLAssociation").values()
        assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
        arn = json.dumps(association["Properties"]["ResourceArn"])
        assert '{"Ref": "RestAPI"}' in arn and '{"Ref": "RestAPI.Stage"}' in arn


def test_the_web_acl_limits_each_ip_and_answers_429_in_the_error_shape(synthesized):
    edge = template(synthesized, "sz-nanshan", edge=True)
    acl = next(iter(resources(edge, "AWS::WAFv2::WebACL").values()))["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    limits = {r["Name"]: r["Statement"]["RateBasedStatement"]["Limit"]
              for r in acl["Rules"] if "RateBasedStatement" in r["Statement"]}
    assert limits == {"bookings-and-sign-in": STORES["sz-nanshan"].bookings_per_5min,
                      "api": STORES["sz-nanshan"].api_requests_per_5min}
    body = json.loads(acl["CustomResponseBodies"]["too_many_requests"]["Content"])
    assert body["error"]["code"] == "too_many_requests"
    for rule in acl["Rules"]:
        if "RateBasedStatement" in rule["Statement"]:
            assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429


def test_buckets_pool_sms_and_alarms(synthesized):
    tpl = template(synthesized, "gz-tianhe")
    buckets = {json.dumps(b["Properties"]["BucketName"]): b["Properties"]
               for b in resources(tpl, "AWS::S3::Bucket").values()}
    files = next(p for n, p in buckets.items() if "-files-" in n)
    site = next(p for n, p in buckets.items() if "-site-" in n)
    for bucket in (files, site):
        assert bucket["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True,
            "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
        assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert files["VersioningConfiguration"] == {"Status": "Enabled"}
    assert files["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == [
        "https://service.junda-vw.example.com"]

    pool = next(iter(resources(tpl, "AWS::Cognito::UserPool").values()))["Properties"]
    assert {"Name": "store_id", "AttributeDataType": "String", "Mutable": True} in pool["Schema"]
    groups = {g["Properties"]["GroupName"] for g in resources(tpl, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == set(ROLES)

    calls = [json.dumps(r["Properties"]) for r in resources(tpl, "Custom::AWS").values()]
    assert any('\\"DefaultSMSType\\":\\"Transactional\\"' in c and
               '\\"MonthlySpendLimit\\":\\"600\\"' in c for c in calls), calls

    alarms = {a["Properties"]["AlarmName"]: a["Properties"]
              for a in resources(tpl, "AWS::CloudWatch::Alarm").values()}
    for function in ("api-handler", "staff-authorizer", "outbox-sweep", "complaint-escalation",
                     "care-daily"):
        for what in ("errors", "throttles"):
            assert f"aftersales-gz-tianhe-prod-{function}-{what}" in alarms
    spend = alarms["aftersales-gz-tianhe-prod-sms-spend-near-limit"]
    assert spend["MetricName"] == "SMSMonthToDateSpentUSD" and spend["Threshold"] == 480
    assert alarms["aftersales-gz-tianhe-prod-sms-failed"]["Threshold"] == 1
    filters = [f["Properties"]["FilterPattern"] for f in resources(tpl, "AWS::Logs::MetricFilter").values()]
    assert '{ $.event = "sms_failed" }' in filters


def test_the_sam_transform_cloudformation_runs_succeeds_offline(synthesized, monkeypatch):
    """What CloudFormation does first on deploy: expand Chalice's SAM resources."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:        # our functions name their roles; no IAM lookups are needed
        def load(self):
            return {}

    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-east-1")
    for store_id in STORES:
        out = transform(template(synthesized, store_id),
                        {"AWS::Region": STORES[store_id].region, "AWS::AccountId": "111122223333"},
                        NoManagedPolicies())
        expanded = out["Resources"]
        rules = {v["Properties"]["ScheduleExpression"]: v["Properties"]["Targets"][0]
                 for v in expanded.values() if v["Type"] == "AWS::Events::Rule"}
        assert set(rules) == {"rate(1 minute)", "rate(15 minutes)", "rate(5 minutes)"}
        assert all("DeadLetterConfig" in target for target in rules.values())
        invoke = [v["Properties"] for v in expanded.values()
                  if v["Type"] == "AWS::Lambda::EventInvokeConfig"]
        # the sweep, the escalation, the campaigns and the daily care job (issue 15)
        assert len(invoke) == 4 and all(c["MaximumRetryAttempts"] == 2 for c in invoke)
        stage = next(v["Properties"] for v in expanded.values() if v["Type"] == "AWS::ApiGateway::Stage")
        assert stage["StageName"] == "api" and stage["TracingEnabled"] is True
        assert "$context.requestId" in stage["AccessLogSetting"]["Format"]
        # the origin lock is on the stage SAM makes: "RestAPI.Stage" became that stage
        stage_id = next(k for k, v in expanded.items() if v["Type"] == "AWS::ApiGateway::Stage")
        [association] = [v for v in expanded.values()
                         if v["Type"] == "AWS::WAFv2::WebACLAssociation"]
        assert {"Ref": stage_id} in association["Properties"]["ResourceArn"]["Fn::Join"][1]
        functions = [v for v in expanded.values() if v["Type"] == "AWS::Lambda::Function"
                     and v["Properties"].get("Runtime") == "python3.11"]
        assert len(functions) == 7      # issue 15: campaign_send, care_daily
        [mapping] = [v["Properties"] for v in expanded.values()
                     if v["Type"] == "AWS::Lambda::EventSourceMapping"]     # fastsms
        assert mapping["BisectBatchOnFunctionError"] is True and mapping["MaximumRetryAttempts"] == 2
        assert "StreamArn" in json.dumps(mapping["EventSourceArn"])
        assert not any(v["Type"] == "AWS::IAM::Role" and "ChaliceApp" in k for k, v in expanded.items())


# ---- lean (issue 14): the package ----------------------------------------------------------
PACKAGE_LIMIT_MB = 25


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_the_package_is_requirements_txt_pinned_and_nothing_more(synthesized):
    """The layer holds exactly requirements.txt at its pins (no botocore: the runtime's; no
    phonenumbers data, no requests), and function + layer stay small."""
    import zipfile
    wanted = _pins(ROOT / "requirements.txt")
    for store_id in STORES:
        res = template(synthesized, store_id)["Resources"]

        def archive(key: dict) -> zipfile.ZipFile:
            return zipfile.ZipFile(synthesized[store_id] / f"asset.{key['Key'].split('.')[0]}.zip")
        layer = archive(res["ManagedLayer"]["Properties"]["ContentUri"])
        code = archive(res["APIHandler"]["Properties"]["CodeUri"])
        names = layer.namelist()
        dists = {}
        for name in names:
            found = re.search(r"/site-packages/([^/]+)-([^-/]+)\.dist-info/METADATA$", name)
            if found:
                dists[re.sub(r"[-_.]+", "-", found.group(1)).lower()] = found.group(2)
        assert dists == wanted
        for unwanted in ("/botocore/", "/boto3/", "/requests/",
                         "/phonenumbers/geodata/", "/phonenumbers/carrierdata/",
                         "/phonenumbers/tzdata/"):
            assert not [n for n in names if unwanted in n], unwanted
        unzipped = sum(i.file_size for z in (layer, code) for i in z.infolist())
        assert unzipped <= PACKAGE_LIMIT_MB * 2**20, f"{store_id}: {unzipped / 2**20:.1f} MB"
