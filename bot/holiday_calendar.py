"""The public holiday calendar the engine lends the core: the ``holidays`` package.

Regions are ISO 3166 codes as members type them: ``SE``, ``GB-ENG`` (country, then an optional
subdivision the package knows). One package object per region and year span, cached: looking
a day up is then a dictionary access.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _table(region: str) -> holidays.HolidayBase | None:
    country, _, subdivision = region.partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except (NotImplementedError, KeyError, ValueError):
        return None


class PublicHolidays:
    """``HolidayCalendar`` backed by the ``holidays`` package (years are filled in lazily)."""

    def known(self, region: str) -> bool:
        return _table(region) is not None

    def is_holiday(self, region: str, day: date) -> bool:
        table = _table(region)
        return table is not None and day in table


PUBLIC_HOLIDAYS = PublicHolidays()
