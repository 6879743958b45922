"""The quarterly briefing (desk.briefing): every number in its text equals an independent SQL
count, shares add up to 100 %, zero last-year figures read '去年同期无数据' or '—', no consumer's
name, phone or ID number appears anywhere in the .docx, the masthead and end block are there,
East Asian fonts are set, issue numbers count up per year, a read-only user is refused, and
LibreOffice (another office suite) converts the file to PDF."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ADMIN_PASSWORD
from sqlalchemy import insert, text
from test_stats import Q3, _complaint, _sql_headline, crafted

from desk import briefing as br
from desk.errors import PermissionDenied
from desk.models import Business, Complaint
from desk.periods import parse_period
from desk.services.users import UserInput

D = dt.date
PEOPLE = [("王秀英", "13812345678", "34122219800101123X"), ("欧阳娜娜", "0558-8812345", None)]


def _with_people(desk) -> dict[str, int]:  # type: ignore[no-untyped-def]
    o = crafted(desk)
    with desk.write() as s:
        for i, (name, phone, id_no) in enumerate(PEOPLE):
            row = _complaint(o["county"], D(2025, 8, 20 + i), nature="N04", cat="G0101")
            row.update(consumer_name=name, consumer_phone=phone, consumer_id_no=id_no, agent_name="" if i else "李建国")
            s.execute(insert(Complaint).values(**row))
    desk.settings.save({"briefing.issuer": "太和县消费者协会秘书处", "briefing.report_to": "县市场监督管理局",
                        "briefing.send_to": "县消保委成员单位", "briefing.issue_to": "各乡镇分会", "briefing.copies": 25})
    return o


SECTIONS = br.BriefingSections(
    work_news="本季度开展“3·15”宣传活动。\n\n消费者王秀英（电话13812345678，身份证34122219800101123X）来电致谢。",
    typical_cases="欧阳娜娜投诉某装修公司，联系电话0558-8812345，代理人李建国到场。",
    next_steps="继续做好投诉处理工作。",
)


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml") or n.endswith(".rels"))


def _text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts.extend("|".join(c.text for c in row.cells) for row in t.rows)
    return "\n".join(parts)


def test_briefing_numbers_masking_and_layout(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _with_people(desk)
    steps: list[int] = []
    out = br.generate(desk, Q3, tmp_path / "简报.docx", sections=SECTIONS, issued_on=D(2025, 10, 10),
                      progress=lambda p, _t: steps.append(p))
    assert out.is_file() and steps[-1] == 100 and steps == sorted(steps)
    body = _text(out)
    sql = _sql_headline(desk, Q3, None)
    ly = _sql_headline(desk, parse_period("2024Q3"), None)

    # Every headline number in the text equals the independent SQL.
    rate = f"{sql['resolution_rate']}%"
    assert f"本季度共受理消费者投诉{sql['accepted']}件，同比增长" in body
    yoy = (Decimal(sql["accepted"] - ly["accepted"]) * 100 / ly["accepted"]).quantize(Decimal("0.01"))
    assert f"同比增长{yoy}%（去年同期{ly['accepted']}件）" in body
    assert f"解决{sql['resolved']}件，解决率{rate}" in body
    assert f"挽回经济损失{sql['recovered_wan']}万元，去年同期无数据" in body  # nothing recovered a year ago
    assert f"加倍赔偿的投诉{sql['punitive_count']}件，加倍赔偿金额{sql['punitive_wan']}万元" in body
    assert f"接待来访和咨询{sql['consultations']}人次，去年同期无数据" in body

    # Nature table: counts equal SQL, shares add to 100 %, zero last year shows '—'.
    with desk.read() as s:
        by_nature = dict(s.execute(text("SELECT nature_code, COUNT(*) FROM complaint WHERE accepted_date BETWEEN :a AND :b "
                                        "GROUP BY nature_code"), {"a": Q3.start, "b": Q3.end}).all())
    from docx import Document
    doc = Document(str(out))
    headline = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[0].rows[1:]}
    assert headline["受理投诉（件）"][1] == str(sql["accepted"]) and headline["投诉解决率"][1] == rate
    natures = doc.tables[1]
    rows = [[c.text for c in r.cells] for r in natures.rows[1:]]
    assert sum(int(r[1]) for r in rows[:-1]) == sum(by_nature.values()) == int(rows[-1][1]) == sql["accepted"]
    assert abs(sum(Decimal(r[2].rstrip("%")) for r in rows[:-1]) - 100) <= Decimal("0.05") and rows[-1][2] == "100.00%"
    assert any(r[3] == "0" and r[4] == "—" and int(r[1]) > 0 for r in rows)  # 售后服务: none last year
    groups = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[2].rows[1:-1]}
    # 表4 / 表5 totals are 表3's 商品 / 服务 rows (其他 is in 表3 only).
    assert [c.text for c in doc.tables[3].rows[-1].cells][1:3] == groups["商品"][1:3]
    assert [c.text for c in doc.tables[4].rows[-1].cells][1:3] == groups["服务"][1:3]

    # No consumer or agent name, phone or ID number anywhere in the package.
    xml = _xml(out)
    with desk.read() as s:
        people = s.execute(text("SELECT consumer_name, consumer_phone, consumer_id_no, agent_name FROM complaint "
                                "WHERE accepted_date BETWEEN :a AND :b OR received_date BETWEEN :a AND :b"),
                           {"a": Q3.start, "b": Q3.end}).all()
    assert len(people) >= 14
    for name, phone, id_no, agent in people:
        for secret in (name, phone, id_no, agent):
            if secret:
                assert secret not in xml, secret
    assert "王某（电话138****5678，身份证3412**********123X）" in body
    assert "欧阳某投诉某装修公司，联系电话0558-***2345，代理人李某到场" in body

    # Masthead and end block.
    assert "内部资料" in body and "消费维权工作简报" in body and "第1期" in body
    assert "太和县消费者协会秘书处\t2025年10月10日" in body
    for line in ("报：县市场监督管理局", "送：县消保委成员单位", "发：各乡镇分会", "共印25份"):
        assert line in body
    for heading in ("一、投诉受理总体情况", "四、工作动态", "五、典型案例", "六、下步工作"):
        assert heading in body
    assert "本季度开展“3·15”宣传活动。" in body

    # Fonts, charts, page numbers.
    doc_xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert 'w:eastAsia="仿宋_GB2312"' in zipfile.ZipFile(out).read("word/styles.xml").decode()
    assert 'w:eastAsia="方正小标宋简体"' in doc_xml and 'w:color w:val="E00000"' in doc_xml
    assert doc_xml.count("<pic:pic") == 4
    footer = "".join(zipfile.ZipFile(out).read(n).decode() for n in zipfile.ZipFile(out).namelist() if "footer" in n)
    assert "PAGE" in footer and "— " in footer
    assert desk.audit_log.entries(table="briefing")[0].action == "export"


def test_issue_numbers_per_year_and_empty_period(sqlite_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    assert br.next_issue_number(d, 2026) == 1
    empty = parse_period("2026Q1")
    br.generate(d, empty, tmp_path / "a.docx", issued_on=D(2026, 4, 2))
    br.generate(d, empty, tmp_path / "b.docx", issued_on=D(2026, 4, 3))
    assert br.next_issue_number(d, 2026) == 3 and br.next_issue_number(d, 2027) == 1
    br.generate(d, empty, tmp_path / "c.docx", issued_on=D(2027, 1, 5))
    assert br.next_issue_number(d, 2027) == 2
    br.generate(d, empty, tmp_path / "d.docx", issued_on=D(2026, 5, 1), issue_no=9)
    assert br.next_issue_number(d, 2026) == 10
    body = _text(tmp_path / "b.docx")
    assert "第2期" in body and "本季度共受理消费者投诉0件，去年同期无数据" in body and "解决率—" in body
    assert "本期未受理投诉" in body and "四、" not in body  # no empty secretary sections
    assert "太和县消费者协会\t2026年4月3日" in body  # no issuer set: the county office


def test_readonly_user_is_refused(sqlite_url: str, sqlite_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desk.facade import Desk

    sqlite_desk.users.create(UserInput("viewer", "查看员", "readonly", sqlite_desk.actor.office_id, password=ADMIN_PASSWORD))
    with Desk.open(sqlite_url) as other:
        other.auth.login("viewer", ADMIN_PASSWORD)
        with pytest.raises(PermissionDenied):
            br.generate(other, Q3, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


def test_mask_personal() -> None:
    assert br.mask_personal("张三丰和张三，电话 139-1234-5678", ["张三", "张三丰", "李"]) == "张某和张某，电话 139****5678"
    assert br.mask_personal("身份证110101199003074578，订单号20260701123456789012") == \
        "身份证1101**********4578，订单号20260701123456789012"


def test_shipped_template_matches_builder(tmp_path: Path) -> None:
    from desk.documents.briefing_templates import build_briefing
    from desk.documents.template_builder import default_dir

    assert build_briefing(tmp_path / "b.docx").read_bytes() == (default_dir() / "briefing.docx").read_bytes()


def test_libreoffice_reads_the_briefing(sqlite_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice 未安装：CI 必须能把简报转换为 PDF")
        pytest.skip("libreoffice not installed")
    _with_people(sqlite_desk)
    docx = br.generate(sqlite_desk, Q3, tmp_path / "briefing.docx", sections=SECTIONS)
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, timeout=120, capture_output=True)
    pdf = tmp_path / "briefing.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 1000


def test_cli_briefing(sqlite_url: str, sqlite_desk, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from desk.cli import main

    _with_people(sqlite_desk)
    out = tmp_path / "cli.docx"
    assert main(["--db", sqlite_url, "briefing", "--period", "2025Q3", "--office", "THJX", "--out", str(out), "--issue", "5"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == str(out.resolve())
    body = _text(out)
    assert "第5期" in body and "本季度共受理消费者投诉2件" in body  # the branch office only
    assert main(["--db", sqlite_url, "briefing", "--period", "2025Q9", "--out", str(out)]) == 1
    assert "统计期间" in capsys.readouterr().err
    sqlite_desk.settings.save({"briefing.send_to": "", "briefing.issue_to": ""})
    assert main(["--db", sqlite_url, "briefing", "--period", "2025Q3", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "“送”“发”单位尚未设置" in err and "“报”" not in err  # said before writing


# -- one briefing, one number for one thing (issue 13) --------------------------------------------


def _cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text for c in r.cells] for r in table.rows]


def _backlog(desk, n: int = 10) -> None:  # type: ignore[no-untyped-def]
    """``n`` cases accepted in 2025Q2 and resolved in 2025Q3: Q3 resolves more than it accepts."""
    from desk.models.mediation import MediationOutcome

    with desk.write() as s:
        for i in range(n):
            cid = s.execute(insert(Complaint).values(**_complaint(desk.actor.office_id, D(2025, 5, 10 + i), nature="N01",
                                                                  cat="S0701")).returning(Complaint.id)).scalar_one()
            s.execute(insert(MediationOutcome).values(complaint_id=cid, result="mediated", resolved_date=D(2025, 7, 20),
                                                      recovered_total=Decimal("0"), punitive_amount=Decimal("0"),
                                                      fraud_found=False))


def test_every_figure_agrees_with_itself(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Crafted 2025Q3, every figure known by hand: 12 accepted (质量 4, 售后服务 3, 合同 2, 价格 2,
    人格权益 1; 商品 6, 服务 5, 其他 1); 4 of them resolved in Q3, plus 10 accepted in Q2 and
    resolved in Q3: 解决 14, 解决率 116.67 % (flow), 受理当期解决率 4 ÷ 12 = 33.33 %."""
    from docx import Document

    from desk import stats as st

    crafted(desk)
    _backlog(desk)
    out = br.generate(desk, Q3, tmp_path / "b.docx", issued_on=D(2025, 10, 10))
    body = _text(out)
    doc = Document(str(out))
    headline, natures, groups, goods, services = (_cells(t) for t in doc.tables)

    # Stated by hand, and each appears identically wherever it is printed.
    assert "本季度共受理消费者投诉12件" in body and "解决14件，解决率116.67%" in body
    hl = {r[0]: r for r in headline[1:]}
    assert hl["受理投诉（件）"][1] == "12" and hl["解决（件）"][1] == "14" and hl["投诉解决率"][1] == "116.67%"
    assert hl["本期受理且期末前解决（件）"][1] == "4" and hl["受理当期解决率"][1] == "33.33%"
    assert hl["投诉解决率"][3].endswith("个百分点") and hl["受理当期解决率"][3].endswith("个百分点")  # a rate's 同比
    # The rate tops 100 %: the note says why and gives the cohort rate.
    assert "因此解决率116.67%超过100%" in body and "受理当期解决率为33.33%" in body

    nat = {r[0]: r for r in natures[1:]}
    assert [nat[n][1:3] for n in ("质量", "售后服务", "合同", "价格", "人格权益")] == [
        ["4", "33.33%"], ["3", "25.00%"], ["2", "16.67%"], ["2", "16.67%"], ["1", "8.33%"]]
    assert nat["合计"][1:3] == ["12", "100.00%"]
    assert "质量问题4件（占33.33%）、售后服务问题3件（占25.00%）" in body  # the text quotes the table

    grp = {r[0]: r for r in groups[1:]}
    assert [grp[n][1:3] for n in ("商品", "服务", "其他")] == [["6", "50.00%"], ["5", "41.67%"], ["1", "8.33%"]]
    assert "商品类投诉6件，占50.00%，服务类投诉5件，占41.67%，其他类投诉1件，占8.33%" in body
    assert goods[-1][:3] == ["合计", "6", "50.00%"] and services[-1][:3] == ["合计", "5", "41.67%"]
    assert not any(r[0] == "其他商品和服务" for r in services)  # 其他 is not a service
    cat_rows = {r[0]: r for r in [*goods[1:-1], *services[1:-1]]}
    assert cat_rows["家用电子电器类"][1:3] == ["4", "33.33%"] and cat_rows["互联网服务"][1:3] == ["3", "25.00%"]
    assert "家用电子电器类4件（占33.33%）" in body

    # Equal counts, equal shares, in every table.
    for table in (natures, groups, goods, services):
        by_count: dict[str, set[str]] = {}
        for r in table[1:-1]:
            by_count.setdefault(r[1], set()).add(r[2])
        assert all(len(v) == 1 for v in by_count.values()), by_count

    # The charts print the tables' numbers.
    stats = st.compute(desk, Q3)
    figs = br.chart_figures(stats)
    texts = {k: _fig_texts(f) for k, f in figs.items()}
    for name in ("质量", "售后服务", "合同", "价格", "人格权益"):
        assert f"{nat[name][1]}件 {nat[name][2]}" in texts["natures"], name
    assert "116.67%" in texts["resolution"]
    for name, row in cat_rows.items():
        if int(row[1]) and any(t.replace("\n", "") == name for t in texts["categories"]):
            assert f"同比{row[4]}" in texts["categories"], name
    # The trend shows the quarter's months only, each against the same month of 2024.
    assert {"7月", "8月", "9月"} <= set(texts["trend"]) and not {"1月", "10月", "12月"} & set(texts["trend"])
    assert "中位数为25天" in body  # whole days


def _fig_texts(fig) -> list[str]:  # type: ignore[no-untyped-def]
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_no_note_at_or_below_100_percent(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    crafted(desk)
    body = _text(br.generate(desk, Q3, tmp_path / "b.docx", issued_on=D(2025, 10, 10)))
    assert "解决率33.33%" in body and "超过100%" not in body


def test_t01_setting_counts_terminations_as_resolved(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desk import mediation_stats
    from desk import stats as st

    crafted(desk)
    with desk.write() as s:
        row = _complaint(desk.actor.office_id, D(2025, 7, 3), nature="N01", cat="S0701", status="closed",
                         closed=D(2025, 8, 1))
        row.update(termination_ground_code="T01", mediation_ended_date=D(2025, 7, 25))
        s.execute(insert(Complaint).values(**row))
    assert st.compute(desk, Q3).headline.resolved.value == 4  # default: only a recorded 自行和解 counts
    body = _text(br.generate(desk, Q3, tmp_path / "a.docx", issued_on=D(2025, 10, 10)))
    assert "仅在承办人登记为双方自行和解时计入" in body

    desk.settings.save({mediation_stats.T01_SETTING: True})
    h = st.compute(desk, Q3).headline
    assert (h.resolved.value, h.cohort_resolved.value) == (5, 5)
    assert mediation_stats.resolved_summary(desk, Q3.start, Q3.end).by_result["t01"] == 1
    body = _text(br.generate(desk, Q3, tmp_path / "b.docx", issued_on=D(2025, 10, 10)))
    assert "解决5件" in body and "以“投诉人撤回投诉或者双方自行和解”终止调解的投诉" in body


# -- personal data (issue 13): nothing personal reaches any XML part unless the secretary keeps it --

# The issue's three leaks: a consumer of an earlier quarter, a street address, a name in no record.
LEAKS = ["朱杰豪", "人民路18号", "张三"]
# 30 more, planted in every way a secretary might type them.
DB_PEOPLE = {  # name -> where the database knows it from
    "钱多多": "consumer", "孙悟净": "consumer", "周大福": "agent", "吴秀兰": "agent", "郑成功": "party",
    "冯晓梅": "volunteer", "陈立新": "volunteer", "褚国强": "investigator", "卫红霞": "investigator",
    "蒋一帆": "conciliator", "沈佳怡": "liaison", "司马相如": "consumer",
}
PLANTED = [
    *DB_PEOPLE,
    "13912345678", "139-8765-4321", "+86 137 1111 2222", "0558-7654321", "8812345", "05588123456",
    "341222198001011234", "34122219800101123X", "341222800101123",
    "李四", "王小明", "欧阳修", "赵六",
    "建设路6号", "幸福小区3栋2单元501室", "东关村12组",
    "太和县城关镇北关村",  # a consumer's address on record
    "和平街88号",
]


def _plant(desk) -> None:  # type: ignore[no-untyped-def]
    from desk.models.complaints import ComplaintParty
    from desk.models.mediation import ReconciliationStation
    from desk.models.rosters import RosterPerson

    county = desk.actor.office_id
    with desk.write() as s:
        old = _complaint(county, D(2024, 2, 1), nature="N03", cat="G0101")  # an earlier quarter
        old.update(consumer_name="朱杰豪", consumer_address="太和县城关镇北关村")
        s.execute(insert(Complaint).values(**old))
        for name, kind in DB_PEOPLE.items():
            if kind in ("consumer", "agent", "party"):
                row = _complaint(county, D(2023, 5, 1), nature="N01", cat="S0701")
                if kind == "consumer":
                    row["consumer_name"] = name
                elif kind == "agent":
                    row["agent_name"] = name
                cid = s.execute(insert(Complaint).values(**row).returning(Complaint.id)).scalar_one()
                if kind == "party":
                    s.execute(insert(ComplaintParty).values(complaint_id=cid, name=name))
            elif kind in ("volunteer", "investigator"):
                s.execute(insert(RosterPerson).values(kind=kind, name=name))
        bid = s.execute(insert(Business).values(name="某超市").returning(Business.id)).scalar_one()
        s.execute(insert(ReconciliationStation).values(office_id=county, business_id=bid, name="某超市和解站",
                                                       conciliator_name="蒋一帆", liaison_name="沈佳怡"))


PRIVATE_SECTIONS = br.BriefingSections(
    work_news=("本季度受理上季度消费者朱杰豪的回访，走访人民路18号商户。张三反映商家拒不退款。\n\n"
               "志愿者冯晓梅、陈立新协助调查，义务调查员褚国强、卫红霞到场；和解员蒋一帆、联络员沈佳怡参加。"),
    typical_cases=("消费者钱多多投诉某店，电话13912345678，备用139-8765-4321、+86 137 1111 2222，"
                   "座机0558-7654321，另留8812345和05588123456；身份证341222198001011234，其妻34122219800101123X，"
                   "旧证341222800101123。孙悟净、司马相如同案，代理人周大福、吴秀兰，共同投诉人郑成功。\n\n"
                   "李四称已收到退款，王小明表示满意，欧阳修来电致谢，赵六投诉未果。\n\n"
                   "住址建设路6号、幸福小区3栋2单元501室、东关村12组、太和县城关镇北关村、和平街88号。"),
    next_steps="继续做好投诉处理工作。",
)


def test_nothing_personal_reaches_the_docx(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    crafted(desk)
    _plant(desk)
    out = br.generate(desk, Q3, tmp_path / "b.docx", sections=PRIVATE_SECTIONS, issued_on=D(2025, 10, 10))
    xml = _xml(out)
    assert len(PLANTED) == 30
    for secret in [*LEAKS, *PLANTED]:
        assert secret not in xml, secret
    body = _text(out)
    assert "消费者朱某" in body and "人民路**号" in body and "张某反映商家拒不退款" in body
    assert "李某称已收到退款，王某表示满意，欧阳某来电致谢，赵某投诉未果" in body
    assert "志愿者冯某、陈某协助调查" in body and "继续做好投诉处理工作。" in body  # plain text untouched


def test_review_lists_findings_and_kept_ones_are_kept(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    crafted(desk)
    _plant(desk)
    findings = br.review(desk, PRIVATE_SECTIONS)
    hits = {f.text: f for f in findings}
    # Known people are masked before the review; what only looks personal is listed in context.
    assert "朱杰豪" not in hits and "钱多多" not in hits
    assert hits["张三"].kind == "姓名" and hits["张三"].masked == "张某" and "【张三】反映" in hits["张三"].context
    assert {"李四", "王小明", "欧阳修", "赵六", "8812345"} <= set(hits)
    assert hits["张三"].where == "工作动态" and hits["李四"].where == "典型案例"
    # The secretary keeps 张三 (say, a pen name in a published story): only that one stays.
    out = br.generate(desk, Q3, tmp_path / "k.docx", sections=PRIVATE_SECTIONS, issued_on=D(2025, 10, 10),
                      keep={"张三"})
    xml = _xml(out)
    assert "张三反映" in xml and "李四" not in xml and "朱杰豪" not in xml


def test_personal_scan_units() -> None:
    from desk import personal

    assert personal.mask_streets("住在人民路18号3栋的") == "住在人民路**号的"
    assert personal.mask_address("太和县城关镇北关村") == "太和县城关镇****"
    texts = [f.text for f in personal.scan("该公司称同意退款，消费者投诉增加，商家表示歉意。2026-07-01 第3号公告。")]
    assert texts == []  # no false alarms on ordinary wording, dates and document numbers


# -- the page (issue 13), asserted from the XML -----------------------------------------------------

HEADINGS = br.BriefingSections(work_news="一、宣传工作\n\n（一）开展3·15活动。本季度共开展活动3场。\n\n1.进社区。\n\n（1）发放资料。\n\n正文段落。")


def test_page_layout_from_the_xml(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    from desk.documents.briefing_templates import TEXT_WIDTH_MM

    crafted(desk)
    out = br.generate(desk, Q3, tmp_path / "b.docx", sections=HEADINGS, issued_on=D(2025, 10, 10))
    z = zipfile.ZipFile(out)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    doc = etree.fromstring(z.read("word/document.xml"))
    styles = etree.fromstring(z.read("word/styles.xml"))

    # 28 characters per line and 22 lines: a character grid whose pitch fits 28 三号 characters.
    grid = doc.find(f".//{w}sectPr/{w}docGrid")
    assert grid.get(f"{w}type") == "linesAndChars"
    pitch = 16 + int(grid.get(f"{w}charSpace")) / 4096
    width_pt = TEXT_WIDTH_MM / 25.4 * 72
    assert int(width_pt // pitch) == 28
    assert int((297 - 37 - 35) / 25.4 * 72 // (int(grid.get(f"{w}linePitch")) / 20)) == 22
    normal = styles.find(f".//{w}style[@{w}styleId='Normal']")
    condensed = int(normal.find(f".//{w}rPr/{w}spacing").get(f"{w}val")) / 20
    assert int(width_pt // (16 + condensed)) == 28  # what a program without the grid fits

    # Typed headings: 一、 黑体, （一） 楷体 with the run-in text in 仿宋, 1. and （1） 仿宋.
    def runs_of(text: str) -> list[tuple[str, str]]:
        for p in doc.iter(f"{w}p"):
            got = [(r.findtext(f"{w}t") or "", r.find(f"{w}rPr/{w}rFonts").get(f"{w}eastAsia"))
                   for r in p.iter(f"{w}r") if r.find(f"{w}t") is not None and r.findtext(f"{w}t")]
            if got and got[0][0].startswith(text):
                return got
        raise AssertionError(text)

    assert runs_of("一、宣传工作") == [("一、宣传工作", "黑体")]
    assert runs_of("（一）") == [("（一）开展3·15活动。", "楷体_GB2312"), ("本季度共开展活动3场。", "仿宋_GB2312")]
    assert runs_of("1.进社区") == [("1.进社区。", "仿宋_GB2312")] and runs_of("（1）") == [("（1）发放资料。", "仿宋_GB2312")]

    # The end block sits in a frame at the foot of the page; empty 报/送/发 print nothing.
    frames = doc.findall(f".//{w}framePr")
    assert frames and all(f.get(f"{w}yAlign") == "bottom" and f.get(f"{w}vAnchor") == "margin" for f in frames)
    body = _text(out)
    assert "共印30份" in body and "报：" not in body and "送：" not in body

    # Page numbers: Times New Roman digits in 4号, odd pages right, even pages left.
    settings = z.read("word/settings.xml").decode()
    assert "evenAndOddHeaders" in settings
    rels = z.read("word/_rels/document.xml.rels").decode()
    refs = {r.get(f"{w}type"): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            for r in doc.iter(f"{w}footerReference")}
    assert set(refs) == {"default", "even"}
    for kind, align in (("default", "right"), ("even", "left")):
        target = re.search(rf'Id="{refs[kind]}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{refs[kind]}"', rels)
        footer = etree.fromstring(z.read("word/" + target.group(1)))
        assert footer.find(f".//{w}jc").get(f"{w}val") == align
        digit = next(r for r in footer.iter(f"{w}r") if r.findtext(f"{w}t") == "1")
        fonts = digit.find(f"{w}rPr/{w}rFonts")
        assert fonts.get(f"{w}ascii") == "Times New Roman" and fonts.get(f"{w}hint") is None
        assert digit.find(f"{w}rPr/{w}sz").get(f"{w}val") == "28"
        assert footer.find(f".//{w}instrText").text.strip() == "PAGE"

    # Table rows never split across pages; the header row repeats.
    tables = doc.findall(f".//{w}tbl")
    assert all(tr.find(f"{w}trPr/{w}cantSplit") is not None for t in tables for tr in t.findall(f"{w}tr"))
    assert all(t.find(f"{w}tr/{w}trPr/{w}tblHeader") is not None for t in tables)
    # Charts are at most ~50 mm high, so one moved to the next page never empties a quarter page.
    heights = [int(e.get("cy")) / 36000 for e in doc.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")]
    assert len(heights) == 4 and max(heights) <= 56
    assert re.search(r"中位数为\d+天", body)
