"""Idempotency and message slots: platform event ids already handled (a retry is dropped at
the door, in the same transaction as the event's effects), and which platform message shows
each card slot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete
from sqlalchemy.orm import Session

from storage.models import MessageSlotRow, SeenEventRow
from storage.sql import for_session, per_dialect

_SEEN = per_dialect(lambda insert: insert(SeenEventRow.__table__)
                    .values(key=bindparam("event_key"), seen_at=bindparam("seen_at"))
                    .on_conflict_do_nothing(index_elements=["key"])
                    .returning(SeenEventRow.__table__.c.key))


def remember_event(session: Session, key: str, now: datetime) -> bool:
    """Record a platform event id; ``False`` if it was seen before (a retry to drop).

    One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (SQLite and PostgreSQL alike): the
    unique key decides, even between processes; a row comes back only if it was new.
    """
    statement = for_session(_SEEN, session)
    inserted = session.execute(statement, {"event_key": key, "seen_at": now}).first()
    return inserted is not None


def get_slot(session: Session, channel_key: str, slot: str) -> str | None:
    row = session.get(MessageSlotRow, (channel_key, slot))
    return row.message_id if row is not None else None


def put_slot(session: Session, channel_key: str, slot: str, message_id: str) -> None:
    session.execute(delete(MessageSlotRow).where(MessageSlotRow.channel_key == channel_key,
                                                       MessageSlotRow.slot == slot))
    session.add(MessageSlotRow(channel_key=channel_key, slot=slot, message_id=message_id))
