"""A member of a set as a real Matrix client: the raw client-server API over aiohttp, the way
Element talks to a homeserver. Members send messages and pills, react, reply in threads, read
their rooms (edits applied, as Element shows them) and their notifications."""

from __future__ import annotations

import asyncio
import itertools
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

JSON = dict[str, Any]
WAIT = 20.0  # seconds a test waits for the bot before it fails
_txn = itertools.count(1)


class MatrixError(RuntimeError):
    def __init__(self, status: int, body: JSON) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.errcode = body.get("errcode")


def q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


@dataclass
class Message:
    """A message as a member sees it: the latest edit's content, and its reactions."""

    event_id: str
    sender: str
    content: JSON
    original: JSON = field(default_factory=dict)

    @property
    def body(self) -> str:
        return str(self.content.get("body", ""))

    @property
    def html(self) -> str:
        return str(self.content.get("formatted_body", ""))


@dataclass
class Member:
    url: str
    user_id: str
    token: str
    session: aiohttp.ClientSession

    async def call(self, method: str, path: str, body: JSON | None = None,
                   query: dict[str, str] | None = None) -> JSON:
        async with self.session.request(
                method, f"{self.url}{path}", json=body, params=query,
                headers={"Authorization": f"Bearer {self.token}"}) as response:
            data = await response.json(content_type=None)
            if response.status >= 300:
                raise MatrixError(response.status, data or {})
            return data or {}

    # ------------------------------------------------------------------ rooms

    async def create_room(self, name: str, invite: list[str] = (), *,  # type: ignore[assignment]
                          encrypted: bool = False, direct: bool = False) -> str:
        body: JSON = {"name": name, "preset": "private_chat", "invite": list(invite)}
        if encrypted:
            body["initial_state"] = [{"type": "m.room.encryption", "state_key": "",
                                      "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]
        if direct:
            body["is_direct"] = True
            body["preset"] = "trusted_private_chat"
        return str((await self.call("POST", "/_matrix/client/v3/createRoom", body))["room_id"])

    async def invite(self, room_id: str, user_id: str) -> None:
        await self.call("POST", f"/_matrix/client/v3/rooms/{q(room_id)}/invite",
                        {"user_id": user_id})

    async def join(self, room_id: str) -> None:
        await self.call("POST", f"/_matrix/client/v3/join/{q(room_id)}", {})

    async def leave(self, room_id: str) -> None:
        await self.call("POST", f"/_matrix/client/v3/rooms/{q(room_id)}/leave", {})

    async def kick(self, room_id: str, user_id: str) -> None:
        await self.call("POST", f"/_matrix/client/v3/rooms/{q(room_id)}/kick",
                        {"user_id": user_id, "reason": "test"})

    async def invited_rooms(self) -> list[str]:
        data = await self.call("GET", "/_matrix/client/v3/sync", query={"timeout": "0"})
        return list((data.get("rooms") or {}).get("invite", {}))

    async def wait_invited(self, timeout: float = WAIT) -> str:
        """The first room someone invited this member to (a DM the bot opened), joined."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rooms = await self.invited_rooms()
            if rooms:
                await self.join(rooms[0])
                return rooms[0]
            await asyncio.sleep(0.1)
        raise TimeoutError(f"{self.user_id} was invited nowhere")

    # ------------------------------------------------------------------ sending

    async def send(self, room_id: str, content: JSON, event_type: str = "m.room.message") -> str:
        path = (f"/_matrix/client/v3/rooms/{q(room_id)}/send/{event_type}/"
                f"member-{time.time_ns()}-{next(_txn)}")
        return str((await self.call("PUT", path, content))["event_id"])

    async def say(self, room_id: str, text: str, *, html: str | None = None,
                  mentions: list[str] | None = None, thread: str | None = None) -> str:
        content: JSON = {"msgtype": "m.text", "body": text}
        if html is not None:
            content.update(format="org.matrix.custom.html", formatted_body=html)
        # As Element does: every message says whom it mentions (nobody, unless named).
        content["m.mentions"] = {"user_ids": mentions} if mentions else {}
        if thread is not None:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread,
                                       "is_falling_back": True,
                                       "m.in_reply_to": {"event_id": thread}}
        return await self.send(room_id, content)

    async def command(self, room_id: str, text: str) -> str:
        return await self.say(room_id, f"!set {text}")

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        return await self.send(room_id, {"m.relates_to": {
            "rel_type": "m.annotation", "event_id": event_id, "key": key}}, "m.reaction")

    async def redact(self, room_id: str, event_id: str) -> None:
        path = (f"/_matrix/client/v3/rooms/{q(room_id)}/redact/{q(event_id)}/"
                f"member-{time.time_ns()}-{next(_txn)}")
        await self.call("PUT", path, {})

    # ------------------------------------------------------------------ reading

    async def events(self, room_id: str, limit: int = 500) -> list[JSON]:
        data = await self.call("GET", f"/_matrix/client/v3/rooms/{q(room_id)}/messages",
                               query={"dir": "b", "limit": str(limit)})
        return list(reversed(data.get("chunk", [])))

    async def messages(self, room_id: str) -> list[Message]:
        """The room's messages in order, each with its latest edit applied."""
        shown: dict[str, Message] = {}
        for event in await self.events(room_id):
            if event.get("type") != "m.room.message":
                continue
            content = event.get("content") or {}
            relates = content.get("m.relates_to") or {}
            if relates.get("rel_type") == "m.replace":
                target = shown.get(str(relates.get("event_id")))
                if target is not None and event.get("sender") == target.sender:
                    target.content = dict(content.get("m.new_content") or {})
                continue
            shown[str(event["event_id"])] = Message(str(event["event_id"]),
                                                    str(event["sender"]), dict(content),
                                                    dict(content))
        return list(shown.values())

    async def reactions(self, room_id: str, event_id: str) -> list[tuple[str, str]]:
        """(sender, key) of the reactions on a message."""
        data = await self.call(
            "GET", f"/_matrix/client/v1/rooms/{q(room_id)}/relations/{q(event_id)}/"
                   "m.annotation/m.reaction", query={"limit": "100"})
        return [(str(e["sender"]), str(e["content"]["m.relates_to"]["key"]))
                for e in data.get("chunk", [])]

    async def wait_for(self, room_id: str, found: Callable[[list[Message]], Any],
                       timeout: float = WAIT) -> Any:
        """Poll the room until ``found(messages)`` is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        messages: list[Message] = []
        while time.monotonic() < deadline:
            messages = await self.messages(room_id)
            value = found(messages)
            if value:
                return value
            await asyncio.sleep(0.1)
        shown = "\n---\n".join(f"{m.sender}: {m.body}" for m in messages[-8:])
        raise TimeoutError(f"not seen in {room_id} within {timeout} s; last messages:\n{shown}")

    async def wait_text(self, room_id: str, text: str, *, sender: str | None = None,
                        after: int = 0, timeout: float = WAIT) -> Message:
        """The first message (from ``after`` on) whose body contains ``text``."""
        return await self.wait_for(room_id, lambda ms: next(
            (m for m in ms[after:] if text in m.body and (sender is None or m.sender == sender)),
            None), timeout)

    async def notifications(self, *, highlight_only: bool = False) -> list[JSON]:
        query = {"limit": "100"}
        if highlight_only:
            query["only"] = "highlight"
        return list((await self.call("GET", "/_matrix/client/v3/notifications",
                                     query=query)).get("notifications", []))
