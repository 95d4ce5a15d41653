"""Claiming due pings: a batch takes whole sets (so each set is decided once a batch), a ping
claimed by a process that died is taken back once its lease has run out, and not before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

from storage import repository
from storage.database import Database
from tests.support.seed import seed_checkins

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


async def test_a_batch_takes_the_other_due_pings_of_its_sets(database_url: str) -> None:
    await seed_checkins(database_url, sets=3, pings=12, now=NOW,
                        due_within=timedelta(minutes=30))
    db = Database(database_url)
    try:
        claimed = await db.run(partial(repository.claim_due, now=NOW,
                                       lease_until=NOW + timedelta(seconds=30), limit=1))
        sets = {ping.set_id for ping in claimed}
        assert len(sets) == 1 and len(claimed) == 4  # the oldest ping, and its set's three
        rest = await db.run(partial(repository.claim_due, now=NOW,
                                    lease_until=NOW + timedelta(seconds=30), limit=100))
        assert len(rest) == 8 and not {p.id for p in rest} & {p.id for p in claimed}
    finally:
        await db.dispose()


async def test_a_lapsed_lease_is_taken_back_and_counted_as_retried(database_url: str) -> None:
    await seed_checkins(database_url, sets=1, pings=2, now=NOW)
    db = Database(database_url)
    lease = timedelta(seconds=30)
    try:
        first = await db.run(partial(repository.claim_due, now=NOW, lease_until=NOW + lease,
                                     limit=10))
        assert len(first) == 2
        retried: list[str] = []
        early = NOW + timedelta(seconds=10)
        assert await db.run(partial(repository.claim_due, now=early, lease_until=early + lease,
                                    limit=10, retried=retried)) == []
        later = NOW + timedelta(seconds=31)
        again = await db.run(partial(repository.claim_due, now=later, lease_until=later + lease,
                                     limit=10, retried=retried))
        assert sorted(p.id for p in again) == sorted(p.id for p in first)
        assert sorted(retried) == sorted(p.id for p in first)
    finally:
        await db.dispose()


async def test_a_live_claimer_marking_progress_keeps_the_rest_of_its_batch(
        database_url: str) -> None:
    """A slow batch: each time the claimer marks what it sent, it renews the lease on what it
    still holds, so another process cannot take those pings and send them a second time."""
    await seed_checkins(database_url, sets=1, pings=3, now=NOW)
    db = Database(database_url)
    lease = timedelta(seconds=30)
    try:
        batch = await db.run(partial(repository.claim_due, now=NOW, lease_until=NOW + lease,
                                     limit=10))
        sent, *held = sorted(p.id for p in batch)
        progress = NOW + timedelta(seconds=20)
        await db.run(partial(repository.finish_all, sent=[sent], missed=[], now=progress,
                             held=held, lease_until=progress + lease))
        past_first_lease = NOW + timedelta(seconds=35)
        assert await db.run(partial(repository.claim_due, now=past_first_lease,
                                    lease_until=past_first_lease + lease, limit=10)) == []
        past_renewal = progress + lease + timedelta(seconds=1)
        again = await db.run(partial(repository.claim_due, now=past_renewal,
                                     lease_until=past_renewal + lease, limit=10))
        assert sorted(p.id for p in again) == held  # the claimer died after all: taken back
    finally:
        await db.dispose()
