"""A member's own view of their sets, for a platform's home tab: per set, its next meeting
and the member's open commitments with their check-in answers, worded by the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.messages import t
from bot.core.model import SetState
from bot.core.refs import UserRef
from bot.core.views import checkin_history, commitment_line, next_meeting_text


@dataclass(frozen=True, slots=True)
class HomeSet:
    name: str
    next_meeting_label: str
    next_meeting: str
    commitments_label: str
    commitments: str  # one line a commitment, its answers indented under it


@dataclass(frozen=True, slots=True)
class HomeView:
    sets: tuple[HomeSet, ...]
    empty: str  # what to show when the member is in no set


def home_set(state: SetState, user: UserRef) -> HomeSet:
    lines = []
    for commitment in state.open_commitments(user):
        lines.append("• " + commitment_line(state, commitment, with_owner=False))
        answers = checkin_history(state, commitment, private=True)  # their own view
        if answers:
            lines.append("    " + answers)
    return HomeSet(name=state.set.name, next_meeting_label=t("card.next_meeting"),
                   next_meeting=next_meeting_text(state),
                   commitments_label=t("actions.mine_title"),
                   commitments="\n".join(lines) if lines else t("actions.none"))


def home_view(states: list[SetState], user: UserRef) -> HomeView:
    """The member's sets (as given: oldest membership first) as one view."""
    return HomeView(sets=tuple(home_set(state, user) for state in states),
                    empty=t("direct.no_set"))
