"""Between meetings: a check-in arrives by DM (conversations.open, chat.postMessage), is
answered with its buttons (block_actions in the DM), and the App Home tab shows it all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import CheckinRow
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import CHANNEL, find_button, texts, to_commitment


async def commit_and_end(world: SlackWorld) -> None:
    await to_commitment(world)
    await world.send.command(user="UBOB", channel=CHANNEL, text="commit Ask the team")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="schedule 2026-11-30 10:00")
    await world.send.command(user="UALICE", channel=CHANNEL, text="end")
    await world.settle()


async def test_checkin_dm_answered_with_buttons(world: SlackWorld) -> None:
    await commit_and_end(world)
    assert not world.fake.calls_to("conversations.open")
    world.clock.advance(timedelta(days=7, hours=1))
    assert await world.runtime.delivery.run_due() >= 1
    await world.settle()

    opened = world.fake.calls_to("conversations.open")
    assert [c.args["users"] for c in opened] == ["UBOB"]
    dm = world.fake.channel_messages("DUBOB")
    assert len(dm) == 1 and "Ask the team" in dm[0].text
    labels = [e["text"]["text"] for b in dm[0].blocks for e in b.get("elements", [])]
    assert labels == ["On track", "Stuck", "Done", "Snooze", "Change it"]

    # "Stuck", pressed in the DM: the answer is stored and the bot offers to ask for help.
    stuck = find_button(world, "DUBOB", "checkin:")
    stuck = stuck.rsplit(":", 1)[0] + ":stuck"
    status, _, seconds = await world.send.press(user="UBOB", channel="DUBOB",
                                                channel_name="directmessage", action=stuck)
    assert status == 200
    await world.settle()
    answers = await world.runtime.db.run(
        lambda session: session.execute(select(CheckinRow)).scalars().all())
    assert [(a.user_key, a.answer) for a in answers] == [("slack:T1:UBOB", "stuck")]
    offer = world.fake.channel_messages("DUBOB")[-1]
    assert "Would you like to ask your set for help?" in offer.text

    # "Ask my set for help": a request goes to the set's channel.
    await world.send.press(user="UBOB", channel="DUBOB", channel_name="directmessage",
                           action=find_button(world, "DUBOB", "help:"))
    await world.settle()
    request = world.fake.channel_messages(CHANNEL)[-1]
    assert "<@UBOB> is stuck on: Ask the team" in request.text
    assert any("asked Practice for help" in t for t in texts(world, "chat.postMessage"))


async def test_progress_typed_in_the_dm(world: SlackWorld) -> None:
    await commit_and_end(world)
    world.clock.advance(timedelta(days=7, hours=1))
    await world.runtime.delivery.run_due()
    await world.settle()
    await world.send.command(user="UBOB", channel="DUBOB", channel_name="directmessage",
                             text="progress on-track talking to two of them")
    await world.settle()
    answer = await world.runtime.db.run(
        lambda session: session.execute(select(CheckinRow)).scalar_one())
    assert (answer.answer, answer.note) == ("on-track", "talking to two of them")
    reply = world.fake.calls_to("chat.postMessage")[-1]
    assert reply.args["channel"] == "DUBOB"  # a whisper in a DM is a plain message there


async def test_app_home_shows_commitments_answers_and_next_meeting(world: SlackWorld) -> None:
    await commit_and_end(world)
    world.clock.advance(timedelta(days=7, hours=1))
    await world.runtime.delivery.run_due()
    await world.settle()
    await world.send.command(user="UBOB", channel="DUBOB", channel_name="directmessage",
                             text="progress stuck no replies yet")
    await world.settle()
    status, _, _ = await world.send.event({"type": "app_home_opened", "user": "UBOB",
                                           "channel": "DUBOB", "tab": "home"})
    assert status == 200
    await world.settle()
    published = world.fake.calls_to("views.publish")
    assert len(published) == 1 and published[0].args["user_id"] == "UBOB"
    view = published[0].args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    shown = "\n".join(str(b.get("text", {}).get("text", "")) for b in view["blocks"])
    assert "Practice" in shown
    assert "Ask the team" in shown
    assert "stuck — no replies yet" in shown
    assert "Next meeting*: Mon 30 Nov 2026" in shown

    # Someone in no set sees where to start.
    await world.send.event({"type": "app_home_opened", "user": "UNEW", "tab": "home"})
    await world.settle()
    view = world.fake.calls_to("views.publish")[-1].args["view"]
    assert "not in any set yet" in view["blocks"][0]["text"]["text"]
