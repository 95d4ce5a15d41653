"""SQLAlchemy 2 declarative models (``Mapped`` / ``mapped_column``), one per stored thing.

Users and channels are stored by their ``key`` strings. Lists that belong to one meeting
(attendance, bids, reviewees) are JSON columns: they are read and written with the meeting.
Times are stored as UTC and always read back timezone-aware (``UTCDateTime``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which drops zones) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return as_utc(value)


def as_utc(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class SetRow(Base):
    __tablename__ = "sets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    home_key: Mapped[str] = mapped_column(String(300), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    facilitator_key: Mapped[str | None] = mapped_column(String(300))
    timeboxes: Mapped[dict[str, int]] = mapped_column(JSON)
    checkin_offsets: Mapped[str] = mapped_column(String(100))
    checkins_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_advance: Mapped[bool] = mapped_column(Boolean, default=False)
    next_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cadence_weeks: Mapped[int | None] = mapped_column(Integer)
    meetings_held: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    programme_id: Mapped[str | None] = mapped_column(String(32), index=True)
    joined_programme_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    holidays: Mapped[str | None] = mapped_column(String(20))
    link: Mapped[str | None] = mapped_column(String(500))
    calendar_anchor: Mapped[datetime | None] = mapped_column(UTCDateTime())
    calendar_exdates: Mapped[list[str]] = mapped_column(JSON, default=list)
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str | None] = mapped_column(String(16))


class ProgrammeRow(Base):
    __tablename__ = "programmes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel_key: Mapped[str] = mapped_column(String(300), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    code: Mapped[str] = mapped_column(String(20), index=True)
    code_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00")
    version: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str | None] = mapped_column(String(16))


class CoordinatorRow(Base):
    __tablename__ = "programme_coordinators"

    programme_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_coordinators_user", "user_key"),)


class ShareRow(Base):
    """A learning a member shared (or is about to share) with their set's programme."""

    __tablename__ = "shares"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(32), index=True)
    programme_id: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_shares_programme_released", "programme_id", "released_at"),)


class MemberRow(Base):
    __tablename__ = "members"

    set_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    org: Mapped[str | None] = mapped_column(String(200))
    org_shown: Mapped[bool] = mapped_column(Boolean, default=False)
    away_until: Mapped[date | None] = mapped_column(Date)
    checkins_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_taken: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_members_user", "user_key"),)


class ProfileRow(Base):
    __tablename__ = "profiles"

    user_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stage_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    facilitator_key: Mapped[str] = mapped_column(String(300))
    attendance: Mapped[list[str]] = mapped_column(JSON)
    bids: Mapped[list[str]] = mapped_column(JSON)
    reviewees: Mapped[list[str]] = mapped_column(JSON)
    apologies: Mapped[list[str]] = mapped_column(JSON, default=list)
    presenter_index: Mapped[int] = mapped_column(Integer)
    last_advance_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_advance_by: Mapped[str | None] = mapped_column(String(300))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_meetings_set_started", "set_id", "started_at"),)


class EntryRow(Base):
    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    user_key: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    presenter_key: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_entries_meeting", "meeting_id"),
        Index("ix_entries_set_user", "set_id", "user_key"),
    )


class CommitmentRow(Base):
    __tablename__ = "commitments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[str] = mapped_column(String(32))
    owner_key: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(10))
    account: Mapped[str] = mapped_column(Text, default="")
    reviewed_meeting_id: Mapped[str | None] = mapped_column(String(32))
    last_pinged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    progress: Mapped[str | None] = mapped_column(String(10))
    carried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_commitments_set", "set_id"),
        Index("ix_commitments_owner", "owner_key"),
    )


class CheckinRow(Base):
    __tablename__ = "checkin_answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(32))
    commitment_id: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_checkins_commitment", "commitment_id"),)


class ApologyRow(Base):
    """A member's apologies for one scheduled meeting (a withdrawn one is kept, marked)."""

    __tablename__ = "apologies"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(300))
    meeting_at: Mapped[datetime] = mapped_column(UTCDateTime())
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_apologies_set", "set_id", "meeting_at"),)


class CommitmentChangeRow(Base):
    """One entry of a commitment's history: an edit, a moved due date or a drop."""

    __tablename__ = "commitment_changes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(32))
    commitment_id: Mapped[str] = mapped_column(String(32))
    user_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_commitment_changes_set", "set_id"),)


class PingRow(Base):
    """The source of truth for everything due later. ``status``: pending → sending → sent,
    or cancelled / missed; a ``sending`` row whose lease ran out is claimable again."""

    __tablename__ = "pings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    set_id: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="pending")
    user_key: Mapped[str | None] = mapped_column(String(300))
    commitment_id: Mapped[str | None] = mapped_column(String(32))
    meeting_id: Mapped[str | None] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(20))
    seq: Mapped[int | None] = mapped_column(Integer)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Creation order: pings due at the same instant go out in the order they were made.
    created_order: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    __table_args__ = (
        Index("ix_pings_status_due", "status", "due_at"),
        Index("ix_pings_set", "set_id", "status"),
    )


class SeenEventRow(Base):
    """Platform event ids already handled: a retried delivery is dropped at the door."""

    __tablename__ = "seen_events"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MessageSlotRow(Base):
    """Which platform message a card slot was posted as, so later updates edit it in place."""

    __tablename__ = "message_slots"

    channel_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    slot: Mapped[str] = mapped_column(String(100), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(100))


class AdapterStateRow(Base):
    """A platform adapter's own small persisted values (a sync token, a conversation
    reference, "this member's DMs are closed"), by platform and key; never read by the core."""

    __tablename__ = "adapter_state"

    platform: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


__all__ = [
    "Base", "SetRow", "MemberRow", "ProfileRow", "MeetingRow", "EntryRow", "CommitmentRow",
    "CheckinRow", "PingRow", "SeenEventRow", "MessageSlotRow", "AdapterStateRow", "ProgrammeRow",
    "CoordinatorRow", "ShareRow", "ApologyRow", "CommitmentChangeRow",
]
