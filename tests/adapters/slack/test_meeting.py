"""A whole meeting through Slack: slash commands, buttons, channel messages and a modal, over
signed HTTP, against the fake Web API and a real SQLite file."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import CommitmentRow, EntryRow, MeetingRow, MemberRow
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    CHANNEL,
    count,
    find_button,
    texts,
    to_commitment,
    to_presentation,
    to_questioning,
)


async def test_a_whole_meeting_through_slack(world: SlackWorld) -> None:
    send = world.send
    await to_questioning(world)
    await send.message(user="UCAROL", channel=CHANNEL,
                       text="What does reflection look like for you when it works?")
    await send.message(user="UALICE", channel=CHANNEL,
                       text="You should just put it on the agenda.")
    await world.settle()
    await send.command(user="UALICE", channel=CHANNEL, text="next")
    await world.settle()
    status, _, _ = await send.command(user="UBOB", channel=CHANNEL,
                                      text="commit Ask the team what they want by 2026-11-20")
    assert status == 200
    await world.settle()
    await send.command(user="UALICE", channel=CHANNEL, text="next")
    await world.settle()
    await send.message(user="UBOB", channel=CHANNEL, text="I ask more when I stop fixing.")
    await world.settle()
    await send.command(user="UALICE", channel=CHANNEL, text="end")
    await world.settle()

    # The stage card is one message, edited in place from opening to the end.
    cards = [m for m in world.fake.channel_messages(CHANNEL)
             if m.blocks and m.blocks[0].get("type") == "header"
             and m.blocks[0]["text"]["text"].startswith("Meeting 1")]
    assert len(cards) == 1
    card = cards[0]
    assert card.edits >= 6
    assert card.blocks[0]["text"]["text"] == "Meeting 1 has ended"
    assert {c.args["ts"] for c in world.fake.calls_to("chat.update")} == {card.ts}

    # Channel talk was recorded by stage: the presentation, one question, one learning; the
    # advice was not recorded, and only its author was nudged, privately.
    kinds = sorted(await world.runtime.db.run(
        lambda session: session.execute(select(EntryRow.kind)).scalars().all()))
    assert kinds == ["learning", "presentation", "question"]
    nudges = [c for c in world.fake.calls_to("chat.postEphemeral")
              if "reads more like advice" in c.args["text"]]
    assert [c.args["user"] for c in nudges] == ["UALICE"]

    # The commitment is stored and the summary was posted to the channel.
    commitment, meeting = await world.runtime.db.run(lambda session: (
        session.execute(select(CommitmentRow)).scalar_one(),
        session.execute(select(MeetingRow)).scalar_one()))
    assert commitment.text == "Ask the team what they want"
    assert commitment.owner_key == "slack:T1:UBOB"
    assert meeting.stage == "ended" and meeting.summary
    summary = [m for m in world.fake.channel_messages(CHANNEL)
               if m.blocks and m.blocks[0]["text"]["text"] == "Meeting summary"]
    assert len(summary) == 1
    assert "Here: <@UALICE>, <@UBOB>, <@UCAROL>" in summary[0].text
    assert "How do I get my team to reflect?" in summary[0].text
    assert "Ask the team what they want — due Fri 20 Nov 2026" in summary[0].text


async def test_commit_form_is_a_modal_and_its_submission_commits(world: SlackWorld) -> None:
    await to_commitment(world)
    press_trigger = "trig.commit-press"
    await world.send.press(user="UBOB", channel=CHANNEL, trigger_id=press_trigger,
                           action=find_button(world, CHANNEL, "commit:"))
    await world.settle()
    opened = world.fake.calls_to("views.open")
    assert len(opened) == 1
    assert opened[0].args["trigger_id"] == press_trigger
    view = opened[0].args["view"]
    assert len(view["title"]["text"]) <= 24
    elements = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert elements == {"action": "plain_text_input", "by": "datepicker"}

    status, body, _ = await world.send.submit(user="UBOB", view=view, values={
        "action": {"action": {"type": "plain_text_input", "value": "Phone three volunteers"}},
        "by": {"by": {"type": "datepicker", "selected_date": "2026-11-27"}},
    })
    assert status == 200 and body == ""  # an empty ack closes the modal
    await world.settle()
    commitment = await world.runtime.db.run(
        lambda session: session.execute(select(CommitmentRow)).scalar_one())
    assert commitment.text == "Phone three volunteers"
    assert commitment.due_at.date().isoformat() == "2026-11-27"
    assert any("Committed: <@UBOB>: Phone three volunteers — due Fri 27 Nov 2026" in text
               for text in texts(world, "chat.postMessage"))


async def test_presenting_through_the_form(world: SlackWorld) -> None:
    await to_presentation(world)
    await world.send.press(user="UBOB", channel=CHANNEL,
                           action=find_button(world, CHANNEL, "present:"))
    await world.settle()
    view = world.fake.calls_to("views.open")[0].args["view"]
    assert [b["block_id"] for b in view["blocks"]] == ["question", "background", "tried"]
    assert [b["optional"] for b in view["blocks"]] == [False, True, True]
    await world.send.submit(user="UBOB", view=view, values={
        "question": {"question": {"type": "plain_text_input", "value": "What keeps people?"}},
        "background": {"background": {"type": "plain_text_input", "value": "They drift."}},
        "tried": {"tried": {"type": "plain_text_input", "value": None}},
    })
    await world.settle()
    entry = await world.runtime.db.run(
        lambda session: session.execute(select(EntryRow)).scalar_one())
    assert entry.kind == "presentation" and entry.user_key == "slack:T1:UBOB"
    assert entry.text.startswith("What keeps people?\nBackground: They drift.")
    echoed = [t for t in texts(world, "chat.postMessage") if "What keeps people?" in t]
    assert len(echoed) == 1


async def test_a_stranger_cannot_move_the_meeting(world: SlackWorld) -> None:
    await to_presentation(world)
    before = len(world.fake.calls_to("chat.update"))
    await world.send.press(user="UDAVE", channel=CHANNEL,
                           action=find_button(world, CHANNEL, "next:"))
    await world.settle()
    assert len(world.fake.calls_to("chat.update")) == before
    refused = world.fake.calls_to("chat.postEphemeral")[-1]
    assert refused.args["user"] == "UDAVE" and "not a member" in refused.args["text"]
    assert await count(world, EntryRow) == 0


async def test_reporting_back_through_the_form_at_the_next_review(world: SlackWorld) -> None:
    await to_commitment(world)
    await world.send.command(user="UBOB", channel=CHANNEL, text="commit Ask the team")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="end")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="start")
    await world.settle()
    await world.send.command(user="UBOB", channel=CHANNEL, text="here")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="next")
    await world.settle()
    card = world.fake.channel_messages(CHANNEL)
    assert any("Meeting 2 of Practice — review" in m.text for m in card)

    await world.send.press(user="UBOB", channel=CHANNEL,
                           action=find_button(world, CHANNEL, "report:"))
    await world.settle()
    view = world.fake.calls_to("views.open")[-1].args["view"]
    outcome = view["blocks"][0]["element"]
    assert outcome["type"] == "static_select"
    assert [o["value"] for o in outcome["options"]] == ["done", "partly", "not"]
    await world.send.submit(user="UBOB", view=view, values={
        "outcome": {"outcome": {"type": "static_select",
                                "selected_option": {"value": "partly"}}},
        "account": {"account": {"type": "plain_text_input",
                                "value": "Two said yes; the third is away."}},
    })
    await world.settle()
    commitment = await world.runtime.db.run(
        lambda session: session.execute(select(CommitmentRow)).scalar_one())
    assert (commitment.outcome, commitment.account) == ("partly",
                                                        "Two said yes; the third is away.")
    assert any("<@UBOB> reported back: partly done" in t for t in texts(world))


async def test_a_member_from_another_organisation_in_a_shared_channel(world: SlackWorld) -> None:
    """Slack Connect: a payload can carry the member's own team; the channel stays one set."""
    await world.send.command(user="UALICE", channel=CHANNEL, text="create Practice")
    await world.settle()
    await world.send.command(user="UEXT", channel=CHANNEL, text="join", team="TPARTNER")
    await world.settle()
    members = sorted(await world.runtime.db.run(
        lambda session: session.execute(select(MemberRow.user_key)).scalars().all()))
    assert members == ["slack:T1:UALICE", "slack:T1:UEXT"]


async def test_forget_me_edits_the_bots_messages_in_slack_and_posts_nothing_new(
        world: SlackWorld) -> None:
    """The commitment the bot posted and the stage card are edited to read as erased; slots
    that were never posted (no help request, no insight) post nothing."""
    send = world.send
    await to_commitment(world)
    await send.command(user="UBOB", channel=CHANNEL, text="commit Confront XYZZYBOSS at lunch")
    await world.settle()
    posted_before = len(world.fake.calls_to("chat.postMessage"))
    await send.command(user="UBOB", channel=CHANNEL, text="forget-me")
    await world.settle()
    assert len(world.fake.calls_to("chat.postMessage")) == posted_before
    shown = [m for m in world.fake.channel_messages(CHANNEL)]
    assert not any("XYZZYBOSS" in (m.text or "") + str(m.blocks) for m in shown)
    assert any("[erased at the member's request]" in (m.text or "") + str(m.blocks)
               for m in shown if m.edits)
    (reply,) = [c for c in world.fake.calls_to("chat.postEphemeral") if c.args["user"] == "UBOB"
                and "Erased from" in c.args["text"]]
    assert "1 commitment" in reply.args["text"]
