"""Mediation of a complaint: sessions (调解笔录), the outcome with its agreement, amounts and
performance, signed scans, the 调解 module's case lists and worklist.

Every method is one unit of work. Steps of the complaint workflow that go with a mediation
record (开始调解 when the first session is held, 暂停/恢复计时 for a recusal request, 调解成功
with its agreement, 终止调解 T01 for a self-settlement) are taken through
``desk.complaints.act_in`` in the same transaction, so a record and its step are saved together
or not at all. ``sync_outcome`` keeps the outcome row in step with steps taken elsewhere (the
case view's plain buttons): desk.mediation_stats counts resolved cases from that row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from desk import clock
from desk.errors import DeskError, NotFound, ValidationError
from desk.mediation_stats import BREAKDOWN_FIELDS, RESOLVED_RESULTS
from desk.models import Attachment, Complaint, ComplaintEvent, ComplaintPause, Office, User
from desk.models.mediation import MediationMediator, MediationOutcome, MediationSession, ReconciliationStation
from desk.roles import Perm
from desk.services.base import Checker, Service, check_version
from desk.validators import FieldError, mask_name, money
from desk.workflow import Status, status_label

# -- vocabularies (fixed code lists; statistics key on the codes) ------------------------------

METHODS: dict[str, str] = {"onsite": "现场", "phone": "电话", "video": "视频", "online": "网络"}
SESSION_RESULTS: dict[str, str] = {
    "pending": "已安排，尚未调解",
    "agreed": "达成调解协议",
    "partial": "部分达成一致",
    "not_agreed": "未达成协议",
    "adjourned": "休会，择期再调",
}
RECUSAL_DECISIONS: dict[str, str] = {
    "granted": "准予回避，更换调解员",
    "rejected": "驳回回避申请",
    "withdrawn": "申请人撤回回避申请",
}
OUTCOME_RESULTS: dict[str, str] = {
    "mediated": "调解成功",
    "station": "和解站和解",
    "self_settled": "双方自行和解",
    "failed": "调解失败（终止调解）",
    "withdrawn": "撤回投诉",
}
STATION_STATUSES: dict[str, str] = {"active": "运行", "suspended": "暂停", "revoked": "撤销"}
MEDIATOR_KINDS: dict[str, str] = {"staff": "本会工作人员", "expert": "消费争议人民调解委员会专家"}
EXPERT_AFFILIATION = "消费争议人民调解委员会"
SELF_SETTLED_GROUND = "T01"  # 投诉人撤回投诉或者双方自行和解
SIGNED_AGREEMENT_NOTE = "已签署调解书"
SIGNED_SESSION_NOTE = "已签署调解笔录"
MAX_TEXT = 10000

SESSION_LABELS: dict[str, str] = {
    "method": "调解方式",
    "started_at": "调解时间",
    "ended_at": "结束时间",
    "place": "地点",
    "mediators": "调解员",
    "recorder_name": "记录人",
    "consumer_attendees": "投诉方到场人员",
    "consumer_agent": "投诉方代理人",
    "business_attendees": "被投诉方到场人员",
    "business_agent": "被投诉方代理人",
    "recusal_requested": "申请回避",
    "recusal_request": "回避申请",
    "recusal_decision": "回避决定",
    "recusal_decided_date": "决定日期",
    "consumer_statement": "投诉方陈述",
    "business_statement": "被投诉方陈述",
    "evidence_shown": "出示证据",
    "result": "调解结果",
    "result_detail": "结果说明",
    "note": "备注",
}

OUTCOME_LABELS: dict[str, str] = {
    "result": "调解结果",
    "on": "解决日期",
    "station_id": "和解站",
    "agreement_date": "调解书日期",
    "facts": "纠纷事实",
    "disputes": "争议事项",
    "responsibility": "各方责任",
    "terms": "协议内容",
    "performance_method": "履行方式",
    "performance_place": "履行地点",
    "performance_due": "履行期限",
    "performed_date": "履行日期",
    "recovered_total": "挽回经济损失",
    "refund_amount": "退款",
    "exchange_amount": "换货",
    "repair_amount": "维修",
    "compensation_amount": "赔偿",
    "other_amount": "其他",
    "breakdown": "分项",
    "price_paid": "商品价款或服务费用",
    "punitive_amount": "加倍赔偿金额",
    "other_comp_basis": "其他赔偿依据",
    "other_comp_amount": "其他赔偿金额",
    "note": "备注",
}

_FEN = Decimal("0.01")


# -- calculators ----------------------------------------------------------------------------------


def punitive_compensation(price: Decimal) -> Decimal:
    """消法第五十五条: 增加赔偿的金额为消费者购买商品的价款或者接受服务的费用的三倍；增加赔偿的
    金额不足五百元的，为五百元。= max(3 × price, 500), in yuan to the fen."""
    price = Decimal(price)
    if price < 0:
        raise ValueError("price must not be negative")
    return max(price * 3, Decimal(500)).quantize(_FEN, rounding=ROUND_HALF_UP)


def food_safety_compensation(price: Decimal, loss: Decimal = Decimal(0)) -> Decimal:
    """食品安全法第一百四十八条: 价款十倍或者损失三倍的赔偿金；增加赔偿的金额不足一千元的，为
    一千元。= max(10 × price, 3 × loss, 1000)."""
    price, loss = Decimal(price), Decimal(loss)
    if price < 0 or loss < 0:
        raise ValueError("amounts must not be negative")
    return max(price * 10, loss * 3, Decimal(1000)).quantize(_FEN, rounding=ROUND_HALF_UP)


# -- inputs and views ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MediatorInput:
    name: str = ""
    kind: str = "expert"  # staff (a user of the program) | expert (by name)
    user_id: int | None = None
    affiliation: str = ""


@dataclass(frozen=True)
class SessionInput:
    method: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    place: str = ""
    mediators: tuple[MediatorInput, ...] = ()
    recorder_user_id: int | None = None
    recorder_name: str = ""
    consumer_attendees: str = ""
    consumer_agent: str = ""
    business_attendees: str = ""
    business_agent: str = ""
    identity_checked: bool = False
    rights_explained: bool = False
    recusal_explained: bool = False
    recusal_requested: bool = False
    recusal_request: str = ""
    recusal_decision: str = ""
    recusal_decided_date: dt.date | None = None
    consumer_statement: str = ""
    business_statement: str = ""
    evidence_shown: str = ""
    result: str = "pending"
    result_detail: str = ""
    note: str = ""


@dataclass(frozen=True)
class MediatorView:
    kind: str
    user_id: int | None
    name: str
    affiliation: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.affiliation}）" if self.affiliation else self.name


@dataclass(frozen=True)
class SessionView:
    id: int
    complaint_id: int
    seq_no: int  # creation number, stable
    ordinal: int  # 第N次 in time order
    method: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    place: str
    mediators: tuple[MediatorView, ...]
    recorder_user_id: int | None
    recorder_name: str
    consumer_attendees: str
    consumer_agent: str
    business_attendees: str
    business_agent: str
    identity_checked: bool
    rights_explained: bool
    recusal_explained: bool
    recusal_requested: bool
    recusal_request: str
    recusal_decision: str
    recusal_decided_date: dt.date | None
    recusal_paused: bool  # the case's clock is stopped for this request
    consumer_statement: str
    business_statement: str
    evidence_shown: str
    result: str
    result_detail: str
    note: str
    masked: bool
    version: int
    updated_at: dt.datetime

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, self.method)

    @property
    def result_label(self) -> str:
        return SESSION_RESULTS.get(self.result, self.result)

    @property
    def mediator_names(self) -> str:
        return "、".join(m.name for m in self.mediators)

    @property
    def recusal_pending(self) -> bool:
        return self.recusal_requested and not self.recusal_decision

    @property
    def planned(self) -> bool:
        return self.result == "pending"


@dataclass(frozen=True)
class OutcomeInput:
    result: str = "mediated"  # mediated | station | self_settled
    on: dt.date | None = None  # the day it was resolved (default today)
    station_id: int | None = None
    agreement_date: dt.date | None = None  # date on the 调解书 (default: ``on``)
    facts: str = ""
    disputes: str = ""
    responsibility: str = ""
    terms: str = ""
    performance_method: str = ""
    performance_place: str = ""
    performance_due: dt.date | None = None
    performed_date: dt.date | None = None  # already performed (e.g. on the spot)
    recovered_total: str = ""  # "" = the sum of the parts
    refund_amount: str = ""
    exchange_amount: str = ""
    repair_amount: str = ""
    compensation_amount: str = ""
    other_amount: str = ""
    punitive: bool = False
    price_paid: str = ""
    punitive_amount: str = ""  # "" = the statutory amount from price_paid
    fraud_found: bool = False
    other_comp_basis: str = ""
    other_comp_amount: str = ""
    note: str = ""


@dataclass(frozen=True)
class OutcomeView:
    id: int
    complaint_id: int
    result: str
    resolved_date: dt.date | None
    station_id: int | None
    station_name: str
    agreement_no: str | None
    agreement_date: dt.date | None
    facts: str
    disputes: str
    responsibility: str
    terms: str
    performance_method: str
    performance_place: str
    performance_due: dt.date | None
    performed_date: dt.date | None
    performance_note: str
    recovered_total: Decimal
    refund_amount: Decimal
    exchange_amount: Decimal
    repair_amount: Decimal
    compensation_amount: Decimal
    other_amount: Decimal
    punitive: bool
    price_paid: Decimal | None
    punitive_amount: Decimal
    fraud_found: bool
    other_comp_basis: str
    other_comp_amount: Decimal
    note: str
    version: int
    updated_at: dt.datetime

    @property
    def result_label(self) -> str:
        return OUTCOME_RESULTS.get(self.result, self.result)

    @property
    def resolved(self) -> bool:
        return self.result in RESOLVED_RESULTS and self.resolved_date is not None

    @property
    def has_agreement(self) -> bool:
        return self.result in ("mediated", "station") and bool(self.terms.strip())

    @property
    def performance_overdue(self) -> bool:
        return (self.resolved and self.performed_date is None and self.performance_due is not None
                and self.performance_due < clock.today())

    @property
    def performance_label(self) -> str:
        if self.performed_date:
            return f"{self.performed_date:%Y-%m-%d} 已履行"
        if self.performance_due:
            return f"应于 {self.performance_due:%Y-%m-%d} 前履行" + ("，已逾期" if self.performance_overdue else "")
        return ""

    def breakdown(self) -> list[tuple[str, Decimal]]:
        return [(label, getattr(self, f)) for f, label in BREAKDOWN_FIELDS]

    @property
    def has_details(self) -> bool:
        """Anything beyond the bare result a plain 调解成功 step leaves."""
        return bool(self.terms.strip() or self.facts.strip() or self.disputes.strip() or self.responsibility.strip()
                    or self.recovered_total or self.punitive_amount or self.performance_due or self.performed_date
                    or self.result in ("station", "self_settled"))


@dataclass(frozen=True)
class SignedDocument:
    attachment_id: int
    filename: str
    note: str
    uploaded_at: dt.datetime
    uploaded_by: str


@dataclass(frozen=True)
class SessionMerge:
    """A three-way merge of a record edited on two desks: ``merged`` holds every change of
    both; ``conflicts`` the fields both changed differently (mine kept, theirs shown)."""

    merged: Any  # SessionInput or OutcomeInput
    taken: dict[str, Any] = field(default_factory=dict)  # field -> their value, taken in
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (mine, theirs)


@dataclass(frozen=True)
class MediationCaseRow:
    complaint_id: int
    case_no: str
    status: str
    status_label: str
    consumer_name: str
    business_name: str
    handler_name: str
    office_id: int
    due_date: dt.date | None
    due_kind: str | None
    due_provisional: bool
    paused: bool
    sessions: int
    last_session: dt.datetime | None
    next_session: dt.datetime | None
    outcome_result: str | None
    performance_due: dt.date | None
    performed_date: dt.date | None
    has_agreement: bool
    recusal_pending: bool

    @property
    def overdue(self) -> bool:
        return self.due_date is not None and self.due_date < clock.today()

    @property
    def todo(self) -> str:
        """What the case waits for, in words."""
        if self.recusal_pending:
            return "回避申请待决定"
        if self.status in (Status.ACCEPTED, Status.MEDIATING):
            if self.next_session:
                return f"已安排调解 {self.next_session:%m-%d %H:%M}"
            return "安排调解" if not self.sessions else "记录调解结果或继续调解"
        if self.outcome_result in ("mediated", "station") and not self.has_agreement:
            return "填写调解协议"
        if self.performance_due and not self.performed_date:
            late = self.performance_due < clock.today()
            return "履行期限已过，确认履行情况" if late else "等待履行"
        return ""


CASE_LIST_KINDS: dict[str, str] = {
    "open": "调解中的案件",
    "performance": "待确认履行",
    "agreement": "待填写调解协议",
}


@dataclass(frozen=True)
class MediationWorkItem:
    complaint_id: int
    case_no: str
    consumer_name: str
    business_name: str
    what: str
    due: dt.date | None
    overdue: bool


# -- keeping the outcome row in step with the workflow -----------------------------------------------


def sync_outcome(s: Session, comp: Complaint, action: str, on: dt.date) -> None:
    """Called by ``ComplaintService.act_in`` after every step. 调解成功 makes (or renews) the
    resolved outcome; 终止调解, 撤诉, 重新打开 and referrals after a resolution undo it (the
    mediation service then records a self-settlement on top where that is what happened)."""
    outcome = s.scalar(select(MediationOutcome).where(MediationOutcome.complaint_id == comp.id))
    if action == "mediation_success":
        if outcome is None:
            s.add(MediationOutcome(complaint_id=comp.id, result="mediated", resolved_date=on))
        else:
            outcome.result = "mediated"
            outcome.resolved_date = on
        return
    if outcome is None:
        return
    if action == "terminate":
        outcome.result, outcome.resolved_date = "failed", None
    elif action == "withdraw":
        outcome.result, outcome.resolved_date = "withdrawn", None
    elif action in ("reopen", "transfer", "lawsuit", "arbitration", "refuse") and outcome.resolved_date is not None:
        outcome.resolved_date = None


# -- helpers --------------------------------------------------------------------------------------


def _resolved(o: MediationOutcome) -> bool:
    return o.result in RESOLVED_RESULTS and o.resolved_date is not None


def _text(c: Checker, name: str, value: str, limit: int = MAX_TEXT) -> str:
    v = (value or "").strip()
    if len(v) > limit:
        c.add(name, f"不能超过{limit}个字（当前{len(v)}个字）")
    return v


def _money_or_zero(c: Checker, name: str, value: str) -> Decimal:
    try:
        return money(value, required=False) or Decimal("0.00")
    except FieldError as exc:
        c.add(name, exc.message)
        return Decimal("0.00")


def _mediator_key(m: MediatorInput | MediatorView) -> tuple[str, int | None, str, str]:
    return (m.kind, m.user_id, m.name.strip(), m.affiliation.strip())


def session_input_of(v: SessionView) -> SessionInput:
    """The input that would save ``v`` unchanged (for editing and merging)."""
    values = {f.name: getattr(v, f.name) for f in fields(SessionInput) if f.name != "mediators"}
    mediators = tuple(MediatorInput(m.name, m.kind, m.user_id, m.affiliation) for m in v.mediators)
    return SessionInput(**values, mediators=mediators)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, tuple):
        return tuple(_mediator_key(m) if isinstance(m, MediatorInput | MediatorView) else m for m in value)
    return value


def outcome_input_of(v: OutcomeView) -> OutcomeInput:
    """The input that would save ``v`` unchanged (amounts as the form shows them)."""

    def amount(x: Decimal | None) -> str:
        return "" if x is None or x == 0 else f"{x:.2f}"

    return OutcomeInput(
        result=v.result if v.result in ("mediated", "station", "self_settled") else "mediated", on=v.resolved_date,
        station_id=v.station_id, agreement_date=v.agreement_date, facts=v.facts, disputes=v.disputes,
        responsibility=v.responsibility, terms=v.terms, performance_method=v.performance_method,
        performance_place=v.performance_place, performance_due=v.performance_due, performed_date=v.performed_date,
        recovered_total=amount(v.recovered_total), refund_amount=amount(v.refund_amount), exchange_amount=amount(v.exchange_amount),
        repair_amount=amount(v.repair_amount), compensation_amount=amount(v.compensation_amount), other_amount=amount(v.other_amount),
        punitive=v.punitive, price_paid=amount(v.price_paid) if v.price_paid is not None else "",
        punitive_amount=amount(v.punitive_amount), fraud_found=v.fraud_found, other_comp_basis=v.other_comp_basis,
        other_comp_amount=amount(v.other_comp_amount), note=v.note,
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        try:  # "1,000" and "1000.00" are the same amount
            return money(a, required=False) == money(b, required=False)
        except FieldError:
            pass
    return _norm(a) == _norm(b)


def merge_inputs(base: Any, mine: Any, theirs: Any) -> SessionMerge:
    """Three-way merge of two edits of one record (frozen input dataclasses of one type): a
    field only the other desk changed takes their value, a field only I changed keeps mine, a
    field both changed differently keeps mine and is reported so the user decides. Saving
    ``merged`` over the current record loses neither desk's change."""
    merged: dict[str, Any] = {}
    taken: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for f in fields(type(mine)):
        b, m, t = getattr(base, f.name), getattr(mine, f.name), getattr(theirs, f.name)
        if _same(m, b):
            merged[f.name] = t
            if not _same(t, b):
                taken[f.name] = t
        elif _same(t, b) or _same(t, m):
            merged[f.name] = m
        else:
            merged[f.name] = m
            conflicts[f.name] = (m, t)
    return SessionMerge(type(mine)(**merged), taken, conflicts)


def merge_session(base: SessionView, mine: SessionInput, current: SessionView) -> SessionMerge:
    """``merge_inputs`` for a ConflictError on a session."""
    return merge_inputs(session_input_of(base), mine, session_input_of(current))


def merge_outcome(base: OutcomeView, mine: OutcomeInput, current: OutcomeView) -> SessionMerge:
    """``merge_inputs`` for a ConflictError on an outcome."""
    return merge_inputs(outcome_input_of(base), mine, outcome_input_of(current))


# -- the service ------------------------------------------------------------------------------------


class MediationService(Service):
    # -- reading -------------------------------------------------------------------------------
    def _complaint(self, s: Session, complaint_id: int, *, lock: bool = False) -> Complaint:
        q = select(Complaint).where(Complaint.id == complaint_id)
        if lock:
            q = q.with_for_update()  # PostgreSQL: desks adding sessions to one case queue here
        comp = s.scalar(q)
        if comp is None:
            raise NotFound("找不到该投诉案件")
        return comp

    def _session_views(self, s: Session, complaint_id: int) -> list[SessionView]:
        rows = list(s.scalars(select(MediationSession).where(MediationSession.complaint_id == complaint_id)
                              .order_by(MediationSession.started_at, MediationSession.id)))
        open_pauses = set(s.scalars(select(ComplaintPause.id).where(
            ComplaintPause.complaint_id == complaint_id, ComplaintPause.end.is_(None))))
        show = self.desk.can(Perm.VIEW_PERSONAL)
        return [self._session_view(r, i, open_pauses, show) for i, r in enumerate(rows, start=1)]

    @staticmethod
    def _session_view(r: MediationSession, ordinal: int, open_pauses: set[int], show: bool) -> SessionView:
        def hide(text: str) -> str:
            return text if show or not text else "（已隐去）"

        return SessionView(
            id=r.id, complaint_id=r.complaint_id, seq_no=r.seq_no, ordinal=ordinal, method=r.method,
            started_at=r.started_at, ended_at=r.ended_at, place=r.place,
            mediators=tuple(MediatorView(m.kind, m.user_id, m.name, m.affiliation) for m in r.mediators),
            recorder_user_id=r.recorder_user_id, recorder_name=r.recorder_name,
            consumer_attendees=hide(r.consumer_attendees), consumer_agent=hide(r.consumer_agent),
            business_attendees=r.business_attendees, business_agent=r.business_agent,
            identity_checked=r.identity_checked, rights_explained=r.rights_explained, recusal_explained=r.recusal_explained,
            recusal_requested=r.recusal_requested, recusal_request=r.recusal_request, recusal_decision=r.recusal_decision,
            recusal_decided_date=r.recusal_decided_date,
            recusal_paused=r.recusal_pause_id is not None and r.recusal_pause_id in open_pauses,
            consumer_statement=r.consumer_statement, business_statement=r.business_statement,
            evidence_shown=r.evidence_shown, result=r.result, result_detail=r.result_detail, note=r.note,
            masked=not show, version=r.version, updated_at=r.updated_at,
        )

    def sessions(self, complaint_id: int) -> list[SessionView]:
        """The case's sessions in time order (第1次, 第2次 …)."""
        self.desk.require_login()
        with self.desk.read() as s:
            self._complaint(s, complaint_id)
            return self._session_views(s, complaint_id)

    def get_session(self, session_id: int) -> SessionView:
        self.desk.require_login()
        with self.desk.read() as s:
            return self._one_session(s, session_id)

    def _one_session(self, s: Session, session_id: int) -> SessionView:
        r = s.get(MediationSession, session_id)
        if r is None:
            raise NotFound("找不到该调解记录，可能已被其他用户删除")
        return next(v for v in self._session_views(s, r.complaint_id) if v.id == session_id)

    def outcome(self, complaint_id: int) -> OutcomeView | None:
        self.desk.require_login()
        with self.desk.read() as s:
            o = s.scalar(select(MediationOutcome).where(MediationOutcome.complaint_id == complaint_id))
            return self._outcome_view(s, o) if o else None

    def _outcome_view(self, s: Session, o: MediationOutcome) -> OutcomeView:
        station = s.get(ReconciliationStation, o.station_id) if o.station_id else None
        values = {f.name: getattr(o, f.name) for f in fields(OutcomeView) if f.name != "station_name"}
        return OutcomeView(**values, station_name=station.name if station else "")

    # -- sessions ------------------------------------------------------------------------------
    def _validate_session(self, s: Session, comp: Complaint, inp: SessionInput, own: MediationSession | None) -> tuple[dict, list[dict]]:
        c = Checker(SESSION_LABELS)
        now = clock.now()
        if inp.method not in METHODS:
            c.add("method", "请选择调解方式（现场、电话、视频或网络）")
        started = inp.started_at
        held = inp.result != "pending"
        if inp.result not in SESSION_RESULTS:
            c.add("result", "请选择调解结果")
        if started is None:
            c.add("started_at", "请填写调解时间")
        else:
            if comp.accepted_date and started.date() < comp.accepted_date:
                c.add("started_at", f"不能早于受理日期 {comp.accepted_date:%Y-%m-%d}")
            elif started.date() < comp.received_date:
                c.add("started_at", f"不能早于收到投诉的日期 {comp.received_date:%Y-%m-%d}")
            if held and started > now + dt.timedelta(minutes=10):
                c.add("result", "调解尚未进行，结果只能是“已安排，尚未调解”")
            if started > now + dt.timedelta(days=366):
                c.add("started_at", "只能安排一年以内的调解")
        if inp.ended_at is not None and started is not None and inp.ended_at < started:
            c.add("ended_at", "结束时间不能早于开始时间")
        place = _text(c, "place", inp.place, 200)
        if inp.method == "onsite" and not place:
            c.add("place", "现场调解请填写地点")
        # Mediators: staff by user, experts by name (the roster team may link them later).
        mediators: list[dict] = []
        seen: set[tuple] = set()
        users = {u.id: u for u in s.scalars(select(User))}
        for i, m in enumerate(inp.mediators, start=1):
            if m.kind not in MEDIATOR_KINDS:
                c.add("mediators", f"第{i}位调解员：请选择是本会工作人员还是调解委员会专家")
                continue
            name = m.name.strip()
            if m.kind == "staff":
                u = users.get(m.user_id) if m.user_id is not None else None
                if u is None:
                    c.add("mediators", f"第{i}位调解员：请从本会用户中选择")
                    continue
                name = u.display_name
            elif not name:
                c.add("mediators", f"第{i}位调解员：请填写姓名")
                continue
            if len(name) > 60 or len(m.affiliation.strip()) > 100:
                c.add("mediators", f"第{i}位调解员：姓名不能超过60个字，单位不能超过100个字")
                continue
            key = (m.kind, m.user_id if m.kind == "staff" else None, name)
            if key in seen:
                c.add("mediators", f"调解员“{name}”重复了")
                continue
            seen.add(key)
            affiliation = m.affiliation.strip() or (EXPERT_AFFILIATION if m.kind == "expert" else "")
            mediators.append(dict(position=len(mediators), kind=m.kind, user_id=m.user_id if m.kind == "staff" else None,
                                  name=name, affiliation=affiliation))
        if not mediators and "mediators" not in c.errors:
            c.add("mediators", "请至少填写一名调解员")
        if len(mediators) > 10:
            c.add("mediators", "调解员不能超过10名")
        recorder = inp.recorder_name.strip()
        if inp.recorder_user_id is not None:
            u = users.get(inp.recorder_user_id)
            if u is None:
                c.add("recorder_name", "记录人不存在，请重新选择")
            else:
                recorder = u.display_name
        if held and not recorder:
            c.add("recorder_name", "请填写记录人")
        elif len(recorder) > 60:
            c.add("recorder_name", "不能超过60个字")
        values = dict(
            method=inp.method, started_at=started, ended_at=inp.ended_at, place=place,
            recorder_user_id=inp.recorder_user_id, recorder_name=recorder,
            consumer_attendees=_text(c, "consumer_attendees", inp.consumer_attendees, 300),
            consumer_agent=_text(c, "consumer_agent", inp.consumer_agent, 200),
            business_attendees=_text(c, "business_attendees", inp.business_attendees, 300),
            business_agent=_text(c, "business_agent", inp.business_agent, 200),
            identity_checked=inp.identity_checked, rights_explained=inp.rights_explained,
            recusal_explained=inp.recusal_explained, recusal_requested=inp.recusal_requested,
            consumer_statement=_text(c, "consumer_statement", inp.consumer_statement),
            business_statement=_text(c, "business_statement", inp.business_statement),
            evidence_shown=_text(c, "evidence_shown", inp.evidence_shown),
            result=inp.result, result_detail=_text(c, "result_detail", inp.result_detail),
            note=_text(c, "note", inp.note),
        )
        # Recusal: a request needs its content; a decision its date, not before the session.
        request = _text(c, "recusal_request", inp.recusal_request, 2000)
        decision = inp.recusal_decision or ""
        decided = inp.recusal_decided_date
        if inp.recusal_requested:
            if not held:
                c.add("recusal_requested", "回避申请只能在调解时提出：请先记录调解结果")
            if not request:
                c.add("recusal_request", "请写明申请人、申请哪位调解员回避及理由")
            if decision and decision not in RECUSAL_DECISIONS:
                c.add("recusal_decision", "请选择决定")
            if decision and decided is None:
                c.add("recusal_decided_date", "请填写决定日期")
            if not decision and decided is not None:
                c.add("recusal_decision", "填写了决定日期，请选择决定内容")
            if decided is not None:
                if started is not None and decided < started.date():
                    c.add("recusal_decided_date", f"不能早于调解日期 {started:%Y-%m-%d}")
                elif decided > clock.today():
                    c.add("recusal_decided_date", "不能晚于今天")
            if not decision and comp.status not in (Status.ACCEPTED, Status.MEDIATING):
                c.add("recusal_decision", f"案件已{status_label(comp.status)}，不能再暂停计时：请同时填写回避申请的决定")
        else:
            if own is not None and own.recusal_pause_id is not None and own.recusal_requested and not own.recusal_decision:
                c.add("recusal_requested", "该回避申请已使案件暂停计时，请填写决定（准予、驳回或撤回）后恢复计时")
            request, decision, decided = "", "", None
        values.update(recusal_request=request, recusal_decision=decision, recusal_decided_date=decided)
        c.raise_if_any()
        return values, mediators

    def _check_case_open_for_sessions(self, comp: Complaint) -> None:
        if comp.status in (Status.REGISTERED, Status.REFUSED) or comp.accepted_date is None:
            raise DeskError(f"案件当前状态为“{status_label(comp.status)}”，受理后才能安排或记录调解")
        if comp.status == Status.ARCHIVED:
            raise DeskError(f"案件已归档（归档号 {comp.archive_no}），不能再修改调解记录")

    def _apply_session_steps(self, s: Session, comp: Complaint, sess: MediationSession, was_decision: str) -> None:
        """Workflow steps that follow from the session: 开始调解 once a session has taken place,
        the recusal pause and its resumption."""
        from desk.services.complaints import ActionInput

        complaints = self.desk.complaints
        started_on = sess.started_at.date()
        ordinal = s.scalar(select(func.count(MediationSession.id)).where(
            MediationSession.complaint_id == comp.id, MediationSession.started_at <= sess.started_at)) or 1
        # Steps may not be dated before the case's last status change (a session recorded
        # before the case was reopened must not restart its mediation on the old date).
        last_change = s.scalar(select(ComplaintEvent.event_date).where(
            ComplaintEvent.complaint_id == comp.id, ComplaintEvent.from_status.is_not(None),
            ComplaintEvent.from_status != ComplaintEvent.to_status).order_by(ComplaintEvent.id.desc()).limit(1))
        try:
            if comp.status == Status.ACCEPTED and started_on <= clock.today() and (last_change is None or started_on >= last_change):
                complaints.act_in(s, comp.id, "start_mediation", None, ActionInput(on=started_on, detail=f"第{ordinal}次调解"))
            if sess.recusal_requested and not sess.recusal_decision and sess.recusal_pause_id is None:
                if comp.paused_since is None:
                    pause_on = max(started_on, last_change) if last_change else started_on
                    complaints.act_in(s, comp.id, "pause", None, ActionInput(
                        on=pause_on, reason=f"第{ordinal}次调解中当事人申请回避，待决定"))
                    s.flush()
                    sess.recusal_pause_id = s.scalar(select(ComplaintPause.id).where(
                        ComplaintPause.complaint_id == comp.id, ComplaintPause.end.is_(None)))
                else:
                    complaints._event(s, comp, "note", comp.status, comp.status, started_on,
                                      f"第{ordinal}次调解中当事人申请回避（案件自 {comp.paused_since:%Y-%m-%d} 起已暂停计时）")
            if sess.recusal_decision and not was_decision:
                label = RECUSAL_DECISIONS[sess.recusal_decision]
                decided = sess.recusal_decided_date or clock.today()
                pause = s.get(ComplaintPause, sess.recusal_pause_id) if sess.recusal_pause_id else None
                if pause is not None and pause.end is None and comp.paused_since is not None:
                    complaints.act_in(s, comp.id, "resume", None, ActionInput(on=decided, detail=f"回避申请决定：{label}"))
                else:
                    complaints._event(s, comp, "note", comp.status, comp.status, decided, f"第{ordinal}次调解的回避申请决定：{label}")
        except ValidationError as exc:
            # The step's date is the session's (or the decision's) date: say so at those fields.
            target = "recusal_decided_date" if sess.recusal_decision and not was_decision else "started_at"
            raise ValidationError({target: exc.fields.get("on", exc.message)}, SESSION_LABELS) from None

    def add_session(self, complaint_id: int, inp: SessionInput) -> SessionView:
        """Record (or schedule) a session. The first one held starts the mediation; a recusal
        request without a decision pauses the case's clock."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            comp = self._complaint(s, complaint_id, lock=True)
            self._check_case_open_for_sessions(comp)
            values, mediators = self._validate_session(s, comp, inp, None)
            seq = (s.scalar(select(func.max(MediationSession.seq_no)).where(MediationSession.complaint_id == comp.id)) or 0) + 1
            sess = MediationSession(complaint_id=comp.id, seq_no=seq, **values)
            sess.mediators = [MediationMediator(**m) for m in mediators]
            s.add(sess)
            s.flush()
            self._apply_session_steps(s, comp, sess, "")
            when = f"{sess.started_at:%Y-%m-%d %H:%M}"
            self.desk.complaints._event(
                s, comp, "mediation_session", comp.status, comp.status, min(sess.started_at.date(), clock.today()),
                f"{'安排' if sess.result == 'pending' else '记录'}{METHODS[sess.method]}调解（{when}）："
                f"{SESSION_RESULTS[sess.result]}；调解员 {'、'.join(m['name'] for m in mediators)}")
            s.flush()
            return self._one_session(s, sess.id)

    def update_session(self, session_id: int, started_from: SessionView, inp: SessionInput) -> SessionView:
        """Save ``inp`` over the session as the user saw it. If another desk saved it
        meanwhile: ConflictError with the fields they changed (``merge_session`` combines both)."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            sess = s.get(MediationSession, session_id)
            if sess is None:
                raise NotFound("该调解记录已被其他用户删除")
            comp = self._complaint(s, sess.complaint_id, lock=True)
            if sess.version != started_from.version:
                check_version("调解", started_from.version, sess, self._one_session(s, session_id), started_from)
            self._check_case_open_for_sessions(comp)
            if started_from.masked:
                raise DeskError("您没有查看个人信息的权限，不能修改调解记录")
            values, mediators = self._validate_session(s, comp, inp, sess)
            was_decision = sess.recusal_decision
            for k, v in values.items():
                setattr(sess, k, v)
            old = [(m.kind, m.user_id, m.name, m.affiliation) for m in sess.mediators]
            new = [(m["kind"], m["user_id"], m["name"], m["affiliation"]) for m in mediators]
            if old != new:
                sess.mediators.clear()
                s.flush()
                sess.mediators.extend(MediationMediator(**m) for m in mediators)
                # The session row carries the version of its mediators too: touch it so a
                # change of mediators alone still bumps the version another desk checks.
                sess.updated_at = clock.now()
                flag_modified(sess, "updated_at")
            s.flush()
            self._apply_session_steps(s, comp, sess, was_decision)
            s.flush()
            return self._one_session(s, sess.id)

    def delete_session(self, session_id: int, started_from: SessionView) -> None:
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            sess = s.get(MediationSession, session_id)
            if sess is None:
                return
            comp = self._complaint(s, sess.complaint_id, lock=True)
            check_version("调解", started_from.version, sess, self._one_session(s, session_id), started_from)
            self._check_case_open_for_sessions(comp)
            if sess.recusal_pause_id is not None and sess.recusal_requested and not sess.recusal_decision:
                raise DeskError("这次调解的回避申请使案件暂停了计时：请先填写回避决定，再删除")
            self.desk.complaints._event(s, comp, "note", comp.status, comp.status, clock.today(),
                                        f"删除调解记录（{sess.started_at:%Y-%m-%d %H:%M}，{METHODS.get(sess.method, sess.method)}）")
            s.delete(sess)

    def merge_session(self, base: SessionView, mine: SessionInput, current: SessionView) -> SessionMerge:
        return merge_session(base, mine, current)

    def merge_outcome(self, base: OutcomeView, mine: OutcomeInput, current: OutcomeView) -> SessionMerge:
        return merge_outcome(base, mine, current)

    # -- outcome ------------------------------------------------------------------------------------
    def _validate_outcome(self, s: Session, comp: Complaint, inp: OutcomeInput, *, recording: bool,
                          existing: MediationOutcome | None = None) -> dict:
        c = Checker(OUTCOME_LABELS)
        today = clock.today()
        result = existing.result if existing is not None and not recording else inp.result
        if result not in ("mediated", "station", "self_settled"):
            c.add("result", "请选择调解结果：调解成功、和解站和解或双方自行和解")
        on = (existing.resolved_date if existing is not None and not recording else inp.on) or today
        if on > today:
            c.add("on", "不能晚于今天")
        elif on < comp.received_date:
            c.add("on", f"不能早于收到投诉的日期 {comp.received_date:%Y-%m-%d}")
        station_id = None
        if result == "station":
            if inp.station_id is None:
                c.add("station_id", "请选择和解站")
            else:
                st = s.get(ReconciliationStation, inp.station_id)
                if st is None:
                    c.add("station_id", "所选和解站已不存在")
                elif st.status != "active" and (existing is None or existing.station_id != st.id):
                    c.add("station_id", f"“{st.name}”目前{STATION_STATUSES.get(st.status, st.status)}，不能登记新的和解案件")
                else:
                    station_id = st.id
        texts = {k: _text(c, k, getattr(inp, k)) for k in ("facts", "disputes", "responsibility", "terms", "performance_method", "note")}
        texts["performance_place"] = _text(c, "performance_place", inp.performance_place, 200)
        if result in ("mediated", "station") and not texts["terms"]:
            c.add("terms", "请写明双方达成的协议内容（做什么）")
        due, performed = inp.performance_due, inp.performed_date
        if due is not None and due < on:
            c.add("performance_due", f"不能早于解决日期 {on:%Y-%m-%d}")
        if performed is not None:
            if performed > today:
                c.add("performed_date", "不能晚于今天")
            elif performed < on:
                c.add("performed_date", f"不能早于解决日期 {on:%Y-%m-%d}")
        if result in ("mediated", "station") and due is None and performed is None:
            c.add("performance_due", "请填写履行期限；已当场履行的，请填写履行日期")
        agreement_date = inp.agreement_date or on
        if agreement_date > today:
            c.add("agreement_date", "不能晚于今天")
        elif agreement_date < on:
            c.add("agreement_date", f"不能早于解决日期 {on:%Y-%m-%d}")

        # Amounts: the parts add up to the total (an empty total is the sum of the parts).
        parts = {f: _money_or_zero(c, f, getattr(inp, f)) for f, _l in BREAKDOWN_FIELDS}
        part_sum = sum(parts.values(), Decimal("0.00"))
        try:
            total = money(inp.recovered_total, required=False)
        except FieldError as exc:
            c.add("recovered_total", exc.message)
            total = part_sum
        if total is None:
            total = part_sum
        if not any(f in c.errors for f, _l in BREAKDOWN_FIELDS) and "recovered_total" not in c.errors and total != part_sum:
            if part_sum == 0:
                c.add("breakdown", f"挽回经济损失{total:,.2f}元，请按退款、换货、维修、赔偿、其他填写分项，分项合计应等于总额")
            else:
                diff = total - part_sum
                more = "多" if diff > 0 else "少"
                c.add("breakdown", f"分项合计{part_sum:,.2f}元，与挽回经济损失{total:,.2f}元不一致（总额比分项{more}{abs(diff):,.2f}元），请核对")
        price: Decimal | None = None
        punitive_amount = Decimal("0.00")
        if inp.punitive:
            try:
                price = money(inp.price_paid, required=True)
            except FieldError as exc:
                c.add("price_paid", "按消法第五十五条计算加倍赔偿，请填写商品价款或服务费用" if not inp.price_paid.strip() else exc.message)
            if inp.punitive_amount.strip():
                punitive_amount = _money_or_zero(c, "punitive_amount", inp.punitive_amount)
                if "punitive_amount" not in c.errors and punitive_amount <= 0:
                    c.add("punitive_amount", "加倍赔偿金额应大于0")
            elif price is not None:
                punitive_amount = punitive_compensation(price)
        other_comp = _money_or_zero(c, "other_comp_amount", inp.other_comp_amount)
        basis = _text(c, "other_comp_basis", inp.other_comp_basis, 200)
        if other_comp > 0 and not basis:
            c.add("other_comp_basis", "请写明其他赔偿的依据，如《食品安全法》第一百四十八条（价款十倍）")
        if not any(k in c.errors for k in ("compensation_amount", "punitive_amount", "other_comp_amount")):
            statutory = punitive_amount + other_comp
            if statutory > parts["compensation_amount"]:
                c.add("compensation_amount", f"加倍赔偿和其他赔偿共{statutory:,.2f}元，计入“赔偿”分项；赔偿分项不能少于该数"
                                             f"（现为{parts['compensation_amount']:,.2f}元）")
        c.raise_if_any()
        return dict(
            result=result, resolved_date=on, station_id=station_id, agreement_date=agreement_date,
            performance_due=due, performed_date=performed, recovered_total=total, **parts,
            punitive=inp.punitive, price_paid=price, punitive_amount=punitive_amount, fraud_found=inp.fraud_found,
            other_comp_basis=basis, other_comp_amount=other_comp, **texts,
        )

    def _agreement_no(self, s: Session, comp: Complaint, on: dt.date) -> str:
        from desk.services.complaints import allocate_number

        office = s.get(Office, comp.office_id)
        assert office is not None
        n = allocate_number(s, office.id, on.year, "agreement")
        return f"{office.code}-TJ-{on.year}-{n:05d}"

    def _summary(self, values: dict) -> str:
        parts = [OUTCOME_RESULTS[values["result"]]]
        if values["recovered_total"]:
            parts.append(f"挽回经济损失{values['recovered_total']:,.2f}元")
        if values["punitive_amount"]:
            parts.append(f"加倍赔偿{values['punitive_amount']:,.2f}元")
        if values["performance_due"] and not values["performed_date"]:
            parts.append(f"履行期限 {values['performance_due']:%Y-%m-%d}")
        if values["performed_date"]:
            parts.append(f"{values['performed_date']:%Y-%m-%d} 已履行")
        return "，".join(parts)

    def record_outcome_in(self, s: Session, comp: Complaint, inp: OutcomeInput) -> MediationOutcome:
        """``record_outcome`` inside the caller's transaction (the station service registers a
        case settled at a station and its settlement together)."""
        from desk.services.complaints import ActionInput

        values = self._validate_outcome(s, comp, inp, recording=True)
        result, on = values["result"], values["resolved_date"]
        complaints = self.desk.complaints
        summary = self._summary(values)
        try:
            if result in ("mediated", "station"):
                if result == "station" and comp.status == Status.REGISTERED:
                    complaints.act_in(s, comp.id, "accept", None, ActionInput(on=on, detail="和解站已和解，补办受理"))
                if comp.status == Status.ACCEPTED:
                    complaints.act_in(s, comp.id, "start_mediation", None, ActionInput(on=on))
                if comp.status != Status.MEDIATING:
                    raise DeskError(f"案件当前状态为“{status_label(comp.status)}”，不能登记调解成功")
                complaints.act_in(s, comp.id, "mediation_success", None, ActionInput(on=on, detail=summary))
            else:
                reason = "双方自行和解" + (f"：{values['terms']}" if values["terms"] else "")
                if comp.status == Status.REGISTERED:
                    complaints.act_in(s, comp.id, "withdraw", None, ActionInput(on=on, reason=reason[:2000]))
                elif comp.status in (Status.ACCEPTED, Status.MEDIATING):
                    complaints.act_in(s, comp.id, "terminate", None, ActionInput(
                        on=on, ground_code=SELF_SETTLED_GROUND, reason=reason[:2000]))
                else:
                    raise DeskError(f"案件当前状态为“{status_label(comp.status)}”，不能登记双方自行和解")
        except ValidationError as exc:
            # The steps' own checks (the date against earlier steps) name the field "on" too.
            raise ValidationError(exc.fields, OUTCOME_LABELS) from None
        s.flush()
        outcome = s.scalar(select(MediationOutcome).where(MediationOutcome.complaint_id == comp.id))
        if outcome is None:
            outcome = MediationOutcome(complaint_id=comp.id, result=result)
            s.add(outcome)
        for k, v in values.items():
            setattr(outcome, k, v)
        if result in ("mediated", "station") and not outcome.agreement_no:
            outcome.agreement_no = self._agreement_no(s, comp, on)
        if result == "station":
            station = s.get(ReconciliationStation, values["station_id"])
            complaints._event(s, comp, "mediation_outcome", comp.status, comp.status, on, f"在{station.name}和解" if station else "和解站和解")
        s.flush()
        # The case now waits for the agreement to be performed: its stored deadline says so.
        self.desk.complaints.refresh_due(s, comp.id)
        return outcome

    def record_outcome(self, complaint_id: int, expected_version: int, inp: OutcomeInput) -> OutcomeView:
        """调解成功 / 和解站和解 with the agreement and amounts, or 双方自行和解 (ends the case with
        ground T01, or 撤诉 before acceptance), and the workflow steps that go with it, at once.
        ``expected_version`` is the complaint's version the user saw."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            comp = self._complaint(s, complaint_id, lock=True)
            if comp.version != expected_version:
                check_version("投诉", expected_version, comp, self.desk.complaints._view(s, comp), None)
            outcome = self.record_outcome_in(s, comp, inp)
            return self._outcome_view(s, outcome)

    def update_outcome(self, complaint_id: int, started_from: OutcomeView, inp: OutcomeInput) -> OutcomeView:
        """Edit the agreement, amounts and performance of a recorded outcome (its result and
        date stay: changing those is a workflow step)."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        with self.desk.write() as s:
            comp = self._complaint(s, complaint_id, lock=True)
            o = s.scalar(select(MediationOutcome).where(MediationOutcome.complaint_id == complaint_id))
            if o is None:
                raise NotFound("该案件还没有调解结果")
            check_version("调解结果", started_from.version, o, self._outcome_view(s, o), started_from)
            if comp.status == Status.ARCHIVED:
                raise DeskError(f"案件已归档（归档号 {comp.archive_no}），不能再修改调解结果")
            if not _resolved(o):
                raise DeskError("案件目前没有调解成功或和解的结果（可能已重新打开或终止调解），不能修改协议和金额")
            values = self._validate_outcome(s, comp, replace(inp, station_id=inp.station_id or o.station_id), recording=False, existing=o)
            for k, v in values.items():
                setattr(o, k, v)
            if o.result in ("mediated", "station") and not o.agreement_no:
                o.agreement_no = self._agreement_no(s, comp, o.resolved_date or clock.today())
            s.flush()
            if s.is_modified(o):
                self.desk.complaints._event(s, comp, "mediation_outcome", comp.status, comp.status, clock.today(),
                                            "修改调解协议及金额：" + self._summary(values))
            s.flush()
            self.desk.complaints.refresh_due(s, comp.id)
            return self._outcome_view(s, o)

    def confirm_performance(self, complaint_id: int, started_from: OutcomeView, on: dt.date, note: str = "") -> OutcomeView:
        """The agreement was performed on ``on`` (履行确认)."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        c = Checker({"performed_date": "履行日期", "performance_note": "履行情况"})
        with self.desk.write() as s:
            comp = self._complaint(s, complaint_id)
            o = s.scalar(select(MediationOutcome).where(MediationOutcome.complaint_id == complaint_id))
            if o is None or not _resolved(o):
                raise DeskError("案件没有调解成功或和解的结果，无需确认履行")
            check_version("调解结果", started_from.version, o, self._outcome_view(s, o), started_from)
            if on > clock.today():
                c.add("performed_date", "不能晚于今天")
            elif o.resolved_date and on < o.resolved_date:
                c.add("performed_date", f"不能早于达成协议的日期 {o.resolved_date:%Y-%m-%d}")
            text = _text(c, "performance_note", note, 2000)
            c.raise_if_any()
            o.performed_date = on
            o.performance_note = text
            s.flush()
            self.desk.complaints._event(s, comp, "performance", comp.status, comp.status, on,
                                        "确认调解协议已履行" + (f"：{text}" if text else ""))
            self.desk.complaints.refresh_due(s, comp.id)
            return self._outcome_view(s, o)

    # -- signed scans --------------------------------------------------------------------------------
    def attach_signed(self, complaint_id: int, path: str | Path, session_id: int | None = None) -> SignedDocument:
        """Attach the scan of the signed 调解书 (or, with ``session_id``, of a signed 调解笔录) to
        the case; the attachment's note marks what it is."""
        self.desk.require(Perm.EDIT_COMPLAINT)
        note = SIGNED_AGREEMENT_NOTE
        if session_id is not None:
            v = self.get_session(session_id)
            if v.complaint_id != complaint_id:
                raise NotFound("该调解记录不属于这个案件")
            note = f"{SIGNED_SESSION_NOTE}（第{v.ordinal}次调解，{v.started_at:%Y-%m-%d}）"
        a = self.desk.complaints.add_attachment_file(complaint_id, path, note=note)
        return SignedDocument(a.id, a.filename, note, a.uploaded_at, a.uploaded_by)

    def signed_documents(self, complaint_id: int) -> list[SignedDocument]:
        self.desk.require_login()
        with self.desk.read() as s:
            q = (select(Attachment.id, Attachment.filename, Attachment.note, Attachment.uploaded_at, Attachment.uploaded_by)
                 .where(Attachment.complaint_id == complaint_id,
                        Attachment.note.like(SIGNED_AGREEMENT_NOTE + "%") | Attachment.note.like(SIGNED_SESSION_NOTE + "%"))
                 .order_by(Attachment.id))
            return [SignedDocument(*r) for r in s.execute(q)]

    # -- the 调解 module's lists ------------------------------------------------------------------
    def cases(self, kind: str = "open", *, office_id: int | None = None, handler_id: int | None = None,
              limit: int = 500) -> list[MediationCaseRow]:
        """The cases of one list of the 调解 page: ``open`` (受理 or 调解中, by deadline),
        ``performance`` (agreement not yet confirmed performed, by performance deadline),
        ``agreement`` (调解成功 without the agreement's terms written)."""
        self.desk.require_login()
        if kind not in CASE_LIST_KINDS:
            raise DeskError(f"未知的列表：{kind}")
        o = MediationOutcome
        q = select(Complaint.id)
        if kind == "open":
            q = q.where(Complaint.status.in_((Status.ACCEPTED.value, Status.MEDIATING.value)))
            q = q.order_by(Complaint.due_date.is_(None), Complaint.due_date, Complaint.id)
        else:
            q = q.join(o, o.complaint_id == Complaint.id).where(o.result.in_(RESOLVED_RESULTS), o.resolved_date.is_not(None))
            if kind == "performance":
                q = q.where(o.performance_due.is_not(None), o.performed_date.is_(None)).order_by(o.performance_due, Complaint.id)
            else:
                q = q.where(o.result.in_(("mediated", "station")), o.terms == "").order_by(o.resolved_date.desc(), Complaint.id)
        if office_id is not None:
            q = q.where(Complaint.office_id == office_id)
        if handler_id is not None:
            q = q.where(Complaint.handler_id == handler_id)
        with self.desk.read() as s:
            ids = list(s.scalars(q.limit(limit)))
            return self._rows(s, ids)

    def _rows(self, s: Session, ids: Sequence[int]) -> list[MediationCaseRow]:
        if not ids:
            return []
        show = self.desk.can(Perm.VIEW_PERSONAL)
        now = clock.now()
        comps = {c.id: c for c in s.execute(select(
            Complaint.id, Complaint.case_no, Complaint.status, Complaint.consumer_name, Complaint.business_name,
            Complaint.handler_id, Complaint.office_id, Complaint.due_date, Complaint.due_kind, Complaint.due_provisional,
            Complaint.paused_since,
        ).where(Complaint.id.in_(ids)))}
        users = dict(s.execute(select(User.id, User.display_name)).all())
        stats: dict[int, tuple[int, dt.datetime | None]] = {
            r[0]: (r[1], r[2]) for r in s.execute(
                select(MediationSession.complaint_id, func.count(MediationSession.id), func.max(MediationSession.started_at))
                .where(MediationSession.complaint_id.in_(ids), MediationSession.result != "pending")
                .group_by(MediationSession.complaint_id))}
        planned = dict(s.execute(
            select(MediationSession.complaint_id, func.min(MediationSession.started_at))
            .where(MediationSession.complaint_id.in_(ids), MediationSession.result == "pending", MediationSession.started_at >= now - dt.timedelta(hours=12))
            .group_by(MediationSession.complaint_id)).all())
        recusal = set(s.scalars(select(MediationSession.complaint_id).where(
            MediationSession.complaint_id.in_(ids), MediationSession.recusal_requested.is_(True), MediationSession.recusal_decision == "")))
        outcomes = {o.complaint_id: o for o in s.scalars(select(MediationOutcome).where(MediationOutcome.complaint_id.in_(ids)))}
        out = []
        for i in ids:
            c = comps.get(i)
            if c is None:
                continue
            o = outcomes.get(i)
            held, last = stats.get(i, (0, None))
            resolved = o is not None and o.resolved_date is not None and o.result in RESOLVED_RESULTS
            out.append(MediationCaseRow(
                complaint_id=i, case_no=c.case_no, status=c.status, status_label=status_label(c.status),
                consumer_name=c.consumer_name if show else mask_name(c.consumer_name), business_name=c.business_name,
                handler_name=users.get(c.handler_id, "") if c.handler_id else "", office_id=c.office_id,
                due_date=c.due_date, due_kind=c.due_kind, due_provisional=bool(c.due_provisional),
                paused=c.paused_since is not None, sessions=held,
                last_session=last, next_session=planned.get(i), outcome_result=o.result if o else None,
                performance_due=o.performance_due if resolved else None, performed_date=o.performed_date if resolved else None,
                has_agreement=bool(o and o.terms.strip()), recusal_pending=i in recusal,
            ))
        return out

    def worklist(self, *, soon_days: int | None = None, limit: int = 200) -> list[MediationWorkItem]:
        """The start page's mediation items: performance deadlines overdue or within the
        due-soon working days, sessions scheduled until then, recusal requests waiting."""
        self.desk.require_login()
        today = clock.today()
        days = soon_days if soon_days is not None else self.desk.complaints.rules().due_soon_working_days
        soon = self.desk.calendar.calendar().add_working_days(today, days).date
        show = self.desk.can(Perm.VIEW_PERSONAL)
        o = MediationOutcome
        items: list[MediationWorkItem] = []
        with self.desk.read() as s:
            def item(r: Any, what: str, due: dt.date | None, overdue: bool) -> MediationWorkItem:
                return MediationWorkItem(r.id, r.case_no, r.consumer_name if show else mask_name(r.consumer_name),
                                         r.business_name, what, due, overdue)

            cols = (Complaint.id, Complaint.case_no, Complaint.consumer_name, Complaint.business_name)
            for r in s.execute(select(*cols, o.performance_due).join(o, o.complaint_id == Complaint.id).where(
                    o.result.in_(RESOLVED_RESULTS), o.resolved_date.is_not(None), o.performed_date.is_(None),
                    o.performance_due <= soon).order_by(o.performance_due).limit(limit)):
                late = r.performance_due < today
                items.append(item(r, "调解协议履行期限已过，请确认履行情况" if late else "调解协议履行期限将到", r.performance_due, late))
            start = dt.datetime.combine(today, dt.time.min)
            end = dt.datetime.combine(soon + dt.timedelta(days=1), dt.time.min)
            for r in s.execute(select(*cols, MediationSession.started_at, MediationSession.method).join(
                    MediationSession, MediationSession.complaint_id == Complaint.id).where(
                    MediationSession.result == "pending", MediationSession.started_at >= start,
                    MediationSession.started_at < end).order_by(MediationSession.started_at).limit(limit)):
                items.append(item(r, f"已安排{METHODS.get(r.method, r.method)}调解 {r.started_at:%m-%d %H:%M}", r.started_at.date(), False))
            for r in s.execute(select(*cols, MediationSession.started_at).join(
                    MediationSession, MediationSession.complaint_id == Complaint.id).where(
                    MediationSession.recusal_requested.is_(True), MediationSession.recusal_decision == "").limit(limit)):
                items.append(item(r, f"回避申请待决定（{r.started_at:%Y-%m-%d} 调解时提出，案件暂停计时）", None, False))
        return items

    def staff(self) -> list[tuple[int, str]]:
        """(user id, name) of the active users who may mediate, for the mediator picker."""
        self.desk.require_login()
        from desk.roles import has_perm

        with self.desk.read() as s:
            return [(u.id, u.display_name) for u in s.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name))
                    if has_perm(u.role, Perm.EDIT_COMPLAINT)]
