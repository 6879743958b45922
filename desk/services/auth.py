"""First-run setup, login with lock-out, password changes. Passwords hashed with argon2."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from desk import clock
from desk.errors import AuthError, DeskError, ValidationError
from desk.facade import Actor
from desk.models import Office, User
from desk.roles import Role
from desk.services.base import Checker, Service
from desk.validators import required_text

MIN_PASSWORD = 8
MAX_ATTEMPTS = 5
LOCK_MINUTES = 5

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"密码至少需要{MIN_PASSWORD}个字符"
    if password.strip() != password:
        return "密码首尾不能有空格"
    return None


def check_username(value: str) -> str:
    from desk.validators import FieldError

    v = required_text(value, max_len=40)
    if any(c.isspace() for c in v):
        raise FieldError("用户名不能包含空格")
    return v


@dataclass(frozen=True)
class SetupInput:
    office_code: str
    office_name: str
    username: str
    display_name: str
    password: str
    password_again: str


SETUP_LABELS = {
    "office_code": "单位简码",
    "office_name": "单位名称",
    "username": "用户名",
    "display_name": "姓名",
    "password": "密码",
    "password_again": "确认密码",
}


def _actor(u: User) -> Actor:
    return Actor(u.id, u.username, u.display_name, u.role, u.office_id)


class AuthService(Service):
    def needs_setup(self) -> bool:
        with self.desk.read() as s:
            return (s.scalar(select(func.count()).select_from(User)) or 0) == 0

    def setup(self, inp: SetupInput) -> Actor:
        """First start: create the county office and the administrator, and log in as them."""
        from desk.services.offices import check_office_code

        c = Checker(SETUP_LABELS)
        code = c.check("office_code", check_office_code, inp.office_code)
        name = c.check("office_name", required_text, inp.office_name, max_len=100)
        username = c.check("username", check_username, inp.username)
        display = c.check("display_name", required_text, inp.display_name, max_len=40)
        problem = password_problem(inp.password)
        if problem:
            c.add("password", problem)
        elif inp.password != inp.password_again:
            c.add("password_again", "两次输入的密码不一致")
        c.raise_if_any()
        with self.desk.write() as s:
            if s.scalar(select(func.count()).select_from(User)):
                raise DeskError("系统已经设置过管理员，请直接登录")
            office = s.scalar(select(Office).where(Office.code == code))
            if office is None:
                office = Office(code=code, name=name, kind="county")
                s.add(office)
                s.flush()
            user = User(
                username=username,
                display_name=display,
                role=Role.ADMIN.value,
                office_id=office.id,
                password_hash=hash_password(inp.password),
                last_login_at=clock.now(),
            )
            s.add(user)
            s.flush()
            actor = _actor(user)
        self.desk.actor = actor
        return actor

    def login(self, username: str, password: str) -> Actor:
        now = clock.now()
        with self.desk.write() as s:
            # FOR UPDATE (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises): attempts on
            # one account at the same moment queue up, so each counts and none fails with a
            # version conflict.
            user = s.scalar(select(User).where(User.username == username.strip()).with_for_update())
            if user is None or not user.active:
                # Same words for an unknown user as for a wrong password: don't confirm names.
                raise AuthError("用户名或密码错误" if user is None else "该账户已停用，请联系管理员")
            if user.locked_until and user.locked_until > now:
                minutes = math.ceil((user.locked_until - now).total_seconds() / 60)
                raise AuthError(f"密码连续输错{MAX_ATTEMPTS}次，账户已锁定，请在{minutes}分钟后再试")
            try:
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                user.failed_attempts = (user.failed_attempts or 0) + 1
                if user.failed_attempts >= MAX_ATTEMPTS:
                    user.failed_attempts = 0
                    user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                    message = f"密码连续输错{MAX_ATTEMPTS}次，账户已锁定{LOCK_MINUTES}分钟"
                else:
                    left = MAX_ATTEMPTS - user.failed_attempts
                    message = f"用户名或密码错误（再错{left}次账户将被锁定{LOCK_MINUTES}分钟）"
                s.commit()  # the counter must stick although login fails
                raise AuthError(message) from None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.failed_attempts = 0
            user.locked_until = None
            user.last_login_at = now
            actor = _actor(user)
        self.desk.actor = actor
        return actor

    def logout(self) -> None:
        self.desk.actor = None

    def change_password(self, old: str, new: str, new_again: str) -> None:
        actor = self.desk.require_login()
        c = Checker({"old": "原密码", "new": "新密码", "new_again": "确认新密码"})
        problem = password_problem(new)
        if problem:
            c.add("new", problem)
        elif new != new_again:
            c.add("new_again", "两次输入的密码不一致")
        c.raise_if_any()
        with self.desk.write() as s:
            user = s.get(User, actor.user_id)
            if user is None:
                raise AuthError("账户不存在")
            try:
                _hasher.verify(user.password_hash, old)
            except (VerificationError, InvalidHashError):
                raise ValidationError({"old": "原密码不正确"}, {"old": "原密码"}) from None
            user.password_hash = hash_password(new)
