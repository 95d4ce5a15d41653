"""Cards, forms and documents built from the set's state: the stage card, status, summary,
actions list and the Markdown export. Every word comes from the catalogue.
"""

from __future__ import annotations

from datetime import date, datetime, time

from bot.core import language, stages, timeparse
from bot.core.cards import (
    Button,
    ButtonStyle,
    Card,
    CardField,
    FieldKind,
    Form,
    FormField,
    action_id,
    clip,
)
from bot.core.language import LANGUAGES
from bot.core.messages import t
from bot.core.model import (
    ChangeKind,
    Commitment,
    EntryKind,
    Meeting,
    SetState,
    Stage,
)
from bot.core.numbering import number_of, numbered
from bot.core.refs import UserRef, escape, mention
from bot.core.slots import stands_for
from bot.core.verbs import ALIASES, TABLE, named

SHOWN_TEXT_LIMIT = 4000


def quoted(text: str, limit: int = SHOWN_TEXT_LIMIT) -> str:
    """User text as the bot shows it: escaped (no pings) and clipped with an ellipsis."""
    return escape(clip(text, limit))


def mentions(users: tuple[UserRef, ...] | list[UserRef]) -> str:
    return ", ".join(mention(u) for u in users) if users else t("word.nobody")


def stage_slot(meeting: Meeting) -> str:
    return f"stage:{meeting.id}"


def time_left(state: SetState, meeting: Meeting, now: datetime) -> str:
    end = stages.ends_at(state, meeting)
    if end is None:
        return t("status.no_timebox")
    if end <= now:
        return t("status.time_up")
    return t("status.time_left", left=timeparse.format_duration(end - now),
             until=timeparse.local(end, state.set.timezone).strftime("%H:%M"))


def askers(state: SetState, meeting: Meeting, presenter: UserRef) -> list[UserRef]:
    """Members who asked the presenter at least one question in this meeting, in order."""
    seen: dict[str, UserRef] = {}
    for entry in state.entries:
        if entry.kind is EntryKind.QUESTION and entry.presenter == presenter:
            seen.setdefault(entry.user.key, entry.user)
    return list(seen.values())


def not_asked(state: SetState, meeting: Meeting) -> list[UserRef]:
    """Who (present, other than the presenter) has not asked the current presenter anything."""
    presenter = meeting.presenter
    if presenter is None:
        return []
    asked = {u.key for u in askers(state, meeting, presenter)}
    pool = meeting.attendance or tuple(m.user for m in state.active_members())
    return [
        u for u in pool
        if u != presenter and u.key not in asked and state.member(u) is not None
        and u not in meeting.apologies
    ]


def stage_card(state: SetState, meeting: Meeting, now: datetime) -> Card:
    """The one message a meeting keeps updated in place as it moves."""
    title = t("card.title", number=meeting.number, stage=stage_name(meeting.stage),
              name=escape(state.set.name))
    presenter = meeting.presenter
    lines = [t(f"stage.{meeting.stage.value}.what")]
    if presenter is not None:
        lines.append(t("card.presenter", who=mention(presenter),
                       turn=meeting.presenter_index + 1, of=len(meeting.bids)))
    fields = [
        CardField(name=t("card.facilitator"), value=mention(meeting.facilitator)),
        CardField(name=t("card.time"), value=time_left(state, meeting, now)),
        CardField(name=t("card.here"), value=mentions(meeting.attendance)),
    ]
    if meeting.bids:
        fields.append(CardField(name=t("card.bids"), value=mentions(meeting.bids)))
    if meeting.apologies:
        fields.append(CardField(name=t("card.apologies"), value=apologies_text(state, meeting)))
    if meeting.stage is Stage.OPENING and state.set.link:
        fields.append(CardField(name=t("card.link"), value=link_text(state.set.link)))
    if meeting.stage is Stage.REVIEW:
        fields.extend(review_fields(state, meeting))
    if meeting.stage is Stage.QUESTIONING and presenter is not None:
        asked = askers(state, meeting, presenter)
        count = sum(
            1 for e in state.entries if e.kind is EntryKind.QUESTION and e.presenter == presenter
        )
        fields.append(CardField(name=t("card.questions"),
                                value=t("card.questions.value", count=count, members=len(asked))))
    if meeting.stage is Stage.COMMITMENT and presenter is not None:
        made = [c for c in state.commitments.values()
                if c.meeting_id == meeting.id and c.owner == presenter]
        fields.append(CardField(name=t("card.commitments"),
                                value="\n".join(commitment_line(state, c) for c in made)
                                or t("word.none_yet")))
    return Card(title=title, body="\n".join(lines), fields=tuple(fields),
                buttons=stage_buttons(meeting), slot=stage_slot(meeting))


def stage_buttons(meeting: Meeting) -> tuple[Button, ...]:
    if not meeting.running:
        return ()
    buttons = [Button(label=t("button.next"), style=ButtonStyle.PRIMARY,
                      action=action_id("next", meeting.id, str(meeting.seq)))]
    away = meeting.facilitator not in meeting.attendance
    if away:  # the facilitator hasn't said they're here: a member who is may take over
        buttons.append(Button(label=t("button.takeover"),
                              action=action_id("takeover", meeting.id)))
    if meeting.stage in (Stage.OPENING, Stage.REVIEW):
        buttons.append(Button(label=t("button.here"), action=action_id("here", meeting.id)))
        if not (away and meeting.stage is Stage.REVIEW):  # five buttons at most
            buttons.append(Button(label=t("button.bid"), action=action_id("bid", meeting.id)))
    if meeting.stage is Stage.REVIEW:
        buttons.append(Button(label=t("button.report"), action=action_id("report", meeting.id)))
        buttons.append(Button(label=t("button.insight"),
                              action=action_id("insight", meeting.id)))
    if meeting.stage is Stage.PRESENTATION:
        buttons.append(Button(label=t("button.present"), action=action_id("present", meeting.id)))
    if meeting.stage is Stage.COMMITMENT:
        buttons.append(Button(label=t("button.commit"), action=action_id("commit", meeting.id)))
    return tuple(buttons)


def review_fields(state: SetState, meeting: Meeting) -> list[CardField]:
    """Per member reporting back: their commitments with the check-in answers given since."""
    fields = []
    for user in meeting.reviewees:
        lines = []
        for number, commitment in enumerate(numbered(state, user), start=1):
            if commitment.meeting_id == meeting.id:
                continue
            lines.append(t("actions.numbered", number=number,
                           line=commitment_line(state, commitment, with_owner=False)))
            lines.extend("  " + line for line in change_history(state, commitment))
            answers = checkin_history(state, commitment)
            if answers:
                lines.append("  " + answers)
            if commitment.outcome is not None and commitment.reviewed_meeting_id == meeting.id:
                key = "review.reported_carried" if commitment.carried_at else "review.reported"
                lines.append("  " + t(key, outcome=t(f"outcome.{commitment.outcome.value}")))
        name = escape(state.name_of(user))
        member = state.member(user)
        if member is not None and member.away_until is not None:
            name += " " + t("members.away", until=day_text(state, member.away_until))
        fields.append(CardField(name=name, value="\n".join(lines)))
    dropped = dropped_since(state, meeting)
    if dropped:
        fields.append(CardField(name=t("review.dropped_title"), value="\n".join(
            dropped_line(state, c) for c in dropped)))
    return fields


def dropped_since(state: SetState, meeting: Meeting) -> list[Commitment]:
    """Commitments their owners dropped since the last meeting (shown at this one's review
    and in its summary; a meeting's close marks them as shown)."""
    return sorted((c for c in state.commitments.values()
                   if c.dropped_at is not None and c.meeting_id != meeting.id
                   and c.reviewed_meeting_id in (None, meeting.id)),
                  key=lambda c: (c.dropped_at, c.id))


def dropped_line(state: SetState, commitment: Commitment) -> str:
    reasons = [c.after for c in state.changes
               if c.commitment_id == commitment.id and c.kind is ChangeKind.DROP]
    return t("review.dropped_line", who=mention(commitment.owner),
             text=quoted(commitment.text, 300),
             reason=quoted(reasons[-1], 300) if reasons else t("word.not_recorded"))


def change_history(state: SetState, commitment: Commitment) -> list[str]:
    """A commitment's edits and moved dates, oldest first, as shown at review."""
    lines = []
    zone = state.set.timezone
    for change in sorted((c for c in state.changes if c.commitment_id == commitment.id),
                         key=lambda c: (c.at, c.id)):
        day = timeparse.format_day(change.at, zone)
        if change.kind is ChangeKind.EDIT:
            lines.append(t("history.edited", day=day, before=quoted(change.before, 200)))
        elif change.kind is ChangeKind.DUE:
            lines.append(t("history.moved", day=day, before=_stored_day(change.before, zone),
                           after=_stored_day(change.after, zone)))
        else:
            lines.append(t("history.dropped", day=day, reason=quoted(change.after, 300)))
    return lines


def _stored_day(text: str, zone: str) -> str:
    """A due date kept in a commitment's history (``2026-11-05``) as a typed date, formatted
    for the reader like every other date; anything else is shown as it was stored."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return escape(text)
    return timeparse.format_day(datetime.combine(day, time(12), timeparse.zone(zone)), zone)


def apologies_text(state: SetState, meeting: Meeting) -> str:
    """``@bob (at a conference), @carol``: who sent apologies, with their notes."""
    parts = []
    for user in meeting.apologies:
        note = next((a.note for a in reversed(state.apologies)
                     if a.user == user and not a.withdrawn and a.note
                     and stands_for(a.meeting_at, meeting.started_at)), "")
        parts.append(mention(user) + (f" ({quoted(note, 200)})" if note else ""))
    return ", ".join(parts)


def absent(state: SetState, meeting: Meeting) -> list[UserRef]:
    """Members who neither came nor sent apologies (members when the meeting started)."""
    return [m.user for m in state.members.values()
            if m.joined_at <= meeting.started_at
            and (m.left_at is None or m.left_at > meeting.started_at)
            and m.user not in meeting.attendance and m.user not in meeting.apologies]


def link_text(link: str) -> str:
    return escape(link)


def day_text(state: SetState, day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def checkin_history(state: SetState, commitment: Commitment, *, private: bool = False) -> str:
    """The answers given to a commitment's check-ins. Notes typed in the DM show only when
    ``private`` (the owner's own view) or when the owner shared them by asking for help."""
    answers = [a for a in state.checkins if a.commitment_id == commitment.id]
    if not answers:
        return ""
    parts = []
    for answer in sorted(answers, key=lambda a: a.at):
        day = timeparse.format_day(answer.at, state.set.timezone)
        shown = answer.note and (private or answer.shared)
        note = f" — {quoted(answer.note, 200)}" if shown else ""
        parts.append(t("review.checkin", day=day,
                       answer=t(f"progress.{answer.answer.value}"), note=note))
    return t("review.checkins", answers="; ".join(parts))


def commitment_line(state: SetState, commitment: Commitment, *, with_owner: bool = True) -> str:
    due = timeparse.format_day(commitment.due_at, state.set.timezone)
    owner = f"{mention(commitment.owner)}: " if with_owner else ""
    progress = (
        f" ({t('progress.' + commitment.progress.value)})" if commitment.progress else ""
    )
    return t("commitment.line", owner=owner, text=quoted(commitment.text, 500), due=due,
             progress=progress)


def status_card(state: SetState, now: datetime) -> Card:
    meeting = state.running_meeting
    fields = []
    if meeting is not None:
        body = t("status.running", stage=stage_name(meeting.stage), number=meeting.number)
        presenter = meeting.presenter
        if presenter is not None:
            fields.append(CardField(name=t("card.presenter.field"), value=mention(presenter)))
        fields.append(CardField(name=t("card.time"), value=time_left(state, meeting, now)))
        fields.append(CardField(name=t("card.facilitator"), value=mention(meeting.facilitator)))
        body += "\n" + t(f"stage.{meeting.stage.value}.what")
    else:
        body = t("status.idle")
    fields.append(CardField(name=t("card.next_meeting"), value=next_meeting_text(state)))
    fields.append(CardField(name=t("card.open_commitments"),
                            value=str(len(state.open_commitments()))))
    if meeting is None and state.set.facilitator is not None:
        fields.append(CardField(name=t("card.set_facilitator"),
                                value=mention(state.set.facilitator)))
    return Card(title=escape(state.set.name), body=body, fields=tuple(fields))


def next_meeting_text(state: SetState) -> str:
    if state.set.next_meeting_at is None:
        return t("schedule.none")
    when = timeparse.format_when(state.set.next_meeting_at, state.set.timezone)
    if state.set.cadence_weeks:
        return t("schedule.when_every", when=when, count=state.set.cadence_weeks)
    return when


def summary_text(state: SetState, meeting: Meeting) -> str:
    """The stored record of a meeting: who came, reviews, presenters, commitments, next date."""
    zone = state.set.timezone
    lines = [t("summary.heading", number=meeting.number, name=escape(state.set.name),
               day=timeparse.format_day(meeting.started_at, zone))]
    lines.extend(attendance_lines(state, meeting))
    reviewed = [c for c in state.commitments.values() if c.reviewed_meeting_id == meeting.id]
    if reviewed:
        lines.append(t("summary.reviews"))
        for c in sorted(reviewed, key=lambda c: (c.owner.key, c.due_at)):
            outcome = t(f"outcome.{c.outcome.value}") if c.outcome else ""
            if c.carried_at is not None:
                outcome = t("summary.carried", outcome=outcome)
            lines.append(t("summary.review_line", who=mention(c.owner),
                           text=quoted(c.text, 300), outcome=outcome))
    insights = [e for e in state.entries if e.kind is EntryKind.INSIGHT]
    if insights:
        lines.append(t("summary.insights"))
        lines.extend(f"• {quoted(e.text, 500)}" for e in insights)
    missing = [u for u in meeting.reviewees if not any(c.owner == u for c in reviewed)]
    if missing:
        lines.append(t("summary.not_reported", who=mentions(missing)))
    presented = meeting.bids[: meeting.presenter_index + 1]
    if presented:
        lines.append(t("summary.presenters"))
    for user in presented:
        question = presented_question(state, user)
        asked = askers(state, meeting, user)
        count = sum(1 for e in state.entries
                    if e.kind is EntryKind.QUESTION and e.presenter == user)
        lines.append(t("summary.presenter_line", who=mention(user),
                       question=quoted(question, 500) if question else t("word.not_recorded"),
                       count=count, members=len(asked)))
    made = [c for c in state.commitments.values() if c.meeting_id == meeting.id]
    lines.append(t("summary.commitments") if made else t("summary.no_commitments"))
    for c in sorted(made, key=lambda c: (c.created_at, c.id)):
        lines.append("• " + commitment_line(state, c))
    lines.extend(closing_lines(state, meeting))
    lines.append(t("summary.next", when=next_meeting_text(state)))
    return "\n".join(lines)


def attendance_lines(state: SetState, meeting: Meeting) -> list[str]:
    """Who came; who sent apologies (with their notes); who did neither."""
    lines = [t("summary.attendance", who=mentions(meeting.attendance))]
    if meeting.apologies:
        lines.append(t("summary.apologies", who=apologies_text(state, meeting)))
    missing = absent(state, meeting)
    if missing:
        lines.append(t("summary.absent", who=mentions(missing)))
    return lines


def closing_lines(state: SetState, meeting: Meeting) -> list[str]:
    """Commitments dropped since the last meeting, and what each member learned (the set's
    own record: the summary stays in the set)."""
    lines = []
    dropped = dropped_since(state, meeting)
    if dropped:
        lines.append(t("review.dropped_title") + ":")
        lines.extend("• " + dropped_line(state, c) for c in dropped)
    learned = [e for e in state.entries
               if e.kind is EntryKind.LEARNING and e.meeting_id == meeting.id]
    if learned:
        lines.append(t("summary.learning"))
        lines.extend(t("summary.learning_line", who=mention(e.user), text=quoted(e.text, 500))
                     for e in learned)
    return lines


def presented_question(state: SetState, user: UserRef) -> str:
    """The presenter's question: the first thing they said in their presentation."""
    for entry in state.entries:
        if entry.kind is EntryKind.PRESENTATION and entry.user == user:
            return entry.text
    return ""


def actions_card(state: SetState, owner: UserRef | None) -> Card:
    """The set's open commitments, or ``owner``'s numbered as ``/set report <n>`` takes them,
    each with its check-in answers and the notes only the owner sees (a private answer: their
    own view of their history, e.g. at review)."""
    if owner is not None:
        mine = [c for c in numbered(state, owner) if c.open]
        if not mine:
            return Card(title=t("actions.mine_title"), body=t("actions.none"))
        lines = []
        for commitment in mine:
            lines.append(t("actions.numbered", number=number_of(state, commitment),
                           line=commitment_line(state, commitment, with_owner=False)))
            history = checkin_history(state, commitment, private=True)
            if history:
                lines.append("  " + history)
        return Card(title=t("actions.mine_title"), body="\n".join(lines))
    found = state.open_commitments()
    title = t("actions.title", name=escape(state.set.name))
    if not found:
        return Card(title=title, body=t("actions.none"))
    return Card(title=title, body="\n".join("• " + commitment_line(state, c) for c in found))


def export_markdown(state: SetState, user: UserRef, now: datetime) -> str:
    """The member's own record in the set, as a Markdown document (their words only)."""
    zone = state.set.timezone
    out = [t("export.heading", name=state.set.name, who=state.name_of(user)),
           t("export.generated", day=timeparse.format_when(now, zone)), ""]
    mine = sorted((c for c in state.commitments.values() if c.owner == user),
                  key=lambda c: (c.created_at, c.id))
    out.append(t("export.commitments"))
    if not mine:
        out.append(t("export.none"))
    for c in mine:
        out.append(t("export.commitment", text=c.text, due=timeparse.format_day(c.due_at, zone)))
        for answer in sorted((a for a in state.checkins if a.commitment_id == c.id),
                             key=lambda a: a.at):
            out.append(t("export.checkin", day=timeparse.format_day(answer.at, zone),
                         answer=t(f"progress.{answer.answer.value}"),
                         note=f": {answer.note}" if answer.note else ""))
        for change in sorted((x for x in state.changes if x.commitment_id == c.id),
                             key=lambda x: (x.at, x.id)):
            out.append(t(f"export.change.{change.kind.value}",
                         day=timeparse.format_day(change.at, zone), before=change.before,
                         after=change.after))
        if c.outcome is not None:
            out.append(t("export.report", outcome=t(f"outcome.{c.outcome.value}"),
                         account=c.account))
    out.append("")
    out.append(t("export.apologies"))
    sent = sorted((a for a in state.apologies if a.user == user and not a.withdrawn),
                  key=lambda a: (a.meeting_at, a.at))
    if not sent:
        out.append(t("export.none"))
    for apology in sent:
        out.append(t("export.apology", day=timeparse.format_day(apology.meeting_at, zone),
                     note=f": {apology.note}" if apology.note else ""))
    out.append("")
    history = state.history if state.history is not None else state.entries
    for kind, heading in ((EntryKind.PRESENTATION, "export.presentations"),
                          (EntryKind.LEARNING, "export.learning"),
                          (EntryKind.QUESTION, "export.questions"),
                          (EntryKind.INSIGHT, "export.insights")):
        said = [e for e in history if e.user == user and e.kind is kind]
        out.append(t(heading))
        if not said:
            out.append(t("export.none"))
        for entry in sorted(said, key=lambda e: e.at):
            out.append(f"- {timeparse.format_day(entry.at, zone)}: {entry.text}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def members_card(state: SetState) -> Card:
    """Who is in the set: since when, the facilitator, who is away; an organisation only where
    its member chose to show it to the set."""
    lines = []
    for member in sorted(state.active_members(), key=lambda m: (m.joined_at, m.user.key)):
        parts = [mention(member.user), t("members.since", day=timeparse.format_day(
            member.joined_at, state.set.timezone))]
        if member.user == state.set.facilitator:
            parts.append(t("members.facilitator"))
        if member.org and member.org_shown:
            parts.append(t("members.org", org=quoted(member.org, 100)))
        if member.away_until is not None:
            parts.append(t("members.away", until=day_text(state, member.away_until)))
        if member.checkins_paused:
            parts.append(t("members.paused"))
        lines.append("• " + " · ".join(parts))
    return Card(title=t("members.title", name=escape(state.set.name),
                        count=len(state.active_members())), body="\n".join(lines))


def summaries_card(state: SetState, count: int) -> Card:
    """The last ``count`` stored summaries, newest first."""
    held = [m for m in state.past_meetings or () if m.summary]
    if not held:
        return Card(title=t("summaries.title", name=escape(state.set.name)),
                    body=t("summaries.none"))
    shown = sorted(held, key=lambda m: m.number, reverse=True)[:count]
    body = "\n\n".join(m.summary for m in shown)
    if len(held) > len(shown):
        body += "\n\n" + t("summaries.more", shown=len(shown), total=len(held))
    return Card(title=t("summaries.title", name=escape(state.set.name)), body=body)


def stage_name(stage: Stage) -> str:
    """A stage as members read it."""
    return t(f"stage_name.{stage.value}")


def help_card(name: str | None) -> Card:
    if name is not None:
        entry = named(name)
        return Card(title=t("help.title_verb", verb=name),
                    body=t(entry.usage_id) + "\n" + t(entry.help_id))
    lines = [f"`{t(verb.usage_id)}` — {t(verb.help_id)}" for verb in TABLE]
    code = language.current().code
    if code in ALIASES:
        aliases = ", ".join(f"`{word}` (`{verb}`)" for word, verb in ALIASES[code].items())
        lines.append(t("help.aliases", language=LANGUAGES[code], aliases=aliases))
    return Card(title=t("help.title"), body="\n".join(lines))


def ground_rules() -> str:
    return t("rules.text")


def presentation_form(meeting: Meeting) -> Form:
    return Form(id=action_id("present", meeting.id), title=t("form.present.title"), fields=(
        FormField(name="question", label=t("form.present.question"), kind=FieldKind.LONG),
        FormField(name="background", label=t("form.present.background"), kind=FieldKind.LONG,
                  required=False),
        FormField(name="tried", label=t("form.present.tried"), kind=FieldKind.LONG,
                  required=False),
    ))


def commitment_form(meeting: Meeting) -> Form:
    return Form(id=action_id("commit", meeting.id), title=t("form.commit.title"), fields=(
        FormField(name="action", label=t("form.commit.action"), kind=FieldKind.LONG),
        FormField(name="by", label=t("form.commit.by"), kind=FieldKind.DATE, required=False,
                  hint=t("form.commit.by_hint")),
    ))


def insight_form(meeting: Meeting) -> Form:
    return Form(id=action_id("insight", meeting.id), title=t("form.insight.title"), fields=(
        FormField(name="insight", label=t("form.insight.text"), kind=FieldKind.LONG),
    ))


REPORT_CHOICES = ("done", "partly", "not")


def report_form(meeting: Meeting, numbers: tuple[str, ...] = (), hint: str = "") -> Form:
    """Report back; with several commitments owed, it first asks which (``numbers`` as on the
    review card, ``hint`` naming them)."""
    which = (FormField(name="number", label=t("form.report.number"), kind=FieldKind.CHOICE,
                       choices=numbers, hint=hint),) if len(numbers) > 1 else ()
    return Form(id=action_id("report", meeting.id), title=t("form.report.title"), fields=(
        *which,
        FormField(name="outcome", label=t("form.report.outcome"), kind=FieldKind.CHOICE,
                  choices=REPORT_CHOICES,
                  choice_labels=tuple(t(f"form.report.outcome.{c}") for c in REPORT_CHOICES)),
        FormField(name="account", label=t("form.report.account"), kind=FieldKind.LONG),
    ))
