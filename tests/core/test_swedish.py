"""A set that runs in Swedish: the language verb, a whole meeting, the DMs, bad input."""

from __future__ import annotations

import pytest

from bot import i18n
from bot.core.cards import parse_action_id
from bot.core.effects import DirectMessage, OpenForm, Post, SchedulePing, Whisper
from bot.core.events import PingDue
from bot.core.model import PingKind
from tests.support.core import CoreHarness, dm, posts, texts, user, whispers

# Words that only the English catalogue uses: none may reach a Swedish set.
ENGLISH_WORDS = ("Meeting", "Next stage", "Questions, not advice", "Presenter", "Commitment",
                 "Reminder", "Noted", "Tue ", "Mon ", "due ")


@pytest.fixture
def h() -> CoreHarness:
    harness = CoreHarness(voices=i18n.voices())
    harness.set_up("alice", "bob", "carol")
    return harness


def _no_english(found: list[str]) -> None:
    for text in found:
        assert not any(word in text for word in ENGLISH_WORDS), text


def test_the_facilitator_sets_the_language_and_the_set_hears_it_in_swedish(h: CoreHarness) -> None:
    effects = h.cmd("alice", "language sv")
    assert h.state is not None and h.state.set.language == "sv"
    assert posts(effects) == [
        "<@alice> har bestämt gruppens språk: från och med nu talar jag svenska här. Var och en "
        "kan välja sitt eget för DM och privata svar med `/set language &lt;kod&gt; mine`."]


def test_a_whole_meeting_in_swedish(h: CoreHarness) -> None:
    h.cmd("alice", "language sv")
    schedule = h.cmd("alice", "schedule 2026-12-01 14:00 every 4w")
    assert "Nästa möte: tis 1 dec. 2026 kl. 14:00 (UTC), sedan var 4:e vecka." in posts(schedule)[0]
    effects = h.cmd("alice", "start")
    opening = posts(effects)
    assert any("har startat ett möte i" in text for text in opening)
    card = next(e.card for e in effects if isinstance(e, Post) and e.card.buttons)
    assert {"Nästa steg", "Jag är här", "Jag är här och vill ha tid"} <= {
        b.label for b in card.buttons}
    # Swedish aliases for the verbs members type most
    assert whispers(h.cmd("bob", "här bid")) == [
        "Noterat: du är här och vill ha tid (nummer 1 i kön)."]
    assert whispers(h.say("carol", "Jag är här")) == ["Noterat: du är här."]
    effects = h.cmd("alice", "nästa")
    assert any("Presentation: ordet är ditt, <@bob>" in text for text in posts(effects))
    h.say("bob", "Hur får jag handledningen att bli reflekterande igen?")
    h.advance(seconds=6)
    effects = h.cmd("alice", "nästa")
    assert any("Frågor, inte råd." in text for text in posts(effects))
    # the nudge reads Swedish
    nudge = whispers(h.say("carol", "Har du provat att ha ett trepartssamtal?"))
    assert nudge == ["Det där låter mer som ett råd än en fråga. Kan du göra om det till en "
                     "öppen fråga — vad, hur, vem, när? (Bara du ser det här.)"]
    assert whispers(h.say("carol", "Vad skulle hända om du sa nej?")) == []
    h.advance(seconds=6)
    effects = h.cmd("alice", "nästa")
    assert any("Åtagande: <@bob>, vad ska du göra?" in text for text in posts(effects))
    effects = h.cmd("bob", "åtagande Boka ett samtal med teamet by 2026-11-27")
    assert any("Åtagande: " in text and "klart senast fre 27 nov. 2026" in text
               for text in posts(effects))
    h.advance(seconds=6)
    h.cmd("alice", "nästa")
    h.say("carol", "Att fråga mer och tycka mindre.")
    effects = h.cmd("alice", "end")
    summary = "\n".join(posts(effects))
    assert "Sammanfattning av mötet" in summary
    assert "Möte 1 i Test set, mån 23 nov. 2026" in summary
    assert "frågor 1 · frågande 1" in summary
    assert "Nästa möte: tis 1 dec. 2026 kl. 14:00 (UTC)" in summary
    _no_english(posts(effects))
    # status and help in Swedish, with the aliases listed
    assert "Inget möte pågår." in whispers(h.cmd("bob", "status"))[0]
    (help_text,) = whispers(h.cmd("bob", "help"))
    assert "Revans: kommandona för /set" in help_text
    assert "`här` (`here`), `nästa` (`next`)" in help_text


def test_a_check_in_dm_reads_swedish_and_its_buttons_too(h: CoreHarness) -> None:
    h.cmd("alice", "language sv")
    h.meeting_to("commitment")
    effects = h.cmd("bob", "commit Boka ett samtal med teamet") + h.cmd("alice", "end")
    pings = [e.ping for e in effects if isinstance(e, SchedulePing)
             and e.ping.kind is PingKind.CHECKIN]
    h.now = pings[0].due_at
    (message,) = [e for e in h.send(PingDue(ping=pings[0])) if isinstance(e, DirectMessage)]
    assert message.card.title == "Avstämning från Test set"
    assert message.card.body.startswith("Hur går det?\nBoka ett samtal med teamet — klart senast")
    assert [b.label for b in message.card.buttons][:4] == [
        "Enligt plan", "Har fastnat", "Klart", "Påminn mig senare"]
    verb, subject, arg = parse_action_id(message.card.buttons[0].action)
    answer = h.press("bob", message.card.buttons[0].action, where=dm("bob"))
    assert whispers(answer) == ["Tack — noterat: enligt plan."], (verb, subject, arg)


def test_a_member_reads_their_own_language_while_the_set_speaks_swedish(h: CoreHarness) -> None:
    h.cmd("alice", "language sv")
    assert whispers(h.cmd("carol", "language en mine")) == [
        "From now on your DMs and private answers are in English."]
    assert h.state is not None and h.state.profile(user("carol")).language == "en"
    assert h.state.set.language == "sv"
    assert "No meeting is running." in whispers(h.cmd("carol", "status"))[0]
    effects = h.cmd("carol", "start")  # public: the set's language
    assert any("har startat ett möte" in text for text in posts(effects))
    assert "Möte 1 är i steget" in whispers(h.cmd("bob", "status"))[0]


def test_a_form_opens_in_the_language_of_the_member_who_asked(h: CoreHarness) -> None:
    h.cmd("alice", "language sv")
    h.meeting_to("presentation")
    presenter_card = next(e for e in h.cmd("bob", "status") if isinstance(e, Whisper))
    assert "presentation" in presenter_card.card.text
    forms = [e for e in h.press("bob", f"present:{h.state.meeting.id}")  # type: ignore[union-attr]
             if isinstance(e, OpenForm)]
    assert forms and forms[0].form.title == "Presentera en fråga"


@pytest.mark.parametrize(("line", "expected"), [
    ("language xx", "Jag talar inte ”xx”. Jag talar en (English), sv (svenska)."),
    ("language", "Vilket språk? Jag talar en (English), sv (svenska)."),
    ("language sv en", "Jag talar inte ”sv en”. Jag talar en (English), sv (svenska)."),
])
def test_an_unknown_language_gets_the_list_of_languages_there_are(
        h: CoreHarness, line: str, expected: str) -> None:
    h.cmd("alice", "language sv")
    before = h.state
    (answer,) = whispers(h.cmd("bob", line))
    assert answer.startswith(expected)
    assert "`/set language &lt;kod&gt; [mine]`" in answer
    assert h.state == before


def test_an_unknown_language_in_an_english_set_is_listed_in_english(h: CoreHarness) -> None:
    (answer,) = whispers(h.cmd("bob", "language de"))
    assert answer.startswith("I don't speak “de”. I speak en (English), sv (svenska).")


def test_only_the_facilitator_sets_the_sets_language(h: CoreHarness) -> None:
    before = h.state
    (answer,) = whispers(h.cmd("bob", "language sv"))
    assert answer == "Only the facilitator (<@alice>) can use `/set language`."
    assert h.state == before


@pytest.mark.parametrize("spelling", ["sv", "SV", "sv-SE", "sv_SE", "svenska"])
def test_a_language_may_be_named_several_ways(h: CoreHarness, spelling: str) -> None:
    h.cmd("alice", f"language {spelling}")
    assert h.state is not None and h.state.set.language == "sv"


def test_the_deployment_default_language_is_used_until_a_set_chooses(h: CoreHarness) -> None:
    swedish = CoreHarness(voices=i18n.voices(), default_language="sv")
    effects = swedish.cmd("alice", "create Lärgrupp Norr")
    assert texts(effects)[0].startswith("*Action learning-grupp: Lärgrupp Norr*")
    assert swedish.state is not None and swedish.state.set.language is None


def test_without_its_catalogue_a_language_is_spoken_in_english(h: CoreHarness) -> None:
    bare = CoreHarness()  # no compiled catalogues lent: English, never an error
    bare.set_up("alice", "bob")
    bare.cmd("alice", "language sv")
    assert "No meeting is running." in whispers(bare.cmd("bob", "status"))[0]
