"""A set whose home channel the bot was removed from: a table of what happens, no I/O."""

from __future__ import annotations

from datetime import timedelta

from bot.core.effects import DeferPing, DirectMessage, Post
from bot.core.events import HomeLost, HomeRegained, PingDue
from bot.core.model import Ping, PingKind
from bot.core.refs import ChannelRef
from tests.support.core import HOME, CoreHarness, user

ELSEWHERE = ChannelRef(platform="test", workspace="w", channel="elsewhere")


def _harness() -> CoreHarness:
    h = CoreHarness()
    h.set_up("alice", "bob")
    return h


def _ping(h: CoreHarness) -> Ping:
    assert h.state is not None
    return Ping(id="p1", set_id=h.state.set.id, kind=PingKind.REMINDER, due_at=h.now,
                user=None)


def test_removed_from_home_the_set_is_unreachable_and_the_facilitator_told() -> None:
    h = _harness()
    effects = h.send(HomeLost(where=HOME, by=user("bob")))
    assert h.state is not None and h.state.set.unreachable_since == h.now
    assert [type(e) for e in effects] == [DirectMessage]
    assert effects[0].user == user("alice")  # type: ignore[union-attr]
    assert "removed from the home channel of Test set (by <@bob>)" in (
        effects[0].card.body)  # type: ignore[union-attr]
    assert h.send(HomeLost(where=HOME)) == (), "told once"


def test_a_ping_of_an_unreachable_set_waits_an_hour_at_a_time() -> None:
    h = _harness()
    h.send(HomeLost(where=HOME))
    effects = h.send(PingDue(ping=_ping(h)))
    assert effects == (DeferPing(ping_id="p1", until=h.now + timedelta(hours=1)),)


def test_back_home_the_set_says_so_and_pings_go_out_again() -> None:
    h = _harness()
    h.send(HomeLost(where=HOME))
    h.advance(days=2)
    effects = h.send(HomeRegained(where=HOME))
    assert h.state is not None and h.state.set.unreachable_since is None
    assert [type(e) for e in effects] == [Post]
    assert "back in the home of Test set" in effects[0].card.body  # type: ignore[union-attr]
    assert not any(isinstance(e, DeferPing) for e in h.send(PingDue(ping=_ping(h))))
    assert h.send(HomeRegained(where=HOME)) == (), "a join that was no return says nothing"


def test_other_channels_and_no_set_change_nothing() -> None:
    h = _harness()
    assert h.send(HomeLost(where=ELSEWHERE)) == ()
    assert h.state is not None and h.state.set.unreachable_since is None
    empty = CoreHarness()
    assert empty.send(HomeLost(where=HOME)) == ()
    assert empty.send(HomeRegained(where=HOME)) == ()
