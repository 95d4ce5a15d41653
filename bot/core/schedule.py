"""The set's schedule: the next meeting, its reminders, and rolling a cadence on."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import timeparse, workdays
from bot.core.cards import Button, Card, action_id
from bot.core.effects import CancelPings, Effect, Post, SchedulePing
from bot.core.messages import t
from bot.core.model import Context, Ping, PingKind, SetState
from bot.core.result import Result
from bot.core.views import link_text, next_meeting_text, quoted

REMINDER_HOURS = (24, 1)
NOT_HELD_AFTER = timedelta(hours=12)


EARLY = timedelta(days=3)  # a meeting held this much before its time is that meeting
LATE = NOT_HELD_AFTER  # ...and up to this much after it


def upcoming_meeting(state: SetState, now: datetime) -> datetime | None:
    """The next scheduled meeting after ``now``, rolling a cadence forward past meetings held."""
    at = state.set.next_meeting_at
    if at is None:
        return None
    if at > now:
        return at
    if not state.set.cadence_weeks:
        return None
    while at <= now:
        at = following(state, at)
    return at


def scheduled_window(state: SetState, at: datetime) -> tuple[datetime, datetime]:
    """When a meeting started counts as the one scheduled at ``at``: from 3 days before (or
    half the cadence, if that is shorter) to 12 hours after. Outside it, a meeting is extra."""
    before = EARLY
    if state.set.cadence_weeks:
        before = min(before, timedelta(weeks=state.set.cadence_weeks) / 2)
    return at - before, at + LATE


def following(state: SetState, at: datetime) -> datetime:
    """The meeting a cadence puts after the one at ``at``: the same local time of day in the
    set's zone, ``cadence_weeks`` later (so 10:00 stays 10:00 across daylight saving)."""
    weeks = state.set.cadence_weeks or 0
    return timeparse.add_local(at, timedelta(weeks=weeks), state.set.timezone)


def reminder_pings(state: SetState, ctx: Context) -> list[Effect]:
    """Cancel the set's reminders and arm 24 h and 1 h before the next meeting, and (with a
    cadence) a check after it, so a meeting nobody held does not stop the reminders."""
    effects: list[Effect] = [CancelPings(set_id=state.set.id,
                                         kinds=frozenset({PingKind.REMINDER,
                                                          PingKind.SCHEDULE_CHECK}))]
    at = state.set.next_meeting_at
    if at is None:
        return effects
    times = set()
    for hours in REMINDER_HOURS:
        due = reminder_due(state, at, hours, ctx)
        if ctx.now < due < at and due not in times:
            times.add(due)
            effects.append(SchedulePing(ping=Ping(
                id=ctx.new_id(), kind=PingKind.REMINDER, set_id=state.set.id, due_at=due,
                seq=hours)))
    if state.set.cadence_weeks:
        effects.append(SchedulePing(ping=Ping(
            id=ctx.new_id(), kind=PingKind.SCHEDULE_CHECK, set_id=state.set.id,
            due_at=at + NOT_HELD_AFTER)))
    return effects


def reminder_due(state: SetState, at: datetime, hours: int, ctx: Context) -> datetime:
    """When the reminder ``hours`` before the meeting at ``at`` goes out: whole days on the
    set's wall clock (the day before at the same local time, across DST), else exactly; then
    moved to the next working morning if that falls on a weekend or a public holiday of the
    set's country."""
    if hours % 24 == 0:
        due = timeparse.add_local(at, -timedelta(hours=hours), state.set.timezone)
    else:
        due = at - timedelta(hours=hours)
    return workdays.next_working_morning(due, state.set.holidays, state.set.timezone,
                                         ctx.holidays)


def deliver_reminder(state: SetState, ping: Ping, ctx: Context) -> Result:
    """A meeting reminder, dropped if the schedule has changed since it was armed."""
    at = state.set.next_meeting_at
    hours = ping.seq or 0
    if at is None or reminder_due(state, at, hours, ctx) != ping.due_at or state.running_meeting:
        return Result(state)
    key = "reminder.day" if hours >= 24 else "reminder.hour"
    body = t(key, name=quoted(state.set.name, 100),
             when=timeparse.format_when(at, state.set.timezone))
    if state.set.link:
        body += "\n" + t("link.line", link=link_text(state.set.link))
    card = Card(body=body, buttons=(Button(label=t("button.apologies"), action=action_id(
        "apologies", state.set.id)),))
    return Result(state, (Post(where=state.set.home, card=card),))


def skip_next(state: SetState, ctx: Context) -> SetState:
    """The schedule without its next meeting: the one after it (with a cadence), or none."""
    at = state.set.next_meeting_at
    following_at = following(state, at) if at is not None and state.set.cadence_weeks else None
    return replace(state, set=replace(state.set, next_meeting_at=following_at))


def check_meeting_held(state: SetState, ping: Ping, ctx: Context) -> Result:
    """Some hours after a scheduled meeting: if nobody held it (the schedule still names it),
    move the schedule on by its cadence and arm the next reminders."""
    at = state.set.next_meeting_at
    if at is None or at + NOT_HELD_AFTER != ping.due_at or state.running_meeting:
        return Result(state)
    state = replace(state, set=replace(state.set, next_meeting_at=upcoming_meeting(state,
                                                                                   ctx.now)))
    card = Card(body=t("schedule.not_held", when=timeparse.format_when(at, state.set.timezone),
                       next=next_meeting_text(state)))
    return Result(state, (*reminder_pings(state, ctx), Post(where=state.set.home, card=card)))
