"""One process, one engine, one database: a set on Slack and a set on Discord side by side, each
platform's effects going to its own outbox."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from adapters.discord.app import DiscordAdapter, reset_test_seam
from bot.cli import configured_platforms
from bot.clock import ManualClock
from bot.runtime import build
from config.settings import Settings
from tests.adapters.discord.conftest import ALICE, START, assert_mentions_safe
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SlackSender

SECRET = "test-signing-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_slack_set_and_a_discord_set_side_by_side(fake: FakeDiscord, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    slack_fake = await FakeSlackAPI().start()
    port = _free_port()
    monkeypatch.chdir(tmp_path)  # no .env
    for name, value in dict(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET,
                            SLACK_API_BASE_URL=slack_fake.base_url,
                            DISCORD_TOKEN="fake-token", DISCORD_GUILD_IDS=str(GUILD_ID),
                            DISCORD_API_BASE=fake.api_base,
                            DISCORD_GATEWAY_URL=fake.gateway_url).items():
        monkeypatch.setenv(name, value)
    plugins = configured_platforms()
    assert [plugin.name for plugin in plugins] == ["slack", "discord"]
    runtime = await build(Settings(port=port), database_url=f"sqlite:///{tmp_path}/t.db",
                          clock=ManualClock(START))
    services = []
    try:
        for plugin in plugins:
            services.append(await plugin.start(runtime))
        assert runtime.web is not None
        await runtime.web.start()  # serves /slack/events, which Slack's plugin added
        slack, held = services
        discord_adapter = held.service  # type: ignore[attr-defined]
        assert isinstance(discord_adapter, DiscordAdapter)
        assert set(runtime.engine.outboxes) == {"slack", "discord"}
        await asyncio.wait_for(fake.identified.wait(), timeout=10)

        async with aiohttp.ClientSession() as session:
            sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SECRET, session)
            status, _, _ = await sender.command(user="U1", channel="C1",
                                                text="create Slack set")
            assert status == 200
        token = await fake.slash(ALICE, CHANNEL_ID, "create", name="Discord set")
        await discord_adapter.inbound.settled(1)
        await slack.idle(timeout=10)  # type: ignore[attr-defined]

        on_slack = " ".join(str(call.args) for call in slack_fake.posted())
        on_discord = str(fake.callback_for(token))
        assert "Slack set" in on_slack and "Discord set" not in on_slack
        assert "Discord set" in on_discord
        assert all("Slack set" not in str(r.body) for r in fake.requests)
        assert_mentions_safe(fake)
    finally:
        for service in reversed(services):
            await service.stop()
        if runtime.web is not None:
            await runtime.web.stop()
        await runtime.close()
        await slack_fake.stop()
        reset_test_seam()
