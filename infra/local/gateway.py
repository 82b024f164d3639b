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
}


def error_body(code: str) -> str:
    """The API.md error shape of one gateway answer, as JSON text."""
    return json.dumps({"error": {"code": code, "message": GATEWAY_RESPONSES[code][1]}})


class GatewayAnswer(LocalGatewayException):
    def __init__(self, code: str):
        status = GATEWAY_RESPONSES[code][0]
        self.CODE = status
        body = error_body(code).encode()
        super().__init__({"Content-Type": "application/json"}, body)


class ApiGateway(LocalGateway):
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
