"""Builds the default Word templates in ``resources/templates`` with python-docx.

The shipped .docx files are binary; this script is their source. A secretary may restyle a
template in Word or WPS (fonts, spacing, wording): the program only needs the ``{{ … }}`` and
``{% … %}`` tags to survive. Run ``python -m desk.documents.template_builder [folder]`` after
changing this file and commit the regenerated templates (a test checks they match).

Layout follows GB/T 9704-2012 (domain.md §6): A4, margins top 37 mm, left 28 mm, right 26 mm,
bottom 35 mm; body 仿宋_GB2312 三号 (16 pt) with a two-character first-line indent; titles
方正小标宋简体 二号 (22 pt) centred; Latin letters and digits in Times New Roman; page numbers
"— 1 —" in 宋体 四号. python-docx's ``font.name`` sets only the Latin font, so the East Asian
font is written as ``w:eastAsia`` on every style and every run. The fonts may be missing on an
office PC: the font table names a common substitute for each (仿宋, 宋体, 楷体), so Word and
WPS fall back to a similar face instead of a sans-serif default.

Every tag is written as its own run (one ``add_run`` per tag), so Word never splits a tag
across runs, which would break docxtpl."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

LATIN = "Times New Roman"
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"

BODY_PT = 16.0  # 三号
TITLE_PT = 22.0  # 二号
TABLE_PT = 10.5  # 五号
FOOTER_PT = 14.0  # 四号
# 22 lines on a 225 mm text block (297 - 37 - 35): 28.95 pt per line.
LINE_PITCH_PT = 28.95

# Font table entries: panose and a substitute Word/WPS use when the font is not installed.
# charset 86 = GB2312.
FONT_TABLE = {
    FANGSONG: ("02010609030101010101", "仿宋", "modern", "fixed"),
    XIAOBIAOSONG: ("02000000000000000000", "宋体", "script", "variable"),
    HEITI: ("02010609060101010101", "SimHei", "modern", "fixed"),
    KAITI: ("02010609030101010101", "楷体", "modern", "fixed"),
    SONGTI: ("02010600030101010101", "SimSun", "auto", "variable"),
}

# A fixed timestamp keeps regenerated templates free of spurious differences.
BUILD_TIME = dt.datetime(2026, 1, 1, 8, 0, 0)

TAG_RE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")


# -- low-level XML helpers --------------------------------------------------------------


def _set_rfonts(rpr, east_asia: str, latin: str = LATIN) -> None:  # type: ignore[no-untyped-def]
    """Explicit fonts on an rPr; theme references are removed because Word lets a theme font
    attribute win over the explicit one."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_lang(rpr) -> None:  # type: ignore[no-untyped-def]
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def _set_indent(ppr, *, first_chars: float | None = None, size_pt: float = BODY_PT, right_chars: float | None = None) -> None:  # type: ignore[no-untyped-def]
    """Indents in characters (w:firstLineChars, what Word's 首行缩进 2字符 writes) with the
    twips equivalent for programs that ignore the character units."""
    ind = ppr.get_or_add_ind()
    if first_chars is not None:
        ind.set(qn("w:firstLineChars"), str(int(first_chars * 100)))
        ind.set(qn("w:firstLine"), str(int(first_chars * size_pt * 20)))
        ind.attrib.pop(qn("w:hanging"), None)
        ind.attrib.pop(qn("w:hangingChars"), None)
    if right_chars is not None:
        ind.set(qn("w:rightChars"), str(int(right_chars * 100)))
        ind.set(qn("w:right"), str(int(right_chars * size_pt * 20)))


def _fonts_of_run(run, east_asia: str, size_pt: float | None = None) -> None:  # type: ignore[no-untyped-def]
    rpr = run._r.get_or_add_rPr()
    _set_rfonts(rpr, east_asia)
    if size_pt is not None:
        run.font.size = Pt(size_pt)


# -- styles ---------------------------------------------------------------------------------


class StyleSpec:
    def __init__(
        self,
        style_id: str,
        name: str,
        east_asia: str,
        size_pt: float,
        *,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_chars: float = 0,
        right_chars: float | None = None,
        line_exact_pt: float | None = LINE_PITCH_PT,
        before_pt: float = 0,
        after_pt: float = 0,
        outline: int | None = None,
        keep_with_next: bool = False,
        auto_space: bool = True,
    ) -> None:
        self.style_id = style_id
        self.name = name
        self.east_asia = east_asia
        self.size_pt = size_pt
        self.align = align
        self.first_chars = first_chars
        self.right_chars = right_chars
        self.line_exact_pt = line_exact_pt
        self.before_pt = before_pt
        self.after_pt = after_pt
        self.outline = outline
        self.keep_with_next = keep_with_next
        # Word and WPS widen the gap between Chinese and Latin text by default; narrow table
        # columns turn it off so "2026年11月10日" fits on one line.
        self.auto_space = auto_space


STYLES: dict[str, StyleSpec] = {
    s.style_id: s
    for s in (
        StyleSpec("Normal", "Normal", FANGSONG, BODY_PT, first_chars=2),
        StyleSpec("DocTitle", "文书标题", XIAOBIAOSONG, TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line_exact_pt=36, keep_with_next=True),
        StyleSpec("DocNumber", "文书编号", FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=6, after_pt=12),
        StyleSpec("Salutation", "称谓", FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT),
        StyleSpec("Heading1CN", "一级标题", HEITI, BODY_PT, first_chars=2, outline=0, keep_with_next=True),
        StyleSpec("Heading2CN", "二级标题", KAITI, BODY_PT, first_chars=2, outline=1, keep_with_next=True),
        # keep_with_next: the seal block never stands alone on a page (GB/T 9704 7.3.5).
        StyleSpec("Signature", "落款", FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2, keep_with_next=True),
        StyleSpec("TableText", "表格文字", FANGSONG, TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT, line_exact_pt=None,
                  before_pt=2, after_pt=2, auto_space=False),
        StyleSpec("TableHead", "表格标题行", HEITI, TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line_exact_pt=None,
                  before_pt=2, after_pt=2, auto_space=False),
        StyleSpec("CoverTitle", "封面标题", XIAOBIAOSONG, 36, align=WD_ALIGN_PARAGRAPH.CENTER, line_exact_pt=54),
        StyleSpec("CoverText", "封面文字", FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER),
        StyleSpec("CoverLabel", "封面栏目名", HEITI, BODY_PT, align=WD_ALIGN_PARAGRAPH.DISTRIBUTE, line_exact_pt=None),
        StyleSpec("CoverField", "封面栏目", FANGSONG, BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, line_exact_pt=None),
    )
}


# pPr children that must follow w:autoSpaceDE/DN (schema order; Word rejects other orders).
_PPR_AFTER_AUTOSPACE = (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)


def _apply_style(doc, spec: StyleSpec) -> None:  # type: ignore[no-untyped-def]
    styles = doc.styles
    if spec.style_id == "Normal":
        style = styles["Normal"]
    else:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = spec.style_id
        style.base_style = styles["Normal"]
        style.quick_style = True
    style.font.size = Pt(spec.size_pt)
    style.font.name = LATIN
    rpr = style.element.get_or_add_rPr()
    _set_rfonts(rpr, spec.east_asia)
    pf = style.paragraph_format
    pf.alignment = spec.align
    pf.space_before = Pt(spec.before_pt)
    pf.space_after = Pt(spec.after_pt)
    if spec.line_exact_pt is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing = Pt(spec.line_exact_pt)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.widow_control = True
    if spec.keep_with_next:
        pf.keep_with_next = True
    ppr = style.element.get_or_add_pPr()
    _set_indent(ppr, first_chars=spec.first_chars, size_pt=spec.size_pt, right_chars=spec.right_chars)
    if spec.outline is not None:
        ppr.get_or_add_outlineLvl().set(qn("w:val"), str(spec.outline))
    if not spec.auto_space:
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), "0")
            ppr.insert_element_before(el, *_PPR_AFTER_AUTOSPACE)


def _setup_document(title: str):  # type: ignore[no-untyped-def]
    doc = Document()
    # Drop the placeholder paragraph python-docx's default document starts with.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    # Document-wide defaults: explicit fonts (no theme), Chinese language, no spacing.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(rpr_default, FANGSONG)
    _set_lang(rpr_default)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    for spec in STYLES.values():
        _apply_style(doc, spec)
    footer_style = doc.styles["Footer"]
    footer_style.font.size = Pt(FOOTER_PT)
    _set_rfonts(footer_style.element.get_or_add_rPr(), SONGTI)
    footer_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table_grid = doc.styles["Table Grid"]
    _set_rfonts(table_grid.element.get_or_add_rPr(), FANGSONG)

    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(22)
    grid = sec._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        grid.set(qn("w:linePitch"), str(int(LINE_PITCH_PT * 20)))
    _page_number_footer(sec)

    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    _font_table(doc)
    # python-docx's default package carries an English preview picture: not ours.
    pkg_rels = doc.part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pkg_rels.pop(rid)

    cp = doc.core_properties
    cp.title = title
    cp.author = "消协工作台"
    cp.last_modified_by = "消协工作台"
    # docxtpl renders the core properties as templates too: no braces here.
    cp.comments = "由消协工作台生成的默认模板；可在 Word/WPS 中修改样式和文字，但请保留以双花括号和花括号百分号标出的标记。"
    cp.created = cp.modified = BUILD_TIME
    cp.revision = 1
    cp.language = "zh-CN"
    return doc


def _font_table(doc) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, (panose, alt, family, pitch) in FONT_TABLE.items():
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        for tag, val in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", family), ("pitch", pitch)):
            etree.SubElement(font, f"{{{w}}}{tag}").set(f"{{{w}}}val", val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number_footer(section) -> None:  # type: ignore[no-untyped-def]
    """"— 1 —" centred in the footer (a PAGE field)."""
    p = section.footer.paragraphs[0]
    p.style = "Footer"
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run(text: str = ""):  # type: ignore[no-untyped-def]
        r = p.add_run(text)
        _fonts_of_run(r, SONGTI, FOOTER_PT)
        return r

    run("— ")
    begin = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._r.append(fld)
    instr_run = run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instr_run._r.append(instr)
    sep = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "separate")
    sep._r.append(fld)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._r.append(fld)
    run(" —")


# -- content helpers ---------------------------------------------------------------------


class Builder:
    """Writes paragraphs and tables in the template styles; tags become runs of their own."""

    def __init__(self, title: str) -> None:
        self.doc = _setup_document(title)

    def _runs(self, p: Paragraph, text: str, style_id: str, bold: bool = False) -> None:
        spec = STYLES[style_id]
        for piece in TAG_RE.split(text):
            if not piece:
                continue
            r = p.add_run(piece)
            _fonts_of_run(r, spec.east_asia)
            if bold:
                r.bold = True

    def p(self, text: str = "", style: str = "Normal", *, page_break_before: bool = False, bold: bool = False,
          keep_next: bool = False) -> Paragraph:
        para = self.doc.add_paragraph(style=self.doc.styles[STYLES[style].name])
        if text:
            self._runs(para, text, style, bold)
        if page_break_before:
            para.paragraph_format.page_break_before = True
        if keep_next:
            para.paragraph_format.keep_with_next = True
        return para

    def tag(self, tag: str) -> Paragraph:
        """A paragraph holding only a paragraph-level tag ({%p … %}); docxtpl removes it."""
        para = self.doc.add_paragraph(style=self.doc.styles[STYLES["Normal"].name])
        self._runs(para, tag, "Normal")
        return para

    def table(self, widths_mm: Sequence[float], rows: Sequence[Sequence[str]], *, header: bool = True,
              styles: Sequence[str] | None = None, min_height_mm: float | None = None) -> Table:
        """A grid table. ``rows`` hold cell texts (tags allowed); the first row is the header
        (repeated on every page) when ``header``. ``styles`` names a paragraph style per column
        for non-header rows."""
        t = self.doc.add_table(rows=len(rows), cols=len(widths_mm))
        t.style = self.doc.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        for i, w in enumerate(widths_mm):
            t.columns[i].width = Mm(w)
        for r_i, (row, cells) in enumerate(zip(t.rows, rows, strict=True)):
            is_head = header and r_i == 0
            if is_head:
                trpr = row._tr.get_or_add_trPr()
                trpr.append(OxmlElement("w:tblHeader"))
            if min_height_mm is not None:
                row.height = Mm(min_height_mm)
            for c_i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
                cell.width = Mm(widths_mm[c_i])
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                style = "TableHead" if is_head else (styles[c_i] if styles else "TableText")
                para = cell.paragraphs[0]
                para.style = self.doc.styles[STYLES[style].name]
                if text:
                    self._runs(para, text, style)
        return t

    def save(self, path: Path) -> Path:
        """Save with fixed timestamps inside the zip, so an unchanged template rebuilds to the
        same bytes and git shows no spurious change."""
        buf = io.BytesIO()
        self.doc.save(buf)
        buf.seek(0)
        out = io.BytesIO()
        with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                info = zipfile.ZipInfo(item.filename, date_time=BUILD_TIME.timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, src.read(item.filename))
        path.write_bytes(out.getvalue())
        return path


def _heading_notice(b: Builder, title: str) -> None:
    b.p("{{ office_name }}", "DocTitle")
    b.p(title, "DocTitle")
    b.p("案件编号：{{ case_no }}", "DocNumber")


def _signature(b: Builder, closing: str) -> None:
    """'特此通知。', a line for the seal, the office and the date, kept on one page."""
    b.p(closing, keep_next=True)
    b.p(keep_next=True)
    b.p("{{ office_name }}（盖章）", "Signature")
    b.p("{{ issued_on }}", "Signature")


# -- the templates --------------------------------------------------------------------------


def build_acceptance_notice(path: Path) -> Path:
    b = Builder("投诉受理通知书")
    _heading_notice(b, "投诉受理通知书")
    b.p("{{ addressee }}：", "Salutation")
    b.p("{{ you }}于{{ received_date }}向本会投诉{{ business_name }}（{{ category_short }}，{{ nature_name }}问题）一案，"
        "本会已收悉。经审查，该投诉符合受理条件，本会于{{ accepted_date }}决定受理。")
    b.p("本会将依照《中华人民共和国消费者权益保护法》第三十七条的规定，对该投诉进行调查、调解。"
        "调解期限为自受理之日起{{ mediation_period }}{{ mediation_due_note }}，检测、鉴定所需时间不计算在内。"
        "调解不成或者出现终止调解情形的，本会将终止调解并书面告知。")
    b.p("调解期间，请{{ you }}保持通讯畅通，按通知参加调解，并如实提供购物凭证、合同等证据材料。")
    b.p("承办人：{{ handler_name }}　　联系电话：{{ office_phone }}")
    b.tag("{%p if office_address %}")
    b.p("联系地址：{{ office_address }}")
    b.tag("{%p endif %}")
    _signature(b, "特此通知。")
    return b.save(path)


def build_refusal_notice(path: Path) -> Path:
    b = Builder("不予受理告知书")
    _heading_notice(b, "不予受理告知书")
    b.p("{{ addressee }}：", "Salutation")
    b.p("{{ you }}于{{ received_date }}向本会投诉{{ business_name }}（{{ category_short }}，{{ nature_name }}问题）一案，"
        "经审查，存在下列情形：{{ refusal_ground }}。依照有关规定，本会于{{ refused_date }}决定不予受理。")
    b.tag("{%p if refusal_explanation %}")
    b.p("{{ refusal_explanation }}")
    b.tag("{%p endif %}")
    # The routes run on in one paragraph (as the statute reads) so the notice fits one page;
    # ``routes`` holds them one per item for a template that lists them line by line.
    b.p("根据《中华人民共和国消费者权益保护法》第三十九条的规定，{{ you }}可以通过下列途径解决与经营者之间的争议："
        "{{ routes_text }}")
    b.tag("{%p if office_phone %}")
    b.p("如有疑问，请与本会联系，联系电话：{{ office_phone }}。")
    b.tag("{%p endif %}")
    _signature(b, "特此告知。")
    return b.save(path)


def build_termination_notice(path: Path) -> Path:
    b = Builder("终止调解告知书")
    _heading_notice(b, "终止调解告知书")
    b.p("{{ addressee }}：", "Salutation")
    b.p("{{ consumer_name }}于{{ received_date }}投诉{{ business_name }}（{{ category_short }}，{{ nature_name }}问题）一案，"
        "本会于{{ accepted_date }}受理{{ mediation_started_clause }}。调解过程中出现下列情形：{{ termination_ground }}。"
        "依照有关规定，本会于{{ terminated_date }}决定终止调解。")
    b.tag("{%p if termination_explanation %}")
    b.p("{{ termination_explanation }}")
    b.tag("{%p endif %}")
    b.p("双方当事人可以依照《中华人民共和国消费者权益保护法》第三十九条的规定，通过下列途径继续解决争议："
        "{{ routes_text }}")
    b.p("本告知书一式三份，当事人双方各执一份，本会存档一份。")
    _signature(b, "特此告知。")
    return b.save(path)


def build_referral_letter(path: Path) -> Path:
    b = Builder("诉求信息通报函")
    _heading_notice(b, "诉求信息通报函")
    b.p("{{ department }}：", "Salutation")
    b.p("{{ intro }}")
    b.p("一、基本情况", "Heading1CN")
    b.p("投诉人：{{ consumer_name }}{{ consumer_contact }}。")
    b.p("被投诉人：{{ business_name }}{{ business_details }}。")
    b.p("商品或服务类别：{{ category_name }}；投诉性质：{{ nature_name }}；争议金额：{{ amount }}。")
    b.p("收到投诉日期：{{ received_date }}{{ accepted_clause }}。")
    b.p("二、投诉事实", "Heading1CN")
    b.tag("{%p for para in facts %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.p("三、消费者诉求", "Heading1CN")
    b.tag("{%p for para in demand %}")
    b.p("{{ para }}")
    b.tag("{%p else %}")
    b.p("投诉人未提出具体诉求。")
    b.tag("{%p endfor %}")
    b.tag("{%p if referral_note %}")
    b.p("四、本会意见", "Heading1CN")
    b.p("{{ referral_note }}")
    b.tag("{%p endif %}")
    b.p("联系人：{{ handler_name }}　　联系电话：{{ office_phone }}", keep_next=True)
    b.tag("{%p if office_address %}")
    b.p("联系地址：{{ office_address }}", keep_next=True)
    b.tag("{%p endif %}")
    b.p(keep_next=True)
    b.p("{{ office_name }}（盖章）", "Signature")
    b.p("{{ issued_on }}", "Signature")
    return b.save(path)


def build_case_file(path: Path) -> Path:
    b = Builder("消费者投诉案卷")
    # Cover: no page number on it (the first-page footer stays empty).
    b.doc.sections[0].different_first_page_header_footer = True
    b.p("", "CoverText")
    b.p("{{ office_name }}", "CoverText")
    b.p("消费者投诉案卷", "CoverTitle")
    b.p("", "CoverText")
    b.table(
        [34, 112],
        [
            ["归档号", "{{ archive_no }}"],
            ["案件编号", "{{ case_no }}"],
            ["案由", "{{ case_subject }}"],
            ["投诉人", "{{ consumer_name }}"],
            ["被投诉人", "{{ business_name }}"],
            ["承办人", "{{ handler_name }}"],
            ["收到日期", "{{ received_date }}"],
            ["受理日期", "{{ accepted_date }}"],
            ["结案日期", "{{ closed_date }}"],
            ["办理结果", "{{ outcome }}"],
            ["归档日期", "{{ archived_date }}"],
            ["立卷人", "{{ handler_name }}"],
            ["立卷日期", "{{ issued_on }}"],
        ],
        header=False,
        styles=["CoverLabel", "CoverField"],
        min_height_mm=10,
    )

    # Registration form: every field of the complaint, in the order the service lists them.
    b.p("一、投诉登记表", "Heading1CN", page_break_before=True)
    b.table(
        [36, 120],
        [
            ["项目", "内容"],
            ["{%tr for f in form %}", ""],
            ["{{ f.label }}", "{{ f.value }}"],
            ["{%tr endfor %}", ""],
        ],
    )

    # Timeline
    b.p("二、办理过程", "Heading1CN", page_break_before=True)
    b.table(
        [38, 27, 23, 68],
        [
            ["日期", "办理步骤", "办理人", "办理情况"],
            ["{%tr for e in timeline %}", "", "", ""],
            ["{{ e.date }}", "{{ e.step }}", "{{ e.person }}", "{{ e.detail }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )

    # Extension point: sections other modules add (mediation records first). Each has a
    # heading, paragraphs, and an optional four-column table.
    b.tag("{%p for sec in sections %}")
    b.p("{{ sec.heading }}", "Heading1CN")
    b.tag("{%p for para in sec.paragraphs %}")
    b.p("{{ para }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if sec.rows %}")
    b.table(
        [38, 27, 23, 68],
        [
            ["{{ sec.headers[0] }}", "{{ sec.headers[1] }}", "{{ sec.headers[2] }}", "{{ sec.headers[3] }}"],
            ["{%tr for r in sec.rows %}", "", "", ""],
            ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")

    # Documents and attachments
    b.p("{{ materials_heading }}", "Heading1CN")
    b.tag("{%p if materials %}")
    b.table(
        [13, 49, 20, 36, 38],
        [
            ["序号", "材料名称", "大小", "SHA-256（前12位）", "日期"],
            ["{%tr for m in materials %}", "", "", "", ""],
            ["{{ m.no }}", "{{ m.name }}", "{{ m.size }}", "{{ m.sha }}", "{{ m.date }}"],
            ["{%tr endfor %}", "", "", "", ""],
        ],
    )
    b.tag("{%p else %}")
    b.p("本案无附件材料。")
    b.tag("{%p endif %}")
    return b.save(path)


TEMPLATES: dict[str, Callable[[Path], Path]] = {
    "acceptance_notice.docx": build_acceptance_notice,
    "refusal_notice.docx": build_refusal_notice,
    "termination_notice.docx": build_termination_notice,
    "referral_letter.docx": build_referral_letter,
    "case_file.docx": build_case_file,
}


def default_dir() -> Path:
    import resources

    return Path(resources.__file__).resolve().parent / "templates"


def build_all(out_dir: str | Path | None = None) -> list[Path]:
    """Write every default template into ``out_dir`` (default: the shipped templates folder)."""
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
