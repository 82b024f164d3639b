"""The price book (价格本): labour operations, parts and service packages; staff routes."""
from __future__ import annotations

from .staff import staff_route  # noqa: F401  (routes of this module register on staff_api)
