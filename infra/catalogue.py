"""The standard service catalogue a store starts with (demo store and ``infra.seed``).

Codes, names (zh-CN, en), booked duration, sold labour minutes, price estimate
in fen and category; the manager adjusts prices and durations afterwards.
"""
from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.store import Service


def standard_services() -> list[Service]:
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
