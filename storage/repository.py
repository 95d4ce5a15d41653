"""The storage API in one import, for the engine and ping delivery; each job lives in a file
of its own, small enough to read at once:

- ``storage.routing``: which set or programme an event belongs to;
- ``storage.sets``: the set aggregate loaded and saved (and a member's sets);
- ``storage.programmes``: programmes, their coordinators and digest counts;
- ``storage.pings``: the ping queue (claims, leases, advisory locks);
- ``storage.idempotency``: platform event ids already handled, and message slots;
- ``storage.adapter_state``: platforms' own small persisted values;
- ``storage.erasure``: a member's texts blanked by author column (``/set forget-me``);
- ``storage.rows`` (rows to core values and back) and ``storage.sql`` (SQL written once).

Every function takes the session it works in; the caller owns the transaction
(``Database.run`` runs a whole one in a worker thread), so one event is one transaction.
"""

from __future__ import annotations

from storage.idempotency import get_slot, put_slot, remember_event
from storage.pings import (
    add_ping,
    cancel_pings,
    claim,
    claim_due,
    count_pings,
    defer_ping,
    defer_pings,
    delivery_order,
    finish,
    finish_all,
    next_created_order,
    next_due_at,
    ping_from_row,
    release,
    upcoming_pings,
)
from storage.programmes import (
    LoadedProgramme,
    load_programme,
    load_programme_record,
    release_shares,
    save_programme,
)
from storage.routing import Target, find_set_id, find_target
from storage.sets import Loaded, load, member_sets, save
from storage.sql import VersionConflict

__all__ = [
    "Loaded", "LoadedProgramme", "Target", "VersionConflict", "add_ping", "cancel_pings",
    "claim", "claim_due", "count_pings", "defer_ping", "defer_pings", "delivery_order",
    "find_set_id", "find_target", "finish", "finish_all", "get_slot", "load", "load_programme",
    "load_programme_record", "member_sets", "next_created_order", "next_due_at",
    "ping_from_row", "put_slot", "release", "release_shares", "remember_event", "save",
    "save_programme", "upcoming_pings",
]
