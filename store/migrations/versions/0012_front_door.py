"""The front door (issue 27): one-time sign-in links and what parties did through it.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("party", sa.String(20), nullable=False),
        sa.Column("party_id", sa.String(200), nullable=False),
        sa.Column("letter_key", sa.String(120)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_sign_in_links_workflow_id", "sign_in_links", ["workflow_id"])
    op.create_index("ix_sign_in_links_expires_at", "sign_in_links", ["expires_at"])
    op.create_table(
        "front_door_uses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("party", sa.String(20), nullable=False),
        sa.Column("what", sa.String(60), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("since_letter_seconds", sa.Integer),
    )
    op.create_index("ix_front_door_uses_workflow_id", "front_door_uses", ["workflow_id"])


def downgrade() -> None:
    op.drop_table("front_door_uses")
    op.drop_table("sign_in_links")
