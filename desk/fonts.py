"""Finding a Chinese font for the charts (no Qt here: the dashboard and the briefing both call it).

matplotlib draws every character it cannot find in the chosen font as a box (□), silently. That
happens on a machine without a CJK font, and also when matplotlib's font list was cached before
the font was installed (the list is only rebuilt when matplotlib is upgraded). So before any
chart work, ``require_cjk_font`` looks for a font from ``PREFERRED`` in matplotlib's list; if
none is there it adds the system's font files the list does not know yet (once per process) and
looks again, also accepting any font that has Chinese glyphs. With none at all it raises
``NoCJKFont`` (a ``DeskError``) whose message says what to install; the briefing then refuses to
write and the dashboard shows the message instead of charts."""

from __future__ import annotations

import threading
from typing import Any

from desk.errors import DeskError

# Windows ships the first two; macOS the PingFang/Heiti pair; Linux the Noto/WenQuanYi ones.
PREFERRED: tuple[str, ...] = (
    "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Noto Sans CJK SC", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
)
_PROBE = "中国消费者"  # characters every usable font must have

MISSING_MESSAGE = (
    "未找到中文字体，统计图中的汉字会显示为方框，因此暂不能绘制图表和生成简报。"
    "请安装中文字体后重新启动程序：Windows 系统请确认已安装“微软雅黑”或“黑体”"
    "（控制面板 → 字体）；Linux 系统请安装 fonts-noto-cjk 或 fonts-wqy-microhei 软件包。"
)


class NoCJKFont(DeskError):
    """No font with Chinese glyphs is visible to matplotlib."""

    def __init__(self) -> None:
        super().__init__(MISSING_MESSAGE)


_lock = threading.Lock()
_found: tuple[str, ...] | None = None
_rescanned = False


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
        return all(font.get_char_index(ord(ch)) for ch in _PROBE)
    except (OSError, RuntimeError, ValueError):
        return False


def _search(fm: Any, *, any_font: bool) -> tuple[str, ...]:
    entries = fm.fontManager.ttflist
    names = {f.name for f in entries}
    found = [n for n in PREFERRED if n in names]
    if not found and any_font:
        # No preferred name: any installed font with the glyphs (e.g. 宋体 / Source Han Serif).
        seen: set[str] = set()
        for f in entries:
            if f.name not in seen and _has_glyphs(f.fname):
                seen.add(f.name)
                found.append(f.name)
    return tuple(found)


def _add_new_system_fonts(fm: Any) -> int:
    """Add the system font files matplotlib's (possibly stale) cached list does not have."""
    known = {f.fname for f in fm.fontManager.ttflist}
    added = 0
    for path in fm.findSystemFonts():
        if path not in known:
            try:
                fm.fontManager.addfont(path)
                added += 1
            except (OSError, RuntimeError, ValueError):
                continue  # an unreadable file is not a reason to fail
    return added


def cjk_fonts() -> tuple[str, ...]:
    """Names of the CJK fonts matplotlib can use, preferred first; () when there is none.
    The font list is rescanned once per process if it has no CJK font."""
    global _found, _rescanned
    if _found:
        return _found
    with _lock:
        if _found:
            return _found
        from matplotlib import font_manager as fm

        found = _search(fm, any_font=False)
        if not found and not _rescanned:
            _rescanned = True
            if _add_new_system_fonts(fm):
                found = _search(fm, any_font=False)
        if not found:
            found = _search(fm, any_font=True)
        _found = found or None
        return found


def require_cjk_font() -> str:
    """The first usable CJK font's name, or ``NoCJKFont`` with what to install."""
    found = cjk_fonts()
    if not found:
        raise NoCJKFont()
    return found[0]


def reset() -> None:
    """Forget what was found (tests, or after the user installed a font)."""
    global _found, _rescanned
    with _lock:
        _found = None
        _rescanned = False
