"""The client-server API calls the bot makes, over mautrix's ``HTTPAPI``, with retries.

mautrix builds the paths (escaping room and event ids), raises an exception per ``errcode``
(``MLimitExceeded``, ``MForbidden``…) and takes raw JSON everywhere, which the bot needs for
``m.mentions``, reactions and its own keys. It does not retry a 429, and its exceptions drop
``retry_after_ms``: ``RetryingAPI`` keeps it and waits that long (or backs off for a 5xx or a
connection error) before trying again, a bounded number of times. A send keeps its transaction
id across the retries, so the homeserver stores it once however often it is tried.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

from aiohttp import ClientSession, ClientTimeout
from mautrix.api import HTTPAPI, MediaPath, Method, Path
from mautrix.errors import MatrixConnectionError, MatrixRequestError, make_request_error

from bot.observability import count_platform_error

log = logging.getLogger("revans.matrix")
PLATFORM = "matrix"
JSON = dict[str, Any]
RETRIES = 8                  # then the error goes to the caller (logged; the ping is retried)
FIRST_BACKOFF = 0.5          # seconds, doubled each time, for a 5xx or an unreachable server
MAX_WAIT = 30.0              # never wait longer than this for one retry
RETRY_STATUSES = (500, 502, 503, 504)


class RetryingAPI(HTTPAPI):
    """``HTTPAPI`` that honours ``retry_after_ms`` on 429 and backs off on 5xx."""

    retries: int = RETRIES
    first_backoff: float = FIRST_BACKOFF

    async def _send(self, method: Method, url: Any, content: Any, query_params: dict[str, str],
                    headers: dict[str, str]) -> tuple[Any, Any]:
        """As mautrix's, but the error keeps ``retry_after_ms`` (body or ``Retry-After``)."""
        request = self.session.request(str(method), url, data=content, params=query_params,
                                       headers=headers)
        async with request as response:
            if 200 <= response.status < 300:
                return await response.json(), response
            text = await response.text()
            try:
                body = json.loads(text)
            except ValueError:
                body = {}
            body = body if isinstance(body, dict) else {}
            error = make_request_error(
                http_status=response.status, text=text, errcode=body.get("errcode"),
                message=body.get("error"),
                unstable_errcode=body.get("org.matrix.msc3848.unstable.errcode"))
            wait_ms = body.get("retry_after_ms")
            if wait_ms is None and response.headers.get("Retry-After", "").isdigit():
                wait_ms = int(response.headers["Retry-After"]) * 1000
            error.retry_after_ms = wait_ms  # type: ignore[attr-defined]
            raise error

    async def request(self, method: Method, path: Any, content: Any = None,
                      **kwargs: Any) -> Any:
        kwargs["retry_count"] = 0  # the loop below is the only retry
        backoff = self.first_backoff
        for attempt in range(self.retries + 1):
            try:
                return await super().request(method, path, content, **kwargs)
            except MatrixRequestError as error:
                status = error.http_status
                count_platform_error(PLATFORM, error.errcode or status)
                if attempt == self.retries or (status != 429 and status not in RETRY_STATUSES):
                    raise
                hinted = getattr(error, "retry_after_ms", None)
                wait = hinted / 1000 if isinstance(hinted, int | float) else backoff
                log.warning("Matrix answered %s (%s) to %s %s; retrying in %.2f s", status,
                            error.errcode, method, path, wait)
            except MatrixConnectionError as error:
                count_platform_error(PLATFORM, "connection")
                if attempt == self.retries:
                    raise
                wait = backoff
                log.warning("Matrix homeserver unreachable (%s); retrying in %.2f s", error,
                            wait)
            await asyncio.sleep(min(wait, MAX_WAIT))
            backoff = min(backoff * 2, MAX_WAIT)
        raise AssertionError("unreachable")


class MatrixApi:
    """The calls the adapter makes, as raw JSON, for one bot account."""

    def __init__(self, homeserver: str, token: str, user_id: str, *,
                 session: ClientSession | None = None) -> None:
        self.user_id = user_id
        self.http = RetryingAPI(homeserver, token, client_session=session or ClientSession(
            timeout=ClientTimeout(total=None, sock_connect=10, sock_read=120)))
        self._txn_prefix = uuid.uuid4().hex[:8]
        self._txn = 0

    async def close(self) -> None:
        await self.http.session.close()

    def txn_id(self) -> str:
        self._txn += 1
        return f"revans-{self._txn_prefix}-{time.time_ns()}-{self._txn}"

    # ------------------------------------------------------------------ sending

    async def send(self, room_id: str, content: JSON, event_type: str = "m.room.message",
                   txn_id: str | None = None) -> str:
        path = Path.v3.rooms[room_id].send[event_type][txn_id or self.txn_id()]
        answer = await self.http.request(Method.PUT, path, content)
        return str(answer["event_id"])

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        return await self.send(room_id, {"m.relates_to": {
            "rel_type": "m.annotation", "event_id": event_id, "key": key}}, "m.reaction")

    async def redact(self, room_id: str, event_id: str) -> None:
        path = Path.v3.rooms[room_id].redact[event_id][self.txn_id()]
        await self.http.request(Method.PUT, path, {})

    # ------------------------------------------------------------------ reading

    async def sync(self, since: str | None, timeout_ms: int, filter_json: str) -> JSON:
        query = {"timeout": str(timeout_ms), "filter": filter_json}
        if since:
            query["since"] = since
        return await self.http.request(Method.GET, Path.v3.sync, query_params=query)

    async def messages(self, room_id: str, start: str, stop: str, limit: int = 100) -> JSON:
        """A page of a room's events, newest first, from ``start`` back towards ``stop``."""
        return await self.http.request(Method.GET, Path.v3.rooms[room_id].messages, query_params={
            "from": start, "to": stop, "dir": "b", "limit": str(limit)})

    async def whoami(self) -> str:
        return str((await self.http.request(Method.GET, Path.v3.account.whoami))["user_id"])

    async def event(self, room_id: str, event_id: str) -> JSON:
        return await self.http.request(Method.GET, Path.v3.rooms[room_id].event[event_id])

    async def relations(self, room_id: str, event_id: str, rel_type: str,
                        event_type: str | None = None, limit: int = 50) -> list[JSON]:
        path = Path.v1.rooms[room_id].relations[event_id][rel_type]
        if event_type:
            path = path[event_type]
        answer = await self.http.request(Method.GET, path,
                                         query_params={"dir": "b", "limit": str(limit)})
        return list(answer.get("chunk", []))

    async def profile(self, user_id: str) -> JSON:
        return await self.http.request(Method.GET, Path.v3.profile[user_id])

    async def upload(self, data: bytes, filename: str, mimetype: str) -> str:
        """Store a file in the media repository; its ``mxc://`` URI."""
        answer = await self.http.request(
            Method.POST, MediaPath.v3.upload, data, headers={"Content-Type": mimetype},
            query_params={"filename": filename})
        return str(answer["content_uri"])

    async def membership(self, room_id: str, user_id: str) -> str | None:
        """``join``, ``invite``, ``leave``… of ``user_id`` in the room; ``None`` if unknown."""
        path = Path.v3.rooms[room_id].state["m.room.member"][user_id]
        try:
            answer = await self.http.request(Method.GET, path)
        except MatrixRequestError as error:
            if error.http_status in (403, 404):
                return None
            raise
        return answer.get("membership")

    async def state(self, room_id: str, event_type: str, state_key: str = "") -> JSON | None:
        try:
            return await self.http.request(Method.GET,
                                           Path.v3.rooms[room_id].state[event_type][state_key])
        except MatrixRequestError as error:
            if error.http_status in (403, 404):
                return None
            raise

    # ------------------------------------------------------------------ rooms

    async def join(self, room_id: str) -> None:
        await self.http.request(Method.POST, Path.v3.join[room_id], {})

    async def create_direct_room(self, user_id: str) -> str:
        """A private room marked direct, unencrypted (the bot cannot read encrypted ones)."""
        answer = await self.http.request(Method.POST, Path.v3.createRoom, {
            "preset": "trusted_private_chat", "is_direct": True, "invite": [user_id]})
        return str(answer["room_id"])

    async def account_data(self, event_type: str) -> JSON:
        try:
            return await self.http.request(
                Method.GET, Path.v3.user[self.user_id].account_data[event_type])
        except MatrixRequestError as error:
            if error.http_status == 404:
                return {}
            raise

    async def set_account_data(self, event_type: str, content: JSON) -> None:
        await self.http.request(Method.PUT,
                                Path.v3.user[self.user_id].account_data[event_type], content)


async def log_in(homeserver: str, user_id: str, password: str,
                 device_id: str = "REVANS") -> str:
    """An access token for a password (``MATRIX_PASSWORD``); the same device each time."""
    async with ClientSession() as session:
        http = RetryingAPI(homeserver, client_session=session)
        answer = await http.request(Method.POST, Path.v3.login, {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": user_id},
            "password": password, "device_id": device_id,
            "initial_device_display_name": "Revans"}, sensitive=True)
        return str(answer["access_token"])
