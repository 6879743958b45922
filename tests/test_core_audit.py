"""The audit trail: one row per insert/update/delete of a business record, in the same
transaction, with who and what; nothing for failed saves, no password hashes, no login noise."""

from __future__ import annotations

import pytest
from conftest import ADMIN_PASSWORD
from sqlalchemy import select

from desk.errors import PermissionDenied, ValidationError
from desk.facade import Desk
from desk.models import AuditLog, Business
from desk.services.audit_log import AuditEntry
from desk.services.businesses import BusinessInput
from desk.services.users import UserInput


def _rows(desk: Desk, table: str | None = None) -> list[AuditLog]:
    with desk.read() as s:
        q = select(AuditLog).order_by(AuditLog.id)
        if table:
            q = q.where(AuditLog.table_name == table)
        rows = s.scalars(q).all()
        s.expunge_all()
        return list(rows)


def test_insert_update_delete_each_write_one_row(desk: Desk) -> None:
    assert _rows(desk, "business") == []
    created = desk.businesses.create(BusinessInput(name="城关超市", address="人民路1号", phone="13812345678"))
    updated = desk.businesses.update(
        created.id,
        created,
        BusinessInput(name="城关超市", address="人民路8号", phone="13812345678", note="搬迁"),
    )
    desk.businesses.delete(created.id, updated)

    entries: list[AuditEntry] = desk.audit_log.entries(table="business", row_id=str(created.id))
    assert [e.action for e in entries] == ["delete", "update", "insert"]
    for e in entries:
        assert e.username == "admin"
        assert e.user_id == desk.actor.user_id  # type: ignore[union-attr]
        assert e.table_name == "business" and e.row_id == str(created.id)
    delete, update, insert = entries

    assert insert.before is None
    assert insert.after is not None
    assert insert.after["name"] == "城关超市" and insert.after["address"] == "人民路1号"
    assert insert.after["id"] == created.id

    # Only what changed, before and after (not version/updated_at, not untouched fields).
    assert update.before == {"address": "人民路1号", "note": ""}
    assert update.after == {"address": "人民路8号", "note": "搬迁"}

    assert delete.after is None
    assert delete.before is not None
    assert delete.before["address"] == "人民路8号" and delete.before["note"] == "搬迁"
    assert len(_rows(desk, "business")) == 3


def test_audit_row_is_in_the_same_transaction(desk: Desk) -> None:
    # The trail is written at flush, inside the transaction: it is there before the commit
    # and disappears with a rollback.
    with pytest.raises(RuntimeError):
        with desk.write() as s:
            s.add(Business(name="回滚的经营者", search_name="回滚的经营者"))
            s.flush()
            assert s.scalar(select(AuditLog.action).where(AuditLog.table_name == "business")) == "insert"
            raise RuntimeError("abandon")
    assert _rows(desk, "business") == []
    assert desk.businesses.count() == 0


def test_failed_saves_leave_no_audit_row(desk: Desk) -> None:
    ok = desk.businesses.create(BusinessInput(name="已有经营者", credit_code="91350100M000100Y43"))
    count = len(_rows(desk))
    with pytest.raises(ValidationError):
        desk.businesses.create(BusinessInput(name="重复代码", credit_code="91350100M000100Y43"))
    with pytest.raises(ValidationError):
        desk.businesses.update(ok.id, ok, BusinessInput(name="已有经营者", phone="12"))
    assert len(_rows(desk)) == count
    # A save that changes nothing writes nothing either.
    desk.businesses.update(ok.id, ok, BusinessInput(name="已有经营者", credit_code="91350100M000100Y43"))
    assert len(_rows(desk)) == count


def test_no_password_hash_and_no_login_noise(sqlite_desk: Desk) -> None:
    # Many password hashes: SQLite only, the trail is written the same way on both.
    desk = sqlite_desk
    office = desk.offices.list()[0]
    user = desk.users.create(UserInput("zhangsan", "张三", "handler", office.id, password="zhangsan-pw1"))
    desk.users.reset_password(user.id, "zhangsan-pw2")
    desk.auth.change_password(ADMIN_PASSWORD, "admin-pass-2", "admin-pass-2")
    before = len(_rows(desk))
    desk.auth.logout()
    from desk.errors import AuthError

    with pytest.raises(AuthError):
        desk.auth.login("zhangsan", "wrong-password")
    desk.auth.login("zhangsan", "zhangsan-pw2")
    desk.auth.logout()
    desk.auth.login("admin", "admin-pass-2")
    assert len(_rows(desk)) == before, "logins and failed attempts must not fill the trail"

    everything = _rows(desk)
    user_rows = [r for r in everything if r.table_name == "app_user"]
    assert any(r.action == "insert" and r.row_id == str(user.id) for r in user_rows)
    for r in everything:
        for blob in (r.before, r.after):
            assert not blob or "$argon2" not in blob
            assert not blob or "password_hash" not in blob
    # A real change to a user (display name) is recorded, the password reset is not.
    desk.users.update(user.id, desk.users.list()[-1], UserInput("zhangsan", "张三丰", "handler", office.id))
    last = desk.audit_log.entries(table="app_user", row_id=str(user.id))[0]
    assert last.action == "update" and last.after == {"display_name": "张三丰"}


def test_setup_is_attributed_and_trail_needs_permission(sqlite_desk: Desk) -> None:
    desk = sqlite_desk
    # The first admin and office are in the trail; the vocabularies seeded by the program are
    # attributed to "system".
    users = [r for r in _rows(desk, "app_user") if r.action == "insert"]
    assert len(users) == 1
    vocab = _rows(desk, "vocab_item")
    assert vocab and {r.username for r in vocab} == {"system"}
    office = desk.offices.list()[0]
    desk.users.create(UserInput("viewer", "查看员", "readonly", office.id, password="viewer-pass1"))
    desk.auth.logout()
    desk.auth.login("viewer", "viewer-pass1")
    with pytest.raises(PermissionDenied):
        desk.audit_log.entries()


def test_access_log_rows(desk: Desk) -> None:
    from desk.audit import log_access

    b = desk.businesses.create(BusinessInput(name="被查看的经营者"))
    with desk.write() as s:
        log_access(s, "view", "business", str(b.id), {"fields": ["phone"], "reason": "核实"})
    with pytest.raises(RuntimeError):
        with desk.write() as s:
            log_access(s, "export", "business", str(b.id), {"rows": 1})
            raise RuntimeError("export failed")
    entries = desk.audit_log.entries(table="business", row_id=str(b.id))
    assert [e.action for e in entries] == ["view", "insert"]
    assert entries[0].after == {"fields": ["phone"], "reason": "核实"} and entries[0].before is None
    assert len(desk.audit_log.entries(limit=1)) == 1
