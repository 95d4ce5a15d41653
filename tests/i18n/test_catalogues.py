"""The translators' catalogues: complete, nothing stale, placeholders and plural forms right.

English is the source (``messages.ENGLISH``); each other language in ``LANGUAGES`` is a gettext
catalogue ``bot/locale/<code>/LC_MESSAGES/revans.po`` with ``msgctxt`` = message id and
``msgid`` = the English text, compiled to the ``.mo`` the bot reads.
"""

from __future__ import annotations

import gettext
import io
import logging
import string
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot import i18n
from bot.core import language, messages
from bot.core.language import LANGUAGES, SOURCE, Voice
from bot.core.messages import ENGLISH

TRANSLATED = [code for code in LANGUAGES if code != SOURCE]


def _forms(entry: object) -> tuple[str, ...]:
    """The forms of an English entry (a ``Plural`` has two) or of a catalogue's string."""
    if isinstance(entry, tuple | list):
        return tuple(entry)
    return tuple(entry.forms) if hasattr(entry, "forms") else (entry,)  # type: ignore[attr-defined]


def _msgid(entry: object) -> str | tuple[str, ...]:
    forms = _forms(entry)
    return forms if len(forms) > 1 else forms[0]


def _placeholders(texts: tuple[str, ...] | str) -> set[str]:
    found: set[str] = set()
    for text in (texts,) if isinstance(texts, str) else texts:
        found.update(name for _, name, _, _ in string.Formatter().parse(text) if name)
    return found


def _catalog(code: str) -> Catalog:
    with (i18n.LOCALE_DIR / code / "LC_MESSAGES" / "revans.po").open("rb") as file:
        return read_po(file, locale=code)


def _messages(catalog: Catalog) -> dict[str, object]:
    return {message.context: message for message in catalog if message.id}


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translation_is_missing(code: str) -> None:
    found = _messages(_catalog(code))
    missing = []
    for key, entry in ENGLISH.items():
        message = found.get(key)
        if message is None or message.id != _msgid(entry):  # type: ignore[attr-defined]
            missing.append(f"{key} (not in the catalogue, or its English has changed)")
        elif message.fuzzy or not all(_forms(message.string)):  # type: ignore[attr-defined]
            missing.append(f"{key} (untranslated or fuzzy)")
    assert missing == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_entry_is_unused(code: str) -> None:
    catalog = _catalog(code)
    unused = [message.context for message in catalog if message.id and (
        message.context not in ENGLISH or message.id != _msgid(ENGLISH[message.context]))]
    assert unused == []
    assert list(catalog.obsolete) == [], "obsolete entries: run pybabel update and tidy them"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_match_the_english(code: str) -> None:
    mismatched = []
    for key, message in _messages(_catalog(code)).items():
        if key not in ENGLISH:
            continue
        english = _placeholders(_forms(ENGLISH[key]))
        forms = _forms(message.string)  # type: ignore[attr-defined]
        if not all(forms):
            continue  # untranslated: test_no_translation_is_missing says so
        if len(forms) == 1 and _placeholders(forms) != english:
            mismatched.append(key)
        elif len(forms) > 1 and not (_placeholders(forms) == english and all(
                _placeholders(form) <= english for form in forms)):
            mismatched.append(key)
    assert mismatched == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_forms_follow_the_languages_rules(code: str) -> None:
    catalog = _catalog(code)
    rules = get_plural(code)
    assert catalog.num_plurals == rules.num_plurals
    assert catalog.plural_expr.replace(" ", "") == rules.plural_expr.replace(" ", "")
    for key, entry in ENGLISH.items():
        if len(_forms(entry)) > 1:
            message = _messages(catalog)[key]
            assert len(_forms(message.string)) == rules.num_plurals, key  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_is_up_to_date(code: str) -> None:
    """The ``.mo`` the bot reads says what the ``.po`` says (``pybabel compile`` was run)."""
    compiled = i18n.LOCALE_DIR / code / "LC_MESSAGES" / "revans.mo"
    with compiled.open("rb") as file:
        reader = gettext.GNUTranslations(file)
    for key, message in _messages(_catalog(code)).items():
        forms = _forms(message.string)  # type: ignore[attr-defined]
        if not all(forms):
            continue
        if len(forms) == 1:
            assert reader.pgettext(key, message.id) == forms[0], key  # type: ignore[attr-defined]
        else:
            singular, plural = message.id  # type: ignore[attr-defined]
            assert reader.npgettext(key, singular, plural, 1) == forms[0], key
            assert reader.npgettext(key, singular, plural, 5) == forms[-1], key


def test_the_template_lists_exactly_the_english_catalogue() -> None:
    with (i18n.LOCALE_DIR / "revans.pot").open("rb") as file:
        template = read_po(file)
    assert {m.context: m.id for m in template if m.id} == {
        key: _msgid(entry) for key, entry in ENGLISH.items()}


def test_every_language_has_its_catalogue_and_a_locale() -> None:
    assert SOURCE == "en" and "sv" in LANGUAGES
    for code in TRANSLATED:
        assert (i18n.LOCALE_DIR / code / "LC_MESSAGES" / "revans.po").is_file(), code
        assert Locale.parse(code).language == code
        assert code in i18n.voices()


def _voice_with(entries: dict[tuple[str, str], str]) -> Voice:
    catalog = Catalog(locale="sv")
    for (key, english), text in entries.items():
        catalog.add(english, text, context=key)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    catalogue = i18n.Catalogue(buffer)
    catalogue.code = "xx"
    return Voice("xx", catalogue)


def test_a_message_missing_in_a_language_is_said_in_english_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    voice = _voice_with({("button.next", ENGLISH["button.next"]): "Nästa steg"})
    with caplog.at_level(logging.WARNING, logger="revans.i18n"), language.speaking(voice):
        assert messages.t("button.next") == "Nästa steg"
        assert messages.t("button.here") == "I'm here"
    assert "no xx translation for message button.here" in caplog.text


def test_a_translation_with_a_wrong_placeholder_falls_back_to_english() -> None:
    voice = _voice_with({("join.posted", ENGLISH["join.posted"]): "{vem} gick med."})
    with language.speaking(voice):
        assert messages.t("join.posted", who="Bob") == "Bob joined the set. Welcome!"


def test_outside_any_step_the_bot_speaks_english() -> None:
    assert language.current() is language.ENGLISH
    assert messages.t("button.next") == "Next stage"
    assert i18n.voice("xx") is language.ENGLISH
    assert i18n.voice(None) is language.ENGLISH


def test_the_catalogue_files_are_packaged() -> None:
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert "locale/*/LC_MESSAGES/*.mo" in pyproject
