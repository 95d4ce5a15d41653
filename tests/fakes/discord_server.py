"""A fake Discord (gateway + REST) on 127.0.0.1, enough for the real discord.py client.

It speaks the gateway handshake (HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE), serves the
REST routes the bot uses, records every request, and builds interactions the way Discord does:
slash commands from the commands the bot *registered* (an unknown subcommand or option fails the
test), clicks from the components of a message the bot *sent*, and modal submissions.

Gotchas it respects (PLATFORMS.md): ``Content-Type`` exactly ``application/json``; members carry
``flags``; interactions carry ``attachment_size_limit``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 900000000000000010
CHANNEL_ID = 900000000000000020
TIMESTAMP = "2026-11-01T10:00:00.000000+00:00"
ALL_PERMISSIONS = str((1 << 50) - 1)


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "global_name": name.title(),
            "discriminator": "0", "avatar": None, "bot": bot, "public_flags": 0, "flags": 0}


def member_payload(user: dict[str, Any]) -> dict[str, Any]:
    return {"user": user, "roles": [], "joined_at": TIMESTAMP, "deaf": False, "mute": False,
            "flags": 0, "nick": None, "pending": False, "permissions": ALL_PERMISSIONS}


def json_response(data: Any, status: int = 200) -> web.Response:
    """discord.py parses JSON only when Content-Type is exactly ``application/json``."""
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": "application/json"})


def error_response(status: int, code: int, message: str) -> web.Response:
    return json_response({"code": code, "message": message}, status=status)


def limit_errors(body: dict[str, Any] | None) -> list[str]:
    """What Discord would reject in a message or modal (it answers 400, code 50035)."""
    if not body:
        return []
    problems = []
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    if len(content) > 2000:
        problems.append(f"content is {len(content)} characters")
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds")
    total = 0
    for embed in embeds:
        title, description = embed.get("title") or "", embed.get("description") or ""
        fields = embed.get("fields") or []
        total += len(title) + len(description)
        if len(title) > 256 or len(description) > 4096 or len(fields) > 25:
            problems.append("an embed over its limits")
        for item in fields:
            total += len(item["name"]) + len(item["value"])
            if len(item["name"]) > 256 or len(item["value"]) > 1024 or not item["value"]:
                problems.append("a field over its limits")
    if total > 6000:
        problems.append(f"embeds total {total} characters")
    rows = body.get("components") or []
    if len(rows) > 5:
        problems.append(f"{len(rows)} component rows")
    for row in rows:
        if len(row.get("components") or []) > 5:
            problems.append("more than 5 components in a row")
        for item in row.get("components") or []:
            if len(item.get("custom_id") or "") > 100:
                problems.append("a custom_id over 100 characters")
            if len(item.get("label") or "") > (45 if item.get("type") == 4 else 80):
                problems.append("a label over its limit")
    if len(body.get("title") or "") > 45:
        problems.append("a modal title over 45 characters")
    if not content and not embeds and not body.get("flags") and "title" not in body and \
            not body.get("attachments") and not body.get("components"):
        problems.append("an empty message")
    return problems


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    at: float = 0.0  # the event loop's clock when the request arrived


@dataclass
class FakeDiscord:
    """Start with ``await fake.start()``; point the bot at ``api_base`` and ``gateway_url``."""

    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # scope -> commands
    command_puts: list[str] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    dm_channels: dict[int, int] = field(default_factory=dict)  # user id -> DM channel id
    closed_dms: set[int] = field(default_factory=set)  # users whose DMs answer 403 (50007)
    forbidden_channels: set[int] = field(default_factory=set)  # channel sends answer 50013
    identified: asyncio.Event = field(default_factory=asyncio.Event)
    refuse_message_content: bool = False  # close with 4014 as Discord does when not enabled
    refuse_token: bool = False  # GET /users/@me answers 401
    serve_command_reads: bool = True  # False: GET …/commands answers 404 (a minimal fake)
    rate_limited_posts: int = 0  # answer this many channel posts with 429 first

    def __post_init__(self) -> None:
        self._ids = itertools.count(910000000000000000)
        self._seq = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.bot = user_payload(BOT_ID, "revans", bot=True)
        self.interaction_tokens: dict[str, int] = {}  # token -> interaction id
        self.originals: dict[str, int] = {}  # interaction token -> its response message id
        self.extra_channels: list[int] = []
        self._interaction_channels: dict[str, int] = {}
        self._interaction_messages: dict[str, int] = {}
        self._interaction_types: dict[str, int] = {}
        self.dispatched_at: dict[str, float] = {}  # interaction token -> when it was sent
        self.answered_at: dict[str, float] = {}
        self.identifies: list[dict[str, Any]] = []
        self.rejected: list[tuple[str, list[str]]] = []  # what Discord would have refused

    # ------------------------------------------------------------------ lifecycle

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def add_user(self, user_id: int, name: str) -> dict[str, Any]:
        self.users[user_id] = user_payload(user_id, name)
        return self.users[user_id]

    def next_id(self) -> int:
        return next(self._ids)

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250},
                                          "s": None, "t": None}))
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(frame.data)
                if payload["op"] == 1:
                    await socket.send_str(json.dumps({"op": 11, "d": None, "s": None,
                                                      "t": None}))
                elif payload["op"] == 2:
                    self.identify = payload["d"]
                    self.identifies.append(payload["d"])
                    if self.refuse_message_content and payload["d"]["intents"] & (1 << 15):
                        await socket.close(code=4014, message=b"Disallowed intent(s).")
                        break
                    await self._ready(socket)
                    self.identified.set()
        finally:
            self._sockets.remove(socket)
        return socket

    async def _ready(self, socket: web.WebSocketResponse) -> None:
        ready = {"v": 10, "user": self.bot, "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                 "session_id": "fake-session", "resume_gateway_url": self.gateway_url,
                 "application": {"id": str(APP_ID), "flags": 0}, "private_channels": [],
                 "relationships": []}
        await self._send(socket, "READY", ready)
        await self._send(socket, "GUILD_CREATE", self.guild_payload())

    def guild_payload(self) -> dict[str, Any]:
        channels = [CHANNEL_ID, *self.extra_channels]
        return {
            "id": str(GUILD_ID), "name": "Fake guild", "icon": None, "owner_id": "1",
            "unavailable": False, "large": False, "member_count": len(self.users) + 1,
            "roles": [{"id": str(GUILD_ID), "name": "@everyone", "permissions": ALL_PERMISSIONS,
                       "position": 0, "color": 0, "hoist": False, "managed": False,
                       "mentionable": False, "flags": 0}],
            "channels": [{"id": str(c), "type": 0, "name": f"set-{i}", "position": i,
                          "permission_overwrites": [], "nsfw": False, "parent_id": None,
                          "guild_id": str(GUILD_ID)} for i, c in enumerate(channels)],
            "members": [member_payload(self.bot),
                        *(member_payload(u) for u in self.users.values())],
            "emojis": [], "stickers": [], "features": [], "threads": [], "voice_states": [],
            "presences": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [], "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "system_channel_flags": 0,
            "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
            "joined_at": TIMESTAMP,
        }

    async def _send(self, socket: web.WebSocketResponse, event: str, data: Any) -> None:
        await socket.send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data}))

    async def dispatch(self, event: str, data: Any) -> None:
        """Send a gateway event to every connected client."""
        assert self._sockets, "no bot is connected to the fake gateway"
        for socket in list(self._sockets):
            await self._send(socket, event, data)

    # ------------------------------------------------------------------ REST

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[tuple[str, bytes]] = []
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    files.append((part.filename or "", await part.read()))  # type: ignore
        self.requests.append(Recorded(request.method, path, body, files,
                                      asyncio.get_running_loop().time()))
        checked = body.get("data") if path.startswith("/interactions/") and isinstance(
            body, dict) else body
        problems = limit_errors(checked) if isinstance(checked, dict) and request.method in (
            "POST", "PATCH") and ("messages" in path or path.startswith(
                ("/webhooks/", "/interactions/"))) else []
        if problems:
            self.rejected.append((path, problems))
            return error_response(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        parts = path.strip("/").split("/")
        handler = self._route(request.method, parts)
        if handler is None:
            return error_response(404, 0, f"fake Discord has no route {request.method} {path}")
        return await handler(parts, body, files)

    def _route(self, method: str, parts: list[str]) -> Callable[..., Any] | None:
        match (method, parts):
            case ("GET", ["users", "@me"]):
                return self._me
            case ("GET", ["users", _]):
                return self._user
            case ("GET", ["oauth2", "applications", "@me"]):
                return self._application
            case ("GET", ["applications", _, "commands"]):
                return self._get_commands
            case ("GET", ["applications", _, "guilds", _, "commands"]):
                return self._get_commands
            case ("PUT", ["applications", _, "commands"]):
                return self._put_commands
            case ("PUT", ["applications", _, "guilds", _, "commands"]):
                return self._put_commands
            case ("POST", ["channels", _, "messages"]):
                return self._create_message
            case ("PATCH", ["channels", _, "messages", _]):
                return self._edit_message
            case ("POST", ["users", "@me", "channels"]):
                return self._open_dm
            case ("POST", ["interactions", _, _, "callback"]):
                return self._callback
            case ("POST", ["webhooks", _, _]):
                return self._followup
            case ("PATCH", ["webhooks", _, _, "messages", _]):
                return self._edit_webhook_message
            case ("GET", ["webhooks", _, _, "messages", _]):
                return self._get_webhook_message
            case ("DELETE", ["webhooks", _, _, "messages", _]):
                return self._delete_webhook_message
        return None

    async def _me(self, parts: list[str], body: Any, files: Any) -> web.Response:
        if self.refuse_token:
            return error_response(401, 0, "401: Unauthorized")
        return json_response(self.bot)

    async def _user(self, parts: list[str], body: Any, files: Any) -> web.Response:
        user = self.users.get(int(parts[1]))
        return json_response(user) if user else error_response(404, 10013, "Unknown User")

    async def _application(self, parts: list[str], body: Any, files: Any) -> web.Response:
        return json_response({
            "id": str(APP_ID), "name": "Revans", "description": "", "icon": None,
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
            "owner": user_payload(1, "owner"), "team": None, "flags": 0, "summary": "",
            "rpc_origins": [], "interactions_endpoint_url": None,
        })

    @staticmethod
    def _scope(parts: list[str]) -> str:
        return f"guild:{parts[3]}" if "guilds" in parts else "global"

    async def _get_commands(self, parts: list[str], body: Any, files: Any) -> web.Response:
        if not self.serve_command_reads:
            return error_response(404, 0, "404: Not Found")
        return json_response(self.commands.get(self._scope(parts), []))

    async def _put_commands(self, parts: list[str], body: Any, files: Any) -> web.Response:
        scope = self._scope(parts)
        stored = []
        for command in body:
            stored.append({**command, "id": str(self.next_id()), "application_id": str(APP_ID),
                           "version": str(self.next_id()), "default_member_permissions": None,
                           "type": command.get("type", 1)})
            if scope != "global":
                stored[-1]["guild_id"] = parts[3]
        self.commands[scope] = stored
        self.command_puts.append(scope)
        return json_response(stored)

    def _message(self, channel_id: int, body: dict[str, Any], *, flags: int = 0,
                 author: dict[str, Any] | None = None,
                 files: list[tuple[str, bytes]] | None = None) -> dict[str, Any]:
        message_id = self.next_id()
        message = {
            "id": str(message_id), "channel_id": str(channel_id), "type": 0,
            "content": body.get("content") or "", "embeds": body.get("embeds") or [],
            "components": body.get("components") or [], "attachments": [
                {"id": str(self.next_id()), "filename": name, "size": len(data),
                 "url": f"http://127.0.0.1/{name}", "proxy_url": f"http://127.0.0.1/{name}"}
                for name, data in files or []],
            "timestamp": TIMESTAMP, "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "pinned": False,
            "author": author or self.bot, "flags": flags | int(body.get("flags") or 0),
        }
        if channel_id not in self.dm_channels.values():
            message["guild_id"] = str(GUILD_ID)
        self.messages[message_id] = message
        return message

    async def _create_message(self, parts: list[str], body: Any, files: Any) -> web.Response:
        channel_id = int(parts[1])
        if self.rate_limited_posts > 0:
            self.rate_limited_posts -= 1
            return web.Response(status=429, body=json.dumps(
                {"message": "You are being rate limited.", "retry_after": 0.05,
                 "global": False}).encode(), headers={
                "Content-Type": "application/json", "Via": "1.1 google",
                "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": "0.05", "X-RateLimit-Bucket": "fake"})
        if channel_id in self.forbidden_channels:
            return error_response(403, 50013, "Missing Permissions")
        if channel_id in self.dm_channels.values():
            owner = next(u for u, c in self.dm_channels.items() if c == channel_id)
            if owner in self.closed_dms:
                return error_response(403, 50007, "Cannot send messages to this user")
        return json_response(self._message(channel_id, body, files=files))

    async def _edit_message(self, parts: list[str], body: Any, files: Any) -> web.Response:
        channel_id, message_id = int(parts[1]), int(parts[3])
        if channel_id in self.forbidden_channels:
            return error_response(403, 50013, "Missing Permissions")
        message = self.messages.get(message_id)
        if message is None:
            return error_response(404, 10008, "Unknown Message")
        self._apply_edit(message, body)
        return json_response(message)

    @staticmethod
    def _apply_edit(message: dict[str, Any], body: dict[str, Any]) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else (
                    "" if key == "content" else [])
        message["edited_timestamp"] = TIMESTAMP

    async def _open_dm(self, parts: list[str], body: Any, files: Any) -> web.Response:
        user_id = int(body["recipient_id"])
        channel_id = self.dm_channels.setdefault(user_id, self.next_id())
        recipient = self.users.get(user_id) or user_payload(user_id, f"user{user_id}")
        return json_response({"id": str(channel_id), "type": 1, "recipients": [recipient],
                              "last_message_id": None})

    async def _callback(self, parts: list[str], body: Any, files: Any) -> web.Response:
        interaction_id, token = int(parts[1]), parts[2]
        if token in self.answered_at:
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        self.answered_at[token] = asyncio.get_running_loop().time()
        self.callbacks.append({"interaction_id": interaction_id, "token": token, **body})
        kind = body["type"]
        data = body.get("data") or {}
        interaction = {"id": str(interaction_id), "type": self._interaction_types.get(token, 2)}
        result: dict[str, Any] = {"interaction": interaction}
        if kind == 4:
            message = self._message(self._interaction_channels[token], data,
                                    flags=int(data.get("flags") or 0))
            self.originals[token] = int(message["id"])
            interaction["response_message_id"] = message["id"]
            result["resource"] = {"type": 4, "message": message}
        elif kind == 5:
            message = self._message(self._interaction_channels[token],
                                    {"content": "", "flags": data.get("flags") or 0})
            self.originals[token] = int(message["id"])
            interaction["response_message_loading"] = True
        elif kind == 7:
            message_id = self._interaction_messages[token]
            self._apply_edit(self.messages[message_id], data)
            result["resource"] = {"type": 7, "message": self.messages[message_id]}
        return json_response(result)

    async def _followup(self, parts: list[str], body: Any, files: Any) -> web.Response:
        token = parts[2]
        original = self.originals.get(token)
        if original is not None and self.messages[original]["content"] == "" and \
                not self.messages[original]["embeds"]:
            # The first follow-up after a "thinking" defer replaces that message.
            self._apply_edit(self.messages[original], body)
            return json_response(self.messages[original])
        message = self._message(self._interaction_channels[token], body,
                                flags=int(body.get("flags") or 0), files=files)
        return json_response(message)

    async def _edit_webhook_message(self, parts: list[str], body: Any,
                                    files: Any) -> web.Response:
        message_id = self._webhook_message(parts)
        if message_id is None:
            return error_response(404, 10008, "Unknown Message")
        self._apply_edit(self.messages[message_id], body)
        return json_response(self.messages[message_id])

    async def _get_webhook_message(self, parts: list[str], body: Any,
                                   files: Any) -> web.Response:
        message_id = self._webhook_message(parts)
        if message_id is None:
            return error_response(404, 10008, "Unknown Message")
        return json_response(self.messages[message_id])

    async def _delete_webhook_message(self, parts: list[str], body: Any,
                                      files: Any) -> web.Response:
        message_id = self._webhook_message(parts)
        if message_id is not None:
            self.messages.pop(message_id, None)
        return web.Response(status=204)

    def _webhook_message(self, parts: list[str]) -> int | None:
        if parts[4] == "@original":
            return self.originals.get(parts[2])
        return int(parts[4])

    # ------------------------------------------------------------------ what users do

    def interaction_payload(self, kind: int, user_id: int, channel_id: int, data: dict[str, Any],
                     message: dict[str, Any] | None = None) -> dict[str, Any]:
        interaction_id = self.next_id()
        token = f"token-{interaction_id}"
        self._interaction_channels[token] = channel_id
        self.dispatched_at[token] = asyncio.get_running_loop().time()
        self._interaction_types[token] = kind
        if message is not None:
            self._interaction_messages[token] = int(message["id"])
        user = self.users[user_id]
        direct = channel_id in self.dm_channels.values()
        payload: dict[str, Any] = {
            "id": str(interaction_id), "application_id": str(APP_ID), "type": kind,
            "data": data, "channel_id": str(channel_id), "token": token, "version": 1,
            "app_permissions": ALL_PERMISSIONS, "locale": "en-GB", "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)} if not direct else {},
            "context": 1 if direct else 0, "attachment_size_limit": 8 * 1024 * 1024,
        }
        if direct:
            payload["user"] = user
            payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [user]}
        else:
            payload["guild_id"] = str(GUILD_ID)
            payload["guild_locale"] = "en-GB"
            payload["member"] = member_payload(user)
            payload["channel"] = {"id": str(channel_id), "type": 0, "name": "set",
                                  "guild_id": str(GUILD_ID), "position": 0,
                                  "permission_overwrites": [], "nsfw": False,
                                  "parent_id": None}
        if message is not None:
            payload["message"] = message
        return payload

    def _registered_set(self) -> dict[str, Any]:
        for scope in (f"guild:{GUILD_ID}", "global"):
            for command in self.commands.get(scope, []):
                if command["name"] == "set":
                    return command
        raise AssertionError("the bot registered no /set command")

    def command_payload(self, user_id: int, channel_id: int, path: str,
                        **values: Any) -> dict[str, Any]:
        """``/set <path> name:value…`` built from what the bot registered (strictly)."""
        command = self._registered_set()
        node: dict[str, Any] = command
        chain = []
        for word in path.split():
            found = next((o for o in node.get("options", []) if o["name"] == word
                          and o["type"] in (1, 2)), None)
            assert found is not None, f"/set has no subcommand {path!r}"
            chain.append(found)
            node = found
        resolved: dict[str, Any] = {}
        options = []
        declared = {o["name"]: o for o in node.get("options", [])}
        for name, value in values.items():
            option = declared.get(name)
            assert option is not None, f"/set {path} has no option {name!r}"
            if option["type"] == 6:  # a user
                user = self.users[int(value)]
                resolved.setdefault("users", {})[str(value)] = user
                resolved.setdefault("members", {})[str(value)] = {
                    k: v for k, v in member_payload(user).items() if k != "user"}
                value = str(value)
            if option.get("choices"):
                assert value in [c["value"] for c in option["choices"]], (name, value)
            options.append({"name": name, "type": option["type"], "value": value})
        for option in declared.values():
            if option.get("required"):
                assert option["name"] in values, f"/set {path} needs {option['name']!r}"
        inner: list[dict[str, Any]] = options
        for sub in reversed(chain):
            inner = [{"name": sub["name"], "type": sub["type"], "options": inner}]
        data: dict[str, Any] = {"id": command["id"], "name": "set", "type": 1, "options": inner}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return self.interaction_payload(2, user_id, channel_id, data)

    async def slash(self, user_id: int, channel_id: int, path: str, **values: Any) -> str:
        payload = self.command_payload(user_id, channel_id, path, **values)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload["token"]

    async def click(self, user_id: int, message_id: int, custom_id: str,
                    seen: dict[str, Any] | None = None) -> str:
        """Press a button on a message the bot sent; the button must be on it. ``seen`` is an
        older copy of the message, as a member's client that had not refreshed shows it."""
        message = seen or self.messages[message_id]
        ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
        assert custom_id in ids, f"no button {custom_id!r} on message {message_id}: {ids}"
        payload = self.interaction_payload(3, user_id, int(message["channel_id"]),
                                    {"custom_id": custom_id, "component_type": 2}, message)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload["token"]

    async def submit(self, user_id: int, channel_id: int, custom_id: str,
                     values: dict[str, str], message_id: int | None = None) -> str:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()]
        message = self.messages.get(message_id) if message_id else None
        payload = self.interaction_payload(5, user_id, channel_id,
                                    {"custom_id": custom_id, "components": rows}, message)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload["token"]

    async def say(self, user_id: int, channel_id: int, content: str) -> int:
        user = self.users[user_id]
        message = self._message(channel_id, {"content": content}, author=user)
        message["member"] = {k: v for k, v in member_payload(user).items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", message)
        return int(message["id"])

    # ------------------------------------------------------------------ looking

    def sent(self, method: str | None = None) -> list[Recorded]:
        """Requests that carry a message from the bot (posts, edits, replies, follow-ups)."""
        found = []
        for record in self.requests:
            if method and record.method != method:
                continue
            parts = record.path.strip("/").split("/")
            if parts[0] == "channels" and "messages" in parts and record.method in ("POST",
                                                                                   "PATCH"):
                found.append(record)
            elif parts[0] == "webhooks" and record.method in ("POST", "PATCH"):
                found.append(record)
            elif parts[0] == "interactions" and record.body.get("type") in (4, 7):
                found.append(record)
        return found

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id
                and m["author"]["id"] == str(BOT_ID)]

    def unanswered(self, within: float = 3.0) -> list[str]:
        """Interactions not answered (or deferred) within ``within`` seconds, as Discord counts."""
        return [token for token, sent in self.dispatched_at.items()
                if self.answered_at.get(token, float("inf")) - sent > within]

    def callback_for(self, token: str) -> dict[str, Any] | None:
        return next((c for c in self.callbacks if c["token"] == token), None)

    def replies_to(self, token: str) -> list[dict[str, Any]]:
        """Messages the user saw in answer to the interaction: its response and follow-ups."""
        found = []
        for record in self.requests:
            parts = record.path.strip("/").split("/")
            if parts[0] == "interactions" and parts[2] == token and record.body["type"] == 4:
                found.append(record.body["data"])
            elif parts[0] == "webhooks" and len(parts) >= 3 and parts[2] == token:
                found.append(record.body)
        return found
