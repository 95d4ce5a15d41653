"""The meetings as a calendar: what an ``.ics`` file says, and keeping members' files current.

The core decides *what* the file says (a ``MeetingSeries``: start, weekly cadence, cancelled
dates, revision) and *who* gets an updated one; the engine writes the RFC 5545 text with the
``icalendar`` package, outside the core. One series per set, one UID per set: an updated file
carries the same UID and a higher SEQUENCE, so calendars replace the old event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.core import timeparse
from bot.core.cards import Card
from bot.core.effects import Attachment, DirectMessage, Effect
from bot.core.messages import plain, t
from bot.core.model import CalendarState, Commitment, Context, SetState
from bot.core.result import Result
from bot.core.views import next_meeting_text, quoted

MEETING_LENGTH = timedelta(hours=2)
MAX_OCCURRENCES = 400  # a weekly series is searched for at most this many weeks


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingSeries:
    """One set's meetings as a recurring event; ``start`` ``None``: the series is cancelled."""

    uid: str
    name: str
    timezone: str
    start: datetime | None
    cadence_weeks: int | None
    exdates: tuple[datetime, ...]
    sequence: int
    link: str | None
    stamp: datetime
    description: str = ""  # worded by the catalogue, in the reader's language
    length: timedelta = MEETING_LENGTH


@dataclass(frozen=True, slots=True, kw_only=True)
class DueDate:
    """An open commitment as an all-day calendar entry on its due date."""

    uid: str
    text: str
    day: date


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarFile(Attachment):
    """An ``.ics`` attachment the engine renders (``content`` is filled in outside the core)."""

    series: MeetingSeries | None = None
    due_dates: tuple[DueDate, ...] = ()


def occurrence(anchor: datetime, weeks: int, index: int, zone_name: str) -> datetime:
    """The ``index``-th meeting after ``anchor`` every ``weeks`` weeks, at the same wall-clock
    time in the set's zone (so 10:00 stays 10:00 across a daylight-saving change)."""
    return timeparse.add_local(anchor, timedelta(weeks=weeks * index), zone_name)


def is_occurrence(anchor: datetime, weeks: int, moment: datetime, zone_name: str) -> bool:
    """Whether ``moment`` is one of the series' meetings (on or after ``anchor``)."""
    for index in range(MAX_OCCURRENCES):
        at = occurrence(anchor, weeks, index, zone_name)
        if at == moment:
            return True
        if at > moment:
            return False
    return False


def upcoming_dates(state: SetState, count: int) -> list[datetime]:
    """The next ``count`` scheduled meetings (the next one, then by the cadence)."""
    at = state.set.next_meeting_at
    if at is None:
        return []
    if not state.set.cadence_weeks:
        return [at]
    return [occurrence(at, state.set.cadence_weeks, i, state.set.timezone) for i in range(count)]


def series(state: SetState, ctx: Context) -> MeetingSeries:
    """The set's meetings as they stand now, for an ``.ics`` file."""
    s = state.set
    calendar = s.calendar
    start = calendar.anchor or s.next_meeting_at
    if s.next_meeting_at is None:
        start = None
    return MeetingSeries(uid=f"set-{s.id}@revans", name=s.name, timezone=s.timezone,
                         start=start, cadence_weeks=s.cadence_weeks if start else None,
                         exdates=calendar.exdates if start else (), sequence=calendar.sequence,
                         link=s.link, stamp=ctx.now,
                         description=plain("calendar.description", name=s.name))


def file_name(state: SetState) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in state.set.name.lower()).strip("-")
    return f"revans-{slug or 'set'}.ics"


def meetings_file(state: SetState, ctx: Context) -> CalendarFile:
    return CalendarFile(filename=file_name(state), content="", series=series(state, ctx))


def due_dates_file(state: SetState, commitments: list[Commitment]) -> CalendarFile:
    zone = state.set.timezone
    dates = tuple(DueDate(uid=f"commitment-{c.id}@revans", text=c.text,
                          day=timeparse.local(c.due_at, zone).date()) for c in commitments)
    slug = file_name(state).removesuffix(".ics")
    return CalendarFile(filename=f"{slug}-my-due-dates.ics", content="", due_dates=dates)


def revise(before: CalendarState, old_at: datetime | None, state: SetState, now: datetime,
           *, meeting_closed: bool) -> CalendarState | None:
    """The calendar after the schedule moved from ``old_at`` to the set's next meeting, or
    ``None`` when members' files are still right (a meeting held or missed rolls on within the
    same series).

    Skipped future meetings of the same series become EXDATEs; a different start time, cadence
    or zone starts a new series; a cleared schedule cancels it. Either way SEQUENCE goes up.
    """
    s = state.set
    new_at = s.next_meeting_at
    if new_at is None:
        if meeting_closed or old_at is None or old_at <= now + timedelta(hours=1):
            return None  # the last scheduled meeting came (or went): the file still holds
        return CalendarState(anchor=None, exdates=(), sequence=before.sequence + 1)
    anchor = before.anchor
    weeks = s.cadence_weeks
    if anchor is None or not weeks or not is_occurrence(anchor, weeks, new_at, s.timezone):
        if anchor == new_at and not weeks:
            return None
        return CalendarState(anchor=new_at, exdates=(), sequence=before.sequence + 1)
    if meeting_closed or old_at is None or new_at <= old_at:
        return None
    skipped = []
    index = 0
    while index < MAX_OCCURRENCES:
        at = occurrence(anchor, weeks, index, s.timezone)
        index += 1
        if at >= new_at:
            break
        if at >= old_at and at > now and at not in before.exdates:
            skipped.append(at)
    if not skipped:
        return None
    return CalendarState(anchor=anchor, exdates=(*before.exdates, *skipped),
                         sequence=before.sequence + 1)


def follow(before: SetState | None, result: Result, ctx: Context) -> Result:
    """After any step: if the schedule (or the link) changed under members who took the
    calendar file, record the new revision and send each of them the updated file."""
    after = result.state
    if not isinstance(before, SetState) or not isinstance(after, SetState):
        return result
    old, new = before.set, after.set
    if old.id != new.id or (old.next_meeting_at, old.cadence_weeks, old.timezone, old.link) == (
            new.next_meeting_at, new.cadence_weeks, new.timezone, new.link):
        return result
    # A meeting that starts (held early or late, the schedule rolls on) or closes stands for
    # its scheduled one: members' files still hold.
    held = (before.running_meeting is None) != (after.running_meeting is None)
    revised = revise(new.calendar, old.next_meeting_at, after, ctx.now, meeting_closed=held)
    if revised is None and old.link != new.link and new.next_meeting_at is not None:
        revised = replace(new.calendar, sequence=new.calendar.sequence + 1,
                          anchor=new.calendar.anchor or new.next_meeting_at)
    if revised is None:
        return result
    after = replace(after, set=replace(new, calendar=revised))
    takers = [m for m in after.active_members() if m.calendar_taken]
    if not takers:
        return Result(after, result.effects)
    if new.next_meeting_at is None:
        body = t("calendar.cancelled", name=quoted(new.name, 100))
    else:
        body = t("calendar.updated", name=quoted(new.name, 100), when=next_meeting_text(after))
    attachment = meetings_file(after, ctx)
    effects: list[Effect] = [DirectMessage(user=m.user, card=Card(body=body),
                                           attachment=attachment) for m in takers]
    return Result(after, (*result.effects, *effects))
