"""Discord interactions and messages to core events, and the interaction being answered.

Every interaction is one ``Turn``: the reply context handed to ``engine.handle`` with the
event, and from there to the outbox with each effect, so the outbox can answer that
interaction — an ephemeral reply, a modal, the edited card — instead of posting. The
interaction is answered or deferred within Discord's 3 seconds: a watchdog defers it if the
engine is slow, and the turn's end acknowledges whatever nothing else answered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from adapters.discord import words
from adapters.discord.render import (
    ACTION_PATTERN,
    Outgoing,
    build_view,
    modal_values,
    render_text,
)
from bot.core.events import ButtonPressed, CommandIssued, Event, FormSubmitted, TextPosted
from bot.core.refs import ChannelRef, UserRef

if TYPE_CHECKING:
    from bot.platform import Host

log = logging.getLogger("revans.discord")
PLATFORM = "discord"
DM_WORKSPACE = "discord"
DEFER_AFTER = 2.0  # seconds: Discord drops an interaction not answered within 3
DMS_CLOSED_KEY = "dms-closed:{}"  # adapter state: tell this member next time they act


def user_ref(user: discord.abc.Snowflake) -> UserRef:
    """Users are global on Discord: the same ref in every guild and in DMs."""
    return UserRef(platform=PLATFORM, workspace=DM_WORKSPACE, id=str(user.id))


def channel_ref(channel_id: int, guild_id: int | None) -> ChannelRef:
    if guild_id is None:
        return ChannelRef(platform=PLATFORM, workspace="dm", channel=str(channel_id), direct=True)
    return ChannelRef(platform=PLATFORM, workspace=str(guild_id), channel=str(channel_id))


def interaction_where(interaction: discord.Interaction) -> ChannelRef:
    return channel_ref(interaction.channel_id or 0, interaction.guild_id)


@dataclass(eq=False)
class Turn:
    """The interaction being handled, and whether it has been answered yet."""

    interaction: discord.Interaction
    where: ChannelRef
    user_id: int
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    thinking: bool = False       # deferred with "thinking…", waiting for a follow-up
    followed_up: bool = False
    told_permissions: bool = False
    deferring: bool = False      # the watchdog is acknowledging it right now

    @property
    def is_command(self) -> bool:
        return self.interaction.type is discord.InteractionType.application_command

    @property
    def answered(self) -> bool:
        return self.interaction.response.is_done()

    async def reply(self, messages: list[Outgoing], *, ephemeral: bool) -> None:
        """Send ``messages`` as the interaction's answer, or as follow-ups once answered."""
        async with self.lock:
            for message in messages:
                kwargs = message.kwargs()
                view = build_view(message.buttons)
                if view is not None:
                    kwargs["view"] = view
                if not self.interaction.response.is_done():
                    await self.interaction.response.send_message(ephemeral=ephemeral, **kwargs)
                else:
                    await self.interaction.followup.send(ephemeral=ephemeral, **kwargs)
                    self.followed_up = True

    async def answer_first(self, messages: list[Outgoing]) -> bool:
        """Make ``messages`` the interaction's (public) answer if nothing has answered it yet;
        ``False`` when too late (the caller posts to the channel instead)."""
        async with self.lock:
            if self.interaction.response.is_done():
                return False
            head, *rest = messages
            kwargs = head.kwargs()
            view = build_view(head.buttons)
            if view is not None:
                kwargs["view"] = view
            await self.interaction.response.send_message(**kwargs)
        if rest:
            await self.reply(rest, ephemeral=False)
        return True

    async def defer(self) -> bool:
        """Acknowledge now if nothing has answered yet; ``True`` if this call did."""
        async with self.lock:
            if self.interaction.response.is_done():
                return False
            if self.is_command:
                await self.interaction.response.defer(ephemeral=True, thinking=True)
                self.thinking = True
            else:
                await self.interaction.response.defer()
            return True


def _on_message(interaction: discord.Interaction, custom_id: str) -> bool:
    """Whether the clicked button is on the interaction's message (then ``ActionButton``, the
    dynamic item, takes the click)."""
    message = interaction.message
    if message is None:
        return False
    for row in message.components:
        for child in getattr(row, "children", ()):
            if getattr(child, "custom_id", None) == custom_id:
                return True
    return False


class Inbound:
    """Turns what Discord delivers into core events and runs them through the engine."""

    def __init__(self, host: Host, *, defer_after: float = DEFER_AFTER) -> None:
        self.host = host
        self.defer_after = defer_after
        self.handled = 0
        self.busy = 0

    # ------------------------------------------------------------------ entry points

    async def command(self, interaction: discord.Interaction, text: str) -> None:
        """A ``/set`` subcommand, already joined into the core's grammar text."""
        event = CommandIssued(where=interaction_where(interaction),
                              user=user_ref(interaction.user), text=text,
                              user_name=interaction.user.display_name,
                              event_id=str(interaction.id))
        await self.run_turn(interaction, event)

    async def button(self, interaction: discord.Interaction, action: str) -> None:
        event = ButtonPressed(where=interaction_where(interaction),
                              user=user_ref(interaction.user), action=action,
                              user_name=interaction.user.display_name,
                              event_id=str(interaction.id))
        await self.run_turn(interaction, event)

    async def interaction(self, interaction: discord.Interaction) -> None:
        """Every interaction passes here; modal submissions are ours to read, and so is a click
        that discord.py's dynamic items would drop (no message, or the button not on it).

        Modals are read from the raw payload rather than a ``discord.ui.Modal`` callback so
        that a form opened before a restart still arrives.
        """
        if interaction.type is discord.InteractionType.component:
            custom_id = str((interaction.data or {}).get("custom_id", ""))
            if ACTION_PATTERN.fullmatch(custom_id) and not _on_message(interaction, custom_id):
                await self.button(interaction, custom_id)
            return
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data = interaction.data or {}
        form_id = str(data.get("custom_id", ""))
        values = modal_values(list(data.get("components", [])))  # type: ignore[arg-type]
        event = FormSubmitted(where=interaction_where(interaction),
                              user=user_ref(interaction.user), form_id=form_id, values=values,
                              user_name=interaction.user.display_name,
                              event_id=str(interaction.id))
        await self.run_turn(interaction, event)

    async def message(self, message: discord.Message, own_id: int | None) -> None:
        """What a member writes in a channel (recorded by the core during a meeting)."""
        with self._counting():
            if message.author.bot or message.author.id == own_id or message.webhook_id:
                return
            if message.type not in (discord.MessageType.default, discord.MessageType.reply):
                return
            if not message.content.strip():
                return
            guild_id = message.guild.id if message.guild is not None else None
            event = TextPosted(where=channel_ref(message.channel.id, guild_id),
                               user=user_ref(message.author), text=message.content,
                               user_name=message.author.display_name,
                               event_id=str(message.id))
            await self._handle(event)

    # ------------------------------------------------------------------ the turn

    async def run_turn(self, interaction: discord.Interaction, event: Event) -> None:
        with self._counting():
            turn = Turn(interaction=interaction, where=interaction_where(interaction),
                        user_id=interaction.user.id)
            watchdog = asyncio.create_task(self._defer_when_slow(turn))
            failed = False
            try:
                failed = not await self._handle(event, turn)
            finally:
                if turn.deferring:
                    await asyncio.gather(watchdog, return_exceptions=True)
                else:
                    watchdog.cancel()
                await self._finish(turn, failed)

    @contextmanager
    def _counting(self) -> Iterator[None]:
        """Count events in flight and done, so tests can wait for the bot to settle."""
        self.busy += 1
        try:
            yield
        finally:
            self.busy -= 1
            self.handled += 1

    async def _handle(self, event: Event, turn: Turn | None = None) -> bool:
        try:
            await self.host.engine.handle(event, turn)
            return True
        except Exception:  # noqa: BLE001 - one bad event must not stop the bot
            log.exception("could not handle %s", type(event).__name__)
            return False

    async def _defer_when_slow(self, turn: Turn) -> None:
        await asyncio.sleep(self.defer_after)
        turn.deferring = True  # from here on the turn waits for this call rather than cancel it
        try:
            if await turn.defer():
                log.info("deferred interaction %s: the engine is slow", turn.interaction.id)
        except discord.HTTPException as error:
            log.warning("could not defer interaction %s: %s", turn.interaction.id, error)

    async def _finish(self, turn: Turn, failed: bool) -> None:
        """Say what the member must know, then make sure the interaction was acknowledged."""
        try:
            if failed:
                await turn.reply(render_text(words.FAILED), ephemeral=True)
            if await self._dms_were_closed(turn.user_id):
                await turn.reply(render_text(words.DMS_CLOSED), ephemeral=True)
            if not turn.answered:
                if turn.is_command:
                    await turn.reply(render_text(words.DONE), ephemeral=True)
                else:
                    await turn.defer()
            elif turn.thinking and not turn.followed_up:
                await turn.interaction.edit_original_response(content=words.DONE)
        except discord.HTTPException as error:
            log.warning("could not finish interaction %s: %s", turn.interaction.id, error)

    async def _dms_were_closed(self, user_id: int) -> bool:
        """Whether a DM to this member was refused since they last acted (then forgotten)."""
        try:
            return await self.host.take_adapter_state(
                PLATFORM, DMS_CLOSED_KEY.format(user_id)) is not None
        except Exception:  # noqa: BLE001 - the database is away: tell them another time
            log.warning("could not read the closed-DMs note for %s", user_id, exc_info=True)
            return False

    async def settled(self, count: int, timeout: float = 5.0) -> None:
        """Wait until ``count`` events have been handled and none is running (tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.handled < count or self.busy:
            if loop.time() > deadline:
                raise TimeoutError(f"handled {self.handled} of {count} events")
            await asyncio.sleep(0.01)
