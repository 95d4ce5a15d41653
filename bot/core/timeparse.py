"""Parsing and arithmetic of the times members type: dates, offsets, quiet hours, zones.

Pure functions of their arguments. Zone names are checked against the IANA database that
``zoneinfo`` reads (the ``tzdata`` package where the system has none).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.model import QuietHours

_OFFSET = re.compile(r"^([+-]?)(\d{1,4})([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_OFFSETS = 6


class TimeFormatError(ValueError):
    """Raised with the catalogue key of the format the member should have used."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_offset(text: str) -> timedelta:
    """``7d`` → 7 days; ``-2d`` → minus two days (counted back from a due date)."""
    match = _OFFSET.match(text.strip().lower())
    if match is None:
        raise TimeFormatError("format.offset")
    sign, amount, unit = match.groups()
    seconds = int(amount) * _UNIT_SECONDS[unit]
    if seconds == 0:
        raise TimeFormatError("format.offset")
    return timedelta(seconds=-seconds if sign == "-" else seconds)


def parse_offsets(text: str) -> tuple[str, ...]:
    """A comma-separated list of offsets, normalised (``7d,-2d``); at most six."""
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    if not parts or len(parts) > MAX_OFFSETS:
        raise TimeFormatError("format.offset")
    for part in parts:
        parse_offset(part)
    return tuple(p.lstrip("+") for p in parts)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise TimeFormatError("format.date") from None


def parse_clock(text: str) -> time:
    match = _HHMM.match(text.strip())
    if match is None:
        raise TimeFormatError("format.time")
    return time(int(match.group(1)), int(match.group(2)))


def parse_date_time(day: str, clock: str) -> datetime:
    """``2026-12-01`` and ``14:00`` → a naive datetime, to be read in the set's zone."""
    return datetime.combine(parse_date(day), parse_clock(clock))


def parse_quiet(text: str) -> QuietHours:
    start, sep, end = text.strip().partition("-")
    if not sep:
        raise TimeFormatError("format.quiet")
    try:
        hours = QuietHours(start=parse_clock(start), end=parse_clock(end))
    except TimeFormatError:
        raise TimeFormatError("format.quiet") from None
    if hours.start == hours.end:
        raise TimeFormatError("format.quiet")
    return hours


def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; ``TimeFormatError`` for anything that is not an IANA name."""
    if not name or name.startswith("/") or ".." in name:
        raise TimeFormatError("format.timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeFormatError("format.timezone") from None


def to_utc(local: datetime, zone_name: str) -> datetime:
    """A naive wall-clock time in ``zone_name`` as an aware UTC datetime."""
    return local.replace(tzinfo=zone(zone_name)).astimezone(UTC)


def local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zone(zone_name))


def out_of_quiet_hours(moment: datetime, hours: QuietHours | None, zone_name: str) -> datetime:
    """``moment`` if it is outside ``hours`` (read in ``zone_name``), else when they end."""
    if hours is None:
        return moment
    here = local(moment, zone_name)
    if not hours.contains(here.time().replace(tzinfo=None)):
        return moment
    end = here.replace(hour=hours.end.hour, minute=hours.end.minute, second=0, microsecond=0)
    if end <= here:
        end = end + timedelta(days=1)
    return end.astimezone(moment.tzinfo)


def format_when(moment: datetime, zone_name: str) -> str:
    """How the bot writes a meeting time: ``Tue 1 Dec 2026, 14:00 (Europe/London)``."""
    here = local(moment, zone_name)
    return f"{here:%a} {here.day} {here:%b %Y, %H:%M} ({zone_name})"


def format_day(moment: datetime, zone_name: str) -> str:
    here = local(moment, zone_name)
    return f"{here:%a} {here.day} {here:%b %Y}"


def format_duration(delta: timedelta) -> str:
    """``12 min``, ``1 h 5 min``, ``3 d`` — for time left and offsets (minutes rounded up)."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} d"
    hours, minutes = divmod((seconds + 59) // 60, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"
