"""trust: shares released with the weekly digest, check-in notes shared only on request

Revision ID: 0004
Revises: 0005
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", storage.models.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index("ix_shares_programme_released", ["programme_id", "released_at"],
                              unique=False)
    # Shares confirmed before this version were posted at once.
    op.execute("UPDATE shares SET released_at = at WHERE confirmed")
    with op.batch_alter_table("checkin_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("checkin_answers", schema=None) as batch_op:
        batch_op.drop_column("shared")
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_index("ix_shares_programme_released")
        batch_op.drop_column("released_at")
