"""Slack: the Bolt ``AsyncApp`` (HTTP or Socket Mode) around the engine.

``inbound`` turns payloads into core events, ``render`` turns cards and forms into Block Kit,
``outbox`` carries effects out through the Web API, ``home`` builds the App Home tab, and
``app`` wires them to Bolt (``start_slack``). ``PLUGIN`` is what ``revans run`` starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.slack.settings import SlackSettings

if TYPE_CHECKING:
    from bot.platform import Host, Service


class SlackPlatform:
    name = "slack"

    def configured(self) -> bool:
        return SlackSettings().configured

    def needs(self) -> str:
        return ("Slack (Socket Mode):  SLACK_BOT_TOKEN and SLACK_APP_TOKEN\n"
                "Slack (HTTP):         SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
                "(served on PORT at /slack/events)")

    async def start(self, host: Host) -> Service:
        """Socket Mode with ``SLACK_APP_TOKEN``, else ``/slack/events`` on the host's server."""
        from adapters.slack.app import start_slack

        return await start_slack(SlackSettings(), host, web_app=host.web_app)


PLUGIN = SlackPlatform()
