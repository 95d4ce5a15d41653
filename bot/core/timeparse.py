"""Parsing and arithmetic of the times members type: dates, offsets, quiet hours, zones.

Pure functions of their arguments. Zone names are checked against the IANA database that
``zoneinfo`` reads (the ``tzdata`` package where the system has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core import language
from bot.core.messages import t
from bot.core.model import QuietHours

# ``re.ASCII``: ``\d`` is 0-9 only, so ``٣`` or ``²`` are refused, never half-read.
_OFFSET = re.compile(r"^([+-]?)(\d{1,4})([smhdw])$", re.ASCII)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_WALL_CLOCK_UNITS = frozenset({"d", "w"})  # whole days: the same local time, across DST
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$", re.ASCII)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
MAX_OFFSETS = 6
MAX_OFFSET = timedelta(weeks=26)
MAX_AHEAD = timedelta(days=366)  # the furthest a meeting or a due date may be set
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Time-zone abbreviations people type, with the Area/City they most often mean.
_ABBREVIATIONS = {
    "est": "America/New_York", "edt": "America/New_York", "cst": "America/Chicago",
    "cdt": "America/Chicago", "mst": "America/Denver", "mdt": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "bst": "Europe/London",
    "cet": "Europe/Stockholm", "cest": "Europe/Stockholm", "eet": "Europe/Helsinki",
    "eest": "Europe/Helsinki", "wet": "Europe/Lisbon", "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo", "aest": "Australia/Sydney", "nzst": "Pacific/Auckland",
    "hst": "Pacific/Honolulu", "akst": "America/Anchorage",
}
_PLAIN_ZONES = frozenset({"utc", "gmt"})


class TimeFormatError(ValueError):
    """Raised with the catalogue key of the format the member should have used."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def ascii_number(text: str) -> int | None:
    """``text`` as a whole number if it is written with the digits 0-9 only (``²``, ``٣``,
    ``１`` and signs are not numbers here), else ``None``."""
    text = text.strip()
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def parse_offset(text: str) -> timedelta:
    """``7d`` → 7 days; ``-2d`` → minus two days (counted back from a due date).

    From one second to 26 weeks either way; anything else is refused with the range."""
    match = _OFFSET.match(text.strip().lower())
    if match is None:
        raise TimeFormatError("format.offset")
    sign, amount, unit = match.groups()
    seconds = int(amount) * _UNIT_SECONDS[unit]
    if seconds == 0 or timedelta(seconds=seconds) > MAX_OFFSET:
        raise TimeFormatError("format.offset_range", offset=text.strip())
    return timedelta(seconds=-seconds if sign == "-" else seconds)


def shift(moment: datetime, offset: str, zone_name: str) -> datetime:
    """``moment`` moved by an offset such as ``7d`` or ``-2h``: days and weeks on the wall
    clock of ``zone_name`` (10:00 stays 10:00 across a DST change), hours and less exactly."""
    delta = parse_offset(offset)
    if offset.strip().lower()[-1] not in _WALL_CLOCK_UNITS:
        return moment + delta
    return add_local(moment, delta, zone_name)


def add_local(moment: datetime, delta: timedelta, zone_name: str) -> datetime:
    """``moment`` plus ``delta`` counted on the wall clock of ``zone_name`` (whole days keep
    the local time of day across DST); the result in UTC."""
    here = local(moment, zone_name).replace(tzinfo=None)
    return to_utc(here + delta, zone_name)


def parse_offsets(text: str) -> tuple[str, ...]:
    """A comma-separated list of offsets, normalised (``7d,-2d``); at most six."""
    parts = [p.strip().lower() for p in text.split(",") if p.strip()]
    if not parts or len(parts) > MAX_OFFSETS:
        raise TimeFormatError("format.offset")
    for part in parts:
        parse_offset(part)
    return tuple(p.lstrip("+") for p in parts)


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` (ASCII digits); a day that does not exist (``2026-02-30``) says so."""
    match = _ISO_DAY.match(text.strip())
    if match is None:
        raise TimeFormatError("format.date")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise TimeFormatError("format.no_such_day", day=text.strip()) from None


@dataclass(frozen=True, slots=True)
class DaySpec:
    """A due day as typed, resolved against today by :func:`resolve_day`.

    ``kind``: ``date`` (``value`` is the date), ``today``, ``tomorrow``, ``weekday``
    (``number`` 0 = Monday: the next such day after today) or ``day-month`` (``number`` the
    day, ``month`` 1-12: its next occurrence from today)."""

    kind: str
    value: date | None = None
    number: int = 0
    month: int = 0
    text: str = field(default="", compare=False)


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if len(word) >= 3 and word[:3] in MONTHS and (
            len(word) == 3 or _MONTH_NAMES[MONTHS.index(word[:3])].startswith(word)):
        return MONTHS.index(word[:3]) + 1
    return None


def _weekday(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if len(word) >= 3 and word[:3] in WEEKDAYS and _WEEKDAY_NAMES[
            WEEKDAYS.index(word[:3])].startswith(word):
        return WEEKDAYS.index(word[:3])
    return None


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS = frozenset({"today", "tomorrow", "tonight", "next", "this", "end", "eod", "eow",
                        "week", "month", "noon", "midnight"})


def looks_like_a_day(text: str) -> bool:
    """Whether text after ``by`` is meant as a date (so it must be understood or refused,
    never left in an action's text): it starts with a digit, a weekday, a month or a word such
    as ``tomorrow`` or ``next``."""
    words = text.strip().split()
    if not words:
        return False
    first = words[0].lower().rstrip(".,")
    return (first[:1].isdigit() or first in _DAY_WORDS or _month(first) is not None
            or _weekday(first) is not None)


def parse_day(text: str) -> DaySpec:
    """``2026-12-04``, ``today``, ``tomorrow``, ``Friday``, ``4 Dec``, ``Dec 4``, ``4 December``.

    Raises ``TimeFormatError('format.due')`` for anything else."""
    cleaned = " ".join(text.strip().rstrip(".").split())
    words = cleaned.lower().split()
    if len(words) == 1 and _ISO_DAY.match(words[0]):
        return DaySpec(kind="date", value=parse_date(words[0]), text=cleaned)
    if words in (["today"], ["tomorrow"]):
        return DaySpec(kind=words[0], text=cleaned)
    if len(words) == 1 and _weekday(words[0]) is not None:
        return DaySpec(kind="weekday", number=_weekday(words[0]) or 0, text=cleaned)
    if len(words) == 2:
        day_word, month_word = words
        if _month(day_word) is not None:
            day_word, month_word = month_word, day_word
        day_word = re.sub(r"(?:st|nd|rd|th)$", "", day_word)
        day, month = ascii_number(day_word), _month(month_word)
        if day is not None and month is not None:
            if not 1 <= day <= 31:
                raise TimeFormatError("format.no_such_day", day=cleaned)
            return DaySpec(kind="day-month", number=day, month=month, text=cleaned)
    raise TimeFormatError("format.due")


def resolve_day(spec: DaySpec, today: date) -> date:
    """The date ``spec`` names, seen from ``today`` (a weekday or a day and month: the next
    one to come; today's own weekday means a week on)."""
    if spec.kind == "date" and spec.value is not None:
        return spec.value
    if spec.kind == "today":
        return today
    if spec.kind == "tomorrow":
        return today + timedelta(days=1)
    if spec.kind == "weekday":
        return today + timedelta(days=(spec.number - today.weekday() - 1) % 7 + 1)
    for year in (today.year, today.year + 1, today.year + 4):
        try:
            found = date(year, spec.month, spec.number)
        except ValueError:
            continue
        if found >= today:
            return found
    raise TimeFormatError("format.no_such_day", day=spec.text)


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


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Every IANA zone name, by its lower-case spelling."""
    return {name.lower(): name for name in available_timezones()}


def zone_name(name: str) -> str:
    """The IANA spelling of a zone typed in any case (``europe/stockholm``); abbreviations
    such as ``EST`` or ``CET`` are refused with the Area/City they most often mean."""
    typed = name.strip()
    lowered = typed.lower()
    if lowered in _ABBREVIATIONS:
        raise TimeFormatError("format.timezone_abbreviation", typed=typed,
                              example=_ABBREVIATIONS[lowered])
    if not typed or typed.startswith("/") or ".." in typed or not typed.isascii():
        raise TimeFormatError("format.timezone")
    if lowered in _PLAIN_ZONES:
        return lowered.upper()
    found = _zone_names().get(lowered)
    if found is None or ("/" not in found and (len(found) <= 5 or any(
            ch.isdigit() for ch in found))):
        raise TimeFormatError("format.timezone")
    return found


def zone(name: str) -> ZoneInfo:
    """The zone called ``name``; ``TimeFormatError`` for anything that is not an IANA name."""
    if not name or name.startswith("/") or ".." in name:
        raise TimeFormatError("format.timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        try:
            return ZoneInfo(zone_name(name))
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
    """A meeting time as a typed date in the text: ``Tue 1 Dec 2026, 14:00 (Europe/London)``
    in English, ``tis 1 dec. 2026 kl. 14:00 (Europe/London)`` in Swedish.

    The core does not format dates (the locale data is Babel's, outside the core): it writes a
    token that the renderer (``bot.i18n.render_dates``) formats for the reader's language.
    """
    return date_token(moment, zone_name, "when")


def format_day(moment: datetime, zone_name: str) -> str:
    """A day as a typed date in the text: ``Tue 1 Dec 2026``, ``tis 1 dec. 2026``."""
    return date_token(moment, zone_name, "day")


def date_token(moment: datetime, zone_name: str, style: str) -> str:
    """``<!t:<unix seconds>:<zone>:<style>:<language>>``: a date the renderer formats. The
    markup is the core's (``<!…>``), which member text can never forge (``refs.escape``)."""
    seconds = int(moment.timestamp())
    return f"<!t:{seconds}:{zone_name}:{style}:{language.current().code}>"


def format_duration(delta: timedelta) -> str:
    """``12 min``, ``1 h 5 min``, ``3 d`` — for time left and offsets (minutes rounded up)."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds >= 2 * 86400:
        return t("duration.days", count=seconds // 86400)
    hours, minutes = divmod((seconds + 59) // 60, 60)
    if hours and minutes:
        return t("duration.hours_minutes", hours=hours, minutes=minutes)
    if hours:
        return t("duration.hours", count=hours)
    return t("duration.minutes", count=minutes)
