"""来访咨询 register: quick entries of consultations, counted (人次) in every report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from desk import clock
from desk.errors import NotFound
from desk.models import Consultation, VocabItem
from desk.roles import Perm
from desk.services.base import Checker, Service, check_version, view_of
from desk.validators import required_text

LABELS = {"day": "日期", "channel_code": "方式", "topic": "咨询事项", "people": "人数", "note": "备注"}
MAX_PEOPLE = 10_000  # a lecture or a 3·15 stand can bring many at once, but not more


@dataclass(frozen=True)
class ConsultationView:
    id: int
    office_id: int
    day: dt.date
    channel_code: str
    topic: str
    people: int
    note: str
    handler_id: int | None
    version: int


@dataclass(frozen=True)
class ConsultationInput:
    day: dt.date
    channel_code: str
    topic: str
    people: int = 1
    note: str = ""


class ConsultationService(Service):
    def _clean(self, s, inp: ConsultationInput) -> dict:  # type: ignore[no-untyped-def]
        c = Checker(LABELS)
        if inp.day > clock.today():
            c.add("day", "不能晚于今天")
        elif inp.day.year < 2000:
            c.add("day", "日期不合理")
        codes = set(s.scalars(select(VocabItem.code).where(VocabItem.kind == "channel", VocabItem.active.is_(True))))
        if inp.channel_code not in codes:
            c.add("channel_code", "请选择咨询方式")
        topic = c.check("topic", required_text, inp.topic, max_len=200)
        if not isinstance(inp.people, int) or inp.people < 1:
            c.add("people", "人数至少为1")
        elif inp.people > MAX_PEOPLE:
            c.add("people", f"人数不能超过{MAX_PEOPLE}")
        if len(inp.note.strip()) > 2000:
            c.add("note", "不能超过2000个字")
        c.raise_if_any()
        return dict(day=inp.day, channel_code=inp.channel_code, topic=topic, people=inp.people, note=inp.note.strip())

    def add(self, inp: ConsultationInput) -> ConsultationView:
        actor = self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            office_id = actor.office_id
            if office_id is None:
                from desk.models import Office

                office_id = s.scalar(select(Office.id).order_by(Office.id).limit(1))
            row = Consultation(**self._clean(s, inp), office_id=office_id, handler_id=actor.user_id)
            s.add(row)
            s.flush()
            return view_of(ConsultationView, row)

    def update(self, consultation_id: int, started_from: ConsultationView, inp: ConsultationInput) -> ConsultationView:
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            row = s.get(Consultation, consultation_id)
            if row is None:
                raise NotFound("找不到该咨询记录")
            check_version("咨询", started_from.version, row, view_of(ConsultationView, row), started_from)
            for k, v in self._clean(s, inp).items():
                setattr(row, k, v)
            s.flush()
            return view_of(ConsultationView, row)

    def delete(self, consultation_id: int) -> None:
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            row = s.get(Consultation, consultation_id)
            if row is not None:
                s.delete(row)

    def list(self, date_from: dt.date | None = None, date_to: dt.date | None = None, *, office_id: int | None = None,
             limit: int = 1000) -> list[ConsultationView]:
        self.desk.require_login()
        q = select(Consultation).order_by(Consultation.day.desc(), Consultation.id.desc()).limit(limit)
        q = self._period(q, date_from, date_to, office_id)
        with self.desk.read() as s:
            return [view_of(ConsultationView, r) for r in s.scalars(q)]

    def total_people(self, date_from: dt.date | None = None, date_to: dt.date | None = None, *, office_id: int | None = None) -> int:
        """接待来访和咨询（人次） for a period."""
        self.desk.require_login()
        q = self._period(select(func.coalesce(func.sum(Consultation.people), 0)), date_from, date_to, office_id)
        with self.desk.read() as s:
            return int(s.scalar(q) or 0)

    @staticmethod
    def _period(q, date_from, date_to, office_id):  # type: ignore[no-untyped-def]
        if date_from:
            q = q.where(Consultation.day >= date_from)
        if date_to:
            q = q.where(Consultation.day <= date_to)
        if office_id is not None:
            q = q.where(Consultation.office_id == office_id)
        return q
