"""Report periods: a year, half-year, quarter, month or custom date range (both ends inclusive).

Accepted texts (``parse_period``): ``2026`` (year), ``2026H1`` / ``2026H2`` (half-year),
``2026Q3`` (quarter), ``2026-07`` (month), ``2026-07-01..2026-09-30`` (custom range).
同比 (``same_period_last_year``) is the same span one year earlier; 环比 (``previous_period``)
is the period just before: the previous year / half / quarter / month, or for a custom range
the same number of days ending the day before it starts."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from desk.errors import ValidationError

KINDS = ("year", "half", "quarter", "month", "custom")
_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
_MIN_YEAR, _MAX_YEAR = 1990, 2200


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str  # e.g. 2026年第三季度
    kind: str  # year | half | quarter | month | custom

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def code(self) -> str:
        """The text ``parse_period`` reads back into this period."""
        y = self.start.year
        if self.kind == "year":
            return str(y)
        if self.kind == "half":
            return f"{y}H{1 if self.start.month == 1 else 2}"
        if self.kind == "quarter":
            return f"{y}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{y}-{self.start.month:02d}"
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}"


def _fail(message: str) -> ValidationError:
    return ValidationError({"period": message}, {"period": "统计期间"})


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年", "year")


def half_period(year: int, half: int) -> Period:
    first = 1 if half == 1 else 7
    return Period(dt.date(year, first, 1), _month_end(year, first + 5), f"{year}年{'上' if half == 1 else '下'}半年", "half")


def quarter_period(year: int, quarter: int) -> Period:
    first = (quarter - 1) * 3 + 1
    return Period(dt.date(year, first, 1), _month_end(year, first + 2), f"{year}年第{_QUARTER_NAMES[quarter]}季度", "quarter")


def month_period(year: int, month: int) -> Period:
    return Period(dt.date(year, month, 1), _month_end(year, month), f"{year}年{month}月", "month")


def custom_period(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise _fail(f"结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}")
    label = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    return Period(start, end, label, "custom")


def _year(text: str) -> int:
    y = int(text)
    if not _MIN_YEAR <= y <= _MAX_YEAR:
        raise _fail(f"年份 {y} 超出范围（{_MIN_YEAR}–{_MAX_YEAR}）")
    return y


def _date(text: str) -> dt.date:
    try:
        d = dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"“{text}”不是有效日期（格式：2026-07-01）") from None
    _year(str(d.year))
    return d


_HELP = "请输入统计期间，例如 2026、2026H1、2026Q3、2026-07 或 2026-07-01..2026-09-30"


def parse_period(text: str) -> Period:
    """The period a text names (see the module docstring); ValidationError in Chinese otherwise."""
    t = (text or "").strip().upper().replace("～", "..").replace("—", "..")
    if not t:
        raise _fail(_HELP)
    if m := re.fullmatch(r"(\d{4})", t):
        return year_period(_year(m[1]))
    if m := re.fullmatch(r"(\d{4})H(\d)", t):
        if m[2] not in ("1", "2"):
            raise _fail(f"半年只能是 H1 或 H2，收到“{text.strip()}”")
        return half_period(_year(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})Q(\d)", t):
        if not 1 <= int(m[2]) <= 4:
            raise _fail(f"季度只能是 Q1–Q4，收到“{text.strip()}”")
        return quarter_period(_year(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        if not 1 <= int(m[2]) <= 12:
            raise _fail(f"月份只能是 1–12，收到“{text.strip()}”")
        return month_period(_year(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\S+?)\s*\.\.\s*(\S+)", t):
        return custom_period(_date(m[1]), _date(m[2]))
    raise _fail(f"无法识别“{text.strip()}”。{_HELP}")


def _minus_year(d: dt.date) -> dt.date:
    # 29 February has no twin a year earlier: use the 28th.
    return d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else dt.date(d.year - 1, 2, 28)


def same_period_last_year(p: Period) -> Period:
    """同比: the same span one year earlier (a month stays a whole month, 2024-02 → 2023-02)."""
    y = p.start.year - 1
    if p.kind == "year":
        return year_period(y)
    if p.kind == "half":
        return half_period(y, 1 if p.start.month == 1 else 2)
    if p.kind == "quarter":
        return quarter_period(y, (p.start.month - 1) // 3 + 1)
    if p.kind == "month":
        return month_period(y, p.start.month)
    return custom_period(_minus_year(p.start), _minus_year(p.end))


def previous_period(p: Period) -> Period:
    """环比: the period just before ``p`` (same kind; a custom range: same length, just before)."""
    y = p.start.year
    if p.kind == "year":
        return year_period(y - 1)
    if p.kind == "half":
        return half_period(y - 1, 2) if p.start.month == 1 else half_period(y, 1)
    if p.kind == "quarter":
        q = (p.start.month - 1) // 3 + 1
        return quarter_period(y - 1, 4) if q == 1 else quarter_period(y, q - 1)
    if p.kind == "month":
        return month_period(y - 1, 12) if p.start.month == 1 else month_period(y, p.start.month - 1)
    end = p.start - dt.timedelta(days=1)
    return custom_period(end - dt.timedelta(days=p.days - 1), end)
