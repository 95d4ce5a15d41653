"""Calendar files (RFC 5545) for what the core asked to send, written with ``icalendar``.

The core says what a file holds (``MeetingSeries``, ``DueDate``); this module writes it, outside
the core, so that the core stays standard-library only. A meeting series is one ``VEVENT`` in the
set's time zone (``DTSTART;TZID=…``, a weekly ``RRULE`` from the cadence, ``EXDATE`` for
skipped meetings, ``LOCATION``/``URL`` for the video link) with a stable ``UID`` and a
``SEQUENCE`` that grows with each change; a cleared schedule is sent as ``METHOD:CANCEL``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from bot.core import timeparse
from bot.core.calendar import CalendarFile, DueDate, MeetingSeries
from bot.core.effects import Attachment, DirectMessage, Effect

PRODUCT_ID = "-//Revans//action learning sets//EN"
ZONE_RULES_SPAN = timedelta(days=366 * 4)  # a set runs 12-18 months: a year before, three after


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def series_ics(series: MeetingSeries) -> str:
    """The set's meetings as one recurring event (or its cancellation)."""
    calendar = _calendar("PUBLISH" if series.start is not None else "CANCEL")
    event = Event()
    event.add("uid", series.uid)
    event.add("dtstamp", series.stamp)
    event.add("sequence", series.sequence)
    event.add("summary", series.name)
    if series.start is None:
        event.add("status", "CANCELLED")
        event.add("dtstart", series.stamp)
        calendar.add_component(event)
        return calendar.to_ical().decode("utf-8")
    zone = timeparse.zone(series.timezone)
    start = series.start.astimezone(zone)
    event.add("dtstart", start)
    event.add("dtend", (start.replace(tzinfo=None) + series.length).replace(tzinfo=zone))
    if series.cadence_weeks:
        event.add("rrule", {"freq": "weekly", "interval": series.cadence_weeks})
    for skipped in series.exdates:
        event.add("exdate", skipped.astimezone(zone))
    if series.link:
        event.add("location", series.link)
        event.add("url", series.link)
    event.add("description", series.description
              + (f"\n{series.link}" if series.link else ""))
    calendar.add_component(event)
    first = start.date() - timedelta(days=366)  # the zone's rules around the meetings only
    calendar.add_missing_timezones(first_date=first, last_date=first + ZONE_RULES_SPAN)
    return calendar.to_ical().decode("utf-8")


def due_dates_ics(dates: tuple[DueDate, ...], stamp: datetime) -> str:
    """Open commitments as all-day events on their due dates."""
    calendar = _calendar("PUBLISH")
    for due in dates:
        event = Event()
        event.add("uid", due.uid)
        event.add("dtstamp", stamp)
        event.add("summary", due.text)
        event.add("dtstart", due.day)
        event.add("dtend", due.day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def render_files(effect: Effect, stamp: datetime) -> Effect:
    """``effect`` with any calendar attachment written out as ``.ics`` text."""
    if not isinstance(effect, DirectMessage) or not isinstance(effect.attachment, CalendarFile):
        return effect
    wanted = effect.attachment
    if wanted.series is not None:
        content = series_ics(wanted.series)
    else:
        content = due_dates_ics(wanted.due_dates, stamp)
    return replace(effect, attachment=Attachment(filename=wanted.filename, content=content))

