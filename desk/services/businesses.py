"""经营者 registry: find, create, edit (with conflict detection), delete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from desk.errors import NotFound
from desk.models import Business
from desk.roles import Perm
from desk.search import ESCAPE, like_pattern
from desk.services.base import Checker, Service, check_version, view_of
from desk.validators import credit_code, mobile_or_landline, normalise_search_text, required_text

LABELS = {
    "name": "经营者名称",
    "credit_code": "统一社会信用代码",
    "address": "地址",
    "contact_person": "联系人",
    "phone": "联系电话",
    "township": "乡镇",
    "note": "备注",
}


@dataclass(frozen=True)
class BusinessView:
    id: int
    name: str
    credit_code: str | None
    address: str
    contact_person: str
    phone: str
    township: str
    note: str
    version: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class BusinessInput:
    name: str
    credit_code: str = ""
    address: str = ""
    contact_person: str = ""
    phone: str = ""
    township: str = ""
    note: str = ""


class BusinessService(Service):
    def search(self, keyword: str = "", *, limit: int = 50, offset: int = 0) -> list[BusinessView]:
        self.desk.require_login()
        q = select(Business).order_by(Business.name, Business.id).limit(limit).offset(offset)
        if keyword.strip():
            pat = like_pattern(keyword)
            q = q.where(
                or_(
                    Business.search_name.like(pat, escape=ESCAPE),
                    Business.credit_code.like(pat.upper(), escape=ESCAPE),
                    Business.phone.like(pat, escape=ESCAPE),
                )
            )
        with self.desk.read() as s:
            return [view_of(BusinessView, b) for b in s.scalars(q)]

    def count(self) -> int:
        with self.desk.read() as s:
            return s.scalar(select(func.count()).select_from(Business)) or 0

    def get(self, business_id: int) -> BusinessView:
        self.desk.require_login()
        with self.desk.read() as s:
            b = s.get(Business, business_id)
            if b is None:
                raise NotFound("找不到该经营者")
            return view_of(BusinessView, b)

    def _validate(self, inp: BusinessInput, s, own_id: int | None) -> dict:  # type: ignore[no-untyped-def]
        c = Checker(LABELS)
        name = c.check("name", required_text, inp.name, max_len=200)
        code = None
        if inp.credit_code.strip():
            code = c.check("credit_code", credit_code, inp.credit_code)
        phone = ""
        if inp.phone.strip():
            phone = c.check("phone", mobile_or_landline, inp.phone) or ""
        for field, limit in (("address", 200), ("contact_person", 40), ("township", 40), ("note", 2000)):
            value = getattr(inp, field).strip()
            if len(value) > limit:
                c.add(field, f"不能超过{limit}个字")
        if code:
            other = s.scalar(select(Business).where(Business.credit_code == code, Business.id != (own_id or -1)))
            if other is not None:
                c.add("credit_code", f"已登记的经营者“{other.name}”使用了这个代码")
        c.raise_if_any()
        return dict(
            name=name,
            credit_code=code,
            address=inp.address.strip(),
            contact_person=inp.contact_person.strip(),
            phone=phone,
            township=inp.township.strip(),
            note=inp.note.strip(),
            # NFKC can lengthen text (㈱ → (株)): keep within the column (PostgreSQL enforces it).
            search_name=normalise_search_text(name or "")[:200],
        )

    def create(self, inp: BusinessInput) -> BusinessView:
        self.desk.require(Perm.EDIT_BUSINESS)
        with self.desk.write() as s:
            b = Business(**self._validate(inp, s, None))
            s.add(b)
            s.flush()
            return view_of(BusinessView, b)

    def update(self, business_id: int, started_from: BusinessView, inp: BusinessInput) -> BusinessView:
        """Save ``inp`` over the business as the user saw it (``started_from``). If someone else
        saved it meanwhile, raise ConflictError naming what they changed; nothing is saved."""
        self.desk.require(Perm.EDIT_BUSINESS)
        with self.desk.write() as s:
            b = s.get(Business, business_id)
            if b is None:
                raise NotFound("该经营者已被删除")
            check_version("经营者", started_from.version, b, view_of(BusinessView, b), started_from)
            for k, v in self._validate(inp, s, business_id).items():
                setattr(b, k, v)
            s.flush()
            return view_of(BusinessView, b)

    def delete(self, business_id: int, started_from: BusinessView) -> None:
        self.desk.require(Perm.EDIT_BUSINESS)
        with self.desk.write() as s:
            b = s.get(Business, business_id)
            if b is None:
                return
            check_version("经营者", started_from.version, b, view_of(BusinessView, b), started_from)
            s.delete(b)
