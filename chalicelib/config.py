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

    def table_name(self, base: str) -> str:
        return f"{self.table_prefix}{base}"


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
        table_prefix=env.get("TABLE_PREFIX", f"{store_id}-{stage}-"),
        secret_key=secret,
        public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        sms_sender_id=env.get("SMS_SENDER_ID", ""),
        store_cache_seconds=int(env.get("STORE_CACHE_SECONDS", "60")),
    )


def reset_config() -> None:
    """Forget the cached settings (tests change the environment)."""
    get_config.cache_clear()
