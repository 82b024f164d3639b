"""The standard price book (价格本) and service catalogue a store starts with (demo store and
``infra.seed``): labour operations and parts of a VW / Toyota dealership, and the bookable
service packages (保养套餐) made of them. The manager edits them in the portal afterwards.

Each package's computed figures (labour = hours x its rate, or the store's ¥300/h; parts =
quantity x unit price; duration = labour + handling, rounded up to 15 min) are the catalogue
the booking site has always shown: 常规保养 ¥480 = 0.8 h x ¥300 + 4 L 机油 x ¥50 + 机油滤清器 ¥40.
"""
from __future__ import annotations

from decimal import Decimal

from chalicelib.domain import pricebook as pb
from chalicelib.domain.store import Service

STANDARD_LABOR_RATE_FEN = 30000


def standard_operations() -> list[pb.Operation]:
    def op(code, name, name_en, hours):
        return pb.Operation(code=code, name=name, name_en=name_en, hours=Decimal(hours))
    return [
        op("LB-OIL", "更换机油及机油滤清器", "Replace engine oil and oil filter", "0.8"),
        op("LB-AIRF", "更换空气滤清器", "Replace air filter", "0.2"),
        op("LB-INSP", "常规检查", "Routine inspection", "0.2"),
        op("LB-CABF", "更换空调滤清器", "Replace cabin air filter", "0.2"),
        op("LB-PLUG", "更换火花塞", "Replace spark plugs", "0.5"),
        op("LB-BFLUID", "更换制动液", "Replace brake fluid", "0.3"),
        op("LB-BRAKE", "刹车系统检查", "Brake system inspection", "0.6"),
        op("LB-AC", "空调系统检修", "Air-conditioning service", "1"),
        op("LB-TYRE", "轮胎换位及动平衡", "Tyre rotation and balancing", "0.6"),
        op("LB-DIAG", "故障诊断", "Fault diagnosis", "1"),
        op("LB-BODY", "钣金修复", "Panel beating", "2"),
        op("LB-PAINT", "喷漆（单面）", "Paint (one panel)", "3"),
        op("LB-RECALL", "召回检修", "Recall campaign work", "1"),
        op("LB-CHECK", "免费安全检查", "Free safety check", "0.4"),
        op("LB-PADS-F", "更换前刹车片", "Replace front brake pads", "1"),
        op("LB-PADS-R", "更换后刹车片", "Replace rear brake pads", "1"),
        op("LB-WIPER", "更换雨刮片", "Replace wiper blades", "0.2"),
        op("LB-BATT", "更换蓄电池", "Replace battery", "0.3"),
    ]


def standard_parts() -> list[pb.Part]:
    def part(number, name, name_en, yuan, unit, stock=None):
        return pb.Part(number=number, name=name, name_en=name_en,
                       unit_price_fen=int(Decimal(yuan) * 100), unit=unit, stock=stock)
    return [
        part("G052195M4", "机油 5W-30", "Engine oil 5W-30", "50", "升", 240),
        part("06A115561B", "机油滤清器", "Oil filter", "40", "个", 60),
        part("5Q0129620D", "空气滤清器", "Air filter", "80", "个", 30),
        part("5Q0819653", "空调滤清器", "Cabin air filter", "120", "个", 30),
        part("101905617C", "火花塞", "Spark plug", "85", "个", 80),
        part("B000750M3", "制动液 DOT4", "Brake fluid DOT4", "100", "瓶", 24),
        part("G052146A2", "空调冷媒 R134a", "Refrigerant R134a", "80", "瓶", 20),
        part("8E0601911", "轮胎平衡块", "Wheel balance weight", "10", "个", 400),
        part("3Q0698151", "前刹车片", "Front brake pads", "580", "套", 8),
        part("5Q0698451", "后刹车片", "Rear brake pads", "420", "套", 8),
        part("5G1955427", "雨刮片", "Wiper blades", "120", "套", 12),
        part("000915105DG", "蓄电池 60Ah", "Battery 60Ah", "880", "个", 4),
        part("04152-YZZA1", "机油滤清器（丰田）", "Oil filter (Toyota)", "45", "个", 40),
        part("08880-83717", "丰田机油 0W-20", "Toyota engine oil 0W-20", "55", "升", 120),
        part("87139-0N010", "空调滤清器（丰田）", "Cabin air filter (Toyota)", "110", "个", 20),
    ]


def standard_packages() -> list[pb.Package]:
    def labour(code, rate_yuan=None):
        return pb.PackageItem(pb.LABOR_LINE, code,
                              rate_fen=None if rate_yuan is None else int(rate_yuan) * 100)

    def parts(code, qty):
        return pb.PackageItem(pb.PART_LINE, code, quantity=Decimal(qty))

    oil = (labour("LB-OIL"), parts("G052195M4", "4"), parts("06A115561B", "1"))
    packages = [
        ("MAINT_BASIC", "常规保养", "Routine maintenance (oil & filter)", "maintenance", 12, oil),
        ("MAINT_10K", "10000公里保养", "10,000 km service", "maintenance", 18,
         oil + (labour("LB-AIRF"), labour("LB-INSP"), parts("5Q0129620D", "1"))),
        ("MAINT_30K", "30000公里保养", "30,000 km service", "maintenance", 30,
         oil + (labour("LB-AIRF"), labour("LB-CABF"), labour("LB-PLUG"), labour("LB-BFLUID"),
                parts("5Q0129620D", "1"), parts("5Q0819653", "1"), parts("101905617C", "4"),
                parts("B000750M3", "2"))),
        ("BRAKE_CHECK", "刹车检查", "Brake inspection", "inspection", 9,
         (labour("LB-BRAKE", 250),)),
        ("AC_SERVICE", "空调检修", "Air-conditioning service", "repair", 30,
         (labour("LB-AC"), parts("G052146A2", "1"))),
        ("TYRE_ROTATE", "轮胎换位及动平衡", "Tyre rotation and balancing", "maintenance", 9,
         (labour("LB-TYRE", 200), parts("8E0601911", "4"))),
        ("DIAG", "故障诊断", "Fault diagnosis", "repair", 0, (labour("LB-DIAG", 200),)),
        ("BODY_PAINT", "钣金喷漆", "Body and paint repair", "bodywork", 180,
         (labour("LB-BODY", 240), labour("LB-PAINT", 240))),
        ("RECALL", "召回检修", "Recall campaign", "recall", 30, (labour("LB-RECALL", 0),)),
        ("FREE_CHECK", "免费安全检查", "Free safety check", "inspection", 6,
         (labour("LB-CHECK", 0),)),
    ]
    # jobs on brakes, air conditioning, faults and recalls are test-driven at the final inspection
    driven = {"BRAKE_CHECK", "AC_SERVICE", "DIAG", "RECALL"}
    return [pb.Package(code=code, name=name, name_en=name_en, category=category, position=i,
                       test_drive=code in driven, handling_minutes=handling, items=items)
            for i, (code, name, name_en, category, handling, items) in enumerate(packages)]


def services_of(packages: list[pb.Package], operations: list[pb.Operation],
                parts: list[pb.Part], labor_rate_fen: int = STANDARD_LABOR_RATE_FEN
                ) -> list[Service]:
    """The catalogue items of ``packages`` (what the store's partition keeps)."""
    ops = {o.code: o for o in operations}
    by_number = {p.number: p for p in parts}
    return [Service(code=p.code, name=p.name, name_en=p.name_en, duration_min=0,
                    labor_minutes=0, price_estimate_fen=0, category=p.category,
                    position=p.position, test_drive=p.test_drive,
                    lines=pb.package_lines(p, ops, by_number),
                    handling_minutes=p.handling_minutes).priced(labor_rate_fen)
            for p in packages]


def standard_services() -> list[Service]:
    return services_of(standard_packages(), standard_operations(), standard_parts())


def standard_pricebook() -> tuple[list[pb.Operation], list[pb.Part], list[pb.Package]]:
    return standard_operations(), standard_parts(), standard_packages()
