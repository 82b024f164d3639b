"""Store profile and service catalogue."""
from __future__ import annotations

from ..domain.store import Service, StoreSettings
from . import bind
from .models import StoreItem

PROFILE = "profile"
SERVICE_PREFIX = "service#"


def load_store(store_id: str) -> tuple[StoreSettings | None, list[Service]]:
    """The profile and the catalogue in one query."""
    bind()
    settings = None
    services = []
    for item in StoreItem.query(store_id):
        if item.item == PROFILE:
            settings = StoreSettings.from_dict({**item.data, "store_id": store_id})
        elif item.item.startswith(SERVICE_PREFIX):
            services.append(Service.from_dict(item.data))
    return settings, services


def save_store(settings: StoreSettings, services: list[Service]) -> None:
    bind()
    with StoreItem.batch_write() as batch:
        batch.save(StoreItem(settings.store_id, PROFILE, data=settings.to_dict()))
        for service in services:
            batch.save(StoreItem(settings.store_id, SERVICE_PREFIX + service.code,
                                 data=service.to_dict()))
