"""Which scheduled slot a meeting stands for: one rule for apologies and the schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

EARLY = timedelta(days=3)  # a meeting started up to this long before its slot is that meeting
LATE = timedelta(hours=12)  # ... or up to this long after it


def stands_for(meeting_at: datetime, started_at: datetime) -> bool:
    """Whether a meeting started at ``started_at`` is the one scheduled at ``meeting_at``."""
    return meeting_at - EARLY <= started_at <= meeting_at + LATE
