"""Apologies: a member tells the set ahead of time that they will miss a meeting.

An apology is for one scheduled meeting (the next by default, or the one on a given date). The
meeting that is held for that slot lists it on its opening card, counts it apart from absences,
names it in the summary and leaves the member out of its "you're up" nudges.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.core import timeparse
from bot.core.calendar import upcoming_dates
from bot.core.cards import Card
from bot.core.effects import Effect, Post, Update
from bot.core.messages import t
from bot.core.model import Apology, Context, SetState
from bot.core.refs import UserRef, mention
from bot.core.result import Interactive, Result, refuse, whisper
from bot.core.slots import stands_for
from bot.core.views import quoted, stage_card

DATES_SHOWN = 4
NOTE_LIMIT = 500


def apologising(state: SetState, started_at: datetime) -> tuple[UserRef, ...]:
    """Active members with apologies for the meeting slot a meeting started now stands for."""
    found: dict[str, UserRef] = {}
    for apology in state.apologies:
        if (not apology.withdrawn and stands_for(apology.meeting_at, started_at)
                and state.member(apology.user) is not None):
            found.setdefault(apology.user.key, apology.user)
    return tuple(found.values())


def _for_slot(state: SetState, apology: Apology, slot: datetime) -> bool:
    """Whether ``apology`` is for ``slot`` (a running meeting's slot is its start)."""
    running = state.running_meeting
    if running is not None and slot == running.started_at:
        return stands_for(apology.meeting_at, slot)
    return apology.meeting_at == slot


def _dates_text(state: SetState) -> str:
    zone = state.set.timezone
    dates = upcoming_dates(state, DATES_SHOWN)
    return ", ".join(timeparse.format_day(at, zone) for at in dates)


def _slot(state: SetState, day: date | None, ctx: Context) -> datetime | None:
    """The scheduled meeting an apology is for: the next one, or the one on ``day``. A meeting
    running now counts as today's."""
    running = state.running_meeting
    zone = state.set.timezone
    if running is not None and (day is None or day == timeparse.local(
            running.started_at, zone).date()):
        return running.started_at
    candidates = upcoming_dates(state, 60) if day is not None else upcoming_dates(state, 1)
    for at in candidates:
        if at <= ctx.now:
            continue
        if day is None or timeparse.local(at, zone).date() == day:
            return at
    return None


def send(state: SetState, event: Interactive, day: date | None, note: str,
         ctx: Context) -> Result:
    """Apologies for the next meeting (or the one on ``day``); a second one replaces the note."""
    if len(note) > NOTE_LIMIT:
        return refuse(state, event, "apologies.note_too_long", limit=NOTE_LIMIT)
    slot = _slot(state, day, ctx)
    if slot is None:
        if state.set.next_meeting_at is None and state.running_meeting is None:
            return refuse(state, event, "apologies.no_schedule")
        return refuse(state, event, "apologies.no_meeting_that_day",
                      day=day.isoformat() if day else "", dates=_dates_text(state))
    running = state.running_meeting
    meeting_at = slot
    if running is not None and slot == running.started_at:
        if event.user in running.attendance:
            return refuse(state, event, "apologies.already_here")
    kept = tuple(replace(a, withdrawn=True) if (
        a.user == event.user and not a.withdrawn and _for_slot(state, a, slot)) else a
        for a in state.apologies)
    apology = Apology(id=ctx.new_id(), set_id=state.set.id, user=event.user,
                      meeting_at=meeting_at, at=ctx.now, note=note)
    state = replace(state, apologies=(*kept, apology))
    zone = state.set.timezone
    when = timeparse.format_day(meeting_at, zone)
    effects: list[Effect] = []
    if running is not None and slot == running.started_at:
        if event.user not in running.apologies:
            running = replace(running, apologies=(*running.apologies, event.user))
            state = replace(state, meeting=running)
        effects.append(Update(where=state.set.home, card=stage_card(state, running, ctx.now)))
    effects.append(Post(where=state.set.home, card=Card(body=t(
        "apologies.posted", who=mention(event.user), when=when))))
    effects.append(whisper(event, "apologies.noted", when=when,
                           note=t("apologies.with_note", note=quoted(note, 200)) if note else ""))
    return Result(state, tuple(effects))


def withdraw(state: SetState, event: Interactive, day: date | None, ctx: Context) -> Result:
    """``/set apologies off``: the member will come after all (next meeting, or ``day``'s)."""
    slot = _slot(state, day, ctx)
    mine = [a for a in state.apologies if slot is not None and a.user == event.user
            and not a.withdrawn and _for_slot(state, a, slot)]
    if slot is None or not mine:
        return refuse(state, event, "apologies.none_to_withdraw")
    state = replace(state, apologies=tuple(
        replace(a, withdrawn=True) if a in mine else a for a in state.apologies))
    effects: list[Effect] = []
    running = state.running_meeting
    if running is not None and slot == running.started_at and event.user in running.apologies:
        running = replace(running, apologies=tuple(u for u in running.apologies
                                                   if u != event.user))
        state = replace(state, meeting=running)
        effects.append(Update(where=state.set.home, card=stage_card(state, running, ctx.now)))
    when = timeparse.format_day(slot, state.set.timezone)
    effects.append(Post(where=state.set.home, card=Card(body=t(
        "apologies.withdrawn_posted", who=mention(event.user), when=when))))
    effects.append(whisper(event, "apologies.withdrawn", when=when))
    return Result(state, tuple(effects))
