"""Excel exports. Personal data is written unmasked only for roles with Perm.EXPORT_PERSONAL,
and every export is logged (who, what, how many rows) as PIPL Art. 51 asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

from desk import clock
from desk.audit import log_access
from desk.errors import DeskError
from desk.facade import Desk
from desk.roles import Perm
from desk.validators import mask_name, mask_phone

CHUNK = 2000

COMPLAINT_COLUMNS: list[tuple[str, str, int]] = [
    ("case_no", "案件编号", 16),
    ("status_label", "状态", 10),
    ("received_at", "收到时间", 18),
    ("consumer_name", "消费者", 10),
    ("consumer_phone", "联系电话", 15),
    ("business_name", "被投诉经营者", 30),
    ("category_name", "商品/服务类别", 24),
    ("nature_name", "投诉性质", 10),
    ("channel_name", "投诉渠道", 16),
    ("amount", "争议金额（元）", 12),
    ("handler_name", "承办人", 10),
    ("office_code", "受理单位", 8),
    ("due_date", "当前期限", 12),
    ("overdue", "是否逾期", 8),
]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool


def export_complaints_xlsx(desk: Desk, path: str | Path, f=None, sort: str = "received_at", descending: bool = True) -> ExportResult:  # type: ignore[no-untyped-def]
    """Write the filtered case list to ``path`` (.xlsx), streaming rows in chunks."""
    from openpyxl import Workbook  # heavy: only when exporting
    from openpyxl.styles import Alignment, Font, PatternFill

    from desk.services.complaints import ComplaintFilter

    desk.require_login()
    f = f or ComplaintFilter()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    unmasked = desk.can(Perm.EXPORT_PERSONAL) and desk.can(Perm.VIEW_PERSONAL)
    ids = desk.complaints.query_ids(f, sort, descending)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("投诉案件")
    ws.freeze_panes = "A2"
    for i, (_key, _title, width) in enumerate(COMPLAINT_COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    from openpyxl.cell import WriteOnlyCell

    header = []
    for _key, title, _w in COMPLAINT_COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    today = clock.today()
    for start in range(0, len(ids), CHUNK):
        for r in desk.complaints.rows(ids[start : start + CHUNK]):
            d = asdict(r)
            # rows() already masks for roles that may not view personal data; mask the rest
            # here when the role may view but not export it.
            if not unmasked and desk.can(Perm.VIEW_PERSONAL):
                d["consumer_name"] = mask_name(r.consumer_name)
                d["consumer_phone"] = mask_phone(r.consumer_phone)
            d["overdue"] = "逾期" if r.due_date and r.due_date < today else ""
            values = []
            for key, _t, _w in COMPLAINT_COLUMNS:
                v = d[key]
                if isinstance(v, dt.datetime):
                    v = v.strftime("%Y-%m-%d %H:%M")
                elif isinstance(v, dt.date):
                    v = v.isoformat()
                elif key == "amount":
                    v = float(v)
                values.append(v)
            ws.append(values)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    except OSError as exc:
        raise DeskError(f"无法写入文件“{path}”：{exc.strerror or exc}（文件是否正在 Excel 中打开？）") from exc
    with desk.write() as s:
        log_access(s, "export", "complaint", "list", {"rows": len(ids), "masked": not unmasked, "file": path.name})
    return ExportResult(path, len(ids), not unmasked)
