"""Teams' conversion in both directions, as tables: activities to events (mentions stripped,
the channel without ``;messageid=``), cards to Adaptive Cards (user text escaped, mentions only
where the core means them), and the app package (manifest, icons, command lists)."""

from __future__ import annotations

import json
import zipfile

import pytest

from adapters.teams import inbound
from adapters.teams.package import PackageError, build, manifest
from adapters.teams.render import plain_text, render_card, render_form, to_teams
from bot.core.cards import Button, ButtonStyle, Card, CardField, FieldKind, Form, FormField
from bot.core.events import ButtonPressed, CommandIssued, FormSubmitted, TextPosted
from bot.core.refs import escape
from tests.adapters.teams.conftest import ALICE, BOB, CHANNEL, GROUP_CHAT, personal
from tests.fakes.teams_connector import ActivityFactory, TeamsConnectorFake, card_actions

FAKE = TeamsConnectorFake(port=1)
MAKE = ActivityFactory(FAKE)
TENANT = FAKE.tenant_id


@pytest.mark.parametrize(("text", "mention", "place", "expected"), [
    ("set next", True, CHANNEL, CommandIssued),
    ("next", True, CHANNEL, CommandIssued),
    ("/set next", False, CHANNEL, CommandIssued),
    ("set next", False, personal(ALICE), CommandIssued),
    ("next", False, personal(ALICE), CommandIssued),
    ("How do I make supervision reflective?", False, CHANNEL, TextPosted),
    ("set next", False, GROUP_CHAT, CommandIssued),
    ("set your sights higher?", False, CHANNEL, TextPosted),
    ("Settle it?", False, CHANNEL, TextPosted),
])
def test_messages_become_commands_when_addressed(text, mention, place, expected) -> None:  # type: ignore[no-untyped-def]
    event = inbound.message_event(MAKE.message(ALICE, place, text, mention_bot=mention))
    assert isinstance(event, expected)
    if expected is CommandIssued:
        assert event.text == "next" or event.text.startswith("next")


def test_the_bot_mention_is_stripped_and_members_mentions_kept_as_core_mentions() -> None:
    activity = MAKE.message(ALICE, CHANNEL, "set facilitator <at>Bob Baker</at>",
                            mention_bot=True)
    activity["entities"].append({"type": "mention", "text": "<at>Bob Baker</at>",
                                 "mentioned": {"id": BOB.id, "name": BOB.name,
                                               "aadObjectId": BOB.aad}})
    event = inbound.message_event(activity)
    assert isinstance(event, CommandIssued)
    assert event.text == f"facilitator <@{BOB.aad}>"
    assert event.user.key == f"teams:{TENANT}:{ALICE.aad}"
    assert event.user_name == "Alice Archer"


def test_the_set_is_the_channel_not_the_thread() -> None:
    activity = MAKE.message(ALICE, CHANNEL, "set status", mention_bot=True,
                            thread_root="1700000000000")
    where = inbound.channel_ref(activity)
    assert where.channel == CHANNEL.conversation_id and not where.direct
    assert where.workspace == TENANT
    activity["channelData"].pop("teamsChannelId")
    activity["channelData"].pop("channel")
    assert inbound.channel_ref(activity).channel == CHANNEL.conversation_id
    assert inbound.channel_ref(MAKE.message(ALICE, personal(ALICE), "hi")).direct


def test_channel_talk_is_reduced_to_its_words() -> None:
    activity = MAKE.message(ALICE, CHANNEL, "<p>What if <b>we</b> tried&nbsp;it?</p>")
    event = inbound.message_event(activity)
    assert isinstance(event, TextPosted) and event.text == "What if we tried it?"


def test_invokes_become_presses_and_submissions() -> None:
    press = MAKE.card_action(ALICE, CHANNEL, {"verb": "next", "data": {
        "revans": "next:m1:3"}}, reply_to="17")
    assert inbound.card_action_event(press) == ButtonPressed(
        where=inbound.channel_ref(press), user=inbound.user_ref(press), action="next:m1:3",
        user_name="Alice Archer", event_id=press["id"])
    fetch = MAKE.task_fetch(ALICE, CHANNEL, {"data": {"revans": "commit:m1"}}, reply_to="17")
    assert inbound.dialog_open_event(fetch).action == "commit:m1"  # type: ignore[union-attr]
    form = render_form(Form(id="commit:m1", title="Commit", fields=(
        FormField(name="action", label="Action", kind=FieldKind.LONG),)))
    submit = MAKE.task_submit(ALICE, CHANNEL, form.model_dump(by_alias=True, exclude_none=True),
                              {"action": "Ask the team"})
    event = inbound.dialog_submit_event(submit)
    assert isinstance(event, FormSubmitted)
    assert (event.form_id, dict(event.values)) == ("commit:m1", {"action": "Ask the team"})
    assert inbound.card_action_event(MAKE.card_action(ALICE, CHANNEL, {"data": {}},
                                                      reply_to="1")) is None


def test_a_bot_message_is_not_an_event() -> None:
    activity = MAKE.message(ALICE, CHANNEL, "hello")
    activity["from"] = {"id": "28:other-bot", "name": "Other"}
    assert inbound.message_event(activity) is None


@pytest.mark.parametrize(("typed", "shown", "absent"), [
    ("<at>Everyone</at>", "<\u200bat>Everyone</\u200bat>", "<at>Everyone</at>"),
    ("<b>bold</b> <script>x</script>", "<\u200bb>bold", "<b>"),
    ("[click](https://evil.example)", "[click]\u200b(https://evil.example)",
     "[click](https://"),
    ("<@U123> &amp; <!channel>", "<\u200b@U123>", "<@U123>"),
])
def test_user_text_is_escaped_before_it_is_echoed(typed, shown, absent) -> None:  # type: ignore[no-untyped-def]
    card = Card(title="Presentation", body=f"<@{BOB.aad}> asked: {escape(typed)}")
    rendered = render_card(card, {BOB.aad: "Bob Baker"})
    text = rendered.payload()["body"][1]["text"]
    assert shown in text and absent not in text
    entities = rendered.payload()["msteams"]["entities"]
    assert entities == [{"type": "mention", "text": "<at>Bob Baker</at>",
                         "mentioned": {"id": BOB.aad, "name": "Bob Baker"}}]


def test_a_card_without_core_mentions_pings_nobody() -> None:
    rendered = render_card(Card(body=escape("@channel @here <at>General</at>")))
    assert "entities" not in rendered.payload()["msteams"]


def test_buttons_execute_in_place_and_form_buttons_open_a_dialog() -> None:
    card = Card(title="Meeting 1", fields=(CardField(name="Here", value="*Alice*"),), buttons=(
        Button(label="Next stage", action="next:m1:2", style=ButtonStyle.PRIMARY),
        Button(label="Commit to an action", action="commit:m1")))
    payload = render_card(card).payload()
    actions = card_actions(payload)
    assert [a["type"] for a in actions] == ["Action.Execute", "Action.Submit"]
    assert actions[0]["data"]["revans"] == "next:m1:2" and actions[0]["style"] == "positive"
    assert actions[1]["data"]["msteams"]["type"] == "task/fetch"
    assert payload["body"][-1]["text"] == "**Alice**"
    assert plain_text(card) == "Meeting 1\nHere: Alice"


def test_links_and_code_from_the_core_survive() -> None:
    assert to_teams("See <https://meet.example/x|the call> and `/set help`") == \
        "See [the call](https://meet.example/x) and `/set help`"


def test_the_app_package(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = build(tmp_path / "revans-teams.zip", FAKE.app_id)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        data = json.loads(archive.read("manifest.json"))
    bot = data["bots"][0]
    assert data["id"] == bot["botId"] == data["webApplicationInfo"]["id"] == FAKE.app_id
    assert set(bot["scopes"]) == {"team", "groupChat", "personal"}
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert "set next" in titles and len(titles) <= 10
    rsc = {p["name"] for p in data["authorization"]["permissions"]["resourceSpecific"]}
    assert "ChannelMessage.Read.Group" in rsc
    with pytest.raises(PackageError):
        manifest("not-a-guid")


def test_a_card_too_big_for_one_message_is_split_never_cut() -> None:
    from adapters.teams.render import CARD_BYTES, render_messages

    lines = [f"{n}. <@{BOB.aad}> committed to something worth remembering, line {n}"
             for n in range(90)]
    fields = tuple(CardField(name=f"Presenter {n}", value=f"question {n} " + "x" * 900)
                   for n in range(20))
    card = Card(title="Meeting summary", body="\n".join(lines), fields=fields,
                buttons=(Button(label="Next stage", action="next:m1:2"),))
    messages = render_messages(card, {BOB.aad: "Bob Baker"})
    assert len(messages) > 1
    payloads = [m.payload() for m in messages]
    assert all(len(json.dumps(p)) < CARD_BYTES + 6000 for p in payloads)
    text = "\n".join(b["text"] for p in payloads for b in p["body"])
    assert all(f"line {n}" in text for n in range(90))
    assert all(f"question {n} " in text for n in range(20))
    assert [bool(p.get("actions")) for p in payloads] == [False] * (len(payloads) - 1) + [True]
    assert payloads[0]["msteams"]["entities"][0]["mentioned"]["id"] == BOB.aad
