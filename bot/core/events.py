"""Inbound events: what adapters and the scheduler hand to the engine.

Frozen, slotted, keyword-only values (after h11's ``_events.py``). ``event_id`` is the platform's
own id for the delivery, used to drop retries; ``user_name`` is the display name the platform
gave, kept so summaries and exports can name people outside the platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.model import Ping
from bot.core.refs import ChannelRef, UserRef


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandIssued:
    """``/set <text>``: ``text`` is everything after the command name."""

    where: ChannelRef
    user: UserRef
    text: str
    user_name: str = ""
    event_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TextPosted:
    """A message a member wrote in a channel the bot can read."""

    where: ChannelRef
    user: UserRef
    text: str
    user_name: str = ""
    event_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPressed:
    """A button: ``action`` is the id made by ``cards.action_id``."""

    where: ChannelRef
    user: UserRef
    action: str
    user_name: str = ""
    event_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FormSubmitted:
    """A form (Slack modal, Discord modal, console prompt) sent back with its values."""

    where: ChannelRef
    user: UserRef
    form_id: str
    values: Mapping[str, str] = field(default_factory=dict)
    user_name: str = ""
    event_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PingDue:
    """A stored ping (check-in, reminder) whose time has come and which this process claimed."""

    ping: Ping


@dataclass(frozen=True, slots=True, kw_only=True)
class PingMissed:
    """A ping that fell due while the bot was down, past its grace period: recorded, not sent."""

    ping: Ping


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberUnreachable:
    """The platform refused a direct message to ``user`` (they removed or blocked the bot):
    their set's facilitator is told. ``where`` is the member's direct conversation; the adapter
    sends this once when the member becomes unreachable (``event_id`` drops a repeat)."""

    where: ChannelRef
    user: UserRef
    event_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeLost:
    """The bot was removed from a set's home channel (kicked, banned, the channel gone): the set
    is marked unreachable, its pings are held, and its facilitator is told by DM. ``by`` is who
    removed it, when the platform says."""

    where: ChannelRef
    by: UserRef | None = None
    event_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HomeRegained:
    """The bot is in a set's home channel again after it was removed: held pings resume."""

    where: ChannelRef
    event_id: str = ""


Event = (
    CommandIssued | TextPosted | ButtonPressed | FormSubmitted | PingDue | PingMissed
    | MemberUnreachable | HomeLost | HomeRegained
)
