"""The process's HTTP face on ``PORT``: ``/healthz`` for a load balancer, ``/metrics`` for
Prometheus, and (when Slack runs over HTTP) Slack's ``/slack/events`` on the same server.

A load balancer needs to know when a process cannot do its work: the check runs ``SELECT 1``
through the same ``Database.run`` the engine uses (same thread pool, same connections), with a
short deadline, so a database that is down or a pool that is stuck both show as 503. While the
process stops (SIGTERM), every request gets 503, so the balancer sends new work elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from storage.database import Database

log = logging.getLogger("revans.web")
HEALTH_TIMEOUT_SECONDS = 2.0
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebStartError(RuntimeError):
    """The HTTP server cannot listen; the message names PORT."""


async def database_health(db: Database, timeout: float = HEALTH_TIMEOUT_SECONDS) -> str | None:
    """``None`` when ``SELECT 1`` succeeds within ``timeout``, else a short reason."""
    try:
        await asyncio.wait_for(db.run(lambda session: session.execute(text("SELECT 1"))),
                               timeout)
    except TimeoutError:
        return f"database did not answer within {timeout:g} s"
    except Exception as error:  # noqa: BLE001 - the reason goes to the load balancer
        return f"database unreachable: {type(error).__name__}"
    return None


class WebServer:
    """One aiohttp server for the process; other parts add routes to ``app`` before ``start``."""

    def __init__(self, db: Database, *, host: str = "0.0.0.0", port: int = 3000) -> None:
        self.db = db
        self.host = host
        self.port = port
        self.accepting = True
        self.app = web.Application(middlewares=[self._refuse_when_stopping])
        self.app.router.add_get("/healthz", self.healthz)
        self.app.router.add_get("/metrics", self.metrics)
        self._own_routes = len(self.app.router.routes())
        self._runner: web.AppRunner | None = None

    @web.middleware
    async def _refuse_when_stopping(self, request: web.Request,
                                    handler: Handler) -> web.StreamResponse:
        if not self.accepting:
            return web.Response(status=503, text="stopping", headers={"Connection": "close"})
        return await handler(request)

    @property
    def serves_platforms(self) -> bool:
        """Whether a platform added a route of its own (then it needs this server's port)."""
        return len(self.app.router.routes()) > self._own_routes

    async def healthz(self, _request: web.Request) -> web.Response:
        problem = await database_health(self.db)
        if problem is not None:
            log.warning("health check failed: %s", problem)
            return web.Response(status=503, text=problem)
        return web.Response(text="ok")

    async def metrics(self, _request: web.Request) -> web.Response:
        body = generate_latest()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def start(self) -> None:
        """Listen on ``host:port`` (port 0: any free port, read back into ``port``)."""
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as error:
            await self._runner.cleanup()
            self._runner = None
            raise WebStartError(f"cannot listen on {self.host}:{self.port} (PORT): "
                                f"{error.strerror or error}") from error
        sockets = getattr(site._server, "sockets", None) or []  # noqa: SLF001 - the bound port
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("HTTP on %s:%s (/healthz, /metrics)", self.host, self.port)

    def stop_accepting(self) -> None:
        """From now on every request is answered 503: the balancer moves on to other processes."""
        self.accepting = False

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
