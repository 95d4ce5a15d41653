"""The meeting's stage machine, as one table (after h11's ``_state.py``).

``TRANSITIONS`` maps (stage, trigger) to the candidate next stages, each behind a guard; the
first guard that holds wins. Guards are pure functions of the set's state. A move the table does
not have raises ``IllegalTransition``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.model import Meeting, SetState, Stage
from bot.core.refs import UserRef


class Trigger(StrEnum):
    NEXT = "next"
    END = "end"


class IllegalTransition(Exception):
    """The table has no move from ``stage`` on ``trigger``."""

    def __init__(self, stage: Stage, trigger: Trigger) -> None:
        super().__init__(f"no transition from {stage} on {trigger}")
        self.stage = stage
        self.trigger = trigger


Guard = Callable[[SetState, Meeting], bool]


def always(state: SetState, meeting: Meeting) -> bool:
    return True


def needs_review(state: SetState, meeting: Meeting) -> bool:
    """Someone in the set still owes a report on a commitment from an earlier meeting."""
    return bool(reviewees(state, meeting))


def more_presenters(state: SetState, meeting: Meeting) -> bool:
    """A member bid for time and has not presented yet (bids are taken in order)."""
    return meeting.presenter_index + 1 < len(meeting.bids)


TRANSITIONS: dict[tuple[Stage, Trigger], tuple[tuple[Guard, Stage], ...]] = {
    (Stage.OPENING, Trigger.NEXT): (
        (needs_review, Stage.REVIEW),
        (more_presenters, Stage.PRESENTATION),
        (always, Stage.CLOSING),
    ),
    (Stage.REVIEW, Trigger.NEXT): (
        (more_presenters, Stage.PRESENTATION),
        (always, Stage.CLOSING),
    ),
    (Stage.PRESENTATION, Trigger.NEXT): ((always, Stage.QUESTIONING),),
    (Stage.QUESTIONING, Trigger.NEXT): ((always, Stage.COMMITMENT),),
    (Stage.COMMITMENT, Trigger.NEXT): (
        (more_presenters, Stage.PRESENTATION),
        (always, Stage.CLOSING),
    ),
    (Stage.CLOSING, Trigger.NEXT): ((always, Stage.ENDED),),
    **{(stage, Trigger.END): ((always, Stage.ENDED),) for stage in Stage if stage != Stage.ENDED},
}


def target(state: SetState, meeting: Meeting, trigger: Trigger) -> Stage:
    """The stage ``trigger`` leads to from where ``meeting`` is now."""
    for guard, stage in TRANSITIONS.get((meeting.stage, trigger), ()):
        if guard(state, meeting):
            return stage
    raise IllegalTransition(meeting.stage, trigger)


def reviewees(state: SetState, meeting: Meeting) -> tuple[UserRef, ...]:
    """Active members with open commitments made before this meeting, in joining order (not
    those who sent apologies: they are not called on)."""
    owners = {
        c.owner.key for c in state.commitments.values()
        if c.open and c.meeting_id != meeting.id
    }
    return tuple(m.user for m in state.active_members()
                 if m.user.key in owners and m.user not in meeting.apologies)


def enter(state: SetState, meeting: Meeting, stage: Stage, now: datetime) -> Meeting:
    """The meeting as it is on entering ``stage``: new sequence number, presenter, reviewees."""
    presenter_index = meeting.presenter_index
    if stage is Stage.PRESENTATION:
        presenter_index += 1
    moved = replace(
        meeting, stage=stage, seq=meeting.seq + 1, stage_started_at=now,
        presenter_index=presenter_index,
    )
    if stage is Stage.REVIEW:
        moved = replace(moved, reviewees=reviewees(state, meeting))
    if stage is Stage.ENDED:
        moved = replace(moved, ended_at=now)
    return moved


def timebox(state: SetState, meeting: Meeting) -> timedelta | None:
    """The current stage's time box; review gets its minutes once per member reporting back."""
    minutes = state.set.timeboxes.get(meeting.stage)
    if minutes is None:
        return None
    if meeting.stage is Stage.REVIEW:
        minutes *= max(1, len(meeting.reviewees))
    return timedelta(minutes=minutes)


def ends_at(state: SetState, meeting: Meeting) -> datetime | None:
    box = timebox(state, meeting)
    return None if box is None else meeting.stage_started_at + box
