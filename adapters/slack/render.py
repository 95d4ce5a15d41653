"""Cards as Block Kit messages and forms as modals, within Slack's limits.

Card text is already Slack mrkdwn (the core's markup), with user text escaped. Rendering never
rejects: long text is split across section blocks, and blocks beyond one message's limit go into
further messages, so Slack never refuses what the bot says.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.cards import Button, ButtonStyle, Card, FieldKind, Form, clip
from bot.core.refs import escape, unescape
from bot.outbox import split_text as shared_split_text

MAX_BLOCKS = 50            # a message (modals and the Home tab allow 100)
MAX_VIEW_BLOCKS = 100
SECTION_LIMIT = 3000       # section text
FIELD_TEXT_LIMIT = 2000    # one item of a section's fields
FIELDS_PER_SECTION = 10
HEADER_LIMIT = 150
BUTTON_LABEL_LIMIT = 75
TEXT_LIMIT = 3000          # the notification text we send beside blocks (Slack cuts at 40,000)
MODAL_TITLE_LIMIT = 24
MODAL_BUTTON_LIMIT = 24
LABEL_LIMIT = 2000
HINT_LIMIT = 2000
INPUT_LIMIT = 3000
OPTION_LIMIT = 75
METADATA_LIMIT = 3000
FORM_CALLBACK = "revans_form"

# Broadcast mentions the core never means to send; neutralised wherever they come from.
_BROADCAST = re.compile(r"<!(?:channel|here|everyone|subteam\^)[^>]*>", re.IGNORECASE)


def defang(text: str) -> str:
    """Turn any live ``<!channel>``, ``<!here>``, ``<!everyone>`` or ``<!subteam^…>`` into text.

    The core escapes user text already; this is the last line of defence in case a future
    template or a display name lets one through.
    """
    return _BROADCAST.sub(lambda m: m.group(0).replace("<", "&lt;").replace(">", "&gt;"), text)


def plain(markup: str) -> str:
    """Markup as plain_text (headers, labels): entities decoded; plain_text never pings."""
    return unescape(markup)


def split_text(text: str, limit: int) -> list[str]:
    """The shared splitter, never cutting inside an ``&amp;``-style entity (Slack's markup)."""
    return shared_split_text(text, limit, keep_entities=True)


@dataclass
class SlackMessage:
    """One chat.postMessage: the notification ``text`` and the ``blocks``."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": defang(text)}


def _plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(plain(text), limit) or " ", "emoji": True}


def _title_blocks(title: str) -> list[dict[str, Any]]:
    """A header block when the title is plain words; a bold section when it holds a mention
    or link (plain_text would show the raw ``<@U…>``)."""
    if "<" in title:
        return [{"type": "section", "text": _mrkdwn(f"*{title}*")}]
    return [{"type": "header", "text": _plain_text(title, HEADER_LIMIT)}]


def _text_sections(text: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": _mrkdwn(piece)}
            for piece in split_text(text, SECTION_LIMIT) if piece.strip()]


def _field_sections(card: Card) -> list[dict[str, Any]]:
    items = [_mrkdwn(clip(f"*{f.name}*\n{f.value}", FIELD_TEXT_LIMIT)) for f in card.fields]
    return [{"type": "section", "fields": items[i:i + FIELDS_PER_SECTION]}
            for i in range(0, len(items), FIELDS_PER_SECTION)]


def _button(button: Button) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button", "text": _plain_text(button.label, BUTTON_LABEL_LIMIT),
        "action_id": button.action, "value": button.action,
    }
    if button.style is not ButtonStyle.DEFAULT:
        element["style"] = button.style.value
    return element


def _actions(card: Card) -> list[dict[str, Any]]:
    seen: set[str] = set()
    elements = []
    for button in card.buttons:
        if button.action in seen:  # Slack rejects two elements with one action_id
            continue
        seen.add(button.action)
        elements.append(_button(button))
    return [{"type": "actions", "elements": elements}] if elements else []


def card_blocks(card: Card) -> list[dict[str, Any]]:
    """Every block of ``card``, in order, before any split into messages."""
    blocks: list[dict[str, Any]] = []
    if card.title:
        blocks.extend(_title_blocks(card.title))
    if card.body:
        blocks.extend(_text_sections(card.body))
    blocks.extend(_field_sections(card))
    blocks.extend(_actions(card))
    return blocks


def card_messages(card: Card) -> list[SlackMessage]:
    """``card`` as one message, or as several when it has more blocks than one may carry."""
    blocks = card_blocks(card) or [{"type": "section", "text": _mrkdwn(" ")}]
    chunks = [blocks[i:i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)]
    fallback = split_text(defang(card.text), TEXT_LIMIT)
    messages = []
    for index, chunk in enumerate(chunks):
        text = fallback[0] if index == 0 else _chunk_text(chunk)
        messages.append(SlackMessage(text=clip(text, TEXT_LIMIT) or " ", blocks=chunk))
    return messages


def _chunk_text(blocks: list[dict[str, Any]]) -> str:
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and text.get("text", "").strip():
            return str(text["text"])
    return " "


def text_messages(raw_text: str, *, code: bool = False) -> list[SlackMessage]:
    """Long plain content (a file's text, not markup) as messages of section blocks, split to
    the limits; it is escaped first, so nothing in it can ping. ``code`` wraps each piece in a
    code block."""
    room = SECTION_LIMIT - (8 if code else 0)
    pieces = split_text(escape(raw_text), room)
    sections = [
        {"type": "section", "text": _mrkdwn(f"```\n{piece}\n```" if code else piece)}
        for piece in pieces
    ]
    return [SlackMessage(text=clip(defang(pieces[i]), TEXT_LIMIT) or " ",
                         blocks=sections[i:i + MAX_BLOCKS])
            for i in range(0, len(sections), MAX_BLOCKS)]


# ---------------------------------------------------------------- forms


def form_metadata(form: Form, channel: str, direct: bool) -> str:
    """What a submission needs to find its way back: the form id and the channel it came from."""
    metadata = json.dumps({"f": form.id, "c": channel, "d": direct}, separators=(",", ":"))
    if len(metadata) > METADATA_LIMIT:
        raise ValueError("form metadata over Slack's private_metadata limit")
    return metadata


def _input_element(item: Any) -> dict[str, Any]:
    if item.kind is FieldKind.DATE:
        return {"type": "datepicker", "action_id": item.name}
    if item.kind is FieldKind.CHOICE and item.choices:
        return {"type": "static_select", "action_id": item.name, "options": [
            {"text": _plain_text(choice, OPTION_LIMIT), "value": choice}
            for choice in item.choices[:100]
        ]}
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": item.name,
                               "max_length": INPUT_LIMIT}
    if item.kind is FieldKind.LONG:
        element["multiline"] = True
    return element


def modal(form: Form, *, channel: str, direct: bool) -> dict[str, Any]:
    """``form`` as a modal view; block_id and action_id are both the field's name."""
    blocks = []
    for item in form.fields[:MAX_VIEW_BLOCKS]:
        block: dict[str, Any] = {
            "type": "input", "block_id": item.name, "optional": not item.required,
            "label": _plain_text(item.label, LABEL_LIMIT), "element": _input_element(item),
        }
        if item.hint:
            block["hint"] = _plain_text(item.hint, HINT_LIMIT)
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain_text(form.title, MODAL_TITLE_LIMIT),
        "submit": _plain_text(form.submit, MODAL_BUTTON_LIMIT),
        "private_metadata": form_metadata(form, channel, direct),
        "blocks": blocks,
    }


def view_values(state_values: dict[str, Any]) -> dict[str, str]:
    """A view_submission's ``view.state.values`` as ``{field name: text}``: a datepicker gives
    YYYY-MM-DD, a select its option's value, a text input its text (empty when left blank)."""
    values: dict[str, str] = {}
    for block_id, actions in (state_values or {}).items():
        for action_id, element in (actions or {}).items():
            name = action_id or block_id
            kind = element.get("type")
            if kind == "datepicker":
                values[name] = element.get("selected_date") or ""
            elif kind in ("static_select", "radio_buttons"):
                option = element.get("selected_option") or {}
                values[name] = option.get("value") or ""
            else:
                values[name] = element.get("value") or ""
    return values
