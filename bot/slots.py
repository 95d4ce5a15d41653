"""Message slots: which platform message shows a card that is kept up to date in place.

A slot (``stage``, ``status``…) is one message per channel: the first ``Post`` or ``Update``
posts it and remembers its id, later ``Update``s edit it. ``lock(where, slot)`` is the one
lock scheme for every platform: hold it around read → edit or post → remember, so that two
concurrent updates neither post the card twice nor land out of order.
"""

from __future__ import annotations

import asyncio
import weakref
from functools import partial

from bot.core.refs import ChannelRef
from storage import idempotency as stored
from storage.database import Database


class MessageSlots:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Weak: a lock lives while someone holds or waits on it, then goes.
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary())

    def lock(self, where: ChannelRef, slot: str) -> asyncio.Lock:
        """The lock of one slot in one channel (this process; one event loop)."""
        key = (where.key, slot)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def get(self, where: ChannelRef, slot: str) -> str | None:
        """The platform's id of the message showing ``slot``, if one was posted."""
        return await self._db.run(partial(stored.get_slot, channel_key=where.key, slot=slot))

    async def put(self, where: ChannelRef, slot: str, message_id: str) -> None:
        """Remember the message now showing ``slot`` (an empty id is ignored)."""
        if not message_id:
            return
        await self._db.run(partial(stored.put_slot, channel_key=where.key, slot=slot,
                                   message_id=message_id))
