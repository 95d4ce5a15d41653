"""Core effects as Discord calls: posts, in-place card edits, ephemeral replies, DMs, modals.

Dispatches by effect type and fails loudly on an unknown one. Platform errors are handled here
with a log line each (DMs closed, missing permissions, a channel gone), so the bot keeps running;
the member hears about a failure privately when there is an interaction to answer.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord import words
from adapters.discord.inbound import DMS_CLOSED_KEY, PLATFORM, Turn
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

if TYPE_CHECKING:
    from bot.platform import Host

log = logging.getLogger("revans.discord")
DMS_CLOSED_CODE = 50007
MISSING_PERMISSIONS_CODES = (50001, 50013)


DM_INTERVAL = 0.5  # seconds between DMs the bot starts: many DMs at once is flagged as spam


class DiscordOutbox(Outbox):
    platform = "discord"

    """``reply`` is the ``Turn`` (the interaction being answered) its inbound built, or
    ``None`` (pings): then every answer goes to the channel or a DM."""

    def __init__(self, client: discord.Client, host: Host, *,
                 dm_interval: float = DM_INTERVAL) -> None:
        self.client = client
        self.host = host
        self.dm_interval = dm_interval
        self._last_dm = float("-inf")

    async def around(self, call: Awaitable[None], effect: Effect, reply: Reply) -> None:
        try:
            await call
        except discord.HTTPException as error:  # not handled on the way: counted, then logged
            _count(error)
            raise

    # ------------------------------------------------------------------ effects

    @carries(Post)
    async def _post(self, effect: Post, reply: Reply) -> None:
        turn = reply if isinstance(reply, Turn) else None
        if effect.card.slot:
            async with self.host.slots.lock(effect.where, effect.card.slot):
                message = await self._send_channel(effect.where,
                                                   [render_slot_card(effect.card)], turn)
                if message is not None:
                    await self.host.slots.put(effect.where, effect.card.slot, str(message.id))
            return
        messages = render_card(effect.card)
        if turn is not None and turn.is_command and turn.where.key == effect.where.key:
            # The command's own answer is the first thing it posts to its channel.
            try:
                if await turn.answer_first(messages):
                    return
            except discord.HTTPException as error:
                _count(error)
                log.warning("could not answer a command with its post (%s); posting it", error)
        await self._send_channel(effect.where, messages, turn)

    @carries(Update)
    async def _update(self, effect: Update, reply: Reply) -> None:
        """One card edit at a time per slot: edits go out in the order they were decided, so
        a slow earlier edit can't land after a later one and leave the card stale."""
        async with self.host.slots.lock(effect.where, effect.card.slot):
            await self._update_card(effect, reply if isinstance(reply, Turn) else None)

    async def _update_card(self, effect: Update, turn: Turn | None) -> None:
        """Edit the card in place; post it (and remember it) when it is unknown or gone."""
        found = await self.host.slots.get(effect.where, effect.card.slot)
        message_id = int(found) if found else None
        if message_id is None and effect.edit_only:
            return  # erasure edits what was posted; it posts nothing new
        outgoing = render_slot_card(effect.card)
        if message_id is not None:
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
                await self._tell_permissions(error, turn)
                return
        message = await self._send_channel(effect.where, [outgoing], turn)
        if message is not None:
            await self.host.slots.put(effect.where, effect.card.slot, str(message.id))

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
        turn = reply if isinstance(reply, Turn) else None
        if turn is not None and str(turn.user_id) == effect.user.id:
            await self._guard(turn.reply(render_card(effect.card), ephemeral=True),
                              where=effect.where)
            return
        await self._dm(effect.user, effect.card, turn=turn)

    @carries(DirectMessage)
    async def _direct(self, effect: DirectMessage, reply: Reply) -> None:
        await self._dm(effect.user, effect.card, effect.attachment,
                       turn=reply if isinstance(reply, Turn) else None)

    @carries(OpenForm)
    async def _form(self, effect: OpenForm, reply: Reply) -> None:
        """A modal must be the first answer to the interaction; too late, say how to go on."""
        turn = reply if isinstance(reply, Turn) else None
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
        await self._dm(effect.user, Card(body=words.FORM_TOO_LATE), turn=None)

    # ------------------------------------------------------------------ sending

    def _channel(self, where: ChannelRef) -> discord.PartialMessageable:
        guild_id = None if where.direct else int(where.workspace)
        return self.client.get_partial_messageable(int(where.channel), guild_id=guild_id)

    async def _send_channel(self, where: ChannelRef, messages: list[Outgoing],
                            turn: Turn | None) -> discord.Message | None:
        """Send each message in turn; the first one sent is returned (for slots)."""
        channel = self._channel(where)
        first = None
        for outgoing in messages:
            try:
                sent = await self._send(channel, outgoing)
            except discord.HTTPException as error:
                _count(error)
                self._log_channel_error(where, error)
                await self._tell_permissions(error, turn)
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

    async def _dm(self, user: UserRef, card: Card, attachment: Any = None, *,
                  turn: Turn | None) -> None:
        """Open the DM and send; a member whose DMs are closed is remembered (in the host's
        store, so any process tells them) and told the next time they act."""
        if turn is None:
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
                await self.host.set_adapter_state(PLATFORM, DMS_CLOSED_KEY.format(user.id), "1")
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

    async def _tell_permissions(self, error: discord.HTTPException,
                                turn: Turn | None) -> None:
        """Where a member's action hit the permission wall, tell them privately (once)."""
        if (turn is None or turn.told_permissions or not isinstance(error, discord.Forbidden)
                or error.code not in MISSING_PERMISSIONS_CODES):
            return
        turn.told_permissions = True
        try:
            await turn.reply(render_text(words.MISSING_PERMISSIONS), ephemeral=True)
        except discord.HTTPException as reply_error:
            log.warning("could not tell the member about missing permissions: %s", reply_error)


def _count(error: discord.HTTPException) -> None:
    """Count a Discord API error for ``/metrics`` by its JSON code (or HTTP status)."""
    count_platform_error("discord", error.code or error.status)
