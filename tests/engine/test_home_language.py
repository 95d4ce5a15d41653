"""A member's home view (Slack's App Home) is worded in their language, like their DMs."""

from __future__ import annotations

from tests.support.core import user
from tests.support.engine import EngineHarness


async def test_the_home_view_speaks_the_sets_language_or_the_members_own(
        database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    try:
        await h.cmd("alice", "create Socialsekreterare Norr")
        await h.cmd("alice", "language sv")
        await h.cmd("bob", "join")
        home = await h.runtime.engine.member_home(user("bob"))
        english = await h.runtime.engine.member_home(user("carol"))  # in no set
        assert home.sets[0].next_meeting_label == "Nästa möte"
        assert english.empty.startswith("You're not in any set yet")
        await h.cmd("bob", "language en mine")
        home = await h.runtime.engine.member_home(user("bob"))
        assert home.sets[0].next_meeting_label == "Next meeting"
    finally:
        await h.close()
