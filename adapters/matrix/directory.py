"""Which rooms are the bot's direct chats, kept where Matrix keeps them: the bot's ``m.direct``
account data on the homeserver ({user id: [room ids]}).

The homeserver is the one record, so every process (the one syncing and those only sending)
sees the same direct rooms, and a restart forgets nothing. The syncing process also hears of
changes through ``/sync``; the others read it again when they need a room.
"""

from __future__ import annotations

import asyncio
import logging

from mautrix.errors import MatrixRequestError

from adapters.matrix import render, words
from adapters.matrix.api import MatrixApi

log = logging.getLogger("revans.matrix")
DIRECT = "m.direct"
USABLE = ("join", "invite")


class DirectRooms:
    def __init__(self, api: MatrixApi) -> None:
        self.api = api
        self._direct: dict[str, list[str]] | None = None
        self._locks: dict[str, asyncio.Lock] = {}

    def update(self, content: dict[str, object]) -> None:
        """The ``m.direct`` content as ``/sync`` delivered it."""
        self._direct = {str(user): [str(r) for r in rooms] for user, rooms in content.items()
                        if isinstance(rooms, list)}

    async def _load(self, *, fresh: bool = False) -> dict[str, list[str]]:
        if self._direct is None or fresh:
            self.update(await self.api.account_data(DIRECT))
        assert self._direct is not None
        return self._direct

    async def is_direct(self, room_id: str) -> bool:
        direct = await self._load()
        return any(room_id in rooms for rooms in direct.values())

    async def add(self, user_id: str, room_id: str) -> None:
        """Record a direct room with ``user_id`` (read, change, write the account data)."""
        direct = await self._load(fresh=True)
        rooms = direct.setdefault(user_id, [])
        if room_id not in rooms:
            rooms.append(room_id)
            await self.api.set_account_data(DIRECT, direct)

    async def room_for(self, user_id: str) -> str:
        """The direct room with ``user_id``: the newest one both are still in, else a new
        one (the member left the old one), which says first that it is not encrypted."""
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            direct = await self._load(fresh=True)
            for room_id in reversed(direct.get(user_id, [])):
                try:
                    theirs = await self.api.membership(room_id, user_id)
                    mine = await self.api.membership(room_id, self.api.user_id)
                except MatrixRequestError as error:
                    log.info("direct room %s unreadable (%s): skipped", room_id, error)
                    continue
                if theirs in USABLE and mine == "join":
                    return room_id
            room_id = await self.api.create_direct_room(user_id)
            log.info("opened direct room %s with %s", room_id, user_id)
            await self.add(user_id, room_id)
            await self.api.send(room_id, render.text_content(words.t("dm_unencrypted"),
                                                             notice=True))
            return room_id
