"""诚信单位 / 放心消费示范单位: application, evaluation, award and renewal, 回访检查 revisits
with their checklist, rectification and follow-up, revocation (摘牌); the worklist items, the
flag a complaint against a trust unit carries, and the yearly revisit summary.

The state machine (pure data, like desk.workflow for complaints)::

    申报 applied ──评审──▶ 评审通过 evaluated ──授牌──▶ 已授牌 awarded ◀──续期──┐
       │                  │                              │  ▲        └────────┘
       └──撤回──▶ withdrawn ◀┘        回访：限期整改 ▼  │ 整改合格 / 回访合格
    评审未通过 rejected                           整改中 rectifying
                                   回访：建议摘牌 ▼      │
                                 建议摘牌 revocation_proposed ──保留称号──▶ awarded
        awarded / rectifying / revocation_proposed ──摘牌──▶ 已摘牌 revoked

A revisit sets the unit's status from its conclusion when it is the unit's latest revisit
(合格 → awarded, 限期整改 → rectifying, 建议摘牌 → revocation_proposed); a follow-up that
finds the rectification done returns a rectifying unit to awarded. Rejected, withdrawn and
revoked are final: the business applies again with a new application.

A complaint counts against a trust unit ("flagged") when its business is the unit's business,
it was accepted (``accepted_date`` set and status 受理 or later: not 登记, 不予受理, 撤诉) on or
after the unit's first award, while the unit holds the title."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from desk import clock
from desk.errors import ConflictError, DeskError, NotFound
from desk.models import Business, Complaint, User
from desk.models.outreach import RegisterVocab
from desk.models.trust_units import (
    Revisit,
    RevisitCheck,
    RevisitInspector,
    RevisitPhoto,
    TrustAward,
    TrustUnit,
    TrustUnitEvent,
)
from desk.roles import Perm
from desk.search import ESCAPE, like_pattern
from desk.services.base import Checker, Service, check_version
from desk.services.outreach import (
    ExportResult,
    PhotoView,
    RegisterVocabView,
    actor_name,
    check_file,
    clean_filename,
    count_value,
    date_value,
    list_vocab,
    office_for,
    office_names,
    read_file,
    text_value,
    vocab_names,
    write_xlsx,
)
from desk.workflow import Status as CaseStatus
from desk.workflow import status_label as case_status_label

# -- the state machine ------------------------------------------------------------------------------

APPLIED = "applied"
EVALUATED = "evaluated"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
AWARDED = "awarded"
RECTIFYING = "rectifying"
REVOCATION_PROPOSED = "revocation_proposed"
REVOKED = "revoked"

STATUS_LABELS: dict[str, str] = {
    APPLIED: "已申报",
    EVALUATED: "评审通过",
    REJECTED: "评审未通过",
    WITHDRAWN: "已撤回",
    AWARDED: "已授牌",
    RECTIFYING: "整改中",
    REVOCATION_PROPOSED: "建议摘牌",
    REVOKED: "已摘牌",
}
STATUS_ORDER = list(STATUS_LABELS)
# Statuses in which the unit holds the title (the plaque is on the wall).
HOLDING = frozenset({AWARDED, RECTIFYING, REVOCATION_PROPOSED})
FINAL = frozenset({REJECTED, WITHDRAWN, REVOKED})

CONCLUSIONS: dict[str, str] = {"pass": "合格", "rectify": "限期整改", "revoke": "建议摘牌"}
FOLLOW_UP_RESULTS: dict[str, str] = {"rectified": "已整改", "not_rectified": "未按期整改"}
INSPECTOR_KINDS: dict[str, str] = {"staff": "工作人员", "investigator": "义务调查员", "other": "其他"}

# Complaint statuses that mean "accepted or later" (a refused, withdrawn or merely registered
# complaint does not count against a unit).
ACCEPTED_OR_LATER = frozenset({
    CaseStatus.ACCEPTED, CaseStatus.MEDIATING, CaseStatus.MEDIATED, CaseStatus.TERMINATED,
    CaseStatus.REFERRED, CaseStatus.CLOSED, CaseStatus.ARCHIVED,
})

RECTIFY_DUE_SOON_DAYS = 7
EXPIRY_NOTICE_DAYS = 60


@dataclass(frozen=True)
class TrustTransition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: decided by the input (evaluate) or unchanged
    needs: tuple[str, ...] = ()


TRANSITIONS: dict[str, TrustTransition] = {
    t.action: t
    for t in (
        TrustTransition("evaluate", "评审", frozenset({APPLIED}), None, ("on", "text", "passed")),
        TrustTransition("award", "授牌", frozenset({EVALUATED}), AWARDED, ("on", "year", "certificate_no", "valid_until")),
        TrustTransition("renew", "续期（复评授牌）", frozenset({AWARDED}), AWARDED, ("on", "year", "certificate_no", "valid_until")),
        TrustTransition("revoke", "摘牌", frozenset({AWARDED, RECTIFYING, REVOCATION_PROPOSED}), REVOKED, ("on", "text")),
        TrustTransition("retain", "保留称号", frozenset({REVOCATION_PROPOSED}), AWARDED, ("on", "text")),
        TrustTransition("withdraw", "撤回申报", frozenset({APPLIED, EVALUATED}), WITHDRAWN, ("on", "text")),
        TrustTransition("revisit", "回访检查", frozenset({AWARDED, RECTIFYING, REVOCATION_PROPOSED}), None),
    )
}

OTHER_ACTIONS = {"apply": "申报", "edit": "修改申报信息", "follow_up": "整改复查", "revisit_edit": "修改回访记录",
                 "revisit_delete": "删除回访记录"}

# Why a step is refused beyond "not from this status": what the user should do instead.
_HINTS: dict[tuple[str, str], str] = {
    ("renew", RECTIFYING): "限期整改尚未完成，请先录入整改复查结果",
    ("renew", REVOCATION_PROPOSED): "回访检查建议摘牌，请先作出摘牌或保留称号的决定",
    ("renew", EVALUATED): "尚未授牌，请使用“授牌”",
    ("award", AWARDED): "已经授牌；新的年度请使用“续期”",
    ("revisit", APPLIED): "尚未授牌的单位不能回访检查",
    ("revisit", EVALUATED): "尚未授牌的单位不能回访检查",
    ("revisit", REVOKED): "已摘牌的单位不再回访检查",
}


def trust_status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def action_label(action: str) -> str:
    t = TRANSITIONS.get(action)
    return t.label if t else OTHER_ACTIONS.get(action, action)


def check_trust_transition(status: str, action: str) -> TrustTransition:
    """The transition for ``action`` from ``status``, or a refusal in Chinese saying why."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise DeskError(f"未知的办理步骤：{action}")
    if status not in t.sources:
        allowed = "、".join(trust_status_label(s) for s in sorted(t.sources, key=STATUS_ORDER.index))
        msg = f"该单位当前状态为“{trust_status_label(status)}”，不能{t.label}（只有“{allowed}”状态可以）"
        hint = _HINTS.get((action, status))
        if hint is None and status in FINAL:
            hint = "如需再次评定，请为该经营者重新申报"
        raise DeskError(f"{msg}：{hint}" if hint else msg)
    return t


def available_actions(status: str) -> list[TrustTransition]:
    return [t for t in TRANSITIONS.values() if status in t.sources and t.action != "revisit"]


# -- inputs and views -------------------------------------------------------------------------------

LABELS = {
    "business_id": "申报单位",
    "kind_code": "类型",
    "applied_date": "申报日期",
    "applicant": "申报联系人",
    "application_note": "申报材料与说明",
    "note": "备注",
    "office_id": "管理单位",
    "on": "日期",
    "text": "意见",
    "passed": "评审结果",
    "year": "年度",
    "certificate_no": "证书编号",
    "valid_until": "有效期至",
    "visit_date": "回访日期",
    "inspectors": "检查人员",
    "checks": "检查项目",
    "conclusion": "检查结论",
    "findings": "检查情况",
    "rectification_demand": "整改要求",
    "rectification_deadline": "整改期限",
    "follow_up_date": "复查日期",
    "rectified": "复查结果",
    "follow_up_note": "复查情况",
    "file": "照片",
}


@dataclass(frozen=True)
class ApplicationInput:
    business_id: int | None
    kind_code: str
    applied_date: dt.date | str | None
    applicant: str = ""
    application_note: str = ""
    note: str = ""
    office_id: int | None = None


@dataclass(frozen=True)
class StepInput:
    """What a step needs (see TRANSITIONS[...].needs): ``text`` is the evaluation, the reason
    for revocation, retention or withdrawal."""

    on: dt.date | str | None = None  # default today
    text: str = ""
    passed: bool | None = None
    year: int | str | None = None
    certificate_no: str = ""
    valid_until: dt.date | str | None = None


@dataclass(frozen=True)
class InspectorInput:
    kind: str  # staff | investigator | other
    user_id: int | None = None
    person_id: int | None = None
    name: str = ""


@dataclass(frozen=True)
class CheckInput:
    item_code: str
    passed: bool
    count: int | str | None = None
    note: str = ""


@dataclass(frozen=True)
class RevisitInput:
    visit_date: dt.date | str | None
    inspectors: tuple[InspectorInput, ...]
    checks: tuple[CheckInput, ...]
    conclusion: str  # pass | rectify | revoke
    findings: str = ""
    rectification_demand: str = ""
    rectification_deadline: dt.date | str | None = None


@dataclass(frozen=True)
class FollowUpInput:
    on: dt.date | str | None
    rectified: bool | None
    note: str = ""


@dataclass(frozen=True)
class AwardView:
    kind: str
    year: int
    certificate_no: str
    awarded_date: dt.date
    valid_until: dt.date


@dataclass(frozen=True)
class EventView:
    at: dt.datetime
    event_date: dt.date
    username: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str | None
    detail: str


@dataclass(frozen=True)
class InspectorView:
    kind: str
    user_id: int | None
    person_id: int | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.name}（{INSPECTOR_KINDS.get(self.kind, self.kind)}）"


@dataclass(frozen=True)
class CheckView:
    item_code: str
    item_name: str
    passed: bool
    count: int | None
    note: str


@dataclass(frozen=True)
class FlaggedComplaint:
    complaint_id: int
    case_no: str
    accepted_date: dt.date
    status: str
    status_label: str
    since_last_revisit: bool


@dataclass(frozen=True)
class RevisitRow:
    id: int
    unit_id: int
    business_name: str
    visit_date: dt.date
    conclusion: str
    conclusion_label: str
    failed_items: tuple[str, ...]
    inspectors: str
    rectification_deadline: dt.date | None
    follow_up_date: dt.date | None
    follow_up_result: str | None
    photo_count: int

    @property
    def rectification_label(self) -> str:
        if self.conclusion != "rectify":
            return ""
        if self.follow_up_result:
            return FOLLOW_UP_RESULTS.get(self.follow_up_result, self.follow_up_result)
        if self.rectification_deadline and self.rectification_deadline < clock.today():
            return "逾期未复查"
        return "整改中"


@dataclass(frozen=True)
class RevisitView:
    id: int
    unit_id: int
    business_name: str
    visit_date: dt.date
    conclusion: str
    conclusion_label: str
    findings: str
    rectification_demand: str
    rectification_deadline: dt.date | None
    follow_up_date: dt.date | None
    follow_up_result: str | None
    follow_up_note: str
    recorded_by: str
    version: int
    inspectors: tuple[InspectorView, ...] = ()
    checks: tuple[CheckView, ...] = ()
    photos: tuple[PhotoView, ...] = ()


@dataclass(frozen=True)
class TrustUnitRow:
    id: int
    business_id: int
    business_name: str
    credit_code: str | None
    township: str
    office_id: int
    kind_code: str
    kind_name: str
    status: str
    status_label: str
    applied_date: dt.date
    award_year: int | None
    certificate_no: str | None
    valid_until: dt.date | None
    last_revisit_date: dt.date | None
    last_conclusion: str | None
    complaints: int  # accepted complaints since the first award

    @property
    def expired(self) -> bool:
        return self.status in HOLDING and self.valid_until is not None and self.valid_until < clock.today()


@dataclass(frozen=True)
class TrustUnitView:
    id: int
    business_id: int
    business_name: str
    credit_code: str | None
    business_address: str
    contact_person: str
    business_phone: str
    township: str
    office_id: int
    office_name: str
    kind_code: str
    kind_name: str
    status: str
    status_label: str
    applied_date: dt.date
    applicant: str
    application_note: str
    evaluation_date: dt.date | None
    evaluation: str
    evaluation_passed: bool | None
    award_year: int | None
    certificate_no: str | None
    awarded_date: dt.date | None
    first_awarded_date: dt.date | None
    valid_until: dt.date | None
    revoked_date: dt.date | None
    revocation_reason: str
    closed_date: dt.date | None
    note: str
    version: int
    awards: tuple[AwardView, ...] = ()
    revisits: tuple[RevisitRow, ...] = ()
    events: tuple[EventView, ...] = ()
    complaints: tuple[FlaggedComplaint, ...] = ()

    @property
    def holding(self) -> bool:
        return self.status in HOLDING

    @property
    def expired(self) -> bool:
        return self.holding and self.valid_until is not None and self.valid_until < clock.today()


@dataclass(frozen=True)
class TrustUnitFilter:
    keyword: str = ""
    statuses: tuple[str, ...] = ()
    holding_only: bool = False
    kind_code: str | None = None
    office_id: int | None = None
    award_year: int | None = None


@dataclass(frozen=True)
class RevisitFilter:
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    conclusion: str | None = None
    unit_id: int | None = None
    office_id: int | None = None
    open_rectification: bool = False  # 限期整改 not yet followed up


@dataclass(frozen=True)
class TrustFlag:
    """What a case shows when its business holds the title (or did when the case came)."""

    unit_id: int
    business_id: int
    business_name: str
    kind_name: str
    status: str
    status_label: str
    certificate_no: str | None
    valid_until: dt.date | None

    @property
    def text(self) -> str:
        parts = [f"证书 {self.certificate_no}"] if self.certificate_no else []
        if self.valid_until:
            parts.append(f"有效期至 {self.valid_until:%Y-%m-%d}")
        if self.status != AWARDED:
            parts.append(self.status_label)
        return f"该经营者是{self.kind_name}（{'，'.join(parts)}）" if parts else f"该经营者是{self.kind_name}"


@dataclass(frozen=True)
class InspectorChoice:
    kind: str
    user_id: int | None
    person_id: int | None
    name: str

    @property
    def label(self) -> str:
        return f"{self.name}（{INSPECTOR_KINDS.get(self.kind, self.kind)}）"


@dataclass(frozen=True)
class TrustWorkItem:
    kind: str  # revisit_due | rectify_due | rectify_overdue | complaint | revocation | expiring
    unit_id: int
    business_name: str
    text: str
    due: dt.date | None
    overdue: bool
    revisit_id: int | None = None


@dataclass(frozen=True)
class ItemProblems:
    code: str
    name: str
    checked: int
    failed: int

    @property
    def fail_share(self) -> Decimal | None:
        return (Decimal(self.failed) * 100 / Decimal(self.checked)).quantize(Decimal("0.01")) if self.checked else None


@dataclass(frozen=True)
class SummaryRow:
    unit_id: int
    business_name: str
    kind_name: str
    visit_dates: tuple[dt.date, ...]
    first_conclusion: str
    problems: tuple[str, ...]
    rectification: str  # 已整改 / 未按期整改 / 整改中 / ''
    revoked: bool


@dataclass(frozen=True)
class RevisitSummary:
    """The year's revisit work (the definitions are in ``TrustUnitService.revisit_summary``)."""

    year: int
    office_id: int | None
    units_holding: int
    units_visited: int
    revisits: int
    units_passed: int
    rectify_demanded: int
    rectified: int
    not_rectified: int
    rectify_pending: int
    revoke_proposed: int
    units_revoked: int
    education_activities: int
    units_without_education: int
    items: tuple[ItemProblems, ...] = ()
    rows: tuple[SummaryRow, ...] = ()
    not_visited: tuple[str, ...] = ()

    @property
    def pass_share(self) -> Decimal | None:
        """Units passing at their first revisit of the year, percent of units visited."""
        if not self.units_visited:
            return None
        return (Decimal(self.units_passed) * 100 / Decimal(self.units_visited)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class _Derived:
    status: str
    detail: str = ""


# -- the service -----------------------------------------------------------------------------------------


class TrustUnitService(Service):
    # -- vocabularies ----------------------------------------------------------------------------
    def kinds(self, *, include_inactive: bool = False) -> list[RegisterVocabView]:
        with self.desk.read() as s:
            return list_vocab(s, "trust_kind", include_inactive)

    def checklist(self, *, include_inactive: bool = False) -> list[RegisterVocabView]:
        """The revisit checklist items (an admin edits them through desk.outreach.add_vocab /
        rename_vocab / set_vocab_active with kind "revisit_check")."""
        with self.desk.read() as s:
            return list_vocab(s, "revisit_check", include_inactive)

    def inspector_choices(self) -> list[InspectorChoice]:
        """Active staff users, then the roster's investigators (义务调查员) when the roster
        module is installed; anyone else is typed in as a name."""
        self.desk.require_login()
        with self.desk.read() as s:
            out = [InspectorChoice("staff", r.id, None, r.display_name)
                   for r in s.execute(select(User.id, User.display_name).where(User.active.is_(True)).order_by(User.id))]
        out.extend(_roster_investigators(self.desk))
        return out

    # -- reading ---------------------------------------------------------------------------------
    def _unit(self, s: Session, unit_id: int, *, lock: bool = False) -> TrustUnit:
        q = select(TrustUnit).where(TrustUnit.id == unit_id)
        if lock:
            q = q.with_for_update()
        u = s.scalars(q).first()
        if u is None:
            raise NotFound("找不到该诚信单位记录")
        return u

    def _flagged(self, s: Session, unit: TrustUnit, last_visit: dt.date | None) -> tuple[FlaggedComplaint, ...]:
        if unit.first_awarded_date is None:
            return ()
        rows = s.execute(select(Complaint.id, Complaint.case_no, Complaint.accepted_date, Complaint.status)
                         .where(Complaint.business_id == unit.business_id, Complaint.accepted_date.is_not(None),
                                Complaint.accepted_date >= unit.first_awarded_date,
                                Complaint.status.in_([x.value for x in ACCEPTED_OR_LATER]))
                         .order_by(Complaint.accepted_date.desc(), Complaint.id.desc())).all()
        return tuple(FlaggedComplaint(r.id, r.case_no, r.accepted_date, r.status, case_status_label(r.status),
                                      last_visit is None or r.accepted_date > last_visit) for r in rows)

    def _revisit_rows(self, s: Session, q: Any) -> list[RevisitRow]:
        revisits = list(s.execute(q).all())
        ids = [r.Revisit.id for r in revisits]
        failed: dict[int, list[str]] = {}
        inspectors: dict[int, list[str]] = {}
        photos: dict[int, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in s.execute(select(RevisitCheck.revisit_id, RevisitCheck.item_name).where(
                    RevisitCheck.revisit_id.in_(chunk), RevisitCheck.passed.is_(False)).order_by(RevisitCheck.id)):
                failed.setdefault(r.revisit_id, []).append(r.item_name)
            for r in s.execute(select(RevisitInspector.revisit_id, RevisitInspector.name).where(
                    RevisitInspector.revisit_id.in_(chunk)).order_by(RevisitInspector.id)):
                inspectors.setdefault(r.revisit_id, []).append(r.name)
            photos.update(dict(s.execute(select(RevisitPhoto.revisit_id, func.count()).where(
                RevisitPhoto.revisit_id.in_(chunk)).group_by(RevisitPhoto.revisit_id)).all()))
        return [RevisitRow(r.Revisit.id, r.Revisit.unit_id, r.business_name, r.Revisit.visit_date, r.Revisit.conclusion,
                           CONCLUSIONS.get(r.Revisit.conclusion, r.Revisit.conclusion), tuple(failed.get(r.Revisit.id, ())),
                           "、".join(inspectors.get(r.Revisit.id, ())), r.Revisit.rectification_deadline,
                           r.Revisit.follow_up_date, r.Revisit.follow_up_result, int(photos.get(r.Revisit.id, 0)))
                for r in revisits]

    def _view(self, s: Session, u: TrustUnit) -> TrustUnitView:
        b = s.get(Business, u.business_id)
        kinds = vocab_names(s, "trust_kind")
        awards = tuple(AwardView(a.kind, a.year, a.certificate_no, a.awarded_date, a.valid_until)
                       for a in s.scalars(select(TrustAward).where(TrustAward.unit_id == u.id).order_by(TrustAward.awarded_date, TrustAward.id)))
        revisits = tuple(self._revisit_rows(s, select(Revisit, Business.name.label("business_name"))
                                            .join(TrustUnit, TrustUnit.id == Revisit.unit_id)
                                            .join(Business, Business.id == TrustUnit.business_id)
                                            .where(Revisit.unit_id == u.id).order_by(Revisit.visit_date.desc(), Revisit.id.desc())))
        events = tuple(EventView(e.at, e.event_date, e.username, e.action, action_label(e.action), e.from_status, e.to_status, e.detail)
                       for e in s.scalars(select(TrustUnitEvent).where(TrustUnitEvent.unit_id == u.id).order_by(TrustUnitEvent.id)))
        last_visit = revisits[0].visit_date if revisits else None
        return TrustUnitView(
            id=u.id, business_id=u.business_id, business_name=b.name if b else "", credit_code=b.credit_code if b else None,
            business_address=b.address if b else "", contact_person=b.contact_person if b else "",
            business_phone=b.phone if b else "", township=b.township if b else "", office_id=u.office_id,
            office_name=office_names(s).get(u.office_id, ""), kind_code=u.kind_code, kind_name=kinds.get(u.kind_code, u.kind_code),
            status=u.status, status_label=trust_status_label(u.status), applied_date=u.applied_date, applicant=u.applicant,
            application_note=u.application_note, evaluation_date=u.evaluation_date, evaluation=u.evaluation,
            evaluation_passed=u.evaluation_passed, award_year=u.award_year, certificate_no=u.certificate_no,
            awarded_date=u.awarded_date, first_awarded_date=u.first_awarded_date, valid_until=u.valid_until,
            revoked_date=u.revoked_date, revocation_reason=u.revocation_reason, closed_date=u.closed_date, note=u.note,
            version=u.version, awards=awards, revisits=revisits, events=events,
            complaints=self._flagged(s, u, last_visit),
        )

    def get(self, unit_id: int) -> TrustUnitView:
        self.desk.require_login()
        with self.desk.read() as s:
            return self._view(s, self._unit(s, unit_id))

    def list_units(self, f: TrustUnitFilter = TrustUnitFilter()) -> list[TrustUnitRow]:
        self.desk.require_login()
        q = (select(TrustUnit, Business.name, Business.credit_code, Business.township)
             .join(Business, Business.id == TrustUnit.business_id))
        if f.keyword.strip():
            pat = like_pattern(f.keyword)
            q = q.where(or_(Business.search_name.like(pat, escape=ESCAPE), Business.credit_code.like(pat.upper(), escape=ESCAPE),
                            TrustUnit.certificate_no.like(pat.upper(), escape=ESCAPE)))
        if f.statuses:
            q = q.where(TrustUnit.status.in_(f.statuses))
        if f.holding_only:
            q = q.where(TrustUnit.status.in_(HOLDING))
        if f.kind_code:
            q = q.where(TrustUnit.kind_code == f.kind_code)
        if f.office_id:
            q = q.where(TrustUnit.office_id == f.office_id)
        if f.award_year:
            q = q.where(TrustUnit.award_year == f.award_year)
        q = q.order_by(Business.name, TrustUnit.id)
        with self.desk.read() as s:
            kinds = vocab_names(s, "trust_kind")
            rows = s.execute(q).all()
            last = {r.unit_id: (r.visit_date, r.conclusion) for r in s.execute(
                select(Revisit.unit_id, Revisit.visit_date, Revisit.conclusion).order_by(Revisit.unit_id, Revisit.visit_date, Revisit.id))}
            counts = dict(s.execute(
                select(TrustUnit.id, func.count(Complaint.id))
                .join(Complaint, and_(Complaint.business_id == TrustUnit.business_id, Complaint.accepted_date.is_not(None),
                                      Complaint.accepted_date >= TrustUnit.first_awarded_date,
                                      Complaint.status.in_([x.value for x in ACCEPTED_OR_LATER])))
                .group_by(TrustUnit.id)).all())
            return [TrustUnitRow(u.id, u.business_id, name, code, township or "", u.office_id, u.kind_code,
                                 kinds.get(u.kind_code, u.kind_code), u.status, trust_status_label(u.status), u.applied_date,
                                 u.award_year, u.certificate_no, u.valid_until, last.get(u.id, (None, None))[0],
                                 last.get(u.id, (None, None))[1], int(counts.get(u.id, 0)))
                    for u, name, code, township in rows]

    # -- application and steps ---------------------------------------------------------------------
    def _event(self, s: Session, u: TrustUnit, action: str, before: str | None, after: str | None, on: dt.date, detail: str) -> None:
        s.add(TrustUnitEvent(unit_id=u.id, event_date=on, username=actor_name(self.desk), action=action,
                             from_status=before, to_status=after, detail=detail))

    def apply(self, inp: ApplicationInput) -> TrustUnitView:
        """Register an application (申报). A business with a live record (applied, evaluated
        or holding the title) cannot apply twice."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            c = Checker(LABELS)
            b = s.get(Business, inp.business_id) if inp.business_id else None
            if inp.business_id is None:
                c.add("business_id", "请从经营者名录中选择申报单位")
            elif b is None:
                c.add("business_id", "找不到该经营者（可能已被删除）")
            else:
                live = s.scalar(select(TrustUnit).where(TrustUnit.business_id == b.id, TrustUnit.status.not_in(FINAL)))
                if live is not None:
                    c.add("business_id", f"“{b.name}”已有{trust_status_label(live.status)}的记录，不能重复申报")
            kind = self._kind(s, c, inp.kind_code, None)
            applied = date_value(c, "applied_date", inp.applied_date, not_after=clock.today())
            values = dict(applicant=text_value(c, "applicant", inp.applicant, 60),
                          application_note=text_value(c, "application_note", inp.application_note, 4000),
                          note=text_value(c, "note", inp.note, 4000))
            office_id = office_for(s, self.desk, inp.office_id, c)
            c.raise_if_any()
            u = TrustUnit(business_id=b.id, office_id=office_id, kind_code=kind, status=APPLIED, applied_date=applied, **values)  # type: ignore[union-attr]
            s.add(u)
            s.flush()
            self._event(s, u, "apply", None, APPLIED, applied, f"申报{vocab_names(s, 'trust_kind').get(kind, kind)}")  # type: ignore[arg-type]
            s.flush()
            return self._view(s, u)

    def _kind(self, s: Session, c: Checker, code: str, own: str | None) -> str:
        code = (code or "").strip()
        active = set(s.scalars(select(RegisterVocab.code).where(RegisterVocab.kind == "trust_kind", RegisterVocab.active.is_(True))))
        if not code:
            c.add("kind_code", "请选择类型")
        elif code not in active and code != own:
            c.add("kind_code", "未知或已停用的类型")
        return code

    def update_application(self, unit_id: int, started_from: TrustUnitView, inp: ApplicationInput) -> TrustUnitView:
        """Correct the application's details (type, date, contact, notes); the business of an
        application is not changed (withdraw it and apply for the other business)."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            u = self._unit(s, unit_id)
            check_version("诚信单位", started_from.version, u, self._view(s, u), started_from,
                          ignore=("revisits", "events", "complaints", "awards"))
            c = Checker(LABELS)
            if inp.business_id is not None and inp.business_id != u.business_id:
                c.add("business_id", "申报单位不能更改；如申报错了单位，请撤回后为正确的单位重新申报")
            kind = self._kind(s, c, inp.kind_code, u.kind_code)
            applied = date_value(c, "applied_date", inp.applied_date, not_after=clock.today())
            if applied and u.evaluation_date and applied > u.evaluation_date:
                c.add("applied_date", f"不能晚于评审日期（{u.evaluation_date.isoformat()}）")
            applicant = text_value(c, "applicant", inp.applicant, 60)
            note_a = text_value(c, "application_note", inp.application_note, 4000)
            note = text_value(c, "note", inp.note, 4000)
            office_id = office_for(s, self.desk, inp.office_id if inp.office_id is not None else u.office_id, c)
            c.raise_if_any()
            changed = [LABELS[k] for k, v in (("kind_code", kind), ("applied_date", applied), ("applicant", applicant),
                                                ("application_note", note_a), ("note", note), ("office_id", office_id))
                       if getattr(u, k) != v]
            u.kind_code, u.applied_date, u.applicant, u.application_note, u.note = kind, applied, applicant, note_a, note  # type: ignore[assignment]
            u.office_id = office_id  # type: ignore[assignment]
            if changed:
                self._event(s, u, "edit", u.status, u.status, clock.today(), "修改：" + "、".join(changed))
            s.flush()
            return self._view(s, u)

    def act(self, unit_id: int, action: str, expected_version: int, inp: StepInput = StepInput()) -> TrustUnitView:
        """Apply a step of the state machine (evaluate, award, renew, revoke, retain, withdraw).
        Refusals are in Chinese; ``expected_version`` guards against a change made meanwhile."""
        self.desk.require(Perm.EDIT_REGISTERS)
        if action == "revisit":
            raise DeskError("回访检查请使用“新增回访记录”")
        with self.desk.write() as s:
            u = self._unit(s, unit_id, lock=True)
            if u.version != expected_version:
                raise ConflictError("该诚信单位记录刚被其他用户修改过，您的操作没有执行。请查看最新状态后重试。",
                                    current=self._view(s, u))
            t = check_trust_transition(u.status, action)
            c = Checker(LABELS)
            today = clock.today()
            on = date_value(c, "on", inp.on if inp.on not in (None, "") else today, not_after=today)
            reason = text_value(c, "text", inp.text, 4000, required="text" in t.needs)
            before = u.status
            detail = ""
            if action == "evaluate":
                if inp.passed is None:
                    c.add("passed", "请选择评审通过或未通过")
                if on and on < u.applied_date:
                    c.add("on", f"不能早于申报日期（{u.applied_date.isoformat()}）")
                c.raise_if_any()
                u.evaluation_date, u.evaluation, u.evaluation_passed = on, reason, bool(inp.passed)
                u.status = EVALUATED if inp.passed else REJECTED
                if not inp.passed:
                    u.closed_date = on
                detail = f"评审{'通过' if inp.passed else '未通过'}：{reason}"
            elif action in ("award", "renew"):
                year, cert, valid = self._award_fields(s, c, u, inp, on, renew=action == "renew")
                c.raise_if_any()
                s.add(TrustAward(unit_id=u.id, kind="award" if action == "award" else "renewal", year=year, certificate_no=cert,
                                 awarded_date=on, valid_until=valid))
                u.award_year, u.certificate_no, u.awarded_date, u.valid_until = year, cert, on, valid
                if u.first_awarded_date is None:
                    u.first_awarded_date = on
                u.status = AWARDED
                detail = f"{year}年度，证书编号 {cert}，有效期至 {valid:%Y-%m-%d}"  # type: ignore[union-attr]
            elif action == "revoke":
                if on and u.awarded_date and on < u.awarded_date:
                    c.add("on", f"不能早于授牌日期（{u.awarded_date.isoformat()}）")
                c.raise_if_any()
                u.status, u.revoked_date, u.revocation_reason = REVOKED, on, reason
                detail = f"摘牌原因：{reason}"
            elif action == "retain":
                c.raise_if_any()
                u.status = AWARDED
                detail = f"保留称号：{reason}"
            elif action == "withdraw":
                if on and on < u.applied_date:
                    c.add("on", f"不能早于申报日期（{u.applied_date.isoformat()}）")
                c.raise_if_any()
                u.status, u.closed_date = WITHDRAWN, on
                detail = f"撤回原因：{reason}"
            self._event(s, u, action, before, u.status, on, detail)  # type: ignore[arg-type]
            s.flush()
            return self._view(s, u)

    def _award_fields(self, s: Session, c: Checker, u: TrustUnit, inp: StepInput, on: dt.date | None,
                      *, renew: bool) -> tuple[int, str, dt.date]:
        year: int | None = None
        raw = inp.year
        if raw in (None, ""):
            c.add("year", "请输入年度")
        else:
            try:
                year = int(str(raw).strip().rstrip("年度").strip())
            except ValueError:
                c.add("year", f"“{raw}”不是年份")
        if year is not None and on is not None and not (on.year - 1 <= year <= on.year + 1):
            c.add("year", f"年度应与授牌日期相近（{on.year - 1}–{on.year + 1}）")
            year = None
        if renew and year is not None and u.award_year is not None and year <= u.award_year:
            c.add("year", f"续期的年度应晚于现有的{u.award_year}年度")
        cert = text_value(c, "certificate_no", inp.certificate_no, 40, required=True).upper()
        if cert and s.scalar(select(TrustAward.id).where(TrustAward.certificate_no == cert)):
            c.add("certificate_no", f"证书编号“{cert}”已被使用")
        if on is not None:
            if not renew and u.evaluation_date and on < u.evaluation_date:
                c.add("on", f"不能早于评审日期（{u.evaluation_date.isoformat()}）")
            if renew and u.awarded_date and on <= u.awarded_date:
                c.add("on", f"应晚于上次授牌日期（{u.awarded_date.isoformat()}）")
        valid = date_value(c, "valid_until", inp.valid_until)
        if valid and on:
            if valid <= on:
                c.add("valid_until", "有效期应晚于授牌日期")
            elif (valid - on).days > 6 * 366:
                c.add("valid_until", "有效期超过6年，请核对")
        return year, cert, valid  # type: ignore[return-value]

    # -- revisits ----------------------------------------------------------------------------------------
    def _revisit_values(self, s: Session, u: TrustUnit, inp: RevisitInput, own: Revisit | None) -> tuple[dict[str, Any], list[RevisitInspector], list[RevisitCheck]]:
        c = Checker(LABELS)
        today = clock.today()
        visit = date_value(c, "visit_date", inp.visit_date, not_after=today)
        if visit and u.first_awarded_date and visit < u.first_awarded_date:
            c.add("visit_date", f"不能早于授牌日期（{u.first_awarded_date.isoformat()}）")
        if visit and u.revoked_date and visit > u.revoked_date:
            c.add("visit_date", f"不能晚于摘牌日期（{u.revoked_date.isoformat()}）")
        # inspectors
        inspectors: list[RevisitInspector] = []
        seen: set[tuple[str, object]] = set()
        users = {r.id: r.display_name for r in s.execute(select(User.id, User.display_name))}
        roster = _roster_names(s, [i.person_id for i in inp.inspectors if i.kind == "investigator" and i.person_id])
        for i, ins in enumerate(inp.inspectors, start=1):
            name = (ins.name or "").strip()
            if ins.kind not in INSPECTOR_KINDS:
                c.add("inspectors", f"第{i}位检查人员的身份不明")
                continue
            if ins.kind == "staff":
                if ins.user_id not in users:
                    c.add("inspectors", f"第{i}位检查人员不是本系统的用户")
                    continue
                name = name or users[ins.user_id]  # type: ignore[index]
            if ins.kind == "investigator" and ins.person_id is not None and roster is not None:
                found = roster.get(ins.person_id)
                if found is None or found[0] != "investigator":
                    c.add("inspectors", f"第{i}位检查人员不在义务调查员名册中")
                    continue
                name = name or found[1]
            if not name:
                c.add("inspectors", f"第{i}位检查人员没有填写姓名")
                continue
            if len(name) > 60:
                c.add("inspectors", f"检查人员“{name[:10]}…”的姓名超过60个字")
                continue
            key = ("user", ins.user_id) if ins.kind == "staff" else ("person", ins.person_id) if ins.person_id else ("name", name)
            if key in seen:
                continue
            seen.add(key)
            inspectors.append(RevisitInspector(kind=ins.kind, user_id=ins.user_id if ins.kind == "staff" else None,
                                               person_id=ins.person_id if ins.kind == "investigator" else None, name=name))
        if not inspectors and "inspectors" not in c.errors:
            c.add("inspectors", "请至少填写一名检查人员")
        # checklist
        items = {v.code: v for v in list_vocab(s, "revisit_check", include_inactive=True)}
        earlier = {ch.item_code for ch in own.checks} if own is not None else set()
        checks: list[RevisitCheck] = []
        given: set[str] = set()
        for ch in inp.checks:
            item = items.get(ch.item_code)
            if item is None or (not item.active and ch.item_code not in earlier):
                c.add("checks", f"未知或已停用的检查项目：{ch.item_code}")
                continue
            if ch.item_code in given:
                c.add("checks", f"检查项目“{item.name}”填写了两次")
                continue
            given.add(ch.item_code)
            count = None
            if item.counted:
                cc = Checker({})
                count = count_value(cc, "count", ch.count, maximum=10_000)
                if cc.errors:
                    c.add("checks", f"“{item.name}”：{cc.errors['count']}")
                    continue
            note = (ch.note or "").strip()
            if len(note) > 500:
                c.add("checks", f"“{item.name}”的说明超过500个字")
                continue
            if ch.passed is None:
                c.add("checks", f"检查项目“{item.name}”没有填写结果")
                continue
            checks.append(RevisitCheck(item_code=item.code, item_name=item.name, passed=bool(ch.passed), count=count, note=note))
        missing = [v.name for v in items.values() if v.active and v.code not in given]
        if missing and "checks" not in c.errors:
            c.add("checks", f"以下检查项目没有填写结果：{'、'.join(missing)}")
        # conclusion and rectification
        if inp.conclusion not in CONCLUSIONS:
            c.add("conclusion", "请选择检查结论（合格、限期整改或建议摘牌）")
        deadline = date_value(c, "rectification_deadline", inp.rectification_deadline, required=inp.conclusion == "rectify")
        demand = text_value(c, "rectification_demand", inp.rectification_demand, 4000, required=inp.conclusion == "rectify")
        if inp.conclusion == "rectify" and deadline and visit and deadline <= visit:
            c.add("rectification_deadline", "整改期限应晚于回访日期")
        if inp.conclusion == "pass" and deadline:
            c.add("rectification_deadline", "结论为合格时不需要整改期限")
        findings = text_value(c, "findings", inp.findings, 8000)
        if own is not None and own.follow_up_date and inp.conclusion != "rectify":
            c.add("conclusion", "该次回访已录入整改复查结果，结论不能再改为非“限期整改”")
        c.raise_if_any()
        values = dict(visit_date=visit, conclusion=inp.conclusion, findings=findings, rectification_demand=demand,
                      rectification_deadline=deadline if inp.conclusion != "pass" else None)
        return values, inspectors, checks

    def _derive(self, s: Session, u: TrustUnit) -> _Derived | None:
        """The status the unit's latest revisit implies (None: no revisit yet)."""
        latest = s.scalars(select(Revisit).where(Revisit.unit_id == u.id).order_by(Revisit.visit_date.desc(), Revisit.id.desc())
                           .limit(1)).first()
        if latest is None:
            return None
        if latest.conclusion == "revoke":
            return _Derived(REVOCATION_PROPOSED)
        if latest.conclusion == "rectify" and latest.follow_up_result != "rectified":
            return _Derived(RECTIFYING)
        return _Derived(AWARDED)

    def _apply_derived(self, s: Session, u: TrustUnit, revisit: Revisit, on: dt.date, action: str, detail: str) -> None:
        before = u.status
        latest_id = s.scalar(select(Revisit.id).where(Revisit.unit_id == u.id).order_by(Revisit.visit_date.desc(), Revisit.id.desc()).limit(1))
        derived = self._derive(s, u) if latest_id == revisit.id else None
        if derived is not None and u.status in HOLDING:
            u.status = derived.status
        self._event(s, u, action, before, u.status, on, detail)

    def record_revisit(self, unit_id: int, inp: RevisitInput) -> RevisitView:
        """Record a 回访检查; its conclusion sets the unit's status when it is the latest visit."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            u = self._unit(s, unit_id, lock=True)
            check_trust_transition(u.status, "revisit")
            values, inspectors, checks = self._revisit_values(s, u, inp, None)
            r = Revisit(unit_id=u.id, recorded_by=actor_name(self.desk), **values)
            r.inspectors = inspectors
            r.checks = checks
            s.add(r)
            s.flush()
            failed = [ch.item_name for ch in checks if not ch.passed]
            detail = f"结论：{CONCLUSIONS[r.conclusion]}" + (f"；问题：{'、'.join(failed)}" if failed else "")
            if r.rectification_deadline:
                detail += f"；整改期限 {r.rectification_deadline:%Y-%m-%d}"
            self._apply_derived(s, u, r, r.visit_date, "revisit", detail)
            s.flush()
            return self._revisit_view(s, r)

    def update_revisit(self, revisit_id: int, started_from: RevisitView, inp: RevisitInput) -> RevisitView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            r = self._revisit(s, revisit_id)
            u = self._unit(s, r.unit_id, lock=True)
            check_version("回访", started_from.version, r, self._revisit_view(s, r), started_from, ignore=("photos",))
            if u.status not in HOLDING and u.status != REVOKED:
                raise DeskError("该单位已不在诚信单位之列，不能修改回访记录")
            values, inspectors, checks = self._revisit_values(s, u, inp, r)
            for k, v in values.items():
                setattr(r, k, v)
            old_ins = [(i.kind, i.user_id, i.person_id, i.name) for i in r.inspectors]
            if old_ins != [(i.kind, i.user_id, i.person_id, i.name) for i in inspectors]:
                r.inspectors.clear()
                s.flush()
                r.inspectors.extend(inspectors)
            old_checks = {(ch.item_code, ch.passed, ch.count, ch.note) for ch in r.checks}
            if old_checks != {(ch.item_code, ch.passed, ch.count, ch.note) for ch in checks}:
                r.checks.clear()
                s.flush()
                r.checks.extend(checks)
            if not s.is_modified(r, include_collections=False):
                r.updated_at = clock.now()  # children changed: move the version on
            s.flush()
            if u.status in HOLDING:
                self._apply_derived(s, u, r, clock.today(), "revisit_edit", f"修改 {r.visit_date:%Y-%m-%d} 的回访记录")
            else:
                self._event(s, u, "revisit_edit", u.status, u.status, clock.today(), f"修改 {r.visit_date:%Y-%m-%d} 的回访记录")
            s.flush()
            return self._revisit_view(s, r)

    def delete_revisit(self, revisit_id: int, started_from: RevisitView) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            r = s.get(Revisit, revisit_id)
            if r is None:
                return
            u = self._unit(s, r.unit_id, lock=True)
            check_version("回访", started_from.version, r, self._revisit_view(s, r), started_from, ignore=("photos",))
            visit = r.visit_date
            for p in s.scalars(select(RevisitPhoto).where(RevisitPhoto.revisit_id == r.id)):
                s.delete(p)
            s.flush()  # photos first (audited), or the database's cascade removes them unseen
            s.delete(r)
            s.flush()
            before = u.status
            if u.status in HOLDING:
                derived = self._derive(s, u)
                u.status = derived.status if derived else AWARDED
            self._event(s, u, "revisit_delete", before, u.status, clock.today(), f"删除 {visit:%Y-%m-%d} 的回访记录")

    def record_follow_up(self, revisit_id: int, expected_version: int, inp: FollowUpInput) -> RevisitView:
        """整改复查: record whether a 限期整改 was done; done returns the unit to 已授牌 (when
        that revisit is its latest)."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            r = self._revisit(s, revisit_id)
            u = self._unit(s, r.unit_id, lock=True)
            if r.version != expected_version:
                raise ConflictError("该回访记录刚被其他用户修改过，复查结果没有保存。请查看最新内容后重试。",
                                    current=self._revisit_view(s, r))
            if r.conclusion != "rectify":
                raise DeskError(f"该次回访的结论为“{CONCLUSIONS.get(r.conclusion, r.conclusion)}”，没有要求整改，不需要复查")
            if u.status not in HOLDING:
                raise DeskError(f"该单位当前状态为“{trust_status_label(u.status)}”，不能再录入整改复查")
            c = Checker(LABELS)
            on = date_value(c, "follow_up_date", inp.on, not_after=clock.today())
            if on and on < r.visit_date:
                c.add("follow_up_date", f"不能早于回访日期（{r.visit_date.isoformat()}）")
            if inp.rectified is None:
                c.add("rectified", "请选择已整改或未按期整改")
            note = text_value(c, "follow_up_note", inp.note, 4000)
            c.raise_if_any()
            r.follow_up_date, r.follow_up_result, r.follow_up_note = on, "rectified" if inp.rectified else "not_rectified", note
            s.flush()
            late = " （晚于整改期限）" if on and r.rectification_deadline and on > r.rectification_deadline else ""
            self._apply_derived(s, u, r, on, "follow_up",  # type: ignore[arg-type]
                                f"{r.visit_date:%Y-%m-%d} 回访要求的整改：{FOLLOW_UP_RESULTS[r.follow_up_result]}{late}"
                                + (f"；{note}" if note else ""))
            s.flush()
            return self._revisit_view(s, r)

    def _revisit(self, s: Session, revisit_id: int) -> Revisit:
        r = s.get(Revisit, revisit_id)
        if r is None:
            raise NotFound("找不到该回访记录")
        return r

    def _revisit_view(self, s: Session, r: Revisit) -> RevisitView:
        name = s.scalar(select(Business.name).join(TrustUnit, TrustUnit.business_id == Business.id).where(TrustUnit.id == r.unit_id)) or ""
        photos = tuple(PhotoView(p.id, p.filename, p.size, p.sha256, p.note, p.uploaded_at, p.uploaded_by)
                       for p in s.scalars(select(RevisitPhoto).where(RevisitPhoto.revisit_id == r.id).order_by(RevisitPhoto.id)))
        return RevisitView(
            id=r.id, unit_id=r.unit_id, business_name=name, visit_date=r.visit_date, conclusion=r.conclusion,
            conclusion_label=CONCLUSIONS.get(r.conclusion, r.conclusion), findings=r.findings,
            rectification_demand=r.rectification_demand, rectification_deadline=r.rectification_deadline,
            follow_up_date=r.follow_up_date, follow_up_result=r.follow_up_result, follow_up_note=r.follow_up_note,
            recorded_by=r.recorded_by, version=r.version,
            inspectors=tuple(InspectorView(i.kind, i.user_id, i.person_id, i.name) for i in r.inspectors),
            checks=tuple(CheckView(ch.item_code, ch.item_name, ch.passed, ch.count, ch.note) for ch in r.checks),
            photos=photos,
        )

    def get_revisit(self, revisit_id: int) -> RevisitView:
        self.desk.require_login()
        with self.desk.read() as s:
            return self._revisit_view(s, self._revisit(s, revisit_id))

    def list_revisits(self, f: RevisitFilter = RevisitFilter()) -> list[RevisitRow]:
        self.desk.require_login()
        q = (select(Revisit, Business.name.label("business_name")).join(TrustUnit, TrustUnit.id == Revisit.unit_id)
             .join(Business, Business.id == TrustUnit.business_id))
        if f.year:
            q = q.where(Revisit.visit_date.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)))
        if f.date_from:
            q = q.where(Revisit.visit_date >= f.date_from)
        if f.date_to:
            q = q.where(Revisit.visit_date <= f.date_to)
        if f.conclusion:
            q = q.where(Revisit.conclusion == f.conclusion)
        if f.unit_id:
            q = q.where(Revisit.unit_id == f.unit_id)
        if f.office_id:
            q = q.where(TrustUnit.office_id == f.office_id)
        if f.open_rectification:
            q = q.where(Revisit.conclusion == "rectify", Revisit.follow_up_date.is_(None))
        q = q.order_by(Revisit.visit_date.desc(), Revisit.id.desc())
        with self.desk.read() as s:
            return self._revisit_rows(s, q)

    # -- photos ------------------------------------------------------------------------------------------
    def add_revisit_photo(self, revisit_id: int, filename: str, data: bytes, note: str = "") -> PhotoView:
        self.desk.require(Perm.EDIT_REGISTERS)
        name = clean_filename(filename, "照片")
        digest = check_file("file", LABELS, name, data, photo=True)
        with self.desk.write() as s:
            r = self._revisit(s, revisit_id)
            p = RevisitPhoto(revisit_id=r.id, filename=name, size=len(data), sha256=digest, content=data,
                             note=(note or "").strip()[:200], uploaded_by=actor_name(self.desk))
            s.add(p)
            s.flush()
            return PhotoView(p.id, p.filename, p.size, p.sha256, p.note, p.uploaded_at, p.uploaded_by)

    def add_revisit_photo_file(self, revisit_id: int, path: str | Path, note: str = "") -> PhotoView:
        name, data = read_file("file", LABELS, path)
        return self.add_revisit_photo(revisit_id, name, data, note)

    def revisit_photo(self, photo_id: int) -> tuple[str, bytes]:
        self.desk.require_login()
        with self.desk.read() as s:
            p = s.get(RevisitPhoto, photo_id)
            if p is None:
                raise NotFound("找不到该照片")
            return p.filename, p.content

    def remove_revisit_photo(self, photo_id: int) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            p = s.get(RevisitPhoto, photo_id)
            if p is not None:
                s.delete(p)

    # -- the flag on a case ------------------------------------------------------------------------------
    def flags_for_businesses(self, business_ids: Sequence[int]) -> dict[int, TrustFlag]:
        """business id → the trust unit it is now (holding the title), for many at once."""
        ids = sorted({int(i) for i in business_ids if i is not None})
        if not ids:
            return {}
        self.desk.require_login()
        out: dict[int, TrustFlag] = {}
        with self.desk.read() as s:
            kinds = vocab_names(s, "trust_kind")
            for i in range(0, len(ids), 500):
                q = (select(TrustUnit, Business.name).join(Business, Business.id == TrustUnit.business_id)
                     .where(TrustUnit.business_id.in_(ids[i:i + 500]), TrustUnit.status.in_(HOLDING)).order_by(TrustUnit.id))
                for u, name in s.execute(q):
                    out[u.business_id] = TrustFlag(u.id, u.business_id, name, kinds.get(u.kind_code, u.kind_code), u.status,
                                                   trust_status_label(u.status), u.certificate_no, u.valid_until)
        return out

    def flag_for_business(self, business_id: int | None) -> TrustFlag | None:
        """The flag a complaint against ``business_id`` shows, or None when it is no trust unit."""
        if business_id is None:
            return None
        return self.flags_for_businesses([business_id]).get(business_id)

    # -- the worklist --------------------------------------------------------------------------------------
    def worklist(self, *, today: dt.date | None = None) -> list[TrustWorkItem]:
        """Units holding the title not yet revisited this year (awarded or renewed this year
        excepted: the evaluation was the year's visit); rectifications due within 7 days or
        overdue; units with complaints accepted since their last revisit (suggest a revisit);
        revocations awaiting a decision and rectifications found not done; titles expiring
        within 60 days or expired."""
        self.desk.require_login()
        today = today or clock.today()
        year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
        out: list[TrustWorkItem] = []
        with self.desk.read() as s:
            units = s.execute(select(TrustUnit, Business.name).join(Business, Business.id == TrustUnit.business_id)
                              .where(TrustUnit.status.in_(HOLDING)).order_by(Business.name, TrustUnit.id)).all()
            unit_ids = [u.id for u, _n in units]
            last: dict[int, Revisit] = {}
            visited_this_year: set[int] = set()
            for r in s.scalars(select(Revisit).where(Revisit.unit_id.in_(unit_ids)).order_by(Revisit.visit_date, Revisit.id)):
                last[r.unit_id] = r
                if year_start <= r.visit_date <= year_end:
                    visited_this_year.add(r.unit_id)
            open_rect = {r.unit_id: r for r in s.scalars(select(Revisit).where(
                Revisit.unit_id.in_(unit_ids), Revisit.conclusion == "rectify", Revisit.follow_up_date.is_(None))
                .order_by(Revisit.rectification_deadline, Revisit.id))} if unit_ids else {}
            complaints: dict[int, list[tuple[dt.date, str]]] = {}
            if unit_ids:
                rows = s.execute(select(TrustUnit.id, Complaint.accepted_date, Complaint.case_no)
                                 .join(Complaint, Complaint.business_id == TrustUnit.business_id)
                                 .where(TrustUnit.id.in_(unit_ids), Complaint.accepted_date.is_not(None),
                                        Complaint.accepted_date >= TrustUnit.first_awarded_date,
                                        Complaint.status.in_([x.value for x in ACCEPTED_OR_LATER]))
                                 .order_by(Complaint.accepted_date, Complaint.id))
                for uid, acc, case_no in rows:
                    complaints.setdefault(uid, []).append((acc, case_no))
            for u, name in units:
                if u.id not in visited_this_year and not (u.awarded_date and u.awarded_date >= year_start):
                    out.append(TrustWorkItem("revisit_due", u.id, name, f"{name}：本年度尚未回访检查", year_end, False))
                r = open_rect.get(u.id)
                if r is not None and r.rectification_deadline is not None:
                    if r.rectification_deadline < today:
                        out.append(TrustWorkItem("rectify_overdue", u.id, name,
                                                 f"{name}：整改期限已过，尚未复查（{r.visit_date:%Y-%m-%d} 回访要求整改）",
                                                 r.rectification_deadline, True, r.id))
                    elif (r.rectification_deadline - today).days <= RECTIFY_DUE_SOON_DAYS:
                        out.append(TrustWorkItem("rectify_due", u.id, name, f"{name}：整改期限将到，请安排复查",
                                                 r.rectification_deadline, False, r.id))
                lr = last.get(u.id)
                since = lr.visit_date if lr is not None else None
                new = [(acc, no) for acc, no in complaints.get(u.id, []) if since is None or acc > since]
                if new:
                    latest = new[-1]
                    out.append(TrustWorkItem("complaint", u.id, name,
                                             f"{name}：{'回访后' if since else '授牌后'}有已受理投诉 {len(new)} 件（最近 {latest[1]}），建议回访检查",
                                             None, False))
                if u.status == REVOCATION_PROPOSED:
                    out.append(TrustWorkItem("revocation", u.id, name, f"{name}：回访检查建议摘牌，待作出决定", None, True))
                elif lr is not None and lr.follow_up_result == "not_rectified":
                    out.append(TrustWorkItem("revocation", u.id, name, f"{name}：未按期整改，请决定再次检查或摘牌", None, True,
                                             lr.id))
                if u.valid_until is not None and (u.valid_until - today).days <= EXPIRY_NOTICE_DAYS:
                    expired = u.valid_until < today
                    out.append(TrustWorkItem("expiring", u.id, name,
                                             f"{name}：称号{'已于' if expired else '将于'} {u.valid_until:%Y-%m-%d} 到期，请安排复评续期",
                                             u.valid_until, expired))
        return out

    # -- the yearly summary -------------------------------------------------------------------------------
    def revisit_summary(self, year: int, office_id: int | None = None) -> RevisitSummary:
        """The year's revisit work. Definitions: units holding = units that held the title on
        some day of the year (first award on or before 31 Dec, not revoked before 1 Jan);
        units visited = units with a revisit dated in the year; units passed = of those, the
        ones whose first revisit of the year concluded 合格; rectify demanded / rectified / not
        rectified / pending = the year's revisits concluding 限期整改 by their follow-up result;
        revoke proposed = the year's revisits concluding 建议摘牌; units revoked = revocation
        dated in the year; problems by item = per checklist item, results recorded in the
        year's revisits and how many failed; education activities = the sum of the counted
        item (开展消费教育活动次数) over the year's revisits, and units whose revisits recorded 0."""
        self.desk.require_login()
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

        def office(col: Any) -> Any:
            return col == office_id if office_id is not None else true()

        with self.desk.read() as s:
            kinds = vocab_names(s, "trust_kind")
            holding = s.execute(select(TrustUnit.id, Business.name).join(Business, Business.id == TrustUnit.business_id).where(
                TrustUnit.first_awarded_date.is_not(None), TrustUnit.first_awarded_date <= end,
                or_(TrustUnit.revoked_date.is_(None), TrustUnit.revoked_date >= start), office(TrustUnit.office_id))
                .order_by(Business.name)).all()
            # Plain columns, not ORM objects: the read session expires what it loaded.
            revisits = s.execute(select(Revisit.id, Revisit.unit_id, Revisit.visit_date, Revisit.conclusion,
                                        Revisit.follow_up_result, Business.name, TrustUnit.kind_code, TrustUnit.revoked_date)
                                 .join(TrustUnit, TrustUnit.id == Revisit.unit_id).join(Business, Business.id == TrustUnit.business_id)
                                 .where(Revisit.visit_date.between(start, end), office(TrustUnit.office_id))
                                 .order_by(Revisit.visit_date, Revisit.id)).all()
            ids = [r.id for r in revisits]
            checks = s.execute(select(RevisitCheck.revisit_id, RevisitCheck.item_code, RevisitCheck.item_name, RevisitCheck.passed,
                                      RevisitCheck.count).where(RevisitCheck.revisit_id.in_(ids))).all() if ids else []
            items = list_vocab(s, "revisit_check", include_inactive=True)
            revoked = s.scalar(select(func.count()).select_from(TrustUnit).where(
                TrustUnit.revoked_date.between(start, end), office(TrustUnit.office_id))) or 0
        counted = {v.code for v in items if v.counted}
        by_item: dict[str, list[bool]] = {}
        failed_by_revisit: dict[int, list[str]] = {}
        education = 0
        zero_edu_units: set[int] = set()
        unit_of = {r.id: r.unit_id for r in revisits}
        for ch in checks:
            by_item.setdefault(ch.item_code, []).append(bool(ch.passed))
            if not ch.passed:
                failed_by_revisit.setdefault(ch.revisit_id, []).append(ch.item_name)
            if ch.item_code in counted and ch.count is not None:
                education += ch.count
                if ch.count == 0:
                    zero_edu_units.add(unit_of[ch.revisit_id])
        order = {v.code: i for i, v in enumerate(items)}
        names = {v.code: v.name for v in items}
        item_rows = tuple(ItemProblems(code, names.get(code, code), len(res), sum(1 for p in res if not p))
                          for code, res in sorted(by_item.items(), key=lambda kv: (order.get(kv[0], 10_000), kv[0])))
        first: dict[int, Any] = {}
        per_unit: dict[int, list[Any]] = {}
        for r in revisits:
            first.setdefault(r.unit_id, r)
            per_unit.setdefault(r.unit_id, []).append(r)
        rect = [r for r in revisits if r.conclusion == "rectify"]
        rows = []
        for uid, rs in per_unit.items():
            f = first[uid]
            problems: list[str] = []
            for r in rs:
                for p in failed_by_revisit.get(r.id, []):
                    if p not in problems:
                        problems.append(p)
            rect_rs = [r for r in rs if r.conclusion == "rectify"]
            if rect_rs:
                last_rect = rect_rs[-1]
                rect_text = FOLLOW_UP_RESULTS.get(last_rect.follow_up_result or "", "整改中")
            else:
                rect_text = ""
            rows.append(SummaryRow(uid, f.name, kinds.get(f.kind_code, f.kind_code), tuple(r.visit_date for r in rs),
                                   CONCLUSIONS.get(f.conclusion, f.conclusion), tuple(problems), rect_text,
                                   bool(f.revoked_date and start <= f.revoked_date <= end)))
        rows.sort(key=lambda r: (r.visit_dates[0], r.business_name))
        visited = set(per_unit)
        return RevisitSummary(
            year=year, office_id=office_id, units_holding=len(holding), units_visited=len(visited), revisits=len(revisits),
            units_passed=sum(1 for r in first.values() if r.conclusion == "pass"),
            rectify_demanded=len(rect), rectified=sum(1 for r in rect if r.follow_up_result == "rectified"),
            not_rectified=sum(1 for r in rect if r.follow_up_result == "not_rectified"),
            rectify_pending=sum(1 for r in rect if r.follow_up_result is None),
            revoke_proposed=sum(1 for r in revisits if r.conclusion == "revoke"), units_revoked=int(revoked),
            education_activities=education, units_without_education=len(zero_edu_units), items=item_rows, rows=tuple(rows),
            not_visited=tuple(name for uid, name in holding if uid not in visited),
        )

    # -- exports -------------------------------------------------------------------------------------------
    def export_units(self, path: str | Path, f: TrustUnitFilter = TrustUnitFilter()) -> ExportResult:
        rows = self.list_units(f)
        cols = [("单位名称", 32), ("统一社会信用代码", 22), ("乡镇", 10), ("类型", 16), ("状态", 10), ("申报日期", 12),
                ("年度", 8), ("证书编号", 16), ("有效期至", 12), ("最近回访", 12), ("回访结论", 10), ("授牌后投诉（件）", 14)]
        data = [[r.business_name, r.credit_code or "", r.township, r.kind_name, r.status_label + ("（已过期）" if r.expired else ""),
                 r.applied_date, r.award_year or "", r.certificate_no or "", r.valid_until or "", r.last_revisit_date or "",
                 CONCLUSIONS.get(r.last_conclusion or "", ""), r.complaints] for r in rows]
        holding = sum(1 for r in rows if r.status in HOLDING)
        return write_xlsx(self.desk, path, "诚信单位", cols, data, table="trust_unit", title="诚信单位名录",
                          totals=["合计", f"{len(rows)}条，其中持有称号{holding}家", "", "", "", "", "", "", "", "", "", sum(r.complaints for r in rows)])

    def export_revisits(self, path: str | Path, f: RevisitFilter = RevisitFilter()) -> ExportResult:
        rows = self.list_revisits(f)
        cols = [("回访日期", 12), ("单位名称", 32), ("检查人员", 20), ("结论", 10), ("发现的问题", 40), ("整改期限", 12),
                ("复查日期", 12), ("整改情况", 12), ("照片（张）", 10)]
        data = [[r.visit_date, r.business_name, r.inspectors, r.conclusion_label, "、".join(r.failed_items), r.rectification_deadline or "",
                 r.follow_up_date or "", r.rectification_label, r.photo_count] for r in rows]
        title = f"{f.year}年度回访检查记录" if f.year else "回访检查记录"
        return write_xlsx(self.desk, path, "回访检查", cols, data, table="trust_revisit", title=title,
                          totals=["合计", f"{len(rows)}次", "", f"合格{sum(1 for r in rows if r.conclusion == 'pass')}次", "", "", "", "", ""])


def _roster_investigators(desk: Any) -> list[InspectorChoice]:
    """Investigators (义务调查员) on the roster and in service (在册), when the roster module is
    installed (desk.services.rosters)."""
    try:
        from desk.services.rosters import PersonFilter
    except ImportError:
        return []
    people = desk.rosters.search(PersonFilter(kind="investigator", status="active"), limit=None)
    return [InspectorChoice("investigator", None, p.id, p.name) for p in people]


def _roster_names(s: Session, person_ids: Sequence[int]) -> dict[int, tuple[str, str]] | None:
    """person id → (kind, name) from the roster, or None when there is no roster module."""
    try:
        from desk.models.rosters import RosterPerson
    except ImportError:
        return None
    if not person_ids:
        return {}
    return {r.id: (r.kind, r.name) for r in s.execute(select(RosterPerson.id, RosterPerson.kind, RosterPerson.name)
                                                      .where(RosterPerson.id.in_(list(person_ids))))}


__all__ = [
    "ACCEPTED_OR_LATER",
    "CONCLUSIONS",
    "HOLDING",
    "STATUS_LABELS",
    "TRANSITIONS",
    "ApplicationInput",
    "CheckInput",
    "FollowUpInput",
    "InspectorChoice",
    "InspectorInput",
    "RevisitFilter",
    "RevisitInput",
    "RevisitSummary",
    "RevisitView",
    "StepInput",
    "TrustFlag",
    "TrustUnitFilter",
    "TrustUnitRow",
    "TrustUnitService",
    "TrustUnitView",
    "TrustWorkItem",
    "available_actions",
    "check_trust_transition",
]
