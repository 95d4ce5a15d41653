"""``ProcessLock``: at most one holder on PostgreSQL (an advisory lock on its own connection),
freed when the holder lets go; on SQLite (one process by design) always held."""

from __future__ import annotations

from storage.database import Database
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
