"""How long from starting the program to a painted login window, against a bare Qt window.

``python -m ui.startup_bench [--runs N]`` prints the figures; ``measure(runs)`` returns
``{"startup_s": …, "bare_qt_s": …, "ready_s": …}`` (medians). Each run is a fresh interpreter: the parent
measures wall time from starting the child until the child prints its marker after the
window's first paint, so interpreter start-up and every import are counted. The login child
takes the real start-up path (ui.app): the login dialog is shown at once and the database (an
SQLite file the parent created and migrated beforehand, so no migration is counted) opens on
the worker meanwhile; ``ready_s`` is when it is open and 登录 works. Target: ≤ 0.6 s and ≤ 4× bare Qt."""

from __future__ import annotations

import time

T0 = time.perf_counter()  # first thing in the child: its own view of time since import

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MARKER = "CADESK_READY "
HEAVY_MODULES = ("matplotlib", "docx", "docxtpl", "openpyxl")
TARGET_S = 0.6
TARGET_RATIO = 4.0
PROJECT_ROOT = Path(__file__).resolve().parents[1]


# -- child side ------------------------------------------------------------------------------


def _child(kind: str, url: str | None) -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer

    worker = None
    ready: dict[str, float] = {}
    if kind == "login":
        from ui.app import App, create_application, guard_std_streams, install_excepthook, setup_logging
        from ui.dialogs import Dialogs
        from ui.worker import Worker

        guard_std_streams()
        log_path = setup_logging()
        dialogs = Dialogs()
        install_excepthook(log_path, dialogs)
        qapp = create_application([])
        worker = Worker()
        app = App(qapp, dialogs, worker)
        window = app.make_login_dialog(url)  # the real path: the database opens on the worker
    else:
        from PySide6.QtWidgets import QApplication, QMainWindow

        qapp = QApplication([])
        window = QMainWindow()
        window.setWindowTitle("bare")
        window.resize(400, 300)

    def emit(event: str, **extra: object) -> None:
        info = {"event": event, "kind": kind, "in_process_s": time.perf_counter() - T0, **extra}
        print(MARKER + json.dumps(info, ensure_ascii=False), flush=True)

    def painted() -> None:
        emit("painted", window=type(window).__name__)
        ready["painted"] = 1
        maybe_quit()

    def database_ready(ok: bool) -> None:
        error = getattr(window, "open_error", None)
        emit("ready", ok=ok, error=error, heavy=sorted(m for m in HEAVY_MODULES if m in sys.modules),
             modules=len(sys.modules))
        ready["ready"] = 1
        maybe_quit()

    def maybe_quit() -> None:
        if "painted" in ready and ("ready" in ready or kind == "bare"):
            qapp.quit()

    class PaintWatch(QObject):
        done = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # Qt override
            if event.type() == QEvent.Type.Paint and not self.done:
                self.done = True
                QTimer.singleShot(0, painted)  # after this paint has been delivered
            return False

    watch = PaintWatch()
    window.installEventFilter(watch)
    if kind == "login":
        window.database_ready.connect(database_ready)
    window.show()
    QTimer.singleShot(30_000, qapp.quit)  # a platform that never paints still ends
    qapp.exec()
    if worker is not None:
        worker.shutdown()
    return 0


# -- parent side -----------------------------------------------------------------------------


def prepare_database(folder: Path) -> str:
    """An SQLite file at the current schema with an administrator (so the child shows login)."""
    from desk.facade import Desk
    from desk.paths import sqlite_url
    from desk.services.auth import SetupInput

    url = sqlite_url(folder / "bench.sqlite3")
    with Desk.open(url) as d:
        if d.auth.needs_setup():
            d.auth.setup(SetupInput("BENCH", "基准测试", "admin", "管理员", "bench-pass-1", "bench-pass-1"))
    return url


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CADESK_HOME"] = str(home)  # logs and settings of the run stay in the temp folder
    env.pop("CADESK_DB", None)
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if sys.platform.startswith("linux") and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def run_child(kind: str, url: str | None, env: dict[str, str], timeout: float = 60) -> dict[str, dict]:
    """Start a child; for each event it reports ("painted", and "ready" for login), the wall
    seconds since the child was started (``wall_s``) and what it said."""
    cmd = [sys.executable, "-m", "ui.startup_bench", "--child", kind]
    if url:
        cmd += ["--db", url]
    wanted = {"painted", "ready"} if kind == "login" else {"painted"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=PROJECT_ROOT)
    events: dict[str, dict] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(MARKER):
            wall = time.perf_counter() - start
            info = json.loads(line[len(MARKER):])
            info["wall_s"] = wall
            events[info["event"]] = info
            if wanted <= events.keys():
                break
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
    if not wanted <= events.keys():
        raise RuntimeError(f"start-up child {kind!r} failed (exit {proc.returncode}):\n{err}")
    return events


def measure(runs: int = 3, *, details: dict | None = None) -> dict[str, float]:
    """Medians over ``runs`` fresh processes, after one unmeasured warm-up of each (disk cache):
    ``startup_s`` to the painted login dialog, ``bare_qt_s`` to a painted bare QMainWindow,
    and ``ready_s`` until the database is open and 登录 is possible."""
    with tempfile.TemporaryDirectory(prefix="cadesk-bench-") as tmp:
        home = Path(tmp)
        old_home = os.environ.get("CADESK_HOME")
        os.environ["CADESK_HOME"] = str(home)
        try:
            url = prepare_database(home)
        finally:
            if old_home is None:
                os.environ.pop("CADESK_HOME", None)
            else:
                os.environ["CADESK_HOME"] = old_home
        env = child_env(home)
        run_child("login", url, env)
        run_child("bare", None, env)
        login = [run_child("login", url, env) for _ in range(runs)]
        bare = [run_child("bare", None, env) for _ in range(runs)]
    for run in login:
        if not run["ready"]["ok"]:
            raise RuntimeError(f"the benchmark database did not open: {run['ready']['error']}")
    if details is not None:
        details["login_runs"] = [r["painted"]["wall_s"] for r in login]
        details["ready_runs"] = [r["ready"]["wall_s"] for r in login]
        details["bare_runs"] = [r["painted"]["wall_s"] for r in bare]
        details["heavy"] = sorted({m for r in login for m in r["ready"]["heavy"]})
    return {
        "startup_s": statistics.median(r["painted"]["wall_s"] for r in login),
        "bare_qt_s": statistics.median(r["painted"]["wall_s"] for r in bare),
        "ready_s": statistics.median(r["ready"]["wall_s"] for r in login),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="消协工作台启动时间测量")
    parser.add_argument("--child", choices=["login", "bare"])
    parser.add_argument("--db")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child, args.db)
    details: dict = {}
    result = measure(args.runs, details=details)
    ratio = result["startup_s"] / result["bare_qt_s"]
    if args.json:
        print(json.dumps({**result, "ratio": ratio, **details}, ensure_ascii=False))
    else:
        ok = result["startup_s"] <= TARGET_S and ratio <= TARGET_RATIO
        print(f"登录窗口：{result['startup_s']:.3f} s（各次 {', '.join(f'{t:.3f}' for t in details['login_runs'])}）")
        print(f"空白 Qt 窗口：{result['bare_qt_s']:.3f} s（各次 {', '.join(f'{t:.3f}' for t in details['bare_runs'])}）")
        print(f"倍数：{ratio:.2f}×；目标 ≤ {TARGET_S} s 且 ≤ {TARGET_RATIO}×：{'达到' if ok else '未达到'}")
        print(f"数据库打开、可以登录：{result['ready_s']:.3f} s（各次 {', '.join(f'{t:.3f}' for t in details['ready_runs'])}）")
        heavy = details["heavy"]
        print(f"登录前已加载的重型模块：{', '.join(heavy) if heavy else '无'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
