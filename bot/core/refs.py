"""Who and where: the only identifiers the core knows about a platform.

A reference is a plain value (platform, workspace, id), so the same person on Slack and on
Discord are different users, and the core never needs a platform object.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class UserRef:
    """A person on one platform, in one workspace (Slack team, Discord guild, console)."""

    platform: str
    workspace: str
    id: str

    @property
    def key(self) -> str:
        """A stable string form, used as a storage key."""
        return f"{self.platform}:{self.workspace}:{self.id}"

    @classmethod
    def from_key(cls, key: str) -> UserRef:
        platform, workspace, user_id = key.split(":", 2)
        return cls(platform=platform, workspace=workspace, id=user_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelRef:
    """A channel on one platform; ``direct`` marks a one-to-one conversation with the bot."""

    platform: str
    workspace: str
    channel: str
    direct: bool = False

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.channel}"

    @classmethod
    def from_key(cls, key: str, *, direct: bool = False) -> ChannelRef:
        platform, workspace, channel = key.split(":", 2)
        return cls(platform=platform, workspace=workspace, channel=channel, direct=direct)


def mention(user: UserRef) -> str:
    """The neutral mention markup (``<@ID>``) that every renderer understands."""
    return f"<@{user.id}>"


def escape(text: str) -> str:
    """Neutralise user text before the bot echoes it.

    The core's text markup is Slack's: ``<…>`` is a link or a mention and ``&`` starts an entity.
    Escaping the three characters turns ``<!channel>`` or ``<@U1>`` typed by a member into
    literal text, so echoing it can never ping anyone. Renderers for other platforms unescape.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """The inverse of :func:`escape`, for renderers whose platform has no such markup."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
