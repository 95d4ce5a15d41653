"""Who holds which role. Each verb's role is in the verb table (``bot.core.verbs``), checked
before any handler runs."""

from __future__ import annotations

from enum import StrEnum

from bot.core.model import SetState
from bot.core.refs import UserRef


class Role(StrEnum):
    ANYONE = "anyone"
    MEMBER = "member"
    MEMBER_OR_FORMER = "member-or-former"  # rights over one's own record survive leaving
    FACILITATOR = "facilitator"
    FACILITATOR_OR_PRESENTER = "facilitator-or-presenter"
    COORDINATOR = "coordinator"  # a programme's: checked against the programme, never a set


def facilitator(state: SetState) -> UserRef | None:
    """The running meeting's facilitator, else the set's."""
    meeting = state.running_meeting
    return meeting.facilitator if meeting is not None else state.set.facilitator


def holds(state: SetState, user: UserRef, role: Role) -> bool:
    if role is Role.ANYONE:
        return True
    if role is Role.COORDINATOR:
        return False
    if role is Role.MEMBER_OR_FORMER:
        return user.key in state.members
    if state.member(user) is None:
        return False
    if role is Role.MEMBER:
        return True
    is_facilitator = user in (facilitator(state), state.set.facilitator)
    if role is Role.FACILITATOR:
        return is_facilitator
    meeting = state.running_meeting
    return is_facilitator or (meeting is not None and meeting.presenter == user)
