"""The outbox on its own, against the fake Web API: slots, forms, errors with no one acting."""

from __future__ import annotations

import logging

import pytest

from adapters.slack.outbox import Interaction, SlackOutbox
from bot.core.cards import Card, FieldKind, Form, FormField
from bot.core.effects import DirectMessage, OpenForm, Update, Whisper
from bot.core.refs import ChannelRef, UserRef
from storage import repository
from tests.adapters.slack.conftest import SlackWorld

WHERE = ChannelRef(platform="slack", workspace="T1", channel="C1")
ALICE = UserRef(platform="slack", workspace="T1", id="UALICE")
FORM = Form(id="commit:m1", title="Commit to an action", fields=(
    FormField(name="action", label="The action", kind=FieldKind.LONG),))


def outbox(world: SlackWorld) -> SlackOutbox:
    found = world.runtime.engine.outboxes["slack"]
    assert isinstance(found, SlackOutbox)
    return found


async def test_update_posts_an_unknown_slot_then_edits_it(world: SlackWorld) -> None:
    await outbox(world).send(Update(where=WHERE, card=Card(title="Stage", body="one",
                                                           slot="stage:m1")))
    await outbox(world).send(Update(where=WHERE, card=Card(title="Stage", body="two",
                                                           slot="stage:m1")))
    [posted] = world.fake.calls_to("chat.postMessage")
    [edited] = world.fake.calls_to("chat.update")
    ts = await world.runtime.db.run(
        lambda session: repository.get_slot(session, WHERE.key, "stage:m1"))
    assert edited.args["ts"] == ts == world.fake.channel_messages("C1")[0].ts
    assert world.fake.channel_messages("C1")[0].blocks[1]["text"]["text"] == "two"
    assert posted.args["link_names"] is False


async def test_update_of_a_deleted_message_posts_it_anew(world: SlackWorld) -> None:
    await world.runtime.db.run(lambda session: repository.put_slot(
        session, WHERE.key, "stage:m1", "1600000000.000001"))
    await outbox(world).send(Update(where=WHERE, card=Card(body="now", slot="stage:m1")))
    assert len(world.fake.calls_to("chat.update")) == 1  # answered message_not_found
    [posted] = world.fake.calls_to("chat.postMessage")
    assert await world.runtime.db.run(
        lambda session: repository.get_slot(session, WHERE.key, "stage:m1")) == (
            world.fake.channel_messages("C1")[0].ts)


async def test_a_form_needs_the_interaction_it_answers(world: SlackWorld,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="revans.slack")
    await outbox(world).send(OpenForm(where=WHERE, user=ALICE, form=FORM))
    assert world.fake.calls_to("views.open") == []
    assert any("no interaction" in r.getMessage() for r in caplog.records)


async def test_an_expired_trigger_is_explained(world: SlackWorld) -> None:
    world.fake.fail("views.open", "expired_trigger_id")
    interaction = Interaction(user="UALICE", channel="C1", trigger_id="t.old",
                              response_url=world.fake.response_url())
    await outbox(world).send(OpenForm(where=WHERE, user=ALICE, form=FORM), interaction)
    [reply] = world.fake.calls_to("response_url")
    assert "Press the button again" in reply.args["text"]


async def test_a_whisper_in_a_dm_is_a_plain_message(world: SlackWorld) -> None:
    dm = ChannelRef(platform="slack", workspace="T1", channel="DALICE", direct=True)
    await outbox(world).send(Whisper(where=dm, user=ALICE, card=Card(body="Noted.")))
    assert world.fake.calls_to("chat.postEphemeral") == []
    assert world.fake.calls_to("chat.postMessage")[0].args["channel"] == "DALICE"


async def test_dm_channels_are_opened_once_per_member(world: SlackWorld) -> None:
    for text in ("one", "two", "three"):
        await outbox(world).send(DirectMessage(user=ALICE, card=Card(body=text)))
    assert len(world.fake.calls_to("conversations.open")) == 1
    assert [m.text for m in world.fake.channel_messages("DUALICE")] == ["one", "two", "three"]
