"""Platform API errors are counted for ``/metrics`` by platform and code (Slack side)."""

from __future__ import annotations

from bot.core.cards import Card
from bot.core.effects import Update
from bot.core.refs import ChannelRef
from bot.observability import PLATFORM_ERRORS
from tests.adapters.slack.conftest import SlackWorld


def errors(platform: str, code: str) -> float:
    return PLATFORM_ERRORS.labels(platform=platform, code=code)._value.get()  # noqa: SLF001


async def test_a_refused_call_is_counted_by_its_code(world: SlackWorld) -> None:
    before = errors("slack", "not_in_channel")
    world.fake.fail("chat.postMessage", "not_in_channel")
    outbox = world.runtime.engine.outboxes["slack"]
    await outbox.send(Update(where=ChannelRef(platform="slack", workspace="T1", channel="C9"),
                             card=Card(title="Stage", body="one", slot="stage:m9")))
    assert errors("slack", "not_in_channel") == before + 1
