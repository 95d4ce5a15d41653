"""``/healthz`` and ``/metrics`` on PORT, served by a real ``revans run`` next to Slack's
``/slack/events`` (one server), and the health check against a database that goes away."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from bot.web import WebServer
from storage.database import Database
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SlackSender
from tests.ops.conftest import NEEDS_POSTGRES
from tests.support.processes import (
    RevansProcess,
    TcpProxy,
    base_env,
    free_port,
    until_async,
)

SECRET = "ops-secret"


def slack_process(fake: FakeSlackAPI, folder: Path, database_url: str,
                  name: str = "revans", **extra: str) -> RevansProcess:
    port = free_port()
    env = base_env(SLACK_BOT_TOKEN="xoxb-ops", SLACK_SIGNING_SECRET=SECRET,
                   SLACK_API_BASE_URL=fake.base_url, PORT=str(port), DATABASE_URL=database_url,
                   **extra)
    return RevansProcess(env=env, folder=folder, name=name, port=port)


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if match and match[1] == name:
            found = ",".join(sorted((match[2] or "").split(","))) if match[2] else ""
            if found == wanted:
                return float(match[3])
    return 0.0


async def test_one_server_answers_slack_health_and_metrics(fake_slack: FakeSlackAPI,
                                                           tmp_path: Path,
                                                           database_url: str) -> None:
    bot = slack_process(fake_slack, tmp_path, database_url, LOG_FORMAT="json").start()
    try:
        async with aiohttp.ClientSession() as session:
            await bot.wait_healthy(session)
            async with session.get(f"{bot.url}/metrics") as response:
                assert response.status == 200
                before = await response.text()
            send = SlackSender(f"{bot.url}/slack/events", SECRET, session)
            status, _, _ = await send.command(user="UALICE", channel="C1", text="create Ops")
            assert status == 200
            await fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postMessage"), 10)

            async def counted() -> str | None:
                async with session.get(f"{bot.url}/metrics") as response:
                    text = await response.text()
                done = (metric(text, "revans_events_handled_total", type="CommandIssued",
                               outcome="decided") >= 1
                        and metric(text, "revans_event_handling_seconds_count") >= 1)
                return text if done else None

            after = await until_async(counted, 10, "the event to be counted")
        assert metric(before, "revans_events_handled_total", type="CommandIssued",
                      outcome="decided") == 0
        assert metric(after, "revans_event_handling_seconds_bucket", le="+Inf") >= 1
    finally:
        bot.cleanup()
    lines = [line for line in bot.output().splitlines() if line.startswith("{")]
    assert lines, bot.output()
    assert any('"event_id"' in line and '"platform": "slack"' in line and '"set_id"' in line
               for line in lines), "\n".join(lines[-20:])


async def test_healthz_is_503_when_the_database_does_not_answer() -> None:
    nowhere = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/revans")
    web = WebServer(nowhere, host="127.0.0.1", port=0)
    await web.start()
    try:
        async with aiohttp.ClientSession() as session:
            started = time.monotonic()
            async with session.get(f"http://127.0.0.1:{web.port}/healthz") as response:
                assert response.status == 503
                assert "database" in await response.text()
            assert time.monotonic() - started < 3
            async with session.get(f"http://127.0.0.1:{web.port}/metrics") as response:
                assert response.status == 200
    finally:
        await web.stop()
        await nowhere.dispose()


@NEEDS_POSTGRES
async def test_healthz_follows_the_database_away_and_back(fake_slack: FakeSlackAPI,
                                                          tmp_path: Path,
                                                          database_url: str) -> None:
    """The process reaches PostgreSQL through a proxy we can cut: 200, cut → 503 while the
    process keeps running, restored → 200 again."""
    real = make_url(os.environ["REVANS_TEST_DATABASE_URL"])
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    through_proxy = real.set(port=proxy.port).render_as_string(hide_password=False)
    bot = slack_process(fake_slack, tmp_path, through_proxy).start()
    try:
        async with aiohttp.ClientSession() as session:
            await bot.wait_healthy(session)

            async def status() -> int:
                async with session.get(f"{bot.url}/healthz") as response:
                    return response.status

            await proxy.stop()
            await until_async(lambda: _is(status, 503), 10, "/healthz to say 503")
            assert bot.alive()
            await proxy.start()
            await until_async(lambda: _is(status, 200), 15, "/healthz to say 200 again")
            assert bot.alive()
    finally:
        bot.cleanup()
        await proxy.stop()


async def _is(status, expected: int) -> bool:  # type: ignore[no-untyped-def]
    return await status() == expected
