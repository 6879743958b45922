"""No Chinese (or any non-ASCII) character inside a strftime format in desk/, ui/ or tests/.

Windows' C runtime encodes a strftime format in the locale's code page: ``f"{d:%Y年%m月%d日}"``
raises UnicodeEncodeError on an English Windows and ValueError("Invalid format string") under
Wine. Dates in Chinese go through ``desk.dates`` instead, which this file also tests."""

from __future__ import annotations

import ast
import datetime as dt
import string
from pathlib import Path

import pytest

from desk.dates import cn_date, cn_datetime, cn_month_day
from desk.documents.render import cn_date as render_cn_date

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("desk", "ui", "tests")


def _is_bad(fmt: str) -> bool:
    return "%" in fmt and any(ord(ch) > 127 for ch in fmt)


def _literal(node: ast.AST, constants: dict[str, str]) -> str | None:
    """The literal text of a format argument: a string, the fixed parts of an f-string, or a
    module-level string constant named by the argument."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _module_constants(tree: ast.Module) -> dict[str, str]:
    out: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = stmt.value.value
        elif (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
              and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):
            out[stmt.target.id] = stmt.value.value
    return out


def offending_formats(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """(line, format) of every strftime-style format with '%' and a non-ASCII character:
    strftime calls (datetime, date, time module), f-string format specs, format(x, spec) and
    "{:spec}".format(x) templates."""
    tree = ast.parse(source, filename)
    constants = _module_constants(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = _literal(node.format_spec, constants)
            if spec and _is_bad(spec):
                found.append((node.lineno, spec))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name == "strftime":
            # d.strftime(fmt), time.strftime(fmt, t), dt.date.strftime(d, fmt): check every argument.
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                text = _literal(arg, constants)
                if text and _is_bad(text):
                    found.append((node.lineno, text))
        elif name == "format" and isinstance(func, ast.Name) and len(node.args) >= 2:
            text = _literal(node.args[1], constants)
            if text and _is_bad(text):
                found.append((node.lineno, text))
        elif name == "format" and isinstance(func, ast.Attribute):
            template = _literal(func.value, constants)
            if template:
                try:
                    specs = [spec for _, _, spec, _ in string.Formatter().parse(template) if spec]
                except ValueError:  # not a valid template: str.format would fail anyway
                    specs = []
                found.extend((node.lineno, spec) for spec in specs if _is_bad(spec))
    return found


def _python_files() -> list[Path]:
    files = [p for top in SCANNED for p in sorted((ROOT / top).rglob("*.py"))]
    assert len(files) > 50, f"expected the desk/ and ui/ sources under {ROOT}"
    return files


def test_no_non_ascii_strftime_format_in_the_sources() -> None:
    problems = []
    for path in _python_files():
        for line, fmt in offending_formats(path.read_text(encoding="utf-8"), str(path)):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {fmt!r}")
    assert not problems, ("strftime formats with non-ASCII characters fail on Windows; use desk.dates "
                          "(cn_date, cn_month_day, cn_datetime) instead:\n" + "\n".join(problems))


@pytest.mark.parametrize("source", [
    'x = f"{d:%Y年%m月%d日}"',
    'x = f"到期：{d:%m月%d日} 止"',
    'x = d.strftime("%Y年%m月")',
    'x = d.strftime(fmt="%H时%M分")',
    'import time\nx = time.strftime("%Y年", t)',
    'import datetime\nx = datetime.date.strftime(d, "%d日")',
    'x = format(d, "%Y年")',
    'x = "{:%Y年%m月}".format(d)',
    'x = "{0:%d日} {1}".format(d, n)',
    'FMT = "%Y年%m月%d日"\nx = d.strftime(FMT)',
    'FMT: str = "%Y年"\nx = f"{d:{FMT}}" + d.strftime(FMT)',
    'x = f"{d:%Y年{sep}%m月}"',            # a spec with a nested field
])
def test_checker_finds_each_form(source: str) -> None:
    assert offending_formats(source), source


@pytest.mark.parametrize("source", [
    'x = f"{d:%Y-%m-%d}年"',              # the Chinese is outside the spec: fine
    'x = d.strftime("%Y%m%d-%H%M%S")',
    'x = f"{d.year}年{d.month}月"',
    'x = "{}年{:02d}月".format(y, m)',
    'x = f"{ratio:.1%}"',
    'x = "完成 %d%%" % n',                 # %-interpolation is not strftime
    'x = q.toString("yyyy年M月d日")',      # Qt formats are Unicode-safe
])
def test_checker_accepts_safe_code(source: str) -> None:
    assert offending_formats(source) == []


def test_cn_date() -> None:
    d = dt.date(2026, 7, 5)
    assert cn_date(d) == "2026年7月5日"
    assert cn_date(d, padded=True) == "2026年07月05日"
    assert cn_date(dt.date(2026, 12, 25), padded=True) == "2026年12月25日"
    assert cn_date(dt.datetime(2026, 3, 5, 23, 59)) == "2026年3月5日"
    assert cn_date(None) == ""
    # The padded form is exactly what the old strftime format printed.
    assert cn_date(d, padded=True) == f"{d.year:04d}年{d:%m}月{d:%d}日"


def test_cn_month_day() -> None:
    assert cn_month_day(dt.date(2026, 7, 5)) == "7月5日"
    assert cn_month_day(dt.date(2026, 7, 5), padded=True) == "07月05日"
    assert cn_month_day(dt.datetime(2026, 11, 30, 8, 0), padded=True) == "11月30日"
    assert cn_month_day(None) == ""


def test_cn_datetime() -> None:
    assert cn_datetime(dt.datetime(2026, 3, 5, 9, 5)) == "2026年3月5日 9时05分"
    assert cn_datetime(dt.datetime(2026, 10, 15, 14, 30)) == "2026年10月15日 14时30分"
    assert cn_datetime(None) == ""


def test_documents_use_the_same_helper() -> None:
    assert render_cn_date is cn_date
