"""Builds the briefing's Word template (``resources/templates/briefing.docx``) with the shared
helpers of desk.documents.template_builder (styles, fonts, page setup per domain.md §6).

Layout: masthead (optional 内部资料 top left, the briefing's name in large red type, 第X期,
issuing office left and date right on one line, a red rule the text width), title, paragraphs,
tables and charts, the secretary's sections, then the end block between rules (报/送/发 and
共印X份 at right). Every text is a tag, so a secretary may restyle the template in Word or WPS.
Run ``python -m desk.documents.briefing_templates [folder]`` after changing this file and commit
the result (tests/test_briefing.py checks the shipped file matches)."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from desk.documents.template_builder import (
    BODY_PT,
    FANGSONG,
    FOOTER_PT,
    HEITI,
    KAITI,
    LATIN,
    LINE_PITCH_PT,
    SONGTI,
    XIAOBIAOSONG,
    Builder,
    StyleSpec,
    _apply_style,
    _fonts_of_run,
    default_dir,
)

RED = RGBColor(0xE0, 0x00, 0x00)
TEXT_WIDTH_MM = 210 - 28 - 26  # A4 minus the §6 left and right margins
MASTHEAD_PT = 36.0
SHARE_WIDTHS_MM = (52, 22, 24, 26, 32)  # 项目, 件数, 占比, 去年同期, 同比: 156 mm
HEADLINE_WIDTHS_MM = (64, 28, 28, 36)  # 指标, 本期, 去年同期, 同比: 156 mm
CHARS_PER_LINE = 28

BRIEFING_STYLES = (
    StyleSpec("Heading3CN", "三级标题", FANGSONG, BODY_PT, first_chars=2, outline=2, keep_with_next=True),
    StyleSpec("BriefNote", "简报注释", FANGSONG, 12.0, first_chars=0, line_exact_pt=20, before_pt=2, after_pt=4),
)
# pPr children after w:framePr (schema order).
_PPR_AFTER_FRAME = ("w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
                    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing",
                    "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


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


def _share_table(b: Builder) -> None:
    t = b.table(
        SHARE_WIDTHS_MM,
        [
            ["{{ b.first }}", "件数", "占比", "去年同期", "同比"],
            ["{%tr for r in b.rows %}", "", "", "", ""],
            ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}", "{{ r[4] }}"],
            ["{%tr endfor %}", "", "", "", ""],
        ],
    )
    _whole_rows(t)


def _headline_table(b: Builder) -> None:
    t = b.table(
        HEADLINE_WIDTHS_MM,
        [
            ["{{ b.first }}", "本期", "去年同期", "同比"],
            ["{%tr for r in b.rows %}", "", "", ""],
            ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    _whole_rows(t)


def _whole_rows(t: Table) -> None:
    """Rows never break across pages (w:cantSplit); numbers right-aligned."""
    for i, row in enumerate(t.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.insert(0, OxmlElement("w:cantSplit"))
        if i >= 2:
            for cell in row.cells[1:]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _no_grid_snap(style_element: Any) -> None:
    """Text that is not body text (tables, notes, masthead, footer) keeps its own spacing
    instead of being spread out to the 28-character grid."""
    ppr = style_element.get_or_add_pPr()
    el = ppr.find(qn("w:snapToGrid"))
    if el is None:
        el = OxmlElement("w:snapToGrid")
        ppr.insert_element_before(el, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                                  "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                                  "w:sectPr", "w:pPrChange")
    el.set(qn("w:val"), "0")


def char_space(chars: int = CHARS_PER_LINE, size_pt: float = BODY_PT) -> int:
    """w:charSpace for ``chars`` characters per line: the pitch's difference from the font size
    in 1/4096 pt, rounded down so ``chars`` characters still fit the text width."""
    text_width_pt = TEXT_WIDTH_MM / 25.4 * 72
    return math.floor((text_width_pt / chars - size_pt) * 4096)


def _document_grid(b: Builder) -> None:
    """22 lines × 28 characters (domain.md §6): a line pitch alone lets only 27 characters of
    三号 fit the 156 mm line; the character grid narrows the pitch to 156 mm ÷ 28."""
    grid = b.doc.sections[0]._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH_PT * 20)))
    grid.set(qn("w:charSpace"), str(char_space()))
    # Body text is also condensed by the same amount (w:spacing, in 1/20 pt): programs that
    # give a character wider than a grid cell two cells (LibreOffice) then fit 28 as well.
    rpr = b.doc.styles["Normal"].element.get_or_add_rPr()
    sp = OxmlElement("w:spacing")
    sp.set(qn("w:val"), str(-math.ceil(-char_space() / 4096 * 20)))
    rpr.insert_element_before(sp, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                              "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
                              "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _briefing_styles(b: Builder) -> None:
    for spec in BRIEFING_STYLES:
        _apply_style(b.doc, spec)
    for name in ("表格文字", "表格标题行", "简报注释", "Footer", "文书标题", "文书编号", "称谓"):
        _no_grid_snap(b.doc.styles[name].element)


def _styled(b: Builder, style_name: str, parts: Sequence[tuple[str, str]], *, keep_next: bool = False) -> Paragraph:
    """A paragraph of ``style_name`` whose runs (tag, East Asian font) each carry their font."""
    para = b.doc.add_paragraph(style=b.doc.styles[style_name])
    for text, font in parts:
        _fonts_of_run(para.add_run(text), font)
    if keep_next:
        para.paragraph_format.keep_with_next = True
    return para


def _frame(p: Paragraph) -> None:
    """Put the paragraph in the frame anchored to the foot of the page's text area: the end
    block (版记) sits at the bottom of the last page, not right under the text."""
    ppr = p._p.get_or_add_pPr()
    fr = OxmlElement("w:framePr")
    for k, v in (("w:w", str(int(TEXT_WIDTH_MM / 25.4 * 1440))), ("w:wrap", "notBeside"), ("w:vAnchor", "margin"),
                 ("w:hAnchor", "margin"), ("w:xAlign", "center"), ("w:yAlign", "bottom"), ("w:hRule", "auto")):
        fr.set(qn(k), v)
    ppr.insert_element_before(fr, *_PPR_AFTER_FRAME)


def _rule(b: Builder, *, keep_next: bool = True) -> None:
    """A full-width black rule of the end block: a tab whose leader runs the text width."""
    p = _plain(b.p("", "Salutation", keep_next=keep_next), size_pt=6, line_exact_pt=8)
    p.paragraph_format.keep_with_next = keep_next
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.HEAVY)
    _fonts_of_run(p.add_run("\t"), FANGSONG, 6)
    _frame(p)


def _footers(b: Builder) -> None:
    """"— 1 —" in 4号: the dashes 宋体, the digits Times New Roman; odd pages at the right and
    even pages at the left, one character in from the edge (GB/T 9704 7.5)."""
    sec = b.doc.sections[0]
    b.doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        for r in list(p.runs):
            r._r.getparent().remove(r._r)
        p.style = b.doc.styles["Footer"]
        p.alignment = align
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        side = "w:right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "w:left"
        ind.set(qn(side), str(int(FOOTER_PT * 20)))
        ind.set(qn(side + "Chars"), "100")

        def run(text: str = "", *, digits: bool = False, p: Paragraph = p) -> Any:
            r = p.add_run(text)
            _fonts_of_run(r, LATIN if digits else SONGTI, FOOTER_PT)
            if digits:
                r._r.rPr.rFonts.attrib.pop(qn("w:hint"), None)
            return r

        run("— ")
        for kind in ("begin", None, "separate", "1", "end"):
            r = run(kind if kind == "1" else "", digits=True)
            if kind is None:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                r._r.append(instr)
            elif kind != "1":
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                r._r.append(fld)
        run(" —")


def build_briefing(path: Path) -> Path:
    b = Builder("消费维权工作简报")
    _briefing_styles(b)
    _document_grid(b)
    _footers(b)
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

    _plain(b.p("{{ title }}", "DocTitle"), before_pt=18, after_pt=12)

    # Numbered sections: each a list of blocks (paragraphs, typed headings, tables, charts, notes).
    b.tag("{%p for sec in sections %}")
    b.p("{{ sec.heading }}", "Heading1CN")
    b.tag("{%p for b in sec.blocks %}")
    b.tag('{%p if b.kind == "p" %}')
    b.p("{{ b.text }}")
    b.tag('{%p elif b.kind == "h1" %}')
    _styled(b, "一级标题", [("{{ b.text }}", HEITI), ("{{ b.rest }}", FANGSONG)], keep_next=True)
    b.tag('{%p elif b.kind == "h2" %}')
    _styled(b, "二级标题", [("{{ b.text }}", KAITI), ("{{ b.rest }}", FANGSONG)], keep_next=True)
    b.tag('{%p elif b.kind == "h3" or b.kind == "h4" %}')
    _styled(b, "三级标题", [("{{ b.text }}", FANGSONG), ("{{ b.rest }}", FANGSONG)], keep_next=True)
    b.tag('{%p elif b.kind == "note" %}')
    _styled(b, "简报注释", [("{{ b.text }}", FANGSONG)])
    b.tag('{%p elif b.kind == "chart" %}')
    chart = _plain(b.p("{{ b.image }}", "DocNumber"), align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=3, after_pt=3)
    # An exact line height (the body's 22-line grid) would clip the picture to one line.
    chart.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_grid_snap(chart._p)
    b.tag('{%p elif b.kind == "headline" %}')
    _plain(b.p("{{ b.caption }}", "DocNumber", keep_next=True), align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=6, after_pt=4)
    _headline_table(b)
    b.tag("{%p else %}")
    _plain(b.p("{{ b.caption }}", "DocNumber", keep_next=True), align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=6, after_pt=4)
    _share_table(b)
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")

    # End block (版记) in a frame at the foot of the last page, between rules; a line whose
    # setting is empty is left out rather than printed empty. The rules are tab leaders, not
    # paragraph borders: LibreOffice drops the frame of a bordered paragraph.
    _rule(b)
    for label, key in (("报", "report_to"), ("送", "send_to"), ("发", "issue_to")):
        b.tag(f"{{%p if {key} %}}")
        line = _plain(b.p(f"{label}：{{{{ {key} }}}}", "Salutation", keep_next=True), size_pt=14, line_exact_pt=24)
        _frame(line)
        b.tag("{%p endif %}")
    last = b.p("共印{{ copies }}份", "Signature")
    _plain(last, size_pt=14, align=WD_ALIGN_PARAGRAPH.RIGHT, line_exact_pt=24)
    last.paragraph_format.right_indent = Pt(0)
    ind = last._p.get_or_add_pPr().get_or_add_ind()
    ind.attrib.pop(qn("w:rightChars"), None)
    _frame(last)
    _rule(b, keep_next=False)
    return b.save(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else default_dir()
    out.mkdir(parents=True, exist_ok=True)
    print(build_briefing(out / "briefing.docx"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
