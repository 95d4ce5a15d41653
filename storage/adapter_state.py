"""A platform adapter's own small persisted values, by platform and key (``adapter_state``).

Matrix keeps its sync token here, Teams its conversation references, Discord the members whose
DMs turned out to be closed. The core never reads these; adapters reach them through
``bot.platform.Host``, never by importing ``storage``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.models import AdapterStateRow
from storage.sql import for_session, per_dialect

_TABLE = AdapterStateRow.__table__
_PUT = per_dialect(lambda insert: (lambda statement: statement.on_conflict_do_update(
    index_elements=["platform", "key"],
    set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
))(insert(_TABLE)))


def get_value(session: Session, platform: str, key: str) -> str | None:
    row = session.get(AdapterStateRow, (platform, key))
    return row.value if row is not None else None


def put_value(session: Session, platform: str, key: str, value: str | None,
              now: datetime) -> None:
    """Store ``value`` (``None`` deletes the key)."""
    if value is None:
        session.execute(delete(AdapterStateRow).where(AdapterStateRow.platform == platform,
                                                      AdapterStateRow.key == key))
        return
    statement = for_session(_PUT, session)  # an upsert: two processes may race
    session.execute(statement, {"platform": platform, "key": key, "value": value,
                                "updated_at": now})


def take_value(session: Session, platform: str, key: str) -> str | None:
    """Read and delete in one transaction: a one-off note (told once, then forgotten)."""
    statement = (delete(AdapterStateRow)
                 .where(AdapterStateRow.platform == platform, AdapterStateRow.key == key)
                 .returning(AdapterStateRow.value))
    return session.execute(statement).scalar_one_or_none()
