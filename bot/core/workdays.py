"""Weekends and public holidays: moving what the bot starts to the next working morning.

The core knows no holiday table. The engine lends it a ``HolidayCalendar`` through the
``Context`` (the real one reads the ``holidays`` package, outside the core). Only a set that
named its country (``/set holidays GB-ENG``) has its pings moved off weekends and holidays; a set
that never asked keeps them where they fell.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.core import timeparse
from bot.core.model import NO_HOLIDAYS, HolidayCalendar

WORKING_MORNING = time(9, 0)
SATURDAY = 5
MAX_DAYS_AHEAD = 31  # a month of holidays in a row is a calendar error, not a holiday

__all__ = ["NO_HOLIDAYS", "HolidayCalendar", "next_working_morning", "working_day_after"]


def normalise_region(text: str) -> str:
    """``gb-eng`` → ``GB-ENG``; ``se`` → ``SE`` (the form the calendar is asked in)."""
    return text.strip().upper().replace("_", "-")


def is_working_day(day: date, region: str, calendar: HolidayCalendar) -> bool:
    return day.weekday() < SATURDAY and not calendar.is_holiday(region, day)


def next_working_morning(moment: datetime, region: str | None, zone_name: str,
                         calendar: HolidayCalendar) -> datetime:
    """``moment`` if it falls on a working day in ``zone_name``, else 09:00 on the next one.

    Without a region (the set named no country) nothing moves.
    """
    if region is None:
        return moment
    here = timeparse.local(moment, zone_name)
    day = here.date()
    if is_working_day(day, region, calendar):
        return moment
    for _ in range(MAX_DAYS_AHEAD):
        day += timedelta(days=1)
        if is_working_day(day, region, calendar):
            break
    morning = datetime.combine(day, WORKING_MORNING)
    return timeparse.to_utc(morning, zone_name).astimezone(moment.tzinfo)


def working_day_after(day: date, region: str | None, calendar: HolidayCalendar) -> date:
    """The first day after ``day`` that is a working day (any day after, without a region)."""
    following = day + timedelta(days=1)
    if region is None:
        return following
    for _ in range(MAX_DAYS_AHEAD):
        if is_working_day(following, region, calendar):
            return following
        following += timedelta(days=1)
    return following
