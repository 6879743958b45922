"""Look of the program: the application font (Windows' Chinese UI fonts), the check for a
missing Chinese font, a small style sheet, the program icon and the navigation icons.

Kept light on purpose (imported on the way to the login window)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QImageReader, QPainter, QPixmap, QRawFont
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

# On Windows, in this order: YaHei UI has the tighter line height made for widgets, YaHei is
# its older sibling, SimHei is on every Chinese Windows. Elsewhere Qt's default stays: there
# fontconfig already picks a CJK font for Chinese text.
WINDOWS_UI_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "SimHei")
CJK_SAMPLE = "消费者协会"
NO_CHINESE_FONT_TITLE = "缺少中文字体 (No Chinese font)"
NO_CHINESE_FONT_MESSAGE = (
    "这台电脑上没有找到能显示中文的字体，程序中的文字可能显示为方框（□□□）。\n\n"
    "请安装中文字体后重新启动本程序：\n"
    "· Windows：安装“微软雅黑”（Microsoft YaHei）或“黑体”（SimHei）字体；\n"
    "· Linux：安装 fonts-wqy-microhei（例如 sudo apt install fonts-wqy-microhei）。\n\n"
    # This very text may show as boxes: say it in English too.
    "No font that can show Chinese was found, so text may appear as boxes. Install Microsoft YaHei "
    "or SimHei (Windows) or fonts-wqy-microhei (Linux) and restart the program."
)

ERROR_COLOR = "#c62828"
MUTED_COLOR = "#5f6368"
OK_COLOR = "#2e7d32"
ACCENT_COLOR = "#1f6fb2"

STYLE_SHEET = f"""
QLabel[role="error"] {{ color: {ERROR_COLOR}; }}
QLabel[role="ok"] {{ color: {OK_COLOR}; }}
QLabel[role="muted"] {{ color: {MUTED_COLOR}; }}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="subtitle"] {{ font-size: 11pt; font-weight: 600; }}
QListWidget#navigation {{
    border: none;
    outline: 0;
    background: #f3f5f8;
    padding-top: 6px;
}}
QListWidget#navigation::item {{
    padding: 7px 6px;
    border-radius: 4px;
    margin: 1px 6px;
    color: #202124;
}}
QListWidget#navigation::item:selected {{
    background: #dbe8f6;
    color: #0b3d6b;
}}
QListWidget#navigation::item:hover:!selected {{
    background: #e8edf3;
}}
QListWidget#settingsSections {{
    outline: 0;
}}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QTextEdit[invalid="true"] {{
    /* Text fields only: a styled border on combo boxes or spin boxes drops their native arrows. */
    border: 1px solid {ERROR_COLOR};
    border-radius: 2px;
}}
"""

# One colour per module so the navigation is recognisable at a glance.
_ICON_COLOURS = {
    "home": "#1f6fb2",
    "complaints": "#c0392b",
    "mediation": "#d35400",
    "rosters": "#16a085",
    "trust_units": "#8e44ad",
    "campaigns": "#b7950b",
    "stats": "#2c7be5",
    "settings": "#5f6368",
}


def preferred_ui_families(available: Iterable[str], platform: str = sys.platform) -> list[str]:
    """The families to put first in the application font: on Windows those of
    WINDOWS_UI_FAMILIES that are installed, in that order; elsewhere none (Qt's default)."""
    if not platform.startswith("win"):
        return []
    have = {f.casefold() for f in available}
    return [f for f in WINDOWS_UI_FAMILIES if f.casefold() in have]


def missing_chinese_font_message(chinese_families: Sequence[str]) -> str | None:
    """The warning for the user when no installed family can show Chinese, else None."""
    return None if chinese_families else NO_CHINESE_FONT_MESSAGE


def installed_families() -> list[str]:
    """Every family Qt knows, plus the Windows UI fonts found under another (e.g. localised)
    name: hasFamily resolves aliases that families() may list as 微软雅黑 / 黑体."""
    families = list(QFontDatabase.families())
    return families + [f for f in WINDOWS_UI_FAMILIES if f not in families and QFontDatabase.hasFamily(f)]


def _covers(family: str, text: str) -> bool:
    raw = QRawFont.fromFont(QFont(family))
    # ord(): PySide's str → QChar overload answers False for code points from U+8000 (费, 者).
    return raw.isValid() and all(raw.supportsCharacter(ord(ch)) for ch in text)


def chinese_font_families() -> list[str]:
    """Installed families that can show Chinese (needs a QGuiApplication)."""
    families = list(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    if families:
        return families
    # Some font setups report no writing systems: then test the glyphs themselves (first hit is enough).
    for family in QFontDatabase.families():
        if _covers(family, CJK_SAMPLE):
            return [family]
    return []


def app_font(base: QFont, available: Iterable[str] | None = None, platform: str = sys.platform) -> QFont:
    """``base`` led by the Windows Chinese UI font when there is one (``available``: the
    installed families, default asked from Qt), at least 9 pt so Chinese stays readable."""
    font = QFont(base)
    preferred = preferred_ui_families(installed_families() if available is None else available, platform)
    if preferred:
        font.setFamilies(preferred + [f for f in base.families() if f not in preferred])
    if font.pointSizeF() < 9:
        font.setPointSizeF(9)
    return font


def apply_app_style(app: QApplication) -> None:
    font = app_font(app.font())
    app.setFont(font)
    log.info("application font: %s, %.1f pt", ", ".join(font.families()), font.pointSizeF())
    app.setStyleSheet(STYLE_SHEET)


def app_icon() -> QIcon:
    """The program's icon (resources/icons). The .ico holds the sizes drawn for 16–48 px, so
    the title bar and taskbar get those rather than the 256 px PNG scaled down; the PNG is
    there too in case Qt's ico image plugin is missing from a build."""
    import resources

    icon = QIcon()
    ico = resources.icon_path("cadesk.ico")
    if ico.is_file() and b"ico" in [bytes(f.data()) for f in QImageReader.supportedImageFormats()]:
        icon.addFile(str(ico))
    png = resources.icon_path("cadesk.png")
    if png.is_file():
        icon.addFile(str(png))
    return icon


def badge_icon(key: str, text: str, size: int = 28) -> QIcon:
    """A round coloured badge with the module's first character: readable and needs no files."""
    colour = QColor(_ICON_COLOURS.get(key, ACCENT_COLOR))
    icon = QIcon()
    for scale in (1, 2):
        px = QPixmap(size * scale, size * scale)
        px.setDevicePixelRatio(scale)
        px.fill(Qt.GlobalColor.transparent)
        p = QPainter(px)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
        font = QFont(QApplication.font())  # already app_font once apply_app_style ran
        font.setPixelSize(int(size * 0.5))
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text[:1])
        p.end()
        # Same picture when selected: Qt would otherwise tint it with the highlight colour.
        icon.addPixmap(px, QIcon.Mode.Normal)
        icon.addPixmap(px, QIcon.Mode.Selected)
    return icon


def set_role(widget, role: str) -> None:  # type: ignore[no-untyped-def]
    """Tag a label with a style role (error, ok, muted, title, subtitle) and re-polish it."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
