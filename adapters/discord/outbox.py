"""Core effects as Discord calls: posts, in-place card edits, ephemeral replies, DMs, modals.

Dispatches by effect type and fails loudly on an unknown one. Platform errors are handled here
with a log line each (DMs closed, missing permissions, a channel gone), so the bot keeps running;
the member hears about a failure privately when there is an interaction to answer.
"""

from __future__ import annotations

import asyncio
import io
import logging
import weakref
from collections.abc import Awaitable
from functools import partial
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord import words
from adapters.discord.inbound import Inbound, Turn, current_turn
from adapters.discord.render import (
    FormModal,
    Outgoing,
    build_view,
    render_card,
    render_slot_card,
    render_text,
)
from bot.core.cards import Card
from bot.core.effects import DirectMessage, Effect, OpenForm, Post, Update, Whisper
from bot.core.refs import ChannelRef, UserRef
from bot.observability import count_platform_error
from bot.outbox import Outbox, carries
from bot.platform import Reply
from storage import repository

if TYPE_CHECKING:
    from bot.engine import Engine

log = logging.getLogger("revans.discord")
DMS_CLOSED_CODE = 50007
MISSING_PERMISSIONS_CODES = (50001, 50013)


DM_INTERVAL = 0.5  # seconds between DMs the bot starts: many DMs at once is flagged as spam


class DiscordOutbox(Outbox):
    platform = "discord"

    def __init__(self, client: discord.Client, engine: Engine, inbound: Inbound, *,
                 dm_interval: float = DM_INTERVAL) -> None:
        self.client = client
        self.engine = engine
        self.inbound = inbound
        self.dm_interval = dm_interval
        self._last_dm = float("-inf")
        # One lock per edited card: edits go out in the order they were decided, so a slow
        # earlier edit can't land after a later one and leave the card stale.
        self._card_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    async def around(self, call: Awaitable[None], effect: Effect, reply: Reply) -> None:
        try:
            await call
        except discord.HTTPException as error:  # not handled on the way: counted, then logged
            _count(error)
            raise

    # ------------------------------------------------------------------ effects

    @carries(Post)
    async def _post(self, effect: Post, reply: Reply) -> None:
        if effect.card.slot:
            message = await self._send_channel(effect.where, [render_slot_card(effect.card)])
            if message is not None:
                await self._remember(effect.where, effect.card.slot, message.id)
            return
        turn = current_turn.get()
        messages = render_card(effect.card)
        if turn is not None and turn.is_command and turn.where.key == effect.where.key:
            # The command's own answer is the first thing it posts to its channel.
            try:
                if await turn.answer_first(messages):
                    return
            except discord.HTTPException as error:
                _count(error)
                log.warning("could not answer a command with its post (%s); posting it", error)
        await self._send_channel(effect.where, messages)

    @carries(Update)
    async def _update(self, effect: Update, reply: Reply) -> None:
        key = f"{effect.where.key}|{effect.card.slot}"
        lock = self._card_locks.get(key)
        if lock is None:
            lock = self._card_locks[key] = asyncio.Lock()
        async with lock:
            await self._update_card(effect)

    async def _update_card(self, effect: Update) -> None:
        """Edit the card in place; post it (and remember it) when it is unknown or gone."""
        message_id = await self._recall(effect.where, effect.card.slot)
        if message_id is None and effect.edit_only:
            return  # erasure edits what was posted; it posts nothing new
        outgoing = render_slot_card(effect.card)
        if message_id is not None:
            turn = current_turn.get()
            if (turn is not None and not turn.answered and turn.interaction.message is not None
                    and turn.interaction.message.id == message_id):
                if await self._edit_by_interaction(turn, outgoing):
                    return
            try:
                channel = self._channel(effect.where)
                await channel.get_partial_message(message_id).edit(
                    **outgoing.kwargs(), view=build_view(outgoing.buttons))
                return
            except discord.NotFound:
                if effect.edit_only:
                    return
                log.info("card %s in %s is gone; posting it again", effect.card.slot,
                         effect.where.key)
            except discord.HTTPException as error:
                _count(error)
                self._log_channel_error(effect.where, error)
                await self._tell_permissions(error)
                return
        message = await self._send_channel(effect.where, [outgoing])
        if message is not None:
            await self._remember(effect.where, effect.card.slot, message.id)

    async def _edit_by_interaction(self, turn: Turn, outgoing: Outgoing) -> bool:
        """A button on the card itself: answer the click by editing the card (one call)."""
        async with turn.lock:
            if turn.interaction.response.is_done():
                return False
            kwargs = outgoing.kwargs()
            try:
                await turn.interaction.response.edit_message(
                    content=kwargs["content"], embeds=kwargs["embeds"],
                    allowed_mentions=kwargs["allowed_mentions"],
                    view=build_view(outgoing.buttons))
            except discord.HTTPException as error:
                _count(error)
                log.warning("could not edit the card through the click (%s); editing it", error)
                return False
            return True

    @carries(Whisper)
    async def _whisper(self, effect: Whisper, reply: Reply) -> None:
        turn = current_turn.get()
        if turn is not None and str(turn.user_id) == effect.user.id:
            await self._guard(turn.reply(render_card(effect.card), ephemeral=True),
                              where=effect.where)
            return
        await self._dm(effect.user, effect.card)

    @carries(DirectMessage)
    async def _direct(self, effect: DirectMessage, reply: Reply) -> None:
        await self._dm(effect.user, effect.card, effect.attachment)

    @carries(OpenForm)
    async def _form(self, effect: OpenForm, reply: Reply) -> None:
        """A modal must be the first answer to the interaction; too late, say how to go on."""
        turn = current_turn.get()
        if turn is not None and str(turn.user_id) == effect.user.id:
            async with turn.lock:
                if not turn.interaction.response.is_done():
                    modal = FormModal(effect.form)
                    try:
                        await turn.interaction.response.send_modal(modal)
                        return
                    except discord.HTTPException as error:
                        _count(error)
                        log.error("could not open the form %s: %s", effect.form.id, error)
                    finally:
                        modal.stop()  # the submission is read in ``Inbound.interaction``
            await self._guard(turn.reply(render_text(words.FORM_TOO_LATE), ephemeral=True),
                              where=effect.where)
            return
        log.warning("a form for %s came without an interaction to open it in", effect.user.id)
        await self._dm(effect.user, Card(body=words.FORM_TOO_LATE))

    # ------------------------------------------------------------------ sending

    def _channel(self, where: ChannelRef) -> discord.PartialMessageable:
        guild_id = None if where.direct else int(where.workspace)
        return self.client.get_partial_messageable(int(where.channel), guild_id=guild_id)

    async def _send_channel(self, where: ChannelRef,
                            messages: list[Outgoing]) -> discord.Message | None:
        """Send each message in turn; the first one sent is returned (for slots)."""
        channel = self._channel(where)
        first = None
        for outgoing in messages:
            try:
                sent = await self._send(channel, outgoing)
            except discord.HTTPException as error:
                _count(error)
                self._log_channel_error(where, error)
                await self._tell_permissions(error)
                return first
            first = first or sent
        return first

    @staticmethod
    async def _send(channel: discord.abc.Messageable, outgoing: Outgoing,
                    file: discord.File | None = None) -> discord.Message:
        kwargs = outgoing.kwargs()
        view = build_view(outgoing.buttons)
        if view is not None:
            kwargs["view"] = view
        if file is not None:
            kwargs["file"] = file
        return await channel.send(**kwargs)

    async def _dm(self, user: UserRef, card: Card, attachment: Any = None) -> None:
        """Open the DM and send; a member whose DMs are closed is remembered and told later."""
        if current_turn.get() is None:
            await self._pace_dms()
        try:
            channel = await self.client.create_dm(discord.Object(id=int(user.id)))
            messages = render_card(card)
            for index, outgoing in enumerate(messages):
                file = None
                if attachment is not None and index == len(messages) - 1:
                    file = discord.File(io.BytesIO(attachment.content.encode("utf-8")),
                                        filename=attachment.filename)
                await self._send(channel, outgoing, file)
        except discord.Forbidden as error:
            _count(error)
            if error.code == DMS_CLOSED_CODE or error.code in MISSING_PERMISSIONS_CODES:
                log.warning("DMs to user %s are closed (Discord %s); check-ins stay stored for "
                            "the next review, and the member is told next time they act",
                            user.id, error.code)
                self.inbound.dms_closed.add(int(user.id))
            else:
                log.error("could not DM user %s: %s", user.id, error)
        except discord.HTTPException as error:
            _count(error)
            log.error("could not DM user %s: %s", user.id, error)

    async def _pace_dms(self) -> None:
        """Spread out the DMs the bot starts (a batch of check-ins) instead of a burst."""
        loop = asyncio.get_running_loop()
        wait = self._last_dm + self.dm_interval - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_dm = loop.time()

    async def _guard(self, call: Awaitable[None], *, where: ChannelRef) -> None:
        """An interaction reply: log a refusal instead of raising it into the engine."""
        try:
            await call
        except discord.HTTPException as error:
            _count(error)
            log.error("could not answer an interaction in %s: %s", where.key, error)

    @staticmethod
    def _log_channel_error(where: ChannelRef, error: discord.HTTPException) -> None:
        if isinstance(error, discord.Forbidden) and error.code in MISSING_PERMISSIONS_CODES:
            log.error("missing permissions in Discord channel %s (guild %s), Discord code %s: "
                      "give the bot View Channel, Send Messages, Embed Links, Attach Files and "
                      "Read Message History there", where.channel, where.workspace, error.code)
        elif isinstance(error, discord.NotFound):
            log.error("Discord channel %s (guild %s) is gone: %s", where.channel,
                      where.workspace, error)
        else:
            log.error("could not post to Discord channel %s: %s", where.channel, error)

    async def _tell_permissions(self, error: discord.HTTPException) -> None:
        """Where a member's action hit the permission wall, tell them privately (once)."""
        turn = current_turn.get()
        if (turn is None or turn.told_permissions or not isinstance(error, discord.Forbidden)
                or error.code not in MISSING_PERMISSIONS_CODES):
            return
        turn.told_permissions = True
        try:
            await turn.reply(render_text(words.MISSING_PERMISSIONS), ephemeral=True)
        except discord.HTTPException as reply_error:
            log.warning("could not tell the member about missing permissions: %s", reply_error)

    # ------------------------------------------------------------------ slots

    async def _recall(self, where: ChannelRef, slot: str) -> int | None:
        found = await self.engine.db.run(
            partial(repository.get_slot, channel_key=where.key, slot=slot))
        return int(found) if found else None

    async def _remember(self, where: ChannelRef, slot: str, message_id: int) -> None:
        await self.engine.db.run(partial(repository.put_slot, channel_key=where.key, slot=slot,
                                         message_id=str(message_id)))


def _count(error: discord.HTTPException) -> None:
    """Count a Discord API error for ``/metrics`` by its JSON code (or HTTP status)."""
    count_platform_error("discord", error.code or error.status)
