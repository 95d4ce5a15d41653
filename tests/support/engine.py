"""The engine on a real database (a SQLite file, or PostgreSQL when
``REVANS_TEST_DATABASE_URL`` is set), with a manual clock and a recording outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import ManualClock
from bot.core.effects import Effect
from bot.core.events import ButtonPressed, CommandIssued, Event, FormSubmitted, TextPosted
from bot.core.refs import ChannelRef
from bot.runtime import Runtime, build
from bot.scheduler import move_clock
from config.settings import Settings
from tests.support.core import HOME, user

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@dataclass
class RecordingOutbox:
    sent: list[Effect] = field(default_factory=list)

    async def send(self, effect: Effect, reply: object = None) -> None:
        self.sent.append(effect)


@dataclass
class EngineHarness:
    runtime: Runtime
    clock: ManualClock
    outbox: RecordingOutbox

    @classmethod
    async def open(cls, database_url: str, *, start: datetime = START,
                   clock: ManualClock | None = None) -> EngineHarness:
        clock = clock or ManualClock(start)
        runtime = await build(Settings(), clock=clock, database_url=database_url)
        outbox = RecordingOutbox()
        runtime.engine.outboxes["test"] = outbox
        return cls(runtime=runtime, clock=clock, outbox=outbox)

    async def close(self) -> None:
        await self.runtime.close()

    async def send(self, event: Event) -> tuple[Effect, ...]:
        return await self.runtime.engine.handle(event)

    async def cmd(self, name: str, text: str, where: ChannelRef = HOME,
                  event_id: str = "") -> tuple[Effect, ...]:
        return await self.send(CommandIssued(where=where, user=user(name), text=text,
                                             user_name=name, event_id=event_id))

    async def say(self, name: str, text: str, where: ChannelRef = HOME,
                  event_id: str = "") -> tuple[Effect, ...]:
        return await self.send(TextPosted(where=where, user=user(name), text=text,
                                          user_name=name, event_id=event_id))

    async def press(self, name: str, action: str, where: ChannelRef = HOME) -> tuple[Effect, ...]:
        return await self.send(ButtonPressed(where=where, user=user(name), action=action))

    async def submit(self, name: str, form_id: str, values: dict[str, str]) -> tuple[Effect, ...]:
        return await self.send(FormSubmitted(where=HOME, user=user(name), form_id=form_id,
                                             values=values))

    async def opening_with_a_bidder(self, name: str = "Test set") -> None:
        """A set (alice facilitating, bob joined) in a meeting's opening, bob bidding for time."""
        await self.cmd("alice", f"create {name}")
        await self.cmd("bob", "join")
        await self.cmd("alice", "start")
        await self.cmd("bob", "here bid")

    async def advance(self, **delta: float) -> int:
        """Move the clock on, delivering each ping at its due time (as the scheduler would)."""
        return await move_clock(self.runtime.delivery, self.clock, timedelta(**delta))

    async def execute(self, statement: Any) -> Any:
        """Run one statement against the bot's database; returns a buffered result."""
        def run(session: Any) -> Any:
            result = session.execute(statement)
            return result.freeze() if getattr(statement, "is_select", False) else None

        return await self.runtime.db.run(run)

    async def scalar(self, statement: Any) -> Any:
        return (await self.execute(statement))().scalar_one()

    async def rows(self, statement: Any) -> list[Any]:
        return list((await self.execute(statement))().all())

    def take(self) -> list[Effect]:
        """What the outbox received since the last call."""
        sent, self.outbox.sent = self.outbox.sent, []
        return sent
