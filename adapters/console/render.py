"""Effects as terminal text: cards with numbered buttons, DMs and whispers labelled."""

from __future__ import annotations

import re

from bot.core.cards import Card, Form
from bot.core.messages import plain as words
from bot.core.refs import unescape

_MENTION = re.compile(r"<@([^>|]+)(?:\|[^>]*)?>")
_BOLD = re.compile(r"\*([^*\n]+)\*")


def plain(markup: str) -> str:
    """Core markup as terminal text: ``<@bob>`` → ``@bob``, entities unescaped, no asterisks."""
    return unescape(_BOLD.sub(r"\1", _MENTION.sub(r"@\1", markup)))


def card_lines(card: Card, numbers: list[int]) -> list[str]:
    """A card as indented lines; ``numbers`` are the console's numbers for its buttons."""
    lines = []
    if card.title:
        lines.append(f"┃ {plain(card.title)}")
    for line in plain(card.body).splitlines() if card.body else []:
        lines.append(f"┃ {line}")
    for item in card.fields:
        value = plain(item.value).splitlines() or [""]
        lines.append(f"┃ {plain(item.name)}: {value[0]}")
        lines.extend(f"┃   {more}" for more in value[1:])
    if card.buttons:
        lines.append("┃ " + "  ".join(f"[{n}] {plain(b.label)}"
                                        for n, b in zip(numbers, card.buttons, strict=True)))
    return lines


def form_lines(form: Form) -> list[str]:
    lines = [f"┃ {words('console.form_title', title=plain(form.title))}"]
    for field in form.fields:
        optional = "" if field.required else " " + words("console.form_optional")
        choices = (" — " + words("console.form_choices", choices=", ".join(field.choices))
                   if field.choices else "")
        lines.append(f"┃   {field.name}: {plain(field.label)}{optional}{choices}")
    example = " | ".join(f"{f.name}=…" for f in form.fields)
    lines.append(f"┃ {words('console.form_answer', example=example)}")
    return lines
