"""Building the running bot from settings: database, engine, delivery and scheduler."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, SystemClock
from bot.engine import Engine
from bot.scheduler import PingDelivery
from config.settings import Settings
from storage import database


class PlatformStartError(RuntimeError):
    """A platform adapter cannot start with the given settings; the message says what to fix."""


@dataclass
class Runtime:
    db: database.Database
    engine: Engine
    delivery: PingDelivery

    async def close(self) -> None:
        await self.db.dispose()


async def build(settings: Settings, *, clock: Clock | None = None,
                database_url: str | None = None) -> Runtime:
    """Open (and upgrade) the database and wire the engine; raises ``DatabaseError``."""
    db = database.Database(database_url or settings.database_url)
    try:
        await database.upgrade(db)
    except BaseException:
        await db.dispose()
        raise
    engine = Engine(db=db, clock=clock or SystemClock(),
                    default_timezone=settings.default_timezone)
    delivery = PingDelivery(engine, grace=timedelta(hours=settings.ping_grace_hours),
                            lease=timedelta(seconds=settings.ping_lease_seconds))
    return Runtime(db=db, engine=engine, delivery=delivery)


def configure_logging(settings: Settings) -> None:
    """Text lines for a terminal; JSON lines (``LOG_FORMAT=json``) for a log pipeline, each
    with the event id, set and platform of the event being handled."""
    if settings.log_format == "json":
        from bot.observability import JsonLines

        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines())
        logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    else:
        logging.basicConfig(level=settings.log_level,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
