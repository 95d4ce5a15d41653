"""The numbers members use for their own commitments: one rule, shared by every verb.

``/set actions mine``, the review card, ``/set report <n>`` and ``/set action <n> …`` all
number a member's commitments with :func:`numbered`, so "2" means the same commitment
everywhere. Numbers follow the order the commitments were made (not their due dates), so
moving a due date or carrying a commitment forward never renumbers the others; a commitment
reported on in the running meeting keeps its number until that meeting ends, so a member
can correct a report by the number they used.
"""

from __future__ import annotations

from bot.core.model import Commitment, SetState
from bot.core.refs import UserRef


def numbered(state: SetState, owner: UserRef) -> list[Commitment]:
    """``owner``'s commitments in numbering order: number ``n`` is ``numbered(...)[n - 1]``."""
    running = state.running_meeting
    kept = [
        c for c in state.commitments.values()
        if c.owner == owner and (
            c.open or (running is not None and c.reviewed_meeting_id == running.id))
    ]
    return sorted(kept, key=lambda c: (c.created_at, c.id))


def number_of(state: SetState, commitment: Commitment) -> int | None:
    """The number ``commitment`` has for its owner, or ``None`` if it is closed."""
    for index, candidate in enumerate(numbered(state, commitment.owner), start=1):
        if candidate.id == commitment.id:
            return index
    return None


def by_number(state: SetState, owner: UserRef, number: int) -> Commitment | None:
    """``owner``'s commitment number ``number`` (1-based), or ``None`` if there is none."""
    mine = numbered(state, owner)
    return mine[number - 1] if 1 <= number <= len(mine) else None
