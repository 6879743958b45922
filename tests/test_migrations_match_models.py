"""The migrations build exactly the schema the models describe, on both databases: a model
changed without its migration (or the reverse) fails here, not in an office."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from desk import migrate
from desk.db import make_maintenance_engine
from desk.models import Base


def _diffs(url: str) -> list:
    engine = make_maintenance_engine(url)
    try:
        migrate.upgrade(engine, backup=False)
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def test_sqlite_schema_matches_models(sqlite_url: str) -> None:
    assert _diffs(sqlite_url) == []


def test_postgresql_schema_matches_models(pg_empty_url: str) -> None:
    assert _diffs(pg_empty_url) == []
