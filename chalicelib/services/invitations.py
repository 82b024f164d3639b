"""The customer's side of an invitation (邀约, issue 15: part INVITE) and what it earned.

- ``booking_url``/``unsubscribe_url``: the pages an invitation's SMS links open (the daily
  job and campaigns put them behind short links).
- ``prefill``: the personal link's booking form (``GET /api/invitations/{id}?token=``); the
  first open counts ``opened`` once.
- ``for_booking``: a booking that carries the link (``"invitation": {"id", "token"}``) or a
  staff booking from a retention call (``invitation_id``): the phone the link proves (no SMS
  code), the invitation booked (``booked`` once per invitation), the customer's marketing
  consent (``marketing_consent``). The booking's transaction writes them (db/bookings).
- ``unsubscribe``: our opt-out list, consent false, a contact log entry.
- ``arrived`` (check-in) and ``earned`` (settlement): the changes that count ``arrived`` and
  ``revenue_fen``, written in those transactions.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from .. import clock
from ..config import get_config
from ..db import care as care_db
from ..db import records as records_db
from ..domain import care
from ..domain.care import ContactEntry, Invitation
from ..domain.errors import Conflict, FieldErrors, NotFound
from ..domain.repair_order import RepairOrder
from ..domain.tokens import check_invitation_token, invitation_denied, sign_invitation
from ..domain.validation import ID_MAX, mask_phone
from ..i18n import _, current_language, render
from ..logs import log_event
from .store import current_store

CUSTOMER = "customer"
BOOKING_SITE = "booking_site"     # consent source: the booking form's checkbox
DESK = "desk"                     # consent source: the desk's booking
UNSUBSCRIBE = "unsubscribe"       # opt-out and consent source: the unsubscribe page


def booking_url(invitation_id: str) -> str:
    """The page an invitation's SMS link opens (the short link's target): the booking site."""
    cfg = get_config()
    token = sign_invitation(cfg.secret_key, invitation_id)
    return f"{cfg.public_base_url}/?invitation={invitation_id}&token={token}"


def unsubscribe_url(invitation_id: str) -> str:
    """The unsubscribe page (退订) a marketing SMS carries."""
    cfg = get_config()
    token = sign_invitation(cfg.secret_key, invitation_id)
    return f"{cfg.public_base_url}/unsubscribe.html?invitation={invitation_id}&token={token}"


def valid_until(inv: Invitation) -> datetime:
    """The last moment the personal link books: ``INVITATION_DAYS`` after it was sent (or
    made, when no SMS went)."""
    start = datetime.fromisoformat(inv.sent_at or inv.created_at)
    return start + timedelta(days=care.INVITATION_DAYS)


def _authorised(invitation_id: str, token: str | None, now: datetime, *,
                expires: bool = True) -> Invitation:
    """The invitation the link was signed for; the one 403 ``invalid_token`` for a wrong,
    tampered or expired token and for a link past its ``valid_until`` (``expires``)."""
    check_invitation_token(get_config().secret_key, invitation_id, token)
    inv = care_db.get_invitation(invitation_id)
    if inv is None:
        raise NotFound(_("Invitation not found"), code="invitation_not_found")
    if expires and now > valid_until(inv):
        raise invitation_denied()
    return inv


# ---- the personal link's booking form ------------------------------------------------------

def prefill(invitation_id: str, token: str | None) -> dict[str, Any]:
    now = clock.now()
    inv = _authorised(invitation_id, token, now)
    if not inv.opened_at:
        inv = _opened(inv, now)
    return view(inv)


def _opened(inv: Invitation, now: datetime) -> Invitation:
    """The first open: ``opened_at`` and one ``opened``, on the invitation's version (two
    opens at once: one counts; the other finds it opened)."""
    for _attempt in range(2):
        opened = replace(inv, opened_at=now.isoformat())
        try:
            records_db.save(records_db.Changes(invitations=[(opened, False)],
                                               stats=[(inv.source, {"opened": 1})], now=now))
        except Conflict:
            again = care_db.get_invitation(inv.id)
            if again is None or again.opened_at:
                return again or inv
            inv = again
            continue
        log_event("invitation_opened", invitation_id=inv.id, source=inv.source)
        return replace(opened, version=records_db.saved_version(inv.version))
    return inv


def view(inv: Invitation) -> dict[str, Any]:
    """What the booking form fills in: the phone masked (the link gets forwarded; the server
    knows it), the services still in the catalogue."""
    catalogue = current_store().catalogue
    return {"id": inv.id, "kind": inv.kind,
            "kind_name": render(care.KIND_NAMES[inv.kind], current_language()),
            "customer": {"name": inv.customer_name, "phone": mask_phone(inv.phone)},
            "vehicle": {"plate": inv.plate, "model": inv.model, "mileage_km": inv.mileage_km},
            "services": [code for code in inv.services if code in catalogue],
            "items": list(inv.items), "due_on": inv.due_on or None,
            "valid_until": valid_until(inv).isoformat(), "marketing": inv.marketing,
            "locale": inv.locale, "booked": bool(inv.booking_id)}


# ---- a booking from the link (or from a retention call) -------------------------------------

@dataclass(frozen=True)
class BookingLink:
    """What a booking's body says of its invitation and of the customer's consent."""
    invitation: Invitation | None = None     # the invitation it came from (None: none)
    proven_phone: str = ""                   # the mobile the link proves (no SMS code for it)
    consent: bool | None = None              # marketing_consent, when the body says

    def counts(self) -> bool:
        """The invitation's first booking: attributed, ``booked`` counted."""
        return self.invitation is not None and not self.invitation.booking_id

    def booked(self, booking_id: str, now: datetime) -> Invitation | None:
        """The invitation as the booking writes it: booked, its retention call closed."""
        if not self.counts():
            return None
        inv = self.invitation
        assert inv is not None
        return replace(inv, booking_id=booking_id, booked_at=now.isoformat(),
                       call_status=care.CALL_DONE if inv.call_status else "")


def _same_customer(inv: Invitation, body: dict[str, Any]) -> bool:
    """A desk booking is credited to an invitation only for its car or its mobile (what a
    clerk books from a retention call), never to another campaign's figures."""
    customer = body.get("customer") if isinstance(body.get("customer"), dict) else {}
    vehicle = body.get("vehicle") if isinstance(body.get("vehicle"), dict) else {}
    digits = "".join(ch for ch in str(customer.get("phone") or "") if ch.isdigit())
    plate = "".join(str(vehicle.get("plate") or "").split()).upper()
    return (bool(digits) and inv.phone.endswith(digits[-11:])) or plate == inv.plate.upper()


def for_booking(body: dict[str, Any], *, desk: bool, now: datetime
                ) -> tuple[dict[str, Any], BookingLink]:
    """The booking's body as it is parsed (online, the link's phone put in where the form
    sent its masked form or none) and what its invitation and consent are."""
    errors = FieldErrors()
    consent = body.get("marketing_consent")
    if consent is not None and not isinstance(consent, bool):
        errors.add("marketing_consent", _("must be true or false"))
    inv = None
    if desk and body.get("invitation_id") not in (None, ""):
        raw = body.get("invitation_id")
        inv = care_db.get_invitation(raw) if isinstance(raw, str) and len(raw) <= ID_MAX else None
        if inv is None:
            errors.add("invitation_id", _("no such invitation"))
        elif not _same_customer(inv, body):
            errors.add("invitation_id", _("this invitation is for another car and mobile"))
            inv = None
    elif not desk and body.get("invitation") is not None:
        link = body.get("invitation")
        if not (isinstance(link, dict) and isinstance(link.get("id"), str)
                and isinstance(link.get("token"), str)):
            errors.add("invitation", _("must be an object with id and token"))
        else:
            errors.raise_if_any()
            inv = _authorised(link["id"], link["token"], now)
    errors.raise_if_any()
    if inv is None:
        return body, BookingLink(consent=consent)
    proven = ""
    if not desk:
        customer = body.get("customer")
        phone = customer.get("phone") if isinstance(customer, dict) else None
        if phone in (None, "", mask_phone(inv.phone)):   # the form shows the phone masked
            body = {**body, "customer": {**(customer or {}), "phone": inv.phone}}
        proven = inv.phone
    return body, BookingLink(invitation=inv, proven_phone=proven, consent=consent)


def consent_of(link: BookingLink, phone: str, *, desk: bool, by: str
               ) -> tuple[str, bool, str, str] | None:
    """The consent the booking records: (phone, marketing?, source, by), or None."""
    if link.consent is None:
        return None
    return (phone, link.consent, DESK if desk else BOOKING_SITE, by)


# ---- unsubscribe (退订) ----------------------------------------------------------------------

def unsubscribe(invitation_id: str, token: str | None) -> dict[str, Any]:
    """The number off our marketing: on our opt-out list, consent false, a contact log entry.
    Works for as long as the token does (not only while the link books); idempotent."""
    now = clock.now()
    inv = _authorised(invitation_id, token, now, expires=False)
    if inv.phone in care_db.opted_out([inv.phone]):
        return {"unsubscribed": True}
    entry = ContactEntry(at=now.astimezone(current_store().settings.tz).isoformat(),
                         channel=care.SMS, direction=care.INBOUND, kind=UNSUBSCRIBE,
                         vehicle_id=inv.vehicle_id, invitation_id=inv.id)
    changes = records_db.Changes(opt_outs=[(inv.phone, UNSUBSCRIBE)],
                                 consents=[(inv.phone, False, UNSUBSCRIBE, CUSTOMER)], now=now)
    if inv.customer_id:
        changes.contacts.append((inv.customer_id, entry))
    records_db.save(changes)
    log_event("invitation_unsubscribed", invitation_id=inv.id, phone=mask_phone(inv.phone))
    return {"unsubscribed": True}


# ---- further down: arrival and revenue -------------------------------------------------------

def arrived(order: RepairOrder, changes: records_db.Changes, now: datetime) -> None:
    """The check-in of a booking made from an invitation: the invitation arrived (its first
    order), ``arrived`` counted, in the check-in's ``changes``."""
    if not order.invitation_id:
        return
    inv = care_db.get_invitation(order.invitation_id)
    if inv is None or inv.order_id:
        return
    changes.invitations.append((replace(inv, order_id=order.id, arrived_at=now.isoformat()),
                                False))
    changes.stats.append((inv.source, {"arrived": 1}))


def earned(order: RepairOrder, amount_fen: int) -> records_db.Changes | None:
    """The settlement of the order an invitation brought: its revenue (what the customer
    paid) on the invitation and its source, in the settlement's transaction. The order
    settles once (its version), so the revenue counts once."""
    if not order.invitation_id or amount_fen <= 0:
        return None
    inv = care_db.get_invitation(order.invitation_id)
    if inv is None or inv.order_id != order.id:
        return None
    return records_db.Changes(
        invitations=[(replace(inv, revenue_fen=inv.revenue_fen + amount_fen), False)],
        stats=[(inv.source, {"revenue_fen": amount_fen})])
