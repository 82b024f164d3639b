"""The manager's store settings (门店设置): read, change (audited, optimistic lock, the
bookings a change strands refused or listed for the advisor to call), and China's public
holidays offered for the closed dates."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import clock
from ..config import get_config
from ..db import audit as audit_db
from ..db import bookings as bookings_db
from ..db import store as store_db
from ..domain import audit as audit_rules
from ..domain import settings as rules
from ..domain.booking import Booking, require_object
from ..domain.errors import Conflict, FieldErrors
from ..domain.staff import Staff
from ..domain.store import StoreSettings
from ..domain.validation import mask_phone
from ..i18n import _, current_language, render
from ..logs import log_event
from .store import default_settings, forget_store

CHANGES_SHOWN = 20       # the newest changes the page shows
SETTINGS_CHANGED = _("Someone else changed the store settings meanwhile; reload them and "
                     "try again")


def _profile() -> StoreSettings:
    """The settings as written last (not the cached copy): what a change is made on."""
    return store_db.load_profile(get_config().store_id) or default_settings()


def _now_and_today(settings: StoreSettings) -> tuple[datetime, Any]:
    now = clock.now()
    return now, now.astimezone(settings.tz).date()


def settings_page(staff: Staff) -> dict[str, Any]:
    """The settings form, its version, how soon a change takes effect, the recent changes."""
    current = _profile()
    return _page(current)


def _page(current: StoreSettings) -> dict[str, Any]:
    subject = audit_rules.subject(audit_rules.STORE, current.store_id)
    return {"settings": rules.settings_view(current), "version": current.version,
            "timezone": current.timezone,
            "effective_within_seconds": get_config().store_cache_seconds,
            "changes": [e.view() for e in audit_db.history(subject, limit=CHANGES_SHOWN)]}


def change_settings(body: Any, staff: Staff) -> dict[str, Any]:
    """Save the settings the form sends with the version it read. A change that would strand
    bookings is refused (409 ``bookings_affected``) unless sent again with
    ``"apply_affected": true``; then it is saved and those bookings are listed on the
    confirmation-call page for the advisor to call."""
    require_object(body)
    current = _profile()
    errors = FieldErrors()
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        errors.add("version", _("required: the version you read"))
    apply = body.get("apply_affected", False)
    if not isinstance(apply, bool):
        errors.add("apply_affected", _("must be true or false"))
    errors.raise_if_any()
    if version != current.version:
        raise Conflict(SETTINGS_CHANGED, code="settings_changed")
    now, today = _now_and_today(current)
    fields = {k: v for k, v in body.items() if k not in ("version", "apply_affected")}
    new = rules.parse_settings(fields, current, today=today)
    if new == current:
        return {**_page(current), "affected": []}
    days = rules.days_to_check(current, new, today)
    affected = _stranded(new, days, now)
    if affected and not apply:
        raise Conflict(_("This change leaves %(count)s bookings without a place",
                         count=len(affected)), code="bookings_affected",
                       extra={"affected": [_row(b, r) for b, r in affected]})
    recalls = _pruned(store_db.load_recalls(current.store_id), now)
    for booking, reason in affected:
        recalls[booking.id] = _recall(booking, reason, now, staff)
    entry = audit_rules.entry(audit_rules.STORE, current.store_id, actor=staff.username,
                              actor_name=staff.name, action="settings_changed", at=now,
                              before=rules.settings_view(current),
                              after=rules.settings_view(new))
    try:
        saved = store_db.save_settings(current, new, audit=[entry], recalls=recalls)
    except store_db.SettingsChanged:
        raise Conflict(SETTINGS_CHANGED, code="settings_changed") from None
    forget_store()
    # a booking made with the old settings before this write may have been missed by the read
    # above; none can be made with them after it (its transaction checks the version): look
    # again, and list any such booking too
    late = [(b, r) for b, r in _stranded(saved, days, now) if b.id not in recalls]
    if late:
        for booking, reason in late:
            recalls[booking.id] = _recall(booking, reason, now, staff)
        try:
            store_db.save_recalls(saved, recalls)
        except store_db.SettingsChanged:
            log_event("settings_recall_superseded", count=len(late))
    log_event("settings_changed", version=saved.version, fields=sorted(entry.changes)[:40],
              affected=len(affected) + len(late))
    return {**_page(saved), "affected": [_row(b, r) for b, r in affected + late]}


def _stranded(new: StoreSettings, days: list, now: datetime) -> list[tuple[Booking, str]]:
    """The bookings of ``days`` that ``new`` strands: one query per day checked."""
    out: list[tuple[Booking, str]] = []
    for day in days:
        out += rules.stranded(new, day, bookings_db.day_bookings(day), now)
    return out


def _recall(booking: Booking, reason: str, now: datetime, staff: Staff) -> dict[str, str]:
    return {"slot_start": booking.slot_start.isoformat(), "reason": reason,
            "at": now.isoformat(), "by": staff.username}


def _pruned(recalls: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The list without the bookings whose time has passed: it stays bounded."""
    return {k: v for k, v in recalls.items()
            if datetime.fromisoformat(v["slot_start"]) > now}


def _row(booking: Booking, reason: str) -> dict[str, Any]:
    """An affected booking as the manager and the advisor need it to call the customer."""
    return {"id": booking.id, "reference": booking.reference, "status": booking.status,
            "slot_start": booking.slot_start.isoformat(),
            "slot_end": booking.slot_end.isoformat(),
            "customer_name": booking.customer.name, "phone": mask_phone(booking.customer.phone),
            "plate": booking.vehicle.plate, "reason": reason,
            "reason_text": render(rules.REASONS[reason], current_language())}


def recall_rows(now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The bookings a settings change stranded that still need a call: (id, entry)."""
    recalls = _pruned(store_db.load_recalls(get_config().store_id), now)
    return sorted(recalls.items(), key=lambda kv: kv[1]["slot_start"])


def holidays(year_text: str | None, staff: Staff) -> dict[str, Any]:
    """China's public holidays and 调休 working days of a year, with the store's hours on each
    and what is offered (closed, or open); ``covered`` false when the library has no data."""
    current = _profile()
    _now, today = _now_and_today(current)
    year = rules.parse_year(year_text, today=today)
    return {**rules.holiday_offer(year, current, today=today), "version": current.version}
