"""A platform connection that only one process may hold: Discord's gateway (Matrix's sync
loop next); adapters reach it through ``Host.held_by_one_process``.

Discord gives a bot one gateway session (per shard); two processes connected with the same
token would each receive every event and answer it. So of several ``revans run`` processes only
the holder of a database lock (``storage.locks.ProcessLock``) connects; the others try again
every few seconds and the first to succeed after the holder dies takes over. The others still
deliver pings and serve Slack; Discord messages they need to send go out over REST, which
does not need the gateway.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable

from bot.platform import GatewayService
from storage.locks import ProcessLock

log = logging.getLogger("revans.gateway")
RETRY_SECONDS = 3.0
CHECK_SECONDS = 3.0


def gateway_lock_name(platform: str, token: str) -> str:
    """One lock per bot token: two different bots may share a database."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    return f"revans:{platform}-gateway:{digest}"


class HeldByOneProcess:
    """Keeps ``start()``'s adapter logged in (to send) in every process, and its gateway
    connected (to receive) only in the process that holds ``lock``."""

    def __init__(self, name: str, lock: ProcessLock,
                 start: Callable[[], Awaitable[GatewayService]], *,
                 retry_seconds: float = RETRY_SECONDS,
                 check_seconds: float = CHECK_SECONDS) -> None:
        self.name = name
        self.lock = lock
        self._start = start
        self.retry_seconds = retry_seconds
        self.check_seconds = check_seconds
        self.service: GatewayService | None = None
        self._task: asyncio.Task[None] | None = None

    async def begin(self) -> None:
        """Log in now (a refused token is raised to the caller, as for a single process),
        connect the gateway if the lock is free, then keep watching in the background."""
        self.service = await self._start()
        log.info("%s adapter started", self.name)
        if await self.lock.try_acquire():
            self._connect()
        else:
            log.info("another process holds the %s gateway; this one sends only, and stands "
                     "by to take over", self.name)
        self._task = asyncio.create_task(self._watch(), name=f"revans-{self.name}-lock")

    @property
    def holds_gateway(self) -> bool:
        return self.service is not None and self.service.gateway_connected

    def _connect(self) -> None:
        assert self.service is not None
        self.service.connect_gateway()
        log.info("this process holds the %s gateway", self.name)

    async def _watch(self) -> None:
        while True:
            try:
                if not self.holds_gateway:
                    await asyncio.sleep(self.retry_seconds)
                    if self.service is None:
                        self.service = await self._start()
                    if await self.lock.try_acquire():
                        self._connect()
                else:
                    await asyncio.sleep(self.check_seconds)
                    if not await self.lock.still_held():
                        log.warning("lost the %s gateway lock; disconnecting", self.name)
                        service, self.service = self.service, None
                        if service is not None:
                            await service.stop()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep standing by
                log.exception("the %s gateway watch failed; trying again", self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        try:
            service, self.service = self.service, None
            if service is not None:
                await service.stop()
        finally:
            await self.lock.dispose()
