"""The verb table: every ``/set`` verb and every button, one entry each.

Everything else is derived from here: the grammar's dispatch (``read``), who may use a verb
(``VERB_ROLES``), where it may be used (set channel, DM, programme channel), what the engine
loads for it, ``/set help``, the routing of buttons, the typed commands of platforms that have
them (Discord's app-command tree) and Slack's fast path for buttons that open a form.

Adding a verb is one ``Verb`` entry in ``TABLE`` (with its parser, in ``grammar``) plus its
handler in ``step`` (``SET_HANDLERS``) or ``programme`` (coordinators' verbs), plus its catalogue
texts: ``usage.<name>``, ``help.<name>``, ``command.<path>`` and ``command.<path>.<option>``.
``tests/core/test_verbs.py`` fails if any of these is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, Flag, auto

from bot.core import grammar
from bot.core.grammar import Command, ParseError
from bot.core.permissions import Role


class Where(Flag):
    """Where a verb may be used."""

    SET = auto()  # a set's channel
    DIRECT = auto()  # a DM with the bot (the engine finds the member's set or programme)
    PROGRAMME = auto()  # a programme's shared channel


class Load(Enum):
    """What the engine loads besides the set's current state."""

    STATE = "state"
    HISTORY = "history"  # every entry, summary and share of the set (export, forget-me)
    SUMMARIES = "summaries"  # the set's ended meetings with their stored summaries
    PROGRAMME_BY_CODE = "programme-by-code"  # the programme a join code names


class OptionKind(Enum):
    TEXT = "text"
    MEMBER = "member"
    NUMBER = "number"
    FLAG = "flag"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class Option:
    """A typed option of a typed command; its value is written back into the grammar's text.

    ``word`` goes before the value (``by``, ``every``); a ``FLAG`` writes its ``word`` when
    true; ``suffix`` follows a number (``w``); a ``leading`` option is written first whatever
    its place (``announce --all <text>``). Its description is ``command.<path>.<name>``.
    """

    name: str
    kind: OptionKind
    required: bool = True
    choices: tuple[str, ...] = ()
    word: str = ""
    suffix: str = ""
    low: int | None = None
    high: int | None = None
    leading: bool = False


@dataclass(frozen=True, slots=True)
class Typed:
    """A typed command (a Discord subcommand): at ``path`` in the tree, it writes ``words``
    and then its options' values as grammar text."""

    path: tuple[str, ...]
    words: tuple[str, ...]
    options: tuple[Option, ...] = ()

    @property
    def description_id(self) -> str:
        return "command." + " ".join(self.path)

    def option_description_id(self, option: Option) -> str:
        return f"{self.description_id}.{option.name}"

    def choice_label_id(self, option: Option, choice: str) -> str:
        """The label a member sees for ``choice`` (the value written is the grammar word)."""
        return f"{self.description_id}.{option.name}.{choice}"


Parser = Callable[[str, str], Command]


class _Documented:
    """A verb or a group: its usage line and help line are catalogue entries by its name."""

    __slots__ = ()
    name: str

    @property
    def usage_id(self) -> str:
        return f"usage.{self.name}"

    @property
    def help_id(self) -> str:
        return f"help.{self.name}"


@dataclass(frozen=True, slots=True)
class Verb(_Documented):
    """One ``/set`` verb.

    ``name``: its words (``programme join``). ``parse(name, rest)`` makes its command from the
    text after the name or raises ``ParseError``. ``commands``: the command types the parser
    makes, each with a handler. ``path``: where its typed command sits when that is not its
    name (Discord allows 25 subcommands a group). ``variants``: more typed commands that write
    this verb's grammar (``autoadvance`` writes ``timebox auto``).
    """

    name: str
    parse: Parser
    commands: tuple[type, ...]
    role: Role
    where: Where = Where.SET
    loads: Load = Load.STATE
    options: tuple[Option, ...] = ()
    path: tuple[str, ...] = ()
    variants: tuple[Typed, ...] = ()

    @property
    def typed(self) -> tuple[Typed, ...]:
        words = tuple(self.name.split())
        return (Typed(self.path or words, words, self.options), *self.variants)


@dataclass(frozen=True, slots=True)
class Group(_Documented):
    """The first word of two-word verbs (``programme``): it has a usage, a help line and a
    typed-command group of its own."""

    name: str

    @property
    def description_id(self) -> str:
        return f"command.{self.name}"


def _text(name: str, *, required: bool = True, word: str = "") -> Option:
    return Option(name, OptionKind.TEXT, required=required, word=word)


def _flag(name: str, word: str, *, leading: bool = False) -> Option:
    return Option(name, OptionKind.FLAG, required=False, word=word, leading=leading)


def _choice(name: str, *choices: str) -> Option:
    return Option(name, OptionKind.CHOICE, choices=choices)


_MEMBER_OR_DM = Where.SET | Where.DIRECT
_COORDINATORS = Where.PROGRAMME | Where.DIRECT


def _help(verb: str, rest: str) -> grammar.Help:
    wanted = " ".join(rest.lower().split()) or None
    if wanted is not None and wanted not in COMMAND_NAMES and wanted not in GROUPS:
        raise ParseError(None, "error.unknown_verb", word=wanted)
    return grammar.Help(verb=wanted)


TABLE: tuple[Verb, ...] = (
    Verb("create", grammar.parse_create, (grammar.Create,), Role.ANYONE,
         Where.SET | Where.PROGRAMME, options=(_text("name"),)),
    Verb("join", grammar.no_args(grammar.Join), (grammar.Join,), Role.ANYONE),
    Verb("leave", grammar.no_args(grammar.Leave), (grammar.Leave,), Role.MEMBER),
    Verb("schedule", grammar.parse_schedule,
         (grammar.Schedule, grammar.ScheduleOff, grammar.ScheduleSkip), Role.MEMBER, options=(
        _text("when"),
        Option("every", OptionKind.NUMBER, required=False, word="every", suffix="w", low=1,
               high=26),
    )),
    Verb("start", grammar.no_args(grammar.Start), (grammar.Start,), Role.MEMBER),
    Verb("here", grammar.parse_here, (grammar.Here,), Role.MEMBER,
         options=(_flag("bid", "bid"),)),
    Verb("next", grammar.no_args(grammar.Next), (grammar.Next,),
         Role.FACILITATOR_OR_PRESENTER),
    Verb("status", grammar.no_args(grammar.Status), (grammar.Status,), Role.MEMBER,
         _MEMBER_OR_DM),
    Verb("report", grammar.parse_report, (grammar.Report,), Role.MEMBER, options=(
        _choice("outcome", "done", "partly", "not"), _text("account"),
        Option("number", OptionKind.NUMBER, required=False, low=1, high=99, leading=True))),
    Verb("commit", grammar.parse_commit, (grammar.Commit,), Role.MEMBER, options=(
        _text("action"), _text("by", required=False, word="by"))),
    Verb("end", grammar.no_args(grammar.End), (grammar.End,), Role.FACILITATOR),
    Verb("actions", grammar.parse_actions, (grammar.Actions,), Role.MEMBER, _MEMBER_OR_DM,
         options=(_flag("mine", "mine"),)),
    Verb("checkins", grammar.parse_checkins, (grammar.Checkins,), Role.MEMBER, _MEMBER_OR_DM,
         options=(_text("setting"),)),
    Verb("timebox", grammar.parse_timebox, (grammar.Timebox, grammar.AutoAdvance),
         Role.FACILITATOR, options=(
             _choice("stage", *(stage.value for stage in grammar.TIMEBOX_STAGES)),
             Option("minutes", OptionKind.NUMBER, low=1, high=180)),
         variants=(Typed(("settings", "autoadvance"), ("timebox", "auto"),
                         (_choice("setting", "on", "off"),)),)),
    # The handler decides who may: the facilitator hands on; while a meeting runs and the
    # facilitator has not said they're here, a member who is here takes the role for it.
    Verb("facilitator", grammar.parse_facilitator, (grammar.Facilitator,), Role.MEMBER,
         options=(Option("member", OptionKind.MEMBER),)),
    Verb("progress", grammar.parse_progress, (grammar.ProgressAnswer,), Role.MEMBER,
         _MEMBER_OR_DM, options=(_choice("answer", "on-track", "stuck", "done", "snooze"),
                                 _text("note", required=False))),
    # Discord's 25 subcommands a group: a member's own settings are typed under ``/set my``,
    # the set's under ``/set settings``, its record under ``/set record`` (same grammar).
    Verb("quiet", grammar.parse_quiet, (grammar.Quiet,), Role.MEMBER, _MEMBER_OR_DM,
         options=(_text("hours"),), path=("my", "quiet")),
    Verb("timezone", grammar.parse_timezone, (grammar.Timezone,), Role.FACILITATOR,
         Where.SET | Where.PROGRAMME, options=(_text("zone"),), path=("settings", "timezone")),
    Verb("export", grammar.parse_record, (grammar.Export,), Role.MEMBER_OR_FORMER,
         _MEMBER_OR_DM, Load.HISTORY, options=(_text("set", required=False),)),
    Verb("forget-me", grammar.parse_record, (grammar.ForgetMe,), Role.MEMBER_OR_FORMER,
         _MEMBER_OR_DM, Load.HISTORY, options=(_text("set", required=False),)),
    Verb("help", _help, (grammar.Help,), Role.ANYONE, Where.SET | Where.DIRECT | Where.PROGRAMME,
         options=(_text("command", required=False),)),
    Verb("programme create", grammar.parse_programme_create, (grammar.ProgrammeCreate,),
         Role.ANYONE, Where.SET | Where.PROGRAMME, options=(_text("name"),)),
    Verb("programme join", grammar.parse_programme_join, (grammar.ProgrammeJoin,),
         Role.FACILITATOR, loads=Load.PROGRAMME_BY_CODE, options=(_text("code"),)),
    Verb("programme leave", grammar.no_args(grammar.ProgrammeLeave), (grammar.ProgrammeLeave,),
         Role.FACILITATOR),
    Verb("programme coordinator", grammar.parse_programme_coordinator,
         (grammar.ProgrammeCoordinator,), Role.COORDINATOR, _COORDINATORS,
         options=(Option("member", OptionKind.MEMBER),)),
    Verb("programme code", grammar.no_args(grammar.ProgrammeCode), (grammar.ProgrammeCode,),
         Role.COORDINATOR, _COORDINATORS),
    Verb("org", grammar.parse_org, (grammar.Org,), Role.MEMBER, options=(_text("name"),)),
    # Discord allows 25 subcommands in a group: the coordinators' announce and digest are typed
    # under ``/set programme``; the grammar still reads ``announce ...`` and ``digest ...``.
    Verb("announce", grammar.parse_announce, (grammar.Announce,), Role.COORDINATOR,
         _COORDINATORS, path=("programme", "announce"),
         options=(_text("text"), _flag("all", "--all", leading=True))),
    Verb("digest", grammar.parse_digest, (grammar.Digest,), Role.COORDINATOR, _COORDINATORS,
         path=("programme", "digest"),
         options=(_flag("csv", "csv"), _text("weekly", required=False, word="weekly"))),
    Verb("share", grammar.parse_share, (grammar.ShareLearning,), Role.MEMBER,
         options=(_text("insight"),)),
    Verb("apologies", grammar.parse_apologies, (grammar.Apologies,), Role.MEMBER, _MEMBER_OR_DM,
         path=("my", "apologies"),
         options=(_text("date", required=False), _text("note", required=False),
                  _flag("off", "off", leading=True))),
    Verb("members", grammar.no_args(grammar.Members), (grammar.Members,), Role.MEMBER,
         _MEMBER_OR_DM, path=("record", "members")),
    Verb("summaries", grammar.parse_summaries, (grammar.Summaries,), Role.MEMBER, _MEMBER_OR_DM,
         Load.SUMMARIES, path=("record", "summaries"),
         options=(Option("count", OptionKind.NUMBER, required=False, low=1,
                         high=grammar.SUMMARIES_MOST),)),
    Verb("summary", grammar.parse_summary, (grammar.Summary,), Role.MEMBER, _MEMBER_OR_DM,
         Load.SUMMARIES, path=("record", "summary"),
         options=(Option("meeting", OptionKind.NUMBER, low=1, high=10_000),)),
    Verb("action", grammar.parse_action, (grammar.ActionChange,), Role.MEMBER, _MEMBER_OR_DM,
         path=("my", "action"),
         options=(Option("number", OptionKind.NUMBER, low=1, high=1_000),
                  _text("text", required=False), _text("due", required=False, word="due"),
                  _text("drop", required=False, word="drop"))),
    Verb("away", grammar.parse_away, (grammar.Away,), Role.MEMBER, _MEMBER_OR_DM,
         path=("my", "away"), options=(_text("until", word="until"),)),
    Verb("holidays", grammar.parse_holidays, (grammar.Holidays,), Role.FACILITATOR,
         path=("settings", "holidays"), options=(_text("region"),)),
    Verb("link", grammar.parse_link, (grammar.Link,), Role.FACILITATOR,
         path=("settings", "link"), options=(_text("url"),)),
    Verb("calendar", grammar.no_args(grammar.Calendar), (grammar.Calendar,), Role.MEMBER,
         _MEMBER_OR_DM, path=("my", "calendar")),
    # The handler decides who may: the facilitator sets the set's language, any member their
    # own (``mine``, or any use in a DM), a coordinator the programme channel's.
    Verb("language", grammar.parse_language, (grammar.Language,), Role.MEMBER,
         Where.SET | Where.DIRECT | Where.PROGRAMME, path=("settings", "language"),
         options=(_text("code"), _flag("mine", "mine"))),
    Verb("programme language", grammar.parse_language, (grammar.Language,), Role.COORDINATOR,
         _COORDINATORS, options=(_text("code"),)),
)

# Words members may type for the verbs they use most, by language. The command words stay the
# same on every platform (so help from a colleague works in any language); these are accepted
# too, in any set, and listed in that language's ``/set help``.
ALIASES: dict[str, dict[str, str]] = {
    "sv": {"här": "here", "nästa": "next", "status": "status", "åtagande": "commit",
           "rapport": "report"},
}
_ALIAS_OF: dict[str, str] = {word: verb for words in ALIASES.values()
                             for word, verb in words.items()}

BY_NAME: dict[str, Verb] = {verb.name: verb for verb in TABLE}
# Every command's name, in the order ``/set help`` lists them.
COMMAND_NAMES: tuple[str, ...] = tuple(BY_NAME)
GROUPS: dict[str, Group] = {
    name.split()[0]: Group(name.split()[0]) for name in COMMAND_NAMES if " " in name}
# The first words of the grammar.
FIRST_WORDS: tuple[str, ...] = tuple(dict.fromkeys(name.split()[0] for name in COMMAND_NAMES))
VERB_ROLES: dict[str, Role] = {verb.name: verb.role for verb in TABLE}
# Coordinators' commands: in the programme's channel or a DM with the bot.
COORDINATOR_COMMANDS = frozenset(v.name for v in TABLE if v.role is Role.COORDINATOR)
# Members' verbs that make sense in a DM with the bot (the engine finds the member's set).
DIRECT_VERBS = frozenset(
    v.name for v in TABLE if Where.DIRECT in v.where and v.name not in COORDINATOR_COMMANDS)


def named(name: str) -> Verb | Group:
    """The verb or the group (``programme``) a name stands for: its usage and help ids."""
    return BY_NAME[name] if name in BY_NAME else GROUPS[name]


def usable(name: str, where: Where) -> bool:
    verb = BY_NAME.get(name)
    return verb is not None and where in verb.where


# ---------------------------------------------------------------- reading a command


@dataclass(frozen=True, slots=True)
class Parsed:
    """A ``/set`` line read once: its ``name`` (even when it did not parse) and either the
    ``command`` or the ``error`` to show."""

    name: str
    command: Command | None = None
    error: ParseError | None = field(default=None, compare=False)

    @property
    def verb(self) -> Verb | None:
        return BY_NAME.get(self.name)


def read(text: str) -> Parsed:
    """Read what follows ``/set``: the one place the text is parsed."""
    stripped = text.strip()
    if not stripped:
        return Parsed("help", grammar.Help(verb=None))
    first, _, after_first = stripped.partition(" ")
    first = first.lower()
    first = _ALIAS_OF.get(first, first)
    after_first = after_first.strip()
    name, rest = first, after_first
    if first in GROUPS and after_first:
        sub, _, rest = after_first.partition(" ")
        name = f"{first} {sub.lower()}"
        rest = rest.strip()
    try:
        return Parsed(name, _parse(first, after_first, name, rest))
    except ParseError as error:
        return Parsed(name, error=error)


def _parse(first: str, after_first: str, name: str, rest: str) -> Command:
    if first not in FIRST_WORDS:
        raise ParseError(None, "error.unknown_verb", word=first)
    if len(after_first) > grammar.TEXT_LIMIT:
        raise ParseError(first, "error.too_long", limit=str(grammar.TEXT_LIMIT))
    if first in GROUPS and name == first:
        raise ParseError(first, "error.missing_argument")
    verb = BY_NAME.get(name)
    if verb is None:
        raise ParseError(first, "error.unknown_verb", word=name)
    return verb.parse(name, rest)


def parse(text: str) -> Command:
    """Parse what follows ``/set``. Raises ``ParseError`` with a message key and a verb."""
    parsed = read(text)
    if parsed.error is not None:
        raise parsed.error
    assert parsed.command is not None
    return parsed.command


def command_name(text: str) -> str:
    """The name a command's permission, usage and help are filed under (``programme join``)."""
    return read(text).name


# ---------------------------------------------------------------- buttons


class Target(Enum):
    """What a button's subject names, so the engine finds its set."""

    CHANNEL = "channel"  # the set whose home the button was pressed in
    SET = "set"
    MEETING = "meeting"
    COMMITMENT = "commitment"


@dataclass(frozen=True, slots=True)
class Button:
    """A button's verb (the first part of its action id). ``opens_form``: the press is answered
    at once with a form (Slack's trigger_id expires within seconds)."""

    name: str
    target: Target
    opens_form: bool = False


BUTTONS: tuple[Button, ...] = (
    Button("join", Target.SET),
    Button("next", Target.MEETING),
    Button("here", Target.MEETING),
    Button("bid", Target.MEETING),
    Button("unbid", Target.MEETING),
    Button("takeover", Target.MEETING),
    Button("present", Target.MEETING, opens_form=True),
    Button("commit", Target.MEETING, opens_form=True),
    Button("report", Target.MEETING, opens_form=True),
    Button("insight", Target.MEETING, opens_form=True),
    Button("checkin", Target.COMMITMENT),
    Button("help", Target.COMMITMENT),
    Button("uncarry", Target.COMMITMENT),
    Button("apologies", Target.SET),
    Button("change", Target.COMMITMENT, opens_form=True),
    Button("orgshow", Target.SET),
    Button("share", Target.CHANNEL),
    Button("unshare", Target.CHANNEL),
)
BUTTON_BY_NAME: dict[str, Button] = {button.name: button for button in BUTTONS}
FORM_BUTTONS = frozenset(b.name for b in BUTTONS if b.opens_form)


def button_target(verb: str) -> Target:
    button = BUTTON_BY_NAME.get(verb)
    return button.target if button is not None else Target.CHANNEL
