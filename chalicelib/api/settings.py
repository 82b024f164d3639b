"""The manager's store settings (门店设置): staff routes on the staff blueprint."""
from __future__ import annotations

from ..domain.staff import MANAGERS
from .http import LazyModule, json_body, query_param
from .staff import staff_api, staff_route

settings = LazyModule("chalicelib.services.settings")


@staff_route("/api/staff/settings", "GET", MANAGERS,
             "The store's settings, their version, how soon a change applies, recent changes")
def get_settings(staff):
    return settings.settings_page(staff)


@staff_route("/api/staff/settings", "PUT", MANAGERS,
             "Change store settings (with the version read; apply_affected: true to save a "
             "change that strands bookings, which are then listed for calls)")
def put_settings(staff):
    return settings.change_settings(json_body(staff_api.current_request), staff)


@staff_route("/api/staff/settings/holidays", "GET", MANAGERS,
             "China's public holidays and 调休 working days of a year (?year=), with the "
             "store's hours on each and the offer")
def get_holidays(staff):
    return settings.holidays(query_param(staff_api.current_request, "year"), staff)
