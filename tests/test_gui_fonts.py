"""The application font (Windows' Chinese UI fonts first, Qt's default elsewhere) and the
warning when no installed font can show Chinese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from tests.qt_helpers import RecordingDialogs
from ui import style
from ui.app import App
from ui.style import (
    NO_CHINESE_FONT_MESSAGE,
    WINDOWS_UI_FAMILIES,
    app_font,
    chinese_font_families,
    missing_chinese_font_message,
    preferred_ui_families,
)
from ui.worker import Worker

pytestmark = pytest.mark.gui


@pytest.fixture
def worker(qtbot) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    w = Worker()
    yield w
    w.shutdown()


# -- choosing the font -----------------------------------------------------------------------


def test_windows_prefers_yahei_ui_then_yahei_then_simhei() -> None:
    every = ["Arial", "Microsoft YaHei", "SimHei", "Microsoft YaHei UI", "Segoe UI"]
    assert preferred_ui_families(every, "win32") == ["Microsoft YaHei UI", "Microsoft YaHei", "SimHei"]
    assert preferred_ui_families(["Segoe UI", "SimHei", "Microsoft YaHei"], "win32") == ["Microsoft YaHei", "SimHei"]
    assert preferred_ui_families(["Segoe UI", "simhei"], "win32") == ["SimHei"]  # names are case-insensitive
    assert preferred_ui_families(["Segoe UI", "Arial"], "win32") == []


def test_other_systems_keep_qts_default() -> None:
    every = list(WINDOWS_UI_FAMILIES) + ["WenQuanYi Micro Hei", "Noto Sans CJK SC"]
    assert preferred_ui_families(every, "linux") == []
    assert preferred_ui_families(every, "darwin") == []


def test_app_font_on_windows_leads_with_the_chinese_ui_font(qtbot) -> None:  # type: ignore[no-untyped-def]
    base = QFont("Segoe UI", 9)
    font = app_font(base, available=["Segoe UI", "Microsoft YaHei", "SimHei"], platform="win32")
    assert font.families()[:3] == ["Microsoft YaHei", "SimHei", "Segoe UI"]
    assert font.pointSizeF() == 9
    # Without any of them the font is left as it was.
    plain = app_font(base, available=["Segoe UI"], platform="win32")
    assert plain.families() == base.families()


def test_app_font_elsewhere_keeps_the_family_and_a_readable_size(qtbot) -> None:  # type: ignore[no-untyped-def]
    base = QFont("Sans Serif", 8)
    font = app_font(base, available=list(WINDOWS_UI_FAMILIES), platform="linux")
    assert font.families() == base.families()
    assert font.pointSizeF() == 9  # never below 9 pt: small Chinese is hard to read


def test_app_font_asks_qt_for_the_installed_families(qtbot) -> None:  # type: ignore[no-untyped-def]
    base = QApplication.font()
    assert app_font(base, platform="linux").families() == base.families()
    installed = style.installed_families()
    assert app_font(base, platform="win32").families()[:1] == (preferred_ui_families(installed, "win32")
                                                                 or base.families())[:1]


# -- no Chinese font -------------------------------------------------------------------------


def test_message_only_when_no_family_can_show_chinese() -> None:
    assert missing_chinese_font_message(["WenQuanYi Micro Hei"]) is None
    message = missing_chinese_font_message([])
    assert message == NO_CHINESE_FONT_MESSAGE
    for words in ("没有找到能显示中文的字体", "方框", "微软雅黑", "黑体", "fonts-wqy-microhei", "重新启动"):
        assert words in message


def test_this_machine_has_a_chinese_font(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The test machine (and CI, which installs fonts-wqy-microhei) can show Chinese, and the
    detection sees it."""
    families = chinese_font_families()
    assert families
    assert missing_chinese_font_message(families) is None


def test_glyph_check_when_qt_reports_no_writing_systems(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert chinese
    everything = QFontDatabase.families()
    assert style._covers(chinese[0], style.CJK_SAMPLE)

    class NoWritingSystems:
        WritingSystem = QFontDatabase.WritingSystem

        @staticmethod
        def families(ws: object = None) -> list[str]:
            return [] if ws is not None else list(everything)

    monkeypatch.setattr(style, "QFontDatabase", NoWritingSystems)
    found = chinese_font_families()
    assert len(found) == 1 and style._covers(found[0], style.CJK_SAMPLE)

    latin_only = [f for f in everything if not style._covers(f, style.CJK_SAMPLE)]
    monkeypatch.setattr(NoWritingSystems, "families", staticmethod(lambda ws=None: [] if ws is not None else latin_only))
    assert chinese_font_families() == []


def test_app_warns_once_when_no_chinese_font(qtbot, monkeypatch, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    dialogs = RecordingDialogs()
    app = App(QApplication.instance(), dialogs, worker)
    monkeypatch.setattr("ui.app.chinese_font_families", lambda: [])
    monkeypatch.setattr(app, "login", lambda url=None: False)  # the user quits at the login window
    assert app.start() is False
    assert dialogs.shown == [("warn", style.NO_CHINESE_FONT_TITLE, NO_CHINESE_FONT_MESSAGE)]


def test_app_does_not_warn_when_a_chinese_font_is_there(qtbot, monkeypatch, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    dialogs = RecordingDialogs()
    app = App(QApplication.instance(), dialogs, worker)
    monkeypatch.setattr(app, "login", lambda url=None: False)
    assert app.warn_if_no_chinese_font() is None
    assert app.start() is False
    assert dialogs.shown == []
