"""SMS text from Jinja2 templates, one per message kind and language."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "sms"
WEEKDAYS_ZH = "一二三四五六日"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=False,
                       undefined=StrictUndefined, keep_trailing_newline=False)


def format_when(moment: datetime, locale: str) -> str:
    """Store-local date and time as a customer reads it: 12月1日(周二)09:00."""
    if locale == "en":
        return moment.strftime("%a %-d %b %H:%M")
    return f"{moment.month}月{moment.day}日(周{WEEKDAYS_ZH[moment.weekday()]}){moment:%H:%M}"


def render(kind: str, locale: str, **context: object) -> str:
    template = _env().get_template(f"{locale}/{kind}.txt")
    return " ".join(template.render(**context).split())


def sms_parts(text: str) -> int:
    """How many SMS parts ``text`` takes: 160/153 GSM characters, or 70/67 for Chinese (UCS-2)."""
    gsm = all(ord(ch) < 128 for ch in text)
    single, multi = (160, 153) if gsm else (70, 67)
    if len(text) <= single:
        return 1
    return -(-len(text) // multi)
