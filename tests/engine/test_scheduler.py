"""The real APScheduler, on the real clock: a ping due in a second fires once, on time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.clock import SystemClock
from bot.core.effects import DirectMessage
from bot.scheduler import PingScheduler
from tests.support.core import dm
from tests.support.engine import EngineHarness


async def test_check_ins_armed_by_apscheduler_fire_once_on_the_second(database_url: str) -> None:
    h = await EngineHarness.open(database_url, clock=SystemClock())  # type: ignore[arg-type]
    scheduler = PingScheduler(h.runtime.delivery, sweep_seconds=30)
    scheduler.start()
    try:
        await h.cmd("alice", "create Real time")
        await h.cmd("bob", "join")
        await h.cmd("bob", "quiet off")
        await h.cmd("bob", "checkins 2s,3s")
        await h.cmd("alice", "start")
        await h.cmd("bob", "here bid")
        for _ in range(3):
            await h.cmd("alice", "next")
            await asyncio.sleep(0.01)
        committed_at = datetime.now(UTC)
        await h.cmd("bob", "commit Try the new rota")
        h.take()
        deadline = committed_at + timedelta(seconds=8)
        sent: list[DirectMessage] = []
        while datetime.now(UTC) < deadline and len(sent) < 2:
            await asyncio.sleep(0.1)
            sent += [e for e in h.take() if isinstance(e, DirectMessage)]
        assert len(sent) == 2, "both check-ins should have been delivered by their date jobs"
        elapsed = datetime.now(UTC) - committed_at
        assert elapsed >= timedelta(seconds=3)
        await asyncio.sleep(1.0)
        assert not [e for e in h.take() if isinstance(e, DirectMessage)], "never twice"
        await h.press("bob", sent[0].card.buttons[0].action, where=dm("bob"))
        assert "on track" in h.take()[-1].card.body
    finally:
        await scheduler.shutdown()
        await h.close()


async def test_the_sweep_delivers_what_fell_due_before_the_start(database_url: str) -> None:
    h = await EngineHarness.open(database_url, clock=SystemClock())  # type: ignore[arg-type]
    await h.cmd("alice", "create Sweep")
    ahead = datetime.now(UTC) + timedelta(days=200)  # within the year a schedule may reach
    await h.cmd("alice", f"schedule {ahead:%Y-%m-%d} 10:00")
    from sqlalchemy import update

    from storage.models import PingRow

    await h.execute(update(PingRow).values(due_at=datetime.now(UTC) - timedelta(minutes=5)))
    h.take()
    scheduler = PingScheduler(h.runtime.delivery, sweep_seconds=30)
    scheduler.start()
    try:
        for _ in range(50):
            await asyncio.sleep(0.1)
            if h.outbox.sent:
                break
        # Both reminders were stale (the schedule is months away), so the core drops them: the sweep
        # must still have claimed and finished them.
        from sqlalchemy import func, select

        statuses = await h.rows(select(PingRow.status, func.count()).group_by(PingRow.status))
        assert dict(statuses) == {"sent": 2}
    finally:
        await scheduler.shutdown()
        await h.close()
