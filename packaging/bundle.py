"""What the frozen program needs beyond what PyInstaller finds by following imports.

Shared by ``cadesk.spec`` (the build) and ``tests/test_packaging.py`` (fast static checks), so
the list the tests check is the list the build uses. No PyInstaller import here: the tests run
without it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Names of the two programs inside dist/CADesk/ (cadesk.exe, cadesk-admin.exe on Windows).
GUI_NAME = "cadesk"
ADMIN_NAME = "cadesk-admin"
BUNDLE_NAME = "CADesk"

# Imported by name at run time, so PyInstaller's import scan cannot see them.
HIDDEN_IMPORTS: tuple[str, ...] = (
    # keyring picks its backend from entry points when first used (desk/connection.py).
    "keyring.backends.Windows",
    "keyring.backends.fail",
    "keyring.backends.null",
    # psycopg loads its compiled implementation with importlib when it finds it.
    "psycopg_binary",
    "psycopg_binary.pq",
    "psycopg_binary._psycopg",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.sqlite.pysqlite",
    # argon2-cffi's compiled bindings go through cffi's backend module.
    "_argon2_cffi_bindings",
    "_cffi_backend",
    # Alembic imports the migration scripts from files; these are what they and env.py use.
    "alembic.op",
    "alembic.context",
    "alembic.ddl.sqlite",
    "alembic.ddl.postgresql",
    # Charts (design: matplotlib's object API, FigureCanvasQTAgg in the GUI, PNG via Agg for
    # Word). Named here so a build has them before the statistics pages import them.
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_qtagg",
)

# Never wanted in the bundle: other Qt bindings, QML/Quick/WebEngine and the Qt modules the
# program does not use, tkinter, test and notebook tooling that some libraries import optionally.
EXCLUDES: tuple[str, ...] = (
    "tkinter",
    "_tkinter",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuick3D",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtQuickWidgets",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel",
    "PySide6.QtWebSockets",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtTest",
    "PySide6.QtSql",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtConcurrent",
    "PySide6.QtXml",
    "PySide6.QtDBus",
    "PySide6.QtSvgWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtCharts",
    "PySide6.QtDataVisualization",
    "PySide6.Qt3DCore",
    "matplotlib.tests",
    "numpy.tests",
    "numpy.f2py",
    "IPython",
    "ipykernel",
    "jedi",
    "pytest",
    "_pytest",
    "pytestqt",
    "setuptools",
    "pkg_resources",
    "pygments",  # only mako's optional syntax-highlighting plugin
    "yaml",  # only numpy.show_config()
    "pydoc_data",  # help() topics
)


# Qt's own translations to keep (its buttons and dialogs in Chinese, ui/app.py); ~100 others go.
QT_TRANSLATION_SUFFIX = "_zh_CN.qm"


def unwanted_qt_translation(dest: str) -> bool:
    """A Qt translation file for another language (dest: path inside the bundle)."""
    p = dest.replace("\\", "/")
    return (
        p.startswith("PySide6/")
        and "/translations/" in p
        and p.endswith(".qm")
        and not p.endswith(QT_TRANSLATION_SUFFIX)
    )


# Windows DLLs that PySide6's hooks collect for QtQuick/OpenGL, which a Qt Widgets program drawing
# with the raster engine never loads: Mesa's software OpenGL (~20 MB) and the shader compiler
# (Windows 10 and later have their own d3dcompiler_47.dll in System32 anyway).
UNWANTED_BINARIES = frozenset({"opengl32sw.dll", "d3dcompiler_47.dll"})


def unwanted_binary(dest: str) -> bool:
    return dest.replace("\\", "/").rsplit("/", 1)[-1].lower() in UNWANTED_BINARIES


# Faker ships ~110 locales; the demo data (desk/demo.py) uses zh_CN. Keep it and the locales
# Faker falls back to for a provider zh_CN lacks (each provider's ``default_locale``).
FAKER_KEEP = frozenset({"zh_CN", "en_US", "en_GB", "en", "la"})


def faker_locales() -> frozenset[str]:
    """Every locale the installed Faker has (empty without Faker: nothing to trim)."""
    try:
        from faker.config import AVAILABLE_LOCALES
    except ImportError:
        return frozenset()
    return frozenset(AVAILABLE_LOCALES)


def unwanted_faker_locale(name: str, locales: frozenset[str]) -> bool:
    """``faker.providers.<provider>.<locale>…`` (module name or path inside the bundle) of a
    locale the program does not use."""
    parts = re.split(r"[./\\]", name)
    if parts[:2] != ["faker", "providers"] or len(parts) < 4:
        return False
    return parts[3] in locales and parts[3] not in FAKER_KEEP


def pyproject(root: Path = ROOT) -> dict:
    with (root / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def version(root: Path = ROOT) -> str:
    return str(pyproject(root)["project"]["version"])


def version_tuple(text: str) -> tuple[int, int, int, int]:
    """``0.1.0`` → (0, 1, 0, 0) for the Windows version resource (four numbers, no suffixes)."""
    nums = [int(m.group()) for part in text.split(".")[:4] if (m := re.match(r"\d+", part))]
    a, b, c, d = (nums + [0, 0, 0, 0])[:4]
    return a, b, c, d


def package_data_patterns(root: Path = ROOT) -> dict[str, list[str]]:
    """``[tool.setuptools.package-data]``: the files a wheel ships beside the code."""
    return dict(pyproject(root)["tool"]["setuptools"]["package-data"])


def package_data(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, folder inside the bundle) for every package-data file, at the same place
    relative to its package as in a wheel, so ``Path(__file__).parent / …`` and
    ``importlib.resources`` find them in the frozen program (PyInstaller ≥ 6 gives modules a
    ``__file__`` inside ``_internal/``)."""
    out: list[tuple[str, str]] = []
    for package, patterns in package_data_patterns(root).items():
        base = root / package.replace(".", "/")
        for pattern in patterns:
            for path in sorted(base.glob(pattern)):
                if path.is_file() and "__pycache__" not in path.parts:
                    out.append((str(path), path.parent.relative_to(root).as_posix()))
    return out
