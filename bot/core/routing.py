"""Which set an event belongs to: one explicit function builds the key (after
python-telegram-bot's ``ConversationHandler._get_key``). The engine turns the key into a set id
with one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.cards import parse_action_id
from bot.core.events import (
    ButtonPressed,
    CommandIssued,
    Event,
    FormSubmitted,
    PingDue,
    PingMissed,
    StageTimerFired,
    TextPosted,
)
from bot.core.grammar import COORDINATOR_COMMANDS, command_name
from bot.core.model import PingKind
from bot.core.refs import ChannelRef, UserRef


@dataclass(frozen=True, slots=True)
class ByChannel:
    """The set whose home is this channel."""

    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class BySet:
    set_id: str


@dataclass(frozen=True, slots=True)
class ByMeeting:
    meeting_id: str


@dataclass(frozen=True, slots=True)
class ByCommitment:
    commitment_id: str


@dataclass(frozen=True, slots=True)
class ByUser:
    """In a DM: the set of the member's most recent check-in, else their latest membership."""

    user: UserRef


@dataclass(frozen=True, slots=True)
class ByCoordinator:
    """A coordinator's command in a DM: the programme they coordinate (the latest, if several)."""

    user: UserRef


@dataclass(frozen=True, slots=True)
class ByProgramme:
    programme_id: str


Route = ByChannel | BySet | ByMeeting | ByCommitment | ByUser | ByCoordinator | ByProgramme

_MEETING_VERBS = frozenset({"next", "here", "bid", "present", "commit", "report", "insight"})


def route(event: Event) -> Route:
    match event:
        case CommandIssued() if event.where.direct:
            if command_name(event.text) in COORDINATOR_COMMANDS:
                return ByCoordinator(event.user)
            return ByUser(event.user)
        case CommandIssued() | TextPosted():
            return ByUser(event.user) if event.where.direct else ByChannel(event.where)
        case ButtonPressed() | FormSubmitted():
            encoded = event.action if isinstance(event, ButtonPressed) else event.form_id
            try:
                verb, subject, _ = parse_action_id(encoded)
            except ValueError:
                return ByChannel(event.where)
            if verb in ("checkin", "help"):
                return ByCommitment(subject)
            if verb == "join":
                return BySet(subject)
            if verb in _MEETING_VERBS:
                return ByMeeting(subject)
            return ByChannel(event.where)
        case PingDue() | PingMissed():
            if event.ping.kind is PingKind.DIGEST:
                return ByProgramme(event.ping.set_id)
            return BySet(event.ping.set_id)
        case StageTimerFired():
            return ByMeeting(event.meeting_id)
    raise TypeError(f"unknown event type: {type(event).__name__}")


def needs_history(event: Event) -> bool:
    """Whether ``step`` needs every entry of the set (only the export does)."""
    return isinstance(event, CommandIssued) and command_name(event.text) == "export"


def join_code(event: Event) -> str | None:
    """The code in ``/set programme join <code>``: the engine loads the programme it names."""
    if not isinstance(event, CommandIssued) or command_name(event.text) != "programme join":
        return None
    words = event.text.split()
    return words[2].strip("`").upper() if len(words) == 3 else None
