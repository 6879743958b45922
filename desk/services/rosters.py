"""人员名册: 消费维权志愿者, 义务调查员 (and the stations' 和解员 and 投诉联络员), their
training sessions (培训班) with attendance, the investigators' tasks (调查任务), each person's
history and the yearly figures for the briefing.

Personal data (个人信息保护法): phones and ID numbers are masked for roles without
Perm.VIEW_PERSONAL (names are shown: the people on these rosters act publicly in the
association's name); reading a person's full record unmasked is logged, and editing needs
Perm.EDIT_ROSTER together with Perm.VIEW_PERSONAL (one cannot correct what one may not see).
A volunteer's data rests on consent: its date and form are recorded, and volunteers without it
are listed on the worklist.

Extension point: ``register_history_provider(fn)`` adds items to a person's history (the
outreach module adds the activities a person joined): ``fn(session, person_id)`` returns
``HistoryItem``s and runs inside the history's read session."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from desk import clock
from desk.audit import log_access
from desk.errors import DeskError, NotFound
from desk.models import Complaint
from desk.models.rosters import (
    RosterAttendance,
    RosterPerson,
    RosterStatusChange,
    RosterTask,
    RosterTaskAssignee,
    RosterTaskComplaint,
    RosterTraining,
)
from desk.roles import Perm
from desk.search import ESCAPE, like_pattern
from desk.services.base import Checker, Service, check_version
from desk.validators import (
    FieldError,
    mask_id,
    mask_phone,
    mobile_or_landline,
    normalise_search_text,
    parse_date,
    resident_id,
)

# PostgreSQL advisory lock serialising roster writes that check for duplicates (a person
# added by hand while an import runs); SQLite's BEGIN IMMEDIATE already serialises writers.
_ROSTER_LOCK_KEY = 0x6361_7273  # "cars"


class Kind(StrEnum):
    VOLUNTEER = "volunteer"
    INVESTIGATOR = "investigator"
    RECONCILER = "reconciler"
    LIAISON = "liaison"


KIND_LABELS: dict[str, str] = {
    Kind.VOLUNTEER: "消费维权志愿者",
    Kind.INVESTIGATOR: "义务调查员",
    Kind.RECONCILER: "和解员",
    Kind.LIAISON: "投诉联络员",
}
KIND_SHORT: dict[str, str] = {
    Kind.VOLUNTEER: "志愿者",
    Kind.INVESTIGATOR: "调查员",
    Kind.RECONCILER: "和解员",
    Kind.LIAISON: "联络员",
}


class Status(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


STATUS_LABELS: dict[str, str] = {Status.ACTIVE: "在册", Status.SUSPENDED: "暂停", Status.LEFT: "退出"}
GENDER_LABELS: dict[str, str] = {"M": "男", "F": "女", "": ""}

# Who a training is for. The stations' 和解员 and 联络员 are trained with branch staff.
AUDIENCES: dict[str, str] = {
    "staff": "本会工作人员",
    "branch": "分会及服务站人员",
    "volunteer": "志愿者",
    "investigator": "义务调查员",
}
KIND_AUDIENCE: dict[str, str] = {
    Kind.VOLUNTEER: "volunteer",
    Kind.INVESTIGATOR: "investigator",
    Kind.RECONCILER: "branch",
    Kind.LIAISON: "branch",
}

TASK_TYPES: dict[str, str] = {"market": "市场检查", "price": "价格检查", "quality": "质量检查", "other": "其他调查"}

PERSON_LABELS: dict[str, str] = {
    "kind": "名册",
    "name": "姓名",
    "gender": "性别",
    "phone": "电话",
    "id_no": "身份证号",
    "township": "乡镇",
    "community": "社区/村",
    "workplace": "工作单位",
    "occupation": "职业",
    "join_date": "加入日期",
    "certificate_no": "证书编号",
    "skills": "特长",
    "note": "备注",
    "consent_date": "同意日期",
    "consent_method": "同意方式",
    "status": "状态",
    "status_date": "状态日期",
    "status_reason": "原因",
}
TRAINING_LABELS: dict[str, str] = {
    "held_on": "培训日期",
    "topic": "培训主题",
    "place": "地点",
    "trainer": "授课人",
    "audience": "培训对象",
    "other_attendees": "其他参训人数",
    "note": "备注",
    "person_ids": "参训人员",
}
TASK_LABELS: dict[str, str] = {
    "task_type": "调查类型",
    "title": "任务",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "place": "调查地点",
    "findings": "调查发现",
    "warning_refs": "消费警示",
    "assignee_ids": "调查员",
    "complaint_refs": "相关投诉",
}

# Text fields of a person and their column limits.
TEXT_LIMITS: dict[str, int] = {
    "township": 40,
    "community": 60,
    "workplace": 100,
    "occupation": 60,
    "certificate_no": 40,
    "skills": 200,
    "note": 2000,
    "consent_method": 60,
}
NAME_MAX = 40


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def check_kind(kind: str) -> str:
    if kind not in KIND_LABELS:
        raise DeskError(f"未知的名册类型“{kind}”（可选：{'、'.join(f'{k}（{v}）' for k, v in KIND_LABELS.items())}）")
    return kind


# -- normalising a person's fields (shared by the forms and the Excel import) ---------------

_CJK_SPACED = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·•\s]+$")


def clean_name(value: object) -> str:
    """Names as typed in sheets: '张　三' (padded to line up) → '张三'; Latin names keep one space."""
    s = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
    if _CJK_SPACED.match(s):
        return re.sub(r"\s+", "", s)
    return re.sub(r"\s+", " ", s)


def parse_gender(value: object) -> str:
    s = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip().lower()
    if s in ("", "-"):
        return ""
    if s in ("男", "男性", "m", "male", "1"):
        return "M"
    if s in ("女", "女性", "f", "female", "2"):
        return "F"
    raise FieldError("性别应为“男”或“女”")


def gender_from_id(id_no: str) -> str:
    """The 17th character of a resident ID is odd for men, even for women."""
    return "M" if int(id_no[16]) % 2 else "F"


_MONTH_ONLY = re.compile(r"(\d{4})(?:年|[-/.])(\d{1,2})月?")


def parse_roster_date(value: object, *, today: dt.date) -> dt.date | None:
    """A date as offices write it, plus 2023年5月 / 2023.5 (a month only: its first day, as
    rosters often record the month someone joined). Not in the future."""
    if isinstance(value, str):
        compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
        m = _MONTH_ONLY.fullmatch(compact)
        if m and 1 <= int(m[2]) <= 12:
            value = f"{m[1]}-{int(m[2])}-1"
    return parse_date(value, required=False, not_after=today)


def is_mobile(phone: str) -> bool:
    return len(phone) == 11 and phone.isdigit() and phone.startswith("1")


def person_search_text(values: Mapping[str, Any]) -> str:
    """Keyword key of the non-sensitive fields (phones and IDs are searched on their own
    columns, only by roles that may see them)."""
    parts = [values.get(k) or "" for k in ("name", "township", "community", "workplace", "occupation", "certificate_no", "skills")]
    return normalise_search_text("|".join(str(p) for p in parts))[:500]


def normalise_person(raw: Mapping[str, Any], *, today: dt.date | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate and normalise a person's fields from ``raw`` (strings, or dates for the date
    fields). Returns ``(values, errors)``: values holds every field that was given, errors
    maps field → Chinese message. Keys missing from ``raw`` are left out of ``values``."""
    today = today or clock.today()
    c = Checker(PERSON_LABELS)
    values: dict[str, Any] = {}
    if "name" in raw:
        name = clean_name(raw["name"])
        if not name:
            c.add("name", "请填写姓名")
        elif len(name) > NAME_MAX:
            c.add("name", f"不能超过{NAME_MAX}个字（当前{len(name)}个字）")
        values["name"] = name
    id_no: str | None = None
    if "id_no" in raw:
        text_id = "" if raw["id_no"] is None else str(raw["id_no"]).strip()
        if text_id:
            id_no = c.check("id_no", resident_id, text_id, today=today)
        values["id_no"] = id_no
    if "gender" in raw:
        gender = c.check("gender", parse_gender, raw["gender"])
        if gender == "" and id_no:
            gender = gender_from_id(id_no)
        values["gender"] = gender or ""
    if "phone" in raw:
        text_phone = "" if raw["phone"] is None else str(raw["phone"]).strip()
        values["phone"] = (c.check("phone", mobile_or_landline, text_phone) or "") if text_phone else ""
    for key, limit in TEXT_LIMITS.items():
        if key in raw:
            value = "" if raw[key] is None else str(raw[key]).strip()
            if len(value) > limit:
                c.add(key, f"不能超过{limit}个字（当前{len(value)}个字）")
            values[key] = value
    for key in ("join_date", "consent_date"):
        if key in raw:
            values[key] = c.check(key, parse_roster_date, raw[key], today=today)
    if "consent_date" in values and "consent_method" in values and not c.errors.get("consent_date"):
        if values["consent_date"] and not values["consent_method"]:
            c.add("consent_method", "请写明以何种方式取得同意（如 书面同意书、报名表签字）")
        elif values["consent_method"] and not values["consent_date"]:
            c.add("consent_date", "请填写取得同意的日期")
    return values, c.errors


# -- views and inputs --------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonInput:
    """What the person form collects, as typed (the service validates it)."""

    kind: str
    name: str
    gender: str = ""  # 男 / 女 / M / F / ''
    phone: str = ""
    id_no: str = ""
    township: str = ""
    community: str = ""
    workplace: str = ""
    occupation: str = ""
    join_date: dt.date | str | None = None
    certificate_no: str = ""
    skills: str = ""
    note: str = ""
    consent_date: dt.date | str | None = None
    consent_method: str = ""


@dataclass(frozen=True)
class PersonView:
    """A person as the reader may see them: ``phone`` and ``id_no`` masked when ``masked``."""

    id: int
    kind: str
    name: str
    gender: str
    phone: str
    id_no: str | None
    township: str
    community: str
    workplace: str
    occupation: str
    join_date: dt.date | None
    status: str
    status_date: dt.date | None
    status_reason: str
    certificate_no: str
    skills: str
    note: str
    consent_date: dt.date | None
    consent_method: str
    version: int
    updated_at: dt.datetime
    masked: bool

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def gender_label(self) -> str:
        return GENDER_LABELS.get(self.gender, "")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def has_consent(self) -> bool:
        return self.consent_date is not None


def person_view(p: RosterPerson, *, show: bool) -> PersonView:
    return PersonView(
        id=p.id, kind=p.kind, name=p.name, gender=p.gender,
        phone=p.phone if show else mask_phone(p.phone),
        id_no=(p.id_no if show else mask_id(p.id_no)) if p.id_no else None,
        township=p.township, community=p.community, workplace=p.workplace, occupation=p.occupation,
        join_date=p.join_date, status=p.status, status_date=p.status_date, status_reason=p.status_reason,
        certificate_no=p.certificate_no, skills=p.skills, note=p.note,
        consent_date=p.consent_date, consent_method=p.consent_method,
        version=p.version, updated_at=p.updated_at, masked=not show,
    )


@dataclass(frozen=True)
class PersonFilter:
    kind: str | None = None
    keyword: str = ""
    status: str | None = None  # a Status, "current" (在册 and 暂停), or None for all
    township: str = ""
    without_consent: bool = False


@dataclass(frozen=True)
class TrainingInput:
    held_on: dt.date | str | None
    topic: str
    place: str = ""
    trainer: str = ""
    audience: Sequence[str] = ()
    other_attendees: int | str = 0
    note: str = ""


@dataclass(frozen=True)
class TrainingView:
    id: int
    held_on: dt.date
    topic: str
    place: str
    trainer: str
    audience: tuple[str, ...]
    other_attendees: int
    note: str
    attendee_count: int
    version: int

    @property
    def audience_label(self) -> str:
        return "、".join(AUDIENCES.get(a, a) for a in self.audience)

    @property
    def total_attendees(self) -> int:
        return self.attendee_count + self.other_attendees


@dataclass(frozen=True)
class AttendeeView:
    person_id: int
    name: str
    kind: str
    phone: str
    township: str
    status: str
    source: str

    @property
    def kind_label(self) -> str:
        return KIND_SHORT.get(self.kind, self.kind)


@dataclass(frozen=True)
class SignInRow:
    row_no: int
    name: str
    phone: str
    person_id: int | None = None
    person_name: str = ""
    person_kind: str = ""
    reason: str = ""  # why it did not match


@dataclass(frozen=True)
class SignInMatch:
    matched: tuple[SignInRow, ...]
    unmatched: tuple[SignInRow, ...]
    already: int  # matched people already on the attendance list

    @property
    def person_ids(self) -> list[int]:
        return [r.person_id for r in self.matched if r.person_id is not None]


@dataclass(frozen=True)
class TaskInput:
    task_type: str
    title: str
    start_date: dt.date | str | None
    end_date: dt.date | str | None = None
    place: str = ""
    findings: str = ""
    warning_refs: str = ""
    assignee_ids: Sequence[int] = ()
    complaint_refs: str | Sequence[str] = ()  # case numbers (or complaint ids)


@dataclass(frozen=True)
class TaskComplaintRef:
    complaint_id: int
    case_no: str
    business_name: str


@dataclass(frozen=True)
class TaskView:
    id: int
    task_type: str
    title: str
    start_date: dt.date
    end_date: dt.date | None
    place: str
    findings: str
    warning_refs: str
    assignees: tuple[tuple[int, str], ...]  # (person id, name)
    complaints: tuple[TaskComplaintRef, ...]
    version: int

    @property
    def type_label(self) -> str:
        return TASK_TYPES.get(self.task_type, self.task_type)

    @property
    def assignee_names(self) -> str:
        return "、".join(n for _i, n in self.assignees)

    @property
    def case_numbers(self) -> str:
        return "、".join(c.case_no for c in self.complaints)


@dataclass(frozen=True)
class HistoryItem:
    on: dt.date
    kind: str  # status | training | task | activity (other modules add their own)
    kind_label: str
    title: str
    detail: str = ""
    ref_id: int | None = None


@dataclass(frozen=True)
class PersonHistory:
    person: PersonView
    items: tuple[HistoryItem, ...]

    def of_kind(self, kind: str) -> list[HistoryItem]:
        return [i for i in self.items if i.kind == kind]


@dataclass(frozen=True)
class YearFigures:
    """For the briefing: people on the roster at the year's end (在册 and 暂停), joined and left
    during the year, distinct people trained, and training sessions held (for one kind: the
    sessions meant for it or attended by its people)."""

    year: int
    kind: str | None
    on_roster: int
    joined: int
    left: int
    trained: int
    sessions: int


@dataclass(frozen=True)
class RosterWorklist:
    tasks_due: tuple[TaskView, ...]  # ended or ending within a week, no findings recorded
    volunteers_without_consent: int


HistoryProvider = Callable[[Session, int], Iterable[HistoryItem]]
_HISTORY_PROVIDERS: list[HistoryProvider] = []


def register_history_provider(fn: HistoryProvider) -> None:
    """Add a source of history items (e.g. outreach activities a person joined)."""
    if fn not in _HISTORY_PROVIDERS:
        _HISTORY_PROVIDERS.append(fn)


def lock_rosters(s: Session) -> None:
    """Serialise duplicate-checking roster writes between desks on PostgreSQL."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ROSTER_LOCK_KEY})


def status_at(changes: Sequence[tuple[dt.date, int, str]], day: dt.date) -> str:
    """The status on ``day`` from (date, id, status) changes: the last one on or before it."""
    current = Status.ACTIVE.value
    for on, _id, status in sorted(changes):
        if on > day:
            break
        current = status
    return current


_REF_SPLIT = re.compile(r"[\s,，、;；]+")


class RosterService(Service):
    # -- people ------------------------------------------------------------------------------
    def _show(self) -> bool:
        return self.desk.can(Perm.VIEW_PERSONAL)

    def _filtered(self, q: Select, f: PersonFilter) -> Select:
        if f.kind:
            q = q.where(RosterPerson.kind == f.kind)
        if f.status == "current":
            q = q.where(RosterPerson.status != Status.LEFT.value)
        elif f.status:
            q = q.where(RosterPerson.status == f.status)
        if f.township.strip():
            q = q.where(RosterPerson.township == f.township.strip())
        if f.without_consent:
            q = q.where(RosterPerson.consent_date.is_(None))
        if f.keyword.strip():
            pat = like_pattern(f.keyword)
            conds = [RosterPerson.search_text.like(pat, escape=ESCAPE)]
            if self._show():
                # Phones and IDs only for roles that may see them: no probing through search.
                conds.append(RosterPerson.phone.like(pat, escape=ESCAPE))
                conds.append(RosterPerson.id_no.like(pat.upper(), escape=ESCAPE))
            q = q.where(or_(*conds))
        return q

    def search(self, f: PersonFilter = PersonFilter(), *, limit: int | None = 200, offset: int = 0,  # noqa: B008
               order: str = "name") -> list[PersonView]:
        """People matching ``f``, by name (or ``order="join_date"``: as a printed roster lists
        them); ``limit=None`` for all."""
        self.desk.require_login()
        if order == "join_date":
            keys = (RosterPerson.kind, RosterPerson.join_date.is_(None), RosterPerson.join_date, RosterPerson.id)
        else:
            keys = (RosterPerson.name, RosterPerson.id)
        q = self._filtered(select(RosterPerson), f).order_by(*keys).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        show = self._show()
        with self.desk.read() as s:
            return [person_view(p, show=show) for p in s.scalars(q)]

    def count(self, f: PersonFilter = PersonFilter()) -> int:  # noqa: B008
        self.desk.require_login()
        with self.desk.read() as s:
            return s.scalar(self._filtered(select(func.count()).select_from(RosterPerson), f)) or 0

    def townships(self, kind: str | None = None) -> list[str]:
        self.desk.require_login()
        q = select(RosterPerson.township).where(RosterPerson.township != "").distinct().order_by(RosterPerson.township)
        if kind:
            q = q.where(RosterPerson.kind == kind)
        with self.desk.read() as s:
            return list(s.scalars(q))

    def get(self, person_id: int) -> PersonView:
        """One person. Unmasked reads are logged (PIPL Art. 51)."""
        self.desk.require_login()
        show = self._show()
        if show:
            with self.desk.write() as s:
                p = s.get(RosterPerson, person_id)
                if p is None:
                    raise NotFound("找不到该人员，可能已被删除")
                log_access(s, "view", "roster_person", str(p.id), {"name": p.name})
                return person_view(p, show=True)
        with self.desk.read() as s:
            p = s.get(RosterPerson, person_id)
            if p is None:
                raise NotFound("找不到该人员，可能已被删除")
            return person_view(p, show=False)

    def _require_edit(self) -> None:
        self.desk.require(Perm.EDIT_ROSTER)
        self.desk.require(Perm.VIEW_PERSONAL)

    def _validate(self, inp: PersonInput, s: Session, own_id: int | None) -> dict[str, Any]:
        raw = {k: getattr(inp, k) for k in PersonInput.__dataclass_fields__ if k != "kind"}
        values, errors = normalise_person(raw)
        c = Checker(PERSON_LABELS)
        c.errors.update(errors)
        if inp.kind not in KIND_LABELS:
            c.add("kind", "请选择名册")
        if not c.errors:
            lock_rosters(s)
            same_kind = and_(RosterPerson.kind == inp.kind, RosterPerson.id != (own_id or -1))
            if values["id_no"]:
                other = s.scalar(select(RosterPerson).where(same_kind, RosterPerson.id_no == values["id_no"]))
                if other is not None:
                    c.add("id_no", f"{kind_label(inp.kind)}名册中已有身份证号相同的“{other.name}”")
            if is_mobile(values["phone"]):
                other = s.scalar(select(RosterPerson).where(same_kind, RosterPerson.phone == values["phone"]).limit(1))
                if other is not None:
                    c.add("phone", f"{kind_label(inp.kind)}名册中已有使用这个手机号的“{other.name}”")
        c.raise_if_any()
        values["kind"] = inp.kind
        values["search_text"] = person_search_text(values)
        return values

    def create(self, inp: PersonInput) -> PersonView:
        self._require_edit()
        actor = self.desk.actor
        with self.desk.write() as s:
            values = self._validate(inp, s, None)
            p = RosterPerson(**values, office_id=actor.office_id if actor else None, status=Status.ACTIVE.value)
            s.add(p)
            s.flush()
            return person_view(p, show=True)

    def update(self, person_id: int, started_from: PersonView, inp: PersonInput) -> PersonView:
        """Save ``inp`` over the person as the user saw them; ConflictError names what someone
        else changed meanwhile (nothing is saved then)."""
        self._require_edit()
        with self.desk.write() as s:
            p = s.get(RosterPerson, person_id)
            if p is None:
                raise NotFound("该人员已被删除")
            check_version("人员", started_from.version, p, person_view(p, show=True), started_from)
            values = self._validate(inp, s, person_id)
            if values["kind"] != p.kind and (self._has_history(s, person_id)):
                raise DeskError("该人员已有培训或调查记录，不能改到另一个名册；请在另一个名册中新增。")
            for k, v in values.items():
                if getattr(p, k) != v:
                    setattr(p, k, v)
            s.flush()
            return person_view(p, show=True)

    def change_status(self, person_id: int, started_from: PersonView, status: str, on: dt.date | str | None,
                      reason: str = "") -> PersonView:
        """在册 / 暂停 / 退出 with the date and (for 暂停 and 退出) the reason; kept in the
        status history the yearly figures read."""
        self.desk.require(Perm.EDIT_ROSTER)
        c = Checker(PERSON_LABELS)
        if status not in STATUS_LABELS:
            c.add("status", "请选择状态")
        day = c.check("status_date", parse_date, on, not_after=clock.today())
        reason = (reason or "").strip()
        if status in (Status.SUSPENDED, Status.LEFT) and not reason:
            c.add("status_reason", f"请写明{STATUS_LABELS[status]}的原因")
        if len(reason) > 200:
            c.add("status_reason", "不能超过200个字")
        with self.desk.write() as s:
            p = s.get(RosterPerson, person_id)
            if p is None:
                raise NotFound("该人员已被删除")
            check_version("人员", started_from.version, p, person_view(p, show=self._show()), started_from)
            if status == p.status and not c.errors:
                c.add("status", f"该人员目前已是“{STATUS_LABELS[status]}”")
            if day and p.join_date and day < p.join_date:
                c.add("status_date", f"不能早于加入日期 {p.join_date.isoformat()}")
            if day and p.status_date and day < p.status_date:
                c.add("status_date", f"不能早于上次状态变化的日期 {p.status_date.isoformat()}")
            c.raise_if_any()
            assert day is not None
            p.status, p.status_date, p.status_reason = status, day, reason
            p.status_changes.append(RosterStatusChange(status=status, changed_on=day, reason=reason))
            s.flush()
            return person_view(p, show=self._show())

    def _has_history(self, s: Session, person_id: int) -> bool:
        return bool(
            s.scalar(select(func.count()).select_from(RosterAttendance).where(RosterAttendance.person_id == person_id))
            or s.scalar(select(func.count()).select_from(RosterTaskAssignee).where(RosterTaskAssignee.person_id == person_id))
        )

    def delete(self, person_id: int, started_from: PersonView) -> None:
        """Only a person entered by mistake (no training, no task): otherwise set 退出, which
        keeps the figures of past years right."""
        self._require_edit()
        with self.desk.write() as s:
            p = s.get(RosterPerson, person_id)
            if p is None:
                return
            check_version("人员", started_from.version, p, person_view(p, show=True), started_from)
            if self._has_history(s, person_id):
                raise DeskError("该人员有培训或调查任务记录，不能删除；不再参加活动的，请把状态改为“退出”。")
            s.delete(p)

    def anonymise(self, person_id: int, started_from: PersonView) -> PersonView:
        """PIPL Art. 19 / 47: once someone has left and their data is no longer needed, keep
        only what the statistics need (kind, gender, township, dates, history) and erase the
        rest: the name becomes 张某, phone, ID, workplace, notes are cleared."""
        self._require_edit()
        from desk.validators import mask_name

        with self.desk.write() as s:
            p = s.get(RosterPerson, person_id)
            if p is None:
                raise NotFound("该人员已被删除")
            check_version("人员", started_from.version, p, person_view(p, show=True), started_from)
            if p.status != Status.LEFT:
                raise DeskError("只有已退出的人员才能匿名化。")
            p.name = mask_name(p.name)
            p.phone = ""
            p.id_no = None
            for key in ("community", "workplace", "occupation", "skills", "note", "certificate_no"):
                setattr(p, key, "")
            p.search_text = person_search_text({"name": p.name, "township": p.township})
            s.flush()
            return person_view(p, show=True)

    # -- trainings ------------------------------------------------------------------------------
    def _training_values(self, inp: TrainingInput) -> dict[str, Any]:
        c = Checker(TRAINING_LABELS)
        held_on = c.check("held_on", parse_date, inp.held_on)
        topic = (inp.topic or "").strip()
        if not topic:
            c.add("topic", "请填写培训主题")
        values: dict[str, Any] = {"held_on": held_on, "topic": topic}
        for key, limit in (("topic", 200), ("place", 200), ("trainer", 100), ("note", 2000)):
            v = (getattr(inp, key) or "").strip()
            if len(v) > limit:
                c.add(key, f"不能超过{limit}个字")
            values[key] = v
        audience = [a for a in dict.fromkeys(inp.audience) if a]
        unknown = [a for a in audience if a not in AUDIENCES]
        if unknown:
            c.add("audience", f"未知的培训对象：{'、'.join(unknown)}")
        if not audience:
            c.add("audience", "请至少选择一类培训对象")
        values["audience"] = ",".join(a for a in AUDIENCES if a in audience)
        try:
            other = int(str(inp.other_attendees).strip() or 0)
            if not 0 <= other <= 100_000:
                raise ValueError
        except ValueError:
            c.add("other_attendees", "应为 0 或正整数")
            other = 0
        values["other_attendees"] = other
        c.raise_if_any()
        return values

    def _training_view(self, s: Session, t: RosterTraining) -> TrainingView:
        n = s.scalar(select(func.count()).select_from(RosterAttendance).where(RosterAttendance.training_id == t.id)) or 0
        return TrainingView(t.id, t.held_on, t.topic, t.place, t.trainer, tuple(a for a in t.audience.split(",") if a),
                            t.other_attendees, t.note, n, t.version)

    def list_trainings(self, year: int | None = None) -> list[TrainingView]:
        self.desk.require_login()
        counts = (
            select(RosterAttendance.training_id, func.count().label("n")).group_by(RosterAttendance.training_id).subquery()
        )
        q = (
            select(RosterTraining, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.training_id == RosterTraining.id)
            .order_by(RosterTraining.held_on.desc(), RosterTraining.id.desc())
        )
        if year:
            q = q.where(RosterTraining.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        with self.desk.read() as s:
            return [
                TrainingView(t.id, t.held_on, t.topic, t.place, t.trainer, tuple(a for a in t.audience.split(",") if a),
                             t.other_attendees, t.note, n, t.version)
                for t, n in s.execute(q)
            ]

    def get_training(self, training_id: int) -> TrainingView:
        self.desk.require_login()
        with self.desk.read() as s:
            t = s.get(RosterTraining, training_id)
            if t is None:
                raise NotFound("找不到该培训记录，可能已被删除")
            return self._training_view(s, t)

    def create_training(self, inp: TrainingInput) -> TrainingView:
        self.desk.require(Perm.EDIT_ROSTER)
        actor = self.desk.actor
        values = self._training_values(inp)
        with self.desk.write() as s:
            t = RosterTraining(**values, office_id=actor.office_id if actor else None)
            s.add(t)
            s.flush()
            return self._training_view(s, t)

    def update_training(self, training_id: int, started_from: TrainingView, inp: TrainingInput) -> TrainingView:
        self.desk.require(Perm.EDIT_ROSTER)
        values = self._training_values(inp)
        with self.desk.write() as s:
            t = s.get(RosterTraining, training_id)
            if t is None:
                raise NotFound("该培训记录已被删除")
            check_version("培训", started_from.version, t, self._training_view(s, t), started_from, ignore=("attendee_count",))
            for k, v in values.items():
                if getattr(t, k) != v:
                    setattr(t, k, v)
            s.flush()
            return self._training_view(s, t)

    def delete_training(self, training_id: int, started_from: TrainingView) -> None:
        self.desk.require(Perm.EDIT_ROSTER)
        with self.desk.write() as s:
            t = s.get(RosterTraining, training_id)
            if t is None:
                return
            check_version("培训", started_from.version, t, self._training_view(s, t), started_from, ignore=("attendee_count",))
            s.delete(t)  # attendance goes with it (ORM cascade: each row in the audit trail)

    def attendees(self, training_id: int) -> list[AttendeeView]:
        self.desk.require_login()
        show = self._show()
        q = (
            select(RosterPerson, RosterAttendance.source)
            .join(RosterAttendance, RosterAttendance.person_id == RosterPerson.id)
            .where(RosterAttendance.training_id == training_id)
            .order_by(RosterPerson.kind, RosterPerson.name, RosterPerson.id)
        )
        with self.desk.read() as s:
            return [
                AttendeeView(p.id, p.name, p.kind, p.phone if show else mask_phone(p.phone), p.township, p.status, source)
                for p, source in s.execute(q)
            ]

    def add_attendees(self, training_id: int, person_ids: Iterable[int], *, source: str = "picked") -> int:
        """Add people to the attendance list; those already on it are left as they are.
        Returns how many were added."""
        self.desk.require(Perm.EDIT_ROSTER)
        ids = list(dict.fromkeys(int(i) for i in person_ids))
        with self.desk.write() as s:
            t = s.get(RosterTraining, training_id)
            if t is None:
                raise NotFound("该培训记录已被删除")
            have = set(s.scalars(select(RosterAttendance.person_id).where(RosterAttendance.training_id == training_id)))
            new = [i for i in ids if i not in have]
            found = set(s.scalars(select(RosterPerson.id).where(RosterPerson.id.in_(new)))) if new else set()
            missing = [i for i in new if i not in found]
            if missing:
                raise NotFound("所选人员中有人已被删除，请刷新后重试")
            s.add_all(RosterAttendance(training_id=training_id, person_id=i, source=source) for i in new)
            s.flush()
            return len(new)

    def remove_attendees(self, training_id: int, person_ids: Iterable[int]) -> int:
        self.desk.require(Perm.EDIT_ROSTER)
        ids = set(int(i) for i in person_ids)
        with self.desk.write() as s:
            rows = list(s.scalars(select(RosterAttendance).where(
                RosterAttendance.training_id == training_id, RosterAttendance.person_id.in_(ids))))
            for r in rows:
                s.delete(r)
            return len(rows)

    def match_sign_in(self, training_id: int, path: str, sheet: str | None = None, *,
                      kind: str | None = None, cancel: Callable[[], bool] | None = None) -> SignInMatch:
        """Read a sign-in sheet (.xlsx with 姓名 and 电话 columns) and match each line to a
        roster person: by mobile number first, then by name when exactly one person has it.
        Nothing is saved; ``add_attendees(match.person_ids, source="sign_in")`` does that."""
        from desk import roster_import

        self.desk.require(Perm.EDIT_ROSTER)
        data = roster_import.read_sheet(path, sheet, cancel=cancel)
        mapping = roster_import.auto_mapping(data.headers)
        with self.desk.read() as s:
            if s.get(RosterTraining, training_id) is None:
                raise NotFound("该培训记录已被删除")
            have = set(s.scalars(select(RosterAttendance.person_id).where(RosterAttendance.training_id == training_id)))
            q = select(RosterPerson.id, RosterPerson.name, RosterPerson.phone, RosterPerson.kind)
            if kind:
                q = q.where(RosterPerson.kind == kind)
            people = s.execute(q).all()
        by_phone: dict[str, list[tuple[int, str, str]]] = {}
        by_name: dict[str, list[tuple[int, str, str]]] = {}
        for pid, name, phone, pkind in people:
            if phone:
                by_phone.setdefault(phone, []).append((pid, name, pkind))
            by_name.setdefault(normalise_search_text(name), []).append((pid, name, pkind))
        matched: list[SignInRow] = []
        unmatched: list[SignInRow] = []
        seen: set[int] = set()
        already = 0
        for row_no, cells in data.rows:
            name = clean_name(roster_import.cell_text(cells, mapping.get("name")))
            phone_raw = roster_import.cell_text(cells, mapping.get("phone"))
            if not name and not phone_raw:
                continue
            phone = ""
            if phone_raw:
                try:
                    phone = mobile_or_landline(phone_raw)
                except FieldError:
                    phone = ""
            hits = by_phone.get(phone, []) if phone else []
            how = "电话"
            if not hits:
                hits = by_name.get(normalise_search_text(name), []) if name else []
                how = "姓名"
            shown_phone = phone or phone_raw
            if len(hits) == 1:
                pid, pname, pkind = hits[0]
                if pid in seen:
                    unmatched.append(SignInRow(row_no, name, shown_phone, reason=f"与前面的行是同一人（{pname}）"))
                    continue
                seen.add(pid)
                if pid in have:
                    already += 1
                matched.append(SignInRow(row_no, name, shown_phone, pid, pname, pkind))
            elif len(hits) > 1:
                unmatched.append(SignInRow(row_no, name, shown_phone, reason=f"名册中有 {len(hits)} 人{how}相同，请手工选择"))
            else:
                unmatched.append(SignInRow(row_no, name, shown_phone, reason="名册中没有此人"))
        return SignInMatch(tuple(matched), tuple(unmatched), already)

    # -- investigation tasks ------------------------------------------------------------------------
    def _task_values(self, inp: TaskInput, s: Session, old_assignees: set[int]) -> tuple[dict[str, Any], list[int], list[int]]:
        c = Checker(TASK_LABELS)
        if inp.task_type not in TASK_TYPES:
            c.add("task_type", "请选择调查类型")
        title = (inp.title or "").strip()
        if not title:
            c.add("title", "请填写调查任务")
        start = c.check("start_date", parse_date, inp.start_date)
        end = c.check("end_date", parse_date, inp.end_date, required=False)
        if start and end and end < start:
            c.add("end_date", "不能早于开始日期")
        values: dict[str, Any] = {"task_type": inp.task_type, "title": title, "start_date": start, "end_date": end}
        for key, limit in (("title", 200), ("place", 200), ("findings", 10000), ("warning_refs", 500)):
            v = (getattr(inp, key) or "").strip()
            if len(v) > limit:
                c.add(key, f"不能超过{limit}个字")
            values[key] = v
        assignees = list(dict.fromkeys(int(i) for i in inp.assignee_ids))
        if assignees:
            found = {pid: (name, status) for pid, name, status in s.execute(
                select(RosterPerson.id, RosterPerson.name, RosterPerson.status).where(RosterPerson.id.in_(assignees)))}
            if len(found) < len(assignees):
                c.add("assignee_ids", "所选人员中有人已被删除，请刷新后重试")
            gone = [found[i][0] for i in assignees if i in found and i not in old_assignees and found[i][1] == Status.LEFT]
            if gone:
                c.add("assignee_ids", f"{'、'.join(gone)}已退出名册，不能再安排任务")
        refs = inp.complaint_refs
        tokens = [t for t in _REF_SPLIT.split(refs) if t] if isinstance(refs, str) else [str(t).strip() for t in refs if str(t).strip()]
        complaint_ids: list[int] = []
        unknown: list[str] = []
        for token in dict.fromkeys(tokens):
            cid = s.scalar(select(Complaint.id).where(Complaint.case_no == token.upper()))
            if cid is None and token.isdigit():
                cid = s.scalar(select(Complaint.id).where(Complaint.id == int(token)))
            if cid is None:
                unknown.append(token)
            elif cid not in complaint_ids:
                complaint_ids.append(cid)
        if unknown:
            c.add("complaint_refs", f"找不到案件编号：{'、'.join(unknown)}")
        c.raise_if_any()
        return values, assignees, complaint_ids

    def _task_view(self, s: Session, t: RosterTask) -> TaskView:
        people = s.execute(
            select(RosterPerson.id, RosterPerson.name)
            .join(RosterTaskAssignee, RosterTaskAssignee.person_id == RosterPerson.id)
            .where(RosterTaskAssignee.task_id == t.id)
            .order_by(RosterTaskAssignee.id)
        ).all()
        cases = s.execute(
            select(Complaint.id, Complaint.case_no, Complaint.business_name)
            .join(RosterTaskComplaint, RosterTaskComplaint.complaint_id == Complaint.id)
            .where(RosterTaskComplaint.task_id == t.id)
            .order_by(Complaint.case_no)
        ).all()
        return TaskView(
            t.id, t.task_type, t.title, t.start_date, t.end_date, t.place, t.findings, t.warning_refs,
            tuple((pid, name) for pid, name in people),
            tuple(TaskComplaintRef(cid, no, bname) for cid, no, bname in cases),
            t.version,
        )

    def list_tasks(self, year: int | None = None, *, person_id: int | None = None) -> list[TaskView]:
        self.desk.require_login()
        q = select(RosterTask).order_by(RosterTask.start_date.desc(), RosterTask.id.desc())
        if year:
            q = q.where(RosterTask.start_date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        if person_id is not None:
            q = q.where(RosterTask.id.in_(select(RosterTaskAssignee.task_id).where(RosterTaskAssignee.person_id == person_id)))
        with self.desk.read() as s:
            return [self._task_view(s, t) for t in s.scalars(q)]

    def get_task(self, task_id: int) -> TaskView:
        self.desk.require_login()
        with self.desk.read() as s:
            t = s.get(RosterTask, task_id)
            if t is None:
                raise NotFound("找不到该调查任务，可能已被删除")
            return self._task_view(s, t)

    def create_task(self, inp: TaskInput) -> TaskView:
        self.desk.require(Perm.EDIT_ROSTER)
        actor = self.desk.actor
        with self.desk.write() as s:
            values, assignees, complaints = self._task_values(inp, s, set())
            t = RosterTask(**values, office_id=actor.office_id if actor else None)
            t.assignees = [RosterTaskAssignee(person_id=i) for i in assignees]
            t.complaints = [RosterTaskComplaint(complaint_id=i) for i in complaints]
            s.add(t)
            s.flush()
            return self._task_view(s, t)

    def update_task(self, task_id: int, started_from: TaskView, inp: TaskInput) -> TaskView:
        self.desk.require(Perm.EDIT_ROSTER)
        with self.desk.write() as s:
            t = s.get(RosterTask, task_id)
            if t is None:
                raise NotFound("该调查任务已被删除")
            check_version("调查任务", started_from.version, t, self._task_view(s, t), started_from)
            old = {a.person_id for a in t.assignees}
            values, assignees, complaints = self._task_values(inp, s, old)
            for k, v in values.items():
                if getattr(t, k) != v:
                    setattr(t, k, v)
            keep_a = set(assignees)
            for a in list(t.assignees):
                if a.person_id not in keep_a:
                    t.assignees.remove(a)
            for i in assignees:
                if i not in old:
                    t.assignees.append(RosterTaskAssignee(person_id=i))
            old_c = {c.complaint_id for c in t.complaints}
            keep_c = set(complaints)
            for c in list(t.complaints):
                if c.complaint_id not in keep_c:
                    t.complaints.remove(c)
            for i in complaints:
                if i not in old_c:
                    t.complaints.append(RosterTaskComplaint(complaint_id=i))
            if keep_a != old or keep_c != old_c:
                # Link changes alone must bump the version too (another desk's edit conflicts).
                t.updated_at = clock.now()
                flag_modified(t, "updated_at")
            s.flush()
            return self._task_view(s, t)

    def delete_task(self, task_id: int, started_from: TaskView) -> None:
        self.desk.require(Perm.EDIT_ROSTER)
        with self.desk.write() as s:
            t = s.get(RosterTask, task_id)
            if t is None:
                return
            check_version("调查任务", started_from.version, t, self._task_view(s, t), started_from)
            s.delete(t)

    # -- history and figures ----------------------------------------------------------------------
    def history(self, person_id: int) -> PersonHistory:
        """A person's status changes, trainings attended, tasks joined and whatever the
        registered providers add, newest first."""
        self.desk.require_login()
        show = self._show()
        with self.desk.read() as s:
            p = s.get(RosterPerson, person_id)
            if p is None:
                raise NotFound("找不到该人员，可能已被删除")
            items: list[HistoryItem] = []
            if p.join_date:
                items.append(HistoryItem(p.join_date, "status", "加入", f"加入{kind_label(p.kind)}名册",
                                         f"证书编号 {p.certificate_no}" if p.certificate_no else ""))
            for ch in p.status_changes:
                items.append(HistoryItem(ch.changed_on, "status", STATUS_LABELS.get(ch.status, ch.status),
                                         f"状态改为“{STATUS_LABELS.get(ch.status, ch.status)}”", ch.reason, ch.id))
            for t in s.scalars(
                select(RosterTraining).join(RosterAttendance, RosterAttendance.training_id == RosterTraining.id)
                .where(RosterAttendance.person_id == person_id)
            ):
                detail = "，".join(x for x in (t.place, f"授课：{t.trainer}" if t.trainer else "") if x)
                items.append(HistoryItem(t.held_on, "training", "培训", t.topic, detail, t.id))
            for t in s.scalars(
                select(RosterTask).join(RosterTaskAssignee, RosterTaskAssignee.task_id == RosterTask.id)
                .where(RosterTaskAssignee.person_id == person_id)
            ):
                items.append(HistoryItem(t.start_date, "task", TASK_TYPES.get(t.task_type, "调查"), t.title, t.place, t.id))
            for provider in list(_HISTORY_PROVIDERS):
                items.extend(provider(s, person_id))
            view = person_view(p, show=show)
        items.sort(key=lambda i: (i.on, i.kind), reverse=True)
        return PersonHistory(view, tuple(items))

    def yearly_figures(self, year: int, kind: str | None = None) -> YearFigures:
        """Figures for the briefing; see YearFigures. A person without a join date counts from
        the day they were entered."""
        self.desk.require_login()
        if kind is not None:
            check_kind(kind)
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        with self.desk.read() as s:
            q = select(RosterPerson.id, RosterPerson.join_date, RosterPerson.created_at)
            if kind:
                q = q.where(RosterPerson.kind == kind)
            people = s.execute(q).all()
            changes: dict[int, list[tuple[dt.date, int, str]]] = {}
            cq = select(RosterStatusChange.person_id, RosterStatusChange.changed_on, RosterStatusChange.id,
                        RosterStatusChange.status)
            if kind:
                cq = cq.join(RosterPerson, RosterPerson.id == RosterStatusChange.person_id).where(RosterPerson.kind == kind)
            for pid, on, cid, status in s.execute(cq):
                changes.setdefault(pid, []).append((on, cid, status))
            in_year = RosterTraining.held_on.between(start, end)
            aq = (
                select(func.count(func.distinct(RosterAttendance.person_id)))
                .join(RosterTraining, RosterTraining.id == RosterAttendance.training_id)
                .where(in_year)
            )
            if kind:
                aq = aq.join(RosterPerson, RosterPerson.id == RosterAttendance.person_id).where(RosterPerson.kind == kind)
            trained = s.scalar(aq) or 0
            sq = select(func.count()).select_from(RosterTraining).where(in_year)
            if kind:
                attended_by_kind = (
                    select(RosterAttendance.training_id)
                    .join(RosterPerson, RosterPerson.id == RosterAttendance.person_id)
                    .where(RosterPerson.kind == kind)
                )
                sq = sq.where(or_(RosterTraining.audience.like(f"%{KIND_AUDIENCE[kind]}%"),
                                  RosterTraining.id.in_(attended_by_kind)))
            sessions = s.scalar(sq) or 0
        on_roster = joined = left = 0
        for pid, join_date, created_at in people:
            joined_on = join_date or created_at.date()
            ch = changes.get(pid, [])
            if joined_on <= end and status_at(ch, end) != Status.LEFT:
                on_roster += 1
            if start <= joined_on <= end:
                joined += 1
            if any(start <= on <= end and st == Status.LEFT for on, _i, st in ch):
                left += 1
        return YearFigures(year, kind, on_roster, joined, left, trained, sessions)

    def worklist(self, *, within_days: int = 7) -> RosterWorklist:
        """Tasks ended or ending soon without findings; volunteers without recorded consent."""
        self.desk.require_login()
        soon = clock.today() + dt.timedelta(days=within_days)
        with self.desk.read() as s:
            tasks = [
                self._task_view(s, t)
                for t in s.scalars(
                    select(RosterTask)
                    .where(RosterTask.end_date.is_not(None), RosterTask.end_date <= soon, RosterTask.findings == "")
                    .order_by(RosterTask.end_date)
                )
            ]
            missing = s.scalar(
                select(func.count()).select_from(RosterPerson).where(
                    RosterPerson.kind == Kind.VOLUNTEER, RosterPerson.status != Status.LEFT,
                    RosterPerson.consent_date.is_(None))
            ) or 0
        return RosterWorklist(tuple(tasks), missing)


__all__ = [
    "AUDIENCES",
    "GENDER_LABELS",
    "KIND_LABELS",
    "KIND_SHORT",
    "PERSON_LABELS",
    "STATUS_LABELS",
    "TASK_TYPES",
    "AttendeeView",
    "HistoryItem",
    "Kind",
    "PersonFilter",
    "PersonHistory",
    "PersonInput",
    "PersonView",
    "RosterService",
    "RosterWorklist",
    "SignInMatch",
    "SignInRow",
    "Status",
    "TaskInput",
    "TaskView",
    "TrainingInput",
    "TrainingView",
    "YearFigures",
    "register_history_provider",
]
