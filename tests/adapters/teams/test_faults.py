"""Bad input and faults: Teams throttles (429 with ``Retry-After``) or fails (5xx) and nothing is
lost; an activity delivered twice is handled once; a press from a conversation that is not a
set gets the usage; a personal chat works without a set."""

from __future__ import annotations

from storage.models import MemberRow, SetRow
from tests.adapters.teams.conftest import ALICE, BOB, CHANNEL, GROUP_CHAT, TeamsWorld, personal
from tests.adapters.teams.test_meeting import set_up, stage_card
from tests.fakes.teams_connector import Place, activity_text


async def test_throttled_and_failing_sends_are_retried_after_retry_after(world: TeamsWorld
                                                                         ) -> None:
    world.fake.fail_next(429, retry_after=7, match="POST /teams/v3/conversations/19:")
    world.fake.fail_next(503, match="POST /teams/v3/conversations/19:")
    status, _ = await world.say(ALICE, "set create Practice North")
    assert status == 200
    sends = world.fake.service_calls("POST", CHANNEL.conversation_id)
    assert [c.status for c in sends] == [429, 503, 200]
    assert world.waits[0] == 7  # the service's Retry-After, honoured
    assert len(world.channel()) == 1 and "Practice North" in activity_text(world.channel()[0])


async def test_an_update_refused_once_is_retried(world: TeamsWorld) -> None:
    await set_up(world)
    await world.say(ALICE, "set start")
    world.fake.fail_next(500, match="PUT ")
    status, body = await world.press(BOB, stage_card(world), "I'm here")
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert [c.status for c in world.fake.service_calls("PUT")] == [500, 200]
    assert "Bob Baker" in activity_text(stage_card(world))


async def test_a_replayed_activity_is_handled_once(world: TeamsWorld) -> None:
    activity = world.make.message(ALICE, CHANNEL, "set create Practice North",
                                  mention_bot=True, activity_id="1700000000001")
    assert (await world.post(activity))[0] == 200
    join = world.make.message(BOB, CHANNEL, "set join", mention_bot=True,
                              activity_id="1700000000002")
    assert (await world.post(join))[0] == 200
    sent = len(world.fake.calls)
    assert (await world.post(join))[0] == 200  # Teams delivers it again
    assert (await world.post(activity))[0] == 200
    assert len(world.fake.calls) == sent
    assert await world.rows(SetRow) == 1
    assert await world.rows(MemberRow) == 2


async def test_a_card_action_outside_a_set_is_answered(world: TeamsWorld) -> None:
    """The core's answer (no set here, and how to start one), to the presser alone."""
    stranger = Place("19:not-a-set@thread.tacv2")
    pressed = world.make.card_action(ALICE, stranger, {"verb": "next", "data": {
        "revans": "next:0123456789abcdef:3"}}, reply_to="1234")
    status, body = await world.post(pressed)
    assert status == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "this channel isn't a set's home" in body["value"]
    assert "/set create" in body["value"] and "/set help" in body["value"]
    assert world.fake.service_calls("POST", stranger.conversation_id) == []


async def test_a_press_without_our_data_is_answered_not_ignored(world: TeamsWorld) -> None:
    pressed = world.make.card_action(ALICE, CHANNEL, {"verb": "x", "data": {}}, reply_to="1")
    status, body = await world.post(pressed)
    assert status == 200 and body["value"]


async def test_a_group_chat_can_be_a_set(world: TeamsWorld) -> None:
    await world.say(ALICE, "set create Group Set", GROUP_CHAT)
    await world.say(BOB, "set join", GROUP_CHAT)
    chat = world.fake.conversation(GROUP_CHAT.conversation_id)
    assert "Group Set" in activity_text(chat[0]) and "joined" in activity_text(chat[-1])


async def test_the_mention_is_stripped_and_the_thread_suffix_ignored(world: TeamsWorld) -> None:
    await world.say(ALICE, "set create Practice North")
    reply = world.make.message(BOB, CHANNEL, "set join", mention_bot=True,
                               thread_root="1700000000000")
    assert reply["conversation"]["id"].endswith(";messageid=1700000000000")
    assert (await world.post(reply))[0] == 200
    assert await world.rows(MemberRow) == 2  # the same set: keyed by the channel


async def test_personal_chat_command_without_a_set(world: TeamsWorld) -> None:
    status, _ = await world.say(BOB, "set help", personal(BOB))
    assert status == 200
    chat = world.fake.personal_chat(BOB.id)
    assert chat and "/set" in activity_text(chat[-1])


async def test_a_message_the_bot_failed_on_is_refused_so_teams_sends_it_again(
        world: TeamsWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine = world.host.engine
    decide = engine.decide
    failures = [RuntimeError("the database is down")]

    async def failing_once(events):  # type: ignore[no-untyped-def]
        if failures:
            raise failures.pop()
        return await decide(events)

    monkeypatch.setattr(engine, "decide", failing_once)
    activity = world.make.message(ALICE, CHANNEL, "set create Practice North",
                                  mention_bot=True)
    status, _ = await world.post(activity)
    assert status == 500  # not acknowledged: Teams delivers it again
    assert await world.rows(SetRow) == 0
    status, _ = await world.post(activity)
    assert status == 200
    assert await world.rows(SetRow) == 1


async def test_a_form_asked_for_outside_a_dialog_comes_with_a_button_that_opens_it(
        world: TeamsWorld) -> None:
    from adapters.teams import inbound
    from bot.core.cards import FieldKind, Form, FormField
    from bot.core.effects import OpenForm

    await world.say(BOB, "set help", personal(BOB))  # the bot has seen Bob
    pressed = world.make.card_action(BOB, CHANNEL, {"verb": "x", "data": {
        "revans": "x:1"}}, reply_to="1")
    turn = inbound.turn_for(pressed, "card")
    form = Form(id="commit:m1", title="Your commitment", fields=(
        FormField(name="action", label="Action", kind=FieldKind.LONG),))
    await world.service.outbox.send(OpenForm(where=turn.where, user=turn.user, form=form), turn)
    assert turn.answer["type"] == "application/vnd.microsoft.activity.message"
    opener = world.fake.personal_chat(BOB.id)[-1]
    (button,) = opener["attachments"][0]["content"]["actions"]
    assert button["data"]["msteams"]["type"] == "task/fetch"
    assert button["data"]["revans"] == "commit:m1"


async def test_a_deleted_meeting_card_is_posted_anew(world: TeamsWorld) -> None:
    await set_up(world)
    await world.say(ALICE, "set start")
    old = stage_card(world)["id"]
    world.fake.delete(CHANNEL.conversation_id, old)
    await world.say(BOB, "set here")
    card = stage_card(world)
    assert card["id"] != old and "Bob Baker" in activity_text(card)
    await world.say(ALICE, "set here")
    assert stage_card(world)["id"] == card["id"]  # the new one is updated from now on
