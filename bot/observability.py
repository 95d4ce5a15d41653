"""Metrics (Prometheus) and structured logs: what an operator of several processes needs to see.

Counters live in prometheus-client's default registry, so ``GET /metrics`` (``bot/web.py``)
serves them with the standard exposition format. Logs can be JSON lines (``LOG_FORMAT=json``);
the engine sets ``log_context`` around each event so every line logged while handling it
carries the event id, the set and the platform.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Histogram

EVENTS_HANDLED = Counter(
    "revans_events_handled_total", "Events the engine handled, by type and outcome",
    ["type", "outcome"])
EVENT_SECONDS = Histogram(
    "revans_event_handling_seconds", "Time to decide, commit and dispatch one event",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
PINGS = Counter(
    "revans_pings_total",
    "Pings by what became of them: delivered, missed (past grace), retried (a lease expired "
    "and another claim took it), released (given back unsent), deferred (a check-in not "
    "delivered, queued again)", ["result"])
PLATFORM_ERRORS = Counter(
    "revans_platform_api_errors_total", "Errors the platforms' APIs answered, by code",
    ["platform", "code"])

log_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "revans_log_context", default=None)


def count_platform_error(platform: str, code: object) -> None:
    """For adapters: one platform API error (``code`` as the platform names it)."""
    PLATFORM_ERRORS.labels(platform=platform, code=str(code) or "unknown").inc()


def count_pings(result: str, amount: int = 1) -> None:
    if amount:
        PINGS.labels(result=result).inc(amount)


@contextmanager
def logging_context(**values: str | None) -> Iterator[None]:
    """Add ``values`` (event_id, set_id, platform) to every log line inside the block."""
    merged = dict(log_context.get() or {})
    merged.update({key: value for key, value in values.items() if value})
    token = log_context.set(merged)
    try:
        yield
    finally:
        log_context.reset(token)


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the event context, extras."""

    _STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(log_context.get() or {})
        for key, value in record.__dict__.items():
            if key not in self._STANDARD and key not in line:
                line[key] = value if isinstance(value, int | float | bool | str) else str(value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
