"""Static checks of the Windows packaging (packaging/): fast, without running PyInstaller.

They catch what a frozen build would only show on an office PC: a migration script or template
left out of the bundle, a data folder the program looks for somewhere else, an installer whose
AppId changed (upgrades would install a second copy) or that installs beside the user's data."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "cadesk.spec"
ISS = PACKAGING / "cadesk.iss"

sys.path.insert(0, str(PACKAGING))
import bundle  # noqa: E402

# Generated once for CA Desk; an installer with another AppId is another program to Windows.
APP_ID = "F01EE3CD-BECC-4F45-9C03-15A2A09BE79E"


def bundled() -> dict[str, str]:
    """Repository-relative source → folder inside the bundle, for every package-data file."""
    return {Path(src).relative_to(ROOT).as_posix(): dest for src, dest in bundle.package_data()}


def iss_text() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def iss_setup(key: str) -> str:
    m = re.search(rf"^{key}=(.*)$", iss_text(), re.MULTILINE)
    assert m, f"{key} missing from [Setup]"
    return m.group(1).strip()


# -- the spec --------------------------------------------------------------------------------


def test_spec_parses_and_names_existing_entry_scripts() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))
    scripts = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "analysis"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert sorted(scripts) == ["entry_admin.py", "entry_gui.py"]
    for name in scripts:
        ast.parse((PACKAGING / name).read_text(encoding="utf-8"))


def test_entry_scripts_call_the_declared_entry_points() -> None:
    scripts = bundle.pyproject()["project"]
    assert scripts["gui-scripts"]["cadesk"] == "ui.app:main"
    assert scripts["scripts"]["cadesk-admin"] == "desk.cli:main"
    assert "from ui.app import main" in (PACKAGING / "entry_gui.py").read_text(encoding="utf-8")
    assert "from desk.cli import main" in (PACKAGING / "entry_admin.py").read_text(encoding="utf-8")


def test_version_is_one_and_the_same() -> None:
    import desk

    assert bundle.version() == desk.__version__, "pyproject.toml and desk.__version__ disagree"
    assert bundle.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert bundle.version_tuple("2.10.3rc1") == (2, 10, 3, 0)


# -- data files ------------------------------------------------------------------------------


def test_every_data_source_exists_and_lands_beside_its_package() -> None:
    files = bundled()
    assert files, "no package data collected"
    for src, dest in files.items():
        assert (ROOT / src).is_file(), src
        # Same place relative to the package as in a wheel: desk/migrations/env.py → desk/migrations
        assert PurePosixPath(src).parent.as_posix() == dest, (src, dest)


def test_every_migration_script_is_bundled() -> None:
    files = bundled()
    migrations = ROOT / "desk" / "migrations"
    for name in ("env.py", "script.py.mako"):
        assert f"desk/migrations/{name}" in files, name
    versions = sorted(migrations.glob("versions/*.py"))
    assert versions, "no migration scripts found"
    for path in versions:
        rel = path.relative_to(ROOT).as_posix()
        assert files.get(rel) == "desk/migrations/versions", f"{rel} would be missing from the bundle"
    # Nothing under versions/ that the globs miss (a script in a subfolder, a renamed suffix).
    others = [p for p in (migrations / "versions").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    missing = [p.relative_to(ROOT).as_posix() for p in others if p.relative_to(ROOT).as_posix() not in files]
    assert not missing, f"not bundled: {missing}"


def test_migrations_dir_resolves_to_the_bundled_folder() -> None:
    """In the frozen program a module's __file__ is <bundle>/_internal/desk/migrate.pyc, so
    MIGRATIONS_DIR is <bundle>/_internal/desk/migrations: the folder the data files go to."""
    import desk
    import desk.migrate

    assert (desk.migrate.MIGRATIONS_DIR / "env.py").is_file()
    assert (desk.migrate.MIGRATIONS_DIR / "script.py.mako").is_file()
    site_root = Path(desk.__file__).resolve().parent.parent
    rel = desk.migrate.MIGRATIONS_DIR.relative_to(site_root).as_posix()
    assert bundled()["desk/migrations/env.py"] == rel


def test_migration_scripts_import_only_what_the_bundle_has() -> None:
    """Alembic loads the scripts from files, so PyInstaller never scans their imports: they may
    use only the standard library, sqlalchemy, alembic and desk (all in the bundle)."""
    allowed = {"sqlalchemy", "alembic", "desk", "__future__"} | set(sys.stdlib_module_names)
    scripts = [ROOT / "desk/migrations/env.py", *sorted((ROOT / "desk/migrations/versions").glob("*.py"))]
    for path in scripts:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}: add it to bundle.HIDDEN_IMPORTS"


def test_every_shipped_template_is_bundled() -> None:
    files = bundled()
    templates = sorted((ROOT / "resources" / "templates").glob("*.docx"))
    assert templates
    for path in templates:
        assert files.get(path.relative_to(ROOT).as_posix()) == "resources/templates", path.name


# -- modules ---------------------------------------------------------------------------------


def test_hidden_imports_exist() -> None:
    """A typo in a hidden import is only a warning in the build log; catch it here."""
    import psycopg  # noqa: F401 - psycopg_binary refuses to be imported before it

    windows_only = {"keyring.backends.Windows"}
    for name in bundle.HIDDEN_IMPORTS:
        if name in windows_only:
            assert (Path(importlib.util.find_spec("keyring").origin).parent / "backends" / "Windows.py").is_file()
            continue
        assert importlib.util.find_spec(name) is not None, name


def _imports_in(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.add(node.args[0].value)
    return out


def test_program_imports_nothing_the_build_excludes() -> None:
    """Excluded modules (QtNetwork, QtQml, tkinter …) are absent from the frozen program: code in
    desk/, ui/ or resources/ importing one would fail only there."""
    excluded = set(bundle.EXCLUDES)
    offenders = []
    for pkg in ("desk", "ui", "resources"):
        for path in (ROOT / pkg).rglob("*.py"):
            for name in _imports_in(path):
                if any(name == ex or name.startswith(ex + ".") for ex in excluded):
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, f"excluded from the bundle but imported: {offenders}"


def test_faker_trim_keeps_zh_cn_and_every_fallback_locale() -> None:
    import pkgutil

    import faker.providers

    locales = bundle.faker_locales()
    assert "zh_CN" in locales
    assert not bundle.unwanted_faker_locale("faker.providers.address.zh_CN", locales)
    assert not bundle.unwanted_faker_locale("faker/providers/person/zh_CN/__init__.py", locales)
    assert bundle.unwanted_faker_locale("faker.providers.address.de_DE", locales)
    assert bundle.unwanted_faker_locale("faker\\providers\\person\\fr_FR\\__init__.py", locales)
    # Provider modules that are not locales (sbn.sbn, color.color) stay.
    assert not bundle.unwanted_faker_locale("faker.providers.sbn.sbn", locales)
    for info in pkgutil.iter_modules(faker.providers.__path__):
        module = importlib.import_module(f"faker.providers.{info.name}")
        if getattr(module, "localized", False):
            fallback = getattr(module, "default_locale", "en_US")
            assert not bundle.unwanted_faker_locale(f"faker.providers.{info.name}.{fallback}", locales), info.name


def test_qt_translation_trim_keeps_chinese_where_ui_app_looks() -> None:
    """ui/app.py loads qtbase_zh_CN from QLibraryInfo's TranslationsPath; PyInstaller collects
    that folder (PySide6/Qt/translations on Linux, PySide6/translations on Windows)."""
    from PySide6.QtCore import QLibraryInfo

    path = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    assert (path / "qtbase_zh_CN.qm").is_file(), "PySide6 ships no qtbase_zh_CN.qm: Qt's buttons would be English"
    for dest in ("PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6\\translations\\qtbase_zh_CN.qm"):
        assert not bundle.unwanted_qt_translation(dest)
    for dest in ("PySide6/Qt/translations/qtbase_de.qm", "PySide6\\translations\\qt_help_fr.qm"):
        assert bundle.unwanted_qt_translation(dest)
    assert not bundle.unwanted_qt_translation("matplotlib/mpl-data/whatever.qm")


def test_binary_trim_drops_only_the_opengl_helpers() -> None:
    assert bundle.unwanted_binary("PySide6\\opengl32sw.dll")
    assert bundle.unwanted_binary("PySide6/D3DCompiler_47.dll")
    for keep in ("PySide6\\Qt6Gui.dll", "PySide6\\plugins\\platforms\\qwindows.dll", "python311.dll"):
        assert not bundle.unwanted_binary(keep)


# -- entry_admin: ``-m module`` for the benchmarks' child processes ----------------------------


def _run_entry_admin(args: list[str], extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    paths = [str(ROOT)] + ([str(extra_path)] if extra_path else [])
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, str(PACKAGING / "entry_admin.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        cwd=ROOT,
    )


def test_entry_admin_runs_a_module_and_passes_its_exit_code(tmp_path: Path) -> None:
    (tmp_path / "pkgprobe.py").write_text(
        "import sys\nprint('argv', sys.argv[1:])\nif __name__ == '__main__':\n    sys.exit(int(sys.argv[1]))\n",
        encoding="utf-8",
    )
    ok = _run_entry_admin(["-m", "pkgprobe", "0", "x"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "argv ['0', 'x']" in ok.stdout
    failed = _run_entry_admin(["-m", "pkgprobe", "3"], tmp_path)
    assert failed.returncode == 3


def test_entry_admin_without_m_is_the_cli() -> None:
    proc = _run_entry_admin(["--help"])
    assert proc.returncode == 0, proc.stderr
    assert "用法：cadesk-admin" in proc.stdout
    bad = _run_entry_admin(["no-such-command"])
    assert bad.returncode == 2
    assert "错误" in bad.stderr


# -- the installer ---------------------------------------------------------------------------


def test_iss_is_utf8_with_bom() -> None:
    assert ISS.read_bytes().startswith(b"\xef\xbb\xbf"), "Inno Setup before 6.3 needs the BOM for Chinese text"


def test_iss_app_id_is_the_constant_guid() -> None:
    text = iss_text()
    assert iss_setup("AppId") == "{{" + APP_ID + "}"
    assert text.count(APP_ID) == 1
    assert "NEVER CHANGE IT" in text


def test_iss_installs_program_files_apart_from_user_data() -> None:
    default_dir = iss_setup("DefaultDirName")
    assert default_dir == r"{autopf}\CADesk"
    # The data folder (desk/paths.py: platformdirs user_data_dir, %LOCALAPPDATA%\CADesk\CADesk)
    # must not be the program folder or inside it: upgrades replace {app}, uninstall removes it.
    for data_root in ("{localappdata}", "{userappdata}", "{commonappdata}", "{app}"):
        assert not default_dir.lower().startswith(data_root)
    from desk import paths

    assert paths.APP_NAME == "CADesk" and paths.APP_AUTHOR == "CADesk"
    text = iss_text()
    assert r"ExpandConstant('{localappdata}\CADesk\CADesk')" in text  # the uninstall message names it
    assert not re.search(r"^\[UninstallDelete\]", text, re.MULTILINE)
    install_delete = re.findall(r'^Type: filesandordirs; Name: "([^"]+)"', text, re.MULTILINE)
    assert install_delete == [r"{app}\_internal"]


def test_iss_settings_that_make_upgrades_and_per_user_installs_work() -> None:
    assert iss_setup("PrivilegesRequired") == "lowest"
    assert iss_setup("PrivilegesRequiredOverridesAllowed") == "dialog"
    assert iss_setup("OutputBaseFilename") == "CADesk-Setup-{#AppVersion}"
    assert iss_setup("OutputDir") == r"..\dist"
    assert iss_setup("UsePreviousAppDir") == "yes"
    text = iss_text()
    assert f'#define AppExe "{bundle.GUI_NAME}.exe"' in text
    assert f'#define AdminExe "{bundle.ADMIN_NAME}.exe"' in text
    assert rf'"..\dist\{bundle.BUNDLE_NAME}"' in text


def test_iss_custom_messages_used_are_defined() -> None:
    text = iss_text()
    defined = set(re.findall(r"^zh\.(\w+)=", text, re.MULTILINE))
    used = set(re.findall(r"\{cm:(\w+)\}", text)) | set(re.findall(r"CustomMessage\('(\w+)'\)", text))
    assert used and used <= defined, f"undefined: {used - defined}"
    for name in used:
        value = re.search(rf"^zh\.{name}=(.*)$", text, re.MULTILINE).group(1)
        assert re.search(r"[\u4e00-\u9fff]", value), f"{name} is not Chinese"


def test_build_script_is_ascii_and_runs_the_spec_and_the_iss() -> None:
    ps1 = (PACKAGING / "build_windows.ps1").read_bytes()
    ps1.decode("ascii")  # Windows PowerShell 5.1 misreads UTF-8 without a BOM
    text = ps1.decode("ascii")
    assert "packaging\\cadesk.spec" in text and "packaging\\cadesk.iss" in text
    assert '"pip", "install", "."' in text
    assert "2025-10-16" in text  # the frozen smoke test

