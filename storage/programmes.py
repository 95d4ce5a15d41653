"""Programmes: the record and its coordinators, and digest counts of the member sets (counts
only: no text column is read here), saved under the programme's own version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.core.erasure import ERASED
from bot.core.model import (
    Programme,
    ProgrammeState,
    ReleasedShare,
    SetDigest,
)
from bot.core.refs import ChannelRef, UserRef
from storage.models import (
    CommitmentRow,
    CoordinatorRow,
    MeetingRow,
    MemberRow,
    ProgrammeRow,
    SetRow,
    ShareRow,
    as_utc,
)
from storage.rows import clock_time, programme_values
from storage.sql import save_root


@dataclass(frozen=True, slots=True)
class LoadedProgramme:
    state: ProgrammeState
    version: int


def load_programme_record(session: Session, programme_id: str) -> Programme | None:
    row = session.get(ProgrammeRow, programme_id, populate_existing=True)
    if row is None:
        return None
    coordinators = (session.execute(
        select(CoordinatorRow.user_key).where(CoordinatorRow.programme_id == programme_id)
        .order_by(CoordinatorRow.position))).scalars().all()
    return Programme(
        id=row.id, name=row.name, channel=ChannelRef.from_key(row.channel_key),
        timezone=row.timezone, created_at=row.created_at,
        coordinators=tuple(UserRef.from_key(k) for k in coordinators), code=row.code,
        code_expires_at=row.code_expires_at, digest_weekday=row.digest_weekday,
        digest_time=clock_time(row.digest_time), language=row.language)


def load_programme(session: Session, programme_id: str,
                         since: datetime) -> LoadedProgramme | None:
    """The programme and, for each member set, counts only: no text column is read here."""
    programme = load_programme_record(session, programme_id)
    if programme is None:
        return None
    version = (session.execute(select(ProgrammeRow.version).where(
        ProgrammeRow.id == programme_id))).scalar_one()
    set_rows = (session.execute(
        select(SetRow.id, SetRow.name, SetRow.home_key, SetRow.joined_programme_at)
        .where(SetRow.programme_id == programme_id))).all()
    digests = []
    for set_row in set_rows:
        digests.append(_set_digest(session, set_row, since))
    # Shares by programme, never by set: not even the query that counts them names a set.
    released = session.execute(
        select(func.count()).select_from(ShareRow)
        .where(ShareRow.programme_id == programme_id, ShareRow.released_at >= since)
    ).scalar_one()
    waiting = tuple(ReleasedShare(id=row.id, text=row.text) for row in session.execute(
        select(ShareRow.id, ShareRow.text)
        .where(ShareRow.programme_id == programme_id, ShareRow.confirmed.is_(True),
               ShareRow.withdrawn.is_(False), ShareRow.released_at.is_(None),
               ShareRow.text != ERASED)
        .order_by(ShareRow.id)))
    state = ProgrammeState(programme=programme, sets=tuple(digests), shares_released=released,
                           to_release=waiting)
    return LoadedProgramme(state=state, version=version)


def release_shares(session: Session, share_ids: Sequence[str], at: datetime) -> None:
    """Mark learnings as posted with the weekly digest."""
    if share_ids:
        session.execute(update(ShareRow).where(ShareRow.id.in_(list(share_ids)),
                                               ShareRow.released_at.is_(None))
                        .values(released_at=at))


def _set_digest(session: Session, set_row: Any, since: datetime) -> SetDigest:
    set_id = set_row.id
    members, organisations = (session.execute(
        select(func.count(), func.count(func.distinct(MemberRow.org)))
        .where(MemberRow.set_id == set_id, MemberRow.left_at.is_(None)))).one()
    meetings = (session.execute(
        select(MeetingRow.id, MeetingRow.started_at, MeetingRow.attendance)
        .where(MeetingRow.set_id == set_id).order_by(MeetingRow.started_at))).all()
    in_period = [m for m in meetings if as_utc(m.started_at) >= since]
    last_meeting_at = as_utc(meetings[-1].started_at) if meetings else None
    started = {m.id: as_utc(m.started_at) for m in meetings}
    commitment_rows = (session.execute(
        select(CommitmentRow.meeting_id, CommitmentRow.created_at, CommitmentRow.outcome,
               CommitmentRow.reviewed_meeting_id)
        .where(CommitmentRow.set_id == set_id))).all()
    made = sum(1 for c in commitment_rows if as_utc(c.created_at) >= since)
    reviewed = sum(1 for c in commitment_rows if c.reviewed_meeting_id
                   and started.get(c.reviewed_meeting_id, since) >= since)
    never_reviewed = sum(
        1 for c in commitment_rows
        if c.outcome is None and last_meeting_at is not None
        and started.get(c.meeting_id, last_meeting_at) < last_meeting_at)
    return SetDigest(
        set_id=set_id, name=set_row.name, home=ChannelRef.from_key(set_row.home_key),
        members=members, organisations=organisations, meetings=len(in_period),
        attendance=sum(len(m.attendance) for m in in_period), commitments_made=made,
        commitments_reviewed=reviewed, never_reviewed=never_reviewed,
        last_meeting_at=last_meeting_at, joined_at=as_utc(set_row.joined_programme_at))


def save_programme(session: Session, before: LoadedProgramme | None,
                   after: ProgrammeState) -> None:
    """Write the programme record (its member sets' counts are read-only here)."""
    old = before.state.programme if before is not None else None
    new = after.programme
    if old == new:
        return
    save_root(session, ProgrammeRow, new.id, before.version if before else None,
              programme_values(new), "programme")
    if old is None or old.coordinators != new.coordinators:
        session.execute(delete(CoordinatorRow).where(CoordinatorRow.programme_id == new.id))
        for position, user in enumerate(new.coordinators):
            session.add(CoordinatorRow(programme_id=new.id, user_key=user.key, position=position))
    session.flush()
