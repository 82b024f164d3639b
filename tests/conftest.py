"""Shared fixtures. Fake AWS credentials are set before anything imports boto3."""
from __future__ import annotations

import os

os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-east-1", "AWS_REGION": "ap-east-1",
    "APP_SECRET_KEY": "test-secret-key", "STORE_ID": "demo", "APP_STAGE": "test",
    "PUBLIC_BASE_URL": "https://4s.example.cn",
})
os.environ.pop("AWS_ENDPOINT_URL", None)

import pytest  # noqa: E402

from chalicelib import db  # noqa: E402
from chalicelib.config import reset_config  # noqa: E402
from chalicelib.services.store import forget_store  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_process_state():
    """Each test starts with no cached settings, binding or store profile."""
    _forget()
    yield
    _forget()


def _forget():
    from chalicelib.services import auth, files
    reset_config()
    db.unbind()
    forget_store()
    auth.forget_keys()
    auth.forget_directory()
    files.forget_client()
