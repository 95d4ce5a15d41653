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
    HomeLost,
    HomeRegained,
    MemberUnreachable,
    PingDue,
    PingMissed,
    TextPosted,
)
from bot.core.grammar import Export, ForgetMe, ProgrammeJoin
from bot.core.model import PingKind
from bot.core.refs import ChannelRef, UserRef
from bot.core.verbs import COORDINATOR_COMMANDS, Load, Parsed, Target, button_target, read


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
class ByRecord:
    """``export`` / ``forget-me`` in a DM: a set the person is or was a member of (rights over
    one's own record survive leaving); the one named, else the latest joined."""

    user: UserRef
    set_name: str | None = None


@dataclass(frozen=True, slots=True)
class ByCoordinator:
    """A coordinator's command in a DM: the programme they coordinate (the latest, if several)."""

    user: UserRef


@dataclass(frozen=True, slots=True)
class ByProgramme:
    programme_id: str


Route = (ByChannel | BySet | ByMeeting | ByCommitment | ByUser | ByRecord | ByCoordinator
         | ByProgramme)


def read_command(event: Event) -> Parsed | None:
    """A command event's ``/set`` line, read once: the engine routes, loads and steps on it."""
    return read(event.text) if isinstance(event, CommandIssued) else None


def route(event: Event, command: Parsed | None = None) -> Route:
    """The key of the aggregate ``event`` belongs to (``command``: its line, read once)."""
    match event:
        case CommandIssued() if event.where.direct:
            command = command or read(event.text)
            name = command.name
            if isinstance(command.command, Export | ForgetMe):
                return ByRecord(event.user, command.command.set_name)
            return ByCoordinator(event.user) if name in COORDINATOR_COMMANDS else ByUser(event.user)
        case CommandIssued() | TextPosted():
            return ByUser(event.user) if event.where.direct else ByChannel(event.where)
        case ButtonPressed() | FormSubmitted():
            encoded = event.action if isinstance(event, ButtonPressed) else event.form_id
            try:
                verb, subject, _ = parse_action_id(encoded)
            except ValueError:
                return ByChannel(event.where)
            return _by_target(button_target(verb), subject, event.where)
        case PingDue() | PingMissed():
            if event.ping.kind is PingKind.DIGEST:
                return ByProgramme(event.ping.set_id)
            return BySet(event.ping.set_id)
        case MemberUnreachable():
            return ByUser(event.user)  # the set whose check-in reached them last
        case HomeLost() | HomeRegained():
            return ByChannel(event.where)
    raise TypeError(f"unknown event type: {type(event).__name__}")


def _by_target(target: Target, subject: str, where: ChannelRef) -> Route:
    match target:
        case Target.COMMITMENT:
            return ByCommitment(subject)
        case Target.SET:
            return BySet(subject)
        case Target.MEETING:
            return ByMeeting(subject)
    return ByChannel(where)


def needs_history(command: Parsed | None) -> bool:
    """Whether ``step`` needs every entry of the set (the table says which verbs do)."""
    verb = command.verb if command is not None and command.command is not None else None
    return verb is not None and verb.loads is Load.HISTORY


def record_owner(event: Event, command: Parsed | None) -> UserRef | None:
    """Whose record a DM ``export`` / ``forget-me`` is about: the engine loads the names of
    every set they are or were in, so the core can ask which one they mean."""
    if (isinstance(event, CommandIssued) and event.where.direct and command is not None
            and isinstance(command.command, Export | ForgetMe)):
        return event.user
    return None
def needs_past_meetings(command: Parsed | None) -> bool:
    """Whether ``step`` needs the set's ended meetings with their stored summaries."""
    verb = command.verb if command is not None and command.command is not None else None
    return verb is not None and verb.loads is Load.SUMMARIES


def join_code(command: Parsed | None) -> str | None:
    """The code in ``/set programme join <code>``: the engine loads the programme it names."""
    verb = command.verb if command is not None else None
    if verb is None or verb.loads is not Load.PROGRAMME_BY_CODE:
        return None
    return command.command.code if isinstance(command.command, ProgrammeJoin) else None
