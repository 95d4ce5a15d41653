"""Thousands of generated ``/set`` commands: none may end in an exception a member would see.

Every verb, with argument shapes members really type and some they should not: odd digits
(``²``, ``٣``, ``１``), impossible and far dates, huge and zero offsets and time boxes,
mentions in each platform's form, flags, due dates in words, and arbitrary Unicode. Each is
decided against sets in every stage of a meeting, by the facilitator, a member, a stranger and
in a DM. A command always gets an answer (never silence) and never raises.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.effects import OUTBOUND
from bot.core.events import CommandIssued
from bot.core.model import Context, SetState
from bot.core.step import step
from bot.core.verbs import COMMAND_NAMES
from bot.core.verbs import FIRST_WORDS as VERBS
from tests.support.core import HOME, CoreHarness, dm, user

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

ODD_NUMBERS = ["²", "٣", "１２", "0", "00", "-1", "+5", "1e3", "9999", "100000", "3.5", "½",
               "99999999999999999999", "1", "2", "15", "180", "181"]
DATES = ["2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "2026-12-01", "2020-01-01",
         "2026-11-23", "٢٠٢٦-١٢-٠١", "2026-1-5", "20261201", "31/12/2026"]
TIMES = ["10:00", "25:00", "9:30", "23:59", "24:00", "١٠:٠٠", "10.00", "noon"]
OFFSETS = ["7d", "-2d", "9999w", "0d", "0s", "1s", "27w", "26w", "-26w", "7d,-2d", "²d",
           "7x", "7d,7d,7d,7d,7d,7d,7d", ",", "-", "+3h"]
MENTIONS = ["<@bob>", "<@U1|bob>", "<@!123>", "@carol", "@mallory", "<@>", "@", "<#C1>",
            "<!channel>", "@everyone"]
WORDS = ["bid", "mine", "auto", "on", "off", "pause", "resume", "skip", "every", "4w",
         "every 4w", "every 99w", "every ٣w", "by tomorrow", "by Friday", "by 4 Dec",
         "by 31 Feb", "by next week", "by 2026-02-30", "by the board", "done", "partly",
         "not", "on-track", "stuck", "snooze", "csv", "weekly", "Mon", "--all", "review",
         "questioning", "closing", "ended", "Europe/Stockholm", "europe/stockholm", "EST",
         "CET", "Mars/Olympus", "../../etc/passwd", "22:00-07:00", "07:00-07:00", "all",
         "code", "join", "leave", "create", "coordinator", "ABCD-1234", "`ABCD-1234`"]

any_token = st.one_of(
    st.sampled_from(ODD_NUMBERS), st.sampled_from(DATES), st.sampled_from(TIMES),
    st.sampled_from(OFFSETS), st.sampled_from(MENTIONS), st.sampled_from(WORDS),
    st.text(max_size=12),
)
STAGE_WORDS = ["review", "presentation", "questioning", "commitment", "closing", "opening",
               "REVIEW", "auto"]
# Each verb's usual argument shape, slot by slot; any slot may also take any token.
SLOTS = {
    "date": st.sampled_from(DATES), "time": st.sampled_from(TIMES),
    "number": st.sampled_from(ODD_NUMBERS), "offset": st.sampled_from(OFFSETS),
    "mention": st.sampled_from(MENTIONS), "word": st.sampled_from(WORDS),
    "stage": st.sampled_from(STAGE_WORDS), "text": st.text(max_size=30),
    "every": st.sampled_from(["every 4w", "every 0w", "every 99w", "every ٣w", "every 4",
                              "every 4 weeks", "", "weekly"]),
    "due": st.sampled_from(["by tomorrow", "by Friday", "by 4 Dec", "by Dec 4th", "by 31 Feb",
                            "by next week", "by 2026-02-30", "by 9999-12-31", "by the board",
                            "by 2020-01-01", "by today", "by ٣ Dec", "by"]),
    "outcome": st.sampled_from(["done", "partly", "not", "DONE", "maybe", ""]),
}
SHAPES = {
    "schedule": [["date", "time", "every"], ["word"], ["date"]],
    "timebox": [["stage", "number"], ["stage", "word"]],
    "checkins": [["offset"], ["word"], ["word", "word"]],
    "commit": [["text", "due"], ["text"]],
    "report": [["number", "outcome", "text"], ["outcome", "text"], ["number"]],
    "facilitator": [["mention"]],
    "quiet": [["word", "word"], ["word"]],
    "timezone": [["word"], ["text"]],
    "progress": [["word", "text"]],
    "here": [["word"]],
    "actions": [["word"]],
    "digest": [["word", "word", "time"]],
}
slot_value = st.sampled_from(sorted(SLOTS)).flatmap(lambda kind: SLOTS[kind])


@st.composite
def command(draw: st.DrawFn) -> str:
    """A verb (often a real one, sometimes noise) and arguments in its usual shape, mutated."""
    name = draw(st.one_of(st.sampled_from(COMMAND_NAMES), st.sampled_from(VERBS),
                          st.sampled_from([v.upper() for v in VERBS]), st.text(max_size=8)))
    shapes = SHAPES.get(name.lower(), [[]])
    args = []
    for kind in draw(st.sampled_from(shapes)):
        args.append(draw(st.one_of(SLOTS[kind], any_token) if draw(st.booleans())
                         else SLOTS[kind]))
    args.extend(draw(st.lists(any_token, max_size=2)))
    separator = draw(st.sampled_from([" ", "  ", "\t", " \n "]))
    return separator.join([name, *args])


def _states() -> list[SetState | None]:
    """No set, an idle set with a schedule, and a meeting in each stage (with an open
    commitment from an earlier meeting, so review and reports have something to work on)."""
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob", "carol")
    h.cmd("alice", "schedule 2026-12-01 10:00 every 4w")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Write to the board")
    h.cmd("alice", "end")
    idle = h.state
    found: list[SetState | None] = [None, idle]
    h.advance(days=7)
    h.cmd("alice", "start")
    h.cmd("carol", "here bid")
    found.append(h.state)
    assert h.state is not None and h.state.running_meeting is not None
    while h.state.running_meeting is not None:
        h.advance(seconds=6)
        h.cmd("alice", "next")
        found.append(h.state)
    return found


STATES = _states()
SPEAKERS = [("alice", HOME), ("bob", HOME), ("mallory", HOME), ("bob", dm("bob"))]


def _context() -> Context:
    counter = iter(range(10**9))
    return Context(now=NOW + timedelta(days=7, minutes=30), new_id=lambda: f"gen{next(counter)}")


@settings(max_examples=2500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=command(), which=st.integers(0, len(STATES) - 1),
       speaker=st.integers(0, len(SPEAKERS) - 1))
def test_no_command_ends_in_an_exception_or_silence(text: str, which: int, speaker: int) -> None:
    name, where = SPEAKERS[speaker]
    event = CommandIssued(where=where, user=user(name), text=text, user_name=name)
    result = step(STATES[which], event, _context())
    assert any(isinstance(effect, OUTBOUND) for effect in result.effects), (
        f"no answer to /set {text!r}")
