"""Microsoft Teams: a set runs in a Teams channel or group chat, check-ins in each member's
personal chat with the bot (see ``docs/teams.md``).

``inbound`` turns activities into core events, ``render`` turns cards and forms into Adaptive
Cards (the SDK's models), ``outbox`` carries effects out through the Bot Connector, ``sdk``
builds the Teams SDK's app with its side doors shut, and ``app`` wires them together
(``start_teams``) at ``POST /api/messages`` on the bot's own server. ``PLUGIN`` is what
``revans run`` starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.teams.settings import TeamsSettings

if TYPE_CHECKING:
    from bot.platform import Host, Service


class TeamsPlatform:
    name = "teams"

    def configured(self) -> bool:
        return TeamsSettings().configured

    def needs(self) -> str:
        return ("Teams:                TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID "
                "(served on PORT at /api/messages)")

    async def start(self, host: Host) -> Service:
        """Mount ``/api/messages`` on the host's server; every process can take activities."""
        from adapters.teams.app import start_teams

        return await start_teams(TeamsSettings(), host)


PLUGIN = TeamsPlatform()
