"""SMS text from Jinja2 templates, one per message kind: the English in the template's
``{% trans %}`` blocks, every language from the server's message catalogue (chalicelib/i18n,
``jinja2.ext.i18n``), as the API's errors and the prints."""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..i18n import LANGUAGES, _, translations

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "sms"
WEEKDAYS_ZH = "一二三四五六日"
# A name as people write theirs: up to 6 Chinese characters (with · between the parts of a
# minority name), or up to 4 words of Latin letters. Nothing else a customer typed reaches an
# SMS: no digits, dots, slashes, so no link, domain or phone number goes out store-signed.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_HAN_NAME = re.compile(rf"^[{_HAN}]+(?:·[{_HAN}]+){{0,2}}$")
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*){0,3}$")


@lru_cache(maxsize=None)
def _env(locale: str) -> Environment:
    """The templates with the catalogue of ``locale`` (one environment per language)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=False,
                      extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True   # as babel.cfg extracts them
    env.install_gettext_translations(translations(locale), newstyle=True)   # type: ignore[attr-defined]
    return env


def format_when(moment: datetime, locale: str) -> str:
    """Store-local date and time as a customer reads it: 12月1日(周二)09:00."""
    if locale == "en":
        return moment.strftime("%a %-d %b %H:%M")
    return f"{moment.month}月{moment.day}日(周{WEEKDAYS_ZH[moment.weekday()]}){moment:%H:%M}"


def sms_name(typed: str) -> str:
    """The customer's name as an SMS may carry it, or "" (the text then greets without it)."""
    name = " ".join(str(typed or "").split())
    if _HAN_NAME.fullmatch(name) and len(name.replace("·", "")) <= 6:
        return name
    if _LATIN_NAME.fullmatch(name) and len(name) <= 24:
        return name
    return ""


def render(kind: str, locale: str, **context: object) -> str:
    """The text of one SMS in ``locale``; a ``name`` (typed by the customer) goes through
    ``sms_name`` and greets as ``greeting``."""
    locale = locale if locale in LANGUAGES else "zh-CN"
    if "name" in context:
        context["name"] = name = sms_name(str(context["name"] or ""))
        # 王先生您好, / Wang, — or 您好, / Hello, without a name
        context["greeting"] = (_("%(name)s,", name=name) if name else _("Hello,")).render(locale)
    template = _env(locale).get_template(f"{kind}.txt")
    return " ".join(template.render(**context).split())


def sms_parts(text: str) -> int:
    """How many SMS parts ``text`` takes: 160/153 GSM characters, or 70/67 for Chinese (UCS-2)."""
    gsm = all(ord(ch) < 128 for ch in text)
    single, multi = (160, 153) if gsm else (70, 67)
    if len(text) <= single:
        return 1
    return -(-len(text) // multi)
