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


# A real (tiny) PNG: what the signature canvas sends.
SIGNATURE = ("data:image/png;base64,"
             "iVBORw0KGgoAAAANSUhEUgAAAAYAAAAECAYAAACtBE5DAAAAb0lEQVR4nAFkAJv/AEQggjz95vHCazD5DsfdAeSI"
             "dTSiDwsNBADDbtgOceD9d7B2cOuUC9UzX5c9qthhm5EA/8kR9XzO1Fi7vyzgN1PJvfoP8BadyVdWAHQGZnbPsLTr"
             "iQLEQmnaHPa6ZtP4ttSxAMWwM6Ty725qAAAAAElFTkSuQmCC")


def checkin_body(**overrides) -> dict:
    """A complete walk-around (环车检查) for the booked car, signed."""
    body = {
        "customer": {"name": "王先生", "phone": "13800138000"},
        "vehicle": {"plate": "粤B12345", "vin": "LSVAU2180N2183294", "model": "Lavida",
                    "sale_date": "2024-06-01"},
        "mileage_km": 15302, "fuel_level": "half", "covers_fitted": True,
        "interior": "clean", "valuables_reminded": True,
        "concern": {"what": "刹车异响", "where": "左前轮"},
        "findings": "左前刹车片剩余2mm",
        "old_parts": "take_home", "wash": True, "contact_preference": "phone",
        "damage": [{"zone": "left_front_door", "kind": "scratch", "note": "10cm"}],
        "signature": SIGNATURE,
    }
    body.update(overrides)
    return body


def part_line(**overrides) -> dict:
    line = {"kind": "part", "part_number": "1K0698151", "description": "前刹车片",
            "quantity": "1", "unit_price": "420.00", "pay_type": "customer"}
    line.update(overrides)
    return line


def labour_line(**overrides) -> dict:
    line = {"kind": "labor", "operation": "BRK01", "description": "更换前刹车片",
            "hours": "1.5", "rate": "300.00", "pay_type": "customer"}
    line.update(overrides)
    return line
