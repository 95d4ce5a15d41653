"""The bot as a Teams test sees it: the runtime (the ``Host`` of ``bot.platform``) with its web
server on a free loopback port."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aiohttp import web

from bot.clock import ManualClock
from bot.runtime import Runtime, build
from config.settings import Settings
from storage import repository


class ShimSlots:
    def __init__(self, db: Any) -> None:
        self._db = db
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary())

    def lock(self, where: Any, slot: str) -> asyncio.Lock:
        key = (where.key, slot)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def get(self, where: Any, slot: str) -> str | None:
        return await self._db.run(partial(repository.get_slot, channel_key=where.key, slot=slot))

    async def put(self, where: Any, slot: str, message_id: str) -> None:
        if message_id:
            await self._db.run(partial(repository.put_slot, channel_key=where.key, slot=slot,
                                       message_id=message_id))


class ShimEngine:
    def __init__(self, engine: Any) -> None:
        self.inner = engine
        self.outboxes = engine.outboxes
        self.db = engine.db
        self.clock = engine.clock

    async def handle(self, event: Any, reply: Any = None) -> Any:
        effects = (await self.inner.decide([event]))[0]
        for effect in effects:
            from bot.engine import effect_platform

            outbox = self.outboxes.get(effect_platform(effect))
            if outbox is not None:
                try:
                    await outbox.send(effect, reply)
                except Exception:  # noqa: BLE001
                    import logging

                    logging.getLogger("test").exception("outbox")
        return effects


@dataclass
class TestHost:
    runtime: Runtime
    clock: ManualClock
    state: dict[tuple[str, str], str] = field(default_factory=dict)
    port: int = 0

    def __post_init__(self) -> None:
        self.engine = ShimEngine(self.runtime.engine)
        self.web_app = web.Application()
        self.slots = ShimSlots(self.runtime.db)
        self._runner: web.AppRunner | None = None

    @property
    def db(self) -> Any:
        return self.runtime.db

    @property
    def delivery(self) -> Any:
        return self.runtime.delivery

    async def adapter_state(self, platform: str, key: str) -> str | None:
        return self.state.get((platform, key))

    async def set_adapter_state(self, platform: str, key: str, value: str | None) -> None:
        if value is None:
            self.state.pop((platform, key), None)
        else:
            self.state[(platform, key)] = value

    async def take_adapter_state(self, platform: str, key: str) -> str | None:
        return self.state.pop((platform, key), None)

    async def start_web(self) -> None:
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(site._server.sockets[0].getsockname()[1])  # noqa: SLF001

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await self.runtime.close()


async def open_host(database_url: str, clock: ManualClock) -> TestHost:
    runtime = await build(Settings(), clock=clock, database_url=database_url)
    return TestHost(runtime=runtime, clock=clock)
