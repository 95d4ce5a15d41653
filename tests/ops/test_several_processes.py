"""Two real ``revans run`` processes on one PostgreSQL database, serving Slack over HTTP
against the fake Web API (each check-in is a recorded ``chat.postMessage`` naming its
commitment): due pings are shared out and sent once, a ``kill -9`` loses nothing, and the
same meeting moved from both processes at once moves once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import select

from storage import database
from storage.models import MeetingRow
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import (
    FORM,
    SlackSender,
    action_payload,
    command_body,
    payload_body,
)
from tests.ops.conftest import NEEDS_POSTGRES
from tests.ops.test_web import SECRET, metric, slack_process
from tests.support.processes import RevansProcess, until, until_async
from tests.support.seed import commitments_in, ping_statuses, seed_checkins

pytestmark = NEEDS_POSTGRES
FAST = dict(PING_SWEEP_SECONDS="1", PING_LEASE_SECONDS="3")
MARK_EVERY = 25  # bot.scheduler.MARK_EVERY: what a killed process may have sent unmarked


def delivered(fake: FakeSlackAPI) -> Counter[str]:
    """Check-ins received, by commitment."""
    return Counter(commitment for call in fake.calls_to("chat.postMessage")
                   for commitment in commitments_in(call.dump()))


async def start_two(fake: FakeSlackAPI, folder: Path, url: str,
                    session: aiohttp.ClientSession) -> tuple[RevansProcess, RevansProcess]:
    first = slack_process(fake, folder, url, "first", **FAST).start()
    second = slack_process(fake, folder, url, "second", **FAST).start()
    await first.wait_healthy(session)
    await second.wait_healthy(session)
    return first, second


async def metrics_of(bot: RevansProcess, session: aiohttp.ClientSession) -> str:
    async with session.get(f"{bot.url}/metrics") as response:
        return await response.text()


async def test_two_processes_send_2000_check_ins_once_each(fake_slack: FakeSlackAPI,
                                                           tmp_path: Path,
                                                           database_url: str) -> None:
    await seed_checkins(database_url, sets=1, pings=1)  # the schema, before both start
    processes: list[RevansProcess] = []
    try:
        async with aiohttp.ClientSession() as session:
            processes.extend(await start_two(fake_slack, tmp_path, database_url, session))
            await until(lambda: len(delivered(fake_slack)) == 1, 20, "the first check-in")
            mapping = await seed_checkins(database_url, sets=200, pings=2000,
                                          due_within=_minutes(5), first_set=1)
            await until(lambda: len(delivered(fake_slack)) == 2001, 60, "2,000 check-ins")
            statuses = await until_async(lambda: _all_sent(database_url, 2001), 20,
                                         "every ping marked sent")
            shares = [metric(await metrics_of(bot, session), "revans_pings_total",
                             result="delivered") for bot in processes]
        counts = delivered(fake_slack)
        assert set(counts) >= set(mapping) and max(counts.values()) == 1
        assert statuses == {"sent": 2001}
        assert sum(shares) == 2001 and all(share > 0 for share in shares), shares
    finally:
        for bot in processes:
            bot.cleanup()


async def test_kill_9_in_the_middle_loses_nothing(fake_slack: FakeSlackAPI, tmp_path: Path,
                                                  database_url: str) -> None:
    await seed_checkins(database_url, sets=1, pings=1)
    fake_slack.delay("chat.postMessage", 0.002)
    processes: list[RevansProcess] = []
    try:
        async with aiohttp.ClientSession() as session:
            first, second = await start_two(fake_slack, tmp_path, database_url, session)
            processes.extend((first, second))
            await until(lambda: len(delivered(fake_slack)) == 1, 20, "the first check-in")
            mapping = await seed_checkins(database_url, sets=200, pings=2000,
                                          due_within=_minutes(5), first_set=1)
            await until(lambda: sum(delivered(fake_slack).values()) >= 500, 60,
                        "check-ins to be going out")
            first.kill()
            await until(lambda: set(delivered(fake_slack)) >= set(mapping), 90,
                        "every check-in, the killed process's too")
            statuses = await until_async(lambda: _all_sent(database_url, 2001), 30,
                                         "every ping marked sent")
            retried = metric(await metrics_of(second, session), "revans_pings_total",
                             result="retried")
        counts = delivered(fake_slack)
        twice = [c for c, n in counts.items() if n > 1]
        print(f"sent twice after kill -9: {len(twice)}; retried by the survivor: {retried}")
        assert max(counts.values()) <= 2
        assert len(twice) <= MARK_EVERY + 1, f"{len(twice)} sent twice"
        assert statuses == {"sent": 2001}
        assert retried > 0, "the survivor took over the killed process's claims"
    finally:
        for bot in processes:
            bot.cleanup()


async def test_one_meeting_moved_from_both_processes_moves_once(fake_slack: FakeSlackAPI,
                                                                tmp_path: Path,
                                                                database_url: str) -> None:
    await seed_checkins(database_url, sets=1, pings=0)
    processes: list[RevansProcess] = []
    try:
        async with aiohttp.ClientSession() as session:
            first, second = await start_two(fake_slack, tmp_path, database_url, session)
            processes.extend((first, second))
            to_first = SlackSender(f"{first.url}/slack/events", SECRET, session)
            to_second = SlackSender(f"{second.url}/slack/events", SECRET, session)

            async def step(send: SlackSender, user: str, text: str) -> None:
                before = len(fake_slack.calls)
                status, _, _ = await send.command(user=user, channel="CM", text=text)
                assert status == 200
                await until(lambda: len(fake_slack.calls) > before, 10, f"{user}: {text}")

            await step(to_first, "UALICE", "create Moves")
            await step(to_second, "UBOB", "join")
            await step(to_first, "UCAROL", "join")
            await step(to_second, "UALICE", "start")
            await step(to_first, "UBOB", "here bid")
            await step(to_second, "UCAROL", "here")
            start = await _meeting(database_url)

            # The same card's Next pressed twice by the facilitator (a double click), the two
            # presses landing on the two processes at once: one advance, one "moved on".
            action = _button(fake_slack, "CM", "next:")
            pressed = await asyncio.gather(*(
                send.post(payload_body(action_payload(user=user, channel="CM",
                                                      action=action)), FORM)
                for send, user in ((to_first, "UALICE"), (to_second, "UALICE"))))
            assert [status for status, _, _ in pressed] == [200, 200]
            await until_async(lambda: _handled(processes, session, "ButtonPressed", 2), 10,
                              "both presses handled")
            after_press = await _meeting(database_url)
            assert after_press[1] == start[1] + 1, (start, after_press)

            # Slack retrying one `/set next` onto the other process: handled once.
            body = command_body(user="UALICE", channel="CM", text="next")
            retried = await asyncio.gather(to_first.post(body, FORM), to_second.post(body, FORM))
            assert [status for status, _, _ in retried] == [200, 200]
            await until_async(lambda: _handled(processes, session, "CommandIssued", 8), 10,
                              "both copies handled")
            after_retry = await _meeting(database_url)
            assert after_retry[1] == after_press[1] + 1, (after_press, after_retry)
            texts = [await metrics_of(bot, session) for bot in processes]
            assert sum(metric(text, "revans_events_handled_total", type="CommandIssued",
                              outcome="duplicate") for text in texts) == 1
    finally:
        for bot in processes:
            bot.cleanup()


def _minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


async def _all_sent(url: str, total: int) -> dict[str, int] | None:
    statuses = await ping_statuses(url)
    return statuses if statuses.get("sent") == total else None


async def _meeting(url: str) -> tuple[str, int]:
    """The running meeting's stage and seq (seq goes up by one each time it moves)."""
    db = database.Database(url)
    try:
        row = await db.run(lambda session: session.execute(
            select(MeetingRow.stage, MeetingRow.seq).where(MeetingRow.set_id != "set00000")
        ).one())
        return str(row.stage), int(row.seq)
    finally:
        await db.dispose()


async def _handled(processes: list[RevansProcess], session: aiohttp.ClientSession,
                   kind: str, total: int) -> bool:
    counted = 0.0
    for bot in processes:
        text = await metrics_of(bot, session)
        counted += sum(metric(text, "revans_events_handled_total", type=kind, outcome=outcome)
                       for outcome in ("decided", "duplicate"))
    return counted >= total


def _button(fake: FakeSlackAPI, channel: str, prefix: str) -> str:
    for message in reversed(fake.channel_messages(channel)):
        for block in message.blocks:
            for element in block.get("elements", []):
                if element.get("action_id", "").startswith(prefix):
                    return str(element["action_id"])
    raise AssertionError(f"no button {prefix!r} in {channel}")
