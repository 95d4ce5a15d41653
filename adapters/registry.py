"""The platforms ``revans run`` can start: one line each (``adapters/<name>/__init__.py``
exposes ``PLUGIN``, a ``bot.platform.Platform``). A new platform is a folder and a line here."""

from __future__ import annotations

import importlib

from bot.platform import Platform

MODULES = (
    "adapters.slack",
    "adapters.discord",
    "adapters.teams",
    "adapters.matrix",
)


def platforms() -> list[Platform]:
    """Every registered platform's plugin, in the order above."""
    return [importlib.import_module(module).PLUGIN for module in MODULES]
