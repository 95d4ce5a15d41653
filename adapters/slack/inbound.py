"""Slack payloads to core events: slash commands, channel messages, button presses, modals.

Pure functions of the payload (no I/O), so each is tested with a recorded body. ``None`` means
the payload is not for the engine (a bot's message, an edit, a home-tab button).

``team`` is the workspace the app is installed in. The app passes it so that every reference
names the same workspace: in a Slack Connect channel a payload's own team can be the acting
member's organisation, which would give one channel two keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.slack.render import FORM_CALLBACK, view_values
from bot.core.events import ButtonPressed, CommandIssued, FormSubmitted, TextPosted
from bot.core.refs import ChannelRef, UserRef

PLATFORM = "slack"
COMMAND = "/set"
# Message subtypes that are still a person speaking in the channel; every other subtype
# (edits, deletions, joins, bot messages, topic changes...) is not recorded.
_SPOKEN_SUBTYPES = frozenset({None, "", "thread_broadcast", "file_share"})
_NAME_UNSAFE = str.maketrans("", "", "<>&")

Body = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Interaction:
    """The reply context of a Slack interaction, built here and handed to the engine with its
    event; the outbox answers with it (a form opens by its trigger_id, a failure is told
    through its response_url)."""

    user: str
    channel: str
    trigger_id: str = ""
    response_url: str = ""


def interaction(body: Body, channel: object) -> Interaction:
    """The reply context of a command, button press or form submission."""
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, Mapping) else body.get("user_id")
    return Interaction(user=str(user_id or ""), channel=str(channel or ""),
                       trigger_id=str(body.get("trigger_id") or ""),
                       response_url=str(body.get("response_url") or _view_response_url(body)))


def _view_response_url(body: Body) -> str:
    urls = body.get("response_urls") or []
    return str(urls[0].get("response_url") or "") if urls else ""


def user_ref(team: str, user_id: str) -> UserRef:
    return UserRef(platform=PLATFORM, workspace=team, id=user_id)


def channel_ref(team: str, channel_id: str, *, direct: bool = False) -> ChannelRef:
    return ChannelRef(platform=PLATFORM, workspace=team, channel=channel_id, direct=direct)


def is_direct(channel_id: str, channel_name: str = "", channel_type: str = "") -> bool:
    """A one-to-one conversation with the bot: Slack's IM ids start with ``D``."""
    return (channel_type == "im" or channel_name == "directmessage"
            or channel_id.startswith("D"))


def safe_name(name: str | None) -> str:
    """A display name the core may put into markup: ``<``, ``>``, ``&`` removed, so a name can
    never carry a mention."""
    return (name or "").translate(_NAME_UNSAFE).strip()[:200]


def _team(body: Body) -> str:
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id"):
        return str(team["id"])
    if isinstance(team, str) and team:
        return team
    user = body.get("user")
    if isinstance(user, Mapping) and user.get("team_id"):
        return str(user["team_id"])
    return str(body.get("team_id") or "")


def command_event(body: Body, team: str = "") -> CommandIssued | None:
    """``/set <text>`` (``should_escape``: members arrive as ``<@U1|name>``)."""
    if body.get("command") != COMMAND:
        return None
    team = team or _team(body)
    channel_id = str(body.get("channel_id") or "")
    where = channel_ref(team, channel_id,
                        direct=is_direct(channel_id, str(body.get("channel_name") or "")))
    return CommandIssued(where=where, user=user_ref(team, str(body.get("user_id") or "")),
                         text=str(body.get("text") or "").strip(),
                         user_name=safe_name(body.get("user_name")),
                         event_id=_interaction_id(body))


def message_event(body: Body, team: str = "") -> TextPosted | None:
    """A member's message in a channel or private channel (``message.channels``/``.groups``)."""
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("subtype") not in _SPOKEN_SUBTYPES:
        return None
    if event.get("bot_id") or event.get("bot_profile") or not event.get("user"):
        return None
    channel_id = str(event.get("channel") or "")
    channel_type = str(event.get("channel_type") or "")
    if channel_type in ("im", "mpim") or not channel_id:
        return None
    text = str(event.get("text") or "")
    if not text.strip():
        return None
    team = team or str(body.get("team_id") or event.get("team") or "")
    return TextPosted(where=channel_ref(team, channel_id), user=user_ref(team, event["user"]),
                      text=text, event_id=str(body.get("event_id") or ""))


def action_event(body: Body, action: Body, team: str = "") -> ButtonPressed | None:
    """One pressed button of a ``block_actions`` payload; the action is the button's value."""
    encoded = str(action.get("value") or action.get("action_id") or "")
    channel = body.get("channel") or {}
    channel_id = str(channel.get("id") or (body.get("container") or {}).get("channel_id") or "")
    if not encoded or not channel_id:
        return None  # a button outside a conversation (the Home tab) has nowhere to answer
    team = team or _team(body)
    user = body.get("user") or {}
    where = channel_ref(team, channel_id,
                        direct=is_direct(channel_id, str(channel.get("name") or "")))
    name = user.get("name") or user.get("username")
    return ButtonPressed(where=where, user=user_ref(team, str(user.get("id") or "")),
                         action=encoded, user_name=safe_name(name),
                         event_id=_interaction_id(body, action.get("action_ts")))


def view_event(body: Body, team: str = "") -> FormSubmitted | None:
    """A submitted modal: the form id and channel come back in ``private_metadata``."""
    view = body.get("view") or {}
    if view.get("callback_id") != FORM_CALLBACK:
        return None
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return None
    form_id, channel_id = metadata.get("f"), metadata.get("c")
    if not form_id or not channel_id:
        return None
    team = team or _team(body)
    user = body.get("user") or {}
    values = view_values((view.get("state") or {}).get("values") or {})
    return FormSubmitted(where=channel_ref(team, channel_id, direct=bool(metadata.get("d"))),
                         user=user_ref(team, str(user.get("id") or "")), form_id=str(form_id),
                         values=values, user_name=safe_name(user.get("name")),
                         event_id=_interaction_id(body, view.get("id")))


def _interaction_id(body: Body, extra: object = None) -> str:
    """A stable id for an interaction Slack might deliver twice: its trigger_id (unique per
    invocation), with the action's timestamp or view id where one payload can hold several."""
    trigger = body.get("trigger_id")
    if not trigger:
        return ""
    return f"trigger:{trigger}:{extra}" if extra else f"trigger:{trigger}"
