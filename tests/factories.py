"""Factories: a valid booking body, and times in the store's zone."""
from __future__ import annotations

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def store_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


BASE_BODY = {
    "customer": {"name": "王先生", "phone": "13800138000"},
    "vehicle": {"plate": "粤B12345", "vin": "LSVAU2180N2183294", "model": "Lavida", "mileage_km": 15230},
    "services": ["MAINT_10K"],
    "slot_start": "2026-12-01T09:00:00+08:00",
    "concern": {"what": "刹车异响", "where": "左前轮", "noise": "吱吱声", "frequency": "每次刹车",
                "when": "低速制动时"},
    "transport": "wait",
}


def booking_body(**overrides) -> dict:
    """A valid booking request; ``customer=``/``vehicle=`` overrides merge into the defaults."""
    body = copy.deepcopy(BASE_BODY)
    for key, value in overrides.items():
        if key in ("customer", "vehicle") and isinstance(value, dict):
            body[key].update(value)
        else:
            body[key] = value
    return body
