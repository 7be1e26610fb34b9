"""Alembic's environment. The whole upgrade runs in one transaction holding the write
lock, so a worker killed half-way through its first migration leaves the store as it was
(not tables without an alembic_version), and two workers starting together take turns."""

from alembic import context
from sqlalchemy import Connection, engine_from_config, event, pool, text

from store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    if connectable.dialect.name == "sqlite":
        # pysqlite commits before each CREATE TABLE on its own; take over the transaction
        # (SQLAlchemy's documented recipe) and begin it IMMEDIATE, holding the write lock.
        @event.listens_for(connectable, "connect")
        def _no_pysqlite_transactions(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None

        @event.listens_for(connectable, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # One migrator at a time; released when the transaction ends.
                connection.execute(text("SELECT pg_advisory_xact_lock(7263510)"))
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
