"""The ``revans`` command as a person runs it: real processes, real output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def revans(*args: str, stdin: str = "", env: dict[str, str] | None = None,
           cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SLACK_", "DISCORD_")) and k != "DATABASE_URL"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True,
                          capture_output=True, env=environment, cwd=cwd, timeout=60,
                          check=False)


def test_demo_plays_a_whole_cycle(tmp_path: Path) -> None:
    result = revans("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("Meeting summary", "[DM to bob] bot:", "A request for help",
                     "Meeting 2 of Practice Educators North — review",
                     "@carol reported back: partly done", "Reminder: Practice Educators North",
                     "@carol is facilitating this meeting: @alice hasn't said they're here"):
        assert expected in out
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir()), "the demo uses a temporary database"


def test_demo_plays_a_whole_cycle_in_swedish(tmp_path: Path) -> None:
    result = revans("demo", "--language", "sv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("Sammanfattning av mötet", "[DM to bob] bot:", "En fråga om hjälp",
                     "Nästa möte: tis 1 dec. 2026 kl. 10:00 (UTC), sedan var 4:e vecka",
                     "Frågor, inte råd.", "Det där låter mer som ett råd än en fråga",
                     "@carol berättade hur det gick: delvis klart",
                     "Påminnelse: Socialsekreterare Norr ses i morgon",
                     "Nästa steg"):
        assert expected in out
    for english in ("Meeting summary", "Next stage", "Reminder:", "reported back", "Tue 1 Dec"):
        assert english not in out
    assert "Traceback" not in result.stderr and "no sv translation" not in result.stderr


def test_the_demo_refuses_a_language_it_has_no_script_for(tmp_path: Path) -> None:
    result = revans("demo", "--language", "xx", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'xx'" in result.stderr


def test_run_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    result = revans("run", cwd=tmp_path)
    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN and SLACK_APP_TOKEN" in result.stderr
    assert "revans console" in result.stderr


def test_console_reads_a_script_from_standard_input(tmp_path: Path) -> None:
    script = "alice> /set create Piped\nbob> /set join\nalice> /set status\n"
    result = revans("console", "--start", "2026-11-23T10:00", stdin=script, cwd=tmp_path,
                    env={"DATABASE_URL": f"sqlite:///{tmp_path / 'piped.db'}"})
    assert result.returncode == 0, result.stderr
    assert "┃ @bob joined the set. Welcome!" in result.stdout
    assert "┃ Next meeting: not scheduled (use `/set schedule`)" in result.stdout
    assert (tmp_path / "piped.db").exists()


def test_an_unwritable_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = revans("console", stdin="", cwd=tmp_path,
                    env={"DATABASE_URL": f"sqlite:///{tmp_path / 'nowhere' / 'revans.db'}"})
    assert result.returncode == 2
    assert "revans: cannot open the database at" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = revans("demo", cwd=tmp_path, env={"DEFAULT_TIMEZONE": "Mars/Olympus"})
    assert result.returncode == 2
    assert "unknown time zone 'Mars/Olympus'" in result.stderr


def test_migrate_creates_the_schema_and_says_so(tmp_path: Path) -> None:
    result = revans("migrate", cwd=tmp_path, env={"DATABASE_URL": "sqlite:///fresh.db"})
    assert result.returncode == 0, result.stderr
    assert "the database is up to date" in result.stdout
    assert (tmp_path / "fresh.db").exists()


def test_the_demo_keeps_routine_log_lines_out_of_the_transcript(tmp_path: Path) -> None:
    result = revans("demo", cwd=tmp_path)
    assert result.returncode == 0
    assert " INFO " not in result.stderr and " INFO " not in result.stdout
