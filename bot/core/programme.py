"""Programmes: sets across organisations, coordinators, join codes, announcements, the digest
and shared learnings.

Confidentiality is built into the data: the programme side only ever sees ``SetDigest``
counts (the engine loads no text for it), and a shared learning carries neither its author's
name nor their set's. Shares are counted for the programme as a whole, never per set, and a
confirmed share waits for the next weekly digest, which posts all waiting shares together in
an order of their random ids: neither the count nor the moment it appears gives its set away.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.core import grammar, language, timeparse
from bot.core.cards import Button, ButtonStyle, Card, CardField, action_id
from bot.core.effects import (
    Attachment,
    CancelPings,
    DirectMessage,
    Effect,
    Post,
    ReleaseShares,
    SchedulePing,
    Whisper,
)
from bot.core.erasure import share_slot
from bot.core.language import LANGUAGES
from bot.core.messages import plain, t
from bot.core.model import (
    Context,
    Ping,
    PingKind,
    Programme,
    ProgrammeState,
    ReleasedShare,
    SetDigest,
    SetState,
    Share,
)
from bot.core.refs import UserRef, mention
from bot.core.result import Interactive, Result, refuse, whisper
from bot.core.verbs import Where, usable
from bot.core.views import quoted

CODE_LIFETIME = timedelta(days=30)
DIGEST_PERIOD = timedelta(weeks=4)
QUIET_SET = timedelta(weeks=6)


def new_code(ctx: Context) -> str:
    """A join code people can read out: eight characters from a fresh random id."""
    raw = "".join(ch for ch in ctx.new_id().upper() if ch.isalnum())[:8].ljust(8, "X")
    return f"{raw[:4]}-{raw[4:]}"


def code_is_valid(programme: Programme | None, code: str, now: datetime) -> bool:
    return (programme is not None and programme.code == code.upper()
            and now < programme.code_expires_at)


def next_digest_at(programme: Programme, now: datetime) -> datetime:
    """The next weekly digest time, on the programme's day and hour in its time zone."""
    here = timeparse.local(now, programme.timezone)
    days_ahead = (programme.digest_weekday - here.weekday()) % 7
    candidate = here.replace(hour=programme.digest_time.hour, minute=programme.digest_time.minute,
                             second=0, microsecond=0) + timedelta(days=days_ahead)
    if candidate <= here:
        candidate += timedelta(days=7)
    naive = candidate.replace(tzinfo=None)
    return timeparse.to_utc(naive, programme.timezone)


def digest_pings(programme: Programme, ctx: Context) -> list[Effect]:
    return [
        CancelPings(set_id=programme.id, kinds=frozenset({PingKind.DIGEST})),
        SchedulePing(ping=Ping(id=ctx.new_id(), kind=PingKind.DIGEST, set_id=programme.id,
                               due_at=next_digest_at(programme, ctx.now))),
    ]


# ---------------------------------------------------------------- in a shared channel


def create(event: Interactive, name: str, ctx: Context) -> Result:
    """Make the shared channel a programme's; its creator coordinates and gets the code."""
    programme = Programme(
        id=ctx.new_id(), name=name, channel=event.where, timezone=ctx.default_timezone,
        created_at=ctx.now, coordinators=(event.user,), code=new_code(ctx),
        code_expires_at=ctx.now + CODE_LIFETIME)
    state = ProgrammeState(programme=programme)
    posted = Card(title=t("programme.created_title", name=quoted(name, 100)),
                  body=t("programme.created_body", who=mention(event.user)))
    return Result(state, (*digest_pings(programme, ctx),
                          Post(where=event.where, card=posted), code_whisper(event, programme)))


def code_whisper(event: Interactive, programme: Programme) -> Effect:
    return whisper(event, "programme.code", code=programme.code,
                   name=quoted(programme.name, 100),
                   until=timeparse.format_day(programme.code_expires_at, programme.timezone))


def is_coordinator(state: ProgrammeState, user: UserRef) -> bool:
    return user in state.programme.coordinators


def run(state: ProgrammeState, event: Interactive, command: grammar.Command, name: str,
        ctx: Context) -> Result:
    """A command in the programme's channel, or a coordinator's command in a DM."""
    if isinstance(command, grammar.ProgrammeCreate | grammar.Create):
        return refuse(state, event, "programme.channel_taken",
                      name=quoted(state.programme.name, 100))
    handler = PROGRAMME_HANDLERS.get(type(command))
    if handler is None or not usable(name, Where.PROGRAMME):
        return refuse(state, event, "programme.not_here", verb=name)
    if not is_coordinator(state, event.user):
        return refuse(state, event, "programme.coordinators_only", verb=name)
    return handler(state, event, command, ctx)


def _add_coordinator(state: ProgrammeState, event: Interactive,
                     command: grammar.ProgrammeCoordinator, ctx: Context) -> Result:
    programme = state.programme
    target = UserRef(platform=event.user.platform, workspace=event.user.workspace,
                     id=command.user_id)
    if target in programme.coordinators:
        return refuse(state, event, "programme.already_coordinator", who=mention(target))
    programme = replace(programme, coordinators=(*programme.coordinators, target))
    return Result(replace(state, programme=programme), (Post(
        where=programme.channel, card=Card(body=t(
            "programme.coordinator_added", who=mention(target),
            by=mention(event.user)))),))


def _new_code(state: ProgrammeState, event: Interactive, command: grammar.ProgrammeCode,
              ctx: Context) -> Result:
    programme = replace(state.programme, code=new_code(ctx),
                        code_expires_at=ctx.now + CODE_LIFETIME)
    return Result(replace(state, programme=programme), (code_whisper(event, programme),))


def _announce(state: ProgrammeState, event: Interactive, command: grammar.Announce,
              ctx: Context) -> Result:
    programme = state.programme
    card = Card(title=t("announce.title", name=quoted(programme.name, 100)),
                body=quoted(command.text))
    effects: list[Effect] = [Post(where=programme.channel, card=card)]
    if command.everywhere:
        effects.extend(Post(where=s.home, card=card) for s in state.sets)
    effects.append(whisper(event, "announce.sent", count=len(effects)))
    return Result(state, tuple(effects))


def _digest(state: ProgrammeState, event: Interactive, command: grammar.Digest,
            ctx: Context) -> Result:
    programme = state.programme
    if command.weekday is not None and command.at is not None:
        programme = replace(programme, digest_weekday=command.weekday, digest_time=command.at)
        state = replace(state, programme=programme)
        when = timeparse.format_when(next_digest_at(programme, ctx.now), programme.timezone)
        return Result(state, (*digest_pings(programme, ctx),
                              whisper(event, "digest.weekly_moved", when=when)))
    if command.csv:
        return Result(state, (
            DirectMessage(user=event.user, card=Card(body=t(
                "digest.csv_dm", name=quoted(programme.name, 100))),
                attachment=Attachment(filename=f"digest-{ctx.now:%Y%m%d}.csv",
                                      content=digest_csv(state, ctx.now))),
            whisper(event, "digest.csv_sent")))
    return Result(state, (Post(where=programme.channel, card=digest_card(state, ctx.now)),))


def _timezone(state: ProgrammeState, event: Interactive, command: grammar.Timezone,
              ctx: Context) -> Result:
    programme = replace(state.programme, timezone=command.name)
    return Result(replace(state, programme=programme), (
        *digest_pings(programme, ctx),
        Post(where=programme.channel, card=Card(body=t("programme.timezone",
                                                       zone=command.name)))))


def _language(state: ProgrammeState, command: grammar.Language, ctx: Context) -> Result:
    """The programme channel's language (and its coordinators' DMs about it)."""
    programme = replace(state.programme, language=command.code)
    with language.speaking(language.choose(ctx.voices, command.code)):
        body = t("language.programme", language=LANGUAGES[command.code])
    return Result(replace(state, programme=programme),
                  (Post(where=programme.channel, card=Card(body=body)),))


ProgrammeHandler = Callable[[ProgrammeState, Interactive, Any, Context], Result]
# Each command usable in a programme's channel and what carries it out.
PROGRAMME_HANDLERS: dict[type, ProgrammeHandler] = {
    grammar.ProgrammeCoordinator: _add_coordinator,
    grammar.ProgrammeCode: _new_code,
    grammar.Announce: _announce,
    grammar.Digest: _digest,
    grammar.Timezone: _timezone,
    grammar.Language: lambda state, event, command, ctx: _language(state, command, ctx),
}


def weekly_digest(state: ProgrammeState, ping: Ping, ctx: Context) -> Result:
    """The weekly digest is due: release the learnings shared since the last one, post the
    digest (which counts them) and the learnings, and arm the next digest."""
    waiting = tuple(sorted(state.to_release, key=lambda s: s.id))
    state = replace(state, to_release=(), shares_released=state.shares_released + len(waiting))
    effects: list[Effect] = [Post(where=state.programme.channel,
                                  card=digest_card(state, ctx.now))]
    if waiting:
        effects.append(ReleaseShares(share_ids=tuple(s.id for s in waiting), at=ctx.now))
        effects.extend(Post(where=state.programme.channel, card=released_card(item))
                       for item in waiting)
    return Result(state, (*effects, *digest_pings(state.programme, ctx)))


def released_card(item: ReleasedShare) -> Card:
    return Card(title=t("share.posted_title"), body=t("share.body", text=quoted(item.text, 3000)),
                slot=share_slot(item.id))


# ---------------------------------------------------------------- the digest (counts only)


def flags(item: SetDigest, now: datetime) -> list[str]:
    found = []
    last = item.last_meeting_at or item.joined_at
    if last is None or now - last > QUIET_SET:
        found.append(t("digest.flag_quiet"))
    possible = item.members * item.meetings
    if possible and item.attendance * 2 < possible:
        found.append(t("digest.flag_attendance"))
    if item.never_reviewed:
        found.append(t("digest.flag_unreviewed", count=item.never_reviewed))
    return found


def _rate(attended: int, possible: int) -> str:
    return f"{round(100 * attended / possible)}%" if possible else "—"


def digest_card(state: ProgrammeState, now: datetime) -> Card:
    """Per set and in total: meetings, attendance, commitments, organisations, flags."""
    programme = state.programme
    since = now - DIGEST_PERIOD
    zone = programme.timezone
    fields = []
    for item in sorted(state.sets, key=lambda s: s.name.lower()):
        possible = item.members * item.meetings
        line = t("digest.set_line", meetings=item.meetings,
                 attendance=_rate(item.attendance, possible), made=item.commitments_made,
                 reviewed=item.commitments_reviewed, orgs=item.organisations)
        marks = flags(item, now)
        if marks:
            line += "\n" + " · ".join(f"⚑ {m}" for m in marks)
        fields.append(CardField(name=quoted(item.name, 200), value=line))
    attended = sum(s.attendance for s in state.sets)
    possible = sum(s.members * s.meetings for s in state.sets)
    total = t("digest.totals", sets=len(state.sets), meetings=sum(s.meetings for s in state.sets),
              attendance=_rate(attended, possible),
              made=sum(s.commitments_made for s in state.sets),
              reviewed=sum(s.commitments_reviewed for s in state.sets),
              shared=state.shares_released,
              flagged=sum(1 for s in state.sets if flags(s, now)))
    if not state.sets:
        total = t("digest.no_sets")
    return Card(title=t("digest.title", name=quoted(programme.name, 100),
                        since=timeparse.format_day(since, zone),
                        until=timeparse.format_day(now, zone)),
                body=total, fields=tuple(fields))


DIGEST_CSV_COLUMNS = ("set", "meetings", "attended", "possible_attendance", "attendance_rate",
                      "commitments_made", "commitments_reviewed", "never_reviewed",
                      "organisations", "last_meeting", "flags")


def digest_csv(state: ProgrammeState, now: datetime) -> str:
    """The digest's numbers as CSV, one row a set and a total row.

    Shared learnings are not here: per set they would say which set shared what, and the
    programme-wide count is in the digest itself."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([plain(f"digest.csv.{column}") for column in DIGEST_CSV_COLUMNS])
    for item in sorted(state.sets, key=lambda s: s.name.lower()):
        possible = item.members * item.meetings
        writer.writerow([
            _csv_safe(item.name), item.meetings, item.attendance, possible,
            _rate(item.attendance, possible), item.commitments_made, item.commitments_reviewed,
            item.never_reviewed, item.organisations,
            item.last_meeting_at.date().isoformat() if item.last_meeting_at else "",
            "; ".join(flags(item, now))])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Keep a spreadsheet from reading a set's name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# ---------------------------------------------------------------- in a set's channel


def set_join(state: SetState, event: Interactive, code: str, ctx: Context) -> Result:
    if state.programme is not None:
        return refuse(state, event, "programme.already_in", name=quoted(state.programme.name,
                                                                         100))
    candidate = state.candidate
    if not code_is_valid(candidate, code, ctx.now):
        return refuse(state, event, "programme.bad_code")
    assert candidate is not None
    joined = replace(state.set, programme_id=candidate.id, joined_programme_at=ctx.now)
    state = replace(state, set=joined, programme=candidate, candidate=None)
    return Result(state, (
        Post(where=state.set.home, card=Card(body=t(
            "programme.set_joined", name=quoted(candidate.name, 100)))),
        Post(where=candidate.channel, card=Card(body=t(
            "programme.set_joined_there", set=quoted(state.set.name, 100)))),
    ))


def set_leave(state: SetState, event: Interactive, ctx: Context) -> Result:
    programme = state.programme
    if programme is None:
        return refuse(state, event, "programme.not_in")
    state = replace(state, set=replace(state.set, programme_id=None, joined_programme_at=None),
                    programme=None)
    return Result(state, (
        Post(where=state.set.home, card=Card(body=t(
            "programme.set_left", name=quoted(programme.name, 100)))),
        Post(where=programme.channel, card=Card(body=t(
            "programme.set_left_there", set=quoted(state.set.name, 100)))),
    ))


def set_org(state: SetState, event: Interactive, name: str, ctx: Context) -> Result:
    member = state.member(event.user)
    assert member is not None
    state = replace(state, members={**state.members, event.user.key: replace(member, org=name)})
    shown = "on" if not member.org_shown else "off"
    card = Card(body=t("org.noted", org=quoted(name, 100)) + "\n" + t(
        "org.shown" if member.org_shown else "org.hidden"),
        buttons=(Button(label=t(f"button.org_{shown}"), action=action_id(
            "orgshow", state.set.id, shown)),))
    return Result(state, (Whisper(where=event.where, user=event.user, card=card),))


def share(state: SetState, event: Interactive, text: str, ctx: Context) -> Result:
    """A preview first: the member sees exactly what will be posted, and confirms."""
    if state.programme is None:
        return refuse(state, event, "share.no_programme")
    pending = Share(id=ctx.new_id(), set_id=state.set.id, programme_id=state.programme.id,
                    user=event.user, text=text, at=ctx.now)
    state = replace(state, shares=(*state.shares, pending))
    card = Card(title=t("share.preview_title", name=quoted(state.programme.name, 100)),
                body=shared_text(pending),
                buttons=(Button(label=t("button.share"), style=ButtonStyle.PRIMARY,
                                action=action_id("share", pending.id)),
                         Button(label=t("button.unshare"), action=action_id("unshare",
                                                                            pending.id))))
    return Result(state, (Whisper(where=event.where, user=event.user, card=card),))


def shared_text(item: Share) -> str:
    return t("share.body", text=quoted(item.text, 3000))


def confirm_share(state: SetState, event: Interactive, share_id: str, confirm: bool,
                  ctx: Context) -> Result:
    found = next((s for s in state.shares if s.id == share_id), None)
    if found is None or found.user != event.user or found.withdrawn:
        return refuse(state, event, "button.gone")
    if found.confirmed:
        return refuse(state, event, "share.already")
    if not confirm:
        shares = tuple(replace(s, withdrawn=True) if s.id == share_id else s
                       for s in state.shares)
        return Result(replace(state, shares=shares), (whisper(event, "share.cancelled"),))
    if state.programme is None or state.programme.id != found.programme_id:
        return refuse(state, event, "share.no_programme")
    shares = tuple(replace(s, confirmed=True) if s.id == share_id else s for s in state.shares)
    state = replace(state, shares=shares)
    when = timeparse.format_when(next_digest_at(state.programme, ctx.now),
                                 state.programme.timezone)
    return Result(state, (whisper(event, "share.sent", name=quoted(state.programme.name, 100),
                                  when=when),))
