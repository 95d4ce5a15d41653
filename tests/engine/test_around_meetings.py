"""Issue 13 lived through the engine on a real database: apologies then the meeting, leave
across a holiday weekend, an edited action then the review, the calendar file after a skip
(parsed back with ``icalendar``, across a daylight-saving change), the record, and erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlalchemy import select

from bot.core.calendar import upcoming_dates
from bot.core.effects import DirectMessage, Post, Update, Whisper
from bot.core.schedule import upcoming_meeting
from storage import repository
from storage.models import ApologyRow, CommitmentChangeRow, MeetingRow
from tests.support.core import dm, texts, user
from tests.support.engine import EngineHarness


@pytest.fixture
async def harness(database_url: str):  # type: ignore[no-untyped-def]
    h = await EngineHarness.open(database_url)
    yield h
    await h.close()


async def a_set(h: EngineHarness, *, schedule: str = "2026-12-01 14:00 every 2w") -> None:
    await h.cmd("alice", "create Practice Educators North")
    await h.cmd("bob", "join")
    await h.cmd("carol", "join")
    await h.cmd("alice", f"schedule {schedule}")
    h.take()


async def bob_commits(h: EngineHarness, *actions: str) -> None:
    await h.cmd("alice", "start")
    await h.cmd("bob", "here bid")
    await h.cmd("carol", "here")
    for _ in range(3):
        await h.advance(seconds=10)
        await h.cmd("alice", "next")
    for action in actions:
        await h.cmd("bob", f"commit {action}")
        await h.advance(seconds=1)
    await h.cmd("alice", "end")
    h.take()


async def state(h: EngineHarness):  # type: ignore[no-untyped-def]
    def load(session):  # type: ignore[no-untyped-def]
        from bot.core.routing import ByChannel
        from tests.support.core import HOME
        target = repository.find_target(session, ByChannel(HOME))
        return repository.load(session, target.id).state

    return await h.runtime.db.run(load)


def dms_to(effects, name: str) -> list[DirectMessage]:  # type: ignore[no-untyped-def]
    return [e for e in effects if isinstance(e, DirectMessage) and e.user == user(name)]


async def test_apologies_then_the_meeting(harness: EngineHarness) -> None:
    h = harness
    await a_set(h)
    await h.cmd("carol", "apologies 2026-12-01 at a conference", where=dm("carol"))
    sent = h.take()
    assert "<@carol> sent apologies for the meeting on Tue 1 Dec 2026." in texts(sent, Post)
    await h.advance(days=8, hours=4)  # Tue 1 Dec 14:00; the reminders went out
    reminders = [e for e in h.take() if isinstance(e, Post)]
    assert reminders and reminders[0].card.buttons[0].label == "Send apologies"
    await h.cmd("alice", "start")
    opening = [t for t in texts(h.take()) if "— opening*" in t][0]
    assert "*Apologies*: <@carol> (at a conference)" in opening
    await h.cmd("bob", "here")
    await h.cmd("alice", "end")
    summary = [t for t in texts(h.take()) if t.startswith("*Meeting summary*")][0]
    assert "Here: <@alice>, <@bob>" in summary
    assert "Apologies: <@carol> (at a conference)" in summary
    assert "Absent" not in summary
    await h.cmd("bob", "summaries")
    (private,) = [e for e in h.take() if isinstance(e, Whisper)]
    assert "Apologies: <@carol>" in private.card.body


async def test_away_across_a_holiday_weekend_then_one_catch_up(
        harness: EngineHarness) -> None:
    h = harness
    await a_set(h, schedule="2026-12-08 10:00 every 4w")
    await h.cmd("alice", "timezone Europe/London")
    await h.cmd("alice", "holidays GB-ENG")
    await h.advance(days=14)  # Mon 7 Dec
    await h.cmd("alice", "start")
    h.take()
    await bob_commits(h, "Phone the board", "Draft the memo")
    await h.cmd("bob", "action 1 due 2027-01-04")
    await h.cmd("bob", "action 2 due 2027-01-04")
    h.take()
    await h.cmd("bob", "away until 2026-12-24")
    (said,) = [e for e in h.take() if isinstance(e, Whisper)]
    assert said.card.body == ("You're away until Thu 24 Dec 2026. I'll hold your check-ins and "
                              "send one catch-up check-in Tue 29 Dec 2026, 09:00 "
                              "(Europe/London).")
    # Fri 25 Dec and Mon 28 Dec are bank holidays in England; 26-27 are a weekend.
    await h.advance(days=21, hours=22)  # Tue 29 Dec, 08:00 UTC = 08:00 London
    assert dms_to(h.take(), "bob") == []
    await h.advance(hours=1)
    checkins = dms_to(h.take(), "bob")
    assert [m.card.title for m in checkins] == ["Welcome back to Practice Educators North"]
    assert "Phone the board" in checkins[0].card.body and "Draft the memo" in checkins[0].card.body
    assert (await state(h)).members[user("bob").key].away_until is None
    await h.cmd("bob", "members")
    assert "away" not in texts(h.take(), Whisper)[0]


async def test_editing_an_action_then_the_review(harness: EngineHarness) -> None:
    h = harness
    await a_set(h, schedule="2026-11-24 14:00 every 2w")
    await h.advance(days=1, hours=4)
    await bob_commits(h, "Phone the board")
    await h.cmd("bob", "action 1 Phone the board chair", where=dm("bob"))
    await h.cmd("bob", "actions mine", where=dm("bob"))
    (mine,) = texts(h.take(), Whisper)[-1:]
    assert "1. Phone the board chair" in mine
    await h.cmd("carol", "action 1 Mine now")
    assert texts(h.take(), Whisper) == [(
        "You have no open commitments to change. Only an action's owner may change it "
        "(`/set actions` shows whose each one is).")]
    await h.advance(days=14)
    await h.cmd("alice", "start")
    await h.cmd("bob", "here")
    await h.advance(seconds=10)
    await h.cmd("alice", "next")
    review = [e.card.text for e in h.take() if isinstance(e, Update)][-1]
    assert "Phone the board chair" in review
    assert "edited Tue 24 Nov 2026 (was: Phone the board)" in review
    rows = await h.rows(select(CommitmentChangeRow.kind, CommitmentChangeRow.before,
                               CommitmentChangeRow.after))
    assert [tuple(r) for r in rows] == [("edit", "Phone the board", "Phone the board chair")]


def occurrences(ics: str, count: int) -> list[datetime]:
    """The next ``count`` meetings a calendar application would show for this file."""
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    start = event.decoded("dtstart")
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    skipped = set()
    exdates = event.get("exdate")
    for group in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
        skipped.update(d.dt for d in group.dts)
    found = []
    for at in rule:
        if at not in skipped:
            found.append(at.astimezone(UTC))
        if len(found) == count:
            break
    return found


async def test_the_calendar_after_a_skip_across_a_daylight_saving_change(
        harness: EngineHarness) -> None:
    h = harness
    await h.cmd("alice", "create Nordic set")
    await h.cmd("bob", "join")
    await h.cmd("alice", "timezone Europe/Stockholm")
    await h.cmd("alice", "link https://meet.example.org/nordic?a=1&b=2")
    await h.cmd("alice", "schedule 2027-03-02 10:00 every 2w")
    h.take()
    await h.cmd("bob", "calendar")
    (first,) = dms_to(h.take(), "bob")
    assert first.attachment.filename == "revans-nordic-set.ics"
    ics = first.attachment.content
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert str(event["location"]) == "https://meet.example.org/nordic?a=1&b=2"
    assert str(event["url"]) == "https://meet.example.org/nordic?a=1&b=2"
    assert event.decoded("dtstart").tzinfo.key == "Europe/Stockholm"
    assert calendar.walk("VTIMEZONE"), "the zone travels with the file"
    # The next six meetings, across the change to summer time on 28 March 2027, are the
    # bot's own schedule: 10:00 in Stockholm each time (09:00 UTC, then 08:00 UTC).
    bots = upcoming_dates(await state(h), 6)
    assert occurrences(ics, 6) == bots
    assert [d.astimezone(ZoneInfo("Europe/Stockholm")).hour for d in bots] == [10] * 6
    assert bots[2] - bots[1] == timedelta(weeks=2, hours=-1)
    rolled, at = [], bots[0]
    probe = await state(h)
    for _ in range(5):  # the bot rolling its schedule on, meeting after meeting
        at = upcoming_meeting(probe, at + timedelta(hours=2))
        probe = type(probe)(**{**{f: getattr(probe, f) for f in probe.__slots__},
                               "set": type(probe.set)(**{**{f: getattr(probe.set, f)
                                                            for f in probe.set.__slots__},
                                                         "next_meeting_at": at})})
        rolled.append(at)
    assert rolled == bots[1:]
    # Skip the 2 March meeting (move the schedule to the 16th): bob is told and gets the same
    # event, revised, with 2 March cancelled.
    await h.cmd("alice", "schedule 2027-03-16 10:00 every 2w")
    (update,) = dms_to(h.take(), "bob")
    assert update.card.body.startswith("The meetings of Nordic set have changed")
    (revised,) = Calendar.from_ical(update.attachment.content).walk("VEVENT")
    assert str(revised["uid"]) == str(event["uid"])
    assert int(revised["sequence"]) > int(event["sequence"])
    assert revised.decoded("dtstart") == event.decoded("dtstart")
    assert occurrences(update.attachment.content, 6) == [*bots[1:], occurrences(ics, 7)[-1]]
    assert occurrences(update.attachment.content, 6) == upcoming_dates(await state(h), 6)


async def test_the_calendar_file_speaks_the_members_language(harness: EngineHarness) -> None:
    """The words the file carries (its description) are the catalogue's, in the language of
    the member it is sent to."""
    h = harness
    await h.cmd("alice", "create Nordic set")
    await h.cmd("alice", "language sv")
    await h.cmd("bob", "join")
    await h.cmd("carol", "join")
    await h.cmd("carol", "language en mine")
    await h.cmd("alice", "schedule 2027-03-02 10:00 every 2w")
    h.take()
    await h.cmd("bob", "calendar")
    await h.cmd("carol", "calendar")
    sent = h.take()
    (swedish,) = Calendar.from_ical(dms_to(sent, "bob")[0].attachment.content).walk("VEVENT")
    assert str(swedish["description"]) == "Nordic set: möte i lärgruppen"
    (english,) = Calendar.from_ical(dms_to(sent, "carol")[0].attachment.content).walk("VEVENT")
    assert str(english["description"]) == "Nordic set: action learning set meeting"


async def test_forget_me_erases_apology_notes_and_action_histories(
        harness: EngineHarness) -> None:
    h = harness
    await a_set(h, schedule="2026-11-24 14:00 every 2w")
    await h.advance(days=1, hours=4)
    await bob_commits(h, "SECRETACTION one", "SECRETOTHER five")
    await h.cmd("bob", "action 1 SECRETEDIT two")
    await h.cmd("bob", "action 1 due 2026-12-20")
    await h.cmd("bob", "action 2 drop SECRETREASON three")
    await h.cmd("bob", "apologies SECRETNOTE four")
    await h.advance(days=14)
    await h.cmd("alice", "start")
    await h.cmd("alice", "end")
    summary = [t for t in texts(h.take()) if t.startswith("*Meeting summary*")][0]
    assert "SECRETNOTE four" in summary and "SECRETREASON three" in summary
    await h.cmd("bob", "forget-me")
    rows = await h.rows(select(CommitmentChangeRow.before, CommitmentChangeRow.after))
    assert len(rows) == 3
    assert "SECRET" not in " ".join(f"{r.before} {r.after}" for r in rows)
    notes = await h.rows(select(ApologyRow.note))
    assert [n.note for n in notes] == ["[erased at the member's request]"]
    stored = await h.rows(select(MeetingRow.summary).where(MeetingRow.number == 2))
    assert "SECRET" not in stored[0].summary
