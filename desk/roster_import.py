"""Importing the rosters offices already keep in Excel (.xlsx).

The steps, each usable on its own (the GUI wizard runs them on the worker, the command line
``cadesk-admin import-roster`` one after another):

1. ``list_sheets(path)``: check the file (not an .xls, not encrypted, not a renamed text file,
   not damaged) and list its sheets.
2. ``read_sheet(path, sheet)``: read the cells in openpyxl's read-only mode with cached formula
   values (``data_only``), find the header row among the first rows (a title may sit above it),
   fill merged cells into every row they cover, and keep the non-empty rows below the header.
   A formula without a cached value is kept as ``NO_CACHED_VALUE`` (a row problem later).
   More than ``MAX_ROWS`` data rows is refused at once with a clear message.
3. ``auto_mapping(headers)``: fields from the Chinese column headers (姓名, 性别, 电话/手机 …);
   the user may change it.
4. ``preview(desk, data, mapping, options)``: every row checked (phone, ID check digit, dates
   written as text or Excel serial numbers, missing name …), duplicates found within the file and
   against the roster (by ID number, then mobile number, then name and township when a row has
   neither), and each row's action: 新增, 更新, 无变化, 跳过 (already on the roster) or 不导入
   (it has problems).
5. ``commit(...)``: plans again inside one write transaction and imports every valid row or,
   when cancelled or anything fails, nothing at all. Re-importing the same file adds nobody:
   the people found are updated or skipped, as ``options.on_duplicate`` says.

``report_lines(preview, summary)`` is the report both the GUI and the command line show.
Progress goes to ``progress(done, total, stage)``; ``cancel()`` returning True stops the work
(``ImportCancelled``; nothing is saved)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desk import clock
from desk.audit import log_access
from desk.errors import DeskError, ValidationError
from desk.models.rosters import RosterPerson
from desk.roles import Perm
from desk.services.rosters import (
    KIND_LABELS,
    PERSON_LABELS,
    Status,
    check_kind,
    clean_name,
    gender_from_id,
    is_mobile,
    lock_rosters,
    normalise_person,
    parse_gender,
    person_search_text,
)
from desk.validators import FieldError, mask_id, normalise_search_text, parse_date, resident_id

log = logging.getLogger(__name__)

MAX_ROWS = 20_000  # data rows per import; a larger roster is split into several files
HEADER_SCAN_ROWS = 20  # the header row is looked for among the first non-empty rows
MAX_COLUMNS = 60
EMPTY_RUN_STOP = 1_000  # this many blank rows in a row: the data has ended (formatted blanks below)
CHUNK = 500

ProgressFn = Callable[[int, int, str], None]
CancelFn = Callable[[], bool]

# Fields the import fills, in the order the mapping step shows them.
FIELDS: dict[str, str] = {
    "name": "姓名",
    "gender": "性别",
    "phone": "电话",
    "id_no": "身份证号",
    "township": "乡镇",
    "community": "社区/村",
    "workplace": "工作单位",
    "occupation": "职业",
    "join_date": "加入日期",
    "certificate_no": "证书编号",
    "skills": "特长",
    "note": "备注",
    "consent_date": "同意日期",
    "consent_method": "同意方式",
}

# Header texts (after normalise_header) that name each field. Aliases of one character match
# only exactly; longer ones also inside a longer header (联系电话（手机）), the longest winning.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "人员姓名", "志愿者姓名", "调查员姓名", "和解员姓名", "联络员姓名"),
    "gender": ("性别",),
    "phone": ("电话", "手机", "联系电话", "手机号", "手机号码", "电话号码", "联系方式", "移动电话", "联系手机"),
    "id_no": ("身份证号", "身份证号码", "身份证", "公民身份号码", "身份证件号码", "证件号码"),
    "township": ("乡镇", "乡镇(街道)", "所在乡镇", "乡镇街道", "街道", "镇", "乡"),
    "community": ("社区/村", "社区", "村", "村(社区)", "社区(村)", "所在村(社区)", "村居", "村(居)"),
    "workplace": ("单位", "工作单位", "所在单位", "单位名称", "工作单位及职务"),
    "occupation": ("职业", "职务", "岗位"),
    "join_date": ("加入日期", "入会时间", "加入时间", "聘任时间", "聘任日期", "聘用日期", "入册日期", "参加时间", "入会日期"),
    "certificate_no": ("证书编号", "证号", "证书号", "聘书编号"),
    "skills": ("特长", "专长", "技能", "个人特长"),
    "note": ("备注", "说明"),
    "consent_date": ("同意日期", "授权日期", "同意书日期", "签署同意书日期"),
    "consent_method": ("同意方式", "授权方式"),
}

EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"})

ACTION_LABELS = {"new": "新增", "update": "更新", "unchanged": "无变化", "skip": "跳过", "error": "不导入"}
DUPLICATE_CHOICES = {"skip": "跳过", "update": "更新"}


class _NoCachedValue:
    """A formula cell saved without its result (a file written by a program, not Excel)."""

    def __repr__(self) -> str:
        return "NO_CACHED_VALUE"


NO_CACHED_VALUE = _NoCachedValue()


class ImportCancelled(DeskError):
    def __init__(self) -> None:
        super().__init__("已取消，没有导入任何数据。")


# -- the file ---------------------------------------------------------------------------------

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_SAVE_AS = "请在 Excel 或 WPS 中打开它，用“另存为”保存成“Excel 工作簿（*.xlsx）”后再导入。"


def check_file(path: str | Path) -> Path:
    """Refuse, with a message saying what to do, anything openpyxl cannot read as an .xlsx."""
    p = Path(path)
    if not p.exists():
        raise DeskError(f"找不到文件“{p}”。")
    if not p.is_file():
        raise DeskError(f"“{p}”不是一个文件。")
    try:
        with p.open("rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise DeskError(f"无法读取文件“{p.name}”：{exc.strerror or exc}（文件是否正在 Excel 中打开？）") from exc
    ext = p.suffix.lower()
    if not head:
        raise DeskError(f"文件“{p.name}”是空的（0 字节）。")
    if head.startswith(_OLE2_MAGIC):
        # The container's directory may sit anywhere in the file: look through all of it
        # (an encrypted workbook of a roster is a few megabytes at most).
        try:
            body = p.read_bytes() if p.stat().st_size <= 64 * 2**20 else head
        except OSError:
            body = head
        if "EncryptionInfo".encode("utf-16-le") in body or "EncryptedPackage".encode("utf-16-le") in body:
            raise DeskError(f"文件“{p.name}”设置了打开密码（已加密），程序无法读取。请在 Excel 或 WPS 中打开，"
                            "取消密码（文件—信息—保护工作簿—用密码进行加密，清空密码）后保存，再导入。")
        raise DeskError(f"“{p.name}”是旧版 Excel 97-2003 格式（.xls），程序只能读取 .xlsx。{_SAVE_AS}")
    if not head.startswith(_ZIP_MAGIC):
        if ext == ".csv":
            raise DeskError(f"“{p.name}”是 CSV 文本文件，不是 Excel 工作簿。{_SAVE_AS}")
        raise DeskError(f"“{p.name}”不是 Excel 工作簿（.xlsx）文件，可能是改了扩展名的其他文件。{_SAVE_AS}")
    if b"mimetypeapplication/vnd.oasis.opendocument" in head[:200]:
        raise DeskError(f"“{p.name}”是 OpenDocument 表格（.ods），不是 .xlsx。{_SAVE_AS}")
    return p


def _open_workbook(p: Path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook  # heavy: only when importing

    try:
        # A file object, not the path: openpyxl refuses paths by their extension, and a real
        # .xlsx saved under another name is still fine to read.
        fh = p.open("rb")
    except OSError as exc:
        raise DeskError(f"无法读取文件“{p.name}”：{exc.strerror or exc}") from exc
    try:
        return load_workbook(fh, read_only=True, data_only=True), fh
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        fh.close()
        raise DeskError(f"文件“{p.name}”已损坏，或不是 Excel 2007 及以后版本的工作簿，无法读取。"
                        f"请在 Excel 或 WPS 中打开检查，另存为 .xlsx 后再试。（{type(exc).__name__}）") from exc


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int | None  # from the sheet's recorded size; None when the file does not say
    visible: bool

    @property
    def label(self) -> str:
        # No row count: a sheet formatted far below its data reports a misleading size.
        return f"{self.name}（隐藏）" if not self.visible else self.name


def list_sheets(path: str | Path) -> list[SheetInfo]:
    p = check_file(path)
    wb, fh = _open_workbook(p)
    try:
        out = []
        for ws in wb.worksheets:
            try:
                rows = ws.max_row
            except Exception:  # noqa: BLE001 - a size we cannot read is only a hint
                rows = None
            out.append(SheetInfo(ws.title, rows, getattr(ws, "sheet_state", "visible") == "visible"))
        if not out:
            raise DeskError(f"文件“{p.name}”中没有工作表。")
        return out
    finally:
        wb.close()
        fh.close()


# -- reading a sheet --------------------------------------------------------------------------


def normalise_header(value: Any) -> str:
    if value is None or value is NO_CACHED_VALUE:
        return ""
    s = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"[\s*:：]+", "", s)


def _alias_index() -> list[tuple[str, str]]:
    pairs = [(normalise_header(a), f) for f, aliases in ALIASES.items() for a in aliases]
    return sorted(pairs, key=lambda p: -len(p[0]))


_ALIAS_PAIRS = _alias_index()
_EXACT = dict((a, f) for a, f in _ALIAS_PAIRS)


def field_of_header(header: Any) -> tuple[str | None, int]:
    """The field a header names and how well: 2 exact, 1 contained, 0 none."""
    h = normalise_header(header)
    if not h:
        return None, 0
    if h in _EXACT:
        return _EXACT[h], 2
    if len(h) > 12:  # a sentence (a title or a note), not a column header
        return None, 0
    for alias, fld in _ALIAS_PAIRS:
        if len(alias) >= 2 and alias in h:
            return fld, 1
    return None, 0


def auto_mapping(headers: Sequence[Any]) -> dict[str, int]:
    """field → column index (0-based) from the header texts; each column serves one field,
    each field its best column (exact names before contained ones, then leftmost)."""
    candidates: list[tuple[int, int, str]] = []
    for col, h in enumerate(headers):
        fld, quality = field_of_header(h)
        if fld:
            candidates.append((-quality, col, fld))
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for _q, col, fld in sorted(candidates):
        if fld not in mapping and col not in used:
            mapping[fld] = col
            used.add(col)
    return mapping


def column_letter(col: int) -> str:
    letters = ""
    n = col + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


@dataclass(frozen=True)
class SheetData:
    path: str
    sheet: str
    header_row: int  # 1-based row number in the sheet
    headers: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]  # (row number, cell values) below the header
    merged_ranges: int = 0  # merged areas whose value was copied into every row they cover
    repeated_headers: int = 0  # header rows repeated further down (printed sheets), left out

    def column_label(self, col: int) -> str:
        h = self.headers[col] if col < len(self.headers) else ""
        return f"{column_letter(col)} 列“{h}”" if h else f"{column_letter(col)} 列"

    def sample(self, col: int, n: int = 3) -> list[str]:
        out = []
        for _r, cells in self.rows:
            v = cell_text(cells, col)
            if v:
                out.append(v)
                if len(out) >= n:
                    break
        return out


def _sheet_parser(ws):  # type: ignore[no-untyped-def]
    """openpyxl's own sheet parser, told to mark formula cells that have no cached value (in
    data_only mode it would silently return None for them); it also collects merged ranges."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):  # type: ignore[no-untyped-def]
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = NO_CACHED_VALUE
            return cell

    wb = ws.parent
    src = ws._get_source()
    parser = Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                    date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    return parser, src


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_sheet(path: str | Path, sheet: str | None = None, *, max_rows: int = MAX_ROWS,
               progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> SheetData:
    """Read ``sheet`` (default: the first visible one); see the module docstring."""
    from openpyxl.utils.cell import range_boundaries

    p = check_file(path)
    wb, fh = _open_workbook(p)
    try:
        names = wb.sheetnames
        if sheet is None:
            visible = [ws.title for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
            sheet = (visible or names or [""])[0]
        if sheet not in names:
            raise DeskError(f"文件中没有名为“{sheet}”的工作表（有：{'、'.join(names)}）。")
        ws = wb[sheet]
        try:
            estimate = ws.max_row or 0
        except Exception:  # noqa: BLE001
            estimate = 0
        rows: dict[int, list[Any]] = {}
        order: list[int] = []
        blank_run = 0
        parser = None
        src = None
        last_row = 0
        try:
            try:
                parser, src = _sheet_parser(ws)
                source: Iterator[tuple[int, list[tuple[int, Any]]]] = (
                    (r, [(c["column"], c["value"]) for c in cells]) for r, cells in parser.parse()
                )
            except (AttributeError, ImportError, TypeError):
                # An openpyxl whose internals moved: its public reader still works, without
                # merged ranges and without telling formulas lacking a result from blanks.
                log.warning("openpyxl sheet parser unavailable; reading without merge and formula checks", exc_info=True)
                parser = None
                source = ((i, list(enumerate(row, start=1))) for i, row in enumerate(ws.iter_rows(values_only=True), start=1))
            for row_no, cells in source:
                last_row = row_no
                values: list[Any] = []
                for column, v in cells:
                    col = column - 1
                    if col >= MAX_COLUMNS:
                        continue
                    if col >= len(values):
                        values.extend([None] * (col + 1 - len(values)))
                    values[col] = v.strip() if isinstance(v, str) else v
                if all(_blank(v) for v in values):
                    blank_run += 1
                    if blank_run >= EMPTY_RUN_STOP and order:
                        break
                    continue
                blank_run = 0
                rows[row_no] = values
                order.append(row_no)
                if len(order) > max_rows + HEADER_SCAN_ROWS:
                    size = f"（文件中约有 {estimate:,} 行）" if estimate > max_rows else ""
                    raise DeskError(
                        f"工作表“{sheet}”的数据超过一次导入的上限 {max_rows:,} 行{size}。"
                        "请把名册拆分成几个文件（每个不超过上限）分别导入；没有导入任何数据。"
                    )
                if len(order) % CHUNK == 0:
                    if cancel is not None and cancel():
                        raise ImportCancelled()
                    if progress is not None:
                        # 0: the file does not say how many rows it has (the bar shows busy).
                        progress(len(order), estimate if estimate >= len(order) else 0, "读取")
            merged = getattr(parser, "merged_cells", None)
            merged_refs = [m.ref for m in getattr(merged, "mergeCell", [])] if merged is not None else []
        except (DeskError, ImportCancelled):
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged member, bad XML …
            raise DeskError(f"文件“{p.name}”已损坏，读到工作表“{sheet}”第 {last_row + 1} 行附近时出错，"
                            f"没有导入任何数据。请在 Excel 中打开检查并另存后再试。（{type(exc).__name__}）") from exc
        finally:
            if src is not None:
                src.close()
    finally:
        wb.close()
        fh.close()

    # Merged cells: the value sits in the top-left cell only; give it to every row covered
    # (a 乡镇 written once for the five people below it).
    filled: list[int] = []  # last row of each merged area that was filled
    for ref in merged_refs:
        try:
            min_col, min_row, max_col, max_row_ = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        top = rows.get(min_row)
        value = top[min_col - 1] if top is not None and min_col - 1 < len(top) else None
        if _blank(value):
            continue
        filled.append(max_row_)
        for r in range(min_row, max_row_ + 1):
            target = rows.get(r)
            if target is None:
                continue
            for c in range(min_col - 1, min(max_col, MAX_COLUMNS)):
                if c >= len(target):
                    target.extend([None] * (c + 1 - len(target)))
                if _blank(target[c]):
                    target[c] = value

    header_row = _find_header(order, rows, sheet)
    header_values = rows[header_row]
    headers = tuple(normalise_header(v) if v is not None else "" for v in header_values)
    width = max((len(rows[r]) for r in order), default=0)
    headers = headers + ("",) * (width - len(headers))
    name_col = auto_mapping(headers).get("name")
    data: list[tuple[int, tuple[Any, ...]]] = []
    repeated = 0
    for r in order:
        if r <= header_row:
            continue
        cells = rows[r]
        # A printed roster repeats its header on every page.
        if name_col is not None and name_col < len(cells) and normalise_header(cells[name_col]) == headers[name_col]:
            repeated += 1
            continue
        data.append((r, tuple(cells) + (None,) * (width - len(cells))))
    if len(data) > max_rows:
        raise DeskError(f"工作表“{sheet}”有 {len(data):,} 行数据，超过一次导入的上限 {max_rows:,} 行。"
                        "请把名册拆分成几个文件分别导入；没有导入任何数据。")
    # Only merged areas reaching into the data count for the report (not a merged title).
    merged_in_data = sum(1 for last in filled if last > header_row)
    return SheetData(str(p), sheet, header_row, headers, tuple(data), merged_in_data, repeated)


def _find_header(order: Sequence[int], rows: Mapping[int, list[Any]], sheet: str) -> int:
    best: tuple[int, int] | None = None  # (score, row)
    for r in order[:HEADER_SCAN_ROWS]:
        fields = {f for f, _q in (field_of_header(v) for v in rows[r]) if f}
        if "name" not in fields:
            continue
        score = len(fields)
        # A later row wins a tie: in a two-row header the lower row holds the column names.
        if best is None or score >= best[0]:
            best = (score, r)
    if best is None:
        if not order:
            raise DeskError(f"工作表“{sheet}”是空的，没有可导入的内容。")
        raise DeskError(
            f"在工作表“{sheet}”的前 {HEADER_SCAN_ROWS} 行中找不到表头行：需要有一行写着“姓名”等列名"
            "（如 姓名、性别、联系电话、身份证号、乡镇、工作单位）。请在数据上方加上表头行，或选择正确的工作表。"
        )
    return best[1]


# -- cell values ------------------------------------------------------------------------------


def cell_value(cells: Sequence[Any], col: int | None) -> Any:
    if col is None or col >= len(cells):
        return None
    return cells[col]


def cell_text(cells: Sequence[Any], col: int | None) -> str:
    """A cell as text: numbers without a trailing .0 (phones typed as numbers), dates as ISO."""
    v = cell_value(cells, col)
    if v is None or v is NO_CACHED_VALUE:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


# Excel serial dates: 1 is 1900-01-01 (with Excel's 1900 leap-year quirk handled by openpyxl).
_SERIAL_MIN, _SERIAL_MAX = 18_264, 73_050  # 1950-01-01 … 2099-12-31


def _date_cell(v: Any, label: str, today: dt.date) -> tuple[dt.date | str | None, str | None]:
    """(value for normalise_person, problem) for a date column."""
    if isinstance(v, dt.datetime):
        return v.date(), None
    if isinstance(v, dt.date):
        return v, None
    if isinstance(v, int | float) and not isinstance(v, bool):
        n = float(v)
        if n.is_integer() and 1950 <= n <= 2100:
            return None, f"{label}只填了年份（{int(n)}），请填写完整日期，如 {int(n)}-05-01"
        if n.is_integer() and 19_000_101 <= n <= 20_991_231:
            return str(int(n)), None  # 20230501 typed as a number
        if _SERIAL_MIN <= n <= _SERIAL_MAX:
            from openpyxl.utils.datetime import from_excel

            return from_excel(n).date(), None  # a date cell saved without a date format
        return None, f"{label}“{cell_text([v], 0)}”不是有效的日期"
    return (str(v) if v is not None else None), None


def _row_raw(cells: Sequence[Any], mapping: Mapping[str, int], today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """The row's mapped cells as normalise_person wants them, and the problems only the
    spreadsheet can have (formulas without results, error values, IDs stored as numbers)."""
    raw: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for fld, col in mapping.items():
        label = FIELDS[fld]
        v = cell_value(cells, col)
        if v is NO_CACHED_VALUE:
            problems[fld] = f"{label}是公式，但文件中没有公式的计算结果（请用 Excel 打开并保存后再导入）"
            continue
        if isinstance(v, str) and v.strip().upper() in EXCEL_ERRORS:
            problems[fld] = f"{label}是 Excel 错误值 {v.strip()}"
            continue
        if fld in ("join_date", "consent_date"):
            value, problem = _date_cell(v, label, today)
            if problem:
                problems[fld] = problem
            else:
                raw[fld] = value
            continue
        if fld == "id_no" and isinstance(v, int | float) and not isinstance(v, bool):
            text = cell_text([v], 0)
            try:
                raw[fld] = resident_id(text, today=today)
            except FieldError:
                problems[fld] = ("身份证号被存成了数字，Excel 只保留 15 位有效数字，末几位已丢失："
                                 "请把该列设为“文本”格式后重新填写")
            continue
        raw[fld] = cell_text(cells, col)
    return raw, problems


# -- planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOptions:
    kind: str
    on_duplicate: str = "skip"  # skip | update: what to do with people already on the roster
    consent_date: dt.date | str | None = None  # applied to rows without their own consent
    consent_method: str = ""

    def checked(self) -> ImportOptions:
        check_kind(self.kind)
        if self.on_duplicate not in DUPLICATE_CHOICES:
            raise DeskError(f"重复人员的处理方式应为 skip（跳过）或 update（更新），而不是“{self.on_duplicate}”")
        errors: dict[str, str] = {}
        try:
            day = parse_date(self.consent_date, required=False, not_after=clock.today())
        except FieldError as exc:
            errors["consent_date"] = exc.message
            day = None
        method = (self.consent_method or "").strip()
        if day and not method:
            errors["consent_method"] = "请写明以何种方式取得同意（如 书面同意书、报名表签字）"
        elif method and not day and "consent_date" not in errors:
            errors["consent_date"] = "请填写取得同意的日期"
        if len(method) > 60:
            errors["consent_method"] = "不能超过60个字"
        if errors:
            raise ValidationError(errors, PERSON_LABELS)
        return ImportOptions(self.kind, self.on_duplicate, day, method)


@dataclass(frozen=True)
class RowResult:
    row_no: int
    name: str
    phone: str
    id_no: str  # masked: the preview never needs the whole number
    action: str  # new | update | unchanged | skip | error
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    existing_id: int | None = None
    changes: tuple[str, ...] = ()  # fields an update changes
    values: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass(frozen=True)
class ImportPreview:
    path: str
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    mapping: Mapping[str, int]
    options: ImportOptions
    rows: tuple[RowResult, ...]
    merged_ranges: int = 0
    repeated_headers: int = 0

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def problem_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "error"]

    @property
    def importable(self) -> int:
        return self.count("new") + self.count("update")


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int
    skipped: int
    not_imported: int
    dry_run: bool
    without_consent: int  # volunteers added without a recorded consent


@dataclass
class _Existing:
    id: int
    values: dict[str, Any]


def _existing(s, kind: str) -> list[_Existing]:  # type: ignore[no-untyped-def]
    cols = [getattr(RosterPerson, k) for k in FIELDS]
    out = []
    for row in s.execute(select(RosterPerson.id, RosterPerson.status, *cols).where(RosterPerson.kind == kind)):
        values = dict(zip(FIELDS, row[2:], strict=True))
        values["status"] = row[1]
        out.append(_Existing(row[0], values))
    return out


def _plan(data: SheetData, mapping: Mapping[str, int], options: ImportOptions, existing: list[_Existing],
          *, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> list[RowResult]:
    today = clock.today()
    by_id: dict[str, _Existing] = {}
    by_mobile: dict[str, _Existing] = {}
    by_name_town: dict[tuple[str, str], _Existing] = {}
    for e in existing:
        if e.values["id_no"]:
            by_id.setdefault(e.values["id_no"], e)
        if is_mobile(e.values["phone"]):
            by_mobile.setdefault(e.values["phone"], e)
        by_name_town.setdefault((normalise_search_text(e.values["name"]), e.values["township"]), e)
    seen_id: dict[str, int] = {}
    seen_mobile: dict[str, int] = {}
    seen_name_town: dict[tuple[str, str], int] = {}
    results: list[RowResult] = []
    total = len(data.rows)
    for i, (row_no, cells) in enumerate(data.rows):
        if i % CHUNK == 0:
            if cancel is not None and cancel():
                raise ImportCancelled()
            if progress is not None:
                progress(i, total, "检查")
        raw, problems = _row_raw(cells, mapping, today)
        if all(_blank(v) for v in raw.values()) and not problems:
            continue  # a row with content only in columns not imported
        raw.setdefault("name", "")
        if "id_no" in raw:
            raw.setdefault("gender", "")  # derived from the ID number
        values, errors = normalise_person(raw, today=today)
        for k, msg in errors.items():
            if k == "name" and not clean_name(raw.get("name")):
                msg = "缺少姓名"
                problems.setdefault(k, msg)
            problems.setdefault(k, f"{FIELDS.get(k, PERSON_LABELS.get(k, k))}：{msg}")
        notes: list[str] = []
        name = values.get("name") or clean_name(raw.get("name"))
        phone = values.get("phone", "") or str(raw.get("phone") or "")
        id_no = values.get("id_no") or None
        shown_id = mask_id(id_no or str(raw.get("id_no") or ""))
        if not problems:
            given_gender = raw.get("gender")
            if id_no and given_gender:
                try:
                    if parse_gender(given_gender) != gender_from_id(id_no):
                        notes.append(f"性别与身份证号不一致（身份证号显示为{'男' if gender_from_id(id_no) == 'M' else '女'}），以表中所填为准")
                except FieldError:
                    pass
            if not phone and "phone" in mapping:
                notes.append("没有联系电话")
        problem_list = list(problems.values())
        mobile = phone if is_mobile(phone) else ""
        key_nt = (normalise_search_text(name), values.get("township", ""))
        if not problem_list:
            # Within the file: the same person twice.
            if id_no and id_no in seen_id:
                problem_list.append(f"与第 {seen_id[id_no]} 行是同一人（身份证号相同）")
            elif mobile and mobile in seen_mobile:
                problem_list.append(f"与第 {seen_mobile[mobile]} 行的手机号相同")
            elif not id_no and not mobile and key_nt in seen_name_town:
                problem_list.append(f"与第 {seen_name_town[key_nt]} 行姓名和乡镇相同，又都没有身份证号和手机号，无法区分")
        if id_no:
            seen_id.setdefault(id_no, row_no)
        if mobile:
            seen_mobile.setdefault(mobile, row_no)
        if not id_no and not mobile:
            seen_name_town.setdefault(key_nt, row_no)
        match: _Existing | None = None
        if not problem_list:
            m_id = by_id.get(id_no) if id_no else None
            m_ph = by_mobile.get(mobile) if mobile else None
            if m_id and m_ph and m_id.id != m_ph.id:
                problem_list.append(f"身份证号与名册中的“{m_id.values['name']}”相同，手机号却与“{m_ph.values['name']}”相同，请核对")
            else:
                match = m_id or m_ph
                how = "身份证号" if m_id else "手机号"
                if match is None and not id_no and not mobile:
                    match = by_name_town.get(key_nt)
                    how = "姓名和乡镇"
                if match is not None:
                    same_name = normalise_search_text(match.values["name"]) == normalise_search_text(name)
                    if not same_name:
                        problem_list.append(f"{how}与名册中的“{match.values['name']}”相同，但姓名不同，请核对")
                    elif id_no and match.values["id_no"] and match.values["id_no"] != id_no:
                        problem_list.append(f"手机号与名册中的“{match.values['name']}”相同，但身份证号不同，请核对")
                    if problem_list:
                        match = None
        if problem_list:
            results.append(RowResult(row_no, name, phone, shown_id, "error", tuple(problem_list), tuple(notes)))
            continue
        if match is not None:
            gone = "（已退出）" if match.values.get("status") == Status.LEFT else ""
            who = f"已在名册中：{match.values['name']}{gone}"
            if options.on_duplicate == "skip":
                results.append(RowResult(row_no, name, phone, shown_id, "skip", (), (*notes, who + "，跳过"), match.id))
                continue
            changes = {k: v for k, v in values.items() if v not in ("", None) and k != "name" and match.values.get(k) != v}
            if options.consent_date and not match.values.get("consent_date") and "consent_date" not in changes:
                changes["consent_date"] = options.consent_date
                changes["consent_method"] = options.consent_method
            if not changes:
                results.append(RowResult(row_no, name, phone, shown_id, "unchanged", (), (*notes, who + "，内容相同"), match.id))
                continue
            labels = "、".join(FIELDS.get(k, k) for k in changes)
            results.append(RowResult(row_no, name, phone, shown_id, "update", (), (*notes, f"{who}，将更新：{labels}"),
                                     match.id, tuple(changes), changes))
            continue
        new_values = {k: values.get(k, "" if k not in ("id_no", "join_date", "consent_date") else None) for k in FIELDS}
        new_values["gender"] = new_values["gender"] or ""
        if not new_values["consent_date"] and options.consent_date:
            new_values["consent_date"] = options.consent_date
            new_values["consent_method"] = options.consent_method
        results.append(RowResult(row_no, name, phone, shown_id, "new", (), tuple(notes), None, (), new_values))
    if progress is not None:
        progress(total, total, "检查")
    return results


def _check_mapping(mapping: Mapping[str, int], data: SheetData) -> dict[str, int]:
    clean = {f: int(c) for f, c in mapping.items() if c is not None and int(c) >= 0}
    unknown = [f for f in clean if f not in FIELDS]
    if unknown:
        raise DeskError(f"未知的字段：{'、'.join(unknown)}")
    if "name" not in clean:
        raise DeskError("请指定哪一列是“姓名”：没有姓名无法导入。")
    cols: dict[int, str] = {}
    for f, c in clean.items():
        if c >= len(data.headers):
            raise DeskError(f"“{FIELDS[f]}”对应的列不存在")
        if c in cols:
            raise DeskError(f"{data.column_label(c)}同时对应了“{FIELDS[cols[c]]}”和“{FIELDS[f]}”，一列只能对应一项。")
        cols[c] = f
    return clean


def preview(desk, data: SheetData, mapping: Mapping[str, int], options: ImportOptions, *,  # type: ignore[no-untyped-def]
            progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> ImportPreview:
    """Check every row against the roster; nothing is saved."""
    desk.require(Perm.EDIT_ROSTER)
    desk.require(Perm.VIEW_PERSONAL)
    options = options.checked()
    clean = _check_mapping(mapping, data)
    with desk.read() as s:
        existing = _existing(s, options.kind)
    rows = _plan(data, clean, options, existing, progress=progress, cancel=cancel)
    return ImportPreview(data.path, data.sheet, data.header_row, data.headers, clean, options, tuple(rows),
                         data.merged_ranges, data.repeated_headers)


def commit(desk, data: SheetData, mapping: Mapping[str, int], options: ImportOptions, *,  # type: ignore[no-untyped-def]
           progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> tuple[ImportPreview, ImportSummary]:
    """Import every valid row in one transaction, or nothing (cancel, or any failure). The
    rows are checked again inside the transaction: the roster may have changed since the
    preview. Returns the plan as carried out and the summary."""
    desk.require(Perm.EDIT_ROSTER)
    desk.require(Perm.VIEW_PERSONAL)
    options = options.checked()
    clean = _check_mapping(mapping, data)
    actor = desk.actor
    office_id = actor.office_id if actor else None
    with desk.write() as s:
        lock_rosters(s)
        rows = _plan(data, clean, options, _existing(s, options.kind), cancel=cancel)
        todo = [r for r in rows if r.action in ("new", "update")]
        total = len(todo)
        done = 0
        for start in range(0, total, CHUNK):
            if cancel is not None and cancel():
                raise ImportCancelled()  # the write block rolls everything back
            chunk = todo[start:start + CHUNK]
            updates = {r.existing_id: r for r in chunk if r.action == "update"}
            if updates:
                for p in s.scalars(select(RosterPerson).where(RosterPerson.id.in_(list(updates)))):
                    r = updates[p.id]
                    for k, v in r.values.items():
                        setattr(p, k, v)
                    p.search_text = person_search_text({k: getattr(p, k) for k in FIELDS})
            new = []
            for r in chunk:
                if r.action != "new":
                    continue
                v = dict(r.values)
                new.append(RosterPerson(kind=options.kind, office_id=office_id, status=Status.ACTIVE.value,
                                        search_text=person_search_text(v), **v))
            s.add_all(new)
            s.flush()
            done += len(chunk)
            if progress is not None:
                progress(done, total, "导入")
        if cancel is not None and cancel():
            raise ImportCancelled()
        plan = ImportPreview(data.path, data.sheet, data.header_row, data.headers, clean, options, tuple(rows),
                             data.merged_ranges, data.repeated_headers)
        summary = _summary(plan, dry_run=False)
        log_access(s, "import", "roster_person", options.kind, {
            "file": Path(data.path).name, "sheet": data.sheet, "added": summary.added, "updated": summary.updated,
            "skipped": summary.skipped, "not_imported": summary.not_imported,
        })
    return plan, summary


def _summary(plan: ImportPreview, *, dry_run: bool) -> ImportSummary:
    without = 0
    if plan.options.kind == "volunteer":
        without = sum(1 for r in plan.rows if r.action == "new" and not r.values.get("consent_date"))
    return ImportSummary(plan.count("new"), plan.count("update"), plan.count("unchanged"), plan.count("skip"),
                         plan.count("error"), dry_run, without)


def dry_run_summary(plan: ImportPreview) -> ImportSummary:
    return _summary(plan, dry_run=True)


def import_file(desk, path: str | Path, options: ImportOptions, *, sheet: str | None = None,  # type: ignore[no-untyped-def]
                dry_run: bool = False, mapping: Mapping[str, int] | None = None,
                progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> tuple[ImportPreview, ImportSummary]:
    """All the steps at once (the command line): read, map automatically, check, and unless
    ``dry_run`` import."""
    desk.require(Perm.EDIT_ROSTER)
    desk.require(Perm.VIEW_PERSONAL)
    options = options.checked()
    data = read_sheet(path, sheet, progress=progress, cancel=cancel)
    used = dict(mapping) if mapping is not None else auto_mapping(data.headers)
    if dry_run:
        plan = preview(desk, data, used, options, progress=progress, cancel=cancel)
        return plan, dry_run_summary(plan)
    return commit(desk, data, used, options, progress=progress, cancel=cancel)


# -- the report ---------------------------------------------------------------------------------


def mapping_text(headers: Sequence[str], mapping: Mapping[str, int]) -> tuple[str, str]:
    """('姓名←B 列“姓名”，电话←D 列“联系电话”…', unused columns)."""
    def col(c: int) -> str:
        h = headers[c] if c < len(headers) else ""
        return f"{column_letter(c)} 列“{h}”" if h else f"{column_letter(c)} 列"

    used = "，".join(f"{FIELDS[f]}←{col(c)}" for f, c in sorted(mapping.items(), key=lambda kv: kv[1]))
    taken = set(mapping.values())
    unused = "，".join(col(c) for c, h in enumerate(headers) if h and c not in taken)
    return used, unused


def report_lines(plan: ImportPreview, summary: ImportSummary | None = None, *, max_problems: int = 200) -> list[str]:
    o = plan.options
    lines = [
        f"文件：{plan.path}",
        f"工作表：{plan.sheet}（表头在第 {plan.header_row} 行）",
        f"名册：{KIND_LABELS.get(o.kind, o.kind)}；已在名册中的人员：{DUPLICATE_CHOICES[o.on_duplicate]}",
    ]
    used, unused = mapping_text(plan.headers, plan.mapping)
    lines.append(f"列的对应：{used}")
    if unused:
        lines.append(f"未导入的列：{unused}")
    if plan.merged_ranges:
        lines.append(f"合并单元格：{plan.merged_ranges} 处，已把其中的内容填到所覆盖的每一行。")
    if plan.repeated_headers:
        lines.append(f"表中重复出现的表头行 {plan.repeated_headers} 行已略过。")
    lines.append(
        f"检查了 {len(plan.rows)} 行：可新增 {plan.count('new')}，可更新 {plan.count('update')}，"
        f"无变化 {plan.count('unchanged')}，跳过（已在名册中）{plan.count('skip')}，有问题不导入 {plan.count('error')}。"
    )
    problems = plan.problem_rows
    if problems:
        lines.append("有问题的行（不导入）：")
        for r in problems[:max_problems]:
            who = f"（{r.name}）" if r.name else ""
            lines.append(f"  第 {r.row_no} 行{who}：{'；'.join(r.problems)}")
        if len(problems) > max_problems:
            lines.append(f"  ……另有 {len(problems) - max_problems} 行有问题，未列出。")
    if summary is not None:
        if summary.dry_run:
            lines.append("试运行：没有导入任何数据。")
        else:
            lines.append(f"已导入：新增 {summary.added} 人，更新 {summary.updated} 人；"
                         f"跳过 {summary.skipped} 人，无变化 {summary.unchanged} 人，未导入 {summary.not_imported} 行。")
        if summary.without_consent:
            lines.append(f"提醒：{'将' if summary.dry_run else ''}新增的 {summary.without_consent} 名志愿者没有记录"
                         "个人信息使用同意（日期和方式），请补录（个人信息保护法：志愿者的信息以本人同意为依据）。")
    return lines
