"""The set aggregate in and out of the database: load (what one event needs), save (what
changed, guarded by the set's version), and a member's sets for their home view."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.core.model import (
    ActionSet,
    Entry,
    Member,
    SetState,
    Stage,
)
from bot.core.refs import ChannelRef, UserRef
from storage.models import (
    ApologyRow,
    CheckinRow,
    CommitmentChangeRow,
    CommitmentRow,
    EntryRow,
    MeetingRow,
    MemberRow,
    ProfileRow,
    ProgrammeRow,
    SetRow,
    ShareRow,
)
from storage.programmes import load_programme_record
from storage.routing import memberships
from storage.rows import (
    apology_from_row,
    apology_values,
    calendar_from_row,
    change_from_row,
    change_values,
    checkin_from_row,
    checkin_values,
    commitment_from_row,
    commitment_values,
    entry_from_row,
    entry_values,
    meeting_from_row,
    meeting_values,
    member_values,
    profile_from_row,
    profile_values,
    set_values,
    share_from_row,
    share_values,
    user_or_none,
)
from storage.sql import save_root, write_changes


@dataclass(frozen=True, slots=True)
class Loaded:
    state: SetState
    version: int


# The statements ``load`` runs for every event, built once: Core rows rather than ORM objects,
# and one cached compilation each (what costs most per event is SQLAlchemy, not SQLite).
_SET = select(SetRow.__table__).where(SetRow.id == bindparam("set_id"))
_MEMBERS = (
    select(MemberRow.__table__, ProfileRow.quiet_start, ProfileRow.quiet_end,
           ProfileRow.timezone.label("profile_timezone"),
           ProfileRow.language.label("profile_language"),
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
_APOLOGIES = (select(ApologyRow.__table__).where(ApologyRow.set_id == bindparam("set_id"))
              .order_by(ApologyRow.at, ApologyRow.id))
_CHANGES = (select(CommitmentChangeRow.__table__)
            .where(CommitmentChangeRow.set_id == bindparam("set_id"))
            .order_by(CommitmentChangeRow.at, CommitmentChangeRow.id))
_PAST_MEETINGS = (select(MeetingRow.__table__)
                  .where(MeetingRow.set_id == bindparam("set_id"), MeetingRow.stage == "ended")
                  .order_by(MeetingRow.number))
_PENDING_SHARES = (select(ShareRow.__table__)
                   .where(ShareRow.set_id == bindparam("set_id"), ShareRow.confirmed.is_(False),
                          ShareRow.withdrawn.is_(False)).order_by(ShareRow.at))


def load(session: Session, set_id: str, *, with_history: bool = False,
         join_code: str | None = None, record_owner: UserRef | None = None,
         with_past_meetings: bool = False) -> Loaded | None:
    """The set's aggregate: the set, members and profiles, the latest meeting (with what was
    said in it while it runs), commitments, check-ins on the open ones, pending shares."""
    row = session.execute(_SET, {"set_id": set_id}).one_or_none()
    if row is None:
        return None
    action_set = ActionSet(
        id=row.id, name=row.name, home=ChannelRef.from_key(row.home_key), timezone=row.timezone,
        created_at=row.created_at, facilitator=user_or_none(row.facilitator_key),
        timeboxes={Stage(k): v for k, v in row.timeboxes.items()},
        checkin_offsets=tuple(p for p in row.checkin_offsets.split(",") if p),
        checkins_paused=row.checkins_paused, auto_advance=row.auto_advance,
        next_meeting_at=row.next_meeting_at, cadence_weeks=row.cadence_weeks,
        meetings_held=row.meetings_held, programme_id=row.programme_id,
        joined_programme_at=row.joined_programme_at, unreachable_since=row.unreachable_since,
        holidays=row.holidays, link=row.link,
        calendar=calendar_from_row(row),
        language=row.language,
    )
    members, profiles = {}, {}
    for m in session.execute(_MEMBERS, {"set_id": set_id}):
        members[m.user_key] = Member(user=UserRef.from_key(m.user_key), name=m.name,
                                     joined_at=m.joined_at, left_at=m.left_at, org=m.org,
                                     org_shown=m.org_shown, away_until=m.away_until,
                                     checkins_paused=m.checkins_paused,
                                     calendar_taken=m.calendar_taken)
        if m.profile_key is not None:
            profiles[m.user_key] = profile_from_row(m.user_key, m.quiet_start, m.quiet_end,
                                            m.profile_timezone, m.profile_language)
    meeting_row = session.execute(_LATEST_MEETING, {"set_id": set_id}).one_or_none()
    meeting = meeting_from_row(meeting_row) if meeting_row is not None else None
    entries: tuple[Entry, ...] = ()
    if meeting is not None and meeting.running:
        entries = tuple(entry_from_row(e)
                        for e in session.execute(_MEETING_ENTRIES, {"mid": meeting.id}))
    commitments = {c.id: commitment_from_row(c) for c in session.execute(_COMMITMENTS,
                                                                 {"set_id": set_id})}
    relevant = [c.id for c in commitments.values()
                if with_history or c.open
                or (meeting is not None and c.reviewed_meeting_id == meeting.id)]
    checkins = tuple(checkin_from_row(a) for a in session.execute(_CHECKINS, {"ids": relevant})
                     ) if relevant else ()
    history = summaries = None
    if with_history:  # the export and forget-me: every entry, summary and share of the set
        history = tuple(entry_from_row(e)
                        for e in session.execute(_SET_ENTRIES, {"set_id": set_id}))
        summaries = {r.id: r.summary for r in session.execute(
            select(MeetingRow.id, MeetingRow.summary).where(MeetingRow.set_id == set_id,
                                                            MeetingRow.summary != ""))}
        shares = tuple(share_from_row(r) for r in session.execute(
            select(ShareRow.__table__).where(ShareRow.set_id == set_id).order_by(ShareRow.at)))
    else:
        shares = tuple(share_from_row(r)
                       for r in session.execute(_PENDING_SHARES, {"set_id": set_id}))
    programme = load_programme_record(session, row.programme_id) if row.programme_id else None
    candidate = None
    if join_code:
        candidate_id = session.execute(select(ProgrammeRow.id).where(
            ProgrammeRow.code == join_code)).scalar_one_or_none()
        candidate = load_programme_record(session, candidate_id) if candidate_id else None
    apologies = tuple(apology_from_row(r) for r in session.execute(_APOLOGIES,
                                                                   {"set_id": set_id}))
    changes = tuple(change_from_row(r) for r in session.execute(_CHANGES, {"set_id": set_id}))
    past_meetings = None
    if with_past_meetings:  # summaries: the set's ended meetings with their stored summaries
        past_meetings = tuple(meeting_from_row(r) for r in session.execute(
            _PAST_MEETINGS, {"set_id": set_id}))
    state = SetState(set=action_set, members=members, profiles=profiles, meeting=meeting,
                     entries=entries, commitments=commitments, checkins=checkins,
                     history=history, summaries=summaries, shares=shares, programme=programme,
                     candidate=candidate, apologies=apologies, changes=changes,
                     past_meetings=past_meetings,
                     memberships=memberships(session, record_owner) if record_owner else ())
    return Loaded(state=state, version=row.version)


def save(session: Session, before: Loaded | None, after: SetState) -> None:
    """Write what changed between ``before`` and ``after``, guarded by the set's version.

    Raises ``VersionConflict`` when another transaction saved the set first.
    """
    old = before.state if before is not None else None
    if old == after:
        return
    changed = before is None or after.set != before.state.set
    save_root(session, SetRow, after.set.id, before.version if before else None,
              set_values(after.set) if changed else {}, "set")
    set_id = after.set.id
    write_changes(session, MemberRow, old.members if old else {}, after.members,
                  lambda key: {"set_id": set_id, "user_key": key}, member_values)
    write_changes(session, ProfileRow, old.profiles if old else {}, after.profiles,
                  lambda key: {"user_key": key}, profile_values)
    old_meetings = {old.meeting.id: old.meeting} if old and old.meeting else {}
    new_meetings = {after.meeting.id: after.meeting} if after.meeting else {}
    write_changes(session, MeetingRow, old_meetings, new_meetings, lambda key: {"id": key},
            meeting_values)
    write_changes(session, EntryRow, {e.id: e for e in old.entries} if old else {},
                  {e.id: e for e in after.entries}, lambda key: {"id": key}, entry_values)
    write_changes(session, CommitmentRow, old.commitments if old else {}, after.commitments,
                  lambda key: {"id": key}, commitment_values)
    write_changes(session, CheckinRow, {a.id: a for a in old.checkins} if old else {},
                  {a.id: a for a in after.checkins}, lambda key: {"id": key}, checkin_values)
    write_changes(session, ShareRow, {a.id: a for a in old.shares} if old else {},
                  {a.id: a for a in after.shares}, lambda key: {"id": key}, share_values)
    write_changes(session, ApologyRow, {a.id: a for a in old.apologies} if old else {},
                  {a.id: a for a in after.apologies}, lambda key: {"id": key}, apology_values)
    write_changes(session, CommitmentChangeRow, {c.id: c for c in old.changes} if old else {},
                  {c.id: c for c in after.changes}, lambda key: {"id": key}, change_values)
    session.flush()


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
