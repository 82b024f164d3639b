"""The server's message catalogue (chalicelib/i18n): the language a request asks for, every
text of the code translated, the compiled catalogue up to date, and no error text written
outside the catalogue."""
from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from chalicelib.i18n import LOCALE_DIR, Message, _, negotiate, pgettext, render

ROOT = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


# ---- Accept-Language -------------------------------------------------------------------

@pytest.mark.parametrize("header, language", [
    (None, "zh-CN"), ("", "zh-CN"), ("zh-CN", "zh-CN"), ("zh", "zh-CN"),
    ("zh-Hans-CN", "zh-CN"), ("zh-TW", "zh-CN"), ("en", "en"), ("en-US", "en"),
    ("EN-gb", "en"), ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("en;q=0.5, zh;q=0.9", "zh-CN"),
    ("fr-FR,fr;q=0.9,en;q=0.8", "en"), ("fr, de", "zh-CN"), ("*", "zh-CN"),
    ("en;q=0", "zh-CN"), ("en;q=2", "zh-CN"), ("en;q=abc", "zh-CN"), ("@@@, ;;;", "zh-CN"),
    ("x" * 10_000, "zh-CN"), ("de;q=0.9, en;q=0.1", "en"),
])
def test_negotiate_picks_the_preferred_language_we_have(header, language):
    assert negotiate(header) == language


def test_a_message_renders_in_either_language_with_its_parameters():
    message = _("at most %(count)s characters", count=30)
    assert message.render("en") == "at most 30 characters"
    assert message.render("zh-CN") == "最多 30 个字"
    assert str(message) == "at most 30 characters" and message == "at most 30 characters"
    assert render({"name": message, "n": 1}, "zh-CN") == {"name": "最多 30 个字", "n": 1}
    # a parameter that is a message is rendered in the same language
    nested = _("This booking is %(status)s", status=_("cancelled"))
    assert (nested.render("en"), nested.render("zh-CN")) == ("This booking is cancelled", "该预约已取消")
    # one English word, two meanings: a field to fill in, a choice to make
    assert (_("required").render("zh-CN"), pgettext("a choice", "required").render("zh-CN")) \
        == ("请填写此项", "请选择一项")
    assert Message("a text no catalogue has").render("zh-CN") == "a text no catalogue has"


# ---- the catalogue is complete and compiled --------------------------------------------

def _extracted() -> dict[tuple[str | None, str], str]:
    """Every text of the sources, as ``make messages`` extracts it (babel.cfg)."""
    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    found: dict[tuple[str | None, str], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map):
        msgid = message[0] if isinstance(message, tuple) else message
        found[(context, msgid)] = f"{filename}:{lineno}"
    return found


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def test_every_text_of_the_code_has_a_chinese_translation():
    extracted = _extracted()
    assert len(extracted) > 250   # the sources were found
    catalogue = _catalogue()
    untranslated = []
    for (context, msgid), where in sorted(extracted.items(), key=lambda kv: kv[1]):
        entry = catalogue.get(msgid, context=context)
        if entry is None or not entry.string or entry.fuzzy:
            untranslated.append(f"{where}: {msgid!r}")
    assert not untranslated, "run `make messages` and translate:\n" + "\n".join(untranslated)
    stale = [m.id for m in catalogue if m.id and (m.context, m.id) not in extracted]
    assert not stale, f"no longer in the code (run `make messages`): {stale}"


def test_translations_keep_the_placeholders_of_the_english():
    catalogue = _catalogue()
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue.check()]
    assert not problems
    for message in catalogue:
        if message.id and "%" in message.id:
            assert message.python_format, message.id   # always %-formatted (see chalicelib.i18n)


def test_the_committed_mo_is_the_compiled_po():
    fresh = io.BytesIO()
    write_mo(fresh, _catalogue())
    assert MO.read_bytes() == fresh.getvalue(), "run `make messages` (pybabel compile)"


# ---- no error text outside the catalogue ------------------------------------------------

SOURCES = sorted((ROOT / "chalicelib").rglob("*.py"))
MESSAGE_FUNCTIONS = {"_", "pgettext"}


def _error_classes() -> set[str]:
    """DomainError and every class of chalicelib that derives from one."""
    names = {"DomainError"}
    classes = [node for path in SOURCES for node in ast.walk(ast.parse(path.read_text()))
               if isinstance(node, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for node in classes:
            bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
            if node.name not in names and bases & names:
                names.add(node.name)
                grew = True
    return names


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _plain_text(node: ast.expr | None) -> ast.expr | None:
    """The first string literal or f-string in ``node`` that is not inside a ``_()`` call."""
    if node is None:
        return None
    if isinstance(node, ast.Call) and _name(node.func) in MESSAGE_FUNCTIONS:
        return None
    if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                           and isinstance(node.value, str)):
        return node
    if isinstance(node, ast.Dict):   # a fields dict: its keys are field names
        children = [v for v in node.values]
    elif isinstance(node, ast.DictComp):
        children = [node.value]
    elif isinstance(node, ast.Subscript):   # NAMES["key"]: the key is no text
        children = [node.value]
    elif isinstance(node, ast.Call):   # a call's arguments are not the text (e.g. a limit)
        return None
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        if isinstance(child, ast.expr):
            found = _plain_text(child)
            if found is not None:
                return found
    return None


def _texts_given(node: ast.Call, error_classes: set[str]) -> list[ast.expr]:
    """The arguments of a call that are texts someone reads."""
    name = _name(node.func)
    given: list[ast.expr] = []
    if name in error_classes and node.args:
        given.append(node.args[0])
    if name == "add" and len(node.args) == 2:        # FieldErrors.add(field, problem)
        given.append(node.args[1])
    if name == "raise_if_any" and node.args:
        given.append(node.args[0])
    for keyword in node.keywords:
        if keyword.arg in ("message", "missing") or (keyword.arg == "fields"):
            given.append(keyword.value)
    return given


def test_every_error_text_is_a_catalogue_message():
    """An error's message, a field's problem, a raise_if_any message: a ``_()`` message, never
    a plain string or an f-string (it would reach a Chinese reader in English)."""
    error_classes = _error_classes()
    assert {"ValidationError", "Conflict", "SlotFull", "Unauthenticated"} <= error_classes
    plain, seen = [], 0
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            for text in _texts_given(node, error_classes):
                seen += 1
                found = _plain_text(text)
                if found is not None:
                    plain.append(f"{path.relative_to(ROOT)}:{found.lineno}: {ast.unparse(found)}")
            if isinstance(node.func, ast.Name) and node.func.id in MESSAGE_FUNCTIONS:
                literals = node.args[:2] if node.func.id == "pgettext" else node.args[:1]
                if not literals or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                           for a in literals):
                    plain.append(f"{path.relative_to(ROOT)}:{node.lineno}: the English of "
                                 f"{node.func.id}() must be a string literal (extraction reads it)")
    assert seen > 150   # the walk found the raise sites and field problems
    assert not plain, "wrap these in _() (chalicelib/i18n):\n" + "\n".join(plain)


def test_the_walk_catches_plain_texts():
    """The check of the test above, on examples of what it must refuse and accept."""
    error_classes = {"DomainError", "ValidationError"}

    def bad(source: str) -> bool:
        call = ast.parse(source).body[0].value
        return any(_plain_text(t) is not None for t in _texts_given(call, error_classes))

    assert bad('ValidationError("Some text")')
    assert bad('ValidationError(_("ok"), fields={"q": "required"})')
    assert bad('ValidationError(_("ok"), fields={"q": f"at most {n}"})')
    assert bad('errors.add("name", "required")')
    assert bad('errors.add("name", "one of " + ", ".join(x))')
    assert bad('errors.raise_if_any("Say what happened")')
    assert bad('required_choice(errors, "x", raw, XS, missing="required: a or b")')
    assert not bad('ValidationError(_("ok"), fields={"q": _("at most %(n)s", n=3)})')
    assert not bad('errors.add(f"items.{code}", NAMES["pass"])')
    assert not bad('errors.add("name", REQUIRED)')
    assert not bad('trail.add(event)')
