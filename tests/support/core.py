"""A pure harness for the core: a state, a clock value, a counter for ids — no I/O."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.core.cards import Card
from bot.core.effects import DirectMessage, Effect, Post, Update, Whisper
from bot.core.events import (
    ButtonPressed,
    CommandIssued,
    Event,
    FormSubmitted,
    PingDue,
    TextPosted,
)
from bot.core.language import Voice
from bot.core.model import NO_HOLIDAYS, Context, HolidayCalendar, Meeting, Ping, PingKind, SetState
from bot.core.refs import ChannelRef, UserRef
from bot.core.step import step
from bot.i18n import render_dates

WORKSPACE = "w"
HOME = ChannelRef(platform="test", workspace=WORKSPACE, channel="home")


def user(name: str) -> UserRef:
    return UserRef(platform="test", workspace=WORKSPACE, id=name)


def dm(name: str) -> ChannelRef:
    return ChannelRef(platform="test", workspace=WORKSPACE, channel=f"dm-{name}", direct=True)


def texts(effects: tuple[Effect, ...] | list[Effect], kind: type | None = None) -> list[str]:
    """The visible text of each outbound effect (optionally of one type), its dates formatted
    as the renderer does for the reader."""
    found = []
    for effect in effects:
        if kind is not None and not isinstance(effect, kind):
            continue
        card: Card | None = getattr(effect, "card", None)
        if card is not None:
            found.append(render_dates(card.text))
    return found


def whispers(effects: tuple[Effect, ...]) -> list[str]:
    return texts(effects, Whisper)


def posts(effects: tuple[Effect, ...]) -> list[str]:
    return texts(effects, Post) + texts(effects, Update)


def dms(effects: tuple[Effect, ...]) -> list[DirectMessage]:
    return [e for e in effects if isinstance(e, DirectMessage)]


@dataclass
class CoreHarness:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    state: SetState | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    holidays: HolidayCalendar = NO_HOLIDAYS
    default_language: str = "en"
    voices: Mapping[str, Voice] = field(default_factory=dict)

    def context(self) -> Context:
        return Context(now=self.now, new_id=lambda: f"id{next(self._ids)}",
                       holidays=self.holidays, default_language=self.default_language,
                       voices=self.voices)

    def send(self, event: Event) -> tuple[Effect, ...]:
        result = step(self.state, event, self.context())
        self.state = result.state
        return result.effects

    def cmd(self, name: str, text: str, where: ChannelRef = HOME) -> tuple[Effect, ...]:
        return self.send(CommandIssued(where=where, user=user(name), text=text, user_name=name))

    def say(self, name: str, text: str, where: ChannelRef = HOME) -> tuple[Effect, ...]:
        return self.send(TextPosted(where=where, user=user(name), text=text, user_name=name))

    def press(self, name: str, action: str, where: ChannelRef = HOME) -> tuple[Effect, ...]:
        return self.send(ButtonPressed(where=where, user=user(name), action=action))

    def submit(self, name: str, form_id: str, values: dict[str, str],
               where: ChannelRef = HOME) -> tuple[Effect, ...]:
        return self.send(FormSubmitted(where=where, user=user(name), form_id=form_id,
                                       values=values))

    def stage_timer(self, meeting: Meeting, *, final: bool) -> tuple[Effect, ...]:
        """The stage's time-box ping for ``meeting`` falls due (warning, or the end)."""
        assert self.state is not None
        kind = PingKind.STAGE_END if final else PingKind.STAGE_WARNING
        return self.send(PingDue(ping=Ping(
            id=f"timer{next(self._ids)}", kind=kind, set_id=self.state.set.id, due_at=self.now,
            meeting_id=meeting.id, stage=meeting.stage, seq=meeting.seq)))

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set_up(self, *names: str) -> None:
        """A set whose facilitator is the first name, with the others joined."""
        self.cmd(names[0], "create Test set")
        for name in names[1:]:
            self.cmd(name, "join")

    def meeting_to(self, stage: str, presenters: tuple[str, ...] = ("bob",)) -> None:
        """Start a meeting (alice facilitating) and advance until ``stage``."""
        self.cmd("alice", "start")
        for name in presenters:
            self.cmd(name, "here bid")
        assert self.state is not None
        while self.state.running_meeting and self.state.running_meeting.stage.value != stage:
            self.cmd("alice", "next")
            self.advance(seconds=6)
