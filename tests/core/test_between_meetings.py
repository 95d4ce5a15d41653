"""Between meetings: check-ins, answers, help requests, reminders and quiet hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.cards import action_id
from bot.core.effects import CancelPings, DeferPing, DirectMessage, Post, SchedulePing
from bot.core.events import PingDue, PingMissed
from bot.core.model import Ping, PingKind, Progress
from tests.support.core import HOME, CoreHarness, dm, posts, user, whispers


def with_commitment(h: CoreHarness) -> str:
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Book a one-to-one")
    h.cmd("alice", "end")
    (commitment,) = h.state.commitments.values()
    return commitment.id


def checkin_ping(h: CoreHarness, commitment_id: str) -> Ping:
    return Ping(id="p1", kind=PingKind.CHECKIN, set_id=h.state.set.id, due_at=h.now,
                user=user("bob"), commitment_id=commitment_id)


def test_a_due_check_in_dms_its_owner_with_its_buttons() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    h.now = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    effects = h.send(PingDue(ping=checkin_ping(h, cid)))
    (message,) = [e for e in effects if isinstance(e, DirectMessage)]
    assert message.user == user("bob")
    assert "Book a one-to-one" in message.card.body
    assert [b.label for b in message.card.buttons] == ["On track", "Stuck", "Done", "Snooze",
                                                         "Change it"]
    assert message.card.buttons[1].action == action_id("checkin", cid, "stuck")
    assert h.state.commitments[cid].last_pinged_at == h.now


def test_a_check_in_in_quiet_hours_waits_for_the_morning() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    h.now = datetime(2026, 11, 30, 22, 15, tzinfo=UTC)
    effects = h.send(PingDue(ping=checkin_ping(h, cid)))
    assert effects == (DeferPing(ping_id="p1",
                                 until=datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),)


def test_quiet_hours_follow_the_members_setting_and_can_be_turned_off() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    h.cmd("bob", "quiet off")
    h.now = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    effects = h.send(PingDue(ping=checkin_ping(h, cid)))
    assert any(isinstance(e, DirectMessage) for e in effects)


def test_quiet_hours_are_read_in_the_sets_time_zone() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    h.cmd("alice", "timezone America/New_York")
    h.now = datetime(2026, 11, 30, 22, 15, tzinfo=UTC)  # 17:15 in New York
    effects = h.send(PingDue(ping=checkin_ping(h, cid)))
    assert any(isinstance(e, DirectMessage) for e in effects)


def test_answers_are_stored_and_stuck_offers_help_which_posts_to_the_set() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    effects = h.press("bob", action_id("checkin", cid, "stuck"), where=dm("bob"))
    assert h.state.checkins[-1].answer is Progress.STUCK
    (offer,) = [e.card for e in effects if e.card.buttons]
    assert offer.buttons[0].action == action_id("help", cid)
    effects = h.press("bob", offer.buttons[0].action, where=dm("bob"))
    (request,) = [e for e in effects if isinstance(e, Post)]
    assert request.where == HOME
    assert "<@bob> is stuck on: Book a one-to-one" in request.card.body


def test_the_help_request_is_only_the_owners_to_send() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    effects = h.press("alice", action_id("help", cid), where=dm("alice"))
    assert whispers(effects) == ["That check-in is someone else's."]
    assert not [e for e in effects if isinstance(e, Post)]


def test_snooze_asks_again_a_day_later_and_done_stops_the_check_ins() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    effects = h.cmd("bob", "progress snooze", where=dm("bob"))
    (again,) = [e.ping for e in effects if isinstance(e, SchedulePing)]
    assert (again.due_at - h.now).days == 1
    effects = h.cmd("bob", "progress done finished early", where=dm("bob"))
    assert CancelPings(set_id=h.state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                       commitment_id=cid) in effects
    assert [a.answer for a in h.state.checkins] == [Progress.SNOOZE, Progress.DONE]
    assert h.state.checkins[-1].note == "finished early"


def test_progress_with_nothing_open_says_so() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(h.cmd("bob", "progress on-track")) == [
        "You have no open commitments to check in on."]


def test_a_missed_check_in_is_recorded_for_the_review() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    effects = h.send(PingMissed(ping=checkin_ping(h, cid)))
    assert effects == ()
    assert h.state.checkins[-1].answer is Progress.MISSED


def test_reminders_go_out_24h_and_1h_before_and_stale_ones_are_dropped() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    effects = h.cmd("alice", "schedule 2026-12-01 14:00")
    reminders = [e.ping for e in effects if isinstance(e, SchedulePing)]
    assert [p.due_at.isoformat() for p in reminders] == ["2026-11-30T14:00:00+00:00",
                                                         "2026-12-01T13:00:00+00:00"]
    effects = h.send(PingDue(ping=reminders[0]))
    assert posts(effects) == ["Reminder: Test set meets tomorrow, Tue 1 Dec 2026, 14:00 (UTC)."]
    h.cmd("alice", "schedule 2026-12-02 14:00")
    assert h.send(PingDue(ping=reminders[1])) == ()


def test_checkin_offsets_reschedule_open_commitments_and_pause_cancels_them() -> None:
    h = CoreHarness()
    with_commitment(h)
    effects = h.cmd("bob", "checkins 1d,-1d")
    assert isinstance(effects[0], CancelPings)
    assert len([e for e in effects if isinstance(e, SchedulePing)]) == 2
    effects = h.cmd("alice", "checkins all pause")
    assert not [e for e in effects if isinstance(e, SchedulePing)]
    assert h.state.set.checkins_paused
    effects = h.cmd("alice", "checkins all resume")
    assert len([e for e in effects if isinstance(e, SchedulePing)]) == 2


def test_a_members_pause_is_their_own_and_the_set_wide_one_is_the_facilitators() -> None:
    h = CoreHarness()
    with_commitment(h)
    effects = h.cmd("bob", "checkins pause")
    assert whispers(effects) == [
        "Your check-ins are paused. `/set checkins resume` turns them back on."]
    assert h.state.members[user("bob").key].checkins_paused
    assert not h.state.set.checkins_paused
    assert CancelPings(set_id=h.state.set.id, kinds=frozenset({PingKind.CHECKIN}),
                       user=user("bob")) in effects
    assert not [e for e in effects if isinstance(e, SchedulePing)]
    assert whispers(h.cmd("bob", "checkins pause")) == ["Your check-ins are already paused."]
    refused = h.cmd("bob", "checkins all pause")
    assert whispers(refused) == ["Only the facilitator (<@alice>) can use `/set checkins all`."]
    assert not h.state.set.checkins_paused
    effects = h.cmd("bob", "checkins resume")
    assert len([e for e in effects if isinstance(e, SchedulePing)]) == 2
    assert not h.state.members[user("bob").key].checkins_paused


def test_a_check_in_for_a_reported_commitment_is_not_sent() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    reported = replace(h.state.commitments[cid], outcome=Progress.DONE)
    h.state = replace(h.state, commitments={cid: reported})
    assert h.send(PingDue(ping=checkin_ping(h, cid))) == ()


def test_a_scheduled_meeting_nobody_held_rolls_the_schedule_on() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    effects = h.cmd("alice", "schedule 2026-12-01 14:00 every 4w")
    (check,) = [e.ping for e in effects if isinstance(e, SchedulePing)
                and e.ping.kind is PingKind.SCHEDULE_CHECK]
    assert check.due_at.isoformat() == "2026-12-02T02:00:00+00:00"
    h.now = check.due_at
    effects = h.send(PingDue(ping=check))
    assert h.state.set.next_meeting_at.isoformat() == "2026-12-29T14:00:00+00:00"
    assert posts(effects) == ["No meeting was held on Tue 1 Dec 2026, 14:00 (UTC). "
                              "Next meeting: Tue 29 Dec 2026, 14:00 (UTC), then every 4 weeks."]
    assert [e.ping.kind for e in effects if isinstance(e, SchedulePing)] == [
        PingKind.REMINDER, PingKind.REMINDER, PingKind.SCHEDULE_CHECK]


def test_the_schedule_check_is_dropped_when_the_meeting_was_held() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    effects = h.cmd("alice", "schedule 2026-11-23 10:30 every 4w")
    (check,) = [e.ping for e in effects if isinstance(e, SchedulePing)
                and e.ping.kind is PingKind.SCHEDULE_CHECK]
    h.advance(minutes=30)
    h.cmd("alice", "start")
    h.cmd("alice", "end")
    h.now = check.due_at
    assert h.send(PingDue(ping=check)) == ()
    assert h.state.set.next_meeting_at.isoformat() == "2026-12-21T10:30:00+00:00"


def test_quiet_hours_in_the_members_own_zone() -> None:
    h = CoreHarness()
    cid = with_commitment(h)
    (answer,) = whispers(h.cmd("bob", "quiet 21:00-07:00 Asia/Tokyo"))
    assert answer.startswith("Your quiet hours are 21:00–07:00 (Asia/Tokyo).")
    h.now = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 22:00 in Tokyo, 13:00 in the set's UTC
    effects = h.send(PingDue(ping=checkin_ping(h, cid)))
    assert effects == (DeferPing(ping_id="p1", until=datetime(2026, 11, 30, 22, 0,
                                                              tzinfo=UTC)),)
