"""``/set forget-me``: what a member said in a set is erased, everywhere the bot keeps it.

The core decides what goes and words the reply; storage blanks the stored texts by their
author columns (``storage`` keeps the list of those columns, see ``storage.erasure``) and scrubs
the database file; the outboxes edit the bot's own messages that carried the member's words.

Messages the bot posts with a member's words carry a slot that the core can name again at
erasure, from what it loads: ``said:<entry>`` (a presentation form or an insight echoed),
``commit:<commitment>``, ``report:<meeting>:<member>:<commitment>``, ``help:<commitment>:<answer>``,
``summary:<meeting>`` and, in the programme's channel, ``share:<share>``. Erasure sends an
edit-only ``Update`` for each (a slot never posted is left alone).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.core.cards import Card
from bot.core.messages import plain, t
from bot.core.model import (
    ChangeKind,
    CheckinAnswer,
    Commitment,
    Entry,
    EntryKind,
    Progress,
    SetState,
    Share,
)
from bot.core.refs import UserRef, escape
from bot.core.views import quoted

ERASED = plain("word.erased")  # stored in place of their words; shown escaped like them
ERASED_ORG = "erased:"  # an organisation name erased, still counted
# Every length the views clip a member's text to (``views.quoted(text, limit)``).
RENDER_LIMITS = (100, 200, 300, 500, 1000, 3000, 4000)


def said_slot(entry_id: str) -> str:
    return f"said:{entry_id}"


def commit_slot(commitment_id: str) -> str:
    return f"commit:{commitment_id}"


def report_slot(meeting_id: str, user: UserRef, commitment_id: str) -> str:
    """A report back is one message per commitment (a correction edits it)."""
    return f"report:{meeting_id}:{user.key}:{commitment_id}"


def help_slot(commitment_id: str, answer_id: str) -> str:
    return f"help:{commitment_id}:{answer_id}"


def summary_slot(meeting_id: str) -> str:
    return f"summary:{meeting_id}"


def share_slot(share_id: str) -> str:
    return f"share:{share_id}"


def erased(text: str) -> bool:
    return not text or text == ERASED


@dataclass(frozen=True, slots=True)
class Tally:
    """How many of each kind of text a member has left in the set (not yet erased)."""

    presentations: int = 0
    questions: int = 0
    learnings: int = 0
    insights: int = 0
    commitments: int = 0
    reports: int = 0
    notes: int = 0
    shares: int = 0

    def total(self) -> int:
        return sum(getattr(self, name) for name in self.__slots__)

    def words(self) -> str:
        """``2 presentations, 1 question, …`` in the catalogue's words."""
        parts = [t(f"forget.count.{name}.{'one' if getattr(self, name) == 1 else 'many'}",
                   count=getattr(self, name))
                 for name in self.__slots__ if getattr(self, name)]
        return ", ".join(parts)


_ENTRY_FIELDS = {EntryKind.PRESENTATION: "presentations", EntryKind.QUESTION: "questions",
                 EntryKind.LEARNING: "learnings", EntryKind.INSIGHT: "insights"}


def tally(entries: Iterable[Entry], commitments: Iterable[Commitment],
          checkins: Iterable[CheckinAnswer], shares: Iterable[Share], user: UserRef) -> Tally:
    counts = dict.fromkeys(Tally.__slots__, 0)
    for entry in entries:
        if entry.user == user and not erased(entry.text):
            counts[_ENTRY_FIELDS[entry.kind]] += 1
    for commitment in commitments:
        if commitment.owner == user:
            counts["commitments"] += not erased(commitment.text)
            counts["reports"] += not erased(commitment.account)
    counts["notes"] = sum(1 for a in checkins if a.user == user and not erased(a.note))
    counts["shares"] = sum(1 for s in shares if s.user == user and not erased(s.text))
    return Tally(**counts)


def org_to_erase(state: SetState, user: UserRef) -> bool:
    member = state.members.get(user.key)
    return member is not None and member.org is not None and not member.org.startswith(
        ERASED_ORG)


def redact(text: str, phrases: Iterable[str]) -> str:
    """``text`` with every rendering of each phrase (escaped, clipped as the views clip it)
    replaced by the erasure mark; the longest first, so a phrase inside another goes too."""
    forms: set[str] = set()
    for phrase in phrases:
        if erased(phrase):
            continue
        forms.update({phrase, escape(phrase), *(quoted(phrase, limit) for limit in RENDER_LIMITS)})
    for form in sorted(forms, key=len, reverse=True):
        if form.strip():
            text = text.replace(form, ERASED)
    return text


def member_phrases(state: SetState, user: UserRef) -> list[str]:
    """Every text the member wrote that the set's state holds."""
    history = state.history if state.history is not None else state.entries
    phrases = [e.text for e in (*history, *state.entries) if e.user == user]
    for commitment in state.commitments.values():
        if commitment.owner == user:
            phrases += [commitment.text, commitment.account]
    phrases += [a.note for a in state.checkins if a.user == user]
    phrases += [s.text for s in state.shares if s.user == user]
    phrases += [a.note for a in state.apologies if a.user == user]
    phrases += [text for c in state.changes if c.user == user and c.kind is not ChangeKind.DUE
                for text in (c.before, c.after)]
    return [p for p in dict.fromkeys(phrases) if not erased(p)]


def erased_org(state: SetState, user: UserRef, fresh_id: str) -> str | None:
    """What the member's organisation becomes: the digest counts distinct organisations, so
    the name goes but the count stays. If another member gave the same name, it is counted
    through them (nothing is kept); else a placeholder no other member has takes its place."""
    member = state.members.get(user.key)
    if member is None or member.org is None or member.org.startswith(ERASED_ORG):
        return member.org if member is not None else None
    shared = any(m.org == member.org for key, m in state.members.items() if key != user.key)
    return None if shared else f"{ERASED_ORG}{fresh_id}"


def erase_in_state(state: SetState, user: UserRef, org: str | None = None) -> SetState:
    """The state with the member's texts replaced by the erasure mark (rows, so counts, stay)."""
    def entries(found: tuple[Entry, ...]) -> tuple[Entry, ...]:
        return tuple(replace(e, text=ERASED) if e.user == user and e.text else e for e in found)

    commitments = {
        cid: replace(c, text=ERASED, account=ERASED if c.account else "") if c.owner == user
        else c for cid, c in state.commitments.items()}
    checkins = tuple(replace(a, note=ERASED if a.note else "") if a.user == user else a
                     for a in state.checkins)
    shares = tuple(replace(s, text=ERASED, withdrawn=s.withdrawn or s.released_at is None)
                   if s.user == user else s for s in state.shares)  # never released now
    apologies = tuple(replace(a, note=ERASED if a.note else "") if a.user == user else a
                      for a in state.apologies)
    changes = tuple(replace(c, before=c.before and ERASED, after=c.after and ERASED)
                    if c.user == user else c for c in state.changes)
    members = dict(state.members)
    if user.key in members:
        members[user.key] = replace(members[user.key], org=org)
    return replace(state, entries=entries(state.entries), commitments=commitments, members=members,
                   checkins=checkins, shares=shares, apologies=apologies, changes=changes,
                   history=entries(state.history) if state.history is not None else None)


def bot_messages(state: SetState, user: UserRef) -> list[str]:
    """The slots of the set's channel under which the bot may have posted the member's
    words not erased yet (besides the summaries and the running meeting's card)."""
    history = state.history if state.history is not None else state.entries
    slots = [said_slot(e.id) for e in history if e.user == user and not erased(e.text)
             and e.kind in (EntryKind.PRESENTATION, EntryKind.INSIGHT)]
    mine = [c for c in state.commitments.values() if c.owner == user]
    slots += [commit_slot(c.id) for c in mine if not erased(c.text)]
    slots += [report_slot(c.reviewed_meeting_id, user, c.id) for c in mine
              if c.reviewed_meeting_id and not erased(c.account)]
    for commitment in mine:
        if erased(commitment.text):
            continue
        slots.append(help_slot(commitment.id, "-"))
        slots += [help_slot(commitment.id, a.id) for a in state.checkins
                  if a.commitment_id == commitment.id and a.answer is Progress.STUCK]
    return list(dict.fromkeys(slots))


def erased_card(slot: str) -> Card:
    return Card(body=ERASED, slot=slot)
