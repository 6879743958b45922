"""The office's outreach registers (domain.md §2): consumer-education activities (3·15, the
“六进”, lectures, training, media programmes) with their photos; 消费警示 / 消费提示 with the
complaints that prompted them; 消费评议 surveys; publicity (media reports, website and
new-media posts per month); the register vocabularies; and ``period_totals`` for the briefing.

Also the helpers the trust-unit and department services share: the register vocabularies,
count and file checks, and the .xlsx writer.

Counting rules of ``period_totals(date_from, date_to, office_id=None)`` (both dates inclusive):
activities by their date; warnings and tips by their issue date; surveys by their start date;
media reports by their publication date; monthly posts for the months whose first day lies in
the period; revisits by their visit date; awards and renewals by their award date; revocations
by the revocation date; joint meetings by their date. ``office_id`` keeps one office's records
(a trust unit's revisits belong to the unit's office); joint meetings belong to the office
that held them."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, text, true
from sqlalchemy.orm import Session

from desk import clock
from desk.audit import log_access
from desk.errors import DeskError, NotFound, ValidationError
from desk.models import Complaint, ComplaintParty, Office
from desk.models.outreach import (
    REGISTER_VOCAB_KINDS,
    SIX_IN_CODES,
    Activity,
    ActivityPhoto,
    ConsumerWarning,
    MediaReport,
    MonthlyPosts,
    RegisterVocab,
    Survey,
    SurveyScore,
    WarningCase,
)
from desk.roles import Perm
from desk.search import ESCAPE
from desk.services.base import Checker, Service, check_version, view_of
from desk.validators import FieldError, mask_name, parse_date, required_text

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_COUNT = 10_000_000  # people reached at a county's 3·15 stays far below this
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".heic")
_VOCAB_LOCK_KEY = 0x6361_7276  # PostgreSQL advisory lock for allocating register vocab codes

WARNING_KINDS: dict[str, str] = {"warning": "消费警示", "tip": "消费提示"}


# -- shared helpers -----------------------------------------------------------------------------


def count_value(c: Checker, name: str, value: object, *, maximum: int = MAX_COUNT, required: bool = True) -> int | None:
    """A count ≥ 0 (people, leaflets, questionnaires …), from an int or typed text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            c.add(name, "请输入数量（没有请填0）")
        return None
    if isinstance(value, bool):
        c.add(name, "应为整数")
        return None
    if isinstance(value, int):
        n = value
    else:
        import unicodedata

        t = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        if not re.fullmatch(r"-?\d+", t):
            c.add(name, f"“{value}”不是整数")
            return None
        n = int(t)
    if n < 0:
        c.add(name, "不能为负数")
        return None
    if n > maximum:
        c.add(name, f"不能超过{maximum:,}")
        return None
    return n


def score_value(c: Checker, name: str, value: object, *, required: bool = False) -> Decimal | None:
    """A satisfaction score 0–100 with at most two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            c.add(name, "请输入分数（0–100）")
        return None
    try:
        import unicodedata

        d = Decimal(unicodedata.normalize("NFKC", str(value)).strip().rstrip("分"))
    except (InvalidOperation, ValueError):
        c.add(name, f"“{value}”不是数字，应为0–100的分数")
        return None
    if not d.is_finite() or d < 0 or d > 100:
        c.add(name, "应在0–100之间")
        return None
    if d != d.quantize(Decimal("0.01")):
        c.add(name, "最多保留两位小数")
        return None
    return d.quantize(Decimal("0.01"))


def text_value(c: Checker, name: str, value: object, max_len: int, *, required: bool = False) -> str:
    s = "" if value is None else str(value).strip()
    if required and not s:
        c.add(name, "不能为空")
    elif len(s) > max_len:
        c.add(name, f"不能超过{max_len}个字（当前{len(s)}个字）")
    return s


def date_value(c: Checker, name: str, value: object, *, required: bool = True, not_after: dt.date | None = None,
               not_before: dt.date | None = None) -> dt.date | None:
    try:
        return parse_date(value, required=required, not_after=not_after, not_before=not_before)
    except FieldError as exc:
        msg = exc.message
        if not_after is not None and not_after == clock.today() and msg.startswith("不能晚于"):
            msg = f"不能晚于今天（{not_after.isoformat()}）"
        c.add(name, msg)
        return None


def clean_filename(filename: str, default: str = "附件") -> str:
    name = os.path.basename(str(filename).replace("\\", "/")).strip() or default
    return name[-255:]


def check_file(field_name: str, labels: Mapping[str, str], name: str, data: bytes, *, photo: bool) -> str:
    """Refuse a file over 20 MB, or anything but a picture where a photo is wanted."""
    if photo and not name.lower().endswith(PHOTO_SUFFIXES):
        raise ValidationError({field_name: f"“{name}”不是照片：只能添加 jpg、png 等图片文件"}, labels)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError({field_name: f"“{name}”大小为 {len(data) / 1024 / 1024:.1f} MB，超过 20 MB 的上限，未保存"}, labels)
    if not data:
        raise ValidationError({field_name: f"“{name}”是空文件，未保存"}, labels)
    return hashlib.sha256(data).hexdigest()


def read_file(field_name: str, labels: Mapping[str, str], path: str | Path) -> tuple[str, bytes]:
    """A file's name and bytes, or a ValidationError saying in Chinese why it cannot be read."""
    p = Path(path)
    try:
        if p.is_dir():
            raise IsADirectoryError(str(p))
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError({field_name: f"“{p.name}”大小为 {size / 1024 / 1024:.1f} MB，超过 20 MB 的上限，未保存"}, labels)
        return p.name, p.read_bytes()
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            msg = f"找不到文件“{p.name}”，它可能已被移动或删除"
        elif isinstance(exc, IsADirectoryError):
            msg = f"“{p.name}”是文件夹，请选择文件"
        elif isinstance(exc, PermissionError):
            msg = f"没有权限读取“{p.name}”，请检查文件是否被其他程序占用"
        else:
            msg = f"无法读取“{p.name}”，请检查文件后重试"
        raise ValidationError({field_name: msg}, labels) from None


def actor_name(desk: Any) -> str:
    a = desk.actor
    return a.display_name if a else "system"


def office_for(s: Session, desk: Any, office_id: int | None, c: Checker, name: str = "office_id") -> int | None:
    """The office a record belongs to: the one given, else the user's own (else the first)."""
    if office_id is None:
        office_id = desk.actor.office_id if desk.actor else None
    if office_id is None:
        office_id = s.scalar(select(Office.id).order_by(Office.id).limit(1))
        if office_id is None:
            c.add(name, "还没有建立单位，请先完成初始设置")
            return None
        return office_id
    if s.get(Office, office_id) is None:
        c.add(name, "找不到该单位")
        return None
    return office_id


def office_names(s: Session) -> dict[int, str]:
    return {r.id: r.name for r in s.execute(select(Office.id, Office.name))}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def write_xlsx(desk: Any, path: str | Path, sheet: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]],
               *, table: str, title: str = "", totals: Sequence[Any] | None = None) -> ExportResult:
    """Write a register to .xlsx: an optional title line, a bold header, the rows, a totals
    line; dates as text YYYY-MM-DD. The export is written to the audit trail."""
    from openpyxl import Workbook  # heavy: only when exporting
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        out = out.with_suffix(".xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    if title:
        ws.append([title])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append([c[0] for c in columns])
    head_row = ws.max_row
    for i, (_t, width) in enumerate(columns, start=1):
        cell = ws.cell(row=head_row, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    n = 0
    for row in rows:
        values = []
        for v in row:
            if isinstance(v, dt.datetime):
                v = v.strftime("%Y-%m-%d %H:%M")
            elif isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, Decimal):
                v = float(v)
            elif isinstance(v, bool):
                v = "是" if v else "否"
            values.append(v)
        ws.append(values)
        n += 1
    if totals is not None:
        ws.append(list(totals))
        for i in range(1, len(columns) + 1):
            ws.cell(row=ws.max_row, column=i).font = Font(bold=True)
    # Set last: touching a cell below the header before appending would push the rows down.
    ws.freeze_panes = f"A{head_row + 1}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        wb.save(out)
    except OSError as exc:
        raise DeskError(f"无法写入文件“{out}”：{exc.strerror or exc}（文件是否正在 Excel 中打开？）") from exc
    with desk.write() as s:
        log_access(s, "export", table, "list", {"rows": n, "file": out.name})
    return ExportResult(out, n)


# -- register vocabularies -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterVocabView:
    id: int
    kind: str
    code: str
    name: str
    counted: bool
    sort_order: int
    active: bool
    builtin: bool
    version: int


def vocab_names(s: Session, kind: str) -> dict[str, str]:
    """code → name of a register vocabulary, inactive items included (old records keep them)."""
    return {r.code: r.name for r in s.execute(select(RegisterVocab.code, RegisterVocab.name).where(RegisterVocab.kind == kind))}


def active_codes(s: Session, kind: str) -> set[str]:
    return set(s.scalars(select(RegisterVocab.code).where(RegisterVocab.kind == kind, RegisterVocab.active.is_(True))))


def list_vocab(s: Session, kind: str, include_inactive: bool = False) -> list[RegisterVocabView]:
    if kind not in REGISTER_VOCAB_KINDS:
        raise NotFound(f"未知的词表：{kind}")
    q = select(RegisterVocab).where(RegisterVocab.kind == kind).order_by(RegisterVocab.sort_order, RegisterVocab.code)
    if not include_inactive:
        q = q.where(RegisterVocab.active.is_(True))
    return [view_of(RegisterVocabView, v) for v in s.scalars(q)]


# -- views and inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoView:
    id: int
    filename: str
    size: int
    sha256: str
    note: str
    uploaded_at: dt.datetime
    uploaded_by: str


ACTIVITY_LABELS = {
    "office_id": "单位",
    "kind_code": "活动类型",
    "held_date": "活动日期",
    "title": "活动名称",
    "place": "地点",
    "partners": "联合单位",
    "sites": "宣传点（个）",
    "people_reached": "受教育人数",
    "leaflets": "发放资料（份）",
    "banners": "横幅标语（幅）",
    "consultations": "现场咨询（人次）",
    "complaints_received": "现场受理投诉（件）",
    "note": "备注",
    "file": "照片",
}


@dataclass(frozen=True)
class ActivityInput:
    kind_code: str
    held_date: dt.date | str | None
    title: str
    place: str = ""
    partners: str = ""
    sites: int | str = 1
    people_reached: int | str = 0
    leaflets: int | str = 0
    banners: int | str = 0
    consultations: int | str = 0
    complaints_received: int | str = 0
    note: str = ""
    office_id: int | None = None


@dataclass(frozen=True)
class ActivityView:
    id: int
    office_id: int
    office_name: str
    kind_code: str
    kind_name: str
    held_date: dt.date
    title: str
    place: str
    partners: str
    sites: int
    people_reached: int
    leaflets: int
    banners: int
    consultations: int
    complaints_received: int
    note: str
    version: int
    photos: tuple[PhotoView, ...] = ()  # loaded by get_activity, empty in lists
    photo_count: int = 0


@dataclass(frozen=True)
class RegisterFilter:
    """Filters every register list accepts; ``kind`` is the activity kind, the warning kind
    (warning | tip), the survey industry or the media kind."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str | None = None
    office_id: int | None = None
    keyword: str = ""


WARNING_LABELS = {
    "office_id": "单位",
    "kind": "类别",
    "issued_date": "发布日期",
    "title": "标题",
    "channel_code": "发布渠道",
    "body": "正文",
    "case_nos": "相关投诉",
}


@dataclass(frozen=True)
class WarningInput:
    kind: str  # warning | tip
    issued_date: dt.date | str | None
    title: str
    channel_code: str
    body: str = ""
    case_nos: tuple[str, ...] | str = ()  # case numbers, or one text "TH-2026-00001、TH-2026-00002"
    office_id: int | None = None


@dataclass(frozen=True)
class WarningView:
    id: int
    office_id: int
    office_name: str
    kind: str
    kind_label: str
    issued_date: dt.date
    title: str
    channel_code: str
    channel_name: str
    body: str
    case_nos: tuple[str, ...]
    version: int


SURVEY_LABELS = {
    "office_id": "单位",
    "industry_code": "评议行业",
    "title": "评议名称",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "sent": "发放问卷（份）",
    "returned": "回收问卷（份）",
    "satisfaction": "总体满意度（分）",
    "scores": "分项得分",
    "findings": "主要问题与建议",
    "file": "评议报告",
}


@dataclass(frozen=True)
class ScoreInput:
    aspect: str
    score: Decimal | str | float | int


@dataclass(frozen=True)
class SurveyInput:
    industry_code: str
    title: str
    start_date: dt.date | str | None
    end_date: dt.date | str | None = None  # default: the start date
    sent: int | str = 0
    returned: int | str = 0
    satisfaction: Decimal | str | float | None = None
    scores: tuple[ScoreInput, ...] = ()
    findings: str = ""
    office_id: int | None = None


@dataclass(frozen=True)
class ScoreView:
    aspect: str
    score: Decimal


@dataclass(frozen=True)
class SurveyView:
    id: int
    office_id: int
    office_name: str
    industry_code: str
    industry_name: str
    title: str
    start_date: dt.date
    end_date: dt.date
    sent: int
    returned: int
    satisfaction: Decimal | None
    findings: str
    report_filename: str | None
    report_size: int | None
    version: int
    scores: tuple[ScoreView, ...] = ()

    @property
    def return_rate(self) -> Decimal | None:
        """回收率 in percent, two decimals; None when nothing was sent."""
        if not self.sent:
            return None
        return (Decimal(self.returned) * 100 / Decimal(self.sent)).quantize(Decimal("0.01"))


MEDIA_LABELS = {
    "office_id": "单位",
    "published_date": "刊播日期",
    "media_kind_code": "媒体类型",
    "outlet": "媒体名称",
    "title": "标题",
    "note": "备注",
}


@dataclass(frozen=True)
class MediaReportInput:
    published_date: dt.date | str | None
    media_kind_code: str
    outlet: str
    title: str
    note: str = ""
    office_id: int | None = None


@dataclass(frozen=True)
class MediaReportView:
    id: int
    office_id: int
    office_name: str
    published_date: dt.date
    media_kind_code: str
    media_kind_name: str
    outlet: str
    title: str
    note: str
    version: int


POSTS_LABELS = {"year": "年份", "month": "月份", "website_posts": "网站信息（条）", "new_media_posts": "新媒体信息（条）",
                "note": "备注", "office_id": "单位"}


@dataclass(frozen=True)
class MonthlyPostsInput:
    year: int
    month: int
    website_posts: int | str = 0
    new_media_posts: int | str = 0
    note: str = ""
    office_id: int | None = None


@dataclass(frozen=True)
class MonthlyPostsView:
    id: int | None  # None: nothing recorded for the month yet
    office_id: int
    year: int
    month: int
    website_posts: int
    new_media_posts: int
    note: str
    version: int  # 0 when not recorded yet


@dataclass(frozen=True)
class OutreachTotals:
    """What the briefing counts for a period (see the module docstring for the rules)."""

    date_from: dt.date
    date_to: dt.date
    office_id: int | None
    activities: int
    activities_by_kind: dict[str, int]  # kind code -> activities (every active kind listed)
    kind_names: dict[str, str]  # kind code -> name
    six_in_activities: int  # 进商场超市、社区、企业、农村、学校
    sites: int
    people_reached: int
    leaflets: int
    banners: int
    onsite_consultations: int
    onsite_complaints: int
    warnings_issued: int  # 消费警示
    tips_issued: int  # 消费提示
    surveys: int
    questionnaires_sent: int
    questionnaires_returned: int
    media_reports: int
    website_posts: int
    new_media_posts: int
    revisits_held: int
    units_revisited: int
    revisits_passed: int
    units_awarded: int  # first awards
    units_renewed: int
    units_revoked: int
    joint_meetings: int

    @property
    def warnings_and_tips(self) -> int:
        return self.warnings_issued + self.tips_issued


# -- the service ---------------------------------------------------------------------------------------


_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![0-9])[1-8]\d{16}[0-9Xx](?![0-9])")
_CASE_SPLIT = re.compile(r"[\s,，、;；]+")


class OutreachService(Service):
    # -- vocabularies ----------------------------------------------------------------------------
    def vocab(self, kind: str, *, include_inactive: bool = False) -> list[RegisterVocabView]:
        with self.desk.read() as s:
            return list_vocab(s, kind, include_inactive)

    def add_vocab(self, kind: str, name: str, *, counted: bool = False) -> RegisterVocabView:
        """Add an item (code: the kind's letter, X and a number, e.g. AX01); names are unique
        within a vocabulary."""
        self.desk.require(Perm.MANAGE_VOCAB)
        if kind not in REGISTER_VOCAB_KINDS:
            raise NotFound(f"未知的词表：{kind}")
        try:
            clean = required_text(name, max_len=100)
        except FieldError as exc:
            raise ValidationError({"name": exc.message}, {"name": "名称"}) from None
        with self.desk.write() as s:
            if s.get_bind().dialect.name == "postgresql":
                # Two admins adding at once would allocate the same next code.
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _VOCAB_LOCK_KEY})
            if s.scalar(select(RegisterVocab.id).where(RegisterVocab.kind == kind, RegisterVocab.name == clean)):
                raise ValidationError({"name": f"“{clean}”已存在"}, {"name": "名称"})
            prefix = REGISTER_VOCAB_KINDS[kind][1] + "X"
            codes = set(s.scalars(select(RegisterVocab.code).where(RegisterVocab.kind == kind)))
            n = next((i for i in range(1, 100) if f"{prefix}{i:02d}" not in codes), None)
            if n is None:
                raise DeskError("这个词表自定义的项目已满 99 个，请停用不用的项目后再添加")
            top = s.scalar(select(func.max(RegisterVocab.sort_order)).where(RegisterVocab.kind == kind)) or 0
            item = RegisterVocab(kind=kind, code=f"{prefix}{n:02d}", name=clean, counted=counted, sort_order=top + 10,
                                 active=True, builtin=False)
            s.add(item)
            s.flush()
            return view_of(RegisterVocabView, item)

    def rename_vocab(self, item_id: int, started_from: RegisterVocabView, name: str) -> RegisterVocabView:
        self.desk.require(Perm.MANAGE_VOCAB)
        try:
            clean = required_text(name, max_len=100)
        except FieldError as exc:
            raise ValidationError({"name": exc.message}, {"name": "名称"}) from None
        with self.desk.write() as s:
            item = s.get(RegisterVocab, item_id)
            if item is None:
                raise NotFound("找不到该项目")
            check_version("词表", started_from.version, item, view_of(RegisterVocabView, item), started_from)
            if s.scalar(select(RegisterVocab.id).where(RegisterVocab.kind == item.kind, RegisterVocab.name == clean,
                                                       RegisterVocab.id != item.id)):
                raise ValidationError({"name": f"“{clean}”已存在"}, {"name": "名称"})
            item.name = clean
            s.flush()
            return view_of(RegisterVocabView, item)

    def set_vocab_active(self, item_id: int, active: bool) -> RegisterVocabView:
        """Deactivate instead of delete: old records keep their code and still count."""
        self.desk.require(Perm.MANAGE_VOCAB)
        with self.desk.write() as s:
            item = s.get(RegisterVocab, item_id)
            if item is None:
                raise NotFound("找不到该项目")
            if not active:
                others = s.scalar(select(func.count()).select_from(RegisterVocab).where(
                    RegisterVocab.kind == item.kind, RegisterVocab.active.is_(True), RegisterVocab.id != item.id))
                if not others:
                    raise DeskError("这是该词表最后一个启用的项目，不能停用")
            item.active = active
            s.flush()
            return view_of(RegisterVocabView, item)

    # -- activities ------------------------------------------------------------------------------
    def _activity_values(self, s: Session, inp: ActivityInput, own: Activity | None) -> dict[str, Any]:
        c = Checker(ACTIVITY_LABELS)
        codes = active_codes(s, "activity_kind")
        kind = (inp.kind_code or "").strip()
        if not kind:
            c.add("kind_code", "请选择活动类型")
        elif kind not in codes and not (own is not None and own.kind_code == kind):
            c.add("kind_code", "未知或已停用的活动类型")
        held = date_value(c, "held_date", inp.held_date, not_after=clock.today())
        values: dict[str, Any] = dict(
            kind_code=kind,
            held_date=held,
            title=text_value(c, "title", inp.title, 200, required=True),
            place=text_value(c, "place", inp.place, 200),
            partners=text_value(c, "partners", inp.partners, 2000),
            note=text_value(c, "note", inp.note, 4000),
        )
        for f in ("sites", "people_reached", "leaflets", "banners", "consultations", "complaints_received"):
            values[f] = count_value(c, f, getattr(inp, f))
        values["office_id"] = office_for(s, self.desk, inp.office_id if own is None or inp.office_id is not None else own.office_id, c)
        c.raise_if_any()
        return values

    def _activity_view(self, s: Session, a: Activity, names: dict[str, str] | None = None,
                       offices: dict[int, str] | None = None, photos: bool = True,
                       photo_counts: dict[int, int] | None = None) -> ActivityView:
        names = names if names is not None else vocab_names(s, "activity_kind")
        offices = offices if offices is not None else office_names(s)
        ph: tuple[PhotoView, ...] = ()
        if photos:
            ph = tuple(PhotoView(p.id, p.filename, p.size, p.sha256, p.note, p.uploaded_at, p.uploaded_by)
                       for p in s.scalars(select(ActivityPhoto).where(ActivityPhoto.activity_id == a.id).order_by(ActivityPhoto.id)))
            photo_count = len(ph)
        else:
            photo_count = photo_counts.get(a.id, 0) if photo_counts else 0
        return view_of(ActivityView, a, office_name=offices.get(a.office_id, ""), kind_name=names.get(a.kind_code, a.kind_code),
                       photos=ph, photo_count=photo_count)

    def add_activity(self, inp: ActivityInput) -> ActivityView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            a = Activity(**self._activity_values(s, inp, None))
            s.add(a)
            s.flush()
            return self._activity_view(s, a)

    def update_activity(self, activity_id: int, started_from: ActivityView, inp: ActivityInput) -> ActivityView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            a = s.get(Activity, activity_id)
            if a is None:
                raise NotFound("该活动记录已被删除")
            check_version("宣传活动", started_from.version, a, self._activity_view(s, a), started_from, ignore=("photos",))
            for k, v in self._activity_values(s, inp, a).items():
                setattr(a, k, v)
            s.flush()
            return self._activity_view(s, a)

    def delete_activity(self, activity_id: int, started_from: ActivityView) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            a = s.get(Activity, activity_id)
            if a is None:
                return
            check_version("宣传活动", started_from.version, a, self._activity_view(s, a), started_from, ignore=("photos",))
            for p in s.scalars(select(ActivityPhoto).where(ActivityPhoto.activity_id == a.id)):
                s.delete(p)
            s.flush()  # photos first (audited), or the database's cascade removes them unseen
            s.delete(a)

    def get_activity(self, activity_id: int) -> ActivityView:
        self.desk.require_login()
        with self.desk.read() as s:
            a = s.get(Activity, activity_id)
            if a is None:
                raise NotFound("找不到该活动记录")
            return self._activity_view(s, a)

    def activities(self, f: RegisterFilter = RegisterFilter()) -> list[ActivityView]:
        self.desk.require_login()
        q = select(Activity)
        if f.date_from:
            q = q.where(Activity.held_date >= f.date_from)
        if f.date_to:
            q = q.where(Activity.held_date <= f.date_to)
        if f.kind:
            q = q.where(Activity.kind_code == f.kind)
        if f.office_id:
            q = q.where(Activity.office_id == f.office_id)
        if f.keyword.strip():
            pat = f"%{_like_literal(f.keyword)}%"
            q = q.where(or_(Activity.title.like(pat, escape=ESCAPE), Activity.place.like(pat, escape=ESCAPE),
                            Activity.partners.like(pat, escape=ESCAPE)))
        q = q.order_by(Activity.held_date.desc(), Activity.id.desc())
        with self.desk.read() as s:
            names, offices = vocab_names(s, "activity_kind"), office_names(s)
            counts = dict(s.execute(select(ActivityPhoto.activity_id, func.count()).group_by(ActivityPhoto.activity_id)).all())
            return [self._activity_view(s, a, names, offices, photos=False, photo_counts=counts) for a in s.scalars(q)]

    def add_activity_photo(self, activity_id: int, filename: str, data: bytes, note: str = "") -> PhotoView:
        self.desk.require(Perm.EDIT_REGISTERS)
        name = clean_filename(filename, "照片")
        digest = check_file("file", ACTIVITY_LABELS, name, data, photo=True)
        with self.desk.write() as s:
            if s.get(Activity, activity_id) is None:
                raise NotFound("该活动记录已被删除")
            p = ActivityPhoto(activity_id=activity_id, filename=name, size=len(data), sha256=digest, content=data,
                              note=note.strip()[:200], uploaded_by=actor_name(self.desk))
            s.add(p)
            s.flush()
            return PhotoView(p.id, p.filename, p.size, p.sha256, p.note, p.uploaded_at, p.uploaded_by)

    def add_activity_photo_file(self, activity_id: int, path: str | Path, note: str = "") -> PhotoView:
        name, data = read_file("file", ACTIVITY_LABELS, path)
        return self.add_activity_photo(activity_id, name, data, note)

    def activity_photo(self, photo_id: int) -> tuple[str, bytes]:
        self.desk.require_login()
        with self.desk.read() as s:
            p = s.get(ActivityPhoto, photo_id)
            if p is None:
                raise NotFound("找不到该照片")
            return p.filename, p.content

    def remove_activity_photo(self, photo_id: int) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            p = s.get(ActivityPhoto, photo_id)
            if p is not None:
                s.delete(p)

    def export_activities(self, path: str | Path, f: RegisterFilter = RegisterFilter()) -> ExportResult:
        rows = self.activities(f)
        cols = [("活动日期", 12), ("活动类型", 14), ("活动名称", 30), ("地点", 20), ("联合单位", 24), ("宣传点", 8),
                ("受教育人数", 10), ("发放资料（份）", 12), ("横幅标语（幅）", 12), ("现场咨询（人次）", 14),
                ("现场受理投诉（件）", 16), ("照片（张）", 10), ("单位", 20), ("备注", 24)]
        data = [[a.held_date, a.kind_name, a.title, a.place, a.partners.replace("\n", "、"), a.sites, a.people_reached,
                 a.leaflets, a.banners, a.consultations, a.complaints_received, a.photo_count, a.office_name, a.note]
                for a in rows]
        totals = ["合计", f"{len(rows)}场", "", "", "", sum(a.sites for a in rows), sum(a.people_reached for a in rows),
                  sum(a.leaflets for a in rows), sum(a.banners for a in rows), sum(a.consultations for a in rows),
                  sum(a.complaints_received for a in rows), sum(a.photo_count for a in rows), "", ""]
        return write_xlsx(self.desk, path, "宣传教育活动", cols, data, table="outreach_activity",
                          title=f"宣传教育活动登记{_period_text(f)}", totals=totals)

    # -- warnings and tips -------------------------------------------------------------------------
    def _warning_values(self, s: Session, inp: WarningInput, own: ConsumerWarning | None) -> tuple[dict[str, Any], list[int]]:
        c = Checker(WARNING_LABELS)
        if inp.kind not in WARNING_KINDS:
            c.add("kind", "请选择消费警示或消费提示")
        issued = date_value(c, "issued_date", inp.issued_date, not_after=clock.today())
        title = text_value(c, "title", inp.title, 200, required=True)
        body = text_value(c, "body", inp.body, 20000)
        channel = (inp.channel_code or "").strip()
        if not channel:
            c.add("channel_code", "请选择发布渠道")
        elif channel not in active_codes(s, "publish_channel") and not (own is not None and own.channel_code == channel):
            c.add("channel_code", "未知或已停用的发布渠道")
        raw = inp.case_nos
        wanted = [x for x in _CASE_SPLIT.split(raw.strip())] if isinstance(raw, str) else [str(x).strip() for x in raw]
        wanted = list(dict.fromkeys(x.upper() for x in wanted if x))
        ids: list[int] = []
        if wanted:
            found = {r.case_no: r.id for r in s.execute(select(Complaint.case_no, Complaint.id).where(Complaint.case_no.in_(wanted)))}
            missing = [x for x in wanted if x not in found]
            if missing:
                c.add("case_nos", f"找不到案件：{'、'.join(missing)}")
            ids = [found[x] for x in wanted if x in found]
        # Anything published must not identify a consumer (domain.md §6).
        problem = self._identifies_consumer(s, f"{title}\n{body}", ids)
        if problem:
            c.add("body", problem)
        office_id = office_for(s, self.desk, inp.office_id if own is None or inp.office_id is not None else own.office_id, c)
        c.raise_if_any()
        return dict(kind=inp.kind, issued_date=issued, title=title, body=body, channel_code=channel, office_id=office_id), ids

    @staticmethod
    def _identifies_consumer(s: Session, content: str, complaint_ids: Sequence[int]) -> str | None:
        compact = re.sub(r"[\s\-]", "", content)
        if _MOBILE_IN_TEXT.search(compact):
            return "含有手机号码：公开发布的内容不能识别消费者，请删去号码或写作 138****1234"
        if _ID_IN_TEXT.search(compact):
            return "含有身份证号码：公开发布的内容不能识别消费者，请删去"
        if not complaint_ids:
            return None
        rows = s.execute(select(Complaint.id, Complaint.case_no, Complaint.consumer_name, Complaint.consumer_phone,
                                Complaint.consumer_address, Complaint.agent_name).where(Complaint.id.in_(complaint_ids))).all()
        parties = s.execute(select(ComplaintParty.complaint_id, ComplaintParty.name, ComplaintParty.phone)
                            .where(ComplaintParty.complaint_id.in_(complaint_ids))).all()
        case_of = {r.id: r.case_no for r in rows}
        people: list[tuple[str, str, str]] = []  # (case_no, name, phone)
        for r in rows:
            people.append((r.case_no, r.consumer_name, r.consumer_phone))
            if r.agent_name:
                people.append((r.case_no, r.agent_name, ""))
            addr = (r.consumer_address or "").strip()
            if len(addr) >= 6 and re.sub(r"\s", "", addr) in compact:
                return f"含有案件 {r.case_no} 消费者的住址：公开发布的内容不能识别消费者，请删去"
        for p in parties:
            people.append((case_of.get(p.complaint_id, ""), p.name, p.phone))
        for case_no, name, phone in people:
            name = (name or "").strip()
            if len(name) >= 2 and name in content:
                return f"含有案件 {case_no} 消费者的姓名（{mask_name(name)}）：公开发布的内容不能识别消费者，请写作“{mask_name(name)}”"
            digits = re.sub(r"\D", "", phone or "")
            if len(digits) >= 7 and digits in re.sub(r"\D", "", compact):
                return f"含有案件 {case_no} 消费者的电话：公开发布的内容不能识别消费者，请删去"
        return None

    def _warning_view(self, s: Session, w: ConsumerWarning, channels: dict[str, str] | None = None,
                      offices: dict[int, str] | None = None) -> WarningView:
        channels = channels if channels is not None else vocab_names(s, "publish_channel")
        offices = offices if offices is not None else office_names(s)
        case_nos = tuple(s.scalars(select(Complaint.case_no).join(WarningCase, WarningCase.complaint_id == Complaint.id)
                                   .where(WarningCase.warning_id == w.id).order_by(WarningCase.id)))
        return view_of(WarningView, w, office_name=offices.get(w.office_id, ""), kind_label=WARNING_KINDS.get(w.kind, w.kind),
                       channel_name=channels.get(w.channel_code, w.channel_code), case_nos=case_nos)

    def add_warning(self, inp: WarningInput) -> WarningView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            values, ids = self._warning_values(s, inp, None)
            w = ConsumerWarning(**values)
            s.add(w)
            s.flush()
            for cid in ids:
                s.add(WarningCase(warning_id=w.id, complaint_id=cid))
            s.flush()
            return self._warning_view(s, w)

    def update_warning(self, warning_id: int, started_from: WarningView, inp: WarningInput) -> WarningView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            w = s.get(ConsumerWarning, warning_id)
            if w is None:
                raise NotFound("该消费警示/提示已被删除")
            check_version("消费警示/提示", started_from.version, w, self._warning_view(s, w), started_from)
            values, ids = self._warning_values(s, inp, w)
            for k, v in values.items():
                setattr(w, k, v)
            current = {wc.complaint_id: wc for wc in w.cases}
            for cid, wc in current.items():
                if cid not in ids:
                    w.cases.remove(wc)
            for cid in ids:
                if cid not in current:
                    w.cases.append(WarningCase(complaint_id=cid))
            if not s.is_modified(w, include_collections=False) and set(current) != set(ids):
                # Only the linked cases changed: touch the row so its version moves on and a
                # second desk editing the same warning is told.
                w.updated_at = clock.now()
            s.flush()
            return self._warning_view(s, w)

    def delete_warning(self, warning_id: int, started_from: WarningView) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            w = s.get(ConsumerWarning, warning_id)
            if w is None:
                return
            check_version("消费警示/提示", started_from.version, w, self._warning_view(s, w), started_from)
            s.delete(w)

    def get_warning(self, warning_id: int) -> WarningView:
        self.desk.require_login()
        with self.desk.read() as s:
            w = s.get(ConsumerWarning, warning_id)
            if w is None:
                raise NotFound("找不到该消费警示/提示")
            return self._warning_view(s, w)

    def warnings(self, f: RegisterFilter = RegisterFilter()) -> list[WarningView]:
        self.desk.require_login()
        q = select(ConsumerWarning)
        if f.date_from:
            q = q.where(ConsumerWarning.issued_date >= f.date_from)
        if f.date_to:
            q = q.where(ConsumerWarning.issued_date <= f.date_to)
        if f.kind:
            q = q.where(ConsumerWarning.kind == f.kind)
        if f.office_id:
            q = q.where(ConsumerWarning.office_id == f.office_id)
        if f.keyword.strip():
            pat = f"%{_like_literal(f.keyword)}%"
            q = q.where(or_(ConsumerWarning.title.like(pat, escape=ESCAPE), ConsumerWarning.body.like(pat, escape=ESCAPE)))
        q = q.order_by(ConsumerWarning.issued_date.desc(), ConsumerWarning.id.desc())
        with self.desk.read() as s:
            channels, offices = vocab_names(s, "publish_channel"), office_names(s)
            return [self._warning_view(s, w, channels, offices) for w in s.scalars(q)]

    def export_warnings(self, path: str | Path, f: RegisterFilter = RegisterFilter()) -> ExportResult:
        rows = self.warnings(f)
        cols = [("发布日期", 12), ("类别", 10), ("标题", 36), ("发布渠道", 12), ("相关投诉", 28), ("正文", 80), ("单位", 20)]
        data = [[w.issued_date, w.kind_label, w.title, w.channel_name, "、".join(w.case_nos), w.body, w.office_name] for w in rows]
        n_w = sum(1 for w in rows if w.kind == "warning")
        totals = ["合计", f"警示{n_w}条、提示{len(rows) - n_w}条", "", "", "", "", ""]
        return write_xlsx(self.desk, path, "消费警示与提示", cols, data, table="consumer_warning",
                          title=f"消费警示、消费提示登记{_period_text(f)}", totals=totals)

    # -- surveys ------------------------------------------------------------------------------------
    def _survey_values(self, s: Session, inp: SurveyInput, own: Survey | None) -> tuple[dict[str, Any], list[tuple[str, Decimal]]]:
        c = Checker(SURVEY_LABELS)
        industry = (inp.industry_code or "").strip()
        if not industry:
            c.add("industry_code", "请选择评议行业")
        elif industry not in active_codes(s, "survey_industry") and not (own is not None and own.industry_code == industry):
            c.add("industry_code", "未知或已停用的行业")
        title = text_value(c, "title", inp.title, 200, required=True)
        start = date_value(c, "start_date", inp.start_date, not_after=clock.today())
        end = date_value(c, "end_date", inp.end_date, required=False) if inp.end_date not in (None, "") else start
        if start and end and end < start:
            c.add("end_date", f"不能早于开始日期（{start.isoformat()}）")
        sent = count_value(c, "sent", inp.sent)
        returned = count_value(c, "returned", inp.returned)
        if sent is not None and returned is not None and returned > sent:
            c.add("returned", f"回收数（{returned}）不能多于发放数（{sent}）")
        satisfaction = score_value(c, "satisfaction", inp.satisfaction)
        scores: list[tuple[str, Decimal]] = []
        seen: set[str] = set()
        for i, sc in enumerate(inp.scores, start=1):
            aspect = str(sc.aspect or "").strip()
            value = score_value(Checker({}), "x", sc.score, required=True)
            if not aspect:
                c.add("scores", f"第{i}项没有填写评议项目名称")
            elif len(aspect) > 60:
                c.add("scores", f"第{i}项名称超过60个字")
            elif aspect in seen:
                c.add("scores", f"评议项目“{aspect}”重复")
            elif value is None:
                c.add("scores", f"“{aspect}”的得分应为0–100的数字（最多两位小数）")
            else:
                seen.add(aspect)
                scores.append((aspect, value))
        findings = text_value(c, "findings", inp.findings, 20000)
        office_id = office_for(s, self.desk, inp.office_id if own is None or inp.office_id is not None else own.office_id, c)
        c.raise_if_any()
        return dict(industry_code=industry, title=title, start_date=start, end_date=end, sent=sent, returned=returned,
                    satisfaction=satisfaction, findings=findings, office_id=office_id), scores

    def _survey_view(self, s: Session, v: Survey, industries: dict[str, str] | None = None,
                     offices: dict[int, str] | None = None) -> SurveyView:
        industries = industries if industries is not None else vocab_names(s, "survey_industry")
        offices = offices if offices is not None else office_names(s)
        scores = tuple(ScoreView(r.aspect, r.score) for r in s.scalars(select(SurveyScore).where(SurveyScore.survey_id == v.id)
                                                                          .order_by(SurveyScore.id)))
        return view_of(SurveyView, v, office_name=offices.get(v.office_id, ""),
                       industry_name=industries.get(v.industry_code, v.industry_code), scores=scores)

    def add_survey(self, inp: SurveyInput) -> SurveyView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            values, scores = self._survey_values(s, inp, None)
            v = Survey(**values)
            s.add(v)
            s.flush()
            for aspect, score in scores:
                s.add(SurveyScore(survey_id=v.id, aspect=aspect, score=score))
            s.flush()
            return self._survey_view(s, v)

    def update_survey(self, survey_id: int, started_from: SurveyView, inp: SurveyInput) -> SurveyView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            v = s.get(Survey, survey_id)
            if v is None:
                raise NotFound("该评议记录已被删除")
            check_version("消费评议", started_from.version, v, self._survey_view(s, v), started_from,
                          ignore=("report_filename", "report_size"))
            values, scores = self._survey_values(s, inp, v)
            for k, val in values.items():
                setattr(v, k, val)
            old = [(r.aspect, r.score) for r in v.scores]
            if old != scores:
                v.scores.clear()
                s.flush()
                for aspect, score in scores:
                    v.scores.append(SurveyScore(aspect=aspect, score=score))
                if not s.is_modified(v, include_collections=False):
                    v.updated_at = clock.now()  # a version bump so other desks see the change
            s.flush()
            return self._survey_view(s, v)

    def delete_survey(self, survey_id: int, started_from: SurveyView) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            v = s.get(Survey, survey_id)
            if v is None:
                return
            check_version("消费评议", started_from.version, v, self._survey_view(s, v), started_from,
                          ignore=("report_filename", "report_size"))
            s.delete(v)

    def get_survey(self, survey_id: int) -> SurveyView:
        self.desk.require_login()
        with self.desk.read() as s:
            v = s.get(Survey, survey_id)
            if v is None:
                raise NotFound("找不到该评议记录")
            return self._survey_view(s, v)

    def surveys(self, f: RegisterFilter = RegisterFilter()) -> list[SurveyView]:
        self.desk.require_login()
        q = select(Survey)
        if f.date_from:
            q = q.where(Survey.start_date >= f.date_from)
        if f.date_to:
            q = q.where(Survey.start_date <= f.date_to)
        if f.kind:
            q = q.where(Survey.industry_code == f.kind)
        if f.office_id:
            q = q.where(Survey.office_id == f.office_id)
        if f.keyword.strip():
            pat = f"%{_like_literal(f.keyword)}%"
            q = q.where(or_(Survey.title.like(pat, escape=ESCAPE), Survey.findings.like(pat, escape=ESCAPE)))
        q = q.order_by(Survey.start_date.desc(), Survey.id.desc())
        with self.desk.read() as s:
            industries, offices = vocab_names(s, "survey_industry"), office_names(s)
            return [self._survey_view(s, v, industries, offices) for v in s.scalars(q)]

    def set_survey_report(self, survey_id: int, filename: str, data: bytes) -> SurveyView:
        """Attach (or replace) the survey's report file (Word, PDF …, at most 20 MB)."""
        self.desk.require(Perm.EDIT_REGISTERS)
        name = clean_filename(filename, "评议报告")
        digest = check_file("file", SURVEY_LABELS, name, data, photo=False)
        with self.desk.write() as s:
            v = s.get(Survey, survey_id)
            if v is None:
                raise NotFound("该评议记录已被删除")
            v.report_filename, v.report_size, v.report_sha256, v.report_content = name, len(data), digest, data
            s.flush()
            return self._survey_view(s, v)

    def set_survey_report_file(self, survey_id: int, path: str | Path) -> SurveyView:
        name, data = read_file("file", SURVEY_LABELS, path)
        return self.set_survey_report(survey_id, name, data)

    def survey_report(self, survey_id: int) -> tuple[str, bytes]:
        self.desk.require_login()
        with self.desk.read() as s:
            v = s.get(Survey, survey_id)
            if v is None or not v.report_filename:
                raise NotFound("该评议没有上传报告文件")
            return v.report_filename, v.report_content or b""

    def remove_survey_report(self, survey_id: int) -> SurveyView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            v = s.get(Survey, survey_id)
            if v is None:
                raise NotFound("该评议记录已被删除")
            v.report_filename = v.report_size = v.report_sha256 = v.report_content = None
            s.flush()
            return self._survey_view(s, v)

    def export_surveys(self, path: str | Path, f: RegisterFilter = RegisterFilter()) -> ExportResult:
        rows = self.surveys(f)
        cols = [("开始日期", 12), ("结束日期", 12), ("评议行业", 10), ("评议名称", 30), ("发放（份）", 10), ("回收（份）", 10),
                ("回收率（%）", 10), ("总体满意度（分）", 14), ("分项得分", 36), ("主要问题与建议", 40), ("报告文件", 20), ("单位", 20)]
        data = [[v.start_date, v.end_date, v.industry_name, v.title, v.sent, v.returned, v.return_rate, v.satisfaction,
                 "；".join(f"{sc.aspect} {sc.score}" for sc in v.scores), v.findings, v.report_filename or "", v.office_name]
                for v in rows]
        sent, returned = sum(v.sent for v in rows), sum(v.returned for v in rows)
        rate = (Decimal(returned) * 100 / Decimal(sent)).quantize(Decimal("0.01")) if sent else ""
        totals = ["合计", "", f"{len(rows)}项", "", sent, returned, rate, "", "", "", "", ""]
        return write_xlsx(self.desk, path, "消费评议", cols, data, table="consumer_survey",
                          title=f"消费评议登记{_period_text(f)}", totals=totals)

    # -- publicity ------------------------------------------------------------------------------------
    def _media_values(self, s: Session, inp: MediaReportInput, own: MediaReport | None) -> dict[str, Any]:
        c = Checker(MEDIA_LABELS)
        kind = (inp.media_kind_code or "").strip()
        if not kind:
            c.add("media_kind_code", "请选择媒体类型")
        elif kind not in active_codes(s, "media_kind") and not (own is not None and own.media_kind_code == kind):
            c.add("media_kind_code", "未知或已停用的媒体类型")
        values = dict(
            published_date=date_value(c, "published_date", inp.published_date, not_after=clock.today()),
            media_kind_code=kind,
            outlet=text_value(c, "outlet", inp.outlet, 100, required=True),
            title=text_value(c, "title", inp.title, 200, required=True),
            note=text_value(c, "note", inp.note, 4000),
            office_id=office_for(s, self.desk, inp.office_id if own is None or inp.office_id is not None else own.office_id, c),
        )
        c.raise_if_any()
        return values

    def _media_view(self, s: Session, m: MediaReport, kinds: dict[str, str] | None = None,
                    offices: dict[int, str] | None = None) -> MediaReportView:
        kinds = kinds if kinds is not None else vocab_names(s, "media_kind")
        offices = offices if offices is not None else office_names(s)
        return view_of(MediaReportView, m, office_name=offices.get(m.office_id, ""),
                       media_kind_name=kinds.get(m.media_kind_code, m.media_kind_code))

    def add_media_report(self, inp: MediaReportInput) -> MediaReportView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            m = MediaReport(**self._media_values(s, inp, None))
            s.add(m)
            s.flush()
            return self._media_view(s, m)

    def update_media_report(self, report_id: int, started_from: MediaReportView, inp: MediaReportInput) -> MediaReportView:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            m = s.get(MediaReport, report_id)
            if m is None:
                raise NotFound("该新闻宣传记录已被删除")
            check_version("新闻宣传", started_from.version, m, self._media_view(s, m), started_from)
            for k, v in self._media_values(s, inp, m).items():
                setattr(m, k, v)
            s.flush()
            return self._media_view(s, m)

    def delete_media_report(self, report_id: int, started_from: MediaReportView) -> None:
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            m = s.get(MediaReport, report_id)
            if m is None:
                return
            check_version("新闻宣传", started_from.version, m, self._media_view(s, m), started_from)
            s.delete(m)

    def media_reports(self, f: RegisterFilter = RegisterFilter()) -> list[MediaReportView]:
        self.desk.require_login()
        q = select(MediaReport)
        if f.date_from:
            q = q.where(MediaReport.published_date >= f.date_from)
        if f.date_to:
            q = q.where(MediaReport.published_date <= f.date_to)
        if f.kind:
            q = q.where(MediaReport.media_kind_code == f.kind)
        if f.office_id:
            q = q.where(MediaReport.office_id == f.office_id)
        if f.keyword.strip():
            pat = f"%{_like_literal(f.keyword)}%"
            q = q.where(or_(MediaReport.title.like(pat, escape=ESCAPE), MediaReport.outlet.like(pat, escape=ESCAPE)))
        q = q.order_by(MediaReport.published_date.desc(), MediaReport.id.desc())
        with self.desk.read() as s:
            kinds, offices = vocab_names(s, "media_kind"), office_names(s)
            return [self._media_view(s, m, kinds, offices) for m in s.scalars(q)]

    def export_media_reports(self, path: str | Path, f: RegisterFilter = RegisterFilter()) -> ExportResult:
        rows = self.media_reports(f)
        cols = [("刊播日期", 12), ("媒体类型", 16), ("媒体名称", 20), ("标题", 40), ("备注", 30), ("单位", 20)]
        data = [[m.published_date, m.media_kind_name, m.outlet, m.title, m.note, m.office_name] for m in rows]
        return write_xlsx(self.desk, path, "新闻宣传", cols, data, table="media_report",
                          title=f"新闻宣传登记{_period_text(f)}", totals=["合计", f"{len(rows)}篇（次）", "", "", "", ""])

    def monthly_posts(self, year: int, office_id: int | None = None) -> list[MonthlyPostsView]:
        """The twelve months of ``year`` for an office (default: the user's), zeros where
        nothing was recorded."""
        self.desk.require_login()
        with self.desk.read() as s:
            c = Checker(POSTS_LABELS)
            oid = office_for(s, self.desk, office_id, c)
            c.raise_if_any()
            have = {m.month: m for m in s.scalars(select(MonthlyPosts).where(MonthlyPosts.office_id == oid, MonthlyPosts.year == year))}
            out = []
            for month in range(1, 13):
                m = have.get(month)
                if m is None:
                    out.append(MonthlyPostsView(None, oid, year, month, 0, 0, "", 0))  # type: ignore[arg-type]
                else:
                    out.append(view_of(MonthlyPostsView, m))
            return out

    def save_monthly_posts(self, inp: MonthlyPostsInput, expected_version: int = 0) -> MonthlyPostsView:
        """Record a month's posts. ``expected_version`` is the version the user saw (0: the
        month had no record); a change made meanwhile by another desk raises ConflictError."""
        self.desk.require(Perm.EDIT_REGISTERS)
        with self.desk.write() as s:
            c = Checker(POSTS_LABELS)
            if not (isinstance(inp.year, int) and 2000 <= inp.year <= 2099):
                c.add("year", "年份应在2000–2099之间")
            if not (isinstance(inp.month, int) and 1 <= inp.month <= 12):
                c.add("month", "月份应为1–12")
            elif isinstance(inp.year, int) and dt.date(inp.year, inp.month, 1) > clock.today():
                c.add("month", "不能登记尚未到来的月份")
            web = count_value(c, "website_posts", inp.website_posts, maximum=100_000)
            new = count_value(c, "new_media_posts", inp.new_media_posts, maximum=100_000)
            note = text_value(c, "note", inp.note, 200)
            oid = office_for(s, self.desk, inp.office_id, c)
            c.raise_if_any()
            m = s.scalar(select(MonthlyPosts).where(MonthlyPosts.office_id == oid, MonthlyPosts.year == inp.year,
                                                    MonthlyPosts.month == inp.month))
            current_version = m.version if m is not None else 0
            if current_version != expected_version:
                from desk.errors import ConflictError

                cur = view_of(MonthlyPostsView, m) if m is not None else None
                raise ConflictError("这个月的信息条数在您编辑期间已被其他用户修改，您的修改尚未保存。", current=cur)
            if m is None:
                m = MonthlyPosts(office_id=oid, year=inp.year, month=inp.month)
                s.add(m)
            m.website_posts, m.new_media_posts, m.note = web, new, note  # type: ignore[assignment]
            s.flush()
            return view_of(MonthlyPostsView, m)

    def export_monthly_posts(self, path: str | Path, year: int, office_id: int | None = None) -> ExportResult:
        rows = self.monthly_posts(year, office_id)
        cols = [("月份", 10), ("网站信息（条）", 14), ("新媒体信息（条）", 16), ("备注", 30)]
        data = [[f"{year}年{m.month}月", m.website_posts, m.new_media_posts, m.note] for m in rows]
        totals = ["合计", sum(m.website_posts for m in rows), sum(m.new_media_posts for m in rows), ""]
        return write_xlsx(self.desk, path, "网站与新媒体信息", cols, data, table="monthly_posts",
                          title=f"{year}年网站与新媒体信息发布情况", totals=totals)

    # -- period totals -------------------------------------------------------------------------------
    def period_totals(self, date_from: dt.date, date_to: dt.date, office_id: int | None = None) -> OutreachTotals:
        """The period's outreach and trust-unit figures for the briefing (rules in the module
        docstring). Both dates are inclusive."""
        from desk.models.trust_units import JointMeeting, Revisit, TrustAward, TrustUnit

        self.desk.require_login()
        if date_to < date_from:
            raise ValidationError({"date_to": "结束日期不能早于开始日期"}, {"date_to": "结束日期"})

        def office(col: Any) -> Any:
            return col == office_id if office_id is not None else true()

        with self.desk.read() as s:
            kinds = list_vocab(s, "activity_kind", include_inactive=True)
            by_kind = dict(s.execute(select(Activity.kind_code, func.count()).where(
                Activity.held_date.between(date_from, date_to), office(Activity.office_id)).group_by(Activity.kind_code)).all())
            act = s.execute(select(func.count(), func.sum(Activity.sites), func.sum(Activity.people_reached),
                                   func.sum(Activity.leaflets), func.sum(Activity.banners), func.sum(Activity.consultations),
                                   func.sum(Activity.complaints_received))
                            .where(Activity.held_date.between(date_from, date_to), office(Activity.office_id))).one()
            warn = dict(s.execute(select(ConsumerWarning.kind, func.count()).where(
                ConsumerWarning.issued_date.between(date_from, date_to), office(ConsumerWarning.office_id))
                .group_by(ConsumerWarning.kind)).all())
            surv = s.execute(select(func.count(), func.sum(Survey.sent), func.sum(Survey.returned)).where(
                Survey.start_date.between(date_from, date_to), office(Survey.office_id))).one()
            media = s.scalar(select(func.count()).select_from(MediaReport).where(
                MediaReport.published_date.between(date_from, date_to), office(MediaReport.office_id))) or 0
            posts = [(m.year, m.month, m.website_posts, m.new_media_posts) for m in s.scalars(select(MonthlyPosts).where(
                MonthlyPosts.year.between(date_from.year, date_to.year), office(MonthlyPosts.office_id)))]
            posts = [p for p in posts if date_from <= dt.date(p[0], p[1], 1) <= date_to]
            rv = s.execute(select(Revisit.unit_id, Revisit.conclusion).join(TrustUnit, TrustUnit.id == Revisit.unit_id)
                           .where(Revisit.visit_date.between(date_from, date_to), office(TrustUnit.office_id))).all()
            awards = dict(s.execute(select(TrustAward.kind, func.count()).join(TrustUnit, TrustUnit.id == TrustAward.unit_id)
                                    .where(TrustAward.awarded_date.between(date_from, date_to), office(TrustUnit.office_id))
                                    .group_by(TrustAward.kind)).all())
            revoked = s.scalar(select(func.count()).select_from(TrustUnit).where(
                TrustUnit.revoked_date.between(date_from, date_to), office(TrustUnit.office_id))) or 0
            meetings = s.scalar(select(func.count()).select_from(JointMeeting).where(
                JointMeeting.meeting_date.between(date_from, date_to), office(JointMeeting.office_id))) or 0
        kind_counts = {k.code: int(by_kind.get(k.code, 0)) for k in kinds if k.active or by_kind.get(k.code)}
        return OutreachTotals(
            date_from=date_from, date_to=date_to, office_id=office_id,
            activities=int(act[0] or 0), activities_by_kind=kind_counts, kind_names={k.code: k.name for k in kinds},
            six_in_activities=sum(n for code, n in kind_counts.items() if code in SIX_IN_CODES),
            sites=int(act[1] or 0), people_reached=int(act[2] or 0), leaflets=int(act[3] or 0), banners=int(act[4] or 0),
            onsite_consultations=int(act[5] or 0), onsite_complaints=int(act[6] or 0),
            warnings_issued=int(warn.get("warning", 0)), tips_issued=int(warn.get("tip", 0)),
            surveys=int(surv[0] or 0), questionnaires_sent=int(surv[1] or 0), questionnaires_returned=int(surv[2] or 0),
            media_reports=int(media), website_posts=sum(p[2] for p in posts), new_media_posts=sum(p[3] for p in posts),
            revisits_held=len(rv), units_revisited=len({r.unit_id for r in rv}),
            revisits_passed=sum(1 for r in rv if r.conclusion == "pass"),
            units_awarded=int(awards.get("award", 0)), units_renewed=int(awards.get("renewal", 0)),
            units_revoked=int(revoked), joint_meetings=int(meetings),
        )


# -- small helpers ----------------------------------------------------------------------------------


def _like_literal(keyword: str) -> str:
    """The keyword for LIKE with wildcards taken literally (registers are not normalised:
    match the text as typed, without the search columns' NFKC folding)."""
    kw = keyword.strip()
    return kw.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def _period_text(f: RegisterFilter) -> str:
    if f.date_from and f.date_to:
        return f"（{f.date_from:%Y-%m-%d} 至 {f.date_to:%Y-%m-%d}）"
    if f.date_from:
        return f"（{f.date_from:%Y-%m-%d} 起）"
    if f.date_to:
        return f"（至 {f.date_to:%Y-%m-%d}）"
    return ""


__all__ = [
    "ActivityInput",
    "ActivityView",
    "ExportResult",
    "MediaReportInput",
    "MediaReportView",
    "MonthlyPostsInput",
    "MonthlyPostsView",
    "OutreachService",
    "OutreachTotals",
    "PhotoView",
    "RegisterFilter",
    "RegisterVocabView",
    "ScoreInput",
    "SurveyInput",
    "SurveyView",
    "WarningInput",
    "WarningView",
]
