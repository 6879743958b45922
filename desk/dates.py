"""Dates written the Chinese way: 2026年7月5日, 07月05日, 2026年3月5日 9时05分.

Never put Chinese characters into a ``strftime`` format (``f"{d:%Y年%m月%d日}"``): on Windows
the C runtime encodes the format in the locale's code page, so an English Windows raises
UnicodeEncodeError and Wine raises "Invalid format string". These helpers format the numbers
and join them with the characters, which works everywhere. A test forbids the old pattern."""

from __future__ import annotations

import datetime as dt


def _num(n: int, padded: bool) -> str:
    return f"{n:02d}" if padded else str(n)


def cn_date(value: dt.date | dt.datetime | None, *, padded: bool = False) -> str:
    """2026年3月5日 (no leading zeros, as on official paper), or 2026年03月05日 with
    ``padded``; '' for None."""
    if value is None:
        return ""
    return f"{value.year}年{_num(value.month, padded)}月{_num(value.day, padded)}日"


def cn_month_day(value: dt.date | dt.datetime | None, *, padded: bool = False) -> str:
    """3月5日, or 03月05日 with ``padded``; '' for None."""
    if value is None:
        return ""
    return f"{_num(value.month, padded)}月{_num(value.day, padded)}日"


def cn_datetime(value: dt.datetime | None) -> str:
    """2026年3月5日 9时05分; '' for None."""
    if value is None:
        return ""
    return f"{cn_date(value)} {value.hour}时{value.minute:02d}分"
