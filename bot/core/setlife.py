"""A set's life outside the meeting itself: creating, joining, settings, records and erasure."""

from __future__ import annotations

from dataclasses import replace

from bot.core import erasure, grammar, language, stages, timeparse
from bot.core.calendar import due_dates_file
from bot.core.cards import Button, ButtonStyle, Card, action_id
from bot.core.checkins import reschedule_all
from bot.core.effects import (
    Attachment,
    CancelPings,
    DirectMessage,
    Effect,
    EraseMember,
    Post,
    Update,
    Whisper,
)
from bot.core.language import LANGUAGES
from bot.core.meeting import close_ping, move, rearm
from bot.core.messages import t
from bot.core.model import (
    ActionSet,
    Context,
    Member,
    PingKind,
    SetState,
)
from bot.core.permissions import Role, facilitator, holds
from bot.core.refs import UserRef, mention
from bot.core.result import Interactive, Result, refuse, whisper
from bot.core.schedule import reminder_pings, skip_next, upcoming_meeting
from bot.core.stages import Trigger
from bot.core.views import (
    actions_card,
    export_markdown,
    ground_rules,
    help_card,
    next_meeting_text,
    quoted,
    stage_card,
    stage_name,
    status_card,
)


def create(event: Interactive, name: str, ctx: Context) -> Result:
    """Make ``event.where`` the home of a new set; its creator is member and facilitator."""
    created = ActionSet(id=ctx.new_id(), name=name, home=event.where,
                        timezone=ctx.default_timezone, created_at=ctx.now,
                        facilitator=event.user)
    member = Member(user=event.user, name=event.user_name or event.user.id, joined_at=ctx.now)
    state = SetState(set=created, members={event.user.key: member})
    card = Card(title=t("create.title", name=quoted(name, 100)),
                body=t("create.body", who=mention(event.user), rules=ground_rules()),
                buttons=(Button(label=t("button.join"), style=ButtonStyle.PRIMARY,
                                action=action_id("join", created.id)),))
    return Result(state, (Post(where=event.where, card=card),))


def join(state: SetState, event: Interactive, ctx: Context) -> Result:
    """Join, accepting the ground rules; the first to join a set nobody is in facilitates it."""
    if state.member(event.user) is not None:
        return refuse(state, event, "join.already", name=quoted(state.set.name, 100))
    previous = state.members.get(event.user.key)
    member = Member(user=event.user, name=event.user_name or (previous.name if previous else "")
                    or event.user.id, joined_at=ctx.now,
                    org=previous.org if previous else None)
    empty = not state.active_members()
    state = replace(state, members={**state.members, event.user.key: member})
    lines = [t("join.posted", who=mention(event.user))]
    standing = state.set.facilitator
    if empty or standing is None or state.member(standing) is None:
        state = replace(state, set=replace(state.set, facilitator=event.user))
        lines.append(t("facilitator.first_in", who=mention(event.user)))
    return Result(state, (
        Post(where=state.set.home, card=Card(body="\n".join(lines))),
        whisper(event, "join.welcome", name=quoted(state.set.name, 100), rules=ground_rules()),
    ))


def successor(state: SetState) -> UserRef | None:
    """Who takes the facilitator role when its holder leaves: the longest-standing member
    present at the running meeting, else the longest-standing member."""
    members = sorted(state.active_members(), key=lambda m: (m.joined_at, m.user.key))
    meeting = state.running_meeting
    present = [m.user for m in members if meeting is not None and m.user in meeting.attendance]
    return (present or [m.user for m in members] or [None])[0]


def leave(state: SetState, event: Interactive, ctx: Context) -> Result:
    """Leave the set: commitments stay the member's; the facilitator role passes on; a meeting
    that nobody is left in closes with its summary."""
    member = state.member(event.user)
    assert member is not None
    members = {**state.members, event.user.key: replace(member, left_at=ctx.now)}
    state = replace(state, members=members)
    heir = successor(state)
    effects: list[Effect] = [CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                                 user=event.user)]
    lines = [t("leave.posted", who=mention(event.user))]
    meeting = state.running_meeting
    handed = False
    if state.set.facilitator == event.user:
        state = replace(state, set=replace(state.set, facilitator=heir))
        handed = heir is not None
    if meeting is not None:
        started = meeting.bids[: meeting.presenter_index + 1]
        later = tuple(u for u in meeting.bids[meeting.presenter_index + 1:] if u != event.user)
        meeting = replace(meeting, bids=(*started, *later))
        if meeting.facilitator == event.user and heir is not None:
            meeting = replace(meeting, facilitator=heir)
            handed = True
        state = replace(state, meeting=meeting)
    if handed and heir is not None:
        lines.append(t("facilitator.passed", who=mention(heir)))
    effects.append(Post(where=state.set.home, card=Card(body="\n".join(lines))))
    if meeting is not None and heir is None:
        closed = move(state, ctx, Trigger.END, by=None, reason="everyone_left")
        state = closed.state  # type: ignore[assignment]
        effects.extend(closed.effects)
    elif meeting is not None:
        effects.append(_card_update(state, ctx))
    effects.append(whisper(event, "leave.done", name=quoted(state.set.name, 100)))
    return Result(state, tuple(effects))


def _card_update(state: SetState, ctx: Context) -> Update:
    assert state.meeting is not None
    return Update(where=state.set.home, card=stage_card(state, state.meeting, ctx.now))


def schedule(state: SetState, event: Interactive, command: grammar.Schedule,
             ctx: Context) -> Result:
    at = timeparse.to_utc(command.at, state.set.timezone)
    if at <= ctx.now:
        return refuse(state, event, "schedule.past",
                      now=timeparse.format_when(ctx.now, state.set.timezone))
    if at > ctx.now + timeparse.MAX_AHEAD:
        return refuse(state, event, "schedule.too_far", latest=timeparse.format_day(
            ctx.now + timeparse.MAX_AHEAD, state.set.timezone))
    state = replace(state, set=replace(state.set, next_meeting_at=at,
                                       cadence_weeks=command.every_weeks))
    card = Card(body=t("schedule.posted", when=next_meeting_text(state)))
    return Result(state, (*reminder_pings(state, ctx), *_rearm_close(state, ctx),
                          Post(where=state.set.home, card=card)))


def _rearm_close(state: SetState, ctx: Context) -> list[Effect]:
    """A running meeting's self-closing time follows the schedule (1 h before the next one)."""
    meeting = state.running_meeting
    if meeting is None:
        return []
    return [CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.MEETING_CLOSE}),
                        meeting_id=meeting.id), close_ping(state, meeting, ctx)]


def schedule_off(state: SetState, event: Interactive, command: grammar.ScheduleOff,
                 ctx: Context) -> Result:
    """No next meeting and no cadence: reminders stop until a new ``/set schedule``."""
    if state.set.next_meeting_at is None and not state.set.cadence_weeks:
        return refuse(state, event, "schedule.nothing")
    state = replace(state, set=replace(state.set, next_meeting_at=None, cadence_weeks=None))
    return Result(state, (*reminder_pings(state, ctx), *_rearm_close(state, ctx),
                          Post(where=state.set.home, card=Card(body=t(
                              "schedule.off", who=mention(event.user))))))


def schedule_skip(state: SetState, event: Interactive, command: grammar.ScheduleSkip,
                  ctx: Context) -> Result:
    """Skip the next meeting: the cadence goes on after it, and its reminders move."""
    skipped = state.set.next_meeting_at
    if skipped is None:
        return refuse(state, event, "schedule.nothing")
    state = skip_next(state, ctx)
    return Result(state, (*reminder_pings(state, ctx), *_rearm_close(state, ctx),
                          Post(where=state.set.home, card=Card(body=t(
                              "schedule.skipped", who=mention(event.user),
                              when=timeparse.format_when(skipped, state.set.timezone),
                              next=next_meeting_text(state))))))


def set_timezone(state: SetState, event: Interactive, name: str, ctx: Context) -> Result:
    """A new zone for the set. A scheduled meeting keeps its local time of day (10:00 stays
    10:00, now in the new zone), and says so; reminders and check-ins follow."""
    before = state.set
    moved_at = before.next_meeting_at
    if moved_at is not None:
        wall = timeparse.local(moved_at, before.timezone).replace(tzinfo=None)
        moved_at = timeparse.to_utc(wall, name)
        if moved_at <= ctx.now:  # the same local time has already passed in the new zone
            moved_at = upcoming_meeting(replace(state, set=replace(
                before, timezone=name, next_meeting_at=moved_at)), ctx.now)
    state = replace(state, set=replace(before, timezone=name, next_meeting_at=moved_at))
    if before.next_meeting_at is None:
        body = t("timezone.posted", zone=name, when=next_meeting_text(state))
    else:
        body = t("timezone.kept_local", zone=name, old=before.timezone,
                 when=next_meeting_text(state))
    return Result(state, (*reminder_pings(state, ctx), *reschedule_all(state, ctx),
                          Post(where=state.set.home, card=Card(body=body))))


def hand_on(state: SetState, event: Interactive, user_id: str, ctx: Context) -> Result:
    """``/set facilitator <@member>``. The set's facilitator hands the role on for good; the
    one facilitating this meeting hands it on for the meeting; and while a meeting runs and
    its facilitator has not said they're here, a member who is here may take it (or give it
    to another member who is here) for this meeting."""
    target = UserRef(platform=event.user.platform, workspace=event.user.workspace, id=user_id)
    if state.member(target) is None:
        return refuse(state, event, "facilitator.not_member", who=mention(target))
    meeting = state.running_meeting
    if event.user == state.set.facilitator:
        state = replace(state, set=replace(state.set, facilitator=target))
        effects: list[Effect] = []
        if meeting is not None:
            state = replace(state, meeting=replace(meeting, facilitator=target))
            effects.append(_card_update(state, ctx))
        effects.append(Post(where=state.set.home, card=Card(body=t(
            "facilitator.posted", who=mention(target), by=mention(event.user)))))
        return Result(state, tuple(effects))
    if meeting is None:
        return refuse(state, event, "facilitator.only_standing",
                      who=mention(state.set.facilitator) if state.set.facilitator
                      else t("word.nobody"))
    if event.user != meeting.facilitator:
        if meeting.facilitator in meeting.attendance:
            return refuse(state, event, "facilitator.is_here",
                          who=mention(meeting.facilitator))
        if target != event.user and event.user not in meeting.attendance:
            return refuse(state, event, "facilitator.say_here_first")
    if target != event.user and target not in meeting.attendance:
        return refuse(state, event, "facilitator.target_not_here", who=mention(target))
    return take_over(state, event, target, ctx)


def take_over(state: SetState, event: Interactive, target: UserRef, ctx: Context) -> Result:
    """``target`` facilitates this meeting (the *Take over* button, or ``/set facilitator``
    while the facilitator is away); the set's facilitator has it back from the next meeting."""
    meeting = state.running_meeting
    if meeting is None:
        return refuse(state, event, "meeting.none_running")
    if target == meeting.facilitator:
        return refuse(state, event, "facilitator.already", who=mention(target))
    if event.user != meeting.facilitator and meeting.facilitator in meeting.attendance:
        return refuse(state, event, "facilitator.is_here", who=mention(meeting.facilitator))
    attendance = meeting.attendance if target in meeting.attendance else (
        *meeting.attendance, target)
    state = replace(state, meeting=replace(meeting, facilitator=target, attendance=attendance))
    standing = state.set.facilitator
    key = "facilitator.taken" if event.user == target else "facilitator.given"
    body = t(key, who=mention(target), by=mention(event.user), away=mention(meeting.facilitator))
    if standing is not None and standing != target:
        body += " " + t("facilitator.back_next", who=mention(standing))
    return Result(state, (_card_update(state, ctx),
                          Post(where=state.set.home, card=Card(body=body))))


def set_timebox(state: SetState, event: Interactive, command: grammar.Timebox,
                ctx: Context) -> Result:
    boxes = {**state.set.timeboxes, command.stage: command.minutes}
    state = replace(state, set=replace(state.set, timeboxes=boxes))
    effects: list[Effect] = []
    meeting = state.running_meeting
    key = "timebox.review_posted" if command.stage.value == "review" else "timebox.posted"
    effects.append(Post(where=state.set.home, card=Card(body=t(
        key, stage=stage_name(command.stage), minutes=command.minutes))))
    if meeting is not None and meeting.stage is command.stage:
        end = stages.ends_at(state, meeting)
        if state.set.auto_advance and end is not None and end <= ctx.now:
            # Shortened below the time already used: the meeting moves on at once.
            moved = move(state, ctx, Trigger.NEXT, by=None)
            return Result(moved.state, (*effects, *moved.effects))
        effects.extend(rearm(state, ctx))
        effects.append(_card_update(state, ctx))
    return Result(state, tuple(effects))


def set_auto_advance(state: SetState, event: Interactive, on: bool, ctx: Context) -> Result:
    """Whether a stage whose time is up moves on by itself (off by default)."""
    state = replace(state, set=replace(state.set, auto_advance=on))
    key = "timebox.auto_on" if on else "timebox.auto_off"
    return Result(state, (Post(where=state.set.home, card=Card(body=t(key))),))


def set_checkins(state: SetState, event: Interactive, command: grammar.Checkins,
                 ctx: Context) -> Result:
    if command.pause is not None:
        state = replace(state, set=replace(state.set, checkins_paused=command.pause))
        key = "checkins.paused" if command.pause else "checkins.resumed"
    else:
        assert command.offsets is not None
        state = replace(state, set=replace(state.set, checkin_offsets=command.offsets,
                                           checkins_paused=False))
        key = "checkins.posted"
    card = Card(body=t(key, offsets=", ".join(state.set.checkin_offsets)))
    return Result(state, (*reschedule_all(state, ctx), Post(where=state.set.home, card=card)))


def set_quiet(state: SetState, event: Interactive, command: grammar.Quiet,
              ctx: Context) -> Result:
    profile = replace(state.profile(event.user), quiet=command.hours)
    if command.zone:
        profile = replace(profile, timezone=command.zone)
    state = replace(state, profiles={**state.profiles, event.user.key: profile})
    if command.hours is None:
        return Result(state, (whisper(event, "quiet.off"),))
    zone = profile.timezone or state.set.timezone
    return Result(state, (whisper(event, "quiet.on", start=command.hours.start.strftime("%H:%M"),
                                  end=command.hours.end.strftime("%H:%M"), zone=zone),))


def status(state: SetState, event: Interactive, ctx: Context) -> Result:
    return Result(state, (_private(event, status_card(state, ctx.now)),))


def actions(state: SetState, event: Interactive, mine: bool, ctx: Context) -> Result:
    return Result(state, (_private(event, actions_card(state, event.user if mine else None)),))


def export(state: SetState, event: Interactive, ctx: Context) -> Result:
    document = export_markdown(state, event.user, ctx.now)
    slug = "".join(ch if ch.isalnum() else "-" for ch in state.set.name.lower()).strip("-")
    open_ones = state.open_commitments(event.user)
    due_dates = (DirectMessage(user=event.user, card=Card(body=t("export.ics_dm")),
                               attachment=due_dates_file(state, open_ones)),) if open_ones else ()
    return Result(state, (
        DirectMessage(user=event.user, card=Card(body=t("export.dm", name=quoted(
            state.set.name, 100))), attachment=Attachment(
            filename=f"revans-{slug or 'set'}-{ctx.now:%Y%m%d}.md", content=document)),
        *due_dates,  # the open commitments' due dates, for a calendar (none: no file)
        whisper(event, "export.sent"),
    ))


def forget_me(state: SetState, event: Interactive, ctx: Context) -> Result:
    """Erase what the member said in this set, everywhere the bot keeps it: the stored texts
    (the rows stay, so counts stay), the stored summaries (redacted), and the bot's own messages
    that carried those words (edited); their check-ins stop. A second time: nothing left."""
    user = event.user
    history = state.history if state.history is not None else state.entries
    found = erasure.tally(history, state.commitments.values(), state.checkins, state.shares,
                          user)
    stop = CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.CHECKIN}), user=user)
    name = quoted(state.set.name, 100)
    org_named = erasure.org_to_erase(state, user)
    if found.total() == 0 and not org_named:
        return Result(state, (stop, whisper(event, "forget.nothing", name=name)))
    phrases = erasure.member_phrases(state, user)
    summaries = state.summaries or {}
    redacted = {mid: erasure.redact(text, phrases) for mid, text in summaries.items()}
    changed = tuple((mid, text) for mid, text in redacted.items() if text != summaries[mid])
    effects: list[Effect] = [EraseMember(set_id=state.set.id, user=user, summaries=changed),
                             stop]
    home = state.set.home
    effects.extend(Update(where=home, card=erasure.erased_card(slot), edit_only=True)
                   for slot in erasure.bot_messages(state, user))
    effects.extend(Update(where=home, card=Card(title=t("summary.title"), body=text,
                                                slot=erasure.summary_slot(mid)), edit_only=True)
                   for mid, text in changed)
    programme = state.programme
    for item in state.shares:
        if (item.user == user and item.released_at is not None and programme is not None
                and programme.id == item.programme_id):
            effects.append(Update(where=programme.channel, edit_only=True,
                                  card=erasure.erased_card(erasure.share_slot(item.id))))
    state = erasure.erase_in_state(state, user, erasure.erased_org(state, user, ctx.new_id()))
    if state.running_meeting is not None:  # the meeting goes on, their texts shown as erased
        effects.append(_card_update(state, ctx))
    key = "forget.done" if state.member(user) is not None else "forget.done_former"
    what = ", ".join(p for p in (found.words(), t("forget.count.org") if org_named else "") if p)
    effects.append(whisper(event, key, name=name, what=what))
    return Result(state, tuple(effects))


def help_for(event: Interactive, verb: str | None, state: SetState | None) -> Result:
    return Result(state, (_private(event, help_card(verb)),))


def _private(event: Interactive, card: Card) -> Whisper:
    return Whisper(where=event.where, user=event.user, card=card)


def set_language(state: SetState, event: Interactive, command: grammar.Language,
                 ctx: Context) -> Result:
    """``mine`` (or any use in a DM): the member's own DMs and private answers; otherwise the
    set's language, which only the facilitator sets. Said in the new language."""
    voice = language.choose(ctx.voices, command.code)
    name = LANGUAGES[command.code]
    if command.mine or event.where.direct:
        profile = replace(state.profile(event.user), language=command.code)
        state = replace(state, profiles={**state.profiles, event.user.key: profile})
        with language.privately(voice):
            return Result(state, (whisper(event, "language.mine", language=name),))
    if not holds(state, event.user, Role.FACILITATOR):
        who = facilitator(state)
        return refuse(state, event, "perm.facilitator", verb="language",
                      who=mention(who) if who else t("word.nobody"))
    state = replace(state, set=replace(state.set, language=command.code))
    with language.speaking(voice):
        body = t("language.set", who=mention(event.user), language=name)
    return Result(state, (Post(where=state.set.home, card=Card(body=body)),))
