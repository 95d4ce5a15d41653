"""The set's record and its practical details: who is in it, its stored summaries, the video
link, the calendar file, and whether a member's organisation is shown to the set."""

from __future__ import annotations

from dataclasses import replace

from bot.core.calendar import meetings_file
from bot.core.cards import Card
from bot.core.effects import DirectMessage, Post, Whisper
from bot.core.messages import t
from bot.core.model import CalendarState, Context, SetState
from bot.core.result import Interactive, Result, refuse, whisper
from bot.core.views import (
    link_text,
    members_card,
    next_meeting_text,
    quoted,
    summaries_card,
)


def _private(event: Interactive, card: Card) -> Whisper:
    return Whisper(where=event.where, user=event.user, card=card)


def members(state: SetState, event: Interactive) -> Result:
    return Result(state, (_private(event, members_card(state)),))


def summaries(state: SetState, event: Interactive, count: int) -> Result:
    return Result(state, (_private(event, summaries_card(state, count)),))


def summary(state: SetState, event: Interactive, number: int) -> Result:
    found = next((m for m in state.past_meetings or () if m.number == number and m.summary),
                 None)
    if found is None:
        held = sorted(m.number for m in state.past_meetings or () if m.summary)
        if not held:
            return refuse(state, event, "summaries.none")
        return refuse(state, event, "summaries.no_such", number=number,
                      held=f"{held[0]}–{held[-1]}" if len(held) > 1 else str(held[0]))
    return Result(state, (_private(event, Card(title=t("summary.title"), body=found.summary)),))


def show_org(state: SetState, event: Interactive, show: bool) -> Result:
    """The button under ``/set org``: show (or hide) the member's organisation in the set."""
    member = state.member(event.user)
    assert member is not None
    if not member.org:
        return refuse(state, event, "org.none")
    state = replace(state, members={**state.members, event.user.key: replace(
        member, org_shown=show)})
    return Result(state, (whisper(event, "org.shown" if show else "org.hidden"),))


def set_link(state: SetState, event: Interactive, url: str | None, ctx: Context) -> Result:
    """The set's video link (facilitator): on reminders, the opening card and the calendar."""
    if url == state.set.link:
        return refuse(state, event, "link.unchanged")
    state = replace(state, set=replace(state.set, link=url))
    body = t("link.posted", link=link_text(url)) if url else t("link.off")
    return Result(state, (Post(where=state.set.home, card=Card(body=body)),))


def send_calendar(state: SetState, event: Interactive, ctx: Context) -> Result:
    """``/set calendar``: the meetings as an ``.ics`` file by DM; later changes follow."""
    member = state.member(event.user)
    assert member is not None
    if state.set.next_meeting_at is None:
        return refuse(state, event, "calendar.no_schedule")
    calendar = state.set.calendar
    if calendar.anchor is None:
        calendar = CalendarState(anchor=state.set.next_meeting_at, exdates=(),
                                 sequence=calendar.sequence)
    state = replace(state, set=replace(state.set, calendar=calendar),
                    members={**state.members, event.user.key: replace(
                        member, calendar_taken=True)})
    return Result(state, (
        DirectMessage(user=event.user, card=Card(body=t(
            "calendar.dm", name=quoted(state.set.name, 100), when=next_meeting_text(state))),
            attachment=meetings_file(state, ctx)),
        whisper(event, "calendar.sent"),
    ))
