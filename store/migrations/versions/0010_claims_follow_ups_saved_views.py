"""Work allocation on the queue (issue 26): a team's step taken by one person (claimed),
a follow-up date its holder sets for themselves, and each person's saved filters. None of
these changes who may act on a case or when a step is due: that stays the workflow's.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("follow_up_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("follow_up_note", sa.String(500), nullable=True))
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("page", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("query", sa.String(1000), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("person", "page", "name", name="uq_saved_view"),
    )


def downgrade() -> None:
    op.drop_table("saved_views")
    with op.batch_alter_table("tasks") as batch:
        for column in ("follow_up_note", "follow_up_on", "claimed_at", "claimed_by"):
            batch.drop_column(column)
