"""First-run setup, login with lock-out, deactivation and role checks in the services."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ADMIN_PASSWORD, open_as_admin
from sqlalchemy import select

from desk import clock
from desk.errors import AuthError, DeskError, PermissionDenied, ValidationError
from desk.facade import SYSTEM_ACTOR, Desk
from desk.models import User
from desk.services.auth import LOCK_MINUTES, MAX_ATTEMPTS, SetupInput
from desk.services.businesses import BusinessInput
from desk.services.offices import OfficeInput
from desk.services.users import UserInput


def _has_chinese(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def _hash_of(desk: Desk, username: str) -> str:
    with desk.read() as s:
        return s.scalar(select(User.password_hash).where(User.username == username)) or ""


def test_setup_once_with_argon2_and_password_rules(sqlite_url: str) -> None:
    d = Desk.open(sqlite_url)
    try:
        assert d.auth.needs_setup()
        with pytest.raises(ValidationError) as err:
            d.auth.setup(SetupInput("th", "太和县消费者协会", "admin", "管理员", "short7!", "short7!"))
        assert set(err.value.fields) == {"password"} and "8" in err.value.fields["password"]
        with pytest.raises(ValidationError) as err:
            d.auth.setup(SetupInput("", "", "ad min", "", "long-enough-1", "long-enough-2"))
        assert set(err.value.fields) == {"office_code", "office_name", "username", "display_name", "password_again"}
        assert "单位简码" in str(err.value) and "确认密码" in str(err.value)
        assert d.auth.needs_setup(), "a refused setup must save nothing"

        actor = d.auth.setup(SetupInput("th", "太和县消费者协会", "admin", "管理员", ADMIN_PASSWORD, ADMIN_PASSWORD))
        assert actor.role == "admin" and d.actor == actor
        assert _hash_of(d, "admin").startswith("$argon2")
        assert ADMIN_PASSWORD not in _hash_of(d, "admin")
        assert not d.auth.needs_setup()
        assert [o.code for o in d.offices.list()] == ["TH"]

        with pytest.raises(DeskError) as err2:
            d.auth.setup(SetupInput("XX", "另一个", "admin2", "第二个", "another-pw-1", "another-pw-1"))
        assert "已经设置" in str(err2.value)
        assert [u.username for u in d.users.list()] == ["admin"]
    finally:
        d.close()


def test_wrong_passwords_count_down_then_lock(sqlite_url: str) -> None:
    d = open_as_admin(sqlite_url)
    try:
        d.auth.logout()
        with pytest.raises(AuthError) as err:
            d.auth.login("nobody", ADMIN_PASSWORD)
        assert str(err.value) == "用户名或密码错误"

        messages = []
        for _ in range(MAX_ATTEMPTS):
            with pytest.raises(AuthError) as err:
                d.auth.login("admin", "not-the-password")
            messages.append(str(err.value))
        for i, left in enumerate(range(MAX_ATTEMPTS - 1, 0, -1)):
            assert f"再错{left}次" in messages[i]
        assert "锁定" in messages[-1] and f"{LOCK_MINUTES}分钟" in messages[-1]
        assert d.actor is None

        # The sixth attempt, with the right password, is still refused while locked.
        with pytest.raises(AuthError) as err:
            d.auth.login("admin", ADMIN_PASSWORD)
        assert "锁定" in str(err.value) and f"{LOCK_MINUTES}分钟后" in str(err.value)
        assert d.actor is None

        # Once the lock time has passed, the right password works (and resets the counter).
        with d.write() as s:
            u = s.scalar(select(User).where(User.username == "admin"))
            assert u is not None and u.locked_until is not None
            assert u.locked_until - clock.now() <= dt.timedelta(minutes=LOCK_MINUTES)
            u.locked_until = clock.now() - dt.timedelta(seconds=1)
        actor = d.auth.login(" admin ", ADMIN_PASSWORD)
        assert actor.username == "admin"
        with d.read() as s:
            u = s.scalar(select(User).where(User.username == "admin"))
            assert u is not None and u.failed_attempts == 0 and u.locked_until is None
            assert u.last_login_at is not None
    finally:
        d.close()


@pytest.fixture
def office_desk(sqlite_url: str):  # type: ignore[no-untyped-def]
    """Admin desk plus one user of each limited role (password '<name>-pass1')."""
    d = open_as_admin(sqlite_url)
    office = d.offices.list()[0]
    for name, role in (("handler", "handler"), ("reader", "readonly")):
        d.users.create(UserInput(name, name, role, office.id, password=f"{name}-pass1"))
    yield d
    d.close()


def test_deactivated_user_and_unlock(office_desk: Desk) -> None:
    d = office_desk
    h = next(u for u in d.users.list() if u.username == "handler")
    d.users.update(h.id, h, UserInput("handler", "handler", "handler", h.office_id, active=False))
    other = Desk.open(d.url)
    try:
        with pytest.raises(AuthError) as err:
            other.auth.login("handler", "handler-pass1")
        assert "停用" in str(err.value)
        assert other.actor is None
        h = next(u for u in d.users.list() if u.username == "handler")
        d.users.update(h.id, h, UserInput("handler", "handler", "handler", h.office_id, active=True))
        assert other.auth.login("handler", "handler-pass1").role == "handler"
    finally:
        other.close()


def test_role_checks_in_services(office_desk: Desk) -> None:
    d = office_desk
    office = d.offices.list()[0]
    limited = Desk.open(d.url)
    try:
        for who in ("handler", "reader"):
            limited.auth.login(who, f"{who}-pass1")
            refused = [
                lambda: limited.users.create(UserInput("x1", "某人", "handler", office.id, password="xxxx-pass1")),
                lambda: limited.users.list(),
                lambda: limited.settings.save({"office.name": "改名"}),
                lambda: limited.calendar.set_override(dt.date(2027, 1, 4), False, "自定"),
                lambda: limited.calendar.import_text("2027-01-04 休 自定"),
                lambda: limited.offices.create(OfficeInput("XY", "某分会")),
                lambda: limited.vocab.add("channel", "新渠道"),
                lambda: limited.audit_log.entries(),
            ]
            for call in refused:
                with pytest.raises(PermissionDenied) as err:
                    call()
                assert _has_chinese(str(err.value)) and "权限" in str(err.value)
            limited.auth.logout()
        # HANDLER may register businesses, READONLY may not; both may read them.
        limited.auth.login("handler", "handler-pass1")
        b = limited.businesses.create(BusinessInput(name="受理员登记的经营者"))
        limited.auth.logout()
        limited.auth.login("reader", "reader-pass1")
        with pytest.raises(PermissionDenied) as err:
            limited.businesses.create(BusinessInput(name="只读用户登记"))
        assert "只读" in str(err.value) and "编辑经营者" in str(err.value)
        assert [x.id for x in limited.businesses.search("")] == [b.id]
        limited.auth.logout()
        with pytest.raises(PermissionDenied) as err:
            limited.businesses.search("")
        assert "登录" in str(err.value)
        assert d.settings.get("office.name") == ""
        assert d.calendar.overrides() == []
        assert {u.username for u in d.users.list()} == {"admin", "handler", "reader"}
    finally:
        limited.close()


def test_last_admin_cannot_be_demoted_or_deactivated(office_desk: Desk) -> None:
    d = office_desk
    admin = next(u for u in d.users.list() if u.username == "admin")
    for role, active in (("handler", True), ("admin", False)):
        with pytest.raises(DeskError) as err:
            d.users.update(admin.id, admin, UserInput("admin", "系统管理员", role, admin.office_id, active=active))
        assert "管理员" in str(err.value)
    assert next(u for u in d.users.list() if u.username == "admin").role == "admin"
    # With a second admin, the first may step down.
    h = next(u for u in d.users.list() if u.username == "handler")
    d.users.update(h.id, h, UserInput("handler", "handler", "admin", h.office_id))
    admin = next(u for u in d.users.list() if u.username == "admin")
    after = d.users.update(admin.id, admin, UserInput("admin", "系统管理员", "head", admin.office_id))
    assert after.role == "head"


def test_change_password(sqlite_desk: Desk) -> None:
    d = sqlite_desk
    with pytest.raises(ValidationError) as err:
        d.auth.change_password("wrong-old-pw", "new-password-1", "new-password-1")
    assert set(err.value.fields) == {"old"}
    with pytest.raises(ValidationError) as err:
        d.auth.change_password(ADMIN_PASSWORD, "new-password-1", "new-password-2")
    assert set(err.value.fields) == {"new_again"}
    with pytest.raises(ValidationError) as err:
        d.auth.change_password(ADMIN_PASSWORD, "short", "short")
    assert set(err.value.fields) == {"new"}
    d.auth.change_password(ADMIN_PASSWORD, "new-password-1", "new-password-1")
    d.auth.logout()
    with pytest.raises(AuthError):
        d.auth.login("admin", ADMIN_PASSWORD)
    assert d.auth.login("admin", "new-password-1").username == "admin"


def test_system_actor_and_not_logged_in(sqlite_url: str) -> None:
    open_as_admin(sqlite_url).close()
    d = Desk.open(sqlite_url)
    try:
        with pytest.raises(PermissionDenied) as err:
            d.users.list()
        assert "登录" in str(err.value)
        d.actor = SYSTEM_ACTOR
        assert [u.username for u in d.users.list()] == ["admin"]
    finally:
        d.close()


@pytest.mark.pg
def test_concurrent_wrong_passwords_all_count(pg_url: str) -> None:
    """Two desks typing a wrong password at the same moment: both are told so (not a
    "record changed" conflict) and both attempts count towards the lock."""
    import threading

    open_as_admin(pg_url).close()
    desks = [Desk.open(pg_url) for _ in range(3)]
    barrier = threading.Barrier(len(desks))
    errors: list[BaseException] = []

    def attempt(d: Desk) -> None:
        barrier.wait()
        try:
            d.auth.login("admin", "wrong-password-x")
        except BaseException as exc:  # noqa: BLE001 - checked below
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(d,)) for d in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    try:
        assert len(errors) == len(desks)
        assert all(isinstance(e, AuthError) for e in errors), [type(e).__name__ for e in errors]
        with desks[0].read() as s:
            assert s.scalar(select(User.failed_attempts).where(User.username == "admin")) == len(desks)
    finally:
        for d in desks:
            d.close()
