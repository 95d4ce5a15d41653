"""One neutral model for what the bot shows: cards, buttons and forms.

Renderers turn these into Slack Block Kit, Discord embeds and views, or console text. Sizes are
clipped here to the tighter of the platforms' limits, so no renderer has to reject anything.
Text is in the core's markup (see ``refs.escape``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.messages import t

ELLIPSIS = "…"
TITLE_LIMIT = 150          # Slack header block
FIELD_LIMIT = 1024         # Discord embed field value
BODY_LIMIT = 12_000        # a safety net: renderers split bodies past their platform's limit
MAX_FIELDS = 20            # Discord allows 25 fields; Slack 50 blocks a message
MAX_BUTTONS = 5            # one action row
ACTION_ID_LIMIT = 100      # Discord custom_id
FORM_TITLE_LIMIT = 24      # Slack modal title


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True, kw_only=True)
class Button:
    label: str
    action: str
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True, slots=True, kw_only=True)
class CardField:
    name: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """A message. ``slot`` names a message that later ``Update`` effects edit in place."""

    title: str = ""
    body: str = ""
    fields: tuple[CardField, ...] = ()
    buttons: tuple[Button, ...] = ()
    slot: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clip(self.title, TITLE_LIMIT))
        object.__setattr__(self, "body", clip(self.body, BODY_LIMIT))
        clipped = tuple(
            CardField(name=clip(f.name, 256), value=clip(f.value, FIELD_LIMIT))
            for f in self.fields[:MAX_FIELDS]
        )
        object.__setattr__(self, "fields", clipped)
        object.__setattr__(self, "buttons", self.buttons[:MAX_BUTTONS])

    @property
    def text(self) -> str:
        """The card as plain markup, for notifications and text-only renderers."""
        parts = [f"*{self.title}*"] if self.title else []
        if self.body:
            parts.append(self.body)
        parts.extend(f"*{f.name}*: {f.value}" for f in self.fields)
        return "\n".join(parts)


class FieldKind(StrEnum):
    SHORT = "short"
    LONG = "long"
    DATE = "date"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True, kw_only=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.SHORT
    required: bool = True
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()  # what a member sees for each choice, if not the word
    hint: str = ""

    def labelled_choices(self) -> tuple[tuple[str, str], ...]:
        """``(value, label)`` for each choice: the value is what the form sends back."""
        labels = self.choice_labels or self.choices
        return tuple(zip(self.choices, labels, strict=True))


@dataclass(frozen=True, slots=True, kw_only=True)
class Form:
    """A modal: ``id`` is an action id, so the submission finds its meeting again."""

    id: str
    title: str
    fields: tuple[FormField, ...]
    submit: str = field(default_factory=lambda: t("form.submit"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clip(self.title, FORM_TITLE_LIMIT))


def action_id(verb: str, subject: str, arg: str = "") -> str:
    """Encode a button or form id as ``verb:subject[:arg]``, within Discord's 100 characters."""
    for part in (verb, subject):
        if ":" in part:
            raise ValueError(f"':' is reserved in action ids: {part!r}")
    encoded = f"{verb}:{subject}:{arg}" if arg else f"{verb}:{subject}"
    if len(encoded) > ACTION_ID_LIMIT:
        raise ValueError(f"action id longer than {ACTION_ID_LIMIT}: {encoded!r}")
    return encoded


def parse_action_id(encoded: str) -> tuple[str, str, str]:
    """The inverse of :func:`action_id`: ``(verb, subject, arg)``; raises ``ValueError``."""
    parts = encoded.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ValueError(f"not an action id: {encoded!r}")
    return parts[0], parts[1], parts[2] if len(parts) == 3 else ""
