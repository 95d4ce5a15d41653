"""A restart: what the Teams adapter must remember lives in the database (the host's
``adapter_state`` and message slots), so a new process updates the same meeting card in place
and opens members' personal chats for check-ins from the references stored before."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.scheduler import move_clock
from tests.adapters.teams.conftest import (
    ALICE,
    BOB,
    CAROL,
    TeamsWorld,
    close,
    open_world,
)
from tests.adapters.teams.test_meeting import stage_card, to_presentation
from tests.fakes.teams_connector import TeamsConnectorFake, activity_text


async def test_after_a_restart_the_card_and_the_checkins_carry_on(
        fake: TeamsConnectorFake, database_url: str) -> None:
    first = await open_world(fake, database_url)
    try:
        await to_presentation(first)
        card_id = stage_card(first)["id"]
        await first.say(BOB, "How do I make supervision reflective again?", mention=False)
        clock = first.clock
    finally:
        await close(first)

    second: TeamsWorld = await open_world(fake, database_url, clock=ManualClock(clock.now()))
    try:
        # The same card is moved on in place by the new process.
        await second.say(ALICE, "set next")
        assert stage_card(second)["id"] == card_id
        assert "questioning" in activity_text(stage_card(second)).lower()
        assert fake.service_calls("PUT")[-1].path.endswith(card_id)
        await second.say(ALICE, "set next")
        await second.say(BOB, "set commit Ask the team")
        await second.say(ALICE, "set end")

        # Check-ins reach Bob's personal chat from the reference stored before the restart;
        # Carol, who never wrote to the bot in this process, is known too.
        seen = len(fake.personal_chat(BOB.id))
        await move_clock(second.host.delivery, second.clock, timedelta(days=7, hours=1))
        assert ["Ask the team" in activity_text(m)
                for m in fake.personal_chat(BOB.id)[seen:]] == [True]
        assert await second.host.adapter_state(
            "teams", f"user:{fake.tenant_id}:{CAROL.aad}") is not None
    finally:
        await close(second)
