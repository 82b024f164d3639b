"""Deployment settings, read lazily from the environment.

Nothing here runs at import time: ``chalice.test.Client`` and the local stack
set a stage's environment only around calls, so every reader goes through
``get_config()``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Config:
    stage: str
    region: str
    store_id: str
    table_prefix: str
    secret_key: str
    public_base_url: str
    sms_sender_id: str
    store_cache_seconds: int
    user_pool_id: str          # Cognito user pool of the staff (may be shared by a chain)
    user_pool_client_id: str   # the portal's app client
    files_bucket: str          # photos, signatures, signed documents
    endpoint_url: str          # the embedded AWS endpoint in local mode, "" in AWS

    def table_name(self, base: str) -> str:
        return f"{self.table_prefix}{base}"

    @property
    def token_issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        if self.endpoint_url:  # the embedded endpoint serves the pool's keys under its own address
            return f"{self.endpoint_url.rstrip('/')}/{self.user_pool_id}/.well-known/jwks.json"
        return f"{self.token_issuer}/.well-known/jwks.json"


def default_table_prefix(store_id: str, stage: str) -> str:
    """Tables of a store's stage: ``<store>-<stage>-bookings`` (the deployment names them so)."""
    return f"{store_id}-{stage}-"


@lru_cache(maxsize=1)
def get_config() -> Config:
    env = os.environ
    store_id = env.get("STORE_ID", "demo")
    stage = env.get("APP_STAGE", "local")
    secret = env.get("APP_SECRET_KEY", "")
    if not secret:
        raise RuntimeError("APP_SECRET_KEY is not set")
    return Config(
        stage=stage,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-east-1",
        store_id=store_id,
        table_prefix=env.get("TABLE_PREFIX", default_table_prefix(store_id, stage)),
        secret_key=secret,
        public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        sms_sender_id=env.get("SMS_SENDER_ID", ""),
        store_cache_seconds=int(env.get("STORE_CACHE_SECONDS", "60")),
        user_pool_id=env.get("COGNITO_USER_POOL_ID", ""),
        user_pool_client_id=env.get("COGNITO_CLIENT_ID", ""),
        files_bucket=env.get("FILES_BUCKET", f"{store_id}-{stage}-files"),
        endpoint_url=env.get("AWS_ENDPOINT_URL", ""),
    )


def reset_config() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_config.cache_clear()
