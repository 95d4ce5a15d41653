"""A whole meeting through slash commands, button clicks, a modal and channel messages."""

from __future__ import annotations

import copy
from datetime import timedelta

from tests.adapters.discord.conftest import (
    ALICE,
    BOB,
    CAROL,
    EPHEMERAL,
    Harness,
    assert_mentions_safe,
    buttons,
    meeting_with_a_commitment,
)
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID


async def _set_up(h: Harness) -> None:
    await h.slash(ALICE, "create", name="Leaders")
    await h.slash(BOB, "join")
    await h.slash(CAROL, "join")


async def test_a_whole_meeting(harness: Harness) -> None:
    h = harness
    await _set_up(h)
    token = await h.slash(ALICE, "schedule", when="2026-11-30 14:00", every=4)
    assert "Next meeting: Mon 30 Nov 2026, 14:00" in h.replies(token)
    assert "every 4 weeks" in h.replies(token)

    await h.slash(ALICE, "start")
    card = h.card()
    assert card["embeds"][0]["title"] == "Meeting 1 of Leaders — opening"
    assert set(buttons(card)) == {"Next stage", "I'm here", "I'm here and I'd like time"}

    bid = await h.press(BOB, "I'm here and I'd like time")
    assert "number 1 in the queue" in h.replies(bid)
    assert h.fake.callback_for(bid)["type"] == 7, "the click is answered by editing the card"
    await h.press(CAROL, "I'm here")
    await h.press(ALICE, "I'm here")
    opening_card_id = card["id"]
    assert "<@800000000000000002>" in h.card()["embeds"][0]["fields"][3]["value"]

    # The facilitator moves on; the same card is edited in place, the presenter is pinged.
    await h.press(ALICE, "Next stage")
    assert h.card()["id"] == opening_card_id
    assert h.card()["embeds"][0]["title"] == "Meeting 1 of Leaders — presentation"
    ping = [r.body for r in h.fake.sent() if "over to" in (r.body.get("content") or "")]
    assert ping and ping[-1]["allowed_mentions"] == {"users": [BOB], "parse": []}

    # The presenter presents with the form (a modal must be the first answer to the click).
    opened = await h.press(BOB, "Present")
    callback = h.fake.callback_for(opened)
    assert callback["type"] == 9
    form_id = callback["data"]["custom_id"]
    inputs = [row["components"][0]["custom_id"] for row in callback["data"]["components"]]
    assert inputs == ["question", "background", "tried"]
    submitted = await h.submit(BOB, CHANNEL_ID, form_id, {
        "question": "How do I get my team to say no to me?", "background": "Six people",
        "tried": ""}, message_id=int(opening_card_id))
    assert h.fake.callback_for(submitted) is not None
    assert "How do I get my team to say no to me?" in h.channel_text()

    h.clock.advance(timedelta(minutes=4))
    await h.press(BOB, "Next stage")
    assert "— questioning" in h.card()["embeds"][0]["title"]
    # Questions are read from the channel (message content intent) and counted on the card.
    await h.say(CAROL, "What have you tried so far?")
    await h.say(ALICE, "Who else sees this?")
    # Advice is not recorded; its author is nudged privately (a DM: no interaction to answer).
    await h.say(CAROL, "You should just tell them to stop.")
    nudge = h.fake.channel_messages(h.fake.dm_channels[CAROL])
    assert len(nudge) == 1 and "reads more like advice" in nudge[0]["content"]
    assert "reads more like advice" not in h.channel_text()
    h.clock.advance(timedelta(minutes=1))
    token = await h.slash(ALICE, "status")
    assert "questioning" in h.replies(token)
    questions = {f["name"]: f["value"] for f in h.card()["embeds"][0]["fields"]}
    assert questions["Questions"] == "2 · askers 2"

    h.clock.advance(timedelta(minutes=10))
    await h.press(ALICE, "Next stage")
    assert "— commitment" in h.card()["embeds"][0]["title"]
    token = await h.slash(BOB, "commit", action="Ask each person for one thing to stop",
                          by="2026-11-20")
    assert "Committed" in h.channel_text()
    assert "Ask each person for one thing to stop" in h.channel_text()
    # A second commitment through the form, due by default at the next meeting.
    opened = h.fake.callback_for(await h.press(BOB, "Commit to an action"))
    assert opened["type"] == 9
    await h.submit(BOB, CHANNEL_ID, opened["data"]["custom_id"],
                   {"action": "Write down what I stopped doing", "by": ""},
                   message_id=int(opening_card_id))
    assert "Write down what I stopped doing — due Mon 30 Nov 2026" in h.channel_text()

    h.clock.advance(timedelta(minutes=3))
    await h.press(BOB, "Next stage")
    assert "— closing" in h.card()["embeds"][0]["title"]
    await h.say(CAROL, "Listening longer helps.")
    h.clock.advance(timedelta(minutes=3))
    token = await h.slash(ALICE, "end")
    final = h.fake.messages[int(opening_card_id)]
    assert final["embeds"][0]["title"] == "Meeting 1 has ended"
    assert final["components"] == [], "an ended meeting's card has no buttons"
    summary = h.channel_text()
    assert "Meeting summary" in summary
    assert "questions 2 · askers 2" in summary
    assert "due Fri 20 Nov 2026" in summary
    assert assert_mentions_safe(h.fake) > 20


async def test_old_next_button_is_told_the_meeting_moved_on(harness: Harness) -> None:
    h = harness
    await _set_up(h)
    await h.slash(ALICE, "start")
    await h.slash(BOB, "here", bid=True)
    stale = copy.deepcopy(h.card())
    await h.press(ALICE, "Next stage")
    h.clock.advance(timedelta(seconds=30))
    token = await h.click(ALICE, int(stale["id"]), buttons(stale)["Next stage"], seen=stale)
    assert "already moved on" in h.replies(token)
    reply = h.fake.replies_to(token)[0]
    assert int(reply["flags"]) & EPHEMERAL


async def test_unknown_and_refused_commands_get_a_private_answer(harness: Harness) -> None:
    h = harness
    token = await h.slash(BOB, "start")
    assert "isn't a set's home yet" in h.replies(token)
    assert int(h.fake.replies_to(token)[0]["flags"]) & EPHEMERAL
    await _set_up(h)
    token = await h.slash(BOB, "timebox", stage="questioning", minutes=20)
    assert "Only the facilitator" in h.replies(token)
    # A programme subcommand reaches the core and gets a private answer, whatever the core
    # makes of it today (it is learning these verbs).
    token = await h.slash(ALICE, "programme join", code="ABC-123")
    assert h.replies(token)
    assert all(int(r.get("flags") or 0) & EPHEMERAL for r in h.fake.replies_to(token))


async def test_a_members_own_mentions_never_ping(harness: Harness) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Ops <@800000000000000002> @everyone <@&5>")
    await h.slash(BOB, "join")
    assert_mentions_safe(h.fake)
    shown = h.channel_text()
    assert "@everyone" not in shown and "<@800000000000000002>" not in shown.split("\n")[0]
    assert "@\u200beveryone" in shown and "<@\u200b800000000000000002>" in shown
    assert "<@\u200b&5>" in shown
    join_post = next(r.body for r in h.fake.sent() if "joined the set" in
                     (r.body.get("data", r.body).get("content") or ""))
    data = join_post.get("data", join_post)
    assert data["allowed_mentions"] == {"users": [BOB], "parse": []}


async def test_review_reported_back_through_the_form_and_split_when_long(
        harness: Harness) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    h.clock.advance(timedelta(days=14))
    await h.slash(ALICE, "start")
    await h.press(BOB, "I'm here")
    h.clock.advance(timedelta(minutes=1))
    await h.press(ALICE, "Next stage")
    card = h.card()
    assert "— review" in card["embeds"][0]["title"]
    fields = {f["name"]: f["value"] for f in card["embeds"][0]["fields"]}
    assert "Call the team" in "".join(fields.values())

    opened = h.fake.callback_for(await h.press(BOB, "Report back"))
    assert opened["type"] == 9
    inputs = {row["components"][0]["custom_id"]: row["components"][0]
              for row in opened["data"]["components"]}
    assert set(inputs) == {"outcome", "account"}
    assert "done" in inputs["outcome"]["placeholder"]
    account = " ".join(f"step{i}" for i in range(420))  # about 3,000 characters
    before = len(h.fake.channel_messages(CHANNEL_ID))
    await h.submit(BOB, CHANNEL_ID, opened["data"]["custom_id"],
                   {"outcome": "done", "account": account}, message_id=int(card["id"]))
    posted = [m for m in h.fake.channel_messages(CHANNEL_ID)[before:]
              if "reported back" in str(m.get("embeds"))]
    # One message (an embed holds 4,096 characters), kept as a slot so that erasure can edit
    # it: a report split over two messages would leave half of it behind.
    assert len(posted) == 1, "a report of 3,000 characters is one message"
    assert "step419" in posted[0]["embeds"][0]["description"]
    assert "reported: done" in str(h.card()["embeds"])


async def test_everyone_pressing_im_here_at_once_ends_with_everyone_on_the_card(
        harness: Harness) -> None:
    h = harness
    await _set_up(h)
    for user_id, name in ((800000000000000004, "dan"), (800000000000000005, "erin")):
        h.fake.add_user(user_id, name)
        await h.slash(user_id, "join")
    await h.slash(ALICE, "start")
    card = h.card()
    custom_id = buttons(card)["I'm here"]
    members = (BOB, CAROL, 800000000000000004, 800000000000000005)
    before = h.adapter.inbound.handled
    for user_id in members:  # all at once: the clicks race through the engine and the outbox
        await h.fake.click(user_id, int(card["id"]), custom_id)
    await h.adapter.inbound.settled(before + len(members))
    here = {f["name"]: f["value"] for f in h.fake.messages[int(card["id"])]["embeds"][0]["fields"]}
    for user_id in (ALICE, *members):
        assert f"<@{user_id}>" in here["Here"]


async def test_a_click_arriving_without_its_message_components_is_still_taken(
        harness: Harness) -> None:
    """discord.py's dynamic items drop such a click; the adapter takes it from the payload."""
    h = harness
    await _set_up(h)
    await h.slash(ALICE, "start")
    card = h.card()
    payload = h.fake.interaction_payload(
        3, CAROL, CHANNEL_ID, {"custom_id": buttons(card)["I'm here"], "component_type": 2},
        {**card, "components": []})
    before = h.adapter.inbound.handled
    await h.fake.dispatch("INTERACTION_CREATE", payload)
    await h.adapter.inbound.settled(before + 1)
    assert "Noted: you're here." in h.replies(payload["token"])
    assert "<@800000000000000003>" in str(h.fake.messages[int(card["id"])]["embeds"])


async def test_a_guild_command_arriving_without_its_guild_id_is_still_run(
        harness: Harness) -> None:
    h = harness
    payload = h.fake.command_payload(ALICE, CHANNEL_ID, "create", name="Leaders")
    payload["data"].pop("guild_id")
    before = h.adapter.inbound.handled
    await h.fake.dispatch("INTERACTION_CREATE", payload)
    await h.adapter.inbound.settled(before + 1)
    assert "Action learning set: Leaders" in h.replies(payload["token"])
    assert h.fake.command_puts == [f"guild:{GUILD_ID}"], "nothing registered globally"
