"""Which language the bot speaks while the core decides one event.

English is the source: every message id has its English text in ``messages.ENGLISH``. Other
languages are gettext catalogues (``bot/locale/<code>/LC_MESSAGES/revans.po``, compiled to
``.mo``), looked up with ``msgctxt`` = the message id and ``msgid`` = the English text, so a
translator sees both. The core never reads a file: the engine loads the catalogues once
(``bot.i18n``) and lends them in the step's ``Context``; :func:`speaking` makes one of them the
voice that ``messages.t`` words its text in, for the duration of a ``with`` block (a
``ContextVar``, so concurrent steps in other threads or tasks are not affected).

Adding a language is its ``.po`` file and one line in :data:`LANGUAGES`.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

SOURCE = "en"
# The languages a set can run in: code → the language's name in itself (for the error that
# lists them). A new language is one line here and its catalogue under ``bot/locale``.
LANGUAGES: Mapping[str, str] = {
    "en": "English",
    "sv": "svenska",
}


@dataclass(frozen=True, slots=True)
class Voice:
    """A language code and the translations the core looks its messages up in."""

    code: str
    translations: gettext.NullTranslations

    def text(self, key: str, english: str) -> str:
        return self.translations.pgettext(key, english)

    def plural(self, key: str, singular: str, plural: str, count: int) -> str:
        return self.translations.npgettext(key, singular, plural, count)


ENGLISH = Voice(SOURCE, gettext.NullTranslations())
_current: ContextVar[Voice] = ContextVar("revans_voice", default=ENGLISH)
_private: ContextVar[Voice | None] = ContextVar("revans_private_voice", default=None)


def current() -> Voice:
    """The voice messages are worded in right now (English outside any ``speaking`` block)."""
    return _current.get()


@contextmanager
def speaking(voice: Voice) -> Iterator[Voice]:
    """Word every message in ``voice`` until the block ends."""
    token = _current.set(voice)
    try:
        yield voice
    finally:
        _current.reset(token)


def private() -> Voice:
    """The voice of private answers to the person who acted (their own language, if they set
    one with ``/set language <code> mine``); the current voice otherwise."""
    return _private.get() or _current.get()


@contextmanager
def privately(voice: Voice) -> Iterator[Voice]:
    """Word private answers to the person who acted in ``voice`` until the block ends."""
    token = _private.set(voice)
    try:
        yield voice
    finally:
        _private.reset(token)


def known(code: str) -> bool:
    return code in LANGUAGES


def code_for(word: str) -> str | None:
    """The language a member means: a code (``sv``), with a region (``sv-SE``, ``sv_SE``), or
    the language's name in itself (``svenska``); ``None`` if there is no such language."""
    word = word.strip().casefold()
    base = word.replace("_", "-").split("-")[0]
    if base in LANGUAGES:
        return base
    return next((code for code, name in LANGUAGES.items() if name.casefold() == word), None)


def choose(voices: Mapping[str, Voice], *codes: str | None) -> Voice:
    """The first of ``codes`` that is set and has a voice; English if none has."""
    for code in codes:
        if code and code in voices:
            return voices[code]
        if code == SOURCE:
            return ENGLISH
    return ENGLISH
