"""chalice's local API Gateway, answering the way the deployed API Gateway is set up to.

In AWS, gateway responses (infra/) give API Gateway's own refusals the error
shape of API.md: unknown route -> 404 ``not_found``, authorizer said
"Unauthorized" (bad, expired or missing token) -> 401 ``unauthorized``,
authorizer denied (token of another store) -> 403 ``forbidden``. chalice's
LocalGateway enforces the built-in authorizer but answers in API Gateway's
default shapes; this subclass answers as the deployment does. The local
server and the API tests both use it.
"""
from __future__ import annotations

import json

from chalice.local import ForbiddenError, LocalGateway, LocalGatewayException, NotAuthorizedError

# error code -> (status, message): the one definition of API Gateway's own answers, used
# here and by the deployment (infra/cdk: gateway responses, and the WAF's 429)
GATEWAY_RESPONSES = {
    "not_found": (404, "No such endpoint"),
    "unauthorized": (401, "Please sign in (missing, invalid or expired token)"),
    "forbidden": (403, "You may not do this"),
    "too_many_requests": (429, "Too many requests: please wait a minute and try again"),
    "bad_request": (400, "The request could not be read"),
    "unavailable": (503, "The service is busy: please try again shortly"),
    # a method the path does not take: API Gateway (a mock on every path's other methods) and
    # the web ACL (methods CloudFront never forwards), as the app answers it (http.py)
    "method_not_allowed": (405, "This address does not take this method"),
}
# the methods CloudFront forwards to the API (AllowedMethods.ALLOW_ALL); any other method is
# answered at the edge, 405. The sites (S3) take GET and HEAD only.
EDGE_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE")
SITE_METHODS = ("GET", "HEAD")


def error_body(code: str) -> str:
    """The API.md error shape of one gateway answer, as JSON text."""
    return json.dumps({"error": {"code": code, "message": GATEWAY_RESPONSES[code][1]}})


class GatewayAnswer(LocalGatewayException):
    def __init__(self, code: str):
        status = GATEWAY_RESPONSES[code][0]
        self.CODE = status
        body = error_body(code).encode()
        super().__init__({"Content-Type": "application/json"}, body)


def route_methods(app=None) -> dict[str, list[str]]:
    """Each API path and the methods it takes, in the app's order (as its 405 names them)."""
    if app is None:
        from app import app
    return {path: list(methods) for path, methods in app.routes.items()}


def api_methods(app=None) -> list[str]:
    """Every method some API path takes (the Allow of an unknown method at the edge)."""
    return sorted({m for methods in route_methods(app).values() for m in methods})


class ApiGateway(LocalGateway):
    def allowed(self, url: str) -> str:
        """The Allow header of a 405 for ``url``: its route's methods, or every API method for a
        path that is no route (the edge cannot tell them apart)."""
        from chalice.local import RouteMatcher
        routes = route_methods(self._app_object)
        try:
            route = RouteMatcher(list(routes)).match_route(url).route
        except ValueError:
            return ", ".join(api_methods(self._app_object))
        return ", ".join(routes[route])

    def handle_request(self, method, path, headers, body):
        try:
            return super().handle_request(method, path, headers, body)
        except NotAuthorizedError:
            raise GatewayAnswer("unauthorized") from None
        except ForbiddenError as exc:
            unknown_route = b"Missing Authentication Token" in (exc.body or b"")
            raise GatewayAnswer("not_found" if unknown_route else "forbidden") from None
        except LocalGatewayException:
            raise
        except Exception as exc:
            # a Lambda authorizer failing with exactly "Unauthorized" means 401 in API Gateway
            if str(exc) == "Unauthorized":
                raise GatewayAnswer("unauthorized") from None
            raise


def make_gateway(app=None, stage: str = "local"):
    from chalice.config import Config
    if app is None:
        from app import app
    config = Config.create(chalice_stage=stage, app_name="aftersales")
    return ApiGateway(app, config)
