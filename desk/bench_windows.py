"""Benchmark of the Windows delivery issue: the installed program under Wine.

- ``win_startup_s``: cold start of the installed ``cadesk.exe`` to its login window (second
  start, warm file cache), in a fresh Wine prefix with an office database.
- ``win_bare_qt_s``: a bare PySide6 window started with the same embedded Python, same prefix;
  ``win_startup_ratio`` is the quotient.
- ``win_install_s``, ``win_installed_mb``, ``win_installer_mb``: the silent install and sizes.

Needs the installer (``CADESK_WIN_INSTALLER``, as .ci/run builds it with
packaging/build_windows.sh), Wine, Xvfb and xdotool, and a source checkout (the Wine helpers live
in packaging/winetest.py). Elsewhere it is reported as not run.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

from desk.bench import BenchRun, BenchUnavailable, benchmark

_WINETEST = Path(__file__).resolve().parents[1] / "packaging" / "winetest.py"


def _winetest() -> ModuleType:
    if not _WINETEST.is_file():
        raise BenchUnavailable("需要源代码目录中的 packaging/winetest.py（安装版中不可用）")
    spec = importlib.util.spec_from_file_location("cadesk_winetest", _WINETEST)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@benchmark("windows", targets={"win_startup_s": 3.0, "win_startup_ratio": 4.0},
           description="Wine 中安装 Windows 版并测量启动到登录窗口的时间（对比空白 PySide6 窗口）")  # fmt: skip
def _windows(run: BenchRun) -> Mapping[str, float]:
    installer = os.environ.get("CADESK_WIN_INSTALLER", "")
    if not installer or not Path(installer).is_file():
        raise BenchUnavailable("请设置 CADESK_WIN_INSTALLER 为安装程序路径（packaging/build_windows.sh 生成）")
    wt = _winetest()
    if missing := wt.missing_tools():
        raise BenchUnavailable("缺少：" + "、".join(missing))
    tmp = Path(tempfile.mkdtemp(prefix="cadesk-wine-bench-"))
    xvfb = wt.Xvfb()
    wine = wt.Wine(tmp / "prefix", display=xvfb.display)
    try:
        wine.boot()
        result = wine.run(installer, "/S")
        if result.returncode != 0:
            raise BenchUnavailable(f"静默安装失败（退出代码 {result.returncode}）：{result.output[-500:]}")
        installed = wt.per_user_install(wine)
        wine.install_icu_stub(installed.qt6core)
        wine.run(installed.admin, "init", "--office-code", "TH", "--office-name", "太和县消费者协会",
                 "--admin", "admin", "--admin-name", "管理员", "--admin-password-stdin",
                 stdin="bench-admin-pass-1\n").check()  # fmt: skip
        figures = dict(wt.measure_startup(wine, xvfb, installed))
        files = [p for p in installed.root.rglob("*") if p.is_file()]
        return {
            "win_startup_s": figures["win_startup_s"],
            "win_startup_cold_s": figures["cadesk_cold_s"],
            "win_bare_qt_s": figures["win_bare_qt_s"],
            "win_startup_ratio": figures["win_startup_ratio"],
            "win_install_s": result.seconds,
            "win_installed_mb": sum(p.stat().st_size for p in files) / 2**20,
            "win_installed_files": float(len(files)),
            "win_installer_mb": Path(installer).stat().st_size / 2**20,
        }
    finally:
        wine.kill_all()
        xvfb.stop()
        shutil.rmtree(tmp, ignore_errors=True)
