"""Benchmarks of the statistics issue (speed section), in the 100,000-complaint bench database
of desk.bench_complaints (SQLite). Registered into desk.bench's registry when imported.

- ``briefing_s``: ``desk.briefing.generate`` for the busiest quarter (about 10,000 accepted
  complaints at full size): statistics, four charts, rendering and saving the .docx.
- ``dashboard_s``: what the dashboard does on refresh: ``desk.stats.compute`` for that quarter
  and the four charts drawn to PNG.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import func, select

from desk.bench import BenchRun, benchmark
from desk.bench_complaints import _filled_database


def _busiest_quarter(desk) -> str:  # type: ignore[no-untyped-def]
    from desk.models import Complaint

    with desk.read() as s:
        dates = s.execute(select(Complaint.accepted_date, func.count(Complaint.id))
                          .where(Complaint.accepted_date.is_not(None)).group_by(Complaint.accepted_date)).all()
    per: dict[str, int] = {}
    for d, n in dates:
        key = f"{d.year}Q{(d.month - 1) // 3 + 1}"
        per[key] = per.get(key, 0) + int(n)
    return max(per, key=lambda k: (per[k], k)) if per else "2026Q3"


@benchmark("briefing", targets={"briefing_s": 5.0, "dashboard_s": 1.0},
           description="十万件投诉库中约一万件的季度：生成简报（.docx），以及仪表板统计加四张图表")
def _briefing(run: BenchRun) -> Mapping[str, float]:
    from desk import briefing, stats
    from desk.facade import SYSTEM_ACTOR, Desk
    from desk.periods import parse_period

    url = _filled_database(run, "sqlite")
    with Desk.open(url, actor=SYSTEM_ACTOR) as desk, tempfile.TemporaryDirectory() as tmp:
        period = parse_period(_busiest_quarter(desk))
        # Warm-up: matplotlib's font cache and imports are a one-off cost of the first chart.
        briefing._charts(stats.compute(desk, period))

        t0 = time.perf_counter()
        st = stats.compute(desk, period)
        t1 = time.perf_counter()
        briefing._charts(st)
        dashboard = time.perf_counter() - t0

        stats_s = t1 - t0
        t0 = time.perf_counter()
        briefing.generate(desk, period, Path(tmp) / "简报.docx", issue_no=1)
        brief = time.perf_counter() - t0
    return {"briefing_s": brief, "dashboard_s": dashboard, "dashboard_stats_s": stats_s, "briefing_quarter_cases": float(st.headline.accepted.value or 0)}
