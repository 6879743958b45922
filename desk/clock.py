"""Office time. Times are stored as naive Beijing time (UTC+8, no DST) everywhere: the office,
its deadlines and its paper all live in that zone, so one convention avoids mixed offsets."""

from __future__ import annotations

import datetime as dt

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")


def now() -> dt.datetime:
    """Current Beijing time, naive, to the second."""
    return dt.datetime.now(CHINA_TZ).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return now().date()
