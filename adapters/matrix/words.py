"""The Matrix adapter's own words (reaction keys, threads, encryption), from the message
catalogue, where each platform keeps its words under ``platform.<name>.*``."""

from __future__ import annotations

from bot.core.messages import t as catalogue


def t(message: str, **params: object) -> str:
    """``platform.matrix.<message>`` as the core's markup, with ``params`` filled in."""
    return catalogue(f"platform.matrix.{message}", **params)
