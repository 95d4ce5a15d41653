"""Discord's /set descriptions and choice labels come from the catalogue, translated per locale."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from adapters.discord.commands import CatalogueTranslator, build_group, normalise, payloads
from bot.core import messages


async def _tree() -> app_commands.CommandTree:
    async def handler(interaction: discord.Interaction, text: str) -> None: ...

    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    tree.add_command(build_group(handler))
    await tree.set_translator(CatalogueTranslator())
    return tree


def _option(payload: dict, *names: str) -> dict:
    for name in names:
        payload = next(o for o in payload["options"] if o["name"] == name)
    return payload


async def test_english_is_the_text_itself_and_no_translation() -> None:
    tree = await _tree()
    [payload] = await payloads(tree, None)
    assert payload["description"] == messages.plain("command.set")
    report = _option(payload, "report")
    assert report["description"] == messages.plain("command.report")
    assert report["description_localizations"] == {}
    assert [c["name"] for c in _option(report, "outcome")["choices"]] == ["done", "partly", "not"]
    assert normalise([payload]) == normalise([(await _tree()).get_commands()[0].to_dict(tree)])


async def test_a_second_catalogue_reaches_discord_as_localizations(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(messages.CATALOGUES, "sv", {
        "command.report": "Återrapportera dina åtaganden, under genomgången",
        "command.report.outcome.partly": "delvis",
        "command.programme join": "Setet går med i ett program (facilitator)",
    })
    tree = await _tree()
    [payload] = await payloads(tree, None)
    report = _option(payload, "report")
    assert report["description_localizations"] == {
        "sv-SE": "Återrapportera dina åtaganden, under genomgången"}
    partly = _option(report, "outcome")["choices"][1]
    assert partly["value"] == "partly" and partly["name_localizations"] == {"sv-SE": "delvis"}
    join = _option(payload, "programme", "join")
    assert join["description_localizations"] == {
        "sv-SE": "Setet går med i ett program (facilitator)"}
    assert _option(payload, "start")["description_localizations"] == {}, "untranslated: English"
    english = normalise([tree.get_commands()[0].to_dict(tree)])
    assert normalise([payload]) != english, "a new translation is a change worth syncing"
