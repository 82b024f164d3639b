"""The one place the product asks for the current time (tests move it)."""
from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)
