"""The adapter's pure parts: markup, mentions, splitting, the command table and the seam."""

from __future__ import annotations

import logging

import aiohttp
import discord
import pytest
from discord import app_commands

from adapters.discord.app import apply_test_seam, reset_test_seam
from adapters.discord.commands import MAX_SUBCOMMANDS, VERBS, Kind, build_group, grammar_text
from adapters.discord.render import (
    CONTENT_LIMIT,
    mentioned_ids,
    modal_values,
    render_card,
    render_slot_card,
    split_text,
    to_discord,
)
from adapters.discord.settings import DiscordSettings
from bot.core import grammar
from bot.core.cards import Card, CardField
from bot.core.refs import escape
from bot.core.verbs import TABLE
from tests.fakes.discord_server import CHANNEL_ID, FakeDiscord


def test_core_markup_becomes_discord_markdown() -> None:
    markup = "*Presenter*: <@123> — " + escape("a <b> & <@456> @everyone @here <@&7>")
    text = to_discord(markup)
    assert text.startswith("**Presenter**: <@123> — a <b> & ")
    assert "<@\u200b456>" in text and "<@\u200b&7>" in text
    assert "@\u200beveryone" in text and "@\u200bhere" in text
    assert mentioned_ids(markup) == [123], "only the core's own mention may ping"


def test_a_plain_card_allows_only_its_own_mentions() -> None:
    [message] = render_card(Card(body="Over to <@42>. " + escape("<@43>")))
    allowed = message.kwargs()["allowed_mentions"].to_dict()
    assert allowed == {"users": [42], "parse": []}
    [embed_card] = render_card(Card(title="T", body="<@42>"))
    assert embed_card.kwargs()["allowed_mentions"].to_dict() == {"parse": []}


def test_an_empty_card_is_never_an_empty_message() -> None:
    [message] = render_card(Card(buttons=()))
    assert message.content
    slotted = render_slot_card(Card(slot="stage:x"))
    assert slotted.embeds and slotted.embeds[0].description


def test_split_text_keeps_every_word_within_the_limit() -> None:
    text = "\n".join(f"line {i} {'x' * 90}" for i in range(60))
    pieces = split_text(text, CONTENT_LIMIT)
    assert all(len(p) <= CONTENT_LIMIT for p in pieces)
    assert "\n".join(pieces) == text
    unbroken = "y" * 4500
    assert "".join(split_text(unbroken, CONTENT_LIMIT)) == unbroken


def test_modal_values_read_rows_and_labels() -> None:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "a", "value": "1"}]},
            {"type": 18, "component": {"type": 4, "custom_id": "b", "value": "2"}}]
    assert modal_values(rows) == {"a": "1", "b": "2"}


class _Member:
    id = 77


@pytest.mark.parametrize(("path", "values", "expected"), [
    (("schedule",), {"when": "2026-12-01 14:00", "every": 4},
     "schedule 2026-12-01 14:00 every 4w"),
    (("schedule",), {"when": "2026-12-01 14:00", "every": None}, "schedule 2026-12-01 14:00"),
    (("commit",), {"action": "Call the team", "by": "2026-12-20"},
     "commit Call the team by 2026-12-20"),
    (("progress",), {"answer": "stuck", "note": "no reply yet"}, "progress stuck no reply yet"),
    (("facilitator",), {"member": _Member()}, "facilitator <@77>"),
    (("here",), {"bid": True}, "here bid"),
    (("here",), {"bid": False}, "here"),
    (("programme", "join"), {"code": "ABC"}, "programme join ABC"),
    (("programme", "announce"), {"text": "Hello", "all": True}, "announce --all Hello"),
    (("programme", "digest"), {"csv": True}, "digest csv"),
])
def test_typed_options_become_the_core_grammar(path: tuple[str, ...], values: dict,
                                               expected: str) -> None:
    verb = next(v for v in VERBS if v.path == path)
    assert grammar_text(verb, values) == expected


def _sample(kind: Kind, name: str) -> object:
    samples = {"when": "2026-12-01 14:00", "by": "2026-12-20", "setting": "7d,-2d",
               "hours": "20:00-08:00", "zone": "Europe/London", "command": "schedule",
               "weekly": "mon 09:00", "date": "2026-12-08", "until": "2026-12-24",
               "url": "https://meet.example.org/set", "region": "GB-ENG",
               "code": "sv"}
    if kind is Kind.MEMBER:
        return _Member()
    if kind is Kind.NUMBER:
        return 5
    if kind is Kind.FLAG:
        return name != "off"  # apologies off takes no note
    return samples.get(name, "something")


def test_every_row_makes_text_the_core_parses() -> None:
    """Each subcommand with sample values yields grammar the core accepts (for the verbs the
    core knows today; the programme verbs are arriving)."""
    known = set(grammar.VERBS)
    checked = 0
    for verb in VERBS:
        if verb.words[0] not in known or verb.words == ("digest",):
            continue
        values = {o.name: (o.choices[0] if o.kind is Kind.CHOICE else _sample(o.kind, o.name))
                  for o in verb.options}
        grammar.parse(grammar_text(verb, values))
        checked += 1
    assert checked >= 21


def test_every_product_verb_is_a_subcommand_within_discord_limits() -> None:
    async def handler(interaction: discord.Interaction, text: str) -> None: ...

    group = build_group(handler)
    assert len(group.commands) <= MAX_SUBCOMMANDS
    names = {c.qualified_name.removeprefix("set ") for c in group.walk_commands()}
    for verb in TABLE:  # each verb at its own path (some under a subgroup: 25 a group)
        for typed in verb.typed:
            assert " ".join(typed.path) in names, verb.name
    assert {"programme create", "programme join", "programme leave", "programme coordinator",
            "programme code", "programme announce", "programme digest", "org", "share"} <= names
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    tree.add_command(group)
    payload = group.to_dict(tree)

    def size(node: dict) -> int:
        total = len(node.get("name", "")) + len(node.get("description", ""))
        total += sum(len(c["name"]) + len(str(c["value"])) for c in node.get("choices") or [])
        return total + sum(size(o) for o in node.get("options") or [])

    assert size(payload) <= 4000, "Discord caps a command's names and descriptions at 4,000"
    options = {o["name"]: o for o in payload["options"]}
    facilitator = options["facilitator"]["options"][0]
    assert facilitator["type"] == 6, "members are user options"
    assert [c["value"] for c in options["report"]["options"][0]["choices"]] == [
        "done", "partly", "not"]


def test_the_seam_is_honoured_only_for_loopback(caplog: pytest.LogCaptureFixture) -> None:
    real_base = discord.http.Route.BASE
    real_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        with caplog.at_level(logging.WARNING, logger="revans.discord"):
            apply_test_seam(DiscordSettings(discord_api_base="https://evil.example/api/v10",
                                     discord_gateway_url="wss://evil.example/gateway"))
        assert discord.http.Route.BASE == real_base
        assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY == real_gateway
        assert sum("only loopback" in r.getMessage() for r in caplog.records) == 2
        apply_test_seam(DiscordSettings(discord_api_base="http://127.0.0.1:9/api/v10/",
                                 discord_gateway_url="ws://localhost:9/gateway"))
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://localhost:9/gateway"
    finally:
        reset_test_seam()
    assert discord.http.Route.BASE == real_base


def test_many_fields_respect_every_embed_limit() -> None:
    card = Card(title="T", body="b" * 3000,
                fields=tuple(CardField(name=f"n{i}", value="v" * 1024) for i in range(20)))
    object.__setattr__(card, "fields", card.fields * 3)  # more than the core ever sends
    messages = render_card(card)
    assert sum(len(e.fields) for m in messages for e in m.embeds) == 60
    for message in messages:
        assert len(message.embeds) <= 10
        assert sum(len(e) for e in message.embeds) <= 6000
        assert all(len(e.fields) <= 25 for e in message.embeds)


async def test_the_fake_refuses_what_discord_refuses(fake: FakeDiscord) -> None:
    """The fake checks Discord's limits, so every test also proves nothing was over them."""
    async with aiohttp.ClientSession() as session:
        url = f"{fake.api_base}/channels/{CHANNEL_ID}/messages"
        async with session.post(url, json={"content": "x" * 2001}) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 50035
        async with session.post(url, json={"content": "x" * 2000}) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "application/json"


def test_autoadvance_is_the_timebox_auto_grammar() -> None:
    from bot.core import grammar

    (verb,) = [v for v in VERBS if v.path == ("settings", "autoadvance")]
    assert grammar_text(verb, {"setting": "on"}) == "timebox auto on"
    assert grammar.parse(grammar_text(verb, {"setting": "off"})) == grammar.AutoAdvance(on=False)
