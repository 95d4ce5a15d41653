"""Dates and times in the reader's language: Babel's CLDR data, outside the pure core."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from babel import Locale

from bot import i18n
from bot.core import language, timeparse
from bot.core.cards import Card, CardField
from bot.core.effects import Attachment, DirectMessage, Post
from bot.core.language import LANGUAGES
from bot.core.refs import ChannelRef, UserRef


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_each_languages_date_patterns_format_a_date(code: str) -> None:
    moment = datetime(2026, 3, 29, 8, 30, tzinfo=UTC)  # the morning Europe moves its clocks
    when = i18n.format_date(moment, "Europe/Stockholm", "when", code)
    assert "10:30" in when and when.endswith("(Europe/Stockholm)")
    assert "2026" in i18n.format_date(moment, "Europe/Stockholm", "day", code)


def test_swedish_dates_read_as_a_swede_writes_them() -> None:
    moment = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    assert i18n.format_date(moment, "Europe/Stockholm", "when", "sv") == \
        "tis 3 nov. 2026 kl. 10:00 (Europe/Stockholm)"
    assert i18n.format_date(moment, "Europe/Stockholm", "day", "sv") == "tis 3 nov. 2026"
    assert i18n.format_date(moment, "Europe/London", "when", "en") == \
        "Tue 3 Nov 2026, 09:00 (Europe/London)"
    summer = datetime(2026, 7, 7, 15, 45, tzinfo=UTC)
    assert i18n.format_date(summer, "Europe/Stockholm", "when", "sv") == \
        "tis 7 juli 2026 kl. 17:45 (Europe/Stockholm)"
    assert Locale.parse("sv").first_week_day == 0  # Monday first


def test_the_core_leaves_a_typed_date_that_rendering_formats() -> None:
    moment = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    token = timeparse.format_when(moment, "Europe/Stockholm")
    assert token.startswith("<!t:") and "2026" not in token
    assert i18n.render_dates(f"Next: {token}.") == "Next: Tue 3 Nov 2026, 10:00 (Europe/Stockholm)."
    swedish = language.Voice("sv", language.ENGLISH.translations)
    with language.speaking(swedish):
        token = timeparse.format_day(moment, "Europe/Stockholm")
    assert i18n.render_dates(token) == "tis 3 nov. 2026"


def test_a_forged_or_broken_token_never_breaks_a_message() -> None:
    assert i18n.render_dates("<!t:12:Not/AZone:when:sv>") == "Thu 1 Jan 1970, 00:00 (UTC)"
    assert i18n.render_dates("<!t:12:UTC:wh") == "<!t:12:UTC:wh"


def test_localise_formats_the_dates_of_every_outbound_text() -> None:
    moment = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    token = timeparse.format_when(moment, "Europe/London")
    where = ChannelRef(platform="test", workspace="w", channel="c")
    card = Card(title=token, body=token, fields=(CardField(name="When", value=token),))
    post = i18n.localise(Post(where=where, card=card))
    assert post.card.title == post.card.body == post.card.fields[0].value == \
        "Tue 1 Dec 2026, 14:00 (Europe/London)"
    dm = i18n.localise(DirectMessage(user=UserRef(platform="test", workspace="w", id="u"),
                                     card=Card(body="x"),
                                     attachment=Attachment(filename="a.md", content=token)))
    assert dm.attachment is not None and "<!t:" not in dm.attachment.content
