"""Fixtures for the Slack adapter: a fake Web API, a real SQLite runtime, the real Bolt app
served over HTTP on a free loopback port, and a sender of correctly signed requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest

from adapters.slack.app import SlackService, start_slack
from adapters.slack.settings import SlackSettings
from bot.clock import ManualClock
from bot.runtime import Runtime, build
from config.settings import Settings
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SlackSender

SECRET = "test-signing-secret"


class SlackTestSettings(Settings, SlackSettings):
    """The bot's settings and Slack's own in one object, as the tests build both at once."""


START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC (outside quiet hours)


@dataclass
class SlackWorld:
    fake: FakeSlackAPI
    runtime: Runtime
    service: SlackService
    clock: ManualClock
    send: SlackSender
    settings: SlackTestSettings

    async def settle(self) -> None:
        """Wait for the work the app started after its acks (no sleeping on guesses)."""
        await self.service.idle(timeout=15)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackAPI]:
    fake = await FakeSlackAPI().start()
    yield fake
    await fake.stop()
    assert fake.refused == [], "the bot sent blocks Slack would refuse"


def slack_settings(fake: FakeSlackAPI, tmp_path, **extra) -> SlackTestSettings:  # type: ignore[no-untyped-def]
    values = dict(slack_bot_token="xoxb-test", slack_signing_secret=SECRET,
                  slack_api_base_url=fake.base_url,
                  database_url=f"sqlite:///{tmp_path}/t.db")
    values.update(extra)
    return SlackTestSettings(**values)


@pytest.fixture
async def world(fake_slack: FakeSlackAPI, tmp_path) -> AsyncIterator[SlackWorld]:  # type: ignore[no-untyped-def]
    settings = slack_settings(fake_slack, tmp_path)
    clock = ManualClock(START)
    runtime = await build(settings, database_url=f"sqlite:///{tmp_path}/t.db",
                          clock=clock)
    service = await start_slack(settings, runtime, host="127.0.0.1", port=0)
    async with aiohttp.ClientSession() as session:
        sender = SlackSender(f"http://127.0.0.1:{service.port}/slack/events", SECRET, session)
        yield SlackWorld(fake=fake_slack, runtime=runtime, service=service, clock=clock,
                         send=sender, settings=settings)
    await service.stop()
    await runtime.close()
