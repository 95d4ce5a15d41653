"""Between meetings: check-in pings, their answers, help requests and meeting reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core import language, timeparse, workdays
from bot.core.cards import Button, ButtonStyle, Card, action_id
from bot.core.effects import (
    CancelPings,
    DeferPing,
    DirectMessage,
    Effect,
    Post,
    SchedulePing,
    Whisper,
)
from bot.core.erasure import erased, help_slot
from bot.core.messages import t
from bot.core.model import (
    CheckinAnswer,
    Commitment,
    Context,
    Ping,
    PingKind,
    Progress,
    SetState,
)
from bot.core.refs import UserRef, mention
from bot.core.result import Interactive, Result, refuse, voice_of, whisper
from bot.core.views import commitment_line, quoted

SNOOZE = timedelta(days=1)


def user_zone(state: SetState, user: UserRef) -> str:
    return state.profile(user).timezone or state.set.timezone


def outside_quiet(state: SetState, user: UserRef, moment: datetime) -> datetime:
    """When a DM the bot starts may go out: ``moment``, or the end of the member's quiet hours."""
    return timeparse.out_of_quiet_hours(moment, state.profile(user).quiet, user_zone(state, user))


def held_back(state: SetState, user: UserRef) -> bool:
    """Whether the member's check-ins are off: the set's or their own paused, or they left."""
    member = state.member(user)
    return state.set.checkins_paused or member is None or member.checkins_paused


def away_at(state: SetState, user: UserRef, moment: datetime) -> bool:
    """Whether ``moment`` falls in the member's leave (read in the set's zone)."""
    member = state.member(user)
    return member is not None and member.away_on(
        timeparse.local(moment, state.set.timezone).date())


def when_allowed(state: SetState, user: UserRef, moment: datetime, ctx: Context) -> datetime:
    """When a check-in meant for ``moment`` goes out: off weekends and public holidays if the
    set named its country, then out of the member's quiet hours."""
    moved = workdays.next_working_morning(moment, state.set.holidays, user_zone(state, user),
                                          ctx.holidays)
    return outside_quiet(state, user, moved)


def checkin_pings(state: SetState, commitment: Commitment, ctx: Context) -> list[Ping]:
    """The check-ins still to come for ``commitment`` under the set's offsets (none once its
    owner said it is done: it is never pinged again; none while paused; none that would fall
    in the owner's leave: one catch-up comes after it). A commitment carried forward counts
    its positive offsets from the meeting that carried it."""
    if (not commitment.open or held_back(state, commitment.owner) or erased(commitment.text)
            or commitment.progress is Progress.DONE):
        return []
    pings, times = [], set()
    zone = user_zone(state, commitment.owner)
    for text in state.set.checkin_offsets:
        offset = timeparse.parse_offset(text)
        made = commitment.carried_at or commitment.created_at
        base = made if offset > timedelta(0) else commitment.due_at
        due = when_allowed(state, commitment.owner, timeparse.shift(base, text, zone), ctx)
        if due <= ctx.now or due in times or away_at(state, commitment.owner, due):
            continue
        times.add(due)
        pings.append(Ping(id=ctx.new_id(), kind=PingKind.CHECKIN, set_id=state.set.id,
                          due_at=due, user=commitment.owner, commitment_id=commitment.id))
    return sorted(pings, key=lambda p: p.due_at)


def reschedule_all(state: SetState, ctx: Context) -> list[Effect]:
    """Replace every pending check-in of the set's open commitments (offsets or pause changed)."""
    effects: list[Effect] = [CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.CHECKIN}))]
    for commitment in state.open_commitments():
        if state.member(commitment.owner) is None:
            continue
        effects.extend(SchedulePing(ping=p) for p in checkin_pings(state, commitment, ctx))
    return effects


def deliver_checkin(state: SetState, ping: Ping, ctx: Context) -> Result:
    """A check-in is due: DM its owner, unless it is moot or inside their quiet hours."""
    commitment = state.commitments.get(ping.commitment_id or "")
    if (commitment is None or not commitment.open or held_back(state, commitment.owner)
            or away_at(state, commitment.owner, ctx.now) or erased(commitment.text)
            or commitment.progress is Progress.DONE):
        return Result(state)
    allowed_at = outside_quiet(state, commitment.owner, ctx.now)
    if allowed_at > ctx.now:
        return Result(state, (DeferPing(ping_id=ping.id, until=allowed_at),))
    updated = replace(commitment, last_pinged_at=ctx.now)
    state = replace(state, commitments={**state.commitments, commitment.id: updated})
    with language.speaking(voice_of(state, commitment.owner, ctx)):
        card = checkin_card(state, updated)
    return Result(state, (DirectMessage(user=commitment.owner, card=card),))


def checkin_card(state: SetState, commitment: Commitment) -> Card:
    buttons = tuple(
        Button(label=t(f"button.{answer.value}"), action=action_id(
            "checkin", commitment.id, answer.value),
            style=ButtonStyle.PRIMARY if answer is Progress.ON_TRACK else ButtonStyle.DEFAULT)
        for answer in (Progress.ON_TRACK, Progress.STUCK, Progress.DONE, Progress.SNOOZE)
    ) + (Button(label=t("button.change"), action=action_id("change", commitment.id)),)
    return Card(title=t("checkin.title", name=quoted(state.set.name, 100)),
                body=t("checkin.body", line=commitment_line(state, commitment, with_owner=False))
                + "\n" + t("checkin.privacy"),
                buttons=buttons)


def missed_checkin(state: SetState, ping: Ping, ctx: Context) -> Result:
    """The bot was down past the grace period: say so at the next review instead."""
    commitment = state.commitments.get(ping.commitment_id or "")
    if commitment is None or not commitment.open:
        return Result(state)
    answer = CheckinAnswer(id=ctx.new_id(), set_id=state.set.id, commitment_id=commitment.id,
                           user=commitment.owner, answer=Progress.MISSED, at=ping.due_at)
    return Result(replace(state, checkins=(*state.checkins, answer)))


def pick_commitment(state: SetState, user: UserRef) -> Commitment | None:
    """The open commitment a typed ``progress`` answers: the latest pinged, else the soonest due."""
    mine = state.open_commitments(user)
    if not mine:
        return None
    pinged = [c for c in mine if c.last_pinged_at is not None]
    if pinged:
        return max(pinged, key=lambda c: c.last_pinged_at or c.created_at)
    return mine[0]


def answer(state: SetState, event: Interactive, commitment: Commitment, progress: Progress,
           note: str, ctx: Context) -> Result:
    """Store a check-in answer and do what it implies (stop, snooze, offer help)."""
    if commitment.owner != event.user:
        return refuse(state, event, "checkin.not_yours")
    if not commitment.open:
        return refuse(state, event, "checkin.closed")
    record = CheckinAnswer(id=ctx.new_id(), set_id=state.set.id, commitment_id=commitment.id,
                           user=event.user, answer=progress, at=ctx.now, note=note)
    updated = replace(commitment, progress=progress)
    state = replace(state, checkins=(*state.checkins, record),
                    commitments={**state.commitments, commitment.id: updated})
    effects: list[Effect] = []
    if progress is Progress.DONE:
        effects.append(CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                                   commitment_id=commitment.id))
    if progress is Progress.SNOOZE:
        # The snooze replaces the next check-in (no second one on its heels); later ones stay.
        due = outside_quiet(state, event.user, timeparse.add_local(
            ctx.now, SNOOZE, user_zone(state, event.user)))
        coming = checkin_pings(state, updated, ctx)
        replaced = max(due, coming[0].due_at) if coming else due
        effects.append(CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                                   commitment_id=commitment.id, due_until=replaced))
        effects.append(SchedulePing(ping=Ping(
            id=ctx.new_id(), kind=PingKind.CHECKIN, set_id=state.set.id, due_at=due,
            user=event.user, commitment_id=commitment.id)))
        reply = whisper(event, "checkin.snoozed",
                        when=timeparse.format_when(due, user_zone(state, event.user)))
    elif progress is Progress.STUCK:
        reply = Whisper(where=event.where, user=event.user, card=Card(
            body=t("checkin.stuck"),
            buttons=(Button(label=t("button.ask_help"), style=ButtonStyle.PRIMARY,
                            action=action_id("help", commitment.id)),)))
    else:
        reply = whisper(event, f"checkin.noted.{progress.value}")
    return Result(state, (*effects, reply))


def ask_for_help(state: SetState, event: Interactive, commitment: Commitment,
                 ctx: Context) -> Result:
    """Post the member's request for help to their set's own channel (never elsewhere), once
    per stuck answer: a second press says it was already posted."""
    if commitment.owner != event.user:
        return refuse(state, event, "checkin.not_yours")
    stuck = [a for a in state.checkins
             if a.commitment_id == commitment.id and a.answer is Progress.STUCK]
    if stuck and stuck[-1].shared:
        return refuse(state, event, "help_request.already", name=quoted(state.set.name, 100))
    note = t("help_request.note", note=quoted(stuck[-1].note, 1000)) if (
        stuck and stuck[-1].note) else ""
    if stuck:  # asking the set for help shares the answer and its note: the review shows it
        shared = stuck[-1].id
        state = replace(state, checkins=tuple(replace(a, shared=True) if a.id == shared else a
                                              for a in state.checkins))
    card = Card(title=t("help_request.title"), body=t(
        "help_request.body", who=mention(commitment.owner), text=quoted(commitment.text, 1000),
        note=note), slot=help_slot(commitment.id, stuck[-1].id if stuck else "-"))
    return Result(state, (Post(where=state.set.home, card=card),
                          whisper(event, "help_request.sent", name=quoted(state.set.name, 100))))
