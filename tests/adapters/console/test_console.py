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


async def test_the_console_speaks_the_default_language_too(database_url: str) -> None:
    """With ``DEFAULT_LANGUAGE=sv`` the console's own words come from the Swedish catalogue,
    as the bot's do."""
    lines: list[str] = []
    await run_console(Settings(default_language="sv"), START, database_url,
                      lines=["alice> /press 99", "/clock +x", "/warp"], write=lines.append)
    assert lines[1] == "  (console) Det finns ingen knapp 99 här."
    assert lines[2].startswith("  (console) Flytta klockan framåt med /clock")
    assert lines[3] == "Det kommandot finns inte i konsolen. /help visar vilka som finns."


async def test_a_card_update_prints_only_what_changed(database_url: str) -> None:
    out = await play(database_url, """\
alice> /set create Diff
bob> /set join
alice> /set start
bob> /set here
""")
    index = out.index("[#set] bot (card updated):")
    assert out[index + 1] == "┃ Here: @alice, @bob"


SAME_INSTANT = """\
alice> /set create Same instant
bob> /set join
carol> /set join
dave> /set join
alice> /set schedule 2026-12-21 10:00 every 4w
/clock +11h
alice> /set start
bob> /set here bid
carol> /set here bid
dave> /set here bid
alice> /set next
alice> /set next
alice> /set next
bob> /set commit Write to the board
alice> /set next
alice> /set next
alice> /set next
carol> /set commit Phone the chair
alice> /set next
alice> /set next
alice> /set next
dave> /set commit Draft the rota
alice> /set end
/clock +7d
/clock +14d
"""


async def test_pings_due_at_the_same_instant_come_in_creation_order_on_every_run(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Three check-ins fall due a week on at 21:00, in quiet hours: all three wait for 08:00
    # and then fall due at the same instant.
    runs = []
    for attempt in range(3):
        runs.append(await play(f"sqlite:///{tmp_path / f'run{attempt}.db'}", SAME_INSTANT))
    assert runs[0] == runs[1] == runs[2]
    dms = [line for line in runs[0] if line.startswith("[DM to")]
    assert dms[:3] == ["[DM to bob] bot:", "[DM to carol] bot:", "[DM to dave] bot:"]


async def test_odd_console_input_is_answered_not_a_traceback(database_url: str) -> None:
    out = await play(database_url, """\
alice> /set create Odd input
alice> /press ²
alice> /press ٣
/clock +86400s
/clock +0s
/clock +99999999w
/clock soon
""")
    text = "\n".join(out)
    assert "There is no button ² here." in text and "There is no button ٣ here." in text
    assert "⏱  Tue 24 Nov 2026, 10:00 (UTC)" in text  # 86400 s is a day
    assert text.count("Move the clock on with /clock +<number><unit>") == 3
