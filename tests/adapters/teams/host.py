"""The bot as a Teams test sees it: the runtime (the ``Host`` of ``bot.platform``) with its web
server on a free loopback port."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.runtime import Runtime, build
from config.settings import Settings


async def open_host(database_url: str, clock: ManualClock) -> Runtime:
    """The runtime with its web server on 127.0.0.1, port chosen by the system."""
    runtime = await build(Settings(), clock=clock, database_url=database_url)
    assert runtime.web is not None
    runtime.web.host, runtime.web.port = "127.0.0.1", 0
    return runtime
