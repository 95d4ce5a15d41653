"""Locks shared by every process on one database: PostgreSQL advisory locks, behind one class.

Discord allows one gateway connection per bot (per shard), so of several ``revans run``
processes exactly one may hold it. ``ProcessLock`` takes ``pg_try_advisory_lock`` on a
connection of its own, kept open for as long as the process holds the lock: if the process
dies, PostgreSQL sees the connection close and frees the lock at once, and another process's
next try takes it. SQLite has one process by design, so there the lock is always held.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from storage.database import Database

log = logging.getLogger("revans.locks")
MIGRATIONS_LOCK = "revans:migrations"


def lock_key(name: str) -> int:
    """A stable 32-bit key for a lock name (advisory locks are keyed by integers)."""
    return zlib.crc32(name.encode())


def serialise_migrations(connection: Connection) -> None:
    """Two processes starting at once must not both upgrade the schema: on PostgreSQL the
    second waits (a transaction-scoped advisory lock) and then finds nothing to do."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": lock_key(MIGRATIONS_LOCK)})


class ProcessLock:
    """A named lock held by at most one process at a time, until it lets go or dies."""

    def __init__(self, db: Database, name: str) -> None:
        self.db = db
        self.name = name
        self.key = lock_key(name)
        self._engine = None if db.is_sqlite else create_engine(
            db.url, poolclass=NullPool, connect_args={"connect_timeout": 5})
        self._connection: Connection | None = None

    @property
    def held(self) -> bool:
        return self.db.is_sqlite or self._connection is not None

    async def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; ``True`` if this process holds it."""
        if self.held:
            return True
        return await asyncio.to_thread(self._try_acquire)

    def _try_acquire(self) -> bool:
        assert self._engine is not None
        try:
            connection = self._engine.connect()
        except Exception as error:  # noqa: BLE001 - the database is away: try again later
            log.warning("cannot reach the database to take lock %s: %s", self.name, error)
            return False
        try:
            got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                          {"key": self.key}).scalar())
            connection.commit()
        except Exception:  # noqa: BLE001 - as above
            connection.close()
            log.warning("could not ask for lock %s", self.name, exc_info=True)
            return False
        if not got:
            connection.close()
            return False
        self._connection = connection
        log.info("this process holds lock %s", self.name)
        return True

    async def still_held(self) -> bool:
        """Whether the lock's connection is alive (if it broke, PostgreSQL freed the lock and
        another process may have it now)."""
        if self.db.is_sqlite:
            return True
        if self._connection is None:
            return False
        alive = await asyncio.to_thread(self._ping)
        if not alive:
            log.warning("lost lock %s: its database connection broke", self.name)
            await self.release()
        return alive

    def _ping(self) -> bool:
        assert self._connection is not None
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        except Exception:  # noqa: BLE001 - a broken connection means a lost lock
            return False

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await asyncio.to_thread(_close_quietly, connection, self.key)

    async def dispose(self) -> None:
        await self.release()
        if self._engine is not None:
            await asyncio.to_thread(self._engine.dispose)


def _close_quietly(connection: Connection, key: int) -> None:
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except Exception:  # noqa: BLE001, S110 - closing the connection frees it anyway
        pass
    try:
        connection.close()
    except Exception:  # noqa: BLE001, S110 - already broken
        pass
