"""Routing look-ups: which set or programme an event belongs to, by the key
``bot.core.routing.route`` built from it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from bot.core.refs import UserRef
from bot.core.routing import (
    ByChannel,
    ByCommitment,
    ByCoordinator,
    ByMeeting,
    ByProgramme,
    ByRecord,
    BySet,
    ByUser,
    Route,
)
from storage.models import (
    CommitmentRow,
    CoordinatorRow,
    MeetingRow,
    MemberRow,
    ProgrammeRow,
    SetRow,
)


@dataclass(frozen=True, slots=True)
class Target:
    """What an event's route resolved to: a set or a programme, by id."""

    kind: str  # "set" or "programme"
    id: str


_SET_BY_HOME = select(SetRow.id).where(SetRow.home_key == bindparam("key"))


_MEMBERSHIPS = (select(MemberRow.set_id, SetRow.name)
                .join(SetRow, SetRow.id == MemberRow.set_id)
                .where(MemberRow.user_key == bindparam("key"))
                .order_by(MemberRow.joined_at.desc()))


def memberships(session: Session, user: UserRef) -> tuple[str, ...]:
    """The names of the sets ``user`` is or was a member of, latest joined first."""
    return tuple(row.name for row in session.execute(_MEMBERSHIPS, {"key": user.key}))


def find_target(session: Session, route: Route) -> Target | None:
    """The set or programme an event belongs to, by the key ``routing.route`` built."""
    match route:
        case ByChannel(channel=channel):
            found = session.execute(_SET_BY_HOME, {"key": channel.key}).scalar_one_or_none()
            if found is not None:
                return Target("set", found)
            found = (session.execute(select(ProgrammeRow.id).where(
                ProgrammeRow.channel_key == channel.key))).scalar_one_or_none()
            return Target("programme", found) if found is not None else None
        case ByProgramme(programme_id=programme_id):
            return Target("programme", programme_id)
        case ByCoordinator(user=user):
            found = (session.execute(
                select(CoordinatorRow.programme_id)
                .join(ProgrammeRow, ProgrammeRow.id == CoordinatorRow.programme_id)
                .where(CoordinatorRow.user_key == user.key)
                .order_by(ProgrammeRow.created_at.desc()).limit(1))).scalar_one_or_none()
            return Target("programme", found) if found is not None else None
        case ByRecord(user=user, set_name=set_name):
            found = [row.set_id for row in session.execute(_MEMBERSHIPS, {"key": user.key})
                     if set_name is None or row.name.casefold() == set_name.casefold()]
            return Target("set", found[0]) if found else None
    set_id = find_set_id(session, route)
    return Target("set", set_id) if set_id is not None else None


def find_set_id(session: Session, route: Route) -> str | None:
    """The id of the set an event belongs to, by the key ``routing.route`` built."""
    match route:
        case BySet(set_id=set_id):
            return set_id
        case ByChannel(channel=channel):
            stmt = select(SetRow.id).where(SetRow.home_key == channel.key)
        case ByMeeting(meeting_id=meeting_id):
            stmt = select(MeetingRow.set_id).where(MeetingRow.id == meeting_id)
        case ByCommitment(commitment_id=commitment_id):
            stmt = select(CommitmentRow.set_id).where(CommitmentRow.id == commitment_id)
        case ByUser(user=user):
            pinged = (
                select(CommitmentRow.set_id)
                .join(MemberRow, and_(MemberRow.set_id == CommitmentRow.set_id,
                                      MemberRow.user_key == CommitmentRow.owner_key))
                .where(CommitmentRow.owner_key == user.key, CommitmentRow.outcome.is_(None),
                       MemberRow.left_at.is_(None), CommitmentRow.last_pinged_at.is_not(None))
                .order_by(CommitmentRow.last_pinged_at.desc()).limit(1)
            )
            found = (session.execute(pinged)).scalar_one_or_none()
            if found is not None:
                return found
            stmt = (select(MemberRow.set_id)
                    .where(MemberRow.user_key == user.key, MemberRow.left_at.is_(None))
                    .order_by(MemberRow.joined_at.desc()).limit(1))
        case _:
            raise TypeError(f"unknown route: {route!r}")
    return (session.execute(stmt)).scalar_one_or_none()
