"""The outbox base: one dispatch by effect type for every platform, loud on an unknown type.

A platform's outbox subclasses ``Outbox`` and marks one method per effect type it carries out::

    class MatrixOutbox(Outbox):
        platform = "matrix"

        @carries(Post)
        async def post(self, effect: Post, reply: Reply) -> None: ...

The engine calls ``await outbox.send(effect, reply)``: ``reply`` is the reply context the
platform's inbound built for the event being handled (``None`` for pings). ``send`` finds the
method for ``type(effect)`` (raising ``TypeError`` for a type nobody marked) and runs it
through ``around``, which a subclass overrides to turn its platform's errors into log lines.

An ``Update`` edits the message remembered under its card's slot and posts the card anew when
that message is unknown or gone, except an ``Update`` with ``edit_only`` (erasure taking a
member's words back): that one edits what exists and posts nothing. Every outbox honours it.

``split_text`` is the one text splitter, for every platform's length limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

from bot.core.effects import Effect
from bot.platform import Reply

F = TypeVar("F", bound=Callable[..., Awaitable[None]])


def carries(effect_type: type[Effect]) -> Callable[[F], F]:
    """Mark an ``Outbox`` method as the one that carries out ``effect_type``."""

    def mark(method: F) -> F:
        method._carries = effect_type  # type: ignore[attr-defined]
        return method

    return mark


class Outbox:
    """Dispatch by effect type (a registry built from the ``@carries`` marks of the class and
    its bases); an effect type nobody carries out is a ``TypeError``, never dropped."""

    platform: ClassVar[str] = "?"
    _carriers: ClassVar[dict[type, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        carriers: dict[type, str] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                effect_type = getattr(value, "_carries", None)
                if effect_type is not None:
                    carriers[effect_type] = name
        cls._carriers = carriers

    async def send(self, effect: Effect, reply: Reply = None) -> None:
        name = self._carriers.get(type(effect))
        if name is None:
            raise TypeError(f"the {self.platform} outbox cannot carry out "
                            f"{type(effect).__name__}")
        await self.around(getattr(self, name)(effect, reply), effect, reply)

    async def around(self, call: Awaitable[None], effect: Effect, reply: Reply) -> None:
        """Run one effect's call; override to handle the platform's errors."""
        await call


def split_text(text: str, limit: int, *, keep_entities: bool = False) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters: at the last line break in
    the second half of the window, else at the last space there, else at ``limit`` itself
    (``keep_entities``: never inside an ``&amp;``-style entity). The break itself and blank
    lines at the start of a piece are dropped, indentation is kept; an empty text is one
    empty piece."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= limit // 2:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut > limit // 2:
            pieces.append(rest[:cut].rstrip())
            rest = rest[cut + 1:].lstrip("\n")
            continue
        cut = limit
        if keep_entities:
            amp = rest.rfind("&", max(0, cut - 5), cut)
            if amp > 0 and ";" not in rest[amp:cut]:
                cut = amp
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return [piece for piece in pieces if piece] or [""]
