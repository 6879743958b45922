"""Optimistic locking: two desks saving the same record never silently overwrite each other."""

from __future__ import annotations

import threading

import pytest
from conftest import open_as_admin
from sqlalchemy import select, text

from desk.errors import ConflictError
from desk.facade import Desk
from desk.models import AuditLog, Business
from desk.services.businesses import BusinessInput, BusinessView


def _inp(v: BusinessView, **changes: str) -> BusinessInput:
    fields = dict(
        name=v.name,
        credit_code=v.credit_code or "",
        address=v.address,
        contact_person=v.contact_person,
        phone=v.phone,
        township=v.township,
        note=v.note,
    )
    fields.update(changes)
    return BusinessInput(**fields)


@pytest.fixture
def two_desks(db_url: str):  # type: ignore[no-untyped-def]
    a = open_as_admin(db_url)
    b = open_as_admin(db_url)
    yield a, b
    a.close()
    b.close()


def test_stale_save_is_refused_naming_the_fields(two_desks: tuple[Desk, Desk]) -> None:
    a, b = two_desks
    created = a.businesses.create(BusinessInput(name="城关镇百货商店", address="人民路1号", phone="13812345678"))
    seen_by_a = a.businesses.get(created.id)
    seen_by_b = b.businesses.get(created.id)

    saved = a.businesses.update(created.id, seen_by_a, _inp(seen_by_a, name="城关镇百货商店有限公司", address="人民路2号"))
    assert saved.version == seen_by_a.version + 1

    with pytest.raises(ConflictError) as err:
        b.businesses.update(created.id, seen_by_b, _inp(seen_by_b, phone="13900001111", note="乙的备注"))
    conflict = err.value
    assert conflict.changed == {
        "name": ("城关镇百货商店", "城关镇百货商店有限公司"),
        "address": ("人民路1号", "人民路2号"),
    }
    assert conflict.current == saved
    assert "修改" in str(conflict)

    now = b.businesses.get(created.id)
    assert now == saved  # nothing of the second save persisted
    assert now.phone == "13812345678" and now.note == ""
    # After looking at the latest version, the second user can save.
    again = b.businesses.update(created.id, now, _inp(now, phone="13900001111"))
    assert again.name == "城关镇百货商店有限公司" and again.phone == "13900001111"


def test_stale_delete_is_refused(sqlite_url: str) -> None:
    # Same code path as the stale save above (which runs on both databases).
    a, b = open_as_admin(sqlite_url), open_as_admin(sqlite_url)
    try:
        created = a.businesses.create(BusinessInput(name="将被删除的店"))
        stale = b.businesses.get(created.id)
        a.businesses.update(created.id, created, _inp(created, note="刚补充的情况"))
        with pytest.raises(ConflictError) as err:
            b.businesses.delete(created.id, stale)
        assert "note" in err.value.changed
        assert a.businesses.get(created.id).note == "刚补充的情况"
    finally:
        a.close()
        b.close()


def test_flush_race_becomes_conflict(desk: Desk) -> None:
    """Both saves passed the version check; the row changed before the flush. The ORM's
    ``WHERE version = :old`` finds no row: StaleDataError, shown as ConflictError."""
    created = desk.businesses.create(BusinessInput(name="竞争保存的店"))
    with pytest.raises(ConflictError):
        with desk.write() as s:
            obj = s.get(Business, created.id)
            assert obj is not None
            # Another desk's committed change, made between our read and our flush.
            s.execute(
                text("UPDATE business SET version = version + 1, note = '别人的修改' WHERE id = :i"),
                {"i": created.id},
            )
            obj.name = "我的修改"
    now = desk.businesses.get(created.id)
    assert now.name == "竞争保存的店" and now.version == created.version
    with desk.read() as s:
        updates = s.scalars(select(AuditLog).where(AuditLog.table_name == "business", AuditLog.action == "update")).all()
    assert updates == []


@pytest.mark.pg
def test_flush_race_between_two_desks_on_postgres(pg_url: str) -> None:
    a = open_as_admin(pg_url)
    b = open_as_admin(pg_url)
    try:
        created = a.businesses.create(BusinessInput(name="两台电脑同时保存"))
        loaded = threading.Event()
        b_saved = threading.Event()
        outcome: list[BaseException | None] = []

        def slow_save() -> None:
            try:
                with a.write() as s:
                    obj = s.get(Business, created.id)
                    obj.note = "甲的修改"  # type: ignore[union-attr]
                    loaded.set()
                    assert b_saved.wait(5)
                outcome.append(None)
            except BaseException as exc:  # noqa: BLE001 - checked below
                outcome.append(exc)

        t = threading.Thread(target=slow_save)
        t.start()
        assert loaded.wait(5)
        view = b.businesses.get(created.id)
        b.businesses.update(created.id, view, _inp(view, note="乙的修改"))
        b_saved.set()
        t.join(10)
        assert len(outcome) == 1 and isinstance(outcome[0], ConflictError)
        assert a.businesses.get(created.id).note == "乙的修改"
    finally:
        a.close()
        b.close()


def test_settings_conflict(two_desks: tuple[Desk, Desk]) -> None:
    a, b = two_desks
    start_a = a.settings.snapshot("office.")
    start_b = b.settings.snapshot("office.")
    a.settings.save({"office.name": "太和县消费者协会"}, started_from=start_a)

    with pytest.raises(ConflictError) as err:
        b.settings.save({"office.name": "太和县消协", "office.phone": "12315"}, started_from=start_b)
    assert err.value.changed == {"office.name": ("", "太和县消费者协会")}
    # All or nothing: the unconflicted key in the same save was not written either.
    assert b.settings.get("office.name") == "太和县消费者协会"
    assert b.settings.get("office.phone") == ""

    # A stale snapshot is fine for keys nobody else changed.
    b.settings.save({"office.phone": "12315"}, started_from=start_b)
    assert a.settings.get("office.phone") == "12315"
    fresh = b.settings.snapshot("office.")
    saved = b.settings.save({"office.name": "太和县消协"}, started_from=fresh)
    assert saved.values["office.name"] == "太和县消协"
    assert saved.versions["office.name"] == fresh.versions["office.name"] + 1


def test_user_logging_in_is_not_an_edit_conflict(sqlite_url: str) -> None:
    from desk.errors import AuthError
    from desk.services.users import UserInput

    a = open_as_admin(sqlite_url)
    b = open_as_admin(sqlite_url)
    try:
        office = a.offices.list()[0]
        u = a.users.create(UserInput("lisi", "李四", "handler", office.id, password="lisi-pass-1"))
        stale_b = next(x for x in b.users.list() if x.id == u.id)
        clerk = Desk.open(sqlite_url)
        with pytest.raises(AuthError):
            clerk.auth.login("lisi", "wrong-pass-1")
        clerk.auth.login("lisi", "lisi-pass-1")
        clerk.close()
        # The admin's view predates two logins: saving it is still fine.
        saved = a.users.update(u.id, u, UserInput("lisi", "李四", "secretary", office.id))
        assert saved.role == "secretary" and saved.last_login_at is not None
        # A real edit by another admin meanwhile is a conflict, naming the field.
        with pytest.raises(ConflictError) as err:
            b.users.update(u.id, stale_b, UserInput("lisi", "李四（新）", "handler", office.id))
        assert set(err.value.changed) == {"role"}
        assert next(x for x in a.users.list() if x.id == u.id).display_name == "李四"
    finally:
        a.close()
        b.close()
