"""Repository functions: the set aggregate in and out of the database, pings, seen events.

Every function takes the session it works in; the caller owns the transaction
(``Database.run`` runs a whole one in a worker thread), so one event is one transaction.
Writes are batched per table: a statement costs more than the rows it carries.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from time import time_ns
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.model import (
    ActionSet,
    CheckinAnswer,
    Commitment,
    Entry,
    EntryKind,
    Meeting,
    Member,
    Outcome,
    Ping,
    PingKind,
    Profile,
    Programme,
    ProgrammeState,
    Progress,
    QuietHours,
    ReleasedShare,
    SetDigest,
    SetState,
    Share,
    Stage,
)
from bot.core.refs import ChannelRef, UserRef
from bot.core.routing import (
    ByChannel,
    ByCommitment,
    ByCoordinator,
    ByMeeting,
    ByProgramme,
    BySet,
    ByUser,
    Route,
)
from storage.idempotency import get_slot, put_slot, remember_event  # noqa: F401 - re-exported
from storage.models import (
    CheckinRow,
    CommitmentRow,
    CoordinatorRow,
    EntryRow,
    MeetingRow,
    MemberRow,
    PingRow,
    ProfileRow,
    ProgrammeRow,
    SetRow,
    ShareRow,
    as_utc,
)


class VersionConflict(Exception):
    """Another transaction changed the set since it was loaded: reload and decide again."""


@dataclass(frozen=True, slots=True)
class Loaded:
    state: SetState
    version: int


@dataclass(frozen=True, slots=True)
class LoadedProgramme:
    state: ProgrammeState
    version: int


@dataclass(frozen=True, slots=True)
class Target:
    """What an event's route resolved to: a set or a programme, by id."""

    kind: str  # "set" or "programme"
    id: str


# ---------------------------------------------------------------- routing


_SET_BY_HOME = select(SetRow.id).where(SetRow.home_key == bindparam("key"))


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


# ---------------------------------------------------------------- load


def _user(key: str | None) -> UserRef | None:
    return UserRef.from_key(key) if key else None


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


# The statements ``load`` runs for every event, built once: Core rows rather than ORM objects,
# and one cached compilation each (what costs most per event is SQLAlchemy, not SQLite).
_SET = select(SetRow.__table__).where(SetRow.id == bindparam("set_id"))
_MEMBERS = (
    select(MemberRow.__table__, ProfileRow.quiet_start, ProfileRow.quiet_end,
           ProfileRow.timezone.label("profile_timezone"),
           ProfileRow.user_key.label("profile_key"))
    .outerjoin(ProfileRow, ProfileRow.user_key == MemberRow.user_key)
    .where(MemberRow.set_id == bindparam("set_id"))
)
_LATEST_MEETING = (select(MeetingRow.__table__).where(MeetingRow.set_id == bindparam("set_id"))
                   .order_by(MeetingRow.started_at.desc()).limit(1))
_MEETING_ENTRIES = (select(EntryRow.__table__).where(EntryRow.meeting_id == bindparam("mid"))
                    .order_by(EntryRow.at, EntryRow.id))
_SET_ENTRIES = (select(EntryRow.__table__).where(EntryRow.set_id == bindparam("set_id"))
                .order_by(EntryRow.at, EntryRow.id))
_COMMITMENTS = select(CommitmentRow.__table__).where(CommitmentRow.set_id == bindparam("set_id"))
_CHECKINS = (select(CheckinRow.__table__)
             .where(CheckinRow.commitment_id.in_(bindparam("ids", expanding=True)))
             .order_by(CheckinRow.at, CheckinRow.id))
_PENDING_SHARES = (select(ShareRow.__table__)
                   .where(ShareRow.set_id == bindparam("set_id"), ShareRow.confirmed.is_(False),
                          ShareRow.withdrawn.is_(False)).order_by(ShareRow.at))


def load(session: Session, set_id: str, *, with_history: bool = False,
         join_code: str | None = None) -> Loaded | None:
    """The set's aggregate: the set, members and profiles, the latest meeting (with what was
    said in it while it runs), commitments, check-ins on the open ones, pending shares."""
    row = session.execute(_SET, {"set_id": set_id}).one_or_none()
    if row is None:
        return None
    action_set = ActionSet(
        id=row.id, name=row.name, home=ChannelRef.from_key(row.home_key), timezone=row.timezone,
        created_at=row.created_at, facilitator=_user(row.facilitator_key),
        timeboxes={Stage(k): v for k, v in row.timeboxes.items()},
        checkin_offsets=tuple(p for p in row.checkin_offsets.split(",") if p),
        checkins_paused=row.checkins_paused, auto_advance=row.auto_advance,
        next_meeting_at=row.next_meeting_at, cadence_weeks=row.cadence_weeks,
        meetings_held=row.meetings_held, programme_id=row.programme_id,
        joined_programme_at=row.joined_programme_at,
    )
    members, profiles = {}, {}
    for m in session.execute(_MEMBERS, {"set_id": set_id}):
        members[m.user_key] = Member(user=UserRef.from_key(m.user_key), name=m.name,
                                     joined_at=m.joined_at, left_at=m.left_at, org=m.org)
        if m.profile_key is not None:
            profiles[m.user_key] = _profile(m.user_key, m.quiet_start, m.quiet_end,
                                            m.profile_timezone)
    meeting_row = session.execute(_LATEST_MEETING, {"set_id": set_id}).one_or_none()
    meeting = _meeting(meeting_row) if meeting_row is not None else None
    entries: tuple[Entry, ...] = ()
    if meeting is not None and meeting.running:
        entries = tuple(_entry(e) for e in session.execute(_MEETING_ENTRIES, {"mid": meeting.id}))
    commitments = {c.id: _commitment(c) for c in session.execute(_COMMITMENTS,
                                                                 {"set_id": set_id})}
    relevant = [c.id for c in commitments.values()
                if with_history or c.open
                or (meeting is not None and c.reviewed_meeting_id == meeting.id)]
    checkins = tuple(_checkin(a) for a in session.execute(_CHECKINS, {"ids": relevant})
                     ) if relevant else ()
    history = summaries = None
    if with_history:  # the export and forget-me: every entry, summary and share of the set
        history = tuple(_entry(e) for e in session.execute(_SET_ENTRIES, {"set_id": set_id}))
        summaries = {r.id: r.summary for r in session.execute(
            select(MeetingRow.id, MeetingRow.summary).where(MeetingRow.set_id == set_id,
                                                            MeetingRow.summary != ""))}
        shares = tuple(_share(r) for r in session.execute(
            select(ShareRow.__table__).where(ShareRow.set_id == set_id).order_by(ShareRow.at)))
    else:
        shares = tuple(_share(r) for r in session.execute(_PENDING_SHARES, {"set_id": set_id}))
    programme = load_programme_record(session, row.programme_id) if row.programme_id else None
    candidate = None
    if join_code:
        candidate_id = session.execute(select(ProgrammeRow.id).where(
            ProgrammeRow.code == join_code)).scalar_one_or_none()
        candidate = load_programme_record(session, candidate_id) if candidate_id else None
    state = SetState(set=action_set, members=members, profiles=profiles, meeting=meeting,
                     entries=entries, commitments=commitments, checkins=checkins,
                     history=history, summaries=summaries, shares=shares, programme=programme,
                     candidate=candidate)
    return Loaded(state=state, version=row.version)


def _share(row: Any | ShareRow) -> Share:
    return Share(id=row.id, set_id=row.set_id, programme_id=row.programme_id,
                 user=UserRef.from_key(row.user_key), text=row.text, at=row.at,
                 confirmed=row.confirmed, withdrawn=row.withdrawn,
                 released_at=row.released_at)


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
        digest_time=_clock(row.digest_time))


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
               ShareRow.withdrawn.is_(False), ShareRow.released_at.is_(None))
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



def _profile(user_key: str, quiet_start: str | None, quiet_end: str | None,
             timezone: str | None) -> Profile:
    quiet = (QuietHours(start=_clock(quiet_start), end=_clock(quiet_end))
             if quiet_start and quiet_end else None)
    return Profile(user=UserRef.from_key(user_key), quiet=quiet, timezone=timezone)


def _meeting(row: Any | MeetingRow) -> Meeting:
    return Meeting(
        id=row.id, set_id=row.set_id, number=row.number, stage=Stage(row.stage), seq=row.seq,
        started_at=row.started_at, stage_started_at=row.stage_started_at,
        facilitator=UserRef.from_key(row.facilitator_key),
        attendance=tuple(UserRef.from_key(k) for k in row.attendance),
        bids=tuple(UserRef.from_key(k) for k in row.bids),
        reviewees=tuple(UserRef.from_key(k) for k in row.reviewees),
        presenter_index=row.presenter_index, last_advance_at=row.last_advance_at,
        last_advance_by=_user(row.last_advance_by), ended_at=row.ended_at, summary=row.summary,
    )


def _entry(row: Any | EntryRow) -> Entry:
    return Entry(id=row.id, set_id=row.set_id, meeting_id=row.meeting_id, stage=Stage(row.stage),
                 kind=EntryKind(row.kind), user=UserRef.from_key(row.user_key), text=row.text,
                 at=row.at, presenter=_user(row.presenter_key))


def _commitment(row: Any | CommitmentRow) -> Commitment:
    return Commitment(
        id=row.id, set_id=row.set_id, meeting_id=row.meeting_id,
        owner=UserRef.from_key(row.owner_key), text=row.text, due_at=row.due_at,
        created_at=row.created_at, outcome=Outcome(row.outcome) if row.outcome else None,
        account=row.account, reviewed_meeting_id=row.reviewed_meeting_id,
        last_pinged_at=row.last_pinged_at,
        progress=Progress(row.progress) if row.progress else None, carried_at=row.carried_at,
    )


def _checkin(row: Any | CheckinRow) -> CheckinAnswer:
    return CheckinAnswer(id=row.id, set_id=row.set_id, commitment_id=row.commitment_id,
                         user=UserRef.from_key(row.user_key), answer=Progress(row.answer),
                         at=row.at, note=row.note, shared=row.shared)


# ---------------------------------------------------------------- save


def _set_values(s: ActionSet) -> dict[str, object]:
    return dict(
        name=s.name, home_key=s.home.key, timezone=s.timezone,
        facilitator_key=s.facilitator.key if s.facilitator else None,
        timeboxes={k.value: v for k, v in s.timeboxes.items()},
        checkin_offsets=",".join(s.checkin_offsets), checkins_paused=s.checkins_paused,
        auto_advance=s.auto_advance, next_meeting_at=s.next_meeting_at,
        cadence_weeks=s.cadence_weeks, meetings_held=s.meetings_held, created_at=s.created_at,
        programme_id=s.programme_id, joined_programme_at=s.joined_programme_at,
    )


def _member_values(m: Member) -> dict[str, object]:
    return dict(name=m.name, joined_at=m.joined_at, left_at=m.left_at, org=m.org)


def _profile_values(p: Profile) -> dict[str, object]:
    return dict(
        quiet_start=p.quiet.start.strftime("%H:%M") if p.quiet else None,
        quiet_end=p.quiet.end.strftime("%H:%M") if p.quiet else None,
        timezone=p.timezone,
    )


def _meeting_values(m: Meeting) -> dict[str, object]:
    return dict(
        set_id=m.set_id, number=m.number, stage=m.stage.value, seq=m.seq,
        started_at=m.started_at, stage_started_at=m.stage_started_at,
        facilitator_key=m.facilitator.key, attendance=[u.key for u in m.attendance],
        bids=[u.key for u in m.bids], reviewees=[u.key for u in m.reviewees],
        presenter_index=m.presenter_index, last_advance_at=m.last_advance_at,
        last_advance_by=m.last_advance_by.key if m.last_advance_by else None,
        ended_at=m.ended_at, summary=m.summary,
    )


def _entry_values(e: Entry) -> dict[str, object]:
    return dict(set_id=e.set_id, meeting_id=e.meeting_id, stage=e.stage.value, kind=e.kind.value,
                user_key=e.user.key, text=e.text, at=e.at,
                presenter_key=e.presenter.key if e.presenter else None)


def _commitment_values(c: Commitment) -> dict[str, object]:
    return dict(
        set_id=c.set_id, meeting_id=c.meeting_id, owner_key=c.owner.key, text=c.text,
        due_at=c.due_at, created_at=c.created_at,
        outcome=c.outcome.value if c.outcome else None, account=c.account,
        reviewed_meeting_id=c.reviewed_meeting_id, last_pinged_at=c.last_pinged_at,
        progress=c.progress.value if c.progress else None, carried_at=c.carried_at,
    )


def _checkin_values(a: CheckinAnswer) -> dict[str, object]:
    return dict(set_id=a.set_id, commitment_id=a.commitment_id, user_key=a.user.key,
                answer=a.answer.value, note=a.note, at=a.at, shared=a.shared)


def save(session: Session, before: Loaded | None, after: SetState) -> None:
    """Write what changed between ``before`` and ``after``, guarded by the set's version.

    Raises ``VersionConflict`` when another transaction saved the set first.
    """
    old = before.state if before is not None else None
    if old == after:
        return
    if before is None:
        session.add(SetRow(id=after.set.id, version=1, **_set_values(after.set)))
        try:
            session.flush()
        except IntegrityError as error:
            raise VersionConflict("a set was created here at the same time") from error
    else:
        values = _set_values(after.set) if after.set != before.state.set else {}
        result = session.execute(
            update(SetRow).where(SetRow.id == after.set.id, SetRow.version == before.version)
            .values(version=SetRow.version + 1, **values))
        if result.rowcount != 1:
            raise VersionConflict(after.set.id)
    set_id = after.set.id
    _upsert(session, MemberRow, old.members if old else {}, after.members,
                  lambda key: {"set_id": set_id, "user_key": key}, _member_values)
    _upsert(session, ProfileRow, old.profiles if old else {}, after.profiles,
                  lambda key: {"user_key": key}, _profile_values)
    old_meetings = {old.meeting.id: old.meeting} if old and old.meeting else {}
    new_meetings = {after.meeting.id: after.meeting} if after.meeting else {}
    _upsert(session, MeetingRow, old_meetings, new_meetings, lambda key: {"id": key},
            _meeting_values)
    _upsert(session, EntryRow, {e.id: e for e in old.entries} if old else {},
                  {e.id: e for e in after.entries}, lambda key: {"id": key}, _entry_values)
    _upsert(session, CommitmentRow, old.commitments if old else {}, after.commitments,
                  lambda key: {"id": key}, _commitment_values)
    _upsert(session, CheckinRow, {a.id: a for a in old.checkins} if old else {},
                  {a.id: a for a in after.checkins}, lambda key: {"id": key}, _checkin_values)
    _upsert(session, ShareRow, {a.id: a for a in old.shares} if old else {},
                  {a.id: a for a in after.shares}, lambda key: {"id": key}, _share_values)
    session.flush()


def _share_values(s: Share) -> dict[str, object]:
    return dict(set_id=s.set_id, programme_id=s.programme_id, user_key=s.user.key, text=s.text,
                at=s.at, confirmed=s.confirmed, withdrawn=s.withdrawn,
                released_at=s.released_at)


def _programme_values(p: Programme) -> dict[str, object]:
    return dict(name=p.name, channel_key=p.channel.key, timezone=p.timezone,
                created_at=p.created_at, code=p.code, code_expires_at=p.code_expires_at,
                digest_weekday=p.digest_weekday, digest_time=p.digest_time.strftime("%H:%M"))


def save_programme(session: Session, before: LoadedProgramme | None,
                         after: ProgrammeState) -> None:
    """Write the programme record (its member sets' counts are read-only here)."""
    old = before.state.programme if before is not None else None
    new = after.programme
    if old == new:
        return
    if before is None:
        session.add(ProgrammeRow(id=new.id, version=1, **_programme_values(new)))
        try:
            session.flush()
        except IntegrityError as error:
            raise VersionConflict("a programme was created here at the same time") from error
    else:
        result = session.execute(
            update(ProgrammeRow).where(ProgrammeRow.id == new.id,
                                       ProgrammeRow.version == before.version)
            .values(version=ProgrammeRow.version + 1, **_programme_values(new)))
        if result.rowcount != 1:
            raise VersionConflict(new.id)
    if old is None or old.coordinators != new.coordinators:
        session.execute(delete(CoordinatorRow).where(CoordinatorRow.programme_id == new.id))
        for position, user in enumerate(new.coordinators):
            session.add(CoordinatorRow(programme_id=new.id, user_key=user.key, position=position))
    session.flush()


def _upsert(session: Session, model: type, old: dict, new: dict, key_columns,
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




# ---------------------------------------------------------------- pings


def _ping_values(p: Ping) -> dict[str, object]:
    return dict(kind=p.kind.value, set_id=p.set_id, due_at=p.due_at,
                user_key=p.user.key if p.user else None, commitment_id=p.commitment_id,
                meeting_id=p.meeting_id, stage=p.stage.value if p.stage else None, seq=p.seq)


def ping_from_row(row: PingRow | Any) -> Ping:
    return Ping(id=row.id, kind=PingKind(row.kind), set_id=row.set_id, due_at=row.due_at,
                user=_user(row.user_key), commitment_id=row.commitment_id,
                meeting_id=row.meeting_id, stage=Stage(row.stage) if row.stage else None,
                seq=row.seq, created_order=row.created_order or 0)


_order_lock = threading.Lock()
_last_order = 0


def next_created_order() -> int:
    """Strictly increasing in this process (so the order of pings made here is their
    creation order, run after run) and close to the time in microseconds (so pings made by
    different processes sort roughly by when they were made)."""
    global _last_order
    with _order_lock:
        _last_order = max(_last_order + 1, time_ns() // 1000)
        return _last_order


def add_ping(session: Session, ping: Ping) -> None:
    session.add(PingRow(id=ping.id, status="pending", created_order=next_created_order(),
                        **_ping_values(ping)))


def cancel_pings(session: Session, set_id: str, kinds: frozenset[PingKind],
                       commitment_id: str | None = None, meeting_id: str | None = None,
                       user: UserRef | None = None, due_until: datetime | None = None) -> None:
    conditions = [PingRow.set_id == set_id, PingRow.status == "pending",
                  PingRow.kind.in_([k.value for k in kinds])]
    if commitment_id is not None:
        conditions.append(PingRow.commitment_id == commitment_id)
    if meeting_id is not None:
        conditions.append(PingRow.meeting_id == meeting_id)
    if user is not None:
        conditions.append(PingRow.user_key == user.key)
    if due_until is not None:
        conditions.append(PingRow.due_at <= due_until)
    session.execute(update(PingRow).where(*conditions).values(status="cancelled"))


def defer_ping(session: Session, ping_id: str, until: datetime) -> None:
    session.execute(update(PingRow).where(PingRow.id == ping_id)
                          .values(status="pending", due_at=until, claimed_until=None))


def claim(session: Session, ping_id: str, now: datetime,
                lease_until: datetime, retried: list[str] | None = None) -> Ping | None:
    """Take a due ping for delivery; ``None`` if it is not due or someone else holds it.

    A ping taken back from a claimer whose lease ran out is added to ``retried``."""
    if retried is not None:
        before = session.execute(select(PingRow.status).where(PingRow.id == ping_id)
                                 .with_for_update()).scalar_one_or_none()
    result = session.execute(
        update(PingRow)
        .where(PingRow.id == ping_id, PingRow.due_at <= now, _claimable(now))
        .values(status="sending", claimed_until=lease_until, attempts=PingRow.attempts + 1))
    if result.rowcount != 1:
        return None
    if retried is not None and before == "sending":
        retried.append(ping_id)
    row = session.get(PingRow, ping_id, populate_existing=True)
    return ping_from_row(row) if row is not None else None


def _claimable(now: datetime):
    return or_(PingRow.status == "pending",
               and_(PingRow.status == "sending", PingRow.claimed_until < now))


def finish(session: Session, ping_ids: Sequence[str], status: str, now: datetime) -> None:
    """Mark claimed pings ``sent`` or ``missed`` (a deferred one is pending again: left be)."""
    if ping_ids:
        session.execute(update(PingRow).where(PingRow.id.in_(list(ping_ids)),
                                              PingRow.status == "sending")
                        .values(status=status, done_at=now, claimed_until=None))


def finish_all(session: Session, sent: Sequence[str], missed: Sequence[str],
               now: datetime) -> None:
    finish(session, sent, "sent", now)
    finish(session, missed, "missed", now)


def release(session: Session, ping_ids: Sequence[str]) -> None:
    """Give claimed pings back (delivery failed or the process is stopping)."""
    if ping_ids:
        session.execute(update(PingRow).where(PingRow.id.in_(list(ping_ids)),
                                              PingRow.status == "sending")
                        .values(status="pending", claimed_until=None))


def claim_due(session: Session, now: datetime, lease_until: datetime,
                    limit: int, retried: list[str] | None = None) -> list[Ping]:
    """Claim up to ``limit`` due pings at once, oldest first.

    On PostgreSQL the rows are picked ``FOR UPDATE SKIP LOCKED``, so several processes claim
    disjoint batches; SQLite (one writer at a time) ignores the clause. Pings taken back from
    a claimer whose lease ran out (it died, or hung) are added to ``retried``.

    The other due pings of the sets picked come along (beyond ``limit``), so each set is
    decided once a batch: with thousands of sets due together (a backlog, a busy hour) the
    oldest-first cut would otherwise split a set over several batches, and each piece costs
    a load and a save of the whole set.
    """
    due = (select(PingRow.id, PingRow.status, PingRow.set_id)
           .where(PingRow.due_at <= now, _claimable(now))
           .order_by(PingRow.due_at, PingRow.created_order).limit(limit)
           .with_for_update(skip_locked=True))
    picked = session.execute(due).all()
    if not picked:
        return []
    set_ids = _sets_to_claim(session, sorted({row.set_id for row in picked}))
    picked = [row for row in picked if row.set_id in set_ids]
    if not picked:
        return []
    same_sets = (select(PingRow.id, PingRow.status, PingRow.set_id)
                 .where(PingRow.set_id.in_(set_ids), PingRow.due_at <= now, _claimable(now),
                        PingRow.id.not_in([row.id for row in picked]))
                 .with_for_update(skip_locked=True))
    picked.extend(session.execute(same_sets).all())
    ids = [row.id for row in picked]
    if retried is not None:
        retried.extend(row.id for row in picked if row.status == "sending")
    rows = session.execute(
        update(PingRow).where(PingRow.id.in_(ids), _claimable(now))
        .values(status="sending", claimed_until=lease_until, attempts=PingRow.attempts + 1)
        .returning(PingRow.id, PingRow.kind, PingRow.set_id, PingRow.due_at, PingRow.user_key,
                   PingRow.commitment_id, PingRow.meeting_id, PingRow.stage, PingRow.seq,
                   PingRow.created_order))
    return sorted((ping_from_row(row) for row in rows), key=delivery_order)


def delivery_order(ping: Ping) -> tuple[datetime, int, str]:
    """Pings go out by due time, then in the order they were made (a stable order, so the
    console's transcript is the same on every run)."""
    return (ping.due_at, ping.created_order, ping.id)


_SET_CLAIMS = 7  # the advisory lock class for claiming a set's pings (see _sets_to_claim)


def _sets_to_claim(session: Session, set_ids: list[str]) -> set[str]:
    """The sets this claim may take, in full. On PostgreSQL two processes claiming at the same
    moment could otherwise split one set's due pings between them and then both decide that
    set (a version conflict, a batch decided twice); a transaction-scoped advisory lock per
    set leaves each set to one of them (the other's share stays pending for its next claim).
    SQLite has one writer at a time: no one to share with."""
    if session.get_bind().dialect.name != "postgresql":
        return set(set_ids)
    got = session.execute(
        text("SELECT s FROM unnest(CAST(:sets AS text[])) AS s "
             "WHERE pg_try_advisory_xact_lock(:kind, hashtext(s))"),
        {"sets": set_ids, "kind": _SET_CLAIMS}).scalars().all()
    return set(got)


def upcoming_pings(session: Session, now: datetime,
                         until: datetime) -> Sequence[tuple[str, datetime]]:
    stmt = (select(PingRow.id, PingRow.due_at)
            .where(PingRow.status == "pending", PingRow.due_at > now, PingRow.due_at <= until)
            .order_by(PingRow.due_at))
    return [(row.id, row.due_at) for row in (session.execute(stmt))]


def next_due_at(session: Session, until: datetime) -> datetime | None:
    """When the earliest pending ping falls due, if that is no later than ``until``."""
    stmt = select(func.min(PingRow.due_at)).where(PingRow.status == "pending",
                                                  PingRow.due_at <= until)
    return as_utc((session.execute(stmt)).scalar_one_or_none())


def count_pings(session: Session, status: str) -> int:
    stmt = select(func.count()).select_from(PingRow).where(PingRow.status == status)
    return int((session.execute(stmt)).scalar_one())


def member_sets(session: Session, user: UserRef, limit: int) -> list[SetState]:
    """Every set the member belongs to, or still owes a commitment in, oldest membership
    first (read-only: a member's home view)."""
    joined = (session.execute(
        select(MemberRow.set_id).where(MemberRow.user_key == user.key,
                                       MemberRow.left_at.is_(None))
        .order_by(MemberRow.joined_at))).scalars().all()
    owing = (session.execute(
        select(CommitmentRow.set_id).where(CommitmentRow.owner_key == user.key,
                                           CommitmentRow.outcome.is_(None)))).scalars().all()
    states = []
    for set_id in dict.fromkeys([*joined, *owing]):
        loaded = load(session, set_id)
        if loaded is not None:
            states.append(loaded.state)
    return states[:limit]
