"""Issue 13 through the real discord.py client against the fake gateway and REST: the typed
commands under ``/set my``, ``/set record`` and ``/set settings``, the reminder's *Send
apologies* button, and the calendar file as a DM attachment."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from tests.adapters.discord.conftest import (
    ALICE,
    BOB,
    CAROL,
    EPHEMERAL,
    Harness,
    buttons,
    meeting_with_a_commitment,
)
from tests.fakes.discord_server import CHANNEL_ID


async def test_apologies_by_the_reminders_button_and_the_calendar_as_an_attachment(
        harness: Harness) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Leaders")
    await h.slash(BOB, "join")
    await h.slash(CAROL, "join")
    await h.slash(ALICE, "settings link", url="https://meet.example.org/leaders")
    await h.slash(ALICE, "schedule", when="2026-11-10 14:00", every=2)
    token = await h.slash(BOB, "my calendar")
    assert "I've sent the calendar file to you as a DM." in h.replies(token)
    dm = h.fake.dm_channels[BOB]
    (sent,) = [r for r in h.fake.requests if r.path == f"/channels/{dm}/messages" and r.files]
    name, data = sent.files[0]
    assert name == "revans-leaders.ics"
    (event,) = Calendar.from_ical(bytes(data)).walk("VEVENT")
    assert str(event["location"]) == "https://meet.example.org/leaders"
    assert event["rrule"]["INTERVAL"] == [2]
    h.clock.advance(timedelta(days=7, hours=4))  # Mon 9 Nov 14:00: the 24-hour reminder
    await h.runtime.delivery.run_due()
    reminder = h.card(CHANNEL_ID)
    assert "Video link: https://meet.example.org/leaders" in h.channel_text()
    token = await h.press(CAROL, "Send apologies", reminder)
    reply = h.fake.replies_to(token)[0]
    assert int(reply["flags"]) & EPHEMERAL
    assert "your apologies for the meeting on Tue 10 Nov 2026" in h.replies(token)
    assert "<@800000000000000003> sent apologies" in h.channel_text()
    token = await h.slash(CAROL, "my apologies", off=True)
    assert "withdrawn" in h.replies(token)
    token = await h.slash(BOB, "record members")
    assert "Members of Leaders (3)" in h.replies(token)


async def test_changing_ones_own_action_by_typed_command(harness: Harness) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    token = await h.slash(BOB, "my action", number=1, due="2026-11-27")
    assert "Moved: Call the team — due Fri 27 Nov 2026" in h.replies(token)
    token = await h.slash(BOB, "my action", number=1, text="Call the whole team")
    assert "Changed: Call the whole team" in h.replies(token)
    token = await h.slash(CAROL, "my action", number=1, drop="not mine")
    assert (
        "You have no open commitments to change. Only an action's owner may change it "
        "(`/set actions` shows whose each one is).") in h.replies(token)
    token = await h.slash(BOB, "actions", mine=True)
    assert "1. Call the whole team" in h.replies(token)


async def test_the_check_ins_change_it_button_opens_a_modal(harness: Harness) -> None:
    h = harness
    await meeting_with_a_commitment(h)
    h.clock.advance(timedelta(days=7))
    assert await h.runtime.delivery.run_due() >= 1
    dm = h.fake.dm_channels[BOB]
    checkin = [m for m in h.fake.channel_messages(dm) if m["components"]][-1]
    custom_id = buttons(checkin)["Change it"]
    token = await h.press(BOB, "Change it", checkin)
    callback = h.fake.callback_for(token)
    assert callback["type"] == 9  # a modal, the first answer to the click
    assert callback["data"]["custom_id"] == custom_id
    inputs = [row["components"][0]["custom_id"] for row in callback["data"]["components"]]
    assert inputs == ["text", "due", "drop"]
    token = await h.submit(BOB, dm, custom_id, {"drop": "the team was reorganised"})
    assert "Dropped, because: the team was reorganised" in h.replies(token)
