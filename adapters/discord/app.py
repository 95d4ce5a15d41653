"""The Discord client: started inside ``revans run``'s event loop next to Slack and the scheduler.

``start_discord`` logs in, registers the ``/set`` group (to the guilds in ``DISCORD_GUILD_IDS``
at once, else globally; skipped when Discord already has the same commands), registers the
persistent buttons once, and connects to the gateway in a background task.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from discord import app_commands

from adapters.discord import words
from adapters.discord.commands import CatalogueTranslator, build_group, normalise, payloads
from adapters.discord.inbound import DEFER_AFTER, PLATFORM, Inbound
from adapters.discord.outbox import DiscordOutbox
from adapters.discord.render import ActionButton
from adapters.discord.settings import DiscordSettings
from bot.platform import Host, PlatformStartError
from config.settings import is_loopback_url

log = logging.getLogger("revans.discord")
_REAL_API_BASE = discord.http.Route.BASE
_REAL_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def intents(*, message_content: bool = True) -> discord.Intents:
    """Guilds, guild and DM messages; message content (privileged) to record meeting talk."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.dm_messages = True
    chosen.message_content = message_content
    return chosen


class RevansClient(discord.Client):
    """A plain client (no prefix commands) whose events all go to the adapter."""

    def __init__(self, adapter: DiscordAdapter, *, guild_ready_timeout: float,
                 message_content: bool = True) -> None:
        # The bot never joins voice: silence discord.py's warnings about voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents(message_content=message_content),
                         allowed_mentions=discord.AllowedMentions.none(),
                         guild_ready_timeout=guild_ready_timeout)
        self.adapter = adapter
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = adapter.on_command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ActionButton)
        await self.adapter.register_commands()

    async def on_ready(self) -> None:
        log.info("Discord: connected as %s (%s guilds)", self.user, len(self.guilds))
        self.adapter.ready.set()

    async def on_action_button(self, interaction: discord.Interaction, action: str) -> None:
        await self.adapter.inbound.button(interaction, action)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.adapter.inbound.interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.inbound.message(message, self.user.id if self.user else None)


@dataclass
class DiscordAdapter:
    """The running Discord side: client, inbound, outbox; ``stop()`` ends it."""

    settings: DiscordSettings
    runtime: Host
    guild_ready_timeout: float = 2.0
    defer_after: float = DEFER_AFTER
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    registered: dict[str, str] = field(default_factory=dict)  # scope -> "synced" / "unchanged"

    def __post_init__(self) -> None:
        self.inbound = Inbound(self.runtime, defer_after=self.defer_after)
        self.client = RevansClient(self, guild_ready_timeout=self.guild_ready_timeout)
        self.outbox = DiscordOutbox(self.client, self.runtime)
        self._task: asyncio.Task[None] | None = None

    async def start(self, *, gateway: bool = True) -> None:
        """Log in (REST: enough to send) and, with ``gateway``, connect to receive events.
        Of several processes only one holds the gateway; the others send over REST only."""
        token = self.settings.discord_token
        if token is None:
            raise ValueError("DISCORD_TOKEN is not set")
        self.runtime.engine.outboxes[PLATFORM] = self.outbox
        await self.client.login(token.get_secret_value())
        if gateway:
            self.connect_gateway()

    def connect_gateway(self) -> None:
        """Open the gateway connection (events in), once."""
        if self._task is None:
            self._task = asyncio.create_task(self._connect(), name="revans-discord")

    @property
    def gateway_connected(self) -> bool:
        return self._task is not None

    async def _connect(self) -> None:
        try:
            await self.client.connect(reconnect=True)
        except discord.PrivilegedIntentsRequired:
            log.error("Discord refused the message content intent. Turn on 'Message Content "
                      "Intent' for the bot in the Developer Portal (Bot tab); until then the "
                      "bot runs without recording what members write in meetings.")
            try:
                await self._reconnect_without_message_content()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the Discord connection ended")
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the Discord connection ended")

    async def _reconnect_without_message_content(self) -> None:
        await self.client.close()
        self.client = RevansClient(self, guild_ready_timeout=self.guild_ready_timeout,
                                   message_content=False)
        self.outbox.client = self.client
        token = self.settings.discord_token
        assert token is not None
        await self.client.login(token.get_secret_value())
        await self.client.connect(reconnect=True)

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - stopping anyway
                pass
        if self.runtime.engine.outboxes.get(PLATFORM) is self.outbox:
            del self.runtime.engine.outboxes[PLATFORM]

    # ------------------------------------------------------------------ commands

    async def register_commands(self) -> None:
        """Put the ``/set`` group in each configured guild (instant) or globally (up to an
        hour to appear); do nothing where Discord already has exactly these commands."""
        tree = self.client.tree
        await tree.set_translator(CatalogueTranslator())
        guild_ids = self.settings.guild_ids
        group = build_group(self.inbound.command, in_dms=not guild_ids)
        scopes: list[discord.Object | None] = (
            [discord.Object(id=gid) for gid in guild_ids] if guild_ids else [None])
        tree.add_command(group)
        if guild_ids:
            # Synced to the guilds only; known globally too (never synced so), so that an
            # interaction naming no guild still finds its command.
            tree.add_command(group, guilds=[s for s in scopes if s is not None])
        app_id = self.client.application_id
        assert app_id is not None, "login sets the application id"
        for scope in scopes:
            name = f"guild {scope.id}" if scope is not None else "global"
            try:
                local = await payloads(tree, scope)
                remote = await self._registered(app_id, scope)
                if remote is not None and normalise(local) == normalise(remote):
                    log.info("Discord: /set commands unchanged (%s)", name)
                    self.registered[name] = "unchanged"
                    continue
                await tree.sync(guild=scope)
                log.info("Discord: /set commands registered (%s)", name)
                self.registered[name] = "synced"
            except discord.Forbidden as error:
                log.error("Discord: could not register /set in %s: %s. Invite the bot with the "
                          "applications.commands scope (see docs/discord.md).", name, error)
            except discord.HTTPException as error:
                log.error("Discord: could not register /set in %s: %s", name, error)

    async def _registered(self, app_id: int,
                          scope: discord.Object | None) -> list[Any] | None:
        """The commands Discord has now; ``None`` if it won't say (then we register anyway)."""
        try:
            if scope is None:
                return list(await self.client.http.get_global_commands(app_id))
            return list(await self.client.http.get_guild_commands(app_id, scope.id))
        except discord.HTTPException as error:
            log.warning("Discord: could not read the registered commands (%s); registering "
                        "them", error)
            return None

    async def on_command_error(self, interaction: discord.Interaction,
                               error: app_commands.AppCommandError) -> None:
        """A command discord.py could not even call (options that no longer match, say):
        logged, and the member told rather than left with "The application did not respond"."""
        log.error("Discord command failed: %s", error, exc_info=error)
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(
                    words.FAILED, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as reply_error:
            log.warning("could not answer a failed command: %s", reply_error)


class DiscordStartError(PlatformStartError):
    """Discord could not be started (a refused token, an unreachable API): says which setting."""


def apply_test_seam(settings: DiscordSettings) -> None:
    """Point discord.py at a fake Discord (tests only): honoured for loopback URLs alone."""
    api, gateway = settings.discord_api_base, settings.discord_gateway_url
    if api:
        if is_loopback_url(api):
            discord.http.Route.BASE = api.rstrip("/")
        else:
            log.warning("ignoring DISCORD_API_BASE=%s: only loopback addresses are honoured", api)
    if gateway:
        if is_loopback_url(gateway):
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        else:
            log.warning("ignoring DISCORD_GATEWAY_URL=%s: only loopback addresses are honoured",
                        gateway)


def reset_test_seam() -> None:
    discord.http.Route.BASE = _REAL_API_BASE
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _REAL_GATEWAY


async def start_discord(settings: DiscordSettings, runtime: Host, *,
                        guild_ready_timeout: float = 2.0,
                        defer_after: float = DEFER_AFTER,
                        gateway: bool = True) -> DiscordAdapter:
    """Log in, register commands and connect in the running loop; returns the adapter to stop.

    Raises ``DiscordStartError`` naming the setting when Discord refuses the token or cannot
    be reached.
    """
    apply_test_seam(settings)
    adapter = DiscordAdapter(settings, runtime, guild_ready_timeout=guild_ready_timeout,
                             defer_after=defer_after)
    try:
        await adapter.start(gateway=gateway)
    except discord.LoginFailure as error:
        await adapter.stop()
        raise DiscordStartError(f"Discord refused the bot token (DISCORD_TOKEN): {error}. "
                                "Copy it again from the Developer Portal, Bot tab.") from error
    except (OSError, discord.HTTPException) as error:
        await adapter.stop()
        raise DiscordStartError(f"could not reach Discord at {discord.http.Route.BASE}: "
                                f"{error}") from error
    except BaseException:
        await adapter.stop()
        raise
    return adapter
