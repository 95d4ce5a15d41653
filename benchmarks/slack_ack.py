"""How fast Slack gets its ack from us, next to a bare Bolt app that only acks.

Run it from the repository root (nothing leaves 127.0.0.1)::

    python benchmarks/slack_ack.py                  # 50 clients, 3 rounds of 2000 requests
    python benchmarks/slack_ack.py --clients 50 --requests 4000 --rounds 5

It starts three processes: the fake Slack Web API (``tests/fakes/slack_api.py``), our app
(``start_slack`` over HTTP, a real SQLite file, the engine doing its work after each ack) and a
bare Bolt ``AsyncApp`` whose listeners only ack. Then 50 concurrent clients send correctly
signed requests to each in turn — a mix of ``/set status``, stage commands (``here``, ``here
bid``, ``next``) and channel message events during a running meeting — and it prints p50/p99
of the HTTP round trip, as Slack would see it. The apps take turns, round after round (our
app's background work is left to finish before the next measurement), and the median of the
rounds' p99 is compared. Numbers are printed, never asserted; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from benchmarks.latency import summary, wait_up  # noqa: E402
from tests.fakes.slack_requests import (  # noqa: E402
    FORM,
    JSON,
    SlackSender,
    command_body,
    message_body,
)

SECRET = "bench-secret"
CHANNEL = "CBENCH"
MEMBERS = [f"UMEMBER{i:02d}" for i in range(8)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------- the servers (child processes)


async def serve_fake(port_file: str) -> None:
    from tests.fakes.slack_api import FakeSlackAPI

    fake = await FakeSlackAPI().start()
    Path(port_file).write_text(str(fake.port))
    await asyncio.Event().wait()


async def serve_ours(api_port: int, port: int, database: str) -> None:
    import logging

    from adapters.slack.app import start_slack
    from adapters.slack.settings import SlackSettings
    from bot.runtime import build
    from config.settings import Settings

    logging.basicConfig(level=logging.WARNING)
    slack = SlackSettings(slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                          slack_api_base_url=f"http://127.0.0.1:{api_port}/api/")
    runtime = await build(Settings(database_url=f"sqlite:///{database}"))
    await start_slack(slack, runtime, host="127.0.0.1", port=port)
    await asyncio.Event().wait()


async def serve_bare(port: int, process_before_response: bool) -> None:
    """Bolt with listeners that only ack, served the way Bolt's own aiohttp adapter does."""
    import logging

    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.app.async_app import AsyncApp
    from slack_bolt.authorization import AuthorizeResult

    logging.basicConfig(level=logging.WARNING)

    async def authorize(**_: Any) -> AuthorizeResult:  # no Web API at all
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-bare",
                               bot_user_id="UBOT", bot_id="BBOT")

    app = AsyncApp(signing_secret=SECRET, authorize=authorize,
                   process_before_response=process_before_response)

    @app.command("/set")
    async def on_command(ack: Any) -> None:
        await ack()

    @app.event("message")
    async def on_message() -> None:
        return None

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    server = web.Application()
    server.router.add_post("/slack/events", events)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


# ---------------------------------------------------------------- the load


def request_mix(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(body, content type) for ``count`` requests: status, stage commands, channel talk."""
    rng = random.Random(seed)
    mix = []
    for index in range(count):
        member = rng.choice(MEMBERS)
        roll = rng.random()
        if roll < 0.3:
            mix.append((command_body(user=member, channel=CHANNEL, text="status"), FORM))
        elif roll < 0.55:
            text = rng.choice(["here", "here bid", "next"])
            mix.append((command_body(user=member, channel=CHANNEL, text=text), FORM))
        else:
            mix.append((message_body(user=member, channel=CHANNEL,
                                     text=f"What would change if you tried {index}?"), JSON))
    return mix



async def drive(url: str, mix: list[tuple[str, str]], clients: int) -> list[float]:
    """Send ``mix`` with ``clients`` concurrent senders; the latency of every request."""
    latencies: list[float] = []
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in mix:
        queue.put_nowait(item)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        sender = SlackSender(url, SECRET, session)

        async def client() -> None:
            while not queue.empty():
                body, content_type = queue.get_nowait()
                status, _, seconds = await sender.post(body, content_type)
                if status != 200:
                    raise RuntimeError(f"unexpected HTTP {status}")
                latencies.append(seconds)

        await asyncio.gather(*(client() for _ in range(clients)))
    return latencies


async def prepare_meeting(url: str) -> None:
    """A set in CBENCH with eight members and a running meeting, so the load does real work."""
    async with aiohttp.ClientSession() as session:
        sender = SlackSender(url, SECRET, session)
        await sender.post(command_body(user=MEMBERS[0], channel=CHANNEL,
                                       text="create Bench set"), FORM)
        await asyncio.sleep(0.5)
        for member in MEMBERS[1:]:
            await sender.post(command_body(user=member, channel=CHANNEL, text="join"), FORM)
        await asyncio.sleep(0.5)
        await sender.post(command_body(user=MEMBERS[0], channel=CHANNEL, text="start"), FORM)
        await asyncio.sleep(0.5)


async def wait_drained(api_port: int, quiet: float = 1.0, timeout: float = 300.0) -> float:
    """When the fake Slack API stopped receiving calls (our app's work after the acks)."""
    url = f"http://127.0.0.1:{api_port}/stats"
    last, last_change = -1, time.perf_counter()
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            async with session.get(url) as response:
                calls = (await response.json())["calls"]
            now = time.perf_counter()
            if calls != last:
                last, last_change = calls, now
            elif now - last_change >= quiet:
                return last_change
            await asyncio.sleep(0.05)
    return time.perf_counter()



async def measure(args: argparse.Namespace) -> None:
    me = [sys.executable, str(Path(__file__).resolve())]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="revans-bench-") as folder:
        port_file = Path(folder) / "fake.port"
        try:
            children.append(subprocess.Popen([*me, "--serve-fake", str(port_file)], env=env))
            deadline = time.monotonic() + 20
            while not port_file.exists() or not port_file.read_text():
                if time.monotonic() > deadline:
                    raise TimeoutError("the fake Slack API did not start")
                await asyncio.sleep(0.05)
            api_port = int(port_file.read_text())
            ours, bare, bare_pbr = free_port(), free_port(), free_port()
            children.append(subprocess.Popen(
                [*me, "--serve-ours", str(api_port), str(ours), str(Path(folder) / "b.db")],
                env=env))
            children.append(subprocess.Popen([*me, "--serve-bare", str(bare)], env=env))
            children.append(subprocess.Popen([*me, "--serve-bare-pbr", str(bare_pbr)], env=env))
            targets = [("ours (ack + engine work)", ours),
                       ("bare Bolt (default)", bare),
                       ("bare Bolt (process_before_response)", bare_pbr)]
            for _, port in targets:
                await wait_up(f"http://127.0.0.1:{port}/slack/events")
            await prepare_meeting(f"http://127.0.0.1:{ours}/slack/events")
            print(f"{args.clients} concurrent clients, {args.requests} signed requests per app "
                  f"and round, {args.rounds} rounds (30% /set status, 25% here/bid/next, "
                  f"45% channel messages)")
            for _, port in targets:  # warm up
                await drive(f"http://127.0.0.1:{port}/slack/events", request_mix(100, seed=1),
                            args.clients)
            await wait_drained(api_port)
            p99s: dict[str, list[float]] = {name: [] for name, _ in targets}
            for round_number in range(args.rounds):
                mix = request_mix(args.requests, seed=7 + round_number)
                print(f"round {round_number + 1}")
                for name, port in targets:
                    url = f"http://127.0.0.1:{port}/slack/events"
                    started = time.perf_counter()
                    latencies = await drive(url, mix, args.clients)
                    p99s[name].append(
                        summary(name, latencies, time.perf_counter() - started)["p99"])
                    if port == ours:
                        drained = await wait_drained(api_port) - started
                        print(f"{'':<36} background work (engine + Web API calls) done "
                              f"{drained:.1f} s after the first request")
            medians = {name: statistics.median(values) for name, values in p99s.items()}
            print("median p99: " + ", ".join(f"{name} {value:.1f} ms"
                                             for name, value in medians.items()))
            ours_p99 = medians[targets[0][0]]
            print(f"our p99 / bare (default) p99 = {ours_p99 / medians[targets[1][0]]:.2f} "
                  f"(target <= 1.5); / bare (process_before_response) p99 = "
                  f"{ours_p99 / medians[targets[2][0]]:.2f}")
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-fake")
    parser.add_argument("--serve-ours", nargs=3)
    parser.add_argument("--serve-bare", type=int)
    parser.add_argument("--serve-bare-pbr", type=int)
    args = parser.parse_args()
    try:
        if args.serve_fake:
            asyncio.run(serve_fake(args.serve_fake))
        elif args.serve_ours:
            api_port, port, database = args.serve_ours
            asyncio.run(serve_ours(int(api_port), int(port), database))
        elif args.serve_bare:
            asyncio.run(serve_bare(args.serve_bare, process_before_response=False))
        elif args.serve_bare_pbr:
            asyncio.run(serve_bare(args.serve_bare_pbr, process_before_response=True))
        else:
            asyncio.run(measure(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
