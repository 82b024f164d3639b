"""Photos and signatures in S3: presigned uploads straight from the tablet, presigned views.

The API never carries photo bytes: it hands out a presigned PUT bound to the
content type and size it checked, and keeps only the object key. Signatures
(a few KB from the canvas) come in the JSON body and are written here.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from typing import Any, Iterator

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from .. import headers
from ..config import get_config
from ..domain.files import UploadRequest
from ..logs import log_event

UPLOAD_SECONDS = 15 * 60
VIEW_SECONDS = 60 * 60


@lru_cache(maxsize=4)
def _s3(region: str, endpoint: str):
    # path-style addresses work against both S3 and the embedded endpoint
    return boto3.client("s3", region_name=region,
                        config=BotoConfig(signature_version="s3v4", s3={"addressing_style": "path"}))


def s3():
    cfg = get_config()
    return _s3(cfg.region, cfg.endpoint_url)


def forget_client() -> None:
    _s3.cache_clear()


def upload_url(request: UploadRequest) -> dict[str, Any]:
    """A presigned PUT that can only create the object: it signs ``If-None-Match: *``, so S3
    refuses (412) to replace a photo already uploaded, however often the URL is used."""
    cfg = get_config()
    url = s3().generate_presigned_url(
        "put_object", ExpiresIn=UPLOAD_SECONDS, HttpMethod="PUT",
        Params={"Bucket": cfg.files_bucket, "Key": request.key,
                "ContentType": request.content_type, "ContentLength": request.size,
                "IfNoneMatch": "*"})
    return {"key": request.key, "url": url, "method": "PUT",
            "headers": {"Content-Type": request.content_type, "If-None-Match": "*"},
            "expires_in": UPLOAD_SECONDS}


def files_url() -> str:
    """The address every presigned URL of the files bucket starts with (for the pages' CSP)."""
    return headers.files_url(s3().meta.endpoint_url, get_config().files_bucket)


def missing_uploads(keys: dict[str, str]) -> list[str]:
    """The fields (of ``{field: key}``) whose photo has not been uploaded."""
    bucket = get_config().files_bucket
    missing = []
    for field, key in keys.items():
        try:
            s3().head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            # without s3:ListBucket, S3 answers 403 for a key that does not exist
            if exc.response.get("Error", {}).get("Code") not in ("404", "403", "NoSuchKey"):
                raise
            missing.append(field)
    return missing


def view_url(key: str) -> str:
    return s3().generate_presigned_url(
        "get_object", ExpiresIn=VIEW_SECONDS,
        Params={"Bucket": get_config().files_bucket, "Key": key})


def put_signature(key: str, png: bytes) -> None:
    s3().put_object(Bucket=get_config().files_bucket, Key=key, Body=png,
                    ContentType="image/png")


@contextmanager
def signature_kept(key: str, png: bytes) -> Iterator[None]:
    """Store a signature for the records written in the block, and delete it again if they
    are refused (a conflict, an error): a refused request leaves no file behind, and a
    record never names a signature that was not stored."""
    put_signature(key, png)
    try:
        yield
    except BaseException:
        try:
            s3().delete_object(Bucket=get_config().files_bucket, Key=key)
        except Exception:   # the refusal matters more; an orphan file is only storage
            log_event("signature_not_removed", key=key)
        raise


def signature_key(kind: str, record_id: str, day: date, suffix: str) -> str:
    return f"signatures/{day.isoformat()}/{kind}-{record_id}-{suffix}.png"


def create_bucket() -> None:
    """Local stack and tests only: in AWS the bucket comes from infra/."""
    cfg = get_config()
    client = s3()
    try:
        client.head_bucket(Bucket=cfg.files_bucket)
    except client.exceptions.ClientError:
        client.create_bucket(Bucket=cfg.files_bucket,
                             CreateBucketConfiguration={"LocationConstraint": cfg.region})
