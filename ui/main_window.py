"""The main window: navigation on the left, the module pages on the right, a start page
(工作台) with the worklist, and a status bar with the user, the database and a busy sign.

Pages are a registry: ``window.register_page(key, title, factory)`` with
``factory(desk, dialogs, worker) -> QWidget``; a page is built the first time it is shown.
A page may offer ``focus_search()`` (Ctrl+F) and ``open_item(ref)`` (double-click on a
worklist item). Worklist providers, ``window.register_worklist_provider(fn)`` with
``fn(desk) -> Iterable[WorkItem]``, run on the DB worker; their items fill the start page.
A provider must be a plain function, never a widget's method or a closure over a widget:
the worker thread may drop the last reference to it, and a Qt object must not die there.

A module package (``ui.complaints`` …) plugs in by exposing ``install(window)`` that calls
those two methods; ``install_modules()`` calls it for the packages that exist. Keep
``install`` light: import heavy things (docx, matplotlib) inside the page factory."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.errors import DeskError, ValidationError
from ui.forms import ErrorLabel, FormBuilder
from ui.style import badge_icon, set_role

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

log = logging.getLogger(__name__)

PageFactory = Callable[["Desk", "Dialogs", "Worker"], QWidget]

SETTINGS_ORG = "CADesk"
SETTINGS_APP = "CADesk"


@dataclass(frozen=True)
class WorkItem:
    """One line of the start page's worklist."""

    text: str  # e.g. "TH-2026-0012 王某诉某超市：受理决定"
    due: dt.date | None = None
    overdue: bool = False
    page: str | None = None  # key of the page that opens on double-click
    ref: Any = None  # handed to that page's open_item(ref), if it has one


WorklistProvider = Callable[["Desk"], Iterable[WorkItem]]

# The modules of the navigation, with what each will contain (shown until it is built).
MODULES: list[tuple[str, str, str]] = [
    ("complaints", "投诉", "投诉登记（来访、电话、信函、12315 转来）、受理或不予受理决定、办理期限与逾期提醒、"
                          "检测鉴定期间暂停计时、案件时间线、转办与回复。"),
    ("mediation", "调解", "调解安排、调解笔录、调解书与调解记录（Word 文书）、挽回经济损失金额、履行期限与确认、终止调解。"),
    ("rosters", "名册", "消费维权志愿者、义务调查员、和解员与投诉联络员名册，培训及签到记录。"),
    ("trust_units", "诚信单位", "诚信单位申报、评审、授牌、回访检查、整改跟踪与摘牌。"),
    ("campaigns", "宣传活动", "3·15 与“六进”宣传活动登记（场次、资料、受众人数）、消费警示与提示、消费评议。"),
    ("stats", "统计与简报", "投诉统计（性质、商品与服务分类、同比）、图表，以及按公文格式生成的季度简报（Word）。"),
]

# Packages that may install pages (see the module docstring); missing ones are skipped.
MODULE_PACKAGES = ("ui.complaints", "ui.mediation", "ui.rosters", "ui.trust_units", "ui.campaigns", "ui.stats")

_WEEKDAYS = "一二三四五六日"


def greeting(now: dt.datetime) -> str:
    h = now.hour
    if h < 5:
        return "您好"
    if h < 11:
        return "上午好"
    if h < 13:
        return "中午好"
    if h < 18:
        return "下午好"
    return "晚上好"


def chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日 星期{_WEEKDAYS[d.weekday()]}"


def _title_label(text: str) -> QLabel:
    label = QLabel(text)
    set_role(label, "title")
    return label


class PlaceholderPage(QWidget):
    """An honest page for a module of a later release: what it will contain."""

    def __init__(self, title: str, contents: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(_title_label(title))
        state = QLabel("该模块正在建设中，当前版本还不能使用。")
        set_role(state, "subtitle")
        layout.addWidget(state)
        body = QLabel(f"建成后这里将包括：{contents}")
        body.setWordWrap(True)
        layout.addWidget(body)
        layout.addStretch(1)


class BrokenPage(QWidget):
    """Shown instead of a page whose construction failed, so the rest of the program works."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(_title_label(title))
        error = ErrorLabel()
        error.set_message(message)
        layout.addWidget(error)
        layout.addStretch(1)


class HomePage(QWidget):
    """工作台: greeting, today's date and the worklist from the registered providers."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window_ = window
        actor = window.desk.actor
        now = _now()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        name = actor.display_name if actor else ""
        self.greeting = _title_label(f"{greeting(now)}，{name}")
        layout.addWidget(self.greeting)
        today = QLabel(f"今天是{chinese_date(now.date())}")
        set_role(today, "muted")
        layout.addWidget(today)
        layout.addSpacing(10)

        head = QHBoxLayout()
        sub = QLabel("待办事项（到期和逾期）")
        set_role(sub, "subtitle")
        head.addWidget(sub)
        head.addStretch(1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)

        self.status = QLabel()
        self.status.setWordWrap(True)
        set_role(self.status, "muted")
        layout.addWidget(self.status)
        self.errors = ErrorLabel()
        layout.addWidget(self.errors)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["事项", "期限", "状态"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        layout.addStretch(0)  # takes the room while the list is hidden (nothing due)
        self.items: list[WorkItem] = []
        self._generation = 0  # results of an older refresh are dropped
        self.refresh()

    def refresh(self) -> None:
        providers = list(self.window_.worklist_providers)
        if not providers:
            self.tree.setVisible(False)
            self.status.setText(
                "投诉、调解等模块建成后，这里会列出快到期和已逾期的事项（受理决定、调解期限、转办回复等）。"
            )
            return
        self.status.setText("正在读取待办事项…")
        self.refresh_button.setEnabled(False)
        desk = self.window_.desk
        self._generation += 1
        generation = self._generation

        def collect() -> tuple[list[WorkItem], list[str]]:
            items: list[WorkItem] = []
            failures: list[str] = []
            for fn in providers:  # one failing module must not hide the others' items
                try:
                    items.extend(fn(desk))
                except DeskError as exc:
                    failures.append(exc.message)
                except Exception:  # noqa: BLE001
                    log.exception("worklist provider %r failed", fn)
                    failures.append("部分待办事项读取失败，详细信息已写入日志。")
            return items, failures

        self.window_.worker.run(
            collect,
            lambda result: self._show(result) if generation == self._generation else None,
            lambda exc: self._failed(exc) if generation == self._generation else None,
        )

    def _show(self, result: tuple[list[WorkItem], list[str]]) -> None:
        items, failures = result
        self.refresh_button.setEnabled(True)
        self.errors.set_message("\n".join(failures) or None)
        far = dt.date.max
        self.items = sorted(items, key=lambda i: (not i.overdue, i.due or far, i.text))
        self.tree.clear()
        for item in self.items:
            due = f"{item.due:%Y-%m-%d}" if item.due else ""
            row = QTreeWidgetItem([item.text, due, "已逾期" if item.overdue else "将到期"])
            if item.overdue:
                row.setForeground(2, Qt.GlobalColor.red)
            self.tree.addTopLevelItem(row)
        self.tree.setVisible(bool(self.items))
        self.status.setText(f"共 {len(self.items)} 项。双击打开。" if self.items else "目前没有到期或逾期的事项。")

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText("")
        self.errors.set_message(exc.message if isinstance(exc, DeskError) else "待办事项读取失败，详细信息已写入日志。")

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        item = self.items[self.tree.indexOfTopLevelItem(row)]
        if item.page:
            page = self.window_.show_page(item.page)
            if item.ref is not None and hasattr(page, "open_item"):
                page.open_item(item.ref)


def _now() -> dt.datetime:
    from desk import clock

    return clock.now()


class PasswordSection(QWidget):
    """修改我的密码 (every user)."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        layout = QVBoxLayout(self)
        layout.addWidget(_title_label("修改密码"))
        self.form = FormBuilder()
        self.old = self.form.line_edit("old", "原密码", password=True)
        self.new = self.form.line_edit("new", "新密码", password=True, hint="至少8个字符")
        self.new_again = self.form.line_edit("new_again", "确认新密码", password=True)
        self.form.add_message()
        layout.addLayout(self.form.layout)
        self.save_button = QPushButton("修改密码")
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addStretch(1)

    def save(self) -> None:
        old, new, again = self.old.text(), self.new.text(), self.new_again.text()
        self.form.clear_errors()
        self.save_button.setEnabled(False)
        desk = self.desk  # the job must not hold this widget: it is released on the worker thread
        self.worker.run(lambda: desk.auth.change_password(old, new, again), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        for e in (self.old, self.new, self.new_again):
            e.clear()
        self.dialogs.info(self, "修改密码", "密码已修改，下次登录请使用新密码。")

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        else:
            self.dialogs.show_error(self, exc, "密码没有修改")


class DatabaseSection(QWidget):
    """Which database is in use, and the way to change it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(_title_label("数据库"))
        current = QLabel(f"当前使用：{window.desk.describe()}")
        current.setWordWrap(True)
        current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(current)
        note = QLabel(
            "一台电脑单独使用时，数据保存在本机的数据文件中；多台电脑共用数据时，请连接单位的局域网 "
            "PostgreSQL 服务器。更改后，重新登录（文件—切换用户）或重新启动程序时生效。"
        )
        note.setWordWrap(True)
        set_role(note, "muted")
        layout.addWidget(note)
        button = QPushButton("数据库设置…")
        button.clicked.connect(window.open_database_settings)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)


@dataclass
class _Section:
    title: str
    factory: Callable[[], QWidget]
    widget: QWidget | None = None


class SettingsPage(QWidget):
    """设置: a list of sections on the left (the admin pages the user may use, then 数据库 and
    修改密码), the chosen section on the right."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        desk, dialogs, worker = window.desk, window.dialogs, window.worker
        self.sections: list[_Section] = []
        for page in load_admin_pages(desk):
            self.sections.append(_Section(page.title, lambda p=page: p.factory(desk, dialogs, worker)))
        self.sections.append(_Section("数据库", lambda: DatabaseSection(window)))
        self.sections.append(_Section("修改密码", lambda: PasswordSection(desk, dialogs, worker)))

        self.list = QListWidget()
        self.list.setObjectName("settingsSections")
        self.list.setSpacing(3)
        for s in self.sections:
            self.list.addItem(s.title)
        self.list.setMaximumWidth(180)
        self.list.setMinimumWidth(130)
        self.stack = QStackedWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self.show_section)
        self.list.setCurrentRow(0)

    def titles(self) -> list[str]:
        return [s.title for s in self.sections]

    def show_section(self, index: int) -> QWidget | None:
        if not 0 <= index < len(self.sections):
            return None
        s = self.sections[index]
        if s.widget is None:
            try:
                s.widget = s.factory()
            except Exception as exc:  # noqa: BLE001 - one broken section must not break 设置
                log.exception("settings section %s failed", s.title)
                message = exc.message if isinstance(exc, DeskError) else "这一页无法打开，详细信息已写入日志。"
                s.widget = BrokenPage(s.title, message)
            self.stack.addWidget(s.widget)
        self.stack.setCurrentWidget(s.widget)
        if self.list.currentRow() != index:
            self.list.setCurrentRow(index)
        return s.widget

    def focus_search(self) -> None:
        page = self.stack.currentWidget()
        if page is not None and hasattr(page, "focus_search"):
            page.focus_search()


def load_admin_pages(desk: Desk) -> list[Any]:
    """ui.admin.ADMIN_PAGES the user may use; [] while that package does not exist yet."""
    try:
        admin = importlib.import_module("ui.admin")
        pages = list(getattr(admin, "ADMIN_PAGES", None) or [])  # a folder without it: not ready
    except ModuleNotFoundError as exc:
        if exc.name == "ui.admin":
            return []  # not built yet
        log.exception("ui.admin could not be loaded")
        return []
    except Exception:  # noqa: BLE001 - present but broken: 设置 still opens with the rest
        log.exception("ui.admin could not be loaded")
        return []
    return [p for p in pages if p.perm is None or desk.can(p.perm)]


@dataclass
class _Page:
    key: str
    title: str
    factory: Callable[[], QWidget]
    item: QListWidgetItem
    widget: QWidget | None = None


class MainWindow(QMainWindow):
    switch_user_requested = Signal()
    quit_requested = Signal()

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.worklist_providers: list[WorklistProvider] = []
        self._pages: dict[str, _Page] = {}
        self._switching = False
        self.setWindowTitle("消协工作台")
        self.setMinimumSize(QSize(900, 600))

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(24, 24))
        self.nav.setMinimumWidth(150)
        self.nav.setMaximumWidth(220)
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack = QStackedWidget()
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([170, 900])
        self.setCentralWidget(splitter)

        self._register("home", "工作台", lambda: HomePage(self))
        for key, title, contents in MODULES:
            self.register_page(key, title, lambda _d, _g, _w, t=title, c=contents: PlaceholderPage(t, c))
        self._register("settings", "设置", lambda: SettingsPage(self))
        self.nav.currentRowChanged.connect(self._nav_changed)

        self._build_menu()
        self._build_status_bar()
        self._restore_geometry()
        self.nav.setCurrentRow(0)

    # -- pages -----------------------------------------------------------------------
    def register_page(self, key: str, title: str, factory: PageFactory) -> None:
        """Add a page to the navigation, or replace the one under ``key`` (e.g. a module
        replacing its placeholder). ``factory(desk, dialogs, worker)`` builds it when first shown."""
        self._register(key, title, lambda: factory(self.desk, self.dialogs, self.worker))

    def _register(self, key: str, title: str, build: Callable[[], QWidget]) -> None:
        page = self._pages.get(key)
        if page is not None:
            page.title = title
            page.factory = build
            page.item.setText(title)
            page.item.setIcon(badge_icon(key, title))
            if page.widget is not None:
                was_current = self.stack.currentWidget() is page.widget
                self.stack.removeWidget(page.widget)
                page.widget.deleteLater()
                page.widget = None
                if was_current:
                    self.show_page(key)
            return
        item = QListWidgetItem(badge_icon(key, title), title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        settings = self._pages.get("settings")
        row = self.nav.row(settings.item) if settings else self.nav.count()  # 设置 stays last
        self.nav.insertItem(row, item)
        self._pages[key] = _Page(key, title, build, item)

    def register_worklist_provider(self, fn: WorklistProvider) -> None:
        self.worklist_providers.append(fn)
        home = self._pages["home"].widget
        if isinstance(home, HomePage):
            home.refresh()

    def install_modules(self, packages: Iterable[str] = MODULE_PACKAGES) -> None:
        for name in packages:
            if importlib.util.find_spec(name) is None:
                continue
            try:
                importlib.import_module(name).install(self)
            except Exception:  # noqa: BLE001 - the placeholder stays; the rest works
                log.exception("module %s could not be installed", name)

    def page_keys(self) -> list[str]:
        return [self.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.nav.count())]

    def page_title(self, key: str) -> str:
        return self._pages[key].title

    def current_key(self) -> str | None:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def page(self, key: str) -> QWidget:
        """The page under ``key``, built now if it has not been shown yet."""
        p = self._pages[key]
        if p.widget is None:
            try:
                p.widget = p.factory()
            except Exception as exc:  # noqa: BLE001 - a broken module must not take the window down
                log.exception("page %s failed to build", key)
                message = exc.message if isinstance(exc, DeskError) else "这一页无法打开，详细信息已写入日志。"
                p.widget = BrokenPage(p.title, message)
            self.stack.addWidget(p.widget)
        return p.widget

    def show_page(self, key: str) -> QWidget:
        widget = self.page(key)
        self.stack.setCurrentWidget(widget)
        item = self._pages[key].item
        if self.nav.currentItem() is not item:
            self.nav.setCurrentItem(item)
        return widget

    def _nav_changed(self, row: int) -> None:
        if row >= 0:
            self.show_page(self.nav.item(row).data(Qt.ItemDataRole.UserRole))

    def focus_search(self) -> None:
        page = self.stack.currentWidget()
        if page is not None and hasattr(page, "focus_search"):
            page.focus_search()

    # -- chrome ----------------------------------------------------------------------
    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.switch_action = QAction("切换用户(&U)", self)
        self.switch_action.triggered.connect(self.request_switch_user)
        file_menu.addAction(self.switch_action)
        self.db_action = QAction("数据库设置(&D)…", self)
        self.db_action.triggered.connect(self.open_database_settings)
        file_menu.addAction(self.db_action)
        file_menu.addSeparator()
        self.quit_action = QAction("退出(&X)", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.about_action = QAction("关于消协工作台(&A)", self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

        # Ctrl+F reaches the current page's search box, wherever the focus is.
        self.search_action = QAction("查找", self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.search_action.triggered.connect(self.focus_search)
        self.addAction(self.search_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        actor = self.desk.actor
        self.user_label = QLabel(f"用户：{actor.display_name}（{actor.role_label}）" if actor else "未登录")
        self.db_label = QLabel(f"数据库：{self.desk.describe()}")
        self.db_label.setToolTip(self.desk.describe())
        self.busy_label = QLabel("正在处理…")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate: we never know how long a query takes
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        bar.addWidget(self.user_label)
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.busy_label)
        bar.addPermanentWidget(self.busy_bar)
        self._set_slow(False)
        self.worker.slow.connect(self._set_slow)

    def _set_slow(self, slow: bool) -> None:
        self.busy_label.setVisible(slow)
        self.busy_bar.setVisible(slow)

    @property
    def busy_shown(self) -> bool:
        return not self.busy_bar.isHidden()

    def open_database_settings(self) -> None:
        from ui.db_settings import DatabaseSettingsDialog

        dlg = DatabaseSettingsDialog(self.dialogs, self.worker, self, current=self.desk.describe())
        if dlg.exec():
            self.dialogs.info(
                self, "数据库设置",
                "数据库设置已保存。请重新登录（文件—切换用户）或重新启动程序，新的设置才会生效。",
            )

    def show_about(self) -> None:
        from desk import __version__, paths

        self.dialogs.info(
            self, "关于消协工作台",
            f"消协工作台 {__version__}\n县消费者协会投诉、调解、名册、诚信单位、宣传活动与简报工作软件。\n\n"
            f"数据库：{self.desk.describe()}\n数据与备份文件夹：{paths.data_dir()}\n日志文件夹：{paths.log_dir()}",
        )

    def request_switch_user(self) -> None:
        self._switching = True
        self.close()

    # -- window state ----------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = QSettings(SETTINGS_ORG, SETTINGS_APP).value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            return
        self.resize(1100, 720)

    def save_geometry(self) -> None:
        QSettings(SETTINGS_ORG, SETTINGS_APP).setValue("main_window/geometry", self.saveGeometry())

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override
        if self.worker.busy and not self.dialogs.confirm(
            self, "仍在处理", "还有数据库操作没有完成。现在关闭可能使这次操作没有保存，仍要关闭吗？"
        ):
            self._switching = False
            event.ignore()
            return
        self.save_geometry()
        event.accept()
        if self._switching:
            self._switching = False
            self.switch_user_requested.emit()
        else:
            self.quit_requested.emit()

