"""Complaints: registration, the workflow with its deadlines, the case list, the worklist,
attachments and the consultation register."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from desk import clock
from desk.audit import log_access
from desk.deadlines import (
    DUE_KIND_LABELS,
    CurrentDue,
    DeadlineRules,
    acceptance_due,
    current_due,
    referral_reply_due,
)
from desk.errors import ConflictError, DeskError, NotFound, ValidationError
from desk.models import (
    Attachment,
    Business,
    CaseSequence,
    Complaint,
    ComplaintEvent,
    ComplaintParty,
    ComplaintPause,
    Office,
    Referral,
    User,
    VocabItem,
)
from desk.roles import ROLE_PERMS, Perm, Role
from desk.search import ESCAPE, like_pattern
from desk.services.base import Checker, Service, check_version
from desk.services.businesses import BusinessInput
from desk.validators import (
    FieldError,
    mask_id,
    mask_name,
    mask_phone,
    mobile_or_landline,
    money,
    normalise_search_text,
    required_text,
    resident_id,
)
from desk.workcal import WorkCalendar
from desk.workflow import (
    OPEN_STATUSES,
    REFERRAL_KINDS,
    Status,
    action_label,
    available_actions,
    check_transition,
    status_label,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
GROUP_WINDOW_DAYS = 30
GROUP_THRESHOLD = 3  # complaints against one business and category within the window
PROFIT_WINDOW_DAYS = 90
PROFIT_THRESHOLD = 3  # complaints from one phone or address within the window

LABELS = {
    "office_id": "受理单位",
    "received_at": "收到时间",
    "channel_code": "投诉渠道",
    "category_code": "商品/服务类别",
    "nature_code": "投诉性质",
    "business": "被投诉经营者",
    "consumer_name": "消费者姓名",
    "consumer_phone": "消费者电话",
    "consumer_address": "消费者地址",
    "consumer_id_no": "身份证号",
    "parties": "共同投诉人",
    "agent_name": "代理人",
    "agent_phone": "代理人电话",
    "agent_authorised": "授权委托书",
    "amount": "争议金额",
    "demand": "投诉请求",
    "facts": "事实与理由",
    "handler_id": "承办人",
    "on": "日期",
    "ground": "理由",
    "reason": "原因",
    "department": "接收部门",
    "reply_due": "回复期限",
    "file": "附件",
    "business.name": "经营者名称",
    "business.credit_code": "统一社会信用代码",
    "business.phone": "经营者电话",
}


# -- inputs and views -----------------------------------------------------------------


@dataclass(frozen=True)
class PartyInput:
    name: str
    phone: str = ""
    address: str = ""
    id_no: str = ""
    is_representative: bool = False


@dataclass(frozen=True)
class ComplaintInput:
    """What the intake form collects, as typed (strings are validated by the service)."""

    consumer_name: str
    consumer_phone: str
    channel_code: str
    category_code: str
    nature_code: str
    received_at: dt.datetime | None = None  # default: now
    business_id: int | None = None
    new_business: BusinessInput | None = None  # register a business inline
    consumer_address: str = ""
    consumer_id_no: str = ""
    consumer_is_representative: bool = False
    parties: tuple[PartyInput, ...] = ()
    agent_name: str = ""
    agent_phone: str = ""
    agent_authorised: bool = False
    amount: str = "0"
    demand: str = ""
    facts: str = ""
    handler_id: int | None = None
    office_id: int | None = None  # default: the user's office


@dataclass(frozen=True)
class PartyView:
    id: int
    name: str
    phone: str
    address: str
    id_no: str | None
    is_representative: bool


@dataclass(frozen=True)
class ReferralView:
    id: int
    kind: str
    kind_label: str
    department: str
    sent_date: dt.date
    reply_due: dt.date | None
    reply_due_provisional: bool
    replied_date: dt.date | None
    reply_text: str
    version: int

    @property
    def overdue(self) -> bool:
        return self.replied_date is None and self.reply_due is not None and self.reply_due < clock.today()


@dataclass(frozen=True)
class PauseView:
    id: int
    start: dt.date
    end: dt.date | None
    reason: str


@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str


@dataclass(frozen=True)
class EventView:
    id: int
    at: dt.datetime
    event_date: dt.date
    username: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str | None
    detail: str


@dataclass(frozen=True)
class ComplaintView:
    """One case as its reader may see it (personal data masked unless the role allows)."""

    id: int
    case_no: str
    office_id: int
    office_code: str
    status: str
    status_label: str
    rule_version: str
    received_at: dt.datetime
    channel_code: str
    channel_name: str
    category_code: str
    category_name: str
    nature_code: str
    nature_name: str
    business_id: int | None
    business_name: str
    business_credit_code: str | None
    business_address: str
    consumer_name: str
    consumer_phone: str
    consumer_address: str
    consumer_id_no: str | None
    is_joint: bool
    consumer_is_representative: bool
    agent_name: str
    agent_phone: str
    agent_authorised: bool
    amount: Decimal
    demand: str
    facts: str
    handler_id: int | None
    handler_name: str
    accepted_date: dt.date | None
    refusal_ground_code: str | None
    refusal_ground_name: str
    mediation_started_date: dt.date | None
    mediation_ended_date: dt.date | None
    termination_ground_code: str | None
    termination_ground_name: str
    termination_notified_date: dt.date | None
    closed_date: dt.date | None
    archive_no: str | None
    result_summary: str
    paused_since: dt.date | None
    due_date: dt.date | None
    due_kind: str | None
    due_provisional: bool
    masked: bool
    version: int
    parties: tuple[PartyView, ...] = ()
    referrals: tuple[ReferralView, ...] = ()
    pauses: tuple[PauseView, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()

    @property
    def due_label(self) -> str:
        if self.paused_since:
            return f"计时暂停（自{self.paused_since:%Y-%m-%d}）"
        if not self.due_kind or not self.due_date:
            return ""
        mark = "（暂定）" if self.due_provisional else ""
        return f"{DUE_KIND_LABELS.get(self.due_kind, self.due_kind)} {self.due_date:%Y-%m-%d}{mark}"

    @property
    def overdue(self) -> bool:
        return self.due_date is not None and self.due_date < clock.today()


@dataclass(frozen=True)
class ComplaintRow:
    """A line of the case list."""

    id: int
    case_no: str
    status: str
    status_label: str
    received_at: dt.datetime
    consumer_name: str
    consumer_phone: str
    business_name: str
    category_name: str
    nature_name: str
    channel_name: str
    amount: Decimal
    handler_name: str
    office_code: str
    due_date: dt.date | None
    due_kind: str | None
    due_provisional: bool
    paused: bool

    @property
    def overdue(self) -> bool:
        return self.due_date is not None and self.due_date < clock.today()


@dataclass(frozen=True)
class ComplaintFilter:
    keyword: str = ""
    statuses: tuple[str, ...] = ()
    open_only: bool = False
    date_from: dt.date | None = None  # received date, inclusive
    date_to: dt.date | None = None
    office_id: int | None = None
    handler_id: int | None = None
    category_code: str | None = None  # a first-level code includes its second-level items
    nature_code: str | None = None
    channel_code: str | None = None
    business_id: int | None = None
    overdue: bool = False


SORT_COLUMNS = {
    "case_no": Complaint.case_no,
    "status": Complaint.status,
    "received_at": Complaint.received_at,
    "consumer_name": Complaint.consumer_name,
    "consumer_phone": Complaint.consumer_phone,
    "business_name": Complaint.business_name,
    "category_name": Complaint.category_code,
    "nature_name": Complaint.nature_code,
    "channel_name": Complaint.channel_code,
    "amount": Complaint.amount,
    # The list shows names: sort by what is shown, not by the ids behind it.
    "handler_name": select(User.display_name).where(User.id == Complaint.handler_id).correlate(Complaint).scalar_subquery(),
    "office_code": select(Office.code).where(Office.id == Complaint.office_id).correlate(Complaint).scalar_subquery(),
    "due_date": Complaint.due_date,
}
# Category, nature and channel sort by their codes: the vocabulary's own order, the order of
# every report (商品 before 服务, 售后服务 first …), with each category's items together.


def _order(sort: str, descending: bool) -> list:
    """ORDER BY for the case list. Empty values (no deadline, no handler) go last either way:
    SQLite sorts NULL first and PostgreSQL last, so without this the same list came out in a
    different order on the two databases. NOT NULL columns keep a plain ORDER BY so the index
    still serves the default sort."""
    col = SORT_COLUMNS.get(sort, Complaint.received_at)
    key = col.desc() if descending else col.asc()
    if getattr(col, "nullable", True):  # subqueries (names) may be empty too
        key = key.nulls_last()
    return [key, Complaint.id.desc() if descending else Complaint.id.asc()]


@dataclass(frozen=True)
class IntakeWarning:
    kind: str  # open_same_phone | group | profit_seeking
    message: str
    case_nos: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkItem:
    complaint_id: int
    case_no: str
    consumer_name: str
    business_name: str
    status_label: str
    what: str
    due_date: dt.date | None
    provisional: bool
    handler_name: str


@dataclass(frozen=True)
class Worklist:
    overdue: tuple[WorkItem, ...]
    due_soon: tuple[WorkItem, ...]
    mine: tuple[WorkItem, ...]
    referrals_overdue: tuple[WorkItem, ...]
    provisional_years: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class ActionInput:
    on: dt.date | None = None  # the date the step took effect (default today)
    ground_code: str | None = None
    reason: str = ""
    department: str = ""
    reply_due: dt.date | None = None
    detail: str = ""


# -- helpers ---------------------------------------------------------------------------


def _search_text(c: Complaint, party_names: Sequence[str] = ()) -> str:
    parts = [c.case_no, c.consumer_name, c.consumer_phone, c.business_name, c.facts, *party_names]
    return "\x01".join(normalise_search_text(p) for p in parts if p)


def _read_problem(p: Path, exc: OSError) -> str:
    """Why a file could not be read, in Chinese (strerror is English, or the locale's)."""
    name = p.name or str(p)
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件“{name}”，它可能已被移动或删除"
    if isinstance(exc, IsADirectoryError):
        return f"“{name}”是文件夹，请选择文件"
    if isinstance(exc, PermissionError):
        return f"没有权限读取“{name}”，请检查文件是否被其他程序占用或受保护"
    return f"无法读取“{name}”（错误代码 {exc.errno}），请检查文件后重试" if exc.errno else f"无法读取“{name}”，请检查文件后重试"


def _perms(role: str) -> frozenset[Perm]:
    try:
        return ROLE_PERMS[Role(role)]
    except ValueError:
        return frozenset()


def allocate_number(s: Session, office_id: int, year: int, kind: str) -> int:
    """Next number in the office's yearly sequence, inside the caller's transaction: on
    PostgreSQL the row is locked (SELECT … FOR UPDATE) so concurrent desks queue; on SQLite
    the write transaction (BEGIN IMMEDIATE) already serialises writers. Gap-free: a rollback
    returns the number."""
    key = (CaseSequence.office_id == office_id, CaseSequence.year == year, CaseSequence.kind == kind)
    row = s.scalars(select(CaseSequence).where(*key).with_for_update()).first()
    if row is None:
        if s.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            s.execute(
                pg_insert(CaseSequence)
                .values(office_id=office_id, year=year, kind=kind, last_no=0)
                .on_conflict_do_nothing()
            )
        else:
            s.add(CaseSequence(office_id=office_id, year=year, kind=kind, last_no=0))
            s.flush()
        row = s.scalars(select(CaseSequence).where(*key).with_for_update()).one()
    row.last_no += 1
    s.flush()
    return row.last_no


class ComplaintService(Service):
    _names_cache: tuple[float, dict[str, dict[str, str]]] | None = None

    # -- vocabularies, rules ------------------------------------------------------------
    def vocab_names(self) -> dict[str, dict[str, str]]:
        """kind → code → name (second-level categories as 'parent / child')."""
        cached = self._names_cache
        if cached and time.monotonic() - cached[0] < 60:
            return cached[1]
        with self.desk.read() as s:
            items = s.execute(select(VocabItem.id, VocabItem.kind, VocabItem.code, VocabItem.name, VocabItem.parent_id)).all()
        by_id = {i.id: i for i in items}
        out: dict[str, dict[str, str]] = {}
        for i in items:
            name = i.name
            if i.parent_id and i.parent_id in by_id:
                name = f"{by_id[i.parent_id].name} / {i.name}"
            out.setdefault(i.kind, {})[i.code] = name
        self._names_cache = (time.monotonic(), out)
        return out

    def rules(self) -> DeadlineRules:
        return DeadlineRules.from_settings(self.desk.settings.snapshot("deadline.").values)

    def _active_codes(self, s: Session, kind: str) -> set[str]:
        return set(s.scalars(select(VocabItem.code).where(VocabItem.kind == kind, VocabItem.active.is_(True))))

    # -- validation ------------------------------------------------------------------------
    def _validate(self, s: Session, inp: ComplaintInput, *, editing: Complaint | None = None) -> tuple[dict, list[dict], Checker]:
        c = Checker(LABELS)
        now = clock.now()
        received = inp.received_at or (editing.received_at if editing else now)
        if received > now + dt.timedelta(minutes=10):
            c.add("received_at", "不能晚于当前时间")
        elif received.year < 2000:
            c.add("received_at", "日期不合理")
        name = c.check("consumer_name", required_text, inp.consumer_name, max_len=60)
        phone = c.check("consumer_phone", mobile_or_landline, inp.consumer_phone) if inp.consumer_phone.strip() else None
        if not inp.consumer_phone.strip():
            c.add("consumer_phone", "请填写联系电话，以便告知受理结果")
        id_no = None
        if inp.consumer_id_no.strip():
            id_no = c.check("consumer_id_no", resident_id, inp.consumer_id_no)
        for fld, kind, what in (
            ("channel_code", "channel", "投诉渠道"),
            ("category_code", "category", "类别"),
            ("nature_code", "nature", "投诉性质"),
        ):
            code = getattr(inp, fld)
            if not code:
                c.add(fld, f"请选择{what}")
            elif code not in self._active_codes(s, kind):
                c.add(fld, f"“{code}”不是有效的{what}")
        if len(inp.consumer_address.strip()) > 200:
            c.add("consumer_address", "不能超过200个字")
        amount = c.check("amount", money, inp.amount or "0")
        if len(inp.demand.strip()) > 2000:
            c.add("demand", "不能超过2000个字")
        facts = inp.facts.strip()
        if not facts:
            c.add("facts", "请简要写明投诉的事实与理由")
        elif len(facts) > 10000:
            c.add("facts", "不能超过10000个字")
        # Joint complaints: two or more consumers against the same business, at most two
        # elected representatives.
        parties: list[dict] = []
        for i, p in enumerate(inp.parties, start=1):
            try:
                pname = required_text(p.name, max_len=60)
                pphone = mobile_or_landline(p.phone) if p.phone.strip() else ""
                pid = resident_id(p.id_no) if p.id_no.strip() else None
            except FieldError as exc:
                c.add("parties", f"第{i}位共同投诉人：{exc.message}")
                continue
            parties.append(dict(name=pname, phone=pphone, address=p.address.strip(), id_no=pid, is_representative=p.is_representative))
        reps = sum(1 for p in inp.parties if p.is_representative) + (1 if inp.consumer_is_representative else 0)
        if reps > 2:
            c.add("parties", "共同投诉最多推选两名代表人")
        agent = inp.agent_name.strip()
        agent_phone = ""
        if agent:
            if not inp.agent_authorised:
                c.add("agent_authorised", "委托代理人投诉须提交书面授权委托书")
            if inp.agent_phone.strip():
                agent_phone = c.check("agent_phone", mobile_or_landline, inp.agent_phone) or ""
        # Business: an existing one, or a new one registered with the case.
        business: Business | None = None
        if inp.business_id is not None:
            business = s.get(Business, inp.business_id)
            if business is None:
                c.add("business", "所选经营者已不存在，请重新选择")
        elif inp.new_business is not None:
            try:
                values = self.desk.businesses._validate(inp.new_business, s, None)
            except ValidationError as exc:
                for k, v in exc.fields.items():
                    c.add(f"business.{k}", v)
            else:
                business = Business(**values)
        else:
            c.add("business", "请选择或新建被投诉经营者")
        office_id = inp.office_id or (editing.office_id if editing else None) or (self.desk.actor.office_id if self.desk.actor else None)
        if office_id is None or s.get(Office, office_id) is None:
            c.add("office_id", "请选择受理单位")
        if inp.handler_id is not None and s.get(User, inp.handler_id) is None:
            c.add("handler_id", "承办人不存在")
        values = dict(
            received_at=received,
            received_date=received.date(),
            consumer_name=name,
            consumer_phone=phone or "",
            consumer_address=inp.consumer_address.strip(),
            consumer_id_no=id_no,
            is_joint=bool(parties),
            agent_name=agent,
            agent_phone=agent_phone,
            agent_authorised=bool(agent and inp.agent_authorised),
            amount=amount,
            demand=inp.demand.strip(),
            facts=facts,
            channel_code=inp.channel_code,
            category_code=inp.category_code,
            nature_code=inp.nature_code,
            handler_id=inp.handler_id,
            office_id=office_id,
            _business=business,
            consumer_is_representative=bool(parties) and inp.consumer_is_representative,
        )
        return values, parties, c

    # -- registration ------------------------------------------------------------------------
    def register(self, inp: ComplaintInput) -> ComplaintView:
        """Save a new complaint, allocate its case number and start the acceptance clock."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            return self._view(s, self.register_in(s, inp))

    def register_in(self, s: Session, inp: ComplaintInput) -> Complaint:
        """``register`` inside the caller's transaction (the station service registers a case
        settled at a station together with its settlement)."""
        actor = self.desk.require(Perm.EDIT_COMPLAINT)
        rules = self.rules()
        cal = self.desk.calendar.calendar()
        values, parties, c = self._validate(s, inp)
        c.raise_if_any()
        business = values.pop("_business")
        if business.id is None:
            s.add(business)
            s.flush()
        office = s.get(Office, values["office_id"])
        assert office is not None
        received: dt.datetime = values["received_at"]
        n = allocate_number(s, office.id, received.year, "case")
        comp = Complaint(
            case_no=f"{office.code}-{received.year}-{n:05d}",
            status=Status.REGISTERED.value,
            rule_version=rules.rule_version(received.date()),
            business_id=business.id,
            business_name=business.name,
            handler_id=values.pop("handler_id") or actor.user_id,
            **values,
        )
        due = acceptance_due(cal, received.date(), rules)
        comp.due_date, comp.due_kind, comp.due_provisional = due.date, "accept", due.provisional
        for p in parties:
            comp.parties.append(ComplaintParty(**p))
        comp.search_text = _search_text(comp, [p["name"] for p in parties])
        s.add(comp)
        s.flush()
        detail = f"登记投诉，{rules.rule_version(received.date())}版办法；受理决定期限 {due.date:%Y-%m-%d}"
        if comp.is_joint:
            detail += f"；共同投诉，共{len(parties) + 1}名投诉人"
        self._event(s, comp, "register", None, comp.status, received.date(), detail)
        return comp

    def update(self, complaint_id: int, started_from: ComplaintView, inp: ComplaintInput) -> ComplaintView:
        """Correct the registration details; refused if someone saved the case meanwhile."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            comp = self._get(s, complaint_id)
            if comp.version != started_from.version:
                check_version("投诉", started_from.version, comp, self._view(s, comp, log=False), started_from)
            if comp.status == Status.ARCHIVED:
                # The archived file (案卷) is final; corrections go through 重新打开 with a reason.
                raise DeskError(f"案件已归档（归档号 {comp.archive_no}），不能修改登记信息；如需更正，请由秘书长或管理员重新打开案件")
            values, parties, c = self._validate(s, inp, editing=comp)
            c.raise_if_any()
            business = values.pop("_business")
            if business.id is None:
                s.add(business)
                s.flush()
            if values["received_at"].date() != comp.received_date and comp.status != Status.REGISTERED:
                raise ValidationError({"received_at": "案件已受理，不能再修改收到日期"}, LABELS)
            if values["handler_id"] is None:
                values["handler_id"] = comp.handler_id
            for k, v in values.items():
                setattr(comp, k, v)
            # The rule version is the one in force on the receipt date, so a corrected receipt
            # date (only possible before acceptance) may move the case across 2026-04-15.
            comp.rule_version = self.rules().rule_version(comp.received_date)
            comp.business_id = business.id
            comp.business_name = business.name
            comp.parties.clear()
            for p in parties:
                comp.parties.append(ComplaintParty(**p))
            comp.search_text = _search_text(comp, [p["name"] for p in parties])
            self._recompute_due(s, comp)
            self._event(s, comp, "edit", comp.status, comp.status, clock.today(), "修改登记信息")
            s.flush()
            return self._view(s, comp)

    # -- workflow --------------------------------------------------------------------------
    def act(self, complaint_id: int, action: str, expected_version: int, inp: ActionInput | None = None) -> ComplaintView:
        """Take one workflow step (see desk.workflow.TRANSITIONS)."""
        self.desk.require_login()
        with self.desk.write() as s:
            return self._view(s, self.act_in(s, complaint_id, action, expected_version, inp))

    def act_in(self, s: Session, complaint_id: int, action: str, expected_version: int | None,
               inp: ActionInput | None = None) -> Complaint:
        """``act`` inside the caller's transaction, so a step and the record that goes with it
        (an agreement, a session's recusal pause) are saved together or not at all.
        ``expected_version`` None: the caller has checked the case's version itself."""
        actor = self.desk.require_login()
        inp = inp or ActionInput()
        rules = self.rules()
        comp = self._get(s, complaint_id)
        t = check_transition(comp.status, action, _perms(actor.role))
        if expected_version is not None and comp.version != expected_version:
            check_version("投诉", expected_version, comp, self._view(s, comp, log=False), None)
        on = inp.on or clock.today()
        c = Checker(LABELS)
        if on > clock.today():
            c.add("on", "不能晚于今天")
        elif on < comp.received_date:
            c.add("on", f"不能早于收到日期 {comp.received_date:%Y-%m-%d}")
        else:
            # A step dated before the step that made it possible (mediation ending before it
            # began, a pause before acceptance) would make every deadline after it wrong.
            prev = s.execute(
                select(ComplaintEvent.action, ComplaintEvent.event_date)
                .where(ComplaintEvent.complaint_id == comp.id, ComplaintEvent.from_status.is_not(None),
                       ComplaintEvent.from_status != ComplaintEvent.to_status)
                .order_by(ComplaintEvent.id.desc()).limit(1)
            ).first()
            if prev is not None and on < prev.event_date:
                c.add("on", f"不能早于上一步“{action_label(prev.action)}”的日期 {prev.event_date:%Y-%m-%d}")
        ground_name = ""
        if "ground" in t.needs:
            kind = "refusal_ground" if action == "refuse" else "termination_ground"
            names = self.vocab_names().get(kind, {})
            if not inp.ground_code:
                c.add("ground", "请选择" + ("不予受理" if action == "refuse" else "终止调解") + "的理由")
            elif inp.ground_code not in self._active_codes(s, kind):
                c.add("ground", "理由无效，请从列表中选择")
            else:
                ground_name = names.get(inp.ground_code, inp.ground_code)
        reason = inp.reason.strip()
        if "reason" in t.needs and not reason:
            c.add("reason", "请写明原因")
        department = inp.department.strip()
        if "department" in t.needs and not department:
            c.add("department", "请填写接收部门或机构")
        if inp.reply_due is not None and inp.reply_due < on:
            c.add("reply_due", "回复期限不能早于发出日期")
        c.raise_if_any()

        before = comp.status
        detail_parts: list[str] = []
        if action == "accept":
            comp.accepted_date = on
            if comp.handler_id is None:
                comp.handler_id = actor.user_id
        elif action == "refuse":
            comp.refusal_ground_code = inp.ground_code
            detail_parts.append(f"理由：{ground_name}")
        elif action == "start_mediation":
            comp.mediation_started_date = on
        elif action == "mediation_success":
            comp.mediation_ended_date = on
        elif action == "terminate":
            comp.termination_ground_code = inp.ground_code
            comp.mediation_ended_date = on
            # A reopened case terminated again needs a new notice to both parties.
            comp.termination_notified_date = None
            self._close_open_pause(s, comp, on)
            detail_parts.append(f"理由：{ground_name}")
        elif action == "notify_termination":
            comp.termination_notified_date = on
        elif action in ("transfer", "enforcement", "lawsuit", "arbitration"):
            due = inp.reply_due
            provisional = False
            if due is None and action in ("transfer", "enforcement"):
                r = referral_reply_due(self.desk.calendar.calendar(), on, action, rules)
                due, provisional = r.date, r.provisional
            kind = "transfer" if action == "transfer" else action
            s.add(Referral(complaint_id=comp.id, kind=kind, department=department, sent_date=on,
                           reply_due=due, reply_due_provisional=provisional, note=inp.detail.strip()))
            detail_parts.append(f"{REFERRAL_KINDS[kind]}至：{department}")
            if due:
                detail_parts.append(f"回复期限 {due:%Y-%m-%d}")
            if action != "enforcement":
                self._close_open_pause(s, comp, on)
        elif action == "withdraw":
            comp.result_summary = reason
            self._close_open_pause(s, comp, on)
        elif action == "pause":
            if comp.paused_since is not None:
                raise DeskError(f"案件自 {comp.paused_since:%Y-%m-%d} 起已暂停计时")
            s.add(ComplaintPause(complaint_id=comp.id, start=on, reason=reason))
            comp.paused_since = on
        elif action == "resume":
            if comp.paused_since is None:
                raise DeskError("案件没有暂停计时，无需恢复")
            if on < comp.paused_since:
                raise ValidationError({"on": f"不能早于暂停日期 {comp.paused_since:%Y-%m-%d}"}, LABELS)
            self._close_open_pause(s, comp, on)
        elif action == "close":
            comp.closed_date = on
            if inp.detail.strip():
                comp.result_summary = inp.detail.strip()
        elif action == "archive":
            if not comp.archive_no:
                office = s.get(Office, comp.office_id)
                assert office is not None
                n = allocate_number(s, office.id, on.year, "archive")
                comp.archive_no = f"{office.code}-GD-{on.year}-{n:05d}"
            detail_parts.append(f"归档号 {comp.archive_no}")
        elif action == "reopen":
            comp.closed_date = None
            if comp.accepted_date is None:
                # A refused, withdrawn or referred-before-acceptance case is accepted now;
                # without the date it would have no mediation deadline at all.
                comp.accepted_date = on
        if reason and action != "withdraw":
            detail_parts.append(f"原因：{reason}")
        elif reason:
            detail_parts.append(reason)
        if inp.detail.strip() and action not in ("transfer", "enforcement", "lawsuit", "arbitration"):
            detail_parts.append(inp.detail.strip())
            if action == "mediation_success":
                comp.result_summary = inp.detail.strip()
        if t.target is not None:
            comp.status = t.target
            if t.target not in (Status.ACCEPTED, Status.MEDIATING):
                # The mediation clock no longer runs: an open pause ends with the step, or
                # the case would show "计时暂停" for ever.
                self._close_open_pause(s, comp, on)
        self._recompute_due(s, comp)
        # The case's outcome record (desk.mediation_stats counts resolved cases from it)
        # follows every step that makes or unmakes a resolution.
        from desk.services.mediation import sync_outcome

        sync_outcome(s, comp, action, on)
        s.flush()
        self._event(s, comp, action, before, comp.status, on, "；".join(detail_parts))
        return comp

    def record_referral_reply(self, referral_id: int, expected_version: int, replied_on: dt.date, text: str) -> ReferralView:
        self.desk.require(Perm.EDIT_COMPLAINT)
        c = Checker({"replied_on": "回复日期", "text": "回复内容"})
        if replied_on > clock.today():
            c.add("replied_on", "不能晚于今天")
        if not text.strip():
            c.add("text", "请填写回复内容")
        c.raise_if_any()
        with self.desk.write() as s:
            r = s.get(Referral, referral_id)
            if r is None:
                raise NotFound("找不到该转办记录")
            if replied_on < r.sent_date:
                raise ValidationError({"replied_on": f"不能早于发出日期 {r.sent_date:%Y-%m-%d}"}, {"replied_on": "回复日期"})
            if r.version != expected_version:
                current = self._referral_view(r)
                changed = {"replied_date": (None, current.replied_date), "reply_text": ("", current.reply_text)} if current.replied_date else {}
                raise ConflictError("该转办记录在您编辑期间已被其他用户修改，您的回复尚未保存。", current=current, changed=changed)
            r.replied_date = replied_on
            r.reply_text = text.strip()
            comp = self._get(s, r.complaint_id)
            s.flush()
            self._event(s, comp, "referral_reply", comp.status, comp.status, replied_on, f"{r.department}：{text.strip()[:200]}")
            return self._referral_view(r)

    def _close_open_pause(self, s: Session, comp: Complaint, on: dt.date) -> None:
        if comp.paused_since is None:
            return
        for p in s.scalars(select(ComplaintPause).where(ComplaintPause.complaint_id == comp.id, ComplaintPause.end.is_(None))):
            p.end = max(on, p.start)
        comp.paused_since = None

    def _recompute_due(self, s: Session, comp: Complaint) -> None:
        s.flush()
        pauses = [(p.start, p.end) for p in s.scalars(select(ComplaintPause).where(ComplaintPause.complaint_id == comp.id))]
        performance: tuple[dt.date | None, dt.date | None] = (None, None)
        if comp.status == Status.MEDIATED.value:
            from desk.models.mediation import MediationOutcome

            row = s.execute(select(MediationOutcome.performance_due, MediationOutcome.performed_date)
                            .where(MediationOutcome.complaint_id == comp.id)).first()
            if row is not None:
                performance = (row[0], row[1])
        self._apply_due(comp, pauses, self.desk.calendar.calendar(), self.rules(), performance)

    def refresh_due(self, s: Session, complaint_id: int) -> None:
        """Recompute one case's stored deadline inside the caller's transaction (the mediation
        service calls it when an agreement's performance date or confirmation changes)."""
        self._recompute_due(s, self._get(s, complaint_id))

    @staticmethod
    def _apply_due(comp: Complaint, pauses: Sequence[tuple[dt.date, dt.date | None]], cal: WorkCalendar, rules: DeadlineRules,
                   performance: tuple[dt.date | None, dt.date | None] = (None, None)) -> bool:
        """Store the case's current deadline; True if it changed."""
        due = current_due(
            cal,
            status=comp.status,
            rule_version=comp.rule_version,
            received_date=comp.received_date,
            accepted_date=comp.accepted_date,
            mediation_ended_date=comp.mediation_ended_date,
            termination_notified_date=comp.termination_notified_date,
            pauses=pauses,
            rules=rules,
            performance_due=performance[0],
            performed=performance[1] is not None,
        )
        if (comp.due_kind, comp.due_date, bool(comp.due_provisional)) == (due.kind, due.date, due.provisional):
            return False
        comp.due_kind = due.kind
        comp.due_date = due.date
        comp.due_provisional = due.provisional
        return True

    def recompute_due_dates(self) -> int:
        """Recompute the stored deadlines after the holiday calendar changed (an override
        entered, or a chinese_calendar release covering a new year): every case still waiting
        for a step, and every unanswered referral whose reply date was computed provisionally.
        Deadlines are stored so the worklist and the overdue filter stay one indexed
        comparison; without this they kept the old dates (and the 暂定 mark) until each case's
        next step. Uses the current deadline settings, as every step does. Returns how many
        cases and referrals changed."""
        self.desk.require_login()
        self.desk.calendar.invalidate()
        cal = self.desk.calendar.calendar()
        rules = self.rules()
        waiting = [Status.REGISTERED.value, Status.ACCEPTED.value, Status.MEDIATING.value, Status.TERMINATED.value]
        for attempt in range(3):
            try:
                with self.desk.write() as s:
                    changed = 0
                    pauses: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
                    q = (select(ComplaintPause.complaint_id, ComplaintPause.start, ComplaintPause.end)
                         .join(Complaint, Complaint.id == ComplaintPause.complaint_id).where(Complaint.status.in_(waiting)))
                    for cid, start, end in s.execute(q):
                        pauses.setdefault(cid, []).append((start, end))
                    # Compute from plain columns, many cases share their dates (memo), and
                    # load as ORM objects (audited, versioned) only the cases that change.
                    cols = (Complaint.id, Complaint.status, Complaint.rule_version, Complaint.received_date,
                            Complaint.accepted_date, Complaint.mediation_ended_date, Complaint.termination_notified_date,
                            Complaint.due_kind, Complaint.due_date, Complaint.due_provisional, Complaint.version)
                    memo: dict[tuple, CurrentDue] = {}
                    new_due: dict[int, tuple[int, CurrentDue]] = {}
                    for r in s.execute(select(*cols).where(Complaint.status.in_(waiting))):
                        p = tuple(pauses.get(r.id, ()))
                        key = (r.status, r.rule_version, r.received_date, r.accepted_date, r.mediation_ended_date,
                               r.termination_notified_date, p)
                        due = memo.get(key)
                        if due is None:
                            due = memo[key] = current_due(
                                cal, status=r.status, rule_version=r.rule_version, received_date=r.received_date,
                                accepted_date=r.accepted_date, mediation_ended_date=r.mediation_ended_date,
                                termination_notified_date=r.termination_notified_date, pauses=p, rules=rules)
                        if (r.due_kind, r.due_date, bool(r.due_provisional)) != (due.kind, due.date, due.provisional):
                            new_due[r.id] = (r.version, due)
                    ids = list(new_due)
                    for i in range(0, len(ids), 500):
                        for comp in s.scalars(select(Complaint).where(Complaint.id.in_(ids[i:i + 500]))):
                            version, due = new_due[comp.id]
                            if comp.version != version:
                                continue  # a step saved meanwhile has recomputed it already
                            comp.due_kind, comp.due_date, comp.due_provisional = due.kind, due.date, due.provisional
                            changed += 1
                        s.flush()
                    for r in s.scalars(select(Referral).where(
                        Referral.replied_date.is_(None), Referral.reply_due_provisional.is_(True),
                        Referral.kind.in_(("transfer", "enforcement")),
                    )):
                        due = referral_reply_due(cal, r.sent_date, r.kind, rules)
                        if (r.reply_due, r.reply_due_provisional) != (due.date, due.provisional):
                            r.reply_due, r.reply_due_provisional = due.date, due.provisional
                            changed += 1
                    s.flush()
                return changed
            except ConflictError:
                # Someone saved one of these cases meanwhile; their step recomputed it, so
                # start again from the fresh rows.
                if attempt == 2:
                    raise
        return 0

    def _event(self, s: Session, comp: Complaint, action: str, before: str | None, after: str | None, on: dt.date, detail: str) -> None:
        a = self.desk.actor
        s.add(ComplaintEvent(
            complaint_id=comp.id, event_date=on, user_id=a.user_id if a else None, username=a.display_name if a else "system",
            action=action, from_status=before, to_status=after, detail=detail,
        ))

    def record_document(self, complaint_id: int, label: str, filename: str) -> None:
        """A Word document was made for the case: put it on the timeline (the case file lists
        the documents from there) and log the export of personal data, in one transaction."""
        self.desk.require(Perm.VIEW_PERSONAL)
        with self.desk.write() as s:
            comp = self._get(s, complaint_id)
            self._event(s, comp, "document", comp.status, comp.status, clock.today(), f"{label}（{filename}）")
            log_access(s, "export", "complaint", str(comp.id), {"case_no": comp.case_no, "document": label, "file": filename})

    # -- reading -----------------------------------------------------------------------------
    def _get(self, s: Session, complaint_id: int) -> Complaint:
        comp = s.get(Complaint, complaint_id)
        if comp is None:
            raise NotFound("找不到该投诉案件")
        return comp

    def get(self, complaint_id: int) -> ComplaintView:
        """The case with its parties, referrals, pauses and attachments. Reading unmasked
        personal data is logged (PIPL Art. 51)."""
        self.desk.require_login()
        if self.desk.can(Perm.VIEW_PERSONAL):
            with self.desk.write() as s:
                return self._view(s, self._get(s, complaint_id), log=True)
        with self.desk.read() as s:
            return self._view(s, self._get(s, complaint_id), log=False)

    def _referral_view(self, r: Referral) -> ReferralView:
        return ReferralView(r.id, r.kind, REFERRAL_KINDS.get(r.kind, r.kind), r.department, r.sent_date, r.reply_due,
                            r.reply_due_provisional, r.replied_date, r.reply_text, r.version)

    def _view(self, s: Session, comp: Complaint, *, log: bool = False) -> ComplaintView:
        names = self.vocab_names()
        show = self.desk.can(Perm.VIEW_PERSONAL)
        office = s.get(Office, comp.office_id)
        handler = s.get(User, comp.handler_id) if comp.handler_id else None
        business = s.get(Business, comp.business_id) if comp.business_id else None
        if log and show:
            log_access(s, "view", "complaint", str(comp.id), {"case_no": comp.case_no})
        parties = tuple(
            PartyView(p.id, p.name if show else mask_name(p.name), p.phone if show else mask_phone(p.phone),
                      p.address if show else "", p.id_no if show else mask_id(p.id_no) if p.id_no else None, p.is_representative)
            for p in comp.parties
        )
        referrals = tuple(self._referral_view(r) for r in s.scalars(select(Referral).where(Referral.complaint_id == comp.id).order_by(Referral.id)))
        pauses = tuple(PauseView(p.id, p.start, p.end, p.reason) for p in s.scalars(select(ComplaintPause).where(ComplaintPause.complaint_id == comp.id).order_by(ComplaintPause.id)))
        attachments = tuple(
            AttachmentView(a.id, a.filename, a.size, a.sha256, a.uploaded_at, a.uploaded_by)
            for a in s.scalars(select(Attachment).where(Attachment.complaint_id == comp.id).order_by(Attachment.id))
        )
        return ComplaintView(
            id=comp.id, case_no=comp.case_no, office_id=comp.office_id, office_code=office.code if office else "",
            status=comp.status, status_label=status_label(comp.status), rule_version=comp.rule_version,
            received_at=comp.received_at, channel_code=comp.channel_code,
            channel_name=names.get("channel", {}).get(comp.channel_code, comp.channel_code),
            category_code=comp.category_code, category_name=names.get("category", {}).get(comp.category_code, comp.category_code),
            nature_code=comp.nature_code, nature_name=names.get("nature", {}).get(comp.nature_code, comp.nature_code),
            business_id=comp.business_id, business_name=comp.business_name,
            business_credit_code=business.credit_code if business else None,
            business_address=business.address if business else "",
            consumer_name=comp.consumer_name if show else mask_name(comp.consumer_name),
            consumer_phone=comp.consumer_phone if show else mask_phone(comp.consumer_phone),
            consumer_address=comp.consumer_address if show else "",
            consumer_id_no=(comp.consumer_id_no if show else mask_id(comp.consumer_id_no)) if comp.consumer_id_no else None,
            is_joint=comp.is_joint, consumer_is_representative=comp.consumer_is_representative,
            agent_name=comp.agent_name if show else mask_name(comp.agent_name) if comp.agent_name else "",
            agent_phone=comp.agent_phone if show else mask_phone(comp.agent_phone) if comp.agent_phone else "",
            agent_authorised=comp.agent_authorised, amount=comp.amount, demand=comp.demand, facts=comp.facts,
            handler_id=comp.handler_id, handler_name=handler.display_name if handler else "",
            accepted_date=comp.accepted_date, refusal_ground_code=comp.refusal_ground_code,
            refusal_ground_name=names.get("refusal_ground", {}).get(comp.refusal_ground_code or "", ""),
            mediation_started_date=comp.mediation_started_date, mediation_ended_date=comp.mediation_ended_date,
            termination_ground_code=comp.termination_ground_code,
            termination_ground_name=names.get("termination_ground", {}).get(comp.termination_ground_code or "", ""),
            termination_notified_date=comp.termination_notified_date, closed_date=comp.closed_date,
            archive_no=comp.archive_no, result_summary=comp.result_summary, paused_since=comp.paused_since,
            due_date=comp.due_date, due_kind=comp.due_kind, due_provisional=comp.due_provisional,
            masked=not show, version=comp.version, parties=parties, referrals=referrals, pauses=pauses,
            attachments=attachments,
        )

    def timeline(self, complaint_id: int) -> list[EventView]:
        self.desk.require_login()
        with self.desk.read() as s:
            self._get(s, complaint_id)
            q = select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id).order_by(ComplaintEvent.at, ComplaintEvent.id)
            return [
                EventView(e.id, e.at, e.event_date, e.username, e.action, action_label(e.action), e.from_status, e.to_status, e.detail)
                for e in s.scalars(q)
            ]

    def actions_for(self, view: ComplaintView) -> list[tuple[str, str, tuple[str, ...]]]:
        """(action, label, needs) the current user may take on the case now."""
        actor = self.desk.actor
        if actor is None:
            return []
        out = []
        for t in available_actions(view.status, _perms(actor.role)):
            # Offer only the steps the case's clock allows: act() would refuse the others.
            if (t.action == "pause" and view.paused_since) or (t.action == "resume" and not view.paused_since):
                continue
            out.append((t.action, t.label, t.needs))
        return out

    # -- the case list -------------------------------------------------------------------------
    def _filtered(self, q: Select, f: ComplaintFilter) -> Select:
        conds = []
        if f.keyword.strip():
            pattern = like_pattern(f.keyword)
            if self.desk.can(Perm.VIEW_PERSONAL):
                conds.append(Complaint.search_text.like(pattern, escape=ESCAPE))
            else:
                # Masked readers may not probe personal data: typing a full phone number or a
                # name must not reveal whether that consumer complained.
                conds.append(or_(Complaint.case_no.like(pattern.upper(), escape=ESCAPE),
                                 Complaint.business_name.like(pattern, escape=ESCAPE),
                                 Complaint.facts.like(pattern, escape=ESCAPE)))
        if f.statuses:
            conds.append(Complaint.status.in_(f.statuses))
        if f.open_only:
            conds.append(Complaint.status.in_([s.value for s in OPEN_STATUSES]))
        if f.date_from:
            conds.append(Complaint.received_at >= dt.datetime.combine(f.date_from, dt.time.min))
        if f.date_to:
            conds.append(Complaint.received_at < dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min))
        if f.office_id is not None:
            conds.append(Complaint.office_id == f.office_id)
        if f.handler_id is not None:
            conds.append(Complaint.handler_id == f.handler_id)
        if f.category_code:
            conds.append(or_(Complaint.category_code == f.category_code, Complaint.category_code.like(f.category_code + "%")))
        if f.nature_code:
            conds.append(Complaint.nature_code == f.nature_code)
        if f.channel_code:
            conds.append(Complaint.channel_code == f.channel_code)
        if f.business_id is not None:
            conds.append(Complaint.business_id == f.business_id)
        if f.overdue:
            conds.append(and_(Complaint.due_date.is_not(None), Complaint.due_date < clock.today()))
        return q.where(*conds) if conds else q

    def query_ids(self, f: ComplaintFilter = ComplaintFilter(), sort: str = "received_at", descending: bool = True) -> list[int]:
        """Ids of the matching cases in display order; rows are fetched per page with rows()."""
        self.desk.require_login()
        q = self._filtered(select(Complaint.id), f).order_by(*_order(sort, descending))
        with self.desk.read() as s:
            return list(s.scalars(q))

    def first_page(self, f: ComplaintFilter = ComplaintFilter(), sort: str = "received_at", descending: bool = True, limit: int = 100) -> list[ComplaintRow]:
        """The first rows of a search directly (LIMIT), for showing results before all ids arrive."""
        self.desk.require_login()
        q = self._filtered(select(Complaint.id), f).order_by(*_order(sort, descending)).limit(limit)
        with self.desk.read() as s:
            ids = list(s.scalars(q))
        return self.rows(ids)

    def count(self, f: ComplaintFilter = ComplaintFilter()) -> int:
        self.desk.require_login()
        with self.desk.read() as s:
            return s.scalar(self._filtered(select(func.count(Complaint.id)), f)) or 0

    def rows(self, ids: Sequence[int]) -> list[ComplaintRow]:
        """The list rows for ``ids``, in that order; personal data masked unless the role allows."""
        self.desk.require_login()
        if not ids:
            return []
        names = self.vocab_names()
        show = self.desk.can(Perm.VIEW_PERSONAL)
        cols = (
            Complaint.id, Complaint.case_no, Complaint.status, Complaint.received_at, Complaint.consumer_name,
            Complaint.consumer_phone, Complaint.business_name, Complaint.category_code, Complaint.nature_code,
            Complaint.channel_code, Complaint.amount, Complaint.handler_id, Complaint.office_id, Complaint.due_date,
            Complaint.due_kind, Complaint.due_provisional, Complaint.paused_since,
        )
        with self.desk.read() as s:
            found = {r.id: r for r in s.execute(select(*cols).where(Complaint.id.in_(list(ids))))}
            users = self._user_names(s)
            offices = self._office_codes(s)
        out = []
        for i in ids:
            r = found.get(i)
            if r is None:
                continue
            out.append(ComplaintRow(
                id=r.id, case_no=r.case_no, status=r.status, status_label=status_label(r.status), received_at=r.received_at,
                consumer_name=r.consumer_name if show else mask_name(r.consumer_name),
                consumer_phone=r.consumer_phone if show else mask_phone(r.consumer_phone),
                business_name=r.business_name,
                category_name=names.get("category", {}).get(r.category_code, r.category_code),
                nature_name=names.get("nature", {}).get(r.nature_code, r.nature_code),
                channel_name=names.get("channel", {}).get(r.channel_code, r.channel_code),
                amount=r.amount, handler_name=users.get(r.handler_id, "") if r.handler_id else "",
                office_code=offices.get(r.office_id, ""), due_date=r.due_date, due_kind=r.due_kind,
                due_provisional=bool(r.due_provisional), paused=r.paused_since is not None,
            ))
        return out

    _users_cache: tuple[float, dict[int, str]] | None = None
    _offices_cache: tuple[float, dict[int, str]] | None = None

    def _user_names(self, s: Session) -> dict[int, str]:
        c = self._users_cache
        if c and time.monotonic() - c[0] < 30:
            return c[1]
        names = {r[0]: r[1] for r in s.execute(select(User.id, User.display_name))}
        self._users_cache = (time.monotonic(), names)
        return names

    def _office_codes(self, s: Session) -> dict[int, str]:
        c = self._offices_cache
        if c and time.monotonic() - c[0] < 30:
            return c[1]
        codes = {r[0]: r[1] for r in s.execute(select(Office.id, Office.code))}
        self._offices_cache = (time.monotonic(), codes)
        return codes

    # -- checks while registering -----------------------------------------------------------------
    def intake_warnings(self, inp: ComplaintInput, *, exclude_id: int | None = None) -> list[IntakeWarning]:
        """Signals worth a look while registering; they inform and never block (Art. 17)."""
        self.desk.require_login()
        out: list[IntakeWarning] = []
        try:
            phone = mobile_or_landline(inp.consumer_phone) if inp.consumer_phone.strip() else ""
        except FieldError:
            phone = ""
        received = (inp.received_at or clock.now()).date()
        not_self = Complaint.id != (exclude_id or -1)
        # Within 90 days either side: a complaint entered late (received long ago) is compared
        # with its own time, not with everything since.
        profit_window = dt.timedelta(days=PROFIT_WINDOW_DAYS)
        near_in_time = (Complaint.received_date >= received - profit_window, Complaint.received_date <= received + profit_window)
        with self.desk.read() as s:
            if phone:
                rows = s.execute(
                    select(Complaint.case_no, Complaint.status).where(
                        Complaint.consumer_phone == phone, Complaint.status.in_([x.value for x in OPEN_STATUSES]), not_self
                    ).limit(5)
                ).all()
                if rows:
                    cases = "、".join(f"{r.case_no}（{status_label(r.status)}）" for r in rows)
                    out.append(IntakeWarning("open_same_phone", f"该电话已有未办结的投诉：{cases}。请核实是否重复投诉。", tuple(r.case_no for r in rows)))
                recent = s.execute(
                    select(Complaint.case_no, Complaint.consumer_name).where(
                        Complaint.consumer_phone == phone, *near_in_time, not_self
                    ).order_by(Complaint.received_date, Complaint.id)
                ).all()
                names = {r.consumer_name for r in recent} | {inp.consumer_name.strip()}
                if len(recent) + 1 >= PROFIT_THRESHOLD:
                    out.append(IntakeWarning(
                        "profit_seeking",
                        f"该电话{PROFIT_WINDOW_DAYS}天内已有{len(recent)}件投诉，请留意是否存在以牟利为目的的投诉（《办法》第十七条），但不得仅凭此不予受理。",
                        tuple(r.case_no for r in recent)))
                elif len(names) > 1 and recent:
                    out.append(IntakeWarning(
                        "profit_seeking", "多名投诉人使用同一联系电话，请核实身份（《办法》第十七条）。", tuple(r.case_no for r in recent)))
            address = normalise_search_text(inp.consumer_address)
            if len(address) >= 6:
                recent = s.execute(
                    select(Complaint.case_no, Complaint.consumer_name, Complaint.consumer_address).where(
                        Complaint.consumer_address == inp.consumer_address.strip(), *near_in_time, not_self
                    ).order_by(Complaint.received_date, Complaint.id)
                ).all()
                names = {r.consumer_name for r in recent} | {inp.consumer_name.strip()}
                if len(recent) + 1 >= PROFIT_THRESHOLD and len(names) > 1:
                    out.append(IntakeWarning(
                        "profit_seeking", f"同一地址{PROFIT_WINDOW_DAYS}天内有{len(recent)}件不同投诉人的投诉，请核实（《办法》第十七条）。",
                        tuple(r.case_no for r in recent)))
            if inp.business_id is not None and inp.category_code:
                # Any 30-day span holding this complaint and two others: also a case entered
                # late (a letter received before the others) completes a group.
                window = dt.timedelta(days=GROUP_WINDOW_DAYS)
                near = s.execute(
                    select(Complaint.case_no, Complaint.received_date).where(
                        Complaint.business_id == inp.business_id, Complaint.category_code == inp.category_code,
                        Complaint.received_date >= received - window, Complaint.received_date <= received + window, not_self,
                    ).order_by(Complaint.received_date, Complaint.id)
                ).all()
                best: list = []
                for start in [received] + [r.received_date for r in near if r.received_date < received]:
                    inside = [r for r in near if start <= r.received_date <= start + window]
                    if len(inside) > len(best):
                        best = inside
                if len(best) + 1 >= GROUP_THRESHOLD:
                    out.append(IntakeWarning(
                        "group", f"{GROUP_WINDOW_DAYS}天内该经营者同类投诉已有{len(best)}件，可能是群体性投诉，请考虑合并处理或按共同投诉办理。",
                        tuple(r.case_no for r in best)))
        return out

    # -- worklist -------------------------------------------------------------------------------------
    def worklist(self, *, limit: int = 200) -> Worklist:
        actor = self.desk.require_login()
        today = clock.today()
        cal = self.desk.calendar.calendar()
        soon = cal.add_working_days(today, self.rules().due_soon_working_days)
        show = self.desk.can(Perm.VIEW_PERSONAL)
        cols = (Complaint.id, Complaint.case_no, Complaint.consumer_name, Complaint.business_name, Complaint.status,
                Complaint.due_kind, Complaint.due_date, Complaint.due_provisional, Complaint.handler_id, Complaint.paused_since)

        with self.desk.read() as s:
            users = self._user_names(s)

            def items(q: Select) -> tuple[WorkItem, ...]:
                return tuple(
                    WorkItem(
                        r.id, r.case_no, r.consumer_name if show else mask_name(r.consumer_name), r.business_name,
                        status_label(r.status),
                        "计时暂停" if r.paused_since else DUE_KIND_LABELS.get(r.due_kind or "", ""),
                        r.due_date, bool(r.due_provisional), users.get(r.handler_id, "") if r.handler_id else "",
                    )
                    for r in s.execute(q.limit(limit))
                )

            # Performance of agreements is the mediation worklist's item (desk.mediation.worklist).
            procedural = Complaint.due_kind != "performance"
            overdue = items(select(*cols).where(Complaint.due_date < today, procedural).order_by(Complaint.due_date, Complaint.id))
            due_soon = items(select(*cols).where(Complaint.due_date >= today, Complaint.due_date <= soon.date, procedural)
                             .order_by(Complaint.due_date, Complaint.id))
            mine = items(select(*cols).where(Complaint.handler_id == actor.user_id, Complaint.status.in_([x.value for x in OPEN_STATUSES]))
                         .order_by(Complaint.due_date.is_(None), Complaint.due_date, Complaint.id))
            ref_rows = s.execute(
                select(Referral.department, Referral.reply_due, Referral.reply_due_provisional, Referral.kind, *cols)
                .join(Complaint, Complaint.id == Referral.complaint_id)
                .where(Referral.replied_date.is_(None), Referral.reply_due < today)
                .order_by(Referral.reply_due).limit(limit)
            ).all()
            referrals = tuple(
                WorkItem(r.id, r.case_no, r.consumer_name if show else mask_name(r.consumer_name), r.business_name,
                         status_label(r.status), f"{REFERRAL_KINDS.get(r.kind, r.kind)}回复（{r.department}）", r.reply_due,
                         bool(r.reply_due_provisional), users.get(r.handler_id, "") if r.handler_id else "")
                for r in ref_rows
            )
        provisional_years = tuple(sorted({i.due_date.year for i in overdue + due_soon + mine if i.provisional and i.due_date}))
        return Worklist(overdue, due_soon, mine, referrals, provisional_years)

    # -- attachments ---------------------------------------------------------------------------------
    def add_attachment(self, complaint_id: int, filename: str, data: bytes, note: str = "") -> AttachmentView:
        """Store an evidence file in the database with its SHA-256 (20 MB at most)."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        name = os.path.basename(filename.replace("\\", "/")).strip() or "附件"
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"file": f"“{name}”大小为 {len(data) / 1024 / 1024:.1f} MB，超过 20 MB 的上限，未保存"}, LABELS)
        if len(name) > 255:
            name = name[-255:]
        digest = hashlib.sha256(data).hexdigest()
        with self.desk.write() as s:
            comp = self._get(s, complaint_id)
            a = Attachment(complaint_id=comp.id, filename=name, size=len(data), sha256=digest, content=data, note=note.strip()[:200],
                           uploaded_by=self.desk.actor.display_name if self.desk.actor else "system")
            s.add(a)
            s.flush()
            self._event(s, comp, "attachment", comp.status, comp.status, clock.today(), f"{name}（{len(data)} 字节，SHA-256 {digest[:12]}…）")
            return AttachmentView(a.id, a.filename, a.size, a.sha256, a.uploaded_at, a.uploaded_by)

    def add_attachment_file(self, complaint_id: int, path: str | Path, note: str = "") -> AttachmentView:
        p = Path(path)
        try:
            if p.is_dir():
                raise IsADirectoryError(path)
            size = p.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                raise ValidationError({"file": f"“{p.name}”大小为 {size / 1024 / 1024:.1f} MB，超过 20 MB 的上限，未保存"}, LABELS)
            data = p.read_bytes()
        except OSError as exc:
            raise ValidationError({"file": _read_problem(p, exc)}, LABELS) from None
        return self.add_attachment(complaint_id, p.name, data, note)

    def attachment_content(self, attachment_id: int) -> tuple[str, bytes]:
        self.desk.require(Perm.VIEW_PERSONAL)
        with self.desk.write() as s:
            a = s.get(Attachment, attachment_id)
            if a is None:
                raise NotFound("找不到该附件")
            log_access(s, "view", "attachment", str(a.id), {"filename": a.filename})
            return a.filename, a.content

    def remove_attachment(self, attachment_id: int) -> None:
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            a = s.get(Attachment, attachment_id)
            if a is None:
                return
            comp = self._get(s, a.complaint_id)
            self._event(s, comp, "attachment_removed", comp.status, comp.status, clock.today(), a.filename)
            s.delete(a)
