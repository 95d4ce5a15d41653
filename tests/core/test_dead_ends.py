"""A set never gets stuck: each dead end, as members would live it, and that the set goes on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.cards import action_id
from bot.core.effects import CancelPings, DirectMessage, OpenForm, SchedulePing
from bot.core.events import PingDue
from bot.core.model import Outcome, Ping, PingKind, Progress, Stage
from tests.support.core import CoreHarness, dm, posts, user, whispers

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def pings(effects, kind: PingKind) -> list[Ping]:  # type: ignore[no-untyped-def]
    return [e.ping for e in effects if isinstance(e, SchedulePing) and e.ping.kind is kind]


# 1. Facilitator absent ---------------------------------------------------------------------


def test_a_member_who_is_here_takes_over_from_an_absent_facilitator() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob", "carol")
    effects = h.cmd("bob", "start")
    assert any("<@alice> hasn't said they're here yet" in p for p in posts(effects))
    card = next(e.card for e in effects if getattr(e, "card", None) and e.card.buttons)
    assert "Take over" in [b.label for b in card.buttons]
    # Without the role bob cannot move on, and is told how to take it.
    (refusal,) = whispers(h.cmd("bob", "next"))
    assert "take over" in refusal.lower()
    effects = h.press("bob", action_id("takeover", h.state.meeting.id))
    assert h.state.meeting.facilitator == user("bob")
    (said,) = [p for p in posts(effects) if "facilitating" in p]
    assert "<@bob> is facilitating this meeting" in said
    assert "<@alice> facilitates again from the next meeting" in said
    assert h.state.set.facilitator == user("alice")  # the standing facilitator is unchanged
    h.cmd("carol", "here bid")
    h.cmd("bob", "next")
    assert h.state.meeting.stage is Stage.PRESENTATION
    h.cmd("bob", "end")
    h.advance(days=28)
    h.cmd("carol", "start")
    assert h.state.meeting.facilitator == user("alice")  # back for the next meeting


def test_take_over_by_command_and_its_limits() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob", "carol")
    h.cmd("bob", "start")
    (said,) = whispers(h.cmd("carol", "facilitator @bob"))  # carol has not said she's here
    assert "Say you're here first" in said
    h.cmd("carol", "here")
    h.cmd("carol", "facilitator @bob")
    assert h.state.meeting.facilitator == user("bob")
    assert h.state.set.facilitator == user("alice")
    # Once alice is here and facilitating again, nobody else can take it from her.
    h.cmd("alice", "here")
    h.cmd("bob", "facilitator @alice")
    assert h.state.meeting.facilitator == user("alice")
    (said,) = whispers(h.cmd("carol", "facilitator @carol"))
    assert "has said they're here" in said
    # Between meetings only the standing facilitator hands the role on.
    h.cmd("alice", "end")
    (said,) = whispers(h.cmd("bob", "facilitator @bob"))
    assert said.startswith("Only the facilitator (<@alice>)")


# 2. The last member leaves -----------------------------------------------------------------


def test_the_facilitator_leaving_hands_on_to_the_longest_standing_member_present() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob", "carol")
    h.cmd("alice", "start")
    h.cmd("carol", "here")  # bob (joined before carol) is not here
    effects = h.cmd("alice", "leave")
    assert h.state.meeting.facilitator == user("carol")
    assert h.state.set.facilitator == user("carol")
    assert any("<@carol> is now the facilitator" in p for p in posts(effects))


def test_a_meeting_everyone_left_closes_and_the_next_joiner_facilitates() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.meeting_to("questioning")
    h.cmd("bob", "leave")
    effects = h.cmd("alice", "leave")
    assert h.state.running_meeting is None
    assert h.state.meeting.summary.startswith("This meeting closed: everyone in it has left")
    assert any("Meeting summary" in p for p in posts(effects))
    assert h.state.set.facilitator is None
    effects = h.cmd("dora", "join")
    assert h.state.set.facilitator == user("dora")
    assert any("<@dora> is the set's facilitator now" in p for p in posts(effects))
    h.cmd("dora", "start")
    assert h.state.meeting.facilitator == user("dora")


# 3. A meeting nobody ends -------------------------------------------------------------------


def test_a_meeting_nobody_moves_closes_itself_three_hours_after_its_last_stage_change() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-12-21 10:00 every 4w")
    h.meeting_to("presentation")
    (close,) = pings(h.cmd("alice", "next"), PingKind.MEETING_CLOSE)
    assert close.due_at == h.now + timedelta(hours=3)
    h.advance(hours=3)
    effects = h.send(PingDue(ping=close))
    assert h.state.running_meeting is None
    summary = h.state.meeting.summary
    assert summary.startswith("This meeting closed itself: nobody moved it on for 3 hours.")
    assert any(p.startswith("*Meeting summary*") for p in posts(effects))
    # The schedule and its reminders carry on.
    assert h.state.set.next_meeting_at == datetime(2026, 12, 21, 10, 0, tzinfo=UTC)
    assert len(pings(effects, PingKind.REMINDER)) == 2


def test_a_stale_close_ping_does_nothing_after_the_meeting_moved_on() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    (close,) = pings(h.cmd("alice", "next"), PingKind.MEETING_CLOSE)
    h.advance(hours=2)
    h.cmd("alice", "next")
    h.advance(hours=1)
    assert h.send(PingDue(ping=close)) == ()
    assert h.state.running_meeting is not None


def test_an_extra_meeting_closes_an_hour_before_the_scheduled_one_at_the_latest() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-11-27 11:00")  # more than 3 days away: this one is extra
    effects = h.cmd("alice", "start")
    assert any("This is an extra meeting" in p for p in posts(effects))
    h.now = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    (close,) = pings(h.cmd("alice", "here bid"), PingKind.MEETING_CLOSE) or pings(
        h.cmd("alice", "next"), PingKind.MEETING_CLOSE)
    assert close.due_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


# 4. A meeting held early or late ------------------------------------------------------------


def test_a_meeting_held_two_days_early_is_the_scheduled_one_and_the_schedule_rolls_on() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-11-25 10:00 every 4w")
    effects = h.cmd("alice", "start")
    assert h.state.set.next_meeting_at == datetime(2026, 12, 23, 10, 0, tzinfo=UTC)
    assert CancelPings(set_id=h.state.set.id, kinds=frozenset({
        PingKind.REMINDER, PingKind.SCHEDULE_CHECK})) in effects
    assert [p.due_at for p in pings(effects, PingKind.REMINDER)] == [
        datetime(2026, 12, 22, 10, 0, tzinfo=UTC), datetime(2026, 12, 23, 9, 0, tzinfo=UTC)]
    assert any("This is the meeting scheduled for Wed 25 Nov 2026" in p for p in posts(effects))
    h.cmd("bob", "here bid")
    while h.state.meeting.stage is not Stage.COMMITMENT:
        h.advance(seconds=6)
        h.cmd("alice", "next")
    h.cmd("bob", "commit Ask the team")
    (made,) = h.state.commitments.values()
    assert made.due_at == datetime(2026, 12, 23, 10, 0, tzinfo=UTC)  # the following meeting
    h.cmd("alice", "end")
    assert h.state.set.next_meeting_at == datetime(2026, 12, 23, 10, 0, tzinfo=UTC)


def test_a_meeting_held_ten_hours_late_is_the_scheduled_one() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-11-23 12:00 every 4w")
    h.now = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    assert h.state.set.next_meeting_at == datetime(2026, 12, 21, 12, 0, tzinfo=UTC)


def test_a_meeting_more_than_three_days_early_is_an_extra_one() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-11-26 12:00 every 1w")  # 3 days 2 hours away
    effects = h.cmd("alice", "start")
    assert h.state.set.next_meeting_at == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert not [e for e in effects if isinstance(e, CancelPings)
                and PingKind.REMINDER in e.kinds]
    h.cmd("alice", "end")
    assert h.state.set.next_meeting_at == datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_schedule_off_and_skip() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-12-01 10:00 every 4w")
    effects = h.cmd("bob", "schedule skip")
    assert h.state.set.next_meeting_at == datetime(2026, 12, 29, 10, 0, tzinfo=UTC)
    assert any("skipped the meeting on Tue 1 Dec 2026, 10:00" in p for p in posts(effects))
    assert [p.due_at for p in pings(effects, PingKind.REMINDER)] == [
        datetime(2026, 12, 28, 10, 0, tzinfo=UTC), datetime(2026, 12, 29, 9, 0, tzinfo=UTC)]
    effects = h.cmd("bob", "schedule off")
    assert h.state.set.next_meeting_at is None and h.state.set.cadence_weeks is None
    assert not pings(effects, PingKind.REMINDER)
    assert any("cleared the schedule" in p for p in posts(effects))
    assert "No meeting is scheduled" in whispers(h.cmd("bob", "schedule skip"))[0]


# 5. Reporting back, one commitment at a time ------------------------------------------------


def two_commitments_in_review(h: CoreHarness) -> tuple[str, str]:
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-12-21 10:00 every 4w")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Write to the board")
    h.advance(seconds=1)
    h.cmd("bob", "commit Phone the chair by 2026-12-10")
    h.cmd("alice", "end")
    first, second = sorted(h.state.commitments.values(), key=lambda c: c.created_at)
    h.now = datetime(2026, 12, 21, 10, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    h.cmd("bob", "here")
    h.cmd("alice", "next")
    assert h.state.meeting.stage is Stage.REVIEW
    return first.id, second.id


def test_the_review_card_numbers_commitments_and_report_takes_the_number() -> None:
    h = CoreHarness(now=NOW)
    first, second = two_commitments_in_review(h)
    (which,) = whispers(h.cmd("bob", "report done all good"))
    assert "Which commitment?" in which
    assert "1. Write to the board" in which and "2. Phone the chair" in which
    assert all(c.outcome is None for c in h.state.commitments.values())
    effects = h.cmd("bob", "report 2 done Called her on Monday")
    assert h.state.commitments[second].outcome is Outcome.DONE
    assert h.state.commitments[first].outcome is None
    card = next(e.card for e in effects if getattr(e, "card", None) and e.card.fields)
    (field,) = [f for f in card.fields if f.name == "bob"]
    assert "1. Write to the board" in field.value and "2. Phone the chair" in field.value
    # Now the only unreported one needs no number; a wrong number lists the choices.
    assert "no commitment number 7" in whispers(h.cmd("bob", "report 7 done x"))[0]
    h.cmd("bob", "report not Ran out of time")
    assert h.state.commitments[first].outcome is Outcome.NOT


def test_a_report_can_be_corrected_while_the_review_runs() -> None:
    h = CoreHarness(now=NOW)
    _, second = two_commitments_in_review(h)
    h.cmd("bob", "report 2 done Called her")
    effects = h.cmd("bob", "report 2 partly Left a message only")
    assert h.state.commitments[second].outcome is Outcome.PARTLY
    assert any("corrected their report" in p for p in posts(effects))


def test_partly_done_is_carried_forward_with_its_check_ins_unless_closed() -> None:
    h = CoreHarness(now=NOW)
    first, _ = two_commitments_in_review(h)
    effects = h.cmd("bob", "report 1 partly Drafted it, not sent")
    carried = h.state.commitments[first]
    assert carried.open and carried.carried_at == h.now
    assert carried.due_at == datetime(2027, 1, 18, 10, 0, tzinfo=UTC)  # the next meeting
    assert pings(effects, PingKind.CHECKIN)  # check-ins go on
    offer = next(e.card for e in effects if getattr(e, "card", None) and e.card.buttons
                 and e.card.buttons[0].label == "Close it instead")
    assert "Kept open for the next meeting" in offer.body
    h.cmd("alice", "end")
    assert "carried forward" in h.state.meeting.summary
    # At the next meeting it is owed again.
    h.now = datetime(2027, 1, 18, 10, 0, tzinfo=UTC)
    h.cmd("alice", "start")
    h.cmd("alice", "next")
    assert user("bob") in h.state.meeting.reviewees


def test_the_report_button_asks_which_when_several_are_owed() -> None:
    h = CoreHarness(now=NOW)
    two_commitments_in_review(h)
    effects = h.press("bob", action_id("report", h.state.meeting.id))
    (form,) = [e.form for e in effects if isinstance(e, OpenForm)]
    (which,) = [f for f in form.fields if f.name == "number"]
    assert which.choices == ("1", "2") and "Write to the board" in which.hint
    h.submit("bob", form.id, {"number": "1", "outcome": "done", "account": "Sent"})
    assert sum(c.outcome is Outcome.DONE for c in h.state.commitments.values()) == 1


# 6. A commitment is never lost ---------------------------------------------------------------


def test_a_commitment_form_sent_after_the_stage_moved_on_is_kept() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    (form,) = [e.form for e in h.press("bob", action_id("commit", h.state.meeting.id))
               if isinstance(e, OpenForm)]
    h.cmd("alice", "next")  # closing: the form is still open on bob's screen
    h.submit("bob", form.id, {"action": "Ring the school"})
    assert [c.text for c in h.state.commitments.values()] == ["Ring the school"]


def test_after_the_meeting_the_presenter_is_told_and_may_commit_for_48_hours() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob", "carol")
    h.meeting_to("commitment")
    (form,) = [e.form for e in h.press("bob", action_id("commit", h.state.meeting.id))
               if isinstance(e, OpenForm)]
    h.cmd("alice", "end")
    (said,) = whispers(h.submit("bob", form.id, {"action": "Ring the school"}))
    assert "/set commit" in said and "48 hours" in said
    h.advance(hours=20)
    effects = h.cmd("bob", "commit Ring the school by Friday")
    assert any("Added to meeting 1 after it ended" in p for p in posts(effects))
    assert pings(effects, PingKind.CHECKIN)
    assert "commit" in whispers(h.cmd("carol", "commit Me too"))[0]  # carol didn't present
    h.advance(hours=30)
    assert not [p for p in posts(h.cmd("bob", "commit Another one"))]


# 7. Stage rules that hold ---------------------------------------------------------------------


def test_a_bid_in_closing_is_refused_with_why() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob", "carol")
    h.meeting_to("closing")
    (said,) = whispers(h.cmd("carol", "here bid"))
    assert "closing" in said and "next meeting" in said
    assert user("carol") not in h.state.meeting.bids


def test_a_bid_can_be_withdrawn_before_its_turn() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob", "carol")
    h.cmd("alice", "start")
    h.cmd("bob", "here bid")
    h.cmd("carol", "here bid")
    effects = h.cmd("carol", "here bid")  # a double press: offered a way back
    offer = next(e.card for e in effects if getattr(e, "card", None) and e.card.buttons)
    assert offer.buttons[0].label == "Withdraw my bid"
    h.press("carol", offer.buttons[0].action)
    assert h.state.meeting.bids == (user("bob"),)
    h.cmd("alice", "next")  # bob presents
    (said,) = whispers(h.press("bob", action_id("unbid", h.state.meeting.id)))
    assert "can't be withdrawn now" in said


def test_auto_advance_moves_on_at_once_when_a_box_is_shortened_below_the_time_used() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.cmd("alice", "timebox auto on")
    h.meeting_to("questioning")
    h.advance(minutes=8)
    h.cmd("alice", "timebox questioning 5")
    assert h.state.meeting.stage is Stage.COMMITMENT


# 9. Check-ins that make sense -----------------------------------------------------------------


def test_a_done_commitment_is_never_pinged_again() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Write to the board")
    h.cmd("alice", "end")
    (made,) = h.state.commitments.values()
    h.advance(days=7)
    h.press("bob", action_id("checkin", made.id, "done"), where=dm("bob"))
    assert h.state.commitments[made.id].progress is Progress.DONE
    for command in ("checkins 3d,-1d", "checkins pause", "checkins resume",
                    "schedule 2026-12-20 10:00 every 4w", "timezone Europe/Paris"):
        assert not pings(h.cmd("alice", command), PingKind.CHECKIN), command
    due = Ping(id="old", kind=PingKind.CHECKIN, set_id=h.state.set.id, due_at=h.now,
               user=user("bob"), commitment_id=made.id)  # one left from before a restart
    assert not [e for e in h.send(PingDue(ping=due)) if isinstance(e, DirectMessage)]


def test_a_snooze_replaces_the_next_check_in() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Write to the board by 2026-12-20")
    h.cmd("alice", "end")
    (made,) = h.state.commitments.values()
    h.advance(days=2)
    effects = h.cmd("bob", "progress snooze", where=dm("bob"))
    (cancel,) = [e for e in effects if isinstance(e, CancelPings)]
    assert cancel.commitment_id == made.id
    assert cancel.due_until == made.created_at + timedelta(days=7)  # the next one, replaced
    (again,) = pings(effects, PingKind.CHECKIN)
    assert again.due_at == h.now + timedelta(days=1)


def test_ask_my_set_for_help_posts_once_per_stuck_answer() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Write to the board")
    h.cmd("alice", "end")
    (made,) = h.state.commitments.values()
    h.press("bob", action_id("checkin", made.id, "stuck"), where=dm("bob"))
    help_button = action_id("help", made.id)
    assert any("is stuck on" in p for p in posts(h.press("bob", help_button, where=dm("bob"))))
    effects = h.press("bob", help_button, where=dm("bob"))  # a double press
    assert not posts(effects)
    assert "already asked" in whispers(effects)[0]
    h.advance(days=3)
    h.cmd("bob", "progress stuck still no reply", where=dm("bob"))  # stuck again: may ask again
    assert any("still no reply" in p for p in posts(h.press("bob", help_button, where=dm("bob"))))


def test_a_typo_in_a_verb_suggests_the_command_meant() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice")
    (said,) = whispers(h.cmd("alice", "shedule 2026-12-01 10:00"))
    assert said.startswith("I don't know the command “shedule”.")
    assert "Did you mean `/set schedule" in said
    (said,) = whispers(h.cmd("alice", "xyzzy"))
    assert "Type `/set help`" in said


def test_starting_over_a_meeting_left_running_for_hours_closes_it_first() -> None:
    h = CoreHarness(now=NOW)
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    first = h.state.meeting.id
    h.advance(hours=1)
    assert "already running" in whispers(h.cmd("bob", "start"))[0]
    h.advance(hours=5)  # its closing ping never came (a bot from before this rule)
    effects = h.cmd("bob", "start")
    assert h.state.running_meeting is not None and h.state.meeting.id != first
    assert h.state.meeting.number == 2
    assert any("closed itself" in p for p in posts(effects))


def test_quiet_hours_end_at_eight_local_on_the_morning_after_the_clocks_change() -> None:
    h = CoreHarness(now=datetime(2026, 10, 20, 8, 0, tzinfo=UTC))
    h.set_up("alice", "bob")
    h.cmd("alice", "timezone Europe/Stockholm")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Write to the board")
    (made,) = h.state.commitments.values()
    h.now = datetime(2026, 10, 24, 20, 0, tzinfo=UTC)  # 22:00 CEST, in bob's quiet hours
    due = Ping(id="late", kind=PingKind.CHECKIN, set_id=h.state.set.id, due_at=h.now,
               user=user("bob"), commitment_id=made.id)
    (deferred,) = h.send(PingDue(ping=due))
    assert deferred.until == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # 08:00 CET
