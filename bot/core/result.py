"""What a step returns, and the small helpers every handler uses to build it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import language
from bot.core.cards import Card
from bot.core.effects import Effect, Whisper
from bot.core.events import ButtonPressed, CommandIssued, FormSubmitted, TextPosted
from bot.core.messages import t
from bot.core.model import Context, SetState
from bot.core.refs import UserRef

Interactive = CommandIssued | TextPosted | ButtonPressed | FormSubmitted


@dataclass(frozen=True, slots=True)
class Result:
    """The set's state after the event (``None``: no set) and the effects to carry out."""

    state: SetState | None
    effects: tuple[Effect, ...] = ()


def whisper(event: Interactive, key: str, **params: object) -> Whisper:
    """A private answer to the member who acted, from the catalogue, in their own language."""
    with language.speaking(language.private()):
        text = t(key, **params)
    return Whisper(where=event.where, user=event.user, card=Card(body=text))


def voice_of(state: SetState | None, user: UserRef, ctx: Context) -> language.Voice:
    """The language ``user`` reads their DMs in: their own, else their set's, else the
    deployment's default."""
    own = state.profile(user).language if state is not None else None
    set_language = state.set.language if state is not None else None
    return language.choose(ctx.voices, own, set_language, ctx.default_language)


def refuse(state: SetState | None, event: Interactive, key: str, **params: object) -> Result:
    """No change, one private message saying why."""
    return Result(state, (whisper(event, key, **params),))
