"""Customers, vehicles (一车一档), repair orders, follow-ups, complaints and the audit trail.

Every change goes through ``save``: the records it touches, their audit
entries, and any SMS or short link, in one transaction. Each record carries
the version it was read at (optimistic locking): a writer who read an older
version gets ``Conflict(<kind>_changed)`` and must reload.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime


from .. import clock
from ..config import get_config
from ..domain import care as care_rules
from ..domain.care import ContactEntry, Invitation
from ..domain import complaints as cpl
from ..domain import followup as fu
from ..domain import workshop as ws
from ..domain.audit import AuditEntry
from ..domain.booking import ACTIVE, Booking
from ..domain.errors import Conflict
from ..domain.validation import RECORD_KINDS
from ..i18n import _
from ..domain.history import Trail
from ..domain.messages import OutboxMessage
from ..domain.repair_order import IN_STORE, ApprovalRequest, Line, RepairOrder
from ..domain.settlement import Delivery, Settlement
from ..domain.vehicles import CustomerRecord, Recommendation, VehicleRecord, unique_moves
from pynamodb.exceptions import UpdateError

from . import bind, get_item, get_items
from . import care as care_db
from . import search as search_db
from .bookings import get_bookings, to_booking
from .bookings import to_item as booking_item
from .links import ShortLink
from .audit import to_item as audit_item
from .models import (BookingItem, ComplaintItem, CustomerItem, EventItem, FollowUpItem,
                     LinkItem, RepairOrderItem, UniqueItem, VehicleItem)
from .outbox import to_item as outbox_item
from .timefmt import parse, utc_key
from .tx import Cancelled, Tx, commit

SEARCH_LIMIT = 20
EVENTS_LIMIT = 500      # the newest events a view reads (one query page or two)


# ---- converters ----------------------------------------------------------------

def _customer_item(c: CustomerRecord) -> CustomerItem:
    item = CustomerItem(c.id, store_id=get_config().store_id, name=c.name, phone=c.phone,
                        search_keys=sorted(search_db.customer_keys(c)),
                        created_at=c.created_at.isoformat(), updated_at=c.updated_at.isoformat())
    if c.version is not None:
        item.version = c.version
    return item


def _customer(item: CustomerItem) -> CustomerRecord:
    return CustomerRecord(id=item.customer_id, name=item.name, phone=item.phone,
                          created_at=parse(item.created_at), updated_at=parse(item.updated_at),
                          version=item.version, search_keys=tuple(item.search_keys or ()))


def _vehicle_item(v: VehicleRecord) -> VehicleItem:
    item = VehicleItem(v.id, store_id=get_config().store_id, plate=v.plate, vin=v.vin or None,
                       model=v.model or None,
                       sale_date=v.sale_date.isoformat() if v.sale_date else None,
                       mileage_km=v.mileage_km, customer_id=v.customer_id,
                       recommendations=[r.to_dict() for r in v.recommendations],
                       next_service_date=(v.next_service_date.isoformat()
                                          if v.next_service_date else None),
                       next_service_km=v.next_service_km,
                       search_keys=sorted(search_db.vehicle_keys(v)),
                       created_at=(v.created_at or v.updated_at).isoformat(),
                       updated_at=(v.updated_at or v.created_at).isoformat(),
                       care=v.care.to_dict(),
                       last_visit_on=v.last_visit_on.isoformat() if v.last_visit_on else None,
                       care_day=v.care_day.isoformat() if v.care_day else None)
    if v.version is not None:
        item.version = v.version
    return item


def _vehicle(item: VehicleItem) -> VehicleRecord:
    return VehicleRecord(
        id=item.vehicle_id, plate=item.plate, customer_id=item.customer_id, vin=item.vin or "",
        model=item.model or "",
        sale_date=date.fromisoformat(item.sale_date) if item.sale_date else None,
        mileage_km=int(item.mileage_km) if item.mileage_km is not None else None,
        created_at=parse(item.created_at), updated_at=parse(item.updated_at),
        recommendations=tuple(Recommendation.from_dict(r) for r in item.recommendations or []),
        next_service_date=(date.fromisoformat(item.next_service_date)
                           if item.next_service_date else None),
        next_service_km=int(item.next_service_km) if item.next_service_km is not None else None,
        version=item.version, search_keys=tuple(item.search_keys or ()),
        care=care_rules.CareState.from_dict(item.care),
        care_day=date.fromisoformat(item.care_day) if item.care_day else None,
        last_visit_on=date.fromisoformat(item.last_visit_on) if item.last_visit_on else None)


def _order_item(o: RepairOrder) -> RepairOrderItem:
    item = RepairOrderItem(
        o.id, reference=o.reference, status=o.status, vehicle_id=o.vehicle_id,
        customer_id=o.customer_id, plate=o.plate, customer_name=o.customer_name, phone=o.phone,
        advisor=o.advisor, booking_id=o.booking_id or None,
        booking_channel=o.booking_channel or None, opened_at=o.opened_at.isoformat(),
        opened_date=o.opened_at.date().isoformat(), updated_at=o.updated_at.isoformat(),
        promised_at=o.promised_at.isoformat() if o.promised_at else None,
        lines=[ln.to_dict() for ln in o.lines], approvals=[a.to_dict() for a in o.approvals],
        reception=dict(o.reception), locale=o.locale,
        in_store=get_config().store_id if o.status in IN_STORE else None,
        job=o.job.summary(), quality=o.quality.to_dict(), wash_done_at=o.wash_done_at or None,
        ready_at=o.ready_at or None,
        settlement=o.settlement.to_dict() if o.settlement else None,
        delivery=o.delivery.to_dict() if o.delivery else None,
        comeback_of=o.comeback_of or None, invitation_id=o.invitation_id or None)
    if o.version is not None:
        item.version = o.version
    return item


def _order(item: RepairOrderItem) -> RepairOrder:
    return RepairOrder(
        id=item.order_id, reference=item.reference, status=item.status,
        vehicle_id=item.vehicle_id, customer_id=item.customer_id, plate=item.plate,
        customer_name=item.customer_name, phone=item.phone, advisor=item.advisor,
        booking_id=item.booking_id or "", booking_channel=item.booking_channel or "",
        opened_at=parse(item.opened_at),
        updated_at=parse(item.updated_at),
        promised_at=parse(item.promised_at) if item.promised_at else None,
        lines=tuple(Line.from_dict(d) for d in item.lines or []),
        approvals=tuple(ApprovalRequest.from_dict(d) for d in item.approvals or []),
        reception=dict(item.reception or {}), locale=item.locale or "zh-CN",
        job=ws.Job.from_dict(item.job), quality=ws.Quality.from_dict(item.quality),
        wash_done_at=item.wash_done_at or "", ready_at=item.ready_at or "",
        settlement=Settlement.from_dict(item.settlement),
        delivery=Delivery.from_dict(item.delivery), comeback_of=item.comeback_of or "",
        invitation_id=item.invitation_id or "", version=item.version)


def _followup_item(f: fu.FollowUp) -> FollowUpItem:
    data = {"order_reference": f.order_reference, "vehicle_id": f.vehicle_id, "plate": f.plate,
            "customer_id": f.customer_id, "customer_name": f.customer_name, "phone": f.phone,
            "advisor": f.advisor, "tasks": [t.to_dict() for t in f.tasks],
            "calls": [c.to_dict() for c in f.calls],
            "survey": f.survey.to_dict() if f.survey else None,
            "complaint_ids": list(f.complaint_ids)}
    due = f.next_due
    item = FollowUpItem(f.order_id, queue=get_config().store_id if due else None, next_due=due,
                        delivered_at=f.delivered_at, data=data)
    if f.version is not None:
        item.version = f.version
    return item


def _followup(item: FollowUpItem) -> fu.FollowUp:
    d = item.data
    return fu.FollowUp(
        order_id=item.order_id, order_reference=d["order_reference"], vehicle_id=d["vehicle_id"],
        plate=d["plate"], customer_id=d["customer_id"], customer_name=d["customer_name"],
        phone=d["phone"], advisor=d.get("advisor", ""), delivered_at=item.delivered_at,
        tasks=tuple(fu.Task(**t) for t in d.get("tasks", [])),
        calls=tuple(fu.Call(**c) for c in d.get("calls", [])),
        survey=fu.Survey(**d["survey"]) if d.get("survey") else None,
        complaint_ids=tuple(d.get("complaint_ids", [])), version=item.version)


_COMPLAINT_TIMES = ("opened_at", "reply_by", "escalate_at")


def _complaint_item(c: cpl.Complaint) -> ComplaintItem:
    data = {k: v for k, v in c.__dict__.items() if k not in ("id", "version", "trail")
            and k not in _COMPLAINT_TIMES}
    data.update({k: getattr(c, k).isoformat() for k in _COMPLAINT_TIMES})
    data["event_count"] = c.trail.count
    waiting = c.status == cpl.OPEN and not c.escalated_at
    store_id = get_config().store_id
    item = ComplaintItem(c.id, store_id=store_id, opened_at=c.opened_at.isoformat(),
                         status=c.status, escalate_at=utc_key(c.escalate_at),
                         escalation_queue=store_id if waiting else None,
                         open_queue=store_id if c.status == cpl.OPEN else None, data=data)
    if c.version is not None:
        item.version = c.version
    return item


def _complaint(item: ComplaintItem) -> cpl.Complaint:
    d = dict(item.data)
    if "event_count" in d:
        trail = Trail.stored(int(d.pop("event_count")))
    else:   # written when the complaint held its events: stored apart with its next change
        trail = Trail.unstored(tuple(cpl.Event(**e) for e in d.pop("events", [])))
    times = {k: parse(d.pop(k)) for k in _COMPLAINT_TIMES}
    return cpl.Complaint(id=item.complaint_id, trail=trail, version=item.version, **times, **d)


# ---- growing lists, stored apart (EventItem) -------------------------------------------

def _job_subject(order_id: str) -> str:
    return f"job#{order_id}"


def _complaint_subject(complaint_id: str) -> str:
    return f"complaint#{complaint_id}"


def _read_trail(subject: str, trail: Trail, convert) -> Trail:
    """The trail with its stored entries (the newest ``EVENTS_LIMIT``, one query, only those
    the record counted when it was read), then the entries not stored yet."""
    if trail.count == 0:
        return trail
    bind()
    items = list(EventItem.query(subject, EventItem.seq < trail.count, consistent_read=True,
                                 scan_index_forward=False, limit=EVENTS_LIMIT))
    items.reverse()
    upto = int(items[-1].seq) + 1 if items else trail.saved
    first = trail.count - len(trail.known)          # the place of trail.known[0] in the list
    rest = trail.known[max(0, upto - first):]
    return Trail(known=tuple(convert(i.data) for i in items) + rest, count=trail.count,
                 saved=max(trail.saved, upto))


def with_events(record):
    """A repair order (its job's clock events) or a complaint with its events read."""
    if isinstance(record, RepairOrder):
        trail = _read_trail(_job_subject(record.id), record.job.trail, ws.JobEvent.from_dict)
        return replace(record, job=replace(record.job, trail=trail))
    trail = _read_trail(_complaint_subject(record.id), record.trail, lambda d: cpl.Event(**d))
    return replace(record, trail=trail)


def _save_trail(tx: Tx, label: str, subject: str, trail: Trail) -> None:
    for offset, entry in enumerate(trail.unsaved):
        tx.save(label, EventItem(subject, trail.saved + offset, data=entry.to_dict()),
                EventItem.seq.does_not_exist())


# ---- reads ---------------------------------------------------------------------

@dataclass(frozen=True)
class Arrival:
    """What a check-in reads before its transaction."""
    booking: Booking | None
    customer: CustomerRecord | None     # the holder of the mobile number, if any
    vehicle: VehicleRecord | None       # the holder of the plate, if any


def arrival(booking_id: str | None, phone: str, plate: str) -> Arrival:
    """The booking, the mobile's and the plate's holders: one BatchGetItem for the booking and
    both markers, a second one for the holders when there are any (issue 14, lean)."""
    booking, customer_id, vehicle_id = get_items([   # no booking id: not asked
        (BookingItem, booking_id or "", to_booking),
        (UniqueItem, f"phone#{phone}", _owner), (UniqueItem, f"plate#{plate}", _owner)])
    holders = [(CustomerItem, customer_id, _customer)] if customer_id else []
    holders += [(VehicleItem, vehicle_id, _vehicle)] if vehicle_id else []
    found = iter(get_items(holders))
    customer = next(found) if customer_id else None
    vehicle = next(found) if vehicle_id else None
    return Arrival(booking=booking, customer=customer, vehicle=vehicle)


def _owner(item: UniqueItem) -> str:
    return item.owner_id


def get_customer(customer_id: str) -> CustomerRecord | None:
    return get_item(CustomerItem, customer_id, _customer)


def get_vehicle(vehicle_id: str) -> VehicleRecord | None:
    return get_item(VehicleItem, vehicle_id, _vehicle)


def get_order(order_id: str) -> RepairOrder | None:
    return get_item(RepairOrderItem, order_id, _order)


def owner_of(kind: str, value: str) -> str | None:
    """The record holding a unique value: ``owner_of("plate", "粤B12345")``."""
    return get_item(UniqueItem, f"{kind}#{value}", lambda item: item.owner_id)


@dataclass(frozen=True)
class Found:
    """What a search key finds, in the order the search read it."""
    vehicles: list[VehicleRecord]
    customers: list[CustomerRecord]
    bookings: list[Booking]


def _batch(model, ids: list[str], convert) -> list:
    """Records by id (a batch read), in the order of ``ids``."""
    if not ids:
        return []
    found = {}
    for item in model.batch_get(ids, consistent_read=True):
        record = convert(item)
        found[record.id] = record
    return [found[i] for i in ids if i in found]


def search(key: str) -> Found:
    """Vehicles, customers and bookings found by a search key (``db.search``): one query on
    the key, then the records it names, read by key."""
    refs = search_db.find(key, limit=SEARCH_LIMIT * 3)
    ids: dict[str, list[str]] = {search_db.VEHICLE: [], search_db.CUSTOMER: [],
                                 search_db.BOOKING: []}
    for kind, record_id in refs:
        if kind in ids and len(ids[kind]) < SEARCH_LIMIT:
            ids[kind].append(record_id)
    return Found(vehicles=_batch(VehicleItem, ids[search_db.VEHICLE], _vehicle),
                 customers=_batch(CustomerItem, ids[search_db.CUSTOMER], _customer),
                 bookings=get_bookings(ids[search_db.BOOKING]))


def customers_by_id(ids: list[str]) -> list[CustomerRecord]:
    return _batch(CustomerItem, list(dict.fromkeys(ids)), _customer)


def vehicles_of(customer_id: str) -> list[VehicleRecord]:
    bind()
    return [_vehicle(i) for i in VehicleItem.by_customer.query(customer_id)]


def orders_of(vehicle_id: str, limit: int = 50) -> list[RepairOrder]:
    bind()
    return [_order(i) for i in RepairOrderItem.by_vehicle.query(
        vehicle_id, scan_index_forward=False, limit=limit)]


def orders_opened_on(day: date) -> list[RepairOrder]:
    bind()
    return [_order(i) for i in RepairOrderItem.by_day.query(day.isoformat())]


def orders_in_store() -> list[RepairOrder]:
    """Every order whose car has not been handed back: one query on a sparse index."""
    bind()
    return [_order(i) for i in RepairOrderItem.in_store_index.query(get_config().store_id)]


def get_followup(order_id: str) -> fu.FollowUp | None:
    return get_item(FollowUpItem, order_id, _followup)


def followups_due(day: date, *, since: date | None = None, limit: int = 200) -> list[fu.FollowUp]:
    """Follow-up files with a call due on ``day`` or before (overdue ones included, from
    ``since`` on), the earliest first: one query on the sparse ``due`` index, bounded by
    those days whatever the years of calls behind them."""
    bind()
    due = (FollowUpItem.next_due.between(since.isoformat(), day.isoformat()) if since
           else FollowUpItem.next_due <= day.isoformat())
    return [_followup(i) for i in FollowUpItem.due.query(get_config().store_id, due, limit=limit)]


def get_complaint(complaint_id: str) -> cpl.Complaint | None:
    return get_item(ComplaintItem, complaint_id, _complaint)


def latest_complaint_of(order_id: str) -> cpl.Complaint | None:
    """The order's latest complaint, open or resolved, by its marker ``complaint#<order id>``."""
    complaint_id = owner_of("complaint", order_id)
    return get_complaint(complaint_id) if complaint_id else None


# ---- the vehicle file's timeline (issue 15, part CALLS) ---------------------------------------

def followups_and_complaints_of(order_ids: list[str]) -> tuple[list[fu.FollowUp],
                                                              list[cpl.Complaint]]:
    """The follow-up files of these orders and their complaints (those the files name and each
    order's latest, by its marker): one BatchGetItem per 50 orders for the files and markers,
    then one for the complaints."""
    followups: list[fu.FollowUp] = []
    complaint_ids: list[str] = []
    ids = list(dict.fromkeys(i for i in order_ids if i))
    for start in range(0, len(ids), 50):
        chunk = ids[start:start + 50]
        found = get_items([(FollowUpItem, i, _followup) for i in chunk]
                          + [(UniqueItem, f"complaint#{i}", _owner) for i in chunk])
        files = [f for f in found[:len(chunk)] if f is not None]
        followups += files
        complaint_ids += [c for f in files for c in f.complaint_ids]
        complaint_ids += [c for c in found[len(chunk):] if c]
    wanted = list(dict.fromkeys(complaint_ids))
    complaints: list[cpl.Complaint] = []
    for start in range(0, len(wanted), 100):
        complaints += [c for c in get_items([(ComplaintItem, i, _complaint)
                                             for i in wanted[start:start + 100]]) if c]
    return followups, complaints


def recent_complaints(limit: int = 100) -> list[cpl.Complaint]:
    """The newest complaints, open or resolved: one query, ``limit`` items at most."""
    bind()
    return [_complaint(i) for i in ComplaintItem.by_opened.query(
        get_config().store_id, scan_index_forward=False, limit=limit)]


def open_complaints(limit: int = 1000) -> list[cpl.Complaint]:
    """Every open complaint, oldest first: one query on a sparse index (what is open now,
    whatever the years of resolved ones)."""
    bind()
    return [_complaint(i) for i in ComplaintItem.open_index.query(
        get_config().store_id, limit=limit)]


def complaints_to_escalate(now, limit: int = 100) -> list[cpl.Complaint]:
    """Open complaints past their escalation time: one query on a sparse index."""
    bind()
    return [_complaint(i) for i in ComplaintItem.escalation.query(
        get_config().store_id, ComplaintItem.escalate_at <= utc_key(now), limit=limit)]


# ---- migrations (deploy and local start only: they scan, never on a request path) ----------

def backfill_search_keys() -> int:
    """Write the search keys of customers, vehicles and still-open bookings filed before them
    (``db.search``); returns how many records were given keys (0 the second time). Each
    record and its keys in one transaction, on the condition it still has none. Done once:
    a marker item says so, and the next start reads it instead of scanning (records written
    since carry their keys; data restored from before the keys comes without the marker)."""
    if owner_of("migration", "search_keys"):
        return 0
    bind()
    updated = 0
    work = [(CustomerItem, CustomerItem.search_keys.does_not_exist(), _customer,
             search_db.CUSTOMER, search_db.customer_keys, None),
            (VehicleItem, VehicleItem.search_keys.does_not_exist(), _vehicle,
             search_db.VEHICLE, search_db.vehicle_keys, None),
            (BookingItem, BookingItem.search_keys.does_not_exist()
             & BookingItem.status.is_in(*ACTIVE), to_booking, search_db.BOOKING,
             search_db.booking_keys, search_db.booking_expiry)]
    for model, missing, convert, kind, keys_of, expiry in work:
        for item in model.scan(missing):
            record = convert(item)
            keys = keys_of(record)

            def build(tx: Tx, item=item, record=record, keys=keys) -> None:
                search_db.write(tx, kind, record.id, keys,
                                expires=expiry(record) if expiry else None)
                tx.update("record", item, [model.search_keys.set(sorted(keys))],
                          model.search_keys.does_not_exist())

            try:
                commit(build)
            except Cancelled:       # written meanwhile (keys and all): nothing to do
                continue
            updated += 1
    UniqueItem("migration#search_keys", owner_id="done").save()
    return updated


def backfill_open_complaints() -> int:
    """Put the open complaints filed before the ``open`` index on it (once: a marker item);
    returns how many. Each on the condition it is still open and not on it."""
    if owner_of("migration", "open_complaints"):
        return 0
    bind()
    updated = 0
    missing = ComplaintItem.open_queue.does_not_exist() & (ComplaintItem.status == cpl.OPEN)
    for item in ComplaintItem.scan(missing):
        try:
            item.update(actions=[ComplaintItem.open_queue.set(item.store_id)], condition=missing)
        except UpdateError:       # resolved or written meanwhile: nothing to do
            continue
        updated += 1
    UniqueItem("migration#open_complaints", owner_id="done").save()
    return updated


def vehicles_without_copy():
    """Vehicles saved before issue 15 (no care state, so no care copy): a Scan, for the daily
    job's one-time backfill only (``services.care.backfill_copies``, guarded by a marker)."""
    bind()
    for item in VehicleItem.scan(VehicleItem.care.does_not_exist()):
        yield _vehicle(item)


def mark_migration(name: str) -> None:
    UniqueItem(f"migration#{name}", owner_id="done").save()


# ---- writes --------------------------------------------------------------------

@dataclass
class Changes:
    """Records to write together. ``new`` records must not exist yet; the others must
    still be at the version they were read at."""
    customers: list[tuple[CustomerRecord, bool]] = field(default_factory=list)
    vehicles: list[tuple[VehicleRecord, bool]] = field(default_factory=list)
    orders: list[tuple[RepairOrder, bool]] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    uniques: list[tuple[str, str]] = field(default_factory=list)   # (kind#value, owner id)
    released: list[tuple[str, str]] = field(default_factory=list)  # given up: (kind#value, owner id)
    audit: list[AuditEntry] = field(default_factory=list)
    messages: list[OutboxMessage] = field(default_factory=list)
    links: list[ShortLink] = field(default_factory=list)
    followups: list[tuple[fu.FollowUp, bool]] = field(default_factory=list)
    complaints: list[tuple[cpl.Complaint, bool]] = field(default_factory=list)
    # a technician clocks one job at a time: (username, order id) markers taken and released
    clock_on: list[tuple[str, str]] = field(default_factory=list)
    clock_off: list[tuple[str, str]] = field(default_factory=list)
    # an order has one open complaint: (order id, new complaint id, the resolved one it
    # replaces as the order's latest, or ""), so two at once cannot both open one
    order_complaints: list[tuple[str, str, str]] = field(default_factory=list)
    # bring customers back (issue 15): invitations (new?), counters per source
    # (source, {"booked": 1...}), contact log entries (customer id, entry), opt-outs
    # (phone, source), marketing consents (phone, marketing?, source, by)
    invitations: list[tuple[Invitation, bool]] = field(default_factory=list)
    stats: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    contacts: list[tuple[str, ContactEntry]] = field(default_factory=list)
    opt_outs: list[tuple[str, str]] = field(default_factory=list)
    consents: list[tuple[str, bool, str, str]] = field(default_factory=list)
    now: datetime | None = None        # when contacts, opt-outs and consents are stamped

    def markers(self, old: CustomerRecord | VehicleRecord | None,
                new: CustomerRecord | VehicleRecord) -> None:
        """Take the unique values (mobile; plate, VIN) ``new`` holds that ``old`` did not, and
        release those it gave up, so an old value is free for another record."""
        taken, released = unique_moves(old, new)
        self.uniques += [(key, new.id) for key in taken]
        self.released += [(key, new.id) for key in released]


def saved_version(version: int | None) -> int:
    """The version a record has once ``save`` wrote it (VersionAttribute adds one; new: 1)."""
    return (version or 0) + 1


def save(changes: Changes) -> None:
    def build(tx: Tx) -> None:
        for customer, new in changes.customers:
            tx.save(f"customer:{customer.id}", _customer_item(customer),
                    CustomerItem.customer_id.does_not_exist() if new else None)
            search_db.write(tx, search_db.CUSTOMER, customer.id,
                            search_db.customer_keys(customer), old=customer.search_keys)
        for vehicle, new in changes.vehicles:
            tx.save(f"vehicle:{vehicle.id}", _vehicle_item(vehicle),
                    VehicleItem.vehicle_id.does_not_exist() if new else None)
            care_db.put_vehicle_copy(tx, vehicle)
            search_db.write(tx, search_db.VEHICLE, vehicle.id,
                            search_db.vehicle_keys(vehicle), old=vehicle.search_keys)
        for order, new in changes.orders:
            tx.save(f"order:{order.id}", _order_item(order),
                    RepairOrderItem.order_id.does_not_exist() if new else None)
            _save_trail(tx, f"order:{order.id}", _job_subject(order.id), order.job.trail)
        for booking in changes.bookings:
            tx.save(f"booking:{booking.id}", booking_item(booking))  # version condition
        for key, owner in changes.uniques:
            tx.save(f"unique:{key}", UniqueItem(key, owner_id=owner),
                    UniqueItem.key.does_not_exist() | (UniqueItem.owner_id == owner))
        for key, owner in changes.released:
            tx.delete(f"release:{key}", UniqueItem(key),
                      UniqueItem.key.does_not_exist() | (UniqueItem.owner_id == owner))
        for entry in changes.audit:
            tx.save("audit", audit_item(entry))
        for message in changes.messages:
            tx.save("message", outbox_item(message))
        for link in changes.links:
            tx.save("link", link.to_item(), LinkItem.code.does_not_exist())
        for followup, new in changes.followups:
            tx.save(f"followup:{followup.order_id}", _followup_item(followup),
                    FollowUpItem.order_id.does_not_exist() if new else None)
        for complaint, new in changes.complaints:
            tx.save(f"complaint:{complaint.id}", _complaint_item(complaint),
                    ComplaintItem.complaint_id.does_not_exist() if new else None)
            _save_trail(tx, f"complaint:{complaint.id}", _complaint_subject(complaint.id),
                        complaint.trail)
        for username, order_id in changes.clock_on:
            tx.save(f"clock:{username}", UniqueItem(f"clock#{username}", owner_id=order_id),
                    UniqueItem.key.does_not_exist())
        for username, _order_id in changes.clock_off:
            tx.delete(f"clock:{username}", UniqueItem(f"clock#{username}"))
        stamp = changes.now or clock.now()
        for invitation, new in changes.invitations:
            care_db.put_invitation(tx, invitation, new=new)
        for source, counts in changes.stats:
            care_db.add_stats(tx, source, **counts)
        for customer_id, entry in changes.contacts:
            care_db.put_contact(tx, customer_id, entry, stamp)
        for phone, source in changes.opt_outs:
            care_db.put_opt_out(tx, phone, source=source, now=stamp)
        for phone, marketing, source, by in changes.consents:
            care_db.put_consent(tx, phone, marketing=marketing, source=source, by=by, now=stamp)
        for order_id, complaint_id, replaces in changes.order_complaints:
            tx.save(f"order_complaint:{order_id}",
                    UniqueItem(f"complaint#{order_id}", owner_id=complaint_id),
                    (UniqueItem.owner_id == replaces) if replaces
                    else UniqueItem.key.does_not_exist())

    try:
        commit(build)
    except Cancelled as exc:
        raise _conflict(exc.failed) from None


def _conflict(failed: set[str]) -> Conflict:
    for label in sorted(failed):
        kind, _sep, rest = label.partition(":")
        if kind == "unique":
            what = rest.split("#", 1)[0]
            field_name = {"plate": "vehicle.plate", "phone": "customer.phone",
                          "vin": "vehicle.vin"}.get(what, what)
            return Conflict(_("This %(what)s already belongs to another record",
                              what=UNIQUE_NAMES.get(what, what)),
                            code=f"{what}_taken", fields={field_name: _("already on file")})
        if kind == "order_complaint":
            return Conflict(_("This order already has an open complaint"),
                            code="complaint_already_open",
                            fields={"order_id": _("already has an open complaint")})
        if kind == "clock":
            return Conflict(_("%(technician)s is clocked on another job: pause or finish it first",
                              technician=rest),
                            code="technician_busy",
                            fields={"technician": _("clocked on another job")})
        if kind in RECORD_KINDS:
            return Conflict(_("The %(kind)s was changed by someone else meanwhile; reload it "
                              "and try again", kind=RECORD_KINDS[kind]), code=f"{kind}_changed")
    return Conflict(_("The change could not be saved, please try again"), code="write_conflict")


UNIQUE_NAMES = {"plate": _("plate"), "phone": _("mobile number"), "vin": _("VIN")}
