"""Programmes in the pure core: join codes, coordinators, announcements, the digest, sharing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.effects import DirectMessage, Post, ReleaseShares, SchedulePing, Whisper
from bot.core.events import CommandIssued
from bot.core.model import Ping, PingKind, ProgrammeState, ReleasedShare, SetDigest
from bot.core.programme import digest_card, digest_csv, next_digest_at, weekly_digest
from bot.core.refs import ChannelRef
from tests.support.core import HOME, CoreHarness, dm, posts, user, whispers

SHARED = ChannelRef(platform="test", workspace="w", channel="shared")


def programme_harness() -> CoreHarness:
    h = CoreHarness()
    h.cmd("cora", "programme create North West Assessors", where=SHARED)
    return h


def test_programme_create_makes_a_coordinator_and_whispers_the_code() -> None:
    h = programme_harness()
    state = h.state
    assert isinstance(state, ProgrammeState)
    assert state.programme.coordinators == (user("cora"),)
    code = state.programme.code
    assert len(code) == 9 and code[4] == "-"
    assert state.programme.code_expires_at == h.now + timedelta(days=30)


def test_the_code_is_shown_privately_in_code_formatting() -> None:
    h = CoreHarness()
    effects = h.cmd("cora", "programme create P", where=SHARED)
    (code_message,) = [e for e in effects if isinstance(e, Whisper)]
    assert f"`{h.state.programme.code}`" in code_message.card.body
    assert all(h.state.programme.code not in t for t in posts(effects))
    assert any(isinstance(e, SchedulePing) and e.ping.kind is PingKind.DIGEST for e in effects)


def test_coordinator_verbs_are_refused_to_others() -> None:
    h = programme_harness()
    for text, name in (("digest", "digest"), ("announce hello", "announce"),
                       ("programme code", "programme code"),
                       ("programme coordinator @x", "programme coordinator")):
        assert whispers(h.cmd("mallory", text, where=SHARED)) == [
            f"Only the programme's coordinators can use `/set {name}`."]


def test_a_new_code_retires_the_old_one() -> None:
    h = programme_harness()
    old = h.state.programme.code
    effects = h.cmd("cora", "programme code", where=SHARED)
    assert h.state.programme.code != old
    assert f"`{h.state.programme.code}`" in whispers(effects)[0]


def test_adding_a_coordinator() -> None:
    h = programme_harness()
    h.cmd("cora", "programme coordinator <@dan|dan>", where=SHARED)
    assert h.state.programme.coordinators == (user("cora"), user("dan"))
    assert whispers(h.cmd("cora", "programme coordinator @dan", where=SHARED)) == [
        "<@dan> is already a coordinator."]


def test_set_verbs_in_the_programme_channel_point_to_a_sets_channel() -> None:
    h = programme_harness()
    assert whispers(h.cmd("cora", "start", where=SHARED)) == [
        "This is a programme's channel: `/set start` works in a set's own channel."]
    assert whispers(h.cmd("cora", "create A set", where=SHARED)) == [
        "This channel is already the programme North West Assessors's shared channel."]


def set_in(h: CoreHarness, programme_state: ProgrammeState, code: str) -> list:
    """Join a set (alice facilitating) to the programme, handing the core the candidate."""
    h.state = replace(h.state, candidate=programme_state.programme)
    return list(h.cmd("alice", f"programme join {code}"))


def test_a_facilitator_joins_with_the_code_and_both_channels_hear_of_it() -> None:
    p = programme_harness()
    h = CoreHarness()
    h.set_up("alice", "bob")
    effects = set_in(h, p.state, p.state.programme.code.lower())
    assert h.state.set.programme_id == p.state.programme.id
    assert {e.where for e in effects if isinstance(e, Post)} == {HOME, SHARED}


def test_a_wrong_or_expired_code_is_refused_and_nothing_changes() -> None:
    p = programme_harness()
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(set_in(h, p.state, "WRONG-CODE")) == [
        "That join code isn't valid or has expired. Ask a coordinator for a fresh one "
        "(`/set programme code`)."]
    h.now += timedelta(days=31)
    assert "isn't valid or has expired" in whispers(set_in(h, p.state, p.state.programme.code))[0]
    assert h.state.set.programme_id is None


def test_only_the_facilitator_joins_a_programme() -> None:
    p = programme_harness()
    h = CoreHarness()
    h.set_up("alice", "bob")
    h.state = replace(h.state, candidate=p.state.programme)
    assert whispers(h.cmd("bob", f"programme join {p.state.programme.code}")) == [
        "Only the facilitator (<@alice>) can use `/set programme join`."]


def test_share_previews_then_posts_without_names_to_the_programme() -> None:
    p = programme_harness()
    h = CoreHarness()
    h.set_up("alice", "bob")
    set_in(h, p.state, p.state.programme.code)
    effects = h.cmd("bob", "share Asking beats telling <!channel>")
    (preview,) = [e.card for e in effects if isinstance(e, Whisper)]
    assert "&lt;!channel&gt;" in preview.body
    assert not [e for e in effects if isinstance(e, Post)]
    effects = h.press("bob", preview.buttons[0].action)
    # Nothing is posted now: the moment would tell which set shared it.
    assert not [e for e in effects if isinstance(e, Post)]
    assert whispers(effects) == [
        "Thank you. It will be posted to the channel of North West Assessors with the next "
        "weekly digest, Mon 30 Nov 2026, 09:00 (UTC), together with the other learnings shared "
        "this week, without your name or your set's."]
    (stored,) = h.state.shares
    assert stored.confirmed and stored.released_at is None
    assert whispers(h.press("bob", preview.buttons[0].action)) == ["You've already shared that."]


def test_the_weekly_digest_releases_waiting_shares_by_random_id_not_by_set() -> None:
    p = programme_harness()
    state = replace(digest_state(), to_release=(ReleasedShare(id="f00", text="Later id"),
                                                ReleasedShare(id="a00", text="Asking <!here>")),
                    shares_released=2)
    ping = Ping(id="d", kind=PingKind.DIGEST, set_id=state.programme.id, due_at=NOW)
    result = weekly_digest(state, ping, replace(p.context(), now=NOW))
    digest, first, second = [e for e in result.effects if isinstance(e, Post)]
    assert "learnings shared 4" in digest.card.body
    assert [first.card.body, second.card.body] == ["“Asking &lt;!here&gt;”", "“Later id”"]
    assert first.card.slot == "share:a00" and first.where == SHARED
    (release,) = [e for e in result.effects if isinstance(e, ReleaseShares)]
    assert release.share_ids == ("a00", "f00")
    assert result.state.to_release == ()


def test_share_can_be_declined_and_is_refused_outside_a_programme() -> None:
    h = CoreHarness()
    h.set_up("alice", "bob")
    assert whispers(h.cmd("bob", "share something")) == [
        "Sharing is for sets in a programme, and this set is not in one."]
    p = programme_harness()
    set_in(h, p.state, p.state.programme.code)
    preview = [e.card for e in h.cmd("bob", "share something") if isinstance(e, Whisper)][0]
    assert whispers(h.press("bob", preview.buttons[1].action)) == ["Not shared."]
    assert whispers(h.press("bob", preview.buttons[0].action)) == [
        "That button no longer applies."]


def test_coordinator_verbs_in_a_sets_channel_are_redirected() -> None:
    h = CoreHarness()
    h.set_up("alice")
    assert whispers(h.cmd("alice", "digest")) == [
        "`/set digest` is for coordinators, in the programme's channel or in a DM with me."]


def test_coordinator_verbs_in_a_dm_without_a_programme() -> None:
    h = CoreHarness()
    assert whispers(h.send(CommandIssued(where=dm("cora"), user=user("cora"),
                                         text="digest"))) == [
        "You don't coordinate a programme. A programme is made with "
        "`/set programme create &lt;name&gt;` in its shared channel."]


NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def digest_state() -> ProgrammeState:
    p = programme_harness().state
    healthy = SetDigest(set_id="s1", name="Alpha", home=HOME, members=4, organisations=3,
                        meetings=1, attendance=4, commitments_made=3, commitments_reviewed=2,
                        never_reviewed=0, last_meeting_at=NOW - timedelta(days=3),
                        joined_at=NOW - timedelta(days=60))
    struggling = SetDigest(set_id="s2", name="=Beta", home=HOME, members=6, organisations=2,
                           meetings=1, attendance=2, commitments_made=1, commitments_reviewed=0,
                           never_reviewed=2,
                           last_meeting_at=NOW - timedelta(days=50), joined_at=None)
    return replace(p, sets=(healthy, struggling), shares_released=1)


def test_the_digest_counts_and_flags() -> None:
    card = digest_card(digest_state(), NOW)
    assert card.body == ("sets 2 · meetings 2 · attendance 60% · commitments 4 made, "
                         "2 reviewed · learnings shared 1 · sets flagged 1")
    beta, alpha = card.fields  # sorted by name: '=' comes before letters
    assert alpha.value == ("meetings 1 · attendance 100% · commitments 3 made, 2 reviewed · "
                           "organisations 3")
    assert "⚑ no meeting for six weeks" in beta.value
    assert "⚑ attendance under half" in beta.value
    assert "⚑ commitments never reviewed: 2" in beta.value


def test_the_csv_has_the_same_numbers_and_is_formula_safe() -> None:
    rows = digest_csv(digest_state(), NOW).splitlines()
    assert rows[0].startswith("set,meetings,attended,possible_attendance,attendance_rate")
    assert "learnings_shared" not in rows[0]  # per set it would say which set shared
    assert rows[1].startswith("'=Beta,1,2,6,33%,1,0,2,2,2026-10-04,no meeting for six weeks")
    assert rows[2].startswith("Alpha,1,4,4,100%,3,2,0,3,2026-11-20,")


def test_digest_csv_goes_to_the_coordinator_by_dm() -> None:
    h = programme_harness()
    effects = h.cmd("cora", "digest csv", where=dm("cora"))
    (message,) = [e for e in effects if isinstance(e, DirectMessage)]
    assert message.user == user("cora") and message.attachment.filename.endswith(".csv")


def test_the_weekly_digest_moves_and_is_computed_in_the_programmes_zone() -> None:
    h = programme_harness()
    h.cmd("cora", "timezone Europe/London", where=SHARED)
    effects = h.cmd("cora", "digest weekly Fri 16:30", where=SHARED)
    (ping,) = [e.ping for e in effects if isinstance(e, SchedulePing)]
    assert ping.due_at.isoformat() == "2026-11-27T16:30:00+00:00"
    assert next_digest_at(h.state.programme, ping.due_at).isoformat() == (
        "2026-12-04T16:30:00+00:00")


def test_announce_all_reaches_every_member_set() -> None:
    state = digest_state()
    h = CoreHarness()
    h.state = state
    effects = h.cmd("cora", "announce --all Away day on 3 Dec", where=SHARED)
    assert [e.where for e in effects if isinstance(e, Post)] == [SHARED, HOME, HOME]
