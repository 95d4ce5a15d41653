"""The ping queue: check-ins, reminders, stage timers and digests as rows, claimed for
delivery with a lease (``FOR UPDATE SKIP LOCKED`` and per-set advisory locks on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from time import time_ns
from typing import Any

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from bot.core.model import (
    Ping,
    PingKind,
    Stage,
)
from bot.core.refs import UserRef
from storage.models import (
    PingRow,
    as_utc,
)
from storage.rows import user_or_none


def _ping_values(p: Ping) -> dict[str, object]:
    return dict(kind=p.kind.value, set_id=p.set_id, due_at=p.due_at,
                user_key=p.user.key if p.user else None, commitment_id=p.commitment_id,
                meeting_id=p.meeting_id, stage=p.stage.value if p.stage else None, seq=p.seq)


def ping_from_row(row: PingRow | Any) -> Ping:
    return Ping(id=row.id, kind=PingKind(row.kind), set_id=row.set_id, due_at=row.due_at,
                user=user_or_none(row.user_key), commitment_id=row.commitment_id,
                meeting_id=row.meeting_id, stage=Stage(row.stage) if row.stage else None,
                seq=row.seq, created_order=row.created_order or 0,
                attempts=row.attempts or 0)


_order_lock = threading.Lock()
_last_order = 0


def next_created_order() -> int:
    """Strictly increasing in this process (so the order of pings made here is their
    creation order, run after run) and close to the time in microseconds (so pings made by
    different processes sort roughly by when they were made)."""
    global _last_order
    with _order_lock:
        _last_order = max(_last_order + 1, time_ns() // 1000)
        return _last_order


def add_ping(session: Session, ping: Ping) -> None:
    session.add(PingRow(id=ping.id, status="pending", created_order=next_created_order(),
                        **_ping_values(ping)))


def cancel_pings(session: Session, set_id: str, kinds: frozenset[PingKind],
                       commitment_id: str | None = None, meeting_id: str | None = None,
                       user: UserRef | None = None, due_until: datetime | None = None) -> None:
    conditions = [PingRow.set_id == set_id, PingRow.status == "pending",
                  PingRow.kind.in_([k.value for k in kinds])]
    if commitment_id is not None:
        conditions.append(PingRow.commitment_id == commitment_id)
    if meeting_id is not None:
        conditions.append(PingRow.meeting_id == meeting_id)
    if user is not None:
        conditions.append(PingRow.user_key == user.key)
    if due_until is not None:
        conditions.append(PingRow.due_at <= due_until)
    session.execute(update(PingRow).where(*conditions).values(status="cancelled"))


def defer_ping(session: Session, ping_id: str, until: datetime) -> None:
    session.execute(update(PingRow).where(PingRow.id == ping_id)
                          .values(status="pending", due_at=until, claimed_until=None))


def defer_pings(session: Session, until: dict[str, datetime]) -> None:
    """Put claimed pings back in the queue, each due again at its own time."""
    for ping_id, moment in until.items():
        defer_ping(session, ping_id, moment)


def claim(session: Session, ping_id: str, now: datetime,
                lease_until: datetime, retried: list[str] | None = None) -> Ping | None:
    """Take a due ping for delivery; ``None`` if it is not due or someone else holds it.

    A ping taken back from a claimer whose lease ran out is added to ``retried``."""
    if retried is not None:
        before = session.execute(select(PingRow.status).where(PingRow.id == ping_id)
                                 .with_for_update()).scalar_one_or_none()
    result = session.execute(
        update(PingRow)
        .where(PingRow.id == ping_id, PingRow.due_at <= now, _claimable(now))
        .values(status="sending", claimed_until=lease_until, attempts=PingRow.attempts + 1))
    if result.rowcount != 1:
        return None
    if retried is not None and before == "sending":
        retried.append(ping_id)
    row = session.get(PingRow, ping_id, populate_existing=True)
    return ping_from_row(row) if row is not None else None


def _claimable(now: datetime):
    return or_(PingRow.status == "pending",
               and_(PingRow.status == "sending", PingRow.claimed_until < now))


def finish(session: Session, ping_ids: Sequence[str], status: str, now: datetime) -> None:
    """Mark claimed pings ``sent`` or ``missed`` (a deferred one is pending again: left be)."""
    if ping_ids:
        session.execute(update(PingRow).where(PingRow.id.in_(list(ping_ids)),
                                              PingRow.status == "sending")
                        .values(status=status, done_at=now, claimed_until=None))


def finish_all(session: Session, sent: Sequence[str], missed: Sequence[str],
               now: datetime, held: Sequence[str] = (),
               lease_until: datetime | None = None) -> None:
    """Mark what went out, and renew the lease on what this process still holds: a live
    claimer working through a long batch on a slow machine keeps its claim, so no other
    process sends those pings again; only a dead claimer's lease runs out."""
    finish(session, sent, "sent", now)
    finish(session, missed, "missed", now)
    if held and lease_until is not None:
        session.execute(update(PingRow).where(PingRow.id.in_(list(held)),
                                              PingRow.status == "sending",
                                              PingRow.claimed_until >= now)
                        .values(claimed_until=lease_until))


def release(session: Session, ping_ids: Sequence[str]) -> None:
    """Give claimed pings back (delivery failed or the process is stopping)."""
    if ping_ids:
        session.execute(update(PingRow).where(PingRow.id.in_(list(ping_ids)),
                                              PingRow.status == "sending")
                        .values(status="pending", claimed_until=None))


def claim_due(session: Session, now: datetime, lease_until: datetime,
                    limit: int, retried: list[str] | None = None) -> list[Ping]:
    """Claim up to ``limit`` due pings at once, oldest first.

    On PostgreSQL the rows are picked ``FOR UPDATE SKIP LOCKED``, so several processes claim
    disjoint batches; SQLite (one writer at a time) ignores the clause. Pings taken back from
    a claimer whose lease ran out (it died, or hung) are added to ``retried``.

    The other due pings of the sets picked come along (beyond ``limit``), so each set is
    decided once a batch: with thousands of sets due together (a backlog, a busy hour) the
    oldest-first cut would otherwise split a set over several batches, and each piece costs
    a load and a save of the whole set.
    """
    due = (select(PingRow.id, PingRow.status, PingRow.set_id)
           .where(PingRow.due_at <= now, _claimable(now))
           .order_by(PingRow.due_at, PingRow.created_order).limit(limit)
           .with_for_update(skip_locked=True))
    picked = session.execute(due).all()
    if not picked:
        return []
    set_ids = _sets_to_claim(session, sorted({row.set_id for row in picked}))
    picked = [row for row in picked if row.set_id in set_ids]
    if not picked:
        return []
    same_sets = (select(PingRow.id, PingRow.status, PingRow.set_id)
                 .where(PingRow.set_id.in_(set_ids), PingRow.due_at <= now, _claimable(now),
                        PingRow.id.not_in([row.id for row in picked]))
                 .with_for_update(skip_locked=True))
    picked.extend(session.execute(same_sets).all())
    ids = [row.id for row in picked]
    if retried is not None:
        retried.extend(row.id for row in picked if row.status == "sending")
    rows = session.execute(
        update(PingRow).where(PingRow.id.in_(ids), _claimable(now))
        .values(status="sending", claimed_until=lease_until, attempts=PingRow.attempts + 1)
        .returning(PingRow.id, PingRow.kind, PingRow.set_id, PingRow.due_at, PingRow.user_key,
                   PingRow.commitment_id, PingRow.meeting_id, PingRow.stage, PingRow.seq,
                   PingRow.created_order, PingRow.attempts))
    return sorted((ping_from_row(row) for row in rows), key=delivery_order)


def delivery_order(ping: Ping) -> tuple[datetime, int, str]:
    """Pings go out by due time, then in the order they were made (a stable order, so the
    console's transcript is the same on every run)."""
    return (ping.due_at, ping.created_order, ping.id)


_SET_CLAIMS = 7  # the advisory lock class for claiming a set's pings (see _sets_to_claim)


def _sets_to_claim(session: Session, set_ids: list[str]) -> set[str]:
    """The sets this claim may take, in full. On PostgreSQL two processes claiming at the same
    moment could otherwise split one set's due pings between them and then both decide that
    set (a version conflict, a batch decided twice); a transaction-scoped advisory lock per
    set leaves each set to one of them (the other's share stays pending for its next claim).
    SQLite has one writer at a time: no one to share with."""
    if session.get_bind().dialect.name != "postgresql":
        return set(set_ids)
    got = session.execute(
        text("SELECT s FROM unnest(CAST(:sets AS text[])) AS s "
             "WHERE pg_try_advisory_xact_lock(:kind, hashtext(s))"),
        {"sets": set_ids, "kind": _SET_CLAIMS}).scalars().all()
    return set(got)


def upcoming_pings(session: Session, now: datetime,
                         until: datetime) -> Sequence[tuple[str, datetime]]:
    stmt = (select(PingRow.id, PingRow.due_at)
            .where(PingRow.status == "pending", PingRow.due_at > now, PingRow.due_at <= until)
            .order_by(PingRow.due_at))
    return [(row.id, row.due_at) for row in (session.execute(stmt))]


def next_due_at(session: Session, until: datetime) -> datetime | None:
    """When the earliest pending ping falls due, if that is no later than ``until``."""
    stmt = select(func.min(PingRow.due_at)).where(PingRow.status == "pending",
                                                  PingRow.due_at <= until)
    return as_utc((session.execute(stmt)).scalar_one_or_none())


def count_pings(session: Session, status: str) -> int:
    stmt = select(func.count()).select_from(PingRow).where(PingRow.status == status)
    return int((session.execute(stmt)).scalar_one())
