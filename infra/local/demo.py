"""A realistic demo store: a FAW-VW dealership in Guangzhou (fictional)."""
from __future__ import annotations

from chalicelib.domain.store import WEEKDAYS, StoreSettings
from infra.catalogue import standard_pricebook, standard_services


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


# the demo store starts with the standard catalogue, as a newly deployed store does
demo_services = standard_services
demo_pricebook = standard_pricebook     # its operations, parts and packages (价格本)
