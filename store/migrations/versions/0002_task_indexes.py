"""Indexes for the people's pages: open tasks by person, role and action; cases by owner.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_open_actor", "tasks", ["closed_at", "actor_id"])
    op.create_index("ix_tasks_open_role", "tasks", ["closed_at", "actor_role", "actor_id"])
    op.create_index("ix_tasks_open_action", "tasks", ["closed_at", "action"])
    op.create_index("ix_cases_owner", "cases", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_cases_owner", "cases")
    op.drop_index("ix_tasks_open_action", "tasks")
    op.drop_index("ix_tasks_open_role", "tasks")
    op.drop_index("ix_tasks_open_actor", "tasks")
