"""The Teams SDK (``microsoft-teams-apps``), with its side doors shut.

- **No ``.env`` at import.** ``microsoft_teams.apps.app`` runs ``load_dotenv`` when imported,
  which would copy a developer's ``.env`` into the whole process. ``sdk_modules`` imports it
  with python-dotenv's own ``PYTHON_DOTENV_DISABLED`` switch on, for the import alone: our
  settings read ``.env`` themselves (``TeamsSettings``).
- **Never managed identity.** A client id without a secret switches the SDK to Azure's
  managed identity (an HTTP call to 169.254.169.254), and ``CLIENT_ID``/``CLIENT_SECRET``/
  ``TENANT_ID``/``SERVICE_URL``/``CLOUD`` in the environment override what it is given. The
  App is built with an explicit token provider, with those variables hidden while it is built,
  and refused unless its credentials are the token provider's.
- **The outgoing token** is a client-credentials POST to the login URL, cached until shortly
  before it expires. MSAL (what the SDK uses with a client secret) refuses a plain-``http``
  authority, so it could never be pointed at a loopback fake; this keeps the path the tests
  run the one production runs.
- **Signing keys off the hot path.** The SDK checks each inbound token with PyJWT's
  ``PyJWKClient``, whose key fetch is a synchronous HTTP call made on the event loop when its
  300-second cache is empty or a token names an unknown key. ``KeyWarden`` fetches the keys in
  a worker thread at start and whenever the cache would otherwise be refilled in-line.
- **One kind of token.** Only the Bot Connector's tokens are let through to the SDK: it would
  also take Entra-issued tokens (its Agent 365 path), fetching keys for whatever tenant a token
  names, synchronously, and without checking ``serviceurl``.
- **Our server.** The SDK's endpoint is mounted on the bot's aiohttp application through the
  SDK's ``http_server_adapter`` hook (its own FastAPI/uvicorn server is never started).
- **429 and 5xx** from the service URL are retried after their ``Retry-After``
  (``RetryAfter``, an HTTP middleware of the SDK's client).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import random
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import aiohttp
import httpx
from aiohttp import web

log = logging.getLogger("revans.teams")

# Environment variables the SDK reads on its own, which must never steer it.
SDK_ENVIRONMENT = ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "SERVICE_URL", "CLOUD",
                   "MANAGED_IDENTITY_CLIENT_ID", "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS",
                   "PORT")
DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"
_import_lock = threading.Lock()


class TeamsStartError(RuntimeError):
    """The Teams app cannot be built safely; the message says what to fix."""


def sdk_modules() -> ModuleType:
    """``microsoft_teams.apps``, imported without loading ``.env`` into the process."""
    with _import_lock:
        if "microsoft_teams.apps.app" in sys.modules:
            return importlib.import_module("microsoft_teams.apps")
        before = os.environ.get("PYTHON_DOTENV_DISABLED")
        os.environ["PYTHON_DOTENV_DISABLED"] = "1"
        try:
            return importlib.import_module("microsoft_teams.apps")
        finally:
            if before is None:
                os.environ.pop("PYTHON_DOTENV_DISABLED", None)
            else:
                os.environ["PYTHON_DOTENV_DISABLED"] = before


@contextlib.contextmanager
def sdk_environment_hidden() -> Iterator[None]:
    """Hide the variables the SDK would read while the App is built (synchronous: no other
    task runs in between)."""
    saved = {name: os.environ.pop(name) for name in SDK_ENVIRONMENT if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


# ---------------------------------------------------------------------- outgoing token


@dataclass
class ClientCredentialsToken:
    """The bot's token for the Bot Connector: ``POST {login}/{tenant}/oauth2/v2.0/token`` with
    ``grant_type=client_credentials``, cached until five minutes before it expires."""

    app_id: str
    password: str
    tenant_id: str
    login_url: str = DEFAULT_LOGIN_URL
    scope: str = "https://api.botframework.com/.default"
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._token = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()
        self.fetched = 0

    async def __call__(self, scope: Any = None, tenant_id: str | None = None) -> str:
        async with self._lock:
            if self._token and self.clock() < self._expires:
                return self._token
            url = f"{self.login_url.rstrip('/')}/{self.tenant_id}/oauth2/v2.0/token"
            form = {"grant_type": "client_credentials", "client_id": self.app_id,
                    "client_secret": self.password, "scope": self.scope}
            timeout = aiohttp.ClientTimeout(total=30)
            async with aiohttp.ClientSession(timeout=timeout) as session, session.post(
                    url, data=form) as response:
                body = await response.json(content_type=None)
                if response.status != 200 or "access_token" not in (body or {}):
                    reason = (body or {}).get("error_description") or (body or {}).get("error")
                    raise TeamsStartError(
                        f"Microsoft refused the bot's token ({response.status}: {reason}); "
                        "check TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID")
            self.fetched += 1
            self._token = str(body["access_token"])
            self._expires = self.clock() + max(60.0, float(body.get("expires_in", 3600)) - 300)
            return self._token


# ---------------------------------------------------------------------- retries


@dataclass
class RetryAfter:
    """SDK client middleware: a 429 or 5xx from the service URL is tried again after its
    ``Retry-After`` (or a short backoff), up to ``attempts`` times in all."""

    attempts: int = 5
    max_wait: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    on_retry: Callable[[int, float], None] | None = None

    async def send(self, context: Any, next: Callable[[], Awaitable[httpx.Response]]
                   ) -> httpx.Response:
        for attempt in range(1, self.attempts + 1):
            try:
                return await next()
            except httpx.HTTPStatusError as error:
                status = error.response.status_code
                if attempt == self.attempts or not (status == 429 or status >= 500):
                    raise
                wait = self._wait(error.response, attempt)
                log.info("Teams answered %s to %s %s; trying again in %.1f s", status,
                         context.method, context.url, wait)
                if self.on_retry is not None:
                    self.on_retry(status, wait)
                await self.sleep(wait)
        raise AssertionError("unreachable")

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        header = response.headers.get("Retry-After")
        if header:
            try:
                return min(self.max_wait, max(0.0, float(header)))
            except ValueError:
                pass
        return min(self.max_wait, 0.5 * 2 ** (attempt - 1) * (1 + random.random() / 4))


# ---------------------------------------------------------------------- signing keys


class KeyWarden:
    """Keeps PyJWT's key cache filled from a worker thread, so that the SDK's synchronous
    fetch never runs on the event loop: at start, when the cache has expired, and when a
    token names a key the cache does not have (at most once per ``cooldown``)."""

    def __init__(self, jwks_client: Any, *, cooldown: float = 30.0) -> None:
        self.client = jwks_client
        self.cooldown = cooldown
        self._last = float("-inf")
        self.fetches = 0

    async def prewarm(self) -> None:
        await self._fetch()

    async def _fetch(self) -> None:
        await asyncio.to_thread(self.client.get_jwk_set, True)
        self._last = time.monotonic()
        # PyJWT's own cooldown for unknown keys starts now, so it will not fetch in-line.
        self.client._last_successful_fetch = self._last  # noqa: SLF001
        self.fetches += 1

    async def ensure(self, authorization: str) -> None:
        """Before the SDK validates ``authorization``: make sure the cache can answer."""
        cached = self.client.jwk_set_cache.get() if self.client.jwk_set_cache else None
        try:
            if cached is None:
                await self._fetch()
                return
            kid = _kid(authorization)
            if kid is None or any(key.key_id == kid for key in cached.keys):
                return
            if time.monotonic() - self._last >= self.cooldown:
                await self._fetch()
        except Exception as error:  # noqa: BLE001 - the SDK then refuses the token (401)
            log.warning("could not fetch Teams' signing keys: %s", error)


def _issuer(authorization: str) -> str | None:
    """The unverified ``iss`` of a bearer token (``None`` when there is no readable token: the
    SDK refuses those itself)."""
    import jwt

    token = authorization.removeprefix("Bearer ").strip()
    if not token:
        return None
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    return str(issuer) if issuer is not None else ""


def _kid(authorization: str) -> str | None:
    import jwt

    token = authorization.removeprefix("Bearer ").strip()
    if not token:
        return None
    try:
        return jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return None


# ---------------------------------------------------------------------- our HTTP server


class AiohttpMount:
    """The SDK's ``HttpServerAdapter``: the routes it registers are served by our aiohttp
    application (the one on ``PORT`` with ``/slack/events``, ``/healthz``, ``/metrics``)."""

    def __init__(self, web_app: web.Application, *,
                 before: Callable[[web.Request], Awaitable[web.StreamResponse | None]]
                 | None = None) -> None:
        self.web_app = web_app
        self.before = before
        self.paths: list[str] = []

    def register_route(self, method: str, path: str, handler: Any) -> None:
        async def route(request: web.Request) -> web.StreamResponse:
            if self.before is not None:
                early = await self.before(request)
                if early is not None:
                    return early
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "the body is not JSON"}, status=400)
            if not isinstance(body, dict):
                return web.json_response({"error": "the body is not an activity"}, status=400)
            result = await handler({"body": body, "headers": dict(request.headers)})
            status = int(result.get("status") or 200)
            payload = result.get("body")
            if payload is None:
                return web.Response(status=status)
            return web.json_response(payload, status=status)

        self.web_app.router.add_route(method, path, route)
        self.paths.append(path)

    def serve_static(self, path: str, directory: str) -> None:
        raise NotImplementedError("Revans serves no static pages for Teams")

    async def start(self, port: int) -> None:
        raise NotImplementedError("the bot's own aiohttp server is started by revans run")

    async def stop(self) -> None:
        return None


@dataclass
class BuiltApp:
    app: Any
    token: ClientCredentialsToken
    warden: KeyWarden
    retry: RetryAfter
    mount: AiohttpMount


async def build_app(*, app_id: str, password: str, tenant_id: str, web_app: web.Application,
              service_url: str, openid_metadata_url: str | None = None,
              login_url: str | None = None, retry: RetryAfter | None = None) -> BuiltApp:
    """The SDK's ``App`` with every side door shut, mounted at ``POST /api/messages``."""
    apps = sdk_modules()
    from microsoft_teams.api import TokenCredentials
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.common import Client, ClientOptions

    cloud = with_overrides(PUBLIC, openid_metadata_url=openid_metadata_url,
                           login_endpoint=login_url.rstrip("/") if login_url else None)
    token = ClientCredentialsToken(app_id=app_id, password=password, tenant_id=tenant_id,
                                   login_url=cloud.login_endpoint, scope=cloud.bot_scope)
    retry = retry or RetryAfter()
    client = Client(ClientOptions(timeout=30.0))
    client.use(retry)
    warden_box: list[KeyWarden] = []

    async def before(request: web.Request) -> web.StreamResponse | None:
        authorization = request.headers.get("Authorization", "")
        issuer = _issuer(authorization)
        if issuer is not None and issuer != cloud.token_issuer:
            # The SDK would take an Entra-issued token down another path (Agent 365), with a
            # synchronous key fetch per claimed tenant and no serviceurl check: refused here.
            log.warning("refused a Teams request whose token was issued by %r", issuer[:80])
            return web.json_response({"error": "Unauthorized"}, status=401)
        await warden_box[0].ensure(authorization)
        return None

    mount = AiohttpMount(web_app, before=before)
    with sdk_environment_hidden():
        app = apps.App(client_id=app_id, tenant_id=tenant_id, token=token, cloud=cloud,
                       service_url=service_url, client=client, http_server_adapter=mount,
                       messaging_endpoint="/api/messages", state=False,
                       dangerously_allow_unauthenticated_requests=False,
                       fetch_user_token=False)
    if not isinstance(app.credentials, TokenCredentials):
        raise TeamsStartError("the Teams SDK did not take the bot's own credentials; refusing "
                              "to start (no managed identity, no credentials from elsewhere)")
    await app.initialize()  # registers /api/messages and the token validator (no I/O)
    validator = app.server._token_validator  # noqa: SLF001
    if validator is None:
        raise TeamsStartError("the Teams SDK did not set up token validation; refusing to start")
    warden = KeyWarden(validator._service_validator._jwks_client)  # noqa: SLF001
    warden_box.append(warden)
    return BuiltApp(app=app, token=token, warden=warden, retry=retry, mount=mount)
