"""Trust-unit documents: the revisit report (诚信单位回访检查记录, one per revisit) and the
yearly revisit summary, rendered from ``resources/templates/revisit_report.docx`` and
``revisit_summary.docx`` (built by desk.documents.trust_unit_templates).

``render_revisit_report(desk, revisit_id, out_path, **extra)`` and
``render_revisit_summary(desk, year, out_path, office_id=None, **extra)`` return the path;
``extra`` adds to or overrides the template context (``issued_on=date`` …). Neither carries a
consumer's personal data (businesses and inspectors only); each document made is written to
the audit trail as an export. The revisit's photos are placed at the end of the report
(pictures python-docx cannot read, such as HEIC, are listed by name instead)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk import clock
from desk.audit import log_access
from desk.documents.render import cn_date, paragraphs, plain, render_template
from desk.documents.trust_unit_templates import PHOTO_ANCHOR
from desk.errors import DeskError, NotFound

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.trust_units import RevisitSummary, RevisitView, TrustUnitView

log = logging.getLogger(__name__)

REPORT_TEMPLATE = "revisit_report.docx"
SUMMARY_TEMPLATE = "revisit_summary.docx"
PHOTO_WIDTH_MM = 120
PHOTO_MAX_HEIGHT_MM = 150


def _office(desk: Desk, office_id: int | None) -> dict[str, str]:
    """The issuing office: its own record, the county office's settings filling the gaps (the
    county office's full name from the settings wins, as on the complaint notices)."""
    settings = desk.settings.snapshot("office.").values
    office = None
    if office_id is None:
        # All offices together: the county office issues it.
        office = next((o for o in desk.offices.list() if o.parent_id is None), None)
    else:
        try:
            office = desk.offices.get(office_id)
        except NotFound:
            office = None
    is_main = office is None or office.parent_id is None
    name = (settings.get("office.name") or "").strip() if is_main else ""
    name = name or (office.name if office else "")
    return {"office_name": name}


def _pct(value: Decimal | None) -> str:
    return f"{value}%" if value is not None else "—"


def revisit_report_context(desk: Desk, revisit: RevisitView, unit: TrustUnitView) -> dict[str, Any]:
    from desk.services.trust_units import CONCLUSIONS, FOLLOW_UP_RESULTS

    checks = []
    for i, c in enumerate(revisit.checks, start=1):
        note = c.note
        if c.count is not None:
            note = f"共{c.count}次" + (f"；{note}" if note else "")
        checks.append({"no": i, "name": c.item_name, "result": "合格" if c.passed else "不合格", "note": note})
    failed = [c.item_name for c in revisit.checks if not c.passed]
    label = CONCLUSIONS.get(revisit.conclusion, revisit.conclusion)
    if revisit.conclusion == "pass":
        text = f"{label}。" + (f"个别项目（{'、'.join(failed)}）需要改进，请该单位自查自纠。" if failed else "该单位各项检查内容落实到位。")
    elif revisit.conclusion == "rectify":
        text = f"{label}。" + (f"该单位在{'、'.join(failed)}方面存在问题，须限期整改。" if failed else "须按下列要求限期整改。")
    else:
        text = f"{label}。" + (f"该单位在{'、'.join(failed)}方面问题突出，" if failed else "") + "检查组建议撤销其称号，报本会研究决定。"
    award = ""
    if unit.certificate_no:
        award = f"{unit.kind_name}，证书编号 {unit.certificate_no}"
        if unit.valid_until:
            award += f"，有效期至{cn_date(unit.valid_until)}"
    contact = "　".join(x for x in (unit.contact_person, unit.business_phone) if x)
    photos = [p for p in revisit.photos]
    return {
        **_office(desk, unit.office_id),
        "kind_name": unit.kind_name,
        "visit_date": cn_date(revisit.visit_date),
        "business_name": unit.business_name,
        "credit_code": unit.credit_code or "",
        "business_address": unit.business_address,
        "business_contact": contact,
        "award_text": award,
        "inspectors": "、".join(i.name for i in revisit.inspectors),
        "checks": checks,
        "findings": paragraphs(revisit.findings),
        "findings_default": "检查组按检查项目逐项查看了该单位的制度台账和经营现场，情况见上表。",
        "conclusion_text": text,
        "rectify": revisit.conclusion == "rectify",
        "demand": paragraphs(revisit.rectification_demand),
        "deadline": cn_date(revisit.rectification_deadline),
        "follow_up": revisit.follow_up_date is not None,
        "follow_up_date": cn_date(revisit.follow_up_date),
        "follow_up_result": FOLLOW_UP_RESULTS.get(revisit.follow_up_result or "", ""),
        "follow_up_note": paragraphs(revisit.follow_up_note),
        "photos": bool(photos),
        "photo_count": len(photos),
        "photo_anchor": PHOTO_ANCHOR,
        "issued_on": cn_date(revisit.follow_up_date or revisit.visit_date),
    }


def _place_photos(out: Path, photos: list[tuple[str, bytes]]) -> None:
    """Replace the anchor paragraph with the photos and their captions."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.image.exceptions import UnrecognizedImageError
    from docx.shared import Mm, Pt

    doc = Document(str(out))
    anchor = next((p for p in doc.paragraphs if p.text.strip() == PHOTO_ANCHOR), None)
    if anchor is None:
        return  # a secretary's template without the anchor: no photos, not an error
    for i, (name, data) in enumerate(photos, start=1):
        pic = anchor.insert_paragraph_before()
        fmt = pic.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE  # the body's exact line pitch would crop a picture
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.keep_with_next = True
        caption = f"图{i}　{name}"
        try:
            shape = pic.add_run().add_picture(io.BytesIO(data), width=Mm(PHOTO_WIDTH_MM))
            if shape.height > Mm(PHOTO_MAX_HEIGHT_MM):
                ratio = Mm(PHOTO_MAX_HEIGHT_MM) / shape.height
                shape.height = Mm(PHOTO_MAX_HEIGHT_MM)
                shape.width = int(shape.width * ratio)
        except (UnrecognizedImageError, ValueError, ZeroDivisionError, OSError) as exc:
            log.info("photo %s not embeddable: %s", name, exc)
            caption += "（该格式无法放入文档，请在程序中查看原件）"
        cap = anchor.insert_paragraph_before(caption)
        cap.paragraph_format.first_line_indent = Pt(0)
        cap.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    anchor._p.getparent().remove(anchor._p)
    fd, tmp_name = tempfile.mkstemp(prefix=".~cadesk-", suffix=".docx", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        doc.save(str(tmp))
        os.replace(tmp, out)
    except PermissionError as exc:
        raise DeskError(f"无法写入“{out.name}”：文件可能正被 Word 或 WPS 打开，请关闭后重试。") from exc
    finally:
        tmp.unlink(missing_ok=True)


def render_revisit_report(desk: Desk, revisit_id: int, out_path: str | Path, **extra: Any) -> Path:
    desk.require_login()
    svc = desk.trust_units
    revisit = svc.get_revisit(revisit_id)
    unit = svc.get(revisit.unit_id)
    context = revisit_report_context(desk, revisit, unit)
    for k, v in extra.items():
        context[k] = plain(v)
    out = render_template(REPORT_TEMPLATE, context, out_path)
    if revisit.photos:
        _place_photos(out, [svc.revisit_photo(p.id) for p in revisit.photos])
    with desk.write() as s:
        log_access(s, "export", "trust_revisit", str(revisit.id),
                   {"document": "回访检查记录", "business": unit.business_name, "file": out.name})
    return out


def revisit_summary_context(desk: Desk, summary: RevisitSummary) -> dict[str, Any]:
    s = summary
    kind_label = "诚信单位"  # 放心消费示范单位 and other kinds are trust units too
    intro = []
    if s.units_visited:
        coverage = (Decimal(s.units_visited) * 100 / Decimal(s.units_holding)).quantize(Decimal("0.01")) if s.units_holding else None
        intro.append(f"{s.year}年，本会组织对{s.units_visited}家{kind_label}进行了回访检查，共检查{s.revisits}次"
                     + (f"，占全年持有称号单位{s.units_holding}家的{_pct(coverage)}。" if s.units_holding else "。"))
        intro.append(f"首次回访检查合格{s.units_passed}家，合格率{_pct(s.pass_share)}。"
                     f"要求限期整改{s.rectify_demanded}家次，已整改{s.rectified}家次，未按期整改{s.not_rectified}家次，"
                     f"尚在整改期内{s.rectify_pending}家次；检查组建议摘牌{s.revoke_proposed}家次，全年摘牌{s.units_revoked}家。")
        intro.append(f"被检查单位共开展消费教育活动{s.education_activities}次"
                     + (f"，其中{s.units_without_education}家单位未开展。" if s.units_without_education else "。"))
    else:
        intro.append(f"{s.year}年，本会没有开展回访检查" + (f"（全年持有称号单位{s.units_holding}家）。" if s.units_holding else "。")
                     + (f"全年摘牌{s.units_revoked}家。" if s.units_revoked else ""))
    items = [{"no": i, "name": it.name, "checked": it.checked, "failed": it.failed, "share": _pct(it.fail_share)}
             for i, it in enumerate(s.items, start=1)]
    rows = [{"no": i, "name": r.business_name, "dates": "、".join(f"{d.month}月{d.day}日" for d in r.visit_dates),
             "conclusion": r.first_conclusion, "problems": "、".join(r.problems) or "无",
             "rectification": (r.rectification or "—") + ("（已摘牌）" if r.revoked else "")}
            for i, r in enumerate(s.rows, start=1)]
    return {
        **_office(desk, s.office_id),
        "year": s.year,
        "kind_label": kind_label,
        "intro": intro,
        "items": items,
        "rows": rows,
        "not_visited": "、".join(s.not_visited) + "。" if s.not_visited else "",
        "issued_on": cn_date(clock.today() if clock.today().year == s.year else dt.date(s.year, 12, 31)),
    }


def render_revisit_summary(desk: Desk, year: int, out_path: str | Path, office_id: int | None = None, **extra: Any) -> Path:
    desk.require_login()
    summary = desk.trust_units.revisit_summary(year, office_id)
    context = revisit_summary_context(desk, summary)
    for k, v in extra.items():
        context[k] = plain(v)
    out = render_template(SUMMARY_TEMPLATE, context, out_path)
    with desk.write() as s:
        log_access(s, "export", "trust_revisit", f"summary:{year}", {"document": "年度回访检查情况", "file": out.name})
    return out


def suggested_report_name(revisit: RevisitView) -> str:
    safe = "".join(ch for ch in revisit.business_name if ch not in '\\/:*?"<>|')
    return f"回访检查记录_{safe}_{revisit.visit_date:%Y%m%d}.docx"


def suggested_summary_name(year: int) -> str:
    return f"{year}年度诚信单位回访检查情况.docx"
