"""Booking use cases for customers: availability, book, view, reschedule, cancel."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .. import clock
from ..config import get_config
from ..db import bookings as bookings_db
from ..db import links as links_db
from ..db import outbox as outbox_db
from ..db import verifications as verifications_db
from ..db.bookings import (AlreadyBooked, CapacityExhausted, Idempotency, IdempotencyReplay,
                           Limits, SlotTake)
from ..db.links import ShortLink
from ..db.verifications import VerificationRejected
from ..domain import messages as msg
from ..domain import slots as slots_rules
from ..domain import audit as audit_rules
from ..domain import verification as verification_rules
from ..domain.booking import (ACTIVE, Booking, BookingDesk, oldest_active_created,
                              parse_booking_request,
                              parse_reason, require_object)
from ..domain.staff import ADVISOR, Staff
from ..domain.errors import Conflict, FieldErrors, NotFound, SlotFull, ValidationError
from ..i18n import Message, _
from ..domain.money import yuan
from ..domain.store import Service, StoreSettings
from ..domain.validation import mask_phone, mask_vin, parse_instant
from ..domain.tokens import TOKEN_MAX_AGE, check_booking_token, sign_booking
from ..logs import log_event
from . import invitations
from .availability import ONLINE, labor_limit, slots_for  # noqa: F401  slots_for: re-exported
from .store import StoreContext, current_store, forget_store
from ..db.store import SettingsChanged

CUSTOMER_ACTOR = "customer"   # changes made by the customer through their own link
ALTERNATIVE_DAYS = 2  # look this many days either side of the wished one for free slots


# ---- store and catalogue -------------------------------------------------

def store_profile() -> dict[str, Any]:
    s = current_store().settings
    return {"store_id": s.store_id, "name": s.name, "name_en": s.name_en,
            "address": s.address, "address_en": s.address_en, "phone": s.phone,
            "timezone": s.timezone, "opening_hours": s.opening_hours,
            "closed_dates": list(s.closed_dates), "slot_minutes": s.slot_minutes,
            "min_notice_minutes": s.min_notice_minutes, "horizon_days": s.horizon_days,
            "verify_phone": s.verify_phone, "online_max_labor_minutes": s.online_max_labor_minutes,
            "max_active_bookings_per_phone": s.max_active_bookings_per_phone,
            "today": clock.now().astimezone(s.tz).date().isoformat()}


def service_view(service: Service) -> dict[str, Any]:
    return {"code": service.code, "name": service.name, "name_en": service.name_en,
            "category": service.category, "duration_min": service.duration_min,
            "labor_hours": float(service.labor_hours),
            "price_estimate": yuan(service.price_estimate_fen), "currency": "CNY"}


def service_catalogue() -> list[dict[str, Any]]:
    return [service_view(s) for s in current_store().services]


# ---- availability (slots_for: services/availability.py) ---------------------

def _alternatives(settings: StoreSettings, wanted: datetime, labor: int, now: datetime) -> list[str]:
    wanted_day = wanted.astimezone(settings.tz).date()
    candidates = []
    for offset in range(-ALTERNATIVE_DAYS, ALTERNATIVE_DAYS + 1):
        day = wanted_day + timedelta(days=offset)
        if slots_rules.bookable_slots(settings, day, now):
            usage = bookings_db.day_usage(day)
            candidates += slots_rules.availability(settings, day, usage, labor, now)
    return [s.start.isoformat() for s in slots_rules.nearest(wanted, candidates)]


def _slot_problem(settings: StoreSettings, start: datetime, now: datetime) -> Message:
    day = start.astimezone(settings.tz).date()
    reason = slots_rules.day_closed_reason(settings, day, now)
    if reason == "past" or start < now:
        return _("this time has passed")
    if reason == "beyond_horizon":
        return _("bookings open %(days)s days ahead at most", days=settings.horizon_days)
    if reason == "closed":
        return _("the store is closed that day")
    if start < slots_rules.earliest_start(settings, now):
        return _("book at least %(minutes)s minutes ahead", minutes=settings.min_notice_minutes)
    return _("not the start of a slot (see /api/slots)")


def bookable_slot(settings: StoreSettings, start: datetime, now: datetime, *,
                   desk: bool = False) -> slots_rules.Slot:
    slot = slots_rules.find_slot(settings, start, now, desk=desk)
    if slot is None:
        raise ValidationError(_("That time cannot be booked"),
                              fields={"slot_start": _slot_problem(settings, start, now)})
    return slot


def _limits(settings: StoreSettings, channel: str = "online") -> Limits:
    return Limits(slot_capacity=settings.slot_capacity,
                  labor_minutes_per_day=labor_limit(settings, channel))


def _take(settings: StoreSettings, slot: slots_rules.Slot, booking: Booking) -> SlotTake:
    return SlotTake(day=slot.start.astimezone(settings.tz).date(), slot_key=slot.key,
                    labor_minutes=booking.labor_minutes, plate=booking.vehicle.plate)


# ---- book ----------------------------------------------------------------

def create_booking(body: Any, *, idempotency_key: str | None = None,
                   channel: str = "online", staff: Staff | None = None) -> dict[str, Any]:
    """A booking made online by the customer, or at the desk (phone, walk-in) by ``staff``.
    Made with settings older than the profile (another instance's cache, a change just
    saved), its transaction fails and it is tried once more with the settings as now."""
    try:
        return _create_booking(body, idempotency_key=idempotency_key, channel=channel,
                               staff=staff)
    except SettingsChanged:
        forget_store()
        log_event("booking_settings_refreshed", channel=channel)
    return _create_booking(body, idempotency_key=idempotency_key, channel=channel, staff=staff)


def _create_booking(body: Any, *, idempotency_key: str | None, channel: str,
                    staff: Staff | None) -> dict[str, Any]:
    ctx = current_store()
    settings = ctx.settings
    now = clock.now()
    # issue 15 (INVITE): the invitation it is booked from (its link proves the phone), consent
    parsed, came_from = invitations.for_booking(require_object(body), desk=staff is not None,
                                                now=now)
    request = parse_booking_request(parsed, ctx.catalogue, now=now, channel=channel)
    online = channel == ONLINE
    proof = None
    if online and settings.verify_phone and came_from.proven_phone != request.customer.phone:
        proof = verification_rules.parse_proof(body.get("verification"),
                                               secret=get_config().secret_key,
                                               phone=request.customer.phone)
    idempotency = _idempotency(idempotency_key, body, now)
    desk = staff is not None
    slot = bookable_slot(settings, request.slot_start, now, desk=desk)
    limits = _limits(settings, channel)
    if online and request.labor_minutes > settings.online_max_labor_minutes:
        hours = f"{settings.online_max_labor_minutes / 60:g}"
        raise ValidationError(_("Too much work for one online booking: please call the store"),
                              code="online_labor_limit",
                              fields={"services": _("more than %(hours)s labour hours: please "
                                                    "call the store to book this visit",
                                                    hours=hours)})
    if request.labor_minutes > limits.labor_minutes_per_day:
        raise ValidationError(_("Too much work for one online booking"), fields={
            "services": _("more labour than a day can take: please call the store")})
    booking = Booking.from_request(replace(request, slot_start=slot.start),
                                   slot_end=slot.end, now=now)
    if came_from.counts():
        booking = replace(booking, invitation_id=came_from.invitation.id)   # type: ignore[union-attr]
    if staff is not None:
        advisor = ADVISOR in staff.roles
        booking = replace(booking, advisor=staff.username if advisor else "",
                          advisor_name=staff.name if advisor else "",
                          history=[{**booking.history[0], "by": staff.username,
                                    "channel": channel}])
    audit = [audit_rules.entry(audit_rules.BOOKING, booking.id, actor=_actor(staff),
                               action="booked", at=now, before=None,
                               after=BookingDesk.audit_view(booking))]
    manage_url = _manage_url(booking.id)
    link = ShortLink.new(manage_url, expires=slot.end + timedelta(seconds=TOKEN_MAX_AGE))
    messages = _outbox(booking, msg.plan_new_booking(settings, slot.start, now), now)
    try:
        if online:
            _within_phone_limit(settings, booking.customer.phone, now, proof, idempotency)
        bookings_db.create_booking(booking, take=_take(settings, slot, booking),
                                   limits=limits, messages=messages, link=link,
                                   idempotency=idempotency, audit=audit, verification=proof,
                                   settings=settings, invitation=came_from.booked(booking.id, now),
                                   consent=invitations.consent_of(
                                       came_from, booking.customer.phone, desk=staff is not None,
                                       by=_actor(staff)))
    except IdempotencyReplay as replay:
        return _replay(replay, idempotency)
    except VerificationRejected:
        assert proof is not None
        verifications_db.count_wrong_code(proof, now=now)
        raise verification_rules.verification_failed() from None
    except AlreadyBooked:
        raise _already_booked() from None
    except CapacityExhausted as full:
        alternatives = _alternatives(settings, slot.start, booking.labor_minutes, now)
        text = (_("This slot is fully booked") if full.which == "slot"
                else _("The workshop is fully booked that day"))
        raise SlotFull(text, alternatives=alternatives) from None
    log_event("booking_created", booking_id=booking.id, reference=booking.reference,
              slot_start=booking.slot_start.isoformat(), channel=channel,
              messages=[m.kind for m in messages], invitation_id=booking.invitation_id)
    return _created(booking, manage_url)


def _within_phone_limit(settings: StoreSettings, phone: str, now: datetime,
                        proof: verification_rules.Proof | None,
                        idempotency: Idempotency | None) -> None:
    """A mobile holds at most ``max_active_bookings_per_phone`` upcoming bookings (one query).

    Over it, a replayed request still gets its first answer, and only someone who shows the
    number's code learns how many bookings it holds.
    """
    held = bookings_db.upcoming_bookings_of_phone(
        phone, after=now, created_since=oldest_active_created(now, settings.horizon_days))
    if held < settings.max_active_bookings_per_phone:
        return
    found = bookings_db.find_idempotent(idempotency.key) if idempotency else None
    if found:
        raise IdempotencyReplay(*found)
    if proof is not None:
        verification = verifications_db.get(proof.verification_id)
        if verification is None or not verification.accepts(proof, now):
            verifications_db.count_wrong_code(proof, now=now)
            raise verification_rules.verification_failed()
    raise Conflict(_("This mobile number already has %(count)s upcoming bookings. To change "
                     "one, use the link in your SMS or call the store.", count=held),
                   code="too_many_bookings",
                   fields={"customer.phone": _("already has %(count)s upcoming bookings",
                                               count=held)})


def _actor(staff: Staff | None) -> str:
    return staff.username if staff else CUSTOMER_ACTOR


def _already_booked() -> Conflict:
    return Conflict(_("This car already has a booking that day. To change it, use the link "
                      "in your SMS or call the store."), code="already_booked",
                    fields={"vehicle.plate": _("already booked that day")})


def _created(booking: Booking, manage_url: str) -> dict[str, Any]:
    return {"id": booking.id, "reference": booking.reference, "status": booking.status,
            "slot_start": booking.slot_start.isoformat(), "slot_end": booking.slot_end.isoformat(),
            "manage_url": manage_url}


BOOKING_NOT_FOUND = _("Booking not found")


def _idempotency(key: str | None, body: Any, now: datetime) -> Idempotency | None:
    if key is None or key == "":
        return None
    if len(key) > 128 or not key.isprintable():
        raise ValidationError(_("Bad Idempotency-Key header"), fields={
            "Idempotency-Key": _("at most %(count)s printable characters", count=128)})
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return Idempotency(key=f"booking:{key}", request_hash=digest,
                       expires=bookings_db.idempotency_expiry(now))


def _replay(replay: IdempotencyReplay, idempotency: Idempotency | None) -> dict[str, Any]:
    if idempotency is None or replay.request_hash != idempotency.request_hash:
        raise ValidationError(_("This Idempotency-Key was used for a different request"),
                              fields={"Idempotency-Key": _("already used with another body")},
                              code="idempotency_key_reused")
    booking = bookings_db.get_booking(replay.booking_id)
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND)
    return _created(booking, _manage_url(booking.id))


def _manage_url(booking_id: str) -> str:
    cfg = get_config()
    return (f"{cfg.public_base_url}/manage.html?id={booking_id}"
            f"&token={sign_booking(cfg.secret_key, booking_id)}")


def _outbox(booking: Booking, plan: list[msg.PlannedMessage], now: datetime) -> list[msg.OutboxMessage]:
    return [msg.OutboxMessage.planned(booking_id=booking.id, revision=booking.revision, plan=p,
                                      phone=booking.customer.phone, locale=booking.locale,
                                      slot_start=booking.slot_start, now=now) for p in plan]


# ---- the customer's own booking -------------------------------------------

def _authorised_booking(booking_id: str, token: str | None) -> Booking:
    check_booking_token(get_config().secret_key, booking_id, token)
    booking = bookings_db.get_booking(booking_id)
    if booking is None:
        raise NotFound(BOOKING_NOT_FOUND, code="booking_not_found")
    return booking


def customer_booking(booking_id: str, token: str | None) -> dict[str, Any]:
    return customer_view(_authorised_booking(booking_id, token), current_store())


def reschedule_booking(booking_id: str, token: str | None, body: Any) -> dict[str, Any]:
    old = _authorised_booking(booking_id, token)
    ctx = current_store()
    settings = ctx.settings
    now = clock.now()
    errors = FieldErrors()
    start = parse_instant(errors, "slot_start", require_object(body).get("slot_start"), now=now)
    errors.raise_if_any()
    assert start is not None
    old.ensure_reschedulable(now)
    slot = bookable_slot(settings, start, now)
    new = old.rescheduled(slot_start=slot.start, slot_end=slot.end, now=now)
    write_move(old, new, slot, actor=CUSTOMER_ACTOR, now=now, desk=False)
    return customer_view(new, ctx)


def write_move(old: Booking, new: Booking, slot: slots_rules.Slot, *, actor: str,
               now: datetime, desk: bool) -> None:
    """Write a booking moved to ``slot`` (by the customer's link, or by the ``desk``, where a
    walk-in keeps the labour kept for walk-ins): the capacity moved in one transaction, the
    'rescheduled' SMS and new reminders, the old ones taken back, the audit entry. Made with
    settings older than the profile, it is checked once more against the settings as now."""
    try:
        _write_move(old, new, slot, actor=actor, now=now, desk=desk)
    except SettingsChanged:
        forget_store()
        settings = current_store().settings
        slot = bookable_slot(settings, slot.start, now, desk=desk)
        _write_move(old, new, slot, actor=actor, now=now, desk=desk)


def _write_move(old: Booking, new: Booking, slot: slots_rules.Slot, *, actor: str,
                now: datetime, desk: bool) -> None:
    settings = current_store().settings
    messages = _outbox(new, msg.plan_reschedule(settings, slot.start, now), now)
    old_slot = slots_rules.Slot(old.slot_start, old.slot_end)
    try:
        bookings_db.reschedule_booking(
            old, new, release=_take(settings, old_slot, old),
            take=_take(settings, slot, new), limits=_limits(settings, old.channel if desk else ONLINE),
            messages=messages, audit=[_booking_audit(old, new, "rescheduled", now, actor)],
            settings=settings)
    except AlreadyBooked:
        raise _already_booked() from None
    except CapacityExhausted:
        raise SlotFull(_("That slot is fully booked"), alternatives=_alternatives(
            settings, slot.start, new.labor_minutes, now)) from None
    outbox_db.supersede(list(old.message_ids), now=now)
    log_event("booking_rescheduled", booking_id=old.id, slot_start=slot.start.isoformat(),
              by=actor)


def cancel_booking(booking_id: str, token: str | None, body: Any) -> dict[str, Any]:
    old = _authorised_booking(booking_id, token)
    reason = parse_reason(body)
    ctx = current_store()
    now = clock.now()
    new = old.cancelled(reason=reason, now=now)
    write_cancel(old, new, actor=CUSTOMER_ACTOR, now=now)
    return customer_view(new, ctx)


def write_cancel(old: Booking, new: Booking, *, actor: str, now: datetime) -> None:
    """Write a booking cancelled (by the customer's link or by the desk): its capacity
    released, the 'cancelled' SMS, the reminders taken back, the audit entry."""
    messages = _outbox(new, msg.plan_cancel(current_store().settings, now), now)
    old_slot = slots_rules.Slot(old.slot_start, old.slot_end)
    bookings_db.cancel_booking(old, new, release=_take(current_store().settings, old_slot, old),
                               messages=messages,
                               audit=[_booking_audit(old, new, "cancelled", now, actor)])
    outbox_db.supersede(list(old.message_ids), now=now)
    log_event("booking_cancelled", booking_id=old.id, by=actor)   # the reason: not logged


def _booking_audit(old: Booking, new: Booking, action: str, now: datetime,
                   actor: str = "") -> audit_rules.AuditEntry:
    return audit_rules.entry(audit_rules.BOOKING, old.id, actor=actor or CUSTOMER_ACTOR,
                             action=action, at=now, before=BookingDesk.audit_view(old),
                             after=BookingDesk.audit_view(new))


HISTORY_FIELDS = ("at", "event", "slot_start", "from", "reason")


def customer_history(booking: Booking, tz: ZoneInfo) -> list[dict[str, str]]:
    """The booking's events as the customer may read them: who acted is a role, ``customer``
    (their own link or online booking) or ``advisor`` (服务顾问: the service desk, whoever
    of the front desk it was), never a staff login."""
    rows = []
    for event in booking.history:
        own = (booking.channel == ONLINE if event.get("event") == "booked"
               else "by" not in event)
        row = {k: event[k] for k in HISTORY_FIELDS if k in event}
        if "at" in row:   # written in UTC: shown in the store's time zone
            row["at"] = datetime.fromisoformat(row["at"]).astimezone(tz).isoformat()
        rows.append({**row, "by": CUSTOMER_ACTOR if own else ADVISOR})
    return rows


def customer_view(booking: Booking, ctx: StoreContext) -> dict[str, Any]:
    """The booking as its customer may see it: phone and VIN masked (links get forwarded),
    roles instead of staff logins."""
    catalogue = ctx.catalogue
    services = [catalogue[c] for c in booking.service_codes if c in catalogue]
    settings = ctx.settings
    now = clock.now()
    return {
        "id": booking.id, "reference": booking.reference, "status": booking.status,
        "slot_start": booking.slot_start.isoformat(), "slot_end": booking.slot_end.isoformat(),
        "services": [service_view(s) for s in services],
        "estimate": {"duration_min": sum(s.duration_min for s in services),
                     "price": yuan(sum(s.price_estimate_fen for s in services)),
                     "currency": "CNY"},
        "customer": {"name": booking.customer.name, "phone": mask_phone(booking.customer.phone)},
        "vehicle": {"plate": booking.vehicle.plate, "vin": mask_vin(booking.vehicle.vin),
                    "model": booking.vehicle.model, "mileage_km": booking.vehicle.mileage_km},
        "concern": booking.concern, "transport": booking.transport, "locale": booking.locale,
        "cancel_reason": booking.cancel_reason or None,   # the customer's own (the desk's stays)
        "can_change": booking.status in ACTIVE and now < booking.slot_start,
        "reschedules_left": booking.reschedules_left,
        "created_at": booking.created_at.astimezone(settings.tz).isoformat(),
        "history": customer_history(booking, settings.tz),
        "store": {"name": settings.name, "name_en": settings.name_en,
                  "address": settings.address, "address_en": settings.address_en,
                  "phone": settings.phone, "timezone": settings.timezone},
    }


LINK_PROBLEM_PAGE = "/link.html"   # says the link is wrong or has expired, and what to do


def resolve_link(code: str, *, browser: bool = False) -> str:
    """Where a short SMS link goes. A wrong or expired one is 404 ``link_not_found`` for a
    program; a browser (it asks for a page) goes to the page that tells the customer."""
    target = links_db.resolve(code, clock.now()) if code.isalnum() and len(code) <= 16 else None
    if target is None and browser:
        return get_config().public_base_url + LINK_PROBLEM_PAGE
    if target is None:
        raise NotFound(_("This link is not valid"), code="link_not_found")
    return target
