"""The App Home tab: a member's open commitments, their check-in answers and their sets' next
meetings, read from storage (read-only) and worded by the catalogue.

The core has no "home" effect, so this is the one place the adapter reads storage itself; it
never writes, and it reuses the core's views for every line it shows.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.slack import render
from bot.core.cards import clip
from bot.core.messages import t
from bot.core.model import SetState
from bot.core.refs import UserRef
from bot.core.views import checkin_history, commitment_line, next_meeting_text
from bot.engine import Engine
from storage import repository
from storage.models import CommitmentRow, MemberRow

log = logging.getLogger("revans.slack")
MAX_SETS = 20  # 4 blocks a set, within the Home tab's 100


def member_sets(session: Session, user: UserRef) -> list[SetState]:
    """Every set the member belongs to, or still owes a commitment in, oldest membership
    first."""
    joined = (session.execute(
        select(MemberRow.set_id).where(MemberRow.user_key == user.key,
                                       MemberRow.left_at.is_(None))
        .order_by(MemberRow.joined_at))).scalars().all()
    owing = (session.execute(
        select(CommitmentRow.set_id).where(CommitmentRow.owner_key == user.key,
                                           CommitmentRow.outcome.is_(None)))).scalars().all()
    states = []
    for set_id in dict.fromkeys([*joined, *owing]):
        loaded = repository.load(session, set_id)
        if loaded is not None:
            states.append(loaded.state)
    return states[:MAX_SETS]


def set_blocks(state: SetState, user: UserRef) -> list[dict[str, Any]]:
    """One set: its name, its next meeting, and the member's open commitments with answers."""
    lines = []
    for commitment in state.open_commitments(user):
        lines.append("• " + commitment_line(state, commitment, with_owner=False))
        answers = checkin_history(state, commitment, private=True)  # their own view
        if answers:
            lines.append("    " + answers)
    mine = "\n".join(lines) if lines else t("actions.none")
    return [
        {"type": "header", "text": {"type": "plain_text", "emoji": True,
                                    "text": clip(state.set.name, render.HEADER_LIMIT) or " "}},
        {"type": "section", "text": {"type": "mrkdwn", "text": render.defang(
            f"*{t('card.next_meeting')}*: {next_meeting_text(state)}")}},
        {"type": "section", "text": {"type": "mrkdwn", "text": render.defang(clip(
            f"*{t('actions.mine_title')}*\n{mine}", render.SECTION_LIMIT))}},
        {"type": "divider"},
    ]


def home_view(states: list[SetState], user: UserRef) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for state in states:
        blocks.extend(set_blocks(state, user))
    if not blocks:
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": t("direct.no_set")}}]
    return {"type": "home", "blocks": blocks[:render.MAX_VIEW_BLOCKS]}


async def publish(client: AsyncWebClient, engine: Engine, user: UserRef) -> None:
    """Build the member's Home tab and publish it; a Slack error is logged, not raised."""
    states = await engine.db.run(partial(member_sets, user=user))
    try:
        await client.views_publish(user_id=user.id, view=home_view(states, user))
    except SlackApiError as error:
        log.warning("could not publish the Home tab for %s: %s", user.id,
                    error.response.get("error") if error.response is not None else error)
