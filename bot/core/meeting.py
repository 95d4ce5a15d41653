"""A meeting, stage by stage: starting, attendance, advancing, recording, time boxes, ending."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from bot.core import stages, timeparse
from bot.core.apologies import apologising
from bot.core.cards import Button, Card, action_id, clip
from bot.core.checkins import checkin_pings
from bot.core.effects import CancelPings, Effect, OpenForm, Post, SchedulePing, Update, Whisper
from bot.core.erasure import commit_slot, report_slot, said_slot, summary_slot
from bot.core.messages import t
from bot.core.model import (
    Commitment,
    Context,
    Entry,
    EntryKind,
    Meeting,
    Outcome,
    Ping,
    PingKind,
    SetState,
    Stage,
)
from bot.core.numbering import number_of, numbered
from bot.core.permissions import facilitator
from bot.core.questions import Utterance, classify
from bot.core.refs import UserRef, escape, mention
from bot.core.result import Interactive, Result, refuse, whisper
from bot.core.schedule import following, reminder_pings, scheduled_window, upcoming_meeting
from bot.core.stages import Trigger
from bot.core.views import (
    commitment_form,
    commitment_line,
    dropped_since,
    insight_form,
    next_meeting_text,
    not_asked,
    presentation_form,
    quoted,
    report_form,
    stage_card,
    stage_name,
    summary_text,
)

SAME_INTENT = timedelta(seconds=5)
WARNING_BEFORE = timedelta(minutes=2)
DEFAULT_DUE = timedelta(weeks=4)
DUE_TIME = time(9, 0)
TIMER_KINDS = frozenset({PingKind.STAGE_WARNING, PingKind.STAGE_END})
AUTO_CLOSE_AFTER = timedelta(hours=3)  # a meeting nobody moves for this long closes itself
CLOSE_BEFORE_NEXT = timedelta(hours=1)  # ...and at the latest this long before the next one
LATE_COMMIT = timedelta(hours=48)  # presenters may still add commitments this long after
# Whole words only: "heretofore" is not "here", and "forbid" is not a bid.
_HERE_WORDS = re.compile(r"^(?:(?:i'm |im |i am )?here|(?:jag är )?här)\b")
_BID_WORDS = re.compile(r"\b(?:like time|want time|need time|bid|vill ha tid|behöver tid)\b")


def start(state: SetState, event: Interactive, ctx: Context) -> Result:
    running = state.running_meeting
    if running is not None and ctx.now - running.stage_started_at >= AUTO_CLOSE_AFTER:
        # Left running for hours (its closing ping lost, or from before meetings closed
        # themselves): it closes now, with its summary, and the new one starts.
        closed = move(state, ctx, Trigger.END, by=None, reason="closed_itself")
        assert closed.state is not None
        opened = start(closed.state, event, ctx)
        return Result(opened.state, (*closed.effects, *opened.effects))
    if running is not None:
        return refuse(state, event, "meeting.already_running", stage=stage_name(running.stage))
    standing = state.set.facilitator
    if standing is None or state.member(standing) is None:
        standing = event.user
    meeting = Meeting(
        id=ctx.new_id(), set_id=state.set.id, number=state.set.meetings_held + 1,
        stage=Stage.OPENING, seq=1, started_at=ctx.now, stage_started_at=ctx.now,
        facilitator=standing, attendance=(event.user,),
        apologies=tuple(u for u in apologising(state, ctx.now) if u != event.user),
    )
    state = replace(state, meeting=meeting, entries=())
    lines = [t("meeting.started", name=quoted(state.set.name, 100), who=mention(event.user),
               facilitator=mention(meeting.facilitator))]
    effects: list[Effect] = []
    scheduled = state.set.next_meeting_at
    window = scheduled_window(state, scheduled) if scheduled is not None else None
    if scheduled is not None and window is not None and window[0] <= ctx.now <= window[1]:
        # Held early or late, this is the scheduled meeting: the schedule rolls on now, so its
        # reminders stop and default due dates point at the following meeting.
        rolled = following(state, scheduled) if state.set.cadence_weeks else None
        state = replace(state, set=replace(state.set, next_meeting_at=rolled))
        effects.extend(reminder_pings(state, ctx))
        lines.append(t("meeting.is_scheduled", when=timeparse.format_when(
            scheduled, state.set.timezone), next=next_meeting_text(state)))
    elif scheduled is not None:
        lines.append(t("meeting.is_extra", when=timeparse.format_when(
            scheduled, state.set.timezone)))
    if meeting.facilitator not in meeting.attendance:
        lines.append(t("meeting.facilitator_not_here", facilitator=mention(meeting.facilitator)))
    effects.append(close_ping(state, meeting, ctx))
    return Result(state, (*effects, Post(where=state.set.home, card=Card(body="\n".join(lines))),
                          Post(where=state.set.home, card=stage_card(state, meeting, ctx.now))))


def close_ping(state: SetState, meeting: Meeting, ctx: Context) -> SchedulePing:
    """The ping that closes the meeting if nobody moves it on: 3 hours after this stage began,
    or 1 hour before the next scheduled meeting if that comes first."""
    due = meeting.stage_started_at + AUTO_CLOSE_AFTER
    upcoming = state.set.next_meeting_at
    if upcoming is not None and upcoming - CLOSE_BEFORE_NEXT > meeting.started_at:
        due = min(due, upcoming - CLOSE_BEFORE_NEXT)
    return SchedulePing(ping=Ping(id=ctx.new_id(), kind=PingKind.MEETING_CLOSE,
                                  set_id=state.set.id, due_at=max(due, ctx.now),
                                  meeting_id=meeting.id, seq=meeting.seq))


def close_itself(state: SetState, ping: Ping, ctx: Context) -> Result:
    """Nobody moved the meeting on for hours: it closes with its summary, saying so."""
    meeting = state.running_meeting
    if meeting is None or meeting.id != ping.meeting_id or meeting.seq != ping.seq:
        return Result(state)
    return move(state, ctx, Trigger.END, by=None, reason="closed_itself")


def here(state: SetState, event: Interactive, bid: bool, ctx: Context) -> Result:
    meeting = state.running_meeting
    if meeting is None:
        return refuse(state, event, "meeting.none_running")
    attendance = meeting.attendance
    if event.user not in attendance:
        attendance = (*attendance, event.user)
    bids = meeting.bids
    if bid:
        if event.user in meeting.bids[: meeting.presenter_index + 1]:
            return refuse(state, event, "meeting.already_presented")
        if meeting.stage is Stage.CLOSING:
            return refuse(state, event, "meeting.bid_closing")
        if event.user not in bids:
            bids = (*bids, event.user)
        elif attendance == meeting.attendance:
            return Result(state, (Whisper(where=event.where, user=event.user, card=Card(
                body=t("meeting.already_bid"), buttons=(Button(
                    label=t("button.unbid"), action=action_id("unbid", meeting.id)),))),))
    if attendance == meeting.attendance and bids == meeting.bids:
        return refuse(state, event, "meeting.already_here")
    meeting = replace(meeting, attendance=attendance, bids=bids,
                      apologies=tuple(u for u in meeting.apologies if u != event.user))
    state = replace(state, meeting=meeting)
    key = "meeting.bid_noted" if bid else "meeting.here_noted"
    return Result(state, (
        Update(where=state.set.home, card=stage_card(state, meeting, ctx.now)),
        whisper(event, key, position=len(bids)),
    ))


def withdraw_bid(state: SetState, event: Interactive, ctx: Context) -> Result:
    """Take back a bid for time, before one's turn comes."""
    meeting = state.running_meeting
    if meeting is None:
        return refuse(state, event, "meeting.none_running")
    if event.user in meeting.bids[: meeting.presenter_index + 1]:
        return refuse(state, event, "meeting.unbid_too_late")
    if event.user not in meeting.bids:
        return refuse(state, event, "meeting.unbid_none")
    meeting = replace(meeting, bids=tuple(u for u in meeting.bids if u != event.user))
    state = replace(state, meeting=meeting)
    return Result(state, (Update(where=state.set.home, card=stage_card(state, meeting, ctx.now)),
                          whisper(event, "meeting.unbid_done")))


def advance(state: SetState, event: Interactive, ctx: Context, *, seen_seq: int | None) -> Result:
    """``next``: from the stage its sender saw (a button's ``seen_seq``) or, typed, the current
    one unless someone else advanced in the last five seconds (the same intent, twice)."""
    meeting = state.running_meeting
    if meeting is None:
        return refuse(state, event, "meeting.none_running")
    if seen_seq is not None and seen_seq != meeting.seq:
        return refuse(state, event, "meeting.moved_on", stage=stage_name(meeting.stage))
    if (seen_seq is None and meeting.last_advance_at is not None
            and meeting.last_advance_by != event.user
            and ctx.now - meeting.last_advance_at < SAME_INTENT):
        return refuse(state, event, "meeting.moved_on", stage=stage_name(meeting.stage))
    return move(state, ctx, Trigger.NEXT, by=event.user)


def move(state: SetState, ctx: Context, trigger: Trigger, *, by: UserRef | None,
         reason: str = "") -> Result:
    """Take the transition, arm the new stage's timers and update the stage card.

    ``reason``: why a meeting ends that nobody ended (``closed_itself``, ``everyone_left``)."""
    meeting = state.running_meeting
    assert meeting is not None
    target = stages.target(state, meeting, trigger)
    moved = replace(stages.enter(state, meeting, target, ctx.now),
                    last_advance_at=ctx.now, last_advance_by=by)
    state = replace(state, meeting=moved)
    effects: list[Effect] = [CancelPings(set_id=state.set.id,
                                         kinds=TIMER_KINDS | {PingKind.MEETING_CLOSE},
                                         meeting_id=meeting.id)]
    if target is Stage.ENDED:
        return close(state, ctx, effects, reason=reason)
    effects.append(close_ping(state, moved, ctx))
    effects.extend(arm_timers(state, moved, ctx))
    effects.append(Update(where=state.set.home, card=stage_card(state, moved, ctx.now)))
    effects.append(Post(where=state.set.home, card=Card(body=announcement(state, moved, ctx))))
    return Result(state, tuple(effects))


def announcement(state: SetState, meeting: Meeting, ctx: Context) -> str:
    box = stages.timebox(state, meeting)
    minutes = int(box.total_seconds() // 60) if box else 0
    who = meeting.presenter
    if meeting.stage is Stage.REVIEW:
        who_text = ", ".join(mention(u) for u in meeting.reviewees)
    else:
        who_text = mention(who) if who else ""
    return t(f"announce.{meeting.stage.value}", who=who_text, minutes=minutes)


def arm_timers(state: SetState, meeting: Meeting, ctx: Context) -> list[Effect]:
    box = stages.timebox(state, meeting)
    if box is None:
        return []
    end = meeting.stage_started_at + box
    pings = []
    if box > WARNING_BEFORE and end - WARNING_BEFORE > ctx.now:
        pings.append((PingKind.STAGE_WARNING, end - WARNING_BEFORE))
    if end > ctx.now:
        pings.append((PingKind.STAGE_END, end))
    return [SchedulePing(ping=Ping(id=ctx.new_id(), kind=kind, set_id=state.set.id, due_at=due,
                                   meeting_id=meeting.id, stage=meeting.stage, seq=meeting.seq))
            for kind, due in pings]


def rearm(state: SetState, ctx: Context) -> list[Effect]:
    """After a time box changed: the running stage's timers, counted from its start."""
    meeting = state.running_meeting
    if meeting is None:
        return []
    return [CancelPings(set_id=state.set.id, kinds=TIMER_KINDS, meeting_id=meeting.id),
            *arm_timers(state, meeting, ctx)]


def end(state: SetState, event: Interactive, ctx: Context) -> Result:
    if state.running_meeting is None:
        return refuse(state, event, "meeting.none_running")
    return move(state, ctx, Trigger.END, by=event.user)


def close(state: SetState, ctx: Context, effects: list[Effect], *, reason: str = "") -> Result:
    """The meeting has ended: store and post the summary (saying why, if nobody ended it),
    and roll a schedule on whose time has passed."""
    meeting = state.meeting
    assert meeting is not None
    upcoming = state.set.next_meeting_at
    if upcoming is not None and upcoming <= ctx.now:
        upcoming = upcoming_meeting(state, ctx.now)
    state = replace(state, set=replace(
        state.set, meetings_held=state.set.meetings_held + 1, next_meeting_at=upcoming))
    summary = summary_text(state, meeting)
    if reason:
        summary = t(f"summary.{reason}",
                    hours=int(AUTO_CLOSE_AFTER.total_seconds() // 3600)) + "\n" + summary
    meeting = replace(meeting, summary=summary)
    shown = {c.id: replace(c, reviewed_meeting_id=meeting.id) for c in dropped_since(
        state, meeting)}  # a dropped commitment is told once, at the meeting after its drop
    state = replace(state, meeting=meeting, commitments={**state.commitments, **shown})
    effects.extend(reminder_pings(state, ctx))
    effects.append(Update(where=state.set.home, card=Card(
        title=t("card.ended_title", number=meeting.number), body=t("card.ended_body"),
        slot=f"stage:{meeting.id}")))
    effects.append(Post(where=state.set.home, card=Card(title=t("summary.title"), body=summary,
                                                        slot=summary_slot(meeting.id))))
    return Result(state, tuple(effects))


def owed_numbers(state: SetState, user: UserRef, meeting: Meeting) -> list[tuple[int, Commitment]]:
    """What ``user`` reports on in this meeting's review, with their numbers: commitments from
    earlier meetings, open or already reported in this one (a report can be corrected)."""
    return [(number, c) for number, c in enumerate(numbered(state, user), start=1)
            if c.meeting_id != meeting.id]


def report(state: SetState, event: Interactive, outcome: Outcome, account: str,
           ctx: Context, number: int | None = None) -> Result:
    """Report back on one commitment: number ``number`` as on the review card; without it,
    the only one not yet reported (else the member is shown the list to choose from)."""
    meeting = state.running_meeting
    if meeting is None or meeting.stage is not Stage.REVIEW:
        return wrong_stage(state, event, "report", ctx)
    owed = owed_numbers(state, event.user, meeting)
    if not owed:
        return refuse(state, event, "review.nothing_owed")
    if number is not None:
        chosen = dict(owed).get(number)
        if chosen is None:
            return refuse(state, event, "review.no_such_number", number=number,
                          choices=choice_lines(state, owed))
    else:
        unreported = [c for _, c in owed if c.reviewed_meeting_id != meeting.id]
        candidates = unreported if unreported else [c for _, c in owed]
        if len(candidates) != 1:
            return refuse(state, event, "review.which", choices=choice_lines(state, owed))
        chosen = candidates[0]
    return record_report(state, event, meeting, chosen, outcome, account, ctx)


def choice_lines(state: SetState, owed: list[tuple[int, Commitment]]) -> str:
    return "\n".join(t("actions.numbered", number=n, line=commitment_line(
        state, c, with_owner=False)) for n, c in owed)


def record_report(state: SetState, event: Interactive, meeting: Meeting, chosen: Commitment,
                  outcome: Outcome, account: str, ctx: Context) -> Result:
    """Store the report; partly or not done is carried forward to the next meeting (with its
    check-ins) unless the member closes it with the button."""
    corrected = chosen.reviewed_meeting_id == meeting.id
    carry = outcome is not Outcome.DONE
    due = chosen.due_at
    if carry:
        due = upcoming_meeting(state, ctx.now) or (ctx.now + DEFAULT_DUE).astimezone(UTC)
    updated = replace(chosen, outcome=outcome, account=account, reviewed_meeting_id=meeting.id,
                      carried_at=ctx.now if carry else None, due_at=due,
                      progress=None if carry else chosen.progress)
    reviewees = meeting.reviewees if event.user in meeting.reviewees else (
        *meeting.reviewees, event.user)
    meeting = replace(meeting, reviewees=reviewees)
    state = replace(state, commitments={**state.commitments, chosen.id: updated},
                    meeting=meeting)
    key = "review.corrected" if corrected else "review.posted"
    posted = Card(body=t(key, who=mention(event.user), outcome=t(f"outcome.{outcome.value}"),
                         account=quoted(account), text=quoted(chosen.text, 300),
                         number=number_of(state, updated) or 0),
                  slot=report_slot(meeting.id, event.user, chosen.id))
    effects: list[Effect] = [
        CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                    commitment_id=chosen.id),
        # A correction edits the report the set saw, so one message holds it (and erasure
        # can reach it).
        Update(where=state.set.home, card=posted) if corrected
        else Post(where=state.set.home, card=posted),
        Update(where=state.set.home, card=stage_card(state, meeting, ctx.now)),
    ]
    if carry:
        effects.extend(SchedulePing(ping=p) for p in checkin_pings(state, updated, ctx))
        effects.append(Whisper(where=event.where, user=event.user, card=Card(
            body=t("review.carried", due=commitment_line(state, updated, with_owner=False)),
            buttons=(Button(label=t("button.close_commitment"),
                            action=action_id("uncarry", chosen.id)),))))
    return Result(state, tuple(effects))


def close_commitment(state: SetState, event: Interactive, commitment: Commitment,
                     ctx: Context) -> Result:
    """The member chose not to carry a partly/not done commitment forward."""
    meeting = state.running_meeting
    if commitment.owner != event.user:
        return refuse(state, event, "checkin.not_yours")
    if (commitment.carried_at is None or meeting is None
            or commitment.reviewed_meeting_id != meeting.id):
        return refuse(state, event, "button.gone")
    updated = replace(commitment, carried_at=None)
    state = replace(state, commitments={**state.commitments, commitment.id: updated})
    return Result(state, (
        CancelPings(set_id=state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                    commitment_id=commitment.id),
        Update(where=state.set.home, card=stage_card(state, meeting, ctx.now)),
        whisper(event, "review.closed", text=quoted(commitment.text, 300)),
    ))


def commit(state: SetState, event: Interactive, action: str, by: timeparse.DaySpec | None,
           ctx: Context, *, from_form: bool = False) -> Result:
    """Commit to an action: the presenter, in the commitment stage. A form opened then and
    sent after the stage moved on still counts while the meeting runs; after the meeting, its
    presenters may add commitments for 48 hours (``/set commit``)."""
    meeting = state.running_meeting
    if meeting is None:
        last = state.meeting
        if (last is None or last.ended_at is None or ctx.now - last.ended_at > LATE_COMMIT
                or event.user not in last.bids[: last.presenter_index + 1]):
            return wrong_stage(state, event, "commit", ctx)
        meeting = last
    elif meeting.stage is not Stage.COMMITMENT or meeting.presenter != event.user:
        presented = event.user in meeting.bids[: meeting.presenter_index + 1]
        if not (from_form and presented):
            if meeting.stage is not Stage.COMMITMENT:
                return wrong_stage(state, event, "commit", ctx)
            return refuse(state, event, "commit.not_presenter", who=mention(meeting.presenter)
                          if meeting.presenter else t("word.nobody"))
    zone = state.set.timezone
    if by is not None:
        today = timeparse.local(ctx.now, zone).date()
        try:
            day = timeparse.resolve_day(by, today)
        except timeparse.TimeFormatError as error:
            return refuse(state, event, error.key, **error.params)
        if day < today:
            return refuse(state, event, "commit.past_date", today=today.isoformat())
        if day > today + timeparse.MAX_AHEAD:
            return refuse(state, event, "commit.too_far", day=day.isoformat(),
                          latest=(today + timeparse.MAX_AHEAD).isoformat())
        due = timeparse.to_utc(datetime.combine(day, DUE_TIME), zone)
    else:
        due = upcoming_meeting(state, ctx.now) or (ctx.now + DEFAULT_DUE).astimezone(UTC)
    commitment = Commitment(id=ctx.new_id(), set_id=state.set.id, meeting_id=meeting.id,
                            owner=event.user, text=action, due_at=due, created_at=ctx.now)
    state = replace(state, commitments={**state.commitments, commitment.id: commitment})
    pings = [SchedulePing(ping=p) for p in checkin_pings(state, commitment, ctx)]
    if not meeting.running:
        posted = Card(body=t("commit.posted_after", line=commitment_line(state, commitment),
                             number=meeting.number), slot=commit_slot(commitment.id))
        return Result(state, (*pings, Post(where=state.set.home, card=posted)))
    posted = Card(body=t("commit.posted", line=commitment_line(state, commitment)),
                  slot=commit_slot(commitment.id))
    return Result(state, (
        *pings,
        Post(where=state.set.home, card=posted),
        Update(where=state.set.home, card=stage_card(state, meeting, ctx.now)),
    ))


def present(state: SetState, event: Interactive, values: dict[str, str], ctx: Context) -> Result:
    """The presentation form: question, background and what was tried, recorded as said."""
    meeting = state.running_meeting
    if meeting is None or meeting.stage is not Stage.PRESENTATION:
        return wrong_stage(state, event, "present", ctx)
    if meeting.presenter != event.user:
        return refuse(state, event, "present.not_presenter")
    question = values.get("question", "").strip()
    if not question:
        return refuse(state, event, "present.no_question")
    parts = [question] + [
        t(f"present.{name}", text=values[name].strip())
        for name in ("background", "tried") if values.get(name, "").strip()
    ]
    return record(state, event, meeting, EntryKind.PRESENTATION, "\n".join(parts), ctx,
                  echo=True)


def insight(state: SetState, event: Interactive, text: str, ctx: Context) -> Result:
    """A practice or insight the set agreed at review, recorded for the summary."""
    meeting = state.running_meeting
    if meeting is None or meeting.stage is not Stage.REVIEW:
        return wrong_stage(state, event, "insight", ctx)
    if not text:
        return refuse(state, event, "insight.empty")
    result = record(state, event, meeting, EntryKind.INSIGHT, text, ctx)
    posted = Card(body=t("insight.posted", text=quoted(text)),
                  slot=said_slot(result.state.entries[-1].id))
    return Result(result.state, (*result.effects, Post(where=state.set.home, card=posted)))


def record(state: SetState, event: Interactive, meeting: Meeting, kind: EntryKind, text: str,
           ctx: Context, *, echo: bool = False) -> Result:
    entry = Entry(id=ctx.new_id(), set_id=state.set.id, meeting_id=meeting.id,
                  stage=meeting.stage, kind=kind, user=event.user, text=text, at=ctx.now,
                  presenter=meeting.presenter if kind is EntryKind.QUESTION else None)
    state = replace(state, entries=(*state.entries, entry))
    effects: list[Effect] = []
    if echo:
        effects.append(Post(where=state.set.home, card=Card(
            title=t("present.title", who=escape(state.name_of(event.user))), body=quoted(text),
            slot=said_slot(entry.id))))
    if kind is EntryKind.QUESTION:
        effects.append(Update(where=state.set.home, card=stage_card(state, meeting, ctx.now)))
    return Result(state, tuple(effects))


def text_posted(state: SetState, event: Interactive, text: str, ctx: Context) -> Result:
    """Channel talk during a meeting, recorded for the stage; outside a meeting, nothing."""
    meeting = state.running_meeting
    if meeting is None or state.member(event.user) is None or not text.strip():
        return Result(state)
    presenter = meeting.presenter
    if meeting.stage is Stage.OPENING:
        lowered = text.lower().replace("’", "'")
        if _HERE_WORDS.match(lowered):
            wants_time = _BID_WORDS.search(lowered) is not None
            return here(state, event, wants_time, ctx)
        return Result(state)
    if meeting.stage is Stage.PRESENTATION and event.user == presenter:
        return record(state, event, meeting, EntryKind.PRESENTATION, text, ctx)
    if meeting.stage is Stage.QUESTIONING and event.user != presenter:
        if classify(text, state.set.language or ctx.default_language) is Utterance.ADVICE:
            return Result(state, (whisper(event, "questioning.nudge"),))
        return record(state, event, meeting, EntryKind.QUESTION, text, ctx)
    if meeting.stage is Stage.CLOSING:
        return record(state, event, meeting, EntryKind.LEARNING, text, ctx)
    return Result(state)


def timer_fired(state: SetState, meeting_id: str, seq: int, final: bool, ctx: Context) -> Result:
    """A stage's warning or end; dropped when the meeting has moved on since it was armed."""
    meeting = state.running_meeting
    if meeting is None or meeting.id != meeting_id or meeting.seq != seq:
        return Result(state)
    stage = stage_name(meeting.stage)
    if not final:
        text = t("timer.warning", stage=stage)
        if meeting.stage is Stage.QUESTIONING:
            quiet = not_asked(state, meeting)
            if quiet:
                text += "\n" + t("timer.not_asked", who=", ".join(mention(u) for u in quiet))
        return Result(state, (Post(where=state.set.home, card=Card(body=text)),))
    if state.set.auto_advance:
        return move(state, ctx, Trigger.NEXT, by=None)
    movers = [u for u in (meeting.facilitator, meeting.presenter) if u is not None]
    text = t("timer.ended", stage=stage, who=t("word.or").join(mention(u) for u in movers))
    return Result(state, (Post(where=state.set.home, card=Card(body=text)),
                          Update(where=state.set.home, card=stage_card(state, meeting, ctx.now))))


def open_form(state: SetState, event: Interactive, verb: str, ctx: Context) -> Result:
    """A stage card button that asks for longer text opens the matching form."""
    meeting = state.running_meeting
    wanted = {"present": Stage.PRESENTATION, "commit": Stage.COMMITMENT, "report": Stage.REVIEW,
              "insight": Stage.REVIEW}
    if meeting is None or meeting.stage is not wanted[verb]:
        return wrong_stage(state, event, verb, ctx)
    if verb in ("present", "commit") and meeting.presenter != event.user:
        key = "present.not_presenter" if verb == "present" else "commit.not_presenter"
        return refuse(state, event, key, who=mention(meeting.presenter)
                      if meeting.presenter else t("word.nobody"))
    if verb == "report":
        owed = owed_numbers(state, event.user, meeting)
        if not owed:
            return refuse(state, event, "review.nothing_owed")
        hint = "; ".join(f"{n}: {clip(c.text, 40)}" for n, c in owed)
        form = report_form(meeting, tuple(str(n) for n, _ in owed), clip(hint, 150))
        return Result(state, (OpenForm(where=event.where, user=event.user, form=form),))
    build = {"present": presentation_form, "commit": commitment_form, "insight": insight_form}
    return Result(state, (OpenForm(where=event.where, user=event.user,
                                   form=build[verb](meeting)),))


def wrong_stage(state: SetState, event: Interactive, verb: str, ctx: Context) -> Result:
    """Say which stage the meeting is in, and who may do what now."""
    meeting = state.running_meeting
    if meeting is None:
        return refuse(state, event, "stage.wrong_no_meeting", needed=t(f"stage.needed.{verb}"))
    movers = [mention(u) for u in (facilitator(state), meeting.presenter) if u is not None]
    return Result(state, (Whisper(where=event.where, user=event.user, card=Card(body=t(
        "stage.wrong", stage=stage_name(meeting.stage), needed=t(f"stage.needed.{verb}"),
        now=t(f"stage.{meeting.stage.value}.what"), movers=t("word.or").join(dict.fromkeys(
            movers))))),))
