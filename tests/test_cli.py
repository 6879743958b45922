"""cadesk-admin, run in-process through main([...]) on real SQLite files and PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sysconfig
import time
from pathlib import Path

import pytest
from conftest import open_as_admin
from sqlalchemy import select

from desk import bench, cli, migrate, paths
from desk.facade import SYSTEM_ACTOR, Desk
from desk.models import Business
from desk.services.businesses import BusinessInput


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


class _Stdin(io.StringIO):
    def __init__(self, text: str, tty: bool) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


# -- help and usage -----------------------------------------------------------------------------


def test_help_is_chinese(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert out.startswith("用法：cadesk-admin")
    for command in ("init", "migrate", "backup", "restore", "demo", "calendar", "bench"):
        assert command in out
    assert "显示本帮助并退出" in out and "show this help" not in out
    code, out, _ = run(capsys, "restore", "--help")
    assert code == 0 and "非交互环境中必须给出" in out


def test_usage_errors_are_chinese(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "错误：" in err and "frobnicate" in err and "invalid choice" not in err
    code, _, err = run(capsys, "demo")
    assert code == 2 and "缺少参数" in err and "--seed" in err
    code, _, err = run(capsys, "demo", "--seed", "1", "--businesses", "-5")
    assert code == 2 and "不能为负数" in err


# -- init and migrate ----------------------------------------------------------------------------


def test_init_creates_schema_office_and_admin(capsys, monkeypatch, db_url):
    monkeypatch.setattr("sys.stdin", _Stdin("boss-pass-123\n", tty=False))
    code, out, _ = run(capsys, "--db", db_url, "init", "--admin", "boss", "--admin-name", "王主任",
                       "--admin-password-stdin", "--office-code", "TH", "--office-name", "太和县消费者协会")
    assert code == 0
    assert "已创建管理员：boss（王主任）" in out and "单位：TH 太和县消费者协会" in out
    assert "boss-pass-123" not in out
    with Desk.open(db_url) as d:
        actor = d.auth.login("boss", "boss-pass-123")
        assert actor.role == "admin" and d.offices.get(actor.office_id).code == "TH"
        assert d.vocab.list("nature")
    # Second run: nothing more to do, and an existing user is never overwritten.
    monkeypatch.setattr("sys.stdin", _Stdin("other-pass-123\n", tty=False))
    code, out, _ = run(capsys, "--db", db_url, "init", "--admin", "mallory", "--admin-password-stdin")
    assert code == 0 and "已有用户账户，未创建管理员" in out and "已是最新版本" in out


def test_init_on_empty_postgres_database(capsys, monkeypatch, pg_empty_url):
    monkeypatch.setattr("sys.stdin", _Stdin("boss-pass-123\n", tty=False))
    code, out, _ = run(capsys, "--db", pg_empty_url, "init", "--admin", "boss", "--admin-password-stdin")
    assert code == 0 and "已建立数据库结构" in out and "已创建管理员：boss" in out
    with Desk.open(pg_empty_url) as d:
        assert d.auth.login("boss", "boss-pass-123").username == "boss"


def test_init_refuses_bad_admin_input_and_creates_nothing(capsys, monkeypatch, sqlite_url):
    code, _, err = run(capsys, "--db", sqlite_url, "init", "--admin", "boss")
    assert code == 1 and "--admin-password-stdin" in err
    monkeypatch.setattr("sys.stdin", _Stdin("short\n", tty=False))
    code, _, err = run(capsys, "--db", sqlite_url, "init", "--admin", "boss", "--admin-password-stdin")
    assert code == 1 and err.startswith("错误：") and "密码" in err
    monkeypatch.setattr("sys.stdin", _Stdin("long-enough-1\n", tty=False))
    code, _, err = run(capsys, "--db", sqlite_url, "init", "--admin", "boss", "--admin-password-stdin", "--office-code", "太和")
    assert code == 1 and "单位简码" in err
    with Desk.open(sqlite_url) as d:
        assert d.auth.needs_setup()


def test_migrate_check_and_upgrade(capsys, sqlite_url):
    code, out, _ = run(capsys, "--db", sqlite_url, "migrate", "--check")
    assert code == 1 and "（空数据库）" in out and "需要升级" in out
    code, out, _ = run(capsys, "--db", sqlite_url, "migrate")
    assert code == 0 and f"已建立数据库结构（版本 {migrate.head_revision()}）" in out
    code, out, _ = run(capsys, "--db", sqlite_url, "migrate", "--check")
    assert code == 0 and "已是最新版本" in out


def test_migrate_from_first_revision_backs_up_first(capsys, tmp_path):
    from alembic.script import ScriptDirectory

    from desk.db import make_engine

    base = ScriptDirectory.from_config(migrate.alembic_config()).get_base()
    head = migrate.head_revision()
    url = paths.sqlite_url(tmp_path / "old.sqlite3")
    engine = make_engine(url)
    migrate.upgrade(engine, target=base)
    engine.dispose()
    code, out, _ = run(capsys, "--db", url, "migrate", "--check")
    if base == head:  # only one revision so far: the database is current
        assert code == 0
        return
    assert code == 1 and f"当前结构版本：{base}" in out
    code, out, _ = run(capsys, "--db", url, "migrate")
    assert code == 0 and f"{base} → {head}" in out
    saved = out.split("升级前的数据已备份到：")[1].strip()
    assert Path(saved).is_file()


def test_unreachable_database_is_a_clear_error(capsys):
    code, _, err = run(capsys, "--db", "postgresql+psycopg://nobody:x@127.0.0.1:1/none", "migrate", "--check")
    assert code == 1 and err.startswith("错误：") and "PostgreSQL" in err


def test_unexpected_error_is_logged_not_shown(capsys, monkeypatch, sqlite_url):
    def boom(args, url):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "cmd_migrate", boom)
    code, _, err = run(capsys, "--db", sqlite_url, "migrate")
    assert code == 2 and "程序内部错误（ZeroDivisionError）" in err
    log = paths.log_dir() / "cadesk-admin.log"
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")


# -- backup and restore --------------------------------------------------------------------------


def _business_names(url: str) -> list[str]:
    with Desk.open(url, actor=SYSTEM_ACTOR) as d, d.read() as s:
        return list(s.scalars(select(Business.name).order_by(Business.id)))


def test_backup_change_restore_round_trip(capsys, db_url, tmp_path):
    d = open_as_admin(db_url)
    b = d.businesses.create(BusinessInput(name="太和县华联超市", phone="13812345678"))
    d.close()
    target = tmp_path / "备份" / "b.sqlite3"
    target.parent.mkdir()
    code, out, _ = run(capsys, "--db", db_url, "backup", str(target))
    assert code == 0 and str(target.resolve()) in out and "表：" in out and "记录：" in out

    d = open_as_admin(db_url)
    d.businesses.update(b.id, d.businesses.get(b.id), BusinessInput(name="太和县改名超市"))
    d.businesses.create(BusinessInput(name="太和县新开饭店"))
    d.close()
    assert _business_names(db_url) == ["太和县改名超市", "太和县新开饭店"]

    code, out, _ = run(capsys, "--db", db_url, "restore", str(target), "--yes")
    assert code == 0
    assert _business_names(db_url) == ["太和县华联超市"]
    saved = Path(out.split("恢复前的数据已另存为：")[1].strip())
    with sqlite3.connect(saved) as con:
        assert [r[0] for r in con.execute("SELECT name FROM business ORDER BY id")] == ["太和县改名超市", "太和县新开饭店"]
    con.close()
    # The restored database works for the office: log in, edit, number sequences continue.
    d = open_as_admin(db_url)
    assert d.businesses.create(BusinessInput(name="太和县恢复后新增店")).id > b.id
    d.close()


def test_backup_refuses_to_overwrite_and_names_files_in_a_folder(capsys, sqlite_url, tmp_path):
    open_as_admin(sqlite_url).close()
    target = tmp_path / "b.sqlite3"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, "--db", sqlite_url, "backup", str(target))
    assert code == 1 and "--force" in err and target.read_text(encoding="utf-8") == "keep me"
    folder = tmp_path / "folder"
    folder.mkdir()
    code, out, _ = run(capsys, "--db", sqlite_url, "backup", str(folder))
    assert code == 0 and len(list(folder.glob("cadesk-*.sqlite3"))) == 1


def _seeded(url: str) -> None:
    d = open_as_admin(url)
    d.businesses.create(BusinessInput(name="太和县华联超市"))
    d.close()


@pytest.mark.parametrize("kind", ["text", "foreign_sqlite", "missing"])
def test_restore_refuses_what_is_not_a_backup(capsys, sqlite_url, tmp_path, kind):
    _seeded(sqlite_url)
    bad = tmp_path / "bad.sqlite3"
    if kind == "text":
        bad.write_text("这不是备份\n", encoding="utf-8")
    elif kind == "foreign_sqlite":
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO notes (body) VALUES ('x')")
        con.commit()
        con.close()
    before_saved = set(paths.backup_dir().iterdir())
    code, out, err = run(capsys, "--db", sqlite_url, "restore", str(bad), "--yes")
    assert code == 1 and err.startswith("错误：")
    assert ("不是消协工作台的备份文件" in err) if kind != "missing" else ("找不到备份文件" in err)
    assert "已从备份恢复" not in out
    assert _business_names(sqlite_url) == ["太和县华联超市"]
    assert set(paths.backup_dir().iterdir()) == before_saved  # nothing was even set aside


def test_restore_needs_confirmation(capsys, monkeypatch, sqlite_url, tmp_path):
    _seeded(sqlite_url)
    target = tmp_path / "b.sqlite3"
    assert run(capsys, "--db", sqlite_url, "backup", str(target))[0] == 0
    d = open_as_admin(sqlite_url)
    d.businesses.create(BusinessInput(name="太和县第二家"))
    d.close()
    # Not a terminal (CI, a script): refuse without --yes, even if stdin says yes.
    monkeypatch.setattr("sys.stdin", _Stdin("yes\n", tty=False))
    code, _, err = run(capsys, "--db", sqlite_url, "restore", str(target))
    assert code == 1 and "--yes" in err
    # On a terminal the user is asked; anything but yes cancels.
    monkeypatch.setattr("sys.stdin", _Stdin("", tty=True))
    monkeypatch.setattr("builtins.input", lambda prompt: "不")
    code, out, _ = run(capsys, "--db", sqlite_url, "restore", str(target))
    assert code == 1 and "已取消" in out
    assert _business_names(sqlite_url) == ["太和县华联超市", "太和县第二家"]
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    code, out, _ = run(capsys, "--db", sqlite_url, "restore", str(target))
    assert code == 0 and _business_names(sqlite_url) == ["太和县华联超市"]


# -- demo ---------------------------------------------------------------------------------------------


def test_demo_command_is_deterministic_and_rerunnable(capsys, tmp_path):
    urls = [paths.sqlite_url(tmp_path / f"demo{i}.sqlite3") for i in range(2)]
    for url in urls:
        code, out, _ = run(capsys, "--db", url, "demo", "--seed", "42", "--businesses", "50")
        assert code == 0 and "demo-pass-1" in out and "经营者：新增 50" in out
    assert _business_names(urls[0]) == _business_names(urls[1])
    assert len(_business_names(urls[0])) == 50
    code, out, _ = run(capsys, "--db", urls[0], "demo", "--seed", "42", "--businesses", "50")
    assert code == 0 and "经营者：新增 0，已存在跳过 50" in out
    assert len(_business_names(urls[0])) == 50


# -- calendar ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "start", "n", "expected"),
    [
        # National Day 2025: 1–8 Oct off, Sat 11 Oct a makeup working day.
        ("add-working-days", "2025-09-30", "7", "2025-10-16"),
        # 30 days end on 1 Oct, a holiday: the period runs to the next working day.
        ("add-days", "2025-09-01", "30", "2025-10-09"),
        # Spring Festival 2026: 15–23 Feb off, Sat 14 Feb worked.
        ("add-working-days", "2026-02-12", "5", "2026-02-26"),
        ("add-days", "2026-02-10", "7", "2026-02-24"),
        ("add-working-days", "2026年2月12日", "0", "2026-02-12"),
    ],
)
def test_calendar_across_holidays(capsys, sqlite_url, command, start, n, expected):
    code, out, _ = run(capsys, "--db", sqlite_url, "calendar", command, start, n)
    lines = out.strip().splitlines()
    assert code == 0 and lines[-1] == expected
    assert not any("注意" in line for line in lines)


def test_calendar_warns_for_a_year_without_schedule(capsys, sqlite_url):
    from desk.workcal import provisional_warning

    # 29–31 Dec 2026, then 2027 by the fallback: 1 Jan off, 4 and 5 Jan.
    code, out, _ = run(capsys, "--db", sqlite_url, "calendar", "add-working-days", "2026-12-28", "5")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[-1] == "2027-01-05"
    assert lines[-2] == provisional_warning([2027]) and "2027年" in lines[-2]


@pytest.mark.parametrize(
    ("start", "n", "message"),
    [
        ("2025-02-30", "3", "不存在"),
        ("明天", "3", "格式不正确"),
        ("2025-09-30", "七", "不是整数"),
        ("2025-09-30", "-1", "0 到"),
        ("2025-09-30", "999999", "0 到"),
    ],
)
def test_calendar_bad_input(capsys, sqlite_url, start, n, message):
    code, out, err = run(capsys, "--db", sqlite_url, "calendar", "add-working-days", start, n)
    assert code == 1 and err.startswith("错误：") and message in err and out == ""


def test_installed_console_script(tmp_path):
    # The interpreter's own scripts folder first: a version manager's shims (pyenv) may not
    # have been refreshed right after pip installed the console script.
    exe = shutil.which("cadesk-admin", path=sysconfig.get_path("scripts")) or shutil.which("cadesk-admin")
    assert exe, "cadesk-admin is not installed: run pip install -e ."
    env = dict(os.environ, CADESK_HOME=str(tmp_path / "home"))
    env.pop("CADESK_DB", None)
    url = paths.sqlite_url(tmp_path / "cli.sqlite3")
    proc = subprocess.run(
        [exe, "--db", url, "calendar", "add-working-days", "2025-09-30", "7"],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "2025-10-16"


def test_db_defaults_to_cadesk_db(capsys, monkeypatch, sqlite_url):
    monkeypatch.setenv("CADESK_DB", sqlite_url)
    code, out, _ = run(capsys, "migrate")
    assert code == 0 and sqlite_url.removeprefix("sqlite:///") in out


# -- bench ------------------------------------------------------------------------------------------


@pytest.fixture
def cheap_benchmarks():
    names = ["cheap_test", "broken_test", "elsewhere_test", "db_test"]

    @bench.benchmark("cheap_test", targets={"cheap_a_s": 1.0, "cheap_b_s": 1.0}, description="测试用")
    def _cheap(run):  # type: ignore[no-untyped-def]
        return {"cheap_a_s": 0.123456789, "cheap_b_s": 2 if run.size == "full" else 1}

    @bench.benchmark("broken_test")
    def _broken(run):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaputt")

    @bench.benchmark("elsewhere_test")
    def _elsewhere(run):  # type: ignore[no-untyped-def]
        raise bench.BenchUnavailable("这台机器上不能测")

    yield names
    for n in names:
        bench.REGISTRY.pop(n, None)


def test_bench_json_last_line(capsys, cheap_benchmarks):
    code, out, _ = run(capsys, "bench", "--json", "--only", "cheap_test", "--size", "small")
    assert code == 0
    assert json.loads(out.strip().splitlines()[-1]) == {"cheap_a_s": 0.1235, "cheap_b_s": 1.0}


def test_bench_table_with_machine_and_targets(capsys, cheap_benchmarks):
    code, out, _ = run(capsys, "bench", "--only", "cheap_test")
    assert code == 0
    assert "核" in out and "日期：" in out and "规模：full" in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("名称"))
    assert lines[header].split() == ["名称", "数值", "目标"]
    assert lines[header + 1].split()[:2] == ["cheap_a_s", "0.1235"]
    assert "超出目标" not in lines[header + 1] and "超出目标" in lines[header + 2]


def test_bench_reports_failures_and_skips(capsys, cheap_benchmarks):
    code, out, err = run(capsys, "bench", "--json", "--only", "cheap_test,broken_test,elsewhere_test")
    assert code == 1
    assert "失败 broken_test" in err and "跳过 elsewhere_test：这台机器上不能测" in err
    assert "RuntimeError: kaputt" in (paths.log_dir() / "cadesk-admin.log").read_text(encoding="utf-8")
    assert json.loads(out.strip().splitlines()[-1]) == {"cheap_a_s": 0.1235, "cheap_b_s": 2.0}
    code, _, err = run(capsys, "bench", "--only", "no_such_bench")
    assert code == 1 and "no_such_bench" in err and "startup" in err


def test_bench_list_shows_registered(capsys, cheap_benchmarks):
    code, out, _ = run(capsys, "bench", "--list")
    assert code == 0 and "startup" in out and "cheap_test：测试用" in out


def test_bench_database_is_made_once_per_run_and_removed(monkeypatch):
    monkeypatch.delenv("CADESK_BENCH_PG_URL", raising=False)
    with bench.bench_run("small") as r:
        url = bench.bench_database("sqlite")
        assert bench.bench_database("sqlite") == url
        with Desk.open(url, actor=SYSTEM_ACTOR) as d:
            assert d.vocab.list("nature")
        assert r.cached("k", lambda: 1) == 1 and bench.run_cache("k", lambda: 2) == 1
        file = Path(url.removeprefix("sqlite:///"))
        assert file.is_file()
    assert not file.exists()
    with pytest.raises(RuntimeError):
        bench.bench_database("sqlite")


@pytest.mark.pg
def test_bench_database_on_postgres_is_dropped_after_the_run(monkeypatch, pg_template):
    from sqlalchemy import create_engine

    from desk.db import normalise_url

    monkeypatch.delenv("CADESK_BENCH_PG_URL", raising=False)
    with bench.bench_run("small"):
        url = bench.bench_database("postgresql")
        with Desk.open(url, actor=SYSTEM_ACTOR) as d:
            assert d.backend == "postgresql" and d.vocab.list("nature")
        name = normalise_url(url).database
    admin = create_engine(normalise_url(os.environ["CADESK_TEST_PG_URL"]))
    with admin.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).scalar() == 0
    admin.dispose()



def test_bench_terminated_still_removes_its_databases(capsys):
    made: list[str] = []

    @bench.benchmark("terminated_test")
    def _terminated(run):  # type: ignore[no-untyped-def]
        import signal

        made.append(bench.bench_database("sqlite"))
        os.kill(os.getpid(), signal.SIGTERM)  # as a CI timeout would
        time.sleep(5)
        return {"never_s": 1.0}

    try:
        code = cli.main(["bench", "--only", "terminated_test"])
    finally:
        bench.REGISTRY.pop("terminated_test", None)
    assert code == 130 and "已中断" in capsys.readouterr().err
    assert made and not Path(made[0].removeprefix("sqlite:///")).exists()
