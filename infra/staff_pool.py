"""The staff user pool, as both the local stack and the deployment create it.

One group per role (chalicelib.domain.staff.ROLES), the ``custom:store_id``
attribute the authorizer checks, and the sign-in flows the portal uses.
"""
from chalicelib.domain.staff import PASSWORD_MIN_LENGTH, ROLES

ROLE_GROUPS = ROLES
STORE_ATTRIBUTE = "store_id"           # read as custom:store_id in the ID token
AUTH_FLOWS = ("USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH")
CLIENT_NAME = "portal"
# the password policy (the deployment's and the local pool's): PASSWORD_MIN_LENGTH or more, with a
# digit and a lowercase letter (chalicelib.domain.staff.check_new_password says so at the field)
PASSWORD_POLICY = {"MinimumLength": PASSWORD_MIN_LENGTH, "RequireNumbers": True,
                   "RequireLowercase": True, "RequireUppercase": False, "RequireSymbols": False}
