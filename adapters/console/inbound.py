"""Console lines to core events: ``alice> /set start``, ``bob> what did you try?``,
``carol (dm)> /set progress stuck``, ``alice> /press 3``, ``bob> /form action=… | by=…``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adapters.console.outbox import dm_channel
from adapters.console.screen import Screen
from bot.core.events import ButtonPressed, CommandIssued, Event, FormSubmitted, TextPosted
from bot.core.messages import plain
from bot.core.refs import ChannelRef, UserRef

PLATFORM = "console"
_SPEAKER = re.compile(r"^(?P<who>[A-Za-z][\w.-]{0,30})(?:\s+(?P<place>\(dm\)|#[\w-]+))?>\s?"
                      r"(?P<text>.*)$")


@dataclass(frozen=True, slots=True)
class ConsoleError:
    """A line the console itself cannot take; shown to the person typing."""

    message: str


def user(workspace: str, name: str) -> UserRef:
    return UserRef(platform=PLATFORM, workspace=workspace, id=name.lower())


def to_event(line: str, *, workspace: str, default_channel: str,
             screen: Screen) -> Event | ConsoleError | None:
    """The event a typed line means, a ``ConsoleError``, or ``None`` for a line to ignore;
    ``/press`` and ``/form`` name what ``screen`` shows."""
    match = _SPEAKER.match(line.strip())
    if match is None:
        return ConsoleError(plain("console.type_as_member"))
    who = user(workspace, match.group("who"))
    place = match.group("place")
    if place == "(dm)":
        where = dm_channel(workspace, who.id)
    else:
        channel = place[1:] if place else default_channel
        where = ChannelRef(platform=PLATFORM, workspace=workspace, channel=channel)
    text = match.group("text").strip()
    name = match.group("who")
    if not text:
        return None
    if text == "/set" or text.startswith("/set "):
        return CommandIssued(where=where, user=who, text=text[4:].strip(), user_name=name)
    if text.startswith("/press"):
        wanted = text[len("/press"):].strip()
        number = wanted.isascii() and wanted.isdigit()  # "²" and "٣" are labels, not numbers
        button = screen.buttons.get(int(wanted)) if number else screen.find(wanted, where)
        if button is None:
            return ConsoleError(plain("console.no_button", label=wanted or "?"))
        return ButtonPressed(where=button.where, user=who, action=button.action, user_name=name)
    if text.startswith("/form"):
        opened = screen.take_form(who.id)
        if opened is None:
            return ConsoleError(plain("console.no_form", name=name))
        form, form_where = opened
        values = {}
        for part in text[len("/form"):].split("|"):
            key, sep, value = part.partition("=")
            if sep:
                values[key.strip()] = value.strip()
        return FormSubmitted(where=form_where, user=who, form_id=form.id, values=values,
                             user_name=name)
    if text.startswith("/"):
        return ConsoleError(plain("console.unknown_member_command", word=text.split()[0]))
    return TextPosted(where=where, user=who, text=text, user_name=name)
