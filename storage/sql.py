"""SQL shared by the storage modules, written once: batched writes of what changed, the
version-guarded save of an aggregate's root row, and statements built per dialect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


class VersionConflict(Exception):
    """Another transaction changed the set since it was loaded: reload and decide again."""


def write_changes(session: Session, model: type, old: dict, new: dict, key_columns,
                  values) -> None:
    """Insert what is new and update what changed, comparing the core's values by key:
    one INSERT and one UPDATE (by primary key) per table, whatever the number of rows."""
    inserts, updates = [], []
    for key, item in new.items():
        previous = old.get(key)
        if previous is None:
            inserts.append({**key_columns(key), **values(item)})
        elif previous != item:
            updates.append({**key_columns(key), **values(item)})
    if inserts:
        session.execute(insert(model), inserts)
    if updates:
        session.execute(update(model), updates)


def save_root(session: Session, model: Any, row_id: str, loaded_version: int | None,
              values: dict[str, object], what: str) -> None:
    """Insert an aggregate's root row at version 1 (``loaded_version`` is ``None``), or bump
    its version where it is still the one loaded. Raises ``VersionConflict`` when another
    transaction created or saved it first (optimistic: the caller decides again)."""
    if loaded_version is None:
        session.add(model(id=row_id, version=1, **values))
        try:
            session.flush()
        except IntegrityError as error:
            raise VersionConflict(f"a {what} was created here at the same time") from error
        return
    result = session.execute(
        update(model).where(model.id == row_id, model.version == loaded_version)
        .values(version=model.version + 1, **values))
    if result.rowcount != 1:
        raise VersionConflict(row_id)


def per_dialect(build: Callable[[Callable[..., Any]], Any]) -> dict[str, Any]:
    """One statement for each supported dialect, built from its ``insert`` (for the
    ``ON CONFLICT`` clauses SQLite and PostgreSQL spell alike); pick it with ``for_session``."""
    return {name: build(insert_for)
            for name, insert_for in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))}


def for_session(statements: dict[str, Any], session: Session) -> Any:
    return statements[session.get_bind().dialect.name]
