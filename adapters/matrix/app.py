"""The Matrix service: logged in (to send) in every process, syncing (to receive) in one.

``PLUGIN.start`` hands the service to ``host.held_by_one_process``: every ``revans run`` process
can send through the client-server API, and only the holder of the database lock runs the
``/sync`` loop (like Discord's gateway). The loop resumes from the sync token it stored in the
host's adapter state after each batch; an event of a batch it had not finished before a restart
comes again and the engine drops it by its event id (recorded in the event's transaction).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from mautrix.errors import MatrixConnectionError, MatrixRequestError, MUnknownToken

from adapters.matrix.api import JSON, PLATFORM, MatrixApi, log_in
from adapters.matrix.directory import DirectRooms
from adapters.matrix.inbound import Inbound
from adapters.matrix.outbox import MatrixOutbox
from adapters.matrix.settings import MatrixSettings
from bot.platform import PlatformStartError, Service

if TYPE_CHECKING:
    from bot.platform import Host

log = logging.getLogger("revans.matrix")
SYNC_BACKOFF = (1.0, 320.0)   # first and longest wait after a failed /sync
GAP_PAGES = 5                 # pages of 100 events fetched to fill a gap after a long absence
TIMELINE_TYPES = ["m.room.message", "m.reaction", "m.room.encrypted", "m.room.encryption",
                  "m.room.member"]
SYNC_FILTER = json.dumps({
    "presence": {"types": []},
    "account_data": {"types": ["m.direct"]},
    "room": {
        "timeline": {"types": TIMELINE_TYPES, "limit": 100},
        "state": {"types": ["m.room.encryption"], "lazy_load_members": True},
        "ephemeral": {"types": []},
        "account_data": {"types": []},
    },
}, separators=(",", ":"))


class MatrixService:
    """One bot account: its API client, direct rooms, inbound and outbox, and the sync loop."""

    def __init__(self, host: Host, settings: MatrixSettings, token: str) -> None:
        self.host = host
        self.settings = settings
        self.api = MatrixApi(settings.matrix_homeserver, token, settings.matrix_user_id)
        self.directory = DirectRooms(self.api)
        self.inbound = Inbound(host, self.api, self.directory)
        self.outbox = MatrixOutbox(host, self.api, self.directory)
        self.batches = 0     # /sync answers handled, and whether one is being handled now:
        self.busy = False    # for tests to wait on
        self._task: asyncio.Task[None] | None = None

    @property
    def user_id(self) -> str:
        return self.api.user_id

    @property
    def token_key(self) -> str:
        return f"sync-token:{self.user_id}"

    # ------------------------------------------------------------------ GatewayService

    @property
    def gateway_connected(self) -> bool:
        return self._task is not None

    def connect_gateway(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._sync_forever(), name="revans-matrix-sync")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping anyway
                pass
        if self.host.engine.outboxes.get(PLATFORM) is self.outbox:
            del self.host.engine.outboxes[PLATFORM]
        await self.api.close()

    # ------------------------------------------------------------------ the sync loop

    async def _sync_forever(self) -> None:
        since = await self.host.adapter_state(PLATFORM, self.token_key)
        wait = SYNC_BACKOFF[0]
        while True:
            try:
                payload = await self.api.sync(
                    since, self.settings.matrix_sync_timeout_ms if since else 0, SYNC_FILTER)
                self.busy = True
                try:
                    await self.handle_batch(payload, since)
                finally:
                    self.busy = False
                since = str(payload["next_batch"])
                await self.host.set_adapter_state(PLATFORM, self.token_key, since)
                self.batches += 1
                wait = SYNC_BACKOFF[0]
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the loop backs off and resumes from ``since``
                log.exception("Matrix /sync failed; trying again in %.0f s", wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, SYNC_BACKOFF[1])

    async def handle_batch(self, payload: JSON, since: str | None) -> None:
        """One /sync answer: direct rooms, invites, then each room's events in order. The
        first sync of a new bot (no token yet) takes invites only, not the rooms' history."""
        for item in (payload.get("account_data") or {}).get("events", []):
            if item.get("type") == "m.direct" and isinstance(item.get("content"), dict):
                self.directory.update(item["content"])
        rooms = payload.get("rooms") or {}
        for room_id, data in (rooms.get("invite") or {}).items():
            await self._invited(room_id, data)
        for room_id, data in (rooms.get("join") or {}).items():
            state = (data.get("state") or {}).get("events", [])
            if any(e.get("type") == "m.room.encryption" for e in state):
                await self.inbound.encrypted_room(room_id)
            if since is None:
                continue
            timeline = data.get("timeline") or {}
            events = list(timeline.get("events", []))
            if timeline.get("limited") and timeline.get("prev_batch"):
                events = await self._gap(room_id, str(timeline["prev_batch"]), since) + events
            for event in events:
                await self.inbound.room_event(room_id, event)
        for room_id, data in (rooms.get("leave") or {}).items():
            await self._left(room_id, data)

    async def _invited(self, room_id: str, data: JSON) -> None:
        """Join every room the bot is invited to; a direct invite becomes its DM room."""
        invite: dict[str, Any] = {}
        for event in (data.get("invite_state") or {}).get("events", []):
            if event.get("type") == "m.room.member" and event.get("state_key") == self.user_id:
                invite = event
        try:
            await self.api.join(room_id)
        except MatrixRequestError as error:
            log.warning("could not join %s: %s", room_id, error)
            return
        log.info("joined %s (invited by %s)", room_id, invite.get("sender"))
        if (invite.get("content") or {}).get("is_direct") and invite.get("sender"):
            await self.directory.add(str(invite["sender"]), room_id)
        else:
            await self.inbound.rejoined(room_id)

    async def _gap(self, room_id: str, prev_batch: str, since: str) -> list[JSON]:
        """Events between the last sync and a limited timeline, oldest first."""
        found: list[JSON] = []
        token: str | None = prev_batch
        for _ in range(GAP_PAGES):
            if token is None:
                break
            try:
                page = await self.api.messages(room_id, token, since)
            except MatrixRequestError as error:
                log.warning("could not fill a gap in %s: %s", room_id, error)
                break
            found.extend(page.get("chunk", []))
            token = page.get("end")
        log.info("filled a gap of %d events in %s", len(found), room_id)
        return list(reversed(found))

    async def _left(self, room_id: str, data: JSON) -> None:
        """Kicked or banned: the set whose home this room is becomes unreachable."""
        for event in (data.get("timeline") or {}).get("events", []):
            if (event.get("type") == "m.room.member" and event.get("state_key") == self.user_id
                    and event.get("sender") != self.user_id):
                membership = (event.get("content") or {}).get("membership")
                log.error("removed from room %s by %s (%s): the set there cannot be reached "
                          "until the bot is invited back", room_id, event.get("sender"),
                          membership)
                await self.inbound.removed(room_id, event)


async def start_matrix(settings: MatrixSettings, host: Host) -> MatrixService:
    """Log in (a token, or a password) and check who we are; the sync loop is not started.

    Raises ``PlatformStartError`` naming the setting to fix.
    """
    if not settings.configured:
        raise PlatformStartError("Matrix needs MATRIX_HOMESERVER, MATRIX_USER_ID and "
                                 "MATRIX_ACCESS_TOKEN (or MATRIX_PASSWORD)")
    where = settings.matrix_homeserver
    try:
        if settings.matrix_access_token is not None:
            token = settings.matrix_access_token.get_secret_value()
        else:
            assert settings.matrix_password is not None
            token = await log_in(where, settings.matrix_user_id,
                                 settings.matrix_password.get_secret_value())
    except MatrixRequestError as error:
        raise PlatformStartError(f"Matrix refused the login of {settings.matrix_user_id} "
                                 f"(MATRIX_PASSWORD): {error}") from error
    except (MatrixConnectionError, OSError) as error:
        raise PlatformStartError(f"could not reach MATRIX_HOMESERVER {where}: {error}") from error
    service = MatrixService(host, settings, token)
    service.api.http.retries = 2
    try:
        who = await service.api.whoami()
    except MUnknownToken as error:
        await service.api.close()
        raise PlatformStartError("Matrix refused MATRIX_ACCESS_TOKEN (unknown or logged out); "
                                 "see docs/matrix.md for getting a token") from error
    except (MatrixRequestError, MatrixConnectionError, OSError) as error:
        await service.api.close()
        raise PlatformStartError(f"could not reach MATRIX_HOMESERVER {where}: {error}") from error
    finally:
        service.api.http.retries = type(service.api.http).retries
    if who != settings.matrix_user_id:
        await service.api.close()
        raise PlatformStartError(f"MATRIX_ACCESS_TOKEN belongs to {who}, not MATRIX_USER_ID "
                                 f"{settings.matrix_user_id}")
    host.engine.outboxes[PLATFORM] = service.outbox
    log.info("Matrix: logged in as %s on %s", who, where)
    return service


class MatrixPlatform:
    """``PLUGIN``: what ``revans run`` knows of Matrix."""

    name = PLATFORM

    def configured(self) -> bool:
        return MatrixSettings().configured

    def needs(self) -> str:
        return ("Matrix:               MATRIX_HOMESERVER, MATRIX_USER_ID and MATRIX_ACCESS_TOKEN "
                "(or MATRIX_PASSWORD)")

    async def start(self, host: Host) -> Service:
        settings = MatrixSettings()

        async def logged_in() -> MatrixService:
            return await start_matrix(settings, host)

        return await host.held_by_one_process(PLATFORM, settings.matrix_user_id, logged_in)
