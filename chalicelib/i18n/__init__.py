"""Server messages in the reader's language: one catalogue for API errors, SMS and prints.

Texts are written in English in the code and wrapped in ``_()``; the Chinese (zh-CN, the
default language) is in ``locale/zh_CN/LC_MESSAGES/messages.po``, compiled to ``messages.mo``
(``make messages``: extract, update, compile; Babel is a development tool only). At run time
the standard library's ``gettext`` reads the compiled catalogue.

    raise ValidationError(_("That time cannot be booked"),
                          fields={"slot_start": _("at most %(days)s days ahead", days=60)})

``_()`` returns a :class:`Message`: the English text and its parameters, rendered later in
the language of whoever reads it (``render(message, "zh-CN")``). The API renders an error's
``message`` and ``fields`` in the request's language (``negotiate`` reads Accept-Language);
SMS and print templates (Jinja2 with ``jinja2.ext.i18n``) use the same catalogue.

Placeholders are named (``%(days)s``) and the text is always %-formatted, so a percent sign
is written ``%%``. A parameter may itself be a Message: it is rendered in the same language.
A translation may leave out a parameter the English needs (e.g. a list of codes) but may not
add one.
"""
from __future__ import annotations

import gettext
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

DEFAULT_LANGUAGE = "zh-CN"
LANGUAGES = ("zh-CN", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
_CATALOGUE_LOCALE = {"zh-CN": "zh_CN"}   # en is the source language: no catalogue

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


class Message:
    """A text to show someone, not yet in their language: the English msgid and its
    parameters (``context`` tells apart the same English in two meanings)."""

    __slots__ = ("msgid", "params", "context")

    def __init__(self, msgid: str, params: dict[str, Any] | None = None,
                 context: str | None = None):
        self.msgid = msgid
        self.params = params or {}
        self.context = context

    def render(self, lang: str) -> str:
        catalogue = translations(lang)
        text = (catalogue.pgettext(self.context, self.msgid) if self.context
                else catalogue.gettext(self.msgid))
        return text % {name: render(value, lang) for name, value in self.params.items()}

    def __str__(self) -> str:   # logs and exceptions: English
        return self.render("en")

    def __repr__(self) -> str:
        return f"_({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.msgid, self.params, self.context) == (other.msgid, other.params, other.context)
        if isinstance(other, str):   # as English text: what a program or a test compares
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))


def _(msgid: str, /, **params: Any) -> Message:
    """A message in English with named ``%(placeholders)s``, shown in the reader's language."""
    return Message(msgid, params)


def pgettext(context: str, msgid: str, /, **params: Any) -> Message:
    """``_()`` for an English text that has more than one meaning (e.g. a list separator)."""
    return Message(msgid, params, context)


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (read once per process); English needs none."""
    locale = _CATALOGUE_LOCALE.get(lang)
    if locale is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[locale])


def render(value: Any, lang: str) -> Any:
    """``value`` with every Message in it (also in dicts and lists) rendered in ``lang``."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, dict):
        return {key: render(item, lang) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [render(item, lang) for item in value]
    return value


_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?\s*$")


def negotiate(accept_language: str | None) -> str:
    """The language to answer in, from an Accept-Language header: ``zh-CN`` or ``en``.
    Any Chinese (zh, zh-CN, zh-Hans-CN, zh-TW) reads zh-CN; any English en; the first by
    preference (q-value, then order) wins; none of them, or a header that cannot be read,
    gives zh-CN."""
    if not accept_language or not isinstance(accept_language, str):
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language[:512].split(",")[:32]):
        match = _RANGE.match(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            continue
        if not 0 < quality <= 1:
            continue
        primary = match.group(1).split("-")[0].lower()
        lang = {"zh": "zh-CN", "en": "en", "*": DEFAULT_LANGUAGE}.get(primary)
        if lang:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the request being answered (zh-CN outside a request)."""
    return _language.get()


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Answer in ``lang`` within the block (the API sets it per request)."""
    token = _language.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield _language.get()
    finally:
        _language.reset(token)
