"""Platform API errors are counted for ``/metrics`` by platform and code (Discord side)."""

from __future__ import annotations

from bot.observability import PLATFORM_ERRORS
from tests.adapters.discord.conftest import ALICE, Harness
from tests.fakes.discord_server import CHANNEL_ID

MISSING_PERMISSIONS = "50013"


def counted() -> float:
    return PLATFORM_ERRORS.labels(platform="discord",
                                  code=MISSING_PERMISSIONS)._value.get()  # noqa: SLF001


async def test_discord_api_errors_are_counted_by_code(harness: Harness) -> None:
    await harness.slash(ALICE, "create", name="Leaders")
    before = counted()
    harness.fake.forbidden_channels.add(CHANNEL_ID)
    await harness.slash(ALICE, "start")
    assert counted() > before
    harness.fake.forbidden_channels.clear()
