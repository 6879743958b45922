"""Schema migrations on real SQLite files and the real PostgreSQL server: empty → head, round
trips, refusing a newer schema, and the SQLite safety net (backup first, foreign keys off while
tables are copied, foreign key check before the commit)."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import open_as_admin
from sqlalchemy import inspect, text

from desk import migrate, paths
from desk.backup import backup_before_migration, inspect_backup
from desk.db import make_engine
from desk.errors import DatabaseOpenError, SchemaTooNewError
from desk.facade import Desk
from desk.models import Base
from desk.services.businesses import BusinessInput
from desk.services.users import UserInput


def _has_chinese(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def _tables(url: str) -> set[str]:
    eng = make_engine(url)
    try:
        return set(inspect(eng).get_table_names())
    finally:
        eng.dispose()


def _version(url: str) -> str | None:
    eng = make_engine(url)
    try:
        with eng.connect() as c:
            return migrate.current_revision(c)
    finally:
        eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def empty_url(request: pytest.FixtureRequest) -> str:
    """A database with no schema at all, on both backends."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_empty_url")


def test_empty_database_to_head(empty_url: str) -> None:
    assert _version(empty_url) is None
    eng = make_engine(empty_url)
    try:
        result = migrate.upgrade(eng)
    finally:
        eng.dispose()
    assert result.before is None
    assert result.after == migrate.head_revision()
    assert result.backup is None  # nothing to lose in an empty database
    assert set(Base.metadata.tables) <= _tables(empty_url)
    assert _version(empty_url) == migrate.head_revision()


def test_downgrade_to_base_and_up_again(empty_url: str) -> None:
    d = Desk.open(empty_url)  # also seeds the vocabularies: the round trip is not on empty tables
    try:
        migrate.downgrade(d.engine, "base")
        assert _version(empty_url) is None
        assert not (set(Base.metadata.tables) & _tables(empty_url))
        migrate.upgrade(d.engine)
        assert _version(empty_url) == migrate.head_revision()
        assert set(Base.metadata.tables) <= _tables(empty_url)
    finally:
        d.close()
    # And the program opens the re-created database normally.
    d = open_as_admin(empty_url)
    try:
        assert d.businesses.count() == 0
        assert d.vocab.list("nature")
    finally:
        d.close()


def _stamp_unknown(url: str, rev: str) -> None:
    eng = make_engine(url)
    try:
        with eng.begin() as c:
            c.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": rev})
    finally:
        eng.dispose()


def test_newer_schema_is_refused_untouched(db_url: str) -> None:
    Desk.open(db_url).close()
    _stamp_unknown(db_url, "9f9f_from_the_future")
    before = _tables(db_url)
    with pytest.raises(SchemaTooNewError) as err:
        Desk.open(db_url)
    msg = str(err.value)
    assert _has_chinese(msg) and "9f9f_from_the_future" in msg and "升级" in msg
    assert isinstance(err.value, DatabaseOpenError)
    # Nothing was migrated or written.
    assert _version(db_url) == "9f9f_from_the_future"
    assert _tables(db_url) == before
    # upgrade() refuses on its own too (the CLI calls it directly).
    eng = make_engine(db_url)
    try:
        with pytest.raises(SchemaTooNewError):
            migrate.upgrade(eng)
    finally:
        eng.dispose()


def test_backup_before_migration_is_a_valid_copy(sqlite_desk: Desk) -> None:
    sqlite_desk.businesses.create(BusinessInput(name="备份前的经营者"))
    path = backup_before_migration(sqlite_desk.engine, migrate.head_revision())
    assert path.parent == paths.backup_dir()
    assert path.name.startswith(f"before-migrate-{migrate.head_revision()}-")
    info = inspect_backup(path)
    assert info.revision == migrate.head_revision()
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT name FROM business").fetchall() == [("备份前的经营者",)]
        # A stand-alone file: no -wal companion needed to read it elsewhere.
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        con.close()


# -- a newer program version: a temporary revision on top of the shipped head ------------------

_PROBE_REVISION = '''
"""test probe: copy office and vocab_item (both referenced) the way batch mode does"""
import sqlalchemy as sa
from alembic import op

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade():
    # Records whether foreign keys were enforced while the tables were copied.
    op.execute("CREATE TABLE fk_probe AS SELECT foreign_keys AS fk FROM pragma_foreign_keys")
    for name in ("office", "vocab_item"):
        with op.batch_alter_table(name, recreate="always") as b:
            b.add_column(sa.Column("probe_note", sa.String(20), nullable=True))
    {extra}


def downgrade():
    for name in ("office", "vocab_item"):
        with op.batch_alter_table(name, recreate="always") as b:
            b.drop_column("probe_note")
    op.drop_table("fk_probe")
'''


def _newer_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, extra: str = "pass") -> str:
    """Point desk.migrate at a copy of the migrations with one more revision; return its id."""
    old_head = migrate.head_revision()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    rev = "9999probe"
    (scripts / "versions" / f"{rev}.py").write_text(
        _PROBE_REVISION.format(rev=rev, down=old_head, extra=extra), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    return rev


def _populated_sqlite(url: str) -> None:
    d = open_as_admin(url)
    try:
        office = d.offices.list()[0]
        d.users.create(UserInput("clerk", "受理员", "handler", office.id, password="clerk-pass-1"))
        d.businesses.create(BusinessInput(name="迁移前的经营者"))
    finally:
        d.close()


def test_sqlite_upgrade_backs_up_first_and_keeps_foreign_keys(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populated_sqlite(sqlite_url)
    old_head = migrate.head_revision()
    existing = set(paths.backup_dir().glob("before-migrate-*"))
    new_rev = _newer_program(tmp_path, monkeypatch)

    d = Desk.open(sqlite_url)
    try:
        made = set(paths.backup_dir().glob("before-migrate-*")) - existing
        assert len(made) == 1, "upgrading an existing SQLite file must back it up first"
        backup = made.pop()
        assert backup.name.startswith(f"before-migrate-{old_head}-")
        con = sqlite3.connect(backup)
        try:
            assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == old_head
            assert con.execute("SELECT count(*) FROM app_user").fetchone()[0] == 2
            assert con.execute("SELECT name FROM business").fetchall() == [("迁移前的经营者",)]
        finally:
            con.close()

        with d.read() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == new_rev
            # The tables were copied with foreign keys off ...
            assert s.execute(text("SELECT fk FROM fk_probe")).scalar() == 0
            # ... no row was lost or left dangling ...
            assert s.execute(text("SELECT count(*) FROM app_user")).scalar() == 2
            assert s.execute(text("PRAGMA foreign_key_check")).fetchall() == []
            # ... and the program's connections enforce foreign keys again.
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with d.write() as s:
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # Down again: the probe revision's downgrade copies the tables back just as safely.
        migrate.downgrade(d.engine, old_head)
        with d.read() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == old_head
            assert s.execute(text("PRAGMA foreign_key_check")).fetchall() == []
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        d.close()


def test_migration_breaking_foreign_keys_is_rolled_back(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populated_sqlite(sqlite_url)
    old_head = migrate.head_revision()
    # A faulty migration that leaves a user pointing at an office that does not exist.
    _newer_program(tmp_path, monkeypatch, extra='op.execute("UPDATE app_user SET office_id = 9999")')
    with pytest.raises(DatabaseOpenError) as err:
        Desk.open(sqlite_url)
    assert "外键" in str(err.value)
    monkeypatch.undo()
    assert _version(sqlite_url) == old_head
    assert "fk_probe" not in _tables(sqlite_url)
    d = open_as_admin(sqlite_url)
    try:
        assert {u.username for u in d.users.list()} == {"admin", "clerk"}
        with d.read() as s:
            assert s.execute(text("SELECT count(*) FROM app_user WHERE office_id = 9999")).scalar() == 0
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        d.close()


def test_open_without_migrate_refuses_old_schema(sqlite_url: str) -> None:
    eng = make_engine(sqlite_url)
    try:
        migrate.upgrade(eng, target=migrate.head_revision())
        migrate.downgrade(eng, "base")
    finally:
        eng.dispose()
    with pytest.raises(DatabaseOpenError) as err:
        Desk.open(sqlite_url, migrate=False)
    assert "升级" in str(err.value)


_OPENER = r"""
import os, sys, time
go = sys.argv[2]
from desk.facade import Desk
open(sys.argv[3], "w").close()  # imported, ready to race
while not os.path.exists(go):
    time.sleep(0.005)
try:
    Desk.open(sys.argv[1]).close()
    print("ok")
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}")
"""


def test_programs_opening_a_new_database_at_once(empty_url: str, tmp_path: Path) -> None:
    """Two programs started together on a new database: one creates the schema, the other
    waits for it (SQLite BEGIN IMMEDIATE / PostgreSQL advisory lock) instead of failing."""
    import os
    import subprocess
    import sys

    go = tmp_path / "go"
    env = dict(os.environ, CADESK_HOME=str(tmp_path))
    root = Path(__file__).resolve().parent.parent
    ready = [tmp_path / f"ready{i}" for i in range(2)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPENER, empty_url, str(go), str(r)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in ready
    ]
    deadline = time.monotonic() + 30
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [o[0].strip() for o in outputs] == ["ok", "ok"], outputs
    assert _version(empty_url) == migrate.head_revision()
    d = open_as_admin(empty_url)
    try:
        kinds = {v.code for v in d.vocab.list("channel", include_inactive=True)}
        assert len(d.vocab.list("channel", include_inactive=True)) == len(kinds)  # seeded once
    finally:
        d.close()
