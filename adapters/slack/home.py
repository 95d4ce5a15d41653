"""The App Home tab: a member's open commitments, their check-in answers and their sets' next
meetings. The host computes the view (``member_home``: read-only, worded by the catalogue);
this module only lays it out as Block Kit and publishes it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from bot.core.cards import clip
from bot.core.home import HomeSet, HomeView
from bot.core.refs import UserRef
from bot.i18n import render_dates
from bot.platform import Host

log = logging.getLogger("revans.slack")
MAX_SETS = 20  # 4 blocks a set, within the Home tab's 100


def set_blocks(home: HomeSet) -> list[dict[str, Any]]:
    """One set: its name, its next meeting, and the member's open commitments with answers."""
    return [
        {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                    "text": clip(home.name, render.HEADER_LIMIT) or " "}},
        {"type": "section", "text": {"type": "mrkdwn", "text": render.defang(render_dates(
            f"*{home.next_meeting_label}*: {home.next_meeting}"))}},
        {"type": "section", "text": {"type": "mrkdwn", "text": render.defang(clip(render_dates(
            f"*{home.commitments_label}*\n{home.commitments}"), render.SECTION_LIMIT))}},
        {"type": "divider"},
    ]


def home_view(view: HomeView) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for home in view.sets:
        blocks.extend(set_blocks(home))
    if not blocks:
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": view.empty}}]
    return {"type": "home", "blocks": blocks[:render.MAX_VIEW_BLOCKS]}


async def publish(client: AsyncWebClient, host: Host, user: UserRef) -> None:
    """Build the member's Home tab and publish it; a Slack error is logged, not raised."""
    view = await host.member_home(user, limit=MAX_SETS)
    try:
        await client.views_publish(user_id=user.id, view=home_view(view))
    except SlackApiError as error:
        log.warning("could not publish the Home tab for %s: %s", user.id,
                    error.response.get("error") if error.response is not None else error)
