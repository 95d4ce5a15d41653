"""A meeting, stage by stage, through the pure core: what members see and what is kept."""

from __future__ import annotations

from bot.core.cards import action_id
from bot.core.effects import CancelPings, OpenForm, Post, SchedulePing, Update, Whisper
from bot.core.model import EntryKind, PingKind, Stage
from bot.i18n import render_dates
from tests.support.core import CoreHarness, posts, user, whispers


def test_a_whole_meeting_walks_the_stages_and_stores_a_summary() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.cmd("alice", "start")
    h.cmd("bob", "here bid")
    h.cmd("carol", "here")
    seen = []
    for _ in range(5):
        h.cmd("alice", "next")
        h.advance(seconds=10)
        seen.append(h.state.meeting.stage)
        if h.state.meeting.stage is Stage.PRESENTATION:
            h.say("bob", "How do I get my manager to listen?")
        if h.state.meeting.stage is Stage.QUESTIONING:
            h.say("carol", "What have you tried so far?")
            h.say("alice", "Who else cares about this?")
        if h.state.meeting.stage is Stage.COMMITMENT:
            h.cmd("bob", "commit Book a one-to-one")
        if h.state.meeting.stage is Stage.CLOSING:
            h.say("carol", "Questions open more than advice.")
    assert seen == [Stage.PRESENTATION, Stage.QUESTIONING, Stage.COMMITMENT, Stage.CLOSING,
                    Stage.ENDED]
    meeting = h.state.meeting
    assert meeting.summary.startswith("Meeting 1 of Test set")
    assert "How do I get my manager to listen?" in meeting.summary
    assert "questions 2 · askers 2" in meeting.summary
    assert "<@bob>: Book a one-to-one" in meeting.summary
    assert "Here: <@alice>, <@bob>, <@carol>" in meeting.summary
    kinds = [e.kind for e in h.state.entries]
    assert kinds == [EntryKind.PRESENTATION, EntryKind.QUESTION, EntryKind.QUESTION,
                     EntryKind.LEARNING]
    assert h.state.set.meetings_held == 1


def test_each_stage_card_names_the_stage_and_the_presenter() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("questioning")
    effects = h.say("alice", "What matters most to you here?")
    card = next(e.card for e in effects if isinstance(e, Update))
    assert "questioning" in card.title
    assert "Presenter: <@bob>" in card.body
    assert any(f.value == "1 · askers 1" for f in card.fields)


def test_only_the_facilitator_or_presenter_advances() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.meeting_to("presentation")
    effects = h.cmd("carol", "next")
    assert whispers(effects) == [
        "Only the facilitator or the presenter (<@alice> or <@bob>) can use `/set next`."]
    assert h.state.meeting.stage is Stage.PRESENTATION
    h.cmd("bob", "next")
    assert h.state.meeting.stage is Stage.QUESTIONING


def test_a_typed_next_right_after_someone_elses_is_the_same_intent() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    h.cmd("alice", "next")
    h.advance(seconds=2)
    effects = h.cmd("bob", "next")
    assert h.state.meeting.stage is Stage.QUESTIONING
    assert whispers(effects) == ["The meeting has already moved on: it is now in questioning."]
    h.advance(seconds=4)
    h.cmd("bob", "next")
    assert h.state.meeting.stage is Stage.COMMITMENT


def test_an_old_next_button_is_told_the_meeting_moved_on() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    meeting = h.state.meeting
    stale = action_id("next", meeting.id, str(meeting.seq))
    h.press("alice", stale)
    assert h.state.meeting.stage is Stage.QUESTIONING
    effects = h.press("bob", stale)
    assert h.state.meeting.stage is Stage.QUESTIONING
    assert whispers(effects) == ["The meeting has already moved on: it is now in questioning."]


def test_start_during_a_meeting_says_one_is_running() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.cmd("alice", "start")
    meeting_id = h.state.meeting.id
    effects = h.cmd("bob", "start")
    assert whispers(effects) == [
        "A meeting is already running (stage: opening). `/set status` shows where it is."]
    assert h.state.meeting.id == meeting_id


def test_a_verb_in_the_wrong_stage_says_where_the_meeting_is_and_who_moves_it() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("questioning")
    effects = h.cmd("bob", "commit Phone the council")
    (message,) = whispers(effects)
    assert message.startswith("Only the presenter commits, in the commitment stage. "
                              "The meeting is in questioning now.")
    assert "<@alice> or <@bob> can move it on with Next stage." in message
    assert not h.state.commitments


def test_commit_outside_a_meeting_says_none_is_running() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    effects = h.cmd("bob", "commit Phone the council")
    assert whispers(effects) == [
        "Only the presenter commits, in the commitment stage, during a meeting, and none is "
        "running. `/set start` starts one."]


def test_only_the_presenter_commits() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.meeting_to("commitment")
    effects = h.cmd("carol", "commit Something for bob")
    assert whispers(effects) == ["Only the presenter (<@bob>) commits in this stage."]
    assert not h.state.commitments


def test_a_due_date_in_the_past_is_refused_and_nothing_is_stored() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    effects = h.cmd("bob", "commit Write it up by 2026-11-01")
    assert whispers(effects) == [
        "That date has passed (today is 2026-11-23). Give a due date from today on."]
    assert not h.state.commitments


def test_commitment_due_defaults_to_the_next_meeting_and_check_ins_are_armed() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.cmd("alice", "schedule 2026-11-23 10:30 every 4w")
    h.meeting_to("commitment")
    effects = h.cmd("bob", "commit Book a one-to-one")
    (commitment,) = h.state.commitments.values()
    assert commitment.due_at.isoformat() == "2026-12-21T10:30:00+00:00"
    pings = [e.ping for e in effects if isinstance(e, SchedulePing)]
    assert [(p.kind, p.due_at.isoformat()) for p in pings] == [
        (PingKind.CHECKIN, "2026-11-30T10:00:18+00:00"),  # 7 days after committing
        (PingKind.CHECKIN, "2026-12-19T10:30:00+00:00"),
    ]
    assert any("Committed: <@bob>: Book a one-to-one — due Mon 21 Dec 2026" in t
               for t in posts(effects))


def test_advice_during_questioning_gets_a_private_nudge_and_is_not_recorded() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.meeting_to("questioning")
    effects = h.say("carol", "You should escalate it to your manager.")
    assert len(whispers(effects)) == 1 and "reads more like advice" in whispers(effects)[0]
    assert all(e.user == user("carol") for e in effects)
    assert not h.state.entries


def test_the_warning_names_who_has_not_asked_yet() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol", "dave")
    h.cmd("alice", "start")
    h.cmd("bob", "here bid")
    h.cmd("carol", "here")
    h.cmd("dave", "here")
    h.cmd("alice", "next")
    h.advance(seconds=10)
    h.cmd("alice", "next")
    h.say("carol", "What would good look like?")
    meeting = h.state.meeting
    effects = h.stage_timer(meeting, final=False)
    assert posts(effects) == ["Two minutes left for questioning.\n"
                              "Not asked a question yet: <@alice>, <@dave>."]


def test_a_stale_timer_is_ignored() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    meeting = h.state.meeting
    h.cmd("alice", "next")
    effects = h.stage_timer(meeting, final=True)
    assert effects == ()


def test_time_up_is_announced_and_does_not_advance_by_itself() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    meeting = h.state.meeting
    effects = h.stage_timer(meeting, final=True)
    assert "Time is up for presentation. <@alice> or <@bob> can move on with Next stage." in (
        posts(effects))
    assert h.state.meeting.stage is Stage.PRESENTATION


def test_entering_a_timed_stage_arms_a_warning_and_an_end() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    effects = h.cmd("alice", "next")
    assert isinstance(effects[0], CancelPings)
    pings = [e.ping for e in effects if isinstance(e, SchedulePing)
             and e.ping.kind is not PingKind.MEETING_CLOSE]  # (tested in test_dead_ends)
    start = h.state.meeting.stage_started_at
    assert [(p.kind, (p.due_at - start).total_seconds()) for p in pings] == [
        (PingKind.STAGE_WARNING, 13 * 60), (PingKind.STAGE_END, 15 * 60)]


def test_text_over_4000_characters_is_stored_whole_and_shown_clipped() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    long_question = "Why " + "really " * 800 + "?"
    h.say("bob", long_question)
    assert h.state.entries[-1].text == long_question
    h.advance(seconds=10)
    for _ in range(3):
        h.cmd("alice", "next")
        h.advance(seconds=10)
    effects = h.cmd("alice", "next")
    summary = next(t for t in posts(effects) if "Meeting summary" in t)
    assert "…" in summary and long_question not in summary


def test_a_member_who_leaves_mid_meeting_keeps_their_commitments() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.meeting_to("commitment", presenters=("bob", "carol"))
    h.cmd("bob", "commit Draft the proposal")
    h.cmd("bob", "leave")
    assert h.state.meeting.stage is Stage.COMMITMENT
    (commitment,) = h.state.commitments.values()
    assert commitment.owner == user("bob") and commitment.open
    h.cmd("alice", "next")
    assert h.state.meeting.presenter == user("carol")


def test_the_facilitator_leaving_hands_the_role_on() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.cmd("alice", "start")
    effects = h.cmd("alice", "leave")
    assert h.state.set.facilitator == user("bob")
    assert h.state.meeting.facilitator == user("bob")
    assert any("<@bob> is now the facilitator." in t for t in posts(effects))


def test_review_shows_each_commitment_with_its_check_ins_and_takes_reports() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Book a one-to-one")
    h.cmd("alice", "end")
    (commitment,) = h.state.commitments.values()
    h.advance(days=3)
    h.cmd("bob", "progress stuck she is on leave", where=HOME_DM("bob"))
    h.advance(days=10)
    h.cmd("alice", "start")
    effects = h.cmd("alice", "next")
    assert h.state.meeting.stage is Stage.REVIEW
    card = next(e.card for e in effects if isinstance(e, Update))
    (field,) = [f for f in card.fields if f.name == "bob"]
    assert "Book a one-to-one" in field.value
    # The answer is the set's; the note typed in the DM is bob's alone.
    assert "check-ins: Thu 26 Nov 2026 stuck" in render_dates(field.value)
    assert "she is on leave" not in str(card)
    (private,) = h.cmd("bob", "actions mine")
    assert isinstance(private, Whisper) and private.user == user("bob")
    assert "stuck — she is on leave" in private.card.body
    h.cmd("bob", "report partly We met once; I learned to ask earlier.")
    reviewed = h.state.commitments[commitment.id]
    # Partly done is carried forward to the next meeting unless bob closes it.
    assert reviewed.outcome.value == "partly" and reviewed.open and reviewed.carried_at
    assert reviewed.reviewed_meeting_id == h.state.meeting.id
    h.press("bob", action_id("uncarry", commitment.id))
    assert not h.state.commitments[commitment.id].open


def test_report_outside_review_says_which_stage_it_is() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    (message,) = whispers(h.cmd("bob", "report done it went fine"))
    assert message.startswith("Reporting back happens in the review stage. "
                              "The meeting is in presentation now.")


def test_buttons_open_the_forms_and_a_submitted_commit_form_commits() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    meeting = h.state.meeting
    effects = h.press("bob", action_id("commit", meeting.id))
    (opened,) = [e for e in effects if isinstance(e, OpenForm)]
    assert [f.name for f in opened.form.fields] == ["action", "by"]
    h.submit("bob", opened.form.id, {"action": "Phone the GP", "by": "2026-12-04"})
    (commitment,) = h.state.commitments.values()
    assert (commitment.text, commitment.due_at.date().isoformat()) == ("Phone the GP",
                                                                       "2026-12-04")


def test_a_commit_form_with_a_bad_date_shows_the_format_and_stores_nothing() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    form_id = action_id("commit", h.state.meeting.id)
    effects = h.submit("bob", form_id, {"action": "Phone the GP", "by": "next friday"})
    assert whispers(effects) == ["Give the due date as YYYY-MM-DD (e.g. 2026-12-04), today, "
                                 "tomorrow, a weekday (Friday) or a day and month (4 Dec).\n"
                                 "Usage: `/set commit &lt;action&gt; [by &lt;YYYY-MM-DD&gt;]`"]
    assert not h.state.commitments


def test_the_presentation_form_is_recorded_and_echoed_escaped() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("presentation")
    form_id = action_id("present", h.state.meeting.id)
    effects = h.submit("bob", form_id, {"question": "How do I say no <!channel>?",
                                        "background": "New team", "tried": ""})
    assert h.state.entries[-1].text == "How do I say no <!channel>?\nBackground: New team"
    (echo,) = [e.card for e in effects if isinstance(e, Post)]
    assert "&lt;!channel&gt;" in echo.body and "<!channel>" not in echo.body


def HOME_DM(name: str):  # noqa: N802 - reads like a constant at the call site
    from tests.support.core import dm

    return dm(name)


def test_the_set_records_an_insight_at_review_and_the_summary_keeps_it() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.meeting_to("commitment")
    h.cmd("bob", "commit Try a reflective log")
    h.cmd("alice", "end")
    h.advance(days=28)
    h.cmd("alice", "start")
    effects = h.cmd("alice", "next")
    card = next(e.card for e in effects if isinstance(e, Update))
    (insight_button,) = [b for b in card.buttons if b.label == "Record an insight"]
    (opened,) = [e for e in h.press("bob", insight_button.action)
                 if isinstance(e, OpenForm)]
    effects = h.submit("bob", opened.form.id, {"insight": "Logs work when kept weekly"})
    assert "Recorded for the summary: Logs work when kept weekly" in posts(effects)
    h.cmd("bob", "report done Kept it for four weeks.")
    effects = h.cmd("alice", "end")
    summary = next(t for t in posts(effects) if "Meeting summary" in t)
    assert "Agreed at review:\n• Logs work when kept weekly" in summary
    (refusal,) = whispers(h.submit("bob", opened.form.id, {"insight": "Late"}))
    assert refusal == "That meeting is over, so its buttons no longer work."


def test_attendance_words_in_the_channel_are_whole_words() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob", "carol")
    h.cmd("alice", "start")
    h.say("bob", "heretofore I was away")
    h.say("carol", "here, though I forbid myself to talk long")
    meeting = h.state.meeting
    assert user("bob") not in meeting.attendance and user("carol") in meeting.attendance
    assert meeting.bids == ()
    h.say("bob", "I'm here and I'd like time")
    assert h.state.meeting.bids == (user("bob"),)
