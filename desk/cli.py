"""``cadesk-admin``: the administrator's command line over the same services as the GUI.

Every expected failure (a DeskError, a database that cannot be reached, a file that cannot be
written) prints ``错误：…`` to stderr and exits 1; wrong command-line usage exits 2; anything
unexpected is logged with its traceback to the log folder and exits 2 with a short message.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import re
import sys
import time
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from desk.errors import DeskError
from desk.instance import announce_running

log = logging.getLogger(__name__)

# Larger periods are no deadline; and the day-by-day count must stay quick.
MAX_DAYS = 3660


# -- argparse in Chinese ----------------------------------------------------------------------

_ARGPARSE_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.+)", r"缺少参数：\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
    (r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)", r"参数 \1 的值 \2 无效（可选：\3）"),
    (r"argument (.+?): expected one argument", r"参数 \1 需要一个值"),
    (r"argument (.+?): invalid (\w+) value: (.+)", r"参数 \1 的值 \3 无效"),
    (r"argument (.+?): not allowed with argument (.+)", r"参数 \1 不能和 \2 一起使用"),
    (r"ambiguous option: (.+?) could match (.+)", r"选项 \1 有歧义，可能是：\2"),
    (r"argument (.+?): (.+)", r"参数 \1：\2"),
)


def _translate_argparse(message: str) -> str:
    for pattern, repl in _ARGPARSE_MESSAGES:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, repl, message)
    return message


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        return super().add_usage(usage, actions, groups, prefix if prefix is not None else "用法：")


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose help and errors are Chinese."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{_translate_argparse(message)}\n（用 {self.prog} --help 查看用法）\n")


def _non_negative_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if n < 0:
        raise argparse.ArgumentTypeError("不能为负数")
    return n


def build_parser() -> argparse.ArgumentParser:
    from desk import demo

    p = _Parser(
        prog="cadesk-admin",
        description="消协工作台管理工具：初始化与升级数据库、备份与恢复、演示数据、工作日计算和性能测试。",
        epilog="未指定 --db 时使用环境变量 CADESK_DB，否则使用本机程序所用的数据库。",
    )
    p.add_argument("--db", metavar="URL", help="数据库地址，如 sqlite:///C:/数据/cadesk.sqlite3 或 postgresql://用户@服务器/cadesk")
    p.add_argument("-v", "--verbose", action="store_true", help="出错时在屏幕上显示详细的技术信息")
    sub = p.add_subparsers(dest="command", required=True, title="命令", metavar="COMMAND", help="下列命令之一")

    s = sub.add_parser("init", help="建立或升级数据库，可同时设置单位和管理员", description="建立或升级数据库结构，写入内置分类词表；"
                       "给出 --admin 且还没有任何用户时，创建县消协单位和管理员账户（密码从标准输入读取）。")
    s.add_argument("--office-code", default="TH", metavar="CODE", help="单位简码，出现在案件编号中（默认 TH）")
    s.add_argument("--office-name", default="太和县消费者协会", metavar="NAME", help="单位名称（默认 太和县消费者协会）")
    s.add_argument("--admin", metavar="USER", help="要创建的管理员用户名")
    s.add_argument("--admin-name", default="管理员", metavar="NAME", help="管理员姓名（默认 管理员）")
    s.add_argument("--admin-password-stdin", action="store_true", help="从标准输入读取管理员密码（密码不要写在命令行上）")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("migrate", help="把数据库结构升级到本程序的版本", description="把数据库结构升级到本程序的版本；"
                       "SQLite 文件升级前会自动备份。")
    s.add_argument("--check", action="store_true", help="只检查，不升级；需要升级时退出码为 1")
    s.set_defaults(func=cmd_migrate)

    s = sub.add_parser("backup", help="把数据库备份到一个文件", description="把整个数据库备份到一个 SQLite 文件"
                       "（PostgreSQL 数据库也备份成 SQLite 文件，可用 restore 恢复）。")
    s.add_argument("path", metavar="PATH", help="备份文件路径；给出文件夹时按日期时间自动命名")
    s.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="用备份文件替换数据库中的全部数据", description="用备份文件替换数据库中的全部数据。"
                       "恢复前会把现有数据另存到备份文件夹。")
    s.add_argument("path", metavar="PATH", help="备份文件路径")
    s.add_argument("--yes", action="store_true", help="不询问，直接恢复（非交互环境中必须给出）")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser("demo", help="生成演示数据", description="生成太和县的演示数据（单位、各角色用户、经营者等），"
                       "同一种子生成相同数据；再次运行时已存在的数据会跳过。")
    s.add_argument("--seed", type=int, required=True, metavar="SEED", help="随机种子（整数）")
    for step in demo.sized_steps():
        s.add_argument(f"--{step.name.replace('_', '-')}", dest=f"count_{step.name}", type=_non_negative_int, metavar="N",
                       help=f"{step.label}数量（默认 {step.count_default}）")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("calendar", help="工作日和期限计算", description="按国务院节假日安排和本单位的自定义安排计算期限。")
    cal = s.add_subparsers(dest="calendar_command", required=True, title="计算", metavar="WHAT", help="下列计算之一")
    c = cal.add_parser("add-working-days", help="起算日之后第 N 个工作日", description="起算日之后第 N 个工作日（起算日当天不计）。")
    c.add_argument("date", metavar="DATE", help="起算日期，如 2025-09-30")
    c.add_argument("n", metavar="N", help="工作日数")
    c.set_defaults(func=cmd_calendar, working=True)
    c = cal.add_parser("add-days", help="起算日之后 N 日，末日为节假日的顺延", description="起算日之后 N 个自然日"
                       "（起算日当天不计）；期限末日是节假日或休息日的，顺延到下一个工作日。")
    c.add_argument("date", metavar="DATE", help="起算日期，如 2025-09-01")
    c.add_argument("n", metavar="N", help="天数")
    c.set_defaults(func=cmd_calendar, working=False)

    s = sub.add_parser("bench", help="性能基准测试", description="运行性能基准测试，显示各项数值和目标。")
    s.add_argument("--json", action="store_true", help="最后一行输出所有数值的 JSON 对象")
    s.add_argument("--only", metavar="NAME[,NAME]", help="只运行这些基准测试（逗号分隔；名称见 --list）")
    s.add_argument("--size", choices=("small", "full"), default="full", help="数据规模：small 快速检查，full 完整测量（默认）")
    s.add_argument("--list", action="store_true", help="列出所有基准测试及其目标，不运行")
    s.set_defaults(func=cmd_bench)

    s = sub.add_parser("import-roster", help="从 Excel（.xlsx）导入志愿者或义务调查员名册",
                       description="从 Excel 工作簿（.xlsx）导入人员名册：按中文表头自动对应各列，逐行检查"
                       "（电话、身份证号校验位、日期、缺少姓名、与名册或文件内重复），把所有无问题的行一次导入，"
                       "有问题的行列出不导入。再次导入同一文件不会产生重复人员。")
    s.add_argument("file", metavar="FILE.xlsx", help="要导入的 Excel 文件")
    s.add_argument("--kind", required=True, choices=("volunteer", "investigator", "reconciler", "liaison"),
                   help="名册：volunteer 消费维权志愿者，investigator 义务调查员，reconciler 和解员，liaison 投诉联络员")
    s.add_argument("--sheet", metavar="NAME", help="工作表名称（默认第一个可见的工作表）")
    s.add_argument("--dry-run", action="store_true", help="只检查并显示报告，不导入")
    s.add_argument("--on-duplicate", choices=("skip", "update"), default="skip",
                   help="已在名册中的人员：skip 跳过（默认），update 用表中非空的内容更新")
    s.add_argument("--consent-date", metavar="DATE", help="志愿者同意使用其个人信息的日期（表中没有时用它）")
    s.add_argument("--consent-method", metavar="TEXT", help="取得同意的方式，如“报名表书面同意”")
    s.set_defaults(func=cmd_import_roster)

    s = sub.add_parser("briefing", help="生成消费维权工作简报（Word）",
                       description="按统计期间（和单位）生成消费维权工作简报（.docx）：主要数据、分析文字、统计表和图表，"
                       "期号按年自动递增。最后一行输出生成的文件路径。")
    s.add_argument("--period", required=True, metavar="PERIOD",
                   help="统计期间，如 2026、2026H1、2026Q3、2026-07 或 2026-07-01..2026-09-30")
    s.add_argument("--office", metavar="CODE", help="只统计这个单位（单位代码；默认全部单位）")
    s.add_argument("--out", required=True, metavar="FILE.docx", help="保存到的 Word 文件")
    s.add_argument("--issue", type=int, metavar="N", help="期号（默认本年下一期）")
    s.set_defaults(func=cmd_briefing)
    return p


# -- helpers ------------------------------------------------------------------------------------


def _out(line: str = "") -> None:
    print(line, flush=True)


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _db_url(args: argparse.Namespace) -> str:
    from desk import paths

    return args.db or paths.default_db_url()


def _show_url(url: str) -> str:
    from desk.db import normalise_url

    try:
        u = normalise_url(url)
    except Exception:  # noqa: BLE001 - only for display
        return url
    if u.get_backend_name() == "sqlite":
        return f"SQLite 文件 {u.database}"
    return u.render_as_string(hide_password=True)


def _open_desk(url: str, *, migrate: bool = True):  # type: ignore[no-untyped-def]
    from desk.facade import SYSTEM_ACTOR, Desk

    return Desk.open(url, migrate=migrate, actor=SYSTEM_ACTOR)


def _read_password() -> tuple[str, str]:
    """(password, confirmation) from stdin: prompted twice on a terminal, else one line."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("管理员密码："), getpass.getpass("再次输入密码：")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    password = line.rstrip("\r\n")
    return password, password


# -- commands -----------------------------------------------------------------------------------


def _upgrade(url: str):  # type: ignore[no-untyped-def]
    from desk import migrate
    from desk.db import make_engine

    engine = make_engine(url)
    try:
        return migrate.upgrade(engine)
    finally:
        engine.dispose()


def _describe_migration(result) -> None:  # type: ignore[no-untyped-def]
    if result.before == result.after:
        _out(f"数据库结构已是最新版本（{result.after}），无需升级。")
    elif result.before is None:
        _out(f"已建立数据库结构（版本 {result.after}）。")
    else:
        _out(f"数据库结构已升级：{result.before} → {result.after}")
    if result.backup is not None:
        _out(f"升级前的数据已备份到：{result.backup}")


def cmd_init(args: argparse.Namespace, url: str) -> int:
    from desk.errors import ValidationError
    from desk.services.auth import SetupInput

    if args.admin and not args.admin_password_stdin:
        raise DeskError("创建管理员需要密码：请加 --admin-password-stdin，从标准输入提供密码（不要把密码写在命令行上）")
    _out(f"数据库：{_show_url(url)}")
    _describe_migration(_upgrade(url))
    with _open_desk(url, migrate=False) as desk:
        added = desk.vocab.ensure_builtin()
        _out(f"内置分类词表：新增 {added} 项。" if added else "内置分类词表：已齐全。")
        if not desk.auth.needs_setup():
            if args.admin:
                _out("数据库中已有用户账户，未创建管理员。")
            return 0
        if not args.admin:
            _out("还没有管理员：首次启动程序时设置，或运行 cadesk-admin init --admin 用户名 --admin-password-stdin。")
            return 0
        password, again = _read_password()
        try:
            actor = desk.auth.setup(
                SetupInput(args.office_code, args.office_name, args.admin, args.admin_name, password, again)
            )
        except ValidationError as exc:
            raise DeskError(f"未创建管理员：{exc.message}") from exc
        office = desk.offices.get(actor.office_id) if actor.office_id is not None else None
        if office is not None:
            _out(f"单位：{office.code} {office.name}")
        _out(f"已创建管理员：{actor.username}（{actor.display_name}）")
    return 0


def cmd_migrate(args: argparse.Namespace, url: str) -> int:
    from desk import migrate
    from desk.db import make_engine

    _out(f"数据库：{_show_url(url)}")
    if not args.check:
        _describe_migration(_upgrade(url))
        return 0
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = migrate.current_revision(conn)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    _out(f"当前结构版本：{current or '（空数据库）'}")
    _out(f"本程序结构版本：{head}")
    migrate.check_not_newer(current)
    if current == head:
        _out("已是最新版本。")
        return 0
    _out("需要升级：请运行 cadesk-admin migrate。")
    return 1


def cmd_backup(args: argparse.Namespace, url: str) -> int:
    from desk import backup

    path = Path(args.path)
    if path.is_dir():
        path = path / backup.default_backup_name()
    if path.exists() and not args.force:
        raise DeskError(f"文件已存在：{path}（要覆盖请加 --force）")
    _out(f"数据库：{_show_url(url)}")
    info = backup.backup(url, path)
    _out(f"已备份到：{info.path.resolve()}")
    _out(f"表：{info.tables} 张，记录：{info.rows} 条，结构版本：{info.revision}")
    return 0


def _confirmed(question: str) -> bool:
    answer = input(question)
    return answer.strip().lower() in ("y", "yes", "是")


def cmd_restore(args: argparse.Namespace, url: str) -> int:
    from desk import backup

    info = backup.inspect_backup(Path(args.path))  # refuses anything that is not our backup
    _out(f"备份文件：{info.path.resolve()}（结构版本 {info.revision}，{info.tables} 张表，{info.rows} 条记录）")
    _out(f"恢复到：{_show_url(url)}（其中现有的全部数据将被替换）")
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise DeskError("恢复会替换现有的全部数据，必须确认：在非交互环境中请加 --yes")
        if not _confirmed("确认恢复吗？输入 yes 继续："):
            _out("已取消，数据未改动。")
            return 1
    result = backup.restore(url, info.path)
    _out(f"已从备份恢复：{result.restored_from.resolve()}")
    if result.previous_saved_to is not None:
        _out(f"恢复前的数据已另存为：{result.previous_saved_to}")
    elif result.damaged_saved_to is not None:
        _out(f"原来已损坏的数据库文件已移到：{result.damaged_saved_to}")
    else:
        _out("恢复前数据库是空的，没有另存。")
    return 0


def cmd_demo(args: argparse.Namespace, url: str) -> int:
    from desk import demo

    counts = {
        step.name: getattr(args, f"count_{step.name}")
        for step in demo.sized_steps()
        if getattr(args, f"count_{step.name}", None) is not None
    }
    _out(f"数据库：{_show_url(url)}")
    t0 = time.perf_counter()
    with _open_desk(url) as desk:
        report = demo.run_demo(desk, args.seed, **counts)
    _out(f"演示数据（种子 {args.seed}）：")
    for line in demo.summary_lines(report):
        _out(line)
    _out(f"共新增 {report.added} 条，用时 {time.perf_counter() - t0:.1f} 秒。")
    _out(f"演示用户（demo_ 开头）的密码都是：{demo.DEMO_PASSWORD}")
    return 0


def cmd_calendar(args: argparse.Namespace, url: str) -> int:
    from desk.validators import FieldError, parse_date
    from desk.workcal import provisional_warning

    try:
        start = parse_date(args.date)
    except FieldError as exc:
        raise DeskError(f"起算日期：{exc.message}") from None
    try:
        n = int(args.n.strip())
    except ValueError:
        raise DeskError(f"天数“{args.n}”不是整数") from None
    if not 0 <= n <= MAX_DAYS:
        raise DeskError(f"天数应在 0 到 {MAX_DAYS} 之间，当前为 {n}")
    with _open_desk(url) as desk:
        if args.working:
            result = desk.calendar.add_working_days(start, n)
            _out(f"自 {start:%Y-%m-%d} 起（当天不计）第 {n} 个工作日：")
        else:
            result = desk.calendar.add_days(start, n)
            _out(f"自 {start:%Y-%m-%d} 起（当天不计）{n} 日期满，末日为节假日或休息日的顺延：")
    if result.provisional:
        _out(provisional_warning(result.uncovered_years))
    _out(f"{result.date:%Y-%m-%d}")
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _unit(figure: str) -> str:
    """Unit from the figure's name: list_open_s_pg is seconds, list_rss_mb megabytes."""
    tokens = figure.split("_")
    return " 秒" if "s" in tokens else " MB" if "mb" in tokens else ""


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_bench(args: argparse.Namespace, url: str) -> int:
    import signal
    import threading

    # A CI timeout sends SIGTERM: unwind like Ctrl+C so scratch databases are dropped.
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
        try:
            return _bench(args)
        finally:
            signal.signal(signal.SIGTERM, previous)
    return _bench(args)


def _bench(args: argparse.Namespace) -> int:
    from desk import bench

    bench.load_benchmarks()
    if args.list:
        for b in bench.REGISTRY.values():
            goals = "，".join(f"{k} ≤ {v:g}" for k, v in b.targets.items())
            _out(f"{b.name}：{b.description or '（无说明）'}" + (f"（目标 {goals}）" if goals else ""))
        return 0
    only = args.only.split(",") if args.only else None
    chosen = bench.select(only)
    if not args.json:
        m = bench.machine()
        cores = f"{m.cores} 核" + (f"（物理 {m.physical_cores} 核）" if m.physical_cores else "")
        memory = f"，内存 {m.memory_gb} GB" if m.memory_gb else ""
        _out(f"机器：{cores}{memory}，{m.system}，Python {m.python}")
        _out(f"日期：{m.date:%Y-%m-%d}　规模：{args.size}")
    outcomes = bench.run_benchmarks(chosen, args.size)
    figures = bench.all_figures(outcomes)
    targets = bench.targets()
    failed = [o for o in outcomes if o.error]
    for o in outcomes:
        if o.skipped:
            _err(f"跳过 {o.name}：{o.skipped}")
        if o.error:
            _err(f"失败 {o.name}：{o.error}")
    if args.json:
        _out(json.dumps(figures, ensure_ascii=False, sort_keys=False))
    else:
        rows = [("名称", "数值", "目标")]
        for name, value in figures.items():
            target = targets.get(name)
            mark = "" if target is None or value <= target else "  超出目标"
            unit = _unit(name)
            rows.append((name, f"{value:.4f}", (f"≤ {target:g}{unit}" if target is not None else "—") + mark))
        if len(rows) == 1:
            _out("没有得到任何数值。")
        else:
            widths = [max(_width(r[i]) for r in rows) + 2 for i in range(2)]
            for r in rows:
                _out(_pad(r[0], widths[0]) + _pad(r[1], widths[1]) + r[2])
    return 1 if failed else 0


def cmd_import_roster(args: argparse.Namespace, url: str) -> int:
    """Exit 0 when the import ran (rows with problems are listed and left out), 1 when it
    could not run at all (a bad file, no header row, over the row limit …)."""
    from desk import roster_import

    options = roster_import.ImportOptions(
        args.kind, args.on_duplicate, args.consent_date, args.consent_method or ""
    )
    _out(f"数据库：{_show_url(url)}")
    with _open_desk(url) as desk:
        plan, summary = roster_import.import_file(desk, args.file, options, sheet=args.sheet, dry_run=args.dry_run)
    for line in roster_import.report_lines(plan, summary):
        _out(line)
    return 0


def cmd_briefing(args: argparse.Namespace, url: str) -> int:
    from desk import briefing
    from desk.errors import ValidationError
    from desk.periods import parse_period

    period = parse_period(args.period)
    with _open_desk(url) as desk:
        office_id = None
        if args.office:
            match = [o for o in desk.offices.list() if o.code.upper() == args.office.strip().upper()]
            if not match:
                raise ValidationError({"office": f"没有代码为“{args.office}”的单位"}, {"office": "单位"})
            office_id = match[0].id
        warning = briefing.end_block_warning(desk)
        if warning:
            _err("注意：" + warning)
        out = briefing.generate(desk, period, Path(args.out).expanduser().resolve(), office_id=office_id,
                                issue_no=args.issue, progress=lambda pct, text: _out(f"{pct:3d}% {text}"))
    _out(str(out))
    return 0


# -- entry point --------------------------------------------------------------------------------


def _attach_log_file() -> logging.FileHandler | None:
    """Warnings and errors of desk.* go to the log folder, not the screen (with no handler at all,
    Python would print them, tracebacks included, to stderr)."""
    from desk import paths

    try:
        handler = logging.FileHandler(paths.log_dir() / "cadesk-admin.log", encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("desk").addHandler(handler)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    func: Callable[[argparse.Namespace, str], int] = args.func
    # An upgrade waits for a running backup, restore or import to finish.
    announce_running()
    handler = _attach_log_file()
    try:
        return _dispatch(func, args, handler)
    finally:
        if handler is not None:
            logging.getLogger("desk").removeHandler(handler)
            handler.close()


def _dispatch(func: Callable[[argparse.Namespace, str], int], args: argparse.Namespace,
              handler: logging.FileHandler | None) -> int:
    url = ""
    try:
        url = "" if func is cmd_bench else _db_url(args)
        return func(args, url)
    except DeskError as exc:
        _err(f"错误：{exc.message}")
        return 1
    except KeyboardInterrupt:
        _err("已中断。")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback on screen
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            from desk.facade import explain_db_error

            _err(f"错误：{explain_db_error(exc, url) if url else exc}")
            return 1
        if isinstance(exc, OSError):
            _err(f"错误：文件操作失败：{exc.strerror or exc}{f'（{exc.filename}）' if exc.filename else ''}")
            return 1
        log.error("cadesk-admin %s failed: %s", args.command, " ".join(sys.argv[1:]), exc_info=exc)
        _err(f"程序内部错误（{type(exc).__name__}）：{exc}")
        if handler is not None:
            _err(f"详细信息已写入：{handler.baseFilename}")
        if args.verbose:
            traceback.print_exception(exc)
        return 2

if __name__ == "__main__":
    sys.exit(main())
