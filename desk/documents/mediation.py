"""Mediation documents: the 调解笔录 of a session and the 调解书 of an agreement, from the
templates ``resources/templates/mediation_session_record.docx`` and
``mediation_agreement.docx`` (built by desk.documents.mediation_templates), ready to print and
sign; and the case file's (案卷) mediation sections, registered with
``desk.documents.notices.register_case_file_section`` when this module is imported.

``render_session_record(desk, session_id, out_path, **extra)`` and
``render_agreement(desk, complaint_id, out_path, **extra)`` carry the parties' real names, so
they need the permission to see personal data, and each one made is an ``export`` row of the
audit trail (PIPL Art. 51). ``extra`` adds to or overrides the template context (e.g.
``agreement_date=date``). Optional fields left empty drop their lines (委托代理人, 备注) or say
so (（未记录）), never print "None"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk import clock
from desk.documents import notices
from desk.documents.mediation_templates import AGREEMENT, SESSION_RECORD
from desk.documents.render import (
    cn_date,
    cn_datetime,
    cn_ordinal,
    money_text,
    paragraphs,
    plain,
    render_template,
)
from desk.errors import DeskError
from desk.roles import Perm

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.complaints import ComplaintView, EventView
    from desk.services.mediation import OutcomeView, SessionView

SESSION_RECORD_LABEL = "调解笔录"
AGREEMENT_LABEL = "调解书"


def _safe(name: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name)


def session_filename(view: ComplaintView, session: SessionView) -> str:
    return f"{_safe(view.case_no)} 调解笔录（第{session.ordinal}次）.docx"


def agreement_filename(view: ComplaintView) -> str:
    return f"{_safe(view.case_no)} 调解书.docx"


def _time_text(s: SessionView) -> str:
    text = cn_datetime(s.started_at)
    if s.ended_at is not None:
        if s.ended_at.date() == s.started_at.date():
            text += f"至{s.ended_at.hour}时{s.ended_at.minute:02d}分"
        else:
            text += f"至{cn_datetime(s.ended_at)}"
    return text


def _consumer_line(v: ComplaintView) -> str:
    parts = [v.consumer_name]
    if v.consumer_id_no:
        parts.append(f"身份证号：{v.consumer_id_no}")
    if v.consumer_address:
        parts.append(f"住址：{v.consumer_address}")
    if v.consumer_phone:
        parts.append(f"联系电话：{v.consumer_phone}")
    return "，".join(parts)


def _business_line(v: ComplaintView) -> str:
    parts = [v.business_name]
    if v.business_credit_code:
        parts.append(f"统一社会信用代码：{v.business_credit_code}")
    if v.business_address:
        parts.append(f"住所：{v.business_address}")
    return "，".join(parts)


def _subject(v: ComplaintView) -> str:
    return f"{v.consumer_name}投诉{v.business_name}{v.nature_name}纠纷"


def _finish(desk: Desk, v: ComplaintView, template: str, context: dict[str, Any], out_path: str | Path,
            extra: dict[str, Any], what: str) -> Path:
    for k, value in extra.items():
        context[k] = plain(value)
    out = render_template(template, context, out_path)
    desk.complaints.record_document(v.id, what, out.name)
    return out


# -- 调解笔录 -------------------------------------------------------------------------------------------


def session_record_context(desk: Desk, v: ComplaintView, s: SessionView) -> dict[str, Any]:
    from desk.services.mediation import RECUSAL_DECISIONS

    recusal_lines: list[str] = []
    if s.recusal_requested:
        recusal_text = "当事人提出回避申请。"
        recusal_lines = [f"回避申请：{p}" for p in paragraphs(s.recusal_request)]
        if s.recusal_decision:
            recusal_lines.append(f"决定：{RECUSAL_DECISIONS.get(s.recusal_decision, s.recusal_decision)}"
                                 + (f"（{cn_date(s.recusal_decided_date)}）" if s.recusal_decided_date else "") + "。")
        else:
            recusal_lines.append("回避申请尚待决定，决定前暂停计算调解期限。")
    elif s.recusal_explained:
        recusal_text = "当事人未申请回避。"
    else:
        recusal_text = ""
    rights = []
    if s.rights_explained:
        rights.append("调解员已告知双方当事人在调解中享有的权利和承担的义务")
    if s.recusal_explained:
        rights.append("已告知当事人有权申请调解员回避")
    rights_text = ("，".join(rights) + "。") if rights else "未记录权利义务和回避事项的告知情况。"
    return {
        **notices._office(desk, v),
        "case_no": v.case_no,
        "session_title": f"第{cn_ordinal(s.ordinal)}次调解",
        "time_text": _time_text(s),
        "place": s.place or ("（电话调解）" if s.method == "phone" else "（未记录）"),
        "method_label": s.method_label,
        "mediators": "、".join(m.label for m in s.mediators),
        "mediator_names": [m.name for m in s.mediators] or [""],
        "recorder": s.recorder_name or "（未记录）",
        "consumer_line": _consumer_line(v),
        "consumer_agent": s.consumer_agent,
        "consumer_attendees": s.consumer_attendees or "（未记录）",
        "business_line": _business_line(v),
        "business_agent": s.business_agent,
        "business_attendees": s.business_attendees or "（未记录）",
        "case_subject": _subject(v),
        "identity_text": "调解员已核对到场当事人及代理人的身份。" if s.identity_checked else "未核对到场人员身份。",
        "rights_text": rights_text,
        "recusal_text": recusal_text,
        "recusal_lines": recusal_lines,
        "consumer_statement": paragraphs(s.consumer_statement),
        "business_statement": paragraphs(s.business_statement),
        "evidence": paragraphs(s.evidence_shown),
        "result_label": s.result_label + "。",
        "result_detail": paragraphs(s.result_detail),
        "note": s.note,
        "issued_on": cn_date(clock.today()),
    }


def render_session_record(desk: Desk, session_id: int, out_path: str | Path, **extra: Any) -> Path:
    """调解笔录 of one session, with signature lines for the parties, mediators and recorder."""
    desk.require(Perm.VIEW_PERSONAL)
    s = desk.mediation.get_session(session_id)
    v = desk.complaints.get(s.complaint_id)
    ctx = session_record_context(desk, v, s)
    return _finish(desk, v, SESSION_RECORD, ctx, out_path, extra, f"{SESSION_RECORD_LABEL}（第{s.ordinal}次调解）")


# -- 调解书 ---------------------------------------------------------------------------------------------


def amounts_text(o: OutcomeView) -> str:
    """'本协议涉及金额：退还货款1,299.00元，赔偿500.00元（其中加倍赔偿500.00元），合计1,799.00元。'"""
    parts = []
    if o.refund_amount:
        parts.append(f"退还货款（费用）{money_text(o.refund_amount)}")
    if o.exchange_amount:
        parts.append(f"更换商品价值{money_text(o.exchange_amount)}")
    if o.repair_amount:
        parts.append(f"维修费用{money_text(o.repair_amount)}")
    if o.compensation_amount:
        inner = []
        if o.punitive_amount:
            inner.append(f"依照《中华人民共和国消费者权益保护法》第五十五条加倍赔偿{money_text(o.punitive_amount)}")
        if o.other_comp_amount:
            inner.append(f"依照{o.other_comp_basis}赔偿{money_text(o.other_comp_amount)}")
        parts.append(f"赔偿{money_text(o.compensation_amount)}" + (f"（其中{'，'.join(inner)}）" if inner else ""))
    if o.other_amount:
        parts.append(f"其他{money_text(o.other_amount)}")
    if not parts:
        return ""
    return f"本协议涉及金额：{'，'.join(parts)}，合计{money_text(o.recovered_total)}。"


def _numbered(items: Sequence[str]) -> list[str]:
    if len(items) <= 1:
        return list(items)
    return [f"（{cn_ordinal(i)}）{t}" for i, t in enumerate(items, start=1)]


def _latest(sessions: Sequence[SessionView], name: str) -> str:
    """The value of ``name`` at the latest session that recorded one (who attended, agents)."""
    return next((getattr(s, name) for s in reversed(sessions) if getattr(s, name).strip()), "")


def agreement_context(desk: Desk, v: ComplaintView, o: OutcomeView, sessions: Sequence[SessionView]) -> dict[str, Any]:
    if o.result not in ("mediated", "station") or o.resolved_date is None:
        raise DeskError(f"案件 {v.case_no} 没有调解成功的结果（当前：{o.result_label}），不能生成调解书。")
    if not o.terms.strip():
        raise DeskError(f"案件 {v.case_no} 的调解协议内容还没有填写，请先在“调解”页填写协议内容。")
    held = [s for s in sessions if not s.planned]
    consumers = [_consumer_line(v)] + [
        "，".join([p.name] + [x for x in (f"住址：{p.address}" if p.address else "", f"联系电话：{p.phone}" if p.phone else "") if x])
        for p in v.parties
    ]
    mediator_names: list[str] = []
    for s in held:
        for m in s.mediators:
            if m.name not in mediator_names:
                mediator_names.append(m.name)
    if o.result == "station":
        how = f"经{o.station_name or '消费争议和解服务站'}主持和解" if o.station_name else "经消费争议和解服务站主持和解"
    elif held:
        dates = "、".join(dict.fromkeys(cn_date(s.started_at) for s in held))
        how = f"本会于{dates}组织双方当事人进行调解"
    else:
        how = "经本会主持调解"
    accepted = f"，本会于{cn_date(v.accepted_date)}受理" if v.accepted_date else ""
    intro = (f"投诉人{v.consumer_name}于{cn_date(v.received_at)}就与被投诉人{v.business_name}之间的"
             f"{notices._category_short(v.category_name)}消费纠纷向本会投诉{accepted}。{how}。现将有关情况及调解结果记载如下。")
    sections: list[dict[str, Any]] = []
    facts = paragraphs(o.facts) or paragraphs(v.facts)
    sections.append({"title": "纠纷事实", "paragraphs": facts})
    disputes = paragraphs(o.disputes) or ([f"投诉人请求：{d}" for d in paragraphs(v.demand)])
    if disputes:
        sections.append({"title": "争议事项", "paragraphs": disputes})
    if o.responsibility.strip():
        sections.append({"title": "双方责任", "paragraphs": paragraphs(o.responsibility)})
    for i, sec in enumerate(sections, start=1):
        sec["heading"] = f"{cn_ordinal(i)}、{sec['title']}"
    if o.performed_date and not o.performance_due:
        due = f"已于{cn_date(o.performed_date)}当场履行完毕"
    elif o.performance_due:
        due = f"于{cn_date(o.performance_due)}前履行完毕"
    else:
        due = "（未约定）"
    return {
        **notices._office(desk, v),
        "case_no": v.case_no,
        "agreement_no": f"编号：{o.agreement_no}" if o.agreement_no else f"案件编号：{v.case_no}",
        "consumers": consumers,
        "consumer_agent": _latest(held, "consumer_agent") or (v.agent_name if v.agent_authorised else ""),
        "business_line": _business_line(v),
        "business_representative": _latest(held, "business_attendees"),
        "business_agent": _latest(held, "business_agent"),
        "intro": intro,
        "sections": sections,
        "terms_heading": f"{cn_ordinal(len(sections) + 1)}、调解协议",
        "terms": _numbered(paragraphs(o.terms)),
        "amounts_text": amounts_text(o),
        "performance_method": o.performance_method.strip() or "（按上述协议内容履行）",
        "performance_place": o.performance_place.strip() or "（未约定）",
        "performance_due": due,
        "mediator_names": mediator_names or [""],
        "agreement_date": cn_date(o.agreement_date or o.resolved_date),
        "issued_on": cn_date(o.agreement_date or o.resolved_date),
    }


def render_agreement(desk: Desk, complaint_id: int, out_path: str | Path, **extra: Any) -> Path:
    """调解书: the parties, facts, matters in dispute, responsibility, the agreement (what, how,
    where, by when), signature blocks for both parties and the mediators, seal and date."""
    desk.require(Perm.VIEW_PERSONAL)
    v = desk.complaints.get(complaint_id)
    o = desk.mediation.outcome(complaint_id)
    if o is None:
        raise DeskError(f"案件 {v.case_no} 还没有调解结果，不能生成调解书。")
    ctx = agreement_context(desk, v, o, desk.mediation.sessions(complaint_id))
    return _finish(desk, v, AGREEMENT, ctx, out_path, extra, AGREEMENT_LABEL)


def available(desk: Desk, complaint_id: int) -> list[tuple[str, str, int | None]]:
    """(kind, menu label, session id) of the mediation documents the case has now."""
    out: list[tuple[str, str, int | None]] = []
    for s in desk.mediation.sessions(complaint_id):
        if not s.planned:
            out.append(("session_record", f"调解笔录（第{s.ordinal}次，{s.started_at:%Y-%m-%d}）", s.id))
    o = desk.mediation.outcome(complaint_id)
    if o is not None and o.resolved and o.has_agreement:
        out.append(("agreement", AGREEMENT_LABEL, None))
    return out


# -- the case file's sections ------------------------------------------------------------------------------


def _session_summary(s: SessionView) -> str:
    from desk.services.mediation import RECUSAL_DECISIONS

    parts = [f"第{cn_ordinal(s.ordinal)}次调解：{_time_text(s)}，{s.method_label}调解"]
    if s.place:
        parts.append(f"地点：{s.place}")
    parts.append(f"调解员：{s.mediator_names}")
    if s.recorder_name:
        parts.append(f"记录人：{s.recorder_name}")
    present = "；".join(x for x in (s.consumer_attendees and f"投诉方{s.consumer_attendees}", s.business_attendees and f"被投诉方{s.business_attendees}") if x)
    if present:
        parts.append(f"到场：{present}")
    if not s.planned:
        checks = [t for flag, t in ((s.identity_checked, "已核对身份"), (s.rights_explained, "已告知权利义务"),
                                    (s.recusal_explained, "已告知回避事项")) if flag]
        if checks:
            parts.append("、".join(checks))
    if s.recusal_requested:
        parts.append("当事人申请回避" + (f"，{RECUSAL_DECISIONS.get(s.recusal_decision, '')}" if s.recusal_decision else "，尚待决定"))
    for label, text in (("投诉方陈述", s.consumer_statement), ("被投诉方陈述", s.business_statement), ("出示证据", s.evidence_shown)):
        if text.strip():
            parts.append(f"{label}：{_clause(text)}")
    parts.append(f"结果：{s.result_label}" + (f"，{_clause(s.result_detail)}" if s.result_detail.strip() else ""))
    return "；".join(parts) + "。"


def _clause(text: str) -> str:
    """Free text as one clause of a summary sentence: its lines joined, no closing stop (the
    summary adds its own punctuation)."""
    return "，".join(p.rstrip("。；;，,.") for p in paragraphs(text))


def mediation_sections(desk: Desk, view: ComplaintView, events: Sequence[EventView]) -> Iterable[notices.CaseFileSection]:
    """调解笔录 (every session: a summary paragraph each and a table) and 调解协议及履行 (the
    outcome, amounts and performance). Nothing for a case without sessions or outcome details,
    so a bare case file keeps its numbering."""
    sessions = desk.mediation.sessions(view.id)
    if sessions:
        rows = tuple(
            (cn_datetime(s.started_at), f"{s.method_label}调解" + (f"，{s.place}" if s.place else ""), s.mediator_names, s.result_label)
            for s in sessions
        )
        yield notices.CaseFileSection("调解笔录", tuple(_session_summary(s) for s in sessions),
                                      ("调解时间", "方式及地点", "调解员", "结果"), rows)
    o = desk.mediation.outcome(view.id)
    if o is None or not o.has_details:
        return
    paras = [f"结果：{o.result_label}" + (f"（{cn_date(o.resolved_date)}）" if o.resolved_date else "（已撤销，案件重新办理或终止调解）") + "。"]
    if o.station_name:
        paras.append(f"和解站：{o.station_name}。")
    if o.agreement_no:
        paras.append(f"调解书编号：{o.agreement_no}，日期：{cn_date(o.agreement_date)}。")
    for label, text in (("纠纷事实", o.facts), ("争议事项", o.disputes), ("双方责任", o.responsibility), ("协议内容", o.terms),
                        ("履行方式", o.performance_method), ("履行地点", o.performance_place)):
        if text.strip():
            paras.append(f"{label}：{_clause(text)}。")
    amounts = amounts_text(o)
    if amounts:
        paras.append(amounts)
    if o.punitive:
        fraud = "经营者存在欺诈行为" if o.fraud_found else "未认定经营者存在欺诈行为"
        price = f"，商品价款或服务费用{money_text(o.price_paid)}" if o.price_paid is not None else ""
        paras.append(f"加倍赔偿：{fraud}{price}，加倍赔偿{money_text(o.punitive_amount)}。")
    if o.performance_due:
        paras.append(f"履行期限：{cn_date(o.performance_due)}。")
    if o.performed_date:
        paras.append(f"履行情况：{cn_date(o.performed_date)}已履行" + (f"，{o.performance_note}" if o.performance_note else "") + "。")
    elif o.resolved:
        paras.append("履行情况：尚未确认履行。")
    signed = desk.mediation.signed_documents(view.id)
    if signed:
        paras.append("已签署文书：" + "；".join(f"{d.note}（{d.filename}）" for d in signed) + "。")
    yield notices.CaseFileSection("调解协议及履行", tuple(paras))


notices.register_case_file_section(mediation_sections)
