"""Whether the bot can still reach a set's home channel.

A bot removed from the home (kicked, banned, the channel deleted) cannot post the set's cards
and reminders there: the set is marked unreachable, its facilitator is told by DM, and every
ping of the set waits (checked again each hour) until the bot is back in the channel, when
the set says so and the pings go out. Nothing is dropped while it waits.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.cards import Card
from bot.core.effects import DeferPing, DirectMessage, Effect, Post
from bot.core.events import HomeLost, HomeRegained
from bot.core.messages import t
from bot.core.model import Context, Ping, SetState
from bot.core.permissions import facilitator
from bot.core.refs import mention
from bot.core.result import Result
from bot.core.views import quoted

HOLD_FOR = timedelta(hours=1)


def home_lost(state: SetState | None, event: HomeLost, ctx: Context) -> Result:
    if state is None or event.where != state.set.home or state.set.unreachable_since:
        return Result(state)
    state = replace(state, set=replace(state.set, unreachable_since=ctx.now))
    told = facilitator(state)
    effects: list[Effect] = []
    if told is not None:
        by = t("home.lost.by", who=mention(event.by)) if event.by is not None else ""
        effects.append(DirectMessage(user=told, card=Card(body=t(
            "home.lost", name=quoted(state.set.name, 100), by=by))))
    return Result(state, tuple(effects))


def home_regained(state: SetState | None, event: HomeRegained, ctx: Context) -> Result:
    if state is None or event.where != state.set.home or not state.set.unreachable_since:
        return Result(state)
    state = replace(state, set=replace(state.set, unreachable_since=None))
    return Result(state, (Post(where=state.set.home, card=Card(body=t(
        "home.regained", name=quoted(state.set.name, 100)))),))


def hold_ping(state: SetState, ping: Ping, ctx: Context) -> Result:
    """A ping of an unreachable set waits; it is looked at again in an hour."""
    return Result(state, (DeferPing(ping_id=ping.id, until=ctx.now + HOLD_FOR),))
