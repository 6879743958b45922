"""Working-day calendar for complaint deadlines (domain.md §3).

Working days follow the State Council schedule via the `chinesecalendar` package
(imported as `chinese_calendar`), including 调休 makeup days. The office keeps an
editable override table that wins over the package. Years the package does not cover
(it raises NotImplementedError beyond its last year) fall back to Monday–Friday minus
the fixed-date holidays, and every result computed that way is flagged provisional so the
UI can warn the user.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import chinese_calendar

__all__ = [
    "DayResult",
    "Coverage",
    "WorkCalendar",
    "OverrideLine",
    "OverrideParseError",
    "parse_overrides_text",
    "format_overrides_text",
    "provisional_warning",
    "package_years",
]

# Statutory holidays that fall on the same solar date every year; used only for years
# neither the package nor the office's overrides cover.
_FIXED_HOLIDAYS: frozenset[tuple[int, int]] = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})

# Any real schedule has working days every few weeks; a longer run means the override
# table marks everything as holiday, and looping forever would hang the UI.
_MAX_NON_WORKING_RUN = 366

# Range of years probed once to describe the package's coverage.
_PROBE_FIRST_YEAR = 1990
_PROBE_LAST_YEAR = 2100


def _as_date(d: datetime.date) -> datetime.date:
    # datetime is a subclass of date; strip the time so dict/cache keys compare equal.
    if isinstance(d, datetime.datetime):
        return d.date()
    if not isinstance(d, datetime.date):
        raise TypeError(f"expected datetime.date, got {type(d).__name__}")
    return d


@functools.lru_cache(maxsize=256)
def _package_covers_year(year: int) -> bool:
    """Whether chinese_calendar has data for `year` (probed once per year, then cached)."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 30))
    except NotImplementedError:
        return False
    return True


@functools.lru_cache(maxsize=8192)
def _package_is_workday(d: datetime.date) -> bool | None:
    """The package's answer for `d`, or None when its year is not covered.

    Cached per date because the package recomputes min/max over its tables on every call.
    """
    if not _package_covers_year(d.year):
        return None
    return bool(chinese_calendar.is_workday(d))


@functools.cache
def package_years() -> tuple[int, ...]:
    """Years the installed chinese_calendar covers (sorted; e.g. 2004–2026 for 1.11.0)."""
    return tuple(y for y in range(_PROBE_FIRST_YEAR, _PROBE_LAST_YEAR + 1) if _package_covers_year(y))


def _fallback_is_workday(d: datetime.date) -> bool:
    return d.weekday() < 5 and (d.month, d.day) not in _FIXED_HOLIDAYS


@dataclass(frozen=True)
class DayResult:
    """A computed deadline date plus whether it rests on the Monday–Friday fallback."""

    date: datetime.date
    provisional: bool  # True when any day examined lies in a year neither source covers
    uncovered_years: tuple[int, ...]  # sorted, those years


@dataclass(frozen=True)
class Coverage:
    """Which years have a real holiday schedule, and from where."""

    package_years: tuple[int, ...]
    override_years: tuple[int, ...]

    def covers(self, year: int) -> bool:
        return year in self.package_years or year in self.override_years

    def all_years(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.package_years) | set(self.override_years)))


class WorkCalendar:
    """Working-day arithmetic with office overrides on top of chinese_calendar.

    Rules:
    - An override (date -> True working day / False holiday) always wins.
    - Otherwise chinese_calendar decides, for the years it covers.
    - Otherwise Monday–Friday are working days except 1 Jan, 1 May and 1–3 Oct. This is
      applied even in years the office has covered with overrides, because those dates are
      statutory holidays every year; the office overrides only need to add the rest.
      Such a day is provisional unless the office has declared its year complete
      (``covered_override_years``): one entry, say 1 January, does not make a whole year's
      schedule, so entries alone never silence the warning.
    """

    def __init__(
        self,
        overrides: Mapping[datetime.date, bool] | None = None,
        covered_override_years: Iterable[int] = (),
    ) -> None:
        self._overrides: dict[datetime.date, bool] = {
            _as_date(d): bool(v) for d, v in (overrides or {}).items()
        }
        # Only years the office declared complete count as covered (see the class docstring).
        self._override_years: frozenset[int] = frozenset(int(y) for y in covered_override_years)

    # -- single days -------------------------------------------------------------------

    def day_status(self, d: datetime.date) -> tuple[bool, bool]:
        """(is_workday, provisional) for one date."""
        d = _as_date(d)
        override = self._overrides.get(d)
        if override is not None:
            return override, False
        pkg = _package_is_workday(d)
        if pkg is not None:
            return pkg, False
        return _fallback_is_workday(d), d.year not in self._override_years

    def is_workday(self, d: datetime.date) -> bool:
        return self.day_status(d)[0]

    def is_year_covered(self, year: int) -> bool:
        return _package_covers_year(year) or year in self._override_years

    def covered_years(self) -> Coverage:
        return Coverage(package_years=package_years(), override_years=tuple(sorted(self._override_years)))

    # -- arithmetic --------------------------------------------------------------------

    def add_working_days(self, start: datetime.date, n: int) -> DayResult:
        """The n-th working day after `start` (the start day itself is not counted).

        n == 0 returns `start` unchanged (not provisional): nothing was counted, and
        callers decide themselves whether a zero-length period needs rolling forward.
        """
        start = _as_date(start)
        if n < 0:
            raise ValueError("n must be >= 0")
        d = start
        counted = 0
        run = 0
        uncovered: set[int] = set()
        while counted < n:
            d += datetime.timedelta(days=1)
            workday, provisional = self.day_status(d)
            if provisional:
                uncovered.add(d.year)
            if workday:
                counted += 1
                run = 0
            else:
                run += 1
                self._check_run(run, d)
        return _result(d, uncovered)

    def add_days(self, start: datetime.date, n: int) -> DayResult:
        """`start` + n calendar days; if that day is not a working day (statutory holiday or
        weekend), the period ends on the next working day.

        Only the last day and the days rolled over are examined, so only they can make the
        result provisional. n == 0 returns `start` unchanged, as in add_working_days.
        """
        start = _as_date(start)
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return DayResult(start, False, ())
        d = start + datetime.timedelta(days=n)
        uncovered: set[int] = set()
        run = 0
        while True:
            workday, provisional = self.day_status(d)
            if provisional:
                uncovered.add(d.year)
            if workday:
                return _result(d, uncovered)
            run += 1
            self._check_run(run, d)
            d += datetime.timedelta(days=1)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Number of working days d with start < d <= end (0 if end <= start).

        Used to subtract paused time (检测/鉴定) from a deadline.
        """
        start, end = _as_date(start), _as_date(end)
        count = 0
        d = start + datetime.timedelta(days=1)
        while d <= end:
            if self.day_status(d)[0]:
                count += 1
            d += datetime.timedelta(days=1)
        return count

    def uncovered_years_between(self, start: datetime.date, end: datetime.date) -> tuple[int, ...]:
        """Years of the dates in (start, end] that rely on the fallback (for warnings)."""
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return ()
        years = range((start + datetime.timedelta(days=1)).year, end.year + 1)
        return tuple(y for y in years if not self.is_year_covered(y))

    @staticmethod
    def _check_run(run: int, d: datetime.date) -> None:
        if run > _MAX_NON_WORKING_RUN:
            raise ValueError(
                f"no working day within {_MAX_NON_WORKING_RUN} days before {d}; check the overrides"
            )


def _result(d: datetime.date, uncovered: set[int]) -> DayResult:
    return DayResult(date=d, provisional=bool(uncovered), uncovered_years=tuple(sorted(uncovered)))


def provisional_warning(years: Iterable[int]) -> str:
    """Chinese warning for results computed with the fallback; "" when `years` is empty."""
    ys = sorted(set(years))
    if not ys:
        return ""
    year_text = "、".join(f"{y}年" for y in ys)
    return (
        f"注意：{year_text}的法定节假日安排尚未录入，期限按周一至周五"
        "（扣除元旦、劳动节、国庆节固定日期）临时推算，请在“设置—节假日”中补录后复核。"
    )


# -- override table text format -----------------------------------------------------------


@dataclass(frozen=True)
class OverrideLine:
    """One date of the office's override table (ranges are expanded to one per date)."""

    date: datetime.date
    is_workday: bool
    name: str


class OverrideParseError(ValueError):
    """A bad line in the override text.

    `.line_no` is 1-based; `.problem` is the bare problem; `.message` (and str()) is the
    full Chinese message including the line number, ready to show to the user.
    """

    def __init__(self, line_no: int, message: str) -> None:
        self.line_no = line_no
        self.problem = message
        self.message = f"第{line_no}行：{message}"
        super().__init__(self.message)


_HOLIDAY_WORDS = frozenset({"休", "假", "放假", "休息", "holiday", "off"})
_WORKDAY_WORDS = frozenset({"班", "上班", "补班", "workday", "work"})

# Whitespace, ASCII or full-width commas, or the enumeration comma separate fields.
_FIELD_SEP = re.compile(r"[\s,，、]+")
_DATE_RE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_RANGE_SEP = re.compile(r"\.\.|~|～")

# A longer range is almost certainly a typo (the longest holiday is 8–9 days).
_MAX_RANGE_DAYS = 31


def _parse_override_date(text: str, line_no: int) -> datetime.date:
    m = _DATE_RE.fullmatch(text)
    if m:
        try:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise OverrideParseError(line_no, f"日期“{text}”无效，应为 YYYY-MM-DD")


def parse_overrides_text(text: str) -> list[OverrideLine]:
    """Parse the override table text, one entry per line.

    Examples::

        2027-01-01 休 元旦
        2027-02-07 班 春节调休
        2027-10-01..2027-10-07 休 国庆节

    Fields are separated by whitespace, commas or tabs; `#` starts a comment. A range is
    expanded into one OverrideLine per date. A date listed twice is an error.
    """
    result: list[OverrideLine] = []
    seen: dict[datetime.date, int] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = _FIELD_SEP.split(line, maxsplit=2)
        date_text = parts[0]
        if len(parts) < 2 or not parts[1]:
            raise OverrideParseError(line_no, "缺少类型，应在日期后写“休”（放假）或“班”（调休上班）")
        kind = parts[1].lower()
        name = parts[2].strip() if len(parts) > 2 else ""

        if kind in _HOLIDAY_WORDS:
            is_workday = False
        elif kind in _WORKDAY_WORDS:
            is_workday = True
        else:
            raise OverrideParseError(line_no, f"类型“{parts[1]}”无法识别，应为“休”（放假）或“班”（调休上班）")

        bounds = _RANGE_SEP.split(date_text)
        if len(bounds) == 1:
            first = last = _parse_override_date(bounds[0], line_no)
        elif len(bounds) == 2:
            first = _parse_override_date(bounds[0], line_no)
            last = _parse_override_date(bounds[1], line_no)
            if last < first:
                raise OverrideParseError(line_no, f"日期范围“{date_text}”的结束日期早于开始日期")
            if (last - first).days + 1 > _MAX_RANGE_DAYS:
                raise OverrideParseError(line_no, f"日期范围“{date_text}”超过{_MAX_RANGE_DAYS}天，请检查")
        else:
            raise OverrideParseError(line_no, f"日期范围“{date_text}”无效，应为 YYYY-MM-DD..YYYY-MM-DD")

        d = first
        while d <= last:
            if d in seen:
                raise OverrideParseError(line_no, f"日期 {d.isoformat()} 与第{seen[d]}行重复")
            seen[d] = line_no
            result.append(OverrideLine(date=d, is_workday=is_workday, name=name))
            d += datetime.timedelta(days=1)
    return result


def format_overrides_text(lines: Iterable[OverrideLine]) -> str:
    """Inverse of parse_overrides_text: sorted, consecutive same-kind/same-name dates joined
    into ranges, so the settings editor can show the stored table."""
    out: list[str] = []
    group: list[OverrideLine] = []

    def flush() -> None:
        if not group:
            return
        first, last = group[0], group[-1]
        date_text = first.date.isoformat()
        if last.date != first.date:
            date_text += ".." + last.date.isoformat()
        kind = "班" if first.is_workday else "休"
        out.append(f"{date_text} {kind} {first.name}".rstrip())
        group.clear()

    for line in sorted(lines, key=lambda x: x.date):
        if group and not (
            line.date == group[-1].date + datetime.timedelta(days=1)
            and line.is_workday == group[-1].is_workday
            and line.name == group[-1].name
        ):
            flush()
        group.append(line)
    flush()
    return "\n".join(out) + ("\n" if out else "")
