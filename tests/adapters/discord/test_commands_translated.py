"""Discord's /set descriptions and choice labels come from the catalogue, translated per locale."""

from __future__ import annotations

import discord
from discord import app_commands

from adapters.discord.commands import CatalogueTranslator, build_group, payloads
from bot.core import messages


async def _tree() -> app_commands.CommandTree:
    async def handler(interaction: discord.Interaction, text: str) -> None: ...

    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    tree.add_command(build_group(handler))
    await tree.set_translator(CatalogueTranslator())
    return tree


def _without_localizations(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_localizations(v) for k, v in node.items()
                if not k.endswith("_localizations")}
    if isinstance(node, list):
        return [_without_localizations(item) for item in node]
    return node


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
    assert set(report["description_localizations"]) == {"sv-SE"}, "English is never one"
    assert [c["name"] for c in _option(report, "outcome")["choices"]] == ["done", "partly", "not"]
    untranslated = (await _tree()).get_commands()[0].to_dict(tree)
    assert _without_localizations(payload) == _without_localizations(untranslated)


async def test_the_swedish_catalogue_reaches_discord_as_localizations() -> None:
    """sv-SE clients see the Swedish catalogue's descriptions and choice labels; the values
    (the grammar's words) stay English."""
    tree = await _tree()
    [payload] = await payloads(tree, None)
    report = _option(payload, "report")
    assert report["description_localizations"] == {
        "sv-SE": "Berätta hur det gick med ett av dina åtaganden, under återkopplingen"}
    partly = _option(report, "outcome")["choices"][1]
    assert partly["value"] == "partly" and partly["name_localizations"] == {"sv-SE": "delvis"}
    join = _option(payload, "programme", "join")
    assert join["description_localizations"] == {
        "sv-SE": "Gruppen går med i ett program (samtalsledaren)"}
    assert _option(payload, "start")["description_localizations"] == {
        "sv-SE": "Starta ett möte nu"}
    language = _option(payload, "settings", "language")
    assert language["description_localizations"]["sv-SE"].startswith("Språket jag talar")
    assert payload["description_localizations"] == {
        "sv-SE": "Revans: driv er action learning-grupp"}
    for option in payload["options"]:  # Discord's limit, in every language
        for text in option.get("description_localizations", {}).values():
            assert len(text) <= 100
