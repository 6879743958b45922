"""Statistics charts for the dashboard and the briefing.

Numbers come in already computed and rounded by ``desk.stats`` (shares, rates, 同比 texts), so a
chart label is always the same figure as the table beside it; nothing is recomputed here.

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
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "NO_DATA_TEXT",
    "available_cjk_fonts",
    "category_bars",
    "monthly_trend",
    "nature_shares",
    "no_data_figure",
    "png_bytes",
    "resolution_rate",
    "save_png",
    "wrap_name",
]

NO_DATA_TEXT = "本期无数据"

# 15 cm wide: the text width of an A4 page with the briefing's margins.
WIDTH_IN = 15 / 2.54
BASE_FONT_PT = 9.0
# The briefing's charts are kept low (about 48 mm at 15 cm wide): a picture that does not fit
# below the text moves to the next page and leaves the gap empty, so a tall one empties pages.
BRIEF_HEIGHT_IN = 1.9

# One calm palette: this period / comparison / accent line.
COLOR_MAIN = "#2F6DB5"
COLOR_COMPARE = "#A9B8C9"
COLOR_ACCENT = "#D9822B"
COLOR_TEXT = "#333333"
COLOR_MUTED = "#777777"
COLOR_GRID = "#E3E3E3"
COLOR_UP = "#C0392B"
COLOR_DOWN = "#2E8B57"

NAME_WIDTH = 6  # Chinese characters per line in axis labels
NAME_LINES = 2
# A label breaks after these characters (房屋装修及/物业服务类, 文化、娱乐、/体育服务) or before
# these words (家用电子/电器类), never inside a word when it can be helped.
_BREAK_AFTER = "及和、与，"
_BREAK_BEFORE = ("服务", "用品", "电器", "设备", "产品", "商品", "饮料", "材料", "配件")

_setup_lock = threading.Lock()
_setup_done = False

Number = Decimal | int | float


def available_cjk_fonts() -> tuple[str, ...]:
    """The CJK fonts matplotlib can use, preferred first (``desk.fonts``)."""
    from desk import fonts

    return fonts.cjk_fonts()


def _setup() -> None:
    """Configure matplotlib once: a Chinese font first (``NoCJKFont`` when there is none, rather
    than drawing boxes), ASCII minus sign. (Every figure gets its own Agg canvas in _new_figure,
    so the process-wide backend setting is left alone.)

    rcParams are process-wide, so this runs once under a lock rather than per chart (changing
    them while another thread draws would be a race)."""
    global _setup_done
    if _setup_done:
        return
    from desk import fonts

    fonts.require_cjk_font()
    with _setup_lock:
        if _setup_done:
            return
        import matplotlib

        rc = matplotlib.rcParams
        found = list(fonts.cjk_fonts())
        rest = [f for f in rc["font.sans-serif"] if f not in found]
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = found + rest
        # CJK fonts often lack U+2212, which would draw as a box.
        rc["axes.unicode_minus"] = False
        _setup_done = True


def reset_setup() -> None:
    """Configure fonts again on the next chart (tests, or after a font was installed)."""
    global _setup_done
    with _setup_lock:
        _setup_done = False


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
    ax.tick_params(colors=COLOR_TEXT, labelsize=BASE_FONT_PT, length=0, pad=3)
    ax.grid(axis=grid_axis, color=COLOR_GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def _title(fig: Figure, text: str) -> None:
    if text:
        fig.suptitle(text, fontsize=BASE_FONT_PT + 1, color=COLOR_TEXT)


def wrap_name(name: str, width: int = NAME_WIDTH, lines: int = NAME_LINES) -> str:
    """A (Chinese, space-less) name on at most ``lines`` lines of about ``width`` characters,
    broken at a word boundary where there is one (after 及/和/、, before 服务/用品 …), ending
    with … when it is longer still, so long category names never push the plot away."""
    name = " ".join(str(name).split()) or "（未命名）"
    out: list[str] = []
    rest = name
    while rest and len(out) < lines:
        if len(rest) <= width:
            out.append(rest)
            rest = ""
            break
        if len(out) == lines - 1:
            out.append(rest[: width - 1] + "…")
            rest = ""
            break
        cut = _break_at(rest, width)
        out.append(rest[:cut])
        rest = rest[cut:]
    return "\n".join(out)


def _break_at(text: str, width: int) -> int:
    """Where to break ``text`` so the first line has at most ``width`` characters (one more for
    a trailing 、): the last 及/和/、 boundary, else the last word start, else at ``width``."""
    after = [i for i in range(2, min(len(text) - 1, width + 1) + 1)
             if text[i - 1] in _BREAK_AFTER and (i <= width or text[i - 1] == "、")]
    if after:
        return after[-1]
    before = [i for i in range(2, min(len(text) - 1, width) + 1) if any(text.startswith(w, i) for w in _BREAK_BEFORE)]
    return before[-1] if before else width


def _pct(value: Number) -> str:
    """'24.68%' from a share already rounded by desk.stats (Decimal) — never re-rounded here."""
    return f"{Decimal(str(value)):.2f}%"


def _int_axis(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(integer=True, nbins=4))


def no_data_figure(title: str = "", height_in: float = BRIEF_HEIGHT_IN) -> Figure:
    """A figure that says plainly there is nothing to show, instead of an empty frame."""
    fig = _new_figure(height_in)
    _title(fig, title)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, NO_DATA_TEXT, ha="center", va="center", fontsize=BASE_FONT_PT + 3,
            color=COLOR_MUTED, transform=ax.transAxes)
    return fig


def _legend(ax: Axes, handles: list[Any] | None = None, ncols: int = 2) -> None:
    kw: dict[str, Any] = {"frameon": False, "fontsize": BASE_FONT_PT - 1, "loc": "lower right",
                          "ncols": ncols, "bbox_to_anchor": (1.0, 1.0), "borderaxespad": 0.1,
                          "handlelength": 1.4, "columnspacing": 1.0}
    if handles is None:
        ax.legend(**kw)
    else:
        ax.legend(handles, [h.get_label() for h in handles], **kw)


def monthly_trend(labels: Sequence[str], this_period: Sequence[int | None], last_year: Sequence[int],
                  title: str = "各月投诉受理量", *, current_label: str = "本期", previous_label: str = "去年同期",
                  height_in: float = BRIEF_HEIGHT_IN) -> Figure:
    """Accepted complaints per month of the period (None: no figure) against the same months a
    year earlier: paired columns for up to six months, lines for more."""
    n = len(labels)
    if len(this_period) != n or len(last_year) != n:
        raise ValueError("每个月份都应有本期和去年同期的数据")
    this = [None if v is None else int(v) for v in this_period]
    last = [int(v or 0) for v in last_year]
    if n == 0:
        return no_data_figure(title, height_in)
    fig = _new_figure(height_in)
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax)
    xs = list(range(n))
    small = BASE_FONT_PT - 1.5
    top = max([v for v in this if v is not None] + last + [0])
    if n <= 6:
        w = 0.36
        prev = ax.bar([x - w / 2 for x in xs], last, width=w, color=COLOR_COMPARE, label=previous_label)
        cur = ax.bar([x + w / 2 for x in xs], [v or 0 for v in this], width=w, color=COLOR_MAIN,
                     label=current_label)
        ax.bar_label(prev, padding=1, fontsize=small, color=COLOR_MUTED)
        ax.bar_label(cur, labels=["" if v is None else str(v) for v in this], padding=1, fontsize=small,
                     color=COLOR_TEXT)
        ax.set_xlim(-0.6, n - 0.4)
    else:
        ax.plot(xs, last, color=COLOR_COMPARE, linewidth=1.6, linestyle="--", marker="o", markersize=3,
                label=previous_label)
        ax.plot(xs, [math.nan if v is None else v for v in this], color=COLOR_MAIN, linewidth=2,
                marker="o", markersize=3.5, label=current_label)
        for x, v, ly in zip(xs, this, last, strict=True):
            if v is not None:
                # Below the point when last year's line passes above it, so the label stays clear.
                below = ly > v
                ax.annotate(str(v), (x, v), textcoords="offset points", xytext=(0, -5 if below else 4),
                            ha="center", va="top" if below else "bottom", fontsize=small, color=COLOR_MAIN)
        ax.set_xlim(-0.5, n - 0.5)
    ax.set_xticks(xs, list(labels))
    if n > 8:
        ax.tick_params(axis="x", labelsize=BASE_FONT_PT - 1.5)
    ax.set_ylim(0, max(top * 1.25, 1))
    _int_axis(ax)
    ax.set_ylabel("件", fontsize=BASE_FONT_PT - 1, color=COLOR_MUTED, rotation=0, labelpad=8)
    _legend(ax)
    return fig


def nature_shares(items: Sequence[tuple[str, int, Number]], title: str = "投诉问题性质分布",
                  height_in: float = BRIEF_HEIGHT_IN) -> Figure:
    """Each problem nature as a column labelled 'count件' and its share, most first. The shares
    are the table's (desk.stats, already rounded); zero-count natures are left out."""
    rows = sorted(((str(n), int(c), s) for n, c, s in items if int(c) > 0), key=lambda r: -r[1])
    if not rows:
        return no_data_figure(title, height_in)
    fig = _new_figure(height_in)
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax)
    xs = list(range(len(rows)))
    bars = ax.bar(xs, [c for _, c, _s in rows], width=0.58, color=COLOR_MAIN)
    ax.bar_label(bars, labels=[f"{c}件 {_pct(s)}" for _, c, s in rows], padding=1.5,
                 fontsize=BASE_FONT_PT - 2 if len(rows) > 7 else BASE_FONT_PT - 1.5, color=COLOR_TEXT)
    ax.set_xticks(xs, [wrap_name(n, 4) for n, _c, _s in rows])
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylim(0, max(c for _, c, _s in rows) * 1.25)
    _int_axis(ax)
    ax.tick_params(axis="y", labelsize=BASE_FONT_PT - 1.5, labelcolor=COLOR_MUTED)
    return fig


def category_bars(items: Sequence[tuple[str, int, int, str]], title: str, current_label: str = "本期",
                  previous_label: str = "去年同期", height_in: float = BRIEF_HEIGHT_IN + 0.2) -> Figure:
    """Name, this period, same period last year, 同比 text (desk.stats, as the tables print it):
    paired columns per category with 同比 above each pair."""
    rows = [(str(n), int(a), int(b), str(t)) for n, a, b, t in items]
    if not rows:
        return no_data_figure(title, height_in)
    fig = _new_figure(height_in)
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax)
    n = len(rows)
    xs = list(range(n))
    w = 0.36
    cur = ax.bar([x - w / 2 for x in xs], [r[1] for r in rows], width=w, color=COLOR_MAIN, label=current_label)
    prev = ax.bar([x + w / 2 for x in xs], [r[2] for r in rows], width=w, color=COLOR_COMPARE,
                  label=previous_label)
    small = BASE_FONT_PT - 2
    ax.bar_label(cur, padding=1, fontsize=small, color=COLOR_TEXT)
    ax.bar_label(prev, padding=1, fontsize=small, color=COLOR_MUTED)
    ax.set_xticks(xs, [wrap_name(r[0]) for r in rows])
    ax.tick_params(axis="x", labelsize=BASE_FONT_PT - 1.5)
    top = max([max(r[1], r[2]) for r in rows] + [1])
    ax.set_ylim(0, top * 1.5)
    ax.set_xlim(-0.6, n - 0.4)
    # 同比 above each pair, coloured by direction, clear of the value labels.
    for (_, a, b, text), x in zip(rows, xs, strict=True):
        color = COLOR_MUTED if text == "—" or a == b else (COLOR_UP if a > b else COLOR_DOWN)
        ax.text(x, top * 1.32, f"同比{text}", ha="center", va="bottom", fontsize=small, color=color)
    _int_axis(ax)
    ax.tick_params(axis="y", labelsize=BASE_FONT_PT - 1.5, labelcolor=COLOR_MUTED)
    _legend(ax)
    return fig


def resolution_rate(periods: Sequence[tuple[str, int, int, Number | None]], title: str = "投诉受理与解决情况",
                    height_in: float = BRIEF_HEIGHT_IN) -> Figure:
    """Accepted and resolved per period as columns, the resolution rate (desk.stats' Decimal,
    None when nothing was accepted) as a line on a secondary axis, labelled as the tables print it."""
    rows = [(str(n), int(a), int(b), None if r is None else Decimal(str(r))) for n, a, b, r in periods]
    if not rows:
        return no_data_figure(title, height_in)
    fig = _new_figure(height_in)
    _title(fig, title)
    ax = fig.add_subplot()
    _style_axes(ax)
    xs = list(range(len(rows)))
    w = 0.34 if len(rows) > 1 else 0.22
    rec = ax.bar([x - w / 2 for x in xs], [r[1] for r in rows], width=w, color=COLOR_MAIN, label="受理")
    res = ax.bar([x + w / 2 for x in xs], [r[2] for r in rows], width=w, color=COLOR_COMPARE, label="解决")
    small = BASE_FONT_PT - 2 if len(rows) > 8 else BASE_FONT_PT - 1.5
    ax.bar_label(rec, padding=1, fontsize=small, color=COLOR_TEXT)
    if len(rows) <= 8:
        # With a year of months the two numbers run into each other ("188186"); the resolved
        # count is then read from the rate label and the table instead.
        ax.bar_label(res, padding=1, fontsize=small, color=COLOR_MUTED)
    ax.set_xticks(xs, [wrap_name(r[0], 6) for r in rows])
    if len(rows) > 8:
        ax.tick_params(axis="x", labelsize=BASE_FONT_PT - 1.5)
    top = max([max(r[1], r[2]) for r in rows] + [0])
    # Bars stay in the lower ~60 %, where usual rates (80-100 %) leave their labels clear.
    ax.set_ylim(0, max(top, 1) * 1.7)
    ax.set_xlim(-0.6, len(rows) - 0.4)
    _int_axis(ax)
    ax.tick_params(axis="y", labelsize=BASE_FONT_PT - 1.5)
    ax.set_ylabel("件", fontsize=BASE_FONT_PT - 1, color=COLOR_MUTED, rotation=0, labelpad=8)

    rate_ax = ax.twinx()
    rate_ax.spines["top"].set_visible(False)
    rate_ax.spines["left"].set_visible(False)
    rate_ax.spines["bottom"].set_visible(False)  # else it paints a black line over the light one
    rate_ax.spines["right"].set_color("#BBBBBB")
    rate_ax.tick_params(colors=COLOR_ACCENT, labelsize=BASE_FONT_PT - 1.5, length=0)
    rates = [math.nan if r[3] is None else float(r[3]) for r in rows]
    line = rate_ax.plot(xs, rates, color=COLOR_ACCENT, linewidth=2, marker="o", markersize=4, label="解决率")
    for x, r in zip(xs, rows, strict=True):
        if r[3] is not None:
            rate_ax.annotate(_pct(r[3]), (x, float(r[3])), textcoords="offset points", xytext=(0, 5),
                             ha="center", fontsize=small, color=COLOR_ACCENT,
                             bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85})
    high = max([v for v in rates if not math.isnan(v)] + [100])
    rate_ax.set_ylim(0, max(112, high * 1.15))  # a rate above 100 % stays inside the plot
    ticks = [0, 50, 100] + ([150] if high > 130 else [])
    rate_ax.set_yticks(ticks, [f"{t}%" for t in ticks])
    handles = [rec, res, line[0]]
    _legend(ax, handles, ncols=3)
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
