"""A member changing their own open commitment: new text, a new due date, or dropping it.

Each change is kept in the commitment's history (``CommitmentChange``), shown at the next review
and in the member's export; check-ins follow a moved due date and stop for a dropped one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.core import timeparse
from bot.core.cards import FieldKind, Form, FormField, action_id, clip
from bot.core.checkins import checkin_pings
from bot.core.effects import CancelPings, Effect, OpenForm, SchedulePing, Update
from bot.core.meeting import DUE_TIME
from bot.core.messages import t
from bot.core.model import (
    ChangeKind,
    Commitment,
    CommitmentChange,
    Context,
    PingKind,
    SetState,
    Stage,
)
from bot.core.numbering import by_number, numbered
from bot.core.refs import mention
from bot.core.result import Interactive, Result, refuse, whisper
from bot.core.views import commitment_line, quoted, stage_card

CHECKINS = frozenset({PingKind.CHECKIN})


def change(state: SetState, event: Interactive, number: int, kind: ChangeKind, text: str,
           day: timeparse.DaySpec | None, ctx: Context) -> Result:
    """``/set action <n> <text>|due <date>|drop <reason>`` on the member's own commitment."""
    commitment = by_number(state, event.user, number)
    if commitment is None:
        return _no_such(state, event, number)
    resolved = None
    if day is not None:
        try:
            resolved = timeparse.resolve_day(day, timeparse.local(
                ctx.now, state.set.timezone).date())
        except timeparse.TimeFormatError as error:
            return refuse(state, event, error.key, **error.params)
    return apply(state, event, commitment, kind, text, resolved, ctx)


def _no_such(state: SetState, event: Interactive, number: int) -> Result:
    mine = [c for c in numbered(state, event.user) if c.open]
    if not mine:
        return refuse(state, event, "action.none_open")
    return refuse(state, event, "action.no_such", number=number, count=len(mine))


def open_change_form(state: SetState, event: Interactive, commitment: Commitment) -> Result:
    """The *Change* button on a check-in: a form for a new text, a new date, or a drop."""
    if commitment.owner != event.user:
        return refuse(state, event, "action.not_yours", who=mention(commitment.owner))
    if not commitment.open:
        return refuse(state, event, "action.closed")
    return Result(state, (OpenForm(where=event.where, user=event.user,
                                   form=change_form(commitment)),))


def from_form(state: SetState, event: Interactive, commitment: Commitment,
              values: dict[str, str], ctx: Context) -> Result:
    """The change form sent back: a drop if a reason is given, else a new text and/or date."""
    if values.get("drop"):
        return apply(state, event, commitment, ChangeKind.DROP, values["drop"], None, ctx)
    text, due = values.get("text", ""), values.get("due", "")
    if not text and not due:
        return refuse(state, event, "action.form_empty")
    day = None
    if due:
        try:
            day = timeparse.resolve_day(timeparse.parse_day(due), timeparse.local(
                ctx.now, state.set.timezone).date())
        except timeparse.TimeFormatError as error:
            return refuse(state, event, error.key, **error.params)
    effects: list = []
    if text and text != commitment.text:
        result = apply(state, event, commitment, ChangeKind.EDIT, text, None, ctx)
        state, effects = result.state, list(result.effects)
        commitment = state.commitments[commitment.id]
    if day is not None:
        result = apply(state, event, commitment, ChangeKind.DUE, "", day, ctx)
        state, effects = result.state, [*effects, *result.effects]
    return Result(state, tuple(effects))


def change_form(commitment: Commitment) -> Form:
    return Form(id=action_id("change", commitment.id), title=t("form.change.title"), fields=(
        FormField(name="text", label=t("form.change.text"), kind=FieldKind.LONG,
                  required=False, hint=clip(commitment.text, 150)),
        FormField(name="due", label=t("form.change.due"), kind=FieldKind.DATE, required=False,
                  hint=t("form.commit.by_hint")),
        FormField(name="drop", label=t("form.change.drop"), kind=FieldKind.LONG,
                  required=False),
    ))


def apply(state: SetState, event: Interactive, commitment: Commitment, kind: ChangeKind,
          text: str, day: date | None, ctx: Context) -> Result:
    """Change ``commitment`` (checked to be the member's own and still open)."""
    if commitment.owner != event.user:
        return refuse(state, event, "action.not_yours", who=mention(commitment.owner))
    if not commitment.open:
        return refuse(state, event, "action.closed")
    zone = state.set.timezone
    effects: list[Effect] = []
    if kind is ChangeKind.EDIT:
        if text == commitment.text:
            return refuse(state, event, "action.same_text")
        updated = replace(commitment, text=text)
        before, after = commitment.text, text
        key = "action.edited"
    elif kind is ChangeKind.DUE:
        assert day is not None
        today = timeparse.local(ctx.now, zone).date()
        if day < today:
            return refuse(state, event, "action.past_date", today=today.isoformat())
        due = timeparse.to_utc(datetime.combine(day, DUE_TIME), zone)
        if due == commitment.due_at:
            return refuse(state, event, "action.same_date")
        updated = replace(commitment, due_at=due)
        before = timeparse.local(commitment.due_at, zone).date().isoformat()
        after = day.isoformat()
        key = "action.moved"
        effects.append(CancelPings(set_id=state.set.id, kinds=CHECKINS,
                                   commitment_id=commitment.id))
    else:
        updated = replace(commitment, dropped_at=ctx.now)
        before, after = "", text
        key = "action.dropped"
        effects.append(CancelPings(set_id=state.set.id, kinds=CHECKINS,
                                   commitment_id=commitment.id))
    record = CommitmentChange(id=ctx.new_id(), set_id=state.set.id, commitment_id=commitment.id,
                              user=event.user, kind=kind, at=ctx.now, before=before, after=after)
    state = replace(state, commitments={**state.commitments, commitment.id: updated},
                    changes=(*state.changes, record))
    if kind is ChangeKind.DUE:
        effects.extend(SchedulePing(ping=p) for p in checkin_pings(state, updated, ctx))
    meeting = state.running_meeting
    if meeting is not None and meeting.stage is Stage.REVIEW:
        effects.append(Update(where=state.set.home, card=stage_card(state, meeting, ctx.now)))
    effects.append(whisper(event, key, line=commitment_line(state, updated, with_owner=False),
                           reason=quoted(text, 500)))
    return Result(state, tuple(effects))
