"""Roster exports: the roster as an Excel workbook and as a printable Word table.

Phones and ID numbers are written in full only for a role with both Perm.VIEW_PERSONAL and
Perm.EXPORT_PERSONAL; anyone else gets 138****5678 and 3412**********123X (a role that may
see but not export personal data included). Every export is written to the audit trail with
its size and whether it was masked (PIPL Art. 51). The Excel columns carry the headers the
import understands, so an unmasked export can be imported again (into another desk's database,
say) without duplicates."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk import clock
from desk.audit import log_access
from desk.documents.render import cn_date, render_template
from desk.errors import DeskError, NotFound
from desk.exports import ExportResult
from desk.roles import Perm
from desk.services.rosters import KIND_LABELS, STATUS_LABELS, PersonFilter, PersonView
from desk.validators import mask_id, mask_phone

if TYPE_CHECKING:
    from desk.facade import Desk

TEMPLATE = "roster.docx"

# (attribute or computed key, header, width); headers are import aliases (desk.roster_import).
XLSX_COLUMNS: list[tuple[str, str, int]] = [
    ("no", "序号", 6),
    ("name", "姓名", 10),
    ("gender", "性别", 6),
    ("phone", "联系电话", 15),
    ("id_no", "身份证号码", 21),
    ("township", "乡镇", 12),
    ("community", "社区/村", 14),
    ("workplace", "工作单位", 28),
    ("occupation", "职业", 12),
    ("join_date", "加入日期", 12),
    ("status", "状态", 8),
    ("status_date", "状态日期", 12),
    ("certificate_no", "证书编号", 14),
    ("skills", "特长", 16),
    ("note", "备注", 24),
    ("consent_date", "同意日期", 12),
    ("consent_method", "同意方式", 16),
]


def may_export_unmasked(desk: Desk) -> bool:
    return desk.can(Perm.VIEW_PERSONAL) and desk.can(Perm.EXPORT_PERSONAL)


def export_rows(desk: Desk, f: PersonFilter) -> tuple[list[PersonView], bool]:
    """The people to export, masked as the role requires, and whether they are masked."""
    desk.require_login()
    people = desk.rosters.search(f, limit=None, order="join_date")
    unmasked = may_export_unmasked(desk)
    if not unmasked:
        # search() already masks for roles without VIEW_PERSONAL; never mask twice.
        people = [p if p.masked else replace(p, phone=mask_phone(p.phone), id_no=mask_id(p.id_no) if p.id_no else None,
                                             masked=True) for p in people]
    return people, not unmasked


def roster_title(desk: Desk, f: PersonFilter) -> str:
    kind = KIND_LABELS.get(f.kind, "人员") if f.kind else "人员"
    return f"{office_name(desk)}{kind}名册"


def office_name(desk: Desk) -> str:
    name = (desk.settings.snapshot("office.").values.get("office.name") or "").strip()
    if name:
        return name
    actor = desk.actor
    if actor is not None and actor.office_id is not None:
        try:
            return desk.offices.get(actor.office_id).name
        except (NotFound, DeskError):
            pass
    return ""


def _filter_note(f: PersonFilter) -> str:
    parts = []
    if f.status == "current":
        parts.append("在册和暂停人员")
    elif f.status:
        parts.append(f"状态为{STATUS_LABELS.get(f.status, f.status)}")
    if f.township:
        parts.append(f.township)
    if f.keyword.strip():
        parts.append(f"含“{f.keyword.strip()}”")
    if f.without_consent:
        parts.append("未记录同意")
    return "；".join(parts)


def _log(desk: Desk, what: str, f: PersonFilter, rows: int, masked: bool, path: Path) -> None:
    with desk.write() as s:
        log_access(s, "export", "roster_person", what,
                   {"kind": f.kind or "all", "rows": rows, "masked": masked, "file": path.name})


def _cell(p: PersonView, key: str, no: int) -> Any:
    if key == "no":
        return no
    if key == "gender":
        return p.gender_label
    if key == "status":
        return p.status_label
    if key == "id_no":
        return p.id_no or ""
    value = getattr(p, key)
    return "" if value is None else value


def export_roster_xlsx(desk: Desk, path: str | Path, f: PersonFilter = PersonFilter()) -> ExportResult:  # noqa: B008
    from openpyxl import Workbook  # heavy: only when exporting
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    people, masked = export_rows(desk, f)
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet((KIND_LABELS.get(f.kind, "人员名册") if f.kind else "人员名册")[:31])
    ws.freeze_panes = "A2"
    for i, (_k, _t, width) in enumerate(XLSX_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    header = []
    for _k, title, _w in XLSX_COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    for no, p in enumerate(people, start=1):
        row = []
        for key, _t, _w in XLSX_COLUMNS:
            value = _cell(p, key, no)
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif key in ("phone", "id_no", "certificate_no"):
                cell.number_format = "@"  # text: Excel must not turn an ID into 3.41222E+17
            row.append(cell)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)  # in memory first: a failed file leaves no half-written stream behind
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buf.getvalue())
    except OSError as exc:
        raise DeskError(f"无法写入文件“{path}”：{exc.strerror or exc}（文件是否正在 Excel 中打开？）") from exc
    _log(desk, "xlsx", f, len(people), masked, path)
    return ExportResult(path, len(people), masked)


def roster_context(desk: Desk, f: PersonFilter, people: list[PersonView], masked: bool) -> dict[str, Any]:
    today = clock.today()
    note = _filter_note(f)
    subtitle = f"截至{cn_date(today)}，共{len(people)}人" + (f"；{note}" if note else "")
    rows = [
        {
            "no": i,
            "name": p.name,
            "gender": p.gender_label,
            "phone": p.phone,
            "township": f"{p.township}·{p.community}" if p.township and p.community else p.township or p.community,
            "workplace": p.workplace or p.occupation,
            "join_date": p.join_date.isoformat() if p.join_date else "",
            "certificate_no": p.certificate_no,
        }
        for i, p in enumerate(people, start=1)
    ]
    return {
        "title": roster_title(desk, f),
        "subtitle": subtitle,
        "people": rows,
        "note": "注：为保护个人信息，联系电话已部分隐藏。" if masked and any(p.phone for p in people) else "",
        "office_name": office_name(desk),
        "made_on": cn_date(today),
    }


def render_roster_docx(desk: Desk, path: str | Path, f: PersonFilter = PersonFilter(), **extra: Any) -> ExportResult:  # noqa: B008
    """The printable roster (resources/templates/roster.docx); ``extra`` adds to or overrides
    the template context (a custom template may use more keys)."""
    people, masked = export_rows(desk, f)
    path = Path(path)
    if path.suffix.lower() != ".docx":
        path = path.with_suffix(".docx")
    context = roster_context(desk, f, people, masked)
    context.update(extra)
    render_template(TEMPLATE, context, path)
    _log(desk, "docx", f, len(people), masked, path)
    return ExportResult(path, len(people), masked)


def suggested_filename(desk: Desk, f: PersonFilter, ext: str) -> str:
    return f"{roster_title(desk, f) or '人员名册'}（{clock.today():%Y%m%d}）.{ext}"
