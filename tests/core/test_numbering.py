"""A member's commitments are numbered one way everywhere: in the order they were made."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.model import ActionSet, Commitment, Meeting, Outcome, SetState, Stage
from bot.core.numbering import by_number, number_of, numbered
from tests.support.core import HOME, CoreHarness, user, whispers

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def commitment(cid: str, owner: str, made_days: int, due_days: int, **more: object) -> Commitment:
    return Commitment(id=cid, set_id="s", meeting_id="m0", owner=user(owner), text=cid,
                      due_at=T0 + timedelta(days=due_days),
                      created_at=T0 + timedelta(days=made_days), **more)  # type: ignore[arg-type]


def state_with(*commitments: Commitment, meeting: Meeting | None = None) -> SetState:
    return SetState(set=ActionSet(id="s", name="S", home=HOME, timezone="UTC", created_at=T0),
                    commitments={c.id: c for c in commitments}, meeting=meeting)


def test_numbers_follow_the_order_made_not_the_due_dates() -> None:
    state = state_with(commitment("late-due", "bob", 0, 40), commitment("soon-due", "bob", 1, 5),
                       commitment("carols", "carol", 0, 1))
    assert [c.id for c in numbered(state, user("bob"))] == ["late-due", "soon-due"]
    assert by_number(state, user("bob"), 2).id == "soon-due"  # type: ignore[union-attr]
    assert by_number(state, user("bob"), 3) is None and by_number(state, user("bob"), 0) is None


def test_closed_commitments_lose_their_number_unless_reported_in_the_running_meeting() -> None:
    running = Meeting(id="m1", set_id="s", number=2, stage=Stage.REVIEW, seq=2, started_at=T0,
                      stage_started_at=T0, facilitator=user("alice"))
    first = commitment("first", "bob", 0, 28, outcome=Outcome.DONE, reviewed_meeting_id="m1")
    second = commitment("second", "bob", 1, 28)
    state = state_with(first, second, meeting=running)
    assert number_of(state, second) == 2  # still 2 while the review runs
    ended = state_with(first, second, meeting=replace(running, stage=Stage.ENDED))
    assert number_of(ended, second) == 1 and number_of(ended, first) is None


def test_actions_mine_shows_the_numbers() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Write to the board by 2026-12-20")
    h.advance(seconds=1)
    h.cmd("bob", "commit Phone the chair")
    (mine,) = whispers(h.cmd("bob", "actions mine"))
    assert "1. Write to the board" in mine and "2. Phone the chair" in mine
