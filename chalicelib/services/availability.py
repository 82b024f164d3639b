"""A day's slots (GET /api/slots, the desk's slot picker) on its own (issue 14, lean): a cold
container answering availability imports the store, the day's capacity read and the slot
rules, not the booking writer with its messages, tokens and verifications."""
from __future__ import annotations

from typing import Any

from .. import clock
from ..db import capacity as capacity_db
from ..domain import slots as slots_rules
from ..domain.booking import WALK_IN, parse_service_codes
from ..domain.errors import FieldErrors
from ..domain.store import Service, StoreSettings
from ..domain.validation import iso_day, parse_date
from .store import current_store, current_store_and

ONLINE = "online"     # booked by the customer on the site: phone verified, limits per request


def labor_limit(settings: StoreSettings, channel: str = ONLINE) -> int:
    """The labour minutes a day takes from ``channel``: walk-ins may use the hours kept in
    reserve for them; everyone else may not."""
    return (settings.workshop_hours_per_day * 60 if channel == WALK_IN
            else settings.online_labor_minutes_per_day)


def slots_for(date_text: str | None, services_text: str | None, *,
              channel: str = ONLINE) -> dict[str, Any]:
    """A day's slots and the places left for the services asked; for a desk ``channel``
    (phone, walk-in) as the desk may book them: the slot under way, no notice, walk-ins
    within the labour kept for them."""
    # a cold container reads the store and the day asked together (issue 14, lean)
    asked = iso_day(date_text)
    ctx, usage = (current_store_and(lambda: capacity_db.day_usage(asked)) if asked
                  else (current_store(), None))
    now = clock.now()
    errors = FieldErrors()
    day = parse_date(errors, "date", date_text, today=now.astimezone(ctx.settings.tz).date())
    services: list[Service] = []
    if services_text:
        services = parse_service_codes(errors, services_text, ctx.catalogue)
    errors.raise_if_any()
    assert day is not None
    labor = sum(s.labor_minutes for s in services)
    reason = slots_rules.day_closed_reason(ctx.settings, day, now)
    answer: dict[str, Any] = {"date": day.isoformat(), "slots": []}
    if reason:
        answer["closed_reason"] = reason
        return answer
    if usage is None or day != asked:
        usage = capacity_db.day_usage(day)
    free = slots_rules.availability(
        ctx.settings, day, usage, labor, now, desk=channel != ONLINE,
        labor_limit=labor_limit(ctx.settings, channel))
    answer["slots"] = [{"start": slot.start.isoformat(), "end": slot.end.isoformat(),
                        "available": left} for slot, left in free]
    return answer
