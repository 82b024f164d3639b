"""Structured logs: one JSON object a line; phone numbers are masked by the callers."""
from __future__ import annotations

import json
import logging

logger = logging.getLogger("aftersales")
logger.setLevel(logging.INFO)  # Lambda's root logger drops INFO otherwise


def log_event(event: str, level: int = logging.INFO, *, exc_info: bool = False,
              **fields: object) -> None:
    """One JSON line; ``exc_info=True`` adds the traceback of the exception being handled."""
    logger.log(level, json.dumps({"event": event, **fields}, ensure_ascii=False, default=str),
               exc_info=exc_info)
