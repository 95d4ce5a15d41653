"""Slack's limits and failures: the ack comes back at once however slow the work, API errors
are logged and explained to the member, a 429 is retried after Retry-After, and the bot keeps
running."""

from __future__ import annotations

import logging
import time

import pytest

from adapters.slack.outbox import Interaction
from bot.core.cards import Card
from bot.core.effects import Attachment, DirectMessage, Post
from bot.core.refs import ChannelRef, UserRef
from storage.models import MemberRow, SetRow
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    CHANNEL,
    count,
    find_button,
    set_up_set,
    texts,
    to_commitment,
)


async def test_ack_is_fast_when_the_web_api_is_slow(world: SlackWorld) -> None:
    world.fake.delay("chat.postMessage", 3.5)
    world.fake.delay("auth.test", 3.5)  # the app learnt who it is at start: no call on the way
    status, body, seconds = await world.send.command(user="UALICE", channel=CHANNEL,
                                                     text="create Practice")
    assert status == 200 and body == ""
    assert seconds < 1.0, f"the ack took {seconds:.2f}s"
    status, _, seconds = await world.send.message(user="UALICE", channel=CHANNEL, text="hi")
    assert status == 200 and seconds < 1.0
    assert not world.fake.messages  # the post is still on its way...
    await world.settle()
    assert len(world.fake.messages) == 1  # ...and arrives after the ack
    assert len(world.fake.calls_to("auth.test")) == 1


@pytest.mark.parametrize("code", ["not_in_channel", "channel_not_found"])
async def test_not_in_channel_tells_the_member_how_to_invite_the_bot(
        world: SlackWorld, code: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="revans.slack")
    world.fake.fail("chat.postMessage", code)
    status, _, _ = await world.send.command(user="UALICE", channel=CHANNEL,
                                            text="create Practice",
                                            response_url=world.fake.response_url())
    assert status == 200
    await world.settle()
    replies = world.fake.calls_to("response_url")
    assert len(replies) == 1
    assert replies[0].args["response_type"] == "ephemeral"
    assert "/invite @revans" in replies[0].args["text"]
    assert any(code in r.getMessage() and CHANNEL in r.getMessage() for r in caplog.records)
    # The bot keeps running: the next command is handled and posted.
    await world.send.command(user="UBOB", channel=CHANNEL, text="join")
    await world.settle()
    assert await count(world, MemberRow) == 2
    assert any("joined the set" in t for t in texts(world, "chat.postMessage"))


async def test_archived_channel(world: SlackWorld, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="revans.slack")
    world.fake.fail("chat.postMessage", "is_archived")
    await world.send.command(user="UALICE", channel=CHANNEL, text="create Practice",
                             response_url=world.fake.response_url())
    await world.settle()
    assert "archived" in world.fake.calls_to("response_url")[0].args["text"]
    assert any("is_archived" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("code", ["cannot_dm_bot", "user_not_found", "account_inactive"])
async def test_a_dm_that_cannot_be_sent_is_explained(
        world: SlackWorld, code: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="revans.slack")
    await set_up_set(world)
    world.fake.fail("conversations.open", code)
    await world.send.command(user="UBOB", channel=CHANNEL, text="export",
                             response_url=world.fake.response_url())
    await world.settle()
    assert any(code in r.getMessage() and "UBOB" in r.getMessage() for r in caplog.records)
    replies = world.fake.calls_to("response_url")
    assert len(replies) == 1 and "couldn't send you a direct message" in replies[0].args["text"]


async def test_errors_with_nobody_to_tell_are_logged(world: SlackWorld,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """A check-in to someone who left the workspace: logged, nothing else breaks."""
    caplog.set_level(logging.WARNING, logger="revans.slack")
    world.fake.fail("conversations.open", "account_inactive")
    outbox = world.runtime.engine.outboxes["slack"]
    user = UserRef(platform="slack", workspace="T1", id="UGONE")
    await outbox.send(DirectMessage(user=user, card=Card(body="How is it going?")))
    assert any("account_inactive" in r.getMessage() for r in caplog.records)
    assert world.fake.calls_to("response_url") == []


async def test_rate_limited_error_code_is_explained(world: SlackWorld) -> None:
    await set_up_set(world)
    world.fake.fail("chat.postEphemeral", "ratelimited")
    await world.send.command(user="UBOB", channel=CHANNEL, text="status",
                             response_url=world.fake.response_url())
    await world.settle()
    assert any("slow down" in c.args["text"] for c in world.fake.calls_to("response_url"))


async def test_429_is_retried_after_retry_after(world: SlackWorld) -> None:
    world.fake.rate_limit("chat.postMessage", retry_after=1)
    await world.send.command(user="UALICE", channel=CHANNEL, text="create Practice")
    await world.settle()
    attempts = world.fake.calls_to("chat.postMessage")
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 1.0
    assert len(world.fake.messages) == 1
    assert await count(world, SetRow) == 1


async def test_an_unknown_effect_fails_loudly(world: SlackWorld) -> None:
    with pytest.raises(TypeError):
        await world.runtime.engine.outboxes["slack"].send(object())  # type: ignore[arg-type]


async def test_a_long_card_is_split_across_messages(world: SlackWorld) -> None:
    card = Card(title="Summary", body="x")
    object.__setattr__(card, "body", "\n".join(f"line {i} " + "y" * 200 for i in range(800)))
    where = ChannelRef(platform="slack", workspace="T1", channel=CHANNEL)
    await world.runtime.engine.outboxes["slack"].send(Post(where=where, card=card))
    posts = world.fake.calls_to("chat.postMessage")
    assert len(posts) >= 2
    for post in posts:
        assert len(post.args["blocks"]) <= 50
        assert len(post.args["text"]) <= 3000
        for block in post.args["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
    shown = "\n".join(b["text"]["text"] for p in posts for b in p.args["blocks"]
                      if b["type"] == "section")
    assert shown == card.body


async def test_export_is_uploaded_as_a_file(world: SlackWorld) -> None:
    await set_up_set(world)
    await world.send.command(user="UBOB", channel=CHANNEL, text="export")
    await world.settle()
    assert [c.method for c in world.fake.calls
            if c.method.startswith("files.") or c.method == "upload"] == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]  # no open
    # commitments: no due-dates calendar (test_around_meetings uploads one)
    uploaded = world.fake.calls_to("upload")[0].args["content"]
    assert uploaded.startswith("# ubob — record in Practice")
    complete = world.fake.calls_to("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == "DUBOB"


async def test_a_long_file_falls_back_to_split_messages(world: SlackWorld) -> None:
    """Without files:write the upload is refused; the member gets the text as messages."""
    world.fake.fail("files.getUploadURLExternal", "missing_scope")
    content = "\n".join(f"- 2026-11-{i % 28 + 1:02d}: said <!channel> & more " + "z" * 150
                        for i in range(1000))
    user = UserRef(platform="slack", workspace="T1", id="UBOB")
    await world.runtime.engine.outboxes["slack"].send(DirectMessage(
        user=user, card=Card(body="Your record"),
        attachment=Attachment(filename="record.md", content=content)),
        Interaction(user="UBOB", channel=CHANNEL))
    posts = world.fake.calls_to("chat.postMessage")
    assert len(posts) >= 4  # the card, the file name, and the content over several messages
    bodies = []
    for post in posts[2:]:
        assert len(post.args["blocks"]) <= 50
        for block in post.args["blocks"]:
            text = block["text"]["text"]
            assert len(text) <= 3000 and text.startswith("```")
            bodies.append(text.removeprefix("```\n").removesuffix("\n```"))
    joined = "\n".join(bodies)
    assert "<!channel>" not in joined
    assert joined == content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def test_a_private_answer_where_the_bot_is_not_a_member_comes_by_response_url(
        world: SlackWorld) -> None:
    world.fake.fail("chat.postEphemeral", "not_in_channel")
    await world.send.command(user="UALICE", channel="COTHER", text="status",
                             response_url=world.fake.response_url())
    await world.settle()
    [reply] = world.fake.calls_to("response_url")
    assert "isn't a set's home yet" in reply.args["text"]
    assert "/invite @revans" in reply.args["text"]


async def test_a_modal_opens_at_once_even_when_its_channel_is_busy(world: SlackWorld) -> None:
    """The trigger_id dies 3 s after the click: opening a form does not queue behind a slow
    post in the same channel."""
    await to_commitment(world)
    world.fake.delay("chat.postEphemeral", 3.0)
    await world.send.command(user="UCAROL", channel=CHANNEL, text="status")  # slow answer
    pressed = time.monotonic()
    await world.send.press(user="UBOB", channel=CHANNEL,
                           action=find_button(world, CHANNEL, "commit:"))
    opened = await world.fake.wait_for(lambda: world.fake.calls_to("views.open"), timeout=5)
    assert opened[0].at - pressed < 1.0
    await world.settle()


async def test_stopping_lets_acknowledged_work_finish(world: SlackWorld) -> None:
    """SIGTERM after an ack: what Slack was told we received is still carried out."""
    world.fake.delay("chat.postMessage", 1.0)
    status, _, _ = await world.send.command(user="UALICE", channel=CHANNEL,
                                            text="create Practice")
    assert status == 200
    await world.service.stop()
    assert len(world.fake.messages) == 1
    assert await count(world, SetRow) == 1
