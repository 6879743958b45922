"""The complaint notices and the case file, as Word documents (issue 3, item 6).

Each ``render_xxx(desk, complaint_id, out_path, **extra) -> Path`` reads the case through the
complaints service, fills the template ``resources/templates/<kind>.docx`` and writes
``out_path``. The documents go to the parties, so they carry the consumer's real name: only a
role allowed to see personal data may make them, and each one made is written to the audit
trail as an ``export`` (PIPL Art. 51).

``extra`` adds to or overrides the template context: ``issued_on=date`` sets the date printed
above the seal (default: the day of the decision the notice announces; today for the case file);
``referral_note="…"`` adds a section 本会意见 to the referral letter; a custom template may use
any further key. Dates are printed 2026年3月5日 and amounts 1,299.00元.

The case file (案卷) has an extension point: ``register_case_file_section(provider)`` adds
numbered sections after the timeline (the mediation module adds its session records there)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk import clock
from desk.documents.render import (
    cn_date,
    cn_datetime,
    cn_ordinal,
    money_text,
    paragraphs,
    plain,
    render_template,
    size_text,
)
from desk.errors import DeskError, NotFound
from desk.roles import Perm

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.complaints import ComplaintView, EventView, ReferralView


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    label: str
    template: str


ACCEPTANCE = DocumentKind("acceptance", "受理通知书", "acceptance_notice.docx")
REFUSAL = DocumentKind("refusal", "不予受理告知书", "refusal_notice.docx")
TERMINATION = DocumentKind("termination", "终止调解告知书", "termination_notice.docx")
REFERRAL = DocumentKind("referral", "诉求信息通报函", "referral_letter.docx")
CASE_FILE = DocumentKind("case_file", "案卷", "case_file.docx")
DOCUMENT_KINDS: dict[str, DocumentKind] = {k.kind: k for k in (ACCEPTANCE, REFUSAL, TERMINATION, REFERRAL, CASE_FILE)}

# 《消费者权益保护法》第三十九条: the ways a consumer dispute may be resolved.
ART39_ROUTES: tuple[str, ...] = (
    "与经营者协商和解",
    "请求消费者协会或者依法成立的其他调解组织调解",
    "向有关行政部门投诉",
    "根据与经营者达成的仲裁协议提请仲裁机构仲裁",
    "向人民法院提起诉讼",
)
ART39_MEDIATION = 1  # index of the route a terminated mediation has just used

# Timeline steps shown as the mediation record until the mediation module adds session records.
MEDIATION_ACTIONS = frozenset({"start_mediation", "pause", "resume", "mediation_success", "terminate", "notify_termination"})


def numbered_routes(routes: Sequence[str]) -> list[str]:
    """（一）与经营者协商和解； … （五）向人民法院提起诉讼。"""
    out = []
    for i, r in enumerate(routes, start=1):
        out.append(f"（{cn_ordinal(i)}）{r}{'。' if i == len(routes) else '；'}")
    return out


def _routes(routes: Sequence[str]) -> dict[str, Any]:
    items = numbered_routes(routes)
    return {"routes": items, "routes_text": "".join(items)}


# -- case file extension point ------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFileSection:
    """A numbered section of the case file after the timeline: a title, paragraphs, and an
    optional table of four columns (``headers`` and ``rows``)."""

    title: str
    paragraphs: tuple[str, ...] = ()
    headers: tuple[str, str, str, str] = ("日期", "事项", "人员", "情况")
    rows: tuple[tuple[str, str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if len(self.headers) != 4 or any(len(r) != 4 for r in self.rows):
            raise ValueError("案卷章节的表格必须是4列")


SectionProvider = Callable[["Desk", "ComplaintView", Sequence["EventView"]], Iterable[CaseFileSection]]


def mediation_steps_section(desk: Desk, view: ComplaintView, events: Sequence[EventView]) -> Iterable[CaseFileSection]:
    """调解记录 as the mediation steps of the timeline (the mediation module replaces this
    with its session records through ``register_case_file_section(..., replace=...)``)."""
    steps = [e for e in events if e.action in MEDIATION_ACTIONS]
    rows = tuple((cn_date(e.event_date), e.action_label, e.username, e.detail) for e in steps)
    if rows:
        intro: tuple[str, ...] = ()
    elif view.accepted_date is None:
        intro = ("本案未受理，未进行调解。",)
    else:
        intro = ("本案未进行调解。",)
    yield CaseFileSection("调解记录", intro, ("日期", "调解步骤", "办理人", "情况"), rows)


_SECTION_PROVIDERS: list[SectionProvider] = [mediation_steps_section]


def register_case_file_section(provider: SectionProvider, *, replace: SectionProvider | None = None) -> None:
    """Add sections to every case file (after the timeline, before the list of materials);
    ``replace`` swaps out an earlier provider, e.g. ``mediation_steps_section``."""
    if replace is not None and replace in _SECTION_PROVIDERS:
        _SECTION_PROVIDERS[_SECTION_PROVIDERS.index(replace)] = provider
    elif provider not in _SECTION_PROVIDERS:
        _SECTION_PROVIDERS.append(provider)


def case_file_section_providers() -> tuple[SectionProvider, ...]:
    return tuple(_SECTION_PROVIDERS)


# -- helpers ---------------------------------------------------------------------------------------


@dataclass
class _Case:
    view: ComplaintView
    events: list[EventView] = field(default_factory=list)


def _load(desk: Desk, complaint_id: int) -> _Case:
    desk.require(Perm.VIEW_PERSONAL)
    view = desk.complaints.get(complaint_id)
    return _Case(view, desk.complaints.timeline(complaint_id))


def _office(desk: Desk, view: ComplaintView) -> dict[str, str]:
    """The issuing office: the case's own office; the county office's settings (全称, 电话,
    地址) fill in what it lacks, and its full name wins for the county office itself."""
    settings = desk.settings.snapshot("office.").values
    try:
        office = desk.offices.get(view.office_id)
    except NotFound:
        office = None
    is_main = office is None or office.parent_id is None
    name = (settings.get("office.name") or "").strip() if is_main else ""
    name = name or (office.name if office else "")
    phone = (office.phone if office else "") or (settings.get("office.phone") or "").strip()
    address = (office.address if office else "") or (settings.get("office.address") or "").strip()
    return {"office_name": name, "office_phone": phone, "office_address": address}


def _category_short(name: str) -> str:
    """'家用电子电器类 / 家用电器' → '家用电器': the item a consumer recognises."""
    return name.split(" / ")[-1].strip()


def _category_full(name: str) -> str:
    """'家用电子电器类 / 家用电器' → '家用电子电器类（家用电器）' for printed documents."""
    parts = [p.strip() for p in name.split(" / ")]
    return f"{parts[0]}（{'、'.join(parts[1:])}）" if len(parts) > 1 else name


def _base(desk: Desk, case: _Case) -> dict[str, Any]:
    v = case.view
    n_parties = len(v.parties)
    consumer = v.consumer_name
    addressee = f"{consumer}等{n_parties + 1}人" if v.is_joint and n_parties else consumer
    return {
        **_office(desk, v),
        "case_no": v.case_no,
        "consumer_name": consumer,
        "addressee": addressee,
        "you": "你们" if v.is_joint and n_parties else "你",
        "business_name": v.business_name,
        "category_name": _category_full(v.category_name),
        "category_short": _category_short(v.category_name),
        "nature_name": v.nature_name,
        "channel_name": v.channel_name,
        "amount": money_text(v.amount),
        "received_date": cn_date(v.received_at),
        "accepted_date": cn_date(v.accepted_date),
        "handler_name": v.handler_name,
        "issued_on": cn_date(clock.today()),
    }


def _last_event(case: _Case, action: str) -> EventView | None:
    found = [e for e in case.events if e.action == action]
    return found[-1] if found else None


def _explanation(event: EventView | None) -> str:
    """What the handler wrote with a refusal or termination, without the ground itself
    (the service stores '理由：…；原因：…；…')."""
    if event is None or not event.detail:
        return ""
    parts = [p.strip() for p in event.detail.split("；") if p.strip() and not p.strip().startswith("理由：")]
    parts = [p.removeprefix("原因：") for p in parts]
    text = "；".join(parts)
    return text if not text or text.endswith(("。", "！", "？")) else text + "。"


def _finish(desk: Desk, case: _Case, doc: DocumentKind, context: dict[str, Any], out_path: str | Path,
            extra: dict[str, Any], what: str | None = None) -> Path:
    for k, v in extra.items():
        context[k] = plain(v)
    out = render_template(doc.template, context, out_path)
    desk.complaints.record_document(case.view.id, what or doc.label, out.name)
    return out


# -- the documents -------------------------------------------------------------------------------


def acceptance_context(desk: Desk, case: _Case) -> dict[str, Any]:
    v = case.view
    if v.accepted_date is None:
        raise DeskError(f"案件 {v.case_no} 尚未受理（当前状态：{v.status_label}），不能生成受理通知书。")
    rules = desk.complaints.rules()
    from desk.deadlines import RULE_OLD

    if v.rule_version == RULE_OLD:
        period = f"{rules.mediation_working_days_old}个工作日"
    else:
        period = f"{rules.mediation_days_new}日"
    due_note = ""
    if v.due_kind == "mediation" and v.due_date and not v.paused_since:
        due_note = f"（即{cn_date(v.due_date)}前{'，暂定' if v.due_provisional else ''}）"
    ctx = _base(desk, case)
    ctx.update(mediation_period=period, mediation_due_note=due_note, issued_on=cn_date(v.accepted_date))
    return ctx


def render_acceptance_notice(desk: Desk, complaint_id: int, out_path: str | Path, **extra: Any) -> Path:
    """受理通知书 to the consumer."""
    case = _load(desk, complaint_id)
    return _finish(desk, case, ACCEPTANCE, acceptance_context(desk, case), out_path, extra)


def refusal_context(desk: Desk, case: _Case) -> dict[str, Any]:
    v = case.view
    if not v.refusal_ground_code:
        raise DeskError(f"案件 {v.case_no} 没有不予受理的决定（当前状态：{v.status_label}），不能生成不予受理告知书。")
    event = _last_event(case, "refuse")
    refused_on = event.event_date if event else None
    ctx = _base(desk, case)
    ctx.update(
        refusal_ground=v.refusal_ground_name or v.refusal_ground_code,
        refusal_explanation=_explanation(event),
        refused_date=cn_date(refused_on),
        **_routes(ART39_ROUTES),
        issued_on=cn_date(refused_on or clock.today()),
    )
    return ctx


def render_refusal_notice(desk: Desk, complaint_id: int, out_path: str | Path, **extra: Any) -> Path:
    """不予受理告知书: the ground and the routes of 消法 Art. 39."""
    case = _load(desk, complaint_id)
    return _finish(desk, case, REFUSAL, refusal_context(desk, case), out_path, extra)


def termination_context(desk: Desk, case: _Case) -> dict[str, Any]:
    v = case.view
    if not v.termination_ground_code:
        raise DeskError(f"案件 {v.case_no} 没有终止调解的决定（当前状态：{v.status_label}），不能生成终止调解告知书。")
    event = _last_event(case, "terminate")
    ended = v.mediation_ended_date or (event.event_date if event else None)
    if v.mediation_started_date is None:
        started = ""
    elif v.mediation_started_date == v.accepted_date:
        started = "并开始调解"
    else:
        started = f"，并于{cn_date(v.mediation_started_date)}开始调解"
    routes = [r for i, r in enumerate(ART39_ROUTES) if i != ART39_MEDIATION]
    ctx = _base(desk, case)
    ctx.update(
        addressee=f"{ctx['addressee']}、{v.business_name}",
        termination_ground=v.termination_ground_name or v.termination_ground_code,
        termination_explanation=_explanation(event),
        terminated_date=cn_date(ended),
        mediation_started_clause=started,
        **_routes(routes),
        issued_on=cn_date(ended or clock.today()),
    )
    return ctx


def render_termination_notice(desk: Desk, complaint_id: int, out_path: str | Path, **extra: Any) -> Path:
    """终止调解告知书 to both parties: the ground, and the Art. 39 routes other than the mediation
    that has just ended."""
    case = _load(desk, complaint_id)
    return _finish(desk, case, TERMINATION, termination_context(desk, case), out_path, extra)


def _referral(view: ComplaintView, referral_id: int | None) -> ReferralView:
    letters = [r for r in view.referrals if r.kind in ("transfer", "enforcement")]
    if referral_id is None:
        if not letters:
            raise DeskError(f"案件 {view.case_no} 没有转办或诉转案记录，不能生成诉求信息通报函。")
        return letters[-1]
    for r in view.referrals:
        if r.id == referral_id:
            if r.kind not in ("transfer", "enforcement"):
                raise DeskError(f"“{r.kind_label}”不需要诉求信息通报函（只用于转办和诉转案）。")
            return r
    raise NotFound(f"案件 {view.case_no} 没有这条转办记录")


def referral_context(desk: Desk, case: _Case, referral_id: int | None) -> dict[str, Any]:
    v = case.view
    r = _referral(v, referral_id)
    ctx = _base(desk, case)
    due = f"并于{cn_date(r.reply_due)}前将处理结果函告本会" if r.reply_due else "并将处理结果及时函告本会"
    if r.kind == "enforcement":
        intro = (f"本会在处理消费者{v.consumer_name}投诉{v.business_name}一案过程中，发现被投诉经营者涉嫌存在违法行为。"
                 f"现将有关线索通报如下，请依法核查处理，{due}。")
    else:
        intro = (f"{ctx['received_date']}，本会收到消费者{v.consumer_name}对{v.business_name}的投诉。"
                 f"经审查，该投诉反映的问题属于贵单位职责范围，现将有关情况通报如下，请依法处理，{due}。")
    contact = f"，联系电话：{v.consumer_phone}" if v.consumer_phone else ""
    if v.consumer_address:
        contact += f"，地址：{v.consumer_address}"
    business = ""
    if v.business_credit_code:
        business += f"（统一社会信用代码：{v.business_credit_code}）"
    if v.business_address:
        business += f"，地址：{v.business_address}"
    ctx.update(
        department=r.department,
        intro=intro,
        consumer_contact=contact,
        business_details=business,
        accepted_clause=f"；受理日期：{ctx['accepted_date']}" if v.accepted_date else "",
        facts=paragraphs(v.facts),
        demand=paragraphs(v.demand),
        referral_note="",
        reply_due=cn_date(r.reply_due),
        referral_kind=r.kind_label,
        sent_date=cn_date(r.sent_date),
        issued_on=cn_date(r.sent_date),
    )
    return ctx


def render_referral_letter(desk: Desk, complaint_id: int, out_path: str | Path, referral_id: int | None = None,
                           **extra: Any) -> Path:
    """诉求信息通报函 to the member department of a 转办 or 诉转案 (``referral_id``; default the
    latest one)."""
    case = _load(desk, complaint_id)
    ctx = referral_context(desk, case, referral_id)
    return _finish(desk, case, REFERRAL, ctx, out_path, extra, what=f"{REFERRAL.label}（{ctx['department']}）")


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def registration_form(v: ComplaintView) -> list[dict[str, str]]:
    """Every field of the complaint as (label, value) rows of the 投诉登记表."""
    from desk.deadlines import RULE_LABELS

    rows: list[tuple[str, str]] = [
        ("案件编号", v.case_no),
        ("受理单位", v.office_code),
        ("收到时间", cn_datetime(v.received_at)),
        ("投诉渠道", v.channel_name),
        ("投诉人", v.consumer_name + ("（共同投诉代表人）" if v.consumer_is_representative else "")),
        ("联系电话", v.consumer_phone),
        ("地址", v.consumer_address),
        ("身份证号", v.consumer_id_no or ""),
    ]
    if v.is_joint or v.parties:
        rows.append(("共同投诉人", "\n".join(
            f"{p.name}{'（代表人）' if p.is_representative else ''}"
            + "".join(f"，{x}" for x in (p.phone, p.address, p.id_no or "") if x)
            for p in v.parties
        )))
    rows += [
        ("代理人", v.agent_name + (f"，{v.agent_phone}" if v.agent_phone else "") if v.agent_name else ""),
        ("授权委托书", _yes(v.agent_authorised) if v.agent_name else ""),
        ("被投诉经营者", v.business_name),
        ("统一社会信用代码", v.business_credit_code or ""),
        ("经营者地址", v.business_address),
        ("商品或服务类别", _category_full(v.category_name)),
        ("投诉性质", v.nature_name),
        ("争议金额", money_text(v.amount)),
        ("投诉请求", v.demand),
        ("事实与理由", v.facts),
        ("承办人", v.handler_name),
        ("适用办法", RULE_LABELS.get(v.rule_version, v.rule_version)),
        ("当前状态", v.status_label),
        ("受理日期", cn_date(v.accepted_date)),
        ("不予受理理由", v.refusal_ground_name),
        ("调解开始日期", cn_date(v.mediation_started_date)),
        ("调解结束日期", cn_date(v.mediation_ended_date)),
        ("终止调解理由", v.termination_ground_name),
        ("终止调解告知日期", cn_date(v.termination_notified_date)),
        ("暂停计时", "\n".join(
            f"{cn_date(p.start)}至{cn_date(p.end) if p.end else '今'}：{p.reason}" for p in v.pauses
        )),
        ("转办、诉转案等", "\n".join(
            f"{cn_date(r.sent_date)}{r.kind_label}至{r.department}"
            + (f"，回复期限{cn_date(r.reply_due)}" if r.reply_due else "")
            + (f"；{cn_date(r.replied_date)}回复：{r.reply_text}" if r.replied_date else "；尚未回复")
            for r in v.referrals
        )),
        ("结案日期", cn_date(v.closed_date)),
        ("办理结果", v.result_summary),
        ("归档号", v.archive_no or ""),
    ]
    return [{"label": label, "value": value or "—"} for label, value in rows]


OUTCOME_ACTIONS = ("mediation_success", "terminate", "refuse", "transfer", "lawsuit", "arbitration", "withdraw")


def _outcome(case: _Case) -> str:
    """The substantive result (调解成功, 终止调解, 不予受理 …) with the handler's summary."""
    v = case.view
    steps = [e for e in case.events if e.action in OUTCOME_ACTIONS]
    label = steps[-1].action_label if steps else v.status_label
    summary = v.result_summary.strip()
    if not summary:
        return label
    return summary if summary.startswith(label) else f"{label}：{summary}"


def case_file_context(desk: Desk, case: _Case) -> dict[str, Any]:
    v = case.view
    ctx = _base(desk, case)
    archived = _last_event(case, "archive")
    # In order of the dates the steps took effect (a step may be recorded days later);
    # steps of one day keep the order they were recorded in.
    timeline = [
        {"date": cn_date(e.event_date), "step": e.action_label, "person": e.username, "detail": e.detail or "—"}
        for e in sorted(case.events, key=lambda e: e.event_date)
    ]
    sections: list[dict[str, Any]] = []
    for provider in _SECTION_PROVIDERS:
        for sec in provider(desk, v, case.events):
            sections.append({
                "heading": f"{cn_ordinal(3 + len(sections))}、{sec.title}",
                "paragraphs": list(sec.paragraphs),
                "headers": list(sec.headers),
                "rows": [list(r) for r in sec.rows],
            })
    materials = [
        {"name": a.filename, "size": size_text(a.size), "sha": a.sha256[:12], "date": cn_date(a.uploaded_at)}
        for a in v.attachments
    ]
    # Documents recorded on the timeline as generated (action "document").
    materials += [
        {"name": e.detail or e.action_label, "size": "—", "sha": "—", "date": cn_date(e.event_date)}
        for e in case.events if e.action == "document"
    ]
    for i, m in enumerate(materials, start=1):
        m["no"] = str(i)
    ctx.update(
        archive_no=v.archive_no or "",
        case_subject=f"{v.consumer_name}投诉{v.business_name}{v.nature_name}纠纷",
        closed_date=cn_date(v.closed_date),
        archived_date=cn_date(archived.event_date) if archived else "",
        outcome=_outcome(case),
        form=registration_form(v),
        timeline=timeline,
        sections=sections,
        materials=materials,
        materials_heading=f"{cn_ordinal(3 + len(sections))}、卷内材料目录",
    )
    return ctx


def render_case_file(desk: Desk, complaint_id: int, out_path: str | Path, **extra: Any) -> Path:
    """案卷 for archiving: cover, registration form, timeline, mediation records and other
    registered sections, and the list of materials."""
    case = _load(desk, complaint_id)
    return _finish(desk, case, CASE_FILE, case_file_context(desk, case), out_path, extra)


# -- for the GUI -------------------------------------------------------------------------------------

_RENDERERS: dict[str, Callable[..., Path]] = {
    ACCEPTANCE.kind: render_acceptance_notice,
    REFUSAL.kind: render_refusal_notice,
    TERMINATION.kind: render_termination_notice,
    REFERRAL.kind: render_referral_letter,
    CASE_FILE.kind: render_case_file,
}


def render(kind: str, desk: Desk, complaint_id: int, out_path: str | Path, **extra: Any) -> Path:
    """Render a document by kind (``acceptance``, ``refusal``, ``termination``, ``referral``,
    ``case_file``)."""
    try:
        fn = _RENDERERS[kind]
    except KeyError:
        raise DeskError(f"未知的文书类型：{kind}") from None
    return fn(desk, complaint_id, out_path, **extra)


def available_documents(view: ComplaintView) -> list[tuple[str, str, int | None]]:
    """(kind, menu label, referral id) of the documents that fit the case as it stands."""
    out: list[tuple[str, str, int | None]] = []
    if view.accepted_date is not None:
        out.append((ACCEPTANCE.kind, ACCEPTANCE.label, None))
    if view.refusal_ground_code:
        out.append((REFUSAL.kind, REFUSAL.label, None))
    if view.termination_ground_code:
        out.append((TERMINATION.kind, TERMINATION.label, None))
    for r in view.referrals:
        if r.kind in ("transfer", "enforcement"):
            out.append((REFERRAL.kind, f"{REFERRAL.label}（{r.kind_label}：{r.department}）", r.id))
    out.append((CASE_FILE.kind, CASE_FILE.label, None))
    return out


def suggested_filename(kind: str, view: ComplaintView) -> str:
    """'TH-2026-00042 受理通知书.docx' (no characters Windows forbids in file names)."""
    label = DOCUMENT_KINDS[kind].label
    safe = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in view.case_no)
    return f"{safe} {label}.docx"
