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


Route = ByChannel | BySet | ByMeeting | ByCommitment | ByUser

_MEETING_VERBS = frozenset({"next", "here", "bid", "present", "commit", "report"})


def route(event: Event) -> Route:
    match event:
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
            return BySet(event.ping.set_id)
        case StageTimerFired():
            return ByMeeting(event.meeting_id)
    raise TypeError(f"unknown event type: {type(event).__name__}")


def needs_history(event: Event) -> bool:
    """Whether ``step`` needs every entry of the set (only the export does)."""
    return isinstance(event, CommandIssued) and event.text.strip().lower().startswith("export")
