"""The customer and vehicle file (一车一档): search, customer, vehicle with its history."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import clock
from ..db import audit as audit_db
from ..db import bookings as bookings_db
from ..db import records as records_db
from ..domain import audit as audit_rules
from ..domain.booking import ARRIVED, Booking, require_object
from ..domain.errors import FieldErrors, NotFound
from ..i18n import _
from ..domain.money import yuan
from ..domain.repair_order import RepairOrder
from ..domain.staff import AUDIT_READERS, MANAGER, Staff
from ..domain.validation import clean_text, expect_version, mask_phone
from ..domain.booking import parse_customer, parse_vehicle
from ..domain.vehicles import (MAX_REASON, CustomerRecord, VehicleRecord, check_mileage_change,
                               parse_search, warranty_status)
from ..db import care as care_db
from ..db import outbox as outbox_db
from ..domain import care as care_rules
from ..domain import messages as msg
from ..domain import retention as retention_rules
from . import care  # issue 15: the care facts of a vehicle saved here
from . import files, retention
from .store import current_store, store_now


def _today():
    return store_now().date()


def vehicle_row(v: VehicleRecord, customer: CustomerRecord | None) -> dict[str, Any]:
    return {"id": v.id, "plate": v.plate, "vin": v.vin, "model": v.model,
            "mileage_km": v.mileage_km, "customer_id": v.customer_id,
            "next_service": ({"date": v.next_service_date.isoformat(), "mileage_km": v.next_service_km}
                             if v.next_service_date else None),
            "customer": ({"name": customer.name, "phone": mask_phone(customer.phone)}
                         if customer else None)}


def booking_row(b: Booking) -> dict[str, Any]:
    """A booking as a search lists it (not checked in yet: the car may not be on file)."""
    return {"id": b.id, "reference": b.reference, "status": b.status, "channel": b.channel,
            "slot_start": b.slot_start.isoformat(),
            "customer": {"name": b.customer.name, "phone": mask_phone(b.customer.phone)},
            "vehicle": {"plate": b.vehicle.plate, "model": b.vehicle.model}}


def search(q: str | None) -> dict[str, Any]:
    """Cars (with their owner), customers without a car on file, and bookings not checked
    in, found by what was typed (``parse_search``): one query on its search key, then the
    records read by key (and a found customer's cars by index). Phones are masked here, for
    every role."""
    term = parse_search(q)
    found = records_db.search(term.key)
    owners = {c.id: c for c in found.customers}
    owners.update({c.id: c for c in records_db.customers_by_id(
        [v.customer_id for v in found.vehicles if v.customer_id not in owners])})
    rows = [vehicle_row(v, owners.get(v.customer_id)) for v in found.vehicles]
    listed = {v.id for v in found.vehicles}
    for c in found.customers:
        cars = records_db.vehicles_of(c.id)
        rows += [vehicle_row(v, c) for v in cars if v.id not in listed]
        listed.update(v.id for v in cars)
        if not cars:
            rows.append({"id": None, "plate": None, "customer_id": c.id,
                         "customer": {"name": c.name, "phone": mask_phone(c.phone)}})
    bookings = [booking_row(b) for b in found.bookings if b.status != ARRIVED]
    return {"q": term.key, "results": rows, "bookings": bookings}


def _customer(customer_id: str) -> CustomerRecord:
    customer = records_db.get_customer(customer_id)
    if customer is None:
        raise NotFound(_("Customer not found"), code="customer_not_found")
    return customer


def _vehicle(vehicle_id: str) -> VehicleRecord:
    vehicle = records_db.get_vehicle(vehicle_id)
    if vehicle is None:
        raise NotFound(_("Vehicle not found"), code="vehicle_not_found")
    return vehicle


def _history(kind: str, record_id: str, staff: Staff) -> list[dict[str, Any]] | None:
    if not staff.roles & AUDIT_READERS:
        return None
    return [e.view() for e in audit_db.history(audit_rules.subject(kind, record_id))]


def customer_view(customer_id: str, staff: Staff) -> dict[str, Any]:
    c = _customer(customer_id)
    return {"id": c.id, "name": c.name, "phone": staff.phone_view(c.phone),
            "phone_masked": mask_phone(c.phone),
            "created_at": c.created_at.isoformat(), "version": c.version,
            "vehicles": [vehicle_row(v, c) for v in records_db.vehicles_of(c.id)],
            "audit": _history(audit_rules.CUSTOMER, c.id, staff)}


def order_row(o: RepairOrder, *, prices: bool = True) -> dict[str, Any]:
    """An order in a list; its amounts only for staff who read prices (``prices``)."""
    settings = current_store().settings
    row = {"id": o.id, "reference": o.reference, "status": o.status,
            "opened_at": o.opened_at.isoformat(),
            "promised_at": o.promised_at.isoformat() if o.promised_at else None,
            "plate": o.plate, "customer_name": o.customer_name, "advisor": o.advisor,
            "mileage_km": o.reception.get("mileage_km"),
            "pending_approval": o.pending_approval is not None,
            "estimate": o.estimate(settings.tax_rate).view()["customer_pays"],
            "technician": o.job.technician or None, "rework_count": o.quality.rework_count,
            "comeback_of": o.comeback_of or None,
            "findings_to_price": o.findings_to_price,
            "amount_due": yuan(o.amount_due_fen(settings.tax_rate))}
    if not prices:
        del row["estimate"], row["amount_due"]
    return row


def _documents(orders: list[RepairOrder]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The car's photos and signed documents; each photo says what it shows as data (``kind``:
    check_in, damage with its ``zone`` and ``damage``, or a line's ``description``), which the
    page puts in words."""
    photos, signed = [], []
    for o in orders:
        sheet = o.reception
        for key in sheet.get("photo_keys", []):
            photos.append({"order_id": o.id, "reference": o.reference, "kind": "check_in",
                           "url": files.view_url(key)})
        for mark in sheet.get("damage", []):
            for key in mark.get("photo_keys", []):
                photos.append({"order_id": o.id, "reference": o.reference, "kind": "damage",
                               "zone": mark["zone"], "damage": mark["kind"],
                               "url": files.view_url(key)})
        for line in o.lines:
            for key in line.photo_keys:
                photos.append({"order_id": o.id, "reference": o.reference, "kind": "line",
                               "description": line.description, "url": files.view_url(key)})
        if sheet.get("signature_key"):
            signed.append({"order_id": o.id, "reference": o.reference, "document": "check_in",
                           "signed_at": sheet.get("signed_at"),
                           "url": files.view_url(sheet["signature_key"])})
        for a in o.approvals:
            if a.signature_key:
                signed.append({"order_id": o.id, "reference": o.reference,
                               "document": f"approval_{a.kind}", "signed_at": a.decided_at,
                               "url": files.view_url(a.signature_key)})
    return photos, signed


def vehicle_view(vehicle_id: str, staff: Staff) -> dict[str, Any]:
    v = _vehicle(vehicle_id)
    owner = records_db.get_customer(v.customer_id)
    orders = records_db.orders_of(v.id)
    bookings = [b for b in bookings_db.bookings_of_phone(owner.phone)
                if b.vehicle.plate == v.plate] if owner else []
    photos, signed = _documents(orders)
    return {
        **vehicle_row(v, owner),
        "sale_date": v.sale_date.isoformat() if v.sale_date else None,
        "version": v.version,
        "customer": ({"id": owner.id, "name": owner.name, "phone": staff.phone_view(owner.phone),
                      "phone_masked": mask_phone(owner.phone)} if owner else None),
        "warranty": warranty_status(v.sale_date, v.mileage_km, _today()),
        "recommendations": [r.view() if staff.reads_prices
                            else {k: x for k, x in r.view().items() if k not in ("amount", "amount_fen")}
                            for r in v.recommendations],
        "orders": [order_row(o, prices=staff.reads_prices) for o in orders],
        "bookings": [{"id": b.id, "reference": b.reference, "status": b.status,
                      "slot_start": b.slot_start.isoformat(), "channel": b.channel}
                     for b in bookings],
        "photos": photos, "documents": signed,
        "audit": _history(audit_rules.VEHICLE, v.id, staff),
        # issue 15 (part CALLS): the contact history in one timeline, marketing consent; for
        # those who phone customers (not the workshop, the inspector, the cashier)
        "timeline": contact_timeline(v, owner, orders, bookings) if staff.calls_customers else [],
        "consent": (retention.consent_view(owner.phone)
                    if owner and staff.calls_customers else None),
    }


TIMELINE_SMS_MAX = 100      # outbox messages a timeline reads (one BatchGetItem)
_SMS_SHOWN = (msg.SENT, msg.SKIPPED, msg.FAILED)


def _entry(at: Any, type_: str, *, kind: str = "", by: str = "", by_name: str = "",
           outcome: str = "", note: str = "", **refs: Any) -> dict[str, Any]:
    entry = {"at": at, "type": type_, "kind": kind or None, "by": by or None,
             "by_name": by_name or by or None, "outcome": outcome or None, "note": note or None}
    entry.update({k: refs.get(k) or None for k in _ENTRY_REFS})
    return entry


# what an entry may point to or add; every entry has every key (None when it has none)
_ENTRY_REFS = ("direction", "invitation_id", "message_id", "booking_id", "order_id",
               "complaint_id", "reason", "comes_back_on", "scores")


def contact_timeline(v: VehicleRecord, owner: CustomerRecord | None, orders: list[RepairOrder],
                     bookings: list[Booking]) -> list[dict[str, Any]]:
    """Every contact about the car, newest first, bounded (rules.TIMELINE_LIMIT): the owner's
    contact log (care SMS and invitations, calls in and out), the SMS of its bookings and
    orders (read by id: the bookings name theirs, an order's are known by kind), follow-up
    calls and surveys, complaints. A fixed number of reads, whatever the car's age."""
    entries: list[dict[str, Any]] = []
    for e in care_db.contacts_of(owner.id) if owner else []:
        if e.vehicle_id not in ("", v.id):
            continue
        type_ = (retention_rules.INVITATION_ENTRY if e.channel == care_rules.SMS and e.invitation_id
                 else retention_rules.SMS_ENTRY if e.channel == care_rules.SMS
                 else retention_rules.CALL_ENTRY)
        entries.append(_entry(e.at, type_, kind=e.kind, by=e.by, by_name=e.by_name,
                              outcome=e.outcome, note=e.note, direction=e.direction,
                              invitation_id=e.invitation_id, message_id=e.message_id,
                              reason=e.extra.get("reason"),
                              comes_back_on=e.extra.get("retry_on") or e.extra.get("next_on")))
    message_ids = [m for b in bookings for m in b.message_ids]
    for o in orders:
        message_ids += [f"{o.id}.{kind}" for kind in (msg.READY, msg.SURVEY, msg.SECOND_FOLLOW_UP)]
        message_ids += [f"{o.id}.{a.id}.{msg.APPROVAL_REQUEST}" for a in o.approvals]
    followups, complaints = records_db.followups_and_complaints_of([o.id for o in orders])
    message_ids += [f"{c.id}.{msg.COMPLAINT_ACK}" for c in complaints]
    for m in outbox_db.get_many(list(dict.fromkeys(message_ids))[:TIMELINE_SMS_MAX]):
        if m.status in _SMS_SHOWN:
            entries.append(_entry((m.finished_at or m.due_at).isoformat(),
                                  retention_rules.SMS_ENTRY, kind=m.kind, outcome=m.status,
                                  direction=care_rules.OUTBOUND, message_id=m.message_id,
                                  booking_id=m.booking_id, order_id=m.order_id))
    names = _staff_names() if any(f.calls for f in followups) else {}
    for f in followups:
        for c in f.calls:
            entries.append(_entry(c.at, retention_rules.FOLLOW_UP_ENTRY, kind=c.task, by=c.by,
                                  by_name=names.get(c.by, c.by), outcome=c.outcome, note=c.note,
                                  direction=care_rules.OUTBOUND, order_id=f.order_id,
                                  complaint_id=c.complaint_id))
        if f.survey:
            s = f.survey
            entries.append(_entry(s.answered_at, retention_rules.SURVEY_ENTRY,
                                  outcome="low" if s.low else "ok", note=s.comment,
                                  order_id=f.order_id,
                                  scores=f"{s.attitude}/{s.quality}/{s.timeliness}"))
    for c in complaints:
        entries.append(_entry(c.opened_at.isoformat(), retention_rules.COMPLAINT_ENTRY,
                              kind=c.source, by=c.opened_by, outcome=c.status,
                              note=c.description[:200], order_id=c.order_id, complaint_id=c.id))
    return retention_rules.timeline(entries)


def _staff_names() -> dict[str, str]:
    from .complaints import handlers
    return {p["username"]: p["name"] for p in handlers()}


def update_vehicle(vehicle_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Correct the vehicle's details (plate, VIN, model, sale date, mileage) with the version
    read. A corrected plate or VIN frees the old one; only the manager lowers the mileage,
    with a ``reason``."""
    require_object(body)
    old = _vehicle(vehicle_id)
    errors = FieldErrors()
    data = parse_vehicle(errors, {"plate": old.plate, **body}, prefix="vehicle",
                         sale_date_until=_today())
    reason = clean_text(errors, "reason", body.get("reason"), max_len=MAX_REASON)
    lowered = check_mileage_change(errors, old.mileage_km, data.mileage_km,
                                   manager=MANAGER in staff.roles, reason=reason)
    expect_version(errors, body, old.version, kind="vehicle")
    now = clock.now()
    new = replace(old, plate=data.plate, vin=data.vin or old.vin, model=data.model or old.model,
                  sale_date=data.sale_date or old.sale_date,
                  mileage_km=data.mileage_km if data.mileage_km is not None else old.mileage_km,
                  updated_at=now)
    new = care.refreshed(new, today=_today(), reading_km=data.mileage_km)   # care (issue 15)
    after = {**new.audit_view(), **({"reason": reason} if reason else {})}
    changes = records_db.Changes(vehicles=[(new, False)], audit=[audit_rules.entry(
        audit_rules.VEHICLE, old.id, actor=staff.username, actor_name=staff.name,
        action="mileage_corrected" if lowered else "edited", at=now,
        before=old.audit_view(), after=after)])
    changes.markers(old, new)
    records_db.save(changes)
    return vehicle_view(vehicle_id, staff)


def update_customer(customer_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Verify contact details at reception (核实联系方式): name and mobile. A corrected mobile
    frees the old number for whoever has it now."""
    require_object(body)
    old = _customer(customer_id)
    errors = FieldErrors()
    data = parse_customer(errors, {"name": old.name, "phone": old.phone, **body})
    expect_version(errors, body, old.version, kind="customer")
    now = clock.now()
    new = replace(old, name=data.name, phone=data.phone, updated_at=now)
    changes = records_db.Changes(customers=[(new, False)], audit=[audit_rules.entry(
        audit_rules.CUSTOMER, old.id, actor=staff.username, actor_name=staff.name,
            action="edited", at=now,
        before=old.audit_view(), after=new.audit_view())])
    changes.markers(old, new)
    if (new.name, new.phone) != (old.name, old.phone):
        # the visit under way texts the customer (approval, ready): it takes the correction too
        changes.orders += [(replace(o, customer_name=new.name, phone=new.phone, updated_at=now),
                            False)
                           for o in records_db.orders_in_store() if o.customer_id == old.id]
    records_db.save(changes)
    return customer_view(customer_id, staff)
