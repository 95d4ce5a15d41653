"""The ``/set`` grammar: each verb's command value and its parser (the text after the verb in,
a command or a ``ParseError`` naming the usage out).

The verb table (``bot.core.verbs``) dispatches to these parsers; ``verbs.read`` is where a line
is parsed. The same grammar serves every platform: typed commands (Discord's) are written back
into this text, so there is one parser and one set of error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlsplit

from bot.core import language, timeparse
from bot.core.model import ChangeKind, Outcome, Progress, QuietHours, Stage


class ParseError(ValueError):
    """Bad input: ``key`` is a catalogue message, ``verb`` picks the usage line to show."""

    def __init__(self, verb: str | None, key: str, **params: str) -> None:
        super().__init__(key)
        self.verb = verb
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class Create:
    name: str


@dataclass(frozen=True, slots=True)
class Join:
    pass


@dataclass(frozen=True, slots=True)
class Leave:
    pass


@dataclass(frozen=True, slots=True)
class Schedule:
    at: datetime  # naive: wall-clock time in the set's zone
    every_weeks: int | None


@dataclass(frozen=True, slots=True)
class Start:
    pass


@dataclass(frozen=True, slots=True)
class Here:
    bid: bool


@dataclass(frozen=True, slots=True)
class Next:
    pass


@dataclass(frozen=True, slots=True)
class Status:
    pass


@dataclass(frozen=True, slots=True)
class ScheduleOff:
    """``/set schedule off``: no next meeting, no cadence."""


@dataclass(frozen=True, slots=True)
class ScheduleSkip:
    """``/set schedule skip``: the next meeting is skipped (the cadence goes on after it)."""


@dataclass(frozen=True, slots=True)
class Report:
    outcome: Outcome
    account: str
    number: int | None = None  # as numbered on the review card; None: the only one owed


@dataclass(frozen=True, slots=True)
class Commit:
    action: str
    by: timeparse.DaySpec | None  # resolved against the set's today when it is decided


@dataclass(frozen=True, slots=True)
class End:
    pass


@dataclass(frozen=True, slots=True)
class Actions:
    mine: bool


@dataclass(frozen=True, slots=True)
class Checkins:
    offsets: tuple[str, ...] | None  # None with pause set: pause or resume
    pause: bool | None = None
    everyone: bool = False  # ``checkins all pause|resume``: the whole set's (facilitator)


@dataclass(frozen=True, slots=True)
class Timebox:
    stage: Stage
    minutes: int


@dataclass(frozen=True, slots=True)
class AutoAdvance:
    on: bool


@dataclass(frozen=True, slots=True)
class Facilitator:
    user_id: str


@dataclass(frozen=True, slots=True)
class ProgressAnswer:
    answer: Progress
    note: str


@dataclass(frozen=True, slots=True)
class Quiet:
    hours: QuietHours | None  # None: quiet hours off
    zone: str | None = None  # the member's own time zone, if they named one


@dataclass(frozen=True, slots=True)
class Timezone:
    name: str


@dataclass(frozen=True, slots=True)
class Language:
    """``language sv`` (the set's, or the programme channel's) or ``language sv mine``."""

    code: str
    mine: bool = False


@dataclass(frozen=True, slots=True)
class Export:
    set_name: str | None = None  # in a DM: which set, for someone who was in several


@dataclass(frozen=True, slots=True)
class ForgetMe:
    set_name: str | None = None


@dataclass(frozen=True, slots=True)
class Help:
    verb: str | None


@dataclass(frozen=True, slots=True)
class ProgrammeCreate:
    name: str


@dataclass(frozen=True, slots=True)
class ProgrammeJoin:
    code: str


@dataclass(frozen=True, slots=True)
class ProgrammeLeave:
    pass


@dataclass(frozen=True, slots=True)
class ProgrammeCoordinator:
    user_id: str


@dataclass(frozen=True, slots=True)
class ProgrammeCode:
    pass


@dataclass(frozen=True, slots=True)
class Org:
    name: str


@dataclass(frozen=True, slots=True)
class Announce:
    text: str
    everywhere: bool  # --all: every member set's channel too


@dataclass(frozen=True, slots=True)
class Digest:
    csv: bool
    weekday: int | None = None  # with ``at``: change the weekly digest's day and time
    at: time | None = None


@dataclass(frozen=True, slots=True)
class ShareLearning:
    text: str


@dataclass(frozen=True, slots=True)
class Apologies:
    day: date | None  # None: the next meeting
    note: str = ""
    off: bool = False  # withdraw


@dataclass(frozen=True, slots=True)
class Members:
    pass


@dataclass(frozen=True, slots=True)
class Summaries:
    count: int


@dataclass(frozen=True, slots=True)
class Summary:
    number: int


@dataclass(frozen=True, slots=True)
class ActionChange:
    number: int
    kind: ChangeKind
    text: str = ""  # the new text (edit) or the reason (drop)
    day: timeparse.DaySpec | None = None  # the new due day (due), resolved when decided


@dataclass(frozen=True, slots=True)
class Away:
    until: date | None  # None: back now (``away off``)


@dataclass(frozen=True, slots=True)
class Holidays:
    region: str | None  # None: off


@dataclass(frozen=True, slots=True)
class Link:
    url: str | None  # None: off


@dataclass(frozen=True, slots=True)
class Calendar:
    pass


Command = (
    Create | Join | Leave | Schedule | ScheduleOff | ScheduleSkip | Start | Here | Next
    | Status | Report | Commit | End
    | Actions | Checkins | Timebox | Facilitator | ProgressAnswer | Quiet | Timezone | Export
    | ForgetMe | Help | ProgrammeCreate | ProgrammeJoin | ProgrammeLeave | ProgrammeCoordinator
    | ProgrammeCode | Org | Announce | Digest | ShareLearning | AutoAdvance | Apologies
    | Members | Summaries | Summary | ActionChange | Away | Holidays | Link | Calendar | Language
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NAME_LIMIT = 80
MAX_TIMEBOX = 180  # minutes
MAX_CADENCE = 26  # weeks
TEXT_LIMIT = 40_000  # stored whole up to this (Slack cuts there); longer is refused, not cut
TIMEBOX_STAGES = (
    Stage.REVIEW, Stage.PRESENTATION, Stage.QUESTIONING, Stage.COMMITMENT, Stage.CLOSING,
)
# ``<@U1>``, ``<@!123>``, a federated id ``<@@bob:example.org>``, or ``@bob`` (console).
_MENTION = re.compile(r"^<@!?([A-Za-z0-9_.-]+|@[^\s<>|:]+:[^\s<>|]+)(?:\|[^>]*)?>$"
                      r"|^@([A-Za-z0-9_.-]+)$")
_EVERY = re.compile(r"^every\s+(\d{1,3})\s*w(?:eeks?)?$", re.IGNORECASE | re.ASCII)
_BY = re.compile(r"\s+by\s+", re.IGNORECASE)
_OUTCOME_WORDS = {
    "done": Outcome.DONE, "partly": Outcome.PARTLY, "partial": Outcome.PARTLY,
    "not": Outcome.NOT, "not-done": Outcome.NOT,
}
_PROGRESS_WORDS = {
    "on-track": Progress.ON_TRACK, "ontrack": Progress.ON_TRACK, "on_track": Progress.ON_TRACK,
    "stuck": Progress.STUCK, "done": Progress.DONE, "snooze": Progress.SNOOZE,
}


def parse_mention(token: str) -> str | None:
    """The user id in ``<@U1|bob>``, ``<@U1>``, ``<@!123>``, ``<@@bob:example.org>`` or ``@bob``."""
    match = _MENTION.match(token.strip())
    if match is None:
        return None
    return match.group(1) or match.group(2)


def parse_record(verb: str, rest: str) -> Export | ForgetMe:
    """``export`` / ``forget-me``, optionally naming the set (in a DM, for someone who was in
    more than one)."""
    if len(rest) > NAME_LIMIT:
        raise ParseError(verb, "error.name_too_long", limit=str(NAME_LIMIT))
    name = rest.strip() or None
    return Export(set_name=name) if verb == "export" else ForgetMe(set_name=name)


def no_args(factory: type) -> object:
    def parse_no_args(verb: str, rest: str) -> object:
        if rest:
            raise ParseError(verb, "error.no_arguments")
        return factory()

    return parse_no_args


def parse_create(verb: str, rest: str) -> Create:
    if not rest:
        raise ParseError(verb, "error.missing_argument")
    if len(rest) > NAME_LIMIT:
        raise ParseError(verb, "error.name_too_long", limit=str(NAME_LIMIT))
    return Create(name=rest)


def _time_error(verb: str, error: timeparse.TimeFormatError) -> ParseError:
    return ParseError(verb, error.key, **error.params)


def parse_schedule(verb: str, rest: str) -> Schedule | ScheduleOff | ScheduleSkip:
    if rest.lower() == "off":
        return ScheduleOff()
    if rest.lower() == "skip":
        return ScheduleSkip()
    parts = rest.split(None, 2)
    if len(parts) < 2:
        raise ParseError(verb, "format.datetime")
    try:
        at = timeparse.parse_date_time(parts[0], parts[1])
    except timeparse.TimeFormatError as error:
        if error.key == "format.no_such_day":
            raise _time_error(verb, error) from None
        raise ParseError(verb, "format.datetime") from None
    every = None
    if len(parts) == 3:
        match = _EVERY.match(parts[2].strip())
        if match is None or not 1 <= int(match.group(1)) <= MAX_CADENCE:
            raise ParseError(verb, "format.cadence")
        every = int(match.group(1))
    return Schedule(at=at, every_weeks=every)


def parse_here(verb: str, rest: str) -> Here:
    if rest.lower() not in ("", "bid"):
        raise ParseError(verb, "error.bad_argument", argument=rest)
    return Here(bid=rest.lower() == "bid")


def parse_report(verb: str, rest: str) -> Report:
    """``[<n>] <done|partly|not> <account>``: ``n`` as numbered on the review card."""
    word, _, after = rest.partition(" ")
    number = None
    if word[:1].isdigit() or (word and word.strip(".#").isdigit()):
        number = timeparse.ascii_number(word.strip(".#"))
        if number is None or number < 1:
            raise ParseError(verb, "error.bad_number")
        word, _, after = after.strip().partition(" ")
    outcome = _OUTCOME_WORDS.get(word.lower())
    if outcome is None:
        raise ParseError(verb, "error.bad_outcome")
    account = after.strip()
    if not account:
        raise ParseError(verb, "error.missing_account")
    return Report(outcome=outcome, account=account, number=number)


def split_due(text: str) -> tuple[str, timeparse.DaySpec | None]:
    """``<action> by <day>`` → the action and its due day. The last ``by`` that is followed by
    something meant as a date (``2026-12-04``, ``tomorrow``, ``Friday``, ``4 Dec``) is read as
    the due date, and refused with the format if it cannot be read; a ``by`` followed by other
    words (``by the board``) belongs to the action."""
    for match in reversed(list(_BY.finditer(text))):
        tail = text[match.end():]
        if timeparse.looks_like_a_day(tail):
            return text[:match.start()].strip(), timeparse.parse_day(tail)
    return text, None


def parse_commit(verb: str, rest: str) -> Commit:
    if not rest:
        raise ParseError(verb, "error.missing_argument")
    try:
        action, by = split_due(rest)
    except timeparse.TimeFormatError as error:
        raise _time_error(verb, error) from None
    if not action:
        raise ParseError(verb, "error.missing_argument")
    return Commit(action=action, by=by)


def parse_actions(verb: str, rest: str) -> Actions:
    if rest.lower() not in ("", "mine"):
        raise ParseError(verb, "error.bad_argument", argument=rest)
    return Actions(mine=rest.lower() == "mine")


def parse_checkins(verb: str, rest: str) -> Checkins:
    word = " ".join(rest.lower().split())
    if word in ("all pause", "all resume"):
        return Checkins(offsets=None, pause=word == "all pause", everyone=True)
    if word.startswith("all"):
        raise ParseError(verb, "error.bad_argument", argument=rest)
    if word == "pause":
        return Checkins(offsets=None, pause=True)
    if word == "resume":
        return Checkins(offsets=None, pause=False)
    if not rest:
        raise ParseError(verb, "error.missing_argument")
    try:
        return Checkins(offsets=timeparse.parse_offsets(rest.replace(" ", "")))
    except timeparse.TimeFormatError as error:
        raise _time_error(verb, error) from None


def parse_timebox(verb: str, rest: str) -> Timebox | AutoAdvance:
    parts = rest.split()
    if len(parts) == 2 and parts[0].lower() == "auto":
        if parts[1].lower() not in ("on", "off"):
            raise ParseError(verb, "error.bad_argument", argument=parts[1])
        return AutoAdvance(on=parts[1].lower() == "on")
    if len(parts) != 2:
        raise ParseError(verb, "error.missing_argument")
    try:
        stage = Stage(parts[0].lower())
    except ValueError:
        stage = None
    if stage not in TIMEBOX_STAGES:
        raise ParseError(verb, "error.bad_stage", argument=parts[0])
    minutes = timeparse.ascii_number(parts[1])
    if minutes is None or not 1 <= minutes <= MAX_TIMEBOX:
        raise ParseError(verb, "error.bad_minutes", argument=parts[1])
    return Timebox(stage=stage, minutes=minutes)


def parse_facilitator(verb: str, rest: str) -> Facilitator:
    user_id = parse_mention(rest)
    if user_id is None:
        raise ParseError(verb, "error.bad_mention")
    return Facilitator(user_id=user_id)


def parse_progress(verb: str, rest: str) -> ProgressAnswer:
    word, _, note = rest.partition(" ")
    answer = _PROGRESS_WORDS.get(word.lower())
    if answer is None:
        raise ParseError(verb, "error.bad_progress")
    return ProgressAnswer(answer=answer, note=note.strip())


def parse_quiet(verb: str, rest: str) -> Quiet:
    """``22:00-07:00``, ``22:00-07:00 Europe/Paris`` (your own zone, kept), or ``off``."""
    if rest.lower() == "off":
        return Quiet(hours=None)
    hours, _, zone = rest.partition(" ")
    try:
        parsed = timeparse.parse_quiet(hours)
        name = timeparse.zone_name(zone) if zone.strip() else None
    except timeparse.TimeFormatError as error:
        raise _time_error(verb, error) from None
    return Quiet(hours=parsed, zone=name)


def parse_timezone(verb: str, rest: str) -> Timezone:
    try:
        name = timeparse.zone_name(rest)
    except timeparse.TimeFormatError as error:
        raise _time_error(verb, error) from None
    return Timezone(name=name)


def parse_language(verb: str, rest: str) -> Language:
    """``sv``, ``sv mine``, ``mine sv``; a code's region (``sv-SE``) or the language's own name
    (``svenska``) also do. Anything else gets the list of languages there are."""
    words = rest.lower().split()
    mine = "mine" in words
    wanted = [word for word in words if word != "mine"]
    available = ", ".join(f"{code} ({name})" for code, name in language.LANGUAGES.items())
    if not wanted:
        raise ParseError(verb, "error.missing_language", available=available)
    code = language.code_for(wanted[0])
    if len(wanted) > 1 or code is None:
        raise ParseError(verb, "error.unknown_language", code=" ".join(wanted),
                         available=available)
    return Language(code=code, mine=mine)


def parse_programme_create(verb: str, rest: str) -> ProgrammeCreate:
    if not rest:
        raise ParseError(verb, "error.missing_argument")
    if len(rest) > NAME_LIMIT:
        raise ParseError(verb, "error.name_too_long", limit=str(NAME_LIMIT))
    return ProgrammeCreate(name=rest)


def parse_programme_join(verb: str, rest: str) -> ProgrammeJoin:
    if not rest or " " in rest:
        raise ParseError(verb, "error.bad_code")
    return ProgrammeJoin(code=rest.strip("`").upper())


def parse_programme_coordinator(verb: str, rest: str) -> ProgrammeCoordinator:
    user_id = parse_mention(rest)
    if user_id is None:
        raise ParseError(verb, "error.bad_mention")
    return ProgrammeCoordinator(user_id=user_id)


def parse_org(verb: str, rest: str) -> Org:
    if not rest:
        raise ParseError(verb, "error.missing_argument")
    if len(rest) > NAME_LIMIT:
        raise ParseError(verb, "error.name_too_long", limit=str(NAME_LIMIT))
    return Org(name=rest)


def parse_announce(verb: str, rest: str) -> Announce:
    """``--all`` is a whole word: ``--allhands`` is an unknown flag, not ``--all``."""
    first, after = (rest.split(None, 1) + [""])[:2] if rest.strip() else ("", "")
    everywhere = first.lower() == "--all"
    if first.startswith("--") and not everywhere:
        raise ParseError(verb, "error.unknown_flag", flag=first)
    text = after.strip() if everywhere else rest
    if not text:
        raise ParseError(verb, "error.missing_argument")
    return Announce(text=text, everywhere=everywhere)


def parse_digest(verb: str, rest: str) -> Digest:
    words = rest.lower().split()
    if not words:
        return Digest(csv=False)
    if words == ["csv"]:
        return Digest(csv=True)
    if len(words) == 3 and words[0] == "weekly" and _weekday(words[1]) is not None:
        try:
            at = timeparse.parse_clock(words[2])
        except timeparse.TimeFormatError:
            raise ParseError(verb, "format.weekly") from None
        return Digest(csv=False, weekday=_weekday(words[1]), at=at)
    if words[0] == "weekly":
        raise ParseError(verb, "format.weekly")
    raise ParseError(verb, "error.bad_argument", argument=rest)


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(word: str) -> int | None:
    """Monday is ``mon`` or ``monday``, whole words only (``monster`` is no day)."""
    for index, (short, full) in enumerate(zip(WEEKDAYS, _WEEKDAY_NAMES, strict=True)):
        if word in (short, full):
            return index
    return None


def parse_share(verb: str, rest: str) -> ShareLearning:
    if not rest:
        raise ParseError(verb, "error.missing_argument")
    return ShareLearning(text=rest)


_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
SUMMARIES_MOST = 20
LINK_LIMIT = 500
_REGION = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,10})?$")


def _date_word(verb: str, word: str) -> date:
    try:
        return timeparse.parse_date(word)
    except timeparse.TimeFormatError as error:
        raise _time_error(verb, error) from None


def parse_apologies(verb: str, rest: str) -> Apologies:
    """``[<YYYY-MM-DD>] [note]`` or ``off [<YYYY-MM-DD>]``."""
    first, _, more = rest.partition(" ")
    off = first.lower() == "off"
    if off:
        first, _, more = more.strip().partition(" ")
        if more.strip():
            raise ParseError(verb, "error.bad_argument", argument=more.strip())
    day = None
    if first and (_DATE_LIKE.match(first) or (first[0].isdigit() and "-" in first)):
        day = _date_word(verb, first)
    elif off and first:
        raise ParseError(verb, "format.date")
    elif first:
        more = rest
    return Apologies(day=day, note=more.strip(), off=off)


def _count(verb: str, word: str, most: int) -> int:
    if not word.isascii() or not word.isdigit() or not 1 <= int(word) <= most:
        raise ParseError(verb, "error.bad_count", most=str(most))
    return int(word)


def parse_summaries(verb: str, rest: str) -> Summaries:
    return Summaries(count=_count(verb, rest, SUMMARIES_MOST) if rest else 3)


def parse_summary(verb: str, rest: str) -> Summary:
    if not rest:
        raise ParseError(verb, "error.missing_argument")
    return Summary(number=_count(verb, rest.lstrip("#"), 10_000))


def parse_action(verb: str, rest: str) -> ActionChange:
    """``<n> <new text>``, ``<n> due <YYYY-MM-DD>`` or ``<n> drop <reason>``."""
    number_word, _, more = rest.partition(" ")
    if not number_word:
        raise ParseError(verb, "error.missing_argument")
    number = _count(verb, number_word.lstrip("#"), 1_000)
    more = more.strip()
    keyword, _, tail = more.partition(" ")
    tail = tail.strip()
    if keyword.lower() == "due" and (not tail or timeparse.looks_like_a_day(tail)):
        try:  # ``due 2026-12-04``, ``due Friday``, ``due 4 Dec``: read or refused, never kept
            day = timeparse.parse_day(tail)
        except timeparse.TimeFormatError as error:
            raise _time_error(verb, error) from None
        return ActionChange(number=number, kind=ChangeKind.DUE, day=day)
    if keyword.lower() == "drop":
        if not tail:
            raise ParseError(verb, "error.missing_reason")
        return ActionChange(number=number, kind=ChangeKind.DROP, text=tail)
    if not more:
        raise ParseError(verb, "error.missing_argument")
    return ActionChange(number=number, kind=ChangeKind.EDIT, text=more)


def parse_away(verb: str, rest: str) -> Away:
    words = rest.split()
    if [w.lower() for w in words] == ["off"]:
        return Away(until=None)
    if len(words) != 2 or words[0].lower() != "until":
        raise ParseError(verb, "format.away")
    return Away(until=_date_word(verb, words[1]))


def parse_holidays(verb: str, rest: str) -> Holidays:
    if rest.lower() == "off":
        return Holidays(region=None)
    if not _REGION.match(rest):
        raise ParseError(verb, "format.region")
    return Holidays(region=rest)


def parse_link(verb: str, rest: str) -> Link:
    """An http(s) link (Slack wraps typed links as ``<https://…|label>``), or ``off``."""
    if rest.lower() == "off":
        return Link(url=None)
    url = rest.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].split("|", 1)[0]
    if len(url) > LINK_LIMIT:
        raise ParseError(verb, "error.link_too_long", limit=str(LINK_LIMIT))
    parsed = urlsplit(url) if url and not any(ch.isspace() for ch in url) else None
    if parsed is None or parsed.scheme.lower() not in ("http", "https") or not parsed.netloc:
        raise ParseError(verb, "format.link")
    return Link(url=url)


_IN_THE_VERB_TABLE = {"parse": "parse", "read": "read", "command_name": "command_name",
                      "VERBS": "FIRST_WORDS", "COMMAND_NAMES": "COMMAND_NAMES",
                      "COORDINATOR_COMMANDS": "COORDINATOR_COMMANDS"}



def __getattr__(name: str) -> object:
    """The dispatch and the verb lists live in the verb table, which imports this module; they
    are still found here under their old names (``grammar.parse``)."""
    if name in _IN_THE_VERB_TABLE:
        from bot.core import verbs

        return getattr(verbs, _IN_THE_VERB_TABLE[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
