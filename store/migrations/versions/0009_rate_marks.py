"""Rate limits shared by every API process (issue 23): each message, upload or bad token
counted against a caller's window is a row here, so a flood spread over several API
processes meets one limit, not one per process.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_marks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rate_marks_key_at", "rate_marks", ["key", "at"])


def downgrade() -> None:
    op.drop_table("rate_marks")
