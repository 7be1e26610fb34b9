"""Forms sent back with errors, kept an hour so the page is a redirect (issue 26:
post/redirect/get; store/drafts.py).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_drafts",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_form_drafts_kept_at", "form_drafts", ["kept_at"])


def downgrade() -> None:
    op.drop_table("form_drafts")
