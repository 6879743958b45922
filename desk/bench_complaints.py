"""Benchmarks of the case list at 100,000 complaints (issue: complaints, speed section), on
SQLite and on PostgreSQL. Registered into desk.bench's registry when imported.

- ``list_open_s``: a fresh process with the list page's table model and view; time from
  creating the model to the first rows painted (ids of every case, first page of rows).
- ``list_rss_mb``: that process's resident memory with the list open and scrolled to the end.
- ``search_s``: a keyword search to its first page through the service (the worst of a mix of
  keywords: a 1-character surname, a 2-character name, a phone fragment, a business word, a
  word that matches nothing), and ``search_sql_s`` the same matches by hand-written SQL.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping

from sqlalchemy import text

from desk.bench import BenchRun, bench_database, benchmark, run_cache

KEYWORDS = ["王", "张伟", "1381", "超市", "不存在的关键词"]
FULL_SIZE = 100_000
SMALL_SIZE = 5_000


def _filled_database(run: BenchRun, kind: str) -> str:
    def fill() -> str:
        from desk.demo_complaints import add_complaints, complaint_count
        from desk.facade import SYSTEM_ACTOR, Desk

        url = bench_database(kind)  # type: ignore[arg-type]
        n = run.scaled(SMALL_SIZE, FULL_SIZE)
        with Desk.open(url, actor=SYSTEM_ACTOR) as desk:
            _ensure_office(desk)
            have = complaint_count(desk)
            if have < n:
                add_complaints(desk, n - have, seed=20261130)
        return url

    return run_cache(("complaints", kind), fill)


def _ensure_office(desk) -> None:  # type: ignore[no-untyped-def]
    from desk.services.offices import OfficeInput

    if not desk.offices.list():
        desk.offices.create(OfficeInput(code="TH", name="太和县消费者协会", kind="county"))


def _search_figures(url: str) -> dict[str, float]:
    from desk.facade import SYSTEM_ACTOR, Desk
    from desk.search import like_pattern
    from desk.services.complaints import ComplaintFilter

    sql = text(
        "SELECT id, case_no, status, received_at, consumer_name, consumer_phone, business_name, category_code, "
        "nature_code, channel_code, amount, handler_id, office_id, due_date, due_kind, due_provisional, paused_since "
        "FROM complaint WHERE search_text LIKE :p ESCAPE '\\' ORDER BY received_at DESC, id DESC LIMIT 100"
    )
    with Desk.open(url, actor=SYSTEM_ACTOR) as desk:
        desk.complaints.first_page(ComplaintFilter(keyword="预热"))  # caches (vocabulary names) warm
        service: list[float] = []
        handmade: list[float] = []
        for kw in KEYWORDS:
            runs_s, runs_q = [], []
            for _ in range(3):
                t = time.perf_counter()
                desk.complaints.first_page(ComplaintFilter(keyword=kw), limit=100)
                runs_s.append(time.perf_counter() - t)
                t = time.perf_counter()
                with desk.engine.connect() as conn:
                    conn.execute(sql, {"p": like_pattern(kw)}).all()
                runs_q.append(time.perf_counter() - t)
            service.append(statistics.median(runs_s))
            handmade.append(statistics.median(runs_q))
    return {"search_s": max(service), "search_sql_s": max(handmade)}


def _list_figures(url: str) -> dict[str, float]:
    """Run the list in a child process so its memory is the list's, not this run's."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    proc = subprocess.run(
        [sys.executable, "-m", "desk.bench_complaints", "--child-list", url],
        capture_output=True, text=True, env=env, timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"list benchmark child failed: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _suffix(kind: str) -> str:
    return "" if kind == "sqlite" else "_pg"


def _make(kind: str):  # type: ignore[no-untyped-def]
    sfx = _suffix(kind)
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"

    @benchmark(
        f"complaints_list{sfx}",
        targets={f"list_open_s{sfx}": 0.3, f"list_rss_mb{sfx}": 300},
        description=f"十万件投诉：打开案件列表（{label}）",
    )
    def _list(run: BenchRun) -> Mapping[str, float]:
        figures = _list_figures(_filled_database(run, kind))
        return {f"list_open_s{sfx}": figures["list_open_s"], f"list_rss_mb{sfx}": figures["list_rss_mb"]}

    @benchmark(
        f"complaints_search{sfx}",
        targets={f"search_s{sfx}": 0.2, f"search_vs_sql{sfx}": 2.0},
        description=f"十万件投诉：关键词检索首页（{label}），对照手写 SQL",
    )
    def _search(run: BenchRun) -> Mapping[str, float]:
        figures = _search_figures(_filled_database(run, kind))
        out = {f"search_s{sfx}": figures["search_s"], f"search_sql_s{sfx}": figures["search_sql_s"]}
        out[f"search_vs_sql{sfx}"] = figures["search_s"] / max(figures["search_sql_s"], 1e-9)
        return out


_make("sqlite")
_make("postgresql")


def _child_list(url: str) -> None:
    import importlib

    import psutil

    from desk.facade import SYSTEM_ACTOR, Desk

    # By name: desk/ never imports Qt or the GUI at module level (this runs only in the child).
    widgets = importlib.import_module("PySide6.QtWidgets")
    QApplication, QTableView = widgets.QApplication, widgets.QTableView  # noqa: N806
    ComplaintTableModel = importlib.import_module("ui.complaints.list_model").ComplaintTableModel  # noqa: N806

    app = QApplication.instance() or QApplication([])
    desk = Desk.open(url, actor=SYSTEM_ACTOR)
    view = QTableView()
    view.resize(1200, 700)
    view.show()
    app.processEvents()
    t = time.perf_counter()
    model = ComplaintTableModel(desk)
    model.reload()
    view.setModel(model)
    view.repaint()  # paints the visible rows, which fetches their page
    app.processEvents()
    list_open = time.perf_counter() - t
    # Scroll to the end the way a user would: the model must not load every row.
    view.scrollToBottom()
    view.repaint()
    app.processEvents()
    rss = psutil.Process().memory_info().rss / 1024 / 1024
    print(json.dumps({"list_open_s": list_open, "list_rss_mb": rss, "rows": model.rowCount()}))
    desk.close()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child-list":
        _child_list(sys.argv[2])
    else:
        print("usage: python -m desk.bench_complaints --child-list URL", file=sys.stderr)
        sys.exit(2)
