"""The complaint notices and the case file as Word documents: real complaints on a real
database, taken through the workflow, rendered from the shipped templates and read back."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from desk import clock
from desk.documents import notices as N
from desk.documents.render import cn_date, cn_ordinal, money_text, paragraphs
from desk.documents.template_builder import FANGSONG, TEMPLATES, XIAOBIAOSONG, build_all
from desk.errors import DeskError, NotFound, PermissionDenied
from desk.services.businesses import BusinessInput
from desk.services.complaints import ActionInput, ComplaintInput, PartyInput
from desk.services.users import UserInput

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "resources" / "templates"

FACTS = "2025年10月1日在该店购买海尔冰箱一台，使用两周后压缩机不制冷。\n多次联系商家要求维修，商家以人为损坏为由拒绝。"
DEMAND = "退还货款1,299元。\n赔偿往返交通费100元。"
BUSINESS = "太和县A&B<电器>有限公司"  # escaping: must come out as written


# -- helpers -----------------------------------------------------------------------------------


def doc_text(path: Path) -> str:
    """Every paragraph of the body and of every table cell, one per line."""
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


def days_ago(n: int) -> dt.date:
    return clock.today() - dt.timedelta(days=n)


def register(desk, *, full: bool = True, name: str = "张三丰", phone: str = "13812345678", business_id: int | None = None,
             received: dt.datetime | None = None, joint: bool = False):  # type: ignore[no-untyped-def]
    received = received or clock.now().replace(hour=9, minute=30, second=0) - dt.timedelta(days=40)
    if full:
        inp = ComplaintInput(
            consumer_name=name, consumer_phone=phone, channel_code="C01", category_code="G0101", nature_code="N03",
            received_at=received, business_id=business_id,
            new_business=None if business_id else BusinessInput(name=BUSINESS, address="太和县城关镇商业街12号"),
            consumer_address="太和县旧县镇幸福村3组", amount="1299", demand=DEMAND, facts=FACTS,
            parties=(PartyInput("李秀英", "13900001111", is_representative=True),) if joint else (),
            consumer_is_representative=joint,
        )
    else:
        # Every optional field left empty: no address, no demand, no amount.
        inp = ComplaintInput(
            consumer_name=name, consumer_phone=phone, channel_code="C02", category_code="S03", nature_code="N10",
            received_at=received, business_id=business_id,
            new_business=None if business_id else BusinessInput(name="某旅行社"),
            facts="导游强制购物。",
        )
    return desk.complaints.register(inp)


def act(desk, view, action: str, days_after_receipt: int, **kw):  # type: ignore[no-untyped-def]
    on = view.received_at.date() + dt.timedelta(days=days_after_receipt)
    return desk.complaints.act(view.id, action, view.version, ActionInput(on=on, **kw))


def exports(desk, complaint_id: int) -> list:  # type: ignore[no-untyped-def]
    return [e for e in desk.audit_log.entries(table="complaint", row_id=str(complaint_id), limit=500) if e.action == "export"]


@pytest.fixture
def office(sqlite_desk):  # type: ignore[no-untyped-def]
    sqlite_desk.settings.save({
        "office.name": "太和县消费者权益保护委员会",
        "office.phone": "0558-8612315",
        "office.address": "太和县城关镇人民路88号",
    })
    return sqlite_desk


# -- formats -------------------------------------------------------------------------------------


def test_formats() -> None:
    assert cn_date(dt.date(2026, 3, 5)) == "2026年3月5日"
    assert cn_date(dt.datetime(2026, 12, 25, 8, 0)) == "2026年12月25日"
    assert cn_date(None) == ""
    assert money_text("1299") == "1,299.00元"
    assert money_text(0) == "0.00元"
    assert money_text(None) == ""
    assert [cn_ordinal(n) for n in (1, 4, 10, 11, 20, 23)] == ["一", "四", "十", "十一", "二十", "二十三"]
    assert paragraphs("a\r\n\n  b  \n") == ["a", "b"]
    assert N.numbered_routes(["甲", "乙"]) == ["（一）甲；", "（二）乙。"]


# -- the notices ------------------------------------------------------------------------------------


def test_acceptance_notice_on_both_databases(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(desk)
    v = act(desk, c, "accept", 2)
    out = N.render_acceptance_notice(desk, c.id, tmp_path / "受理通知书.docx")
    text = doc_text(out)
    for expected in (c.case_no, "张三丰", BUSINESS, "太和县消费者协会", "投诉受理通知书", cn_date(v.accepted_date),
                     cn_date(c.received_at), "系统管理员", "家用电器", "质量问题"):
        assert expected in text, expected
    assert_clean(text)
    assert [e.after["document"] for e in exports(desk, c.id)] == ["受理通知书"]


@pytest.mark.parametrize("rule", ["old", "new"])
def test_acceptance_notice_states_the_mediation_period_of_the_case_rules(office, tmp_path: Path, rule: str) -> None:  # type: ignore[no-untyped-def]
    received = clock.now().replace(microsecond=0) - dt.timedelta(days=20)
    # The case keeps the rules in force on its receipt date; move the change date around it.
    change = received.date() + dt.timedelta(days=1 if rule == "old" else -1)
    office.settings.save({"deadline.rule_change_date": change.isoformat()})
    c = register(office, received=received)
    act(office, c, "accept", 1)
    text = doc_text(N.render_acceptance_notice(office, c.id, tmp_path / "a.docx"))
    if rule == "old":
        assert "自受理之日起45个工作日" in text
    else:
        assert "自受理之日起60日" in text
    assert "0558-8612315" in text and "太和县城关镇人民路88号" in text
    assert "太和县消费者权益保护委员会" in text  # the office's full name from the settings


def test_refusal_notice_names_the_ground_and_the_art39_routes(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    v = act(office, c, "refuse", 3, ground_code="R04", detail="消费者于2021年购买，至今已超过三年")
    assert v.status == "refused"
    text = doc_text(N.render_refusal_notice(office, c.id, tmp_path / "r.docx"))
    for expected in (c.case_no, "张三丰", BUSINESS, "不予受理告知书", "自知道或者应当知道权益受到侵害之日起超过三年",
                     "消费者于2021年购买，至今已超过三年。", "第三十九条", cn_date(v.received_at + dt.timedelta(days=3))):
        assert expected in text, expected
    for route in N.ART39_ROUTES:
        assert route in text, route
    assert "（五）向人民法院提起诉讼。" in text
    assert_clean(text)


def test_termination_notice_goes_to_both_parties_without_the_ended_route(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    v = act(office, c, "accept", 1)
    v = act(office, v, "start_mediation", 2)
    v = act(office, v, "terminate", 9, ground_code="T02", reason="经营者两次无故不到场")
    text = doc_text(N.render_termination_notice(office, c.id, tmp_path / "t.docx"))
    assert f"张三丰、{BUSINESS}：" in text
    for expected in (c.case_no, "一方当事人无正当理由不参加调解或者拒绝调解", "经营者两次无故不到场。",
                     cn_date(v.mediation_ended_date), cn_date(v.accepted_date), "终止调解告知书"):
        assert expected in text, expected
    # The mediation by a consumer association has just ended: not offered again.
    assert N.ART39_ROUTES[N.ART39_MEDIATION] not in text
    for i, route in enumerate(N.ART39_ROUTES):
        if i != N.ART39_MEDIATION:
            assert route in text, route
    assert "（四）向人民法院提起诉讼。" in text
    assert_clean(text)


def test_joint_complaint_is_addressed_to_all_consumers(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office, joint=True)
    act(office, c, "accept", 1)
    text = doc_text(N.render_acceptance_notice(office, c.id, tmp_path / "a.docx"))
    assert "张三丰等2人：" in text and "你们于" in text


def test_referral_letter_for_transfer_and_enforcement(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    v = act(office, c, "accept", 1)
    v = act(office, v, "start_mediation", 2)
    v = act(office, v, "enforcement", 3, department="太和县市场监督管理局")
    v = act(office, v, "transfer", 4, department="太和县卫生健康委员会", reply_due=v.received_at.date() + dt.timedelta(days=20))
    enforcement, transfer = v.referrals

    text = doc_text(N.render_referral_letter(office, c.id, tmp_path / "transfer.docx", referral_id=transfer.id))
    for expected in ("太和县卫生健康委员会：", "诉求信息通报函", c.case_no, "张三丰", "13812345678", BUSINESS,
                     "多次联系商家要求维修，商家以人为损坏为由拒绝。", "赔偿往返交通费100元。", "1,299.00元",
                     f"于{cn_date(transfer.reply_due)}前将处理结果函告本会", "属于贵单位职责范围"):
        assert expected in text, expected
    assert_clean(text)

    text = doc_text(N.render_referral_letter(office, c.id, tmp_path / "clue.docx", referral_id=enforcement.id,
                                             referral_note="建议对该经营者的售后服务情况进行检查。"))
    assert "太和县市场监督管理局：" in text and "涉嫌存在违法行为" in text
    assert "四、本会意见" in text and "建议对该经营者的售后服务情况进行检查。" in text
    assert sorted(e.after["document"] for e in exports(office, c.id)) == sorted([
        "诉求信息通报函（太和县市场监督管理局）", "诉求信息通报函（太和县卫生健康委员会）"])

    with pytest.raises(NotFound):
        N.render_referral_letter(office, c.id, tmp_path / "x.docx", referral_id=9999)


def test_referral_letter_refused_for_a_lawsuit_referral(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    v = act(office, c, "accept", 1)
    v = act(office, v, "lawsuit", 2, department="太和县人民法院")
    with pytest.raises(DeskError, match="不需要诉求信息通报函"):
        N.render_referral_letter(office, c.id, tmp_path / "x.docx", referral_id=v.referrals[0].id)
    assert not (tmp_path / "x.docx").exists()


def test_notice_for_a_decision_not_taken_is_refused(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    for fn, words in ((N.render_acceptance_notice, "尚未受理"), (N.render_refusal_notice, "没有不予受理"),
                      (N.render_termination_notice, "没有终止调解"), (N.render_referral_letter, "没有转办")):
        with pytest.raises(DeskError, match=words):
            fn(office, c.id, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
    assert exports(office, c.id) == []


# -- the case file ---------------------------------------------------------------------------------------


def test_case_file_holds_form_timeline_mediation_and_materials(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    v = act(office, c, "accept", 1)
    v = act(office, v, "start_mediation", 2)
    v = act(office, v, "pause", 3, reason="送检测机构检测压缩机")
    v = act(office, v, "resume", 6)
    a1 = office.complaints.add_attachment(c.id, "购物小票.jpg", b"receipt" * 100)
    a2 = office.complaints.add_attachment(c.id, "聊天记录.png", b"x" * 3000)
    v = office.complaints.get(c.id)
    v = act(office, v, "mediation_success", 8, detail="经营者退还货款1,299元")
    v = act(office, v, "close", 9)
    v = act(office, v, "archive", 10)
    events = office.complaints.timeline(c.id)

    out = N.render_case_file(office, c.id, tmp_path / "案卷.docx")
    text = doc_text(out)
    assert_clean(text)
    # Cover
    for expected in (v.archive_no, c.case_no, "消费者投诉案卷", f"张三丰投诉{BUSINESS}质量纠纷", "调解成功：经营者退还货款1,299元",
                     cn_date(v.closed_date)):
        assert expected in text, expected
    # Registration form: every field
    for expected in ("收到时间", "太和县旧县镇幸福村3组", "13812345678", "家用电子电器类（家用电器）", "质量", "1,299.00元",
                     "退还货款1,299元。", "压缩机不制冷", "太和县城关镇商业街12号", "送检测机构检测压缩机"):
        assert expected in text, expected
    # Timeline: every step, with its person and detail
    d = docx.Document(str(out))
    timeline_table = next(t for t in d.tables if t.rows[0].cells[0].text == "日期" and t.rows[0].cells[3].text == "办理情况")
    rows = [[c.text for c in r.cells] for r in timeline_table.rows[1:]]
    assert len(rows) == len(events)
    assert sorted(r[1] for r in rows) == sorted(e.action_label for e in events)
    for e in events:
        assert [cn_date(e.event_date), e.action_label, e.username, e.detail or "—"] in rows
    assert [r[0] for r in rows] == [cn_date(e.event_date) for e in sorted(events, key=lambda e: e.event_date)]
    # Mediation records: the mediation steps
    assert "三、调解记录" in text
    mediation = next(t for t in d.tables if t.rows[0].cells[1].text == "调解步骤")
    assert [r.cells[1].text for r in mediation.rows[1:]] == ["开始调解", "暂停计时", "恢复计时", "调解成功"]
    # Materials
    assert "四、卷内材料目录" in text
    for a in (a1, a2):
        assert a.filename in text and a.sha256[:12] in text
    assert "700 字节" in text and "2.9 KB" in text


def test_case_file_of_a_bare_registration(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office, full=False, name="李四", phone="13700002222")
    text = doc_text(N.render_case_file(office, c.id, tmp_path / "bare.docx"))
    assert_clean(text)
    assert c.case_no in text and "李四" in text and "本案未受理，未进行调解。" in text and "本案无附件材料。" in text


def test_case_file_sections_extension_point(office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(N, "_SECTION_PROVIDERS", list(N._SECTION_PROVIDERS))

    def sessions(desk, view, events):  # type: ignore[no-untyped-def]
        yield N.CaseFileSection("调解笔录", ("第一次调解，双方到场。",), ("时间", "地点", "调解员", "结果"),
                                (("2026年3月6日 9时", "本会调解室", "王调解", "未达成协议"),))

    N.register_case_file_section(sessions, replace=N.mediation_steps_section)
    N.register_case_file_section(lambda desk, view, events: [N.CaseFileSection("回访记录", ("电话回访，消费者满意。",))])
    c = register(office)
    text = doc_text(N.render_case_file(office, c.id, tmp_path / "ext.docx"))
    assert "三、调解笔录" in text and "第一次调解，双方到场。" in text and "本会调解室" in text
    assert "四、回访记录" in text and "电话回访，消费者满意。" in text
    assert "五、卷内材料目录" in text
    assert "调解步骤" not in text  # replaced
    assert_clean(text)
    with pytest.raises(ValueError):
        N.CaseFileSection("x", rows=(("a", "b"),))  # type: ignore[arg-type]


# -- every shipped template with full and minimal data ---------------------------------------------------------


def _prepare(desk, kind: str, full: bool):  # type: ignore[no-untyped-def]
    c = register(desk, full=full, phone="13812345678" if full else "13700002222")
    extra: dict = {}
    if kind == "acceptance":
        act(desk, c, "accept", 1)
    elif kind == "refusal":
        act(desk, c, "refuse", 1, ground_code="R03")
    elif kind == "termination":
        v = act(desk, c, "accept", 1)
        act(desk, v, "terminate", 2, ground_code="T03")
    elif kind == "referral":
        v = act(desk, c, "transfer", 1, department="太和县交通运输局")
        extra["referral_id"] = v.referrals[0].id
    return c, extra


@pytest.mark.parametrize("full", [True, False], ids=["full", "minimal"])
@pytest.mark.parametrize("kind", list(N.DOCUMENT_KINDS))
def test_every_template_renders_with_full_and_minimal_data(sqlite_desk, tmp_path: Path, kind: str, full: bool) -> None:  # type: ignore[no-untyped-def]
    if full:
        sqlite_desk.settings.save({"office.name": "太和县消费者协会", "office.phone": "0558-8612315", "office.address": "人民路88号"})
    # minimal: the office settings stay empty as after installation
    c, extra = _prepare(sqlite_desk, kind, full)
    out = N.render(kind, sqlite_desk, c.id, tmp_path / N.suggested_filename(kind, c), **extra)
    assert out.name == f"{c.case_no} {N.DOCUMENT_KINDS[kind].label}.docx"
    text = doc_text(out)
    assert_clean(text)
    assert c.case_no in text
    assert c.consumer_name in text  # the real name: these go to the parties
    assert c.business_name in text
    if kind in ("referral", "case_file"):
        assert c.facts.splitlines()[0] in text
    if not full:
        assert "联系地址" not in text  # optional lines disappear rather than print empty
    assert any(k == kind for k, _label, _rid in N.available_documents(sqlite_desk.complaints.get(c.id)))


# -- permission and audit ---------------------------------------------------------------------------------------


def test_readonly_user_may_not_generate_documents(office, sqlite_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desk.facade import Desk

    c = register(office)
    v = act(office, c, "accept", 1)
    v = act(office, v, "transfer", 2, department="太和县市场监督管理局")
    office.users.create(UserInput("chakan", "查看员", "readonly", office.actor.office_id, password="readonly-pass-1"))
    with Desk.open(sqlite_url) as ro:
        ro.auth.login("chakan", "readonly-pass-1")
        for kind in N.DOCUMENT_KINDS:
            with pytest.raises(PermissionDenied, match="查看个人信息"):
                N.render(kind, ro, c.id, tmp_path / f"{kind}.docx")
    assert list(tmp_path.glob("*.docx")) == []
    assert exports(office, c.id) == []


def test_each_document_is_audited_as_an_export(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    act(office, c, "accept", 1)
    N.render_acceptance_notice(office, c.id, tmp_path / "a1.docx")
    N.render_acceptance_notice(office, c.id, tmp_path / "a2.docx", issued_on=dt.date(2026, 3, 5))
    N.render_case_file(office, c.id, tmp_path / "f.docx")
    rows = exports(office, c.id)
    assert len(rows) == 3
    assert {(e.after["document"], e.after["file"], e.after["case_no"], e.username) for e in rows} == {
        ("受理通知书", "a1.docx", c.case_no, "admin"), ("受理通知书", "a2.docx", c.case_no, "admin"),
        ("案卷", "f.docx", c.case_no, "admin"),
    }
    # extra overrides the context: the date above the seal
    assert "2026年3月5日" in doc_text(tmp_path / "a2.docx")


def test_missing_folder_gives_a_message_and_no_audit_row(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = register(office)
    act(office, c, "accept", 1)
    with pytest.raises(DeskError, match="不存在"):
        N.render_acceptance_notice(office, c.id, tmp_path / "nope" / "a.docx")
    assert exports(office, c.id) == []


# -- layout and fonts in the generated files -------------------------------------------------------------------


@pytest.fixture
def rendered(office, tmp_path: Path) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    c = register(office)
    v = act(office, c, "accept", 1)
    act(office, v, "transfer", 2, department="太和县市场监督管理局")
    return {
        "acceptance": N.render_acceptance_notice(office, c.id, tmp_path / "a.docx"),
        "referral": N.render_referral_letter(office, c.id, tmp_path / "r.docx"),
        "case_file": N.render_case_file(office, c.id, tmp_path / "f.docx"),
    }


def test_page_setup_is_a4_with_official_margins(rendered: dict[str, Path]) -> None:
    for path in rendered.values():
        sec = docx.Document(str(path)).sections[0]
        for got, want in ((sec.page_width, Mm(210)), (sec.page_height, Mm(297)), (sec.top_margin, Mm(37)),
                          (sec.bottom_margin, Mm(35)), (sec.left_margin, Mm(28)), (sec.right_margin, Mm(26))):
            assert abs(got - want) < Mm(0.1), (path.name, got, want)


def test_east_asian_fonts_on_styles_and_runs(rendered: dict[str, Path]) -> None:
    for path in rendered.values():
        d = docx.Document(str(path))
        normal = d.styles["Normal"]
        rfonts = normal.element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == FANGSONG
        assert rfonts.get(qn("w:ascii")) == "Times New Roman"
        assert rfonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win over it in Word
        assert normal.font.size.pt == 16
        ind = normal.element.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:firstLineChars")) == "200"
        if path.name != "f.docx":
            title = d.paragraphs[0]
            assert title.style.name == "文书标题" and title.style.font.size.pt == 22
            assert title.style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == XIAOBIAOSONG
            assert title.alignment is None and title.style.paragraph_format.alignment == 1  # centred by its style
        # Every run with text carries the East Asian font itself.
        body = d.element.body
        runs = [r for r in body.iter(qn("w:r")) if r.find(qn("w:t")) is not None and (r.find(qn("w:t")).text or "").strip()]
        assert runs
        for r in runs:
            f = r.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert f is not None and f.get(qn("w:eastAsia")), r.find(qn("w:t")).text


# -- the templates and their builder -------------------------------------------------------------------------------


TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _tags_and_split(path: Path) -> tuple[list[str], list[str]]:
    """(tags in document order, text nodes holding half a tag)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    tags: list[str] = []
    split: list[str] = []
    for t in root.iter(f"{{{W_NS}}}t"):
        s = t.text or ""
        found = TAG.findall(s)
        tags += found
        rest = TAG.sub("", s)
        if any(x in rest for x in ("{{", "}}", "{%", "%}")):
            split.append(s)
    return tags, split


def test_shipped_templates_match_the_builder(tmp_path: Path) -> None:
    built = build_all(tmp_path)
    assert sorted(p.name for p in built) == sorted(TEMPLATES)
    for p in built:
        shipped = TEMPLATE_DIR / p.name
        assert shipped.is_file(), f"{p.name} missing: run python -m desk.documents.template_builder"
        tags_built, split_built = _tags_and_split(p)
        tags_shipped, split_shipped = _tags_and_split(shipped)
        assert tags_shipped == tags_built, f"{p.name} differs from the builder: regenerate the templates"
        assert split_built == [] and split_shipped == []  # every tag sits in one run
        assert tags_built


def test_templates_are_found_through_the_package_not_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                         office) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    c = register(office)
    act(office, c, "accept", 1)
    assert N.render_acceptance_notice(office, c.id, tmp_path / "a.docx").is_file()
