"""Delivering pings: claim the row, let the engine decide, mark it done.

The ``pings`` table is the source of truth. ``PingDelivery`` claims due rows (a lease, so a
claimer that dies gives them back) and feeds them to the engine, a set at a time. ``PingScheduler``
wires it to APScheduler: a sweep every minute, plus one date job for each ping due before the
next sweep so that stage timers fire on the second.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.events import Event, PingDue, PingMissed
from bot.core.model import Ping
from bot.engine import Engine
from storage import repository

log = logging.getLogger("revans.scheduler")
LEASE = timedelta(seconds=30)
DEFAULT_GRACE = timedelta(hours=12)


class PingDelivery:
    def __init__(self, engine: Engine, *, grace: timedelta = DEFAULT_GRACE,
                 lease: timedelta = LEASE, batch: int = 500) -> None:
        self.engine = engine
        self.grace = grace
        self.lease = lease
        self.batch = batch

    @property
    def clock(self):  # noqa: ANN201 - the engine's clock
        return self.engine.clock

    async def deliver(self, ping_id: str) -> int:
        """Deliver one ping if it is due and unclaimed (an APScheduler date job)."""
        now = self.clock.now()
        async with self.engine.sessions.begin() as session:
            ping = await repository.claim(session, ping_id, now, now + self.lease)
        return await self._deliver([ping] if ping else [], now)

    async def run_due(self) -> int:
        """Deliver everything due now, in batches; returns how many pings were handled."""
        total = 0
        while True:
            now = self.clock.now()
            async with self.engine.sessions.begin() as session:
                claimed = await repository.claim_due(session, now, now + self.lease, self.batch)
            if not claimed:
                return total
            total += await self._deliver(claimed, now)

    async def _deliver(self, pings: Sequence[Ping], now: datetime) -> int:
        by_set: dict[str, list[Ping]] = defaultdict(list)
        for ping in pings:
            by_set[ping.set_id].append(ping)
        for set_pings in by_set.values():
            set_pings.sort(key=lambda p: p.due_at)
            events: list[Event] = [
                PingMissed(ping=p) if now - p.due_at > self.grace else PingDue(ping=p)
                for p in set_pings
            ]
            try:
                outputs = await self.engine.decide(events)
            except Exception:
                log.exception("could not decide pings for set %s", set_pings[0].set_id)
                async with self.engine.sessions.begin() as session:
                    for ping in set_pings:
                        await repository.release(session, ping.id)
                continue
            for effects in outputs:
                await self.engine.dispatch(effects)
            async with self.engine.sessions.begin() as session:
                for ping, event in zip(set_pings, events, strict=True):
                    status = "missed" if isinstance(event, PingMissed) else "sent"
                    if status == "missed":
                        log.warning("ping %s (%s) missed: due %s, grace %s", ping.id,
                                    ping.kind.value, ping.due_at.isoformat(), self.grace)
                    await repository.finish(session, ping.id, status, self.clock.now())
        return len(pings)


class MovableClock(Protocol):
    def now(self) -> datetime: ...

    def advance(self, delta: timedelta) -> datetime: ...


async def move_clock(delivery: PingDelivery, clock: MovableClock, delta: timedelta,
                     on_stop: Callable[[datetime], None] | None = None) -> int:
    """Move a manual clock on by ``delta``, stopping at each ping's due time to deliver it,
    as a running bot would (jumping past them in one go would look like the bot had been
    down). Used by the console and by tests; returns how many pings were handled."""
    target = clock.now() + delta
    handled = 0
    while True:
        async with delivery.engine.sessions.begin() as session:
            due = await repository.next_due_at(session, target)
        if due is None:
            break
        if due > clock.now():
            clock.advance(due - clock.now())
        if on_stop is not None:
            on_stop(clock.now())
        delivered = await delivery.run_due()
        if not delivered:
            break
        handled += delivered
    if target > clock.now():
        clock.advance(target - clock.now())
    return handled + await delivery.run_due()


class PingScheduler:
    """APScheduler (``AsyncIOScheduler``) around ``PingDelivery``; start it inside the loop."""

    def __init__(self, delivery: PingDelivery, *, sweep_seconds: float = 60.0) -> None:
        self.delivery = delivery
        self.sweep_seconds = sweep_seconds
        self.horizon = timedelta(seconds=sweep_seconds * 2)
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        delivery.engine.ping_listeners.append(self.arm_many)

    def start(self) -> None:
        self.scheduler.add_job(self.sweep, "interval", seconds=self.sweep_seconds,
                               id="sweep", next_run_time=datetime.now(UTC), coalesce=True,
                               max_instances=1, misfire_grace_time=None)
        self.scheduler.start()

    async def sweep(self) -> None:
        """Deliver what is due (after a restart too), then arm jobs for what is near."""
        try:
            await self.delivery.run_due()
            now = self.delivery.clock.now()
            async with self.delivery.engine.sessions.begin() as session:
                upcoming = await repository.upcoming_pings(session, now, now + self.horizon)
            for ping_id, due in upcoming:
                self._arm(ping_id, due)
        except Exception:
            log.exception("ping sweep failed; the next sweep will try again")

    def arm_many(self, pings: Sequence[Ping]) -> None:
        if not self.scheduler.running:
            return
        now = self.delivery.clock.now()
        for ping in pings:
            if ping.due_at - now <= self.horizon:
                self._arm(ping.id, ping.due_at)

    def _arm(self, ping_id: str, due: datetime) -> None:
        self.scheduler.add_job(self.delivery.deliver, "date", run_date=due, args=[ping_id],
                               id=f"ping:{ping_id}", replace_existing=True,
                               misfire_grace_time=int(self.delivery.grace.total_seconds()))

    async def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
