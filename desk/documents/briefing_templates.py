"""Builds the briefing's Word template (``resources/templates/briefing.docx``) with the shared
helpers of desk.documents.template_builder (styles, fonts, page setup per domain.md §6).

Layout: masthead (optional 内部资料 top left, the briefing's name in large red type, 第X期,
issuing office left and date right on one line, a red rule the text width), title, paragraphs,
tables and charts, the secretary's sections, then the end block between rules (报/送/发 and
共印X份 at right). Every text is a tag, so a secretary may restyle the template in Word or WPS.
Run ``python -m desk.documents.briefing_templates [folder]`` after changing this file and commit
the result (tests/test_briefing.py checks the shipped file matches)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from desk.documents.template_builder import HEITI, XIAOBIAOSONG, Builder, _fonts_of_run, default_dir

RED = RGBColor(0xE0, 0x00, 0x00)
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 minus the §6 left and right margins
MASTHEAD_PT = 36.0
SHARE_WIDTHS_MM = (52, 22, 24, 26, 32)  # 项目, 件数, 占比, 去年同期, 同比: 156 mm


def _border(p: Paragraph, side: str, *, color: str = "E00000", size_eighths: int = 12, space: int = 1) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                                  "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                                  "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                                  "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                                  "w:pPrChange")
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    bdr.append(el)


def _plain(p: Paragraph, *, size_pt: float | None = None, align: WD_ALIGN_PARAGRAPH | None = None,
           line_exact_pt: float | None = None, before_pt: float = 0, after_pt: float = 0) -> Paragraph:
    """No first-line indent; optional size, alignment and exact line height."""
    pf = p.paragraph_format
    pf.first_line_indent = Pt(0)
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "0")
    if align is not None:
        p.alignment = align
    if line_exact_pt is not None:
        pf.line_spacing = Pt(line_exact_pt)
    pf.space_before, pf.space_after = Pt(before_pt), Pt(after_pt)
    if size_pt is not None:
        for r in p.runs:
            r.font.size = Pt(size_pt)
    return p


def _color(p: Paragraph, east_asia: str | None = None, *, bold: bool = False) -> None:
    for r in p.runs:
        r.font.color.rgb = RED
        if east_asia:
            _fonts_of_run(r, east_asia)
        r.bold = bold or None


def _share_table(b: Builder, loop: str) -> None:
    b.table(
        SHARE_WIDTHS_MM,
        [
            ["{{ t.first }}", "件数", "占比", "去年同期", "同比"],
            [f"{{%tr for r in {loop} %}}", "", "", "", ""],
            ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}", "{{ r[4] }}"],
            ["{%tr endfor %}", "", "", "", ""],
        ],
    )


def build_briefing(path: Path) -> Path:
    b = Builder("消费维权工作简报")
    # Masthead.
    b.tag("{%p if internal %}")
    _plain(b.p("内部资料", "Salutation"), align=WD_ALIGN_PARAGRAPH.LEFT)
    for r in b.doc.paragraphs[-1].runs:
        _fonts_of_run(r, HEITI, 14)
    b.tag("{%p endif %}")
    name = _plain(b.p("{{ briefing_name }}", "DocTitle"), size_pt=MASTHEAD_PT, line_exact_pt=60, before_pt=12, after_pt=6)
    _color(name, XIAOBIAOSONG)
    _plain(b.p("第{{ issue_no }}期", "DocNumber"), align=WD_ALIGN_PARAGRAPH.CENTER, after_pt=12)
    line = b.p("{{ issuer }}\t{{ issued_on }}", "Salutation")
    _plain(line, align=WD_ALIGN_PARAGRAPH.LEFT, after_pt=6)
    line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _border(line, "bottom", size_eighths=18, space=4)

    # Title and the paragraphs written from the figures.
    _plain(b.p("{{ title }}", "DocTitle"), before_pt=18, after_pt=12)
    b.tag("{%p for para in summary %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")

    # Numbered sections: figures, tables, charts, the secretary's texts.
    b.tag("{%p for sec in sections %}")
    b.p("{{ sec.heading }}", "Heading1CN")
    b.tag("{%p for para in sec.paragraphs %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.tag("{%p for t in sec.tables %}")
    _plain(b.p("{{ t.caption }}", "DocNumber", keep_next=True), align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=6, after_pt=4)
    _share_table(b, "t.rows")
    b.tag("{%p endfor %}")
    b.tag("{%p for c in sec.charts %}")
    chart = _plain(b.p("{{ c }}", "DocNumber"), align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=6, after_pt=6)
    # An exact line height (the body's 22-line grid) would clip the picture to one line.
    chart.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")

    # End block between rules.
    b.p()
    first = b.p("报：{{ report_to }}", "Salutation", keep_next=True)
    _plain(first, size_pt=14, line_exact_pt=24)
    _border(first, "top", color="000000", size_eighths=8, space=4)
    _plain(b.p("送：{{ send_to }}", "Salutation", keep_next=True), size_pt=14, line_exact_pt=24)
    _plain(b.p("发：{{ issue_to }}", "Salutation", keep_next=True), size_pt=14, line_exact_pt=24)
    last = b.p("共印{{ copies }}份", "Signature")
    _plain(last, size_pt=14, align=WD_ALIGN_PARAGRAPH.RIGHT, line_exact_pt=24)
    last.paragraph_format.right_indent = Pt(0)
    # The 落款 style keeps with the next paragraph; the last line of the document has none,
    # and LibreOffice then pushed the whole end block onto a page of its own.
    last.paragraph_format.keep_with_next = False
    ind = last._p.get_or_add_pPr().get_or_add_ind()
    ind.attrib.pop(qn("w:rightChars"), None)
    _border(last, "bottom", color="000000", size_eighths=8, space=4)
    return b.save(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else default_dir()
    out.mkdir(parents=True, exist_ok=True)
    print(build_briefing(out / "briefing.docx"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
