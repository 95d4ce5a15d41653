"""Discord's gateway held by one of two ``revans run`` processes on PostgreSQL, taken over by
the other within 30 s when the holder is killed (``kill -9``: no chance to let go)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.adapters.discord.conftest import ALICE
from tests.fakes.discord_server import CHANNEL_ID, FakeDiscord
from tests.ops.conftest import NEEDS_POSTGRES
from tests.support.processes import RevansProcess, base_env, free_port, until

HOLDS = "this process holds the discord gateway"
STANDS_BY = "stands by to take over"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    server.add_user(ALICE, "alice")
    await server.start()
    yield server
    await server.stop()


def discord_process(fake: FakeDiscord, folder: Path, database_url: str,
                    name: str) -> RevansProcess:
    port = free_port()
    env = base_env(DISCORD_TOKEN="fake-token", DISCORD_API_BASE=fake.api_base,
                   DISCORD_GATEWAY_URL=fake.gateway_url, DISCORD_GUILD_IDS="",
                   DATABASE_URL=database_url, PORT=str(port))
    return RevansProcess(env=env, folder=folder, name=name, port=port)


@NEEDS_POSTGRES
async def test_the_gateway_moves_when_its_holder_dies(fake: FakeDiscord, tmp_path: Path,
                                                      database_url: str) -> None:
    first = discord_process(fake, tmp_path, database_url, "first").start()
    second = None
    try:
        async with aiohttp.ClientSession() as session:
            await first.wait_healthy(session)
            second = discord_process(fake, tmp_path, database_url, "second").start()
            await second.wait_healthy(session)
        await until(lambda: HOLDS in first.output(), 10, "the first process to connect")
        await until(lambda: STANDS_BY in second.output(), 10, "the second to stand by")
        assert len(fake.identifies) == 1
        assert HOLDS not in second.output()

        first.kill()
        killed_at = time.monotonic()
        await until(lambda: len(fake.identifies) == 2, 30, "the second process to take over")
        assert time.monotonic() - killed_at < 30
        assert HOLDS in second.output()

        token = await fake.slash(ALICE, CHANNEL_ID, "create", name="After the takeover")
        await until(lambda: fake.callback_for(token) is not None, 10, "the new holder's answer")
        assert "Action learning set: After the takeover" in str(fake.callback_for(token))
    finally:
        first.cleanup()
        if second is not None:
            second.cleanup()
