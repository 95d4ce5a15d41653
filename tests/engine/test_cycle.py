"""Whole cycles through ``engine.handle`` on a real database: what is stored, what is sent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.core.cards import action_id
from bot.core.effects import DirectMessage, Post, Whisper
from bot.core.model import Stage
from storage.models import CheckinRow, CommitmentRow, EntryRow, MeetingRow, PingRow, SeenEventRow
from tests.support.core import HOME, dm, texts, user
from tests.support.engine import EngineHarness


@pytest.fixture
async def harness(database_url: str):  # type: ignore[no-untyped-def]
    h = await EngineHarness.open(database_url)
    yield h
    await h.close()


async def count(h: EngineHarness, model: type, *where) -> int:  # type: ignore[no-untyped-def]
    return int(await h.scalar(select(func.count()).select_from(model).where(*where)))


async def meeting_one(h: EngineHarness) -> None:
    """Create a set, run a meeting where bob presents and commits."""
    await h.cmd("alice", "create Social workers North")
    await h.cmd("bob", "join")
    await h.cmd("carol", "join")
    await h.cmd("alice", "schedule 2026-11-23 10:30 every 4w")
    await h.cmd("alice", "start")
    await h.cmd("bob", "here bid")
    await h.cmd("carol", "here")
    await h.cmd("alice", "next")
    await h.say("bob", "How do I get my manager to listen?")
    await h.advance(seconds=10)
    await h.cmd("alice", "next")
    await h.say("carol", "What have you tried so far?")
    await h.say("carol", "You should go over her head.")
    await h.advance(seconds=10)
    await h.cmd("alice", "next")
    await h.cmd("bob", "commit Book a one-to-one with my manager")
    await h.advance(seconds=10)
    await h.cmd("alice", "next")
    await h.say("carol", "Asking is harder than telling.")
    await h.cmd("alice", "end")


async def test_a_whole_cycle_is_stored_and_the_next_review_shows_the_check_ins(
        harness: EngineHarness) -> None:
    h = harness
    await meeting_one(h)
    summary = [t for t in texts(h.take()) if t.startswith("*Meeting summary*")]
    assert len(summary) == 1 and "Book a one-to-one with my manager" in summary[0]
    assert await count(h, EntryRow) == 3
    assert await count(h, CommitmentRow) == 1
    stored = await h.scalar(select(MeetingRow.summary))
    assert stored.startswith("Meeting 1 of Social workers North")

    await h.advance(days=7)
    (checkin,) = [e for e in h.take() if isinstance(e, DirectMessage)]
    assert checkin.user == user("bob") and "Book a one-to-one" in checkin.card.body
    await h.press("bob", checkin.card.buttons[1].action, where=dm("bob"))  # Stuck
    offer = [e for e in h.take() if isinstance(e, Whisper)][-1]
    await h.press("bob", offer.card.buttons[0].action, where=dm("bob"))  # Ask my set for help
    (help_post,) = [e for e in h.take() if isinstance(e, Post)]
    assert help_post.where == HOME and "stuck on: Book a one-to-one" in help_post.card.body
    assert await count(h, CheckinRow) == 1

    await h.advance(days=20)  # the -2d check-in falls due on the way
    assert any(isinstance(e, DirectMessage) for e in h.take())
    await h.cmd("bob", "progress on-track", where=dm("bob"))
    await h.advance(hours=1)
    assert any("meets tomorrow" in t for t in texts(h.take()))
    await h.advance(hours=23)
    assert any("meets in an hour" in t for t in texts(h.take()))

    await h.cmd("alice", "start")
    await h.cmd("bob", "here")
    await h.cmd("alice", "next")
    review = [e for e in h.take() if e.card.title.endswith("review")][-1].card
    (field,) = [f for f in review.fields if f.name == "bob"]
    assert "stuck" in field.value and "on track" in field.value
    await h.cmd("bob", "report done We meet fortnightly now.")
    outcome = await h.scalar(select(CommitmentRow.outcome))
    assert outcome == "done"


async def test_the_bot_restarted_mid_meeting_resumes_the_same_stage_and_time_box(
        database_url: str) -> None:
    first = await EngineHarness.open(database_url)
    await first.opening_with_a_bidder("Restart set")
    await first.cmd("alice", "next")
    await first.advance(seconds=10)
    await first.cmd("alice", "next")
    started = first.clock.now()
    await first.close()

    second = await EngineHarness.open(database_url, clock=first.clock)
    try:
        await second.advance(minutes=5)
        (status,) = texts(await second.cmd("bob", "status"))
        assert "Meeting 1 is in questioning." in status
        assert "10 min left" in status
        await second.say("alice", "What would success look like?")
        await second.advance(minutes=8)
        assert texts(second.take())[-1].startswith("Two minutes left for questioning.")
        await second.advance(minutes=2)
        assert any(t.startswith("Time is up for questioning.") for t in texts(second.take()))
        assert second.clock.now() - started >= timedelta(minutes=15)
    finally:
        await second.close()


async def test_a_ping_due_while_down_is_sent_once_and_one_past_grace_is_marked_missed(
        database_url: str) -> None:
    first = await EngineHarness.open(database_url)
    await first.cmd("alice", "create Downtime set")
    await first.cmd("bob", "join")
    await first.cmd("bob", "checkins 1d,3d")
    await first.cmd("alice", "start")
    await first.cmd("bob", "here bid")
    for _ in range(3):
        await first.cmd("alice", "next")
        await first.advance(seconds=10)
    await first.cmd("bob", "commit Ring the housing officer")
    await first.cmd("alice", "end")
    await first.close()
    first.take()

    # Down for 25 hours: the 1d check-in is an hour late (within the grace period).
    first.clock.advance(timedelta(hours=25))
    second = await EngineHarness.open(database_url, clock=first.clock)
    delivered = await second.runtime.delivery.run_due()
    assert delivered == 1
    assert len([e for e in second.take() if isinstance(e, DirectMessage)]) == 1
    assert await second.runtime.delivery.run_due() == 0  # never twice
    assert await count(second, PingRow, PingRow.status == "sent", PingRow.kind == "checkin") == 1
    await second.close()

    # Down for three more days: the 3d check-in is 47 hours late — missed, not sent.
    first.clock.advance(timedelta(days=3))
    third = await EngineHarness.open(database_url, clock=first.clock)
    await third.runtime.delivery.run_due()
    assert not [e for e in third.take() if isinstance(e, DirectMessage)]
    assert await count(third, PingRow, PingRow.status == "missed") == 1
    await third.cmd("alice", "start")
    await third.cmd("alice", "next")
    review = [e for e in third.take() if e.card.title.endswith("review")][-1].card
    (field,) = [f for f in review.fields if f.name == "bob"]
    assert "missed (the bot was offline)" in field.value
    await third.close()


async def test_two_next_at_the_same_moment_advance_once(harness: EngineHarness) -> None:
    h = harness
    await h.opening_with_a_bidder("Race set")
    await h.cmd("alice", "next")
    assert await stage(h) is Stage.PRESENTATION
    h.take()
    await asyncio.gather(h.cmd("alice", "next"), h.cmd("bob", "next"))
    assert await stage(h) is Stage.QUESTIONING
    moved_on = [t for t in texts(h.take()) if "already moved on" in t]
    assert len(moved_on) == 1


async def test_two_presses_of_one_next_button_advance_once(harness: EngineHarness) -> None:
    h = harness
    await h.opening_with_a_bidder("Button set")
    ((meeting_id, seq),) = await h.rows(select(MeetingRow.id, MeetingRow.seq))
    button = action_id("next", meeting_id, str(seq))
    await asyncio.gather(h.press("alice", button), h.press("bob", button))
    assert await stage(h) is Stage.PRESENTATION


async def stage(h: EngineHarness) -> Stage:
    return Stage(await h.scalar(select(MeetingRow.stage)))


async def test_a_retried_platform_event_is_processed_once(harness: EngineHarness) -> None:
    h = harness
    await h.opening_with_a_bidder("Retry set")
    await h.cmd("alice", "next")
    await h.say("bob", "My question, once.", event_id="Ev1")
    h.take()
    again = await h.say("bob", "My question, once.", event_id="Ev1")
    assert again == () and h.take() == []
    assert await count(h, EntryRow) == 1
    assert await count(h, SeenEventRow) == 1


async def test_refused_input_writes_nothing(harness: EngineHarness) -> None:
    h = harness
    await h.opening_with_a_bidder("Refusals")
    for _ in range(3):
        await h.cmd("alice", "next")
    h.take()
    (refusal,) = texts(await h.cmd("bob", "commit Write it up by 2020-01-01"))
    assert refusal.startswith("That date has passed")
    (usage,) = texts(await h.cmd("bob", "commit Write it up by 01/01/2027"))
    assert usage.startswith("Give the due date as YYYY-MM-DD")
    (stranger,) = texts(await h.cmd("mallory", "commit Anything"))
    assert "not a member" in stranger
    assert await count(h, CommitmentRow) == 0
    assert await count(h, PingRow, PingRow.kind == "checkin") == 0


async def test_forget_me_erases_earlier_meetings_too(harness: EngineHarness) -> None:
    h = harness
    await meeting_one(h)
    await h.cmd("bob", "forget-me")
    bob_texts = [row.text for row in await h.rows(select(EntryRow.text).where(
        EntryRow.user_key == user("bob").key))]
    commitment = await h.scalar(select(CommitmentRow.text))
    assert bob_texts and all(t.startswith("[erased") for t in bob_texts)
    assert commitment.startswith("[erased")
    assert await count(h, EntryRow) == 3  # counts stay
    assert await count(h, PingRow, PingRow.kind == "checkin", PingRow.status == "pending") == 0


async def test_export_covers_earlier_meetings(harness: EngineHarness) -> None:
    h = harness
    await meeting_one(h)
    h.take()
    await h.cmd("carol", "export")
    (message,) = [e for e in h.take() if isinstance(e, DirectMessage)]  # no open ones: no .ics
    document = message.attachment.content
    assert "What have you tried so far?" in document
    assert "Asking is harder than telling." in document
    assert "How do I get my manager to listen?" not in document


async def test_long_text_is_stored_whole(harness: EngineHarness) -> None:
    h = harness
    await h.opening_with_a_bidder("Long")
    await h.cmd("alice", "next")
    text = "What if " + "x" * 5000 + "?"
    await h.say("bob", text)
    stored = await h.scalar(select(EntryRow.text))
    assert stored == text
