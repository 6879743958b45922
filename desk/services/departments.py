"""成员单位 (member departments of the county network), their 联席会议 (joint meetings), and the
complaint referrals counted per department (the closed loop: sent, replied, overdue, returned).

A referral names its department as free text (``referral.department``, typed by the handler).
It is counted under the member department whose name, short name or one of its aliases equals
the text once both are normalised (full-width folded, spaces removed); failing that, after a
leading county prefix ("太和县", "县") is dropped from both. Texts that match no department are
listed as unmatched with their counts, so an admin can add them as aliases.

Referral states (on ``today``): returned = recorded here as sent back (退回); replied = a reply
date is set (and not returned); overdue = neither, and the reply was due before today; pending
= the rest. ``replied_late`` counts replies dated after their due date."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from desk import clock
from desk.errors import ConflictError, DeskError, NotFound
from desk.models import Complaint, Referral
from desk.models.trust_units import Department, JointMeeting, JointMeetingAttendee, ReferralReturn
from desk.roles import Perm
from desk.services.base import Checker, Service, check_version, view_of
from desk.services.outreach import (
    ExportResult,
    actor_name,
    date_value,
    office_for,
    office_names,
    text_value,
    write_xlsx,
)
from desk.validators import FieldError, mobile_or_landline
from desk.workflow import REFERRAL_KINDS

LABELS = {
    "name": "部门名称",
    "short_name": "简称",
    "aliases": "其他写法（别名）",
    "contact_person": "联络人",
    "phone": "联系电话",
    "sort_order": "排序",
    "note": "备注",
    "meeting_date": "会议日期",
    "title": "会议名称",
    "place": "地点",
    "host": "主持人",
    "attendees": "参会部门",
    "minutes": "会议纪要",
    "decisions": "议定事项",
    "office_id": "单位",
    "returned_date": "退回日期",
    "reason": "退回原因",
}

_PREFIX = re.compile(r"^[\u4e00-\u9fff]{0,6}?县")


def normalise_department(text: str) -> str:
    """The key referrals and departments are compared by: NFKC, no spaces, no brackets' content
    kept as is (（物价） stays part of the name)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _core(key: str) -> str:
    """Without a leading county prefix: 太和县市场监督管理局 → 市场监督管理局."""
    return _PREFIX.sub("", key, count=1)


def split_aliases(text: str) -> list[str]:
    """Aliases typed one per line (also accepted: separated by 、，,;；)."""
    out: list[str] = []
    for part in re.split(r"[\n\r、，,;；]+", text or ""):
        p = part.strip()
        if p and p not in out:
            out.append(p)
    return out


@dataclass(frozen=True)
class DepartmentInput:
    name: str
    short_name: str = ""
    aliases: str = ""  # one per line
    contact_person: str = ""
    phone: str = ""
    sort_order: int | None = None  # None: at the end
    note: str = ""


@dataclass(frozen=True)
class DepartmentView:
    id: int
    name: str
    short_name: str
    aliases: str
    contact_person: str
    phone: str
    sort_order: int
    active: bool
    note: str
    version: int

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


@dataclass(frozen=True)
class AttendeeInput:
    department_id: int
    people: str = ""


@dataclass(frozen=True)
class MeetingInput:
    meeting_date: dt.date | str | None
    title: str
    attendees: tuple[AttendeeInput, ...] = ()
    place: str = ""
    host: str = ""
    minutes: str = ""
    decisions: str = ""
    office_id: int | None = None


@dataclass(frozen=True)
class AttendeeView:
    department_id: int
    department_name: str
    people: str


@dataclass(frozen=True)
class MeetingView:
    id: int
    office_id: int
    office_name: str
    meeting_date: dt.date
    title: str
    place: str
    host: str
    minutes: str
    decisions: str
    version: int
    attendees: tuple[AttendeeView, ...] = ()


@dataclass(frozen=True)
class DepartmentReferrals:
    department_id: int | None  # None: the unmatched texts together
    name: str
    sent: int
    replied: int
    replied_late: int
    overdue: int
    returned: int
    pending: int


@dataclass(frozen=True)
class UnmatchedName:
    text: str
    count: int


@dataclass(frozen=True)
class ReferralStats:
    date_from: dt.date | None
    date_to: dt.date | None
    rows: tuple[DepartmentReferrals, ...]  # every active department, then those with referrals
    unmatched: tuple[UnmatchedName, ...]

    unmatched_row: DepartmentReferrals | None = None  # the unmatched texts together

    @property
    def total(self) -> DepartmentReferrals:
        rows = [*self.rows, *([self.unmatched_row] if self.unmatched_row else [])]
        return DepartmentReferrals(None, "合计", sum(r.sent for r in rows), sum(r.replied for r in rows),
                                   sum(r.replied_late for r in rows), sum(r.overdue for r in rows), sum(r.returned for r in rows),
                                   sum(r.pending for r in rows))


@dataclass(frozen=True)
class DepartmentReferral:
    referral_id: int
    complaint_id: int
    case_no: str
    kind_label: str
    department_text: str
    sent_date: dt.date
    reply_due: dt.date | None
    replied_date: dt.date | None
    returned_date: dt.date | None
    return_reason: str
    state: str  # returned | replied | overdue | pending
    state_label: str


STATE_LABELS = {"returned": "已退回", "replied": "已回复", "overdue": "逾期未回复", "pending": "待回复"}


def _state(replied: dt.date | None, due: dt.date | None, returned: bool, today: dt.date) -> str:
    if returned:
        return "returned"
    if replied is not None:
        return "replied"
    if due is not None and due < today:
        return "overdue"
    return "pending"


class _Matcher:
    """Finds the department a referral's free-text name means (see the module docstring)."""

    def __init__(self, departments: Sequence[Department]) -> None:
        self.exact: dict[str, int] = {}
        self.core: dict[str, int] = {}
        for d in sorted(departments, key=lambda x: (x.sort_order, x.id)):
            for name in [d.name, d.short_name, *split_aliases(d.aliases)]:
                key = normalise_department(name)
                if key:
                    self.exact.setdefault(key, d.id)
                    self.core.setdefault(_core(key), d.id)

    def match(self, text: str) -> int | None:
        key = normalise_department(text)
        if not key:
            return None
        return self.exact.get(key) or self.core.get(_core(key))


class DepartmentService(Service):
    # -- departments ----------------------------------------------------------------------------------
    def list(self, *, include_inactive: bool = False) -> list[DepartmentView]:
        self.desk.require_login()
        q = select(Department).order_by(Department.sort_order, Department.id)
        if not include_inactive:
            q = q.where(Department.active.is_(True))
        with self.desk.read() as s:
            return [view_of(DepartmentView, d) for d in s.scalars(q)]

    def get(self, department_id: int) -> DepartmentView:
        self.desk.require_login()
        with self.desk.read() as s:
            d = s.get(Department, department_id)
            if d is None:
                raise NotFound("找不到该成员单位")
            return view_of(DepartmentView, d)

    def _values(self, s: Session, inp: DepartmentInput, own_id: int | None) -> dict[str, Any]:
        c = Checker(LABELS)
        name = text_value(c, "name", inp.name, 100, required=True)
        short = text_value(c, "short_name", inp.short_name, 40)
        aliases = split_aliases(inp.aliases)
        for a in aliases:
            if len(a) > 100:
                c.add("aliases", f"“{a[:12]}…”超过100个字")
        phone = ""
        if (inp.phone or "").strip():
            try:
                phone = mobile_or_landline(inp.phone)
            except FieldError as exc:
                c.add("phone", exc.message)
        contact = text_value(c, "contact_person", inp.contact_person, 40)
        note = text_value(c, "note", inp.note, 4000)
        if inp.sort_order is not None and not (isinstance(inp.sort_order, int) and 0 <= inp.sort_order <= 100_000):
            c.add("sort_order", "应为0–100000的整数")
        if name and s.scalar(select(Department.id).where(Department.name == name, Department.id != (own_id or -1))):
            c.add("name", f"已有名为“{name}”的成员单位")
        # A spelling may lead to one department only, or referrals would be counted twice.
        mine = {normalise_department(x): x for x in [name, short, *aliases] if x}
        for other in s.scalars(select(Department).where(Department.id != (own_id or -1))):
            theirs = {normalise_department(x) for x in [other.name, other.short_name, *split_aliases(other.aliases)] if x}
            clash = [mine[k] for k in mine if k in theirs]
            if clash:
                field = "name" if normalise_department(name) in theirs else "short_name" if normalise_department(short) in theirs else "aliases"
                c.add(field, f"“{clash[0]}”已是成员单位“{other.name}”的名称或别名")
                break
        c.raise_if_any()
        values: dict[str, Any] = dict(name=name, short_name=short, aliases="\n".join(aliases), contact_person=contact, phone=phone, note=note)
        if inp.sort_order is not None:
            values["sort_order"] = inp.sort_order
        elif own_id is None:
            values["sort_order"] = (s.scalar(select(func.max(Department.sort_order))) or 0) + 10
        return values

    def create(self, inp: DepartmentInput) -> DepartmentView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            d = Department(**self._values(s, inp, None))
            s.add(d)
            s.flush()
            return view_of(DepartmentView, d)

    def update(self, department_id: int, started_from: DepartmentView, inp: DepartmentInput) -> DepartmentView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            d = s.get(Department, department_id)
            if d is None:
                raise NotFound("该成员单位已被删除")
            check_version("成员单位", started_from.version, d, view_of(DepartmentView, d), started_from)
            for k, v in self._values(s, inp, d.id).items():
                setattr(d, k, v)
            s.flush()
            return view_of(DepartmentView, d)

    def add_alias(self, department_id: int, alias: str) -> DepartmentView:
        """Count referrals written as ``alias`` under the department from now on."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            d = s.get(Department, department_id)
            if d is None:
                raise NotFound("该成员单位已被删除")
            current = view_of(DepartmentView, d)
        inp = DepartmentInput(current.name, current.short_name, "\n".join([*current.alias_list, alias.strip()]),
                              current.contact_person, current.phone, current.sort_order, current.note)
        return self.update(department_id, current, inp)

    def set_active(self, department_id: int, active: bool) -> DepartmentView:
        """Deactivate instead of delete: old meetings and referrals keep the department."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            d = s.get(Department, department_id)
            if d is None:
                raise NotFound("找不到该成员单位")
            d.active = active
            s.flush()
            return view_of(DepartmentView, d)

    def match(self, text: str) -> DepartmentView | None:
        """The member department a referral's department text means, or None."""
        self.desk.require_login()
        with self.desk.read() as s:
            deps = list(s.scalars(select(Department)))
            did = _Matcher(deps).match(text)
            return next((view_of(DepartmentView, d) for d in deps if d.id == did), None)

    # -- referrals per department -----------------------------------------------------------------------
    def _referrals(self, s: Session, date_from: dt.date | None, date_to: dt.date | None) -> list[Any]:
        q = (select(Referral.id, Referral.complaint_id, Referral.kind, Referral.department, Referral.sent_date, Referral.reply_due,
                    Referral.replied_date, Complaint.case_no, ReferralReturn.returned_date, ReferralReturn.reason)
             .join(Complaint, Complaint.id == Referral.complaint_id)
             .outerjoin(ReferralReturn, ReferralReturn.referral_id == Referral.id))
        if date_from:
            q = q.where(Referral.sent_date >= date_from)
        if date_to:
            q = q.where(Referral.sent_date <= date_to)
        return list(s.execute(q.order_by(Referral.sent_date, Referral.id)).all())

    def referral_stats(self, date_from: dt.date | None = None, date_to: dt.date | None = None, *,
                       today: dt.date | None = None) -> ReferralStats:
        """Referrals sent in the period (by sent date, both ends inclusive) per department."""
        self.desk.require_login()
        today = today or clock.today()
        with self.desk.read() as s:
            deps = list(s.scalars(select(Department).order_by(Department.sort_order, Department.id)))
            refs = self._referrals(s, date_from, date_to)
            matcher = _Matcher(deps)
            counts: dict[int | None, dict[str, int]] = {}
            unmatched: dict[str, int] = {}
            for r in refs:
                did = matcher.match(r.department)
                if did is None:
                    text = r.department.strip() or "（未填写）"
                    unmatched[text] = unmatched.get(text, 0) + 1
                st = _state(r.replied_date, r.reply_due, r.returned_date is not None, today)
                c = counts.setdefault(did, {"sent": 0, "replied_late": 0, "returned": 0, "replied": 0, "overdue": 0, "pending": 0})
                c["sent"] += 1
                c[st] += 1
                if st == "replied" and r.reply_due is not None and r.replied_date > r.reply_due:
                    c["replied_late"] += 1
            rows = []
            for d in deps:
                c = counts.get(d.id)
                if c is None and not d.active:
                    continue
                c = c or {"sent": 0, "replied_late": 0, "returned": 0, "replied": 0, "overdue": 0, "pending": 0}
                rows.append(DepartmentReferrals(d.id, d.name, c["sent"], c["replied"], c["replied_late"], c["overdue"],
                                                c["returned"], c["pending"]))
            u = counts.get(None)
            unmatched_row = DepartmentReferrals(None, "未对应成员单位", u["sent"], u["replied"], u["replied_late"], u["overdue"],
                                                u["returned"], u["pending"]) if u else None
        return ReferralStats(date_from, date_to, tuple(rows),
                             tuple(UnmatchedName(t, n) for t, n in sorted(unmatched.items(), key=lambda kv: (-kv[1], kv[0]))),
                             unmatched_row)

    def referrals_of(self, department_id: int | None, date_from: dt.date | None = None, date_to: dt.date | None = None, *,
                     unmatched_text: str | None = None, today: dt.date | None = None) -> list[DepartmentReferral]:
        """The referrals counted under a department (or, with ``department_id`` None, those
        whose text matches no department; ``unmatched_text`` narrows to one spelling)."""
        self.desk.require_login()
        today = today or clock.today()
        with self.desk.read() as s:
            deps = list(s.scalars(select(Department)))
            matcher = _Matcher(deps)
            out = []
            for r in self._referrals(s, date_from, date_to):
                did = matcher.match(r.department)
                if did != department_id:
                    continue
                if department_id is None and unmatched_text is not None and (r.department.strip() or "（未填写）") != unmatched_text:
                    continue
                st = _state(r.replied_date, r.reply_due, r.returned_date is not None, today)
                out.append(DepartmentReferral(r.id, r.complaint_id, r.case_no, REFERRAL_KINDS.get(r.kind, r.kind), r.department,
                                              r.sent_date, r.reply_due, r.replied_date, r.returned_date, r.reason or "", st,
                                              STATE_LABELS[st]))
            return out

    def mark_returned(self, referral_id: int, returned_date: dt.date | str | None, reason: str) -> DepartmentReferral:
        """Record that the department sent the referral back (退回), with the date and why."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            r = s.get(Referral, referral_id)
            if r is None:
                raise NotFound("找不到该转办记录")
            if s.scalar(select(ReferralReturn.id).where(ReferralReturn.referral_id == r.id)):
                raise DeskError("这条转办已登记为退回")
            c = Checker(LABELS)
            on = date_value(c, "returned_date", returned_date, not_after=clock.today())
            if on and on < r.sent_date:
                c.add("returned_date", f"不能早于转办日期（{r.sent_date.isoformat()}）")
            why = text_value(c, "reason", reason, 500, required=True)
            c.raise_if_any()
            s.add(ReferralReturn(referral_id=r.id, returned_date=on, reason=why, recorded_by=actor_name(self.desk)))
            s.flush()
            case_no = s.scalar(select(Complaint.case_no).where(Complaint.id == r.complaint_id)) or ""
            return DepartmentReferral(r.id, r.complaint_id, case_no, REFERRAL_KINDS.get(r.kind, r.kind), r.department, r.sent_date,
                                      r.reply_due, r.replied_date, on, why, "returned", STATE_LABELS["returned"])  # type: ignore[arg-type]

    def unmark_returned(self, referral_id: int) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            rr = s.scalar(select(ReferralReturn).where(ReferralReturn.referral_id == referral_id))
            if rr is not None:
                s.delete(rr)

    def export_referral_stats(self, path: str | Path, date_from: dt.date | None = None, date_to: dt.date | None = None) -> ExportResult:
        st = self.referral_stats(date_from, date_to)
        cols = [("成员单位", 30), ("转办（件）", 10), ("已回复", 10), ("其中逾期回复", 12), ("逾期未回复", 12), ("退回", 8), ("待回复", 8)]
        data = [[r.name, r.sent, r.replied, r.replied_late, r.overdue, r.returned, r.pending] for r in st.rows]
        if st.unmatched_row is not None:
            u = st.unmatched_row
            names = "、".join(f"{x.text}（{x.count}）" for x in st.unmatched)
            data.append([f"未对应成员单位：{names}", u.sent, u.replied, u.replied_late, u.overdue, u.returned, u.pending])
        t = st.total
        period = f"（{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}）" if date_from and date_to else ""
        return write_xlsx(self.desk, path, "成员单位转办", cols, data, table="referral", title=f"成员单位转办与回复情况{period}",
                          totals=["合计", t.sent, t.replied, t.replied_late, t.overdue, t.returned, t.pending])

    # -- joint meetings ----------------------------------------------------------------------------------
    def _meeting_values(self, s: Session, inp: MeetingInput, own: JointMeeting | None) -> tuple[dict[str, Any], list[tuple[int, str]]]:
        c = Checker(LABELS)
        day = date_value(c, "meeting_date", inp.meeting_date, not_after=clock.today())
        title = text_value(c, "title", inp.title, 200, required=True)
        deps = {d.id: d for d in s.scalars(select(Department))}
        attendees: list[tuple[int, str]] = []
        for a in inp.attendees:
            d = deps.get(a.department_id)
            if d is None:
                c.add("attendees", "参会部门中有已删除的成员单位，请重新选择")
                continue
            if any(x[0] == d.id for x in attendees):
                continue
            people = (a.people or "").strip()
            if len(people) > 200:
                c.add("attendees", f"“{d.name}”的参会人员超过200个字")
                continue
            attendees.append((d.id, people))
        if not attendees and "attendees" not in c.errors:
            c.add("attendees", "请选择参会的成员单位")
        values = dict(meeting_date=day, title=title, place=text_value(c, "place", inp.place, 200),
                      host=text_value(c, "host", inp.host, 60), minutes=text_value(c, "minutes", inp.minutes, 20000),
                      decisions=text_value(c, "decisions", inp.decisions, 20000),
                      office_id=office_for(s, self.desk, inp.office_id if own is None or inp.office_id is not None else own.office_id, c))
        c.raise_if_any()
        return values, attendees

    def _meeting_view(self, s: Session, m: JointMeeting) -> MeetingView:
        deps = {d.id: d for d in s.scalars(select(Department))}
        # In the departments' own order, as minutes list them.
        ordered = sorted(m.attendees, key=lambda a: (deps[a.department_id].sort_order, a.department_id) if a.department_id in deps
                         else (1 << 30, a.department_id))
        return view_of(MeetingView, m, office_name=office_names(s).get(m.office_id, ""),
                       attendees=tuple(AttendeeView(a.department_id, deps[a.department_id].name if a.department_id in deps else "",
                                                    a.people) for a in ordered))

    def create_meeting(self, inp: MeetingInput) -> MeetingView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            values, attendees = self._meeting_values(s, inp, None)
            m = JointMeeting(**values)
            m.attendees = [JointMeetingAttendee(department_id=d, people=p) for d, p in attendees]
            s.add(m)
            s.flush()
            return self._meeting_view(s, m)

    def update_meeting(self, meeting_id: int, started_from: MeetingView, inp: MeetingInput) -> MeetingView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            m = s.get(JointMeeting, meeting_id)
            if m is None:
                raise NotFound("该会议记录已被删除")
            check_version("联席会议", started_from.version, m, self._meeting_view(s, m), started_from)
            values, attendees = self._meeting_values(s, inp, m)
            for k, v in values.items():
                setattr(m, k, v)
            if [(a.department_id, a.people) for a in m.attendees] != attendees:
                m.attendees.clear()
                s.flush()
                m.attendees.extend(JointMeetingAttendee(department_id=d, people=p) for d, p in attendees)
                if not s.is_modified(m, include_collections=False):
                    m.updated_at = clock.now()  # attendance alone changed: move the version on
            s.flush()
            return self._meeting_view(s, m)

    def delete_meeting(self, meeting_id: int, started_from: MeetingView) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            m = s.get(JointMeeting, meeting_id)
            if m is None:
                return
            if m.version != started_from.version:
                raise ConflictError("这条联席会议记录在您查看后已被其他用户修改，没有删除。请查看最新内容后再决定。",
                                    current=self._meeting_view(s, m))
            s.delete(m)

    def get_meeting(self, meeting_id: int) -> MeetingView:
        self.desk.require_login()
        with self.desk.read() as s:
            m = s.get(JointMeeting, meeting_id)
            if m is None:
                raise NotFound("找不到该会议记录")
            return self._meeting_view(s, m)

    def meetings(self, date_from: dt.date | None = None, date_to: dt.date | None = None, office_id: int | None = None) -> list[MeetingView]:
        self.desk.require_login()
        q = select(JointMeeting).where(
            JointMeeting.meeting_date >= date_from if date_from else true(),
            JointMeeting.meeting_date <= date_to if date_to else true(),
            JointMeeting.office_id == office_id if office_id else true(),
        ).order_by(JointMeeting.meeting_date.desc(), JointMeeting.id.desc())
        with self.desk.read() as s:
            return [self._meeting_view(s, m) for m in s.scalars(q)]

    def export_meetings(self, path: str | Path, date_from: dt.date | None = None, date_to: dt.date | None = None) -> ExportResult:
        rows = self.meetings(date_from, date_to)
        cols = [("会议日期", 12), ("会议名称", 30), ("地点", 16), ("主持人", 10), ("参会部门", 40), ("议定事项", 50), ("会议纪要", 60)]
        data = [[m.meeting_date, m.title, m.place, m.host, "、".join(a.department_name for a in m.attendees), m.decisions, m.minutes]
                for m in rows]
        return write_xlsx(self.desk, path, "联席会议", cols, data, table="joint_meeting", title="成员单位联席会议登记",
                          totals=["合计", f"{len(rows)}次", "", "", "", "", ""])
