"""The plugin as ``revans run`` starts it (settings from the environment, the sync loop held by
one process), its clear start errors, and a restart that resumes from an older sync token."""

from __future__ import annotations

import aiohttp
import pytest

from adapters.matrix import PLUGIN
from adapters.matrix.api import PLATFORM
from bot.platform import PlatformStartError
from bot.runtime import build
from config.settings import Settings
from tests.adapters.matrix.conftest import World, bot_messages
from tests.support.homeserver import Homeserver, free_port
from tests.support.matrix_member import Member


async def test_the_plugin_starts_from_its_settings_and_answers(
        homeserver: Homeserver, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bot = homeserver.register("revansrun")
    alice = homeserver.register("alicerun")
    assert not PLUGIN.configured()
    assert "MATRIX_HOMESERVER" in PLUGIN.needs()
    monkeypatch.setenv("MATRIX_HOMESERVER", homeserver.url)
    monkeypatch.setenv("MATRIX_USER_ID", bot.user_id)
    monkeypatch.setenv("MATRIX_PASSWORD", bot.password)  # logs in by itself
    monkeypatch.setenv("MATRIX_SYNC_TIMEOUT_MS", "2000")
    assert PLUGIN.configured()
    runtime = await build(Settings(), database_url=database_url)
    service = await PLUGIN.start(runtime)
    try:
        async with aiohttp.ClientSession() as session:
            member = Member(homeserver.url, alice.user_id, alice.access_token, session)
            room = await member.create_room("Run", invite=[bot.user_id])
            await member.command(room, "create Run set")
            card = await member.wait_text(room, "Action learning set: Run set",
                                          sender=bot.user_id)
            assert card.content["m.mentions"] == {"user_ids": [alice.user_id]}
    finally:
        await service.stop()
        await runtime.close()
    assert PLATFORM not in runtime.engine.outboxes


async def test_a_refused_token_or_an_unreachable_server_names_the_setting(
        homeserver: Homeserver, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = await build(Settings(), database_url=database_url)
    try:
        monkeypatch.setenv("MATRIX_HOMESERVER", homeserver.url)
        monkeypatch.setenv("MATRIX_USER_ID", "@revans:localhost")
        monkeypatch.setenv("MATRIX_ACCESS_TOKEN", "not-a-token")
        with pytest.raises(PlatformStartError, match="MATRIX_ACCESS_TOKEN"):
            await PLUGIN.start(runtime)
        monkeypatch.setenv("MATRIX_HOMESERVER", f"http://127.0.0.1:{free_port()}")
        with pytest.raises(PlatformStartError, match="MATRIX_HOMESERVER"):
            await PLUGIN.start(runtime)
    finally:
        await runtime.close()


async def test_a_redelivered_batch_is_decided_once(world: World) -> None:
    """A bot that died before storing its sync token gets the same events again on restart:
    the engine drops each by its event id, so nothing is answered twice."""
    w = world
    assert w.runtime is not None
    key = f"sync-token:{w.bot_id}"
    early = await w.runtime.adapter_state(PLATFORM, key)
    assert early
    await w.alice.command(w.room, "create Leaders")
    await w.bob.command(w.room, "join")
    await w.alice.command(w.room, "start")
    await w.card(text="opening")
    await w.settle()
    before = [m.body for m in bot_messages(await w.alice.messages(w.room), w.bot_id)]
    await w.stop_bot()
    w.runtime = await build(Settings(), clock=w.clock, database_url=w.database_url)
    await w.runtime.set_adapter_state(PLATFORM, key, early)  # as if never stored since
    await w.runtime.close()
    w.runtime = None
    await w.start_bot()
    await w.settle()
    after = [m.body for m in bot_messages(await w.alice.messages(w.room), w.bot_id)]
    assert after == before, "the replayed commands were not decided again"
