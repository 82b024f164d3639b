"""The manager's store settings (门店设置): staff routes on the staff blueprint."""
from __future__ import annotations

from .staff import staff_route  # noqa: F401  (routes of this module register on staff_api)
