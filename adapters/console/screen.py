"""The terminal itself, as the console's members see it: the numbered buttons shown so far,
each member's open form, the files sent by DM.

On Slack or Discord this state lives on the platform (a message keeps its buttons, a modal
is open in a member's client) and inbound hears which one was used. The console is its own
platform: the outbox draws on the screen, inbound reads the button or form a typed line
names. Nothing else passes between the two halves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.console.render import plain
from bot.core.cards import Button, Form
from bot.core.refs import ChannelRef


@dataclass(frozen=True, slots=True)
class PressableButton:
    action: str
    label: str
    where: ChannelRef


@dataclass
class Screen:
    buttons: dict[int, PressableButton] = field(default_factory=dict)
    forms: dict[str, tuple[Form, ChannelRef]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def show_button(self, button: Button, where: ChannelRef) -> int:
        """Give a newly shown button the next number."""
        number = len(self.buttons) + 1
        self.buttons[number] = PressableButton(action=button.action, label=button.label,
                                               where=where)
        return number

    def find(self, label: str, where: ChannelRef) -> PressableButton | None:
        """The newest button called ``label`` shown in ``where``."""
        wanted = label.strip().lower()
        for number in sorted(self.buttons, reverse=True):
            button = self.buttons[number]
            if button.where == where and plain(button.label).lower() == wanted:
                return button
        return None

    def take_form(self, user_id: str) -> tuple[Form, ChannelRef] | None:
        """The form open for this member, closed as it is submitted."""
        return self.forms.pop(user_id, None)
