"""Shared fixtures: real SQLite files and a real PostgreSQL server, never mocks.

PostgreSQL: ``CADESK_TEST_PG_URL`` names a database on a server where the user may create
databases. Each test gets a fresh database cloned from a migrated template (fast and isolated).
Under CI=true a missing server fails the run instead of skipping."""

from __future__ import annotations

import itertools
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

# Before anything imports Qt: headless platform; and keep user folders out of the real home.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("CADESK_TEST_PG_URL", "")


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("cadesk-home")
    old = os.environ.get("CADESK_HOME")
    os.environ["CADESK_HOME"] = str(home)
    os.environ.pop("CADESK_DB", None)
    yield home
    if old is None:
        os.environ.pop("CADESK_HOME", None)
    else:
        os.environ["CADESK_HOME"] = old


@pytest.fixture(autouse=True, scope="session")
def _memory_keyring() -> None:
    import keyring
    from keyring.backend import KeyringBackend

    store: dict[tuple[str, str], str] = {}

    class _Backend(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop((service, username), None)

    keyring.set_keyring(_Backend())


# -- PostgreSQL ---------------------------------------------------------------------

_counter = itertools.count()


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    from desk.db import normalise_url

    return create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """Name of a template database migrated to head, made once per test session."""
    if not PG_URL:
        if IN_CI:
            pytest.fail("CI=true but CADESK_TEST_PG_URL is not set: PostgreSQL tests must run in CI")
        pytest.skip("PostgreSQL tests need CADESK_TEST_PG_URL (see README)")
    from sqlalchemy.exc import OperationalError

    from desk import migrate
    from desk.db import make_maintenance_engine, normalise_url

    name = f"cadesk_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = _pg_admin_engine()
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    except OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL at CADESK_TEST_PG_URL unreachable under CI=true: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    url = normalise_url(PG_URL).set(database=name)
    eng = make_maintenance_engine(url)
    migrate.upgrade(eng, backup=False)
    eng.dispose()
    yield name
    with admin.connect() as c:
        drop_database(c, name)
    admin.dispose()


def new_pg_database(template: str | None) -> str:
    """Create a fresh database (from ``template``, or empty) and return its URL."""
    from desk.db import normalise_url

    name = f"cadesk_t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:4]}"
    admin = _pg_admin_engine()
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template or "template0"}" ENCODING \'UTF8\'')
    admin.dispose()
    _created.append(name)
    return normalise_url(PG_URL).set(database=name).render_as_string(hide_password=False)


_created: list[str] = []


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    url = new_pg_database(pg_template)
    yield url
    _drop_created()


@pytest.fixture
def pg_empty_url(pg_template: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (no schema) for one test."""
    url = new_pg_database(None)
    yield url
    _drop_created()


def drop_database(conn, name: str) -> None:  # type: ignore[no-untyped-def]
    """DROP … WITH (FORCE), retried briefly: an autovacuum worker attached to the new database
    can refuse to be ended when the role lacks pg_signal_backend (CI grants it)."""
    import time

    from sqlalchemy.exc import DBAPIError

    for attempt in range(20):
        try:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except DBAPIError:
            if attempt == 19:
                raise
            time.sleep(0.25)


def _drop_created() -> None:
    if not _created:
        return
    admin = _pg_admin_engine()
    with admin.connect() as c:
        while _created:
            drop_database(c, _created.pop())
    admin.dispose()


# -- SQLite and both ----------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    from desk.paths import sqlite_url as make

    return make(tmp_path / "desk.sqlite3")


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run the test on both databases."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


ADMIN_PASSWORD = "admin-pass-1"


def open_as_admin(url: str):  # type: ignore[no-untyped-def]
    from desk.facade import Desk
    from desk.services.auth import SetupInput

    d = Desk.open(url)
    if d.auth.needs_setup():
        d.auth.setup(SetupInput("TH", "太和县消费者协会", "admin", "系统管理员", ADMIN_PASSWORD, ADMIN_PASSWORD))
    else:
        d.auth.login("admin", ADMIN_PASSWORD)
    return d


@pytest.fixture
def desk(db_url: str):  # type: ignore[no-untyped-def]
    """A Desk on a fresh database (SQLite and PostgreSQL), logged in as the administrator."""
    d = open_as_admin(db_url)
    yield d
    d.close()


@pytest.fixture
def sqlite_desk(sqlite_url: str):  # type: ignore[no-untyped-def]
    d = open_as_admin(sqlite_url)
    yield d
    d.close()


def pytest_report_header() -> list[str]:
    return [f"cadesk: CI={IN_CI} PG={'yes' if PG_URL else 'no'} python={sys.version.split()[0]}"]
