"""Settlement (结算) at the cashier, and delivery (交车) by the advisor, which plans the
follow-up: the survey SMS and call on day 3, the second follow-up on day 7."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from ..db import records as records_db
from ..domain import followup as fu
from ..domain import messages as msg
from ..domain import settlement as rules
from ..domain.errors import NotFound
from ..i18n import _
from ..domain.staff import Staff
from ..logs import log_event
from ..notify.templates import format_when
from . import care  # issue 15: the care facts of a vehicle saved here
from . import auth, invitations
from .customer_orders import order_message
from .orders import order_to_change, order_view, save_order
from .store import current_store, store_now


def settle(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """The invoice: exactly the approved lines, a discount within the role's limit, payment."""
    old = order_to_change(order_id, body)
    data = rules.parse_settlement(body)
    settings = current_store().settings
    now = store_now()
    agreed = old.agreed(settings.tax_rate)
    settlement = rules.settle(subtotal_fen=agreed.customer_fen, by_pay_type=agreed.by_pay_type,
                              data=data, staff=auth.with_display_name(staff), settings=settings,
                              invoice_no=f"INV-{now:%Y%m%d}-{old.reference}", now=now)
    saved = save_order(old, old.settle(settlement, now=now), actor=staff.username, actor_name=staff.name,
                       action="settled",   # issue 15 (INVITE): the revenue an invitation earned
                       extra=invitations.earned(old, settlement.amount_due_fen))
    log_event("order_settled", order_id=old.id, amount_due=settlement.amount_due_fen,
              discount=settlement.discount_fen, method=settlement.payment_method)
    return order_view(order_id, staff, saved)


def deliver(order_id: str, body: Any, staff: Staff) -> dict[str, Any]:
    """Hand the car back: checklist, next service, delivered time; the follow-up is planned."""
    old = order_to_change(order_id, body)
    checklist = rules.parse_delivery(body)
    settings = current_store().settings
    now = store_now()
    vehicle = records_db.get_vehicle(old.vehicle_id)
    if vehicle is None:
        raise NotFound(_("The order's vehicle is missing"), code="vehicle_not_found")
    delivery = rules.deliver(now=now, by=staff.username, checklist=checklist,
                             promised_at=old.promised_at,
                             mileage_km=old.reception.get("mileage_km"), settings=settings)
    order = old.deliver(delivery, now=now)
    changes = records_db.Changes()
    changes.vehicles.append((care.refreshed(replace(   # care (issue 15): its next care day
        vehicle, next_service_km=delivery.next_service_km, updated_at=now,
        next_service_date=datetime.fromisoformat(delivery.next_service_date).date()),
        today=now.date(), reading_km=old.reception.get("mileage_km")), False))
    followup = fu.plan(order_id=order.id, order_reference=order.reference,
                       vehicle_id=order.vehicle_id, plate=order.plate,
                       customer_id=order.customer_id, customer_name=order.customer_name,
                       phone=order.phone, advisor=order.advisor, delivered_at=now,
                       days=settings.followup_days)
    changes.followups.append((followup, True))
    first, second = settings.followup_days
    delivered = format_when(now, order.locale)
    for kind, days, anchor in ((msg.SURVEY, first, "#survey"), (msg.SECOND_FOLLOW_UP, second, "")):
        message, link = order_message(order, kind, now=now, due=now + timedelta(days=days),
                                      anchor=anchor, delivered=delivered)
        changes.messages.append(message)
        changes.links.append(link)
    saved = save_order(old, order, actor=staff.username, actor_name=staff.name,
                       action="delivered", extra=changes)
    log_event("order_delivered", order_id=order.id, on_time=delivery.on_time,
              late_minutes=delivery.late_minutes)
    return order_view(order_id, staff, saved)
