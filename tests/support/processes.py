"""Real ``revans run`` processes for the operations tests: started with an environment the
way an operator configures one, polled (never slept on) until they answer, always killed by
their own pid at the end."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_env(**values: str) -> dict[str, str]:
    """The test's environment without any platform credentials, plus ``values``."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SLACK_", "DISCORD_")) and key not in ("DATABASE_URL", "PORT")}
    env.update(PYTHONPATH=str(ROOT), LOG_LEVEL="INFO")
    env.update(values)
    return env


@dataclass
class RevansProcess:
    """One ``revans run``; its output goes to a file so a full pipe never blocks it."""

    env: dict[str, str]
    folder: Path
    name: str = "revans"
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.folder / f"{self.name}.log"

    def start(self) -> RevansProcess:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"],
                                            env=self.env, cwd=self.folder, stdout=log,
                                            stderr=subprocess.STDOUT)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def wait_healthy(self, session: aiohttp.ClientSession, timeout: float = 30) -> None:
        async def healthy() -> bool:
            assert self.alive(), f"{self.name} exited:\n{self.output()}"
            try:
                async with session.get(f"{self.url}/healthz") as response:
                    return response.status == 200
            except aiohttp.ClientError:
                return False

        await until_async(healthy, timeout, f"{self.name} to answer /healthz")

    def terminate(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]

    def kill(self) -> None:
        """``kill -9``: no goodbye, nothing released."""
        if self.alive():
            self.process.kill()  # type: ignore[union-attr]
            self.process.wait(10)  # type: ignore[union-attr]

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def cleanup(self) -> None:
        """For ``finally``: whatever state it is in, it is gone afterwards."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass


async def until(condition: Callable[[], Any], timeout: float, what: str,
                every: float = 0.05) -> Any:
    """Poll ``condition`` until it is truthy or ``timeout`` passes (then fail naming ``what``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(every)


async def until_async(condition: Callable[[], Any], timeout: float, what: str,
                      every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(every)


class TcpProxy:
    """A loopback TCP forwarder: the database 'goes away' when it stops (listener closed,
    every open connection cut) and 'comes back' when it starts again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))

        async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()
                self._writers.discard(sink)

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))
