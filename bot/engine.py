"""The engine: the only way state changes. Load → step → save → dispatch, one transaction each.

Concurrent events for one set are serialised by the set row's ``version`` (optimistic: the loser
reloads and decides again), which works on SQLite and PostgreSQL and across processes. The
version lives on the set, the aggregate's root, rather than on the meeting, because commands
outside meetings (join, schedule, check-ins) change the same aggregate.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.core import language
from bot.core.effects import (
    OUTBOUND,
    STORAGE,
    CancelPings,
    DeferPing,
    DirectMessage,
    Effect,
    EraseMember,
    ReleaseShares,
    SchedulePing,
)
from bot.core.events import Event
from bot.core.home import HomeView, home_view
from bot.core.language import SOURCE
from bot.core.model import Context, HolidayCalendar, Ping, ProgrammeState, SetState
from bot.core.programme import DIGEST_PERIOD
from bot.core.refs import UserRef
from bot.core.routing import (
    join_code,
    needs_history,
    needs_past_meetings,
    read_command,
    record_owner,
    route,
)
from bot.core.step import step
from bot.core.verbs import Parsed
from bot.holiday_calendar import PUBLIC_HOLIDAYS
from bot.i18n import localise, voices
from bot.ical import render_files
from bot.observability import EVENT_SECONDS, EVENTS_HANDLED, log_context, logging_context
from storage import erasure, repository
from storage.database import Database

log = logging.getLogger("revans.engine")
MAX_ATTEMPTS = 10


class Outbox(Protocol):
    """A platform's way of carrying out outbound effects (Post, Update, Whisper, ...), given
    the reply context its inbound built for the event (``None`` for pings); see
    ``bot.outbox.Outbox``, the base class the platforms' outboxes share."""

    async def send(self, effect: Effect, reply: Any = None) -> None: ...


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def dedupe_key(event: Event) -> str | None:
    """``platform:event_id`` for events a platform may deliver twice."""
    event_id = getattr(event, "event_id", "")
    where = getattr(event, "where", None)
    if not event_id or where is None:
        return None
    return f"{where.platform}:{event_id}"


def effect_platform(effect: Effect) -> str:
    if isinstance(effect, DirectMessage):
        return effect.user.platform
    return effect.where.platform  # type: ignore[union-attr]


@dataclass
class Engine:
    db: Database
    clock: Clock
    outboxes: dict[str, Outbox] = field(default_factory=dict)
    default_timezone: str = "UTC"
    default_language: str = SOURCE
    id_factory: Callable[[], str] = new_id
    ping_listeners: list[Callable[[Sequence[Ping]], None]] = field(default_factory=list)
    # Erasures committed and not yet scrubbed from the file; an extra scrub is harmless, so
    # a flag shared by concurrent transactions is enough.
    _erasures_pending: int = 0
    holidays: HolidayCalendar = PUBLIC_HOLIDAYS

    async def handle(self, event: Event, reply: Any = None) -> tuple[Effect, ...]:
        """Decide and commit ``event``, then carry out its outbound effects; ``reply`` is the
        reply context the platform's inbound built (the interaction to answer…), handed to
        that platform's outbox with each effect.

        Timed and counted for ``/metrics``; every log line on the way carries the event id,
        the platform and (once known) the set.
        """
        where = getattr(event, "where", None)
        started = time.perf_counter()
        with logging_context(event_id=getattr(event, "event_id", "") or None,
                             platform=where.platform if where is not None else None):
            results = await self.decide([event])
            effects = results[0] if results else ()
            await self.dispatch(effects, reply,
                                platform=where.platform if where is not None else None)
            seconds = time.perf_counter() - started
            log.info("handled %s: %d effects in %.1f ms", type(event).__name__, len(effects),
                     seconds * 1000)
        EVENT_SECONDS.observe(seconds)
        return effects

    async def decide(self, events: Sequence[Event]) -> list[tuple[Effect, ...]]:
        """Decide events that belong to one set in one transaction (retried on a conflict).

        Returns the outbound effects of each event; a duplicate event gets none.
        """
        return (await self.decide_many([events]))[0]

    async def decide_many(self, groups: Sequence[Sequence[Event]]
                          ) -> list[list[tuple[Effect, ...]]]:
        """Decide several groups of events (each group one set's) in one transaction: what
        ping delivery does with a claimed batch, to pay for one transaction, not hundreds.
        A version conflict (another transaction saved one of the sets first) decides again."""
        try:
            for attempt in range(MAX_ATTEMPTS):
                try:
                    outputs, dropped = await self._decide_groups_once(groups)
                except repository.VersionConflict:
                    log.info("version conflict, retrying", extra={"attempt": attempt + 1})
                    await asyncio.sleep(random.uniform(0, 0.005 * (attempt + 1)))
                    continue
                for events in groups:
                    for event in events:
                        outcome = "duplicate" if id(event) in dropped else "decided"
                        EVENTS_HANDLED.labels(type=type(event).__name__, outcome=outcome).inc()
                return outputs
            raise RuntimeError("could not apply the events after repeated conflicts")
        except Exception:
            for events in groups:
                for event in events:
                    EVENTS_HANDLED.labels(type=type(event).__name__, outcome="failed").inc()
            raise

    async def _decide_groups_once(self, groups: Sequence[Sequence[Event]]
                                  ) -> tuple[list[list[tuple[Effect, ...]]], set[int]]:
        """One attempt; also returns the ``id()`` of the events dropped as platform retries."""
        new_pings: list[Ping] = []
        dropped: set[int] = set()

        def work(session: Session) -> list[list[tuple[Effect, ...]]]:
            return [self._decide_in(session, events, new_pings, dropped) for events in groups]

        outputs = await self.db.run(work)
        if self._erasures_pending:
            # Erased texts may survive in the database file's free pages or its log: the
            # storage layer scrubs them once the erasure is committed.
            self._erasures_pending = 0
            await self.db.scrub()
        for listener in self.ping_listeners:
            listener(new_pings)
        return outputs, dropped

    def _decide_in(self, session: Session, events: Sequence[Event],
                   new_pings: list[Ping], dropped: set[int] | None = None
                   ) -> list[tuple[Effect, ...]]:
        """The transaction itself (in a database worker thread): dedupe, load, step, save."""
        now = self.clock.now()
        fresh = []
        for event in events:
            key = dedupe_key(event)
            if key is not None and not repository.remember_event(session, key, now):
                log.info("dropped a retried event", extra={"event_key": key})
                if dropped is not None:
                    dropped.add(id(event))
                continue
            fresh.append(event)
        if not fresh:
            return [()] * len(events)
        commands = [read_command(event) for event in fresh]  # each /set line read once
        loaded = self._load(session, fresh, commands, now)
        state = loaded.state if loaded is not None else None
        context = Context(now=now, new_id=self.id_factory, default_timezone=self.default_timezone,
                          holidays=self.holidays, default_language=self.default_language,
                          voices=voices())
        outputs: list[tuple[Effect, ...]] = []
        for event, command in zip(fresh, commands, strict=True):
            result = step(state, event, context, command)
            state = result.state
            outbound = []
            for effect in result.effects:
                if isinstance(effect, STORAGE):
                    self._store(session, effect, new_pings)
                elif isinstance(effect, OUTBOUND):
                    outbound.append(render_files(effect, now))
                else:
                    raise TypeError(f"unknown effect type: {type(effect).__name__}")
            outputs.append(tuple(outbound))
        context = log_context.get()
        if context is not None and isinstance(state, SetState):  # a set made by this event
            context.setdefault("set_id", state.set.id)
        if isinstance(state, ProgrammeState):
            repository.save_programme(session, loaded, state)  # type: ignore[arg-type]
        elif state is not None:
            repository.save(session, loaded, state)  # type: ignore[arg-type]
        return outputs

    def _load(self, session: Session, events: Sequence[Event], commands: Sequence[Parsed | None],
              now: datetime) -> repository.Loaded | repository.LoadedProgramme | None:
        """The aggregate the events' route names: a set (with what the events' commands need)
        or a programme (with its member sets' counts)."""
        target = repository.find_target(session, route(events[0], commands[0]))
        if target is None:
            return None
        context = log_context.get()
        if context is not None:  # set by ``handle`` for one event: name its set in the logs
            context[f"{target.kind}_id"] = target.id
        if target.kind == "programme":
            return repository.load_programme(session, target.id, since=now - DIGEST_PERIOD)
        return repository.load(
            session, target.id, with_history=any(needs_history(c) for c in commands),
            join_code=next((code for c in commands if (code := join_code(c))), None),
            record_owner=record_owner(events[0], commands[0]),
            with_past_meetings=any(needs_past_meetings(c) for c in commands))

    def _store(self, session: Session, effect: Effect, new_pings: list[Ping]) -> None:
        match effect:
            case SchedulePing(ping=ping):
                repository.add_ping(session, ping)
                new_pings.append(ping)
            case CancelPings():
                repository.cancel_pings(session, effect.set_id, effect.kinds,
                                        effect.commitment_id, effect.meeting_id, effect.user,
                                        effect.due_until)
            case DeferPing(ping_id=ping_id, until=until):
                repository.defer_ping(session, ping_id, until)
            case EraseMember(set_id=set_id, user=user, summaries=summaries):
                erasure.erase_member(session, set_id, user, summaries)
                self._erasures_pending += 1  # scrubbed after the commit
            case ReleaseShares(share_ids=share_ids, at=at):
                repository.release_shares(session, share_ids, at)
            case _:
                raise TypeError(f"unknown storage effect: {type(effect).__name__}")

    async def member_home(self, user: UserRef, *, limit: int = 20) -> HomeView:
        """A member's own view of their sets (read-only), for a platform's home tab."""
        states = await self.db.run(partial(repository.member_sets, user=user, limit=limit))
        newest = states[-1] if states else None  # oldest membership first
        own = newest.profile(user).language if newest is not None else None
        set_language = newest.set.language if newest is not None else None
        with language.speaking(language.choose(voices(), own, set_language,
                                               self.default_language)):
            return home_view(states, user)

    async def dispatch(self, effects: Iterable[Effect], reply: Any = None, *,
                       platform: str | None = None) -> int:
        """Hand outbound effects to their platform's outbox; one failure does not stop the rest.
        ``reply`` goes only with effects on ``platform`` (the event's): a reply context means
        nothing to another platform's outbox. Returns how many could not be delivered (ping
        delivery tries a check-in again later rather than lose it)."""
        failed = 0
        for effect in effects:
            if not isinstance(effect, OUTBOUND):
                raise TypeError(f"not an outbound effect: {type(effect).__name__}")
            target = effect_platform(effect)
            outbox = self.outboxes.get(target)
            if outbox is None:
                log.error("no outbox for platform %s; dropped %s", target,
                          type(effect).__name__)
                failed += 1
                continue
            try:
                await outbox.send(localise(effect), reply if target == platform else None)
            except Exception:  # noqa: BLE001 - a platform error must not stop the bot
                log.exception("could not deliver %s on %s", type(effect).__name__, target)
                failed += 1
        return failed
