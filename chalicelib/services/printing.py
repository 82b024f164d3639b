"""Printable documents (Jinja2 HTML with print CSS): the repair order, the check-in sheet,
the invoice (结算单) and the customer's service report (保养报告 / 维修报告)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..domain.errors import ValidationError
from ..i18n import LANGUAGES, _, pgettext, render
from ..headers import print_csp
from ..domain.reception import ZONES
from ..domain.staff import Staff
from . import files, orders

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "print"
DOCUMENTS = ("order", "checkin", "invoice", "report")

# The words of the prints, in the server's message catalogue (chalicelib/i18n): the zh-CN
# is in its messages.po. Keys are what the templates and the records name (t[line.status]).
LABELS = {
    "order": pgettext("print", "Repair order"),
    "checkin": pgettext("print", "Check-in sheet"),
    "reference": pgettext("print", "No."),
    "opened": pgettext("print", "Opened"),
    "promised": pgettext("print", "Promised"),
    "advisor": pgettext("print", "Advisor"),
    "customer": pgettext("print", "Customer"),
    "phone": pgettext("print", "Phone"),
    "plate": pgettext("print", "Plate"),
    "vin": pgettext("print", "VIN"),
    "model": pgettext("print", "Model"),
    "mileage": pgettext("print", "Mileage"),
    "kind": pgettext("print", "Type"),
    "labor": pgettext("print", "Labour"),
    "part": pgettext("print", "Part"),
    "description": pgettext("print", "Item"),
    "qty": pgettext("print", "Qty/hours"),
    "unit": pgettext("print", "Unit price"),
    "amount": pgettext("print", "Amount"),
    "pay": pgettext("print", "Pay type"),
    "status": pgettext("print", "Status"),
    "customer_pay": pgettext("print: pay type", "Customer"),
    "warranty": pgettext("print", "Warranty"),
    "internal": pgettext("print", "Internal"),
    "goodwill": pgettext("print", "Goodwill"),
    "total": pgettext("print", "Total"),
    "customer_pays": pgettext("print", "Customer pays"),
    "tax": pgettext("print", "incl. VAT"),
    "declined": pgettext("print", "Recommended, declined by the customer"),
    "signature": pgettext("print", "Customer signature"),
    "advisor_sign": pgettext("print", "Advisor signature"),
    "concern": pgettext("print", "Customer's concern"),
    "what": pgettext("print", "What"),
    "where": pgettext("print", "Where"),
    "noise": pgettext("print", "Noise"),
    "frequency": pgettext("print", "How often"),
    "when": pgettext("print", "When"),
    "findings": pgettext("print", "Advisor's findings"),
    "fuel": pgettext("print", "Fuel"),
    "covers": pgettext("print", "Covers fitted"),
    "interior": pgettext("print", "Interior"),
    "valuables": pgettext("print", "Valuables reminder given"),
    "old_parts": pgettext("print", "Old parts"),
    "wash": pgettext("print", "Free wash"),
    "contact": pgettext("print", "Contact during repair"),
    "damage": pgettext("print", "Exterior damage"),
    "photos": pgettext("print", "Photos"),
    "none": pgettext("print", "none"),
    "yes": pgettext("print", "yes"),
    "no": pgettext("print", "no"),
    "approved_by": pgettext("print", "Approved"),
    "draft": pgettext("print", "draft"),
    "pending": pgettext("print", "awaiting customer"),
    "approved": pgettext("print", "approved"),
    "in_work": pgettext("print", "in work"),
    "done": pgettext("print", "done"),
    "take_home": pgettext("print", "customer takes them"),
    "dispose": pgettext("print", "store disposes"),
    "clean": pgettext("print", "clean"),
    "dirty": pgettext("print", "dirty"),
    "empty": pgettext("print", "empty"),
    "quarter": pgettext("print", "1/4"),
    "half": pgettext("print", "1/2"),
    "three_quarters": pgettext("print", "3/4"),
    "full": pgettext("print", "full"),
    "scratch": pgettext("print", "scratch"),
    "dent": pgettext("print", "dent"),
    "crack": pgettext("print", "crack"),
    "other": pgettext("print", "other"),
    "sms": pgettext("print", "SMS"),
    "wechat": pgettext("print", "WeChat"),
    "in_store": pgettext("print", "signed in store"),
    "invoice": pgettext("print", "Invoice"),
    "invoice_no": pgettext("print", "Invoice no."),
    "settled": pgettext("print", "Settled"),
    "cashier": pgettext("print", "Cashier"),
    "method": pgettext("print", "Payment"),
    "cash": pgettext("print", "cash"),
    "card": pgettext("print", "card"),
    "wechat_pay": pgettext("print", "WeChat Pay"),
    "alipay": pgettext("print", "Alipay"),
    "transfer": pgettext("print", "bank transfer"),
    "subtotal": pgettext("print", "Customer subtotal"),
    "discount": pgettext("print", "Discount"),
    "amount_due": pgettext("print", "Amount paid"),
    "report_maintenance": pgettext("print", "Maintenance report"),
    "report_repair": pgettext("print", "Repair report"),
    "work_done": pgettext("print", "Work done"),
    "parts_replaced": pgettext("print", "Parts replaced"),
    "part_number": pgettext("print", "Part no."),
    "results": pgettext("print", "Findings"),
    "recommendations": pgettext("print", "Recommended work"),
    "next_service": pgettext("print", "Next service"),
    "next_service_text": pgettext("print", "{date} or {km} km, whichever comes first"),
    "hours": pgettext("print", "Hours"),
    "not_settled": pgettext("print", "not settled yet"),
    "quality_passed": pgettext("print", "Quality check passed"),
    "print_now": pgettext("print", "Print"),
}
ZONE_NAMES = {
    "front_bumper": pgettext("car zone", "front bumper"),
    "hood": pgettext("car zone", "hood"),
    "windshield": pgettext("car zone", "windshield"),
    "roof": pgettext("car zone", "roof"),
    "rear_window": pgettext("car zone", "rear window"),
    "trunk": pgettext("car zone", "trunk"),
    "rear_bumper": pgettext("car zone", "rear bumper"),
    "left_front_fender": pgettext("car zone", "left front fender"),
    "left_front_door": pgettext("car zone", "left front door"),
    "left_rear_door": pgettext("car zone", "left rear door"),
    "left_rear_fender": pgettext("car zone", "left rear fender"),
    "right_front_fender": pgettext("car zone", "right front fender"),
    "right_front_door": pgettext("car zone", "right front door"),
    "right_rear_door": pgettext("car zone", "right rear door"),
    "right_rear_fender": pgettext("car zone", "right rear fender"),
    "left_mirror": pgettext("car zone", "left mirror"),
    "right_mirror": pgettext("car zone", "right mirror"),
    "wheels": pgettext("car zone", "wheels"),
}
assert tuple(ZONE_NAMES) == tuple(ZONES)   # every zone of the car diagram has its name


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined)


def render_order(order_id: str, doc: str, lang: str | None, staff: Staff) -> str:
    """A print in ``lang``, or in the order's language (the customer's; zh-CN by default)."""
    if doc not in DOCUMENTS:
        raise ValidationError(_("Unknown document"),
                              fields={"doc": _("order, checkin, invoice or report")})
    if lang is not None and lang not in LANGUAGES:
        raise ValidationError(_("Unknown language"), fields={"lang": _("zh-CN or en")})
    context = orders.print_context(order_id)
    lang = lang or (context["order"].locale if context["order"].locale in LANGUAGES else "zh-CN")
    zones = render(ZONE_NAMES, lang)
    return _env().get_template(f"{doc}.html").render(
        **context, t=render(LABELS, lang), lang=lang, zone=lambda z: zones.get(z, z),
        phone=staff.phone_view(context["order"].phone),   # as the staff answers show it
        local=lambda iso: iso and _local(iso, context["tz"]))


def document_headers() -> dict[str, str]:
    """A print document's answer: HTML, not cached, its own policy (no script at all)."""
    return {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
            "Content-Security-Policy": print_csp(files.files_url())}


def _local(iso: str, tz) -> str:
    from datetime import datetime
    moment = datetime.fromisoformat(iso)
    try:
        moment = moment.astimezone(tz)
    except OverflowError:   # e.g. a promise saved before times were range-checked: as written
        pass
    return moment.strftime("%Y-%m-%d %H:%M")
