"""Ping delivery by several worker processes on one PostgreSQL database.

Run from the repository root (PostgreSQL: ``--database-url``, or ``REVANS_BENCH_DATABASE_URL``,
or neither, and a private cluster is started with ``.ci/postgres.sh`` and removed after)::

    python -m benchmarks.scale                              # 10,000 sets, 100,000 pings
    python -m benchmarks.scale --sets 1000 --pings 10000 --workers 1,2

What it measures (it prints numbers and never asserts):

For each worker count in ``--workers`` (default 1, 2 and 4): the database is emptied and
seeded with ``--sets`` sets (six members, an ended meeting, open commitments) and ``--pings``
check-in pings, all due (``benchmarks/engine.py``'s seeding, clock at noon UTC); then that many
fresh worker processes, started together, each run ``PingDelivery.run_due`` (claim a batch
``FOR UPDATE SKIP LOCKED``, decide it, dispatch, mark sent) until nothing is left to claim. Each
worker's outbox records the commitment of every check-in DM (appended to a file, so recording
costs no memory). Printed: wall time from "go" to the last worker done, pings per second, the
ratio of 4 workers' throughput to 1's, duplicates (a commitment DM'd twice) and losses (a
commitment never DM'd, or a ping row not ``sent``), both must be 0, and each worker's peak RSS
(``VmHWM``). Then once more with one worker and a tenth of the pings, to compare peak RSS:
it should stay flat (<= 1.2x) because delivery works in batches of 500.
Targets: 100,000 pings in < 60 s with 4 workers; 0 lost, 0 duplicated; RSS ratio <= 1.2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text

from benchmarks.engine import START, dm_commitment, hwm_mb, open_runtime, seed
from bot.clock import ManualClock
from bot.core.effects import DirectMessage, Effect
from storage.database import normalise_url
from storage.models import PingRow

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0
TARGET_RSS_RATIO = 1.2


class FileOutbox:
    """Appends the commitment of each check-in DM to a file; counts everything else."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("w", encoding="ascii")
        self.other = 0

    async def send(self, effect: Effect, reply: object = None) -> None:
        if isinstance(effect, DirectMessage):
            self.file.write(dm_commitment(effect) + "\n")
        else:
            self.other += 1

    def close(self) -> None:
        self.file.close()


async def worker(url: str, out: Path) -> None:
    """One worker process: open the runtime, say ready, wait for go, deliver, report JSON."""
    clock = ManualClock(START)
    runtime = await open_runtime(url, clock)
    outbox = FileOutbox(out)
    runtime.engine.outboxes["console"] = outbox
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    handled = await runtime.delivery.run_due()
    seconds = time.perf_counter() - started
    outbox.close()
    await runtime.close()
    print(json.dumps({"handled": handled, "seconds": seconds, "hwm_mb": hwm_mb(),
                      "other_effects": outbox.other}), flush=True)


def reset(url: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def ping_statuses(url: str) -> dict[str, int]:
    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        rows = connection.execute(select(PingRow.status, func.count()).group_by(PingRow.status))
        statuses = {status: count for status, count in rows}
    engine.dispose()
    return statuses


def run_workers(url: str, count: int, folder: Path) -> dict[str, Any]:
    """Start ``count`` workers, let them all go at once, wait for them, collect results."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    outs = [folder / f"worker{i}.txt" for i in range(count)]
    workers = [subprocess.Popen([sys.executable, __file__, "--worker", url, str(out)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                env=env, cwd=ROOT) for out in outs]
    try:
        for process in workers:
            line = process.stdout.readline()  # type: ignore[union-attr]
            if line.strip() != "ready":
                raise RuntimeError(f"a worker failed to start: {line!r}")
        started = time.perf_counter()
        for process in workers:
            process.stdin.write("go\n")  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
        results = []
        for process in workers:
            line = process.stdout.readline()  # type: ignore[union-attr]
            results.append(json.loads(line))
        wall = time.perf_counter() - started
        for process in workers:
            process.wait(30)
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
    received: Counter[str] = Counter()
    for out in outs:
        received.update(line.strip() for line in out.read_text().splitlines() if line.strip())
    return {"wall": wall, "workers": results, "received": received}


def measure(url: str, sets: int, pings: int, count: int, folder: Path) -> dict[str, Any]:
    reset(url)
    seeded = time.perf_counter()
    mapping = asyncio.run(seed(url, ManualClock(START), sets, pings))
    seeding = time.perf_counter() - seeded
    run = run_workers(url, count, folder)
    received: Counter[str] = run["received"]
    expected = set(mapping.values())
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lost_dms = len(expected - set(received))
    statuses = ping_statuses(url)
    lost_rows = pings - statuses.get("sent", 0)
    result = {"workers": count, "pings": pings, "sets": sets, "wall": run["wall"],
              "throughput": pings / run["wall"], "duplicates": duplicates,
              "lost": max(lost_dms, lost_rows), "statuses": statuses,
              "per_worker": run["workers"], "seeding": seeding}
    print(f"\n== {count} worker(s): {pings} pings over {sets} sets "
          f"(seeded in {seeding:.1f} s) ==")
    print(f"wall time           {run['wall']:.2f} s")
    print(f"throughput          {result['throughput']:.0f} pings/s")
    print(f"duplicates          {duplicates}")
    print(f"lost                {result['lost']} (DMs missing {lost_dms}, rows not sent "
          f"{lost_rows}); statuses {statuses}")
    for index, one in enumerate(run["workers"]):
        print(f"worker {index}            handled {one['handled']:>6} in {one['seconds']:.2f} s; "
              f"peak RSS {one['hwm_mb']:.1f} MB")
    return result


def private_cluster() -> tuple[str, str]:
    """Start a throwaway PostgreSQL with ``.ci/postgres.sh``; returns its URL and folder."""
    script = ("source .ci/postgres.sh >/dev/null; pg_up >&2; "
              "echo \"$REVANS_PG_URL $PG_DIR\"")
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    url, folder = done.stdout.split()
    return url, folder


def stop_cluster(folder: str) -> None:
    data = Path(folder) / "data"
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    command = [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, capture_output=True, check=False)
    subprocess.run(["rm", "-rf", folder], check=False)


def main(args: argparse.Namespace) -> None:
    url = args.database_url or os.environ.get("REVANS_BENCH_DATABASE_URL")
    cluster = None
    if not url:
        url, cluster = private_cluster()
        print(f"started a private PostgreSQL cluster in {cluster}")
    print(f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; clock at {START.isoformat()}")
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        counts = [int(part) for part in args.workers.split(",")]
        results = {count: measure(url, args.sets, args.pings, count, folder) for count in counts}
        small = measure(url, max(args.sets // 10, 1), args.pings // 10, 1, folder)
    finally:
        if cluster is not None:
            stop_cluster(cluster)
    largest = max(counts)
    print("\n== summary ==")
    for count, result in results.items():
        peak = max(worker["hwm_mb"] for worker in result["per_worker"])
        print(f"{count} worker(s)  {result['wall']:7.2f} s  {result['throughput']:7.0f} pings/s  "
              f"duplicates {result['duplicates']}  lost {result['lost']}  "
              f"peak RSS/process {peak:.1f} MB")
    if 1 in results and largest != 1:
        ratio = results[largest]["throughput"] / results[1]["throughput"]
        print(f"throughput ratio {largest}:1   {ratio:.2f}")
    big_rss = max(w["hwm_mb"] for w in results[counts[0]]["per_worker"])
    small_rss = small["per_worker"][0]["hwm_mb"]
    print(f"peak RSS, 1 worker: {small_rss:.1f} MB for {args.pings // 10} pings, "
          f"{big_rss:.1f} MB for {args.pings} ({counts[0]} worker(s)): ratio "
          f"{big_rss / small_rss:.2f} (target <= {TARGET_RSS_RATIO})")
    best = results[largest]
    print(f"{largest} workers: {args.pings} pings in {best['wall']:.1f} s "
          f"(target < {TARGET_SECONDS:.0f} s): "
          f"{'ok' if best['wall'] < TARGET_SECONDS else 'MISSED'}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (it is emptied!)")
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--pings", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2,4", help="worker counts, comma separated")
    parser.add_argument("--folder", default="/tmp/revans-bench-scale",
                        help="where workers write what they sent")
    parser.add_argument("--worker", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.worker:
        asyncio.run(worker(arguments.worker[0], Path(arguments.worker[1])))
    else:
        main(arguments)
