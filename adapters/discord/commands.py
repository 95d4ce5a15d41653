"""The ``/set`` command group, derived from the core's verb table (``bot.core.verbs``).

Each typed command of the table becomes a subcommand (``("programme", "join")`` in a subgroup)
whose typed options are joined back into the core's grammar text, so the core parses one
grammar on every platform. A new verb is a new entry in the verb table, not a row here.

Descriptions and choice labels are ``locale_str`` values: English from the message catalogue,
keyed by message id, and ``CatalogueTranslator`` gives Discord each other language the
catalogue has (``tree.set_translator``).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
from discord import app_commands

from bot import i18n
from bot.core import language as languages
from bot.core.messages import ENGLISH, plain
from bot.core.verbs import TABLE, Option, Typed
from bot.core.verbs import OptionKind as Kind

GROUP_NAME = "set"
MAX_SUBCOMMANDS = 25
DESCRIPTION_LIMIT = 100
# Every typed command, in the table's order.
VERBS: tuple[Typed, ...] = tuple(typed for verb in TABLE for typed in verb.typed)


def grammar_text(verb: Typed, values: Mapping[str, Any]) -> str:
    """The core grammar for a subcommand and its typed values (``schedule 2026-12-01 14:00``)."""
    parts = list(verb.words)
    ordered = sorted(verb.options, key=lambda o: not o.leading)
    for option in ordered:
        value = values.get(option.name)
        if value is None or value == "" or value is False:
            continue
        if option.kind is Kind.FLAG:
            parts.append(option.word)
            continue
        if option.kind is Kind.MEMBER:
            text = f"<@{value.id}>" if hasattr(value, "id") else str(value)
        else:
            text = str(value).strip()
            if option.kind is Kind.NUMBER:
                text += option.suffix
        if option.word:
            parts.append(option.word)
        parts.append(text)
    return " ".join(parts)


Handler = Callable[[discord.Interaction, str], Awaitable[None]]


def _annotation(option: Option) -> Any:
    match option.kind:
        case Kind.MEMBER:
            base: Any = discord.User
        case Kind.NUMBER:
            base = app_commands.Range[int, option.low or 0, option.high or 10_000]
        case Kind.FLAG:
            base = bool
        case _:  # TEXT, and CHOICE whose choices are set apart (they carry labels)
            base = str
    return base if option.required else base | None


def _command(verb: Typed, handler: Handler) -> app_commands.Command:
    """One subcommand whose signature is made from the row's options."""

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await handler(interaction, grammar_text(verb, values))

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    for option in sorted(verb.options, key=lambda o: not o.required):
        parameters.append(inspect.Parameter(
            option.name, inspect.Parameter.KEYWORD_ONLY, annotation=_annotation(option),
            default=inspect.Parameter.empty if option.required else None))
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        o.name: _describe(verb.option_description_id(o)) for o in verb.options}
    callback.__discord_app_commands_param_choices__ = {  # type: ignore[attr-defined]
        o.name: [app_commands.Choice(name=_describe(verb.choice_label_id(o, choice)),
                                     value=choice) for choice in o.choices]
        for o in verb.options if o.kind is Kind.CHOICE}
    return app_commands.Command(name=verb.path[-1], description=_describe(verb.description_id),
                                callback=callback)


def _describe(message_id: str) -> app_commands.locale_str:
    """Catalogue text for Discord, translated by ``CatalogueTranslator`` at sync."""
    return app_commands.locale_str(plain(message_id)[:DESCRIPTION_LIMIT], key=message_id)


def _language(locale: discord.Locale) -> str:
    return locale.value.split("-")[0].lower()


class CatalogueTranslator(app_commands.Translator):
    """Discord's descriptions and choice labels in each language the catalogue has (English
    is the text itself, so it is never a translation)."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        key = string.extras.get("key")
        voice = i18n.voices().get(_language(locale))
        if key is None or voice is None or key not in ENGLISH:
            return None
        with languages.speaking(voice):
            return plain(key)[:DESCRIPTION_LIMIT]


async def payloads(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None
                   ) -> list[dict[str, Any]]:
    """The commands as ``tree.sync`` sends them (translated when the tree has a translator)."""
    commands = tree.get_commands(guild=guild)
    if tree.translator is None:
        return [command.to_dict(tree) for command in commands]
    return [await command.get_translated_payload(tree, tree.translator)
            for command in commands]


def build_group(handler: Handler, verbs: tuple[Typed, ...] = VERBS, *,
                in_dms: bool = True) -> app_commands.Group:
    """The ``/set`` group (with its subgroups), every subcommand calling ``handler``.

    ``in_dms``: a global command is offered in servers and in DMs with the bot (check-ins are
    answered there); a guild command exists only in its guild, so it says nothing of contexts.
    """
    contexts = (app_commands.AppCommandContext(guild=True, dm_channel=True) if in_dms
                else None)
    installs = app_commands.AppInstallationType(guild=True) if in_dms else None
    root = app_commands.Group(name=GROUP_NAME, description=_describe(f"command.{GROUP_NAME}"),
                              allowed_contexts=contexts, allowed_installs=installs)
    subgroups: dict[str, app_commands.Group] = {}
    for verb in verbs:
        parent = root
        if len(verb.path) == 2:
            name = verb.path[0]
            if name not in subgroups:
                subgroups[name] = app_commands.Group(
                    name=name, description=_describe(f"command.{name}"), parent=root)
            parent = subgroups[name]
        parent.add_command(_command(verb, handler))
    return root


def _normal_option(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": data.get("type"),
        "name": data.get("name"),
        "description": data.get("description", ""),
        "description_localizations": data.get("description_localizations") or {},
        "required": bool(data.get("required", False)),
        "choices": [(c.get("name"), c.get("value"), c.get("name_localizations") or {})
                    for c in data.get("choices") or []],
        "min_value": data.get("min_value"),
        "max_value": data.get("max_value"),
        "options": [_normal_option(o) for o in data.get("options") or []],
    }


def normalise(commands: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What Discord keeps of a command list, comparable between ours and the registered one."""
    result = []
    for data in commands:
        contexts = data.get("contexts")
        result.append({
            "name": data.get("name"),
            "type": data.get("type", 1),
            "description": data.get("description", ""),
            "description_localizations": data.get("description_localizations") or {},
            "options": [_normal_option(o) for o in data.get("options") or []],
            "contexts": sorted(contexts) if contexts else None,
        })
    return sorted(result, key=lambda c: (c["name"], c["type"]))
