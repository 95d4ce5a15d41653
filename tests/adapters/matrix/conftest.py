"""The Matrix adapter against a real Synapse on 127.0.0.1 (one for the whole session), the real
engine on a database of each test's own, and members who are real Matrix clients.

Each test registers a fresh bot account and fresh members, so tests share nothing but the
server. The bot is the plugin's own service (``start_matrix``) with its sync loop running.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.matrix.app import MatrixService, start_matrix
from adapters.matrix.settings import MatrixSettings
from bot.clock import ManualClock
from bot.runtime import Runtime, build
from config.settings import Settings
from tests.support.homeserver import Homeserver
from tests.support.matrix_member import WAIT, Member, Message

START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC: outside quiet hours
_serial = itertools.count(1)


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    server = Homeserver(tmp_path_factory.mktemp("homeserver")).start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class World:
    """A bot, three members and a room they share (not a set yet)."""

    server: Homeserver
    folder: Path
    clock: ManualClock
    session: aiohttp.ClientSession
    database_url: str
    bot_id: str = ""
    bot_token: str = ""
    alice: Member = None  # type: ignore[assignment]
    bob: Member = None  # type: ignore[assignment]
    carol: Member = None  # type: ignore[assignment]
    room: str = ""
    bot_url: str = ""  # where the bot reaches the homeserver (a proxy in front of it)
    runtime: Runtime | None = None
    service: MatrixService | None = None
    services: list[MatrixService] = field(default_factory=list)

    def member(self, localpart: str) -> Member:
        account = self.server.register(localpart)
        return Member(self.server.url, account.user_id, account.access_token, self.session)

    async def start_bot(self) -> MatrixService:
        self.runtime = await build(Settings(), clock=self.clock, database_url=self.database_url)
        settings = MatrixSettings(matrix_homeserver=self.bot_url or self.server.url,
                                  matrix_user_id=self.bot_id,
                                  matrix_access_token=self.bot_token,
                                  matrix_sync_timeout_ms=5_000)
        self.service = await start_matrix(settings, self.runtime)
        self.service.connect_gateway()
        self.services.append(self.service)
        return self.service

    async def stop_bot(self) -> None:
        if self.service is not None:
            await self.service.stop()
            self.service = None
        if self.runtime is not None:
            await self.runtime.close()
            self.runtime = None

    async def restart_bot(self) -> MatrixService:
        await self.stop_bot()
        return await self.start_bot()

    async def settle(self, member: Member | None = None, room: str | None = None) -> None:
        """Wait until the bot has handled everything sent so far: a marker message goes last
        and the bot's sync loop must have finished the batch that carried it."""
        member = member or self.alice
        marker = await member.say(room or self.room, "…")
        assert self.service is not None
        service = self.service
        deadline = time.monotonic() + WAIT
        while marker not in service.inbound.recent:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not sync the marker")
            await asyncio.sleep(0.05)
        while service.busy:  # the rest of the marker's batch
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not finish the marker's batch")
            await asyncio.sleep(0.05)

    async def card(self, member: Member | None = None, room: str | None = None,
                   text: str = "") -> Message:
        """The newest message of the bot with buttons (reaction keys) in the room."""
        member = member or self.alice

        def newest(messages: list[Message]) -> Message | None:
            found = [m for m in messages if m.sender == self.bot_id
                     and m.content.get("org.revans.buttons") and text in m.body]
            return found[-1] if found else None

        return await member.wait_for(room or self.room, newest)

    async def seeded(self, card: Message, count: int, room: str | None = None) -> set[str]:
        """The keys the bot reacted with under ``card``, once there are ``count`` of them."""
        deadline = time.monotonic() + WAIT
        while True:
            keys = {key for sender, key in await self.alice.reactions(room or self.room,
                                                                      card.event_id)
                    if sender == self.bot_id}
            if len(keys) == count or time.monotonic() > deadline:
                return keys
            await asyncio.sleep(0.1)

    async def press(self, member: Member, key: str, card: Message | None = None,
                    room: str | None = None) -> str:
        card = card or await self.card(member, room)
        return await member.react(room or self.room, card.event_id, key)

    async def dm_room(self, member: Member) -> str:
        """The member's direct room with the bot (joined on first call)."""
        known = getattr(member, "_dm", None)
        if known:
            return str(known)
        room = await member.wait_invited()
        member._dm = room  # type: ignore[attr-defined]
        return room


@pytest.fixture
async def world(homeserver: Homeserver, tmp_path: Path,
                database_url: str) -> AsyncIterator[World]:
    serial = next(_serial)
    async with aiohttp.ClientSession() as session:
        w = World(server=homeserver, folder=tmp_path, clock=ManualClock(START), session=session,
                  database_url=database_url)
        bot = homeserver.register(f"revans{serial}")
        w.bot_id, w.bot_token = bot.user_id, bot.access_token
        w.alice, w.bob, w.carol = (w.member(f"{name}{serial}")
                                   for name in ("alice", "bob", "carol"))
        await w.start_bot()
        w.room = await w.alice.create_room("Leaders", invite=[w.bot_id, w.bob.user_id,
                                                              w.carol.user_id])
        await w.bob.join(w.room)
        await w.carol.join(w.room)
        try:
            yield w
        finally:
            await w.stop_bot()
            for service in w.services:
                await service.stop()


def bot_messages(messages: list[Message], bot_id: str) -> list[Message]:
    return [m for m in messages if m.sender == bot_id]


def keys_of(message: Message) -> dict[str, Any]:
    return dict(message.content.get("org.revans.buttons") or {})
