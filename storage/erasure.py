"""Erasure at rest: a member's texts blanked by their author columns, then the file scrubbed.

Every table that stores words a member typed is listed in ``AUTHORED_TEXT`` with the column
that names the author and the text columns to blank. A new table of member texts joins erasure
by adding one line here (``(ApologyRow, "user_key", ("note",))``): ``erase_member`` blanks it
in the same transaction, and the guard test (``tests/engine/test_confidentiality.py``) finds
a marker word left in it. Rows stay, so every count stays.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, update
from sqlalchemy.orm import Session

from bot.core.erasure import ERASED
from bot.core.refs import UserRef
from storage.models import (
    ApologyRow,
    CheckinRow,
    CommitmentChangeRow,
    CommitmentRow,
    EntryRow,
    MeetingRow,
    ShareRow,
)

# (model, author column, text columns): every stored text a member typed, by its author.
AUTHORED_TEXT: tuple[tuple[type, str, tuple[str, ...]], ...] = (
    (EntryRow, "user_key", ("text",)),  # presentations, questions, learnings, insights
    (CommitmentRow, "owner_key", ("text", "account")),  # commitments and their reports
    (CheckinRow, "user_key", ("note",)),  # check-in notes
    (ShareRow, "user_key", ("text",)),  # learnings shared with the programme
    (ApologyRow, "user_key", ("note",)),  # notes sent with apologies
    (CommitmentChangeRow, "user_key", ("before", "after")),  # edited texts, drop reasons
)


def erase_member(session: Session, set_id: str, user: UserRef,
                 summaries: Sequence[tuple[str, str]] = ()) -> None:
    """Blank everything ``user`` wrote in the set, across all its meetings (rows stay), and
    store the meetings' summaries as the core redacted them."""
    for model, author, columns in AUTHORED_TEXT:
        table = model.__table__  # type: ignore[attr-defined]
        for column in columns:
            session.execute(update(table).where(and_(
                table.c.set_id == set_id, table.c[author] == user.key, table.c[column] != "",
                table.c[column] != ERASED)).values({column: ERASED}))
    for meeting_id, summary in summaries:
        session.execute(update(MeetingRow).where(MeetingRow.id == meeting_id,
                                                 MeetingRow.set_id == set_id)
                        .values(summary=summary))
