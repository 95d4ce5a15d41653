"""Payloads to events and cards to Block Kit, without a server: the pure halves of the adapter."""

from __future__ import annotations

import json

from adapters.slack import inbound, render
from bot.core.cards import Button, ButtonStyle, Card, CardField, FieldKind, Form, FormField
from bot.core.events import ButtonPressed, CommandIssued, FormSubmitted, TextPosted
from tests.fakes.slack_api import block_problems, view_problems
from tests.fakes.slack_requests import action_payload, message_body, view_payload


def test_a_card_becomes_header_section_fields_and_buttons() -> None:
    card = Card(title="Meeting 1 of A &amp; B — opening", body="Say you're here, <@U1>.",
                fields=tuple(CardField(name=f"F{i}", value="v") for i in range(12)),
                buttons=(Button(label="Next stage", action="next:m1:1",
                                style=ButtonStyle.PRIMARY),
                         Button(label="I'm here", action="here:m1"),
                         Button(label="I'm here", action="here:m1")))
    [message] = render.card_messages(card)
    types = [b["type"] for b in message.blocks]
    assert types == ["header", "section", "section", "section", "actions"]
    assert message.blocks[0]["text"] == {"type": "plain_text", "emoji": True,
                                         "text": "Meeting 1 of A & B — opening"}
    assert [len(b["fields"]) for b in message.blocks[2:4]] == [10, 2]
    buttons = message.blocks[-1]["elements"]
    assert [(b["action_id"], b.get("style")) for b in buttons] == [
        ("next:m1:1", "primary"), ("here:m1", None)]  # duplicates dropped: Slack refuses them


def test_a_title_with_a_mention_is_bold_text_not_a_header() -> None:
    [message] = render.card_messages(Card(title="<@U1> presents", body="x"))
    assert message.blocks[0] == {"type": "section",
                                 "text": {"type": "mrkdwn", "text": "*<@U1> presents*"}}


def test_broadcast_mentions_are_defused_even_if_the_core_let_one_through() -> None:
    assert render.defang("hi <!channel> <!here|here> <!subteam^S1|x> <@U1>") == (
        "hi &lt;!channel&gt; &lt;!here|here&gt; &lt;!subteam^S1|x&gt; <@U1>")


def test_split_text_keeps_entities_whole_and_respects_the_limit() -> None:
    text = "a" * 2998 + "&amp;" + "b" * 10
    pieces = render.split_text(text, 3000)
    assert all(len(p) <= 3000 for p in pieces) and "".join(pieces) == text
    assert pieces[1].startswith("&amp;")


def test_forms_become_modals_and_submissions_values() -> None:
    form = Form(id="report:m1", title="Report back on your commitment", fields=(
        FormField(name="outcome", label="How did it go?", kind=FieldKind.CHOICE,
                  choices=("done", "partly", "not")),
        FormField(name="account", label="What happened", kind=FieldKind.LONG),
        FormField(name="by", label="Due", kind=FieldKind.DATE, required=False, hint="YYYY"),
    ))
    view = render.modal(form, channel="C1", direct=False)
    assert len(view["title"]["text"]) <= 24
    assert json.loads(view["private_metadata"]) == {"f": "report:m1", "c": "C1", "d": False}
    assert [b["element"]["type"] for b in view["blocks"]] == [
        "static_select", "plain_text_input", "datepicker"]
    assert view["blocks"][1]["element"]["multiline"] is True
    payload = view_payload(user="U1", view=view, values={
        "outcome": {"outcome": {"type": "static_select",
                                "selected_option": {"value": "partly"}}},
        "account": {"account": {"type": "plain_text_input", "value": "Two of three"}},
        "by": {"by": {"type": "datepicker", "selected_date": None}},
    })
    event = inbound.view_event(payload)
    assert isinstance(event, FormSubmitted)
    assert event.form_id == "report:m1" and event.where.channel == "C1"
    assert dict(event.values) == {"outcome": "partly", "account": "Two of three", "by": ""}
    assert event.event_id.startswith("trigger:")


def test_command_payload() -> None:
    body = {"command": "/set", "text": " facilitator <@U2|bob> ", "team_id": "T1",
            "channel_id": "D9", "channel_name": "directmessage", "user_id": "U1",
            "user_name": "al<i>ce", "trigger_id": "t.1"}
    event = inbound.command_event(body)
    assert isinstance(event, CommandIssued)
    assert event.text == "facilitator <@U2|bob>"
    assert event.where.direct and event.where.key == "slack:T1:D9"
    assert event.user.key == "slack:T1:U1" and event.user_name == "alice"
    assert event.event_id == "trigger:t.1"
    assert inbound.command_event({**body, "command": "/other"}) is None


def test_only_people_speaking_in_channels_become_text() -> None:
    def event(**kwargs: object) -> object:
        return inbound.message_event(json.loads(message_body(**kwargs)))

    spoken = event(user="U1", channel="C1", text="What if?", event_id="Ev1")
    assert isinstance(spoken, TextPosted) and spoken.event_id == "Ev1"
    assert spoken.where.direct is False
    assert event(user="U1", channel="C1", text="x", subtype="message_changed") is None
    assert event(user="U1", channel="C1", text="x", subtype="channel_join") is None
    assert event(user="U1", channel="C1", text="x", bot_id="B1") is None
    assert event(user="U1", channel="D1", text="x", channel_type="im") is None
    assert event(user="U1", channel="C1", text="   ") is None
    assert isinstance(event(user="U1", channel="G1", text="x", channel_type="group"), TextPosted)


def test_button_payload() -> None:
    payload = action_payload(user="U1", channel="D1", channel_name="directmessage",
                             action="checkin:c1:stuck", trigger_id="t.9")
    event = inbound.action_event(payload, payload["actions"][0])
    assert isinstance(event, ButtonPressed)
    assert event.action == "checkin:c1:stuck" and event.where.direct
    assert event.event_id.startswith("trigger:t.9:")
    home = {**payload, "channel": None, "container": {"type": "view"}}
    assert inbound.action_event(home, payload["actions"][0]) is None


def test_the_fake_refuses_what_slack_refuses() -> None:
    """The fake's Block Kit checks are what every other test relies on: prove they bite."""
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    assert block_problems([section] * 50) == []
    assert block_problems([section] * 51)
    assert block_problems([{"type": "header",
                            "text": {"type": "plain_text", "text": "h" * 151}}])
    assert block_problems([{"type": "section", "text": {"type": "mrkdwn", "text": "t" * 3001}}])
    button = {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "a"}
    assert block_problems([{"type": "actions", "elements": [button, button]}])
    assert view_problems({"type": "modal", "title": {"type": "plain_text", "text": "t" * 25},
                          "blocks": []})
    long_card = Card(title="t", body="x")
    object.__setattr__(long_card, "body", "word " * 40000)
    for message in render.card_messages(long_card):
        assert block_problems(message.blocks) == []
