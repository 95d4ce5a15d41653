"""what members expect around meetings: apologies, commitment history, leave, holidays, link,
calendar

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apologies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("set_id", sa.String(length=32), nullable=False),
        sa.Column("user_key", sa.String(length=300), nullable=False),
        sa.Column("meeting_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("apologies", schema=None) as batch_op:
        batch_op.create_index("ix_apologies_set", ["set_id", "meeting_at"], unique=False)

    op.create_table(
        "commitment_changes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("set_id", sa.String(length=32), nullable=False),
        sa.Column("commitment_id", sa.String(length=32), nullable=False),
        sa.Column("user_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commitment_changes", schema=None) as batch_op:
        batch_op.create_index("ix_commitment_changes_set", ["set_id"], unique=False)

    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holidays", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("link", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("calendar_anchor", storage.models.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("calendar_exdates", sa.JSON(), nullable=False,
                                      server_default="[]"))
        batch_op.add_column(sa.Column("calendar_sequence", sa.Integer(), nullable=False,
                                      server_default="0"))

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("org_shown", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("checkins_paused", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("calendar_taken", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("apologies", sa.JSON(), nullable=False,
                                      server_default="[]"))

    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dropped_at", storage.models.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_column("dropped_at")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("apologies")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("calendar_taken")
        batch_op.drop_column("checkins_paused")
        batch_op.drop_column("away_until")
        batch_op.drop_column("org_shown")
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_column("calendar_sequence")
        batch_op.drop_column("calendar_exdates")
        batch_op.drop_column("calendar_anchor")
        batch_op.drop_column("link")
        batch_op.drop_column("holidays")
    with op.batch_alter_table("commitment_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_changes_set")
    op.drop_table("commitment_changes")
    with op.batch_alter_table("apologies", schema=None) as batch_op:
        batch_op.drop_index("ix_apologies_set")
    op.drop_table("apologies")
