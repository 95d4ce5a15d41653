"""`revans run` as a process, configured the way an admin does it (environment only), driven
with signed HTTP requests while the fake Web API records what it says."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import aiohttp

from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import SlackSender


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_revans_run_serves_slack_over_http(fake_slack: FakeSlackAPI, tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLACK_", "DISCORD_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-run", SLACK_SIGNING_SECRET="run-secret",
               SLACK_API_BASE_URL=fake_slack.base_url, PORT=str(port),
               DATABASE_URL=f"sqlite:///{tmp_path}/run.db")
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env,
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/slack/events"
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 20
            while True:
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "revans run did not start"
                await asyncio.sleep(0.1)
            send = SlackSender(url, "run-secret", session)
            status, _, seconds = await send.command(user="UALICE", channel="C1",
                                                    text="create Practice")
            assert status == 200 and seconds < 1.0
            forged, _, _ = await send.post("text=x", "application/x-www-form-urlencoded",
                                           secret="wrong")
            assert forged == 401
            posted = await fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postMessage"))
        assert posted[0].token == "xoxb-run"
        assert "Action learning set: Practice" in posted[0].args["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=15)[0].decode()
    assert process.returncode == 0, output
    assert "Slack over HTTP" in output and "stopping" in output
