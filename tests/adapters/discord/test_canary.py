"""Login → ready → commands registered: the one test that says the seam still works."""

from __future__ import annotations

from typing import Any

from adapters.discord.app import reset_test_seam
from bot.clock import ManualClock
from tests.adapters.discord.conftest import START, Harness, start_bot
from tests.fakes.discord_server import GUILD_ID, FakeDiscord


async def test_login_ready_and_commands_registered(harness: Harness) -> None:
    fake = harness.fake
    assert fake.identified.is_set()
    assert fake.identify["intents"] & (1 << 15), "the message content intent is requested"
    registered = fake.commands[f"guild:{GUILD_ID}"]
    assert [c["name"] for c in registered] == ["set"]
    names = {o["name"] for o in registered[0]["options"]}
    assert {"create", "join", "schedule", "next", "progress", "forget-me", "programme",
            "org", "share"} <= names
    assert harness.adapter.registered == {f"guild {GUILD_ID}": "synced"}
    assert registered[0].get("contexts") is None, "a guild command is only in its guild"
    assert harness.adapter.client.user is not None


async def test_commands_are_registered_even_when_they_cannot_be_read(
        fake: FakeDiscord, tmp_path: Any) -> None:
    fake.serve_command_reads = False
    adapter, runtime = await start_bot(fake, tmp_path, ManualClock(START))
    try:
        assert fake.command_puts == [f"guild:{GUILD_ID}"]
        assert adapter.registered == {f"guild {GUILD_ID}": "synced"}
    finally:
        await adapter.stop()
        await runtime.close()
        reset_test_seam()
