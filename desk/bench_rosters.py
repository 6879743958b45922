"""Benchmark of the roster import (issue: rosters, speed section): a 5,000-row sheet read,
checked and committed, on SQLite and on PostgreSQL.

- ``roster_import_5000_s``: what the import wizard makes the user wait for: read the sheet
  (openpyxl read-only), map the headers, check every row against the roster (the preview) and
  commit in one transaction (which checks again). The sheet is built with openpyxl in a
  temporary folder first (not timed), with a title row, a header row and 13 columns, like an
  office's own roster.
- ``roster_reimport_5000_s``: the same file imported again: every row found on the roster and
  skipped, nothing written.

Each run uses fresh phone and ID numbers and removes its people afterwards, so the figure is
that of a first import even on a database kept between runs ($CADESK_BENCH_PG_URL)."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from desk.bench import BenchRun, bench_database, benchmark

ROWS = 5_000
TARGET_S = 10.0


def build_sheet(path: Path, n: int, *, seed: str) -> Path:
    """An office-style roster workbook of ``n`` people with valid, unique phones and IDs."""
    from openpyxl import Workbook

    from desk.validators import _id_check_char

    rng = random.Random(seed)
    phone_base = rng.randrange(10**7, 9 * 10**7)
    id_base = rng.randrange(0, 900)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("志愿者名册")
    ws.append(["太和县消费维权志愿者名册"])
    ws.append(["序号", "姓名", "性别", "联系电话", "身份证号码", "乡镇（街道）", "社区/村", "工作单位", "职业",
               "入会时间", "证书编号", "特长", "备注"])
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞"
    towns = ("城关镇", "旧县镇", "税镇镇", "皮条孙镇", "原墙镇", "倪邱镇", "李兴镇", "大新镇")
    for i in range(n):
        # Distinct birth dates for the first 13,440 rows (then IDs repeat): 1960–1999.
        birth = f"{1960 + (i // 336) % 40}{i % 12 + 1:02d}{(i // 12) % 28 + 1:02d}"
        first17 = f"341222{birth}{(id_base + i) % 1000:03d}"
        id_no = first17 + _id_check_char(first17)
        ws.append([
            i + 1,
            rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            "男" if i % 2 else "女",
            f"19{phone_base + i:09d}",
            id_no,
            rng.choice(towns),
            f"{rng.choice('东西南北')}关社区",
            "太和县某某有限公司",
            rng.choice(("教师", "医生", "职员", "个体工商户")),
            f"{2015 + i % 10}年{i % 12 + 1}月{i % 28 + 1}日" if i % 3 else f"{2015 + i % 10}.{i % 12 + 1}.1",
            f"{seed[:6]}-{i:05d}",
            rng.choice(("法律", "财会", "摄影", "")),
            "",
        ])
    wb.save(path)
    return path


def _measure(url: str, size: int) -> dict[str, float]:
    from sqlalchemy import delete

    from desk import roster_import
    from desk.facade import SYSTEM_ACTOR, Desk
    from desk.models.rosters import RosterPerson

    folder = Path(tempfile.mkdtemp(prefix="cadesk-bench-roster-"))
    tag = uuid.uuid4().hex
    try:
        path = build_sheet(folder / "名册.xlsx", size, seed=tag)
        with Desk.open(url, actor=SYSTEM_ACTOR) as desk:
            options = roster_import.ImportOptions("volunteer", "skip", "2026-01-05", "报名表书面同意")
            t = time.perf_counter()
            data = roster_import.read_sheet(path)
            mapping = roster_import.auto_mapping(data.headers)
            plan = roster_import.preview(desk, data, mapping, options)
            _done, summary = roster_import.commit(desk, data, mapping, options)
            first = time.perf_counter() - t
            if summary.added != size or plan.count("error"):
                raise RuntimeError(f"benchmark sheet imported {summary.added} of {size} rows")
            t = time.perf_counter()
            _plan, again = roster_import.import_file(desk, path, options)
            second = time.perf_counter() - t
            if again.added or again.skipped != size:
                raise RuntimeError("re-import of the benchmark sheet was not all skipped")
            with desk.engine.begin() as conn:  # bench clean-up, not office history
                conn.execute(delete(RosterPerson).where(RosterPerson.certificate_no.like(f"{tag[:6]}-%")))
        return {"import": first, "reimport": second}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _make(kind: str) -> None:
    sfx = "" if kind == "sqlite" else "_pg"
    label = "SQLite" if kind == "sqlite" else "PostgreSQL"

    @benchmark(
        f"roster_import{sfx}",
        targets={f"roster_import_5000_s{sfx}": TARGET_S},
        description=f"名册导入：5,000 行 Excel 读取、检查并写入（{label}）",
    )
    def _bench(run: BenchRun) -> Mapping[str, float]:
        figures = _measure(bench_database(kind), run.scaled(1_000, ROWS))  # type: ignore[arg-type]
        return {f"roster_import_5000_s{sfx}": figures["import"], f"roster_reimport_5000_s{sfx}": figures["reimport"]}


_make("sqlite")
_make("postgresql")
