"""Printable documents (Jinja2 HTML with print CSS): the repair order, the check-in sheet,
the invoice (结算单) and the customer's service report (保养报告 / 维修报告)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..domain.errors import ValidationError
from ..i18n import _
from ..headers import print_csp
from ..domain.reception import ZONES
from ..domain.staff import Staff
from . import files, orders

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "print"
DOCUMENTS = ("order", "checkin", "invoice", "report")

LABELS = {
    "zh-CN": {
        "order": "维修委托书 / 施工单", "checkin": "接车检查单", "reference": "单号",
        "opened": "开单时间", "promised": "预计交车", "advisor": "服务顾问", "customer": "客户",
        "phone": "电话", "plate": "车牌", "vin": "车架号", "model": "车型", "mileage": "里程",
        "kind": "类型", "labor": "工时", "part": "备件", "description": "项目", "qty": "数量/工时",
        "unit": "单价", "amount": "金额", "pay": "付费方式", "status": "状态",
        "customer_pay": "客户付费", "warranty": "保修", "internal": "内部", "goodwill": "善意",
        "total": "合计", "customer_pays": "客户应付", "tax": "其中增值税",
        "declined": "客户暂不维修的建议项目", "signature": "客户签字", "advisor_sign": "服务顾问签字",
        "concern": "客户描述", "what": "问题", "where": "位置", "noise": "噪音",
        "frequency": "频率", "when": "情景", "findings": "顾问诊断", "fuel": "油量",
        "covers": "三件套", "interior": "内饰", "valuables": "已提醒贵重物品", "old_parts": "旧件",
        "wash": "免费洗车", "contact": "维修中联系方式", "damage": "外观损伤", "none": "无",
        "yes": "是", "no": "否", "approved_by": "确认", "draft": "待发送", "pending": "待确认",
        "approved": "已确认", "in_work": "施工中", "done": "已完成",
        "take_home": "客户带走", "dispose": "店内处理", "clean": "整洁", "dirty": "较脏",
        "empty": "空", "quarter": "1/4", "half": "1/2", "three_quarters": "3/4", "full": "满",
        "scratch": "划痕", "dent": "凹陷", "crack": "裂纹", "other": "其他",
        "sms": "短信", "wechat": "微信", "in_store": "到店签字",
        "invoice": "结算单", "invoice_no": "结算单号", "settled": "结算时间", "cashier": "收银员",
        "method": "支付方式", "cash": "现金", "card": "刷卡", "wechat_pay": "微信支付",
        "alipay": "支付宝", "transfer": "转账", "subtotal": "客户付费小计", "discount": "优惠",
        "amount_due": "实收金额", "report_maintenance": "保养报告", "report_repair": "维修报告",
        "work_done": "已完成项目", "parts_replaced": "更换零件", "part_number": "零件号",
        "results": "检查结果", "recommendations": "建议项目", "next_service": "下次保养",
        "next_service_text": "{date} 或 {km} 公里(以先到者为准)", "hours": "工时",
        "not_settled": "尚未结算", "quality_passed": "质检合格",
    },
    "en": {
        "order": "Repair order", "checkin": "Check-in sheet", "reference": "No.",
        "opened": "Opened", "promised": "Promised", "advisor": "Advisor", "customer": "Customer",
        "phone": "Phone", "plate": "Plate", "vin": "VIN", "model": "Model", "mileage": "Mileage",
        "kind": "Type", "labor": "Labour", "part": "Part", "description": "Item", "qty": "Qty/hours",
        "unit": "Unit price", "amount": "Amount", "pay": "Pay type", "status": "Status",
        "customer_pay": "Customer", "warranty": "Warranty", "internal": "Internal",
        "goodwill": "Goodwill", "total": "Total", "customer_pays": "Customer pays",
        "tax": "incl. VAT", "declined": "Recommended, declined by the customer",
        "signature": "Customer signature", "advisor_sign": "Advisor signature",
        "concern": "Customer's concern", "what": "What", "where": "Where", "noise": "Noise",
        "frequency": "How often", "when": "When", "findings": "Advisor's findings",
        "fuel": "Fuel", "covers": "Covers fitted", "interior": "Interior",
        "valuables": "Valuables reminder given", "old_parts": "Old parts", "wash": "Free wash",
        "contact": "Contact during repair", "damage": "Exterior damage", "none": "none",
        "yes": "yes", "no": "no", "approved_by": "Approved", "draft": "draft",
        "pending": "awaiting customer", "approved": "approved", "in_work": "in work",
        "done": "done", "take_home": "customer takes them", "dispose": "store disposes",
        "clean": "clean", "dirty": "dirty", "empty": "empty", "quarter": "1/4", "half": "1/2",
        "three_quarters": "3/4", "full": "full", "scratch": "scratch", "dent": "dent",
        "crack": "crack", "other": "other", "sms": "SMS", "wechat": "WeChat",
        "in_store": "signed in store",
        "invoice": "Invoice", "invoice_no": "Invoice no.", "settled": "Settled", "cashier": "Cashier",
        "method": "Payment", "cash": "cash", "card": "card", "wechat_pay": "WeChat Pay",
        "alipay": "Alipay", "transfer": "bank transfer", "subtotal": "Customer subtotal",
        "discount": "Discount", "amount_due": "Amount paid", "report_maintenance": "Maintenance report",
        "report_repair": "Repair report", "work_done": "Work done", "parts_replaced": "Parts replaced",
        "part_number": "Part no.", "results": "Findings", "recommendations": "Recommended work",
        "next_service": "Next service", "next_service_text": "{date} or {km} km, whichever comes first",
        "hours": "Hours", "not_settled": "not settled yet", "quality_passed": "Quality check passed",
    },
}
ZONE_NAMES_ZH = dict(zip(ZONES, (
    "前保险杠", "引擎盖", "前挡风玻璃", "车顶", "后挡风玻璃", "后备箱", "后保险杠",
    "左前翼子板", "左前门", "左后门", "左后翼子板", "右前翼子板", "右前门", "右后门",
    "右后翼子板", "左后视镜", "右后视镜", "轮毂"), strict=True))


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                       autoescape=select_autoescape(["html"]), undefined=StrictUndefined)


def render_order(order_id: str, doc: str, lang: str, staff: Staff) -> str:
    if doc not in DOCUMENTS:
        raise ValidationError(_("Unknown document"),
                              fields={"doc": _("order, checkin, invoice or report")})
    if lang not in LABELS:
        raise ValidationError(_("Unknown language"), fields={"lang": _("zh-CN or en")})
    context = orders.print_context(order_id)
    zone = (lambda z: ZONE_NAMES_ZH.get(z, z)) if lang == "zh-CN" else (lambda z: z.replace("_", " "))
    return _env().get_template(f"{doc}.html").render(
        **context, t=LABELS[lang], lang=lang, zone=zone,
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
