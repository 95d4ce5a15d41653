"""The Alembic migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.database import Database, upgrade
from storage.models import Base


def create_engine(url: str) -> Database:
    return Database(url)


async def test_models_and_migrations_agree(database_url: str) -> None:
    db = create_engine(database_url)
    await upgrade(db)
    try:
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        await db.dispose()


async def test_upgrade_twice_is_harmless(database_url: str) -> None:
    db = create_engine(database_url)
    try:
        await upgrade(db)
        await upgrade(db)
    finally:
        await db.dispose()


def test_database_urls_are_normalised() -> None:
    from storage.database import normalise_url

    assert normalise_url("postgres://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("postgresql+asyncpg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:///revans.db") == "sqlite:///revans.db"
    assert normalise_url("sqlite+aiosqlite:///x.db") == "sqlite:///x.db"


async def test_an_unwritable_database_path_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from storage.database import DatabaseError

    with pytest.raises(DatabaseError, match="folder .*missing.* does not exist"):
        create_engine(f"sqlite:///{tmp_path / 'missing' / 'revans.db'}")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os

        if os.access(locked, os.W_OK):  # root ignores permissions: use a file as the folder
            blocker = tmp_path / "file"
            blocker.write_text("")
            with pytest.raises(DatabaseError, match="does not exist"):
                create_engine(f"sqlite:///{blocker / 'revans.db'}")
        else:
            with pytest.raises(DatabaseError, match="permission denied"):
                create_engine(f"sqlite:///{locked / 'revans.db'}")
    finally:
        locked.chmod(0o700)
