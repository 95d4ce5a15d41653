"""Rows to core values and back: one function a table each way, shared by the modules that
load and save (sets, programmes, pings)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from bot.core.model import (
    ActionSet,
    Apology,
    CalendarState,
    ChangeKind,
    CheckinAnswer,
    Commitment,
    CommitmentChange,
    Entry,
    EntryKind,
    Meeting,
    Member,
    Outcome,
    Profile,
    Programme,
    Progress,
    QuietHours,
    Share,
    Stage,
)
from bot.core.refs import UserRef
from storage.models import (
    ApologyRow,
    CheckinRow,
    CommitmentChangeRow,
    CommitmentRow,
    EntryRow,
    MeetingRow,
    ShareRow,
    as_utc,
)


def user_or_none(key: str | None) -> UserRef | None:
    return UserRef.from_key(key) if key else None


def clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def profile_from_row(user_key: str, quiet_start: str | None, quiet_end: str | None,
             timezone: str | None, language: str | None = None) -> Profile:
    quiet = (QuietHours(start=clock_time(quiet_start), end=clock_time(quiet_end))
             if quiet_start and quiet_end else None)
    return Profile(user=UserRef.from_key(user_key), quiet=quiet, timezone=timezone,
                   language=language)


def meeting_from_row(row: Any | MeetingRow) -> Meeting:
    return Meeting(
        id=row.id, set_id=row.set_id, number=row.number, stage=Stage(row.stage), seq=row.seq,
        started_at=row.started_at, stage_started_at=row.stage_started_at,
        facilitator=UserRef.from_key(row.facilitator_key),
        attendance=tuple(UserRef.from_key(k) for k in row.attendance),
        bids=tuple(UserRef.from_key(k) for k in row.bids),
        reviewees=tuple(UserRef.from_key(k) for k in row.reviewees),
        apologies=tuple(UserRef.from_key(k) for k in row.apologies or ()),
        presenter_index=row.presenter_index, last_advance_at=row.last_advance_at,
        last_advance_by=user_or_none(row.last_advance_by), ended_at=row.ended_at,
        summary=row.summary,
    )


def entry_from_row(row: Any | EntryRow) -> Entry:
    return Entry(id=row.id, set_id=row.set_id, meeting_id=row.meeting_id, stage=Stage(row.stage),
                 kind=EntryKind(row.kind), user=UserRef.from_key(row.user_key), text=row.text,
                 at=row.at, presenter=user_or_none(row.presenter_key))


def commitment_from_row(row: Any | CommitmentRow) -> Commitment:
    return Commitment(
        id=row.id, set_id=row.set_id, meeting_id=row.meeting_id,
        owner=UserRef.from_key(row.owner_key), text=row.text, due_at=row.due_at,
        created_at=row.created_at, outcome=Outcome(row.outcome) if row.outcome else None,
        account=row.account, reviewed_meeting_id=row.reviewed_meeting_id,
        last_pinged_at=row.last_pinged_at,
        progress=Progress(row.progress) if row.progress else None, carried_at=row.carried_at,
        dropped_at=row.dropped_at,
    )


def checkin_from_row(row: Any | CheckinRow) -> CheckinAnswer:
    return CheckinAnswer(id=row.id, set_id=row.set_id, commitment_id=row.commitment_id,
                         user=UserRef.from_key(row.user_key), answer=Progress(row.answer),
                         at=row.at, note=row.note, shared=row.shared)


def apology_from_row(row: Any | ApologyRow) -> Apology:
    return Apology(id=row.id, set_id=row.set_id, user=UserRef.from_key(row.user_key),
                   meeting_at=row.meeting_at, at=row.at, note=row.note, withdrawn=row.withdrawn)


def change_from_row(row: Any | CommitmentChangeRow) -> CommitmentChange:
    return CommitmentChange(id=row.id, set_id=row.set_id, commitment_id=row.commitment_id,
                            user=UserRef.from_key(row.user_key), kind=ChangeKind(row.kind),
                            at=row.at, before=row.before, after=row.after)


def calendar_from_row(row: Any) -> CalendarState:
    return CalendarState(
        anchor=as_utc(row.calendar_anchor),
        exdates=tuple(as_utc(datetime.fromisoformat(x)) for x in row.calendar_exdates or ()),
        sequence=row.calendar_sequence)


def share_from_row(row: Any | ShareRow) -> Share:
    return Share(id=row.id, set_id=row.set_id, programme_id=row.programme_id,
                 user=UserRef.from_key(row.user_key), text=row.text, at=row.at,
                 confirmed=row.confirmed, withdrawn=row.withdrawn,
                 released_at=row.released_at)


def set_values(s: ActionSet) -> dict[str, object]:
    return dict(
        name=s.name, home_key=s.home.key, timezone=s.timezone,
        facilitator_key=s.facilitator.key if s.facilitator else None,
        timeboxes={k.value: v for k, v in s.timeboxes.items()},
        checkin_offsets=",".join(s.checkin_offsets), checkins_paused=s.checkins_paused,
        auto_advance=s.auto_advance, next_meeting_at=s.next_meeting_at,
        cadence_weeks=s.cadence_weeks, meetings_held=s.meetings_held, created_at=s.created_at,
        programme_id=s.programme_id, joined_programme_at=s.joined_programme_at,
        unreachable_since=s.unreachable_since,
        holidays=s.holidays, link=s.link, calendar_anchor=s.calendar.anchor,
        calendar_exdates=[x.isoformat() for x in s.calendar.exdates],
        calendar_sequence=s.calendar.sequence,
        language=s.language,
    )


def member_values(m: Member) -> dict[str, object]:
    return dict(name=m.name, joined_at=m.joined_at, left_at=m.left_at, org=m.org,
                org_shown=m.org_shown, away_until=m.away_until,
                checkins_paused=m.checkins_paused, calendar_taken=m.calendar_taken)


def profile_values(p: Profile) -> dict[str, object]:
    return dict(
        quiet_start=p.quiet.start.strftime("%H:%M") if p.quiet else None,
        quiet_end=p.quiet.end.strftime("%H:%M") if p.quiet else None,
        timezone=p.timezone, language=p.language,
    )


def meeting_values(m: Meeting) -> dict[str, object]:
    return dict(
        set_id=m.set_id, number=m.number, stage=m.stage.value, seq=m.seq,
        started_at=m.started_at, stage_started_at=m.stage_started_at,
        facilitator_key=m.facilitator.key, attendance=[u.key for u in m.attendance],
        bids=[u.key for u in m.bids], reviewees=[u.key for u in m.reviewees],
        apologies=[u.key for u in m.apologies],
        presenter_index=m.presenter_index, last_advance_at=m.last_advance_at,
        last_advance_by=m.last_advance_by.key if m.last_advance_by else None,
        ended_at=m.ended_at, summary=m.summary,
    )


def entry_values(e: Entry) -> dict[str, object]:
    return dict(set_id=e.set_id, meeting_id=e.meeting_id, stage=e.stage.value, kind=e.kind.value,
                user_key=e.user.key, text=e.text, at=e.at,
                presenter_key=e.presenter.key if e.presenter else None)


def commitment_values(c: Commitment) -> dict[str, object]:
    return dict(
        set_id=c.set_id, meeting_id=c.meeting_id, owner_key=c.owner.key, text=c.text,
        due_at=c.due_at, created_at=c.created_at,
        outcome=c.outcome.value if c.outcome else None, account=c.account,
        reviewed_meeting_id=c.reviewed_meeting_id, last_pinged_at=c.last_pinged_at,
        progress=c.progress.value if c.progress else None, carried_at=c.carried_at,
        dropped_at=c.dropped_at,
    )


def checkin_values(a: CheckinAnswer) -> dict[str, object]:
    return dict(set_id=a.set_id, commitment_id=a.commitment_id, user_key=a.user.key,
                answer=a.answer.value, note=a.note, at=a.at, shared=a.shared)


def apology_values(a: Apology) -> dict[str, object]:
    return dict(set_id=a.set_id, user_key=a.user.key, meeting_at=a.meeting_at, at=a.at,
                note=a.note, withdrawn=a.withdrawn)


def change_values(c: CommitmentChange) -> dict[str, object]:
    return dict(set_id=c.set_id, commitment_id=c.commitment_id, user_key=c.user.key,
                kind=c.kind.value, at=c.at, before=c.before, after=c.after)


def share_values(s: Share) -> dict[str, object]:
    return dict(set_id=s.set_id, programme_id=s.programme_id, user_key=s.user.key, text=s.text,
                at=s.at, confirmed=s.confirmed, withdrawn=s.withdrawn,
                released_at=s.released_at)


def programme_values(p: Programme) -> dict[str, object]:
    return dict(name=p.name, channel_key=p.channel.key, timezone=p.timezone,
                created_at=p.created_at, code=p.code, code_expires_at=p.code_expires_at,
                digest_weekday=p.digest_weekday, digest_time=p.digest_time.strftime("%H:%M"),
                language=p.language)
