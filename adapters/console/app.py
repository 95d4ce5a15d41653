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
from bot.core.language import speaking
from bot.core.messages import plain
from bot.engine import Engine
from bot.i18n import format_date, voice
from bot.scheduler import PingDelivery, move_clock

_CLOCK = re.compile(r"^/clock(?:\s+(\S.*))?$")
_CLOCK_STEP = re.compile(r"^\+?(\d{1,9})\s*([smhdw])$", re.ASCII)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_CLOCK_STEP = timedelta(weeks=520)
LINE_TICK = timedelta(milliseconds=1)


def clock_step(text: str) -> timedelta | None:
    """``+7d``, ``+86400s``, ``90m``: how far ``/clock`` moves; ``None`` if it cannot be read
    or is out of range (nothing, or more than ten years)."""
    match = _CLOCK_STEP.match(text.strip().lower())
    if match is None:
        return None
    delta = timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    return delta if timedelta(0) < delta <= MAX_CLOCK_STEP else None


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
        self.screen = outbox.screen  # what the outbox drew, which typed lines point at
        self.workspace = workspace
        self.channel = channel
        self.write = write
        self.echo = echo
        engine.outboxes[PLATFORM] = outbox


    def _when(self, moment: datetime) -> str:
        """The console's clock line, in the bot's default language."""
        return format_date(moment, "UTC", "when", self.engine.default_language)
    async def feed(self, line: str) -> bool:
        """Act on one typed line; ``False`` when the person asked to quit. The console's own
        words are in the bot's default language."""
        with speaking(voice(self.engine.default_language)):
            return await self._feed(line)

    async def _feed(self, line: str) -> bool:
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
            self.write(plain("console.help"))
            return True
        clock = _CLOCK.match(stripped)
        if clock is not None:
            await self._clock_command(clock.group(1))
            return True
        if stripped.startswith("/"):
            self.write(plain("console.unknown_command"))
            return True
        if self.echo:
            self.write(stripped)
        if not self.clock.live:
            # A scripted console's clock stands still between /clock lines; a millisecond a
            # line keeps what members do in the order they did it (commitments, numbers,
            # pings made "at the same time"), so a script reads the same on every run.
            self.clock.advance(LINE_TICK)
        event = to_event(stripped, workspace=self.workspace, default_channel=self.channel,
                         screen=self.screen)
        if isinstance(event, ConsoleError):
            self.write(f"  (console) {event.message}")
        elif event is not None:
            await self.engine.handle(event)
        await self.delivery.run_due()
        return True

    async def _clock_command(self, step: str | None) -> None:
        """``/clock`` shows the time; ``/clock +7d`` moves it on first."""
        if step:
            delta = clock_step(step)
            if delta is None:
                self.write(f"  (console) {plain('console.clock_usage')}")
                return
            await self.advance(delta)
        self.write(f"⏱  {self._when(self.clock.now())}")
        await self.delivery.run_due()

    async def advance(self, delta: timedelta) -> None:
        """Move the clock on; each due ping fires at its own time on the way."""
        await move_clock(self.delivery, self.clock, delta, on_stop=self._show_time)

    def _show_time(self, moment: datetime) -> None:
        self.write(f"⏱  {self._when(moment)}")

    async def run_lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            if not await self.feed(line):
                return

    async def interactive(self) -> None:
        """Read from the terminal until end of input or ``/quit``, firing pings as time passes."""
        with speaking(voice(self.engine.default_language)):
            self.write(plain("console.welcome"))
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
