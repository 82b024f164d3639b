"""The staff user pool, as both the local stack and the deployment create it.

One group per role (chalicelib.domain.staff.ROLES), the ``custom:store_id``
attribute the authorizer checks, and the sign-in flows the portal uses.
"""
from chalicelib.domain.staff import ROLES

ROLE_GROUPS = ROLES
STORE_ATTRIBUTE = "store_id"           # read as custom:store_id in the ID token
AUTH_FLOWS = ("USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH")
CLIENT_NAME = "portal"
PASSWORD_MIN_LENGTH = 10
