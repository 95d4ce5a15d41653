"""Between meetings: check-ins arrive in each member's personal chat (a 1:1 conversation the
bot opens from the reference it stored when it first saw them), are answered with their
buttons, and "Stuck" can ask the set's channel for help. A member who removed the app cannot
be reached: nothing is posted in the channel instead, and the bot says so."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.scheduler import move_clock
from storage.models import CheckinRow
from tests.adapters.teams.conftest import ALICE, BOB, CAROL, CHANNEL, TeamsWorld, personal
from tests.adapters.teams.test_meeting import stage_card, to_presentation
from tests.fakes.teams_connector import activity_text, find


async def commit_and_end(world: TeamsWorld) -> None:
    await to_presentation(world)
    await world.say(BOB, "How do I make supervision reflective again?", mention=False)
    await world.say(ALICE, "set next")
    await world.say(ALICE, "set next")
    await world.say(BOB, "set commit Ask the team")
    await world.say(ALICE, "set schedule 2026-12-21 10:00")
    await world.say(ALICE, "set end")


async def test_checkin_in_the_personal_chat_answered_with_buttons(world: TeamsWorld) -> None:
    await commit_and_end(world)
    before = len(world.fake.personal_chat(BOB.id))
    assert await move_clock(world.host.delivery, world.clock, timedelta(days=7, hours=1)) >= 1

    created = [c for c in world.fake.service_calls("POST") if c.path.endswith("/conversations")]
    assert [c.body["members"] for c in created if c.body["members"][0]["id"] == BOB.id] == [
        [{"id": BOB.id}]]  # opened once, then known
    assert {c.body["tenantId"] for c in created} == {world.fake.tenant_id}
    chat = world.fake.personal_chat(BOB.id)[before:]
    assert len(chat) == 1 and "Ask the team" in activity_text(chat[0])
    labels = [a["title"] for a in chat[0]["attachments"][0]["content"]["actions"]]
    assert labels == ["On track", "Stuck", "Done", "Snooze", "Change it"]
    place = personal(BOB)

    status, answer = await world.press(BOB, chat[0], "Stuck", place)
    assert status == 200
    answers = await world.host.db.run(
        lambda session: session.execute(select(CheckinRow)).scalars().all())
    assert [(a.user_key, a.answer) for a in answers] == [
        (f"teams:{world.fake.tenant_id}:{BOB.aad}", "stuck")]
    offer = find(world.fake.personal_chat(BOB.id), lambda t: "ask your set for help" in t)
    status, _ = await world.press(BOB, offer, "Ask my set for help", place)
    assert status == 200
    request = world.channel()[-1]
    assert "stuck on: Ask the team" in activity_text(request)
    entity = request["attachments"][0]["content"]["msteams"]["entities"][0]
    assert entity["mentioned"]["id"] == BOB.id  # the one ping the bot means: Bob, by id


async def test_progress_typed_in_the_personal_chat(world: TeamsWorld) -> None:
    await commit_and_end(world)
    await move_clock(world.host.delivery, world.clock, timedelta(days=7, hours=1))
    place = personal(BOB)
    status, _ = await world.say(BOB, "set progress on-track talking to two of them", place)
    assert status == 200
    answer = await world.host.db.run(
        lambda session: session.execute(select(CheckinRow)).scalar_one())
    assert (answer.answer, answer.note) == ("on-track", "talking to two of them")


async def test_a_member_who_removed_the_app_is_not_reached_in_the_channel(world: TeamsWorld
                                                                          ) -> None:
    await commit_and_end(world)
    world.fake.uninstalled.add(BOB.id)
    await world.post(world.make.installation(BOB, personal(BOB), "remove"))
    before, seen = len(world.channel()), len(world.fake.personal_chat(BOB.id))
    await move_clock(world.host.delivery, world.clock, timedelta(days=7, hours=1))
    assert len(world.fake.personal_chat(BOB.id)) == seen  # refused by Teams (403)
    assert len(world.channel()) == before  # nothing private leaked into the channel
    assert await world.host.adapter_state("teams", f"unreachable:{world.fake.tenant_id}:"
                                          f"{BOB.aad}") == "app removed"
    told = [m for m in world.fake.personal_chat(ALICE.id)
            if "can no longer send" in activity_text(m)]
    assert len(told) == 1  # the facilitator, privately, once
    assert "Bob Baker" in activity_text(told[0])

    # Bob adds the app again: the held check-in reaches him, once.
    world.fake.uninstalled.discard(BOB.id)
    await world.post(world.make.installation(BOB, personal(BOB), "add"))
    chat = world.fake.personal_chat(BOB.id)[seen:]
    assert ["Ask the team" in activity_text(m) for m in chat] == [True]
    await world.say(BOB, "set help", personal(BOB))
    assert sum("On track" in activity_text(m) for m in world.fake.personal_chat(BOB.id)) == 1


async def test_a_whisper_in_a_channel_goes_to_the_personal_chat(world: TeamsWorld) -> None:
    await to_presentation(world)
    before = len(world.channel())
    await world.say(CAROL, "set next")  # not hers to move: a private refusal
    assert len(world.channel()) == before
    refusal = world.fake.personal_chat(CAROL.id)[-1]
    assert "facilitator" in activity_text(refusal) or "presenter" in activity_text(refusal)
    assert stage_card(world)


async def test_members_added_to_the_team_are_remembered_for_check_ins(world: TeamsWorld
                                                                      ) -> None:
    from tests.fakes.teams_connector import Member

    dave = Member("29:1dave-teams-id", "Dave Dale", aad="dddddddd-0000-4000-8000-000000000004")
    status, _ = await world.post(world.make.members_added(CHANNEL, [dave], by=ALICE,
                                                         bot_added=True))
    assert status == 200
    stored = await world.host.adapter_state("teams", f"user:{world.fake.tenant_id}:{dave.aad}")
    assert stored is not None and dave.id in stored and world.fake.service_url in stored
    assert world.fake.calls == []  # nothing said in the channel for it
