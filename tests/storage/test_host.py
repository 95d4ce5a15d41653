"""What the host offers platform adapters: a persisted key/value store, message slots with
their lock, and a connection held by one process (on one database, always this one)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.clock import ManualClock
from bot.core.refs import ChannelRef
from bot.runtime import Runtime, build
from config.settings import Settings
from tests.support.engine import START

WHERE = ChannelRef(platform="chat", workspace="w1", channel="c1")


@pytest.fixture
async def host(database_url: str) -> AsyncIterator[Runtime]:
    runtime = await build(Settings(), clock=ManualClock(START), database_url=database_url)
    yield runtime
    await runtime.close()


async def test_adapter_state_is_kept_by_platform_and_key(host: Runtime) -> None:
    assert await host.adapter_state("chat", "sync-token") is None
    await host.set_adapter_state("chat", "sync-token", "s1")
    await host.set_adapter_state("other", "sync-token", "o1")
    await host.set_adapter_state("chat", "sync-token", "s2")  # replaced, not duplicated
    assert await host.adapter_state("chat", "sync-token") == "s2"
    assert await host.adapter_state("other", "sync-token") == "o1"
    await host.set_adapter_state("chat", "sync-token", None)
    assert await host.adapter_state("chat", "sync-token") is None
    assert await host.adapter_state("other", "sync-token") == "o1"


async def test_concurrent_writes_of_one_key_keep_one_value(host: Runtime) -> None:
    await asyncio.gather(*(host.set_adapter_state("chat", "k", str(n)) for n in range(8)))
    assert await host.adapter_state("chat", "k") in {str(n) for n in range(8)}


async def test_a_taken_value_is_read_once(host: Runtime) -> None:
    await host.set_adapter_state("chat", "dms-closed:u1", "1")
    assert await host.take_adapter_state("chat", "dms-closed:u1") == "1"
    assert await host.take_adapter_state("chat", "dms-closed:u1") is None
    assert await host.adapter_state("chat", "dms-closed:u1") is None


async def test_a_value_survives_a_restart(database_url: str) -> None:
    first = await build(Settings(), clock=ManualClock(START), database_url=database_url)
    await first.set_adapter_state("chat", "conversation:u1", '{"id": "a:1"}')
    await first.close()
    second = await build(Settings(), clock=ManualClock(START), database_url=database_url)
    try:
        assert await second.adapter_state("chat", "conversation:u1") == '{"id": "a:1"}'
    finally:
        await second.close()


async def test_slots_remember_a_message_per_channel_and_slot(host: Runtime) -> None:
    assert await host.slots.get(WHERE, "stage:m1") is None
    await host.slots.put(WHERE, "stage:m1", "ts-1")
    await host.slots.put(WHERE, "stage:m1", "ts-2")
    await host.slots.put(WHERE, "stage:m1", "")  # nothing posted: nothing to remember
    other = ChannelRef(platform="chat", workspace="w1", channel="c2")
    assert await host.slots.get(WHERE, "stage:m1") == "ts-2"
    assert await host.slots.get(other, "stage:m1") is None


async def test_one_slot_has_one_lock_while_it_is_held(host: Runtime) -> None:
    lock = host.slots.lock(WHERE, "stage:m1")
    async with lock:
        assert host.slots.lock(WHERE, "stage:m1") is lock
        assert host.slots.lock(WHERE, "stage:m2") is not lock


class Connection:
    def __init__(self) -> None:
        self.gateway_connected = False
        self.stopped = False

    def connect_gateway(self) -> None:
        self.gateway_connected = True

    async def stop(self) -> None:
        self.stopped = True


async def test_held_by_one_process_logs_in_and_connects_the_holder(host: Runtime) -> None:
    connections: list[Connection] = []

    async def log_in() -> Connection:
        connections.append(Connection())
        return connections[-1]

    service = await host.held_by_one_process("chat", "token-1", log_in)
    try:
        assert len(connections) == 1
        if host.db.is_sqlite:  # one process by design: always the holder
            assert connections[0].gateway_connected
    finally:
        await service.stop()
    assert connections[0].stopped


async def test_a_refused_log_in_is_raised_to_the_caller(host: Runtime) -> None:
    async def log_in() -> Connection:
        raise PermissionError("token refused")

    with pytest.raises(PermissionError, match="token refused"):
        await host.held_by_one_process("chat", "token-1", log_in)
