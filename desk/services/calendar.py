"""Working-day calendar backed by chinese_calendar plus the office's override table."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass

from sqlalchemy import extract, select

from desk.errors import NotFound, ValidationError
from desk.models import HolidayOverride, Setting
from desk.roles import Perm
from desk.services.base import Service
from desk.workcal import DayResult, OverrideParseError, WorkCalendar, parse_overrides_text

# Other desks may change overrides; a short cache keeps deadline lists fast yet fresh.
CACHE_SECONDS = 60.0
# Years whose whole schedule the office has entered (JSON list in the setting table). Entries
# alone never make a year final: 元旦 on its own is not a schedule.
COMPLETE_YEARS_KEY = "calendar.complete_years"


@dataclass(frozen=True)
class OverrideView:
    day: dt.date
    is_workday: bool
    name: str
    version: int


class CalendarService(Service):
    _cached: tuple[float, WorkCalendar] | None = None

    def calendar(self) -> WorkCalendar:
        cached = self._cached
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        with self.desk.read() as s:
            overrides = {r[0]: r[1] for r in s.execute(select(HolidayOverride.day, HolidayOverride.is_workday))}
            complete = self._complete_years(s)
        cal = WorkCalendar(overrides, covered_override_years=complete)
        self._cached = (time.monotonic(), cal)
        return cal

    def invalidate(self) -> None:
        self._cached = None

    @staticmethod
    def _complete_years(s) -> set[int]:  # type: ignore[no-untyped-def]
        row = s.get(Setting, COMPLETE_YEARS_KEY)
        try:
            return {int(y) for y in json.loads(row.value)} if row else set()
        except (ValueError, TypeError):
            return set()

    def complete_years(self) -> set[int]:
        """Years the office declared fully entered (so their deadlines are final)."""
        with self.desk.read() as s:
            return self._complete_years(s)

    def set_year_complete(self, year: int, complete: bool = True) -> set[int]:
        self.desk.require(Perm.MANAGE_CALENDAR)
        with self.desk.write() as s:
            self._mark_complete(s, {year}, complete)
            years = self._complete_years(s)
        self._changed()
        return years

    def _mark_complete(self, s, years: set[int], complete: bool) -> None:  # type: ignore[no-untyped-def]
        row = s.get(Setting, COMPLETE_YEARS_KEY)
        current = self._complete_years(s)
        wanted = (current | years) if complete else (current - years)
        if wanted == current:
            return
        value = json.dumps(sorted(wanted))
        if row is None:
            s.add(Setting(key=COMPLETE_YEARS_KEY, value=value))
        else:
            row.value = value

    def _changed(self) -> None:
        """Deadlines stored on open cases follow the calendar: recompute them now."""
        self.invalidate()
        self.desk.complaints.recompute_due_dates()

    def add_working_days(self, start: dt.date, n: int) -> DayResult:
        return self.calendar().add_working_days(start, n)

    def add_days(self, start: dt.date, n: int) -> DayResult:
        return self.calendar().add_days(start, n)

    def overrides(self, year: int | None = None) -> list[OverrideView]:
        q = select(HolidayOverride).order_by(HolidayOverride.day)
        if year is not None:
            q = q.where(extract("year", HolidayOverride.day) == year)
        with self.desk.read() as s:
            return [OverrideView(o.day, o.is_workday, o.name, o.version) for o in s.scalars(q)]

    def set_override(self, day: dt.date, is_workday: bool, name: str = "") -> OverrideView:
        self.desk.require(Perm.MANAGE_CALENDAR)
        if len(name.strip()) > 40:
            raise ValidationError({"name": "不能超过40个字"}, {"name": "名称"})
        with self.desk.write() as s:
            o = s.get(HolidayOverride, day)
            if o is None:
                o = HolidayOverride(day=day, is_workday=is_workday, name=name.strip())
                s.add(o)
            else:
                o.is_workday = is_workday
                o.name = name.strip()
            s.flush()
            view = OverrideView(o.day, o.is_workday, o.name, o.version)
        self._changed()
        return view

    def remove_override(self, day: dt.date) -> None:
        self.desk.require(Perm.MANAGE_CALENDAR)
        with self.desk.write() as s:
            o = s.get(HolidayOverride, day)
            if o is None:
                raise NotFound(f"{day:%Y-%m-%d} 没有自定义安排")
            s.delete(o)
        self._changed()

    def import_text(self, text: str, *, complete: bool = True) -> int:
        """Add or replace the days listed in ``text`` (see desk.workcal.parse_overrides_text);
        all or nothing. With ``complete`` the file is taken as the whole schedule of the years it
        names, so their deadlines stop being provisional. Returns the number of days written."""
        self.desk.require(Perm.MANAGE_CALENDAR)
        try:
            lines = parse_overrides_text(text)
        except OverrideParseError as exc:
            raise ValidationError({"file": str(exc)}, {"file": "节假日文件"}) from None
        if not lines:
            raise ValidationError({"file": "文件中没有任何日期"}, {"file": "节假日文件"})
        for line in lines:
            # The name column holds 40 characters (PostgreSQL refuses more).
            if len(line.name) > 40:
                raise ValidationError({"file": f"{line.date:%Y-%m-%d} 的名称超过40个字"}, {"file": "节假日文件"})
        with self.desk.write() as s:
            for line in lines:
                o = s.get(HolidayOverride, line.date)
                if o is None:
                    s.add(HolidayOverride(day=line.date, is_workday=line.is_workday, name=line.name))
                else:
                    o.is_workday = line.is_workday
                    o.name = line.name
            if complete:
                self._mark_complete(s, {line.date.year for line in lines}, True)
        self._changed()
        return len(lines)
