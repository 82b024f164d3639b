"""A realistic demo store: a FAW-VW dealership in Guangzhou (fictional)."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.store import WEEKDAYS, Service, StoreSettings


def demo_settings(store_id: str = "demo") -> StoreSettings:
    return StoreSettings(
        store_id=store_id,
        name="骏达大众4S店",
        name_en="Junda Volkswagen 4S Store",
        address="广州市天河区黄埔大道西100号",
        address_en="100 Huangpu Ave W, Tianhe, Guangzhou",
        phone="020-88886666",
        timezone="Asia/Shanghai",
        opening_hours={d: ["08:00", "17:00"] for d in WEEKDAYS},
        closed_dates=("2027-01-01", "2027-02-06", "2027-02-07"),
        slot_minutes=60,
        slot_capacity=3,
        workshop_hours_per_day=48,
        walkin_reserve_percent=20,
        min_notice_minutes=120,
        horizon_days=30,
        sms_signature="骏达大众",
    )


def demo_services() -> list[Service]:
    def s(code, name, name_en, duration, labor, fen, category):
        return Service(code=code, name=name, name_en=name_en, duration_min=duration,
                       labor_minutes=labor, price_estimate_fen=fen, category=category)
    services = [
        s("MAINT_BASIC", "常规保养", "Routine maintenance (oil & filter)", 60, 48, 48000, "maintenance"),
        s("MAINT_10K", "10000公里保养", "10,000 km service", 90, 72, 68000, "maintenance"),
        s("MAINT_30K", "30000公里保养", "30,000 km service", 150, 120, 158000, "maintenance"),
        s("BRAKE_CHECK", "刹车检查", "Brake inspection", 45, 36, 15000, "inspection"),
        s("AC_SERVICE", "空调检修", "Air-conditioning service", 90, 60, 38000, "repair"),
        s("TYRE_ROTATE", "轮胎换位及动平衡", "Tyre rotation and balancing", 45, 36, 16000, "maintenance"),
        s("DIAG", "故障诊断", "Fault diagnosis", 60, 60, 20000, "repair"),
        s("BODY_PAINT", "钣金喷漆", "Body and paint repair", 480, 300, 120000, "bodywork"),
        s("RECALL", "召回检修", "Recall campaign", 90, 60, 0, "recall"),
        s("FREE_CHECK", "免费安全检查", "Free safety check", 30, 24, 0, "inspection"),
    ]
    # jobs on brakes, air conditioning, faults and recalls are test-driven at the final inspection
    driven = {"BRAKE_CHECK", "AC_SERVICE", "DIAG", "RECALL"}
    return [replace(service, position=i, test_drive=service.code in driven)
            for i, service in enumerate(services)]
