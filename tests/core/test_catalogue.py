"""The catalogue and the code agree: every message id the code uses exists, every entry is used,
and each call gives exactly the placeholders its template has (a static scan of the code)."""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from bot.core import verbs
from bot.core.messages import ENGLISH, Entry, Plural, plain, t, template
from bot.core.model import Stage
from bot.core.programme import DIGEST_CSV_COLUMNS
from bot.core.views import REPORT_CHOICES

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [*sorted((ROOT / "bot").rglob("*.py")), *sorted((ROOT / "adapters").rglob("*.py"))]
# Functions that take a message id, and the position of the id among their arguments.
KEY_ARGUMENT = {"t": 0, "plain": 0, "template": 0, "whisper": 1, "refuse": 2}
RESERVED: set[str] = set()  # keyword arguments of ``t`` that are not placeholders (none)
# Modules that build ids from the verb table: their ids are checked against the table itself.
TABLE_READERS = {"verbs.py", "commands.py"}


def placeholders(entry: Entry) -> set[str]:
    forms = entry.forms if isinstance(entry, Plural) else (entry,)
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


@dataclass
class Scan:
    literals: set[str] = field(default_factory=set)  # every string constant in the code
    calls: list[tuple[str, str, set[str] | None]] = field(default_factory=list)
    families: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)


def _family(node: ast.JoinedStr) -> re.Pattern[str] | None:
    """``f"stage.{x}.what"`` as ``stage\\.[^.\\s]+\\.what``; None unless it starts with an id's
    first segment (``f"{a}.{b}"`` could be anything)."""
    first = node.values[0] if node.values else None
    if not (isinstance(first, ast.Constant) and re.match(r"^[a-z_]+\.", str(first.value))):
        return None
    parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"[^.\s]+"
             for v in node.values]
    return re.compile("".join(parts))


def _platform_prefix(path: Path, call: ast.Call) -> str:
    """An adapter's ``words.t("keys")`` names ``platform.<adapter>.keys``: each platform keeps
    its own words under that prefix."""
    func = call.func
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == "words" and "adapters" in path.parts):
        return f"platform.{path.parts[path.parts.index('adapters') + 1]}."
    return ""


def scan() -> Scan:
    found = Scan()
    for path in SCANNED:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.literals.add(node.value)
            elif (isinstance(node, ast.JoinedStr) and path.name not in TABLE_READERS
                  and (family := _family(node)) is not None):
                found.families.append((f"{path.name}:{node.lineno}", family))
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            position = KEY_ARGUMENT.get(name or "")
            if position is None or len(node.args) <= position:
                continue
            key = node.args[position]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                given = None if any(k.arg is None for k in node.keywords) else {
                    k.arg for k in node.keywords if k.arg not in RESERVED}
                found.calls.append((f"{path.name}:{node.lineno}",
                                    _platform_prefix(path, node) + key.value, given))
    return found


SCANNED_CODE = scan()


def from_the_verb_table() -> set[str]:
    ids = {"command.set"}
    for verb in verbs.TABLE:
        ids |= {verb.usage_id, verb.help_id}
        for typed in verb.typed:
            ids.add(typed.description_id)
            for option in typed.options:
                ids.add(typed.option_description_id(option))
                ids |= {typed.choice_label_id(option, choice) for choice in option.choices}
            if len(typed.path) == 2:
                ids.add(f"command.{typed.path[0]}")
    for group in verbs.GROUPS.values():
        ids |= {group.usage_id, group.help_id, group.description_id}
    return ids


def test_the_scan_sees_the_code() -> None:
    assert len(SCANNED_CODE.calls) > 200 and len(SCANNED_CODE.families) > 10


def test_every_message_id_the_code_names_exists() -> None:
    missing = [(where, key) for where, key, _ in SCANNED_CODE.calls if key not in ENGLISH]
    assert missing == []
    assert sorted(from_the_verb_table() - set(ENGLISH)) == []


def test_every_family_of_ids_built_in_the_code_has_entries() -> None:
    empty = [where for where, family in SCANNED_CODE.families
             if not any(family.fullmatch(key) for key in ENGLISH)]
    assert empty == []
    for stage in Stage:
        assert f"stage_name.{stage.value}" in ENGLISH
    for column in DIGEST_CSV_COLUMNS:
        assert f"digest.csv.{column}" in ENGLISH
    for choice in REPORT_CHOICES:
        assert f"form.report.outcome.{choice}" in ENGLISH


def test_every_entry_is_used() -> None:
    used = (SCANNED_CODE.literals & set(ENGLISH)) | from_the_verb_table()
    unused = [key for key in ENGLISH if key not in used
              and not any(family.fullmatch(key) for _, family in SCANNED_CODE.families)]
    assert unused == []


def test_each_call_gives_exactly_its_templates_placeholders() -> None:
    mismatched = []
    for where, key, given in SCANNED_CODE.calls:
        if given is None or key not in ENGLISH:
            continue  # ``**params`` passed on: checked where they are made
        wanted = placeholders(ENGLISH[key])
        if isinstance(ENGLISH[key], Plural):
            wanted.add("count")
        if given != wanted:
            mismatched.append((where, key, sorted(given ^ wanted)))
    assert mismatched == []


def test_plural_forms_and_reserved_names() -> None:
    for key, entry in ENGLISH.items():
        assert not placeholders(entry) & RESERVED, key
        if isinstance(entry, Plural):
            assert "count" in placeholders(entry) or "{" not in entry.other, key
    assert t("announce.sent", count=1) == "Posted to 1 channel."
    assert t("announce.sent", count=3) == "Posted to 3 channels."
    assert t("schedule.when_every", when="Tue", count=1) == "Tue, then every week"
    assert plain("schedule.when_every", when="<b>", count=2) == "<b>, then every 2 weeks"


def test_a_second_language_is_its_catalogue_with_its_plural_rule() -> None:
    from bot import i18n
    from bot.core import language

    with language.speaking(i18n.voice("sv")):
        assert t("announce.sent", count=1) == "Skickat till 1 kanal."
        assert t("announce.sent", count=2) == "Skickat till 2 kanaler."
        assert template("announce.sent", count=1) == "Skickat till {count} kanal."
    assert template("announce.sent", count=1) == "Posted to {count} channel."
