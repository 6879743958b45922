"""desk/charts.py: every chart renders to PNG with Chinese text in a CJK font, without pyplot,
in a worker thread, and with empty, zero and single-category data."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from desk import charts, fonts

ROOT = Path(__file__).resolve().parent.parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Shares, rates and 同比 texts come from desk.stats already rounded; the charts print them as given.
NATURES = [("质量", 420, Decimal("35.84")), ("售后服务", 310, Decimal("26.45")), ("合同", 180, Decimal("15.36")),
           ("虚假宣传", 95, Decimal("8.11")), ("价格", 80, Decimal("6.83")), ("安全", 40, Decimal("3.41")),
           ("计量", 12, Decimal("1.02")), ("假冒", 3, Decimal("0.26")), ("人格尊严", 2, Decimal("0.17")),
           ("其他", 30, Decimal("2.56"))]
CATEGORIES = [("家用电子电器类", 120, 98, "+22.45%"), ("食品类", 88, 95, "-7.37%"), ("服装鞋帽类", 60, 0, "—"),
              ("交通工具类（含新能源汽车及其零部件配件）", 45, 50, "-10.00%"), ("日用商品类", 30, 30, "+0.00%"),
              ("房屋装修及物业服务类", 12, 10, "+20.00%")]
MONTHS = [("1月", 120, 110, Decimal("91.67")), ("2月", 98, 90, Decimal("91.84")), ("3月", 143, 120, Decimal("83.92")),
          ("4月", 0, 0, None)]
LABELS = [f"{m}月" for m in range(1, 13)]
THIS_YEAR = [120, 98, 143, 160, 151, 170, 188, 176, 165, 150, 140, 158]
LAST_YEAR = [110, 105, 130, 128, 140, 150, 160, 170, 158, 149, 138, 160]


def _cases():
    return {
        "trend": lambda: charts.monthly_trend(LABELS, THIS_YEAR, LAST_YEAR),
        "trend_empty": lambda: charts.monthly_trend([], [], []),
        "trend_zeros": lambda: charts.monthly_trend(LABELS, [0] * 12, [0] * 12),
        "trend_quarter": lambda: charts.monthly_trend(["4月", "5月", "6月"], [27, 24, 22], [27, 27, 23]),
        "trend_one_month": lambda: charts.monthly_trend(["7月"], [5], [0]),
        "nature": lambda: charts.nature_shares(NATURES),
        "nature_empty": lambda: charts.nature_shares([]),
        "nature_zeros": lambda: charts.nature_shares([("质量", 0, Decimal(0)), ("合同", 0, Decimal(0))]),
        "nature_one": lambda: charts.nature_shares([("质量", 7, Decimal("100.00"))]),
        "categories": lambda: charts.category_bars(CATEGORIES, "商品类投诉"),
        "categories_empty": lambda: charts.category_bars([], "商品类投诉"),
        "categories_zeros": lambda: charts.category_bars([("食品类", 0, 0, "—")], "商品类投诉"),
        "categories_one": lambda: charts.category_bars([("食品类", 3, 0, "—")], "商品类投诉"),
        "rate": lambda: charts.resolution_rate(MONTHS),
        "rate_empty": lambda: charts.resolution_rate([]),
        "rate_zeros": lambda: charts.resolution_rate([("1月", 0, 0, None), ("2月", 0, 0, None)]),
        "rate_one": lambda: charts.resolution_rate([("2026Q3", 500, 463, Decimal("92.60"))]),
        "rate_over_100": lambda: charts.resolution_rate([("本期", 119, 122, Decimal("102.52"))]),
        "rate_year": lambda: charts.resolution_rate([(f"{m}月", 100 + m, 90 + m, Decimal("90.00")) for m in range(1, 13)]),
    }


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("name", sorted(_cases()))
def test_chart_renders_png(name):
    fig = _cases()[name]()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = charts.png_bytes(fig)
    # A glyph missing from every font in the list is what prints as tofu boxes.
    assert not [w for w in caught if "missing from" in str(w.message)], [str(w.message) for w in caught]
    width, height = _png_size(data)
    # 15 cm at 200 dpi, as inserted into the briefing.
    assert abs(width - round(15 / 2.54 * 200)) <= 2
    assert 300 <= height <= 2400
    assert len(data) > 5_000


def test_empty_data_says_so():
    for name in ("trend_empty", "nature_empty", "nature_zeros", "categories_empty", "rate_empty"):
        assert charts.NO_DATA_TEXT in _texts(_cases()[name]()), name
    assert charts.NO_DATA_TEXT not in _texts(_cases()["nature"]())


def test_labels_show_the_given_numbers():
    nature = _texts(charts.nature_shares(NATURES))
    # Every nature with its own count and the table's share, none folded away.
    assert "420件 35.84%" in nature and "3件 0.26%" in nature and "2件 0.17%" in nature
    assert "假冒" in nature and "人格尊严" in nature
    # A share is printed as given, never re-rounded from the counts (8.235 → 8.23 stays 8.23).
    assert "7件 8.23%" in _texts(charts.nature_shares([("价格", 7, Decimal("8.23")), ("质量", 78, Decimal("91.76"))]))

    bars = _texts(charts.category_bars(CATEGORIES, "商品类投诉"))
    for text in ("同比+22.45%", "同比-7.37%", "同比—", "同比+0.00%"):
        assert text in bars
    long_name = next(t for t in bars if t.startswith("交通工具"))
    assert long_name.endswith("…") and long_name.count("\n") == 1
    # Labels break at a word boundary, not inside 服务.
    assert "房屋装修及\n物业服务类" in bars

    rate = _texts(charts.resolution_rate(MONTHS))
    assert {"91.67%", "91.84%", "83.92%"} <= set(rate)
    assert not [t for t in rate if "nan" in t.lower()]
    assert "102.52%" in _texts(charts.resolution_rate([("本期", 119, 122, Decimal("102.52"))]))

    trend = _texts(charts.monthly_trend(LABELS, THIS_YEAR, LAST_YEAR))
    assert "1月" in trend and "12月" in trend and "188" in trend
    assert "本期" in trend and "去年同期" in trend
    quarter = _texts(charts.monthly_trend(["4月", "5月", "6月"], [27, 24, 22], [27, 27, 23]))
    assert "4月" in quarter and "6月" in quarter and "1月" not in quarter and "12月" not in quarter


def test_wrap_name_breaks_at_word_boundaries():
    assert charts.wrap_name("文化、娱乐、体育服务") == "文化、娱乐、\n体育服务"
    assert charts.wrap_name("首饰及文体用品类") == "首饰及\n文体用品类"
    assert charts.wrap_name("家用电子电器类") == "家用电子\n电器类"
    assert charts.wrap_name("食品类") == "食品类"


def test_monthly_trend_needs_matching_lengths():
    with pytest.raises(ValueError):
        charts.monthly_trend(["1月", "2月"], [1], [1, 2])


def test_chinese_text_uses_a_cjk_font():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    available = charts.available_cjk_fonts()
    assert available, "no font from the fallback list is installed (fonts-wqy-microhei here)"
    fig = charts.category_bars(CATEGORIES, "商品类投诉")
    charts.png_bytes(fig)
    from matplotlib.text import Text

    chinese = [t for t in fig.findobj(Text) if any("\u4e00" <= ch <= "\u9fff" for ch in t.get_text())]
    assert len(chinese) >= 5
    for text in chinese:
        path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert "dejavu" not in path.lower(), (text.get_text(), path)
        assert FT2Font(path).family_name in fonts.PREFERRED, (text.get_text(), path)


def test_renders_in_a_worker_thread():
    results: dict[str, object] = {}

    def work():
        try:
            results["png"] = charts.png_bytes(charts.nature_shares(NATURES))
        except Exception as exc:  # surfaced by the assertion below
            results["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert "error" not in results, results.get("error")
    assert results["png"][:8] == PNG_MAGIC


def test_save_png(tmp_path):
    path = charts.save_png(charts.resolution_rate(MONTHS), tmp_path / "rate.png")
    assert path.read_bytes()[:8] == PNG_MAGIC


_SUBPROCESS = r"""
import sys
import desk.charts as charts
assert "matplotlib" not in sys.modules, "importing desk.charts must not import matplotlib"
figs = [
    charts.monthly_trend(["1月", "2月"], [1, None], [3, 4]),
    charts.nature_shares([("质量", 3, 100)]),
    charts.category_bars([("食品类", 1, 2, "-50.00%")], "分类"),
    charts.resolution_rate([("1月", 2, 1, 50)]),
    charts.no_data_figure("空"),
]
for fig in figs:
    assert charts.png_bytes(fig)[:4] == b"\x89PNG"
assert "matplotlib" in sys.modules
assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
print("ok")
"""


def test_no_pyplot_and_lazy_import():
    proc = subprocess.run([sys.executable, "-c", _SUBPROCESS], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
