"""``step(state, event, ctx)``: the one function that decides what an event means.

Pure: no I/O, no clock, no randomness (the context lends time and ids). The engine loads the
set's state, calls ``step``, saves the new state and hands the effects out.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import get_close_matches
from typing import Any

from bot.core import (
    apologies,
    away,
    calendar,
    checkins,
    grammar,
    language,
    meeting,
    myactions,
    programme,
    reach,
    record,
    schedule,
    setlife,
    timeparse,
)
from bot.core.cards import Card, parse_action_id
from bot.core.effects import OUTBOUND, DirectMessage
from bot.core.events import (
    ButtonPressed,
    CommandIssued,
    Event,
    FormSubmitted,
    HomeLost,
    HomeRegained,
    MemberUnreachable,
    PingDue,
    PingMissed,
    TextPosted,
)
from bot.core.grammar import ParseError
from bot.core.messages import t
from bot.core.model import (
    Context,
    Outcome,
    Ping,
    PingKind,
    ProgrammeState,
    Progress,
    SetState,
)
from bot.core.permissions import Role, facilitator, holds
from bot.core.refs import mention
from bot.core.result import Interactive, Result, refuse, voice_of
from bot.core.verbs import (
    COMMAND_NAMES,
    COORDINATOR_COMMANDS,
    FORM_BUTTONS,
    Parsed,
    Target,
    Where,
    button_target,
    named,
    read,
    usable,
)
from bot.core.views import quoted


def step(state: SetState | ProgrammeState | None, event: Event, ctx: Context,
         command: Parsed | None = None) -> Result:
    """Decide ``event`` against ``state``; return the new state and the effects (and, when the
    schedule changed under members who took the calendar file, their updated files).

    ``command``: a ``CommandIssued``'s line as the engine read it (read here if not given).
    What is posted is worded in the set's (or programme's) language; private answers and a
    DM conversation in the language of the person who acted (``/set language <code> mine``).
    """
    channel, own = _voices(state, event, ctx)
    if own is not channel and not _is_direct(event):
        # Someone reading their own language acted in the set's channel: an answer only they
        # see is worded wholly in their language; anything public in the set's.
        with language.speaking(own), language.privately(own):
            result = _followed(state, event, ctx, command)
        user = getattr(event, "user", None)
        if all(getattr(effect, "user", None) == user for effect in result.effects
               if isinstance(effect, OUTBOUND)):
            return result
    with language.speaking(own if _is_direct(event) else channel), language.privately(own):
        return _followed(state, event, ctx, command)


def _is_direct(event: Event) -> bool:
    where = getattr(event, "where", None)
    return where is not None and where.direct


def _voices(state: SetState | ProgrammeState | None, event: Event,
            ctx: Context) -> tuple[language.Voice, language.Voice]:
    """The voice of the channel the event concerns, and that of the person who acted."""
    if isinstance(state, ProgrammeState):
        channel = language.choose(ctx.voices, state.programme.language, ctx.default_language)
        return channel, channel
    channel = language.choose(ctx.voices, state.set.language if state else None,
                              ctx.default_language)
    user = getattr(event, "user", None)
    return channel, (voice_of(state, user, ctx) if user is not None else channel)


def _followed(state: SetState | ProgrammeState | None, event: Event, ctx: Context,
              command: Parsed | None) -> Result:
    """The decision, with the set's calendar files following any change to its schedule."""
    result = _decide(state, event, ctx, command)
    if isinstance(state, SetState):
        return calendar.follow(state, result, ctx)
    return result


def _decide(state: SetState | ProgrammeState | None, event: Event, ctx: Context,
            command: Parsed | None) -> Result:
    parsed = command
    if parsed is None and isinstance(event, CommandIssued):
        parsed = read(event.text)
    if isinstance(state, ProgrammeState):
        return _programme_event(state, event, parsed, ctx)
    match event:
        case CommandIssued():
            assert parsed is not None
            return _command(state, event, parsed, ctx)
        case TextPosted():
            if state is None or event.where.direct or event.where != state.set.home:
                return Result(state)
            return meeting.text_posted(state, event, event.text, ctx)
        case ButtonPressed():
            return _button(state, event, ctx)
        case FormSubmitted():
            return _form(state, event, ctx)
        case PingDue() | PingMissed():
            return _ping(state, event, ctx)
        case MemberUnreachable():
            return _unreachable(state, event)
        case HomeLost():
            return reach.home_lost(state, event, ctx)
        case HomeRegained():
            return reach.home_regained(state, event, ctx)
    raise TypeError(f"unknown event type: {type(event).__name__}")


def _unreachable(state: SetState | None, event: MemberUnreachable) -> Result:
    """A member the bot can no longer send direct messages to: their check-ins cannot reach
    them, so the facilitator is told privately (unless the facilitator is that member)."""
    if state is None or event.user.key not in state.members:
        return Result(state)
    told = facilitator(state)
    if told is None or told == event.user:
        return Result(state)
    return Result(state, (DirectMessage(user=told, card=Card(body=t(
        "member.unreachable", who=mention(event.user), name=quoted(state.set.name, 100)))),))


def _ping(state: SetState | None, event: PingDue | PingMissed, ctx: Context) -> Result:
    if state is None:
        return Result(state)  # the set is gone: nothing to do
    if isinstance(event, PingDue) and state.set.unreachable_since:
        return reach.hold_ping(state, event.ping, ctx)
    if isinstance(event, PingMissed):
        if event.ping.kind is PingKind.CHECKIN:
            return checkins.missed_checkin(state, event.ping, ctx)
        return Result(state)
    return _ping_due(state, event.ping, ctx)


def _ping_due(state: SetState, ping: Ping, ctx: Context) -> Result:
    """A ping this process claimed: a check-in, a reminder, a schedule check or a stage timer."""
    if ping.kind is PingKind.CHECKIN:
        return checkins.deliver_checkin(state, ping, ctx)
    if ping.kind is PingKind.REMINDER:
        return schedule.deliver_reminder(state, ping, ctx)
    if ping.kind is PingKind.SCHEDULE_CHECK:
        return schedule.check_meeting_held(state, ping, ctx)
    if ping.kind is PingKind.MEETING_CLOSE:
        return meeting.close_itself(state, ping, ctx)
    if ping.kind is PingKind.AWAY_END:
        return away.away_ended(state, ping, ctx)
    if ping.meeting_id is not None and ping.seq is not None:
        return meeting.timer_fired(state, ping.meeting_id, ping.seq,
                                   ping.kind is PingKind.STAGE_END, ctx)
    return Result(state)


def _usage_error(state: SetState | None, event: Interactive, error: ParseError) -> Result:
    with language.speaking(language.private()):
        text = t(error.key, **error.params)
        typed = str(error.params.get("word", ""))
        close = get_close_matches(typed.lower(), COMMAND_NAMES, n=1, cutoff=0.75) if (
            error.key == "error.unknown_verb" and typed) else []
        if close:  # a typo: name the command they most likely meant
            text += "\n" + t("usage.did_you_mean", usage=t(named(close[0]).usage_id))
        elif error.verb is not None:
            text += "\n" + t("usage.line", usage=t(named(error.verb).usage_id))
        else:
            text += "\n" + t("usage.see_help")
    return refuse(state, event, "error.wrapper", text=text)


def _command(state: SetState | ProgrammeState | None, event: CommandIssued, parsed: Parsed,
             ctx: Context) -> Result:
    if parsed.error is not None:
        return _usage_error(state, event, parsed.error)
    command, name, verb = parsed.command, parsed.name, parsed.verb
    assert command is not None and verb is not None
    if isinstance(command, grammar.Help):
        return setlife.help_for(event, command.verb, state)
    if isinstance(command, grammar.Create | grammar.ProgrammeCreate):
        return _create(state, event, command, ctx)
    if isinstance(state, ProgrammeState):
        return programme.run(state, event, command, name, ctx)
    if isinstance(command, grammar.Export | grammar.ForgetMe):
        refused = _record_refusal(state, event, command)
        if refused is not None:
            return refused
    if state is None:
        if event.where.direct and name in COORDINATOR_COMMANDS:
            return refuse(state, event, "programme.not_a_coordinator")
        key = "direct.no_set" if event.where.direct else "set.not_a_set"
        return refuse(state, event, key)
    if not usable(name, Where.SET):
        return refuse(state, event, "programme.use_programme_channel", verb=name)
    if event.where.direct and not usable(name, Where.DIRECT):
        return refuse(state, event, "direct.channel_only", verb=name)
    if not holds(state, event.user, verb.role):
        return _not_allowed(state, event, name, verb.role)
    return _run(state, event, command, ctx)


def _record_refusal(state: SetState | None, event: CommandIssued,
                    command: grammar.Export | grammar.ForgetMe) -> Result | None:
    """Who may export or erase a record, and which: a member or former member, of the set of
    the channel, or in a DM of the set they name (needed if they were in several)."""
    named = command.set_name
    if state is None:
        if named is not None:
            return refuse(state, event, "record.none_named", set=quoted(named, 100))
        return refuse(state, event, "record.none" if event.where.direct else "set.not_a_set")
    if event.user.key not in state.members:
        return refuse(state, event, "record.never_member", name=quoted(state.set.name, 100))
    if event.where.direct:
        if named is None and len(state.memberships) > 1:
            listed = ", ".join(f"“{quoted(n, 100)}”" for n in state.memberships)
            verb = "export" if isinstance(command, grammar.Export) else "forget-me"
            return refuse(state, event, "record.which", sets=listed, verb=verb,
                          example=quoted(state.memberships[0], 100))
    elif named is not None and named.casefold() != state.set.name.casefold():
        return refuse(state, event, "record.other_set", name=quoted(state.set.name, 100))
    return None


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


def _programme_event(state: ProgrammeState, event: Event, parsed: Parsed | None,
                     ctx: Context) -> Result:
    match event:
        case CommandIssued():
            assert parsed is not None
            return _command(state, event, parsed, ctx)
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
    text = t(key, verb=verb, who=t("word.or").join(dict.fromkeys(movers)) or t("word.nobody"))
    if running is not None and running.facilitator not in running.attendance:
        text += "\n" + t("perm.take_over", who=mention(running.facilitator))
    return refuse(state, event, "error.wrapper", text=text)


SetHandler = Callable[[SetState, CommandIssued, Any, Context], Result]


def _progress(state: SetState, event: CommandIssued, command: grammar.ProgressAnswer,
              ctx: Context) -> Result:
    commitment = checkins.pick_commitment(state, event.user)
    if commitment is None:
        return refuse(state, event, "checkin.none_open")
    return checkins.answer(state, event, commitment, command.answer, command.note, ctx)


# Each command of a set's verb and what carries it out (coordinators' are in ``programme``).
SET_HANDLERS: dict[type, SetHandler] = {
    grammar.Join: lambda state, event, _, ctx: setlife.join(state, event, ctx),
    grammar.Leave: lambda state, event, _, ctx: setlife.leave(state, event, ctx),
    grammar.Schedule: setlife.schedule,
    grammar.ScheduleOff: setlife.schedule_off,
    grammar.ScheduleSkip: setlife.schedule_skip,
    grammar.Start: lambda state, event, _, ctx: meeting.start(state, event, ctx),
    grammar.Here: lambda state, event, command, ctx: meeting.here(state, event, command.bid,
                                                                  ctx),
    grammar.Next: lambda state, event, _, ctx: meeting.advance(state, event, ctx, seen_seq=None),
    grammar.Status: lambda state, event, _, ctx: setlife.status(state, event, ctx),
    grammar.Report: lambda state, event, command, ctx: meeting.report(
        state, event, command.outcome, command.account, ctx, command.number),
    grammar.Commit: lambda state, event, command, ctx: meeting.commit(
        state, event, command.action, command.by, ctx),
    grammar.End: lambda state, event, _, ctx: meeting.end(state, event, ctx),
    grammar.Actions: lambda state, event, command, ctx: setlife.actions(state, event,
                                                                        command.mine, ctx),
    grammar.Checkins: lambda state, event, command, ctx: _checkins(state, event, command, ctx),
    grammar.Timebox: setlife.set_timebox,
    grammar.AutoAdvance: lambda state, event, command, ctx: setlife.set_auto_advance(
        state, event, command.on, ctx),
    grammar.Facilitator: lambda state, event, command, ctx: setlife.hand_on(
        state, event, command.user_id, ctx),
    grammar.ProgressAnswer: _progress,
    grammar.Quiet: setlife.set_quiet,
    grammar.Language: setlife.set_language,
    grammar.Timezone: lambda state, event, command, ctx: setlife.set_timezone(
        state, event, command.name, ctx),
    grammar.Export: lambda state, event, _, ctx: setlife.export(state, event, ctx),
    grammar.ForgetMe: lambda state, event, _, ctx: setlife.forget_me(state, event, ctx),
    grammar.ProgrammeJoin: lambda state, event, command, ctx: programme.set_join(
        state, event, command.code, ctx),
    grammar.ProgrammeLeave: lambda state, event, _, ctx: programme.set_leave(state, event, ctx),
    grammar.Org: lambda state, event, command, ctx: programme.set_org(state, event,
                                                                      command.name, ctx),
    grammar.ShareLearning: lambda state, event, command, ctx: programme.share(
        state, event, command.text, ctx),
    grammar.Apologies: lambda state, event, command, ctx: (
        apologies.withdraw(state, event, command.day, ctx) if command.off
        else apologies.send(state, event, command.day, command.note, ctx)),
    grammar.Members: lambda state, event, _, ctx: record.members(state, event),
    grammar.Summaries: lambda state, event, command, ctx: record.summaries(
        state, event, command.count),
    grammar.Summary: lambda state, event, command, ctx: record.summary(
        state, event, command.number),
    grammar.ActionChange: lambda state, event, command, ctx: myactions.change(
        state, event, command.number, command.kind, command.text, command.day, ctx),
    grammar.Away: lambda state, event, command, ctx: away.set_away(
        state, event, command.until, ctx),
    grammar.Holidays: lambda state, event, command, ctx: away.set_holidays(
        state, event, command.region, ctx),
    grammar.Link: lambda state, event, command, ctx: record.set_link(
        state, event, command.url, ctx),
    grammar.Calendar: lambda state, event, _, ctx: record.send_calendar(state, event, ctx),
}


def _checkins(state: SetState, event: Interactive, command: grammar.Checkins,
              ctx: Context) -> Result:
    """Offsets are set-wide; ``pause``/``resume`` a member's own; ``all pause|resume`` the
    whole set's (facilitator)."""
    if command.pause is None:
        return setlife.set_checkins(state, event, command, ctx)
    if command.everyone:
        return away.pause_all(state, event, command.pause, ctx)
    return away.pause_mine(state, event, command.pause, ctx)


def _run(state: SetState, event: CommandIssued, command: grammar.Command,
         ctx: Context) -> Result:
    handler = SET_HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"unhandled command: {command!r}")
    return handler(state, event, command, ctx)


def _button(state: SetState | None, event: ButtonPressed, ctx: Context) -> Result:
    """Buttons on cards in a set's channel and in its members' DMs."""
    try:
        verb, subject, arg = parse_action_id(event.action)
    except ValueError:
        return Result(state)
    if state is None:  # its set is not here: in a channel, say what the channel is not
        return refuse(state, event, "button.gone" if event.where.direct else "button.no_set")
    if verb in ("share", "unshare"):
        return programme.confirm_share(state, event, subject, confirm=verb == "share",
                                       ctx=ctx)
    if verb in ("apologies", "change", "orgshow"):
        return _own_button(state, event, verb, subject, arg, ctx)
    if verb == "join":
        if state.member(event.user) is not None:
            return refuse(state, event, "join.already", name=state.set.name)
        return setlife.join(state, event, ctx)
    if button_target(verb) is Target.COMMITMENT:
        return _commitment_button(state, event, verb, subject, arg, ctx)
    if state.member(event.user) is None:
        return refuse(state, event, "set.not_member", name=state.set.name)
    return _meeting_button(state, event, verb, subject, arg, ctx)


def _own_button(state: SetState, event: ButtonPressed, verb: str, subject: str, arg: str,
                ctx: Context) -> Result:
    """A member's own buttons: apologies from a reminder, changing an action from its
    check-in, showing their organisation to the set."""
    if verb == "change":
        commitment = state.commitments.get(subject)
        if commitment is None:
            return refuse(state, event, "button.gone")
        return myactions.open_change_form(state, event, commitment)
    if state.member(event.user) is None:
        return refuse(state, event, "set.not_member", name=state.set.name)
    if verb == "apologies":
        return apologies.send(state, event, None, "", ctx)
    return record.show_org(state, event, arg == "on")


def _commitment_button(state: SetState, event: ButtonPressed, verb: str, commitment_id: str,
                       arg: str, ctx: Context) -> Result:
    """A check-in's buttons (an answer, or asking the set for help) and not carrying a
    reported commitment forward."""
    commitment = state.commitments.get(commitment_id)
    if commitment is None:
        return refuse(state, event, "button.gone")
    if verb == "uncarry":
        return meeting.close_commitment(state, event, commitment, ctx)
    if verb == "help":
        return checkins.ask_for_help(state, event, commitment, ctx)
    try:
        progress = Progress(arg)
    except ValueError:
        return refuse(state, event, "button.gone")
    return checkins.answer(state, event, commitment, progress, "", ctx)


def _meeting_button(state: SetState, event: ButtonPressed, verb: str, meeting_id: str,
                    arg: str, ctx: Context) -> Result:
    """The running meeting's stage card: next, I'm here, and the buttons that open a form
    (any other button is stale: its meeting is over, or it no longer applies)."""
    running = state.running_meeting
    if running is None or running.id != meeting_id:
        return refuse(state, event, "button.meeting_over")
    if verb == "next":
        if not holds(state, event.user, Role.FACILITATOR_OR_PRESENTER):
            return _not_allowed(state, event, "next", Role.FACILITATOR_OR_PRESENTER)
        seen = int(arg) if arg.isdigit() else -1
        return meeting.advance(state, event, ctx, seen_seq=seen)
    if verb in ("here", "bid"):
        return meeting.here(state, event, verb == "bid", ctx)
    if verb == "unbid":
        return meeting.withdraw_bid(state, event, ctx)
    if verb == "takeover":
        return setlife.take_over(state, event, event.user, ctx)
    if verb in FORM_BUTTONS:
        return meeting.open_form(state, event, verb, ctx)
    return refuse(state, event, "button.gone")


def _form(state: SetState | None, event: FormSubmitted, ctx: Context) -> Result:
    try:
        verb, subject, _ = parse_action_id(event.form_id)
    except ValueError:
        return Result(state)
    if verb == "change" and state is not None and subject in state.commitments:
        values = {k: (v or "").strip() for k, v in event.values.items()}
        return myactions.from_form(state, event, state.commitments[subject], values, ctx)
    if state is None or state.running_meeting is None or state.running_meeting.id != subject:
        if (verb == "commit" and state is not None and state.meeting is not None
                and state.meeting.id == subject):
            return refuse(state, event, "commit.form_after_end")
        return refuse(state, event, "button.meeting_over")
    if state.member(event.user) is None:
        return refuse(state, event, "set.not_member", name=state.set.name)
    values = {k: (v or "").strip() for k, v in event.values.items()}
    if verb == "present":
        return meeting.present(state, event, values, ctx)
    if verb == "insight":
        return meeting.insight(state, event, values.get("insight", ""), ctx)
    if verb == "commit":
        return _commit_form(state, event, values, ctx)
    if verb == "report":
        return _report_form(state, event, values, ctx)
    return Result(state)


def _commit_form(state: SetState, event: FormSubmitted, values: dict[str, str],
                 ctx: Context) -> Result:
    if not values.get("action"):
        return _usage_error(state, event, ParseError("commit", "error.missing_argument"))
    try:
        by = timeparse.parse_day(values["by"]) if values.get("by") else None
    except timeparse.TimeFormatError as error:
        return _usage_error(state, event, ParseError("commit", error.key, **error.params))
    return meeting.commit(state, event, values["action"], by, ctx, from_form=True)


def _report_form(state: SetState, event: FormSubmitted, values: dict[str, str],
                 ctx: Context) -> Result:
    try:
        outcome = Outcome(values.get("outcome", ""))
    except ValueError:
        return _usage_error(state, event, ParseError("report", "error.bad_outcome"))
    if not values.get("account"):
        return _usage_error(state, event, ParseError("report", "error.missing_account"))
    number = None
    if values.get("number"):
        number = timeparse.ascii_number(values["number"].split()[0].rstrip("."))
        if number is None:
            return _usage_error(state, event, ParseError("report", "error.bad_number"))
    return meeting.report(state, event, outcome, values["account"], ctx, number)


__all__ = ["step"]
