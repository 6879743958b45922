"""Working-day calendar: expected dates checked against chinese_calendar 1.11.0 and the
State Council schedules (国办发明电〔2024〕12号 for 2025, 〔2025〕7号 for 2026)."""

import datetime
import time

import pytest

from desk.workcal import (
    Coverage,
    DayResult,
    OverrideLine,
    OverrideParseError,
    WorkCalendar,
    format_overrides_text,
    package_years,
    parse_overrides_text,
    provisional_warning,
)

D = datetime.date


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


# -- single days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        # National Day + Mid-Autumn 2025: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked.
        (D(2025, 9, 27), False),
        (D(2025, 9, 28), True),
        (D(2025, 9, 30), True),
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),
        (D(2025, 10, 12), False),
        # Spring Festival 2026: 02-15..02-23 off, Sat 02-14 and Sat 02-28 worked.
        (D(2026, 2, 13), True),
        (D(2026, 2, 14), True),
        (D(2026, 2, 15), False),
        (D(2026, 2, 18), False),
        (D(2026, 2, 23), False),
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),
        (D(2026, 3, 1), False),
        # New Year 2026: 01-01..01-03 off, Sun 01-04 worked.
        (D(2026, 1, 2), False),
        (D(2026, 1, 4), True),
    ],
)
def test_is_workday_follows_state_council_schedule(cal, day, expected):
    assert cal.is_workday(day) is expected
    assert cal.day_status(day) == (expected, False)


def test_datetime_is_accepted(cal):
    assert cal.is_workday(datetime.datetime(2025, 10, 1, 9, 30)) is False


# -- add_working_days ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # Fri -> makeup Sunday
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # skips the whole holiday
        (D(2025, 9, 30), 3, D(2025, 10, 11)),  # makeup Saturday counts
        (D(2025, 9, 30), 7, D(2025, 10, 16)),
        (D(2025, 9, 26), 7, D(2025, 10, 13)),  # 28, 29, 30, 9, 10, 11, 13
        (D(2026, 2, 12), 2, D(2026, 2, 14)),  # 13, makeup Sat 14
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 26), 2, D(2026, 2, 28)),  # 27, makeup Sat 28
        (D(2026, 3, 2), 7, D(2026, 3, 11)),  # plain weeks
        (D(2025, 10, 1), 0, D(2025, 10, 1)),  # n=0 returns start unchanged
    ],
)
def test_add_working_days(cal, start, n, expected):
    assert cal.add_working_days(start, n) == DayResult(expected, False, ())


def test_add_working_days_negative_rejected(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 1, 1), -1)


def test_add_working_days_60_is_fast(cal):
    t0 = time.perf_counter()
    for i in range(200):
        cal.add_working_days(D(2025, 1, 1) + datetime.timedelta(days=i), 60)
    assert time.perf_counter() - t0 < 2.0


# -- add_days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2025, 9, 1), 30, D(2025, 10, 9)),  # lands on 10-01 (holiday) -> next working day
        (D(2025, 9, 5), 30, D(2025, 10, 9)),  # lands on 10-05
        (D(2025, 8, 29), 30, D(2025, 9, 28)),  # lands on the makeup Sunday: stays
        (D(2025, 9, 12), 30, D(2025, 10, 13)),  # lands on Sun 10-12 -> Monday
        (D(2025, 9, 11), 30, D(2025, 10, 11)),  # lands on the makeup Saturday: stays
        (D(2026, 3, 2), 5, D(2026, 3, 9)),  # lands on Sat 03-07 -> Mon 03-09
        (D(2026, 3, 2), 3, D(2026, 3, 5)),  # ordinary weekday
        (D(2026, 1, 15), 30, D(2026, 2, 14)),  # lands on makeup Sat 2026-02-14: stays
        (D(2026, 1, 16), 30, D(2026, 2, 24)),  # lands on 02-15 -> after Spring Festival
        (D(2026, 3, 1), 0, D(2026, 3, 1)),  # n=0 returns start unchanged
        (D(2026, 4, 15), 60, D(2026, 6, 15)),  # 06-14 is Sunday -> Mon 06-15
    ],
)
def test_add_days(cal, start, n, expected):
    assert cal.add_days(start, n) == DayResult(expected, False, ())


# -- overrides ---------------------------------------------------------------------------------


def test_overrides_win_over_package():
    cal = WorkCalendar({D(2025, 10, 9): False, D(2025, 10, 12): True})
    assert cal.is_workday(D(2025, 10, 9)) is False  # package says working day
    assert cal.is_workday(D(2025, 10, 12)) is True  # package says Sunday off
    assert cal.add_working_days(D(2025, 9, 30), 1).date == D(2025, 10, 10)
    assert cal.add_working_days(D(2025, 9, 30), 3).date == D(2025, 10, 12)


def test_overrides_accept_datetime_keys():
    cal = WorkCalendar({datetime.datetime(2025, 10, 9, 0, 0): False})
    assert cal.is_workday(D(2025, 10, 9)) is False


# -- uncovered years -----------------------------------------------------------------------


def test_package_years_cover_2004_to_2026():
    years = package_years()
    assert years[0] == 2004
    assert years[-1] >= 2026
    assert years == tuple(range(years[0], years[-1] + 1))


@pytest.mark.skipif(2027 in package_years(), reason="installed chinesecalendar already covers 2027")
class TestUncovered2027:
    @pytest.mark.parametrize(
        "day, expected",
        [
            (D(2027, 1, 1), False),  # Friday, fixed holiday
            (D(2027, 1, 4), True),
            (D(2027, 1, 2), False),  # Saturday
            (D(2027, 5, 3), True),
            (D(2027, 10, 1), False),
            (D(2027, 10, 4), True),
        ],
    )
    def test_fallback_days(self, cal, day, expected):
        assert cal.day_status(day) == (expected, True)

    def test_new_year_fixed_date_skipped(self, cal):
        # Thu 2026-12-31 + 1 working day: Fri 2027-01-01 is a fixed holiday -> Mon 01-04.
        assert cal.add_working_days(D(2026, 12, 31), 1) == DayResult(D(2027, 1, 4), True, (2027,))

    def test_labour_day_fixed_date_skipped(self, cal):
        # 2027-05-01 is a Saturday anyway; check Fri 04-30 + 1 -> Mon 05-03.
        assert cal.add_working_days(D(2027, 4, 30), 1) == DayResult(D(2027, 5, 3), True, (2027,))

    def test_national_day_fixed_dates_skipped(self, cal):
        # 2027-10-01 Fri; 10-02/03 weekend; Thu 09-30 + 2 -> Mon 10-04, Tue 10-05.
        assert cal.add_working_days(D(2027, 9, 30), 2) == DayResult(D(2027, 10, 5), True, (2027,))

    def test_counting_from_covered_into_uncovered_year(self, cal):
        # Wed 2026-12-30 + 3: 12-31 (2026, covered), 01-04, 01-05 (2027, fallback).
        assert cal.add_working_days(D(2026, 12, 30), 3) == DayResult(D(2027, 1, 5), True, (2027,))

    def test_within_covered_year_not_provisional(self, cal):
        assert cal.add_working_days(D(2026, 12, 28), 3).provisional is False

    def test_add_days_into_uncovered_year(self, cal):
        # 2026-12-02 + 30 = Fri 2027-01-01 (fixed holiday) -> Mon 01-04.
        assert cal.add_days(D(2026, 12, 2), 30) == DayResult(D(2027, 1, 4), True, (2027,))

    def test_years_covered_by_overrides_not_provisional(self):
        cal = WorkCalendar({D(2027, 2, 20): True}, covered_override_years=[2027, 2028])
        assert cal.day_status(D(2027, 3, 1)) == (True, False)
        assert cal.day_status(D(2028, 3, 1)) == (True, False)
        assert cal.day_status(D(2029, 3, 1)) == (True, True)
        # The makeup Saturday counts; fixed holidays still apply in override years.
        assert cal.add_working_days(D(2027, 2, 19), 1) == DayResult(D(2027, 2, 20), False, ())
        assert cal.add_working_days(D(2026, 12, 31), 1) == DayResult(D(2027, 1, 4), False, ())
        assert cal.is_year_covered(2027) and cal.is_year_covered(2028)
        assert not cal.is_year_covered(2029)

    def test_multiple_uncovered_years_listed(self, cal):
        result = cal.add_working_days(D(2026, 12, 1), 400)
        assert result.provisional is True
        assert result.uncovered_years == (2027, 2028)

    def test_uncovered_years_between(self, cal):
        assert cal.uncovered_years_between(D(2026, 6, 1), D(2027, 2, 1)) == (2027,)
        assert cal.uncovered_years_between(D(2026, 6, 1), D(2026, 12, 31)) == ()


def test_covered_years():
    cal = WorkCalendar({D(2027, 1, 1): False}, covered_override_years=[2027, 2028])
    cov = cal.covered_years()
    assert isinstance(cov, Coverage)
    assert cov.override_years == (2027, 2028)
    assert cov.covers(2025) and cov.covers(2027) and cov.covers(2028)
    assert not cov.covers(2099)
    assert 2004 in cov.all_years()


def test_all_holiday_overrides_do_not_hang():
    start = D(2030, 1, 1)
    cal = WorkCalendar({start + datetime.timedelta(days=i): False for i in range(1, 400)})
    with pytest.raises(ValueError):
        cal.add_working_days(start, 1)


# -- working_days_between -------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2025, 9, 30), D(2025, 10, 9), 1),  # only 10-09
        (D(2025, 9, 26), D(2025, 10, 12), 6),  # 28, 29, 30, 9, 10, 11
        (D(2026, 2, 13), D(2026, 2, 28), 6),  # 14, 24, 25, 26, 27, 28
        (D(2026, 3, 2), D(2026, 3, 9), 5),  # plain week
        (D(2025, 10, 9), D(2025, 10, 9), 0),
        (D(2025, 10, 9), D(2025, 10, 1), 0),
    ],
)
def test_working_days_between(cal, start, end, expected):
    assert cal.working_days_between(start, end) == expected


def test_working_days_between_inverts_add_working_days(cal):
    start = D(2025, 9, 20)
    for n in range(0, 40):
        end = cal.add_working_days(start, n).date
        assert cal.working_days_between(start, end) == n


# -- warning text --------------------------------------------------------------------------


def test_provisional_warning():
    text = provisional_warning([2028, 2027, 2027])
    assert text.startswith("注意：2027年、2028年的法定节假日安排尚未录入")
    assert "设置—节假日" in text
    assert provisional_warning([]) == ""


# -- override text -------------------------------------------------------------------------


def test_parse_overrides_text_good_lines():
    text = """
    # 2027 年节假日（示例）
    2027-01-01 休 元旦
    2027-02-07 班 春节调休
    2027-02-20,上班,春节调休
    2027-05-06\twork\tLabour Day makeup
    2027-06-14 假
    2027-09-18 Holiday 中秋节 # trailing comment
    2027-10-01..2027-10-03 休 国庆节
    2027/10/04~2027/10/05 off 国庆节
    """
    lines = parse_overrides_text(text)
    assert lines[:4] == [
        OverrideLine(D(2027, 1, 1), False, "元旦"),
        OverrideLine(D(2027, 2, 7), True, "春节调休"),
        OverrideLine(D(2027, 2, 20), True, "春节调休"),
        OverrideLine(D(2027, 5, 6), True, "Labour Day makeup"),
    ]
    assert lines[4] == OverrideLine(D(2027, 6, 14), False, "")
    assert lines[5] == OverrideLine(D(2027, 9, 18), False, "中秋节")
    assert [x.date for x in lines[6:]] == [D(2027, 10, d) for d in range(1, 6)]
    assert all(x.is_workday is False and x.name == "国庆节" for x in lines[6:])


def test_parse_overrides_empty():
    assert parse_overrides_text("") == []
    assert parse_overrides_text("# only a comment\n\n") == []


@pytest.mark.parametrize(
    "text, line_no, fragment",
    [
        ("2027-01-01 休\n\n2027-13-01 休 元旦", 3, "第3行：日期“2027-13-01”无效，应为 YYYY-MM-DD"),
        ("2027-02-30 休", 1, "日期“2027-02-30”无效"),
        ("20270101 休", 1, "日期“20270101”无效"),
        ("2027-01-01", 1, "第1行：缺少类型"),
        ("2027-01-01 放 元旦", 1, "第1行：类型“放”无法识别"),
        ("2027-10-07..2027-10-01 休", 1, "结束日期早于开始日期"),
        ("2027-10-01..2027-12-01 休", 1, "超过31天"),
        ("2027-10-01..2027-10-02..2027-10-03 休", 1, "日期范围"),
        ("2027-10-01..2027-10-0x 休", 1, "日期“2027-10-0x”无效"),
        ("2027-10-01..2027-10-07 休\n2027-10-03 班", 2, "第2行：日期 2027-10-03 与第1行重复"),
    ],
)
def test_parse_overrides_errors(text, line_no, fragment):
    with pytest.raises(OverrideParseError) as exc_info:
        parse_overrides_text(text)
    err = exc_info.value
    assert isinstance(err, ValueError)
    assert err.line_no == line_no
    assert fragment in str(err)
    assert err.message == str(err)


def test_format_overrides_round_trip():
    text = "2027-01-01 休 元旦\n2027-02-07 班 春节调休\n2027-10-01..2027-10-07 休 国庆节\n2027-10-09 班\n"
    lines = parse_overrides_text(text)
    assert format_overrides_text(reversed(lines)) == text
    assert parse_overrides_text(format_overrides_text(lines)) == lines
    assert format_overrides_text([]) == ""


def test_parsed_overrides_feed_calendar():
    lines = parse_overrides_text("2027-02-06..2027-02-12 休 春节\n2027-02-20 班 春节调休")
    cal = WorkCalendar({x.date: x.is_workday for x in lines}, covered_override_years=[2027])
    # Fri 2027-02-05 + 1: 02-06..12 off, 13/14 weekend -> Mon 02-15; not provisional.
    assert cal.add_working_days(D(2027, 2, 5), 1) == DayResult(D(2027, 2, 15), False, ())


def test_a_single_entry_does_not_cover_its_year():
    # 元旦 alone is no schedule: the rest of 2027 stays provisional until declared complete.
    cal = WorkCalendar({D(2027, 1, 1): False})
    assert not cal.is_year_covered(2027)
    assert cal.add_working_days(D(2027, 3, 1), 3).provisional
    assert not WorkCalendar({D(2027, 1, 1): False}, covered_override_years=[2027]).add_working_days(D(2027, 3, 1), 3).provisional
