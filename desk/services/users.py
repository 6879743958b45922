"""User accounts and roles (admin only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from desk.errors import DeskError, NotFound, ValidationError
from desk.models import Office, User
from desk.roles import ROLE_LABELS, Perm, Role
from desk.services.auth import check_username, hash_password, password_problem
from desk.services.base import Checker, Service, check_version, view_of
from desk.validators import required_text

# Set by logging in, not by editing the account.
BOOKKEEPING = ("locked_until", "last_login_at")
LABELS = {"username": "用户名", "display_name": "姓名", "role": "角色", "office_id": "所属单位", "password": "密码"}


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    office_id: int
    active: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    version: int

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(Role(self.role), self.role) if self.role in Role._value2member_map_ else self.role


@dataclass(frozen=True)
class UserInput:
    username: str
    display_name: str
    role: str
    office_id: int | None
    active: bool = True
    password: str = ""  # only for create


class UserService(Service):
    def list(self) -> list[UserView]:
        self.desk.require(Perm.MANAGE_USERS)
        with self.desk.read() as s:
            return [view_of(UserView, u) for u in s.scalars(select(User).order_by(User.username))]

    def names(self) -> dict[int, str]:
        """id → display name of every user, for showing handlers (no permission needed)."""
        self.desk.require_login()
        with self.desk.read() as s:
            return {r[0]: r[1] for r in s.execute(select(User.id, User.display_name))}

    def _check(self, inp: UserInput, s, own_id: int | None) -> dict:  # type: ignore[no-untyped-def]
        c = Checker(LABELS)
        username = c.check("username", check_username, inp.username)
        display = c.check("display_name", required_text, inp.display_name, max_len=40)
        if inp.role not in Role._value2member_map_:
            c.add("role", "请选择角色")
        if inp.office_id is None or s.get(Office, inp.office_id) is None:
            c.add("office_id", "请选择所属单位")
        if own_id is None:
            problem = password_problem(inp.password)
            if problem:
                c.add("password", problem)
        if username and s.scalar(select(User.id).where(User.username == username, User.id != (own_id or -1))):
            c.add("username", f"用户名“{username}”已存在")
        c.raise_if_any()
        return dict(username=username, display_name=display, role=inp.role, office_id=inp.office_id, active=inp.active)

    def create(self, inp: UserInput) -> UserView:
        self.desk.require(Perm.MANAGE_USERS)
        with self.desk.write() as s:
            u = User(**self._check(inp, s, None), password_hash=hash_password(inp.password))
            s.add(u)
            s.flush()
            return view_of(UserView, u)

    def update(self, user_id: int, started_from: UserView, inp: UserInput) -> UserView:
        self.desk.require(Perm.MANAGE_USERS)
        with self.desk.write() as s:
            u = s.get(User, user_id)
            if u is None:
                raise NotFound("找不到该用户")
            # Every login or wrong password bumps the row's version; that is not an edit.
            check_version("用户", started_from.version, u, view_of(UserView, u), started_from, ignore=BOOKKEEPING)
            values = self._check(inp, s, user_id)
            losing_admin = u.role == Role.ADMIN.value and u.active and (values["role"] != Role.ADMIN.value or not values["active"])
            if losing_admin and self._active_admins(s) <= 1:
                raise DeskError("至少要保留一个启用的管理员账户")
            for k, v in values.items():
                setattr(u, k, v)
            s.flush()
            return view_of(UserView, u)

    @staticmethod
    def _active_admins(s) -> int:  # type: ignore[no-untyped-def]
        q = select(func.count()).select_from(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
        return s.scalar(q) or 0

    def reset_password(self, user_id: int, new_password: str) -> None:
        self.desk.require(Perm.MANAGE_USERS)
        problem = password_problem(new_password)
        if problem:
            raise ValidationError({"password": problem}, LABELS)
        with self.desk.write() as s:
            u = s.get(User, user_id)
            if u is None:
                raise NotFound("找不到该用户")
            u.password_hash = hash_password(new_password)
            u.failed_attempts = 0
            u.locked_until = None

    def unlock(self, user_id: int) -> None:
        self.desk.require(Perm.MANAGE_USERS)
        with self.desk.write() as s:
            u = s.get(User, user_id)
            if u is None:
                raise NotFound("找不到该用户")
            u.failed_attempts = 0
            u.locked_until = None
