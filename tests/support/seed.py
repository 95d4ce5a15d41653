"""Bulk-seeded sets with due check-in pings, for tests that run real processes against the
database (after ``benchmarks/engine.py``'s seeding): rows inserted directly, so thousands of
pings fall due at once without driving thousands of meetings."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from bot.core.model import DEFAULT_TIMEBOXES
from storage import database
from storage.models import (
    CommitmentRow,
    MeetingRow,
    MemberRow,
    PingRow,
    ProfileRow,
    SetRow,
)

MEMBERS_PER_SET = 4
COMMITMENT = re.compile(r"c\d{5}x\d{3}")


async def seed_checkins(url: str, *, sets: int, pings: int, platform: str = "slack",
                        workspace: str = "T1", now: datetime | None = None,
                        due_within: timedelta = timedelta(minutes=10),
                        first_set: int = 0) -> dict[str, str]:
    """``sets`` sets of Slack (or ``platform``) members with ``pings`` check-in pings in all,
    due during the last ``due_within``; no quiet hours, so they go out whatever the hour.
    Returns commitment id → ping id (a check-in DM names its commitment in its buttons)."""
    now = now or datetime.now(UTC)
    db = database.Database(url)
    try:
        await database.upgrade(db)
        rows: dict[type, list[dict[str, Any]]] = {model: [] for model in (
            SetRow, MemberRow, ProfileRow, MeetingRow, CommitmentRow, PingRow)}
        per_set, extra = divmod(pings, sets)
        mapping: dict[str, str] = {}
        spread = due_within.total_seconds()
        for s in range(first_set, first_set + sets):
            set_id = f"set{s:05d}"
            users = [f"U{s:05d}N{i}" for i in range(MEMBERS_PER_SET)]
            keys = [f"{platform}:{workspace}:{user}" for user in users]
            made = now - timedelta(days=7)
            rows[SetRow].append(dict(
                id=set_id, name=f"Set {s}", home_key=f"{platform}:{workspace}:C{s:05d}",
                timezone="UTC", facilitator_key=keys[0],
                timeboxes={k.value: v for k, v in DEFAULT_TIMEBOXES.items()},
                checkin_offsets="7d,-2d", checkins_paused=False, auto_advance=False,
                next_meeting_at=None, cadence_weeks=None, meetings_held=1,
                created_at=now - timedelta(days=30), version=1))
            rows[MemberRow].extend(dict(set_id=set_id, user_key=key, name=f"Member {i}",
                                        joined_at=now - timedelta(days=30), left_at=None,
                                        org=None) for i, key in enumerate(keys))
            rows[ProfileRow].extend(dict(user_key=key, quiet_start=None, quiet_end=None,
                                         timezone="UTC") for key in keys)
            meeting_id = f"mtg{s:05d}"
            rows[MeetingRow].append(dict(
                id=meeting_id, set_id=set_id, number=1, stage="ended", seq=12,
                started_at=made, stage_started_at=made, facilitator_key=keys[0],
                attendance=keys, bids=keys[:2], reviewees=[], presenter_index=1,
                last_advance_at=made, last_advance_by=keys[0], ended_at=made,
                summary="Summary"))
            for c in range(per_set + (1 if s - first_set < extra else 0)):
                commitment_id = f"c{s:05d}x{c:03d}"
                ping_id = f"p{s:05d}x{c:03d}"
                owner = keys[c % MEMBERS_PER_SET]
                rows[CommitmentRow].append(dict(
                    id=commitment_id, set_id=set_id, meeting_id=meeting_id, owner_key=owner,
                    text=f"Commitment {c} of set {s}", due_at=now + timedelta(days=21),
                    created_at=made, outcome=None, account="", reviewed_meeting_id=None,
                    last_pinged_at=None, progress=None))
                due = now - timedelta(seconds=spread * ((s * 7 + c) % 100) / 100 + 1)
                rows[PingRow].append(dict(
                    id=ping_id, kind="checkin", set_id=set_id, due_at=due, status="pending",
                    user_key=owner, commitment_id=commitment_id, meeting_id=None, stage=None,
                    seq=None, claimed_until=None, attempts=0, done_at=None))
                mapping[commitment_id] = ping_id

        def store(session: Any) -> None:
            for model, values in rows.items():
                if values:
                    session.execute(insert(model), values)

        await db.run(store)
    finally:
        await db.dispose()
    return mapping


async def ping_statuses(url: str) -> dict[str, int]:
    """How many pings are in each status now."""
    db = database.Database(url)
    try:
        return await db.run(lambda session: {
            status: count for status, count in session.execute(
                select(PingRow.status, func.count()).group_by(PingRow.status))})
    finally:
        await db.dispose()


def commitments_in(text: str) -> list[str]:
    """The commitment ids a posted message names (in its check-in buttons)."""
    return sorted(set(COMMITMENT.findall(text)))
