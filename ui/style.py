"""Look of the program: the CJK font fallback, a small style sheet and the navigation icons.

Kept light on purpose (imported on the way to the login window)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

# Windows first (YaHei UI has the tighter line height made for widgets), then Linux fallbacks.
CJK_FONT_FAMILIES = ["Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"]

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


def app_font(base: QFont) -> QFont:
    """``base`` with the CJK fallback list, at least 9 pt so Chinese stays readable."""
    font = QFont(base)
    font.setFamilies(CJK_FONT_FAMILIES + [f for f in base.families() if f not in CJK_FONT_FAMILIES])
    if font.pointSizeF() < 9:
        font.setPointSizeF(9)
    return font


def apply_app_style(app: QApplication) -> None:
    app.setFont(app_font(app.font()))
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
        font = app_font(QApplication.font())
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
