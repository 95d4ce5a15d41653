"""The Slack app: Bolt's ``AsyncApp`` over HTTP (``/slack/events`` on PORT) or Socket Mode.

Every listener acknowledges first and hands the work to a background task, so Slack gets its
answer in milliseconds however long the work takes (posting to many members, a slow or rate
limited Web API). The tasks are tracked so that ``stop()`` lets them finish.
"""

from __future__ import annotations

import asyncio
import logging
import re
import zlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import home, inbound
from adapters.slack.inbound import Interaction, interaction
from adapters.slack.outbox import SlackOutbox
from adapters.slack.settings import SlackSettings
from bot.core.cards import parse_action_id
from bot.core.events import ButtonPressed, Event
from bot.core.verbs import FORM_BUTTONS
from bot.platform import Host, PlatformStartError

log = logging.getLogger("revans.slack")

EVENTS_PATH = "/slack/events"
RATE_LIMIT_RETRIES = 3
STOP_GRACE_SECONDS = 5.0
LANES = 16
DEFAULT_PORT = 3000
FORM_VERBS = FORM_BUTTONS  # buttons that open a form: answered at once (trigger_id expires)


class _QuietTokenWarning(logging.Filter):
    """Bolt warns that the token from the environment is unused because we pass our own
    client (which carries that same token): noise on every start."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_QUIET_TOKEN_WARNING = _QuietTokenWarning()


class SlackStartError(PlatformStartError):
    """Slack cannot be reached with the given settings; the message says what to fix."""


def build_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client: ``SLACK_API_BASE_URL``, retries on 429 (after Retry-After) and on
    dropped connections."""
    if settings.slack_bot_token is None:
        raise SlackStartError("SLACK_BOT_TOKEN is not set")
    base_url = settings.slack_api_base_url
    if not base_url.endswith("/"):
        base_url += "/"
    client = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=base_url,
                            retry_handlers=[AsyncConnectionErrorRetryHandler(),
                                            AsyncRateLimitErrorRetryHandler(
                                                max_retry_count=RATE_LIMIT_RETRIES)])
    return client


class BackgroundWork:
    """Work started after an ack, in lanes: one lane per channel (by hash), run in order.

    Events from one channel are handled one after another, in the order Slack delivered them,
    so a burst in a meeting does not make the engine fight itself (optimistic version
    conflicts and retries burn the CPU the acks need). Different channels run side by side.
    """

    def __init__(self, lanes: int = LANES) -> None:
        self._queues: list[asyncio.Queue[tuple[Coroutine[Any, Any, None], str]]] = [
            asyncio.Queue() for _ in range(lanes)]
        self._workers: list[asyncio.Task[None]] = []
        self._solo: set[asyncio.Task[None]] = set()
        self._unfinished = 0  # queued or running in a lane

    def spawn_now(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``work`` at once, outside the lanes: for work that must not wait its turn
        (opening a modal: the trigger_id dies 3 s after the click) and changes no state."""
        task = asyncio.get_running_loop().create_task(self._guard(work, name), name=name)
        self._solo.add(task)
        task.add_done_callback(self._solo.discard)

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await work
        except Exception:
            log.exception("slack work %s failed", name)

    def spawn(self, work: Coroutine[Any, Any, None], name: str, lane_key: str = "") -> None:
        if not self._workers:
            self._workers = [asyncio.get_running_loop().create_task(self._run(queue),
                                                                   name=f"slack-lane-{i}")
                             for i, queue in enumerate(self._queues)]
        lane = zlib.crc32(lane_key.encode()) % len(self._queues)
        self._unfinished += 1
        self._queues[lane].put_nowait((work, name))

    async def _run(self, queue: asyncio.Queue[tuple[Coroutine[Any, Any, None], str]]) -> None:
        while True:
            work, name = await queue.get()
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("slack work %s failed", name)
            finally:
                self._unfinished -= 1
                queue.task_done()

    @property
    def pending(self) -> int:
        """Jobs waiting in a lane (not counting the ones running)."""
        return sum(queue.qsize() for queue in self._queues)

    async def idle(self, timeout: float = 10.0) -> None:
        """Wait until no work is queued or running (tests, shutdown)."""
        async with asyncio.timeout(timeout):
            while self._solo or self._unfinished:
                if self._solo:
                    await asyncio.wait(list(self._solo))
                for queue in self._queues:
                    await queue.join()

    def cancel(self) -> None:
        for task in [*self._workers, *self._solo]:
            task.cancel()
        for queue in self._queues:
            while not queue.empty():
                work, _ = queue.get_nowait()
                work.close()
                self._unfinished -= 1
                queue.task_done()
        self._workers = []


class SlackService:
    """The running Slack adapter; ``stop()`` closes the server or socket and drains the work."""

    def __init__(self, app: AsyncApp, client: AsyncWebClient, outbox: SlackOutbox,
                 work: BackgroundWork) -> None:
        self.app = app
        self.client = client
        self.outbox = outbox
        self.work = work
        self.port: int | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None

    def attach(self, server: web.Application) -> None:
        """Add ``/slack/events`` to a server someone else runs (``revans run``'s one server,
        which also answers ``/healthz`` and ``/metrics``)."""
        server.router.add_post(EVENTS_PATH, self._http_events)
        log.info("Slack over HTTP at %s", EVENTS_PATH)

    async def serve_http(self, host: str, port: int) -> None:
        """Serve Bolt on ``host:port`` at ``/slack/events`` (port 0: any free port)."""
        server = web.Application()
        server.router.add_post(EVENTS_PATH, self._http_events)
        server.router.add_get("/healthz", _healthz)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as error:
            await self._runner.cleanup()
            self._runner = None
            raise SlackStartError(f"cannot listen on {host}:{port} for Slack (PORT): "
                                  f"{error.strerror or error}") from error
        sockets = getattr(site._server, "sockets", None) or []  # noqa: SLF001 - the bound port
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("Slack over HTTP on %s:%s%s", host, self.port, EVENTS_PATH)

    async def _http_events(self, request: web.Request) -> web.Response:
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def connect_socket_mode(self, app_token: str) -> None:
        """Open the Socket Mode websocket; a bad app token fails here, not in a retry loop."""
        handler = AsyncSocketModeHandler(self.app, app_token, web_client=self.client)
        self._socket = handler
        try:
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
        except Exception as error:
            await handler.close_async()
            raise SlackStartError(f"Socket Mode could not start (check SLACK_APP_TOKEN, an "
                                  f"xapp- token with connections:write): {error}") from error
        await handler.connect_async()
        log.info("Slack over Socket Mode")

    async def idle(self, timeout: float = 10.0) -> None:
        await self.work.idle(timeout)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        try:
            await self.work.idle(STOP_GRACE_SECONDS)
        except TimeoutError:
            log.warning("stopping with %d Slack jobs unfinished", self.work.pending)
        self.work.cancel()


async def _healthz(_request: web.Request) -> web.Response:
    return web.Response(text="ok")


def build_app(client: AsyncWebClient, runtime: Host, outbox: SlackOutbox,
              work: BackgroundWork, *, signing_secret: str | None, team: str = "") -> AsyncApp:
    """The Bolt app with our listeners: each acks at once and leaves the work to a task.

    ``process_before_response`` runs the listener before answering; since every listener
    only acks and spawns, Slack gets its answer as soon as the ack is made (no polling).
    """
    bolt_log = logging.getLogger("revans.slack.bolt")
    bolt_log.addFilter(_QUIET_TOKEN_WARNING)
    app = AsyncApp(client=client, signing_secret=signing_secret or "",
                   process_before_response=True,
                   request_verification_enabled=signing_secret is not None,
                   logger=bolt_log)
    handle = _handler(runtime, work)
    _listen_to_interactions(app, handle, team)
    _listen_to_events(app, handle, work, client, runtime, team)
    return app


Handle = Callable[[Event | None, Interaction | None], None]


def _handler(runtime: Host, work: BackgroundWork) -> Handle:
    """Queue the engine's work for an event and its reply context in its channel's lane
    (after the ack); a button that opens a form runs at once (its trigger_id expires)."""

    def handle(event: Event | None, reply: Interaction | None) -> None:
        if event is None:
            return

        async def run_event() -> None:
            try:
                await runtime.engine.handle(event, reply)
            except Exception:
                log.exception("could not handle %s from Slack", type(event).__name__)

        name = f"slack:{type(event).__name__}"
        if isinstance(event, ButtonPressed) and _opens_form(event.action):
            work.spawn_now(run_event(), name)
        else:
            work.spawn(run_event(), name, event.where.key)

    return handle


def _listen_to_interactions(app: AsyncApp, handle: Handle, team: str) -> None:
    """Commands, buttons and forms: ack, then the event with its Interaction."""

    @app.command(inbound.COMMAND)
    async def on_command(ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        event = inbound.command_event(body, team)
        handle(event, interaction(body, body.get("channel_id")))

    @app.action(re.compile(".*"))
    async def on_button(ack: Callable[..., Awaitable[None]], body: dict[str, Any],
                        action: dict[str, Any]) -> None:
        await ack()
        event = inbound.action_event(body, action, team)
        channel = (body.get("channel") or {}).get("id")
        handle(event, interaction(body, channel))

    @app.view(re.compile(".*"))
    async def on_form(ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        await ack()
        event = inbound.view_event(body, team)
        handle(event, interaction(body, event.where.channel if event else None))

    @app.view_closed(re.compile(".*"))
    async def on_form_closed(ack: Callable[..., Awaitable[None]]) -> None:
        await ack()


def _listen_to_events(app: AsyncApp, handle: Handle, work: BackgroundWork,
                      client: AsyncWebClient, runtime: Host, team: str) -> None:
    """Events API: channel messages, the Home tab, and the subscriptions we only ack."""

    @app.event("message")
    async def on_message(body: dict[str, Any]) -> None:
        handle(inbound.message_event(body, team), None)

    @app.event("app_home_opened")
    async def on_home(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        user = inbound.user_ref(team or str(body.get("team_id") or ""), event["user"])
        work.spawn(home.publish(client, runtime, user), "slack:home", user.key)

    @app.event("app_mention")
    async def on_mention() -> None:
        """Mentions arrive as channel messages too; nothing more to do."""

    @app.event("member_joined_channel")
    async def on_member_joined() -> None:
        """Subscribed for later use (welcoming); nothing to do yet."""


def _opens_form(action: str) -> bool:
    """Buttons that only open a modal (present, commit, report on the stage card)."""
    try:
        verb, _, _ = parse_action_id(action)
    except ValueError:
        return False
    return verb in FORM_VERBS


def _seed_authorization(app: AsyncApp, identity: AsyncSlackResponse) -> None:
    """Give Bolt the auth.test answer we already have, so that the first request from Slack
    does not wait on a Web API call before it can be acked."""
    for middleware in getattr(app, "_async_middleware_list", []):
        if isinstance(middleware, AsyncSingleTeamAuthorization):
            middleware.auth_test_result = identity


async def start_slack(settings: SlackSettings, runtime: Host, *, host: str = "0.0.0.0",
                      port: int = DEFAULT_PORT,
                      web_app: web.Application | None = None) -> SlackService:
    """Start Slack: Socket Mode when ``SLACK_APP_TOKEN`` is set, else ``/slack/events`` as a
    route on ``web_app`` (``revans run``'s server on ``PORT``, which the caller starts) or,
    without one, on a server of its own at ``host:port`` (tests, benchmarks).

    Checks the bot token first (``auth.test``), so a wrong token is a clear error at start.
    """
    client = build_client(settings)
    try:
        identity = await client.auth_test()
    except SlackApiError as error:
        message = (f"Slack refused the bot token (SLACK_BOT_TOKEN): "
                   f"{error.response.get('error') if error.response is not None else error}")
        log.error("%s", message)
        raise SlackStartError(message) from error
    except Exception as error:
        message = (f"cannot reach the Slack Web API at {settings.slack_api_base_url} "
                   f"(SLACK_API_BASE_URL) to check SLACK_BOT_TOKEN: {error}")
        log.error("%s", message)
        raise SlackStartError(message) from error
    bot_name = str(identity.get("user") or "Revans")
    outbox = SlackOutbox(client, runtime.slots, bot_name=bot_name)
    runtime.engine.outboxes[inbound.PLATFORM] = outbox
    work = BackgroundWork()
    socket_mode = settings.slack_app_token is not None
    secret = settings.slack_signing_secret.get_secret_value() if (
        settings.slack_signing_secret is not None) else None
    if not socket_mode and not secret:
        raise SlackStartError("Slack over HTTP needs SLACK_SIGNING_SECRET "
                              "(or set SLACK_APP_TOKEN for Socket Mode)")
    app = build_app(client, runtime, outbox, work, signing_secret=secret,
                    team=str(identity.get("team_id") or ""))
    _seed_authorization(app, identity)
    service = SlackService(app, client, outbox, work)
    try:
        if settings.slack_app_token is not None:
            await service.connect_socket_mode(settings.slack_app_token.get_secret_value())
        elif web_app is not None:
            service.attach(web_app)
        else:
            await service.serve_http(host, port)
    except SlackStartError as error:
        log.error("%s", error)
        raise
    log.info("Slack app %s ready (team %s)", bot_name, identity.get("team_id"))
    return service
