"""A check-in whose message cannot go out (the platform is down, or rate limits outlast the
adapter's own retries) is not lost: it waits in the queue and goes out once, when it can."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from bot.core.effects import DirectMessage, Effect
from storage.models import PingRow
from tests.support.engine import EngineHarness


@dataclass
class FlakyOutbox:
    """Delivers like the recording outbox, but DMs fail while ``down``."""

    down: bool = True
    tried: int = 0
    sent: list[Effect] = field(default_factory=list)

    async def send(self, effect: Effect, reply: object = None) -> None:
        if isinstance(effect, DirectMessage):
            self.tried += 1
            if self.down:
                raise ConnectionError("the platform is down")
        self.sent.append(effect)


async def check_in_statuses(h: EngineHarness) -> list[str]:
    return [status for (status,) in await h.rows(
        select(PingRow.status).where(PingRow.kind == "checkin"))]


async def commit_with_a_check_in_an_hour_later(h: EngineHarness) -> None:
    """Bob commits in a meeting that ends; his one check-in is due an hour later."""
    await h.opening_with_a_bidder()
    await h.cmd("bob", "quiet off")
    await h.cmd("bob", "checkins 1h")
    for _ in range(3):
        await h.cmd("alice", "next")
    await h.cmd("bob", "commit Ring the three leavers")
    await h.cmd("alice", "end")


async def test_a_check_in_the_platform_could_not_take_goes_out_once_when_it_is_back(
        database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    flaky = FlakyOutbox()
    h.runtime.engine.outboxes["test"] = flaky
    try:
        await commit_with_a_check_in_an_hour_later(h)
        assert await check_in_statuses(h) == ["pending"]

        await h.advance(hours=1, seconds=30)  # due, and the platform is down
        assert flaky.tried == 1
        assert await check_in_statuses(h) == ["pending"]  # not marked sent: queued again
        await h.advance(minutes=3)  # tried again after a minute, then two more: still down
        assert flaky.tried == 3
        assert not [e for e in flaky.sent if isinstance(e, DirectMessage)]

        flaky.down = False
        await h.advance(hours=2)
        delivered = [e for e in flaky.sent if isinstance(e, DirectMessage)]
        assert len(delivered) == 1 and "Ring the three leavers" in delivered[0].card.body
        assert flaky.tried == 4
        assert await check_in_statuses(h) == ["sent"]
        await h.advance(days=2)
        assert flaky.tried == 4  # once, never again
    finally:
        await h.close()


async def test_a_check_in_that_never_gets_through_is_given_up_after_hours_not_retried_forever(
        database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    flaky = FlakyOutbox()
    h.runtime.engine.outboxes["test"] = flaky
    try:
        await commit_with_a_check_in_an_hour_later(h)
        await h.advance(days=1)
        assert flaky.tried == 12  # about six hours of tries, then given up (and logged)
        assert await check_in_statuses(h) == ["sent"]
    finally:
        await h.close()
