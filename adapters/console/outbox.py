"""The console's outbox: prints effects, and draws their buttons and forms on the screen."""

from __future__ import annotations

from collections.abc import Callable

from adapters.console.render import card_lines, form_lines
from adapters.console.screen import PressableButton, Screen
from bot.core.cards import Card
from bot.core.effects import DirectMessage, OpenForm, Post, Update, Whisper
from bot.core.refs import ChannelRef
from bot.outbox import Outbox, carries
from bot.platform import Reply

__all__ = ["ConsoleOutbox", "PressableButton", "dm_channel"]


class ConsoleOutbox(Outbox):
    """Writes to ``write`` (stdout by default); dispatches by effect type, loudly on others."""

    platform = "console"

    def __init__(self, write: Callable[[str], None] = print,
                 screen: Screen | None = None) -> None:
        self.write = write
        self.screen = screen if screen is not None else Screen()
        self._slots: dict[tuple[str, str], tuple[list[str], dict[str, int]]] = {}

    def _numbers(self, card: Card, where: ChannelRef,
                 reuse: dict[str, int] | None = None) -> list[int]:
        numbers = []
        for button in card.buttons:
            if reuse and button.action in reuse:
                numbers.append(reuse[button.action])
                continue
            numbers.append(self.screen.show_button(button, where))
        return numbers

    def _show(self, header: str, card: Card, where: ChannelRef) -> None:
        self.write(header)
        for line in card_lines(card, self._numbers(card, where)):
            self.write(line)

    @carries(Post)
    async def _post(self, effect: Post, reply: Reply = None) -> None:
        if effect.card.slot:
            self._show_slot(effect.where, effect.card, update=False)
        else:
            self._show(f"[#{effect.where.channel}] bot:", effect.card, effect.where)

    @carries(Update)
    async def _update(self, effect: Update, reply: Reply = None) -> None:
        if effect.edit_only and (effect.where.key, effect.card.slot) not in self._slots:
            return  # erasure edits what was shown; it shows nothing new
        self._show_slot(effect.where, effect.card, update=True)

    def _show_slot(self, where: ChannelRef, card: Card, *, update: bool) -> None:
        """A card kept up to date in place: on an update, print only the lines that changed."""
        key = (where.key, card.slot)
        previous = self._slots.get(key) if update else None
        numbers = self._numbers(card, where, reuse=previous[1] if previous else None)
        lines = card_lines(card, numbers)
        self._slots[key] = (lines, {b.action: n for b, n in zip(card.buttons, numbers,
                                                                 strict=True)})
        if previous is None:
            self.write(f"[#{where.channel}] bot:")
            for line in lines:
                self.write(line)
            return
        changed = [line for line in lines if line not in previous[0]]
        if lines and lines[0] != previous[0][0]:
            changed = lines
        self.write(f"[#{where.channel}] bot (card updated):")
        for line in changed or ["┃ (no visible change)"]:
            self.write(line)

    @carries(Whisper)
    async def _whisper(self, effect: Whisper, reply: Reply = None) -> None:
        place = "DM" if effect.where.direct else f"#{effect.where.channel}"
        self._show(f"[{place}, only {effect.user.id} sees] bot:", effect.card, effect.where)

    @carries(DirectMessage)
    async def _direct(self, effect: DirectMessage, reply: Reply = None) -> None:
        where = dm_channel(effect.user.workspace, effect.user.id)
        self._show(f"[DM to {effect.user.id}] bot:", effect.card, where)
        if effect.attachment is not None:
            self.screen.files[effect.attachment.filename] = effect.attachment.content
            self.write(f"┃ 📎 {effect.attachment.filename}")
            for line in shown_lines(effect.attachment.filename, effect.attachment.content):
                self.write(f"┃ │ {line}")

    @carries(OpenForm)
    async def _form(self, effect: OpenForm, reply: Reply = None) -> None:
        self.screen.forms[effect.user.id] = (effect.form, effect.where)
        self.write(f"[form for {effect.user.id}]")
        for line in form_lines(effect.form):
            self.write(line)


def shown_lines(filename: str, content: str) -> list[str]:
    """A file's lines as the transcript shows them: a calendar file's events only (its time
    zone rules are many lines a reader does not need; the file itself is kept whole)."""
    lines = content.splitlines()
    if not filename.endswith(".ics"):
        return lines
    shown, inside = [], False
    for line in lines:
        inside = inside or line == "BEGIN:VEVENT"
        if inside:
            shown.append(line)
        if line == "END:VEVENT":
            inside = False
    return shown


def dm_channel(workspace: str, user_id: str) -> ChannelRef:
    return ChannelRef(platform="console", workspace=workspace, channel=f"dm-{user_id}",
                      direct=True)
