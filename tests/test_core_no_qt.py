"""desk/ must work without Qt: every module imports, and a Desk opens and sets up, in a Python
where importing PySide6 (or shiboken6, or ui) is impossible."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESK = ROOT / "desk"
FORBIDDEN = ("PySide6", "shiboken6", "ui", "PyQt5", "PyQt6")

_SCRIPT = r"""
import importlib, importlib.abc, pkgutil, sys, tempfile, os

FORBIDDEN = {forbidden!r}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError(f"blocked in this test: {{name}}")
        return None

sys.meta_path.insert(0, Block())
for name in FORBIDDEN:
    sys.modules.pop(name, None)

import desk
failed = []
count = 0
for info in pkgutil.walk_packages(desk.__path__, "desk."):
    if info.name.startswith("desk.migrations.versions") or info.name == "desk.migrations.env":
        continue  # alembic scripts: loaded by alembic, exercised by the upgrade below
    count += 1
    try:
        importlib.import_module(info.name)
    except Exception as exc:
        failed.append(f"{{info.name}}: {{type(exc).__name__}}: {{exc}}")
if failed:
    print("\n".join(failed))
    sys.exit(1)

from desk.facade import Desk
from desk.services.auth import SetupInput
from desk.services.businesses import BusinessInput

home = tempfile.mkdtemp()
os.environ["CADESK_HOME"] = home
d = Desk.open("sqlite:///" + os.path.join(home, "x.sqlite3").replace(os.sep, "/"))
d.auth.setup(SetupInput("TH", "太和县消费者协会", "admin", "管理员", "admin-pass-1", "admin-pass-1"))
d.businesses.create(BusinessInput(name="无界面测试"))
assert d.businesses.count() == 1
d.close()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)
assert not loaded, loaded
print(f"OK {{count}} modules")
"""


def test_desk_runs_with_qt_blocked(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["CADESK_HOME"] = str(tmp_path)
    env.pop("CADESK_DB", None)
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(forbidden=FORBIDDEN)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    count = int(proc.stdout.split("OK ")[1].split()[0])
    assert count >= 15  # walk_packages really found the package's modules


def _dynamic_import_allowed(path: Path) -> bool:
    # The GUI benchmarks (desk/bench*.py, run by ``cadesk-admin bench`` in a child process)
    # load the GUI by name at run time; nothing else in desk/ may, even lazily.
    return path.parent == DESK and path.name.startswith("bench")


def test_no_desk_file_imports_qt_or_ui() -> None:
    offenders = []
    files = list(DESK.rglob("*.py"))
    assert len(files) >= 15
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module",
                "__import__",
            ):
                if _dynamic_import_allowed(path):
                    continue
                names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            for name in names:
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert offenders == []
