"""A whole meeting in a Teams channel, through the real SDK and signed activities: commands
addressed with ``@Revans``, channel talk, ``Action.Execute`` presses that replace the card in
place, and a dialog (``task/fetch`` → ``task/submit``) for the commitment."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import CommitmentRow, EntryRow, MeetingRow, MemberRow
from tests.adapters.teams.conftest import ALICE, BOB, CAROL, CHANNEL, TeamsWorld
from tests.fakes.teams_connector import activity_text, card_actions


def stage_card(world: TeamsWorld) -> dict:
    """The live meeting card (its title starts with "Meeting 1")."""
    cards = [m for m in world.channel() if activity_text(m).startswith("Meeting 1")]
    assert len(cards) == 1, [activity_text(m)[:60] for m in world.channel()]
    return cards[0]


async def set_up(world: TeamsWorld) -> None:
    assert (await world.say(ALICE, "set create Practice North"))[0] == 200
    assert (await world.say(BOB, "set join"))[0] == 200
    assert (await world.say(CAROL, "join"))[0] == 200


async def to_presentation(world: TeamsWorld) -> None:
    await set_up(world)
    await world.say(ALICE, "set start")
    status, body = await world.press(BOB, stage_card(world), "I'm here and I'd like time")
    assert status == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    # Bob's copy of the card carries his private answer; everyone's copy does not.
    assert body["value"]["body"][-1]["text"].startswith("Noted: you're here")
    assert "Noted" not in activity_text(stage_card(world))
    assert not [m for m in world.fake.personal_chat(BOB.id) if "Noted" in activity_text(m)]
    await world.say(CAROL, "set here")
    status, body = await world.press(ALICE, stage_card(world), "Next stage")
    assert status == 200


async def test_a_whole_meeting_in_a_channel(world: TeamsWorld) -> None:
    await to_presentation(world)
    await world.say(BOB, "How do I make supervision reflective again?", mention=False)
    await world.say(ALICE, "set next")
    await world.say(CAROL, "What does reflection look like when it works?", mention=False)
    await world.say(ALICE, "You should just put it on the agenda.", mention=False)
    await world.say(ALICE, "set next")

    # The commitment through its dialog: the button fetches it, the submission commits.
    card = stage_card(world)
    status, fetched = await world.press(BOB, card, "Commit to an action")
    assert status == 200
    dialog = fetched["task"]
    assert dialog["type"] == "continue"
    form_card = dialog["value"]["card"]["content"]
    assert [a["type"] for a in card_actions(form_card)] == ["Action.Submit"]
    submit = world.make.task_submit(BOB, CHANNEL, form_card,
                                    {"action": "Ask the team what they want",
                                     "by": "2026-12-18"}, reply_to=card["id"])
    status, answer = await world.post(submit)
    assert status == 200, answer
    assert answer is None  # the dialog closes; the card shows the commitment

    await world.say(ALICE, "set next")
    await world.say(BOB, "I ask more when I stop fixing.", mention=False)
    await world.say(ALICE, "set end")

    # The stage card is one post in the channel, updated in place to the end.
    cards = [m for m in world.channel() if activity_text(m).startswith("Meeting 1")]
    assert len(cards) == 1
    updates = world.fake.service_calls("PUT")
    assert updates and {c.path.rsplit("/", 1)[1] for c in updates} == {cards[0]["id"]}
    assert "ended" in activity_text(cards[0])

    kinds = sorted(await world.host.db.run(
        lambda session: session.execute(select(EntryRow.kind)).scalars().all()))
    assert kinds == ["learning", "presentation", "question"]
    commitment, meeting = await world.host.db.run(lambda session: (
        session.execute(select(CommitmentRow)).scalar_one(),
        session.execute(select(MeetingRow)).scalar_one()))
    assert commitment.text == "Ask the team what they want"
    assert commitment.owner_key == f"teams:{world.fake.tenant_id}:{BOB.aad}"
    assert meeting.stage == "ended" and meeting.summary

    # The advice nudge went to Alice's personal chat, not the channel.
    nudges = [m for m in world.fake.personal_chat(ALICE.id)
              if "advice" in activity_text(m)]
    assert len(nudges) == 1
    assert not [m for m in world.channel() if "reads more like advice" in activity_text(m)]

    members = await world.host.db.run(
        lambda session: session.execute(select(MemberRow.user_key)).scalars().all())
    assert len(members) == 3


async def test_second_press_of_an_old_card_is_answered_from_its_stage(world: TeamsWorld
                                                                     ) -> None:
    await to_presentation(world)
    opening = [c for c in world.fake.service_calls("POST") if "Meeting 1" in c.text][0]
    old = {**opening.body, "id": stage_card(world)["id"]}
    status, body = await world.press(ALICE, old, "Next stage")
    assert status == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "already moved on" in body["value"]
