"""Engine, sessions and migrations.

``DATABASE_URL`` may be a plain SQLite path URL, an async one, or PostgreSQL in any of its
spellings (including Heroku's ``postgres://``); it is normalised to an async driver here.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(RuntimeError):
    """The database cannot be used; the message says why in words an operator can act on."""


def normalise_url(url: str) -> str:
    """An async SQLAlchemy URL for ``url`` (aiosqlite for SQLite, psycopg for PostgreSQL)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"DATABASE_URL is not a database URL: {error}") from None
    driver = parsed.drivername
    if driver in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif driver == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
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


def create_engine(url: str) -> AsyncEngine:
    url = normalise_url(url)
    check_sqlite_path(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # Take transactions into our own hands (see _begin_immediate).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
            # One writer at a time, decided at BEGIN: a transaction that read and then wants
            # to write can otherwise fail at once with "database is locked" in WAL mode.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_async_engine(url, pool_pre_ping=True)


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the latest migration (``revans run`` does this on start)."""
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade)
    except DatabaseError:
        raise
    except Exception as error:  # noqa: BLE001 - reported to the operator, not swallowed
        raise DatabaseError(f"cannot open or upgrade the database: {error}") from error
