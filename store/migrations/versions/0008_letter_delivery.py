"""Letters leave through the outbox (issue 25; design.md, "What `status` shows"): each letter
row carries its delivery state (`queued`, `sent`, `posted`, `bounced`, `failed`), how it
goes (`email` or `post`), the dispatcher's attempts and lease, and, once posted, when and
by whom. A letter already delivered before this change is `sent`; one that was not is
`queued`, so the dispatcher takes it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("delivery", sa.String(10), nullable=True))
        batch.add_column(sa.Column("channel", sa.String(10), nullable=True))
        batch.add_column(sa.Column("to_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("to_address", sa.Text, nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("delivery_note", sa.Text, nullable=True))
        batch.add_column(sa.Column("posted_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("posted_by", sa.String(200), nullable=True))
        batch.create_index("ix_letters_delivery", ["delivery"])
    op.execute("UPDATE letters SET delivery = 'sent', channel = 'email' WHERE delivered_at IS NOT NULL")
    op.execute("UPDATE letters SET delivery = 'queued', channel = 'email', attempts = 0 WHERE delivered_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.drop_index("ix_letters_delivery")
        for column in (
            "posted_by", "posted_on", "delivery_note", "claimed_until", "next_attempt_at", "attempts",
            "to_address", "to_name", "channel", "delivery",
        ):  # fmt: skip
            batch.drop_column(column)
