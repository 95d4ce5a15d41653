"""Building the running bot from settings: database, engine, delivery and the host that
platform adapters are started with (``bot.platform.Host``)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from bot.clock import Clock, SystemClock
from bot.core.home import HomeView
from bot.core.refs import UserRef
from bot.engine import Engine
from bot.gateway import HeldByOneProcess, gateway_lock_name
from bot.platform import GatewayService, PlatformStartError, Service
from bot.scheduler import PingDelivery
from bot.slots import MessageSlots
from config.settings import Settings
from storage import adapter_state, database
from storage.locks import ProcessLock

if TYPE_CHECKING:
    from aiohttp import web

    from bot.web import WebServer

__all__ = ["PlatformStartError", "Runtime", "build", "configure_logging"]


@dataclass
class Runtime:
    """The running bot; also the ``Host`` every platform adapter is started with."""

    db: database.Database
    engine: Engine
    delivery: PingDelivery
    port: int = 3000
    _web: WebServer | None = field(default=None, repr=False)
    _slots: MessageSlots | None = field(default=None, repr=False)

    @property
    def web(self) -> WebServer:
        """The process's HTTP server on ``port`` (made on first use: the console and the
        demo never load aiohttp)."""
        if self._web is None:
            from bot.web import WebServer

            self._web = WebServer(self.db, port=self.port)
        return self._web

    @property
    def clock(self) -> Clock:
        return self.engine.clock

    @property
    def web_app(self) -> web.Application:
        """The application served on ``PORT`` (``/healthz``, ``/metrics``, and the routes
        platforms add)."""
        return self.web.app

    @property
    def slots(self) -> MessageSlots:
        if self._slots is None:
            self._slots = MessageSlots(self.db)
        return self._slots

    async def held_by_one_process(self, name: str, key: str,
                                  log_in: Callable[[], Awaitable[GatewayService]]) -> Service:
        """See ``bot.platform.Host.held_by_one_process``."""
        lock = ProcessLock(self.db, gateway_lock_name(name, key))
        held = HeldByOneProcess(name, lock, log_in)
        try:
            await held.begin()
        except BaseException:
            await lock.dispose()
            raise
        return held

    async def adapter_state(self, platform: str, key: str) -> str | None:
        return await self.db.run(partial(adapter_state.get_value, platform=platform, key=key))

    async def set_adapter_state(self, platform: str, key: str, value: str | None) -> None:
        await self.db.run(partial(adapter_state.put_value, platform=platform, key=key,
                                  value=value, now=self.clock.now()))

    async def take_adapter_state(self, platform: str, key: str) -> str | None:
        return await self.db.run(partial(adapter_state.take_value, platform=platform, key=key))

    async def member_home(self, user: UserRef, *, limit: int = 20) -> HomeView:
        return await self.engine.member_home(user, limit=limit)

    async def close(self) -> None:
        await self.db.dispose()


async def build(settings: Settings, *, clock: Clock | None = None,
                database_url: str | None = None) -> Runtime:
    """Open (and upgrade) the database and wire the engine; raises ``DatabaseError``."""
    db = database.Database(database_url or settings.database_url)
    try:
        await database.upgrade(db)
    except BaseException:
        await db.dispose()
        raise
    engine = Engine(db=db, clock=clock or SystemClock(),
                    default_timezone=settings.default_timezone,
                    default_language=settings.default_language)
    delivery = PingDelivery(engine, grace=timedelta(hours=settings.ping_grace_hours),
                            lease=timedelta(seconds=settings.ping_lease_seconds))
    return Runtime(db=db, engine=engine, delivery=delivery, port=settings.port)


def configure_logging(settings: Settings) -> None:
    """Text lines for a terminal; JSON lines (``LOG_FORMAT=json``) for a log pipeline, each
    with the event id, set and platform of the event being handled."""
    if settings.log_format == "json":
        from bot.observability import JsonLines

        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines())
        logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    else:
        logging.basicConfig(level=settings.log_level,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
