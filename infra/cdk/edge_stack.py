"""The store's web ACL: CloudFront's WAF must live in us-east-1, so it has its own small stack.

Rate-based rules per client IP (as CloudFront sees it, not a header the client
could forge) answer 429 in the API.md error shape. A method CloudFront does not forward (TRACE,
PROPFIND...; on the sites anything but GET and HEAD) is answered 405 in that shape, with Allow,
as the local server answers it, instead of CloudFront's own 403.
"""
from __future__ import annotations

from aws_cdk import Aspects, Stack, Tags
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as waf
from constructs import Construct

from infra.cdk.store_stack import CdkProviderFunctions
from infra.local.gateway import EDGE_METHODS, SITE_METHODS, api_methods, error_body
from infra.store_config import StoreConfig

EDGE_REGION = "us-east-1"
# sign-in, booking and SMS codes: what a script would hammer
SENSITIVE = (("POST", "/api/bookings"), ("POST", "/api/verifications"), ("POST", "/api/auth/login"))


def web_acl_parameter(store: StoreConfig) -> str:
    return f"/aftersales/{store.names.prefix}/web-acl-arn"


def _starts_with(path: str) -> waf.CfnWebACL.StatementProperty:
    return waf.CfnWebACL.StatementProperty(byte_match_statement=waf.CfnWebACL.ByteMatchStatementProperty(
        field_to_match=waf.CfnWebACL.FieldToMatchProperty(uri_path={}),
        positional_constraint="STARTS_WITH", search_string=path,
        text_transformations=[waf.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")]))


def _request(method: str, path: str) -> waf.CfnWebACL.StatementProperty:
    method_match = waf.CfnWebACL.StatementProperty(byte_match_statement=waf.CfnWebACL.ByteMatchStatementProperty(
        field_to_match=waf.CfnWebACL.FieldToMatchProperty(method={}),
        positional_constraint="EXACTLY", search_string=method,
        text_transformations=[waf.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")]))
    return waf.CfnWebACL.StatementProperty(and_statement=waf.CfnWebACL.AndStatementProperty(
        statements=[method_match, _starts_with(path)]))


def _method_is_not(methods: tuple[str, ...]) -> waf.CfnWebACL.StatementProperty:
    matches = [waf.CfnWebACL.StatementProperty(byte_match_statement=waf.CfnWebACL.ByteMatchStatementProperty(
        field_to_match=waf.CfnWebACL.FieldToMatchProperty(method={}),
        positional_constraint="EXACTLY", search_string=method,
        text_transformations=[waf.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")]))
        for method in methods]
    return waf.CfnWebACL.StatementProperty(not_statement=waf.CfnWebACL.NotStatementProperty(
        statement=waf.CfnWebACL.StatementProperty(
            or_statement=waf.CfnWebACL.OrStatementProperty(statements=matches))))


class EdgeStack(Stack):
    def __init__(self, scope: Construct, *, store: StoreConfig, **kwargs):
        names = store.names
        super().__init__(scope, names.edge_stack, stack_name=names.edge_stack,
                         description=f"After-sales service system: web ACL of {store.store_id}",
                         **kwargs)
        Tags.of(self).add("app", "aftersales")
        Tags.of(self).add("store", store.store_id)

        def visibility(name: str) -> waf.CfnWebACL.VisibilityConfigProperty:
            return waf.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, sampled_requests_enabled=True,
                metric_name=f"{names.prefix}-{name}")

        too_many = waf.CfnWebACL.RuleActionProperty(block=waf.CfnWebACL.BlockActionProperty(
            custom_response=waf.CfnWebACL.CustomResponseProperty(
                response_code=429, custom_response_body_key="too_many_requests")))

        def rate_rule(name: str, priority: int, limit: int,
                      scope_down: waf.CfnWebACL.StatementProperty) -> waf.CfnWebACL.RuleProperty:
            return waf.CfnWebACL.RuleProperty(
                name=name, priority=priority, action=too_many, visibility_config=visibility(name),
                statement=waf.CfnWebACL.StatementProperty(
                    rate_based_statement=waf.CfnWebACL.RateBasedStatementProperty(
                        aggregate_key_type="IP", limit=limit, evaluation_window_sec=300,
                        scope_down_statement=scope_down)))

        sensitive = waf.CfnWebACL.StatementProperty(or_statement=waf.CfnWebACL.OrStatementProperty(
            statements=[_request(m, p) for m, p in SENSITIVE]))
        api = waf.CfnWebACL.StatementProperty(or_statement=waf.CfnWebACL.OrStatementProperty(
            statements=[_starts_with("/api/"), _starts_with("/l/")]))

        def not_allowed(name: str, priority: int, where: waf.CfnWebACL.StatementProperty,
                        methods: tuple[str, ...], allow: str) -> waf.CfnWebACL.RuleProperty:
            """Issue 14: 405 in the error shape for a method the edge does not forward there."""
            return waf.CfnWebACL.RuleProperty(
                name=name, priority=priority, visibility_config=visibility(name),
                action=waf.CfnWebACL.RuleActionProperty(block=waf.CfnWebACL.BlockActionProperty(
                    custom_response=waf.CfnWebACL.CustomResponseProperty(
                        response_code=405, custom_response_body_key="method_not_allowed",
                        response_headers=[waf.CfnWebACL.CustomHTTPHeaderProperty(
                            name="Allow", value=allow)]))),
                statement=waf.CfnWebACL.StatementProperty(and_statement=waf.CfnWebACL.AndStatementProperty(
                    statements=[where, _method_is_not(methods)])))

        site = waf.CfnWebACL.StatementProperty(
            not_statement=waf.CfnWebACL.NotStatementProperty(statement=api))
        self.web_acl = waf.CfnWebACL(
            self, "WebAcl", name=names.resource("web"), scope="CLOUDFRONT",
            default_action=waf.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility("web"),
            custom_response_bodies={"too_many_requests": waf.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON", content=error_body("too_many_requests")),
                "method_not_allowed": waf.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=error_body("method_not_allowed"))},
            rules=[
                waf.CfnWebACL.RuleProperty(
                    name="known-bad-ips", priority=0,
                    override_action=waf.CfnWebACL.OverrideActionProperty(none={}),
                    visibility_config=visibility("known-bad-ips"),
                    statement=waf.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=waf.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS", name="AWSManagedRulesAmazonIpReputationList"))),
                rate_rule("bookings-and-sign-in", 1, store.bookings_per_5min, sensitive),
                rate_rule("api", 2, store.api_requests_per_5min, api),
                not_allowed("api-methods", 3, api, EDGE_METHODS, ", ".join(api_methods())),
                not_allowed("site-methods", 4, site, SITE_METHODS, ", ".join(SITE_METHODS)),
            ])
        # the store's stack (another region) reads the ARN from here when it deploys
        ssm.StringParameter(self, "WebAclArn", parameter_name=web_acl_parameter(store),
                            string_value=self.web_acl.attr_arn,
                            description="CloudFront web ACL of the store")
        Aspects.of(self).add(CdkProviderFunctions())
