"""The program's icon: the shipped .ico/.png, the script that draws them, and the GUI using it."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image, ImageChops

import resources

ROOT = Path(__file__).resolve().parents[1]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]


def _make_icon() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icon", ROOT / "resources" / "icons" / "make_icon.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ico_frame(path: Path, n: int) -> Image.Image:
    with Image.open(path) as im:
        im.size = (n, n)  # IcoImageFile: choose the frame
        im.load()
        return im.convert("RGBA")


def test_ico_has_every_size_and_png_is_256() -> None:
    ico = resources.icon_path("cadesk.ico")
    with Image.open(ico) as im:
        assert im.format == "ICO"
        assert sorted(im.info["sizes"]) == [(n, n) for n in ICO_SIZES]
    for n in ICO_SIZES:
        frame = _ico_frame(ico, n)
        assert frame.size == (n, n)
        # Opaque in the middle, transparent in the corner (a rounded square, not a box).
        assert frame.getpixel((n // 2, n // 2))[3] == 255
        assert frame.getpixel((0, 0))[3] < 128
    with Image.open(resources.icon_path("cadesk.png")) as png:
        assert png.format == "PNG" and png.size == (256, 256) and png.mode == "RGBA"


def test_shipped_files_are_what_the_script_draws(tmp_path: Path) -> None:
    """Catches an edit to make_icon.py without regenerating (or a hand-edited icon)."""
    ico, png = _make_icon().write(tmp_path)
    for n in ICO_SIZES:
        diff = ImageChops.difference(_ico_frame(ico, n), _ico_frame(resources.icon_path("cadesk.ico"), n))
        assert max(hi for _, hi in diff.getextrema()) <= 8, f"{n} px differs: run resources/icons/make_icon.py"
    with Image.open(png) as new, Image.open(resources.icon_path("cadesk.png")) as old:
        diff = ImageChops.difference(new.convert("RGBA"), old.convert("RGBA"))
        assert max(hi for _, hi in diff.getextrema()) <= 8


def test_small_sizes_are_drawn_not_scaled_down() -> None:
    """The 16 px frame is its own drawing (bigger shield, thicker tick), not the 256 px one shrunk."""
    ico = resources.icon_path("cadesk.ico")
    shrunk = _ico_frame(ico, 256).resize((16, 16), Image.Resampling.LANCZOS)
    diff = ImageChops.difference(_ico_frame(ico, 16), shrunk)
    assert max(hi for _, hi in diff.getextrema()) > 40


@pytest.mark.gui
def test_app_icon_is_loaded(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.style import app_icon

    icon = app_icon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(16, 16), (32, 32), (256, 256)} <= sizes
    assert not icon.pixmap(16, 16).isNull()


@pytest.mark.gui
def test_application_and_its_windows_carry_the_icon() -> None:
    # In a child process: create_application installs a translator, style and quit policy that
    # must not leak into the other GUI tests sharing this process's QApplication.
    code = (
        "import json\n"
        "from PySide6.QtWidgets import QWidget\n"
        "from ui.app import create_application\n"
        "app = create_application([])\n"
        "w = QWidget()\n"
        "print(json.dumps({'app': app.windowIcon().isNull(), 'window': w.windowIcon().isNull(),\n"
        "                  'sizes': [s.width() for s in app.windowIcon().availableSizes()]}))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["app"] is False and result["window"] is False
    assert 16 in result["sizes"] and 256 in result["sizes"]
