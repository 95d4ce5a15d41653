"""Core cards and forms as Discord messages: content or embeds, a view of persistent buttons,
a modal, and the ``allowed_mentions`` that lets only the core's own mentions ping.

Discord rejects a message over its limits, so everything here is split (or, for a card kept in
one message, fitted) before it is sent; nothing is left for Discord to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.core.cards import Button, ButtonStyle, Card, FieldKind, Form, clip
from bot.core.refs import unescape
from bot.outbox import split_text

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_LIMIT = 6000
BUTTONS_PER_ROW = 5
ROWS_PER_MESSAGE = 5
BUTTON_LABEL_LIMIT = 80
MODAL_TITLE_LIMIT = 45
INPUT_LABEL_LIMIT = 45
PLACEHOLDER_LIMIT = 100
INPUTS_PER_MODAL = 5
EMBED_COLOUR = discord.Colour(0x2F7D6D)

# Core markup: ``<@ID>`` is a mention the core means; user text arrives escaped (``&lt;@1&gt;``).
_CORE_MENTION = re.compile(r"<@!?(\d{1,20})>")
_ESCAPED_TAG = re.compile(r"&lt;([@#!&/:]|t:|a:)")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_ZWSP = "\u200b"
_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
}


def mentioned_ids(markup: str) -> list[int]:
    """The users the core itself mentions in ``markup`` (never ones typed by a member)."""
    return list(dict.fromkeys(int(found) for found in _CORE_MENTION.findall(markup)))


def to_discord(markup: str) -> str:
    """Core markup as Discord markdown.

    A member's own ``<@123>`` or ``@everyone`` (escaped by the core) is kept visible but broken
    with a zero-width space, so it can never ping even if a mention were allowed.
    """
    text = _ESCAPED_TAG.sub(lambda m: "&lt;" + m.group(1)[0] + _ZWSP + m.group(1)[1:], markup)
    text = _MASS_MENTION.sub(lambda m: "@" + _ZWSP + m.group(1), text)
    text = _BOLD.sub(r"**\1**", text)
    return unescape(text)


def allowed_mentions(user_ids: list[int] | tuple[int, ...]) -> discord.AllowedMentions:
    """Never everyone, here or roles; only the given users."""
    users: list[discord.Object] | bool = [discord.Object(id=i) for i in user_ids] or False
    return discord.AllowedMentions(everyone=False, roles=False, replied_user=False, users=users)


@dataclass
class Outgoing:
    """One Discord message: what ``send`` and ``edit`` take."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: tuple[Button, ...] = ()
    mention_ids: list[int] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``send`` / ``edit`` (the view is built by the caller)."""
        return {"content": self.content, "embeds": self.embeds,
                "allowed_mentions": allowed_mentions(self.mention_ids)}


def _embed_size(embed: discord.Embed) -> int:
    return len(embed)


def render_card(card: Card) -> list[Outgoing]:
    """A card as one or more messages; buttons ride on the last one."""
    if not card.title and not card.fields:
        messages = _content_messages(card.body)
    else:
        messages = _embed_messages(card)
    messages[-1].buttons = card.buttons
    for message in messages:
        if not message.content and not message.embeds:
            message.content = _ZWSP  # Discord refuses an empty message
    return messages


def render_text(markup: str) -> list[Outgoing]:
    return _content_messages(markup)


def _content_messages(markup: str) -> list[Outgoing]:
    """Plain cards go as content, so the users the core mentions there are pinged."""
    text = to_discord(markup)
    out = []
    # Split the markup and the text alike so each message allows only its own mentions.
    for piece in split_text(text, CONTENT_LIMIT):
        ids = [i for i in mentioned_ids(markup) if f"<@{i}>" in piece or f"<@!{i}>" in piece]
        out.append(Outgoing(content=piece or None, mention_ids=ids))
    return out


def _embeds(card: Card) -> list[discord.Embed]:
    """The card as a list of embeds, each within Discord's per-embed limits."""
    title = clip(to_discord(card.title), TITLE_LIMIT) if card.title else None
    descriptions = split_text(to_discord(card.body), DESCRIPTION_LIMIT) if card.body else [""]
    if not title and not card.body and not card.fields:
        descriptions = [_ZWSP]  # Discord refuses an empty embed
    embeds = [discord.Embed(title=title if i == 0 else None, description=part or None,
                            colour=EMBED_COLOUR)
              for i, part in enumerate(descriptions)]
    current = embeds[-1]
    for item in card.fields:
        if len(current.fields) >= FIELDS_PER_EMBED:
            current = discord.Embed(colour=EMBED_COLOUR)
            embeds.append(current)
        name = clip(to_discord(item.name), FIELD_NAME_LIMIT) or "\u200b"
        value = clip(to_discord(item.value), FIELD_VALUE_LIMIT) or "\u200b"
        current.add_field(name=name, value=value, inline=False)
    return embeds


def _embed_messages(card: Card) -> list[Outgoing]:
    """Embeds packed into messages: at most 10 embeds and 6000 characters in each."""
    messages = [Outgoing()]
    total = 0
    for embed in _embeds(card):
        for piece in _within_total(embed):
            size = _embed_size(piece)
            current = messages[-1].embeds
            if current and (len(current) >= EMBEDS_PER_MESSAGE
                            or total + size > EMBED_TOTAL_LIMIT):
                messages.append(Outgoing())
                total = 0
            messages[-1].embeds.append(piece)
            total += size
    return messages


def _within_total(embed: discord.Embed) -> Iterator[discord.Embed]:
    """An embed over the 6000 total is cut between its fields into several embeds."""
    if _embed_size(embed) <= EMBED_TOTAL_LIMIT:
        yield embed
        return
    head = discord.Embed(title=embed.title, description=embed.description, colour=embed.colour)
    current = head
    for item in embed.fields:
        if _embed_size(current) + len(item.name or "") + len(item.value or "") > EMBED_TOTAL_LIMIT:
            yield current
            current = discord.Embed(colour=embed.colour)
        current.add_field(name=item.name or "", value=item.value or "", inline=False)
    yield current


def render_slot_card(card: Card) -> Outgoing:
    """A card kept in one message (edited in place): fitted into one message, never split.

    Fields that would overflow the 6000 total are clipped, then dropped, with an ellipsis.
    Embeds never ping, so the message allows no mentions.
    """
    fitted: list[discord.Embed] = []
    budget = EMBED_TOTAL_LIMIT
    for embed in _embeds(card)[:EMBEDS_PER_MESSAGE]:
        room = budget - len(embed.title or "")
        if room < 40:
            break
        description = clip(embed.description, room) if embed.description else None
        head = discord.Embed(title=embed.title, description=description, colour=embed.colour)
        budget -= _embed_size(head)
        for item in embed.fields:
            name = item.name or "\u200b"
            room = budget - len(name)
            if room < 20:
                break
            value = clip(item.value or "\u200b", min(room, FIELD_VALUE_LIMIT))
            head.add_field(name=name, value=value, inline=False)
            budget -= len(name) + len(value)
        fitted.append(head)
    return Outgoing(embeds=fitted, buttons=card.buttons)


ACTION_TEMPLATE = r"(?P<action>[a-z][a-z0-9_-]*:[^\s]+)"
ACTION_PATTERN = re.compile(ACTION_TEMPLATE)


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=ACTION_TEMPLATE):
    """A persistent button: its custom_id is the core's action id, parsed again after a restart.

    The click goes to the client's ``on_action_button`` (the adapter's inbound handler).
    """

    def __init__(self, action: str, label: str = "\u2026",
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=action))
        self.action = action

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match: re.Match[str]) -> ActionButton:
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(match["action"], label=button.label if button and button.label else "\u2026",
                   style=button.style if button else discord.ButtonStyle.secondary)

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        handler = getattr(interaction.client, "on_action_button", None)
        if handler is not None:
            await handler(interaction, self.action)


def build_view(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    """Buttons as a view of persistent items, five a row; ``None`` when there are none."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(buttons[: BUTTONS_PER_ROW * ROWS_PER_MESSAGE]):
        item = ActionButton(button.action, label=clip(to_discord(button.label) or "\u2026",
                                                      BUTTON_LABEL_LIMIT),
                            style=_STYLES.get(button.style, discord.ButtonStyle.secondary))
        item.row = index // BUTTONS_PER_ROW
        view.add_item(item)
    return view


class FormModal(discord.ui.Modal):
    """A core form as a modal; the submission is read in ``on_interaction`` (see inbound), so
    this object only carries the layout and is dropped from discord.py's store once sent."""

    def __init__(self, form: Form) -> None:
        super().__init__(title=clip(to_discord(form.title), MODAL_TITLE_LIMIT) or "Revans",
                         custom_id=form.id, timeout=None)
        for item in form.fields[:INPUTS_PER_MODAL]:
            hint = item.hint or (", ".join(item.choices) if item.choices else "")
            self.add_item(discord.ui.TextInput(
                label=clip(to_discord(item.label), INPUT_LABEL_LIMIT) or item.name,
                custom_id=item.name,
                style=(discord.TextStyle.paragraph if item.kind is FieldKind.LONG
                       else discord.TextStyle.short),
                required=item.required,
                placeholder=clip(hint, PLACEHOLDER_LIMIT) or None,
                max_length=4000 if item.kind is FieldKind.LONG else 200,
            ))


def modal_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """The values of a modal submission (action rows or labels holding text inputs)."""
    values: dict[str, str] = {}

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if "custom_id" in item and "value" in item:
                values[str(item["custom_id"])] = str(item.get("value") or "")
            elif "custom_id" in item and "values" in item:
                values[str(item["custom_id"])] = ",".join(map(str, item["values"]))
            if isinstance(item.get("components"), list):
                walk(item["components"])
            if isinstance(item.get("component"), dict):
                walk([item["component"]])

    walk(components)
    return values

