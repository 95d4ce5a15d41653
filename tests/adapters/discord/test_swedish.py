"""A set that runs in Swedish, through the real discord.py client and the fake gateway: the
typed command sets the language, and the cards arrive as Swedish embeds and buttons."""

from __future__ import annotations

from tests.adapters.discord.conftest import ALICE, BOB, CAROL, Harness, buttons


async def test_a_swedish_meeting_card_through_discord(harness: Harness) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Ledare")
    await h.slash(BOB, "join")
    await h.slash(CAROL, "join")
    token = await h.slash(ALICE, "settings language", code="sv")
    assert "från och med nu talar jag svenska här" in h.replies(token)
    token = await h.slash(ALICE, "schedule", when="2026-11-30 14:00", every=4)
    assert "Nästa möte: mån 30 nov. 2026 kl. 14:00 (UTC), sedan var 4:e vecka" in \
        h.replies(token)

    await h.slash(ALICE, "start")
    card = h.card()
    assert card["embeds"][0]["title"].startswith("Möte 1 i Ledare — ")
    assert set(buttons(card)) == {"Nästa steg", "Jag är här", "Jag är här och vill ha tid"}
    bid = await h.press(BOB, "Jag är här och vill ha tid")
    assert "nummer 1 i kön" in h.replies(bid)
    await h.press(ALICE, "Nästa steg")
    embed = h.card()["embeds"][0]
    assert embed["description"].startswith("Presentation: problemägaren beskriver sin fråga")
    assert {"Samtalsledare", "Tid", "Här"} <= {f["name"] for f in embed["fields"]}
    assert "Problemägare: <@" in str(embed)


async def test_a_member_chooses_their_own_language_with_mine(harness: Harness) -> None:
    h = harness
    await h.slash(ALICE, "create", name="Ledare")
    await h.slash(BOB, "join")
    token = await h.slash(BOB, "settings language", code="sv", mine=True)
    assert h.replies(token) == "Från och med nu är dina DM och privata svar på svenska."
