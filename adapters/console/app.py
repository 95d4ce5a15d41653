"""The console: the same engine and scheduler as on Slack and Discord, in a terminal.

Type as any member; see the channel, the DMs and the private messages, each labelled; press
buttons by number; move the clock with ``/clock +7d`` so that due pings fire.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from adapters.console.inbound import PLATFORM, ConsoleError, to_event
from adapters.console.outbox import ConsoleOutbox
from bot.core import timeparse
from bot.engine import Engine
from bot.scheduler import PingDelivery, move_clock

CONSOLE_HELP = """\
Console commands:
  alice> /set help             type as any member in the set's channel (#set)
  alice> I wonder what ...     write in the channel as alice
  alice (dm)> /set progress    write in alice's DM with the bot
  alice #other> /set ...       write in another channel
  alice> /press 3              press button [3] as alice
  alice (dm)> /press Done      press the newest button labelled "Done" in alice's DM
  alice> /form a=... | b=...   fill in the form the bot opened for alice
  /clock +2h                   move the clock on (s, m, h, d, w) so that due pings fire
  /clock                       show the clock
  /help, /quit"""
_CLOCK = re.compile(r"^/clock(?:\s+\+?(\d+)\s*([smhdw]))?\s*$")


class ConsoleClock:
    """Time for the console: starts at ``start``; moves with real time when ``live``, and
    jumps when the person types ``/clock``."""

    def __init__(self, start: datetime, *, live: bool) -> None:
        self.start = start.astimezone(UTC)
        self.live = live
        self.offset = timedelta(0)
        self._real_start = datetime.now(UTC)

    def now(self) -> datetime:
        moved = datetime.now(UTC) - self._real_start if self.live else timedelta(0)
        return self.start + moved + self.offset

    def advance(self, delta: timedelta) -> datetime:
        self.offset += delta
        return self.now()


class ConsoleApp:
    def __init__(self, engine: Engine, delivery: PingDelivery, clock: ConsoleClock,
                 outbox: ConsoleOutbox, *, workspace: str = "local", channel: str = "set",
                 write: Callable[[str], None] = print, echo: bool = True) -> None:
        self.engine = engine
        self.delivery = delivery
        self.clock = clock
        self.outbox = outbox
        self.workspace = workspace
        self.channel = channel
        self.write = write
        self.echo = echo
        engine.outboxes[PLATFORM] = outbox

    async def feed(self, line: str) -> bool:
        """Act on one typed line; ``False`` when the person asked to quit."""
        text = line.rstrip("\n")
        stripped = text.strip()
        if not stripped:
            return True
        if stripped.startswith("#"):
            self.write(stripped)
            return True
        if stripped in ("/quit", "/exit"):
            return False
        if stripped == "/help":
            self.write(CONSOLE_HELP)
            return True
        clock = _CLOCK.match(stripped)
        if clock is not None:
            if clock.group(1):
                delta = timeparse.parse_offset(clock.group(1) + clock.group(2))
                await self.advance(delta)
            self.write(f"⏱  {timeparse.format_when(self.clock.now(), 'UTC')}")
            await self.delivery.run_due()
            return True
        if stripped.startswith("/"):
            self.write("Unknown console command. /help lists them.")
            return True
        if self.echo:
            self.write(stripped)
        event = to_event(stripped, workspace=self.workspace, default_channel=self.channel,
                         outbox=self.outbox)
        if isinstance(event, ConsoleError):
            self.write(f"  (console) {event.message}")
        elif event is not None:
            await self.engine.handle(event)
        await self.delivery.run_due()
        return True

    async def advance(self, delta: timedelta) -> None:
        """Move the clock on; each due ping fires at its own time on the way."""
        await move_clock(self.delivery, self.clock, delta, on_stop=self._show_time)

    def _show_time(self, moment: datetime) -> None:
        self.write(f"⏱  {timeparse.format_when(moment, 'UTC')}")

    async def run_lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            if not await self.feed(line):
                return

    async def interactive(self) -> None:
        """Read from the terminal until end of input or ``/quit``, firing pings as time passes."""
        self.write("Revans console. Type `alice> /set create My set` to begin; /help for more.")
        loop = asyncio.get_running_loop()
        ticker = asyncio.create_task(self._tick())
        try:
            while True:
                line = await loop.run_in_executor(None, _prompt)
                if line is None or not await self.feed(line):
                    return
        finally:
            ticker.cancel()

    async def _tick(self, seconds: float = 5.0) -> None:
        """Fire stage timers and pings as real time passes, between typed lines."""
        while True:
            await asyncio.sleep(seconds)
            await self.delivery.run_due()


def _prompt() -> str | None:
    try:
        return input("> " if sys.stdin.isatty() else "")
    except EOFError:
        return None
