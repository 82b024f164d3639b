"""Structured logs: one JSON object a line.

Fields are codes, ids, counts and masked values (``mask_phone``) only: never what a person
typed (a reason, a note, a username as typed: it may be a password), a token, or a whole
phone number. Callers choose the fields; tests/api/test_privacy.py reads the logs.
"""
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
