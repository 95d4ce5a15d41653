"""Dead ends on a real database with the real ping delivery: the set carries on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.core.effects import DirectMessage
from storage.models import CommitmentRow, MeetingRow, PingRow, SetRow
from tests.support.core import dm, texts
from tests.support.engine import EngineHarness


@pytest.fixture
async def harness(database_url: str):  # type: ignore[no-untyped-def]
    h = await EngineHarness.open(database_url)
    yield h
    await h.close()


async def test_a_meeting_nobody_ends_closes_itself_and_the_reminders_go_on(
        harness: EngineHarness) -> None:
    h = harness
    await h.opening_with_a_bidder("Forgotten")
    await h.cmd("alice", "schedule 2026-12-21 10:00 every 4w")
    await h.cmd("alice", "next")  # presentation; then everybody forgets about it
    h.take()
    await h.advance(hours=4)
    said = texts(h.take())
    assert any("closed itself" in t for t in said)
    assert await h.scalar(select(MeetingRow.stage)) == "ended"
    summary = await h.scalar(select(MeetingRow.summary))
    assert summary.startswith("This meeting closed itself")
    await h.advance(days=27)  # the reminders for the next meeting still come
    assert any("meets tomorrow" in t for t in texts(h.take()))
    pending = await h.rows(select(PingRow.kind).where(PingRow.status == "pending"))
    assert ("meeting-close",) not in pending


async def test_an_absent_facilitator_is_taken_over_and_the_meeting_ends(
        harness: EngineHarness) -> None:
    h = harness
    await h.cmd("alice", "create Away")
    await h.cmd("bob", "join")
    await h.cmd("bob", "start")
    take_over = next(b.action for e in h.take() if getattr(e, "card", None)
                     for b in e.card.buttons if b.label == "Take over")
    await h.press("bob", take_over)
    assert any("<@bob> is facilitating this meeting" in t for t in texts(h.take()))
    await h.cmd("bob", "end")
    assert await h.scalar(select(MeetingRow.stage)) == "ended"
    assert await h.scalar(select(SetRow.facilitator_key)) == "test:w:alice"


async def test_a_partly_done_commitment_is_carried_and_checked_in_on(
        harness: EngineHarness) -> None:
    h = harness
    await h.opening_with_a_bidder("Carry")
    await h.cmd("alice", "schedule 2026-12-21 10:00 every 4w")
    for _ in range(3):
        await h.cmd("alice", "next")
        await h.advance(seconds=10)
    await h.cmd("bob", "commit Write to the board")
    await h.cmd("alice", "end")
    await h.advance(days=28)
    h.take()
    await h.cmd("alice", "start")
    await h.cmd("bob", "here")
    await h.cmd("alice", "next")
    await h.cmd("bob", "report partly Drafted it")
    await h.cmd("alice", "end")
    carried_at, due = (await h.rows(select(CommitmentRow.carried_at, CommitmentRow.due_at)))[0]
    assert carried_at is not None and due == datetime(2027, 1, 18, 10, 0, tzinfo=UTC)
    h.take()
    await h.advance(days=7)
    (checkin,) = [e for e in h.take() if isinstance(e, DirectMessage)]
    assert "Write to the board" in checkin.card.body
    await h.press("bob", checkin.card.buttons[2].action, where=dm("bob"))  # Done
    await h.cmd("alice", "checkins 1d,-1d")
    await h.advance(days=20)
    assert not [e for e in h.take() if isinstance(e, DirectMessage)]
