"""SIGTERM on a real ``revans run`` in the middle of delivering check-ins: it answers 503 to new
requests, finishes or gives back what it holds, and exits within 10 s; afterwards no ping is
left claimed, and every check-in a member got is marked sent (so no one sends it again)."""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
from sqlalchemy import select

from storage import database
from storage.models import PingRow
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SlackSender
from tests.ops.test_web import SECRET, slack_process
from tests.support.processes import until
from tests.support.seed import commitments_in, ping_statuses, seed_checkins


async def _status_by_ping(url: str) -> dict[str, str]:
    db = database.Database(url)
    try:
        return await db.run(lambda session: dict(
            session.execute(select(PingRow.id, PingRow.status)).all()))
    finally:
        await db.dispose()


async def test_sigterm_while_delivering(fake_slack: FakeSlackAPI, tmp_path: Path,
                                        database_url: str) -> None:
    mapping = await seed_checkins(database_url, sets=30, pings=300)
    fake_slack.delay("chat.postMessage", 0.05)  # 300 DMs take 15 s: more than the 10 s we have
    bot = slack_process(fake_slack, tmp_path, database_url).start()
    refused = []
    try:
        await until(lambda: len(fake_slack.calls_to("chat.postMessage")) >= 20, 30,
                    "check-ins to start going out")
        bot.terminate()
        stopped_at = time.monotonic()
        async with aiohttp.ClientSession() as session:
            send = SlackSender(f"{bot.url}/slack/events", SECRET, session)
            try:
                status, _, _ = await send.command(user="UX", channel="CX", text="create Late")
                refused.append(status)
            except aiohttp.ClientError:
                refused.append("not listening")
        await until(lambda: not bot.alive(), 12, "the process to exit")  # the fake keeps serving
        code = bot.wait(1)
        took = time.monotonic() - stopped_at
    finally:
        bot.cleanup()
    assert code == 0, bot.output()
    assert took < 10, f"took {took:.1f} s to stop"
    assert refused and refused[0] in (503, "not listening"), refused
    statuses = await ping_statuses(database_url)
    assert statuses.get("sending", 0) == 0, statuses
    by_ping = await _status_by_ping(database_url)
    got = [commitment for call in fake_slack.calls_to("chat.postMessage")
           for commitment in commitments_in(call.dump())]
    assert len(got) == len(set(got)), "a check-in went out twice"
    for commitment in got:
        assert by_ping[mapping[commitment]] == "sent", commitment
    assert statuses.get("sent", 0) == len(got)
    assert statuses.get("pending", 0) == 300 - len(got), statuses
    assert "released" in bot.output() or "given back" in bot.output(), bot.output()[-2000:]
