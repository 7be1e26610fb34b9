"""A case's tasks in the store's task list (guidance v8; design.md, "Time"): each row says
whether it is the step a case waits on or a task opened on the case, and, once done, who
marked it done and why. A task still open when its case closes stays open here.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("source", sa.String(10), nullable=True))
        batch.add_column(sa.Column("paragraphs", sa.JSON, nullable=True))
        batch.add_column(sa.Column("done_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("done_note", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("done_note")
        batch.drop_column("done_by")
        batch.drop_column("paragraphs")
        batch.drop_column("source")
