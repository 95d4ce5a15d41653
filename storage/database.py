"""The database: engine, transactions and migrations.

The bot is async, but its database work runs as plain synchronous SQLAlchemy in worker
threads, one thread hop per transaction (``Database.run``). An async driver hops threads for
every statement instead (aiosqlite: ~0.5 ms each, ~15 statements an event), which cost three
times the engine's latency budget; a whole transaction in one hop keeps an event near 1 ms.
SQLite gets one worker (its one writer); PostgreSQL a small pool.

``DATABASE_URL`` may be a SQLite URL (``sqlite:///revans.db``, or ``sqlite+aiosqlite://``) or
PostgreSQL in any of its spellings, Heroku's ``postgres://`` included.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(RuntimeError):
    """The database cannot be used; the message says why in words an operator can act on."""


T = TypeVar("T")


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL for ``url``: pysqlite for SQLite, psycopg (3) for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"DATABASE_URL is not a database URL: {error}") from None
    driver = parsed.drivername
    if driver.startswith("postgresql"):  # psycopg2, asyncpg, psycopg: all served by psycopg 3
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif driver in ("sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite")
    return parsed.render_as_string(hide_password=False)


def check_sqlite_path(url: str) -> None:
    """Fail early, with the path in the message, when a SQLite file cannot be created."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return
    if parsed.database == ":memory:":
        return
    path = Path(parsed.database).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DatabaseError(f"cannot open the database at {path}: folder {folder} does not exist")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise DatabaseError(f"cannot write the database at {path}: permission denied")


class Database:
    """A SQLAlchemy engine whose transactions run whole in a worker thread."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        check_sqlite_path(self.url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine = _sqlite_engine(self.url) if self.is_sqlite else create_sync_engine(
            self.url, pool_pre_ping=True, pool_size=8, max_overflow=4,
            connect_args={"connect_timeout": 5})
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._executor = ThreadPoolExecutor(max_workers=1 if self.is_sqlite else 8,
                                            thread_name_prefix="revans-db")

    async def run(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in one transaction, in a worker thread; commit if it returns.

        The caller's context variables go along, so log lines from the transaction carry the
        event they belong to."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(self._executor, context.run, self._transaction, work)

    def _transaction(self, work: Callable[[Session], T]) -> T:
        with self.sessions.begin() as session:
            return work(session)

    async def scrub(self) -> None:
        """Leave no erased text behind in the database's own files, after an erasure.

        SQLite: every connection runs with ``secure_delete`` (freed space is zeroed), and here
        the WAL is checkpointed into the file and truncated, so no old page survives in it.
        PostgreSQL: nothing to do here; old row versions stay in its data files until
        autovacuum reuses the space (see the README)."""
        if not self.is_sqlite:
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._checkpoint)

    def _checkpoint(self) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor()  # type: ignore[union-attr]
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()

    async def dispose(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self.engine.dispose)
        self._executor.shutdown(wait=True)


def _sqlite_engine(url: str):  # type: ignore[no-untyped-def]
    engine = create_sync_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Take transactions into our own hands (see _begin_immediate).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _set_wal(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Erasure means erasure: deleted or overwritten content is zeroed, not left in free
        # space of the file (``Database.scrub`` empties the WAL after an erasure).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
        # One writer at a time, decided at BEGIN: a transaction that read and then wants
        # to write can otherwise fail at once with "database is locked" in WAL mode.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _set_wal(cursor: sqlite3.Cursor) -> None:
    """Switch to WAL. The switch needs the file to itself and SQLite does not wait on its busy
    timeout for it, so two processes opening a new file together retry for a while here."""
    for attempt in range(200):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 199:
                raise
            time.sleep(0.05)


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from storage.locks import serialise_migrations

    serialise_migrations(connection)
    command.upgrade(alembic_config(connection), "head")


async def upgrade(db: Database) -> None:
    """Bring the schema to the latest migration (``revans run`` does this on start)."""

    def migrate() -> None:
        with db.engine.begin() as connection:
            _upgrade(connection)

    try:
        await asyncio.get_running_loop().run_in_executor(db._executor, migrate)
    except DatabaseError:
        raise
    except Exception as error:  # noqa: BLE001 - reported to the operator, not swallowed
        raise DatabaseError(f"cannot open or upgrade the database: {error}") from error
