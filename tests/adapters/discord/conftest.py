"""The real discord.py client, the real engine on a SQLite file, and a fake Discord on
127.0.0.1. ``Harness`` drives the bot the way Discord does and waits for it to settle (by
counting handled events, never by sleeping)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.discord.app import DiscordAdapter, reset_test_seam, start_discord
from adapters.discord.settings import DiscordSettings
from bot.clock import ManualClock
from bot.runtime import Runtime, build
from config.settings import Settings
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID, FakeDiscord

EPHEMERAL = 64
ALICE = 800000000000000001
BOB = 800000000000000002
CAROL = 800000000000000003
START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC: outside quiet hours


class DiscordTestSettings(Settings, DiscordSettings):
    """The bot's settings and Discord's own in one object, as the tests build both at once."""


@dataclass
class Harness:
    fake: FakeDiscord
    adapter: DiscordAdapter
    runtime: Runtime
    clock: ManualClock

    async def _settle(self, before: int, timeout: float = 5.0) -> None:
        await self.adapter.inbound.settled(before + 1, timeout=timeout)

    async def slash(self, user: int, path: str, channel: int = CHANNEL_ID,
                    **values: Any) -> str:
        before = self.adapter.inbound.handled
        token = await self.fake.slash(user, channel, path, **values)
        await self._settle(before)
        return token

    async def click(self, user: int, message_id: int, custom_id: str,
                    seen: dict[str, Any] | None = None) -> str:
        before = self.adapter.inbound.handled
        token = await self.fake.click(user, message_id, custom_id, seen)
        await self._settle(before)
        return token

    async def submit(self, user: int, channel: int, custom_id: str, values: dict[str, str],
                     message_id: int | None = None) -> str:
        before = self.adapter.inbound.handled
        token = await self.fake.submit(user, channel, custom_id, values, message_id)
        await self._settle(before)
        return token

    async def say(self, user: int, text: str, channel: int = CHANNEL_ID) -> int:
        before = self.adapter.inbound.handled
        message_id = await self.fake.say(user, channel, text)
        await self._settle(before)
        return message_id

    def replies(self, token: str) -> str:
        """Everything the member saw in answer to one interaction, as one text."""
        return "\n".join(_text(body) for body in self.fake.replies_to(token))

    def channel_text(self, channel: int = CHANNEL_ID) -> str:
        """What everyone in the channel sees (ephemeral replies left out)."""
        return "\n".join(_text(m) for m in self.fake.channel_messages(channel)
                         if not int(m.get("flags") or 0) & EPHEMERAL)

    def card(self, channel: int = CHANNEL_ID) -> dict[str, Any]:
        """The newest public message with buttons in ``channel`` (the stage card)."""
        found = [m for m in self.fake.channel_messages(channel)
                 if m["components"] and not int(m.get("flags") or 0) & EPHEMERAL]
        assert found, "no message with buttons"
        return found[-1]

    async def press(self, user: int, label: str, message: dict[str, Any] | None = None) -> str:
        """Press the button called ``label`` on ``message`` (default: the stage card)."""
        message = message or self.card()
        return await self.click(user, int(message["id"]), buttons(message)[label])


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A message's buttons, label → custom_id."""
    return {c["label"]: c["custom_id"] for row in message.get("components") or []
            for c in row["components"]}


def text_of(body: dict[str, Any]) -> str:
    return _text(body)


def assert_mentions_safe(fake: FakeDiscord) -> int:
    """Every message the bot sent carried allowed_mentions that can't reach everyone or roles,
    and named only users its content mentions. Returns how many were checked."""
    checked = 0
    for record in fake.sent():
        body = record.body or {}
        payload = body.get("data", body) if record.path.startswith("/interactions") else body
        assert "allowed_mentions" in payload, f"no allowed_mentions: {record.path} {payload}"
        allowed = payload["allowed_mentions"]
        assert "everyone" not in allowed.get("parse", []), record
        assert "roles" not in allowed.get("parse", []), record
        assert "users" not in allowed.get("parse", []), record
        for user_id in allowed.get("users", []):
            assert f"<@{user_id}>" in (payload.get("content") or ""), (user_id, payload)
        checked += 1
    return checked


def _text(body: dict[str, Any]) -> str:
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts.append(embed.get("title") or "")
        parts.append(embed.get("description") or "")
        for item in embed.get("fields") or []:
            parts.append(f"{item['name']}: {item['value']}")
    return "\n".join(p for p in parts if p)


async def start_bot(fake: FakeDiscord, tmp_path: Any, clock: ManualClock, *,
                    guild_ids: str = str(GUILD_ID), defer_after: float = 2.0,
                    db_name: str = "t.db") -> tuple[DiscordAdapter, Runtime]:
    settings = DiscordTestSettings(discord_token="fake-token", discord_guild_ids=guild_ids,
                                   discord_api_base=fake.api_base,
                                   discord_gateway_url=fake.gateway_url)
    runtime = await build(settings, database_url=f"sqlite:///{tmp_path}/{db_name}",
                          clock=clock)
    try:
        adapter = await start_discord(settings, runtime, guild_ready_timeout=0.05,
                                      defer_after=defer_after)
    except BaseException:
        await runtime.close()
        raise
    await asyncio.wait_for(adapter.ready.wait(), timeout=10)
    return adapter, runtime


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    for user_id, name in ((ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")):
        server.add_user(user_id, name)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def harness(fake: FakeDiscord, tmp_path: Any) -> AsyncIterator[Harness]:
    async for running in _harness(fake, tmp_path, str(GUILD_ID)):
        yield running


@pytest.fixture
async def global_harness(fake: FakeDiscord, tmp_path: Any) -> AsyncIterator[Harness]:
    """Commands registered globally, so ``/set`` also works in a DM with the bot."""
    async for running in _harness(fake, tmp_path, ""):
        yield running


async def _harness(fake: FakeDiscord, tmp_path: Any, guild_ids: str) -> AsyncIterator[Harness]:
    clock = ManualClock(START)
    adapter, runtime = await start_bot(fake, tmp_path, clock, guild_ids=guild_ids)
    try:
        yield Harness(fake=fake, adapter=adapter, runtime=runtime, clock=clock)
        assert_mentions_safe(fake)
        assert fake.unanswered() == [], "every interaction answered or deferred within 3 s"
        assert fake.rejected == [], "nothing the bot sent broke a Discord limit"
    finally:
        await adapter.stop()
        await runtime.close()
        reset_test_seam()


async def meeting_with_a_commitment(h: Harness, action: str = "Call the team",
                                    by: str = "2026-11-20") -> None:
    """Alice's set: Bob presents and commits to ``action``; the meeting ends."""
    await h.slash(ALICE, "create", name="Leaders")
    await h.slash(BOB, "join")
    await h.slash(CAROL, "join")
    await h.slash(ALICE, "start")
    await h.slash(BOB, "here", bid=True)
    for _ in range(2):  # opening → presentation → questioning
        h.clock.advance(timedelta(minutes=1))
        await h.slash(ALICE, "next")
    h.clock.advance(timedelta(minutes=1))
    await h.slash(ALICE, "next")  # → commitment
    await h.slash(BOB, "commit", action=action, by=by)
    h.clock.advance(timedelta(minutes=1))
    await h.slash(ALICE, "end")
    assert "Meeting summary" in h.channel_text()
