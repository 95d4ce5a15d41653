"""The set's data as the core sees it: immutable values, changed only by ``dataclasses.replace``.

``SetState`` is the aggregate the engine loads for one event and saves back: the set, its
members and their profiles, the running meeting (with what was said in it), the set's
commitments and the check-in answers on the open ones. Sets are small (4–8 members), so loading
the whole aggregate is cheaper than being clever.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Protocol

from bot.core.language import Voice
from bot.core.refs import ChannelRef, UserRef


class Stage(StrEnum):
    """The stages of a meeting, named in the words members see."""

    OPENING = "opening"
    REVIEW = "review"
    PRESENTATION = "presentation"
    QUESTIONING = "questioning"
    COMMITMENT = "commitment"
    CLOSING = "closing"
    ENDED = "ended"


class Outcome(StrEnum):
    """How a member reports back on a commitment at review."""

    DONE = "done"
    PARTLY = "partly"
    NOT = "not"


class Progress(StrEnum):
    """A check-in answer between meetings (``missed``: the bot was down past the grace period)."""

    ON_TRACK = "on-track"
    STUCK = "stuck"
    DONE = "done"
    SNOOZE = "snooze"
    MISSED = "missed"


class EntryKind(StrEnum):
    """What a recorded message was, by the stage it was said in."""

    PRESENTATION = "presentation"
    QUESTION = "question"
    LEARNING = "learning"
    INSIGHT = "insight"  # a practice or insight the set agreed at review


class PingKind(StrEnum):
    """Things the bot starts by itself at a given time."""

    CHECKIN = "checkin"
    REMINDER = "reminder"
    STAGE_WARNING = "stage-warning"
    STAGE_END = "stage-end"
    DIGEST = "digest"  # a programme's weekly digest; ``Ping.set_id`` holds the programme id
    SCHEDULE_CHECK = "schedule-check"  # after a scheduled meeting: was it held? roll on if not
    MEETING_CLOSE = "meeting-close"  # a meeting nobody moved for hours closes itself
    AWAY_END = "away-end"  # the morning after a member's leave: one catch-up check-in


DEFAULT_TIMEBOXES: Mapping[Stage, int] = {
    Stage.REVIEW: 5,
    Stage.PRESENTATION: 5,
    Stage.QUESTIONING: 15,
    Stage.COMMITMENT: 5,
    Stage.CLOSING: 5,
}
DEFAULT_CHECKIN_OFFSETS: tuple[str, ...] = ("7d", "-2d")


@dataclass(frozen=True, slots=True, kw_only=True)
class QuietHours:
    """A daily window, in the member's time zone, when the bot starts no DM. May wrap midnight."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


DEFAULT_QUIET_HOURS = QuietHours(start=time(20, 0), end=time(8, 0))


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionSet:
    """A set: its home channel, its settings and its schedule."""

    id: str
    name: str
    home: ChannelRef
    timezone: str
    created_at: datetime
    facilitator: UserRef | None = None
    timeboxes: Mapping[Stage, int] = field(default_factory=lambda: dict(DEFAULT_TIMEBOXES))
    checkin_offsets: tuple[str, ...] = DEFAULT_CHECKIN_OFFSETS
    checkins_paused: bool = False
    auto_advance: bool = False
    next_meeting_at: datetime | None = None
    cadence_weeks: int | None = None
    meetings_held: int = 0
    programme_id: str | None = None
    joined_programme_at: datetime | None = None
    unreachable_since: datetime | None = None  # the bot was removed from ``home`` then
    holidays: str | None = None  # region whose public holidays move pings, e.g. "GB-ENG"
    link: str | None = None  # the video link, shown on reminders and the opening card
    calendar: CalendarState = field(default_factory=lambda: CalendarState())
    language: str | None = None  # None: the deployment's DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarState:
    """The meetings as sent in ``.ics`` files: the series' start, the occurrences cancelled
    (``EXDATE``) and the revision number (``SEQUENCE``), raised whenever the series changes."""

    anchor: datetime | None = None
    exdates: tuple[datetime, ...] = ()
    sequence: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """Someone who joined (accepting the ground rules); ``left_at`` keeps the row for counts."""

    user: UserRef
    name: str
    joined_at: datetime
    left_at: datetime | None = None
    org: str | None = None
    org_shown: bool = False  # the member chose to show their organisation to the set
    away_until: date | None = None  # last day away, in the set's zone; cleared on return
    checkins_paused: bool = False  # the member paused their own check-ins
    calendar_taken: bool = False  # took `/set calendar`: gets the updated file on changes

    @property
    def active(self) -> bool:
        return self.left_at is None

    def away_on(self, day: date) -> bool:
        return self.away_until is not None and day <= self.away_until


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """Per-person preferences that hold across sets."""

    user: UserRef
    quiet: QuietHours | None = DEFAULT_QUIET_HOURS
    timezone: str | None = None
    language: str | None = None  # of the person's own DMs and private answers; None: the set's


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    """One meeting. ``seq`` counts stage changes, so timers and buttons can tell they are stale."""

    id: str
    set_id: str
    number: int
    stage: Stage
    seq: int
    started_at: datetime
    stage_started_at: datetime
    facilitator: UserRef
    attendance: tuple[UserRef, ...] = ()
    bids: tuple[UserRef, ...] = ()
    reviewees: tuple[UserRef, ...] = ()
    apologies: tuple[UserRef, ...] = ()  # members who sent apologies for this meeting
    presenter_index: int = -1  # index into ``bids`` of the latest presenter; -1 before any
    last_advance_at: datetime | None = None
    last_advance_by: UserRef | None = None
    ended_at: datetime | None = None
    summary: str = ""

    @property
    def running(self) -> bool:
        return self.stage is not Stage.ENDED

    @property
    def presenter(self) -> UserRef | None:
        """The member whose turn it is, in the three per-presenter stages."""
        if self.stage in PRESENTER_STAGES and 0 <= self.presenter_index < len(self.bids):
            return self.bids[self.presenter_index]
        return None


PRESENTER_STAGES = frozenset({Stage.PRESENTATION, Stage.QUESTIONING, Stage.COMMITMENT})


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """Something a member said in a meeting, recorded for the stage it was said in."""

    id: str
    set_id: str
    meeting_id: str
    stage: Stage
    kind: EntryKind
    user: UserRef
    text: str
    at: datetime
    presenter: UserRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    """An action a presenter committed to; open until reported back at a review."""

    id: str
    set_id: str
    meeting_id: str
    owner: UserRef
    text: str
    due_at: datetime
    created_at: datetime
    outcome: Outcome | None = None
    account: str = ""
    reviewed_meeting_id: str | None = None
    last_pinged_at: datetime | None = None
    progress: Progress | None = None
    carried_at: datetime | None = None  # reported partly/not done and kept open, at this time
    dropped_at: datetime | None = None  # its owner dropped it (the reason is in its history)

    @property
    def open(self) -> bool:
        """Not yet reported on (or reported partly/not done and carried forward), and not
        dropped by its owner."""
        return (self.outcome is None or self.carried_at is not None) and self.dropped_at is None


class ChangeKind(StrEnum):
    """What an owner did to their open commitment between meetings or in review."""

    EDIT = "edit"
    DUE = "due"
    DROP = "drop"


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentChange:
    """One entry of a commitment's history: ``before``/``after`` are the old and new text (an
    edit), the old and new due dates as ISO dates (a move), or ``""`` and the reason (a drop)."""

    id: str
    set_id: str
    commitment_id: str
    user: UserRef
    kind: ChangeKind
    at: datetime
    before: str = ""
    after: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Apology:
    """A member's apologies for the meeting scheduled at ``meeting_at`` (withdrawn: kept)."""

    id: str
    set_id: str
    user: UserRef
    meeting_at: datetime
    at: datetime
    note: str = ""
    withdrawn: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckinAnswer:
    """One answer to a check-in (or a check-in that was missed), shown at the next review."""

    id: str
    set_id: str
    commitment_id: str
    user: UserRef
    answer: Progress
    at: datetime
    note: str = ""
    shared: bool = False  # the note went to the set (the member asked it for help)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ping:
    """A thing due at a time: stored by the engine, armed by the scheduler, decided by the core."""

    id: str
    kind: PingKind
    set_id: str
    due_at: datetime
    user: UserRef | None = None
    commitment_id: str | None = None
    meeting_id: str | None = None
    stage: Stage | None = None
    seq: int | None = None
    created_order: int = 0  # given by storage: same-instant pings go out in creation order
    attempts: int = 0  # given by storage: how many times it has been claimed for delivery


@dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """A learning a member chose to share with the programme: pending until they confirm."""

    id: str
    set_id: str
    programme_id: str
    user: UserRef
    text: str
    at: datetime
    confirmed: bool = False
    withdrawn: bool = False
    released_at: datetime | None = None  # posted with the programme's weekly digest


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleasedShare:
    """A confirmed learning as the programme sees it when the digest posts it: its words only,
    never its set or author (ids are random, so their order says nothing either)."""

    id: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Programme:
    """Sets across organisations with coordinators, a shared channel and a join code."""

    id: str
    name: str
    channel: ChannelRef
    timezone: str
    created_at: datetime
    coordinators: tuple[UserRef, ...]
    code: str
    code_expires_at: datetime
    digest_weekday: int = 0  # Monday
    digest_time: time = time(9, 0)
    language: str | None = None  # of the programme's channel; None: DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True, kw_only=True)
class SetDigest:
    """Counts about one member set for the programme digest: never a word said in it."""

    set_id: str
    name: str
    home: ChannelRef
    members: int
    organisations: int
    meetings: int
    attendance: int  # member-meetings attended in the period
    commitments_made: int
    commitments_reviewed: int
    never_reviewed: int  # open commitments that a later meeting has passed by
    last_meeting_at: datetime | None
    joined_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeState:
    """The programme aggregate: the programme and the counts of its member sets."""

    programme: Programme
    sets: tuple[SetDigest, ...] = ()
    # Shared learnings are counted for the programme as a whole, never per set.
    shares_released: int = 0  # posted in the digest period
    to_release: tuple[ReleasedShare, ...] = ()  # confirmed, waiting for the weekly digest


@dataclass(frozen=True, slots=True, kw_only=True)
class SetState:
    """Everything the core needs to decide one event for one set.

    ``members``, ``profiles`` and ``commitments`` are keyed by ``UserRef.key`` / commitment id.
    ``history`` (every entry of the set) is loaded only for the commands that need it
    (export, forget-me), and with it ``summaries`` (stored summary by meeting id) and every
    share of the set (else only the pending ones).
    """

    set: ActionSet
    members: Mapping[str, Member] = field(default_factory=dict)
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    meeting: Meeting | None = None
    entries: tuple[Entry, ...] = ()
    commitments: Mapping[str, Commitment] = field(default_factory=dict)
    checkins: tuple[CheckinAnswer, ...] = ()
    history: tuple[Entry, ...] | None = None
    summaries: Mapping[str, str] | None = None
    shares: tuple[Share, ...] = ()
    # For a DM export / forget-me: the names of every set the person is or was a member of.
    memberships: tuple[str, ...] = ()
    programme: Programme | None = None  # the programme the set belongs to (read-only here)
    candidate: Programme | None = None  # the programme a typed join code names, if any
    apologies: tuple[Apology, ...] = ()
    changes: tuple[CommitmentChange, ...] = ()
    past_meetings: tuple[Meeting, ...] | None = None  # ended meetings, loaded for summaries

    def member(self, user: UserRef) -> Member | None:
        """The member record if ``user`` is an active member, else ``None``."""
        found = self.members.get(user.key)
        return found if found is not None and found.active else None

    def active_members(self) -> list[Member]:
        return [m for m in self.members.values() if m.active]

    def name_of(self, user: UserRef) -> str:
        found = self.members.get(user.key)
        return found.name if found is not None and found.name else user.id

    def profile(self, user: UserRef) -> Profile:
        return self.profiles.get(user.key) or Profile(user=user)

    def open_commitments(self, owner: UserRef | None = None) -> list[Commitment]:
        found = [
            c for c in self.commitments.values()
            if c.open and (owner is None or c.owner == owner)
        ]
        return sorted(found, key=lambda c: (c.due_at, c.created_at, c.id))

    @property
    def running_meeting(self) -> Meeting | None:
        return self.meeting if self.meeting is not None and self.meeting.running else None


class HolidayCalendar(Protocol):
    """Public holidays by region, e.g. ``GB-ENG`` or ``SE`` (ISO 3166 country[-subdivision]).

    The engine lends the real one (the ``holidays`` package); the core has no table."""

    def known(self, region: str) -> bool:
        """Whether ``region`` names a country (and subdivision) the calendar has."""

    def is_holiday(self, region: str, day: date) -> bool:
        """Whether ``day`` is a public holiday in ``region``."""


class NoHolidays:
    """The calendar a test or a bare core uses: it knows no region and no holiday."""

    def known(self, region: str) -> bool:
        return False

    def is_holiday(self, region: str, day: date) -> bool:
        return False


NO_HOLIDAYS = NoHolidays()


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What the engine lends the core for one step: the time, fresh ids, a default zone and
    the public holiday calendar.

    Passing these in keeps ``step`` deterministic: a test gives a fixed clock and a counter.
    """

    now: datetime
    new_id: Callable[[], str]
    default_timezone: str = "UTC"
    holidays: HolidayCalendar = NO_HOLIDAYS
    default_language: str = "en"
    # The compiled catalogues (``bot.i18n.voices``), loaded once outside the core; a language
    # missing here is spoken in English.
    voices: Mapping[str, Voice] = field(default_factory=dict)
