"""Each failure the issue names: closed DMs, missing permissions, a slow engine, long content,
a restart; the bot logs it, tells the member where it can, and keeps running."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest

from adapters.discord import words
from adapters.discord.app import DiscordStartError, reset_test_seam
from bot.clock import ManualClock
from bot.core.cards import Button, Card, CardField
from bot.core.effects import DirectMessage, Post, Update
from bot.core.refs import ChannelRef, UserRef
from tests.adapters.discord.conftest import (
    ALICE,
    BOB,
    CAROL,
    EPHEMERAL,
    START,
    Harness,
    assert_mentions_safe,
    buttons,
    meeting_with_a_commitment,
    start_bot,
)
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID, FakeDiscord

HOME = ChannelRef(platform="discord", workspace=str(GUILD_ID), channel=str(CHANNEL_ID))


async def test_closed_dms_are_logged_and_the_member_told_next_time(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    h.fake.closed_dms.add(BOB)
    h.clock.advance(timedelta(days=7))
    with caplog.at_level(logging.WARNING, logger="revans.discord"):
        assert await h.runtime.delivery.run_due() >= 1
    assert any("DMs to user" in r.getMessage() and "50007" in r.getMessage()
               for r in caplog.records)
    refused = [r for r in h.fake.requests if r.path.endswith("/messages")
               and r.path.startswith(f"/channels/{h.fake.dm_channels[BOB]}")]
    assert refused, "the bot tried the DM"

    # The bot keeps running; the next time Bob acts he hears, privately, once.
    token = await h.slash(BOB, "status")
    assert words.DMS_CLOSED in h.replies(token)
    assert all(int(r.get("flags") or 0) & EPHEMERAL for r in h.fake.replies_to(token))
    token = await h.slash(BOB, "status")
    assert words.DMS_CLOSED not in h.replies(token)
    # He can still answer by command, and the answer is stored.
    token = await h.slash(BOB, "progress", answer="on-track", note="halfway")
    assert "on track" in h.replies(token)


async def test_export_to_closed_dms_is_told_at_once(harness: Harness) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    token = await h.slash(BOB, "export")
    dm = h.fake.dm_channels[BOB]
    sent = [r for r in h.fake.requests if r.path == f"/channels/{dm}/messages"]
    record, due_dates = sent[-2:]  # the record, then the open commitments' due dates
    assert record.files and record.files[0][0].endswith(".md")
    assert b"Call the team" in record.files[0][1]
    assert due_dates.files[0][0].endswith("-my-due-dates.ics")
    assert b"SUMMARY:Call the team" in due_dates.files[0][1]
    h.fake.closed_dms.add(BOB)
    token = await h.slash(BOB, "export")
    assert words.DMS_CLOSED in h.replies(token)


async def test_missing_channel_permissions_get_a_clear_message(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Leaders")
    h.fake.forbidden_channels.add(CHANNEL_ID)
    with caplog.at_level(logging.ERROR, logger="revans.discord"):
        token = await h.slash(ALICE, "start")
    assert words.MISSING_PERMISSIONS in h.replies(token)
    assert any("missing permissions in Discord channel" in r.getMessage()
               and str(CHANNEL_ID) in r.getMessage() for r in caplog.records)
    # Still running: once the permission is back, the meeting goes on.
    h.fake.forbidden_channels.clear()
    h.clock.advance(timedelta(minutes=1))
    token = await h.slash(ALICE, "status")
    assert "opening" in h.replies(token)


async def test_a_slow_engine_is_deferred_in_time_then_followed_up(harness: Harness) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Leaders")
    engine = h.runtime.engine
    real = engine.handle

    async def slow(event: Any, reply: Any = None) -> Any:
        await asyncio.sleep(0.3)
        return await real(event, reply)

    engine.handle = slow  # type: ignore[method-assign]
    h.adapter.inbound.defer_after = 0.05
    token = await h.slash(ALICE, "status")
    assert h.fake.callback_for(token)["type"] == 5, "deferred (thinking) before the answer"
    assert "Leaders" in h.replies(token)

    await h.slash(BOB, "join")
    await h.slash(ALICE, "start")
    card_id = h.card()["id"]
    token = await h.press(BOB, "I'm here and I'd like time")
    assert h.fake.callback_for(token)["type"] == 6, "a click is acknowledged silently"
    assert "Noted" in h.replies(token)
    assert "<@800000000000000002>" in str(h.fake.messages[int(card_id)]["embeds"])
    await h.press(ALICE, "Next stage")
    token = await h.press(BOB, "Present")
    assert h.fake.callback_for(token)["type"] == 6
    assert words.FORM_TOO_LATE in h.replies(token)


async def test_long_content_and_big_cards_are_split_never_rejected(harness: Harness) -> None:
    h = harness
    outbox = h.adapter.outbox
    long_body = " ".join(f"word{i}" for i in range(500))  # about 3,900 characters
    await outbox.send(Post(where=HOME, card=Card(body=long_body)))
    posts = [r.body for r in h.fake.requests if r.path == f"/channels/{CHANNEL_ID}/messages"]
    assert len(posts) == 2
    assert all(len(p["content"]) <= 2000 for p in posts)
    # Nothing lost in the split: the parts are the card's body (which the core clips at 3,000).
    assert " ".join(p["content"] for p in posts) == Card(body=long_body).body
    assert posts[0]["content"].startswith("word0 ") and "word499" not in posts[0]["content"]

    big = Card(title="Review", body="b" * 2900,
               fields=tuple(CardField(name=f"Member {i}", value="v" * 1024) for i in range(20)),
               buttons=(Button(label="Next stage", action="next:m1:1"),))
    before = len(h.fake.requests)
    await outbox.send(Post(where=HOME, card=big))
    parts = [r.body for r in h.fake.requests[before:]]
    assert len(parts) >= 4
    for body in parts:
        assert len(body["embeds"]) <= 10
        assert sum(_embed_chars(e) for e in body["embeds"]) <= 6000
        for embed in body["embeds"]:
            assert len(embed.get("description") or "") <= 4096
            assert len(embed.get("fields") or []) <= 25
    assert sum(len(e.get("fields") or []) for b in parts for e in b["embeds"]) == 20
    assert [b for b in parts if b["components"]] == [parts[-1]], "buttons on the last part"

    # A card kept in one message (edited in place) is fitted into that one message.
    slotted = Card(title=big.title, body=big.body, fields=big.fields, buttons=big.buttons,
                   slot="stage:m1")
    before = len(h.fake.requests)
    await outbox.send(Update(where=HOME, card=slotted))
    await outbox.send(Update(where=HOME, card=slotted))
    first, second = (r for r in h.fake.requests[before:])
    assert first.method == "POST" and second.method == "PATCH"
    for body in (first.body, second.body):
        assert sum(_embed_chars(e) for e in body["embeds"]) <= 6000
        assert body["components"]
    assert_mentions_safe(h.fake)


def _embed_chars(embed: dict[str, Any]) -> int:
    return (len(embed.get("title") or "") + len(embed.get("description") or "")
            + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or []))


async def test_buttons_work_after_a_restart_and_commands_are_not_re_registered(
        fake: FakeDiscord, tmp_path: Any) -> None:
    clock = ManualClock(START)
    adapter, runtime = await start_bot(fake, tmp_path, clock)
    first = Harness(fake=fake, adapter=adapter, runtime=runtime, clock=clock)
    await first.slash(ALICE, "create", name="Leaders")
    await first.slash(BOB, "join")
    await first.slash(ALICE, "start")
    card = first.card()
    await first.slash(CAROL, "join")
    await first.press(CAROL, "I'm here and I'd like time")
    clock.advance(timedelta(minutes=1))
    await first.press(ALICE, "Next stage")
    opened = first.fake.callback_for(await first.press(CAROL, "Present"))
    assert opened is not None and opened["type"] == 9
    await adapter.stop()
    await runtime.close()
    assert fake.command_puts == [f"guild:{GUILD_ID}"]

    adapter, runtime = await start_bot(fake, tmp_path, clock)
    try:
        second = Harness(fake=fake, adapter=adapter, runtime=runtime, clock=clock)
        assert adapter.registered == {f"guild {GUILD_ID}": "unchanged"}
        assert fake.command_puts == [f"guild:{GUILD_ID}"], "the same commands: no PUT"
        card = fake.messages[int(card["id"])]
        token = await second.click(BOB, int(card["id"]), buttons(card)["Next stage"])
        assert "Only the facilitator or the presenter" in second.replies(token)
        # The form opened before the restart is still taken after it.
        await second.submit(CAROL, CHANNEL_ID, opened["data"]["custom_id"],
                            {"question": "How do I hand over?", "background": "",
                             "tried": ""}, message_id=int(card["id"]))
        assert "How do I hand over?" in second.channel_text()
        token = await second.press(CAROL, "Next stage")
        assert fake.callback_for(token)["type"] == 7, "the card is edited by the click"
        assert "— questioning" in fake.messages[int(card["id"])]["embeds"][0]["title"]
        assert_mentions_safe(fake)
    finally:
        await adapter.stop()
        await runtime.close()
        reset_test_seam()


async def test_global_registration_without_guild_ids(fake: FakeDiscord, tmp_path: Any) -> None:
    adapter, runtime = await start_bot(fake, tmp_path, ManualClock(START), guild_ids="")
    try:
        assert fake.command_puts == ["global"]
        command = fake.commands["global"][0]
        assert command["name"] == "set"
        assert sorted(command["contexts"]) == [0, 1], "usable in guilds and in DMs with the bot"
    finally:
        await adapter.stop()
        await runtime.close()
        reset_test_seam()


async def test_a_member_message_outside_a_meeting_is_not_recorded(harness: Harness) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Leaders")
    before = len(h.fake.sent())
    await h.say(CAROL, "@everyone look at this")
    assert len(h.fake.sent()) == before


async def test_an_engine_failure_is_told_privately_and_the_bot_goes_on(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    engine = h.runtime.engine
    real = engine.handle

    async def broken(event: Any, reply: Any = None) -> Any:
        raise RuntimeError("database gone")

    engine.handle = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="revans.discord"):
        token = await h.slash(ALICE, "status")
    assert words.FAILED in h.replies(token)
    assert any("could not handle CommandIssued" in r.getMessage() for r in caplog.records)
    engine.handle = real  # type: ignore[method-assign]
    token = await h.slash(ALICE, "create", name="Leaders")
    assert "Action learning set: Leaders" in h.replies(token)


async def test_without_the_message_content_intent_the_bot_still_runs(
        fake: FakeDiscord, tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    fake.refuse_message_content = True
    with caplog.at_level(logging.ERROR, logger="revans.discord"):
        adapter, runtime = await start_bot(fake, tmp_path, ManualClock(START))
    try:
        assert [bool(i["intents"] & (1 << 15)) for i in fake.identifies] == [True, False]
        assert any("Message Content Intent" in r.getMessage() for r in caplog.records)
        h = Harness(fake=fake, adapter=adapter, runtime=runtime, clock=ManualClock(START))
        token = await h.slash(ALICE, "create", name="Leaders")
        assert "Action learning set: Leaders" in h.replies(token)
    finally:
        await adapter.stop()
        await runtime.close()
        reset_test_seam()


async def test_a_command_discord_py_cannot_call_is_still_answered(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    # Discord still shows a subcommand this version of the bot no longer has.
    payload = h.fake.command_payload(ALICE, CHANNEL_ID, "status")
    payload["data"]["options"][0]["name"] = "vanished"
    with caplog.at_level(logging.ERROR, logger="revans.discord"):
        await h.fake.dispatch("INTERACTION_CREATE", payload)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while h.fake.callback_for(payload["token"]) is None:
            assert loop.time() < deadline, "the failed command was never answered"
            await asyncio.sleep(0.02)
    assert words.FAILED in h.replies(payload["token"])
    assert any("Discord command failed" in r.getMessage() for r in caplog.records)


async def test_bad_guild_ids_are_refused_when_the_settings_load(fake: FakeDiscord) -> None:
    from pydantic import ValidationError

    from adapters.discord.settings import DiscordSettings

    with pytest.raises(ValidationError, match="DISCORD_GUILD_IDS must be guild ids"):
        DiscordSettings(discord_token="token", discord_guild_ids="my-server")
    assert fake.requests == [], "nothing was sent to Discord"


async def test_a_refused_token_is_a_clear_start_error(fake: FakeDiscord, tmp_path: Any) -> None:
    fake.refuse_token = True
    with pytest.raises(DiscordStartError, match="DISCORD_TOKEN"):
        await start_bot(fake, tmp_path, ManualClock(START))
    reset_test_seam()


async def test_dms_the_bot_starts_are_spread_out(harness: Harness) -> None:
    h = harness
    h.adapter.outbox.dm_interval = 0.2
    for user in (ALICE, BOB, CAROL):
        await h.adapter.outbox.send(DirectMessage(
            user=UserRef(platform="discord", workspace="discord", id=str(user)),
            card=Card(body="A check-in")))
    sends = [r.at for r in h.fake.requests
             if r.method == "POST" and r.path.startswith("/channels/")
             and int(r.path.split("/")[2]) in h.fake.dm_channels.values()]
    assert len(sends) == 3
    assert all(later - earlier >= 0.15 for earlier, later in zip(sends, sends[1:], strict=False))


async def test_a_rate_limited_post_is_retried_and_delivered(harness: Harness) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Leaders")
    h.fake.rate_limited_posts = 1
    await h.slash(ALICE, "start")  # the stage card is a channel post: 429 first, then sent
    assert h.fake.rate_limited_posts == 0
    assert h.card()["embeds"][0]["title"] == "Meeting 1 of Leaders — opening"
