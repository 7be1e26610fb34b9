"""The case record and audit store: SQLAlchemy 2 models and Alembic migrations."""
