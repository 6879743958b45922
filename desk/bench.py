"""Benchmarks with a registry, so every issue adds its figures where the others are.

A benchmark is a function registered with ``@benchmark("name", targets={...})`` that takes the
``BenchRun`` and returns ``{figure_name: value}`` (seconds unless the name says otherwise).
``cadesk-admin bench`` runs them and prints a table, or with ``--json`` one JSON object of all
figures as its last line.

Shared fixtures: ``bench_database("sqlite" | "postgresql")`` returns the URL of a migrated
database made once per run (a temp SQLite file, or $CADESK_BENCH_PG_URL, falling back to a
scratch database on the server of $CADESK_TEST_PG_URL); ``run_cache(key, factory)`` keeps any
other expensive set-up (say 100,000 complaints) for the rest of the run. Benchmarks live here
or in any ``desk/bench_*.py`` module (``load_benchmarks()`` imports them).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import platform
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from desk.errors import DeskError

log = logging.getLogger(__name__)

Size = Literal["small", "full"]
DbKind = Literal["sqlite", "postgresql"]


class BenchUnavailable(DeskError):
    """A benchmark cannot run here (e.g. no PostgreSQL configured); reported as skipped."""


@dataclass(frozen=True)
class Benchmark:
    name: str
    fn: Callable[[BenchRun], Mapping[str, float]]
    # figure -> upper bound it should stay under (same unit as the figure)
    targets: Mapping[str, float]
    description: str


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, *, targets: Mapping[str, float] | None = None, description: str = ""
) -> Callable[[Callable[[BenchRun], Mapping[str, float]]], Callable[[BenchRun], Mapping[str, float]]]:
    """Register a benchmark under ``name`` (what ``--only`` selects)."""

    def register(fn: Callable[[BenchRun], Mapping[str, float]]) -> Callable[[BenchRun], Mapping[str, float]]:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Benchmark(name, fn, dict(targets or {}), description)
        return fn

    return register


# -- the run and its fixtures --------------------------------------------------------------------


@dataclass
class BenchRun:
    """One ``bench`` invocation: the size asked for and the fixtures made so far."""

    size: Size = "full"
    _cache: dict[Any, Any] = field(default_factory=dict)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def scaled(self, small: int, full: int) -> int:
        return small if self.size == "small" else full

    def cached(self, key: Any, factory: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]

    def on_close(self, fn: Callable[[], None]) -> None:
        self._cleanups.append(fn)

    def close(self) -> None:
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception:  # noqa: BLE001 - cleanup must not hide the results
                log.warning("benchmark cleanup failed", exc_info=True)
        self._cache.clear()


_current: BenchRun | None = None


@contextmanager
def bench_run(size: Size = "full") -> Iterator[BenchRun]:
    """Make ``run`` the current run (fixtures are cached in it) and clean up afterwards."""
    global _current
    previous = _current
    run = BenchRun(size)
    _current = run
    try:
        yield run
    finally:
        _current = previous
        run.close()


def current_run() -> BenchRun:
    if _current is None:
        raise RuntimeError("no benchmark run active; use desk.bench.bench_run()")
    return _current


def run_cache(key: Any, factory: Callable[[], Any]) -> Any:
    """``factory()`` once per run for ``key``; e.g. filling a database with test records."""
    return current_run().cached(key, factory)


def bench_database(kind: DbKind) -> str:
    """URL of a migrated database of ``kind``, made once per run and removed at its end
    (a database named by $CADESK_BENCH_PG_URL is kept: it is the user's own)."""
    if kind not in ("sqlite", "postgresql"):
        raise ValueError(f"unknown database kind {kind!r}")
    run = current_run()
    return run.cached(("database", kind), lambda: _make_database(run, kind))


def _make_database(run: BenchRun, kind: DbKind) -> str:
    from desk.facade import SYSTEM_ACTOR, Desk

    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="cadesk-bench-"))
        run.on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
        url = f"sqlite:///{(folder / 'bench.sqlite3').as_posix()}"
    else:
        url = _postgres_database(run)
    Desk.open(url, actor=SYSTEM_ACTOR).close()  # schema and vocabularies
    return url


def _postgres_database(run: BenchRun) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError

    from desk.db import normalise_url

    own = os.environ.get("CADESK_BENCH_PG_URL")
    if own:
        return own
    test = os.environ.get("CADESK_TEST_PG_URL")
    if not test:
        raise BenchUnavailable("没有配置 PostgreSQL：请设置环境变量 CADESK_BENCH_PG_URL（或 CADESK_TEST_PG_URL）")
    # The test server's database is shared with the test suite: use a scratch database beside it.
    name = f"cadesk_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(normalise_url(test), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    except DBAPIError as exc:
        admin.dispose()
        raise BenchUnavailable(f"无法在 PostgreSQL 服务器上建立测试数据库：{exc.orig or exc}") from exc

    def drop() -> None:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    run.on_close(drop)
    return normalise_url(test).set(database=name).render_as_string(hide_password=False)


# -- running ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchOutcome:
    name: str
    figures: dict[str, float]
    seconds: float  # wall time of the benchmark itself
    skipped: str = ""  # reason, when it could not run here
    error: str = ""  # short message, when it failed


@dataclass(frozen=True)
class Machine:
    cores: int
    physical_cores: int | None
    memory_gb: float | None
    system: str
    python: str
    date: dt.date


def machine() -> Machine:
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
        memory = round(psutil.virtual_memory().total / 2**30, 1)
    except Exception:  # noqa: BLE001 - the figures still count without these details
        physical, memory = None, None
    from desk import clock

    return Machine(
        cores=os.cpu_count() or 1,
        physical_cores=physical,
        memory_gb=memory,
        system=f"{platform.system()} {platform.release()} {platform.machine()}",
        python=platform.python_version(),
        date=clock.today(),
    )


def load_benchmarks() -> dict[str, Benchmark]:
    """Import every ``desk/bench_*.py`` module so its ``@benchmark`` functions register; later
    issues add a module there and ``cadesk-admin bench`` finds it."""
    import importlib
    import pkgutil

    import desk

    for info in sorted(pkgutil.iter_modules(desk.__path__), key=lambda m: m.name):
        if info.name.startswith("bench_"):
            importlib.import_module(f"desk.{info.name}")
    return REGISTRY


def select(only: Iterable[str] | None) -> list[Benchmark]:
    """The benchmarks named in ``only`` (all when None), in registration order."""
    if only is None:
        return list(REGISTRY.values())
    names = [n.strip() for n in only if n.strip()]
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise DeskError(f"没有名为“{'、'.join(unknown)}”的基准测试。可用的有：{'、'.join(REGISTRY) or '（无）'}")
    return [b for b in REGISTRY.values() if b.name in names]


def run_benchmarks(benchmarks: Iterable[Benchmark], size: Size = "full") -> list[BenchOutcome]:
    outcomes: list[BenchOutcome] = []
    with bench_run(size) as run:
        for b in benchmarks:
            t0 = time.perf_counter()
            try:
                figures = {k: float(v) for k, v in b.fn(run).items()}
            except BenchUnavailable as exc:
                outcomes.append(BenchOutcome(b.name, {}, time.perf_counter() - t0, skipped=exc.message))
                continue
            except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the others
                log.exception("benchmark %s failed", b.name)
                outcomes.append(BenchOutcome(b.name, {}, time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}"))
                continue
            outcomes.append(BenchOutcome(b.name, figures, time.perf_counter() - t0))
    return outcomes


def all_figures(outcomes: Iterable[BenchOutcome]) -> dict[str, float]:
    """Every figure by name, rounded to 4 decimals (the ``--json`` line)."""
    out: dict[str, float] = {}
    for o in outcomes:
        for k, v in o.figures.items():
            out[k] = round(v, 4)
    return out


def targets() -> dict[str, float]:
    return {k: v for b in REGISTRY.values() for k, v in b.targets.items()}


# -- the benchmarks ----------------------------------------------------------------------------------

# Start-up of the GUI to the painted login window; bare_qt_s is an empty Qt window on the same
# machine, the floor no program of ours can beat, and startup_ratio says what ours adds to it.
# Targets as in ui/startup_bench.py (TARGET_S, TARGET_RATIO).
STARTUP_TARGET_S = 0.6
STARTUP_TARGET_RATIO = 4.0


@benchmark(
    "startup",
    targets={"startup_s": STARTUP_TARGET_S, "startup_ratio": STARTUP_TARGET_RATIO},
    description="程序启动到登录窗口显示（对照空白 Qt 窗口）",
)
def _startup(run: BenchRun) -> Mapping[str, float]:
    import importlib

    # Imported by name, only here: desk/ must stay importable without Qt or the GUI package.
    try:
        startup_bench = importlib.import_module("ui.startup_bench")
    except ImportError as exc:
        raise BenchUnavailable(f"启动测量模块不可用（ui.startup_bench）：{exc}") from exc
    figures = dict(startup_bench.measure(runs=run.scaled(1, 3)))
    figures["startup_ratio"] = figures["startup_s"] / max(figures["bare_qt_s"], 1e-9)
    return figures
