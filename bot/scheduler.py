"""Delivering pings: claim the row, let the engine decide, mark it done.

The ``pings`` table is the source of truth. ``PingDelivery`` claims due rows (a lease, so a
claimer that dies gives them back) and feeds them to the engine, a set at a time. ``PingScheduler``
wires it to APScheduler: a sweep every minute, plus one date job for each ping due before the
next sweep so that stage timers fire on the second.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.events import Event, PingDue, PingMissed
from bot.core.model import Ping, PingKind
from bot.engine import Engine
from bot.observability import count_pings
from storage import repository
from storage.database import Database

log = logging.getLogger("revans.scheduler")
LEASE = timedelta(seconds=30)
DEFAULT_GRACE = timedelta(hours=12)
MARK_EVERY = 25  # pings sent before their rows are marked (bounds what a crash can repeat)
# A check-in whose message could not go out at all is tried again: after 1, 2, 4 … minutes,
# at most an hour apart, about six hours in all; then it is given up (and logged).
RETRY_FIRST = timedelta(minutes=1)
RETRY_LONGEST = timedelta(hours=1)
RETRY_ATTEMPTS = 12


class PingDelivery:
    def __init__(self, engine: Engine, *, grace: timedelta = DEFAULT_GRACE,
                 lease: timedelta = LEASE, batch: int = 500, mark_every: int = MARK_EVERY
                 ) -> None:
        self.engine = engine
        self.grace = grace
        self.lease = lease
        self.batch = batch
        self.mark_every = mark_every
        self.stopping = False
        self._abandon = False  # stopping and out of time: send nothing more
        self._held: set[str] = set()  # claimed by this process, effects not yet sent
        self._sent_unmarked: dict[str, str] = {}  # effects sent, row not yet marked: status
        self._retry_at: dict[str, datetime] = {}  # not delivered: back in the queue for then
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def clock(self):  # noqa: ANN201 - the engine's clock
        return self.engine.clock

    @property
    def db(self) -> Database:
        return self.engine.db

    async def deliver(self, ping_id: str) -> int:
        """Deliver one ping if it is due and unclaimed (an APScheduler date job)."""
        if self.stopping:
            return 0
        self._begin()
        try:
            now = self.clock.now()
            retried: list[str] = []
            ping = await self.db.run(partial(repository.claim, ping_id=ping_id, now=now,
                                             lease_until=now + self.lease, retried=retried))
            count_pings("retried", len(retried))
            return await self._deliver([ping] if ping else [], now)
        finally:
            self._end()

    async def run_due(self) -> int:
        """Deliver everything due now, in batches; returns how many pings were handled.
        Once ``stop`` is called no further batch is claimed."""
        total = 0
        self._begin()
        try:
            while not self.stopping:
                now = self.clock.now()
                retried: list[str] = []
                claimed = await self.db.run(partial(
                    repository.claim_due, now=now, lease_until=now + self.lease,
                    limit=self.batch, retried=retried))
                count_pings("retried", len(retried))
                if not claimed:
                    break
                total += await self._deliver(claimed, now)
            return total
        finally:
            self._end()

    def _begin(self) -> None:
        self._busy += 1
        self._idle.clear()

    def _end(self) -> None:
        self._busy -= 1
        if self._busy == 0:
            self._idle.set()

    async def stop(self, timeout: float) -> int:
        """Claim nothing more, let the batch in hand finish for up to ``timeout`` seconds, then
        give back whatever this process still holds (another process sends it at once, not
        after the lease). Returns how many pings were given back."""
        self.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), max(timeout - 1, 0))
        except TimeoutError:
            log.warning("out of time: the pings not yet sent are given back")
            self._abandon = True  # the message being sent now is the last one
            try:
                await asyncio.wait_for(self._idle.wait(), 1)
            except TimeoutError:
                log.warning("stopping with a ping still being sent")
        await self._mark_sent()  # their messages went out: no one may send them again
        held = sorted(self._held)
        if held:
            await self.db.run(partial(repository.release, ping_ids=held))
            count_pings("released", len(held))
            self._held.difference_update(held)
            log.info("released %d claimed pings", len(held))
        return len(held)

    async def _deliver(self, pings: Sequence[Ping], now: datetime) -> int:
        """Decide a claimed batch (one transaction), send what it says, then mark it done.

        A ping is marked sent only after its effects went out: a crash in between leaves it
        claimed, and another process sends it again when the lease runs out (at least once).
        """
        self._held.update(p.id for p in pings)
        by_set: dict[str, list[Ping]] = defaultdict(list)
        for ping in sorted(pings, key=repository.delivery_order):
            by_set[ping.set_id].append(ping)
        # Sets in id order: two processes deciding overlapping batches then lock the set rows
        # in the same order (one waits for the other) instead of deadlocking.
        groups: list[list[Event]] = [
            [PingMissed(ping=p) if now - p.due_at > self.grace else PingDue(ping=p)
             for p in by_set[set_id]]
            for set_id in sorted(by_set)
        ]
        try:
            decided = list(zip(groups, await self.engine.decide_many(groups), strict=True))
        except Exception:
            log.exception("could not decide a batch of %d pings; trying set by set", len(pings))
            decided = await self._decide_one_by_one(groups)
        handled = 0
        # Sent in due order across sets (then creation order), whatever order they were
        # decided in: the same transcript on every run.
        in_order = sorted(
            ((event, effects) for events, outputs in decided
             for event, effects in zip(events, outputs, strict=True)),
            key=lambda pair: repository.delivery_order(pair[0].ping))  # type: ignore[union-attr]
        for event, effects in in_order:
            if self._abandon:  # ``stop`` gives the rest back for another process
                break
            failed = await self.engine.dispatch(effects)
            if failed and self._try_again_later(event, len(effects), failed):
                handled += 1
                continue
            if isinstance(event, PingMissed):
                log.warning("ping %s missed: it fell due more than %s ago", event.ping.id,
                            self.grace)
            self._held.discard(event.ping.id)
            self._sent_unmarked[event.ping.id] = "missed" if isinstance(
                event, PingMissed) else "sent"
            handled += 1
            if len(self._sent_unmarked) >= self.mark_every:
                await self._mark_sent()
        await self._mark_sent()
        return handled

    def _try_again_later(self, event: Event, effects: int, failed: int) -> bool:
        """A check-in none of whose messages went out (the platform down, or rate limited past
        the adapter's own retries) goes back in the queue instead of being marked sent: it
        waits, and goes out once when the platform is back. Deciding it again is safe (the
        same DM, or nothing if it has become moot meanwhile)."""
        ping = getattr(event, "ping", None)
        if (not isinstance(event, PingDue) or ping is None or ping.kind is not PingKind.CHECKIN
                or failed < effects or ping.attempts >= RETRY_ATTEMPTS):
            if isinstance(event, PingDue) and ping is not None and failed:
                log.error("ping %s: %d of %d messages not delivered; not tried again",
                          ping.id, failed, effects)
            return False
        delay = min(RETRY_FIRST * 2 ** max(ping.attempts - 1, 0), RETRY_LONGEST)
        self._held.discard(ping.id)
        self._retry_at[ping.id] = self.clock.now() + delay
        log.warning("check-in %s not delivered (attempt %d): trying again in %s", ping.id,
                    ping.attempts, delay)
        return True

    async def _mark_sent(self) -> None:
        """Mark the pings whose messages went out. Done every ``mark_every`` pings, not once
        a batch: a process killed mid-batch leaves at most that many sent-but-unmarked pings,
        which another process sends again after the lease (the at-least-once window)."""
        unmarked, self._sent_unmarked = self._sent_unmarked, {}
        retry, self._retry_at = self._retry_at, {}
        if retry:
            await self.db.run(partial(repository.defer_pings, until=retry))
            count_pings("deferred", len(retry))
        if not unmarked:
            return
        sent = [i for i, status in unmarked.items() if status == "sent"]
        missed = [i for i, status in unmarked.items() if status == "missed"]
        now = self.clock.now()
        await self.db.run(partial(repository.finish_all, sent=sent, missed=missed, now=now,
                                  held=sorted(self._held), lease_until=now + self.lease))
        count_pings("delivered", len(sent))
        count_pings("missed", len(missed))

    async def _decide_one_by_one(self, groups: list[list[Event]]
                                 ) -> list[tuple[list[Event], list[tuple]]]:
        """Isolate a set whose pings cannot be decided: give its pings back, go on with the rest."""
        decided = []
        for events in groups:
            try:
                decided.append((events, await self.engine.decide(events)))
            except Exception:
                ids = [e.ping.id for e in events]  # type: ignore[union-attr]
                log.exception("could not decide pings %s; released for a later try", ids)
                await self.db.run(partial(repository.release, ping_ids=ids))
                self._held.difference_update(ids)
                count_pings("released", len(ids))
        return decided


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
        due = await delivery.db.run(lambda session: repository.next_due_at(session, target))
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
            upcoming = await self.delivery.db.run(
                lambda session: repository.upcoming_pings(session, now, now + self.horizon))
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

    def pause(self) -> None:
        """Fire no more jobs; the ones running go on (``shutdown`` would cancel them)."""
        if self.scheduler.running:
            self.scheduler.pause()

    async def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
