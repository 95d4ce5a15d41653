"""The core stays pure: standard library and itself only, and every message it uses exists."""

from __future__ import annotations

import ast
import re
import string
import sys
from pathlib import Path

from bot.core.messages import ENGLISH, Plural

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"


def test_the_core_imports_only_the_standard_library_and_itself() -> None:
    offenders = []
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("bot", "__future__"):
                    offenders.append(f"{path.name}: {name}")
                if top == "bot" and not name.startswith("bot.core"):
                    offenders.append(f"{path.name}: {name} (outside the core)")
    assert offenders == []


def test_every_literal_message_key_in_the_core_exists() -> None:
    used = set()
    pattern = re.compile(r"""(?:\bt|whisper|refuse)\((?:[a-z_]+, )*"([a-z_.-]+)\"""")
    for path in CORE.glob("*.py"):
        used.update(pattern.findall(path.read_text()))
    assert used, "the scan found no keys at all"
    assert sorted(k for k in used if k not in ENGLISH) == []


def test_templates_are_well_formed() -> None:
    for key, entry in ENGLISH.items():
        for template in entry.forms if isinstance(entry, Plural) else (entry,):
            list(string.Formatter().parse(template))  # raises on a stray brace
            assert template.strip(), key


def test_each_dynamic_key_family_is_complete() -> None:
    from bot.core.model import Outcome, Progress, Stage

    for stage in Stage:
        assert f"stage.{stage.value}.what" in ENGLISH
    for stage in (Stage.REVIEW, Stage.PRESENTATION, Stage.QUESTIONING, Stage.COMMITMENT,
                  Stage.CLOSING):
        assert f"announce.{stage.value}" in ENGLISH
    for outcome in Outcome:
        assert f"outcome.{outcome.value}" in ENGLISH
    for progress in Progress:
        assert f"progress.{progress.value}" in ENGLISH
        assert f"checkin.noted.{progress.value}" in ENGLISH
    for answer in ("on-track", "stuck", "done", "snooze"):
        assert f"button.{answer}" in ENGLISH
    for verb in ("report", "commit", "present", "insight"):
        assert f"stage.needed.{verb}" in ENGLISH
