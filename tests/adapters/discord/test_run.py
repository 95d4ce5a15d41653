"""``revans run`` itself, as the acceptance checks drive it: a separate process with
DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL and DATABASE_URL, against the fake."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.discord.conftest import ALICE, assert_mentions_safe
from tests.fakes.discord_server import CHANNEL_ID, GUILD_ID, FakeDiscord

ROOT = Path(__file__).resolve().parents[3]


async def _until(condition: Any, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("guild_ids", [str(GUILD_ID), ""], ids=["guild", "global"])
async def test_revans_run_serves_discord_until_sigterm(fake: FakeDiscord, tmp_path: Path,
                                                      guild_ids: str) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_")) and k != "DATABASE_URL"}
    env.update(DISCORD_TOKEN="fake-token", DISCORD_API_BASE=fake.api_base,
               DISCORD_GATEWAY_URL=fake.gateway_url, DISCORD_GUILD_IDS=guild_ids,
               # the async driver's spelling, as ARCHITECTURE.md writes it, is accepted too
               DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/run.db",
               PYTHONPATH=str(ROOT), LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await _until(fake.identified.is_set, 30, "the bot to identify")
        assert fake.command_puts == [f"guild:{GUILD_ID}" if guild_ids else "global"]
        token = await fake.slash(ALICE, CHANNEL_ID, "create", name="Leaders")
        await _until(lambda: fake.callback_for(token) is not None, 10, "the answer")
        assert "Action learning set: Leaders" in str(fake.callback_for(token))
        assert_mentions_safe(fake)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 0, output.decode()
    assert b"discord adapter started" in output


async def test_a_taken_port_does_not_stop_a_discord_only_bot(fake: FakeDiscord,
                                                             tmp_path: Path) -> None:
    """Discord needs no HTTP: with PORT taken, /healthz is not served but the bot runs."""
    import socket

    blocker = socket.socket()
    blocker.bind(("0.0.0.0", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_")) and k != "DATABASE_URL"}
    env.update(DISCORD_TOKEN="fake-token", DISCORD_API_BASE=fake.api_base,
               DISCORD_GATEWAY_URL=fake.gateway_url, DISCORD_GUILD_IDS=str(GUILD_ID),
               DATABASE_URL=f"sqlite:///{tmp_path}/run.db", PORT=str(port),
               PYTHONPATH=str(ROOT), LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await _until(fake.identified.is_set, 30, "the bot to identify")
        token = await fake.slash(ALICE, CHANNEL_ID, "create", name="Portless")
        await _until(lambda: fake.callback_for(token) is not None, 10, "the answer")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=20)
        blocker.close()
    assert process.returncode == 0, output.decode()
    assert f"PORT {port} is taken".encode() in output
