"""Alembic environment, run only through desk.migrate (no alembic.ini, no fileConfig: calling
logging.config.fileConfig here would silence the application's own logging)."""

from __future__ import annotations

from alembic import context

from desk.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("CA Desk migrations run online only (desk.migrate)")
run_migrations_online()
