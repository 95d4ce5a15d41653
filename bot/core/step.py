"""``step(state, event, ctx)``: the one function that decides what an event means.

Pure: no I/O, no clock, no randomness (the context lends time and ids). The engine loads the
set's state, calls ``step``, saves the new state and hands the effects out.
"""

from __future__ import annotations

from bot.core import checkins, grammar, meeting, programme, schedule, setlife, timeparse
from bot.core.cards import parse_action_id
from bot.core.events import (
    ButtonPressed,
    CommandIssued,
    Event,
    FormSubmitted,
    PingDue,
    PingMissed,
    StageTimerFired,
    TextPosted,
)
from bot.core.grammar import ParseError
from bot.core.messages import t
from bot.core.model import Context, Outcome, PingKind, ProgrammeState, Progress, SetState
from bot.core.permissions import VERB_ROLES, Role, facilitator, holds
from bot.core.refs import mention
from bot.core.result import Interactive, Result, refuse
from bot.core.views import quoted

# Verbs that make sense in a DM with the bot (the engine finds the member's set).
DIRECT_VERBS = frozenset({"progress", "quiet", "help", "actions", "export", "status"})


def step(state: SetState | ProgrammeState | None, event: Event, ctx: Context) -> Result:
    """Decide ``event`` against ``state``; return the new state and the effects."""
    if isinstance(state, ProgrammeState):
        return _programme_event(state, event, ctx)
    match event:
        case CommandIssued():
            return _command(state, event, ctx)
        case TextPosted():
            if state is None or event.where.direct or event.where != state.set.home:
                return Result(state)
            return meeting.text_posted(state, event, event.text, ctx)
        case ButtonPressed():
            return _button(state, event, ctx)
        case FormSubmitted():
            return _form(state, event, ctx)
        case PingDue(ping=ping) if state is not None:
            if ping.kind is PingKind.CHECKIN:
                return checkins.deliver_checkin(state, ping, ctx)
            if ping.kind is PingKind.REMINDER:
                return schedule.deliver_reminder(state, ping, ctx)
            if ping.kind is PingKind.SCHEDULE_CHECK:
                return schedule.check_meeting_held(state, ping, ctx)
            if ping.meeting_id is not None and ping.seq is not None:
                return meeting.timer_fired(state, ping.meeting_id, ping.seq,
                                           ping.kind is PingKind.STAGE_END, ctx)
            return Result(state)
        case PingMissed(ping=ping) if state is not None:
            if ping.kind is PingKind.CHECKIN:
                return checkins.missed_checkin(state, ping, ctx)
            return Result(state)
        case StageTimerFired() if state is not None:
            return meeting.timer_fired(state, event.meeting_id, event.seq, event.final, ctx)
        case PingDue() | PingMissed() | StageTimerFired():
            return Result(state)  # the set is gone: nothing to do
    raise TypeError(f"unknown event type: {type(event).__name__}")


def _usage_error(state: SetState | None, event: Interactive, error: ParseError) -> Result:
    text = t(error.key, **error.params)
    if error.verb is not None:
        text += "\n" + t("usage.line", usage=t(f"usage.{error.verb}"))
    else:
        text += "\n" + t("usage.see_help")
    return refuse(state, event, "error.wrapper", text=text)


def _command(state: SetState | ProgrammeState | None, event: CommandIssued,
             ctx: Context) -> Result:
    try:
        command = grammar.parse(event.text)
    except ParseError as error:
        return _usage_error(state, event, error)
    name = grammar.command_name(event.text)
    if isinstance(command, grammar.Help):
        return setlife.help_for(event, command.verb, state)
    if isinstance(command, grammar.Create | grammar.ProgrammeCreate):
        return _create(state, event, command, ctx)
    if isinstance(state, ProgrammeState):
        return programme.run(state, event, command, name, ctx)
    if state is None:
        if event.where.direct and name in grammar.COORDINATOR_COMMANDS:
            return refuse(state, event, "programme.not_a_coordinator")
        key = "direct.no_set" if event.where.direct else "set.not_a_set"
        return refuse(state, event, key)
    if name in grammar.COORDINATOR_COMMANDS:
        return refuse(state, event, "programme.use_programme_channel", verb=name)
    if event.where.direct and name not in DIRECT_VERBS:
        return refuse(state, event, "direct.channel_only", verb=name)
    role = VERB_ROLES[name]
    if not holds(state, event.user, role):
        return _not_allowed(state, event, name, role)
    return _run(state, event, command, ctx)


def _create(state: SetState | ProgrammeState | None, event: CommandIssued,
            command: grammar.Create | grammar.ProgrammeCreate, ctx: Context) -> Result:
    """A set or a programme is made in a channel that is neither yet."""
    if isinstance(state, SetState):
        return refuse(state, event, "create.exists", name=quoted(state.set.name, 100))
    if isinstance(state, ProgrammeState):
        return refuse(state, event, "programme.channel_taken",
                      name=quoted(state.programme.name, 100))
    if event.where.direct:
        return refuse(state, event, "create.in_dm")
    if isinstance(command, grammar.ProgrammeCreate):
        return programme.create(event, command.name, ctx)
    return setlife.create(event, command.name, ctx)


def _programme_event(state: ProgrammeState, event: Event, ctx: Context) -> Result:
    match event:
        case CommandIssued():
            return _command(state, event, ctx)
        case PingDue(ping=ping) if ping.kind is PingKind.DIGEST:
            return programme.weekly_digest(state, ping, ctx)
    return Result(state)  # channel talk and stray events in a programme channel: nothing


def _not_allowed(state: SetState, event: Interactive, verb: str, role: Role) -> Result:
    if state.member(event.user) is None:
        return refuse(state, event, "set.not_member", name=state.set.name)
    who = facilitator(state)
    running = state.running_meeting
    movers = [mention(u) for u in (who, running.presenter if running else None) if u]
    key = "perm.facilitator" if role is Role.FACILITATOR else "perm.facilitator_or_presenter"
    return refuse(state, event, key, verb=verb,
                  who=t("word.or").join(dict.fromkeys(movers)) or t("word.nobody"))


def _run(state: SetState, event: CommandIssued, command: grammar.Command,
         ctx: Context) -> Result:
    match command:
        case grammar.Join():
            return setlife.join(state, event, ctx)
        case grammar.Leave():
            return setlife.leave(state, event, ctx)
        case grammar.Schedule():
            return setlife.schedule(state, event, command, ctx)
        case grammar.Start():
            return meeting.start(state, event, ctx)
        case grammar.Here(bid=bid):
            return meeting.here(state, event, bid, ctx)
        case grammar.Next():
            return meeting.advance(state, event, ctx, seen_seq=None)
        case grammar.Status():
            return setlife.status(state, event, ctx)
        case grammar.Report(outcome=outcome, account=account):
            return meeting.report(state, event, outcome, account, ctx)
        case grammar.Commit(action=action, by=by):
            return meeting.commit(state, event, action, by, ctx)
        case grammar.End():
            return meeting.end(state, event, ctx)
        case grammar.Actions(mine=mine):
            return setlife.actions(state, event, mine, ctx)
        case grammar.Checkins():
            return setlife.set_checkins(state, event, command, ctx)
        case grammar.Timebox():
            return setlife.set_timebox(state, event, command, ctx)
        case grammar.AutoAdvance(on=on):
            return setlife.set_auto_advance(state, event, on, ctx)
        case grammar.Facilitator(user_id=user_id):
            return setlife.hand_on(state, event, user_id, ctx)
        case grammar.ProgressAnswer(answer=answer, note=note):
            commitment = checkins.pick_commitment(state, event.user)
            if commitment is None:
                return refuse(state, event, "checkin.none_open")
            return checkins.answer(state, event, commitment, answer, note, ctx)
        case grammar.Quiet():
            return setlife.set_quiet(state, event, command, ctx)
        case grammar.Timezone(name=name):
            return setlife.set_timezone(state, event, name, ctx)
        case grammar.Export():
            return setlife.export(state, event, ctx)
        case grammar.ForgetMe():
            return setlife.forget_me(state, event, ctx)
        case grammar.ProgrammeJoin(code=code):
            return programme.set_join(state, event, code, ctx)
        case grammar.ProgrammeLeave():
            return programme.set_leave(state, event, ctx)
        case grammar.Org(name=org):
            return programme.set_org(state, event, org, ctx)
        case grammar.ShareLearning(text=text):
            return programme.share(state, event, text, ctx)
    raise TypeError(f"unhandled command: {command!r}")


def _button(state: SetState | None, event: ButtonPressed, ctx: Context) -> Result:
    """Buttons on cards in a set's channel and in its members' DMs."""
    try:
        verb, subject, arg = parse_action_id(event.action)
    except ValueError:
        return Result(state)
    if state is None:
        return refuse(state, event, "button.gone")
    if verb in ("share", "unshare"):
        return programme.confirm_share(state, event, subject, confirm=verb == "share")
    if verb == "join":
        if state.member(event.user) is not None:
            return refuse(state, event, "join.already", name=state.set.name)
        return setlife.join(state, event, ctx)
    if verb in ("checkin", "help"):
        commitment = state.commitments.get(subject)
        if commitment is None:
            return refuse(state, event, "button.gone")
        if verb == "help":
            return checkins.ask_for_help(state, event, commitment)
        try:
            progress = Progress(arg)
        except ValueError:
            return refuse(state, event, "button.gone")
        return checkins.answer(state, event, commitment, progress, "", ctx)
    if state.member(event.user) is None:
        return refuse(state, event, "set.not_member", name=state.set.name)
    running = state.running_meeting
    if running is None or running.id != subject:
        return refuse(state, event, "button.meeting_over")
    if verb == "next":
        if not holds(state, event.user, Role.FACILITATOR_OR_PRESENTER):
            return _not_allowed(state, event, "next", Role.FACILITATOR_OR_PRESENTER)
        seen = int(arg) if arg.isdigit() else -1
        return meeting.advance(state, event, ctx, seen_seq=seen)
    if verb in ("here", "bid"):
        return meeting.here(state, event, verb == "bid", ctx)
    if verb in ("present", "commit", "report", "insight"):
        return meeting.open_form(state, event, verb, ctx)
    return refuse(state, event, "button.gone")


def _form(state: SetState | None, event: FormSubmitted, ctx: Context) -> Result:
    try:
        verb, subject, _ = parse_action_id(event.form_id)
    except ValueError:
        return Result(state)
    if state is None or state.running_meeting is None or state.running_meeting.id != subject:
        return refuse(state, event, "button.meeting_over")
    if state.member(event.user) is None:
        return refuse(state, event, "set.not_member", name=state.set.name)
    values = {k: (v or "").strip() for k, v in event.values.items()}
    if verb == "present":
        return meeting.present(state, event, values, ctx)
    if verb == "insight":
        return meeting.insight(state, event, values.get("insight", ""), ctx)
    if verb == "commit":
        if not values.get("action"):
            return _usage_error(state, event, ParseError("commit", "error.missing_argument"))
        try:
            by = timeparse.parse_date(values["by"]) if values.get("by") else None
        except timeparse.TimeFormatError:
            return _usage_error(state, event, ParseError("commit", "format.date"))
        return meeting.commit(state, event, values["action"], by, ctx)
    if verb == "report":
        try:
            outcome = Outcome(values.get("outcome", ""))
        except ValueError:
            return _usage_error(state, event, ParseError("report", "error.bad_outcome"))
        if not values.get("account"):
            return _usage_error(state, event, ParseError("report", "error.missing_account"))
        return meeting.report(state, event, outcome, values["account"], ctx)
    return Result(state)


__all__ = ["step"]
