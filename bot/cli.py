"""The ``revans`` command: ``run`` (the bot), ``console`` (the bot in a terminal), ``demo``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from adapters import registry
from adapters.console.app import ConsoleApp, ConsoleClock
from adapters.console.outbox import ConsoleOutbox
from bot import demo
from bot.platform import Platform, PlatformStartError, Service
from bot.runtime import Runtime, build, configure_logging
from bot.scheduler import PingScheduler
from bot.web import WebServer, WebStartError
from config.settings import Settings
from storage.database import DatabaseError

log = logging.getLogger("revans")
STOP_SECONDS = 9.0  # SIGTERM to exit; platforms (Heroku) kill at 10 s

NO_PLATFORM = """\
revans run: no platform credentials are set, so there is nothing to connect to.
Set them in the environment or in a .env file (see .env.example):
{needs}
To try Revans without any of them: `revans console` (type as any member) or `revans demo`."""


def no_platform_text(plugins: list[Platform]) -> str:
    """What to set, one indented line (or a few) per registered platform."""
    lines = [f"  {line}" for plugin in plugins for line in plugin.needs().splitlines()]
    return NO_PLATFORM.format(needs="\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="revans", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot on the configured platforms")
    commands.add_parser("migrate", help="upgrade the database to the latest schema and exit")
    console = commands.add_parser("console", help="the bot in the terminal")
    console.add_argument("--start", help="the console clock's start (ISO 8601, UTC)")
    console.add_argument("--database-url", help="default: DATABASE_URL")
    demo_cmd = commands.add_parser("demo", help="a scripted cycle, printed as a transcript")
    demo_cmd.add_argument("--database-url", help="default: a temporary SQLite file")
    demo_cmd.add_argument("--language", default="en", choices=sorted(demo.SCRIPTS),
                          help="the set's language (default: en)")
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        if args.command == "run":
            configured_platforms()  # a malformed platform setting is named here too
    except ValidationError as error:
        print(f"revans: a setting is wrong:\n{error}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if args.command in ("console", "demo") and "log_level" not in settings.model_fields_set:
        logging.getLogger().setLevel(logging.WARNING)  # the transcript is the output
    try:
        if args.command == "run":
            return asyncio.run(run(settings))
        if args.command == "migrate":
            return asyncio.run(migrate(settings))
        if args.command == "console":
            start = _start(args.start)
            return asyncio.run(run_console(settings, start, args.database_url))
        return run_demo(settings, args.database_url, language=args.language)
    except (DatabaseError, PlatformStartError, WebStartError) as error:
        print(f"revans: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _start(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def migrate(settings: Settings) -> int:
    """Upgrade the database (the Procfile's release step); ``run`` does it on start too."""
    runtime = await build(settings)
    await runtime.close()
    print("revans: the database is up to date.")
    return 0


def configured_platforms() -> list[Platform]:
    """The registered platforms whose own settings are enough to start them (a malformed
    setting raises pydantic's ``ValidationError``)."""
    return [plugin for plugin in registry.platforms() if plugin.configured()]


async def run(settings: Settings) -> int:
    """The bot on every configured platform, with the scheduler, until SIGTERM or Ctrl-C."""
    plugins = configured_platforms()
    if not plugins:
        print(no_platform_text(registry.platforms()), file=sys.stderr)
        return 1
    runtime = await build(settings)
    scheduler = PingScheduler(runtime.delivery, sweep_seconds=settings.ping_sweep_seconds)
    web = runtime.web
    assert web is not None
    services: list[Service] = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    try:
        for plugin in plugins:
            services.append(await plugin.start(runtime))
            log.info("%s adapter started", plugin.name)
        try:
            await web.start()
        except WebStartError:
            if web.serves_platforms:
                raise  # a platform's route (Slack over HTTP) cannot work without its port
            log.warning("PORT %s is taken: /healthz and /metrics are not served, the bot runs "
                        "on", settings.port)
        scheduler.start()
        log.info("revans is running (%s)", ", ".join(plugin.name for plugin in plugins))
        await stop.wait()
        log.info("stopping")
    finally:
        await _stop(web, scheduler, services, runtime, loop.time() + STOP_SECONDS)
    return 0


async def _stop(web: WebServer, scheduler: PingScheduler, services: list[Service],
                runtime: Runtime, deadline: float) -> None:
    """SIGTERM: take no new work (HTTP answers 503, Discord disconnects, no new ping batch),
    finish what is in hand, give back claimed pings, and be gone before ``deadline``."""
    loop = asyncio.get_running_loop()
    web.stop_accepting()
    scheduler.pause()  # no new jobs; shutting it down would cancel the batch in hand

    async def stop_service(service: Service) -> None:
        try:
            await asyncio.wait_for(service.stop(), timeout=max(deadline - loop.time() - 1, 0.1))
        except Exception:  # noqa: BLE001 - keep stopping the others
            log.exception("a service did not stop cleanly")

    async def stop_delivery() -> None:
        try:
            released = await runtime.delivery.stop(timeout=deadline - loop.time() - 1.5)
        except Exception:  # noqa: BLE001 - the leases give the pings back anyway
            log.exception("could not give back the claimed pings; their leases will")
        else:
            log.info("ping delivery stopped (%d given back)", released)

    await asyncio.gather(stop_delivery(), *(stop_service(s) for s in reversed(services)))
    await scheduler.shutdown()
    await web.stop()
    await runtime.close()
    log.info("stopped")


async def run_console(settings: Settings, start: datetime, database_url: str | None,
                      *, lines: list[str] | None = None, write=print) -> int:
    """The console on ``DATABASE_URL`` (or ``database_url``); a script on stdin runs and exits."""
    interactive = lines is None and sys.stdin.isatty()
    clock = ConsoleClock(start, live=interactive)
    runtime = await build(settings, clock=clock, database_url=database_url)
    outbox = ConsoleOutbox(write=write)
    app = ConsoleApp(runtime.engine, runtime.delivery, clock, outbox, write=write,
                     echo=not interactive)
    try:
        await runtime.delivery.run_due()
        if interactive:
            await app.interactive()
        else:
            await app.run_lines(lines if lines is not None else sys.stdin)
    finally:
        await runtime.close()
    return 0


def run_demo(settings: Settings, database_url: str | None = None, write=print, *,
             language: str = "en") -> int:
    """The scripted cycle; ``language`` picks the script (and the bot's default language)."""
    settings = settings.model_copy(update={"default_language": language})
    with tempfile.TemporaryDirectory(prefix="revans-demo-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'demo.db'}"
        return asyncio.run(run_console(settings, demo.DEMO_START, url,
                                       lines=demo.SCRIPTS[language].splitlines(), write=write))


if __name__ == "__main__":
    sys.exit(main())
