"""The console adapter driven by a script, as a newcomer would type it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.cli import run_console
from config.settings import Settings

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def play(database_url: str, script: str) -> list[str]:
    lines: list[str] = []
    await run_console(Settings(), START, database_url, lines=script.splitlines(),
                      write=lines.append)
    return lines


async def test_members_talk_buttons_are_pressed_and_dms_are_labelled(database_url: str) -> None:
    out = await play(database_url, """\
alice> /set create Console set
bob> /press 1
alice> /set start
bob> /press I'm here and I'd like time
alice> /set next
bob> What should I do about the rota?
alice> /set next
alice> /set next
bob> /set commit Draft a fair rota
alice> /set end
/clock +7d
bob (dm)> /press Stuck
bob (dm)> /press Ask my set for help
""")
    text = "\n".join(out)
    assert "┃ @bob joined the set. Welcome!" in text
    assert "┃ Asked for time: @bob" in text
    assert "[DM to bob] bot:" in text
    assert "┃ Draft a fair rota — due Mon 21 Dec 2026" in text
    assert "[DM, only bob sees] bot:" in text
    assert "┃ @bob is stuck on: Draft a fair rota" in text
    assert "⏱  Mon 30 Nov 2026" in text


async def test_forms_are_filled_in_by_typing(database_url: str) -> None:
    out = await play(database_url, """\
alice> /set create Forms
bob> /set join
alice> /set start
bob> /set here bid
alice> /set next
alice> /set next
alice> /set next
bob> /press Commit to an action
bob> /form action=Ring the school | by=2026-12-04
""")
    text = "\n".join(out)
    assert "[form for bob]" in text
    assert "┃ Answer with: /form action=… | by=…" in text
    assert "┃ Committed: @bob: Ring the school — due Fri 4 Dec 2026" in text


async def test_console_mistakes_get_a_console_message(database_url: str) -> None:
    out = await play(database_url, """\
hello there
alice> /press 99
alice> /form x=1
/warp
alice> /set dance
""")
    assert "  (console) Type as a member: `alice> /set help` (or `/help` for the console)." in out
    assert "  (console) There is no button 99 here." in out
    assert "  (console) alice has no form open: press a button that opens one." in out
    assert "Unknown console command. /help lists them." in out
    assert "┃ I don't know the command “dance”." in out


async def test_a_card_update_prints_only_what_changed(database_url: str) -> None:
    out = await play(database_url, """\
alice> /set create Diff
bob> /set join
alice> /set start
bob> /set here
""")
    index = out.index("[#set] bot (card updated):")
    assert out[index + 1] == "┃ Here: @alice, @bob"
