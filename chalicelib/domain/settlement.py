"""Settlement (结算) and delivery (交车).

The invoice holds exactly the lines the customer approved; declined ones are
listed as recommendations and not charged. A discount comes off what the
customer pays, within the limit of the cashier's role (a store setting; the
manager may go above it): ``within_authority`` is that rule, for the invoice
and for the repair order's lines alike. Prices include VAT, so the tax is what the amount
due contains. Delivery is a checklist, the next service (store rule: every
5,000 km or 3 months, whichever comes first) and the delivered time, on time
or late against the promise.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..i18n import _
from .errors import FieldErrors, ValidationError
from .money import included_tax, parse_money, yuan
from .staff import MANAGER, Staff
from .store import StoreSettings
from .validation import clean_text, required_choice

PAYMENT_METHODS = ("cash", "card", "wechat_pay", "alipay", "transfer")   # 现金 刷卡 微信 支付宝 转账
DISCOUNT_REASON_MAX = 120


@dataclass(frozen=True)
class SettleInput:
    discount_fen: int
    discount_reason: str
    payment_method: str


def parse_settlement(body: dict[str, Any]) -> SettleInput:
    errors = FieldErrors()
    method = required_choice(errors, "payment_method", body.get("payment_method"),
                             PAYMENT_METHODS, missing=_("required: %(methods)s",
                                                        methods=", ".join(PAYMENT_METHODS)))
    discount = 0
    if body.get("discount") not in (None, "", "0", 0):
        discount = parse_money(errors, "discount", body.get("discount")) or 0
    reason = clean_text(errors, "discount_reason", body.get("discount_reason"), max_len=DISCOUNT_REASON_MAX)
    if discount and not reason:
        errors.add("discount_reason", _("say why the discount is given"))
    errors.raise_if_any()
    return SettleInput(discount_fen=discount, discount_reason=reason, payment_method=method)


def discount_limit_percent(staff: Staff, settings: StoreSettings) -> int:
    """How much of the customer's amount this person may take off (the manager: all)."""
    if MANAGER in staff.roles:
        return 100
    return max((int(settings.discount_limits.get(role, 0)) for role in staff.roles), default=0)


def within_authority(staff: Staff, settings: StoreSettings, *, list_fen: int | None,
                     discount_fen: int) -> bool:
    """The one rule for every discount (优惠权限), on the invoice and on a line: may this person
    take ``discount_fen`` off ``list_fen``? A ``list_fen`` of None is a price nobody can check
    (a hand-typed part at 0.00): a 100% discount."""
    limit = discount_limit_percent(staff, settings)
    if list_fen is None:
        return limit >= 100
    return discount_fen <= list_fen * limit // 100


def require_authority(staff: Staff, settings: StoreSettings, *, field: str,
                      list_fen: int | None, discount_fen: int) -> None:
    """Refuse a discount above the person's limit, naming ``field`` and the limit: the
    manager decides above it."""
    if within_authority(staff, settings, list_fen=list_fen, discount_fen=discount_fen):
        return
    limit = discount_limit_percent(staff, settings)
    if list_fen is None or discount_fen >= list_fen:
        problem = _("your limit is %(limit)s%%: this is a 100%% discount, the manager decides",
                    limit=limit)
    else:
        problem = _("your limit is %(limit)s%%: at most %(amount)s", limit=limit,
                    amount=yuan(list_fen * limit // 100))
    raise ValidationError(_("This discount is above your limit: ask the manager"),
                          code="discount_over_limit", fields={field: problem})


@dataclass(frozen=True)
class Settlement:
    invoice_no: str
    settled_at: str
    cashier: str
    cashier_name: str
    payment_method: str
    subtotal_fen: int          # customer-paid lines, before the discount
    discount_fen: int
    discount_reason: str
    amount_due_fen: int        # what the customer paid
    tax_fen: int               # VAT contained in the amount due
    by_pay_type: dict[str, int]

    def view(self) -> dict[str, Any]:
        return {"invoice_no": self.invoice_no, "settled_at": self.settled_at,
                "cashier": self.cashier, "cashier_name": self.cashier_name,
                "payment_method": self.payment_method, "subtotal": yuan(self.subtotal_fen),
                "discount": yuan(self.discount_fen), "discount_reason": self.discount_reason,
                "amount_due": yuan(self.amount_due_fen), "tax_included": yuan(self.tax_fen),
                "by_pay_type": {k: yuan(v) for k, v in self.by_pay_type.items()},
                "currency": "CNY"}

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Settlement | None":
        if not d:
            return None
        return cls(**{**d, "by_pay_type": {k: int(v) for k, v in d["by_pay_type"].items()}})


def settle(*, subtotal_fen: int, by_pay_type: dict[str, int], data: SettleInput, staff: Staff,
           settings: StoreSettings, invoice_no: str, now: datetime) -> Settlement:
    if data.discount_fen > subtotal_fen:
        raise ValidationError(_("The discount is more than the customer pays"),
                              fields={"discount": _("at most %(amount)s", amount=yuan(subtotal_fen))})
    require_authority(staff, settings, field="discount", list_fen=subtotal_fen,
                      discount_fen=data.discount_fen)
    due = subtotal_fen - data.discount_fen
    return Settlement(invoice_no=invoice_no, settled_at=now.isoformat(), cashier=staff.username,
                      cashier_name=staff.name, payment_method=data.payment_method,
                      subtotal_fen=subtotal_fen, discount_fen=data.discount_fen,
                      discount_reason=data.discount_reason, amount_due_fen=due,
                      tax_fen=included_tax(due, Decimal(settings.tax_rate_percent)),
                      by_pay_type=dict(by_pay_type))


# ---- delivery (交车) ---------------------------------------------------------------
DELIVERY_CHECKS = ("clean", "old_parts", "keys", "documents", "explained")
# 内外清洁 / 旧件按客户要求 / 钥匙 / 随车资料 / 已向客户讲解


def parse_delivery(body: dict[str, Any]) -> dict[str, bool]:
    errors = FieldErrors()
    raw = body.get("checklist")
    if not isinstance(raw, dict):
        raw = {}
    for item in DELIVERY_CHECKS:
        if raw.get(item) is not True:
            errors.add(f"checklist.{item}", _("check this before handing the car over"))
    errors.raise_if_any(_("The delivery checklist is not complete"))
    return {item: True for item in DELIVERY_CHECKS}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_service(*, delivered_on: date, mileage_km: int | None,
                 settings: StoreSettings) -> tuple[date, int | None]:
    """Due at whichever comes first: the date or the mileage (下次保养)."""
    due_km = (mileage_km + settings.service_interval_km) if mileage_km is not None else None
    return add_months(delivered_on, settings.service_interval_months), due_km


@dataclass(frozen=True)
class Delivery:
    delivered_at: str
    by: str
    checklist: dict[str, bool]
    next_service_date: str
    next_service_km: int | None
    on_time: bool
    late_minutes: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Delivery | None":
        return cls(**d) if d else None


def deliver(*, now: datetime, by: str, checklist: dict[str, bool], promised_at: datetime | None,
            mileage_km: int | None, settings: StoreSettings) -> Delivery:
    due_date, due_km = next_service(delivered_on=now.astimezone(settings.tz).date(),
                                    mileage_km=mileage_km, settings=settings)
    late = 0
    if promised_at is not None and now > promised_at:
        late = int((now - promised_at).total_seconds() // 60)
    return Delivery(delivered_at=now.isoformat(), by=by, checklist=checklist,
                    next_service_date=due_date.isoformat(), next_service_km=due_km,
                    on_time=late == 0, late_minutes=late)
