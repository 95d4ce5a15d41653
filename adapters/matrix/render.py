"""Core cards and forms as Matrix message content.

A card is one ``m.room.message``: a plain ``body`` and an HTML ``formatted_body``, with user text
escaped (the core escapes it; anything that still looks like a tag is escaped again here), and
``m.mentions`` naming only the users the core itself mentions (``{}`` when there are none), so
an echoed ``@room`` or a member's name pings nobody. Buttons become reaction keys: the card
explains them on a line of its own and carries its key → action map under ``org.revans.buttons``,
so a reaction is read back from the card itself, after a restart too, and a reaction on an old
card gives that card's (stale) action, which the core answers like any old button.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

from adapters.matrix import words
from bot.core.cards import Button, Card, FieldKind, Form, clip, parse_action_id
from bot.core.refs import ChannelRef, unescape
from bot.outbox import split_text

BUTTONS_KEY = "org.revans.buttons"
FORM_KEY = "org.revans.form"
WHERE_KEY = "org.revans.where"
HTML_FORMAT = "org.matrix.custom.html"
MATRIX_TO = "https://matrix.to/#/"
EVENT_LIMIT = 60_000     # bytes of content: Synapse refuses an event over 65,536 bytes in all
BODY_PIECE = 16_000      # characters of plain body a message when a card must be split
FALLBACK_LIMIT = 1_000   # characters of an edit's fallback body

# What each button's reaction is: by ``verb`` or ``verb:arg`` of its action id.
KEYS: dict[str, str] = {
    "next": "⏭️", "here": "✋", "bid": "🙋", "report": "📝", "insight": "💡",
    "present": "🎤", "commit": "🤝", "join": "👋", "help": "🆘", "share": "📣",
    "unshare": "🙅", "checkin:on-track": "✅", "checkin:stuck": "⚠️", "checkin:done": "🎉",
    "checkin:snooze": "💤", "change": "✏️", "apologies": "🙏", "orgshow:on": "👁️",
    "orgshow:off": "🙈",
}
SPARE_KEYS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣")
_VARIATION = "\ufe0f"

_CORE_MENTION = re.compile(r"<@([^>|\s]+)(?:\|[^>]*)?>")
_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_CODE = re.compile(r"`([^`\n]+)`")
_COMMAND = re.compile(r"(^|[\s`(])/set\b")


def normalise_key(key: str) -> str:
    """Reaction keys compared without the emoji variation selector clients add or drop."""
    return key.replace(_VARIATION, "").strip()


def button_key(button: Button, taken: set[str]) -> str:
    """The reaction that presses ``button``: its verb's key, else a spare numbered one."""
    try:
        verb, _, arg = parse_action_id(button.action)
    except ValueError:
        verb, arg = button.action, ""
    key = KEYS.get(f"{verb}:{arg}") or KEYS.get(verb)
    if key is None or normalise_key(key) in taken:
        key = next(k for k in SPARE_KEYS if normalise_key(k) not in taken)
    taken.add(normalise_key(key))
    return key


def button_keys(buttons: tuple[Button, ...]) -> list[tuple[str, Button]]:
    taken: set[str] = set()
    return [(button_key(b, taken), b) for b in buttons]


def for_matrix(markup: str) -> str:
    """The core's words as Matrix users type them: ``/set`` is ``!set`` here."""
    return _COMMAND.sub(lambda m: f"{m.group(1)}!set", markup)


def mentioned(markup: str) -> list[str]:
    """The Matrix users the core itself mentions in ``markup`` (never text a member typed)."""
    return list(dict.fromkeys(m for m in _CORE_MENTION.findall(markup) if m.startswith("@")))


def to_plain(markup: str) -> str:
    """Markup as the plain ``body``: mentions as user ids, entities decoded, no asterisks."""
    text = _CORE_MENTION.sub(lambda m: m.group(1), for_matrix(markup))
    return unescape(_BOLD.sub(r"\1", text))


def to_html(markup: str) -> str:
    """Markup as ``formatted_body``: mentions as pills, ``*bold*``, `` `code` ``, line breaks.

    The core's markup has user text escaped already (``&lt;``); any ``<`` or ``>`` left outside
    the core's own mentions is escaped here too, so no member's text ever becomes HTML.
    """
    parts: list[str] = []
    position = 0
    text = for_matrix(markup)
    for match in _CORE_MENTION.finditer(text):
        parts.append(_escape_tags(text[position:match.start()]))
        user_id = match.group(1)
        href = html.escape(MATRIX_TO + user_id, quote=True)
        parts.append(f'<a href="{href}">{html.escape(user_id, quote=False)}</a>')
        position = match.end()
    parts.append(_escape_tags(text[position:]))
    joined = "".join(parts)
    joined = _CODE.sub(r"<code>\1</code>", joined)
    joined = _BOLD.sub(r"<strong>\1</strong>", joined)
    return joined.replace("\n", "<br>")


def _escape_tags(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def mentions(user_ids: list[str]) -> dict[str, Any]:
    """``m.mentions``: exactly these users, never the room."""
    return {"user_ids": user_ids} if user_ids else {}


def card_markup(card: Card, keys: list[tuple[str, Button]]) -> str:
    """The card as one piece of markup: title, body, fields, and what each reaction does."""
    lines = [f"*{card.title}*"] if card.title else []
    if card.body:
        lines.append(card.body)
    lines.extend(f"*{f.name}*: {f.value}" for f in card.fields)
    if keys:
        explained = words.t("key_separator").join(
            words.t("key", emoji=key, label=button.label) for key, button in keys)
        lines.append(words.t("keys", keys=explained))
    return "\n".join(lines)


def card_content(card: Card, *, where: ChannelRef | None = None) -> dict[str, Any]:
    """A card as ``m.room.message`` content; ``where`` is the room the card is about when it is
    sent elsewhere (a whisper delivered to a DM), so a reaction on it acts there."""
    keys = button_keys(card.buttons)
    markup = card_markup(card, keys)
    content: dict[str, Any] = text_content(markup)
    if keys:
        content[BUTTONS_KEY] = {normalise_key(key): b.action for key, b in keys}
    if where is not None:
        content[WHERE_KEY] = {"key": where.key, "direct": where.direct}
    return content


def seeded_keys(card: Card) -> list[str]:
    return [key for key, _ in button_keys(card.buttons)]


def text_content(markup: str, *, notice: bool = False, ping: bool = True) -> dict[str, Any]:
    """Markup as a message; ``ping=False`` mentions nobody even if the markup names someone."""
    return {
        "msgtype": "m.notice" if notice else "m.text",
        "body": to_plain(markup),
        "format": HTML_FORMAT,
        "formatted_body": to_html(markup),
        "m.mentions": mentions(mentioned(markup) if ping else []),
    }


def edit_content(event_id: str, new: Mapping[str, Any]) -> dict[str, Any]:
    """An edit (``m.replace``) of ``event_id`` to ``new``; the edit itself pings nobody.
    (The fallback ``body`` is short: clients show ``m.new_content``.)"""
    edit: dict[str, Any] = {
        "msgtype": new.get("msgtype", "m.text"),
        "body": "* " + clip(str(new.get("body", "")), FALLBACK_LIMIT),
        "m.new_content": dict(new),
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        "m.mentions": {},
    }
    if "formatted_body" in new:
        edit["format"] = HTML_FORMAT
        shown = html.escape(clip(str(new.get("body", "")), FALLBACK_LIMIT), quote=False)
        edit["formatted_body"] = "* " + shown.replace("\n", "<br>")
    return edit


# ---------------------------------------------------------------------- size

def size(content: Mapping[str, Any]) -> int:
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))


def fitted(content: dict[str, Any], limit: int = EVENT_LIMIT) -> list[dict[str, Any]]:
    """``content`` as messages the homeserver accepts (it refuses an event over 64 KiB): as it
    is; else without its HTML; else its plain body cut into several messages, the last one
    keeping the card's keys (where the reactions go) and the first its mentions."""
    if size(content) <= limit:
        return [content]
    plain = {k: v for k, v in content.items() if k not in ("format", "formatted_body")}
    if size(plain) <= limit:
        return [plain]
    extra = {k: v for k, v in plain.items() if k not in ("body", "m.mentions")}
    pieces = split_text(str(plain.get("body", "")), BODY_PIECE)
    messages = [{"msgtype": plain.get("msgtype", "m.text"), "body": piece, "m.mentions": {}}
                for piece in pieces]
    messages[0]["m.mentions"] = plain.get("m.mentions", {})
    messages[-1].update(extra)
    return messages


def fitted_edit(event_id: str, new: dict[str, Any], limit: int = EVENT_LIMIT) -> dict[str, Any]:
    """An edit within the limit: without HTML, then with its body clipped (an edit cannot be
    split; the card stays one message)."""
    edit = edit_content(event_id, new)
    if size(edit) <= limit:
        return edit
    plain = {k: v for k, v in new.items() if k not in ("format", "formatted_body")}
    edit = edit_content(event_id, plain)
    while size(edit) > limit:
        body = str(plain["body"])
        plain["body"] = clip(body, max(len(body) - (size(edit) - limit) - 100, 100))
        edit = edit_content(event_id, plain)
    return edit


# ---------------------------------------------------------------------- forms in threads

def form_markup(form: Form, user_markup: str) -> str:
    lines = [words.t("form_ask", user=user_markup, title=f"*{form.title}*")]
    if len(form.fields) > 1:
        lines.append(words.t("form_lines"))
    for item in form.fields:
        notes = []
        if not item.required:
            notes.append(words.t("form_optional"))
        if item.choices:
            notes.append(words.t("form_choices", choices=", ".join(item.choices)))
        if item.hint and not item.choices:
            notes.append(item.hint)
        label = f"`{item.name}:` {item.label}" if len(form.fields) > 1 else item.label
        lines.append(" ".join([f"• {label}", *notes]))
    return "\n".join(lines)


def form_content(form: Form, user_id: str, where: ChannelRef, thread_root: str | None
                 ) -> dict[str, Any]:
    """The question, in the thread of ``thread_root`` (or starting one), naming its member."""
    content = text_content(form_markup(form, f"<@{user_id}>"))
    content[FORM_KEY] = {"id": form.id, "user": user_id,
                         "fields": [f.name for f in form.fields],
                         "labels": [unescape(f.label) for f in form.fields],
                         "choices": [list(f.choices) if f.kind is FieldKind.CHOICE else []
                                     for f in form.fields],
                         "where": where.key}
    if thread_root:
        content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread_root,
                                   "is_falling_back": True,
                                   "m.in_reply_to": {"event_id": thread_root}}
    return content


def form_values(spec: Mapping[str, Any], text: str) -> dict[str, str]:
    """A member's one reply as the form's values.

    Lines starting with a field's name or label and a colon fill that field; other lines go on
    the field before them (the first field at the start). A first field with choices takes the
    reply's first word when it is one of them (``done It went well``).
    """
    names = [str(n) for n in spec.get("fields", [])]
    labels = [str(n).lower() for n in spec.get("labels", [])]
    choices = [list(c) for c in spec.get("choices", [])] or [[] for _ in names]
    if not names:
        return {}
    values: dict[str, list[str]] = {name: [] for name in names}
    current = names[0]
    body = text.strip()
    first_choices = choices[0] if choices else []
    if first_choices and len(names) > 1:
        head, _, rest = body.partition(" ")
        if head.lower().rstrip(",.:") in first_choices:
            values[names[0]].append(head.lower().rstrip(",.:"))
            current = names[1]
            body = rest.strip()
    for line in body.splitlines():
        prefix, colon, rest = line.partition(":")
        wanted = prefix.strip().lower()
        named = next((n for i, n in enumerate(names)
                      if colon and (wanted == n.lower() or (i < len(labels)
                                                            and wanted == labels[i]))), None)
        if named is not None:
            current = named
            line = rest.strip()
        values[current].append(line)
    return {name: "\n".join(parts).strip() for name, parts in values.items()
            if "\n".join(parts).strip()}
