"""Set life outside meetings: membership, settings, records, erasure, and the errors."""

from __future__ import annotations

from bot.core.effects import DirectMessage, EraseMember, Post
from tests.support.core import HOME, CoreHarness, dm, posts, user, whispers


def test_create_makes_the_caller_member_and_facilitator_with_a_join_button() -> None:
    h = CoreHarness()
    effects = h.cmd("alice", "create Social workers North")
    assert h.state.set.name == "Social workers North"
    assert h.state.set.facilitator == user("alice")
    assert h.state.member(user("alice")) is not None
    (post,) = [e for e in effects if isinstance(e, Post)]
    assert post.card.buttons[0].label == "Join this set"
    assert "Ground rules" in post.card.body


def test_create_where_a_set_lives_already_is_refused() -> None:
    h = CoreHarness()
    h.set_up("alice")
    assert whispers(h.cmd("bob", "create Another")) == [
        "This channel is already the home of Test set."]


def test_joining_restates_the_ground_rules() -> None:
    h = CoreHarness()
    h.set_up("alice")
    effects = h.cmd("bob", "join")
    (welcome,) = whispers(effects)
    assert welcome.startswith("You've joined Test set. By joining you accept the ground rules")
    assert "questions, we don't give advice" in welcome
    assert whispers(h.cmd("bob", "join")) == ["You're already a member of Test set."]


def test_a_non_member_is_told_how_to_join_and_nothing_changes() -> None:
    h = CoreHarness()
    h.set_up("alice")
    before = h.state
    assert whispers(h.cmd("mallory", "start")) == [
        "You're not a member of Test set yet. Type `/set join` to join "
        "(being in the channel doesn't make you a member)."]
    assert h.state == before


def test_channel_talk_from_a_non_member_is_not_recorded() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("questioning")
    assert h.say("mallory", "What are you hoping for?") == ()
    assert not h.state.entries


def test_outside_a_meeting_channel_talk_is_not_recorded() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert h.say("bob", "Anyone around?") == ()
    assert not h.state.entries


def test_a_channel_that_is_not_a_set_says_how_to_make_one() -> None:
    h = CoreHarness()
    assert whispers(h.cmd("alice", "start")) == [
        "This channel isn't a set's home yet. Start one with `/set create &lt;name&gt;`."]


def test_unknown_verbs_and_bad_arguments_get_the_usage_line() -> None:
    h = CoreHarness()
    h.set_up("alice")
    assert whispers(h.cmd("alice", "dance")) == [
        "I don't know the command “dance”.\nType `/set help` for the list of commands."]
    assert whispers(h.cmd("alice", "schedule next tuesday")) == [
        "Give the date and time as YYYY-MM-DD HH:MM, e.g. 2026-12-01 14:00.\n"
        "Usage: `/set schedule &lt;YYYY-MM-DD HH:MM&gt; [every &lt;N&gt;w] | off | skip`"]
    assert whispers(h.cmd("alice", "checkins 7 days"))[0].startswith("Give offsets like 7d,-2d")
    assert whispers(h.cmd("alice", "timezone Narnia/Cair"))[0].startswith(
        "Give a time zone as Area/City, e.g. Europe/London")


def test_a_meeting_in_the_past_is_refused() -> None:
    h = CoreHarness()
    h.set_up("alice")
    (message,) = whispers(h.cmd("alice", "schedule 2026-11-01 10:00"))
    assert message.startswith("That time has passed")
    assert h.state.set.next_meeting_at is None


def test_schedule_reads_the_time_in_the_sets_zone() -> None:
    h = CoreHarness()
    h.set_up("alice")
    h.cmd("alice", "timezone Europe/Berlin")
    h.cmd("alice", "schedule 2026-12-01 14:00 every 4w")
    assert h.state.set.next_meeting_at.isoformat() == "2026-12-01T13:00:00+00:00"
    assert h.state.set.cadence_weeks == 4


def test_facilitator_only_verbs_say_who_may() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(h.cmd("bob", "timebox questioning 20")) == [
        "Only the facilitator (<@alice>) can use `/set timebox`."]
    assert h.state.set.timeboxes[h.state.set.timeboxes.__iter__().__next__()] == 5


def test_handing_the_facilitator_role_on() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(h.cmd("alice", "facilitator @carol")) == [
        "<@carol> is not a member of this set."]
    h.cmd("alice", "facilitator <@bob|bob>")
    assert h.state.set.facilitator == user("bob")


def test_timebox_changes_the_running_stage_timers() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("questioning")
    effects = h.cmd("alice", "timebox questioning 25")
    assert "The questioning time box is now 25 min." in posts(effects)
    end = [e.ping for e in effects if getattr(e, "ping", None) and e.ping.kind.value ==
           "stage-end"][0]
    assert (end.due_at - h.state.meeting.stage_started_at).total_seconds() == 25 * 60


def test_status_says_stage_presenter_and_time_left() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("questioning")
    h.advance(minutes=4)
    (status,) = whispers(h.cmd("bob", "status"))
    assert "Meeting 1 is in questioning." in status
    assert "*Presenter*: <@bob>" in status
    assert "*Time*: 11 min left" in status


def test_actions_lists_open_commitments_and_mine_filters() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.meeting_to("commitment", presenters=("bob", "carol"))
    h.cmd("bob", "commit Write to the board")
    h.cmd("alice", "next")
    h.cmd("alice", "next")
    h.cmd("alice", "next")
    h.cmd("carol", "commit Phone three volunteers")
    (everything,) = whispers(h.cmd("alice", "actions"))
    assert "Write to the board" in everything and "Phone three volunteers" in everything
    (mine,) = whispers(h.cmd("carol", "actions mine"))
    assert "Phone three volunteers" in mine and "Write to the board" not in mine


def test_export_is_a_markdown_dm_of_only_your_own_words() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.meeting_to("presentation")
    h.say("bob", "BOBMARKER how do I say no?")
    h.cmd("alice", "next")
    h.say("carol", "CAROLMARKER what would no sound like?")
    h.cmd("alice", "next")
    h.cmd("bob", "commit Say no once this week")
    effects = h.cmd("bob", "export")
    message, due_dates = [e for e in effects if isinstance(e, DirectMessage)]
    assert message.user == user("bob") and due_dates.user == user("bob")
    document = message.attachment.content
    assert message.attachment.filename.endswith(".md")
    assert due_dates.attachment.filename.endswith("-my-due-dates.ics")
    assert [d.text for d in due_dates.attachment.due_dates] == ["Say no once this week"]
    assert "BOBMARKER" in document and "Say no once this week" in document
    assert "CAROLMARKER" not in document
    assert whispers(effects) == ["I've sent your record to you as a DM."]


def test_forget_me_erases_words_but_keeps_the_counts() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    h.say("bob", "SECRET question")
    h.cmd("alice", "next")
    h.cmd("alice", "next")
    h.cmd("bob", "commit SECRET action")
    effects = h.cmd("bob", "forget-me")
    assert EraseMember(set_id=h.state.set.id, user=user("bob")) in effects
    assert all("SECRET" not in e.text for e in h.state.entries)
    assert all("SECRET" not in c.text for c in h.state.commitments.values())
    assert len(h.state.entries) == 1 and len(h.state.commitments) == 1


def test_help_lists_every_verb_and_works_anywhere() -> None:
    h = CoreHarness()
    (text,) = whispers(h.cmd("alice", "help", where=dm("alice")))
    for verb in ("create", "join", "schedule", "next", "progress", "forget-me"):
        assert f"/set {verb}" in text


def test_direct_messages_take_only_personal_verbs() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(h.cmd("bob", "start", where=dm("bob"))) == [
        "Use `/set start` in your set's channel."]
    assert h.state.running_meeting is None
    assert HOME.direct is False


def test_auto_advance_can_be_turned_on_so_time_up_moves_on() -> None:
    from bot.core.model import Stage

    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(h.cmd("bob", "timebox auto on")) == [
        "Only the facilitator (<@alice>) can use `/set timebox`."]
    h.cmd("alice", "timebox auto on")
    assert h.state.set.auto_advance
    h.meeting_to("presentation")
    meeting = h.state.meeting
    h.stage_timer(meeting, final=True)
    assert h.state.meeting.stage is Stage.QUESTIONING
    assert whispers(h.cmd("alice", "timebox auto maybe"))[0].startswith(
        "I don't understand “maybe”.")


def test_a_member_the_bot_cannot_reach_is_reported_to_the_facilitator_only() -> None:
    from bot.core.events import MemberUnreachable

    h = CoreHarness()
    h.set_up("alice", "bob")
    before = h.state
    effects = h.send(MemberUnreachable(where=dm("bob"), user=user("bob")))
    assert h.state == before
    assert [(type(e), e.user) for e in effects] == [(DirectMessage, user("alice"))]
    (told,) = effects
    assert told.card.body == (  # type: ignore[union-attr]
        "I can no longer send <@bob> direct messages (they may have removed or blocked me), so "
        "their check-ins for Test set are not reaching them. Could you let them know?")
    assert h.send(MemberUnreachable(where=dm("alice"), user=user("alice"))) == ()
    assert h.send(MemberUnreachable(where=dm("mallory"), user=user("mallory"))) == ()
