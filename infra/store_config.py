"""Per-store deployment settings (``infra/stores/<id>.toml``) and the names they give resources.

Every AWS resource of a store carries the store id in its name, so two stores in
one account never share a table, a bucket, a user pool or an alarm. ``Names``
is the only place those names are made.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.config import default_table_prefix
from chalicelib.db.schema import table_definitions
from chalicelib.domain.store import WEEKDAYS, StoreSettings

STORES_DIR = Path(__file__).resolve().parent / "stores"
STAGE = "prod"
APP = "aftersales"
STORE_ID = re.compile(r"^[a-z][a-z0-9-]{1,18}[a-z0-9]$")
REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
# Chalice (Lambda + API Gateway) and SNS SMS are not offered in the AWS China regions
UNSUPPORTED_REGIONS = {"cn-north-1", "cn-northwest-1"}
HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StoreConfigError(ValueError):
    """A store file is wrong: says which file and which field."""

    def __init__(self, path: Path | str, field: str, message: str):
        super().__init__(f"{path}: {field}: {message}")
        self.path, self.field, self.message = str(path), field, message


@dataclass(frozen=True)
class Names:
    """Names of one store's resources: ``aftersales-<store>-<stage>-...`` or ``<store>-<stage>-<table>``."""
    store_id: str
    stage: str = STAGE

    @property
    def prefix(self) -> str:
        return f"{self.store_id}-{self.stage}"

    @property
    def stack(self) -> str:
        return f"{APP}-{self.prefix}"

    @property
    def edge_stack(self) -> str:
        return f"{APP}-{self.prefix}-edge"

    @property
    def table_prefix(self) -> str:
        return default_table_prefix(self.store_id, self.stage)   # the app's own default

    def table(self, base_name: str) -> str:
        return f"{self.table_prefix}{base_name}"

    def tables(self) -> dict[str, str]:
        return {d.base_name: d.table_name(self.table_prefix) for d in table_definitions()}

    def bucket(self, purpose: str, account: str, region: str) -> str:
        """S3 names are global: the account and region make them unique beyond this group."""
        return f"{APP}-{self.prefix}-{purpose}-{account}-{region}"

    def resource(self, purpose: str) -> str:
        """User pool, queues, alarms, web ACL, secrets, log names."""
        return f"{APP}-{self.prefix}-{purpose}"


@dataclass(frozen=True)
class StoreConfig:
    path: Path
    store_id: str
    name: str
    name_en: str
    address: str
    address_en: str
    phone: str
    timezone: str
    region: str
    account: str
    domain: str
    certificate_arn: str
    alarm_email: str
    sms_signature: str
    sms_sender_id: str
    sms_monthly_spend_limit_usd: int
    sms_alarm_at_percent: int
    opening_hours: tuple[str, str]
    open_days: tuple[str, ...]
    slot_minutes: int
    slot_capacity: int
    workshop_hours_per_day: int
    walkin_reserve_percent: int
    min_notice_minutes: int
    horizon_days: int
    bays: int
    api_requests_per_5min: int
    bookings_per_5min: int
    verify_phone: bool = True
    online_max_labor_minutes: int = 360
    max_active_bookings_per_phone: int = 2

    @property
    def names(self) -> Names:
        return Names(self.store_id)

    @property
    def public_base_url(self) -> str:
        return f"https://{self.domain}"

    def settings(self) -> StoreSettings:
        """The store profile the app starts with (``python -m infra.seed``); managers edit it later."""
        return StoreSettings(
            store_id=self.store_id, name=self.name, name_en=self.name_en,
            address=self.address, address_en=self.address_en, phone=self.phone,
            timezone=self.timezone,
            opening_hours={d: list(self.opening_hours) if d in self.open_days else []
                           for d in WEEKDAYS},
            slot_minutes=self.slot_minutes, slot_capacity=self.slot_capacity,
            workshop_hours_per_day=self.workshop_hours_per_day,
            walkin_reserve_percent=self.walkin_reserve_percent,
            min_notice_minutes=self.min_notice_minutes, horizon_days=self.horizon_days,
            sms_signature=self.sms_signature,
            bays=tuple(str(n) for n in range(1, self.bays + 1)),
            verify_phone=self.verify_phone, online_max_labor_minutes=self.online_max_labor_minutes,
            max_active_bookings_per_phone=self.max_active_bookings_per_phone)


class _Reader:
    """Reads one TOML file, collecting the field path for clear errors."""

    def __init__(self, path: Path, data: dict):
        self.path, self.data = path, data

    def get(self, section: str, key: str, kind: type, default=None, required: bool = True):
        field = f"{section}.{key}"
        table = self.data.get(section, {})
        if not isinstance(table, dict):
            raise StoreConfigError(self.path, section, "must be a table ([section])")
        if key not in table:
            if required and default is None:
                raise StoreConfigError(self.path, field, "is required")
            return default
        value = table[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise StoreConfigError(self.path, field, "must be a whole number")
        if kind is str and not isinstance(value, str):
            raise StoreConfigError(self.path, field, "must be text in quotes")
        if kind is list and not isinstance(value, list):
            raise StoreConfigError(self.path, field, "must be a list")
        if kind is bool and not isinstance(value, bool):
            raise StoreConfigError(self.path, field, "must be true or false")
        return value

    def number(self, section: str, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.get(section, key, int, default)
        if not low <= value <= high:
            raise StoreConfigError(self.path, f"{section}.{key}", f"must be from {low} to {high}")
        return value


def load_store(path: Path | str) -> StoreConfig:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise StoreConfigError(path, "file", f"is not valid TOML ({exc})") from exc
    r = _Reader(path, data)
    store_id = r.get("store", "id", str)
    if not STORE_ID.match(store_id):
        raise StoreConfigError(path, "store.id", "must be 3 to 20 lower-case letters, digits "
                               "or '-', starting with a letter")
    if path.stem != store_id:
        raise StoreConfigError(path, "store.id", f"must match the file name ({path.stem})")
    timezone = r.get("store", "timezone", str)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise StoreConfigError(path, "store.timezone", f"unknown time zone {timezone!r}") from exc
    region = r.get("deploy", "region", str)
    if not REGION.match(region):
        raise StoreConfigError(path, "deploy.region", f"{region!r} is not an AWS region")
    if region in UNSUPPORTED_REGIONS:
        raise StoreConfigError(path, "deploy.region", "the AWS China regions offer neither "
                               "Chalice's services nor SNS SMS: use e.g. ap-east-1")
    account = r.get("deploy", "account", str, "", required=False)
    if account and not re.fullmatch(r"\d{12}", account):
        raise StoreConfigError(path, "deploy.account", "must be 12 digits or empty")
    domain = r.get("deploy", "domain", str)
    if not DOMAIN.match(domain):
        raise StoreConfigError(path, "deploy.domain", f"{domain!r} is not a host name")
    certificate = r.get("deploy", "certificate_arn", str)
    if not re.fullmatch(r"arn:aws:acm:us-east-1:\d{12}:certificate/[0-9a-f-]{36}", certificate):
        raise StoreConfigError(path, "deploy.certificate_arn",
                               "must be an ACM certificate in us-east-1 (CloudFront's region)")
    email = r.get("deploy", "alarm_email", str)
    if not EMAIL.match(email):
        raise StoreConfigError(path, "deploy.alarm_email", "is not an e-mail address")
    hours = r.get("capacity", "opening_hours", str)
    if not HOURS.match(hours) or hours[:5] >= hours[6:]:
        raise StoreConfigError(path, "capacity.opening_hours", "must be like 08:00-17:30, "
                               "opening before closing")
    days = r.get("capacity", "open_days", list)
    if not days or any(d not in WEEKDAYS for d in days):
        raise StoreConfigError(path, "capacity.open_days", f"must be days among {list(WEEKDAYS)}")
    signature = r.get("sms", "signature", str)
    if not 2 <= len(signature) <= 12:
        raise StoreConfigError(path, "sms.signature", "must be 2 to 12 characters (短信签名)")
    for key in ("name", "phone"):
        if not r.get("store", key, str).strip():
            raise StoreConfigError(path, f"store.{key}", "must not be empty")
    return StoreConfig(
        path=path, store_id=store_id,
        name=r.get("store", "name", str), name_en=r.get("store", "name_en", str),
        address=r.get("store", "address", str), address_en=r.get("store", "address_en", str),
        phone=r.get("store", "phone", str), timezone=timezone,
        region=region, account=account, domain=domain, certificate_arn=certificate,
        alarm_email=email, sms_signature=signature,
        sms_sender_id=r.get("sms", "sender_id", str, "", required=False),
        sms_monthly_spend_limit_usd=r.number("sms", "monthly_spend_limit_usd", 1, 100000),
        sms_alarm_at_percent=r.number("sms", "alarm_at_percent", 10, 100, 80),
        opening_hours=(hours[:5], hours[6:]), open_days=tuple(days),
        slot_minutes=r.number("capacity", "slot_minutes", 15, 240),
        slot_capacity=r.number("capacity", "slot_capacity", 1, 50),
        workshop_hours_per_day=r.number("capacity", "workshop_hours_per_day", 1, 2000),
        walkin_reserve_percent=r.number("capacity", "walkin_reserve_percent", 0, 90),
        min_notice_minutes=r.number("capacity", "min_notice_minutes", 0, 2880),
        horizon_days=r.number("capacity", "horizon_days", 1, 180),
        bays=r.number("capacity", "bays", 1, 60),
        api_requests_per_5min=r.number("limits", "api_requests_per_5min", 100, 100000, 1000),
        bookings_per_5min=r.number("limits", "bookings_per_5min", 10, 1000, 20),
        verify_phone=r.get("online", "verify_phone", bool, True),
        online_max_labor_minutes=r.number("online", "max_labor_minutes", 15, 1440, 360),
        max_active_bookings_per_phone=r.number("online", "max_active_bookings_per_phone", 1, 20, 2),
    )


def all_stores(directory: Path = STORES_DIR) -> list[StoreConfig]:
    """Every store file, checked; two files may not claim the same id."""
    stores = [load_store(p) for p in sorted(directory.glob("*.toml"))]
    if not stores:
        raise StoreConfigError(directory, "stores", "no store file (<id>.toml) found")
    return stores


def store_by_id(store_id: str, directory: Path = STORES_DIR) -> StoreConfig:
    path = directory / f"{store_id}.toml"
    if not path.exists():
        known = ", ".join(p.stem for p in sorted(directory.glob("*.toml")))
        raise StoreConfigError(path, "STORE", f"no such store (known: {known})")
    return load_store(path)
