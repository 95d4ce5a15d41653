"""The Matrix adapter's conversions as tables: no server needed."""

from __future__ import annotations

import pytest

from adapters.matrix import render
from adapters.matrix.inbound import command_text, plain_text
from bot.core.cards import Button, Card, CardField, action_id
from bot.core.grammar import parse_mention
from bot.core.messages import t
from bot.core.refs import escape

BOB = "@bob:example.org"


@pytest.mark.parametrize(("content", "expected"), [
    ({"body": "!set start"}, "start"),
    ({"body": "!SET here bid"}, "here bid"),
    ({"body": "!set"}, ""),
    ({"body": "!settle down"}, None),
    ({"body": "set start"}, None),
    ({"body": "hello !set start"}, None),
    ({"body": f"!set facilitator {BOB}"}, f"facilitator <@{BOB}>"),
    ({"body": "!set facilitator Bob", "format": "org.matrix.custom.html",
      "formatted_body": f'!set facilitator <a href="https://matrix.to/#/{BOB}">Bob</a>'},
     f"facilitator <@{BOB}>"),
    ({"body": "!set facilitator Bob", "format": "org.matrix.custom.html",
      "formatted_body": '!set facilitator <a href="https://matrix.to/#/@bob:example.org?via=x">'
                        'Bob</a>'}, f"facilitator <@{BOB}>"),
    ({"body": "!set create A & B <x>"}, "create A &amp; B &lt;x&gt;"),
    ({"body": "!set create <@U1>", "format": "org.matrix.custom.html",
      "formatted_body": "!set create &lt;@U1&gt;"}, "create &lt;@U1&gt;"),
    ({"body": "!set commit Call them\nby 2026-11-20", "format": "org.matrix.custom.html",
      "formatted_body": "!set commit Call them<br>by 2026-11-20"},
     "commit Call them\nby 2026-11-20"),
])
def test_command_text(content: dict, expected: str | None) -> None:
    assert command_text(content) == expected


def test_a_pill_becomes_a_mention_the_grammar_reads() -> None:
    text = command_text({"body": "!set facilitator Bob", "format": "org.matrix.custom.html",
                         "formatted_body": f'!set facilitator <a href="https://matrix.to/#/'
                                           f'{BOB}">Bob</a>'})
    assert text is not None
    assert parse_mention(text.split(" ", 1)[1]) == BOB


def test_a_reply_fallback_is_not_part_of_the_text() -> None:
    content = {"body": "> <@alice:x> what?\n\nThe answer",
               "m.relates_to": {"m.in_reply_to": {"event_id": "$1"}}}
    assert plain_text(content) == "The answer"
    assert plain_text({"body": "> quoting myself"}) == "> quoting myself"


def test_echoed_text_is_escaped_and_mentions_only_whom_the_core_names() -> None:
    typed = escape('@room <b>bold</b> <a href="https://matrix.to/#/@eve:x">eve</a> & <@@eve:x>')
    markup = f"<@{BOB}> said: {typed}"
    content = render.text_content(markup)
    assert content["m.mentions"] == {"user_ids": [BOB]}
    assert "<b>" not in content["formatted_body"]
    assert '<a href="https://matrix.to/#/@eve:x">' not in content["formatted_body"]
    assert content["formatted_body"].startswith(
        f'<a href="https://matrix.to/#/{BOB}">{BOB}</a> said: @room &lt;b&gt;')
    assert content["body"] == (f'{BOB} said: @room <b>bold</b> <a href="https://matrix.to/#/'
                               '@eve:x">eve</a> & <@@eve:x>')
    assert render.text_content(escape("@room hello"))["m.mentions"] == {}


def test_a_card_explains_its_reactions_and_carries_them() -> None:
    card = Card(title="Meeting 1 — opening", body="Say you're *here*.",
                fields=(CardField(name="Presenter", value="none yet"),),
                buttons=(Button(label=t("button.next"), action=action_id("next", "m1", "3")),
                         Button(label=t("button.here"), action=action_id("here", "m1")),
                         Button(label="Mystery", action=action_id("mystery", "m1")),
                         Button(label="Another", action=action_id("other", "m1"))))
    content = render.card_content(card)
    assert content["body"].splitlines() == [
        "Meeting 1 — opening", "Say you're here.", "Presenter: none yet",
        "React to press: ⏭️ Next stage · ✋ I'm here · 1️⃣ Mystery · 2️⃣ Another"]
    assert "<strong>Meeting 1 — opening</strong>" in content["formatted_body"]
    assert content[render.BUTTONS_KEY] == {"⏭": "next:m1:3", "✋": "here:m1",
                                           "1⃣": "mystery:m1", "2⃣": "other:m1"}
    assert render.seeded_keys(card) == ["⏭️", "✋", "1️⃣", "2️⃣"]
    assert render.normalise_key("⏭") == render.normalise_key("⏭️")


def test_commands_in_the_core_words_are_shown_as_matrix_users_type_them() -> None:
    body = render.to_plain(t("set.not_a_set"))
    assert "`!set create <name>`" in body and "/set" not in body
    assert render.to_plain("see https://example.org/set/1") == "see https://example.org/set/1"


def test_an_edit_replaces_the_card_and_pings_nobody() -> None:
    new = render.text_content(f"over to <@{BOB}>")
    edit = render.edit_content("$card", new)
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$card"}
    assert edit["m.new_content"]["m.mentions"] == {"user_ids": [BOB]}
    assert edit["m.mentions"] == {}
    assert edit["body"].startswith("* ")


FORM = {"fields": ["outcome", "account"], "labels": ["How did it go? (done, partly, not)",
                                                     "What happened"],
        "choices": [["done", "partly", "not"], []]}
COMMIT = {"fields": ["action", "by"], "labels": ["The action", "Due date"], "choices": [[], []]}


@pytest.mark.parametrize(("spec", "reply", "values"), [
    (COMMIT, "Call the team", {"action": "Call the team"}),
    (COMMIT, "Call the team\nby: 2026-11-20", {"action": "Call the team", "by": "2026-11-20"}),
    (COMMIT, "action: Call\nthe team\nDue date: 2026-11-20",
     {"action": "Call\nthe team", "by": "2026-11-20"}),
    (COMMIT, "Note: call them", {"action": "Note: call them"}),
    (FORM, "done It went well", {"outcome": "done", "account": "It went well"}),
    (FORM, "outcome: partly\naccount: half of it", {"outcome": "partly",
                                                    "account": "half of it"}),
    (FORM, "It went well", {"outcome": "It went well"}),
])
def test_a_thread_reply_as_form_values(spec: dict, reply: str, values: dict) -> None:
    assert render.form_values(spec, reply) == values


def test_a_card_too_big_for_one_event_loses_its_html_then_is_split() -> None:
    buttons = (Button(label=t("button.next"), action=action_id("next", "m1", "3")),)
    long_words = " ".join(f"wörd{i}" for i in range(6_000))  # ~50,000 characters
    card = Card(title="Summary", body=f"<@{BOB}> " + long_words[:11_000],
                fields=tuple(CardField(name=f"n{i}", value=long_words[i * 900:i * 900 + 1000])
                             for i in range(20)), buttons=buttons)
    whole = render.card_content(card)
    assert render.size(whole) > render.EVENT_LIMIT
    plain = render.fitted(whole)
    assert len(plain) == 1 and "formatted_body" not in plain[0], "first the HTML goes"
    huge = {**whole, "body": "wörd " * 20_000}
    parts = render.fitted(huge)
    assert len(parts) > 1
    assert all(render.size(p) <= render.EVENT_LIMIT for p in parts)
    assert "".join(p["body"] for p in parts).replace(" ", "") == huge["body"].replace(" ", "")
    assert parts[0]["m.mentions"] == {"user_ids": [BOB]}
    assert all(p["m.mentions"] == {} for p in parts[1:])
    assert parts[-1][render.BUTTONS_KEY] == whole[render.BUTTONS_KEY]
    small = render.card_content(Card(body="short", buttons=buttons))
    assert render.fitted(small) == [small]
    edit = render.fitted_edit("$card", whole)
    assert render.size(edit) <= render.EVENT_LIMIT
    assert edit["m.new_content"][render.BUTTONS_KEY] == whole[render.BUTTONS_KEY]
