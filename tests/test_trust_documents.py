"""The revisit report and the yearly summary: the shipped templates match their builder, and
the documents rendered from the database say what the records hold (read back with
python-docx), in the page layout of domain.md §6."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from test_trust_summary import build_dataset
from test_trust_units import awarded_unit, checks, frozen, revisit  # noqa: F401  (frozen is a fixture)

from desk.documents import trust_units as docs
from desk.documents.template_builder import FANGSONG, XIAOBIAOSONG
from desk.documents.trust_unit_templates import PHOTO_ANCHOR, TEMPLATES, build_all
from desk.facade import Desk
from desk.services.trust_units import FollowUpInput, InspectorInput, RevisitInput

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "resources" / "templates"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _tags(path: Path) -> tuple[list[str], list[str]]:
    from lxml import etree

    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    tags, split = [], []
    for t in root.iter(f"{{{W_NS}}}t"):
        s = t.text or ""
        tags += TAG.findall(s)
        if any(x in TAG.sub("", s) for x in ("{{", "}}", "{%", "%}")):
            split.append(s)
    return tags, split


def test_shipped_templates_match_their_builder(tmp_path: Path) -> None:
    built = build_all(tmp_path)
    assert sorted(p.name for p in built) == sorted(TEMPLATES)
    for p in built:
        shipped = TEMPLATE_DIR / p.name
        assert shipped.is_file(), f"{p.name} missing: run python -m desk.documents.trust_unit_templates"
        tags_built, split_built = _tags(p)
        tags_shipped, split_shipped = _tags(shipped)
        assert tags_built and tags_shipped == tags_built, f"{p.name} differs from its builder: regenerate it"
        assert split_built == split_shipped == []


def _text(doc) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _png(w: int, h: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), (180, 60, 40)).save(buf, "PNG")
    return buf.getvalue()


def test_revisit_report_says_what_the_revisit_holds(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    d = sqlite_desk
    d.settings.save({"office.name": "太和县消费者协会"})
    uid = awarded_unit(d, "太和县A&B<超市>", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="THCX2025-009")
    rid = revisit(d, uid, dt.date(2026, 5, 10), "rectify", ("C04", "C06"), deadline=dt.date(2026, 6, 10), education=4)
    d.trust_units.record_follow_up(rid, d.trust_units.get_revisit(rid).version, FollowUpInput("2026-06-09", True, "价签已补齐\n电子秤已检定"))
    d.trust_units.add_revisit_photo(rid, "门头.png", _png(800, 600))
    d.trust_units.add_revisit_photo(rid, "价签.png", _png(300, 900))  # tall: limited by height
    d.trust_units.add_revisit_photo(rid, "手机.heic", b"not a picture python-docx knows")
    out = docs.render_revisit_report(d, rid, tmp_path / "report.docx")
    doc = Document(str(out))
    text = _text(doc)
    assert "太和县消费者协会" in text and "诚信单位回访检查记录" in text and "回访日期：2026年5月10日" in text
    assert "太和县A&B<超市>" in text and "THCX2025-009" in text and "系统管理员、李检查" in text
    rows = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert rows[0] == ["序号", "检查项目", "结果", "情况说明"]
    results = {r[1]: r[2] for r in rows[1:]}
    assert len(results) == 9 and results["明码标价"] == results["计量器具合格"] == "不合格"
    assert sum(1 for v in results.values() if v == "合格") == 7
    assert next(r for r in rows if r[1].startswith("开展消费教育"))[3] == "共4次"
    assert "限期整改。该单位在明码标价、计量器具合格方面存在问题" in text
    assert "整改期限：2026年6月10日" in text and "2026年6月9日复查，已整改" in text and "电子秤已检定" in text
    assert "附：现场照片（3张）" in text and PHOTO_ANCHOR not in text
    assert "图3　手机.heic（该格式无法放入文档" in text
    shapes = doc.inline_shapes
    assert len(shapes) == 2
    assert shapes[0].width == Mm(docs.PHOTO_WIDTH_MM)
    assert shapes[1].height <= Mm(docs.PHOTO_MAX_HEIGHT_MM) + 1 and shapes[1].width < Mm(docs.PHOTO_WIDTH_MM)
    assert "{{" not in text and "{%" not in text
    # GB/T 9704 page and fonts (domain.md §6).
    sec = doc.sections[0]
    assert (round(sec.top_margin.mm), round(sec.bottom_margin.mm), round(sec.left_margin.mm), round(sec.right_margin.mm)) == (37, 35, 28, 26)
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(f"{{{W_NS}}}eastAsia") == FANGSONG and doc.styles["Normal"].font.size.pt == 16
    title = doc.styles["文书标题"]
    assert title.element.rPr.rFonts.get(f"{{{W_NS}}}eastAsia") == XIAOBIAOSONG and title.font.size.pt == 22
    # The document made is in the audit trail.
    assert any(e.action == "export" for e in d.audit_log.entries(table="trust_revisit", row_id=str(rid)))


def test_minimal_revisit_report_renders(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    d = sqlite_desk
    uid = awarded_unit(d, "最简单位", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="M-1")
    rid = d.trust_units.record_revisit(uid, RevisitInput(dt.date(2026, 3, 1), (InspectorInput("other", name="王五"),), checks(d), "pass")).id
    doc = Document(str(docs.render_revisit_report(d, rid, tmp_path / "min.docx")))
    text = _text(doc)
    assert "合格。该单位各项检查内容落实到位。" in text and "检查组按检查项目逐项查看" in text
    assert "整改要求" not in text and "整改复查" not in text and "现场照片" not in text
    assert len(doc.inline_shapes) == 0


def test_yearly_summary_document_matches_the_figures(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    d = sqlite_desk
    d.settings.save({"office.name": "太和县消费者协会"})
    build_dataset(d)
    out = docs.render_revisit_summary(d, 2026, tmp_path / docs.suggested_summary_name(2026))
    doc = Document(str(out))
    text = _text(doc)
    assert "2026年度诚信单位回访检查情况" in text
    assert "对5家诚信单位进行了回访检查，共检查6次，占全年持有称号单位6家的83.33%" in text
    assert "首次回访检查合格2家，合格率40.00%" in text
    assert "要求限期整改3家次，已整改1家次，未按期整改1家次，尚在整改期内1家次" in text
    assert "检查组建议摘牌1家次，全年摘牌1家" in text
    assert "共开展消费教育活动11次，其中2家单位未开展" in text
    items = [[c.text for c in r.cells] for r in doc.tables[0].rows][1:]
    assert [(r[1], r[3]) for r in items if r[1] == "明码标价"] == [("明码标价", "4")]
    assert len(items) == 9 and all(r[2] == "6" for r in items)
    units = [[c.text for c in r.cells] for r in doc.tables[1].rows][1:]
    assert [u[1] for u in units] == ["单位A", "单位B", "单位C", "单位D", "单位F"]
    assert units[0][2] == "3月10日、9月10日" and units[1][5] == "未按期整改（已摘牌）"
    assert "三、本年度未回访的单位" in text and "单位E。" in text
    assert "{{" not in text


def test_template_without_the_photo_anchor_still_renders(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path,  # noqa: F811
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A secretary may delete the photo paragraph from the template: the report still renders."""
    d = sqlite_desk
    uid = awarded_unit(d, "照片单位", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="P-1")
    rid = revisit(d, uid, dt.date(2026, 3, 1))
    d.trust_units.add_revisit_photo(rid, "a.png", _png(100, 100))
    monkeypatch.setattr("desk.documents.trust_units.revisit_report_context",
                        lambda desk, r, u, _orig=docs.revisit_report_context: {**_orig(desk, r, u), "photo_anchor": "另见附件"})
    doc = Document(str(docs.render_revisit_report(d, rid, tmp_path / "x.docx")))
    assert "另见附件" in _text(doc) and len(doc.inline_shapes) == 0
