"""Case and archive numbers stay unique and gap-free when several desks save at the same moment:
8 writers on the PostgreSQL server (row lock on the sequence), 4 on one SQLite file (BEGIN
IMMEDIATE and busy_timeout make them queue)."""

from __future__ import annotations

import datetime
import threading

import pytest
from conftest import open_as_admin
from sqlalchemy import select

from desk import clock
from desk.models import CaseSequence
from desk.services.businesses import BusinessInput
from desk.services.complaints import ActionInput, ComplaintFilter, ComplaintInput

PER_THREAD = 10
ARCHIVED_PER_THREAD = 4


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime.datetime(2026, 11, 30, 10, 0))


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    # Every writer logs in; argon2's default cost would dominate the run time.
    from argon2 import PasswordHasher

    from desk.services import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _run_writers(url: str, threads: int) -> tuple[list[str], list[str]]:
    """``threads`` desks each register PER_THREAD complaints at once, then archive a few of
    them at once; returns (case numbers, archive numbers)."""
    main = open_as_admin(url)
    bid = main.businesses.create(BusinessInput(name="太和县华联超市")).id
    barrier = threading.Barrier(threads)
    case_nos: list[list[str]] = [[] for _ in range(threads)]
    archive_nos: list[list[str]] = [[] for _ in range(threads)]
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            d = open_as_admin(url)
            try:
                barrier.wait(timeout=60)
                views = []
                for i in range(PER_THREAD):
                    views.append(d.complaints.register(ComplaintInput(
                        consumer_name=f"消费者{k}-{i}", consumer_phone=f"139{k:04d}{i:04d}", channel_code="C01",
                        category_code="G0101", nature_code="N03", received_at=datetime.datetime(2026, 3, 2, 9, 0),
                        business_id=bid, facts=f"第{k}号窗口登记的第{i}件投诉",
                    )))
                    case_nos[k].append(views[-1].case_no)
                barrier.wait(timeout=60)
                for c in views[:ARCHIVED_PER_THREAD]:
                    c = d.complaints.act(c.id, "withdraw", c.version, ActionInput(on=datetime.date(2026, 3, 3), reason="和解"))
                    c = d.complaints.act(c.id, "close", c.version, ActionInput(on=datetime.date(2026, 3, 3)))
                    c = d.complaints.act(c.id, "archive", c.version, ActionInput(on=datetime.date(2026, 3, 4)))
                    archive_nos[k].append(c.archive_no)
            finally:
                d.close()
        except BaseException as exc:  # reported below, with the thread's number
            errors.append(exc)
            barrier.abort()

    workers = [threading.Thread(target=writer, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not any(w.is_alive() for w in workers), "a writer hung"
    assert errors == [], errors
    # Each desk saw its own numbers rise (it waited for the others, never reused one).
    for nos in case_nos:
        assert nos == sorted(nos)
    with main.read() as s:
        seq = {(r.kind, r.year): r.last_no for r in s.scalars(select(CaseSequence))}
    assert seq == {("case", 2026): threads * PER_THREAD, ("archive", 2026): threads * ARCHIVED_PER_THREAD}
    assert main.complaints.count(ComplaintFilter()) == threads * PER_THREAD
    main.close()
    return [n for nos in case_nos for n in nos], [n for nos in archive_nos for n in nos]


@pytest.mark.pg
def test_eight_writers_on_postgresql(pg_url):
    case_nos, archive_nos = _run_writers(pg_url, 8)
    assert sorted(case_nos) == [f"TH-2026-{i:05d}" for i in range(1, 81)]
    assert sorted(archive_nos) == [f"TH-GD-2026-{i:05d}" for i in range(1, 8 * ARCHIVED_PER_THREAD + 1)]


def test_four_writers_on_sqlite(sqlite_url):
    case_nos, archive_nos = _run_writers(sqlite_url, 4)
    assert sorted(case_nos) == [f"TH-2026-{i:05d}" for i in range(1, 41)]
    assert sorted(archive_nos) == [f"TH-GD-2026-{i:05d}" for i in range(1, 4 * ARCHIVED_PER_THREAD + 1)]


def test_numbers_are_per_office_and_year(sqlite_url):
    from desk.services.offices import OfficeInput

    d = open_as_admin(sqlite_url)
    try:
        bid = d.businesses.create(BusinessInput(name="太和县华联超市")).id
        branch = d.offices.create(OfficeInput(code="THCG", name="城关分会", kind="branch", parent_id=d.actor.office_id)).id

        def reg(received: datetime.datetime, office_id: int | None = None) -> str:
            return d.complaints.register(ComplaintInput(
                consumer_name="张三", consumer_phone="13812345678", channel_code="C01", category_code="G0101",
                nature_code="N03", received_at=received, business_id=bid, facts="电饭煲不加热", office_id=office_id,
            )).case_no

        assert reg(datetime.datetime(2025, 12, 31, 23, 59)) == "TH-2025-00001"
        assert reg(datetime.datetime(2026, 1, 1, 0, 0)) == "TH-2026-00001"
        assert reg(datetime.datetime(2026, 1, 2, 0, 0), branch) == "THCG-2026-00001"
        assert reg(datetime.datetime(2025, 6, 1, 0, 0)) == "TH-2025-00002"
        assert reg(datetime.datetime(2026, 2, 1, 0, 0)) == "TH-2026-00002"
        # A refused registration does not use up a number.
        from desk.errors import ValidationError

        with pytest.raises(ValidationError):
            d.complaints.register(ComplaintInput(
                consumer_name="张三", consumer_phone="1", channel_code="C01", category_code="G0101",
                nature_code="N03", business_id=bid, facts="x"))
        assert reg(datetime.datetime(2026, 2, 2, 0, 0)) == "TH-2026-00003"
    finally:
        d.close()
