"""A year of a busy store (一年的数据): the records 150 repair orders a day leave behind.

``generate()`` builds, for the ``days`` before today (store time), what the app would have
written: bookings (online, by phone, walk-ins without one) with their SMS and short links,
capacity counters, customers and vehicles with their unique markers and search keys (about
40% of the cars come back), repair orders with the booked packages' lines from the price
book, approved, dispatched, clocked, checked, settled and delivered, the job's clock events,
audit entries, follow-up files (calls on day 3 and 7, surveys answered) and their SMS, and a
few complaints (most resolved; an open one past its time is escalated). Every item is made by
the domain objects and the db layer's converters (``records._order_item``, ``outbox.to_item``
...), so it has exactly the shape the app writes; ids and choices come from a seeded random
generator (signed link tokens depend on the stack's secret, as they do in the app).

What was due before today is done: cars delivered, calls made (but for a few customers never
reached: their call stays overdue), SMS sent, complaints past their escalation time escalated. What falls due from today on is open, as in a real store
on the morning of ``today``: follow-up calls, the survey SMS still to send.

``load()`` puts the items into the embedded endpoint: straight into moto's tables when it
runs in this process (the local stack, the bench), else by BatchWriteItem. The built tables
are cached under ``/tmp`` (keyed by ``VERSION``, the size, the seed and today), so the second
load of the same year takes seconds.

``python -m infra.local.yeardata`` fills the local stack's saved data (``.local/``) with a
year, for ``make run``.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import pickle
import random
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

VERSION = 5                 # 5: care state and vehicle copies (issue 15)
ORDERS_PER_DAY = 150
RETURNING = 0.40            # share of the day's cars already on file
SEED = 14
CACHE_DIR = Path(tempfile.gettempdir()) / "aftersales-yeardata"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉鹏建国志红海燕林斌宇浩凯"
MOBILE_PREFIXES = ("138", "139", "137", "136", "135", "150", "151", "186", "187", "188",
                   "159", "158", "177", "180", "189", "133", "153")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MODELS = ("Lavida", "Sagitar", "Magotan", "Tiguan L", "Passat", "Bora", "Tayron", "ID.4 CROZZ",
          "T-ROC", "Teramont")
CONCERNS = ({}, {"what": "刹车异响", "where": "左前轮"}, {"what": "空调不凉"},
            {"what": "仪表故障灯亮", "when": "冷车启动"}, {"what": "方向盘抖动", "when": "高速"})
CHANNELS = (("online", 0.45), ("phone", 0.30), ("walk_in", 0.25))
COMPLAINT_RATE = 0.02
ABANDONED = 0.04            # follow-ups whose customer was not reached, never called again
DESCRIPTIONS = ("等待时间太长", "洗车不干净", "保养后仍有异响", "结算金额与报价不符", "服务态度不好")


# ---- determinism ---------------------------------------------------------------------------

class _Random:
    """``secrets`` and the audit clock, replaced by a seeded generator while a year is built:
    the domain's own id functions (``new_id``, ``Line.new``, ``ShortLink.new``...) then give
    the same ids every time."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.tick = 0

    def token_hex(self, n: int = 32) -> str:
        return self.rng.getrandbits(n * 8).to_bytes(n, "big").hex()

    def choice(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def monotonic_ns(self) -> int:
        self.tick += 1
        return self.tick


@contextlib.contextmanager
def _seeded(seed: int):
    from chalicelib.db import audit
    fake = _Random(seed)
    saved = (secrets.token_hex, secrets.choice, audit.time)
    secrets.token_hex, secrets.choice = fake.token_hex, fake.choice
    audit.time = fake       # the audit seq's tie-breaker: a counter, not the process clock
    try:
        yield fake.rng
    finally:
        secrets.token_hex, secrets.choice, audit.time = saved


def raw(model, **values) -> dict:
    """The item ``model(**values).serialize()`` gives (PynamoDB's own attribute serializers
    and defaults), without building the model object: the year's small items (search keys,
    markers, counters, events, links) number hundreds of thousands."""
    out = {}
    for name, attr in model.get_attributes().items():
        value = values.get(name)
        if value is None and attr.default is not None:
            value = attr.default() if callable(attr.default) else attr.default
        if value is not None:
            out[attr.attr_name] = {attr.attr_type: attr.serialize(value)}
    return out


# ---- the store's people and cars -------------------------------------------------------------

@dataclass
class _Car:
    customer: object        # CustomerRecord (latest)
    vehicle: object         # VehicleRecord (latest)
    new: bool = True        # not on file yet: its first visit files it


def _mobile(n: int) -> str:
    body = (n * 7919 + 1234567) % 10 ** 8      # 7919 is prime to 10^8: distinct for distinct n
    return f"+86{MOBILE_PREFIXES[n % len(MOBILE_PREFIXES)]}{body:08d}"


def _plate(n: int) -> str:
    k = (n * 104729 + 31) % (24 * 10 ** 4 * 24)
    a, rest = divmod(k, 10 ** 4 * 24)
    b, digits = divmod(rest, 10 ** 4)
    return f"粤{PLATE_LETTERS[b % 24]}{PLATE_LETTERS[a]}{digits:04d}"


def _vin(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
    return "LSV" + "".join(rng.choice(alphabet) for _ in range(14))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


# ---- the year ----------------------------------------------------------------------------

def generate(days: int = 365, *, per_day: int = ORDERS_PER_DAY, seed: int = SEED,
             today: date | None = None) -> dict[type, list]:
    """PynamoDB items by model: the ``days`` before ``today`` (store time) of a store taking
    ``per_day`` repair orders a day. Needs the store (settings, catalogue) loaded."""
    from chalicelib.services.store import current_store, store_now
    ctx = current_store()
    today = today or store_now().date()
    out: dict[type, list] = defaultdict(list)
    with _seeded(seed) as rng:
        year = _Year(ctx, today, out, rng)
        for offset in range(days, 0, -1):
            year.day(today - timedelta(days=offset), per_day)
        year.finish()
    return out


class _Year:
    def __init__(self, ctx, today: date, out, rng: random.Random):
        self.ctx, self.today, self.out, self.rng = ctx, today, out, rng
        self.settings = ctx.settings
        self.tz = ctx.settings.tz
        self.now = datetime.combine(today, dtime(7, 30), self.tz)   # the morning of ``today``
        self.cars: list[_Car] = []
        self.customers: dict[str, object] = {}
        self.vehicles: dict[str, object] = {}
        self.numbers = 0
        self.packages = sorted(code for code, s in ctx.catalogue.items() if s.lines)
        self.advisors = ("advisor", "advisor2")
        self.techs = ("technician",)

    # ---- one day ----
    def day(self, day: date, per_day: int) -> None:
        from chalicelib.db.models import CapacityItem
        from chalicelib.domain.slots import DAY_KEY
        hours = self.settings.hours_on(day)
        if hours is None:
            return
        opens, closes = hours
        slots = []
        t = datetime.combine(day, opens, self.tz)
        end = datetime.combine(day, closes, self.tz)
        while t < end:
            slots.append(t)
            t += timedelta(minutes=self.settings.slot_minutes)
        booked: dict[str, int] = defaultdict(int)
        labor = 0
        plates = []
        busy = set()
        for i in range(per_day):
            slot = slots[i * len(slots) // per_day]
            channel = self._pick(CHANNELS)
            car = self._car(day, busy)
            busy.add(car.vehicle.id)
            booking = None
            if channel != "walk_in":
                booking = self._booking(car, slot, channel)
                booked[slot.strftime("%H:%M")] += 1
                labor += booking.labor_minutes
                plates.append(car.vehicle.plate)
            self._order(car, slot, booking, channel)
        for key, count in booked.items():
            self.out[CapacityItem].append(raw(CapacityItem, day=day.isoformat(), slot=key, booked=count))
        self.out[CapacityItem].append(raw(CapacityItem, day=day.isoformat(), slot=DAY_KEY,
                                           labor_minutes=labor))
        for plate in plates:
            self.out[CapacityItem].append(raw(CapacityItem, day=f"plates#{day.isoformat()}", slot=plate))

    def _pick(self, weighted):
        x, total = self.rng.random(), 0.0
        for value, share in weighted:
            total += share
            if x < total:
                return value
        return weighted[-1][0]

    def _car(self, day: date, busy: set) -> _Car:
        from chalicelib.domain.vehicles import CustomerRecord, VehicleRecord, new_id
        if self.cars and self.rng.random() < RETURNING:
            for _try in range(5):
                car = self.rng.choice(self.cars)
                if car.vehicle.id not in busy:
                    return car
        self.numbers += 1
        at = datetime.combine(day, dtime(8), self.tz)
        customer = CustomerRecord(id=new_id("cus"), name=_name(self.rng), phone=_mobile(self.numbers),
                                  created_at=at, updated_at=at)
        vehicle = VehicleRecord(id=new_id("veh"), plate=_plate(self.numbers), customer_id=customer.id,
                                vin=_vin(self.rng), model=self.rng.choice(MODELS),
                                sale_date=day - timedelta(days=self.rng.randrange(200, 3000)),
                                mileage_km=self.rng.randrange(3000, 90000), created_at=at,
                                updated_at=at)
        car = _Car(customer, vehicle)
        self.cars.append(car)
        return car

    def _booking(self, car: _Car, slot: datetime, channel: str):
        from chalicelib.db.bookings import to_item
        from chalicelib.db.links import ShortLink
        from chalicelib.db.outbox import to_item as outbox_item
        from chalicelib.db import search as search_db
        from chalicelib.db.models import BookingItem, LinkItem, SearchItem
        from chalicelib.domain import messages as msg
        from chalicelib.domain.booking import Booking, Customer, Vehicle, new_reference
        from chalicelib.domain.tokens import TOKEN_MAX_AGE
        from chalicelib.domain.vehicles import new_id
        from chalicelib.services.bookings import _manage_url
        service = self.ctx.catalogue[self.rng.choice(self.packages)]
        created = slot - timedelta(days=self.rng.randrange(1, 8), hours=self.rng.randrange(0, 10))
        booking = Booking(
            id=new_id("bk"), reference=new_reference(), status="arrived", channel=channel,
            customer=Customer(car.customer.name, car.customer.phone),
            vehicle=Vehicle(car.vehicle.plate, car.vehicle.vin, car.vehicle.model,
                            car.vehicle.mileage_km),
            service_codes=[service.code], labor_minutes=service.labor_minutes,
            slot_start=slot, slot_end=slot + timedelta(minutes=self.settings.slot_minutes),
            concern=dict(self.rng.choice(CONCERNS)), transport="wait", locale="zh-CN",
            created_at=created, updated_at=slot, revision=0,
            advisor=self.rng.choice(self.advisors), advisor_name="张顾问")
        plan = msg.plan_new_booking(self.settings, slot, created)
        messages = [msg.OutboxMessage.planned(booking_id=booking.id, revision=0, plan=p,
                                              phone=booking.customer.phone, locale="zh-CN",
                                              slot_start=slot, now=created) for p in plan]
        link = ShortLink.new(_manage_url(booking.id),
                             expires=booking.slot_end + timedelta(seconds=TOKEN_MAX_AGE))
        keys = search_db.booking_keys(booking)
        booking = replace(booking, message_ids=tuple(m.message_id for m in messages),
                          link_code=link.code, search_keys=tuple(sorted(keys)), version=2)
        self.out[BookingItem].append(to_item(booking))
        for m in messages:
            self._sent(outbox_item(m), m.due_at)
        if link.expires > self.now:           # TTL: expired links are gone
            self.out[LinkItem].append(raw(LinkItem, code=link.code, target=link.target,
                                               expires=link.expires))
        expires = search_db.booking_expiry(booking)
        if expires > self.now:                # the booking's search keys expire after its visit
            target = search_db.ref(search_db.BOOKING, booking.id)
            self.out[SearchItem] += [raw(SearchItem, key=k, ref=target, expires=expires)
                                     for k in sorted(keys)]
        self._audit("booking", booking.id, created, "customer" if channel == "online" else "advisor",
                    "created", None, {"status": "booked", "slot_start": slot.isoformat()})
        return booking

    def _sent(self, item, due: datetime) -> None:
        """An outbox item as the sweep leaves it: sent when it fell due, or still pending."""
        from chalicelib.db.models import OutboxItem
        from chalicelib.db.timefmt import utc_key
        if due <= self.now:
            item.status, item.queue, item.next_attempt_at = "sent", None, None
            item.attempts, item.claim_token = 1, None
            item.finished_at = (due + timedelta(seconds=20)).isoformat()
            item.sns_message_id = "%08x-%04x" % (self.rng.getrandbits(32), self.rng.getrandbits(16))
        else:
            item.next_attempt_at = utc_key(due)
        self.out[OutboxItem].append(item)

    def _audit(self, kind: str, record_id: str, at: datetime, actor: str, action: str,
               before, after) -> None:
        from chalicelib.db.audit import to_item
        from chalicelib.db.models import AuditItem
        from chalicelib.domain import audit as audit_rules
        self.out[AuditItem].append(to_item(audit_rules.entry(
            kind, record_id, actor=actor, actor_name="张顾问" if actor.startswith("advisor") else "",
            action=action, at=at, before=before, after=after)))

    def _order(self, car: _Car, slot: datetime, booking, channel: str) -> None:
        from chalicelib.db import records
        from chalicelib.db.models import EventItem, FollowUpItem, LinkItem, RepairOrderItem
        from chalicelib.db.outbox import to_item as outbox_item
        from chalicelib.domain import followup as fu
        from chalicelib.domain import messages as msg
        from chalicelib.domain import repair_order as ro
        from chalicelib.domain import settlement as st
        from chalicelib.domain import workshop as ws
        from chalicelib.domain.booking import new_reference
        from chalicelib.domain.vehicles import new_id
        from chalicelib.services.customer_orders import order_message
        from chalicelib.services.orders import _booked_lines
        rng, settings = self.rng, self.settings
        opened = slot + timedelta(minutes=rng.randrange(0, 40))
        codes = list(booking.service_codes) if booking else [rng.choice(self.packages)]
        advisor = booking.advisor if booking else rng.choice(self.advisors)
        mileage = (car.vehicle.mileage_km or 0) + rng.randrange(2000, 9000) * (0 if car.new else 1)
        lines = _booked_lines(codes, opened, advisor)
        minutes = max(30, sum(int(ln.quantity * 60) for ln in lines if ln.kind == ro.LABOR))
        promised = opened + timedelta(minutes=minutes + 90)
        order = ro.RepairOrder(
            id=new_id("ro"), reference=new_reference(), status=ro.OPEN, vehicle_id=car.vehicle.id,
            customer_id=car.customer.id, plate=car.vehicle.plate, customer_name=car.customer.name,
            phone=car.customer.phone, advisor=advisor, opened_at=opened, updated_at=opened,
            booking_id=booking.id if booking else "", booking_channel=channel if booking else "",
            promised_at=promised, lines=lines,
            reception={"mileage_km": mileage, "fuel_level": "half", "covers_fitted": True,
                       "interior": "clean", "valuables_reminded": True,
                       "concern": dict(booking.concern) if booking else {},
                       "findings": "", "old_parts": "take_home", "wash": True,
                       "contact_preference": "phone", "damage": [],
                       "signature_key": f"signatures/checkin/{opened.date()}/{secrets.token_hex(8)}.png",
                       "signed_at": opened.isoformat(), "advisor": advisor, "advisor_name": "张顾问"})
        t = opened + timedelta(minutes=15)
        request = ro.ApprovalRequest(id=f"ap{secrets.token_hex(3)}", kind=ro.ESTIMATE,
                                     line_ids=tuple(ln.id for ln in lines), channel=ro.VIA_IN_STORE,
                                     promised_at=promised.isoformat(), created_at=t.isoformat(),
                                     created_by=advisor)
        order = replace(order, status=ro.AWAITING_APPROVAL, approvals=(request,))
        order = order.decide(request.id, {ln.id: ro.LINE_APPROVED for ln in lines}, now=t,
                             via=ro.VIA_IN_STORE,
                             signature_key=f"signatures/approval/{secrets.token_hex(8)}.png").order
        tech = self.techs[0]
        t += timedelta(minutes=10)
        order, _ = order.dispatch(ws.Dispatch(technician=tech, bay=f"B{rng.randrange(1, 9)}", note=""),
                                  now=t, by="foreman")
        from chalicelib.domain.staff import Staff
        tech_staff = Staff(tech, "王师傅", frozenset({"technician"}), settings.store_id)
        t += timedelta(minutes=10)
        order, _, _ = order.clock(ws.ClockInput(action="start", reason="", note=""),
                                  staff=tech_staff, now=t)
        t += timedelta(minutes=minutes)
        order, _, _ = order.clock(ws.ClockInput(action="finish", reason="", note=""),
                                  staff=tech_staff, now=t)
        quality = order.quality
        for level, who in ((ws.SELF, tech), (ws.TEAM_LEAD, "foreman"), (ws.FINAL, "inspector")):
            t += timedelta(minutes=5)
            quality = replace(quality, records=quality.records + (ws.QcRecord(
                level=level, round=0, at=t.isoformat(), by=who, by_name=who, items={},
                note="", signature_key=f"signatures/qc/{secrets.token_hex(8)}.png",
                test_drive=None, stand_in=False),))
        order = replace(order, quality=replace(quality, passed_at=t.isoformat()))
        order = order.record_wash(now=t + timedelta(minutes=20))
        ready_at = t + timedelta(minutes=20)
        ready, ready_link = order_message(order, msg.READY, now=ready_at, due=ready_at,
                                          amount="0.00")
        invoice = order.agreed(settings.tax_rate)
        settle_at = ready_at + timedelta(minutes=rng.randrange(20, 90))
        settlement = st.Settlement(
            invoice_no=f"INV{settle_at:%Y%m%d}{secrets.token_hex(3).upper()}",
            settled_at=settle_at.isoformat(), cashier="cashier", cashier_name="陈收银",
            payment_method=rng.choice(st.PAYMENT_METHODS),
            subtotal_fen=invoice.total_fen, discount_fen=0, discount_reason="",
            amount_due_fen=invoice.total_fen,
            tax_fen=invoice.total_fen * 13 // 113, by_pay_type=dict(invoice.by_pay_type))
        order = order.settle(settlement, now=settle_at)
        delivered_at = settle_at + timedelta(minutes=10)
        delivery = st.deliver(now=delivered_at, by=advisor,
                              checklist={c: True for c in st.DELIVERY_CHECKS},
                              promised_at=order.promised_at, mileage_km=mileage, settings=settings)
        order = replace(order.deliver(delivery, now=delivered_at), version=9)
        item = records._order_item(order)
        item.version = 9
        self.out[RepairOrderItem].append(item)
        for seq, event in enumerate(order.job.trail.known):
            self.out[EventItem].append(raw(EventItem, subject=f"job#{order.id}", seq=seq,
                                             data=event.to_dict()))
        messages = [(outbox_item(ready), ready_at)]
        links = [ready_link]
        first, second = settings.followup_days
        for kind, days, anchor in ((msg.SURVEY, first, "#survey"),
                                   (msg.SECOND_FOLLOW_UP, second, "")):
            message, link = order_message(order, kind, now=delivered_at,
                                          due=delivered_at + timedelta(days=days), anchor=anchor,
                                          delivered="")
            messages.append((outbox_item(message), message.due_at))
            links.append(link)
        for message_item, due in messages:
            self._sent(message_item, due)
        self.out[LinkItem] += [raw(LinkItem, code=ln.code, target=ln.target, expires=ln.expires)
                               for ln in links if ln.expires > self.now]
        for action, at in (("checked_in", opened), ("settled", settle_at),
                           ("delivered", delivered_at)):
            self._audit("order", order.id, at, advisor, action, None, {"status": action})
        # the car's file: mileage, next service
        vehicle = replace(car.vehicle, mileage_km=mileage, updated_at=delivered_at,
                          next_service_date=date.fromisoformat(delivery.next_service_date),
                          next_service_km=delivery.next_service_km,
                          version=(car.vehicle.version or 0) + 1,
                          # care (issue 15): the visit and its mileage reading
                          care=car.vehicle.care.with_reading(opened.date(), mileage)
                          .with_visit(opened.date()),
                          last_visit_on=opened.date())
        self._audit("vehicle", vehicle.id, opened, advisor,
                    "created" if car.new else "checked_in", None,
                    vehicle.audit_view())
        if car.new:
            self._audit("customer", car.customer.id, opened, advisor, "created", None,
                        car.customer.audit_view())
            car.customer = replace(car.customer, version=1)
            car.new = False
        car.vehicle = vehicle
        self.customers[car.customer.id] = car.customer
        self.vehicles[vehicle.id] = vehicle
        # follow-up (回访): calls due before today are made, the survey answered by most
        followup = fu.plan(order_id=order.id, order_reference=order.reference,
                           vehicle_id=order.vehicle_id, plate=order.plate,
                           customer_id=order.customer_id, customer_name=order.customer_name,
                           phone=order.phone, advisor=advisor, delivered_at=delivered_at,
                           days=settings.followup_days)
        complaint = None
        if rng.random() < 0.6 and delivered_at + timedelta(days=first) < self.now:
            low = rng.random() < COMPLAINT_RATE / 0.6
            score = 2 if low else rng.choice((4, 5, 5))
            answered = delivered_at + timedelta(days=first, hours=rng.randrange(1, 30))
            if answered < self.now:
                followup = followup.answer_survey(fu.Survey(score, score, 5, "", answered.isoformat()))
                if low:
                    complaint = self._complaint(order, answered)
                    followup = replace(followup, complaint_ids=(complaint.id,))
        abandoned = rng.random() < ABANDONED     # not reached, and nobody called again
        for task in followup.tasks:
            due = datetime.combine(date.fromisoformat(task.due_on), dtime(10), self.tz)
            if due < self.now:
                retry = (due.date() + timedelta(days=2)).isoformat()
                call = (fu.CallInput(outcome=fu.NOT_REACHED, note="", retry_on=retry, issue="",
                                     severity="low") if abandoned else
                        fu.CallInput(outcome=rng.choice((fu.SATISFIED, fu.SATISFIED, fu.REACHED)),
                                     note="", retry_on="", issue="", severity="low"))
                followup = followup.record_call(call, now=due, by="followup", today=due.date())
                self._audit("followup", order.id, due, "followup", f"call_{call.outcome}", None,
                            {"outcome": call.outcome})
                if abandoned:
                    break
        fitem = records._followup_item(replace(followup, version=len(followup.calls)))
        fitem.version = len(followup.calls) + 1
        self.out[FollowUpItem].append(fitem)

    def _complaint(self, order, at: datetime):
        from chalicelib.db import records
        from chalicelib.db.models import ComplaintItem, EventItem, UniqueItem
        from chalicelib.db.outbox import to_item as outbox_item
        from chalicelib.domain import complaints as cpl
        from chalicelib.domain import messages as msg
        from chalicelib.domain.booking import new_reference
        settings = self.settings
        c = cpl.open_complaint(
            cpl.ComplaintInput(description=self.rng.choice(DESCRIPTIONS), severity="medium",
                               staff_involved="", order_id=order.id),
            source="survey", reference=new_reference(), owner="manager", now=at, by="customer",
            reply_hours=settings.complaint_reply_hours,
            escalate_hours=settings.complaint_escalate_hours, order_id=order.id,
            order_reference=order.reference, vehicle_id=order.vehicle_id, plate=order.plate,
            customer_name=order.customer_name, phone=order.phone)
        ack = msg.prepared_message(message_id=f"{c.id}.{msg.COMPLAINT_ACK}", kind=msg.COMPLAINT_ACK,
                                   phone=order.phone, locale="zh-CN",
                                   text=f"【{settings.sms_signature}】您的意见已收到，我们将在24小时内回复。",
                                   due=at, settings=settings, now=at, order_id=order.id)
        self._sent(outbox_item(ack), ack.due_at)
        reply = at + timedelta(hours=self.rng.randrange(2, 20))
        if reply < self.now:
            c = c.add_note("已致电客户，安排复检", now=reply, by="manager")
        # most are resolved within 4 days; the rest go to the manager and take up to two weeks
        slow = self.rng.random() < 0.1
        done = at + timedelta(hours=self.rng.randrange(120, 14 * 24) if slow
                              else self.rng.randrange(20, 96))
        if c.escalation_due(min(done, self.now)):     # the scheduled escalation ran
            c = c.escalate(now=c.escalate_at, to="manager")
        if done < self.now:
            c = c.resolve("复检并补偿保养一次", True, now=done, by="manager")
        item = records._complaint_item(replace(c, version=None))
        item.version = c.trail.count
        self.out[ComplaintItem].append(item)
        for seq, event in enumerate(c.trail.known):
            self.out[EventItem].append(raw(EventItem, subject=f"complaint#{c.id}", seq=seq,
                                             data=event.to_dict()))
        self.out[UniqueItem].append(raw(UniqueItem, key=f"complaint#{order.id}", owner_id=c.id))
        return c

    def finish(self) -> None:
        """The customers and cars as the last visit left them, with their markers and keys."""
        from chalicelib.db import records
        from chalicelib.db import search as search_db
        from chalicelib.db.models import CustomerItem, SearchItem, UniqueItem, VehicleItem
        from chalicelib.domain.vehicles import unique_values
        self._care()
        for found, model, to_item, kind, keys_of in (
                (self.customers, CustomerItem, records._customer_item, search_db.CUSTOMER,
                 search_db.customer_keys),
                (self.vehicles, VehicleItem, records._vehicle_item, search_db.VEHICLE,
                 search_db.vehicle_keys)):
            for record in found.values():
                item = to_item(record)
                item.version = record.version or 1
                self.out[model].append(item)
                self.out[UniqueItem] += [raw(UniqueItem, key=k, owner_id=record.id)
                                         for k in sorted(unique_values(record))]
                self.out[SearchItem] += [raw(SearchItem, key=k, ref=search_db.ref(kind, record.id))
                                         for k in sorted(keys_of(record))]


    def _care(self) -> None:
        """Care (issue 15): as if the daily job had run every day of the year: reasons reminded
        before today handled, each car's next look (``care_day``) set, and its copy on the care
        table (the ``care_due`` buckets); the copies' one-time backfill marked done."""
        from chalicelib.db import care as care_db
        from chalicelib.db.models import CareItem, UniqueItem
        from chalicelib.domain.care_rules import CareRules, due, next_care_day
        rules = CareRules.from_settings(self.settings, self.ctx.services)
        for vehicle_id, vehicle in list(self.vehicles.items()):
            past = [d.key for d in due(vehicle, rules, self.today) if d.remind_on < self.today]
            vehicle = replace(vehicle, care=vehicle.care.with_handled(*past))
            vehicle = replace(vehicle, care_day=next_care_day(vehicle, rules, self.today))
            self.vehicles[vehicle_id] = vehicle
            stored = vehicle.version or 1         # the vehicle item's version (finish)
            self.out[CareItem].append(care_db.vehicle_copy_item(replace(vehicle,
                                                                        version=stored - 1)))
        self.out[UniqueItem].append(raw(UniqueItem, key="migration#care_copies", owner_id="done"))


# ---- loading ---------------------------------------------------------------------------------

def _cache_path(days: int, per_day: int, seed: int, today: date) -> Path:
    key = f"v{VERSION}-{days}d-{per_day}-s{seed}-{today.isoformat()}"
    return CACHE_DIR / f"{key}.pickle"


def _moto_tables():
    """moto's DynamoDB tables by name when the endpoint runs in this process, else None."""
    try:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
    except ImportError:
        return None
    from chalicelib.config import get_config
    from chalicelib.db.models import StoreItem
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][get_config().region]
    return backend.tables if StoreItem.Meta.table_name in backend.tables else None


def load(days: int = 365, *, per_day: int = ORDERS_PER_DAY, seed: int = SEED,
         today: date | None = None, cache: bool = True) -> int:
    """Fill the configured endpoint (tables created, demo store loaded) with ``days`` of the
    store; returns the number of items. The generated items are cached per year."""
    from chalicelib import db
    from chalicelib.services.store import store_now
    db.bind()
    today = today or store_now().date()
    # millions of small objects, none of them in a cycle: the collector would walk them all
    # again and again as they are made (it takes most of the time); after the load they are
    # moved out of its sight for good (gc.freeze), so the requests that follow stay as quick
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(days, per_day, seed, today, cache)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _load(days: int, per_day: int, seed: int, today: date, cache: bool) -> int:
    from chalicelib.db.models import MODELS
    from chalicelib.services.store import forget_store
    path = _cache_path(days, per_day, seed, today)
    if cache and path.exists():
        with path.open("rb") as f:
            built = pickle.load(f)
    else:
        built = {model.Meta.base_name: [item if isinstance(item, dict) else item.serialize()
                                        for item in items]
                 for model, items in generate(days, per_day=per_day, seed=seed,
                                              today=today).items()}
        if cache:
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as f:
                pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
    names = {model.Meta.base_name: model.Meta.table_name for model in MODELS}
    tables = _moto_tables()
    if tables is None:
        _batch_write({names[base]: items for base, items in built.items()})
    else:
        for base, items in built.items():
            _put_into(tables[names[base]], items)
        _forget_indexes(tables)
    forget_store()
    return sum(len(items) for items in built.values())


def _put_into(table, items: list[dict]) -> None:
    """Items straight into a moto table (what its PutItem stores, without the per-attribute
    size check that costs a sum over the item for each attribute: the app's own bounds keep
    its items far below 400 KB)."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    hash_name, range_name = table.hash_key_attr, table.range_key_attr
    new = DynamoType.__new__

    def value(typed: dict) -> DynamoType:
        kind, raw_value = next(iter(typed.items()))
        if kind not in ("S", "N", "BOOL"):
            return DynamoType(typed)          # lists and maps: moto converts their members
        made = new(DynamoType)
        made.type, made.value = kind, raw_value
        return made

    for attrs in items:
        item = Item.__new__(Item)
        values = {k: value(v) for k, v in attrs.items()}
        item.attrs = LimitedSizeDict()
        dict.update(item.attrs, values)
        item.hash_key = values[hash_name]
        if range_name:
            item.range_key = values[range_name]
            table.items[item.hash_key][item.range_key] = item
        else:
            item.range_key = None
            table.items[item.hash_key] = item


def _forget_indexes(tables) -> None:
    """Items were put into moto's tables behind its back: drop any lookup built on them."""
    for table in tables.values():
        table.__dict__.pop("_fast_index", None)


def _batch_write(built: dict[str, list[dict]]) -> None:
    """A remote endpoint: BatchWriteItem, 25 items a request, unprocessed ones again."""
    from chalicelib.db import connection
    client = connection().client
    for name, items in built.items():
        for start in range(0, len(items), 25):
            requests = {name: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]}
            while requests:
                requests = client.batch_write_item(RequestItems=requests).get("UnprocessedItems")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fill the local stack's saved data (.local/) "
                                                 "with a year of a busy store")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=ORDERS_PER_DAY)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    from .moto_server import MotoServer
    from .stack import STATE_DIR, bootstrap, configure, snapshot
    if any(STATE_DIR.glob("*.jsonl")) or (STATE_DIR / "dynamodb.json").exists():
        print(f"{STATE_DIR} holds a store's data already: `make reset` first")
        return 1
    aws = MotoServer(port=0).start()
    configure(aws.url)
    bootstrap(demo=True)
    started = time.perf_counter()
    count = load(args.days, per_day=args.per_day, seed=args.seed)
    print(f"{count} items of {args.days} days loaded in {time.perf_counter() - started:.0f} s")
    state = STATE_DIR                       # what `make run` restores (infra/local/keep.py)
    started = time.perf_counter()
    saved = snapshot(state)
    print(f"{saved} items saved to {state} in {time.perf_counter() - started:.0f} s; "
          f"`make run` starts with them")
    aws.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
