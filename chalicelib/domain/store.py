"""Store profile and settings (门店设置) and the service catalogue (服务项目)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from decimal import Decimal
from typing import Any

from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hhmm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


@dataclass(frozen=True)
class StoreSettings:
    store_id: str
    name: str = "4S店"
    name_en: str = "4S Store"
    address: str = ""
    address_en: str = ""
    phone: str = ""
    timezone: str = "Asia/Shanghai"
    # weekday -> [open, close] ("08:00", "17:00"); a missing or empty day is closed
    opening_hours: dict[str, list[str]] = field(
        default_factory=lambda: {d: ["08:00", "17:00"] for d in WEEKDAYS})
    closed_dates: tuple[str, ...] = ()
    slot_minutes: int = 60
    slot_capacity: int = 3              # reception places per slot (预约容量)
    workshop_hours_per_day: int = 40    # labour hours the workshop sells per day
    walkin_reserve_percent: int = 20    # share of labour hours kept for walk-ins
    min_notice_minutes: int = 120
    horizon_days: int = 30
    sms_signature: str = "4S店"
    quiet_start: str = "21:00"          # no SMS from quiet_start ...
    quiet_end: str = "08:00"            # ... until quiet_end, store time
    labor_rate_fen: int = 30000         # labour rate per hour (工时费), tax included
    tax_rate_percent: str = "13"        # VAT contained in prices (增值税), e.g. "13"
    bays: tuple[str, ...] = ("1", "2", "3", "4", "5", "6")   # workshop bays (工位)
    qc_minutes: int = 30                # time a quality check takes, for promises at risk
    # share of the customer's amount a role may give as discount; the manager: any
    discount_limits: dict[str, int] = field(default_factory=lambda: {"cashier": 5, "advisor": 5})
    service_interval_km: int = 5000     # next service: whichever comes first (保养周期)
    service_interval_months: int = 3
    followup_days: tuple[int, int] = (3, 7)   # survey SMS and calls after delivery (回访)
    complaint_reply_hours: int = 24     # we answer a complaint within (回复时限)
    complaint_escalate_hours: int = 48  # unresolved after this goes to the manager (升级)
    # online bookings (no login): what one anonymous request may take
    verify_phone: bool = True           # a one-time SMS code (短信验证码) before an online booking
    online_max_labor_minutes: int = 360  # labour one online booking may hold; more: call the store
    max_active_bookings_per_phone: int = 2   # upcoming online bookings one mobile may hold
    sms_per_phone_per_hour: int = 5     # more to one number within an hour are skipped
    # ---- store settings (issue 13) ----
    # one day's own hours (date -> [open, close]): short hours on 除夕, a 调休 Sunday open
    special_hours: dict[str, list[str]] = field(default_factory=dict)
    # quality-check checklists per level (质检): [[code, 中文, English], ...]; None: the standard
    qc_checklists: dict[str, list[list[str]]] | None = None
    # ---- bring customers back (issue 15): the care rules (客户关怀) ----
    care_lead_days: int = 7             # remind this many days before a service falls due
    first_free_km: int = 5000           # 首保: the first free service of a new car ...
    first_free_months: int = 6          # ... at this mileage or age, whichever first
    second_free_km: int = 10000         # 二保
    second_free_months: int = 12
    lapsed_months: int = 6              # no visit this long: a free check offer and a call
    anniversary_lead_days: int = 14     # purchase anniversary (购车周年): invited this early
    declined_after_days: int = 30       # declined work offered again this long after
    care_call_after_days: int = 3       # the clerk calls if no booking came this long after
    care_sms_per_day: int = 200         # the daily job's SMS budget; the rest waits a day
    marketing_per_phone_per_month: int = 2   # marketing SMS one number may get in a month
    care_run_at: str = "09:30"          # when the daily job runs, store time
    version: int = 0                    # the profile's version (optimistic lock), not a setting

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def hours_on(self, day: date) -> tuple[time, time] | None:
        if day.isoformat() in self.closed_dates:
            return None
        special = self.special_hours.get(day.isoformat())
        if special:
            return _hhmm(special[0]), _hhmm(special[1])
        hours = self.opening_hours.get(WEEKDAYS[day.weekday()])
        if not hours:
            return None
        return _hhmm(hours[0]), _hhmm(hours[1])

    @property
    def online_labor_minutes_per_day(self) -> int:
        """Labour minutes bookings may take; the rest is the walk-in reserve (留给非预约顾客)."""
        return self.workshop_hours_per_day * 60 * (100 - self.walkin_reserve_percent) // 100

    @property
    def tax_rate(self) -> Decimal:
        return Decimal(self.tax_rate_percent)

    @property
    def quiet_hours(self) -> tuple[time, time]:
        return _hhmm(self.quiet_start), _hhmm(self.quiet_end)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["closed_dates"] = list(self.closed_dates)
        data["bays"] = list(self.bays)
        data["followup_days"] = list(self.followup_days)
        data["discount_limits"] = dict(self.discount_limits)
        data["special_hours"] = {d: list(h) for d, h in self.special_hours.items()}
        del data["version"]    # kept on the profile item, beside the settings
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StoreSettings":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("closed_dates", "bays"):
            if name in values:
                values[name] = tuple(values[name])
        if "followup_days" in values:
            values["followup_days"] = tuple(int(d) for d in values["followup_days"])
        if "discount_limits" in values:
            values["discount_limits"] = {k: int(v) for k, v in values["discount_limits"].items()}
        for name in ("slot_minutes", "slot_capacity", "workshop_hours_per_day",
                     "walkin_reserve_percent", "min_notice_minutes", "horizon_days",
                     "labor_rate_fen", "qc_minutes", "service_interval_km",
                     "service_interval_months", "complaint_reply_hours",
                     "complaint_escalate_hours", "online_max_labor_minutes",
                     "max_active_bookings_per_phone", "sms_per_phone_per_hour", "version",
                     "care_lead_days", "first_free_km", "first_free_months", "second_free_km",
                     "second_free_months", "lapsed_months", "anniversary_lead_days",
                     "declined_after_days", "care_call_after_days", "care_sms_per_day",
                     "marketing_per_phone_per_month"):
            if name in values:
                values[name] = int(values[name])
        if "verify_phone" in values:
            values["verify_phone"] = bool(values["verify_phone"])
        return cls(**values)

    def with_changes(self, **changes: Any) -> "StoreSettings":
        return replace(self, **changes)


@dataclass(frozen=True)
class Service:
    """One bookable item of the catalogue (maintenance package, repair, inspection...)."""
    code: str
    name: str
    name_en: str
    duration_min: int          # how long the customer waits (估时)
    labor_minutes: int         # workshop labour it takes from the day
    price_estimate_fen: int    # estimate in fen (估价); money is never a float
    category: str = "maintenance"
    position: int = 0          # order in the catalogue
    test_drive: bool = False   # the final inspection needs a test drive record (试车)
    # -- price book (价格本): a service made from a package keeps the package's lines (labour:
    # code, name, hours, rate_fen or None for the store's rate; parts: code, name, quantity,
    # unit_price_fen) and its handling minutes; ``priced`` computes the figures above from them
    lines: tuple[dict[str, Any], ...] = ()
    handling_minutes: int = 0

    def priced(self, labor_rate_fen: int) -> "Service":
        """The service with its labour, duration and estimate computed from its package's
        lines at the store's current labour rate (unchanged when it has no lines)."""
        if not self.lines:
            return self
        from .package_price import estimate
        figures = estimate(self.lines, labor_rate_fen=labor_rate_fen,
                           handling_minutes=self.handling_minutes)
        return replace(self, labor_minutes=figures.labor_minutes,
                       duration_min=figures.duration_min, price_estimate_fen=figures.price_fen)

    @property
    def labor_hours(self) -> Decimal:
        return (Decimal(self.labor_minutes) / 60).quantize(Decimal("0.01")).normalize()

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["lines"] = [dict(line) for line in self.lines]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Service":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["lines"] = tuple(dict(line) for line in values.get("lines") or ())
        for name in ("duration_min", "labor_minutes", "price_estimate_fen", "position",
                     "handling_minutes"):
            if name in values:
                values[name] = int(values[name])
        return cls(**values)
