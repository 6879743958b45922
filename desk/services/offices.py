"""The county office and its branches."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select

from desk.errors import NotFound
from desk.models import Office
from desk.roles import Perm
from desk.services.base import Checker, Service, check_version, view_of
from desk.validators import FieldError, mobile_or_landline, required_text

OFFICE_KINDS = {"county": "县消协", "branch": "基层分会", "station": "分站/联络站"}
LABELS = {"code": "单位简码", "name": "名称", "kind": "类型", "parent_id": "上级单位", "address": "地址", "phone": "电话"}


def check_office_code(value: str) -> str:
    v = (value or "").strip().upper()
    if not v:
        raise FieldError("不能为空")
    if not re.fullmatch(r"[A-Z][A-Z0-9]{0,7}", v):
        raise FieldError("只能用1–8位大写字母或数字、以字母开头（例如 TH、THCG），它会出现在案件编号中")
    return v


@dataclass(frozen=True)
class OfficeView:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    address: str
    phone: str
    active: bool
    version: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class OfficeInput:
    code: str
    name: str
    kind: str = "branch"
    parent_id: int | None = None
    address: str = ""
    phone: str = ""
    active: bool = True


class OfficeService(Service):
    def list(self, *, include_inactive: bool = True) -> list[OfficeView]:
        self.desk.require_login()
        with self.desk.read() as s:
            q = select(Office).order_by(Office.parent_id.is_not(None), Office.code)
            if not include_inactive:
                q = q.where(Office.active.is_(True))
            return [view_of(OfficeView, o) for o in s.scalars(q)]

    def get(self, office_id: int) -> OfficeView:
        with self.desk.read() as s:
            o = s.get(Office, office_id)
            if o is None:
                raise NotFound("找不到该单位")
            return view_of(OfficeView, o)

    def _validate(self, inp: OfficeInput, s, own_id: int | None) -> dict:  # type: ignore[no-untyped-def]
        c = Checker(LABELS)
        code = c.check("code", check_office_code, inp.code)
        name = c.check("name", required_text, inp.name, max_len=100)
        if len(inp.address.strip()) > 200:
            c.add("address", "不能超过200个字")
        if inp.kind not in OFFICE_KINDS:
            c.add("kind", "请选择单位类型")
        phone = ""
        if inp.phone.strip():
            phone = c.check("phone", mobile_or_landline, inp.phone) or ""
        if code and s.scalar(select(Office.id).where(Office.code == code, Office.id != (own_id or -1))):
            c.add("code", f"简码“{code}”已被其他单位使用")
        if inp.parent_id is not None and (inp.parent_id == own_id or s.get(Office, inp.parent_id) is None):
            c.add("parent_id", "上级单位无效")
        elif inp.parent_id is not None and own_id is not None and self._is_below(s, inp.parent_id, own_id):
            c.add("parent_id", "不能把下级单位设为上级单位")
        c.raise_if_any()
        return dict(code=code, name=name, kind=inp.kind, parent_id=inp.parent_id, address=inp.address.strip(), phone=phone, active=inp.active)

    @staticmethod
    def _is_below(s, office_id: int, ancestor_id: int) -> bool:  # type: ignore[no-untyped-def]
        """True if ``ancestor_id`` is among the parents of ``office_id`` (a loop would follow)."""
        seen: set[int] = set()
        current = s.get(Office, office_id)
        while current is not None and current.id not in seen:
            if current.id == ancestor_id:
                return True
            seen.add(current.id)
            current = s.get(Office, current.parent_id) if current.parent_id is not None else None
        return False

    def create(self, inp: OfficeInput) -> OfficeView:
        self.desk.require(Perm.MANAGE_OFFICES)
        with self.desk.write() as s:
            o = Office(**self._validate(inp, s, None))
            s.add(o)
            s.flush()
            return view_of(OfficeView, o)

    def update(self, office_id: int, started_from: OfficeView, inp: OfficeInput) -> OfficeView:
        self.desk.require(Perm.MANAGE_OFFICES)
        with self.desk.write() as s:
            o = s.get(Office, office_id)
            if o is None:
                raise NotFound("找不到该单位")
            check_version("单位", started_from.version, o, view_of(OfficeView, o), started_from)
            for k, v in self._validate(inp, s, office_id).items():
                setattr(o, k, v)
            s.flush()
            return view_of(OfficeView, o)
