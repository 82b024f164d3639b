"""PynamoDB models: the one definition of every table, its keys and indexes.

The code, the local stack (``infra/local``) and the deployment (``infra/``)
all take the schema from these classes. Table names get the deployment's
prefix when ``bind()`` runs (lazily, on first use), never at import time.
"""
from __future__ import annotations

from pynamodb.attributes import (BooleanAttribute, JSONAttribute, ListAttribute, MapAttribute,
                                 NumberAttribute, TTLAttribute, UnicodeAttribute,
                                 VersionAttribute)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class StoreItem(Model):
    """Store profile and service catalogue: one query reads a whole store."""
    class Meta:
        base_name = "store"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    store_id = UnicodeAttribute(hash_key=True)
    item = UnicodeAttribute(range_key=True)      # "profile" or "service#<code>"
    data = JSONAttribute()
    # store settings (issue 13): the profile's version; a booking's transaction checks it
    version = NumberAttribute(null=True)


class BookingsByDate(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_date"
        projection = AllProjection()

    slot_date = UnicodeAttribute(hash_key=True)
    slot_start = UnicodeAttribute(range_key=True)


class BookingsByPhone(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_phone"
        projection = AllProjection()

    phone = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class BookingItem(Model):
    """A booking (预约)."""
    class Meta:
        base_name = "bookings"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    booking_id = UnicodeAttribute(hash_key=True)
    reference = UnicodeAttribute()
    status = UnicodeAttribute()
    channel = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    phone = UnicodeAttribute()
    plate = UnicodeAttribute()
    vin = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    mileage_km = NumberAttribute(null=True)
    service_codes = ListAttribute(of=UnicodeAttribute)
    labor_minutes = NumberAttribute()
    slot_date = UnicodeAttribute()
    slot_start = UnicodeAttribute()
    slot_end = UnicodeAttribute()
    concern = MapAttribute(default=dict)
    transport = UnicodeAttribute()
    locale = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    revision = NumberAttribute(default=0)
    cancel_reason = UnicodeAttribute(null=True)
    advisor = UnicodeAttribute(null=True)
    advisor_name = UnicodeAttribute(null=True)
    technician = UnicodeAttribute(null=True)
    parts_ready = BooleanAttribute(default=False)
    order_id = UnicodeAttribute(null=True)
    history = JSONAttribute(default=list)
    message_ids = ListAttribute(of=UnicodeAttribute, default=list)
    link_code = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    lost_reason = UnicodeAttribute(null=True)
    lost_note = UnicodeAttribute(null=True)
    calls = JSONAttribute(null=True)                 # confirmation calls (bounded)
    search_keys = ListAttribute(of=UnicodeAttribute, null=True)   # its SearchItems' keys
    invitation_id = UnicodeAttribute(null=True)     # booked from a care invitation (issue 15)
    version = VersionAttribute()

    by_date = BookingsByDate()
    by_phone = BookingsByPhone()


class CapacityItem(Model):
    """Capacity taken on a day: one counter per slot ("HH:MM") and one for the day ("_day").

    Partition "plates#<day>" holds one marker per car (plate) booked that day.
    """
    class Meta:
        base_name = "capacity"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    day = UnicodeAttribute(hash_key=True)
    slot = UnicodeAttribute(range_key=True)
    booked = NumberAttribute(default=0)
    labor_minutes = NumberAttribute(default=0)


class OutboxDue(GlobalSecondaryIndex):
    """Sparse index of messages still to send, by next attempt time (UTC, sortable)."""
    class Meta:
        index_name = "due"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    next_attempt_at = UnicodeAttribute(range_key=True)


class OutboxItem(Model):
    """A scheduled SMS (短信发件箱)."""
    class Meta:
        base_name = "outbox"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"
        # fastsms: each new or requeued message reaches the sender at once (app.outbox_fast_path)
        stream_view_type = "NEW_IMAGE"

    message_id = UnicodeAttribute(hash_key=True)
    booking_id = UnicodeAttribute(null=True)
    order_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()
    phone = UnicodeAttribute()
    locale = UnicodeAttribute()
    slot_start = UnicodeAttribute()
    status = UnicodeAttribute()      # pending, sent, skipped, dropped, superseded, failed
    queue = UnicodeAttribute(null=True)            # "pending" while waiting; removed when final
    next_attempt_at = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute()
    attempts = NumberAttribute(default=0)          # publish attempts made
    claim_token = UnicodeAttribute(null=True)      # which sweep holds the message
    created_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    sns_message_id = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)

    due = OutboxDue()


class IdempotencyItem(Model):
    """First answer to an ``Idempotency-Key``; expires after a day."""
    class Meta:
        base_name = "idempotency"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)
    request_hash = UnicodeAttribute()
    booking_id = UnicodeAttribute()
    expires = TTLAttribute()


class LinkItem(Model):
    """Short link (for SMS) to a longer customer URL."""
    class Meta:
        base_name = "links"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    code = UnicodeAttribute(hash_key=True)
    target = UnicodeAttribute()
    expires = TTLAttribute()


class CustomersByPhone(GlobalSecondaryIndex):
    """Search by the whole mobile number (one store per deployment: one partition)."""
    class Meta:
        index_name = "by_phone"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    phone = UnicodeAttribute(range_key=True)


class CustomerItem(Model):
    """A customer (车主)."""
    class Meta:
        base_name = "customers"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    customer_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute()
    search_keys = ListAttribute(of=UnicodeAttribute, null=True)   # its SearchItems' keys
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    by_phone = CustomersByPhone()


class VehiclesByPlate(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_plate"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    plate = UnicodeAttribute(range_key=True)


class VehiclesByVin(GlobalSecondaryIndex):
    """Sparse: only vehicles whose VIN is known."""
    class Meta:
        index_name = "by_vin"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    vin = UnicodeAttribute(range_key=True)


class VehiclesByCustomer(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    customer_id = UnicodeAttribute(hash_key=True)
    plate = UnicodeAttribute(range_key=True)


class VehicleItem(Model):
    """A vehicle (车辆) of the file (一车一档)."""
    class Meta:
        base_name = "vehicles"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    vehicle_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    plate = UnicodeAttribute()
    vin = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    sale_date = UnicodeAttribute(null=True)
    mileage_km = NumberAttribute(null=True)
    customer_id = UnicodeAttribute()
    recommendations = JSONAttribute(default=list)   # declined work, offered again
    next_service_date = UnicodeAttribute(null=True)
    next_service_km = NumberAttribute(null=True)
    search_keys = ListAttribute(of=UnicodeAttribute, null=True)   # its SearchItems' keys
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    # ---- bring customers back (issue 15): domain.care.CareState; the indexes that read
    # vehicles by these are on the care table's copy of the vehicle (CareItem "vehicle#<id>")
    care = JSONAttribute(null=True)                 # mileage readings, visits, handled, lost
    last_visit_on = UnicodeAttribute(null=True)     # store date of the last order opened
    care_day = UnicodeAttribute(null=True)          # the daily job's next look at it
    version = VersionAttribute()

    by_plate = VehiclesByPlate()
    by_vin = VehiclesByVin()
    by_customer = VehiclesByCustomer()


class UniqueItem(Model):
    """One owner per unique value ("plate#粤B12345" -> vehicle, "phone#+86..." -> customer),
    taken in the same transaction as the record, so two desks cannot create the same car twice.
    "complaint#<order id>" -> the order's latest complaint (one open at a time).
    "migration#<name>" -> "done" once a one-time migration ran (``records.backfill_search_keys``)."""
    class Meta:
        base_name = "uniques"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)
    owner_id = UnicodeAttribute()


class SearchItem(Model):
    """Search keys (检索键): one item per text a search may type and record it finds, written
    in the transaction that writes the record (db.search). A search is one query on its key:
    any 3 or more characters of a plate in a row, a name or its start, a whole mobile or its
    last 4 digits, a whole VIN or its last 6 or 8. Ranges sort vehicles, then customers, then
    bookings (read newest-kind first); a booking's keys expire some weeks after its visit."""
    class Meta:
        base_name = "search"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)
    ref = UnicodeAttribute(range_key=True)          # "vehicle#<id>", "customer#<id>", "booking#<id>"
    expires = TTLAttribute(null=True)               # bookings only


class OrdersByVehicle(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_vehicle"
        projection = AllProjection()

    vehicle_id = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class OrdersByDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_day"
        projection = AllProjection()

    opened_date = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class OrdersInStore(GlobalSecondaryIndex):
    """Sparse: the orders whose car is still in the store (shop floor, cashier, delivery)."""
    class Meta:
        index_name = "in_store"
        projection = AllProjection()

    in_store = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class RepairOrderItem(Model):
    """A repair order (施工单) with its lines, approval requests and check-in sheet."""
    class Meta:
        base_name = "repair_orders"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    order_id = UnicodeAttribute(hash_key=True)
    reference = UnicodeAttribute()
    status = UnicodeAttribute()
    vehicle_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    plate = UnicodeAttribute()
    customer_name = UnicodeAttribute()
    phone = UnicodeAttribute()
    advisor = UnicodeAttribute()
    booking_id = UnicodeAttribute(null=True)
    booking_channel = UnicodeAttribute(null=True)   # online / phone / walk_in / proactive
    opened_at = UnicodeAttribute()
    opened_date = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    promised_at = UnicodeAttribute(null=True)
    lines = JSONAttribute(default=list)
    approvals = JSONAttribute(default=list)
    reception = JSONAttribute(default=dict)
    locale = UnicodeAttribute(default="zh-CN")
    in_store = UnicodeAttribute(null=True)          # the store id until the car is handed back
    job = JSONAttribute(default=dict)               # dispatch and clock (its events: EventItem)
    quality = JSONAttribute(default=dict)           # quality checks and reworks
    wash_done_at = UnicodeAttribute(null=True)
    ready_at = UnicodeAttribute(null=True)
    settlement = JSONAttribute(null=True)
    delivery = JSONAttribute(null=True)
    comeback_of = UnicodeAttribute(null=True)
    invitation_id = UnicodeAttribute(null=True)     # its booking came from a care invitation
    version = VersionAttribute()

    by_vehicle = OrdersByVehicle()
    by_day = OrdersByDay()
    in_store_index = OrdersInStore()


class FollowUpsDue(GlobalSecondaryIndex):
    """Sparse: follow-up files with an open call task, by the day it is due."""
    class Meta:
        index_name = "due"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    next_due = UnicodeAttribute(range_key=True)


class FollowUpItem(Model):
    """The follow-up file of a delivered order (回访记录): call tasks, calls, survey."""
    class Meta:
        base_name = "followups"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    order_id = UnicodeAttribute(hash_key=True)
    queue = UnicodeAttribute(null=True)             # the store id while a call is open
    next_due = UnicodeAttribute(null=True)
    delivered_at = UnicodeAttribute()
    data = JSONAttribute()
    version = VersionAttribute()

    due = FollowUpsDue()


class ComplaintsByOpened(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_opened"
        projection = AllProjection()

    store_id = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class ComplaintsToEscalate(GlobalSecondaryIndex):
    """Sparse: open complaints not yet escalated, by when they escalate (UTC key)."""
    class Meta:
        index_name = "escalation"
        projection = AllProjection()

    escalation_queue = UnicodeAttribute(hash_key=True)
    escalate_at = UnicodeAttribute(range_key=True)


class OpenComplaints(GlobalSecondaryIndex):
    """Sparse: the complaints still open, escalated or not, oldest first (the manager's list
    reads them all, however old, and never the resolved ones of the years behind)."""
    class Meta:
        index_name = "open"
        projection = AllProjection()

    open_queue = UnicodeAttribute(hash_key=True)
    opened_at = UnicodeAttribute(range_key=True)


class ComplaintItem(Model):
    """A complaint (投诉)."""
    class Meta:
        base_name = "complaints"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    complaint_id = UnicodeAttribute(hash_key=True)
    store_id = UnicodeAttribute()
    opened_at = UnicodeAttribute()
    status = UnicodeAttribute()
    escalation_queue = UnicodeAttribute(null=True)
    escalate_at = UnicodeAttribute()
    open_queue = UnicodeAttribute(null=True)        # the store id while open
    data = JSONAttribute()
    version = VersionAttribute()

    by_opened = ComplaintsByOpened()
    escalation = ComplaintsToEscalate()
    open_index = OpenComplaints()


class SmsRateItem(Model):
    """The SMS sent to one number in the last hour ("<UTC key> <message id>" each), to cap
    them; written conditionally on its version, gone by TTL an hour after the last one."""
    class Meta:
        base_name = "sms_rate"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    phone = UnicodeAttribute(hash_key=True)
    sent = ListAttribute(of=UnicodeAttribute, default=list)
    expires = TTLAttribute()
    version = VersionAttribute()


class AuditItem(Model):
    """Audit trail (操作记录): one item per change, keyed by the record it changed."""
    class Meta:
        base_name = "audit"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    subject = UnicodeAttribute(hash_key=True)       # "order#<id>", "vehicle#<id>"...
    seq = UnicodeAttribute(range_key=True)          # UTC time key + random: in order, unique
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    changes = JSONAttribute(default=dict)
    names = JSONAttribute(null=True)                # username -> display name (张顾问)


class EventItem(Model):
    """Lists that only grow, kept apart from their record so it stays small (DynamoDB's 400 KB):
    a complaint's events, a job's clock events. One item per entry, keyed by the record and
    the entry's position; one query reads them in order. Written in the transaction that
    changes the record (which keeps the list's length)."""
    class Meta:
        base_name = "events"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    subject = UnicodeAttribute(hash_key=True)       # "complaint#<id>", "job#<order id>"
    seq = NumberAttribute(range_key=True)           # 0, 1, 2...: the entry's place in the list
    data = JSONAttribute()


class VerificationItem(Model):
    """Phone verification (短信验证码), three kinds of item, all expiring by TTL:
    ``code#<id>`` a code sent (only its HMAC), its attempts and the booking it served;
    ``resend#<phone>`` when the next code may go to that number;
    ``day#<phone>#<date>`` how many codes went to it that day (store time)."""
    class Meta:
        base_name = "verifications"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)
    phone = UnicodeAttribute(null=True)
    code_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    valid_until = UnicodeAttribute(null=True)      # UTC key (db.timefmt), compared in conditions
    attempts = NumberAttribute(null=True)          # wrong codes tried
    used_by = UnicodeAttribute(null=True)          # the booking it served
    next_send_at = UnicodeAttribute(null=True)     # UTC key
    sends = NumberAttribute(null=True)
    expires = TTLAttribute()


# ---- price book (issue 13, the pricebook part) --------------------------------------------
class PricebookItem(Model):
    """The price book (价格本). Partitions: "op" (labour operations), "part" (parts) and
    "package" (service packages), one item per entry keyed by its code, with a version; and
    "s#<first character>" search key items (检索键): ``sk`` is "<text>#<kind>#<code>" for each
    text that finds the entry, ``data`` what the type-ahead shows, so a search is one Query
    (begins_with) on the partition of the typed text's first character."""
    class Meta:
        base_name = "pricebook"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = JSONAttribute()
    version = NumberAttribute(null=True)    # entries only; checked in a condition on write


# ---- bring customers back (issue 15) --------------------------------------------------------
class CareCallsDue(GlobalSecondaryIndex):
    """Sparse: invitations with an open retention call (回访/邀约电话), by the day it is due."""
    class Meta:
        index_name = "calls"
        projection = AllProjection()

    call_queue = UnicodeAttribute(hash_key=True)
    call_due = UnicodeAttribute(range_key=True)


class CareDue(GlobalSecondaryIndex):
    """Sparse: vehicles (their care copies) by the day the daily job next looks at them
    (store date): the job reads one bucket per day, its cost follows the cars due."""
    class Meta:
        index_name = "care_due"
        projection = AllProjection()

    care_day = UnicodeAttribute(hash_key=True)
    vehicle_id = UnicodeAttribute(range_key=True)


class CareByModel(GlobalSecondaryIndex):
    """Sparse: vehicles by model (``model_key``: folded, "lavida"), in last-visit order: a
    campaign's "this model, last visit between" is one range Query."""
    class Meta:
        index_name = "by_model"
        projection = AllProjection()

    model_key = UnicodeAttribute(hash_key=True)
    last_visit_on = UnicodeAttribute(range_key=True)


class CareByLastVisit(GlobalSecondaryIndex):
    """Sparse: the store's vehicles by last visit (``fleet`` is the store id)."""
    class Meta:
        index_name = "by_last_visit"
        projection = AllProjection()

    fleet = UnicodeAttribute(hash_key=True)
    last_visit_on = UnicodeAttribute(range_key=True)


class CareItem(Model):
    """Customer care (客户关怀, issue 15), keyed (pk, sk); see db/care.py for each kind:
    ``vehicle#<id>``/``care`` a copy of a vehicle with its care state, written in every
    transaction that writes the vehicle, read by the indexes above (the vehicles table keeps
    its own indexes: a deployed table takes one new index per update);
    ``invite#<id>``/``invite`` an invitation (the reason to contact one car, its personal
    link, its retention call and what it earned); ``campaign``/``<id>`` a campaign;
    ``recall#<campaign id>``/``<VIN>`` a recall list row; ``stats``/``<source>`` counters per
    campaign or reminder kind; ``contact#<customer id>``/``<utc key>`` the contact log
    (电话登记表: every SMS, call in or out); ``optout#<phone>``/``optout`` our own opt-out
    list; ``consent#<phone>``/``consent`` marketing consent (营销短信授权); ``run``/``<date>`` a daily run; ``budget#<date>``/``sms`` and
    ``freq#<phone>#<month>``/``marketing`` counters (expire by TTL)."""
    class Meta:
        base_name = "care"
        table_name = ""  # set by db.bind()
        region = "ap-east-1"
        billing_mode = "PAY_PER_REQUEST"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = JSONAttribute(null=True)
    # vehicle copies: their index keys
    vehicle_id = UnicodeAttribute(null=True)
    care_day = UnicodeAttribute(null=True)
    model_key = UnicodeAttribute(null=True)
    last_visit_on = UnicodeAttribute(null=True)
    fleet = UnicodeAttribute(null=True)
    call_queue = UnicodeAttribute(null=True)        # the store id while a call is open
    call_due = UnicodeAttribute(null=True)
    count = NumberAttribute(null=True)              # budget and frequency counters
    # stats counters (ADD): one attribute each, so concurrent writers never lose a count
    sent = NumberAttribute(null=True)
    opened = NumberAttribute(null=True)
    booked = NumberAttribute(null=True)
    arrived = NumberAttribute(null=True)
    revenue_fen = NumberAttribute(null=True)
    skipped = NumberAttribute(null=True)
    expires = TTLAttribute(null=True)
    version = NumberAttribute(null=True)            # invitations and campaigns: checked on write

    calls = CareCallsDue()
    care_due = CareDue()
    by_model = CareByModel()
    by_last_visit = CareByLastVisit()


MODELS: tuple[type[Model], ...] = (StoreItem, BookingItem, CapacityItem, OutboxItem,
                                   IdempotencyItem, LinkItem, CustomerItem, VehicleItem,
                                   UniqueItem, RepairOrderItem, AuditItem, FollowUpItem,
                                   ComplaintItem, EventItem, VerificationItem, SmsRateItem,
                                   SearchItem, PricebookItem, CareItem)
