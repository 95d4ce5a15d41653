"""Core cards and forms as Adaptive Cards, built with the SDK's card models.

Text arrives in the core's markup (Slack's: ``*bold*``, `` `code` ``, ``<@ID>`` for a mention
the core means, ``<url|label>`` links, and user text escaped as ``&lt;``/``&gt;``/``&amp;``).
Teams pings only through a mention entity that matches an ``<at>…</at>`` span, so:

- a core mention becomes ``<at>Name</at>`` plus a ``mention`` entity on the card (the only
  entities the bot ever sends);
- anything a member typed that looks like ``<at>``, HTML or a Markdown link is broken with a
  zero-width space, so that echoing it shows the text and can never ping, render markup or
  hide a link.

Buttons are ``Action.Execute`` (the card is answered and replaced in place), except the ones
that open a form: those are ``Action.Submit`` with ``msteams.type = task/fetch``, since only a
``task/fetch`` invoke can answer with a dialog.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    DateInput,
    ExecuteAction,
    Mention,
    MentionedEntity,
    SubmitAction,
    TeamsCardProperties,
    TextBlock,
    TextInput,
)
from microsoft_teams.cards.utilities import OpenDialogData, SubmitData

from bot.core.cards import Button, ButtonStyle, Card, FieldKind, Form, parse_action_id
from bot.core.refs import unescape
from bot.core.verbs import FORM_BUTTONS
from bot.outbox import split_text

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
TEXT_BLOCK_LIMIT = 4000       # a text block, split at line ends (never cut)
CARD_BYTES = 22_000           # one message's card, inside Teams' ~28 KB message limit
FORM_VERBS = FORM_BUTTONS
"""Buttons whose press the core answers with a form (the verb table's ``opens_form``): rendered
as dialog openers. Any other press that opens a form gets a private "open the form" card."""

ACTION_KEY = "revans"   # the core's action id, in a button's data
FORM_KEY = "revans_form"  # the core's form id, in a dialog's submit data (inputs merge in)
_ZWSP = "\u200b"
_CORE_MENTION = re.compile(r"<@([A-Za-z0-9_.:-]{1,120})>")
_CORE_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|([^>]*))?>")
_ESCAPED_TAG = re.compile(r"&lt;(/?)([A-Za-z!@#])")
_MARKDOWN_LINK = re.compile(r"\]\(")
_BOLD = re.compile(r"(?<![*\w])\*([^*\n]+)\*(?![*\w])")
_STYLES = {ButtonStyle.PRIMARY: "positive", ButtonStyle.DANGER: "destructive"}


@dataclass
class Rendered:
    """One Adaptive Card and the users it mentions (ids as the core knows them)."""

    card: AdaptiveCard
    mentioned: list[str] = field(default_factory=list)

    def attachment(self) -> dict[str, Any]:
        return {"contentType": CARD_CONTENT_TYPE, "content": self.payload()}

    def payload(self) -> dict[str, Any]:
        return self.card.model_dump(by_alias=True, exclude_none=True)


def mentioned_ids(markup: str) -> list[str]:
    """The users the core itself mentions in ``markup``."""
    return list(dict.fromkeys(_CORE_MENTION.findall(markup)))


def to_teams(markup: str, names: Mapping[str, str] | None = None,
             mentions: dict[str, str] | None = None) -> str:
    """Core markup as Adaptive Card Markdown; ``mentions`` collects ``id → <at> text`` for the
    core's own mentions (names from ``names``, the display names the adapter knows)."""
    names = names or {}

    def mention(match: re.Match[str]) -> str:
        user_id = match.group(1)
        name = _plain(names.get(user_id) or "member")
        tag = f"<at>{name}</at>"
        if mentions is not None:
            mentions[user_id] = tag
        return tag

    def link(match: re.Match[str]) -> str:
        url, label = match.group(1), match.group(2)
        return f"[{_plain(label)}]({url})" if label else url

    text = _ESCAPED_TAG.sub(lambda m: "&lt;" + m.group(1) + _ZWSP + m.group(2), markup)
    text = _MARKDOWN_LINK.sub("]" + _ZWSP + "(", text)  # a typed [x](y) is shown, not linked
    text = _CORE_MENTION.sub(mention, text)
    text = _CORE_LINK.sub(link, text)
    text = _BOLD.sub(r"**\1**", text)
    return unescape(text)


def _plain(text: str) -> str:
    """A name or label put inside markup: no tags, no Markdown link syntax."""
    return re.sub(r"[<>\[\]]", "", text).strip() or "member"


def _text_block(text: str, **kwargs: Any) -> TextBlock:
    return TextBlock(text=text, wrap=True, **kwargs)


def _button(button: Button, *, opens_form: bool | None = None) -> Any:
    verb = _verb(button.action)
    style = _STYLES.get(button.style)
    if opens_form if opens_form is not None else verb in FORM_VERBS:
        action = SubmitAction(title=button.label, data=OpenDialogData(
            "revans", {ACTION_KEY: button.action}))
    else:
        action = ExecuteAction(title=button.label, verb=verb or "press",
                               data=SubmitData(action="press", data={ACTION_KEY: button.action}))
    if style:
        action.style = style
    return action


def _verb(encoded: str) -> str:
    try:
        return parse_action_id(encoded)[0]
    except ValueError:
        return ""


def render_card(card: Card, names: Mapping[str, str] | None = None) -> Rendered:
    """A core card as one Adaptive Card (version 1.5, which Teams renders); see
    ``render_messages`` for a card too big for one Teams message."""
    return render_messages(card, names)[0]


def render_messages(card: Card, names: Mapping[str, str] | None = None) -> list[Rendered]:
    """A core card as one Adaptive Card, or several when it would pass Teams' message size
    (about 28 KB): text is split at line ends, never cut; the buttons ride on the last."""
    mentions: dict[str, str] = {}
    blocks: list[tuple[Any, set[str]]] = []

    def add(markup: str, **style: Any) -> None:
        for piece in split_text(markup, TEXT_BLOCK_LIMIT, keep_entities=True):
            found: dict[str, str] = {}
            blocks.append((_text_block(to_teams(piece, names, found), **style), set(found)))
            mentions.update(found)

    if card.title:
        add(card.title, weight="Bolder", size="Medium")
    if card.body:
        add(card.body)
    for item in card.fields:
        add(item.name, weight="Bolder", spacing="Medium")
        add(item.value, spacing="Small")
    if not blocks:
        blocks.append((_text_block(_ZWSP), set()))
    groups: list[list[tuple[Any, set[str]]]] = [[]]
    size = 0
    for block in blocks:
        block_size = len(block[0].model_dump_json(by_alias=True, exclude_none=True))
        if groups[-1] and size + block_size > CARD_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(block)
        size += block_size
    rendered = []
    for index, group in enumerate(groups):
        adaptive = AdaptiveCard(version="1.5", body=[block for block, _ in group])
        if card.buttons and index == len(groups) - 1:
            adaptive.actions = [_button(b) for b in card.buttons]
        used = [user_id for user_id in mentions if any(user_id in ids for _, ids in group)]
        adaptive.msteams = TeamsCardProperties(width="full", entities=[
            Mention(text=mentions[user_id], mentioned=MentionedEntity(
                id=user_id, name=_tag_name(mentions[user_id]))) for user_id in used] or None)
        rendered.append(Rendered(card=adaptive, mentioned=used))
    return rendered


def _tag_name(tag: str) -> str:
    return tag.removeprefix("<at>").removesuffix("</at>")


def plain_text(card: Card, names: Mapping[str, str] | None = None) -> str:
    """The card as plain text, for an invoke's message answer (shown as is)."""
    text = to_teams(card.text, names)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    return text.replace("<at>", "").replace("</at>", "").strip()


def render_form(form: Form) -> AdaptiveCard:
    """A core form as the Adaptive Card of a dialog; its submit action carries the form id."""
    body: list[Any] = []
    for item in form.fields:
        label = item.label + ("" if item.required else " (optional)")
        if item.kind is FieldKind.CHOICE:
            body.append(ChoiceSetInput(id=item.name, label=label, is_required=item.required,
                                       style="expanded", value=item.choices[0]
                                       if item.choices and item.required else None,
                                       choices=[Choice(title=c, value=c)
                                                for c in item.choices]))
        elif item.kind is FieldKind.DATE:
            body.append(DateInput(id=item.name, label=label, is_required=item.required))
        else:
            body.append(TextInput(id=item.name, label=label, is_required=item.required,
                                  is_multiline=item.kind is FieldKind.LONG,
                                  placeholder=item.hint or None, max_length=3000))
        if item.hint and item.kind is not FieldKind.SHORT and item.kind is not FieldKind.LONG:
            body.append(_text_block(to_teams(item.hint), is_subtle=True, spacing="None"))
    submit = SubmitAction(title=form.submit, data={FORM_KEY: form.id})
    return AdaptiveCard(version="1.5", body=body, actions=[submit])


def form_opener(form: Form, text: str, label: str) -> Rendered:
    """A private card with one button that opens ``form`` as a dialog (for a form asked for by
    a typed command, where Teams has no dialog to answer with)."""
    adaptive = AdaptiveCard(version="1.5", body=[_text_block(to_teams(text))], actions=[
        _button(Button(label=label, action=form.id), opens_form=True)])
    return Rendered(card=adaptive)
