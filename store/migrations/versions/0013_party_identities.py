"""Parties bound to an identity provider's account by the back office (issue 27).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "party_identities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("issuer", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("workflow_id", sa.String(200), nullable=False),
        sa.Column("party", sa.String(20), nullable=False),
        sa.Column("party_id", sa.String(200), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bound_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("issuer", "subject", "workflow_id", "party", name="uq_party_identity"),
    )
    op.create_index("ix_party_identities_subject", "party_identities", ["subject"])
    op.create_index("ix_party_identities_workflow_id", "party_identities", ["workflow_id"])


def downgrade() -> None:
    op.drop_table("party_identities")
