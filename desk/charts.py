"""Statistics charts for the dashboard and the briefing.

Plain data in, a matplotlib ``Figure`` out. Only the object API is used (never pyplot: charts are
drawn in worker threads, and pyplot keeps global state), and matplotlib is imported inside the
functions so that starting the program does not pay for it. A figure can be embedded in Qt with
``FigureCanvasQTAgg(fig)`` or written as PNG at 200 dpi for Word with :func:`save_png`.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CJK_FONTS",
    "NO_DATA_TEXT",
    "available_cjk_fonts",
    "category_bars",
    "monthly_trend",
    "nature_shares",
    "no_data_figure",
    "png_bytes",
    "resolution_rate",
    "save_png",
]

# Preferred Chinese fonts, in order: Windows ships the first two, Linux the last two.
CJK_FONTS: tuple[str, ...] = ("Microsoft YaHei", "SimHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei")
NO_DATA_TEXT = "本期无数据"

# 15 cm wide: the text width of an A4 page with the briefing's margins.
WIDTH_IN = 15 / 2.54
BASE_FONT_PT = 9.0

# One calm palette: this period / comparison / accent line.
COLOR_MAIN = "#2F6DB5"
COLOR_COMPARE = "#A9B8C9"
COLOR_ACCENT = "#D9822B"
COLOR_TEXT = "#333333"
COLOR_MUTED = "#777777"
COLOR_GRID = "#E3E3E3"

OTHER_LABEL = "其他"
SMALL_SHARE = 0.01  # nature slices under 1 % are grouped as 其他
NAME_WIDTH = 8  # Chinese characters per line in axis labels
NAME_LINES = 2

_setup_lock = threading.Lock()
_setup_done = False
_fonts_cache: tuple[str, ...] | None = None


def available_cjk_fonts() -> tuple[str, ...]:
    """The names from :data:`CJK_FONTS` that are installed, in preference order."""
    global _fonts_cache
    if _fonts_cache is None:
        from matplotlib import font_manager

        installed = {f.name for f in font_manager.fontManager.ttflist}
        _fonts_cache = tuple(name for name in CJK_FONTS if name in installed)
    return _fonts_cache


def _setup() -> None:
    """Configure matplotlib once: Chinese fonts first, ASCII minus sign. (Every figure gets its
    own Agg canvas in _new_figure, so the process-wide backend setting is left alone.)

    rcParams are process-wide, so this runs once under a lock rather than per chart (changing
    them while another thread draws would be a race)."""
    global _setup_done
    if _setup_done:
        return
    with _setup_lock:
        if _setup_done:
            return
        import matplotlib

        rc = matplotlib.rcParams
        fonts = list(available_cjk_fonts())
        rest = [f for f in rc["font.sans-serif"] if f not in fonts]
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = fonts + rest
        # CJK fonts often lack U+2212, which would draw as a box.
        rc["axes.unicode_minus"] = False
        _setup_done = True


def _new_figure(height_in: float) -> Figure:
    _setup()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_IN, height_in), layout="constrained", facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _style_axes(ax: Axes, *, grid_axis: str = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#BBBBBB")
    ax.tick_params(colors=COLOR_TEXT, labelsize=BASE_FONT_PT, length=0, pad=4)
    ax.grid(axis=grid_axis, color=COLOR_GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _title(fig: Figure, text: str) -> None:
    if text:
        fig.suptitle(text, fontsize=BASE_FONT_PT + 2, color=COLOR_TEXT)


def _short_name(name: str, width: int = NAME_WIDTH, lines: int = NAME_LINES) -> str:
    """Wrap a (Chinese, space-less) name into at most ``lines`` lines of ``width`` characters,
    ending with … when it is longer still, so long category names never push the plot away."""
    name = " ".join(str(name).split()) or "（未命名）"
    if len(name) <= width:
        return name
    limit = width * lines
    if len(name) > limit:
        name = name[: limit - 1] + "…"
    return "\n".join(name[i : i + width] for i in range(0, len(name), width))


def _pct(value: float) -> str:
    return f"{value:.2f}%"


def change_label(current: int, previous: int) -> str:
    """同比 as text: '+12.50%' / '-3.00%', or '—' when there is nothing to compare with."""
    if previous == 0:
        return "—"
    change = (current - previous) / previous * 100
    return f"{change:+.2f}%"


def _int_axis(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(integer=True, nbins=6))


def no_data_figure(title: str = "", height_in: float = 2.4) -> Figure:
    """A figure that says plainly there is nothing to show, instead of an empty frame."""
    fig = _new_figure(height_in)
    _title(fig, title)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, NO_DATA_TEXT, ha="center", va="center", fontsize=BASE_FONT_PT + 4,
            color=COLOR_MUTED, transform=ax.transAxes)
    return fig


def monthly_trend(this_year: Sequence[int | None], last_year: Sequence[int], year: int,
                  title: str | None = None) -> Figure:
    """Monthly counts this year (None for months not yet reached) against last year."""
    if title is None:
        title = f"{year}年与{year - 1}年各月投诉受理量"
    if len(this_year) > 12 or len(last_year) > 12:
        raise ValueError("每年最多 12 个月的数据")
    this = [None if v is None else int(v) for v in this_year] + [None] * (12 - len(this_year))
    last = [int(v or 0) for v in last_year]
    if all(v is None for v in this) and not last:
        return no_data_figure(title)
    fig = _new_figure(3.2)
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax)
    months = list(range(1, 13))
    if last:
        ax.plot(months[: len(last)], last, color=COLOR_COMPARE, linewidth=1.8, linestyle="--",
                marker="o", markersize=3.5, label=f"{year - 1}年")
    this_values = [math.nan if v is None else v for v in this]
    ax.plot(months, this_values, color=COLOR_MAIN, linewidth=2.2, marker="o", markersize=4.5,
            label=f"{year}年")
    for i, (m, v) in enumerate(zip(months, this, strict=True)):
        if v is not None:
            # Below the point when last year's line passes above it, so the label stays clear.
            below = i < len(last) and last[i] > v
            ax.annotate(str(v), (m, v), textcoords="offset points", xytext=(0, -7 if below else 6),
                        ha="center", va="top" if below else "bottom", fontsize=BASE_FONT_PT - 1.5,
                        color=COLOR_MAIN)
    ax.set_xticks(months, [f"{m}月" for m in months])
    ax.set_xlim(0.5, 12.5)
    top = max([v for v in this if v is not None] + last + [0])
    ax.set_ylim(0, max(top * 1.18, 1))
    _int_axis(ax)
    ax.set_ylabel("件", fontsize=BASE_FONT_PT, color=COLOR_MUTED, rotation=0, labelpad=10)
    ax.legend(frameon=False, fontsize=BASE_FONT_PT, loc="upper left", ncols=2)
    return fig


def group_small_shares(items: Sequence[tuple[str, int]], threshold: float = SMALL_SHARE
                       ) -> list[tuple[str, int]]:
    """Sort by count and merge categories under ``threshold`` of the total into 其他 (together
    with an existing 其他 row). Zero-count categories are dropped: they have no share to draw."""
    rows = [(str(name), int(count)) for name, count in items if int(count) > 0]
    total = sum(c for _, c in rows)
    if total == 0:
        return []
    kept: list[tuple[str, int]] = []
    other = 0
    small = [(n, c) for n, c in rows if c / total < threshold and n != OTHER_LABEL]
    for name, count in rows:
        if name == OTHER_LABEL or (len(small) > 1 and (name, count) in small):
            other += count
        else:
            kept.append((name, count))
    kept.sort(key=lambda r: r[1], reverse=True)
    if other:
        kept.append((OTHER_LABEL, other))
    return kept


def nature_shares(items: Sequence[tuple[str, int]], title: str = "投诉问题性质分布") -> Figure:
    """Share of each problem nature as horizontal bars labelled 'count件  share%'.

    Bars rather than a donut: ten categories with long names and several small slices are read
    far more easily along one axis than around a ring."""
    rows = group_small_shares(items)
    if not rows:
        return no_data_figure(title)
    total = sum(c for _, c in rows)
    fig = _new_figure(max(2.2, 0.9 + 0.34 * len(rows)))
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax, grid_axis="x")
    names = [_short_name(n) for n, _ in rows][::-1]
    counts = [c for _, c in rows][::-1]
    ys = list(range(len(rows)))
    bars = ax.barh(ys, counts, height=0.62, color=COLOR_MAIN)
    ax.set_yticks(ys, names)
    labels = [f"{c}件  {_pct(c / total * 100)}" for c in counts]
    ax.bar_label(bars, labels=labels, padding=4, fontsize=BASE_FONT_PT - 1, color=COLOR_TEXT)
    ax.set_xlim(0, max(counts) * 1.32)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    _int_axis(ax, "x")
    ax.tick_params(axis="x", labelsize=BASE_FONT_PT - 1, labelcolor=COLOR_MUTED)
    return fig


def category_bars(items: Sequence[tuple[str, int, int]], title: str,
                  current_label: str = "本期", previous_label: str = "去年同期") -> Figure:
    """Name, this period, same period last year: paired horizontal bars with 同比 labelled."""
    rows = [(str(n), int(a), int(b)) for n, a, b in items]
    if not rows:
        return no_data_figure(title)
    fig = _new_figure(max(2.4, 1.1 + 0.5 * len(rows)))
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax, grid_axis="x")
    n = len(rows)
    ys = [n - 1 - i for i in range(n)]  # first item on top
    h = 0.36
    cur = ax.barh([y + h / 2 for y in ys], [r[1] for r in rows], height=h, color=COLOR_MAIN,
                  label=current_label)
    prev = ax.barh([y - h / 2 for y in ys], [r[2] for r in rows], height=h, color=COLOR_COMPARE,
                   label=previous_label)
    small = BASE_FONT_PT - 1.5
    ax.bar_label(cur, padding=3, fontsize=small, color=COLOR_TEXT)
    ax.bar_label(prev, padding=3, fontsize=small, color=COLOR_MUTED)
    ax.set_yticks(ys, [_short_name(r[0]) for r in rows])
    top = max([max(r[1], r[2]) for r in rows] + [0])
    right = max(top, 1) * 1.45
    ax.set_xlim(0, right)
    ax.set_ylim(-0.7, n - 0.3)
    # 同比 in a column at the right edge, coloured by direction, so it never collides with bars.
    for (_, a, b), y in zip(rows, ys, strict=True):
        text = change_label(a, b)
        color = COLOR_MUTED if text == "—" or a == b else ("#C0392B" if a > b else "#2E8B57")
        ax.text(right, y, f"同比 {text}", ha="right", va="center", fontsize=BASE_FONT_PT - 1,
                color=color)
    _int_axis(ax, "x")
    ax.tick_params(axis="x", labelsize=BASE_FONT_PT - 1, labelcolor=COLOR_MUTED)
    ax.legend(frameon=False, fontsize=BASE_FONT_PT - 1, loc="lower center", ncols=2,
              bbox_to_anchor=(0.5, 1.0))
    return fig


def resolution_rate(periods: Sequence[tuple[str, int, int]], title: str = "投诉受理与解决情况"
                    ) -> Figure:
    """Received and resolved per period as bars, the resolution rate (%) as a line on a
    secondary axis. A period with nothing received has no rate and no point."""
    rows = [(str(n), int(a), int(b)) for n, a, b in periods]
    if not rows:
        return no_data_figure(title)
    fig = _new_figure(3.4)
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax)
    xs = list(range(len(rows)))
    w = 0.38 if len(rows) > 1 else 0.25
    rec = ax.bar([x - w / 2 for x in xs], [r[1] for r in rows], width=w, color=COLOR_MAIN,
                 label="受理")
    res = ax.bar([x + w / 2 for x in xs], [r[2] for r in rows], width=w, color=COLOR_COMPARE,
                 label="解决")
    small = BASE_FONT_PT - 2 if len(rows) > 8 else BASE_FONT_PT - 1.5
    ax.bar_label(rec, padding=2, fontsize=small, color=COLOR_TEXT)
    if len(rows) <= 8:
        # With a year of months the two numbers run into each other ("188186"); the resolved
        # count is then read from the rate label and the table instead.
        ax.bar_label(res, padding=2, fontsize=small, color=COLOR_MUTED)
    ax.set_xticks(xs, [_short_name(r[0], width=6) for r in rows])
    if len(rows) > 8:
        ax.tick_params(axis="x", labelsize=BASE_FONT_PT - 1)
    top = max([max(r[1], r[2]) for r in rows] + [0])
    # Bars stay in the lower ~60 %, where usual rates (80-100 %) leave their labels clear.
    ax.set_ylim(0, max(top, 1) * 1.7)
    ax.set_xlim(-0.7, len(rows) - 0.3)
    _int_axis(ax)
    ax.set_ylabel("件", fontsize=BASE_FONT_PT, color=COLOR_MUTED, rotation=0, labelpad=10)

    rate_ax = ax.twinx()
    rate_ax.spines["top"].set_visible(False)
    rate_ax.spines["left"].set_visible(False)
    rate_ax.spines["bottom"].set_visible(False)  # else it paints a black line over the light one
    rate_ax.spines["right"].set_color("#BBBBBB")
    rate_ax.tick_params(colors=COLOR_ACCENT, labelsize=BASE_FONT_PT - 1, length=0)
    rates = [r[2] / r[1] * 100 if r[1] else math.nan for r in rows]
    line = rate_ax.plot(xs, rates, color=COLOR_ACCENT, linewidth=2, marker="o", markersize=4.5,
                        label="解决率")
    for x, rate in zip(xs, rates, strict=True):
        if not math.isnan(rate):
            rate_ax.annotate(_pct(rate), (x, rate), textcoords="offset points", xytext=(0, 7),
                             ha="center", fontsize=small, color=COLOR_ACCENT,
                             bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                                   "alpha": 0.85})
    rate_ax.set_ylim(0, 112)
    rate_ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    rate_ax.set_ylabel("解决率", fontsize=BASE_FONT_PT, color=COLOR_ACCENT)
    handles = [rec, res, line[0]]
    ax.legend(handles, [h.get_label() for h in handles], frameon=False, fontsize=BASE_FONT_PT - 1,
              loc="lower center", ncols=3, bbox_to_anchor=(0.5, 1.0))
    return fig


def save_png(fig: Figure, path: str | Path, dpi: int = 200) -> Path:
    """Write ``fig`` as a PNG (200 dpi: sharp at 15 cm in Word) and return the path."""
    path = Path(path)
    fig.savefig(path, format="png", dpi=dpi, facecolor="white")
    return path


def png_bytes(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG bytes, for python-docx's ``add_picture(io.BytesIO(...))``."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()
