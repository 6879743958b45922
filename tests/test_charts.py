"""desk/charts.py: every chart renders to PNG with Chinese text in a CJK font, without pyplot,
in a worker thread, and with empty, zero and single-category data."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest

from desk import charts

ROOT = Path(__file__).resolve().parent.parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

NATURES = [("质量", 420), ("售后服务", 310), ("合同", 180), ("虚假宣传", 95), ("价格", 80),
           ("安全", 40), ("计量", 12), ("假冒", 3), ("人格尊严", 2), ("其他", 30)]
CATEGORIES = [("家用电子电器类", 120, 98), ("食品类", 88, 95), ("服装鞋帽类", 60, 0),
              ("交通工具类（含新能源汽车及其零部件配件）", 45, 50), ("日用商品类", 30, 30)]
MONTHS = [("1月", 120, 110), ("2月", 98, 90), ("3月", 143, 120), ("4月", 0, 0)]
THIS_YEAR = [120, 98, 143, 160, 151, 170, 188, 176, 165, None, None, None]
LAST_YEAR = [110, 105, 130, 128, 140, 150, 160, 170, 158, 149, 138, 160]


def _cases():
    return {
        "trend": lambda: charts.monthly_trend(THIS_YEAR, LAST_YEAR, 2026),
        "trend_empty": lambda: charts.monthly_trend([], [], 2026),
        "trend_zeros": lambda: charts.monthly_trend([0] * 12, [0] * 12, 2026),
        "trend_one_month": lambda: charts.monthly_trend([5], [], 2026),
        "nature": lambda: charts.nature_shares(NATURES),
        "nature_empty": lambda: charts.nature_shares([]),
        "nature_zeros": lambda: charts.nature_shares([("质量", 0), ("合同", 0)]),
        "nature_one": lambda: charts.nature_shares([("质量", 7)]),
        "categories": lambda: charts.category_bars(CATEGORIES, "商品类投诉"),
        "categories_empty": lambda: charts.category_bars([], "商品类投诉"),
        "categories_zeros": lambda: charts.category_bars([("食品类", 0, 0)], "商品类投诉"),
        "categories_one": lambda: charts.category_bars([("食品类", 3, 0)], "商品类投诉"),
        "rate": lambda: charts.resolution_rate(MONTHS),
        "rate_empty": lambda: charts.resolution_rate([]),
        "rate_zeros": lambda: charts.resolution_rate([("1月", 0, 0), ("2月", 0, 0)]),
        "rate_one": lambda: charts.resolution_rate([("2026Q3", 500, 463)]),
        "rate_year": lambda: charts.resolution_rate([(f"{m}月", 100 + m, 90 + m) for m in range(1, 13)]),
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


def test_labels_show_counts_shares_and_changes():
    nature = _texts(charts.nature_shares(NATURES))
    assert "420件  35.84%" in nature
    # 假冒 (0.26 %) and 人格尊严 (0.17 %) fold into the existing 其他 row: 30 + 3 + 2.
    assert "35件  2.99%" in nature
    assert "假冒" not in nature and "人格尊严" not in nature

    bars = _texts(charts.category_bars(CATEGORIES, "商品类投诉"))
    assert "同比 +22.45%" in bars
    assert "同比 -7.37%" in bars
    assert "同比 —" in bars  # last year 0: no division
    assert "同比 +0.00%" in bars
    long_name = next(t for t in bars if t.startswith("交通工具类"))
    assert long_name.endswith("…") and long_name.count("\n") == 1

    rate = _texts(charts.resolution_rate(MONTHS))
    assert {"91.67%", "91.84%", "83.92%"} <= set(rate)
    assert not [t for t in rate if "nan" in t.lower()]

    trend = _texts(charts.monthly_trend(THIS_YEAR, LAST_YEAR, 2026))
    assert "1月" in trend and "12月" in trend and "188" in trend
    assert "2026年" in trend and "2025年" in trend


def test_group_small_shares():
    rows = charts.group_small_shares([("甲", 995), ("乙", 3), ("丙", 2), ("丁", 0)])
    assert rows == [("甲", 995), ("其他", 5)]
    # A single small category stays as itself: grouping one row into 其他 only hides its name.
    assert charts.group_small_shares([("甲", 995), ("乙", 5)]) == [("甲", 995), ("乙", 5)]
    rows = charts.group_small_shares(NATURES)
    assert sum(c for _, c in rows) == sum(c for _, c in NATURES)
    assert charts.group_small_shares([("甲", 0)]) == []


def test_change_label():
    assert charts.change_label(5, 0) == "—"
    assert charts.change_label(0, 0) == "—"
    assert charts.change_label(0, 4) == "-100.00%"
    assert charts.change_label(3, 2) == "+50.00%"


def test_monthly_trend_rejects_thirteen_months():
    with pytest.raises(ValueError):
        charts.monthly_trend([1] * 13, [], 2026)


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
        assert FT2Font(path).family_name in charts.CJK_FONTS, (text.get_text(), path)


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
    charts.monthly_trend([1, 2, None], [3, 4], 2026),
    charts.nature_shares([("质量", 3)]),
    charts.category_bars([("食品类", 1, 2)], "分类"),
    charts.resolution_rate([("1月", 2, 1)]),
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
