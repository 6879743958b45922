"""The 调解笔录 and 调解书 rendered from the shipped templates with every field filled and with
the optional fields empty, read back with python-docx; the case file's mediation sections; the
templates match their builder; permission and audit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docx
import pytest
from test_mediation_service import at, business, days_ago, make_case, session_input

from desk.documents import mediation as MD
from desk.documents import notices as N
from desk.documents.mediation_templates import TEMPLATES, build_all
from desk.documents.render import cn_date
from desk.errors import DeskError, PermissionDenied
from desk.roles import Role
from desk.services.complaints import ActionInput, ComplaintInput, PartyInput
from desk.services.mediation import MediatorInput, OutcomeInput, SessionInput, session_input_of
from desk.services.users import UserInput

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "resources" / "templates"


def doc_text(path: Path) -> str:
    d = docx.Document(str(path))
    lines = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def assert_clean(text: str) -> None:
    assert "None" not in text
    for leftover in ("{{", "}}", "{%", "%}"):
        assert leftover not in text


@pytest.fixture
def office(sqlite_desk):  # type: ignore[no-untyped-def]
    sqlite_desk.settings.save({"office.name": "太和县消费者协会", "office.phone": "0558-8612315", "office.address": "人民路88号"})
    return sqlite_desk


def full_case(d):  # type: ignore[no-untyped-def]
    """Every field filled: a joint complaint with an agent, two sessions, punitive damages."""
    v = d.complaints.register(ComplaintInput(
        consumer_name="张三丰", consumer_phone="13812345678", channel_code="C02", category_code="G0101", nature_code="N04",
        business_id=business(d, "太和县A&B<电器>有限公司"), received_at=at(days_ago(40)), consumer_address="太和县旧县镇幸福村3组",
        consumer_id_no="11010519491231002X", facts="购买的冰箱宣传为一级能效，实为三级。\n商家拒绝退货。", amount="1000",
        demand="退一赔三", agent_name="李律师", agent_phone="13900002222", agent_authorised=True,
        parties=(PartyInput("李秀英", "13900001111", "太和县城关镇", is_representative=True),), consumer_is_representative=True))
    v = d.complaints.act(v.id, "accept", v.version, ActionInput(on=days_ago(39)))
    s1 = d.mediation.add_session(v.id, session_input(
        d, days_ago(30), consumer_agent="李律师（特别授权）", business_agent="王律师", recusal_requested=True,
        recusal_request="投诉人申请调解员李明德回避。", note="双方同意择日再调。"))
    s1 = d.mediation.update_session(s1.id, s1, replace(session_input_of(s1), recusal_decision="rejected",
                                                       recusal_decided_date=days_ago(29)))
    s2 = d.mediation.add_session(v.id, session_input(d, days_ago(20), method="video", place="腾讯会议", result="agreed",
                                                     mediators=(MediatorInput("赵国强", "expert", affiliation="县消费争议人民调解委员会"),)))
    v = d.complaints.get(v.id)
    d.mediation.record_outcome(v.id, v.version, OutcomeInput(
        result="mediated", on=days_ago(19), agreement_date=days_ago(18), facts="经查，冰箱能效标识与宣传不符。",
        disputes="是否构成欺诈。", responsibility="被投诉人虚假宣传，负全部责任。",
        terms="被投诉人退还货款1,000元。\n被投诉人按消法第五十五条赔偿3,000元。", performance_method="银行转账",
        performance_place="本会调解室", performance_due=days_ago(10), refund_amount="1000", compensation_amount="3000",
        punitive=True, price_paid="1000", fraud_found=True))
    return v, s1, s2


def minimal_case(d):  # type: ignore[no-untyped-def]
    """Optional fields empty: no address, agent, statements, evidence, disputes, responsibility."""
    v = make_case(d, received_days_ago=20, name="李四")
    s = d.mediation.add_session(v.id, SessionInput(method="phone", started_at=at(days_ago(10)),
                                                  mediators=(MediatorInput("王调解", "expert"),), recorder_name="刘记录", result="agreed"))
    v = d.complaints.get(v.id)
    d.mediation.record_outcome(v.id, v.version, OutcomeInput(result="mediated", on=days_ago(9), terms="经营者为消费者免费维修。",
                                                             performed_date=days_ago(9)))
    return v, s


def test_session_record_with_every_field(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    v, s1, s2 = full_case(office)
    out = MD.render_session_record(office, s1.id, tmp_path / MD.session_filename(v, s1))
    assert out.name == f"{v.case_no} 调解笔录（第1次）.docx"
    text = doc_text(out)
    assert_clean(text)
    for expected in ("太和县消费者协会", "调解笔录", f"案件编号：{v.case_no}　第一次调解",
                     f"时间：{cn_date(days_ago(30))} 9时30分至11时00分", "地点：本会调解室", "调解方式：现场",
                     f"调解员：{office.actor.display_name}、李明德（消费争议人民调解委员会）", f"记录人：{office.actor.display_name}",
                     "投诉人：张三丰，身份证号：11010519491231002X，住址：太和县旧县镇幸福村3组，联系电话：13812345678",
                     "投诉人的委托代理人：李律师（特别授权）", "投诉方到场人员：张三丰（投诉人本人）",
                     "被投诉人：太和县A&B<电器>有限公司", "被投诉人的委托代理人：王律师", "被投诉方到场人员：王力（店长）",
                     "案由：张三丰投诉太和县A&B<电器>有限公司虚假宣传纠纷", "调解员已核对到场当事人及代理人的身份。",
                     "已告知当事人有权申请调解员回避", "回避申请：投诉人申请调解员李明德回避。",
                     f"决定：驳回回避申请（{cn_date(days_ago(29))}）。", "冰箱买回一个月不制冷。", "同意检测后处理。",
                     "购物小票一张。", "休会，择期再调。", "双方同意送检后再调。", "备注：双方同意择日再调。",
                     "投诉人（签名）：", "被投诉人（签名或盖章）：", "调解员（签名）：", "记录人（签名）："):
        assert expected in text, expected
    assert text.count("调解员（签名）：") == 2  # one line per mediator
    # The signature blank is an underlined run.
    d = docx.Document(str(out))
    sign = next(p for p in d.paragraphs if p.text.startswith("投诉人（签名）："))
    assert any(r.underline and r.text.strip("\u3000") == "" for r in sign.runs)

    second = doc_text(MD.render_session_record(office, s2.id, tmp_path / "2.docx"))
    assert "第二次调解" in second and "调解方式：视频" in second and "赵国强（县消费争议人民调解委员会）" in second
    assert "当事人未申请回避。" in second and "达成调解协议。" in second


def test_agreement_with_every_field(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    v, _s1, _s2 = full_case(office)
    o = office.mediation.outcome(v.id)
    out = MD.render_agreement(office, v.id, tmp_path / MD.agreement_filename(v))
    text = doc_text(out)
    assert_clean(text)
    for expected in ("调解书", f"编号：{o.agreement_no}", "投诉人：张三丰，身份证号：11010519491231002X",
                     "投诉人：李秀英，住址：太和县城关镇，联系电话：13900001111", "委托代理人：李律师（特别授权）",
                     "被投诉人：太和县A&B<电器>有限公司，住所：太和县城关镇人民路1号", "被投诉方到场人员：王力（店长）", "委托代理人：王律师",
                     f"于{cn_date(days_ago(40))}就与被投诉人太和县A&B<电器>有限公司之间的家用电器消费纠纷向本会投诉",
                     f"本会于{cn_date(days_ago(30))}、{cn_date(days_ago(20))}组织双方当事人进行调解",
                     "一、纠纷事实", "经查，冰箱能效标识与宣传不符。", "二、争议事项", "是否构成欺诈。", "三、双方责任",
                     "被投诉人虚假宣传，负全部责任。", "四、调解协议", "（一）被投诉人退还货款1,000元。", "（二）被投诉人按消法第五十五条赔偿3,000元。",
                     "本协议涉及金额：退还货款（费用）1,000.00元，赔偿3,000.00元（其中依照《中华人民共和国消费者权益保护法》第五十五条加倍赔偿3,000.00元），合计4,000.00元。",
                     "履行方式：银行转账", "履行地点：本会调解室", f"履行期限：于{cn_date(days_ago(10))}前履行完毕",
                     "本调解书一式三份，双方当事人各执一份，本会存档一份。", "投诉人（签名或按指印）：", "被投诉人（签名或盖章）：",
                     "（李明德）", "（赵国强）", "太和县消费者协会（盖章）", cn_date(days_ago(18))):
        assert expected in text, expected
    assert text.count("调解员（签名）：") == 3  # the staff member, 李明德, 赵国强


def test_documents_with_optional_fields_empty(sqlite_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # No office settings at all, as after installation.
    v, s = minimal_case(sqlite_desk)
    rec = doc_text(MD.render_session_record(sqlite_desk, s.id, tmp_path / "r.docx"))
    assert_clean(rec)
    for expected in ("调解方式：电话", "地点：（电话调解）", "投诉方到场人员：（未记录）", "未核对到场人员身份。",
                     "未记录权利义务和回避事项的告知情况。", "（未记录）", "双方当事人未出示证据。", "达成调解协议。", "记录人：刘记录"):
        assert expected in rec, expected
    assert "委托代理人" not in rec and "备注" not in rec and "回避申请" not in rec
    agr = doc_text(MD.render_agreement(sqlite_desk, v.id, tmp_path / "a.docx"))
    assert_clean(agr)
    for expected in ("一、纠纷事实", "购买冰箱一个月不制冷", "二、争议事项", "投诉人请求：退货退款", "三、调解协议", "经营者为消费者免费维修。",
                     "履行方式：（按上述协议内容履行）", "履行地点：（未约定）", f"履行期限：已于{cn_date(days_ago(9))}当场履行完毕",
                     "调解员（签名）：", "（王调解）"):
        assert expected in agr, expected
    assert "委托代理人" not in agr and "双方责任" not in agr and "本协议涉及金额" not in agr and "到场人员" not in agr
    assert "。；" not in doc_text(N.render_case_file(sqlite_desk, v.id, tmp_path / "c.docx"))


def test_agreement_refused_without_a_settlement(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    v = make_case(office, received_days_ago=20)
    with pytest.raises(DeskError, match="还没有调解结果"):
        MD.render_agreement(office, v.id, tmp_path / "x.docx")
    v = office.complaints.act(v.id, "start_mediation", v.version, ActionInput(on=days_ago(18)))
    office.complaints.act(v.id, "mediation_success", v.version, ActionInput(on=days_ago(17)))  # the plain button: no terms yet
    with pytest.raises(DeskError, match="协议内容还没有填写"):
        MD.render_agreement(office, v.id, tmp_path / "x.docx")
    assert MD.available(office, v.id) == []
    assert not (tmp_path / "x.docx").exists()


def test_case_file_holds_the_session_records_and_the_agreement(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    v, _s1, _s2 = full_case(office)
    scan = tmp_path / "签字调解书.pdf"
    scan.write_bytes(b"%PDF signed")
    office.mediation.attach_signed(v.id, scan)
    text = doc_text(N.render_case_file(office, v.id, tmp_path / "案卷.docx"))
    assert_clean(text)
    assert "。；" not in text and "。。" not in text  # free text joined into sentences cleanly
    assert "三、调解记录" in text and "四、调解笔录" in text and "五、调解协议及履行" in text and "六、卷内材料目录" in text
    for expected in (f"第一次调解：{cn_date(days_ago(30))} 9时30分至11时00分，现场调解", "当事人申请回避，驳回回避申请",
                     f"第二次调解：{cn_date(days_ago(20))} 9时30分至11时00分，视频调解", "地点：腾讯会议",
                     "协议内容：被投诉人退还货款1,000元，被投诉人按消法第五十五条赔偿3,000元。",
                     "加倍赔偿：经营者存在欺诈行为，商品价款或服务费用1,000.00元，加倍赔偿3,000.00元。",
                     "履行情况：尚未确认履行。", "已签署文书：已签署调解书（签字调解书.pdf）。"):
        assert expected in text, expected
    d = docx.Document(str(tmp_path / "案卷.docx"))
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "调解时间")
    assert [r.cells[3].text for r in table.rows[1:]] == ["休会，择期再调", "达成调解协议"]


def test_readonly_user_may_not_print_and_each_document_is_audited(office, sqlite_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    v, s = minimal_case(office)
    MD.render_session_record(office, s.id, tmp_path / "r.docx")
    MD.render_agreement(office, v.id, tmp_path / "a.docx")
    exports = [e for e in office.audit_log.entries(table="complaint", row_id=str(v.id), limit=100) if e.action == "export"]
    assert sorted(e.after["document"] for e in exports if e.after) == ["调解书", "调解笔录（第1次调解）"]
    office.users.create(UserInput("reader", "只读", Role.READONLY.value, office.actor.office_id, password="reader-pass-1"))
    from desk.facade import Desk

    ro = Desk.open(sqlite_url)
    try:
        ro.auth.login("reader", "reader-pass-1")
        with pytest.raises(PermissionDenied):
            MD.render_agreement(ro, v.id, tmp_path / "ro.docx")
        with pytest.raises(PermissionDenied):
            MD.render_session_record(ro, s.id, tmp_path / "ro.docx")
    finally:
        ro.close()


def test_shipped_templates_match_the_builder(tmp_path: Path) -> None:
    from test_documents_notices import _tags_and_split

    built = build_all(tmp_path)
    assert sorted(p.name for p in built) == sorted(TEMPLATES)
    for p in built:
        shipped = TEMPLATE_DIR / p.name
        assert shipped.is_file(), f"{p.name} missing: run python -m desk.documents.mediation_templates"
        tags_built, split_built = _tags_and_split(p)
        tags_shipped, split_shipped = _tags_and_split(shipped)
        assert tags_shipped == tags_built, f"{p.name} differs from the builder: regenerate the templates"
        assert split_built == [] and split_shipped == []
        assert tags_built


def test_performance_date_appears_in_the_case_file_once_confirmed(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    v, _s1, _s2 = full_case(office)
    o = office.mediation.outcome(v.id)
    office.mediation.confirm_performance(v.id, o, days_ago(12), "已转账")
    text = doc_text(N.render_case_file(office, v.id, tmp_path / "c.docx"))
    assert f"履行情况：{cn_date(days_ago(12))}已履行，已转账。" in text
