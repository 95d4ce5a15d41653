"""``ProcessLock``: at most one holder on PostgreSQL (an advisory lock on its own connection),
freed when the holder lets go; on SQLite (one process by design) always held."""

from __future__ import annotations

import asyncio

from storage.database import Database, upgrade
from storage.locks import ProcessLock


async def test_one_holder_at_a_time(database_url: str) -> None:
    first_db, second_db = Database(database_url), Database(database_url)
    first, second = ProcessLock(first_db, "test:lock"), ProcessLock(second_db, "test:lock")
    try:
        assert await first.try_acquire()
        assert await first.still_held()
        if first_db.is_sqlite:
            assert await second.try_acquire()  # one process: the lock is a formality
            return
        assert not await second.try_acquire()
        assert not await second.try_acquire()  # asking again changes nothing
        await first.release()
        assert await second.try_acquire()
        assert not await first.try_acquire()
        other = ProcessLock(first_db, "test:another lock")
        assert await other.try_acquire()  # locks by name
        await other.dispose()
    finally:
        for lock in (first, second):
            await lock.dispose()
        await first_db.dispose()
        await second_db.dispose()


async def test_two_processes_starting_together_migrate_once(database_url: str) -> None:
    """Two fresh processes upgrade the same empty database at the same moment: on PostgreSQL
    the second waits for the first (an advisory transaction lock), then finds nothing to do."""
    first, second = Database(database_url), Database(database_url)
    try:
        await asyncio.gather(upgrade(first), upgrade(second))
        await upgrade(first)  # and again: nothing to do
    finally:
        await first.dispose()
        await second.dispose()
