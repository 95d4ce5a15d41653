"""Time that is always right: wall-clock cadence across DST, zones, and sane dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core import timeparse
from bot.core.effects import SchedulePing
from bot.core.events import PingDue
from bot.core.model import PingKind
from tests.support.core import CoreHarness, posts, whispers

STOCKHOLM = "Europe/Stockholm"


def stockholm_set(now: datetime) -> CoreHarness:
    h = CoreHarness(now=now)
    h.set_up("alice", "bob")
    h.cmd("alice", f"timezone {STOCKHOLM}")
    return h


def local(moment: datetime) -> str:
    return timeparse.local(moment, STOCKHOLM).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(("first", "after"), [
    # Across the end of summer time (2026-10-25): 10:00 CEST is 08:00 UTC, 10:00 CET 09:00 UTC.
    (datetime(2026, 10, 13, 8, 0, tzinfo=UTC), "2026-11-10 10:00"),
    # Across the start of summer time (2027-03-28).
    (datetime(2027, 3, 9, 9, 0, tzinfo=UTC), "2027-04-06 10:00"),
])
def test_every_4w_keeps_ten_o_clock_in_stockholm_across_dst(first: datetime, after: str) -> None:
    h = stockholm_set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC) if first.year == 2026
                      else datetime(2027, 2, 20, 9, 0, tzinfo=UTC))
    h.cmd("alice", f"schedule {local(first)} every 4w")
    assert h.state.set.next_meeting_at == first
    h.now = first
    h.meeting_to("closing")
    h.cmd("alice", "end")
    rolled = h.state.set.next_meeting_at
    assert local(rolled) == after
    assert rolled.hour != first.hour  # the UTC hour moved, the local one did not


def test_a_meeting_nobody_held_rolls_on_at_the_same_local_time() -> None:
    h = stockholm_set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    effects = h.cmd("alice", "schedule 2026-10-13 10:00 every 4w")
    (check,) = [e.ping for e in effects if isinstance(e, SchedulePing)
                and e.ping.kind is PingKind.SCHEDULE_CHECK]
    h.now = check.due_at
    effects = h.send(PingDue(ping=check))
    assert local(h.state.set.next_meeting_at) == "2026-11-10 10:00"
    reminders = sorted(e.ping.due_at for e in effects if isinstance(e, SchedulePing)
                       and e.ping.kind is PingKind.REMINDER)
    # The day-before reminder keeps the local time too; the hour-before one is an hour before.
    assert [local(r) for r in reminders] == ["2026-11-09 10:00", "2026-11-10 09:00"]


def test_the_day_before_reminder_is_at_the_same_local_time_across_the_change() -> None:
    h = stockholm_set(datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    effects = h.cmd("alice", "schedule 2026-10-26 10:00")  # the day after the change
    reminders = sorted(e.ping.due_at for e in effects if isinstance(e, SchedulePing)
                       and e.ping.kind is PingKind.REMINDER)
    assert [local(r) for r in reminders] == ["2026-10-25 10:00", "2026-10-26 09:00"]


def test_a_7d_check_in_keeps_the_local_time_across_the_change() -> None:
    h = stockholm_set(datetime(2026, 10, 22, 8, 0, tzinfo=UTC))  # 10:00 CEST
    h.meeting_to("commitment")
    effects = h.cmd("bob", "commit Ask the team by 2026-11-20")
    due = sorted(e.ping.due_at for e in effects if isinstance(e, SchedulePing))
    assert local(due[0]).startswith("2026-10-29 10:0")  # 7 days on, 10:00 CET
    assert local(due[1]) == "2026-11-18 09:00"  # -2d before 09:00 on the due day


def test_changing_the_zone_keeps_the_meetings_local_time_and_says_so() -> None:
    h = CoreHarness(now=datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-12-01 10:00 every 4w")
    effects = h.cmd("alice", "timezone europe/stockholm")
    assert h.state.set.timezone == STOCKHOLM
    assert local(h.state.set.next_meeting_at) == "2026-12-01 10:00"
    (said,) = posts(effects)
    assert "keeps its local time" in said and "10:00 (Europe/Stockholm)" in said
    reminders = [e.ping for e in effects if isinstance(e, SchedulePing)
                 and e.ping.kind is PingKind.REMINDER]
    assert sorted(local(p.due_at) for p in reminders) == ["2026-11-30 10:00",
                                                          "2026-12-01 09:00"]


@pytest.mark.parametrize("typed", ["EST", "cet", "PST", "BST"])
def test_zone_abbreviations_are_refused_with_an_area_city_hint(typed: str) -> None:
    h = CoreHarness()
    h.set_up("alice")
    (said,) = whispers(h.cmd("alice", f"timezone {typed}"))
    assert "abbreviation" in said and "/" in said
    assert h.state.set.timezone == "UTC"


@pytest.mark.parametrize(("command", "expected"), [
    ("schedule 9999-12-31 10:00", "too far ahead"),
    ("schedule 2020-01-01 10:00", "That time has passed"),
    ("schedule 2026-02-30 10:00", "There is no such day as 2026-02-30"),
    ("schedule 2026-12-01 10:00 every 99w", "1 to 26 weeks"),
    ("schedule ٢٠٢٦-١٢-٠١ 10:00", "YYYY-MM-DD HH:MM"),
    ("checkins 9999w", "9999w is out of range: an offset runs from 1s to 26w"),
    ("checkins 0d", "0d is out of range"),
    ("checkins ²d", "Give offsets like 7d,-2d"),
    ("timebox questioning 0", "from 1 to 180"),
    ("timebox questioning 100000", "from 1 to 180"),
    ("timebox questioning ²", "from 1 to 180"),
    ("timebox questioning ٣", "from 1 to 180"),
])
def test_odd_dates_offsets_and_numbers_get_a_specific_message(command: str,
                                                              expected: str) -> None:
    h = CoreHarness()
    h.set_up("alice")
    before = h.state
    (said,) = whispers(h.cmd("alice", command))
    assert expected in said
    assert h.state == before


@pytest.mark.parametrize(("typed", "due"), [
    ("by tomorrow", date(2026, 11, 24)),  # the harness's today is Mon 23 Nov 2026
    ("by Friday", date(2026, 11, 27)),
    ("by monday", date(2026, 11, 30)),  # today's weekday means a week on
    ("by 4 Dec", date(2026, 12, 4)),
    ("by Dec 4th", date(2026, 12, 4)),
    ("by 2 January", date(2027, 1, 2)),
    ("BY 2026-12-04", date(2026, 12, 4)),
])
def test_due_dates_in_words_are_understood_and_leave_the_action_text(typed: str,
                                                                     due: date) -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", f"commit Call the chair {typed}")
    (made,) = h.state.commitments.values()
    assert made.text == "Call the chair"
    assert timeparse.local(made.due_at, "UTC").date() == due


@pytest.mark.parametrize(("typed", "expected"), [
    ("by next week", "Give the due date as YYYY-MM-DD"),
    ("by 31 Feb", "There is no such day as 31 Feb"),
    ("by 2026-02-30", "There is no such day as 2026-02-30"),
    ("by 9999-12-31", "too far ahead"),
    ("by 2020-01-01", "That date has passed"),
])
def test_due_dates_that_cannot_be_read_are_refused_not_kept_in_the_text(typed: str,
                                                                       expected: str) -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    (said,) = whispers(h.cmd("bob", f"commit Call the chair {typed}"))
    assert expected in said
    assert not h.state.commitments


def test_by_followed_by_other_words_stays_in_the_action() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Stand by the board's decision")
    (made,) = h.state.commitments.values()
    assert made.text == "Stand by the board's decision"
