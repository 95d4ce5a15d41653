"""The Discord adapter: ``/set`` as an application-command group, stage cards as embeds with
persistent buttons, modals for the longer texts, check-ins by DM (see ``docs/discord.md``).
``PLUGIN`` is what ``revans run`` starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.discord.settings import DiscordSettings

if TYPE_CHECKING:
    from bot.platform import Host, Service


class DiscordPlatform:
    name = "discord"

    def configured(self) -> bool:
        return DiscordSettings().configured

    def needs(self) -> str:
        return "Discord:              DISCORD_TOKEN"

    async def start(self, host: Host) -> Service:
        """Logged in (to send) in every process; the gateway (to receive) connected only in
        the one process that holds it."""
        from adapters.discord.app import start_discord

        settings = DiscordSettings()
        token = settings.discord_token
        assert token is not None, "configured() checked it"

        async def log_in():  # type: ignore[no-untyped-def]
            return await start_discord(settings, host, gateway=False)

        return await host.held_by_one_process("discord", token.get_secret_value(), log_in)


PLUGIN = DiscordPlatform()
