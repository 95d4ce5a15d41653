"""Languages outside the pure core: the compiled catalogues, and dates for the reader.

The core words messages through ``bot.core.language`` with stdlib ``gettext``; this module
reads the compiled catalogues (``bot/locale/<code>/LC_MESSAGES/revans.mo``) once and lends them
to the engine, and formats the typed dates the core leaves in its text
(``<!t:<seconds>:<zone>:<style>:<language>>``, see ``timeparse.date_token``) with Babel's CLDR
data: "Tue 3 Nov 2026, 10:00" in English, "tis 3 nov. 2026 kl. 10:00" in Swedish. The date
patterns themselves are catalogue messages (``date.when``, ``date.day``), so a translator sets
them too.
"""

from __future__ import annotations

import dataclasses
import gettext
import logging
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime

from bot.core import language
from bot.core.cards import Card, CardField, Form, FormField
from bot.core.effects import DirectMessage, Effect, OpenForm, Post, Update, Whisper
from bot.core.language import LANGUAGES, SOURCE, Voice
from bot.core.messages import ENGLISH

log = logging.getLogger("revans.i18n")

DOMAIN = "revans"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_TOKEN = re.compile(r"<!t:(-?\d+):([^:>]+):(\w+):(\w+)>")


class Catalogue(gettext.GNUTranslations):
    """A compiled catalogue that says (once per message id) when it falls back to English."""

    code = ""

    def pgettext(self, context: str, message: str) -> str:
        found = self._catalog.get(f"{context}\x04{message}")  # type: ignore[attr-defined]
        if found is None:
            _missing(self.code, context)
            return message
        return found

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        key = (f"{context}\x04{msgid1}", self.plural(n))  # type: ignore[attr-defined]
        found = self._catalog.get(key)  # type: ignore[attr-defined]
        if found is None:
            _missing(self.code, context)
            return msgid1 if n == 1 else msgid2
        return found


@cache
def _missing(code: str, key: str) -> None:
    log.warning("no %s translation for message %s: said in English", code, key)


@cache
def voices() -> dict[str, Voice]:
    """Every language in ``LANGUAGES`` with a compiled catalogue, read once per process.

    A language whose ``.mo`` is missing is logged and spoken in English, never an error.
    """
    found: dict[str, Voice] = {}
    for code in LANGUAGES:
        if code == SOURCE:
            continue
        path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            with path.open("rb") as file:
                catalogue = Catalogue(file)
        except OSError:
            log.warning("no compiled catalogue for %s at %s: said in English", code, path)
            continue
        catalogue.code = code
        found[code] = Voice(code, catalogue)
    return found


def voice(code: str | None) -> Voice:
    """The voice for ``code`` (English for ``None``, English or an unknown code)."""
    return language.choose(voices(), code)


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def _pattern(code: str, style: str) -> str:
    key = f"date.{style}"
    english = ENGLISH.get(key, ENGLISH["date.day"])
    return voice(code).text(key, english) if code != SOURCE else english


def format_date(moment: datetime, zone_name: str, style: str, code: str) -> str:
    """``moment`` in ``zone_name`` for a reader of ``code``: ``when`` adds the clock and zone."""
    zone = ZoneInfo(zone_name)
    text = format_datetime(moment, _pattern(code, style), tzinfo=zone, locale=_locale(code))
    return f"{text} ({zone_name})" if style == "when" else text


def render_dates(text: str) -> str:
    """Format every typed date the core left in ``text``."""
    if "<!t:" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        seconds, zone_name, style, code = match.groups()
        moment = datetime.fromtimestamp(int(seconds), UTC)
        try:
            return format_date(moment, zone_name, style, code)
        except (LookupError, ValueError):
            log.warning("could not format a date for %s in %s", code, zone_name)
            return format_date(moment, "UTC", style, SOURCE)

    return _TOKEN.sub(one, text)


def _has_dates(card: Card) -> bool:
    return "<!t:" in card.title or "<!t:" in card.body or any(
        "<!t:" in f.name or "<!t:" in f.value for f in card.fields)


def _card(card: Card) -> Card:
    if not _has_dates(card):
        return card
    return dataclasses.replace(
        card, title=render_dates(card.title), body=render_dates(card.body),
        fields=tuple(CardField(name=render_dates(f.name), value=render_dates(f.value))
                     for f in card.fields))


def _form(form: Form) -> Form:
    return dataclasses.replace(
        form, title=render_dates(form.title),
        fields=tuple(dataclasses.replace(f, label=render_dates(f.label))
                     if isinstance(f, FormField) else f for f in form.fields))


def localise(effect: Effect) -> Effect:
    """The effect with its typed dates formatted for its reader, ready for a platform."""
    match effect:
        case Post() | Update() | Whisper():
            card = _card(effect.card)
            return effect if card is effect.card else dataclasses.replace(effect, card=card)
        case DirectMessage():
            attachment = effect.attachment
            if attachment is not None:
                attachment = dataclasses.replace(attachment,
                                                 content=render_dates(attachment.content))
            return dataclasses.replace(effect, card=_card(effect.card), attachment=attachment)
        case OpenForm():
            return dataclasses.replace(effect, form=_form(effect.form))
    return effect


def extract_catalogue(fileobj, keywords, comment_tags, options):  # noqa: ANN001, ANN201
    """Babel extraction method for ``bot/core/messages.py`` (``babel.cfg``): every entry of
    the ``ENGLISH`` table as ``pgettext(id, English)`` (a pair of forms: ``npgettext``), so
    ``pybabel extract`` writes the template with ``msgctxt`` = message id and ``msgid`` =
    English."""
    import ast

    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict)):
            continue
        targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
        if not any(isinstance(target, ast.Name) and target.id == "ENGLISH" for target in targets):
            continue
        for key, value in zip(node.value.keys, node.value.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value.lineno, "pgettext", (key.value, value.value), []
            elif isinstance(value, ast.Call):  # Plural(one=..., other=...)
                named = {kw.arg: ast.literal_eval(kw.value) for kw in value.keywords}
                positional = [ast.literal_eval(arg) for arg in value.args]
                singular = positional[0] if positional else named["one"]
                plural = positional[1] if len(positional) > 1 else named["other"]
                yield value.lineno, "npgettext", (key.value, singular, plural), []
