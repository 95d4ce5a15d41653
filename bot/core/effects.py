"""Effects: what the core asks to happen after an event.

The engine applies the storage effects (pings, erasure) in the event's transaction; the
outbox of the event's platform applies the rest after the commit. Every effect type is listed in
``OUTBOUND`` or ``STORAGE``; dispatchers fail loudly on anything else (after opsdroid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.cards import Card, Form
from bot.core.model import Ping, PingKind
from bot.core.refs import ChannelRef, UserRef


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    """A message to a channel; a card with a ``slot`` is remembered for later updates."""

    where: ChannelRef
    card: Card


@dataclass(frozen=True, slots=True, kw_only=True)
class Update:
    """Edit the message remembered under ``card.slot`` in ``where`` (post it if unknown,
    unless ``edit_only``: erasure edits what was posted and posts nothing new)."""

    where: ChannelRef
    card: Card
    edit_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Whisper:
    """A message only ``user`` sees in ``where`` (ephemeral); the answer to their own action."""

    where: ChannelRef
    user: UserRef
    card: Card


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    filename: str
    content: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectMessage:
    """A DM to ``user``, optionally with a text file."""

    user: UserRef
    card: Card
    attachment: Attachment | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenForm:
    """Show ``form`` to ``user`` in answer to their button press or command."""

    where: ChannelRef
    user: UserRef
    form: Form


@dataclass(frozen=True, slots=True, kw_only=True)
class SchedulePing:
    ping: Ping


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelPings:
    """Drop pending pings of ``set_id`` that match every given filter."""

    set_id: str
    kinds: frozenset[PingKind]
    commitment_id: str | None = None
    meeting_id: str | None = None
    user: UserRef | None = None
    due_until: datetime | None = None  # only those due no later than this


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferPing:
    """Put a claimed ping back to wait until ``until`` (quiet hours)."""

    ping_id: str
    until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class EraseMember:
    """Blank every text ``user`` left in the set, keeping the rows so counts stay; store the
    meetings' summaries redacted by the core (``(meeting_id, summary)`` pairs); then scrub the
    database file of the old texts."""

    set_id: str
    user: UserRef
    summaries: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleaseShares:
    """Mark confirmed learnings as posted (with the weekly digest) at ``at``."""

    share_ids: tuple[str, ...]
    at: datetime


Effect = (
    Post | Update | Whisper | DirectMessage | OpenForm | SchedulePing | CancelPings | DeferPing
    | EraseMember | ReleaseShares
)
OUTBOUND: tuple[type, ...] = (Post, Update, Whisper, DirectMessage, OpenForm)
STORAGE: tuple[type, ...] = (SchedulePing, CancelPings, DeferPing, EraseMember, ReleaseShares)
