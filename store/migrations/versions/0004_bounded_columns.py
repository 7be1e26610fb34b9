"""Columns that hold what the contract allows (issue 23: on PostgreSQL an adjustment's
words longer than the task's action column, or an e-mail over 200 characters, raised
DataError and were retried for ever): a task keeps its full words in `detail`, and an
e-mail address column holds any address the contract accepts (254 characters).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("detail", sa.Text(), nullable=True))
    with op.batch_alter_table("letters") as batch:
        batch.alter_column("to_email", type_=sa.String(320), existing_type=sa.String(200))


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.alter_column("to_email", type_=sa.String(200), existing_type=sa.String(320))
    op.drop_column("tasks", "detail")
