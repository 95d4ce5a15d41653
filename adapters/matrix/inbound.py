"""What ``/sync`` delivers, as core events handed to the engine with a reply context.

- ``!set <verb> …`` in a message is a command (Matrix has no slash-command registry, and Element
  keeps ``/`` for itself); pills (``https://matrix.to/#/@bob:example.org`` links) and typed
  ``@bob:example.org`` ids become the core's mention markup, which the grammar understands.
- A reaction on one of the bot's own cards is a button press: the card carries its key → action
  map, so an old card gives its old action (and the core says the meeting has moved on). The
  bot's own (seeded) reactions never count, nor reactions on anyone else's message.
- A reply in a thread where the bot asked a member a form's questions is that form, sent.
- Anything else a member writes is ``TextPosted`` (recorded by the core during a meeting).

Every event is handed over with its Matrix event id, so the engine drops one it has already
decided (a restarted sync that resumes from an older token delivers some again).
"""

from __future__ import annotations

import html
import logging
import re
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mautrix.errors import MatrixRequestError

from adapters.matrix import render, words
from adapters.matrix.api import JSON, PLATFORM, MatrixApi
from adapters.matrix.directory import DirectRooms
from bot.core.events import (
    ButtonPressed,
    CommandIssued,
    Event,
    FormSubmitted,
    HomeLost,
    HomeRegained,
    TextPosted,
)
from bot.core.refs import ChannelRef, UserRef

if TYPE_CHECKING:
    from bot.platform import Host

log = logging.getLogger("revans.matrix")
WORKSPACE = "matrix"  # Matrix ids are global (``@bob:example.org``, ``!room``): one workspace
COMMAND = re.compile(r"^\s*!set(?:\s+|$)", re.IGNORECASE)
_PILL = re.compile(r'<a\s+href="https://matrix\.to/#/(@[^"?]+)[^"]*"[^>]*>.*?</a>',
                   re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p>", re.IGNORECASE)
_TYPED_ID = re.compile(r"(?<![<\w@\x00])(@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::\d+)?)")
_REPLY_FALLBACK = re.compile(r"<mx-reply>.*?</mx-reply>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reply:
    """The reply context: the room and event a member acted on, for the outbox's answer (a
    form's thread roots at ``thread_root``)."""

    room_id: str
    event_id: str
    user_id: str
    thread_root: str | None = None


def user_ref(user_id: str) -> UserRef:
    return UserRef(platform=PLATFORM, workspace=WORKSPACE, id=user_id)


def room_ref(room_id: str, *, direct: bool = False) -> ChannelRef:
    return ChannelRef(platform=PLATFORM, workspace=WORKSPACE, channel=room_id, direct=direct)


def command_text(content: JSON) -> str | None:
    """The text after ``!set`` in core markup, or ``None`` when the message is no command."""
    body = str(content.get("body", ""))
    if not COMMAND.match(body):
        return None
    formatted = content.get("formatted_body")
    if content.get("format") == render.HTML_FORMAT and isinstance(formatted, str):
        text = _REPLY_FALLBACK.sub("", formatted)
        text = _PILL.sub(lambda m: f"\x00{m.group(1)}\x01", text)
        text = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    else:
        text = body
    text = COMMAND.sub("", text, count=1)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _TYPED_ID.sub(lambda m: f"\x00{m.group(1)}\x01", text)
    return text.replace("\x00", "<@").replace("\x01", ">").strip()


def plain_text(content: JSON) -> str:
    """A message's text without a quoted reply fallback (``> …`` lines before the answer)."""
    body = str(content.get("body", ""))
    if (content.get("m.relates_to") or {}).get("m.in_reply_to") and body.startswith("> "):
        lines = body.splitlines()
        while lines and lines[0].startswith(">"):
            lines.pop(0)
        body = "\n".join(lines).strip()
    return body


class Inbound:
    """Turns each synced event into a core event and hands it to the engine, one at a time
    in the room's order (a meeting's commands must be decided in the order they were sent)."""

    def __init__(self, host: Host, api: MatrixApi, directory: DirectRooms) -> None:
        self.host = host
        self.api = api
        self.directory = directory
        self.handled = 0
        self.recent: deque[str] = deque(maxlen=1000)  # ids of events handled (tests wait on)
        self._names: dict[str, str] = {}

    @property
    def own_id(self) -> str:
        return self.api.user_id

    async def room_event(self, room_id: str, event: JSON) -> None:
        """One timeline event of a joined room."""
        sender = str(event.get("sender", ""))
        kind = event.get("type")
        try:
            if kind in ("m.room.encrypted", "m.room.encryption"):
                await self.encrypted_room(room_id)
            if sender == self.own_id or "state_key" in event and kind != "m.room.encryption":
                return
            if kind == "m.room.message":
                await self._message(room_id, event)
            elif kind == "m.reaction":
                await self._reaction(room_id, event)
        finally:
            self.handled += 1
            self.recent.append(str(event.get("event_id", "")))

    async def _message(self, room_id: str, event: JSON) -> None:
        content = event.get("content") or {}
        if content.get("msgtype") not in ("m.text", "m.emote"):
            return  # notices (other bots), files, images: nothing to decide
        relates = content.get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":
            return  # an edit: the original message was taken as it was sent
        sender, event_id = str(event["sender"]), str(event["event_id"])
        user, name = user_ref(sender), await self._name(sender)
        where = room_ref(room_id, direct=await self.directory.is_direct(room_id))
        if relates.get("rel_type") == "m.thread":
            form = await self._open_form(room_id, str(relates.get("event_id")), sender,
                                         event_id)
            if form is not None:
                values = render.form_values(form, plain_text(content))
                target = ChannelRef.from_key(str(form.get("where") or where.key),
                                             direct=where.direct)
                await self._handle(FormSubmitted(
                    where=target, user=user, form_id=str(form["id"]), values=values,
                    user_name=name, event_id=event_id),
                    Reply(room_id, event_id, sender, str(relates.get("event_id"))))
                return
        reply = Reply(room_id, event_id, sender, event_id)
        text = command_text(content)
        if text is not None:
            await self._handle(CommandIssued(where=where, user=user, text=text, user_name=name,
                                             event_id=event_id), reply)
            return
        body = plain_text(content).strip()
        if body:
            await self._handle(TextPosted(where=where, user=user, text=body, user_name=name,
                                          event_id=event_id), reply)

    async def _reaction(self, room_id: str, event: JSON) -> None:
        relates = (event.get("content") or {}).get("m.relates_to") or {}
        if relates.get("rel_type") != "m.annotation" or not relates.get("event_id"):
            return
        card_id = str(relates["event_id"])
        try:
            card = await self.api.event(room_id, card_id)
        except MatrixRequestError as error:
            log.info("a reaction on %s, which I cannot read (%s): ignored", card_id, error)
            return
        if card.get("sender") != self.own_id:
            return  # members react to each other's messages too: not a button
        shown = await self._card_as_seen(room_id, card, int(event.get("origin_server_ts") or 0))
        key = render.normalise_key(str(relates.get("key", "")))
        action = (shown.get(render.BUTTONS_KEY) or {}).get(key)
        if not action:
            return  # an emoji that is no button on this card: a plain reaction
        direct = await self.directory.is_direct(room_id)
        about = shown.get(render.WHERE_KEY)
        where = (ChannelRef.from_key(str(about["key"]), direct=bool(about.get("direct")))
                 if isinstance(about, dict) and about.get("key")
                 else room_ref(room_id, direct=direct))
        sender = str(event["sender"])
        await self._handle(ButtonPressed(where=where, user=user_ref(sender), action=str(action),
                                         user_name=await self._name(sender),
                                         event_id=str(event["event_id"])),
                           Reply(room_id, card_id, sender, card_id))

    async def _card_as_seen(self, room_id: str, card: JSON, at: int) -> JSON:
        """The card's content as it was when the member reacted: the bot's latest edit
        (``m.replace``) sent before the reaction, else the original. A member who reacted
        to a card that has since moved on presses the old button, as on any platform."""
        shown, shown_at = card.get("content") or {}, -1
        try:
            edits = await self.api.relations(room_id, str(card["event_id"]), "m.replace",
                                             "m.room.message", limit=100)
        except MatrixRequestError as error:
            log.info("could not read the edits of %s: %s", card.get("event_id"), error)
            edits = []
        for edit in edits:
            stamp = int(edit.get("origin_server_ts") or 0)
            new = (edit.get("content") or {}).get("m.new_content")
            if (edit.get("sender") == self.own_id and isinstance(new, dict)
                    and shown_at < stamp <= at):
                shown, shown_at = new, stamp
        return shown

    async def _open_form(self, room_id: str, root: str, sender: str,
                         event_id: str) -> dict[str, Any] | None:
        """The form the bot asked ``sender`` in this thread and they have not answered yet."""
        try:
            thread = await self.api.relations(room_id, root, "m.thread", limit=50)
            root_event = await self.api.event(room_id, root)
        except MatrixRequestError as error:
            log.info("could not read the thread %s: %s", root, error)
            return None
        seen_self = False
        for item in [*thread, root_event]:  # newest first, the root last
            if item.get("event_id") == event_id:
                seen_self = True
                continue
            if not seen_self and item is not root_event:
                continue  # written after this reply
            form = (item.get("content") or {}).get(render.FORM_KEY)
            if item.get("sender") == self.own_id and isinstance(form, dict):
                if form.get("user") == sender:
                    return form
                continue
            if item.get("sender") == sender and item.get("type") == "m.room.message":
                return None  # they replied since the last question: this is talk
        return None

    async def removed(self, room_id: str, event: JSON) -> None:
        """The bot was kicked or banned from ``room_id`` (a set's home, perhaps)."""
        sender = str(event.get("sender") or "")
        await self._handle(HomeLost(where=room_ref(room_id), by=user_ref(sender) if sender
                                    else None, event_id=str(event.get("event_id") or "")), None)

    async def rejoined(self, room_id: str) -> None:
        """The bot joined a room it was invited to: back home, if it had been removed."""
        await self._handle(HomeRegained(where=room_ref(room_id)), None)

    async def encrypted_room(self, room_id: str) -> None:
        """Say once, ever, that the bot cannot read an encrypted room."""
        key = f"encrypted-notice:{room_id}"
        if await self.host.adapter_state(PLATFORM, key):
            return
        await self.host.set_adapter_state(PLATFORM, key, "told")
        try:
            await self.api.send(room_id, render.text_content(words.t("room_encrypted"),
                                                             notice=True))
        except MatrixRequestError as error:
            log.warning("could not tell room %s that it is encrypted: %s", room_id, error)

    async def _name(self, user_id: str) -> str:
        """The member's display name (kept for summaries and exports), once per process."""
        if user_id not in self._names:
            name = ""
            try:
                profile = await self.api.profile(user_id)
                name = str(profile.get("displayname") or "")
            except MatrixRequestError:
                pass
            self._names[user_id] = name or user_id
        return self._names[user_id]

    async def _handle(self, event: Event, reply: Reply | None) -> None:
        try:
            await self.host.engine.handle(event, reply)
        except Exception:  # noqa: BLE001 - one bad event must not stop the sync loop
            log.exception("could not handle %s", type(event).__name__)


