"""A whole meeting and a check-in cycle in a Matrix room on a real Synapse, with the bot
restarted in the middle: commands typed as ``!set …``, reactions as buttons, the live card
edited in place, a form answered in a thread, check-ins in a direct room."""

from __future__ import annotations

from datetime import timedelta

from tests.adapters.matrix.conftest import World, bot_messages, keys_of


async def _set_up(w: World) -> None:
    await w.alice.command(w.room, "create Leaders")
    join_card = await w.card(text="Leaders")
    assert "👋 Join this set" in join_card.body, "the card explains its reaction"
    await w.press(w.bob, "👋", join_card)
    await w.carol.command(w.room, "join")
    await w.alice.wait_text(w.room, "joined the set", after=0)
    await w.settle()


async def test_a_whole_meeting_and_a_checkin_cycle_with_a_restart(world: World) -> None:
    w = world
    await _set_up(w)
    await w.alice.command(w.room, "start")
    card = await w.card(text="opening")
    assert "Meeting 1 of Leaders — opening" in card.body
    assert set(keys_of(card)) == {"⏭", "✋", "🙋"}
    # The bot seeded its reactions under the card; they are not presses.
    assert await w.seeded(card, 3) == {"⏭️", "✋", "🙋"}

    await w.press(w.bob, "🙋", card)        # here, with a bid
    await w.press(w.carol, "✋", card)
    await w.press(w.alice, "✋", card)
    await w.settle()
    card = await w.card(text="opening")
    assert w.bob.user_id in card.body, "Bob's bid is on the live card"

    # The bot restarts mid-meeting: it resumes from its stored sync token.
    await w.restart_bot()
    w.clock.advance(timedelta(minutes=1))
    await w.press(w.alice, "⏭️", card)
    card = await w.card(text="presentation")
    assert card.event_id == (await w.card(text="Meeting 1")).event_id
    messages = await w.alice.messages(w.room)
    stage_cards = [m for m in messages if "Meeting 1 of Leaders" in m.body]
    assert len(stage_cards) == 1, "one live card, edited in place (m.replace)"
    over_to = await w.alice.wait_text(w.room, "over to", sender=w.bot_id)
    assert over_to.content["m.mentions"] == {"user_ids": [w.bob.user_id]}

    # Bob presents through the form: the bot asks in a thread on the card, he replies there.
    await w.press(w.bob, "🎤", card)
    question = await w.bob.wait_text(w.room, "Present a problem: answer", sender=w.bot_id)
    assert question.content["m.relates_to"]["rel_type"] == "m.thread"
    assert question.content["m.mentions"] == {"user_ids": [w.bob.user_id]}
    await w.bob.say(w.room, "question: How do I get my team to say no to me?\n"
                            "background: Six people", thread=card.event_id)
    await w.alice.wait_text(w.room, "How do I get my team to say no to me?", sender=w.bot_id)

    w.clock.advance(timedelta(minutes=4))
    await w.press(w.bob, "⏭️")
    await w.card(text="questioning")
    await w.carol.say(w.room, "What have you tried so far?")
    await w.alice.say(w.room, "Who else sees this?")
    await w.settle()
    w.clock.advance(timedelta(minutes=10))
    await w.alice.command(w.room, "next")
    card = await w.card(text="commitment")

    # A commitment typed, and one through the thread form (due at the next meeting).
    await w.bob.command(w.room, "commit Ask each person for one thing to stop by 2026-11-20")
    await w.alice.wait_text(w.room, "Ask each person for one thing to stop", sender=w.bot_id)
    await w.press(w.bob, "🤝", card)
    await w.bob.wait_text(w.room, "Commit to an action: answer", sender=w.bot_id)
    await w.bob.say(w.room, "Write down what I stopped doing", thread=card.event_id)
    await w.alice.wait_text(w.room, "Write down what I stopped doing", sender=w.bot_id)

    w.clock.advance(timedelta(minutes=3))
    await w.alice.command(w.room, "end")
    summary = await w.alice.wait_text(w.room, "Meeting summary", sender=w.bot_id)
    assert "due Fri 20 Nov 2026" in summary.body
    ended = [m for m in await w.alice.messages(w.room) if "Meeting 1 has ended" in m.body]
    assert ended and not keys_of(ended[0]), "an ended meeting's card has no reactions left"
    assert await w.seeded(ended[0], 0) == set(), "the bot took its reactions off the card"

    # Between meetings: the check-in comes to Bob's direct room with the bot.
    w.clock.advance(timedelta(days=7))
    assert w.runtime is not None
    assert await w.runtime.delivery.run_due() >= 1
    dm = await w.dm_room(w.bob)
    notice = await w.bob.wait_text(dm, "not end-to-end encrypted", sender=w.bot_id)
    assert notice.content["msgtype"] == "m.notice"
    checkin = await w.card(w.bob, dm, text="Check-in from Leaders")
    assert set(keys_of(checkin)) == {"✅", "⚠", "🎉", "💤", "✏"}
    await w.press(w.bob, "🎉", checkin, room=dm)
    await w.bob.wait_text(dm, "noted as done", sender=w.bot_id)

    # Every message the bot sent says whom it pings, and never the whole room.
    for message in bot_messages(await w.alice.messages(w.room), w.bot_id):
        mentions = message.original.get("m.mentions")
        assert mentions is not None, message.body
        assert "room" not in mentions, message.body


async def test_forget_me_redacts_the_bots_messages_that_carried_the_words(world: World) -> None:
    """On Matrix an edit keeps the original text in the room's history, so erasure redacts
    the bot's message (and its edits) instead of editing it."""
    w = world
    await _set_up(w)
    await w.alice.command(w.room, "start")
    await w.bob.command(w.room, "here bid")
    for _ in range(3):
        await w.alice.command(w.room, "next")
    await w.bob.command(w.room, "commit Confront XYZZYBOSS at lunch")
    posted = await w.alice.wait_text(w.room, "Committed: ", sender=w.bot_id)
    assert "XYZZYBOSS" in posted.body
    await w.bob.command(w.room, "forget-me")
    await w.bob.wait_text(await w.dm_room(w.bob), "Erased from Leaders")
    await w.settle()
    original = await w.alice.call(
        "GET", f"/_matrix/client/v3/rooms/{w.room}/event/{posted.event_id}")
    assert "XYZZYBOSS" not in str(original.get("content")), "the message was redacted"
    assert original.get("unsigned", {}).get("redacted_because")
