"""The store's settings and catalogue, cached for a minute per Lambda container."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, TypeVar

from .. import clock
from ..config import get_config
from ..db import store as store_db
from ..domain.store import Service, StoreSettings


@dataclass(frozen=True)
class StoreContext:
    settings: StoreSettings
    services: list[Service]

    @property
    def catalogue(self) -> dict[str, Service]:
        return {s.code: s for s in self.services}


T = TypeVar("T")

_lock = threading.Lock()
_cached: tuple[float, StoreContext] | None = None


def default_settings() -> StoreSettings:
    """Used until the store's profile is written: from the stage configuration."""
    env = os.environ
    cfg = get_config()
    return StoreSettings(store_id=cfg.store_id,
                         name=env.get("STORE_NAME", "4S店"),
                         timezone=env.get("STORE_TIMEZONE", "Asia/Shanghai"),
                         sms_signature=env.get("SMS_SIGNATURE", env.get("STORE_NAME", "4S店")))


def current_store() -> StoreContext:
    global _cached
    ttl = get_config().store_cache_seconds
    with _lock:
        if _cached and time.monotonic() - _cached[0] < ttl:
            return _cached[1]
    settings, services = store_db.load_store(get_config().store_id)
    settings = settings or default_settings()
    # a package's figures at today's labour rate: a rate change rewrites no service
    priced = (s.priced(settings.labor_rate_fen) for s in services)
    context = StoreContext(settings=settings,
                           services=sorted(priced, key=lambda s: (s.position, s.code)))
    with _lock:
        _cached = (time.monotonic(), context)
    return context


def cached() -> bool:
    """The store is in this container's cache (no read needed)."""
    with _lock:
        return bool(_cached and time.monotonic() - _cached[0] < get_config().store_cache_seconds)


def current_store_and(read: Callable[[], T]) -> tuple[StoreContext, T | None]:
    """Lean (issue 14): on a cold cache, the store's read and ``read()`` are issued together
    (``read`` in a thread), so a cold request waits for one round trip, not two; its
    result is returned. With the store cached: (the store, None), ``read`` is not called (the
    caller decides whether it still needs it, e.g. not for a closed day)."""
    if cached():
        return current_store(), None
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = read()
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc
    worker = threading.Thread(target=run, name="store-prefetch", daemon=True)
    worker.start()
    try:
        context = current_store()
    finally:
        worker.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return context, box["value"]  # type: ignore[return-value]


def store_now() -> datetime:
    """Now, in the store's time zone: every service's idea of "now" and "today"."""
    return clock.now().astimezone(current_store().settings.tz)


def forget_store() -> None:
    """Drop the cache (after the settings were written, and between tests)."""
    global _cached
    with _lock:
        _cached = None


def save_store(settings: StoreSettings, services: list[Service]) -> None:
    store_db.save_store(settings, services)
    forget_store()
