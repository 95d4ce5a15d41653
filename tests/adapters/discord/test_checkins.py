"""Check-ins between meetings arrive as DMs with buttons; answers come back by button."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.adapters.discord.conftest import (
    BOB,
    EPHEMERAL,
    Harness,
    buttons,
    meeting_with_a_commitment,
)
from tests.fakes.discord_server import CHANNEL_ID


async def _checkin_falls_due(h: Harness) -> dict:
    h.clock.advance(timedelta(days=7))
    delivered = await h.runtime.delivery.run_due()
    assert delivered >= 1
    dm = h.fake.dm_channels[BOB]
    messages = [m for m in h.fake.channel_messages(dm) if m["components"]]
    assert messages, "the check-in DM was sent with buttons"
    return messages[-1]


async def test_checkin_dm_answered_with_a_button(harness: Harness) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    checkin = await _checkin_falls_due(h)
    assert checkin["embeds"][0]["title"] == "Check-in from Leaders"
    assert "Call the team" in checkin["embeds"][0]["description"]
    assert list(buttons(checkin)) == ["On track", "Stuck", "Done", "Snooze", "Change it"]

    token = await h.press(BOB, "Stuck", checkin)
    reply = h.fake.replies_to(token)[0]
    assert int(reply["flags"]) & EPHEMERAL
    assert "Would you like to ask your set for help?" in h.replies(token)
    offer = next(m for m in h.fake.channel_messages(h.fake.dm_channels[BOB])
                 if "Ask my set for help" in buttons(m))
    assert int(offer["flags"]) & EPHEMERAL
    assert list(buttons(offer)) == ["Ask my set for help"]

    token = await h.press(BOB, "Ask my set for help", offer)
    assert "I've asked Leaders for help" in h.replies(token)
    channel = h.channel_text(CHANNEL_ID)
    assert "A request for help" in channel and "Call the team" in channel

    # The answer is stored: the set's actions list shows Bob as stuck.
    token = await h.slash(BOB, "actions", mine=True)
    assert "(stuck)" in h.replies(token)


async def test_checkin_answered_done_stops_further_checkins(harness: Harness) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    checkin = await _checkin_falls_due(h)
    token = await h.press(BOB, "Done", checkin)
    assert "noted as done" in h.replies(token)
    h.clock.advance(timedelta(days=20))
    sent_before = len(h.fake.channel_messages(h.fake.dm_channels[BOB]))
    await h.runtime.delivery.run_due()
    assert len(h.fake.channel_messages(h.fake.dm_channels[BOB])) == sent_before


async def test_progress_typed_in_the_dm_finds_the_members_set(global_harness: Harness) -> None:
    h = global_harness
    await meeting_with_a_commitment(h)
    await _checkin_falls_due(h)
    dm = h.fake.dm_channels[BOB]
    token = await h.slash(BOB, "progress", channel=dm, answer="stuck", note="no reply yet")
    assert "Noted as stuck" in h.replies(token)
    reply = h.fake.replies_to(token)[0]
    assert int(reply["flags"]) & EPHEMERAL
    token = await h.slash(BOB, "actions", channel=dm, mine=True)
    assert "(stuck)" in h.replies(token)


async def test_a_slow_stuck_answer_still_offers_help_in_a_follow_up(harness: Harness) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    checkin = await _checkin_falls_due(h)
    real = h.runtime.engine.handle

    async def slow(event: object, reply: object = None) -> object:
        await asyncio.sleep(0.2)
        return await real(event, reply)  # type: ignore[arg-type]

    h.runtime.engine.handle = slow  # type: ignore[method-assign]
    h.adapter.inbound.defer_after = 0.02
    token = await h.press(BOB, "Stuck", checkin)
    assert h.fake.callback_for(token)["type"] == 6
    [follow_up] = h.fake.replies_to(token)
    assert int(follow_up["flags"]) & EPHEMERAL
    assert [c["label"] for row in follow_up["components"] for c in row["components"]] == [
        "Ask my set for help"]
