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

GATEWAY_RESPONSES = {
    "not_found": (404, "No such endpoint"),
    "unauthorized": (401, "Please sign in (missing, invalid or expired token)"),
    "forbidden": (403, "You may not do this"),
}


class GatewayAnswer(LocalGatewayException):
    def __init__(self, code: str):
        status, message = GATEWAY_RESPONSES[code]
        self.CODE = status
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
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
