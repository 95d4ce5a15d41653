"""A set that runs in Swedish, through Slack: the real Bolt app, signed requests, the fake Web
API; the cards reach Slack as Block Kit in Swedish, dates in the Swedish form."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import CHANNEL, find_button, set_up_set, texts


async def test_a_swedish_meeting_card_through_slack(world: SlackWorld) -> None:
    send = world.send
    await set_up_set(world)
    await send.command(user="UALICE", channel=CHANNEL, text="language sv")
    await send.command(user="UALICE", channel=CHANNEL, text="schedule 2026-12-01 14:00")
    await world.settle()
    await send.command(user="UALICE", channel=CHANNEL, text="start")
    await world.settle()
    await send.command(user="UBOB", channel=CHANNEL, text="här bid")  # a Swedish alias
    await world.settle()
    await send.press(user="UALICE", channel=CHANNEL, action=find_button(world, CHANNEL, "next:"))
    await world.settle()
    said = "\n".join(texts(world))
    assert "från och med nu talar jag svenska här" in said
    assert "Nästa möte: tis 1 dec. 2026 kl. 14:00 (UTC)" in said
    assert "Presentation: ordet är ditt, <@UBOB>" in said
    cards = [m for m in world.fake.channel_messages(CHANNEL)
             if m.blocks and m.blocks[0].get("type") == "header"
             and m.blocks[0]["text"]["text"].startswith("Möte 1 i Practice")]
    assert len(cards) == 1
    blocks = cards[0].blocks
    for block in blocks:  # slack_sdk's own Block Kit models accept every block
        assert Block.parse(block) is not None
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions"
              for e in b["elements"]]
    assert "Nästa steg" in labels and "Presentera" in labels
    shown = str(blocks)
    assert "Problemägare" in shown and "Samtalsledare" in shown
    ephemeral = [c.args["text"] for c in world.fake.calls_to("chat.postEphemeral")
                 if c.args["user"] == "UBOB"]
    assert "Noterat: du är här och vill ha tid (nummer 1 i kön)." in ephemeral
