"""The case list model: ids first, rows on demand (Anki's browser table model).

``ComplaintTableModel`` holds only the ids of the matching cases, in the order the database
sorted them (``desk.complaints.query_ids``). Rows are fetched a page at a time with
``desk.complaints.rows(ids)`` when the view asks for one of them, and a few pages are kept in
an LRU cache, so scrolling to the end of 100,000 cases loads one or two pages, never all.

The fetch in ``data()`` is synchronous: ``rows()`` for one page is a primary-key lookup of
``page_size`` rows (a few milliseconds on SQLite and PostgreSQL, see the test), which is
cheaper than a round trip through the worker and never shows placeholder rows. The id list
itself can be slow on a large table, so ``reload_async()`` loads it on the worker, showing
``first_page()`` (a LIMIT query) first. ``reload()`` does the same synchronously, which is
what tests and the benchmark use: the model works without a view or a worker.

Sorting is done by the database: clicking a header calls ``sort()``, which re-queries the
ids with that sort key (no QSortFilterProxyModel)."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desk.deadlines import DUE_KIND_LABELS
from desk.errors import DeskError
from desk.services.complaints import ComplaintFilter, ComplaintRow

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.worker import Worker

log = logging.getLogger(__name__)

OVERDUE_COLOR = QColor("#c62828")
PROVISIONAL_COLOR = QColor("#a15c00")
PAUSED_COLOR = QColor("#5f6368")

ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Column:
    key: str  # attribute of ComplaintRow (or "due" for the composed deadline text)
    title: str
    sort: str  # key of desk.services.complaints.SORT_COLUMNS
    width: int


# 期限 comes right after 状态: what is due or overdue is what a handler looks for first.
COLUMNS: tuple[Column, ...] = (
    Column("case_no", "案件编号", "case_no", 112),
    Column("status_label", "状态", "status", 64),
    Column("due", "期限", "due_date", 122),
    Column("received_at", "收到时间", "received_at", 116),
    Column("consumer_name", "消费者", "consumer_name", 62),
    Column("consumer_phone", "电话", "consumer_phone", 100),
    Column("business_name", "被投诉经营者", "business_name", 180),
    Column("category_name", "类别", "category_name", 140),
    Column("nature_name", "性质", "nature_name", 64),
    Column("channel_name", "渠道", "channel_name", 76),
    Column("amount", "金额", "amount", 76),
    Column("handler_name", "承办人", "handler_name", 64),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
SORT_INDEX = {c.sort: i for i, c in enumerate(COLUMNS)}


def due_text(row: ComplaintRow) -> str:
    """期限 column: the date, then 逾期 / 暂定; 暂停 while the clock is paused."""
    if row.paused:
        return "暂停"
    if row.due_date is None:
        return ""
    parts = [f"{row.due_date:%Y-%m-%d}"]
    if row.overdue:
        parts.append("逾期")
    if row.due_provisional:
        parts.append("暂定")
    return " ".join(parts)


def due_tooltip(row: ComplaintRow) -> str:
    if row.paused:
        return "检测/鉴定期间暂停计时，恢复后重新计算期限"
    if row.due_date is None:
        return ""
    text = f"{DUE_KIND_LABELS.get(row.due_kind or '', '办理期限')}：{row.due_date:%Y-%m-%d}"
    if row.overdue:
        text += "（已逾期）"
    if row.due_provisional:
        text += "\n暂定：该年度的节假日安排尚未收录，按周一至周五计算，请在“设置—节假日”补充后核对。"
    return text


def cell_text(row: ComplaintRow, key: str) -> str:
    if key == "due":
        return due_text(row)
    if key == "received_at":
        return f"{row.received_at:%Y-%m-%d %H:%M}"
    if key == "amount":
        return f"{row.amount:,.2f}" if row.amount else ""
    value = getattr(row, key)
    return "" if value is None else str(value)


class ComplaintTableModel(QAbstractTableModel):
    """See the module docstring. ``ComplaintTableModel(desk, filter, sort, descending,
    page_size)`` then ``reload()``; ``rowCount``/``data`` work without a view."""

    count_changed = Signal(int)  # the number of matching cases, once the ids are known
    loading_changed = Signal(bool)
    load_failed = Signal(object)  # an exception from a background load

    def __init__(
        self,
        desk: Desk,
        filter: ComplaintFilter = ComplaintFilter(),  # noqa: A002, B008 - frozen dataclass
        sort: str = "received_at",
        descending: bool = True,
        page_size: int = 100,
        *,
        worker: Worker | None = None,
        max_pages: int = 6,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.filter = filter
        self.sort_key = sort
        self.descending = descending
        self.page_size = max(1, page_size)
        self.max_pages = max(2, max_pages)
        self.worker = worker
        self.ids: list[int] = []
        self.total: int | None = None  # None while only the first page is known
        self.loaded = False
        self.loading = False
        self.fetches = 0  # rows() calls made for pages (for tests and the benchmark)
        self._pages: OrderedDict[int, dict[int, ComplaintRow]] = OrderedDict()
        self._failed_pages: set[int] = set()
        self._generation = 0

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Query the ids now (on the calling thread) and show them."""
        self._generation += 1
        ids = self.desk.complaints.query_ids(self.filter, self.sort_key, self.descending)
        self._set_ids(ids, keep_first_page=False)

    def reload_async(self) -> None:
        """First page at once (a LIMIT query), then the full id list, both on the worker.
        Without a worker this is ``reload()``."""
        if self.worker is None:
            self.reload()
            return
        self._generation += 1
        gen = self._generation
        f, sort, desc, limit = self.filter, self.sort_key, self.descending, self.page_size
        complaints = self.desk.complaints
        self._set_loading(True)
        self.worker.run(lambda: complaints.first_page(f, sort, desc, limit), lambda rows: self._preview(gen, rows), lambda e: self._failed(gen, e))
        self.worker.run(lambda: complaints.query_ids(f, sort, desc), lambda ids: self._ids_arrived(gen, ids), lambda e: self._failed(gen, e))

    def set_filter(self, f: ComplaintFilter) -> None:
        self.filter = f
        self.reload_async()

    def _preview(self, gen: int, rows: list[ComplaintRow]) -> None:
        if gen != self._generation:
            return  # an older search: the user has typed on
        self.beginResetModel()
        self.ids = [r.id for r in rows]
        self.total = None
        self._pages.clear()
        self._failed_pages.clear()
        self._pages[0] = {r.id: r for r in rows}
        self.endResetModel()

    def _ids_arrived(self, gen: int, ids: list[int]) -> None:
        if gen != self._generation:
            return
        self._set_loading(False)
        self._set_ids(ids, keep_first_page=True)

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._set_loading(False)
        self.load_failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.loading_changed.emit(loading)

    def _set_ids(self, ids: list[int], *, keep_first_page: bool) -> None:
        shown = self.ids
        n = len(shown)
        if keep_first_page and n and ids[:n] == shown and len(ids) >= n:
            # The preview is the start of the full list: append the rest, keeping the scroll
            # position, the selection and the cached first page.
            if len(ids) > n:
                self.beginInsertRows(QModelIndex(), n, len(ids) - 1)
                self.ids = ids
                self.endInsertRows()
            self._pages = OrderedDict((0, p) for k, p in self._pages.items() if k == 0)
        else:
            self.beginResetModel()
            self.ids = ids
            self._pages.clear()
            self.endResetModel()
        self._failed_pages.clear()
        self.total = len(ids)
        self.loaded = True
        self.count_changed.emit(len(ids))

    # -- rows -----------------------------------------------------------------------------------
    def _page(self, page: int) -> dict[int, ComplaintRow] | None:
        cached = self._pages.get(page)
        if cached is not None:
            self._pages.move_to_end(page)
            return cached
        if page in self._failed_pages:
            return None
        start = page * self.page_size
        chunk = self.ids[start:start + self.page_size]
        if not chunk:
            return None
        try:
            self.fetches += 1
            rows = self.desk.complaints.rows(chunk)
        except Exception as exc:  # noqa: BLE001 - a paint must never raise; tell the page once
            log.warning("case list page %s could not be read: %s", page, exc)
            self._failed_pages.add(page)
            self.load_failed.emit(exc if isinstance(exc, DeskError) else DeskError("读取案件列表失败，请稍后刷新。"))
            return None
        fetched = {r.id: r for r in rows}
        self._pages[page] = fetched
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return fetched

    def row_at(self, row: int) -> ComplaintRow | None:
        if not 0 <= row < len(self.ids):
            return None
        page = self._page(row // self.page_size)
        return page.get(self.ids[row]) if page else None

    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, complaint_id: int) -> int:
        try:
            return self.ids.index(complaint_id)
        except ValueError:
            return -1

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    def refresh_ids(self, ids: Sequence[int]) -> None:
        """Cases changed elsewhere (the case view): forget their cached rows and repaint them."""
        for complaint_id in ids:
            r = self.row_of(complaint_id)
            if r < 0:
                continue
            self._pages.pop(r // self.page_size, None)
            self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

    # -- Qt model ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self.id_at(index.row())
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.key == "amount":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        row = self.row_at(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col.key != "due":
                return None
            if row.paused:
                return QBrush(PAUSED_COLOR)
            if row.overdue:
                return QBrush(OVERDUE_COLOR)
            if row.due_provisional:
                return QBrush(PROVISIONAL_COLOR)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.key == "due":
                return due_tooltip(row) or None
            if col.key in ("business_name", "category_name", "channel_name"):
                return cell_text(row, col.key) or None
            return None
        return cell_text(row, col.key)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query the ids sorted by the database on ``column``."""
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].sort
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self.sort_key and descending == self.descending and (self.loaded or self.loading):
            return
        self.sort_key, self.descending = key, descending
        self.reload_async()

    def sort_column(self) -> int:
        return SORT_INDEX.get(self.sort_key, COLUMN_INDEX["received_at"])
