"""Platforms are plugins: nothing outside ``adapters/`` names one, adapters never import
``storage``, and every registered platform offers the same small surface."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from adapters import registry
from bot.platform import Platform

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_NAME = re.compile("|".join(plugin.name for plugin in registry.platforms()),
                           re.IGNORECASE)
# Named, so that any new mention fails: the catalogue keeps each adapter's own words under
# ``platform.<name>.*`` (one catalogue for every language), and the question classifier
# strips every platform's link markup before it reads a message.
EXEMPT = {"bot/core/messages.py", "bot/core/questions.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (documentation, like comments)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _code_words(path: Path) -> list[str]:
    """Every name and string literal of a module's code (comments and docstrings left out)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = _docstrings(tree)
    words = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, ast.alias):
            words.append(node.name)
        elif isinstance(node, ast.ImportFrom) and node.module:
            words.append(node.module)
        elif isinstance(node, ast.arg):
            words.append(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            words.append(node.name)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings):
            words.append(node.value)
    return words


def test_nothing_in_bot_or_config_names_a_platform() -> None:
    offenders = []
    for folder in ("bot", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if str(path.relative_to(ROOT)) in EXEMPT:
                continue
            for word in _code_words(path):
                if PLATFORM_NAME.search(word):
                    offenders.append(f"{path.relative_to(ROOT)}: {word!r}")
    assert offenders == []


def test_the_scan_would_see_a_platform_named_in_code(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""Slack is named in the docstring only."""\n'
                      "# and discord in a comment\n"
                      "def f():\n    return 'slack'\n")
    assert _code_words(module).count("slack") == 1
    assert not any("Slack" in word or "discord" in word for word in _code_words(module))


def test_adapters_never_import_storage() -> None:
    offenders = []
    for path in sorted((ROOT / "adapters").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in names
                          if name.split(".")[0] == "storage"]
    assert offenders == []


@pytest.mark.parametrize("plugin", registry.platforms(), ids=lambda plugin: plugin.name)
def test_each_registered_platform_offers_the_surface(plugin: Platform,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(plugin, Platform)
    assert plugin.name and plugin.name.isidentifier()
    for line in plugin.needs().splitlines():
        assert line.strip()
    for name in list(__import__("os").environ):
        if name.upper().startswith(plugin.name.upper() + "_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(ROOT / "tests")  # no .env here
    assert plugin.configured() is False


def test_the_registry_is_one_line_a_platform() -> None:
    names = [plugin.name for plugin in registry.platforms()]
    assert len(names) == len(set(names)) == len(registry.MODULES)


def test_the_shared_splitter_keeps_every_character_but_the_breaks() -> None:
    from bot.outbox import split_text

    lines = [f"  line {i} " + "x" * (i * 7 % 90) for i in range(300)]
    text = "\n".join(lines)
    pieces = split_text(text, 500)
    assert all(len(piece) <= 500 for piece in pieces)
    assert "\n".join(pieces) == text  # cut only at line breaks; indentation kept
    words = " ".join(f"word{i}" for i in range(400))
    assert " ".join(split_text(words, 100)) == words
    unbroken = "y" * 450
    assert split_text(unbroken, 100) == ["y" * 100] * 4 + ["y" * 50]
    entity = "a" * 98 + "&amp;" + "b"
    assert split_text(entity, 100, keep_entities=True) == ["a" * 98, "&amp;b"]
    assert split_text("", 100) == [""]


def test_an_unknown_effect_is_a_loud_error() -> None:
    import asyncio
    from dataclasses import dataclass

    from bot.core.effects import Post
    from bot.outbox import Outbox, carries

    @dataclass(frozen=True)
    class Strange:
        where: object = None

    class Recording(Outbox):
        platform = "test"

        def __init__(self) -> None:
            self.sent: list[object] = []

        @carries(Post)
        async def post(self, effect: Post, reply: object) -> None:
            self.sent.append((effect, reply))

    outbox = Recording()
    with pytest.raises(TypeError, match="the test outbox cannot carry out Strange"):
        asyncio.run(outbox.send(Strange()))  # type: ignore[arg-type]
    assert outbox.sent == []
