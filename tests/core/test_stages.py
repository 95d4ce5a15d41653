"""The stage machine as a table: every (stage, trigger, situation) and where it leads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core import stages
from bot.core.model import ActionSet, Commitment, Meeting, Member, SetState, Stage
from bot.core.refs import ChannelRef, UserRef
from bot.core.stages import IllegalTransition, Trigger

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ALICE = UserRef(platform="t", workspace="w", id="alice")
BOB = UserRef(platform="t", workspace="w", id="bob")
CAROL = UserRef(platform="t", workspace="w", id="carol")


def situation(stage: Stage, *, bids: tuple[UserRef, ...] = (), presenter_index: int = -1,
              owes: bool = False) -> tuple[SetState, Meeting]:
    home = ChannelRef(platform="t", workspace="w", channel="c")
    action_set = ActionSet(id="s", name="S", home=home, timezone="UTC", created_at=NOW,
                           facilitator=ALICE)
    members = {u.key: Member(user=u, name=u.id, joined_at=NOW) for u in (ALICE, BOB, CAROL)}
    commitments = {}
    if owes:
        commitments["c1"] = Commitment(id="c1", set_id="s", meeting_id="earlier", owner=CAROL,
                                       text="x", due_at=NOW, created_at=NOW)
    meeting = Meeting(id="m", set_id="s", number=2, stage=stage, seq=3, started_at=NOW,
                      stage_started_at=NOW, facilitator=ALICE, bids=bids,
                      presenter_index=presenter_index)
    state = SetState(set=action_set, members=members, meeting=meeting, commitments=commitments)
    return state, meeting


TABLE = [
    # (stage, trigger, bids, presenter_index, owes, expected)
    (Stage.OPENING, Trigger.NEXT, (), -1, True, Stage.REVIEW),
    (Stage.OPENING, Trigger.NEXT, (BOB,), -1, False, Stage.PRESENTATION),
    (Stage.OPENING, Trigger.NEXT, (), -1, False, Stage.CLOSING),
    (Stage.REVIEW, Trigger.NEXT, (BOB,), -1, True, Stage.PRESENTATION),
    (Stage.REVIEW, Trigger.NEXT, (), -1, True, Stage.CLOSING),
    (Stage.PRESENTATION, Trigger.NEXT, (BOB,), 0, False, Stage.QUESTIONING),
    (Stage.QUESTIONING, Trigger.NEXT, (BOB,), 0, False, Stage.COMMITMENT),
    (Stage.COMMITMENT, Trigger.NEXT, (BOB, CAROL), 0, False, Stage.PRESENTATION),
    (Stage.COMMITMENT, Trigger.NEXT, (BOB, CAROL), 1, False, Stage.CLOSING),
    (Stage.CLOSING, Trigger.NEXT, (), -1, False, Stage.ENDED),
    *[(stage, Trigger.END, (BOB,), 0, False, Stage.ENDED)
      for stage in Stage if stage is not Stage.ENDED],
]


@pytest.mark.parametrize(("stage", "trigger", "bids", "index", "owes", "expected"), TABLE)
def test_transition(stage: Stage, trigger: Trigger, bids: tuple[UserRef, ...], index: int,
                    owes: bool, expected: Stage) -> None:
    state, meeting = situation(stage, bids=bids, presenter_index=index, owes=owes)
    assert stages.target(state, meeting, trigger) is expected


@pytest.mark.parametrize("trigger", list(Trigger))
def test_an_ended_meeting_has_no_moves(trigger: Trigger) -> None:
    state, meeting = situation(Stage.ENDED)
    with pytest.raises(IllegalTransition):
        stages.target(state, meeting, trigger)


def test_entering_a_stage_counts_the_sequence_and_takes_the_next_presenter() -> None:
    state, meeting = situation(Stage.COMMITMENT, bids=(BOB, CAROL), presenter_index=0)
    moved = stages.enter(state, meeting, Stage.PRESENTATION, NOW)
    assert (moved.seq, moved.presenter, moved.stage_started_at) == (4, CAROL, NOW)


def test_review_is_timeboxed_per_member_reporting_back() -> None:
    state, meeting = situation(Stage.OPENING, owes=True)
    reviewing = stages.enter(state, meeting, Stage.REVIEW, NOW)
    assert reviewing.reviewees == (CAROL,)
    assert stages.timebox(state, reviewing).total_seconds() == 5 * 60
