"""The verb table is whole: every verb has each of its parts, and what is derived from it agrees."""

from __future__ import annotations

import pytest

from bot.core import grammar, programme, step, verbs
from bot.core.events import CommandIssued
from bot.core.messages import ENGLISH
from bot.core.permissions import Role
from bot.core.routing import ByCoordinator, ByUser, join_code, needs_history, route
from bot.core.verbs import BUTTONS, TABLE, OptionKind, Parsed, Where, read
from tests.support.core import dm, user

# Commands ``step`` answers before any where or who check: help, and making a set or programme.
ANSWERED_FIRST = {grammar.Help, grammar.Create, grammar.ProgrammeCreate}


@pytest.mark.parametrize("verb", TABLE, ids=lambda v: v.name)
def test_every_verb_has_every_part(verb: verbs.Verb) -> None:
    assert verb.usage_id in ENGLISH and verb.help_id in ENGLISH
    assert isinstance(verb.role, Role)
    assert verb.where, "a verb must be usable somewhere"
    assert callable(verb.parse) and verb.commands
    for command in verb.commands:
        if command in ANSWERED_FIRST:
            continue
        if Where.SET in verb.where:
            assert command in step.SET_HANDLERS, f"{verb.name}: no handler for {command}"
        if Where.PROGRAMME in verb.where:
            assert command in programme.PROGRAMME_HANDLERS, f"{verb.name}: {command}"
    for typed in verb.typed:
        assert typed.description_id in ENGLISH, typed.description_id
        assert len(ENGLISH[typed.description_id]) <= 100
        assert 1 <= len(typed.path) <= 2
        for option in typed.options:
            assert typed.option_description_id(option) in ENGLISH, (verb.name, option.name)
            assert len(ENGLISH[typed.option_description_id(option)]) <= 100
            assert (option.kind is OptionKind.CHOICE) == bool(option.choices)
            assert option.kind is not OptionKind.FLAG or (option.word and not option.required)


def test_coordinators_verbs_are_not_a_sets() -> None:
    for verb in TABLE:
        coordinators = verb.role is Role.COORDINATOR
        assert coordinators == (verb.name in verbs.COORDINATOR_COMMANDS)
        assert not (coordinators and Where.SET in verb.where), verb.name


def test_groups_and_typed_commands_fit_a_typed_platform() -> None:
    top = {typed.path[0] for verb in TABLE for typed in verb.typed}
    assert len(top) <= 25, "Discord allows 25 subcommands in a group: group some verbs"
    for group in verbs.GROUPS.values():
        assert {group.usage_id, group.help_id, group.description_id} <= set(ENGLISH)
    for typed in (t for v in TABLE for t in v.typed if len(t.path) == 2):
        assert f"command.{typed.path[0]}" in ENGLISH
    assert "command.set" in ENGLISH
    paths = [typed.path for verb in TABLE for typed in verb.typed]
    assert len(paths) == len(set(paths)), "two typed commands at one path"


def test_names_and_first_words_come_from_the_table() -> None:
    assert verbs.COMMAND_NAMES == tuple(v.name for v in TABLE)
    assert grammar.VERBS == verbs.FIRST_WORDS
    assert "programme" in verbs.FIRST_WORDS and "programme join" in verbs.COMMAND_NAMES
    assert verbs.DIRECT_VERBS == {"progress", "quiet", "help", "actions", "export", "forget-me",
                                  "status",
                                  "checkins", "apologies", "members", "summaries", "summary",
                                  "action", "away", "calendar", "language"}
    assert verbs.COORDINATOR_COMMANDS == {"programme coordinator", "programme code",
                                          "announce", "digest", "programme language"}


READ = [
    ("", Parsed("help", grammar.Help(verb=None))),
    ("  Programme   JOIN `abcd-1234` ", Parsed("programme join",
                                                grammar.ProgrammeJoin(code="ABCD-1234"))),
    ("export", Parsed("export", grammar.Export())),
    ("programme", Parsed("programme")),
    ("programme dance", Parsed("programme dance")),
    ("dance", Parsed("dance")),
    ("announce", Parsed("announce")),
]


@pytest.mark.parametrize(("text", "expected"), READ)
def test_a_line_is_read_once_into_name_and_command(text: str, expected: Parsed) -> None:
    parsed = read(text)
    assert parsed == expected
    assert (parsed.error is None) == (parsed.command is not None)


def test_routing_and_loading_use_the_read_line() -> None:
    code = read("programme join abcd-1234")
    assert join_code(code) == "ABCD-1234" and not needs_history(code)
    assert needs_history(read("export")) and join_code(read("export")) is None
    assert not needs_history(read("export " + "x" * 81)), "a line that did not parse loads nothing"
    assert join_code(None) is None and not needs_history(None)
    event = CommandIssued(where=dm("alice"), user=user("alice"), text="digest")
    assert route(event, read("digest")) == ByCoordinator(event.user)
    assert route(event, read("status")) == ByUser(event.user)


def test_buttons_that_open_a_form_are_answered_at_once() -> None:
    forms = {b.name for b in BUTTONS if b.opens_form}
    assert forms == verbs.FORM_BUTTONS == {"present", "commit", "report", "insight", "change"}
    for name in forms - {"change"}:  # a check-in's Change it needs no meeting
        assert f"stage.needed.{name}" in ENGLISH, "open_form says which stage it needs"
