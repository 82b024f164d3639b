"""Store profile and service catalogue."""
from __future__ import annotations

from typing import Any

from ..domain.audit import AuditEntry
from ..domain.store import Service, StoreSettings
from . import bind
from .audit import to_item as audit_item
from .models import StoreItem
from .tx import Cancelled, Tx, commit

PROFILE = "profile"
SERVICE_PREFIX = "service#"
RECALL = "recall"      # the bookings a settings change stranded, for the advisor to call


class SettingsChanged(Exception):
    """The profile is no longer at the version the writer read (another change came first)."""


def _settings(item: StoreItem, store_id: str) -> StoreSettings:
    return StoreSettings.from_dict({**item.data, "store_id": store_id,
                                    "version": int(item.version or 0)})


def load_store(store_id: str) -> tuple[StoreSettings | None, list[Service]]:
    """The profile and the catalogue in one query."""
    bind()
    settings = None
    services = []
    for item in StoreItem.query(store_id):
        if item.item == PROFILE:
            settings = _settings(item, store_id)
        elif item.item.startswith(SERVICE_PREFIX):
            services.append(Service.from_dict(item.data))
    return settings, services


def load_profile(store_id: str) -> StoreSettings | None:
    """The profile as written last (a consistent read): what a change is made on."""
    bind()
    try:
        return _settings(StoreItem.get(store_id, PROFILE, consistent_read=True), store_id)
    except StoreItem.DoesNotExist:
        return None


def save_store(settings: StoreSettings, services: list[Service]) -> None:
    bind()
    with StoreItem.batch_write() as batch:
        batch.save(StoreItem(settings.store_id, PROFILE, data=settings.to_dict(),
                             version=settings.version or None))
        for service in services:
            batch.save(StoreItem(settings.store_id, SERVICE_PREFIX + service.code,
                                 data=service.to_dict()))


def check_profile(tx: Tx, settings: StoreSettings) -> None:
    """Part of a booking's transaction: it holds only while the profile is still at the
    version its (cached) settings were read at. No extra request: a ConditionCheck."""
    tx.check("settings", StoreItem, settings.store_id, PROFILE, profile_condition(settings))


def profile_condition(settings: StoreSettings):
    condition = StoreItem.version == settings.version
    if not settings.version:
        condition = condition | StoreItem.version.does_not_exist()
    return condition


def save_settings(old: StoreSettings, new: StoreSettings, *, audit: list[AuditEntry],
                  recalls: dict[str, Any] | None) -> StoreSettings:
    """Write the profile at the next version, if it is still at ``old``'s, with its audit
    entries and the bookings to recall: one transaction. Raises SettingsChanged."""
    saved = new.with_changes(version=old.version + 1)

    def build(tx: Tx) -> None:
        tx.save("profile", StoreItem(new.store_id, PROFILE, data=saved.to_dict(),
                                     version=saved.version), profile_condition(old))
        for entry in audit:
            tx.save("audit", audit_item(entry))
        if recalls is not None:
            tx.save("recall", StoreItem(new.store_id, RECALL, data=recalls))

    try:
        commit(build)
    except Cancelled:
        raise SettingsChanged() from None
    return saved


def load_recalls(store_id: str) -> dict[str, Any]:
    """booking id -> {slot_start, reason, at, by}: one read."""
    bind()
    try:
        return dict(StoreItem.get(store_id, RECALL, consistent_read=True).data or {})
    except StoreItem.DoesNotExist:
        return {}


def save_recalls(settings: StoreSettings, recalls: dict[str, Any]) -> None:
    """The list again, while the profile is still at ``settings``' version."""
    bind()

    def build(tx: Tx) -> None:
        tx.check("settings", StoreItem, settings.store_id, PROFILE, profile_condition(settings))
        tx.save("recall", StoreItem(settings.store_id, RECALL, data=recalls))

    try:
        commit(build)
    except Cancelled:
        raise SettingsChanged() from None
