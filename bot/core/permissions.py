"""Who may use which verb. One table, checked before any handler runs."""

from __future__ import annotations

from enum import StrEnum

from bot.core.model import SetState
from bot.core.refs import UserRef


class Role(StrEnum):
    ANYONE = "anyone"
    MEMBER = "member"
    FACILITATOR = "facilitator"
    FACILITATOR_OR_PRESENTER = "facilitator-or-presenter"


VERB_ROLES: dict[str, Role] = {
    "create": Role.ANYONE,
    "join": Role.ANYONE,
    "help": Role.ANYONE,
    "leave": Role.MEMBER,
    "schedule": Role.MEMBER,
    "start": Role.MEMBER,
    "here": Role.MEMBER,
    "status": Role.MEMBER,
    "report": Role.MEMBER,
    "commit": Role.MEMBER,
    "actions": Role.MEMBER,
    "checkins": Role.MEMBER,
    "progress": Role.MEMBER,
    "quiet": Role.MEMBER,
    "export": Role.MEMBER,
    "forget-me": Role.MEMBER,
    "next": Role.FACILITATOR_OR_PRESENTER,
    "end": Role.FACILITATOR,
    "timebox": Role.FACILITATOR,
    "facilitator": Role.FACILITATOR,
    "timezone": Role.FACILITATOR,
    "programme create": Role.ANYONE,
    "programme join": Role.FACILITATOR,
    "programme leave": Role.FACILITATOR,
    "org": Role.MEMBER,
    "share": Role.MEMBER,
}


def facilitator(state: SetState) -> UserRef | None:
    """The running meeting's facilitator, else the set's."""
    meeting = state.running_meeting
    return meeting.facilitator if meeting is not None else state.set.facilitator


def holds(state: SetState, user: UserRef, role: Role) -> bool:
    if role is Role.ANYONE:
        return True
    if state.member(user) is None:
        return False
    if role is Role.MEMBER:
        return True
    is_facilitator = user in (facilitator(state), state.set.facilitator)
    if role is Role.FACILITATOR:
        return is_facilitator
    meeting = state.running_meeting
    return is_facilitator or (meeting is not None and meeting.presenter == user)
