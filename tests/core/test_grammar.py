"""The /set grammar as a table: what parses to what, and which error a bad line gets."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.core import grammar
from bot.core.grammar import ParseError, parse
from bot.core.model import Outcome, Progress, QuietHours, Stage
from bot.core.timeparse import DaySpec

PARSED = [
    ("create Social workers North", grammar.Create(name="Social workers North")),
    ("join", grammar.Join()),
    ("JOIN", grammar.Join()),
    ("leave", grammar.Leave()),
    ("schedule 2026-12-01 14:00", grammar.Schedule(at=datetime(2026, 12, 1, 14, 0),
                                                   every_weeks=None)),
    ("schedule 2026-12-01 9:30 every 4w", grammar.Schedule(at=datetime(2026, 12, 1, 9, 30),
                                                           every_weeks=4)),
    ("schedule 2026-12-01 09:30 every 2 weeks",
     grammar.Schedule(at=datetime(2026, 12, 1, 9, 30), every_weeks=2)),
    ("start", grammar.Start()),
    ("here", grammar.Here(bid=False)),
    ("here bid", grammar.Here(bid=True)),
    ("next", grammar.Next()),
    ("status", grammar.Status()),
    ("report done I spoke to my manager", grammar.Report(outcome=Outcome.DONE,
                                                         account="I spoke to my manager")),
    ("report partly half of it", grammar.Report(outcome=Outcome.PARTLY, account="half of it")),
    ("report not ran out of time", grammar.Report(outcome=Outcome.NOT, account="ran out of time")),
    ("commit Call the team", grammar.Commit(action="Call the team", by=None)),
    ("commit Call the team by 2026-12-20", grammar.Commit(action="Call the team",
                                                          by=DaySpec(kind="date", value=date(
                                                              2026, 12, 20)))),
    ("commit Stand by my decision", grammar.Commit(action="Stand by my decision", by=None)),
    ("end", grammar.End()),
    ("actions", grammar.Actions(mine=False)),
    ("actions mine", grammar.Actions(mine=True)),
    ("checkins 7d,-2d", grammar.Checkins(offsets=("7d", "-2d"))),
    ("checkins 3d, -1d, 12h", grammar.Checkins(offsets=("3d", "-1d", "12h"))),
    ("checkins +30s", grammar.Checkins(offsets=("30s",))),
    ("checkins pause", grammar.Checkins(offsets=None, pause=True)),
    ("checkins resume", grammar.Checkins(offsets=None, pause=False)),
    ("timebox questioning 20", grammar.Timebox(stage=Stage.QUESTIONING, minutes=20)),
    ("facilitator <@U123|bob>", grammar.Facilitator(user_id="U123")),
    ("facilitator <@U123>", grammar.Facilitator(user_id="U123")),
    ("facilitator <@!4567>", grammar.Facilitator(user_id="4567")),
    ("facilitator @bob", grammar.Facilitator(user_id="bob")),
    ("facilitator <@@bob:example.org>", grammar.Facilitator(user_id="@bob:example.org")),
    ("facilitator <@@bob:matrix.example.org:8448>",
     grammar.Facilitator(user_id="@bob:matrix.example.org:8448")),
    ("progress on-track", grammar.ProgressAnswer(answer=Progress.ON_TRACK, note="")),
    ("progress stuck no reply yet", grammar.ProgressAnswer(answer=Progress.STUCK,
                                                           note="no reply yet")),
    ("progress done", grammar.ProgressAnswer(answer=Progress.DONE, note="")),
    ("progress snooze", grammar.ProgressAnswer(answer=Progress.SNOOZE, note="")),
    ("quiet 22:00-07:00", grammar.Quiet(hours=QuietHours(start=time(22), end=time(7)))),
    ("quiet off", grammar.Quiet(hours=None)),
    ("quiet 22:00-07:00 Europe/Paris", grammar.Quiet(hours=QuietHours(start=time(22), end=time(7)),
                                                     zone="Europe/Paris")),
    ("timezone Europe/London", grammar.Timezone(name="Europe/London")),
    ("export", grammar.Export()),
    ("forget-me", grammar.ForgetMe()),
    ("help", grammar.Help(verb=None)),
    ("", grammar.Help(verb=None)),
    ("help commit", grammar.Help(verb="commit")),
    ("announce --all call moved", grammar.Announce(text="call moved", everywhere=True)),
    ("announce call moved", grammar.Announce(text="call moved", everywhere=False)),
    ("announce --ALL\tcall moved", grammar.Announce(text="call moved", everywhere=True)),
    ("announce all hands at 3", grammar.Announce(text="all hands at 3", everywhere=False)),
    ("digest weekly mon 09:00", grammar.Digest(csv=False, weekday=0, at=time(9))),
    ("digest weekly Friday 16:30", grammar.Digest(csv=False, weekday=4, at=time(16, 30))),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parses(text: str, expected: grammar.Command) -> None:
    assert parse(text) == expected


ERRORS = [
    ("dance", None, "error.unknown_verb"),
    ("help dance", None, "error.unknown_verb"),
    ("create", "create", "error.missing_argument"),
    ("create " + "x" * 81, "create", "error.name_too_long"),
    ("join now", "join", "error.no_arguments"),
    ("schedule tomorrow", "schedule", "format.datetime"),
    ("schedule 2026-13-01 14:00", "schedule", "format.no_such_day"),
    ("schedule 2026-12-01 25:00", "schedule", "format.datetime"),
    ("schedule 2026-12-01 14:00 monthly", "schedule", "format.cadence"),
    ("schedule 2026-12-01 14:00 every 0w", "schedule", "format.cadence"),
    ("here maybe", "here", "error.bad_argument"),
    ("report great it went well", "report", "error.bad_outcome"),
    ("report done", "report", "error.missing_account"),
    ("commit", "commit", "error.missing_argument"),
    ("commit Call the team by 2026-02-30", "commit", "format.no_such_day"),
    ("commit Call the team by 20/12/2026", "commit", "format.due"),
    ("actions all", "actions", "error.bad_argument"),
    ("checkins", "checkins", "error.missing_argument"),
    ("checkins 7x", "checkins", "format.offset"),
    ("checkins ,", "checkins", "format.offset"),
    ("checkins 0d", "checkins", "format.offset_range"),
    ("checkins 1d,2d,3d,4d,5d,6d,7d", "checkins", "format.offset"),
    ("timebox opening 5", "timebox", "error.bad_stage"),
    ("timebox questioning", "timebox", "error.missing_argument"),
    ("timebox questioning 0", "timebox", "error.bad_minutes"),
    ("timebox questioning 999", "timebox", "error.bad_minutes"),
    ("facilitator bob", "facilitator", "error.bad_mention"),
    ("facilitator <@@bob>", "facilitator", "error.bad_mention"),
    ("progress fine", "progress", "error.bad_progress"),
    ("quiet 22-07", "quiet", "format.quiet"),
    ("quiet 22:00-22:00", "quiet", "format.quiet"),
    ("quiet 22:00-07:00 Atlantis/Deep", "quiet", "format.timezone"),
    ("timezone Mars/Olympus", "timezone", "format.timezone"),
    ("timezone ../../etc/passwd", "timezone", "format.timezone"),
    ("report done " + "x" * 40_001, "report", "error.too_long"),
    # A command word is a whole word: no prefix of a longer word is taken for it.
    ("announce --allhands call moved", "announce", "error.unknown_flag"),
    ("announce --al call moved", "announce", "error.unknown_flag"),
    ("announce --all", "announce", "error.missing_argument"),
    ("digest weekly monster 09:00", "digest", "format.weekly"),
    ("digest weekly frid 09:00", "digest", "format.weekly"),
    ("digest csvx", "digest", "error.bad_argument"),
    ("here bidding", "here", "error.bad_argument"),
    ("actions mines", "actions", "error.bad_argument"),
    ("report doneish it went", "report", "error.bad_outcome"),
    ("progress stuckish", "progress", "error.bad_progress"),
    ("checkins pauses", "checkins", "format.offset"),
    ("timebox auto onward", "timebox", "error.bad_argument"),
    ("quiet offish", "quiet", "format.quiet"),
    ("programme joiner ABCD-EFGH", "programme", "error.unknown_verb"),
    ("exports", None, "error.unknown_verb"),
    ("forget", None, "error.unknown_verb"),
    ("forget-me-not", None, "error.unknown_verb"),
]


@pytest.mark.parametrize(("text", "verb", "key"), ERRORS)
def test_rejects(text: str, verb: str | None, key: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse(text)
    assert (raised.value.verb, raised.value.key) == (verb, key)


def test_every_verb_has_usage_and_help() -> None:
    from bot.core.messages import ENGLISH

    for verb in (*grammar.VERBS, *grammar.COMMAND_NAMES):
        assert f"usage.{verb}" in ENGLISH and f"help.{verb}" in ENGLISH, verb


def test_long_text_up_to_the_limit_is_kept_whole() -> None:
    account = "word " * 1000  # 5,000 characters: over the 4,000 shown, kept whole
    parsed = parse("report done " + account)
    assert isinstance(parsed, grammar.Report)
    assert parsed.account == account.strip()
