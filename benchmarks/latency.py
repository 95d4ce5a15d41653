"""What the HTTP benchmarks share: waiting for a server to answer, and printing latencies."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Collection

import aiohttp


async def wait_up(url: str, *, body: bytes = b"", answers: Collection[int] = (200, 400, 401, 404),
                  timeout: float = 30.0) -> None:
    """Post ``body`` to ``url`` until it answers with one of ``answers`` (it is up)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.post(url, data=body) as response:
                    if response.status in answers:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not come up")
            await asyncio.sleep(0.1)


def summary(name: str, latencies: list[float], seconds: float) -> dict[str, float]:
    """Print one line (n, p50, p99, max, rate) and return p50 and p99 in milliseconds."""
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name:<36} n={len(ordered):>5}  p50={p50:7.2f} ms  p99={p99:7.2f} ms  "
          f"max={ordered[-1] * 1000:7.2f} ms  ({len(ordered) / seconds:6.0f} req/s)")
    return {"p50": p50, "p99": p99}
