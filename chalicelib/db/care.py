"""Customer care's storage (客户关怀, issue 15): invitations, the contact log, our opt-out
list, the daily SMS budget and marketing caps, counters per campaign and reminder kind, and
the vehicles due on a day. Every read is a GetItem, a BatchGetItem or a Query on a key or a
designed index (``care_due``, ``calls``): no scan.

Writes that belong with another record's change go into that change's transaction: the
``put_*``/``add_*`` functions take a ``Tx`` (db.tx); ``records.Changes`` carries them for
``records.save``.
"""
from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from ..config import get_config
from ..domain.care import ContactEntry, Invitation, model_key
from ..domain.campaigns import Campaign
from ..domain.vehicles import VehicleRecord
from . import bind
from .models import CareItem, VehicleItem
from .timefmt import utc_key
from .tx import Tx, commit

INVITE = "invite"
STATS = "stats"
STAT_FIELDS = ("sent", "opened", "booked", "arrived", "revenue_fen", "skipped")
CONTACTS_LIMIT = 200


def _invite_pk(invitation_id: str) -> str:
    return f"invite#{invitation_id}"


# ---- invitations ---------------------------------------------------------------------------

def invitation_item(inv: Invitation) -> CareItem:
    open_call = inv.call_status == "open" and inv.call_due
    return CareItem(_invite_pk(inv.id), INVITE, data=inv.to_dict(),
                    call_queue=get_config().store_id if open_call else None,
                    call_due=inv.call_due if open_call else None,
                    version=(inv.version or 0) + 1)


def to_invitation(item: CareItem) -> Invitation:
    return Invitation.from_dict(item.data or {}, version=int(item.version or 0))


def put_invitation(tx: Tx, inv: Invitation, *, new: bool) -> None:
    """Write an invitation in ``tx``: a new one must not exist (its id: once), a changed one
    must still be at the version it was read at (label ``invitation:<id>``)."""
    condition = (CareItem.pk.does_not_exist() if new
                 else CareItem.version == (inv.version or 0))
    tx.save(f"invitation:{inv.id}", invitation_item(inv), condition)


def get_invitation(invitation_id: str) -> Invitation | None:
    if not invitation_id or len(invitation_id) > 64:
        return None
    bind()
    try:
        return to_invitation(CareItem.get(_invite_pk(invitation_id), INVITE,
                                          consistent_read=True))
    except DoesNotExist:
        return None


def calls_due(until: date, *, since: date | None = None, limit: int = 200) -> list[Invitation]:
    """Invitations whose retention call is open and due by ``until`` (from ``since``): one
    Query on the sparse ``calls`` index."""
    bind()
    store = get_config().store_id
    condition = (CareItem.call_due.between(since.isoformat(), until.isoformat()) if since
                 else CareItem.call_due <= until.isoformat())
    return [to_invitation(i) for i in CareItem.calls.query(store, condition, limit=limit)]


def save_invitation(inv: Invitation, *, new: bool = False) -> None:
    """One invitation on its own (a transaction of one, for its version condition)."""
    commit(lambda tx: put_invitation(tx, inv, new=new))


# ---- counters per source (campaign:<id> / reminder:<kind>) ---------------------------------

def add_stats(tx: Tx, source: str, **counts: int) -> None:
    """ADD to a source's counters in ``tx`` (``sent``, ``opened``, ``booked``, ``arrived``,
    ``revenue_fen``, ``skipped``): concurrent writers never lose a count."""
    actions = [getattr(CareItem, name).add(int(value)) for name, value in counts.items()
               if name in STAT_FIELDS and value]
    if actions:
        tx.update(f"stats:{source}", CareItem(STATS, source), actions)


def all_stats() -> dict[str, dict[str, int]]:
    """Every source's counters: one Query."""
    bind()
    return {item.sk: {name: int(getattr(item, name) or 0) for name in STAT_FIELDS}
            for item in CareItem.query(STATS, consistent_read=True)}


# ---- the contact log (电话登记表) -----------------------------------------------------------

def put_contact(tx: Tx, customer_id: str, entry: ContactEntry, now: datetime) -> None:
    sk = f"{utc_key(now)}#{secrets.token_hex(3)}"
    tx.save("contact", CareItem(f"contact#{customer_id}", sk, data=entry.to_dict()))


def contacts_of(customer_id: str, limit: int = CONTACTS_LIMIT) -> list[ContactEntry]:
    """A customer's contact log, newest first: one Query."""
    bind()
    return [ContactEntry.from_dict(i.data or {}) for i in
            CareItem.query(f"contact#{customer_id}", scan_index_forward=False, limit=limit)]


# ---- our own opt-out list (退订) ----------------------------------------------------------

def put_opt_out(tx: Tx, phone: str, *, source: str, now: datetime) -> None:
    tx.save("optout", CareItem(f"optout#{phone}", "optout",
                               data={"at": now.isoformat(), "source": source}))


def opted_out(phones: list[str]) -> set[str]:
    """Which of these numbers are on our opt-out list: one BatchGetItem per 100."""
    wanted = sorted({p for p in phones if p})
    found: set[str] = set()
    for start in range(0, len(wanted), 100):
        keys = [(f"optout#{p}", "optout") for p in wanted[start:start + 100]]
        found |= {item.pk.split("#", 1)[1] for item in _batch_get(keys)}
    return found


def _batch_get(keys: list[tuple[str, str]]) -> list[CareItem]:
    bind()
    return list(CareItem.batch_get(keys))


# ---- marketing consent (营销短信授权), by mobile ----------------------------------------------

def put_consent(tx: Tx, phone: str, *, marketing: bool, source: str, by: str,
                now: datetime) -> None:
    """The customer's answer: marketing SMS yes or no (``source``: booking_site, desk,
    unsubscribe...), the latest answer wins."""
    tx.save(f"consent:{phone}", CareItem(f"consent#{phone}", "consent", data={
        "marketing": bool(marketing), "at": now.isoformat(), "source": source, "by": by}))


def consents(phones: list[str]) -> dict[str, dict[str, Any]]:
    """The recorded consent of each of these numbers that has one: one BatchGetItem per 100."""
    wanted = sorted({p for p in phones if p})
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 100):
        keys = [(f"consent#{p}", "consent") for p in wanted[start:start + 100]]
        found.update({item.pk.split("#", 1)[1]: item.data or {} for item in _batch_get(keys)})
    return found


# ---- the daily SMS budget and the marketing cap (conditional counters) ---------------------

def _take(pk: str, sk: str, limit: int, expires: datetime) -> bool:
    """Count one more on a counter item if it is below ``limit``: False when it is full."""
    if limit <= 0:
        return False
    bind()
    try:
        CareItem(pk, sk).update(
            actions=[CareItem.count.add(1), CareItem.expires.set(expires)],
            condition=CareItem.count.does_not_exist() | (CareItem.count < limit))
        return True
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise


def _give_back(pk: str, sk: str) -> None:
    bind()
    try:
        CareItem(pk, sk).update(actions=[CareItem.count.add(-1)],
                                condition=CareItem.count > 0)
    except UpdateError as exc:
        if not _condition_failed(exc):
            raise


def _condition_failed(exc: UpdateError) -> bool:
    return getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException"


def take_budget(day: date, limit: int, now: datetime) -> bool:
    """One SMS of the store's daily care budget (``care_sms_per_day``) for ``day``."""
    return _take(f"budget#{day.isoformat()}", "sms", limit, now + timedelta(days=3))


def give_back_budget(day: date) -> None:
    _give_back(f"budget#{day.isoformat()}", "sms")


def budget_used(day: date) -> int:
    bind()
    try:
        return int(CareItem.get(f"budget#{day.isoformat()}", "sms").count or 0)
    except DoesNotExist:
        return 0


def take_marketing(phone: str, month: str, limit: int, now: datetime) -> bool:
    """One marketing SMS of the number's monthly cap (``marketing_per_phone_per_month``)."""
    return _take(f"freq#{phone}#{month}", "marketing", limit, now + timedelta(days=40))


def give_back_marketing(phone: str, month: str) -> None:
    """The cap taken for an SMS that was not planned after all (core, issue 15)."""
    _give_back(f"freq#{phone}#{month}", "marketing")


# ---- daily runs -----------------------------------------------------------------------------

def start_run(day: date, now: datetime) -> bool:
    """Claim the daily run of ``day``; False when a run of that day already started (running
    the job twice sends nothing twice: the second finds the day's run taken)."""
    bind()
    try:
        CareItem("run", day.isoformat()).update(
            actions=[CareItem.data.set({"started_at": now.isoformat()})],
            condition=CareItem.pk.does_not_exist())
        return True
    except UpdateError as exc:
        if _condition_failed(exc):
            return False
        raise


def finish_run(day: date, summary: dict[str, Any]) -> None:
    bind()
    CareItem("run", day.isoformat()).update(actions=[CareItem.data.set(summary)])


def last_runs(limit: int = 14) -> list[tuple[str, dict[str, Any]]]:
    bind()
    return [(i.sk, i.data or {}) for i in
            CareItem.query("run", scan_index_forward=False, limit=limit)]


# ---- vehicle copies and the vehicles due ----------------------------------------------------

VEHICLE_COPY = "care"


def vehicle_copy_item(v: VehicleRecord) -> CareItem:
    """The care table's copy of a vehicle (``vehicle#<id>``/``care``): the whole vehicle item
    (its version included, so a job that read the copy writes the vehicle on that version),
    keyed for the ``care_due``, ``by_model`` and ``by_last_visit`` indexes."""
    from .records import _vehicle_item
    item = _vehicle_item(v)
    last_visit = v.last_visit_on.isoformat() if v.last_visit_on else None
    return CareItem(f"vehicle#{v.id}", VEHICLE_COPY, data=item.to_simple_dict(),
                    vehicle_id=v.id, care_day=v.care_day.isoformat() if v.care_day else None,
                    model_key=(model_key(v.model) or None) if last_visit else None,
                    last_visit_on=last_visit, fleet=get_config().store_id if last_visit else None)


def put_vehicle_copy(tx: Tx, v: VehicleRecord) -> None:
    """Written with the vehicle, in its transaction (records.save)."""
    tx.save(f"vehicle_care:{v.id}", vehicle_copy_item(v))


def vehicle_from_copy(item: CareItem) -> VehicleRecord:
    from .records import _vehicle
    vehicle_item = VehicleItem()
    vehicle_item.from_simple_dict(item.data or {})
    vehicle = _vehicle(vehicle_item)
    # the copy is written with the vehicle: the vehicle's version is the one saved with it
    return replace(vehicle, version=(vehicle.version or 0) + 1)


def vehicles_due_on(day: date) -> list[VehicleRecord]:
    """The vehicles the daily job looks at on ``day``: ONE Query of that day's bucket of the
    sparse ``care_due`` index (paged by PynamoDB if the bucket is large)."""
    bind()
    return [vehicle_from_copy(i) for i in CareItem.care_due.query(day.isoformat())]


# ---- campaigns (part CAMPAIGNS): ``campaign``/<id>, the recall list ``recall#<id>``/<VIN> ----

CAMPAIGN_PK = "campaign"


def _campaign_item(c: Campaign) -> CareItem:
    return CareItem(CAMPAIGN_PK, c.id, data=c.to_dict(), version=(c.version or 0) + 1)


def _campaign(item: CareItem) -> Campaign:
    return Campaign.from_dict(item.data or {}, version=int(item.version or 0))


def put_campaign(tx: Tx, c: Campaign, *, new: bool) -> None:
    """A new campaign must not exist; a changed one must be at the version it was read at
    (label ``campaign:<id>``)."""
    condition = (CareItem.pk.does_not_exist() if new
                 else CareItem.version == (c.version or 0))
    tx.save(f"campaign:{c.id}", _campaign_item(c), condition)


def save_campaign(c: Campaign, *, new: bool = False) -> Campaign:
    """Write one campaign with its version check (Cancelled names ``campaign:<id>``); returns
    it at its new version."""
    commit(lambda tx: put_campaign(tx, c, new=new))
    return replace(c, version=(c.version or 0) + 1)


def get_campaign(campaign_id: str) -> Campaign | None:
    if not campaign_id or len(campaign_id) > 64:
        return None
    bind()
    try:
        return _campaign(CareItem.get(CAMPAIGN_PK, campaign_id, consistent_read=True))
    except DoesNotExist:
        return None


def campaigns(limit: int = 500) -> list[Campaign]:
    """The store's campaigns, newest id last: one Query (a store runs a few a month)."""
    bind()
    return [_campaign(i) for i in CareItem.query(CAMPAIGN_PK, consistent_read=True, limit=limit)]


def replace_recall_vins(campaign_id: str, rows: list[tuple[str, str]]) -> None:
    """The campaign's VIN list becomes ``rows`` ((VIN, matched vehicle id or "")): the old
    rows go (one Query for their keys), the new ones are batch-written."""
    bind()
    pk = f"recall#{campaign_id}"
    old = {i.sk for i in CareItem.query(pk, attributes_to_get=["pk", "sk"])}
    keep = {vin for vin, _vid in rows}
    with CareItem.batch_write() as batch:
        for vin in sorted(old - keep):
            batch.delete(CareItem(pk, vin))
        for vin, vehicle_id in rows:
            batch.save(CareItem(pk, vin, vehicle_id=None, data={"vehicle_id": vehicle_id}))


def recall_vins(campaign_id: str) -> list[tuple[str, str]]:
    """The campaign's VIN list: (VIN, vehicle id matched at upload or ""), one Query."""
    bind()
    return [(i.sk, (i.data or {}).get("vehicle_id", ""))
            for i in CareItem.query(f"recall#{campaign_id}")]


def vehicle_ids_by_vin(vins: list[str]) -> dict[str, str]:
    """VIN -> vehicle id for the VINs on file: the uniques' ``vin#<VIN>`` markers, one
    BatchGetItem per 100 (no query per VIN)."""
    from .models import UniqueItem
    found: dict[str, str] = {}
    wanted = sorted(set(vins))
    bind()
    for start in range(0, len(wanted), 100):
        keys = [f"vin#{v}" for v in wanted[start:start + 100]]
        for item in UniqueItem.batch_get(keys):
            found[item.key.split("#", 1)[1]] = item.owner_id
    return found


def vehicles_by_id(ids: list[str]) -> list[VehicleRecord]:
    """Vehicles from their care copies, one BatchGetItem per 100, in the order of ``ids``."""
    wanted = list(dict.fromkeys(i for i in ids if i))
    found: dict[str, VehicleRecord] = {}
    for start in range(0, len(wanted), 100):
        keys = [(f"vehicle#{i}", VEHICLE_COPY) for i in wanted[start:start + 100]]
        for item in _batch_get(keys):
            v = vehicle_from_copy(item)
            found[v.id] = v
    return [found[i] for i in wanted if i in found]


def vehicles_by_model(model: str, since: date | None, until: date | None,
                      limit: int) -> list[VehicleRecord]:
    """A model's cars (folded model key) with their last visit in [since, until]: ONE range
    Query of ``by_model`` (paged), at most ``limit``."""
    bind()
    return [vehicle_from_copy(i) for i in CareItem.by_model.query(
        model_key(model), _visit_range(CareItem.last_visit_on, since, until), limit=limit)]


def vehicles_by_last_visit(since: date | None, until: date | None,
                           limit: int) -> list[VehicleRecord]:
    """The store's cars with their last visit in [since, until]: ONE range Query of
    ``by_last_visit`` (paged), at most ``limit``."""
    bind()
    return [vehicle_from_copy(i) for i in CareItem.by_last_visit.query(
        get_config().store_id, _visit_range(CareItem.last_visit_on, since, until), limit=limit)]


def _visit_range(attr, since: date | None, until: date | None):
    if since and until:
        return attr.between(since.isoformat(), until.isoformat())
    if since:
        return attr >= since.isoformat()
    if until:
        return attr <= until.isoformat()
    return None
