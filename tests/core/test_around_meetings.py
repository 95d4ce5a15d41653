"""What members expect around the meetings (issue 13), as tables and short stories on the core:
apologies, the members list, summaries, changing one's own actions, leave, holidays, pausing
one's own check-ins, the video link and the calendar file."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core import myactions
from bot.core.calendar import CalendarFile
from bot.core.effects import (
    CancelPings,
    DirectMessage,
    OpenForm,
    Post,
    SchedulePing,
    Update,
    Whisper,
)
from bot.core.events import PingDue
from bot.core.meeting import timer_fired
from bot.core.model import ChangeKind, Meeting, Ping, PingKind, Stage
from bot.core.refs import unescape
from bot.i18n import render_dates
from tests.support.core import CoreHarness, dm, dms, posts, user, whispers

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Calendar:
    """A holiday calendar as a table: the regions it knows and their holidays."""

    def __init__(self, table: dict[str, set[date]]) -> None:
        self.table = table

    def known(self, region: str) -> bool:
        return region in self.table

    def is_holiday(self, region: str, day: date) -> bool:
        return day in self.table.get(region, set())


def scheduled(*names: str, when: str = "2026-12-01 14:00 every 2w") -> CoreHarness:
    h = CoreHarness()
    h.set_up(*names)
    h.cmd(names[0], f"schedule {when}")
    return h


def with_commitments(*texts: str, owner: str = "bob") -> CoreHarness:
    h = scheduled("alice", "bob", "carol")
    h.meeting_to("commitment", presenters=(owner,))
    for text in texts:
        h.cmd(owner, f"commit {text}")
        h.advance(seconds=1)
    h.cmd("alice", "end")
    return h


def pings(effects, kind: PingKind = PingKind.CHECKIN) -> list:
    return [e.ping for e in effects if isinstance(e, SchedulePing) and e.ping.kind is kind]


# ---------------------------------------------------------------- apologies


def test_apologies_for_the_next_meeting_are_posted_and_noted_privately() -> None:
    h = scheduled("alice", "bob", "carol")
    effects = h.cmd("bob", "apologies at a conference")
    assert posts(effects) == ["<@bob> sent apologies for the meeting on Tue 1 Dec 2026."]
    assert whispers(effects) == [
        "Noted: your apologies for the meeting on Tue 1 Dec 2026 (at a conference). "
        "`/set apologies off` withdraws them."]
    (apology,) = h.state.apologies
    assert apology.meeting_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert apology.note == "at a conference"


def test_the_opening_card_attendance_summary_and_nudges_treat_apologies_apart() -> None:
    h = scheduled("alice", "bob", "carol", "dave")
    h.cmd("carol", "apologies 2026-12-01 at a conference")
    h.now = datetime(2026, 12, 1, 14, 2, tzinfo=UTC)
    effects = h.cmd("alice", "start")
    card = posts(effects)[-1]
    assert "*Apologies*: <@carol> (at a conference)" in card
    h.cmd("bob", "here bid")
    h.cmd("alice", "next")
    h.cmd("alice", "next")
    meeting = h.state.running_meeting
    assert meeting.stage is Stage.QUESTIONING
    h.advance(minutes=13)
    warned = timer_fired(h.state, meeting.id, meeting.seq, False, h.context()).effects
    assert posts(warned) == ["Two minutes left for questioning.\nNot asked a question yet: "
                             "<@alice>."]  # not carol, who sent apologies
    h.cmd("alice", "end")
    summary = h.state.meeting.summary
    assert "Here: <@alice>, <@bob>" in summary
    assert "Apologies: <@carol> (at a conference)" in summary
    assert "Absent: <@dave>" in summary


def test_a_member_with_apologies_is_not_called_on_to_report_back() -> None:
    h = with_commitments("Phone the board", owner="bob")
    h.cmd("bob", "apologies")
    h.now = datetime(2026, 12, 1, 13, 55, tzinfo=UTC)
    h.cmd("alice", "start")
    h.cmd("carol", "here")
    h.advance(seconds=10)
    effects = h.cmd("alice", "next")
    assert h.state.running_meeting.stage is not Stage.REVIEW  # nobody else owes a report
    assert not any("please report back" in p for p in posts(effects))


def test_coming_after_all_takes_the_apologies_back() -> None:
    h = scheduled("alice", "bob")
    h.cmd("bob", "apologies")
    effects = h.cmd("bob", "apologies off")
    assert whispers(effects) == ["Your apologies for Tue 1 Dec 2026 are withdrawn."]
    assert posts(effects) == ["<@bob> will be at the meeting on Tue 1 Dec 2026 after all."]
    h.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    assert h.state.running_meeting.apologies == ()


def test_saying_here_in_the_meeting_clears_ones_apologies() -> None:
    h = scheduled("alice", "bob")
    h.cmd("bob", "apologies")
    h.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    assert h.state.running_meeting.apologies == (user("bob"),)
    h.cmd("bob", "here")
    assert h.state.running_meeting.apologies == ()


def test_the_reminder_has_an_apologies_button_that_sends_them() -> None:
    h = scheduled("alice", "bob")
    effects = h.cmd("alice", "link https://meet.example.org/set")
    reminder = pings(h.cmd("alice", "schedule 2026-12-01 14:00"), PingKind.REMINDER)[0]
    h.now = reminder.due_at
    (post,) = [e for e in h.send(PingDue(ping=reminder)) if isinstance(e, Post)]
    assert "Video link: https://meet.example.org/set" in post.card.body
    (button,) = post.card.buttons
    assert button.label == "Send apologies"
    effects = h.press("bob", button.action)
    assert whispers(effects)[0].startswith("Noted: your apologies for the meeting on Tue 1 Dec")
    assert [a.user for a in h.state.apologies] == [user("bob")]


@pytest.mark.parametrize(("text", "said"), [
    ("apologies 2026-12-08", "There is no meeting on 2026-12-08. Meetings are on: Tue 1 Dec "
                             "2026, Tue 15 Dec 2026, Tue 29 Dec 2026, Tue 12 Jan 2027."),
    ("apologies 2026-02-30", "There is no such day as 2026-02-30. Check the day and the "
                             "month.\nUsage: `/set apologies [<YYYY-MM-DD>] [note] | off "
                             "[<YYYY-MM-DD>]`"),
    ("apologies off", "You have no apologies to withdraw for that meeting."),
])
def test_bad_apologies_say_which_dates_have_a_meeting(text: str, said: str) -> None:
    h = scheduled("alice", "bob")
    assert [unescape(w) for w in whispers(h.cmd("bob", text))] == [said]
    assert h.state.apologies == ()


def test_apologies_without_a_schedule_say_there_is_nothing_to_apologise_for() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(h.cmd("bob", "apologies")) == [
        "No meeting is scheduled, so there is nothing to send apologies for yet."]


def test_apologies_for_a_later_meeting_and_from_a_dm() -> None:
    h = scheduled("alice", "bob")
    h.cmd("bob", "apologies 2026-12-15 on leave", where=dm("bob"))
    (apology,) = h.state.apologies
    assert apology.meeting_at == datetime(2026, 12, 15, 14, 0, tzinfo=UTC)
    h.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    assert h.state.running_meeting.apologies == ()  # not this one


# ---------------------------------------------------------------- members and the record


def test_members_shows_joining_dates_the_facilitator_away_and_chosen_organisations() -> None:
    h = scheduled("alice", "bob", "carol")
    h.cmd("bob", "org Leeds City Council")
    effects = h.cmd("carol", "org Secret Agency")
    (card,) = [e.card for e in effects if isinstance(e, Whisper)]
    assert card.buttons[0].label == "Show it to my set"
    h.press("carol", card.buttons[0].action)
    h.cmd("bob", "away until 2026-12-10")
    (listing,) = whispers(h.cmd("alice", "members"))
    assert listing.splitlines() == [
        "*Members of Test set (3)*",
        "• <@alice> · since Mon 23 Nov 2026 · facilitator",
        "• <@bob> · since Mon 23 Nov 2026 · (away until Thu 10 Dec 2026)",
        "• <@carol> · since Mon 23 Nov 2026 · from Secret Agency",
    ]
    assert "Leeds" not in listing  # bob did not choose to show it


def test_summaries_are_private_and_include_learning_and_insights() -> None:
    h = with_commitments("Phone the board")
    first = h.state.meeting
    h.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    h.cmd("bob", "here")
    h.advance(seconds=10)
    h.cmd("alice", "next")  # review
    h.press("alice", f"insight:{h.state.running_meeting.id}")
    h.submit("alice", f"insight:{h.state.running_meeting.id}",
             {"insight": "Ask before advising"})
    h.cmd("bob", "report done The board agreed")
    while h.state.running_meeting.stage is not Stage.CLOSING:
        h.advance(seconds=10)
        h.cmd("alice", "next")
    h.say("carol", "Silence gives people room")
    h.cmd("alice", "end")
    second = h.state.meeting
    assert "Agreed at review:\n• Ask before advising" in second.summary
    assert "What we learned:\n• <@carol>: Silence gives people room" in second.summary
    h.state = type(h.state)(**{**{f: getattr(h.state, f) for f in h.state.__slots__},
                               "past_meetings": (first, second)})
    effects = h.cmd("bob", "summaries")
    (shown,) = [e for e in effects if isinstance(e, Whisper)]
    assert shown.card.body.index("Meeting 2") < shown.card.body.index("Meeting 1")
    (one,) = whispers(h.cmd("bob", "summary 1"))
    assert "Meeting 1 of Test set" in one and "Meeting 2" not in one
    assert whispers(h.cmd("bob", "summary 7")) == [
        "There is no stored summary of meeting 7. Stored: meetings 1–2."]
    assert whispers(h.cmd("bob", "summaries 0"))[0].startswith(
        "Give a whole number from 1 to 20.")


# ---------------------------------------------------------------- my actions


def test_editing_moving_and_dropping_ones_own_actions_keeps_their_history() -> None:
    h = with_commitments("Phone the board", "Draft the memo")
    assert whispers(h.cmd("bob", "actions mine"))[0].count("\n") == 2
    effects = h.cmd("bob", "action 1 Phone the board chair")
    assert whispers(effects)[0].startswith("Changed: Phone the board chair — due")
    effects = h.cmd("bob", "action 2 due 2026-12-11")
    assert CancelPings(set_id=h.state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                       commitment_id=[c for c in h.state.commitments.values()
                                      if c.text == "Draft the memo"][0].id) in effects
    moved = pings(effects)
    assert moved and moved[-1].due_at == datetime(2026, 12, 9, 9, 0, tzinfo=UTC)  # -2d
    effects = h.cmd("bob", "action 1 drop the chair left")
    assert whispers(effects) == [
        "Dropped, because: the chair left. The set will see it at the next review."]
    assert [(c.kind, c.before, c.after) for c in h.state.changes] == [
        (ChangeKind.EDIT, "Phone the board", "Phone the board chair"),
        (ChangeKind.DUE, "2026-12-01", "2026-12-11"),
        (ChangeKind.DROP, "", "the chair left"),
    ]
    assert [c.text for c in h.state.open_commitments(user("bob"))] == ["Draft the memo"]
    h.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    h.cmd("bob", "here")
    h.advance(seconds=10)
    effects = h.cmd("alice", "next")
    review = render_dates([e.card.text for e in effects if isinstance(e, Update)][0])
    assert "moved Mon 23 Nov 2026 from Tue 1 Dec 2026 to Fri 11 Dec 2026" in review
    assert "*Dropped since the last meeting*: <@bob>: Phone the board chair — the chair left" \
        in review


@pytest.mark.parametrize(("text", "said"), [
    ("action 5 Call them", "You have no open commitment number 5: you have 1. Only an "
                           "action's owner may change it; `/set actions mine` shows yours "
                           "numbered."),
    ("action 1 due 2026-11-01", "That date has passed (today is 2026-11-23). Give a due date "
                                "from today on."),
    ("action 1 drop", "Say why you are dropping it: `/set action <n> drop <reason>`.\nUsage: "
                      "`/set action <n> <new text> | <n> due <YYYY-MM-DD> | <n> drop <reason>`"),
    ("action one Call", "Give a whole number from 1 to 1000.\nUsage: `/set action <n> <new "
                        "text> | <n> due <YYYY-MM-DD> | <n> drop <reason>`"),
])
def test_bad_action_changes_are_refused_and_change_nothing(text: str, said: str) -> None:
    h = with_commitments("Phone the board")
    before = h.state
    assert [unescape(w) for w in whispers(h.cmd("bob", text))] == [said]
    assert h.state.commitments == before.commitments and h.state.changes == ()


def test_a_due_date_in_words_is_read_against_the_sets_today() -> None:
    h = with_commitments("Phone the board")  # today is Mon 23 Nov 2026
    h.cmd("bob", "action 1 due Friday")
    assert h.state.open_commitments(user("bob"))[0].due_at == datetime(
        2026, 11, 27, 9, 0, tzinfo=UTC)
    h.cmd("bob", "action 1 due diligence on the new vendor")
    assert h.state.open_commitments(user("bob"))[0].text == "due diligence on the new vendor"


def test_someone_elses_action_says_who_may_change_it() -> None:
    h = with_commitments("Phone the board")
    assert whispers(h.cmd("carol", "action 1 Phone them all")) == [
        (
        "You have no open commitments to change. Only an action's owner may change it "
        "(`/set actions` shows whose each one is).")]
    (commitment,) = h.state.commitments.values()
    event_like = type("E", (), {"where": dm("carol"), "user": user("carol")})
    result = myactions.apply(h.state, event_like, commitment, ChangeKind.EDIT, "Mine now",
                             None, h.context())
    assert whispers(result.effects) == ["Only <@bob>, whose action it is, may change it."]
    assert result.state.commitments[commitment.id].text == "Phone the board"


# ---------------------------------------------------------------- away, pause, holidays


def test_away_holds_check_ins_then_one_catch_up_the_morning_after_and_clears() -> None:
    h = with_commitments("Phone the board", "Draft the memo")
    effects = h.cmd("bob", "away until 2026-11-30")
    assert CancelPings(set_id=h.state.set.id, kinds=frozenset({PingKind.CHECKIN,
                                                              PingKind.AWAY_END}),
                       user=user("bob")) in effects
    assert all(p.due_at > datetime(2026, 12, 1, 0, 0, tzinfo=UTC) for p in pings(effects))
    (catch_up,) = pings(effects, PingKind.AWAY_END)
    assert catch_up.due_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert whispers(effects)[0].startswith("You're away until Mon 30 Nov 2026.")
    h.now = catch_up.due_at
    effects = h.send(PingDue(ping=catch_up))
    (message,) = dms(effects)
    assert message.card.title == "Welcome back to Test set"
    assert "Phone the board" in message.card.body and "Draft the memo" in message.card.body
    assert len(message.card.buttons) == 4
    assert h.state.members[user("bob").key].away_until is None


@pytest.mark.parametrize("until", ["2026-11-22", "2027-11-24"])
def test_away_in_the_past_or_beyond_a_year_is_refused_with_the_range(until: str) -> None:
    h = with_commitments("Phone the board")
    assert whispers(h.cmd("bob", f"away until {until}")) == [
        "Give a date from 2026-11-23 to 2027-11-23 (up to a year ahead)."]
    assert h.state.members[user("bob").key].away_until is None


def test_holidays_move_check_ins_off_weekends_and_public_holidays() -> None:
    h = with_commitments("Phone the board")
    h.holidays = Calendar({"GB-ENG": {date(2026, 12, 25), date(2026, 12, 28)}})
    assert whispers(h.cmd("alice", "holidays XX-YY")) == [
        "I don't know the holidays of “XX-YY”. Give a country code, with a subdivision if "
        "you like: e.g. `GB-ENG` or `SE`."]
    assert whispers(h.cmd("bob", "holidays GB-ENG"))[0].startswith("Only the facilitator")
    effects = h.cmd("alice", "holidays gb-eng")
    assert h.state.set.holidays == "GB-ENG"
    assert posts(effects) == ["Check-ins and reminders that fall on a weekend or a public "
                              "holiday in GB-ENG now move to the next working morning."]
    # 2 days before Tue 1 Dec 14:00 is Sunday: moved to Monday 09:00; 7 days after the
    # meeting is Monday 30 Nov, a working day: unmoved.
    assert [(p.due_at.date(), p.due_at.hour) for p in pings(effects)] == [
        (date(2026, 11, 30), 9), (date(2026, 11, 30), 10)]
    effects = h.cmd("bob", "action 1 due 2026-12-29")
    # 2 days before Tue 29 Dec is Sun 27 Dec: after Christmas, a weekend and a bank holiday
    # on Mon 28 Dec, the check-in moves to Tue 29 Dec, 09:00.
    assert [p.due_at for p in pings(effects)][-1] == datetime(2026, 12, 29, 9, 0, tzinfo=UTC)


def test_a_calendar_file_follows_the_schedule_and_a_skip_becomes_an_exdate() -> None:
    h = scheduled("alice", "bob")
    assert whispers(h.cmd("bob", "link https://example.org")) == [
        "Only the facilitator (<@alice>) can use `/set link`."]
    assert whispers(h.cmd("alice", "link ftp://example.org"))[0].startswith(
        "Give the video link as an http or https address")
    h.cmd("alice", "link https://meet.example.org/set")
    effects = h.cmd("bob", "calendar")
    (message,) = dms(effects)
    assert isinstance(message.attachment, CalendarFile)
    series = message.attachment.series
    assert (series.start, series.cadence_weeks, series.link) == (
        datetime(2026, 12, 1, 14, 0, tzinfo=UTC), 2, "https://meet.example.org/set")
    assert whispers(effects) == ["I've sent the calendar file to you as a DM."]
    effects = h.cmd("alice", "schedule 2026-12-15 14:00 every 2w")  # the 1 Dec one is skipped
    (update,) = dms(effects)
    assert update.user == user("bob")
    assert update.attachment.series.uid == series.uid
    assert update.attachment.series.sequence > series.sequence
    assert update.attachment.series.exdates == (datetime(2026, 12, 1, 14, 0, tzinfo=UTC),)
    effects = h.cmd("alice", "schedule 2026-12-16 10:00 every 2w")  # a new time: a new start
    (update,) = dms(effects)
    assert update.attachment.series.start == datetime(2026, 12, 16, 10, 0, tzinfo=UTC)
    assert update.attachment.series.exdates == ()


def test_a_held_meeting_sends_no_calendar_update() -> None:
    h = scheduled("alice", "bob")
    h.cmd("bob", "calendar")
    h.now = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    effects = h.cmd("alice", "end")
    assert dms(effects) == []
    assert isinstance(h.state.meeting, Meeting)


def test_the_set_wide_pause_and_a_members_own_pause_both_stop_delivery() -> None:
    h = with_commitments("Phone the board")
    (commitment,) = h.state.commitments.values()
    h.cmd("bob", "checkins pause")
    due = Ping(id="p", kind=PingKind.CHECKIN, set_id=h.state.set.id,
               due_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC), user=user("bob"),
               commitment_id=commitment.id)
    h.now = due.due_at
    assert not [e for e in h.send(PingDue(ping=due)) if isinstance(e, DirectMessage)]
    h.cmd("bob", "checkins resume")
    assert [e for e in h.send(PingDue(ping=due)) if isinstance(e, DirectMessage)]


def test_the_check_ins_change_button_opens_a_form_for_the_owner_only() -> None:
    h = with_commitments("Phone the board")
    (commitment,) = h.state.commitments.values()
    h.now = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    ping = Ping(id="p", kind=PingKind.CHECKIN, set_id=h.state.set.id, due_at=h.now,
                user=user("bob"), commitment_id=commitment.id)
    (message,) = dms(h.send(PingDue(ping=ping)))
    change = message.card.buttons[-1]
    assert change.label == "Change it"
    assert whispers(h.press("carol", change.action, where=dm("carol"))) == [
        "Only <@bob>, whose action it is, may change it."]
    (opened,) = [e for e in h.press("bob", change.action, where=dm("bob"))
                 if isinstance(e, OpenForm)]
    assert [f.name for f in opened.form.fields] == ["text", "due", "drop"]
    assert whispers(h.submit("bob", opened.form.id, {}, where=dm("bob"))) == [
        "Nothing to change: give a new text, a new due date, or a reason to drop it."]
    h.submit("bob", opened.form.id, {"text": "Phone the chair", "due": "2026-12-04"},
             where=dm("bob"))
    assert [(c.kind, c.after) for c in h.state.changes] == [
        (ChangeKind.EDIT, "Phone the chair"), (ChangeKind.DUE, "2026-12-04")]
    h.submit("bob", opened.form.id, {"drop": "the chair called me"}, where=dm("bob"))
    assert h.state.open_commitments(user("bob")) == []


def test_schedule_skip_and_off_reach_the_calendar_and_an_early_meeting_does_not() -> None:
    h = scheduled("alice", "bob")  # Tue 1 Dec 14:00, every 2 weeks
    h.cmd("bob", "calendar")
    h.now = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # a day early: it is that meeting
    assert dms(h.cmd("alice", "start")) == []
    assert dms(h.cmd("alice", "end")) == []
    (skipped,) = dms(h.cmd("alice", "schedule skip"))  # the 15 Dec one
    assert skipped.attachment.series.exdates == (datetime(2026, 12, 15, 14, 0, tzinfo=UTC),)
    (cancelled,) = dms(h.cmd("alice", "schedule off"))
    assert cancelled.attachment.series.start is None
    assert cancelled.card.body.startswith("The meetings of Test set are off the schedule.")
    assert cancelled.attachment.series.sequence > skipped.attachment.series.sequence
