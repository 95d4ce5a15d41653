"""Core effects as client-server API calls: posts, live cards edited in place (``m.replace``),
reactions seeded under a card as its buttons, DMs in a direct room, forms asked in a thread.

Matrix has no ephemeral messages, so a ``Whisper`` (the private answer to a member's own command
or press) goes to the member's direct room with the bot; a card whispered about a set room
remembers that room, so its buttons act there. Errors the homeserver gives after the retries
(``RetryingAPI``) are logged and counted here; the bot keeps running.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from mautrix.errors import MatrixConnectionError, MatrixRequestError

from adapters.matrix import render
from adapters.matrix.api import PLATFORM, MatrixApi
from adapters.matrix.directory import DirectRooms
from adapters.matrix.inbound import Reply
from bot.core.cards import Card
from bot.core.effects import Attachment, DirectMessage, Effect, OpenForm, Post, Update, Whisper
from bot.core.refs import ChannelRef
from bot.outbox import Outbox, carries

if TYPE_CHECKING:
    from bot.platform import Host

log = logging.getLogger("revans.matrix")
DUPLICATE_ANNOTATION = "M_DUPLICATE_ANNOTATION"


class MatrixOutbox(Outbox):
    platform = PLATFORM

    def __init__(self, host: Host, api: MatrixApi, directory: DirectRooms) -> None:
        self.host = host
        self.api = api
        self.directory = directory

    async def around(self, call: Any, effect: Effect, reply: Any) -> None:
        try:
            await call
        except (MatrixRequestError, MatrixConnectionError) as error:
            log.error("could not carry out %s on Matrix: %s", type(effect).__name__, error)
            if _passing(error):
                raise  # the homeserver is down or busy: ping delivery queues a check-in again

    # ------------------------------------------------------------------ effects

    @carries(Post)
    async def post(self, effect: Post, reply: Reply | None) -> None:
        if not effect.card.slot:
            await self._send_card(effect.where.channel, effect.card)
            return
        slots = self.host.slots
        async with slots.lock(effect.where, effect.card.slot):
            event_id = await self._send_card(effect.where.channel, effect.card)
            await slots.put(effect.where, effect.card.slot, event_id)

    @carries(Update)
    async def update(self, effect: Update, reply: Reply | None) -> None:
        """Edit the live card (one card per meeting in the room); post it when unknown."""
        slots = self.host.slots
        async with slots.lock(effect.where, effect.card.slot):
            event_id = await slots.get(effect.where, effect.card.slot)
            room_id = effect.where.channel
            if effect.edit_only:  # erasure: an edit would leave the words in the history
                if event_id is not None:
                    await self._redact_with_edits(room_id, event_id)
                return
            if event_id is None:
                event_id = await self._send_card(room_id, effect.card)
                await slots.put(effect.where, effect.card.slot, event_id)
                return
            await self.api.send(room_id, render.fitted_edit(
                event_id, render.card_content(effect.card)))
            await self._reseed(room_id, event_id, effect.card)

    async def _redact_with_edits(self, room_id: str, event_id: str) -> None:
        """Take a message back on Matrix: an edit keeps the original (and every earlier edit)
        in the room's history, so the message and its edits are redacted instead."""
        for edit in await self.api.relations(room_id, event_id, "m.replace"):
            if edit.get("event_id"):
                await self.api.redact(room_id, str(edit["event_id"]))
        await self.api.redact(room_id, event_id)

    @carries(Whisper)
    async def whisper(self, effect: Whisper, reply: Reply | None) -> None:
        if effect.where.direct:
            await self._send_card(effect.where.channel, effect.card)
            return
        room_id = await self.directory.room_for(effect.user.id)
        await self._send_card(room_id, effect.card, about=effect.where)

    @carries(DirectMessage)
    async def direct(self, effect: DirectMessage, reply: Reply | None) -> None:
        room_id = await self.directory.room_for(effect.user.id)
        await self._send_card(room_id, effect.card)
        if effect.attachment is not None:
            await self._send_file(room_id, effect.attachment)

    @carries(OpenForm)
    async def form(self, effect: OpenForm, reply: Reply | None) -> None:
        """Ask in a thread on what the member acted on (the card they reacted to, their
        command); their next reply there is the answer (see ``Inbound._open_form``)."""
        root = reply.thread_root if reply is not None else None
        room_id = effect.where.channel
        if reply is not None and reply.room_id != room_id:
            root = None
        content = render.form_content(effect.form, effect.user.id, effect.where, root)
        await self.api.send(room_id, content)

    # ------------------------------------------------------------------ sending

    async def _send_card(self, room_id: str, card: Card,
                         about: ChannelRef | None = None) -> str:
        for content in render.fitted(render.card_content(card, where=about)):
            event_id = await self.api.send(room_id, content)  # the last one carries the keys
        for key in render.seeded_keys(card):
            await self._react(room_id, event_id, key)
        return event_id

    async def _react(self, room_id: str, event_id: str, key: str) -> None:
        try:
            await self.api.react(room_id, event_id, key)
        except MatrixRequestError as error:
            if error.errcode != DUPLICATE_ANNOTATION:
                raise

    async def _reseed(self, room_id: str, event_id: str, card: Card) -> None:
        """After an edit: the bot's reactions are the card's keys now, no more, no fewer."""
        wanted = {render.normalise_key(k): k for k in render.seeded_keys(card)}
        mine: dict[str, str] = {}
        for item in await self.api.relations(room_id, event_id, "m.annotation", "m.reaction",
                                             limit=100):
            if item.get("sender") == self.api.user_id:
                key = ((item.get("content") or {}).get("m.relates_to") or {}).get("key", "")
                mine[render.normalise_key(str(key))] = str(item["event_id"])
        for key, reaction_id in mine.items():
            if key not in wanted:
                await self.api.redact(room_id, reaction_id)
        for key, shown in wanted.items():
            if key not in mine:
                await self._react(room_id, event_id, shown)

    async def _send_file(self, room_id: str, attachment: Attachment) -> None:
        data = attachment.content.encode("utf-8")
        mimetype = ("text/calendar" if attachment.filename.endswith(".ics")
                    else "text/markdown" if attachment.filename.endswith(".md")
                    else "text/plain")
        uri = await self.api.upload(data, attachment.filename, mimetype)
        await self.api.send(room_id, {
            "msgtype": "m.file", "body": attachment.filename, "filename": attachment.filename,
            "url": uri, "info": {"mimetype": mimetype, "size": len(data)}, "m.mentions": {}})


def _passing(error: Exception) -> bool:
    """An error that may clear up by itself (no connection, rate limited, the server failing),
    as against one that will not (forbidden, no such room): only the first is worth retrying."""
    if isinstance(error, MatrixConnectionError):
        return True
    status = getattr(error, "http_status", 0)
    return status == 429 or status >= 500
