"""Engine and ping-delivery benchmarks on SQLite files (pysqlite) in a temporary directory.

Run from the repository root::

    python benchmarks/engine.py                 # all three phases, default sizes
    python benchmarks/engine.py --events 500 --sets 200 --pings 2000 --rss-pings 4000
    python benchmarks/engine.py --profile       # also cProfile phases 1 and 2 (our code only)
    python benchmarks/engine.py --scatter       # each ping its own due time (downtime backlog)

What it measures (it prints numbers and never asserts):

1. ``engine.handle`` latency: one set of six members (``/set create`` + ``/set join``), then
   whole meetings of realistic events (start, ``here bid``, "I'm here" messages, next, review
   reports, presentation and questions as channel messages, commit, closing learnings, end),
   ``--events`` in total (default 2,000), each timed with ``time.perf_counter`` around
   ``await engine.handle(event)``. Events carry platform event ids, as Slack and Discord do, so
   the dedupe table is exercised. The ``ManualClock`` moves 15 s between events.
   Prints count, p50, p90, p99 and max in ms. Target: p99 <= 10 ms.
2. Ping throughput: ``--sets`` sets (default 1,000), each with six active members, one ended
   meeting and open commitments, with ``--pings`` check-in pings in all (default 10,000, one per
   commitment) due in the last six hours, a set's within ten minutes of each other (inside the
   12 h grace period; outside the default 20:00-08:00 quiet hours, as the clock reads 12:00
   UTC). Rows are bulk-inserted with SQLAlchemy; the engine's transactions are counted.
   Times ``await runtime.delivery.run_due()`` and prints pings handled, seconds, pings/s, the
   DirectMessages a recording outbox received, duplicates and losses (mapped back to ping ids
   through each DM's check-in buttons) and the rows marked ``sent`` in the database.
   Target: <= 5 s.
3. Peak RSS: the same shape with ``--rss-pings`` pending pings (default 20,000) over ``--sets``
   sets, built here, then loaded and delivered by ``run_due`` in a fresh subprocess so the
   other phases do not pollute the number. Prints the child's peak RSS in MB: ``VmHWM`` on
   Linux (its ``ru_maxrss``, KB on Linux, starts at the parent's peak, so it is printed too,
   as a ceiling) and the same before opening the database. Target: <= 200 MB.

A table of measured vs target values ends the output.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bot.clock import ManualClock
from bot.core.cards import parse_action_id
from bot.core.effects import DirectMessage, Effect, Whisper
from bot.core.events import CommandIssued, Event, TextPosted
from bot.core.model import DEFAULT_TIMEBOXES
from bot.core.refs import ChannelRef, UserRef
from bot.runtime import Runtime, build
from config.settings import Settings
from storage import repository
from storage.models import (
    CommitmentRow,
    EntryRow,
    MeetingRow,
    MemberRow,
    PingRow,
    SetRow,
)

PLATFORM = "console"
WORKSPACE = "bench"
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday, noon UTC: outside quiet hours
STEP = timedelta(seconds=15)
MEMBERS_PER_SET = 6
TARGET_P99_MS = 10.0
TARGET_PING_SECONDS = 5.0
TARGET_RSS_MB = 200.0


# ---------------------------------------------------------------- helpers


class RecordingOutbox:
    """Keeps every outbound effect it is handed."""

    def __init__(self) -> None:
        self.sent: list[Effect] = []

    async def send(self, effect: Effect, reply: object = None) -> None:
        self.sent.append(effect)


class CheckinOutbox:
    """Keeps only the commitment id each check-in DM is about (light, for the RSS phase)."""

    def __init__(self) -> None:
        self.commitments: list[str] = []
        self.other = 0

    async def send(self, effect: Effect, reply: object = None) -> None:
        if isinstance(effect, DirectMessage):
            self.commitments.append(dm_commitment(effect))
        else:
            self.other += 1


def dm_commitment(effect: DirectMessage) -> str:
    """The commitment a check-in DM is about, read from its buttons' action ids."""
    for button in effect.card.buttons:
        verb, subject, _ = parse_action_id(button.action)
        if verb == "checkin":
            return subject
    return ""


def settings(url: str) -> Settings:
    return Settings(database_url=url, default_timezone="UTC", ping_grace_hours=12.0,
                    _env_file=None)  # type: ignore[call-arg]


async def open_runtime(url: str, clock: ManualClock) -> Runtime:
    return await build(settings(url), clock=clock, database_url=url)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(fraction * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def rss_mb() -> float:
    """Peak RSS of this process so far, in MB (``ru_maxrss`` is KB on Linux, bytes on macOS).

    On Linux a child's ``ru_maxrss`` starts at its parent's peak RSS (fork copies the high-water
    mark and ``exec`` carries it over), so see also :func:`hwm_mb`.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _proc_status_mb(field_name: str) -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def hwm_mb() -> float:
    """Peak RSS of this process image (Linux ``VmHWM``, reset by ``exec``); NaN elsewhere."""
    return _proc_status_mb("VmHWM")


def profile_report(profiler: cProfile.Profile, title: str, lines: int = 25) -> None:
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("cumulative")
    stats.print_stats(r"(bot|storage)/", lines)
    print(f"\n--- cProfile, {title} (cumulative, our code) ---")
    print("\n".join(stream.getvalue().splitlines()[4:]))


# ---------------------------------------------------------------- phase 1: handle latency


@dataclass
class Script:
    """Deterministic meeting events for one set, and what they should leave in the database."""

    channel: ChannelRef
    users: list[UserRef]
    names: list[str]
    meetings: int = 0
    commitments: int = 0
    entries: int = 0
    _event_no: int = 0
    _owing: list[int] = field(default_factory=list)

    def _id(self) -> str:
        self._event_no += 1
        return f"ev{self._event_no:07d}"

    def command(self, who: int, text: str) -> CommandIssued:
        return CommandIssued(where=self.channel, user=self.users[who], text=text,
                             user_name=self.names[who], event_id=self._id())

    def say(self, who: int, text: str) -> TextPosted:
        return TextPosted(where=self.channel, user=self.users[who], text=text,
                          user_name=self.names[who], event_id=self._id())

    def setup(self) -> Iterator[Event]:
        yield self.command(0, "create Benchmark Practice Set")
        for who in range(1, len(self.users)):
            yield self.command(who, "join")

    def meeting(self) -> Iterator[Event]:
        """One whole meeting, facilitated by member 0; two members present each time."""
        n = self.meetings
        count = len(self.users)
        presenters = [(2 * n) % count, (2 * n + 1) % count]
        yield self.command(0, "start")
        for who in range(count):
            if who in presenters:
                if who % 2:
                    yield self.say(who, "I'm here and I'd like time")
                else:
                    yield self.command(who, "here bid")
            elif who != 0:
                yield self.command(who, "here") if who % 2 else self.say(who, "I'm here")
        yield self.command(0, "next")  # to review when someone owes a report, else presenting
        if self._owing:
            for who in self._owing:
                yield self.command(who, f"report done Meeting {n}: tried it, it helped.")
            yield self.command(0, "next")
        self._owing = []
        for presenter in presenters:
            yield self.say(presenter, f"How do I get my team to reflect more? (meeting {n})")
            yield self.say(presenter, "I have tried agenda slots and one-to-ones so far.")
            self.entries += 2
            yield self.command(0, "next")  # questioning
            askers = [who for who in range(count) if who != presenter]
            for k, who in enumerate(askers):
                yield self.say(who, f"What would change for you if it worked? ({k})")
                self.entries += 1
            yield self.say(askers[0], "You should just put it on the agenda.")  # advice: nudge
            yield self.command(0, "next")  # commitment
            yield self.command(presenter, f"commit Ask the team what they want ({n})")
            self.commitments += 1
            self._owing.append(presenter)
            yield self.command(presenter, "next")  # the presenter moves on
        for who in range(3):
            yield self.say(who, f"I ask more questions when I stop fixing things ({n}).")
            self.entries += 1
        yield self.command(0, "end")
        self.meetings += 1


async def phase_handle(events_target: int, folder: Path, profile: bool) -> dict[str, Any]:
    """Time ``engine.handle`` for a stream of meeting events on one SQLite file."""
    url = f"sqlite:///{folder / 'handle.db'}"
    clock = ManualClock(START)
    runtime = await open_runtime(url, clock)
    outbox = RecordingOutbox()
    runtime.engine.outboxes[PLATFORM] = outbox
    users = [UserRef(platform=PLATFORM, workspace=WORKSPACE, id=f"u{i}")
             for i in range(MEMBERS_PER_SET)]
    names = ["Alice", "Bob", "Carol", "Dan", "Erin", "Frank"][:MEMBERS_PER_SET]
    script = Script(channel=ChannelRef(platform=PLATFORM, workspace=WORKSPACE, channel="set"),
                    users=users, names=names)
    latencies: list[float] = []
    profiler = cProfile.Profile() if profile else None

    async def run(event: Event) -> None:
        clock.advance(STEP)
        if profiler is not None:
            profiler.enable()
        started = time.perf_counter()
        await runtime.engine.handle(event)
        latencies.append(time.perf_counter() - started)
        if profiler is not None:
            profiler.disable()

    for event in script.setup():
        await run(event)
    while len(latencies) < events_target:
        for event in script.meeting():
            await run(event)
        clock.advance(timedelta(days=1))
    def tally(session: Any) -> tuple[int, ...]:
        return (
            session.execute(select(SetRow.meetings_held)).scalar_one(),
            session.execute(select(func.count()).select_from(MemberRow)).scalar(),
            session.execute(select(func.count()).select_from(MeetingRow)
                            .where(MeetingRow.stage == "ended")).scalar(),
            session.execute(select(func.count()).select_from(CommitmentRow)).scalar(),
            session.execute(select(func.count()).select_from(EntryRow)).scalar(),
            repository.count_pings(session, "pending"),
        )

    held, members, ended, commitments, entries, pending = await runtime.db.run(tally)
    await runtime.close()
    whispers = Counter(effect.card.body.split("\n")[0][:60] for effect in outbox.sent
                       if isinstance(effect, Whisper))
    ordered = sorted(latencies)
    ms = [v * 1000 for v in ordered]
    result = {
        "count": len(ms), "p50": percentile(ms, 0.50), "p90": percentile(ms, 0.90),
        "p99": percentile(ms, 0.99), "max": ms[-1], "mean": statistics.fmean(ms),
    }
    print("\n== 1. engine.handle latency (one set, 6 members, SQLite file) ==")
    print(f"events handled      {result['count']}")
    print(f"p50 / p90 / p99     {result['p50']:.2f} / {result['p90']:.2f} / "
          f"{result['p99']:.2f} ms   (target p99 <= {TARGET_P99_MS:.0f} ms)")
    print(f"max / mean          {result['max']:.2f} / {result['mean']:.2f} ms")
    first, last = ms_slice(latencies, 0, 200), ms_slice(latencies, -200, None)
    print(f"p99 first/last 200  {first:.2f} / {last:.2f} ms   (growth with history)")
    print(f"check: meetings held {held} (script {script.meetings}), ended {ended}; "
          f"members {members}; commitments {commitments} (script {script.commitments}); "
          f"entries {entries} (script {script.entries}); pending pings {pending}")
    kinds = Counter(type(effect).__name__ for effect in outbox.sent)
    print(f"outbound effects    {len(outbox.sent)} "
          f"({', '.join(f'{k} {v}' for k, v in kinds.items())})")
    print("whispers by text    " + "; ".join(f"{v}x {k!r}" for k, v in whispers.most_common(6)))
    if profiler is not None:
        profile_report(profiler, "phase 1")
    return result


def ms_slice(latencies: list[float], start: int, stop: int | None) -> float:
    return percentile(sorted(v * 1000 for v in latencies[start:stop]), 0.99)


# ---------------------------------------------------------------- phases 2 and 3: pings


async def seed(url: str, clock: ManualClock, sets: int, pings: int,
               scatter: bool = False) -> dict[str, str]:
    """Bulk-insert ``sets`` sets with members and one open commitment per pending check-in ping.

    A set's check-ins fall due within ten minutes of each other (its commitments were made in
    one meeting, a week ago), the sets at random times in the last six hours; with ``scatter``
    every ping gets its own random time in those six hours (a backlog after downtime, the worst
    case for grouping by set). Returns ping id -> commitment id.
    """
    runtime = await open_runtime(url, clock)
    now = clock.now()
    rng = random.Random(7)
    per_set, extra = divmod(pings, sets)
    set_rows, member_rows, meeting_rows, commitment_rows, ping_rows = [], [], [], [], []
    mapping: dict[str, str] = {}
    for s in range(sets):
        set_id = f"set{s:05d}"
        keys = [f"{PLATFORM}:{WORKSPACE}:s{s}u{i}" for i in range(MEMBERS_PER_SET)]
        meeting_id = f"mtg{s:05d}"
        set_due = now - timedelta(seconds=rng.uniform(660, 6 * 3600))
        made = set_due - timedelta(days=7)
        set_rows.append(dict(
            id=set_id, name=f"Set {s}", home_key=f"{PLATFORM}:{WORKSPACE}:chan{s}",
            timezone="UTC", facilitator_key=keys[0],
            timeboxes={k.value: v for k, v in DEFAULT_TIMEBOXES.items()},
            checkin_offsets="7d,-2d", checkins_paused=False, auto_advance=False,
            next_meeting_at=None, cadence_weeks=None, meetings_held=1,
            created_at=now - timedelta(days=30), version=1))
        member_rows.extend(dict(set_id=set_id, user_key=key, name=f"Member {i}",
                                joined_at=now - timedelta(days=30), left_at=None, org=None)
                           for i, key in enumerate(keys))
        meeting_rows.append(dict(
            id=meeting_id, set_id=set_id, number=1, stage="ended", seq=12, started_at=made,
            stage_started_at=made, facilitator_key=keys[0], attendance=keys, bids=keys[:2],
            reviewees=[], presenter_index=1, last_advance_at=made, last_advance_by=keys[0],
            ended_at=made, summary="Summary"))
        for c in range(per_set + (1 if s < extra else 0)):
            commitment_id = f"c{s:05d}x{c:03d}"
            ping_id = f"p{s:05d}x{c:03d}"
            owner = keys[c % MEMBERS_PER_SET]
            commitment_rows.append(dict(
                id=commitment_id, set_id=set_id, meeting_id=meeting_id, owner_key=owner,
                text=f"Commitment {c} of set {s}", due_at=now + timedelta(days=21),
                created_at=made, outcome=None, account="", reviewed_meeting_id=None,
                last_pinged_at=None, progress=None))
            ping_rows.append(dict(
                id=ping_id, kind="checkin", set_id=set_id,
                due_at=(now - timedelta(seconds=rng.uniform(1, 6 * 3600)) if scatter
                        else set_due + timedelta(seconds=rng.uniform(0, 600))),
                status="pending",
                user_key=owner, commitment_id=commitment_id, meeting_id=None, stage=None,
                seq=None, claimed_until=None, attempts=0, done_at=None))
            mapping[ping_id] = commitment_id
    def store(session: Any) -> None:
        for model, rows in ((SetRow, set_rows), (MemberRow, member_rows),
                            (MeetingRow, meeting_rows), (CommitmentRow, commitment_rows),
                            (PingRow, ping_rows)):
            session.execute(insert(model), rows)

    await runtime.db.run(store)
    await runtime.close()
    return mapping


@dataclass
class Delivery:
    """What one ``run_due`` did, as seen from outside and in the database afterwards."""

    handled: int
    seconds: float
    decides: int
    sets_decided: int
    pings_decided: int
    statuses: dict[str, int]
    stamped: int


async def deliver(url: str, clock: ManualClock, outbox: Any, profile: bool = False) -> Delivery:
    """Open ``url`` and run ``run_due`` once (timed), counting the engine's transactions."""
    runtime = await open_runtime(url, clock)
    runtime.engine.outboxes[PLATFORM] = outbox
    decide_many = runtime.engine.decide_many
    counts = Counter[str]()

    async def counting_decide_many(groups: Sequence[Sequence[Event]]
                                   ) -> list[list[tuple[Effect, ...]]]:
        counts["decides"] += 1
        counts["sets"] += len(groups)
        counts["events"] += sum(len(group) for group in groups)
        return await decide_many(groups)

    runtime.engine.decide_many = counting_decide_many  # type: ignore[method-assign]
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    started = time.perf_counter()
    handled = await runtime.delivery.run_due()
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
    def tally(session: Any) -> tuple[dict[str, int], int]:
        statuses = {status: int(n) for status, n in session.execute(
            select(PingRow.status, func.count()).group_by(PingRow.status)).all()}
        stamped = session.execute(select(func.count()).select_from(CommitmentRow)
                                  .where(CommitmentRow.last_pinged_at.is_not(None)))
        return statuses, int(stamped.scalar_one())

    statuses, stamped_count = await runtime.db.run(tally)
    await runtime.close()
    if profiler is not None:
        profile_report(profiler, "phase 2 run_due")
    return Delivery(handled=handled, seconds=seconds, decides=counts["decides"],
                    sets_decided=counts["sets"], pings_decided=counts["events"],
                    statuses=statuses, stamped=stamped_count)


async def phase_pings(sets: int, pings: int, folder: Path, profile: bool,
                      scatter: bool) -> dict[str, Any]:
    url = f"sqlite:///{folder / 'pings.db'}"
    clock = ManualClock(START)
    started = time.perf_counter()
    mapping = await seed(url, clock, sets, pings, scatter)
    seeded = time.perf_counter() - started
    outbox = RecordingOutbox()
    run = await deliver(url, clock, outbox, profile)
    dms = [e for e in outbox.sent if isinstance(e, DirectMessage)]
    got = Counter(dm_commitment(e) for e in dms)
    wanted = Counter(mapping.values())
    duplicates = sum((got - wanted).values())
    lost = sum((wanted - got).values())
    print(f"\n== 2. claim and deliver {pings} due pings ({sets} sets, "
          f"{'scattered' if scatter else 'clustered per set'}) ==")
    print(f"seeded in           {seeded:.2f} s (bulk insert, not timed below)")
    print(f"pings handled       {run.handled}   (run_due's count)")
    print(f"run_due time        {run.seconds:.2f} s   (target <= {TARGET_PING_SECONDS:.0f} s)")
    print(f"throughput          {run.handled / run.seconds if run.seconds else 0:.0f} pings/s")
    print(f"transactions        {run.decides} (engine.decide_many) for {run.sets_decided} sets "
          f"and {run.pings_decided} pings")
    print(f"DirectMessages      {len(dms)} recorded (other effects {len(outbox.sent) - len(dms)})")
    print(f"duplicates / lost   {duplicates} / {lost}   (per ping id, via its commitment)")
    print(f"database            ping statuses {run.statuses}; commitments stamped "
          f"last_pinged_at {run.stamped}")
    return {"seconds": run.seconds, "handled": run.handled}


async def rss_child(url: str) -> None:
    """In a fresh process: load the database, deliver every due ping, report peak RSS as JSON."""
    clock = ManualClock(START)
    before = hwm_mb()
    outbox = CheckinOutbox()
    run = await deliver(url, clock, outbox)
    print(json.dumps({"rss_mb": rss_mb(), "hwm_mb": hwm_mb(), "hwm_before_mb": before,
                      "handled": run.handled,
                      "seconds": run.seconds, "decides": run.decides,
                      "dms": len(outbox.commitments), "unique": len(set(outbox.commitments)),
                      "statuses": run.statuses}))


async def phase_rss(sets: int, pings: int, folder: Path, scatter: bool) -> dict[str, Any]:
    url = f"sqlite:///{folder / 'rss.db'}"
    await seed(url, ManualClock(START), sets, pings, scatter)
    parent = hwm_mb()
    done = subprocess.run([sys.executable, __file__, "--rss-child", url], capture_output=True,
                          text=True, check=False)
    print(f"\n== 3. peak RSS delivering {pings} pending pings ({sets} sets), fresh process ==")
    if done.returncode != 0 or not done.stdout.strip():
        print(f"child failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
        return {"peak_mb": float("nan")}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    hwm = result["hwm_mb"]
    result["peak_mb"] = hwm if hwm == hwm else result["rss_mb"]  # NaN off Linux
    print(f"peak RSS (VmHWM)    {hwm:.1f} MB   (target <= {TARGET_RSS_MB:.0f} MB; "
          f"{result['hwm_before_mb']:.1f} MB after imports, before opening the database)")
    print(f"ru_maxrss           {result['rss_mb']:.1f} MB   (on Linux a child inherits the "
          f"parent's peak, {parent:.1f} MB here: a ceiling, not the child's own peak)")
    print(f"pings handled       {result['handled']} in {result['seconds']:.2f} s "
          f"({result['decides']} transactions); DMs {result['dms']} "
          f"({result['unique']} distinct commitments)")
    print(f"database            ping statuses {result['statuses']}")
    return result


# ---------------------------------------------------------------- main


async def main(args: argparse.Namespace) -> None:
    print(f"Python {sys.version.split()[0]} on {sys.platform}; clock starts {START.isoformat()}")
    total = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="revans-bench-") as tmp:
        folder = Path(tmp)
        handle = await phase_handle(args.events, folder, args.profile)
        pings = await phase_pings(args.sets, args.pings, folder, args.profile, args.scatter)
        rss = await phase_rss(args.sets, args.rss_pings, folder, args.scatter)
    rows = [
        ("handle p99 latency", f"{handle['p99']:.2f} ms", f"<= {TARGET_P99_MS:.0f} ms",
         handle["p99"] <= TARGET_P99_MS),
        (f"run_due {args.pings} pings", f"{pings['seconds']:.2f} s",
         f"<= {TARGET_PING_SECONDS:.0f} s", pings["seconds"] <= TARGET_PING_SECONDS),
        (f"peak RSS, {args.rss_pings} pings", f"{rss['peak_mb']:.1f} MB",
         f"<= {TARGET_RSS_MB:.0f} MB", rss["peak_mb"] <= TARGET_RSS_MB),
    ]
    print("\n== summary ==")
    print(f"{'measure':<28} {'measured':>12} {'target':>12}  result")
    for name, measured, target, ok in rows:
        print(f"{name:<28} {measured:>12} {target:>12}  {'ok' if ok else 'MISSED'}")
    print(f"(whole run {time.perf_counter() - total:.1f} s)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="events for phase 1")
    parser.add_argument("--sets", type=int, default=1000, help="sets for phases 2 and 3")
    parser.add_argument("--pings", type=int, default=10_000, help="due pings for phase 2")
    parser.add_argument("--rss-pings", type=int, default=20_000, help="pending pings, phase 3")
    parser.add_argument("--scatter", action="store_true",
                        help="give every ping its own due time (worst case for grouping)")
    parser.add_argument("--profile", action="store_true", help="cProfile phases 1 and 2")
    parser.add_argument("--rss-child", metavar="URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.rss_child:
        asyncio.run(rss_child(arguments.rss_child))
    else:
        asyncio.run(main(arguments))
