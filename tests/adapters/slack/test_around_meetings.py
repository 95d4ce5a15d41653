"""Issue 13 through the real Bolt app against the fake Web API: the reminder's *Send
apologies* button, and the calendar file uploaded by the ``files.uploadV2`` flow."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import CHANNEL, find_button, set_up_set, texts
from tests.adapters.slack.test_checkins import commit_and_end


async def test_apologies_button_on_the_reminder_and_the_calendar_upload(
        world: SlackWorld) -> None:
    await set_up_set(world)
    send = world.send
    await send.command(user="UALICE", channel=CHANNEL,
                       text="link <https://meet.example.org/practice?a=1&b=2>")
    await send.command(user="UALICE", channel=CHANNEL, text="schedule 2026-11-10 14:00 every 4w")
    await world.settle()
    await send.command(user="UBOB", channel=CHANNEL, text="calendar")
    await world.settle()
    assert [c.method for c in world.fake.calls
            if c.method.startswith("files.") or c.method == "upload"] == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    (upload,) = world.fake.calls_to("upload")
    (event,) = Calendar.from_ical(upload.args["content"]).walk("VEVENT")
    assert str(event["url"]) == "https://meet.example.org/practice?a=1&b=2"
    assert world.fake.calls_to("files.completeUploadExternal")[0].args["channel_id"] == "DUBOB"
    world.clock.advance(timedelta(days=7, hours=4))
    await world.runtime.delivery.run_due()
    await world.settle()
    reminder = [t for t in texts(world, "chat.postMessage") if "meets tomorrow" in t]
    assert reminder and "meet.example.org/practice" in reminder[0]
    action = find_button(world, CHANNEL, "apologies:")
    await send.press(user="UCAROL", channel=CHANNEL, action=action)
    await world.settle()
    said = texts(world, "chat.postMessage", "chat.postEphemeral")
    assert any("<@UCAROL> sent apologies for the meeting on Tue 10 Nov 2026" in t for t in said)
    assert any("Noted: your apologies" in t for t in said)


async def test_the_check_ins_change_it_button_opens_a_modal_that_moves_the_date(
        world: SlackWorld) -> None:
    await commit_and_end(world)
    world.clock.advance(timedelta(days=7, hours=1))
    assert await world.runtime.delivery.run_due() >= 1
    await world.settle()
    trigger = "trig.change-press"
    await world.send.press(user="UBOB", channel="DUBOB", channel_name="directmessage",
                           trigger_id=trigger, action=find_button(world, "DUBOB", "change:"))
    await world.settle()
    (opened,) = world.fake.calls_to("views.open")
    assert opened.args["trigger_id"] == trigger
    view = opened.args["view"]
    elements = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert elements == {"text": "plain_text_input", "due": "datepicker",
                        "drop": "plain_text_input"}
    status, body, _ = await world.send.submit(user="UBOB", view=view, values={
        "due": {"due": {"type": "datepicker", "selected_date": "2026-12-04"}},
    })
    assert status == 200 and body == ""
    await world.settle()
    said = texts(world, "chat.postMessage", "chat.postEphemeral")
    assert any("Moved: Ask the team" in t and "Fri 4 Dec 2026" in t for t in said)
