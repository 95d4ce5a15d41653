"""Platforms are plugins: what an adapter package offers, and what the bot offers it back.

Each ``adapters/<name>/__init__.py`` exposes ``PLUGIN``, an object that follows ``Platform``;
``adapters/registry.py`` lists those modules, one line each, and ``revans run`` loops over it.
Nothing in ``bot/`` or ``config/`` names a platform. An adapter imports ``bot`` and its
platform's library only, never ``storage``: everything it needs from the database comes
through the ``Host`` it is started with.

The surface, in full::

    class Platform(Protocol):
        name: str                        # "slack", "discord", "matrix", "teams"
        def configured(self) -> bool     # from the adapter's OWN pydantic-settings class
        def needs(self) -> str           # the settings it needs, for "nothing is configured"
        async def start(self, host: Host) -> Service

    class Service(Protocol):             # what start() returns; stopped on SIGTERM
        async def stop(self) -> None

    class Host(Protocol):                # given to start()
        engine        # engine.handle(event, reply) -> effects; engine.outboxes[name] = outbox
        clock         # clock.now() -> aware UTC datetime
        web_app       # the aiohttp web.Application served on PORT: add your routes
                      # (/slack/events, /api/messages) before start() returns
        slots         # MessageSlots: which platform message shows a card slot, with its lock
        async def held_by_one_process(name, key, log_in) -> Service
        async def adapter_state(platform, key) -> str | None
        async def set_adapter_state(platform, key, value: str | None) -> None  # None deletes
        async def take_adapter_state(platform, key) -> str | None              # read + delete
        async def member_home(user, *, limit=20) -> HomeView  # a member's sets, worded

The data flow of one adapter: inbound turns a platform payload into a core event plus a
*reply context* (any object the adapter likes: the interaction to answer, the member who
acted) and calls ``await host.engine.handle(event, reply)``; the engine decides, commits, then
calls the platform's outbox as ``await outbox.send(effect, reply)`` for each outbound effect
(``reply`` is ``None`` for pings, and for effects on another platform than the event's). Subclass
``bot.outbox.Outbox`` for the outbox. Inbound and outbox share no mutable state: what must
outlive one event (a member's DMs are closed) goes to ``set_adapter_state``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from aiohttp import web

    from bot.clock import Clock
    from bot.core.home import HomeView
    from bot.core.refs import UserRef
    from bot.engine import Engine
    from bot.slots import MessageSlots

class PlatformStartError(RuntimeError):
    """A platform cannot start with the given settings; the message says what to fix."""


Reply = Any
"""A reply context: whatever the adapter's inbound built for its own outbox (or ``None``)."""


@runtime_checkable
class Service(Protocol):
    """A running platform connection (an app, a client, a sync loop): stopped on SIGTERM."""

    async def stop(self) -> None: ...


class GatewayService(Service, Protocol):
    """What ``held_by_one_process`` keeps: a service that can send as soon as it is logged in,
    and receives only once ``connect_gateway`` is called (Discord's gateway, Matrix's sync
    loop), which happens only in the process that holds the lock."""

    gateway_connected: bool

    def connect_gateway(self) -> None: ...


class Host(Protocol):
    """What the bot offers a platform adapter (implemented by ``bot.runtime.Runtime``)."""

    engine: Engine
    clock: Clock

    @property
    def web_app(self) -> web.Application: ...

    @property
    def slots(self) -> MessageSlots: ...

    async def held_by_one_process(self, name: str, key: str,
                                  log_in: Callable[[], Awaitable[GatewayService]]) -> Service:
        """Log in with ``log_in()`` in every process (so each can send), and connect the
        gateway (receive) only in the one process holding the database lock for
        ``name`` + ``key`` (``key``: the bot's token or account, hashed before use, so two
        bots may share a database). Another process takes over within seconds of the
        holder's death. A refused ``log_in`` is raised here."""
        ...

    async def adapter_state(self, platform: str, key: str) -> str | None:
        """A value the adapter stored (a sync token, a conversation reference)."""
        ...

    async def set_adapter_state(self, platform: str, key: str, value: str | None) -> None:
        """Store ``value`` for ``platform`` + ``key`` (``None`` deletes it); one transaction."""
        ...

    async def take_adapter_state(self, platform: str, key: str) -> str | None:
        """Read and delete a value in one transaction (a note to act on once)."""
        ...

    async def member_home(self, user: UserRef, *, limit: int = 20) -> HomeView:
        """A member's own view of their sets, oldest membership first, at most ``limit``
        (``bot.core.home``: next meetings, open commitments, check-in answers; worded)."""
        ...


@runtime_checkable
class Platform(Protocol):
    """One platform adapter, as ``adapters/<name>/__init__.py`` exposes it (``PLUGIN``)."""

    name: str

    def configured(self) -> bool:
        """Whether this platform's settings (its own pydantic-settings class, reading its
        environment variables and ``.env``) are enough to start it."""
        ...

    def needs(self) -> str:
        """What to set to use this platform, for ``revans run``'s "nothing is configured"
        text: one line (or a few), e.g. ``"Discord:  DISCORD_TOKEN"``."""
        ...

    async def start(self, host: Host) -> Service:
        """Connect and start taking events; raise ``PlatformStartError`` with a message
        naming the setting to fix when it cannot."""
        ...
