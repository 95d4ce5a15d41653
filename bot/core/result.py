"""What a step returns, and the small helpers every handler uses to build it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.cards import Card
from bot.core.effects import Effect, Whisper
from bot.core.events import ButtonPressed, CommandIssued, FormSubmitted, TextPosted
from bot.core.messages import t
from bot.core.model import SetState

Interactive = CommandIssued | TextPosted | ButtonPressed | FormSubmitted


@dataclass(frozen=True, slots=True)
class Result:
    """The set's state after the event (``None``: no set) and the effects to carry out."""

    state: SetState | None
    effects: tuple[Effect, ...] = ()


def whisper(event: Interactive, key: str, **params: object) -> Whisper:
    """A private answer to the member who acted, from the catalogue."""
    return Whisper(where=event.where, user=event.user, card=Card(body=t(key, **params)))


def refuse(state: SetState | None, event: Interactive, key: str, **params: object) -> Result:
    """No change, one private message saying why."""
    return Result(state, (whisper(event, key, **params),))
