"""dead ends: pings keep their creation order; a commitment can be carried forward

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_order", sa.BigInteger(), nullable=False,
                                      server_default="0"))
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_at", storage.models.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_column("carried_at")
    with op.batch_alter_table("pings", schema=None) as batch_op:
        batch_op.drop_column("created_order")
