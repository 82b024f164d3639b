"""Staff accounts (员工账号) the manager administers through the Cognito user pool."""
from __future__ import annotations

from .staff import staff_route  # noqa: F401  (routes of this module register on staff_api)
