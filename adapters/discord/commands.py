"""The ``/set`` command group, built from one table: a row per verb of PRODUCT.md.

Each row names the subcommand (``("programme", "join")`` for a subgroup), its typed options and
how the typed values are joined back into the core's grammar text, so the core parses one
grammar on every platform. A new verb is one new row.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

import discord
from discord import app_commands

GROUP_NAME = "set"
GROUP_DESCRIPTION = "Revans: run your action learning set"


class Kind(Enum):
    TEXT = "text"
    MEMBER = "member"
    NUMBER = "number"
    FLAG = "flag"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class Option:
    """A typed option. ``word`` is put before the value in the grammar text (``by``, ``every``);
    a ``FLAG`` contributes its ``word`` when true."""

    name: str
    kind: Kind
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    word: str = ""
    suffix: str = ""
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True, slots=True)
class Verb:
    """A subcommand at ``path``; ``grammar`` is the core's words for it (default: the path)."""

    path: tuple[str, ...]
    description: str
    options: tuple[Option, ...] = ()
    grammar: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return self.grammar or self.path


def _text(name: str, description: str, *, required: bool = True, word: str = "") -> Option:
    return Option(name, Kind.TEXT, description, required=required, word=word)


VERBS: tuple[Verb, ...] = (
    Verb(("create",), "Make this channel a set's home; you become its facilitator",
         (_text("name", "The set's name"),)),
    Verb(("join",), "Join this set, accepting its ground rules"),
    Verb(("leave",), "Leave this set (your commitments stay yours)"),
    Verb(("schedule",), "The next meeting and how often, in the set's time zone", (
        _text("when", "Date and time as YYYY-MM-DD HH:MM, e.g. 2026-12-01 14:00"),
        Option("every", Kind.NUMBER, "Repeat every N weeks (1 to 26)", required=False,
               word="every", suffix="w", low=1, high=26),
    )),
    Verb(("start",), "Start a meeting now"),
    Verb(("here",), "Say you're here; bid to ask for time to present", (
        Option("bid", Kind.FLAG, "Ask for time to present", required=False, word="bid"),
    )),
    Verb(("next",), "Move the meeting on (facilitator or presenter)"),
    Verb(("status",), "Stage, presenter, time left"),
    Verb(("report",), "Report back on your commitments, during the review", (
        Option("outcome", Kind.CHOICE, "How it went", choices=("done", "partly", "not")),
        _text("account", "What happened, and what you learned"),
    )),
    Verb(("commit",), "Commit to an action, when presenting", (
        _text("action", "The action you will take"),
        _text("by", "Due date as YYYY-MM-DD (default: the next meeting)", required=False,
              word="by"),
    )),
    Verb(("end",), "Close the meeting and post the summary (facilitator)"),
    Verb(("actions",), "The set's open commitments, or only yours", (
        Option("mine", Kind.FLAG, "Only your own", required=False, word="mine"),
    )),
    Verb(("checkins",), "When check-ins go out, or pause / resume them", (
        _text("setting", "Offsets like 7d,-2d (s m h d w; minus counts back from the due "
                         "date), or pause, or resume"),
    )),
    Verb(("timebox",), "Change a stage's time box (facilitator)", (
        Option("stage", Kind.CHOICE, "The stage",
               choices=("review", "presentation", "questioning", "commitment", "closing")),
        Option("minutes", Kind.NUMBER, "Minutes, 1 to 180", low=1, high=180),
    )),
    Verb(("autoadvance",), "Move on by itself when a stage's time is up (facilitator)", (
        Option("setting", Kind.CHOICE, "on or off", choices=("on", "off")),
    ), grammar=("timebox", "auto")),
    Verb(("facilitator",), "Hand the facilitator role on (facilitator)", (
        Option("member", Kind.MEMBER, "The member who takes over"),
    )),
    Verb(("progress",), "Answer a check-in: on track, stuck, done or snooze", (
        Option("answer", Kind.CHOICE, "How it is going",
               choices=("on-track", "stuck", "done", "snooze")),
        _text("note", "A few words (optional)", required=False),
    )),
    Verb(("quiet",), "Your quiet hours (no check-ins then), or off", (
        _text("hours", "HH:MM-HH:MM [Area/City], e.g. 20:00-08:00 Europe/Paris, or off"),
    )),
    Verb(("timezone",), "The set's time zone (facilitator)", (
        _text("zone", "Area/City, e.g. Europe/London"),
    )),
    Verb(("export",), "Your own record, as a Markdown file by DM"),
    Verb(("forget-me",), "Erase what you said in this set; counts stay"),
    Verb(("help",), "The commands, or one command's usage", (
        _text("command", "A command, e.g. schedule", required=False),
    )),
    # Programme verbs (the core learns them soon; until then it answers "unknown command").
    Verb(("programme", "create"), "Make this shared channel a programme's channel", (
        _text("name", "The programme's name"),
    )),
    Verb(("programme", "join"), "This set joins a programme (facilitator)", (
        _text("code", "The join code a coordinator gave you"),
    )),
    Verb(("programme", "leave"), "This set leaves its programme (facilitator)"),
    Verb(("programme", "coordinator"), "Add a coordinator (coordinator)", (
        Option("member", Kind.MEMBER, "The new coordinator"),
    )),
    Verb(("programme", "code"), "A fresh join code, privately (coordinator)"),
    Verb(("org",), "The organisation you come from (counted, never named)", (
        _text("name", "Your organisation"),
    )),
    # Discord allows 25 subcommands in a group and PRODUCT.md has 26 top-level verbs, so the two
    # coordinator-only verbs live under ``/set programme``; the core still reads
    # ``announce ...`` and ``digest ...``.
    Verb(("programme", "announce"), "Post to the programme's channel (coordinator)", (
        _text("text", "What to announce"),
        Option("all", Kind.FLAG, "Also post to every member set's channel", required=False,
               word="--all"),
    ), grammar=("announce",)),
    Verb(("programme", "digest"), "Post the programme digest now (coordinator)", (
        Option("csv", Kind.FLAG, "The same numbers as a CSV file", required=False, word="csv"),
        _text("weekly", "When it goes out each week: <weekday> <HH:MM>, e.g. mon 09:00",
              required=False, word="weekly"),
    ), grammar=("digest",)),
    Verb(("share",), "Share one learning, anonymised, with the programme", (
        _text("insight", "What you learned"),
    )),
)
PROGRAMME_DESCRIPTION = "Programmes: sets from several organisations"
GROUP_DESCRIPTIONS = {"programme": PROGRAMME_DESCRIPTION}

# Options whose value goes first in the text though it is declared later (announce --all).
_LEADING_FLAGS = {("announce",): ("all",)}
MAX_SUBCOMMANDS = 25


def grammar_text(verb: Verb, values: Mapping[str, Any]) -> str:
    """The core grammar for a subcommand and its typed values (``schedule 2026-12-01 14:00``)."""
    parts = list(verb.words)
    leading = _LEADING_FLAGS.get(verb.words, ())
    ordered = sorted(verb.options, key=lambda o: o.name not in leading)
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
        case Kind.CHOICE:
            base = Literal.__getitem__(option.choices)
        case _:
            base = str
    return base if option.required else base | None


def _command(verb: Verb, handler: Handler) -> app_commands.Command:
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
        o.name: o.description[:100] for o in verb.options}
    return app_commands.Command(name=verb.path[-1], description=verb.description[:100],
                                callback=callback)


def build_group(handler: Handler, verbs: tuple[Verb, ...] = VERBS, *,
                in_dms: bool = True) -> app_commands.Group:
    """The ``/set`` group (with its subgroups), every subcommand calling ``handler``.

    ``in_dms``: a global command is offered in servers and in DMs with the bot (check-ins are
    answered there); a guild command exists only in its guild, so it says nothing of contexts.
    """
    contexts = (app_commands.AppCommandContext(guild=True, dm_channel=True) if in_dms
                else None)
    installs = app_commands.AppInstallationType(guild=True) if in_dms else None
    root = app_commands.Group(name=GROUP_NAME, description=GROUP_DESCRIPTION,
                              allowed_contexts=contexts, allowed_installs=installs)
    subgroups: dict[str, app_commands.Group] = {}
    for verb in verbs:
        parent = root
        if len(verb.path) == 2:
            name = verb.path[0]
            if name not in subgroups:
                subgroups[name] = app_commands.Group(
                    name=name, description=GROUP_DESCRIPTIONS.get(name, name), parent=root)
            parent = subgroups[name]
        parent.add_command(_command(verb, handler))
    return root


def _normal_option(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": data.get("type"),
        "name": data.get("name"),
        "description": data.get("description", ""),
        "required": bool(data.get("required", False)),
        "choices": [(c.get("name"), c.get("value")) for c in data.get("choices") or []],
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
            "options": [_normal_option(o) for o in data.get("options") or []],
            "contexts": sorted(contexts) if contexts else None,
        })
    return sorted(result, key=lambda c: (c["name"], c["type"]))
