"""A local fake of the Slack Web API (and of Socket Mode's websocket), on 127.0.0.1.

After bolt-python's ``tests/mock_web_api_server``: an aiohttp server that records every call
(method, arguments, token) and answers the methods Revans uses with plausible bodies. Switches
make it misbehave: ``fail`` (an error code), ``rate_limit`` (HTTP 429 with ``Retry-After``),
``delay`` (a slow method). It also keeps each channel's messages with ``chat.update`` applied, so
a test can read what a member would see, and refuses blocks and views beyond Block Kit's limits
with ``invalid_blocks`` as Slack does (listed in ``refused``).

Socket Mode: ``apps.connections.open`` returns ``ws://127.0.0.1:P/link``; the fake sends
``{"type": "hello"}`` on connect, ``send_envelope`` pushes an envelope, and acks land in
``socket_acks``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

JSON_FIELDS = ("blocks", "view", "attachments", "files", "options")
BLOCK_LIMITS = {"message": 50, "modal": 100, "home": 100}


def block_problems(blocks: list[dict[str, Any]], surface: str = "message") -> list[str]:
    """What real Slack would refuse with ``invalid_blocks`` (the documented Block Kit limits
    that matter to Revans); empty when the blocks are acceptable."""
    problems = []
    if len(blocks) > BLOCK_LIMITS[surface]:
        problems.append(f"{len(blocks)} blocks in a {surface}")
    for index, block in enumerate(blocks):
        kind = block.get("type")
        text = block.get("text") or {}
        if kind == "header":
            if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= 150:
                problems.append(f"block {index}: header text")
        elif kind == "section":
            fields = block.get("fields") or []
            if not text and not fields:
                problems.append(f"block {index}: section without text or fields")
            if text and not 0 < len(text.get("text", "")) <= 3000:
                problems.append(f"block {index}: section text length {len(text.get('text', ''))}")
            if len(fields) > 10 or any(not 0 < len(f.get("text", "")) <= 2000 for f in fields):
                problems.append(f"block {index}: section fields")
        elif kind == "actions":
            elements = block.get("elements") or []
            ids = [e.get("action_id") for e in elements]
            if not 0 < len(elements) <= 25 or len(set(ids)) != len(ids):
                problems.append(f"block {index}: actions elements")
            for element in elements:
                label = (element.get("text") or {}).get("text", "")
                if not 0 < len(label) <= 75 or len(element.get("action_id", "")) > 255:
                    problems.append(f"block {index}: button {element.get('action_id')}")
        elif kind == "input":
            label = (block.get("label") or {}).get("text", "")
            if surface != "modal" or not 0 < len(label) <= 2000 or "element" not in block:
                problems.append(f"block {index}: input")
        elif kind not in ("divider", "context", "image"):
            problems.append(f"block {index}: unknown type {kind}")
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    surface = view.get("type", "")
    if surface not in ("modal", "home"):
        return [f"view type {surface}"]
    problems = block_problems(list(view.get("blocks") or []), surface)
    if surface == "modal":
        for name in ("title", "submit", "close"):
            text = (view.get(name) or {}).get("text")
            if (name == "title" or text is not None) and not 0 < len(text or "") <= 24:
                problems.append(f"modal {name}")
        if len(view.get("private_metadata", "")) > 3000:
            problems.append("private_metadata over 3000")
    return problems


@dataclass
class Call:
    """One request the bot made: ``method`` is the Web API method (or ``response_url`` /
    ``upload`` for the URLs the fake hands out)."""

    method: str
    args: dict[str, Any]
    token: str = ""
    at: float = field(default_factory=time.monotonic)

    def dump(self) -> str:
        return json.dumps(self.args, ensure_ascii=False)


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    edits: int = 0


class FakeSlackAPI:
    def __init__(self, *, team_id: str = "T1", bot_user_id: str = "UBOT",
                 bot_name: str = "revans") -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.calls: list[Call] = []
        self.refused: list[tuple[str, list[str]]] = []  # what real Slack would have rejected
        self.messages: dict[tuple[str, str], Message] = {}
        self.socket_acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._errors: dict[str, list[str]] = {}
        self._rate_limits: dict[str, list[int]] = {}
        self._delays: dict[str, float] = {}
        self._ts = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> FakeSlackAPI:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/link", self._socket)
        app.router.add_get("/stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        return self

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    # ------------------------------------------------------------ switches

    def fail(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        self._errors.setdefault(method, []).extend([error] * times)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with HTTP 429 and ``Retry-After``."""
        self._rate_limits.setdefault(method, []).extend([retry_after] * times)

    def delay(self, method: str, seconds: float) -> None:
        self._delays[method] = seconds

    # ------------------------------------------------------------ reading

    def calls_to(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods]

    def posted(self) -> list[Call]:
        """Everything the bot said: posts, edits, ephemerals, modals, home tabs, replies."""
        return self.calls_to("chat.postMessage", "chat.update", "chat.postEphemeral",
                             "views.open", "views.publish", "response_url")

    def channel_messages(self, channel: str) -> list[Message]:
        return [m for (c, _), m in sorted(self.messages.items(), key=lambda kv: float(kv[0][1]))
                if c == channel]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Poll until ``predicate()`` is truthy (a background post has arrived)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("the fake Slack API did not see what was expected")
            await asyncio.sleep(0.01)

    # ------------------------------------------------------------ socket mode

    async def wait_connected(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        await self._sockets[-1].send_str(json.dumps(envelope))

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"type": "hello", "num_connections": 1,
                                          "debug_info": {"host": "fake"},
                                          "connection_info": {"app_id": "A1"}}))
        self._connected.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                await self.socket_acks.put(json.loads(message.data))
        self._sockets.remove(socket)
        return socket

    # ------------------------------------------------------------ HTTP

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True)))
        for name in JSON_FIELDS:
            if isinstance(args.get(name), str):
                try:
                    args[name] = json.loads(args[name])
                except json.JSONDecodeError:
                    pass
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        self.calls.append(Call(method=method, args=args, token=token))
        if self._delays.get(method):
            await asyncio.sleep(self._delays[method])
        limits = self._rate_limits.get(method)
        if limits:
            retry_after = limits.pop(0)
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(retry_after)})
        errors = self._errors.get(method)
        if errors:
            return web.json_response({"ok": False, "error": errors.pop(0)})
        problems = self._problems(method, args)
        if problems:
            self.refused.append((method, problems))
            return web.json_response({"ok": False, "error": "invalid_blocks",
                                      "errors": problems})
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(answer(args))

    @staticmethod
    def _problems(method: str, args: dict[str, Any]) -> list[str]:
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            problems = block_problems(list(args.get("blocks") or []))
            if len(str(args.get("text", ""))) > 40000:
                problems.append("text over 40,000")
            return problems
        if method in ("views.open", "views.publish"):
            return view_problems(dict(args.get("view") or {}))
        return []

    async def _stats(self, request: web.Request) -> web.Response:
        """How many calls so far (a benchmark in another process watches work drain)."""
        return web.json_response({"calls": len(self.calls)})

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await self._arguments(request)
        self.calls.append(Call(method="response_url", args=args))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        self.calls.append(Call(method="upload", args={
            "file_id": request.match_info["file_id"], "content": data.decode("utf-8", "replace")}))
        return web.Response(text="OK - 0")

    # ------------------------------------------------------------ answers

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake team",
                "user": self.bot_name, "team_id": self.team_id, "user_id": self.bot_user_id,
                "bot_id": "BBOT", "is_enterprise_install": False}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        channel = str(args.get("channel"))
        self.messages[(channel, ts)] = Message(channel=channel, ts=ts,
                                               text=str(args.get("text", "")),
                                               blocks=list(args.get("blocks") or []))
        return {"ok": True, "channel": channel, "ts": ts,
                "message": {"text": args.get("text", ""), "ts": ts, "bot_id": "BBOT"}}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        message = self.messages.get(key)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.text = str(args.get("text", ""))
        message.blocks = list(args.get("blocks") or [])
        message.edits += 1
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message.text}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        return {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V" + str(next(self._ts))}}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "VH" + str(next(self._ts))}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user", ""))
        return {"ok": True, "user": {"id": user, "name": user.lower(), "real_name": user,
                                     "tz": "Europe/London", "profile": {"display_name": user}}}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts)}"
        return {"ok": True, "file_id": file_id,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files") or []
        return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")}
                                      for f in files]}
