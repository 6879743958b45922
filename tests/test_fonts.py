"""desk/fonts.py: with no Chinese font visible to matplotlib, chart work stops with a Chinese
message that says what to install (never boxes); a font list cached before the font was
installed is refreshed once; the briefing refuses to write; the dashboard says it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desk import briefing as br
from desk import charts, fonts
from desk.errors import DeskError
from desk.periods import parse_period


def _cjk(entry) -> bool:  # type: ignore[no-untyped-def]
    return entry.name in fonts.PREFERRED or fonts._has_glyphs(entry.fname)


@pytest.fixture
def no_cjk(monkeypatch) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """matplotlib sees no CJK font, and the system has none to add (yields the hidden files)."""
    from matplotlib import font_manager as fm

    hidden = [f.fname for f in fm.fontManager.ttflist if _cjk(f)]
    assert hidden, "the test machine has a CJK font to hide"
    monkeypatch.setattr(fm.fontManager, "ttflist", [f for f in fm.fontManager.ttflist if not _cjk(f)])
    monkeypatch.setattr(fm, "findSystemFonts", lambda *a, **k: [])
    fonts.reset()
    charts.reset_setup()
    yield hidden
    fonts.reset()
    charts.reset_setup()


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    yield
    fonts.reset()
    charts.reset_setup()


def test_no_cjk_font_gives_the_chinese_message_not_boxes(no_cjk) -> None:  # type: ignore[no-untyped-def]
    assert fonts.cjk_fonts() == ()
    with pytest.raises(fonts.NoCJKFont) as e:
        charts.nature_shares([("质量", 3, 100)])
    msg = str(e.value)
    assert "未找到中文字体" in msg and "方框" in msg and "微软雅黑" in msg and "fonts-noto-cjk" in msg


def test_a_stale_font_list_is_refreshed_once(no_cjk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from matplotlib import font_manager as fm

    # The font is on the system but not in matplotlib's cached list.
    monkeypatch.setattr(fm, "findSystemFonts", lambda *a, **k: list(no_cjk))
    fonts.reset()
    found = fonts.cjk_fonts()
    assert found and found[0] in fonts.PREFERRED
    assert fonts.require_cjk_font() == found[0]
    charts.png_bytes(charts.nature_shares([("质量", 3, 100)]))  # draws


def test_briefing_refuses_without_a_cjk_font(no_cjk, sqlite_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DeskError) as e:
        br.generate(sqlite_desk, parse_period("2026Q1"), tmp_path / "b.docx")
    assert "未找到中文字体" in str(e.value)
    assert not (tmp_path / "b.docx").exists()
    assert br.next_issue_number(sqlite_desk, 2026) == 1  # no number used up


def test_cli_says_it_in_chinese(no_cjk, sqlite_url: str, sqlite_desk, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from desk.cli import main

    assert main(["--db", sqlite_url, "briefing", "--period", "2026Q1", "--out", str(tmp_path / "b.docx")]) == 1
    err = capsys.readouterr().err
    assert "未找到中文字体" in err and "Traceback" not in err
