"""Staff sign-in through Amazon Cognito, and verification of the tokens it issues.

The portal signs in with ``USER_PASSWORD_AUTH`` and sends the ID token as
``Authorization: Bearer``. The authorizer checks the signature against the
pool's published keys (JWKS, cached per container), the issuer, the audience
(our app client), the token use and the expiry.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import replace
from typing import Any

import boto3
import jwt
from botocore.exceptions import ClientError

from ..config import get_config
from ..domain.booking import require_object
from ..domain.errors import DomainError, FieldErrors, Forbidden, TooManyRequests, ValidationError
from ..domain.staff import (PASSWORD_MAX_LENGTH, ROLES, SIGN_IN_NAME_MAX, Account, Staff,
                            check_new_password)
from ..domain.validation import REQUIRED, clean_text
from ..i18n import _
from ..logs import log_event

JWKS_TTL = 3600          # seconds a fetched key set is trusted before it is fetched again
JWKS_TIMEOUT = 3


class Unauthenticated(DomainError):
    status = 401
    code = "unauthorized"


class InvalidToken(Exception):
    """The bearer token is missing, malformed, forged or expired."""


_jwks_lock = threading.Lock()
_jwks: tuple[float, str, jwt.PyJWKSet] | None = None
JWKS_MAX_BYTES = 1 << 20


def _cognito():
    cfg = get_config()
    return boto3.client("cognito-idp", region_name=cfg.region)


def _get_url(url: str) -> bytes:
    """GET ``url``'s body (urllib: the package carries no ``requests``); OSError on failure."""
    with urllib.request.urlopen(url, timeout=JWKS_TIMEOUT) as response:  # noqa: S310 config URL
        return response.read(JWKS_MAX_BYTES)


def _fetch_keys(url: str) -> jwt.PyJWKSet:
    """The pool's published keys."""
    return jwt.PyJWKSet.from_dict(json.loads(_get_url(url)))


def _signing_key(kid: str) -> jwt.PyJWK:
    global _jwks
    url = get_config().jwks_url
    with _jwks_lock:
        cached = _jwks
    if cached is None or cached[1] != url or time.monotonic() - cached[0] > JWKS_TTL \
            or not any(k.key_id == kid for k in cached[2].keys):
        try:
            key_set = _fetch_keys(url)
        except (OSError, ValueError, jwt.PyJWKSetError) as exc:   # URLError, HTTPError, timeouts, bad JSON
            raise InvalidToken(f"signing keys unavailable: {exc.__class__.__name__}") from exc
        cached = (time.monotonic(), url, key_set)
        with _jwks_lock:
            _jwks = cached
    for key in cached[2].keys:
        if key.key_id == kid:
            return key
    raise InvalidToken("unknown signing key")


def forget_keys() -> None:
    """Drop the cached signing keys (tests switch user pools)."""
    global _jwks
    with _jwks_lock:
        _jwks = None


def verify_token(token: str | None) -> Staff:
    """The staff member a valid ID token names; InvalidToken otherwise."""
    if not token:
        raise InvalidToken("no token")
    scheme, _sep, value = token.partition(" ")
    if scheme.lower() == "bearer":
        token = value.strip()
    cfg = get_config()
    try:
        header = jwt.get_unverified_header(token)
        key = _signing_key(str(header.get("kid", "")))
        claims = jwt.decode(token, key=key, algorithms=["RS256"], audience=cfg.user_pool_client_id,
                            issuer=cfg.token_issuer,
                            options={"require": ["exp", "iss", "aud", "token_use"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(exc.__class__.__name__) from exc
    if claims.get("token_use") != "id":
        raise InvalidToken("not an ID token")
    return Staff.from_claims(claims)


# Cognito's answers to a sign-in that mean "not these credentials" (a username it cannot hold,
# e.g. with spaces, is InvalidParameterException) and "not now"
REFUSED_SIGN_IN = ("NotAuthorizedException", "UserNotFoundException", "InvalidParameterException",
                   "PasswordResetRequiredException", "UserNotConfirmedException")
THROTTLED_SIGN_IN = ("TooManyFailedAttemptsException", "TooManyRequestsException",
                     "LimitExceededException")
SIGN_IN_RETRY_SECONDS = 60
SIGN_IN_AGAIN = _("Please sign in again")


def _credentials(body: Any) -> tuple[str, str]:
    errors = FieldErrors()
    require_object(body)
    username = clean_text(errors, "username", body.get("username"), max_len=SIGN_IN_NAME_MAX,
                          required=True)
    password = body.get("password")
    if not isinstance(password, str) or not password:
        errors.add("password", REQUIRED)
    elif len(password) > PASSWORD_MAX_LENGTH:
        errors.add("password", _("at most %(count)s characters", count=PASSWORD_MAX_LENGTH))
    errors.raise_if_any()
    return username, password


def _display_name(access_token: str | None, fallback: str) -> str:
    """The staff member's name from their Cognito attributes (shown in the portal)."""
    if not access_token:
        return fallback
    try:
        attributes = _cognito().get_user(AccessToken=access_token)["UserAttributes"]
    except ClientError:
        return fallback
    return next((a["Value"] for a in attributes if a["Name"] == "name"), fallback)


def _tokens(result: dict[str, Any], refresh_token: str | None = None) -> dict[str, Any]:
    id_token = result["IdToken"]
    staff = verify_token(id_token)
    view = staff.view()
    if staff.name == staff.username:
        view["name"] = _display_name(result.get("AccessToken"), staff.username)
    return {"id_token": id_token, "access_token": result.get("AccessToken"),
            "refresh_token": result.get("RefreshToken") or refresh_token,
            "expires_in": int(result.get("ExpiresIn", 3600)), "token_type": "Bearer",
            "staff": view}


def login(body: Any) -> dict[str, Any]:
    username, password = _credentials(body)
    cfg = get_config()
    try:
        answer = _cognito().initiate_auth(
            ClientId=cfg.user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password})
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in REFUSED_SIGN_IN:
            # not the username as typed: people type their password into that box too
            log_event("staff_login_refused", reason=code)
            raise Unauthenticated(_("Wrong username or password"), code="invalid_credentials",
                                  fields={"password": _("wrong username or password")}) from None
        if code in THROTTLED_SIGN_IN:
            log_event("staff_login_refused", reason=code)
            raise TooManyRequests(_("Too many sign-in attempts: wait a minute and try again"),
                                  retry_after=SIGN_IN_RETRY_SECONDS) from None
        raise
    if answer.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        # the first sign-in with the temporary password the manager gave (or a reset): the
        # portal asks for a new password and sends it with this session (POST /api/auth/new-password)
        log_event("staff_login_new_password", username=username)
        raise Unauthenticated(_("Set a new password to sign in"), code="new_password_required",
                              extra={"challenge": "new_password", "session": answer["Session"],
                                     "username": username})
    if "AuthenticationResult" not in answer:
        # another challenge (e.g. MFA) this portal does not answer yet
        raise Unauthenticated(_("This account is not ready: ask your manager to reset its password"),
                              code="account_not_ready")
    tokens = _this_store(_tokens(answer["AuthenticationResult"]))
    log_event("staff_login", username=username, roles=tokens["staff"]["roles"])
    return tokens


def new_password(body: Any) -> dict[str, Any]:
    """Answers the first sign-in's challenge: the new password, with the session the login gave
    (valid a few minutes); the tokens, as a login answers them."""
    require_object(body)
    errors = FieldErrors()
    username = clean_text(errors, "username", body.get("username"), max_len=SIGN_IN_NAME_MAX,
                          required=True)
    session = body.get("session")
    if not isinstance(session, str) or not session:
        errors.add("session", _("missing or invalid"))
    password = check_new_password(errors, "new_password", body.get("new_password"))
    errors.raise_if_any()
    if not 20 <= len(str(session)) <= 2048:   # Cognito's bounds: no session it issued
        raise Unauthenticated(_("This step timed out: sign in again with the temporary password"),
                              code="session_expired")
    try:
        answer = _cognito().respond_to_auth_challenge(
            ClientId=get_config().user_pool_client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session, ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": password})
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "InvalidPasswordException":
            raise ValidationError(_("Please correct the marked fields"), fields={
                "new_password": _("does not meet the password rules")}) from None
        if code in THROTTLED_SIGN_IN:
            raise TooManyRequests(_("Too many sign-in attempts: wait a minute and try again"),
                                  retry_after=SIGN_IN_RETRY_SECONDS) from None
        # an expired or used session, a disabled account: start again from the sign-in
        log_event("staff_new_password_refused", reason=code)
        raise Unauthenticated(_("This step timed out: sign in again with the temporary password"),
                              code="session_expired") from None
    if "AuthenticationResult" not in answer:
        raise Unauthenticated(_("This account is not ready: ask your manager to reset its password"),
                              code="account_not_ready")
    tokens = _this_store(_tokens(answer["AuthenticationResult"]))
    log_event("staff_new_password_set", username=username)
    return tokens


def _this_store(tokens: dict[str, Any]) -> dict[str, Any]:
    """Tokens only for this store's staff: another store's account is refused (login and
    refresh alike), with nothing of the tokens in the answer."""
    if tokens["staff"]["store_id"] != get_config().store_id:
        log_event("staff_other_store_refused", username=tokens["staff"]["username"])
        raise Forbidden(_("This account may not use this store's portal"))
    return tokens


def refresh(body: Any) -> dict[str, Any]:
    require_object(body)
    token = body.get("refresh_token")
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise Unauthenticated(SIGN_IN_AGAIN, fields={"refresh_token": _("missing or invalid")})
    try:
        answer = _cognito().initiate_auth(
            ClientId=get_config().user_pool_client_id, AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": token})
    except ClientError:
        raise Unauthenticated(SIGN_IN_AGAIN, code="unauthorized") from None
    return _this_store(_tokens(answer["AuthenticationResult"], refresh_token=token))


# ---- the staff directory (who works here, by role) -----------------------------------
DIRECTORY_TTL = 300
_directory_lock = threading.Lock()
_directory: dict[str, tuple[float, list[dict[str, str]]]] = {}


STORE_ATTRIBUTE = "custom:store_id"   # the store a pool account works for


def pool_account(user: dict[str, Any], roles: frozenset[str] = frozenset()) -> Account:
    """A user as Cognito answers it (ListUsers, ListUsersInGroup, AdminGetUser) as an account:
    login, display name (``name``, else the login), mobile, enabled, store."""
    attrs = {a["Name"]: a["Value"] for a in user.get("Attributes") or user.get("UserAttributes") or []}
    return Account(username=user["Username"], name=attrs.get("name") or user["Username"],
                   roles=roles, mobile=attrs.get("phone_number", ""),
                   enabled=bool(user.get("Enabled", True)),
                   password_set=user.get("UserStatus") not in ("FORCE_CHANGE_PASSWORD", "RESET_REQUIRED"),
                   store_id=attrs.get(STORE_ATTRIBUTE, ""))


def staff_in_role(role: str) -> list[dict[str, str]]:
    """This store's enabled staff in a Cognito group: [{username, name}], cached 5 minutes."""
    cfg = get_config()
    key = f"{cfg.user_pool_id}/{role}"
    with _directory_lock:
        cached = _directory.get(key)
    if cached and time.monotonic() - cached[0] < DIRECTORY_TTL:
        return cached[1]
    people: list[dict[str, str]] = []
    paginator = _cognito().get_paginator("list_users_in_group")
    for page in paginator.paginate(UserPoolId=cfg.user_pool_id, GroupName=role):
        for user in page.get("Users", []):
            account = pool_account(user)
            if account.store_id != cfg.store_id or not account.enabled:
                continue
            people.append({"username": account.username, "name": account.name})
    people.sort(key=lambda p: p["username"])
    with _directory_lock:
        _directory[key] = (time.monotonic(), people)
    return people


def forget_directory() -> None:
    with _directory_lock:
        _directory.clear()


def display_names(usernames: set[str] | frozenset[str], roles: tuple[str, ...] = ROLES) -> dict[str, str]:
    """{username: display name} for the staff a page shows, read from the cached directory
    (one cached Cognito listing per role, searched only until every name is found; never a call
    per person); a login not found keeps itself as its name."""
    wanted = {u for u in usernames if u}
    names: dict[str, str] = {}
    try:
        for role in dict.fromkeys(roles):   # in this order, each once
            if not wanted - names.keys():
                break
            names.update({p["username"]: p["name"] for p in staff_in_role(role)
                          if p["username"] in wanted})
    except ClientError:
        pass
    return {u: names.get(u, u) for u in sorted(wanted)}


def with_display_name(staff: Staff) -> Staff:
    """The staff member with their display name (张顾问) when their ID token lacks the ``name``
    claim: read from the cached directory of their role (no Cognito call per request), so what
    they write (an audit entry) keeps the name a person reads."""
    if staff.name and staff.name != staff.username:
        return staff
    try:
        for role in sorted(staff.roles):
            for person in staff_in_role(role):
                if person["username"] == staff.username:
                    return replace(staff, name=person["name"])
    except ClientError:
        pass
    return staff
