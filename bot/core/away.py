"""A member's own check-ins: away on leave, paused, and the set's public holidays.

``away until`` holds a member's check-ins and sends one catch-up check-in the morning after
they are back (not the burst of everything that fell due meanwhile), then clears itself.
``checkins pause`` stops a member's own check-ins; ``checkins all pause`` the whole set's.
``holidays <region>`` moves check-ins and reminders off weekends and public holidays.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.core import timeparse, workdays
from bot.core.cards import Button, ButtonStyle, Card, action_id
from bot.core.checkins import checkin_pings, outside_quiet, reschedule_all, user_zone
from bot.core.effects import CancelPings, DeferPing, DirectMessage, Effect, Post, SchedulePing
from bot.core.messages import t
from bot.core.model import Context, Member, Ping, PingKind, Progress, SetState
from bot.core.permissions import Role, holds
from bot.core.refs import UserRef, mention
from bot.core.result import Interactive, Result, refuse, whisper
from bot.core.schedule import reminder_pings
from bot.core.views import commitment_line, quoted

AWAY_LONGEST = timedelta(days=365)
CHECKINS = frozenset({PingKind.CHECKIN})
AWAY_END = frozenset({PingKind.AWAY_END})


def _replace_member(state: SetState, member: Member) -> SetState:
    return replace(state, members={**state.members, member.user.key: member})


def own_checkins(state: SetState, user: UserRef, ctx: Context) -> list[Effect]:
    """Cancel and re-arm one member's check-ins (after leave, a pause or a resume)."""
    effects: list[Effect] = [CancelPings(set_id=state.set.id, kinds=CHECKINS, user=user)]
    for commitment in state.open_commitments(user):
        effects.extend(SchedulePing(ping=p) for p in checkin_pings(state, commitment, ctx))
    return effects


def return_morning(state: SetState, user: UserRef, until: date, ctx: Context) -> datetime:
    """09:00 on the first working day after ``until``, in the member's zone, out of quiet."""
    back = workdays.working_day_after(until, state.set.holidays, ctx.holidays)
    zone = user_zone(state, user)
    morning = timeparse.to_utc(datetime.combine(back, workdays.WORKING_MORNING), zone)
    return outside_quiet(state, user, morning)


def set_away(state: SetState, event: Interactive, until: date | None, ctx: Context) -> Result:
    """``/set away until <date>`` (``None``: back now, ``/set away off``)."""
    member = state.member(event.user)
    assert member is not None
    zone = state.set.timezone
    today = timeparse.local(ctx.now, zone).date()
    if until is None:
        if member.away_until is None:
            return refuse(state, event, "away.not_away")
        state = _replace_member(state, replace(member, away_until=None))
        return Result(state, (
            CancelPings(set_id=state.set.id, kinds=AWAY_END, user=event.user),
            *own_checkins(state, event.user, ctx),
            whisper(event, "away.back"),
        ))
    latest = (timeparse.local(ctx.now + AWAY_LONGEST, zone)).date()
    if not today <= until <= latest:
        return refuse(state, event, "away.out_of_range", first=today.isoformat(),
                      last=latest.isoformat())
    state = _replace_member(state, replace(member, away_until=until))
    back_at = return_morning(state, event.user, until, ctx)
    catch_up = Ping(id=ctx.new_id(), kind=PingKind.AWAY_END, set_id=state.set.id,
                    due_at=back_at, user=event.user)
    return Result(state, (
        CancelPings(set_id=state.set.id, kinds=CHECKINS | AWAY_END, user=event.user),
        *own_checkins(state, event.user, ctx),
        SchedulePing(ping=catch_up),
        whisper(event, "away.noted", until=timeparse.format_day(
            timeparse.to_utc(datetime.combine(until, workdays.WORKING_MORNING), zone), zone),
            back=timeparse.format_when(back_at, user_zone(state, event.user))),
    ))


def away_ended(state: SetState, ping: Ping, ctx: Context) -> Result:
    """The morning after a member's leave: clear it, send one catch-up check-in, re-arm."""
    user = ping.user
    member = state.member(user) if user is not None else None
    if member is None or member.away_until is None:
        return Result(state)
    allowed_at = outside_quiet(state, member.user, ctx.now)
    if allowed_at > ctx.now:
        return Result(state, (DeferPing(ping_id=ping.id, until=allowed_at),))
    state = _replace_member(state, replace(member, away_until=None))
    effects: list[Effect] = list(own_checkins(state, member.user, ctx))
    mine = state.open_commitments(member.user)
    if mine and not state.set.checkins_paused and not member.checkins_paused:
        effects.append(DirectMessage(user=member.user, card=catch_up_card(state, mine)))
        first = mine[0]
        state = replace(state, commitments={**state.commitments, first.id: replace(
            first, last_pinged_at=ctx.now)})
    return Result(state, tuple(effects))


def catch_up_card(state: SetState, mine: list) -> Card:
    """One message for all open commitments; its buttons answer the soonest due."""
    first = mine[0]
    buttons = tuple(
        Button(label=t(f"button.{answer.value}"), action=action_id(
            "checkin", first.id, answer.value),
            style=ButtonStyle.PRIMARY if answer is Progress.ON_TRACK else ButtonStyle.DEFAULT)
        for answer in (Progress.ON_TRACK, Progress.STUCK, Progress.DONE, Progress.SNOOZE))
    lines = "\n".join("• " + commitment_line(state, c, with_owner=False) for c in mine)
    return Card(title=t("away.catch_up_title", name=quoted(state.set.name, 100)),
                body=t("away.catch_up_body", lines=lines,
                       first=quoted(first.text, 200)), buttons=buttons)


def pause_mine(state: SetState, event: Interactive, pause: bool, ctx: Context) -> Result:
    """``/set checkins pause|resume``: the member's own check-ins only."""
    member = state.member(event.user)
    assert member is not None
    if member.checkins_paused == pause:
        return refuse(state, event, "checkins.mine_already_paused" if pause
                      else "checkins.mine_not_paused")
    state = _replace_member(state, replace(member, checkins_paused=pause))
    key = "checkins.mine_paused" if pause else "checkins.mine_resumed"
    return Result(state, (*own_checkins(state, event.user, ctx), whisper(event, key)))


def pause_all(state: SetState, event: Interactive, pause: bool, ctx: Context) -> Result:
    """``/set checkins all pause|resume``: the whole set's check-ins (facilitator)."""
    if not holds(state, event.user, Role.FACILITATOR):
        who = state.set.facilitator
        return refuse(state, event, "perm.facilitator", verb="checkins all",
                      who=mention(who) if who else t("word.nobody"))
    state = replace(state, set=replace(state.set, checkins_paused=pause))
    key = "checkins.paused" if pause else "checkins.resumed"
    card = Card(body=t(key, offsets=", ".join(state.set.checkin_offsets)))
    return Result(state, (*reschedule_all(state, ctx), Post(where=state.set.home, card=card)))


def set_holidays(state: SetState, event: Interactive, region: str | None,
                 ctx: Context) -> Result:
    """``/set holidays <country>[-<subdivision>]|off`` (facilitator)."""
    if region is not None:
        region = workdays.normalise_region(region)
        if not ctx.holidays.known(region):
            return refuse(state, event, "holidays.unknown", region=quoted(region, 20))
    if region == state.set.holidays:
        return refuse(state, event, "holidays.unchanged")
    state = replace(state, set=replace(state.set, holidays=region))
    key = "holidays.posted" if region else "holidays.off"
    return Result(state, (*reschedule_all(state, ctx), *reminder_pings(state, ctx),
                          Post(where=state.set.home, card=Card(body=t(key, region=region)))))
