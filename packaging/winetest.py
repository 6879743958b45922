"""Run the Windows build under Wine: a throw-away prefix, the installer, the installed programs.

Used by tests/test_windows_installer.py (the CI smoke test) and by ``cadesk-admin bench`` for
``win_startup_s``. Needs Debian's wine (64-bit), mingw-w64, Xvfb and xdotool.

What only Wine needs lives here, never in the installer:
- the prefix reports Windows 10 (Wine 8 says Windows 7, and the installer refuses that);
- Qt6Core.dll links Windows 10's system icuuc.dll, which Wine 8 lacks: a stub whose converters
  report "none" (built with mingw-w64 from the names Qt6Core imports) goes into the prefix's
  system32;
- Python under Wine cannot use a regular file as stdin/stdout ("Invalid handle"): every
  program here runs with pipes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TOOLS = ("wine", "wineserver", "winepath", "x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-objdump", "Xvfb", "xdotool")


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


@dataclass(frozen=True)
class Result:
    returncode: int
    output: str
    seconds: float

    def check(self) -> Result:
        if self.returncode != 0:
            raise AssertionError(f"exit code {self.returncode}:\n{self.output}")
        return self


class Xvfb:
    """A virtual screen of its own (-displayfd picks a free display number)."""

    def __init__(self, size: str = "1280x800x24") -> None:
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", size, "-nolisten", "tcp"],
            pass_fds=(w,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()
        if not number:
            self.proc.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["import", "-display", self.display, "-window", "root", str(path)], check=True)
        return path

    def find_window(self, name_regex: str) -> list[str]:
        r = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", name_regex],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
        )
        return r.stdout.split()

    def wait_window(self, name_regex: str, timeout: float) -> float:
        """Seconds until a visible window whose title matches appears (TimeoutError after)."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.find_window(name_regex):
                return time.monotonic() - t0
            time.sleep(0.05)
        raise TimeoutError(f"no window named {name_regex!r} within {timeout:.0f} s")

    def type_into(self, window: str, text: str, *keys: str) -> None:
        """Type text (and then keys such as Return) into a window, as a user would."""
        env = {**os.environ, "DISPLAY": self.display}
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env, check=False, timeout=10)
        subprocess.run(["xdotool", "type", "--delay", "40", text], env=env, check=True, timeout=30)
        if keys:
            subprocess.run(["xdotool", "key", *keys], env=env, check=True, timeout=10)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Wine:
    """One Wine prefix (a fresh 'Windows PC')."""

    def __init__(self, prefix: Path, display: str | None = None) -> None:
        self.prefix = prefix
        self.display = display
        self._local_appdata: Path | None = None

    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            # The host's Python and Qt settings must not leak into the "Windows" programs.
            if not k.startswith(("PYTHON", "QT_", "CADESK_", "VIRTUAL_ENV"))
        }
        env.update(
            WINEPREFIX=str(self.prefix),
            WINEDEBUG="-all",
            # No Mono/Gecko download dialogs in a fresh prefix.
            WINEDLLOVERRIDES="mscoree,mshtml=",
            WINEARCH="win64",
            LANG="zh_CN.UTF-8",
            LC_ALL="zh_CN.UTF-8",
        )
        if self.display:
            env["DISPLAY"] = self.display
        else:
            env.pop("DISPLAY", None)
        return env

    # -- running -----------------------------------------------------------------------------

    def run(self, exe: str | Path, *args: str, stdin: str | None = None, timeout: float = 300) -> Result:
        t0 = time.monotonic()
        r = subprocess.run(
            ["wine", str(exe), *args],
            input=(stdin or "").encode("utf-8"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.env,
            timeout=timeout,
        )
        text = r.stdout.decode("utf-8", errors="replace")
        # Wine's own chatter about the missing 32-bit half is not the program's output.
        text = "\n".join(line for line in text.splitlines() if "wine32" not in line and "multiarch" not in line)
        return Result(r.returncode, text, time.monotonic() - t0)

    def spawn(self, exe: str | Path, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            ["wine", str(exe), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.env,
        )

    def wineserver_wait(self) -> None:
        subprocess.run(["wineserver", "-w"], env=self.env, timeout=120)

    def kill_all(self) -> None:
        subprocess.run(["wineserver", "-k"], env=self.env, timeout=60)

    # -- setting up --------------------------------------------------------------------------

    def boot(self) -> float:
        t0 = time.monotonic()
        self.prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["wine", "wineboot", "--init"], env=self.env, check=True, capture_output=True, timeout=300)
        self.wineserver_wait()
        self.run("reg", "add", r"HKCU\Software\Wine", "/v", "Version", "/t", "REG_SZ", "/d", "win10", "/f").check()
        return time.monotonic() - t0

    def install_icu_stub(self, qt6core: Path) -> Path:
        """The Wine-only icuuc.dll (see module doc), exporting every name Qt6Core imports from it."""
        dump = subprocess.run(
            ["x86_64-w64-mingw32-objdump", "-p", str(qt6core)], capture_output=True, text=True, check=True
        ).stdout
        names: list[str] = []
        inside = False
        for line in dump.splitlines():
            if "DLL Name:" in line:
                inside = line.strip().lower().endswith("icuuc.dll")
                continue
            m = re.match(r"\s+[0-9a-f]+\s+\d+\s+(\w+)\s*$", line)
            if inside and m:
                names.append(m.group(1))
        if not names:
            raise RuntimeError(f"{qt6core} imports nothing from icuuc.dll: the stub is not needed any more")
        lines = ["#include <stddef.h>"]
        for name in names:
            if name == "ucnv_open":  # UConverter *ucnv_open(const char *, UErrorCode *): "no such converter"
                lines.append("__declspec(dllexport) void *ucnv_open(const char *n, int *e) { if (e) *e = 4; return NULL; }")
            else:
                lines.append(f"__declspec(dllexport) size_t {name}(void) {{ return 0; }}")
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "icuuc.c"
            src.write_text("\n".join(lines) + "\n")
            dll = self.prefix / "drive_c" / "windows" / "system32" / "icuuc.dll"
            subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", str(src), "-o", str(dll)], check=True)
        return dll

    def install_cjk_font(self, font: Path = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")) -> None:
        """A Chinese font installed the Windows way (Fonts folder + registry), as 微软雅黑 is on
        every Chinese Windows. Wine draws Qt's text through the host's fonts anyway, but
        matplotlib on Windows only sees fonts listed in the registry."""
        if not font.is_file():
            raise RuntimeError(f"{font} missing: apt-get install fonts-wqy-microhei")
        shutil.copy(font, self.prefix / "drive_c" / "windows" / "Fonts" / font.name)
        key = r"HKLM\Software\Microsoft\Windows NT\CurrentVersion\Fonts"
        self.run("reg", "add", key, "/v", "WenQuanYi Micro Hei (TrueType)", "/t", "REG_SZ", "/d", font.name,
                 "/f").check()  # fmt: skip

    # -- paths and registry ------------------------------------------------------------------

    def unix_path(self, windows_path: str) -> Path:
        r = subprocess.run(["winepath", "-u", windows_path], env=self.env, capture_output=True, text=True, check=True)
        return Path(r.stdout.strip())

    def windows_path(self, unix_path: Path) -> str:
        r = subprocess.run(["winepath", "-w", str(unix_path)], env=self.env, capture_output=True, text=True, check=True)
        return r.stdout.strip()

    @property
    def local_appdata(self) -> Path:
        """%LOCALAPPDATA% of the prefix's user, as a Linux path."""
        if self._local_appdata is None:
            out = self.run("cmd", "/c", "echo", "%LOCALAPPDATA%").check().output.strip().splitlines()[-1]
            self._local_appdata = self.unix_path(out.strip())
        return self._local_appdata

    def reg_query(self, key: str, value: str) -> str | None:
        r = self.run("reg", "query", key, "/v", value)
        if r.returncode != 0:
            return None
        for line in r.output.splitlines():
            parts = line.strip().split(None, 2)
            if len(parts) >= 2 and parts[0].lower() == value.lower() and parts[1].startswith("REG_"):
                return parts[2].strip() if len(parts) == 3 else ""
        return None

    def reg_add(self, key: str, value: str, data: str) -> None:
        self.run("reg", "add", key, "/v", value, "/t", "REG_SZ", "/d", data, "/f").check()


@dataclass(frozen=True)
class Installed:
    """Where the installer put the program (per-user default)."""

    root: Path

    @property
    def gui(self) -> Path:
        return self.root / "cadesk.exe"

    @property
    def admin(self) -> Path:
        return self.root / "cadesk-admin.exe"

    @property
    def python(self) -> Path:
        return self.root / "runtime" / "python.exe"

    @property
    def uninstaller(self) -> Path:
        return self.root / "uninstall.exe"

    @property
    def qt6core(self) -> Path:
        return self.root / "runtime" / "Lib" / "site-packages" / "PySide6" / "Qt6Core.dll"


def per_user_install(wine: Wine) -> Installed:
    return Installed(wine.local_appdata / "Programs" / "CADesk")


BARE_QT = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication(sys.argv)\n"
    "w = QLabel('bare PySide6 window')\n"
    "w.setWindowTitle('bare-pyside6-window')\n"
    "w.resize(400, 200)\n"
    "w.show()\n"
    "app.exec()\n"
)


def measure_startup(wine: Wine, xvfb: Xvfb, installed: Installed, timeout: float = 120) -> dict[str, float]:
    """Cold start to the login window against a bare PySide6 window, in the same prefix.

    Each program runs twice and the second (warm file cache, as on a PC that has run it once)
    is kept beside the first (cold)."""
    script = installed.root / "runtime" / "bare_qt_probe.py"
    script.write_text(BARE_QT, encoding="utf-8")
    figures: dict[str, float] = {}
    try:
        for label, exe, args, title in (
            ("bare_qt", installed.python, (wine.windows_path(script),), "bare-pyside6-window"),
            ("cadesk", installed.gui, (), "登录"),
        ):
            for attempt in ("cold", "warm"):
                proc = wine.spawn(exe, *args)
                try:
                    figures[f"{label}_{attempt}_s"] = xvfb.wait_window(title, timeout)
                finally:
                    proc.kill()
                    proc.wait(30)
                time.sleep(0.5)
    finally:
        script.unlink(missing_ok=True)
    figures["win_startup_s"] = figures["cadesk_warm_s"]
    figures["win_bare_qt_s"] = figures["bare_qt_warm_s"]
    figures["win_startup_ratio"] = figures["cadesk_warm_s"] / figures["bare_qt_warm_s"]
    return figures
