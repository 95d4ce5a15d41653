"""How fast Teams gets its answer from us: signed activities posted to ``/api/messages``, next to
Slack's ack figure.

Run it from the repository root (nothing leaves 127.0.0.1)::

    python benchmarks/teams_inbound.py                       # 20 clients, 3 rounds of 1000
    python benchmarks/teams_inbound.py --clients 50 --requests 2000 --no-slack

The fake Bot Connector (``tests/fakes/teams_connector.py``) runs in a child process of its
own, the load in this one, and our bot in a third (``start_teams`` on the runtime's web server,
a real SQLite file, the real Teams SDK checking every token). A set of eight members with a
running meeting is made, then concurrent clients post correctly signed activities
(``@Revans set status``, ``here``/``here bid``/``next``, and channel talk) and the HTTP round
trip is measured as Teams sees it. Unlike Slack's ack, Teams' answer comes after the work: the
engine decides and commits, and the replies are sent to the fake's service URL, before the
response. Then ``benchmarks/slack_ack.py`` runs one round for Slack's ack p99 on the same
machine. Numbers are printed, never asserted; run it on a quiet machine.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from benchmarks.latency import summary, wait_up  # noqa: E402
from tests.fakes.teams_connector import (  # noqa: E402
    ActivityFactory,
    Member,
    Place,
    TeamsConnectorFake,
)

CHANNEL = Place("19:bench-channel@thread.tacv2")
MEMBERS = [Member(f"29:1bench-member-{i:02d}", f"Member {i:02d}",
                  aad=f"00000000-0000-4000-8000-0000000000{i:02d}") for i in range(8)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_fake(info_file: str) -> None:
    """The fake in a process of its own; its port and signing key go to ``info_file``."""
    import json

    from cryptography.hazmat.primitives import serialization

    fake = TeamsConnectorFake().start()
    pem = fake.key.private_bytes(serialization.Encoding.PEM,
                                 serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    Path(info_file).write_text(json.dumps({"port": fake.port, "key": pem}))
    import threading

    threading.Event().wait()


def remote_fake(info_file: Path) -> TeamsConnectorFake:
    """A stand-in for the fake in the other process: same key and port, used to sign."""
    import json

    from cryptography.hazmat.primitives import serialization

    info = json.loads(info_file.read_text())
    key = serialization.load_pem_private_key(info["key"].encode(), password=None)
    return TeamsConnectorFake(key=key, port=int(info["port"]))  # type: ignore[arg-type]


async def serve_ours(port: int, database: str, app_id: str, password: str, tenant: str,
                     base_url: str) -> None:
    import logging

    from adapters.teams.app import start_teams
    from adapters.teams.settings import TeamsSettings
    from bot.runtime import build
    from config.settings import Settings

    logging.basicConfig(level=logging.WARNING)
    settings = TeamsSettings(
        teams_app_id=app_id, teams_app_password=password, teams_tenant_id=tenant,
        teams_openid_metadata_url=f"{base_url}/v1/.well-known/openidconfiguration",
        teams_login_url=base_url, teams_service_url=f"{base_url}/teams/")
    runtime = await build(Settings(database_url=f"sqlite:///{database}"))
    assert runtime.web is not None
    runtime.web.host, runtime.web.port = "127.0.0.1", port
    await start_teams(settings, runtime)
    await runtime.web.start()
    await asyncio.Event().wait()


def activity_mix(make: ActivityFactory, count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    mix = []
    for index in range(count):
        member = rng.choice(MEMBERS)
        roll = rng.random()
        if roll < 0.3:
            mix.append(make.message(member, CHANNEL, "set status", mention_bot=True))
        elif roll < 0.55:
            text = rng.choice(["set here", "set here bid", "set next"])
            mix.append(make.message(member, CHANNEL, text, mention_bot=True))
        else:
            mix.append(make.message(member, CHANNEL, f"What would change if you tried {index}?"))
    return mix


async def drive(fake: TeamsConnectorFake, url: str, mix: list[dict], clients: int
                ) -> list[float]:
    latencies: list[float] = []
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for item in mix:
        queue.put_nowait(item)
    tokens = [fake.token_for() for _ in range(8)]  # Teams reuses a token for an hour
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client(number: int) -> None:
            import json

            headers = {"Content-Type": "application/json",
                       "Authorization": f"Bearer {tokens[number % len(tokens)]}"}
            while not queue.empty():
                activity = queue.get_nowait()
                started = time.perf_counter()
                async with session.post(url, data=json.dumps(activity),
                                        headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"unexpected HTTP {response.status}")
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies




async def measure(args: argparse.Namespace) -> float:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory(prefix="revans-bench-") as folder:
        info = Path(folder) / "fake.json"
        fake_process = subprocess.Popen([*me, "--serve-fake", str(info)], env=env)
        deadline = time.monotonic() + 30
        while not info.exists() or not info.read_text():
            if time.monotonic() > deadline:
                raise TimeoutError("the fake Bot Connector did not start")
            await asyncio.sleep(0.05)
        fake = remote_fake(info)
        make = ActivityFactory(fake)
        child = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve-ours", str(port),
             str(Path(folder) / "t.db"), fake.app_id, fake.app_password, fake.tenant_id,
             fake.base_url], env=env)
        try:
            url = f"http://127.0.0.1:{port}/api/messages"
            await wait_up(url, body=b"{}")
            setup = [make.message(MEMBERS[0], CHANNEL, "set create Bench set", mention_bot=True)]
            setup += [make.message(m, CHANNEL, "set join", mention_bot=True) for m in MEMBERS[1:]]
            setup += [make.message(MEMBERS[0], CHANNEL, "set start", mention_bot=True)]
            await drive(fake, url, setup, 1)
            print(f"{args.clients} concurrent clients, {args.requests} signed activities a "
                  f"round, {args.rounds} rounds (30% status, 25% here/bid/next, 45% channel "
                  f"talk); each answered after the engine's work and the replies it sent")
            await drive(fake, url, activity_mix(make, 100, seed=1), args.clients)  # warm up
            p99s = []
            for round_number in range(args.rounds):
                mix = activity_mix(make, args.requests, seed=7 + round_number)
                started = time.perf_counter()
                latencies = await drive(fake, url, mix, args.clients)
                p99s.append(summary(f"Teams round {round_number + 1} (answered)", latencies,
                                    time.perf_counter() - started)["p99"])
            print(f"Teams: median p99 of signed activities answered = "
                  f"{statistics.median(p99s):.1f} ms")
            return statistics.median(p99s)
        finally:
            for process in (child, fake_process):
                process.terminate()
                process.wait(timeout=10)


def slack_figure(args: argparse.Namespace) -> None:
    print("Slack, for comparison (benchmarks/slack_ack.py, one round):")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "slack_ack.py"), "--rounds", "1",
         "--requests", str(args.requests), "--clients", str(args.clients)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=900)
    lines = [line for line in result.stdout.splitlines() if "median p99" in line
             or line.startswith("ours")]
    print("\n".join(f"  {line}" for line in lines) or result.stderr[-500:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-slack", action="store_true", help="skip Slack's ack figure")
    parser.add_argument("--serve-ours", nargs=6)
    parser.add_argument("--serve-fake")
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.serve_fake)
        return
    if args.serve_ours:
        port, database, app_id, password, tenant, base_url = args.serve_ours
        try:
            asyncio.run(serve_ours(int(port), database, app_id, password, tenant, base_url))
        except KeyboardInterrupt:
            pass
        return
    asyncio.run(measure(args))
    if not args.no_slack:
        slack_figure(args)


if __name__ == "__main__":
    main()
