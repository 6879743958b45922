"""Builds the rosters' Word template (``resources/templates/roster.docx``) with the shared
helpers of desk.documents.template_builder (styles, fonts, one run per tag).

The printable roster is a wide table, so the page is A4 landscape with 25 mm margins; the
fonts and styles are those of the other documents. Run ``python -m
desk.documents.roster_templates [folder]`` after changing this file and commit the result
(tests/test_rosters_documents.py checks the shipped file matches)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from desk.documents.template_builder import Builder, default_dir

# 序号, 姓名, 性别, 联系电话, 乡镇（街道）, 工作单位或职业, 加入日期, 证书编号: 247 mm of text width.
ROSTER_WIDTHS_MM = (12, 24, 12, 32, 38, 64, 30, 35)


def _landscape(b: Builder) -> None:
    sec = b.doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin = sec.bottom_margin = Mm(25)
    sec.left_margin = sec.right_margin = Mm(25)
    sec.header_distance, sec.footer_distance = Mm(12), Mm(12)
    grid = sec._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        # The 22-line grid of portrait documents does not fit a landscape table page.
        grid.attrib.pop(qn("w:linePitch"), None)
        grid.set(qn("w:type"), "default")


def build_roster(path: Path) -> Path:
    b = Builder("人员名册")
    _landscape(b)
    b.p("{{ title }}", "DocTitle")
    b.p("（{{ subtitle }}）", "DocNumber")
    table = b.table(
        ROSTER_WIDTHS_MM,
        [
            ["序号", "姓名", "性别", "联系电话", "乡镇（街道）", "工作单位或职业", "加入日期", "证书编号"],
            ["{%tr for p in people %}", "", "", "", "", "", "", ""],
            ["{{ p.no }}", "{{ p.name }}", "{{ p.gender }}", "{{ p.phone }}", "{{ p.township }}", "{{ p.workplace }}",
             "{{ p.join_date }}", "{{ p.certificate_no }}"],
            ["{%tr endfor %}", "", "", "", "", "", "", ""],
        ],
    )
    for row in table.rows:
        # A person's row never breaks across two pages (the loop row is copied per person).
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    b.tag("{%p if note %}")
    note = b.p("{{ note }}", "TableText")
    note.paragraph_format.space_before = Mm(2)
    b.tag("{%p endif %}")
    sign = b.p("制表单位：{{ office_name }}　　制表日期：{{ made_on }}", "TableText")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.space_before = Mm(4)
    return b.save(path)


TEMPLATES: dict[str, Callable[[Path], Path]] = {"roster.docx": build_roster}


def build_all(out_dir: str | Path | None = None) -> list[Path]:
    out = Path(out_dir) if out_dir is not None else default_dir()
    out.mkdir(parents=True, exist_ok=True)
    return [build(out / name) for name, build in TEMPLATES.items()]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for p in build_all(args[0] if args else None):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
