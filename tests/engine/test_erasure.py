"""``/set forget-me`` and ``/set export`` through the engine on a real database: while
presenting, after leaving, from a DM, from several sets, and by someone who was never in one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.effects import DirectMessage, Post, Update, Whisper
from bot.core.erasure import ERASED
from bot.core.refs import ChannelRef
from storage.models import CommitmentRow, EntryRow, MeetingRow, PingRow
from tests.support.core import dm, texts
from tests.support.engine import EngineHarness

OTHER = ChannelRef(platform="test", workspace="w", channel="other-home")


async def test_forget_me_while_presenting_the_meeting_goes_on_with_the_texts_erased(
        database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    try:
        await h.opening_with_a_bidder()
        await h.cmd("alice", "next")  # presentation: bob's turn
        await h.say("bob", "How do I tell my manager XYZZYQUESTION?")
        await h.cmd("alice", "next")
        await h.say("alice", "What have you tried, PLUGHASK?")
        await h.cmd("alice", "next")
        await h.cmd("bob", "commit Talk to XYZZYCOMMIT first")
        h.take()
        effects = await h.cmd("bob", "forget-me")
        (reply,) = texts(effects, Whisper)
        assert reply.startswith("Erased from Test set: 1 presentation, 1 commitment.")
        assert "Your check-ins have stopped." in reply
        stage = [e for e in effects if isinstance(e, Update) and e.card.slot.startswith("stage:")]
        assert stage and ERASED in str(stage[-1].card) and "XYZZY" not in str(stage[-1].card)
        assert "— commitment" in stage[-1].card.title  # the meeting did not move
        edited = {e.card.slot: e for e in effects if isinstance(e, Update) and e.edit_only}
        assert any(slot.startswith("commit:") for slot in edited)
        assert all(e.card.body == ERASED for e in edited.values())
        pending = await h.rows(select(PingRow.id).where(PingRow.status == "pending",
                                                        PingRow.kind == "checkin"))
        assert pending == []

        await h.cmd("alice", "next")
        await h.say("bob", "I learned to ask")  # still a member: recorded as usual
        await h.cmd("alice", "end")
        summary = await h.scalar(select(MeetingRow.summary))
        assert "XYZZY" not in summary and ERASED in summary
        texts_left = [row.text for row in await h.rows(select(EntryRow.text))]
        assert "What have you tried, PLUGHASK?" in texts_left  # alice's words stay
        assert "I learned to ask" in texts_left
    finally:
        await h.close()


async def test_forget_me_twice_and_erasing_the_summaries_of_earlier_meetings(
        database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    try:
        await h.opening_with_a_bidder()
        for _ in range(2):
            await h.cmd("alice", "next")
        await h.say("carol", "ignored: not a member")
        await h.cmd("alice", "next")
        await h.cmd("bob", "commit Write down XYZZYSTEPS by 2026-12-10")
        await h.cmd("alice", "end")
        posted = [e for e in h.take() if isinstance(e, Post) and e.card.slot.startswith("summary:")]
        assert "XYZZYSTEPS" in posted[-1].card.body
        effects = await h.cmd("bob", "forget-me")
        (summary,) = [e for e in effects if isinstance(e, Update)
                      and e.card.slot == posted[-1].card.slot]
        assert summary.edit_only and "XYZZYSTEPS" not in summary.card.body
        assert ERASED in summary.card.body and "<@bob>" in summary.card.body  # who: counts
        (again,) = texts(await h.cmd("bob", "forget-me"), Whisper)
        assert again == ("There is nothing left to erase in Test set: what you said there has "
                         "already been erased, and you get no check-ins from it.")
        (row,) = await h.rows(select(CommitmentRow.text, CommitmentRow.due_at))
        assert row.text == ERASED  # the commitment is still counted
    finally:
        await h.close()


async def test_a_former_member_exports_and_erases_from_the_channel_and_a_dm(
        database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    try:
        await h.opening_with_a_bidder("First set")
        await h.cmd("alice", "next")
        await h.say("bob", "XYZZYFIRST is my question")
        await h.cmd("alice", "end")
        await h.cmd("bob", "leave")
        h.clock.advance(timedelta(days=1))
        await h.cmd("dora", "create Second set", where=OTHER)
        await h.cmd("bob", "join", where=OTHER)
        await h.cmd("bob", "leave", where=OTHER)
        h.take()

        # In the set's channel, after leaving.
        effects = await h.cmd("bob", "export")
        record, *_ = [e for e in effects if isinstance(e, DirectMessage)]
        assert "XYZZYFIRST" in record.attachment.content

        # In a DM: two sets, so which one?
        (which,) = texts(await h.cmd("bob", "export", where=dm("bob")))
        assert which == ("You are or were in several sets: “Second set”, “First set”. Say which "
                         "one, e.g. `/set export Second set`.")
        effects = await h.cmd("bob", "export first set", where=dm("bob"))
        record, *_ = [e for e in effects if isinstance(e, DirectMessage)]
        assert "XYZZYFIRST" in record.attachment.content
        (unknown,) = texts(await h.cmd("bob", "forget-me Third set", where=dm("bob")))
        assert unknown == ("You have never been a member of a set called “Third set”, so I hold "
                           "no record of yours there.")
        (done,) = texts([e for e in await h.cmd("bob", "forget-me First set", where=dm("bob"))
                         if isinstance(e, Whisper)])
        assert done.startswith("Erased from First set: 1 presentation.")
        assert "membership" not in done  # a former member has none to keep
        assert all("XYZZYFIRST" not in row.text for row in await h.rows(select(EntryRow.text)))

        # Someone who was never a member, in the channel and in a DM.
        (never,) = texts(await h.cmd("erin", "forget-me"))
        assert never.startswith("You have never been a member of First set, so I hold no record")
        (none,) = texts(await h.cmd("erin", "export", where=dm("erin")))
        assert none.startswith("I hold no record of yours: you have never been a member of a set.")
        (elsewhere,) = texts(await h.cmd("bob", "export Second set"))
        assert elsewhere.startswith("This is the channel of First set.")
    finally:
        await h.close()


async def test_a_learning_shared_and_then_erased_is_never_released(database_url: str) -> None:
    from bot.core.events import CommandIssued
    from tests.engine.test_programme import CORA, SHARED, h_code
    from tests.support.engine import RecordingOutbox

    h = await EngineHarness.open(database_url)
    elsewhere = RecordingOutbox()
    h.runtime.engine.outboxes["other"] = elsewhere
    try:
        await h.send(CommandIssued(where=SHARED, user=CORA, text="programme create P"))
        code = h_code([e for e in elsewhere.sent if isinstance(e, Whisper)][0].card.body)
        await h.cmd("alice", "create Sharing set")
        await h.cmd("bob", "join")
        await h.cmd("alice", f"programme join {code}")
        preview = [e for e in await h.cmd("bob", "share XYZZYSHARED learning")
                   if isinstance(e, Whisper)][-1]
        await h.press("bob", preview.card.buttons[0].action)
        (reply,) = texts([e for e in await h.cmd("bob", "forget-me") if isinstance(e, Whisper)])
        assert "1 shared learning" in reply
        elsewhere.sent.clear()
        await h.advance(days=8)  # the weekly digest
        posted = [e.card for e in elsewhere.sent if isinstance(e, Post)]
        assert posted and all("XYZZYSHARED" not in str(c) and ERASED not in str(c)
                              for c in posted)
        assert not any(c.title == "A learning shared from one of the sets" for c in posted)
    finally:
        await h.close()
