"""How many messages a second the Matrix adapter gets into a local Synapse.

Run it from the repository root (nothing leaves 127.0.0.1; Synapse is installed once under
``~/.cache/revans-synapse`` if missing)::

    python benchmarks/matrix_send.py                 # 200 messages, then 50 stage cards
    python benchmarks/matrix_send.py --messages 500 --cards 100 --concurrency 4

It starts a private Synapse (SQLite, raised rate limits, as the tests do), registers a bot and a
member who share a room, and times three send paths of the adapter: plain messages through the
retrying API client one after another, the same with several in flight, and whole stage cards
through the outbox (the message plus its three seeded reactions). Numbers are printed, never
asserted; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.matrix import render  # noqa: E402
from adapters.matrix.api import MatrixApi  # noqa: E402
from bot.core.cards import Button, Card, action_id  # noqa: E402
from tests.support.homeserver import Homeserver  # noqa: E402


def _card(n: int) -> Card:
    return Card(title=f"Meeting {n} of Leaders — opening", body="Say you're here.",
                buttons=(Button(label="Next stage", action=action_id("next", f"m{n}", "1")),
                         Button(label="I'm here", action=action_id("here", f"m{n}")),
                         Button(label="I'm here and I'd like time",
                                action=action_id("bid", f"m{n}"))))


async def _sequential(api: MatrixApi, room: str, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        await api.send(room, render.text_content(f"message {n}"))
    return count / (time.perf_counter() - started)


async def _concurrent(api: MatrixApi, room: str, count: int, width: int) -> float:
    queue = iter(range(count))

    async def worker() -> None:
        for n in queue:
            await api.send(room, render.text_content(f"concurrent {n}"))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(width)))
    return count / (time.perf_counter() - started)


async def _cards(api: MatrixApi, room: str, count: int) -> tuple[float, list[float]]:
    latencies = []
    started = time.perf_counter()
    for n in range(count):
        begun = time.perf_counter()
        card = _card(n)
        event_id = await api.send(room, render.card_content(card))
        for key in render.seeded_keys(card):
            await api.react(room, event_id, key)
        latencies.append(time.perf_counter() - begun)
    return count / (time.perf_counter() - started), latencies


async def main(messages: int, cards: int, width: int) -> None:
    with tempfile.TemporaryDirectory(prefix="revans-matrix-bench-") as folder:
        began = time.perf_counter()
        server = Homeserver(Path(folder)).start()
        print(f"Synapse up in {time.perf_counter() - began:.1f} s at {server.url}")
        try:
            bot = server.register("revans")
            member = server.register("alice")
            api = MatrixApi(server.url, bot.access_token, bot.user_id)
            try:
                room = await api.create_direct_room(member.user_id)
                await api.send(room, render.text_content("warm-up"))
                rate = await _sequential(api, room, messages)
                print(f"plain messages, one after another: {messages} at {rate:.1f} messages/s")
                rate = await _concurrent(api, room, messages, width)
                print(f"plain messages, {width} in flight:      {messages} at "
                      f"{rate:.1f} messages/s")
                rate, latencies = await _cards(api, room, cards)
                latencies.sort()
                print(f"stage cards with 3 reactions:      {cards} at {rate:.1f} cards/s "
                      f"({rate * 4:.1f} events/s); per card p50 "
                      f"{statistics.median(latencies) * 1000:.0f} ms, p99 "
                      f"{latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms")
            finally:
                await api.close()
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--cards", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.cards, args.concurrency))
