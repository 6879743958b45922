"""Statistics for a period and office (domain.md §5): the figures the dashboard, the briefing and
the .xlsx export all read, computed once here. Aggregation happens in the database (GROUP BY,
conditional sums); Python only shapes the few resulting rows.

Definitions
-----------
- **受理 (accepted)**: complaints whose ``accepted_date`` falls in the period. 受理 is the
  association's formal acceptance (the workflow step 受理, or a reopened refused/withdrawn case
  accepted on reopening); cases only registered, refused (不予受理), withdrawn or referred before
  acceptance are not counted, as the CCA counts 受理投诉. Counting by the acceptance date (not
  the receipt date) keeps a closed period's figure stable and makes 解决率 a ratio of two
  event counts over the same period, like ``desk.mediation_stats``.
- Every breakdown (natures, goods/services/other, categories, top businesses and goods/services,
  channels, the monthly trend) is over that same set of accepted complaints, so each table adds
  up to 受理.
- **解决, 挽回经济损失, 加倍赔偿**: ``desk.mediation_stats`` (the one definition; by resolved date).
  加倍赔偿 is the CCA's 因经营者欺诈得到加倍赔偿的投诉: resolved cases with a punitive amount where
  the office found fraud (``fraud_only=True``). Amounts in 万元, two decimals, half up.
- **解决率** = 解决 ÷ 受理 × 100, two decimals; None ('—') when 受理 is 0. It is the CCA's flow
  rate and may exceed 100 % when the period settles cases accepted earlier; the briefing then
  says so (``rate_note``). Beside it, the **受理当期解决率** (cohort rate): of the cases accepted
  in the period, those resolved by its end (``mediation_stats.cohort_resolved_count``), ÷ 受理.
- **来访咨询 (人次)**: ``desk.services.consultations.total_people``.
- **Change**: (value − previous) ÷ previous × 100, two decimals; None ('—') when the previous
  value is 0 or missing. The change of a rate is the difference in 个百分点 (percentage points),
  never a relative change (``Figure.yoy`` / ``Figure.change_unit``). 同比 = the same period last
  year, 环比 = the period before (``desk.periods``).
- **Shares**: every share is count ÷ 受理 × 100 rounded half-up to two decimals on its own
  (``share_pct``), as consumer-association reports do: equal counts always get equal shares, a
  table's shares add up to 99.99–100.01, and a 合计 row shows its own count's share (so 表2's
  服务 row and 表4's 合计 are one number). Text, tables, charts and the .xlsx export all read
  these Decimals; nothing re-rounds them. Category shares are of all accepted complaints (as CCA
  tables show them).
- **Categories**: first level = the first three characters of the code (G01, S07, O01); a
  second-level code (G0101) rolls up into its parent. The top ten goods/services rank the codes
  as registered (second level where the case has one).
- **Handling time**: days from ``received_date`` to ``closed_date`` for cases closed in the
  period; the median (of an even count: the mean of the two middle values), rounded half-up to
  whole days (a count of days has no decimals).
- **Monthly trend**: the months of the period that have ended (a month still running would look
  like a collapse), each against the same month a year earlier; a custom range's first and last
  months count only its own days.
- **Overdue**: cases still open now (``OPEN_STATUSES``), received by the period end, whose
  current legal deadline (``due_date``) is before the period end or today, whichever is earlier.
- **Office**: ``office_id`` None = all offices; an id = that office only (branches do not roll
  up into the county office). Referrals per department (``desk.departments``) and roster
  figures (``desk.rosters``, for the period's end year) are association-wide: those services
  keep no office filter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, and_, case, cast, extract, func, literal, or_, select

from desk import clock, mediation_stats
from desk.models import Complaint
from desk.models.core import Business, VocabItem
from desk.periods import Period, previous_period, same_period_last_year
from desk.services.vocab import nature_label
from desk.vocab_data import CATEGORY_GROUPS
from desk.workflow import OPEN_STATUSES

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.outreach import OutreachTotals
    from desk.services.rosters import YearFigures

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)
_WAN = Decimal(10000)
DASH = "—"


# -- number helpers ------------------------------------------------------------------------------


def _q(x: Decimal) -> Decimal:
    return x.quantize(_CENT, rounding=ROUND_HALF_UP)


def change_pct(value: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """(value − previous) ÷ previous × 100, two decimals; None when previous is 0 or missing."""
    if value is None or previous is None or previous == 0:
        return None
    return _q((Decimal(value) - Decimal(previous)) * _HUNDRED / Decimal(previous))


def ratio_pct(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100, two decimals; None when whole is 0."""
    return None if not whole else _q(Decimal(part) * _HUNDRED / Decimal(whole))


def share_pct(count: int, whole: int) -> Decimal:
    """count ÷ whole × 100, half-up to two decimals, on its own (equal counts, equal shares);
    0.00 when the whole is 0. The one rounding rule of every share shown anywhere."""
    return ratio_pct(count, whole) or Decimal("0.00")


def points_change(value: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """A rate's change in 个百分点: value − previous, two decimals; None when either is missing."""
    if value is None or previous is None:
        return None
    return _q(Decimal(value) - Decimal(previous))


def fmt_pct(x: Decimal | None, *, signed: bool = False) -> str:
    """'12.50%' / '+12.50%' or '—'."""
    if x is None:
        return DASH
    return f"{x:+.2f}%" if signed else f"{x:.2f}%"


def fmt_change(x: Decimal | None, unit: str) -> str:
    """A change with its unit: '+12.50%', '-2.10个百分点', '—'."""
    if x is None:
        return DASH
    return f"{x:+.2f}{unit}"


def fmt_days(x: int | None) -> str:
    return DASH if x is None else str(x)


def yuan_to_wan(yuan: Decimal) -> Decimal:
    return _q(Decimal(yuan) / _WAN)


# -- result types --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A headline figure with 同比 (last_year) and 环比 (previous)."""

    key: str
    label: str
    unit: str
    value: Decimal | int | None  # None: not defined (解决率 with nothing accepted)
    last_year: Decimal | int | None
    previous: Decimal | int | None

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    @property
    def change_unit(self) -> str:
        """'个百分点' for a rate, '%' for everything else."""
        return "个百分点" if self.is_rate else "%"

    def _change(self, base: Decimal | int | None) -> Decimal | None:
        return points_change(self.value, base) if self.is_rate else change_pct(self.value, base)

    @property
    def yoy(self) -> Decimal | None:
        """同比: relative change in %, or for a rate the difference in 个百分点."""
        return self._change(self.last_year)

    @property
    def mom(self) -> Decimal | None:
        """环比, in the same unit as ``yoy``."""
        return self._change(self.previous)

    @property
    def yoy_pct(self) -> Decimal | None:
        """Relative change (counts and amounts only; None for a rate, whose change is in 个百分点)."""
        return None if self.is_rate else change_pct(self.value, self.last_year)

    @property
    def mom_pct(self) -> Decimal | None:
        return None if self.is_rate else change_pct(self.value, self.previous)

    @property
    def yoy_text(self) -> str:
        return fmt_change(self.yoy, self.change_unit)

    @property
    def mom_text(self) -> str:
        return fmt_change(self.mom, self.change_unit)

    @property
    def value_text(self) -> str:
        if self.value is None:
            return DASH
        return f"{self.value}%" if self.unit == "%" else str(self.value)


@dataclass(frozen=True)
class Headline:
    accepted: Figure  # 受理 (件)
    resolved: Figure  # 解决 (件)
    resolution_rate: Figure  # 解决率 (%)
    recovered_wan: Figure  # 挽回经济损失 (万元)
    punitive_count: Figure  # 加倍赔偿 (件)
    punitive_wan: Figure  # 加倍赔偿金额 (万元)
    consultations: Figure  # 来访咨询 (人次)
    cohort_resolved: Figure  # accepted in the period and resolved by its end (件)
    cohort_rate: Figure  # 受理当期解决率 (%)

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The CCA headline figures (domain.md §5)."""
        return (self.accepted, self.resolved, self.resolution_rate, self.recovered_wan,
                self.punitive_count, self.punitive_wan, self.consultations)

    @property
    def report_figures(self) -> tuple[Figure, ...]:
        """The headline figures with the cohort rate beside the flow rate (tables, export)."""
        return (self.accepted, self.resolved, self.resolution_rate, self.cohort_resolved, self.cohort_rate,
                self.recovered_wan, self.punitive_count, self.punitive_wan, self.consultations)

    @property
    def rate_over_100(self) -> bool:
        v = self.resolution_rate.value
        return v is not None and Decimal(v) > _HUNDRED


@dataclass(frozen=True)
class ShareRow:
    code: str
    name: str
    count: int
    share: Decimal  # % of the table's whole, two decimals
    last_year: int
    previous: int

    @property
    def yoy_pct(self) -> Decimal | None:
        return change_pct(self.count, self.last_year)

    @property
    def mom_pct(self) -> Decimal | None:
        return change_pct(self.count, self.previous)


@dataclass(frozen=True)
class RankRow:
    rank: int
    name: str
    count: int
    share: Decimal  # % of 受理
    code: str = ""  # category code (top goods/services); "" for businesses


@dataclass(frozen=True)
class MonthRow:
    """One ended month of the period against the same month a year earlier."""

    year: int
    month: int
    this_year: int
    last_year: int
    label: str = ""  # '4月', or '2025年12月' when the period spans two years


@dataclass(frozen=True)
class Handling:
    closed: int  # cases closed in the period
    median_days: int | None  # whole days, half-up; None when none closed
    overdue: int
    overdue_cutoff: dt.date


@dataclass(frozen=True)
class ReferralRow:
    name: str
    sent: int
    replied: int
    overdue: int
    pending: int
    returned: int


@dataclass(frozen=True)
class Statistics:
    period: Period
    last_year_period: Period
    previous_period: Period
    office_id: int | None
    office_name: str  # "全部单位" for all offices
    headline: Headline
    natures: tuple[ShareRow, ...]
    groups: tuple[ShareRow, ...]  # 商品 / 服务 / 其他
    goods_categories: tuple[ShareRow, ...]
    service_categories: tuple[ShareRow, ...]
    other_categories: tuple[ShareRow, ...]
    top_businesses: tuple[RankRow, ...]
    top_items: tuple[RankRow, ...]
    channels: tuple[ShareRow, ...]
    monthly: tuple[MonthRow, ...]  # accepted per ended month of the period, and a year earlier
    handling: Handling
    referrals: tuple[ReferralRow, ...]
    outreach: OutreachTotals
    roster: YearFigures


# -- computing -----------------------------------------------------------------------------------


def _office_cond(office_id: int | None) -> Any:
    return Complaint.office_id == office_id if office_id is not None else literal(True)


def _in(col: Any, p: Period) -> Any:
    return and_(col >= p.start, col <= p.end)


def _three_counts(keys: tuple[Any, ...], periods: tuple[Period, Period, Period], office_id: int | None) -> Any:
    """SELECT count in each of (this, last year, previous), *keys GROUP BY keys, over accepted cases."""
    col = Complaint.accepted_date
    sums = [func.sum(case((_in(col, p), 1), else_=0)) for p in periods]
    return (select(*sums, *keys).where(or_(*(_in(col, p) for p in periods)), _office_cond(office_id))
            .group_by(*keys))


def _add(x: tuple[int, int, int], y: tuple[int, int, int]) -> tuple[int, int, int]:
    return (x[0] + y[0], x[1] + y[1], x[2] + y[2])


def _rows(items: list[tuple[str, str]], counts: dict[str, tuple[int, int, int]], whole: int) -> list[ShareRow]:
    """ShareRows for ``items`` (code, name) plus any counted code not in it; shares of ``whole``."""
    known = {c for c, _n in items}
    items = items + [(c, c) for c in sorted(counts) if c not in known]
    out = []
    for c, n in items:
        cur, ly, prev = counts.get(c, (0, 0, 0))
        out.append(ShareRow(c, n, cur, share_pct(cur, whole), ly, prev))
    return out


def _month_rows(period: Period, ly: Period, counts: dict[tuple[int, int], int], today: dt.date) -> tuple[MonthRow, ...]:
    """The ended months of ``period`` (clipped to it) with the same months of ``ly``."""
    rows: list[MonthRow] = []
    y, m = period.start.year, period.start.month
    two_years = period.start.year != period.end.year
    while (y, m) <= (period.end.year, period.end.month):
        month_end = dt.date(y, m, calendar.monthrange(y, m)[1])
        if month_end >= today:
            break  # a month still running is not shown
        label = f"{y}年{m}月" if two_years else f"{m}月"
        rows.append(MonthRow(y, m, counts.get((y, m), 0), counts.get((y - 1, m), 0), label))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(rows)


def _median(hist: list[tuple[int, int]]) -> int | None:
    """Median of values given as (value, how many), sorted by value."""
    n = sum(k for _v, k in hist)
    if n == 0:
        return None
    lo_i, hi_i = (n - 1) // 2, n // 2
    lo = hi = None
    seen = 0
    for v, k in hist:
        if lo is None and lo_i < seen + k:
            lo = v
        if hi_i < seen + k:
            hi = v
            break
        seen += k
    return int(((Decimal(lo) + Decimal(hi)) / 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # type: ignore[arg-type]


def compute(desk: Desk, period: Period, office_id: int | None = None, *, today: dt.date | None = None) -> Statistics:
    """All the statistics of ``period`` for one office (None: all offices). See the module docstring."""
    desk.require_login()
    today = today or clock.today()
    ly, prev = same_period_last_year(period), previous_period(period)
    periods = (period, ly, prev)

    with desk.read() as s:
        office_name = "全部单位"
        if office_id is not None:
            from desk.models.core import Office
            o = s.get(Office, office_id)
            if o is None:
                from desk.errors import NotFound
                raise NotFound("所选单位不存在")
            office_name = o.name
        vocab = s.execute(select(VocabItem.kind, VocabItem.code, VocabItem.name, VocabItem.active, VocabItem.parent_id)
                          .where(VocabItem.kind.in_(("nature", "category", "channel")))
                          .order_by(VocabItem.kind, VocabItem.sort_order, VocabItem.code)).all()

        # One scan for natures, channels and categories: grouped by all three codes (a few
        # hundred groups at most), then added up per table here.
        natures: dict[str, tuple[int, int, int]] = {}
        channels: dict[str, tuple[int, int, int]] = {}
        cats_full: dict[str, tuple[int, int, int]] = {}
        total = (0, 0, 0)
        keys = (Complaint.nature_code, Complaint.channel_code, Complaint.category_code)
        for a, b, c, *codes in s.execute(_three_counts(keys, periods, office_id)):
            n = (int(a or 0), int(b or 0), int(c or 0))
            total = _add(total, n)
            for target, code in zip((natures, channels, cats_full), codes, strict=True):
                target[str(code)] = _add(target.get(str(code), (0, 0, 0)), n)
        accepted = total

        # Top ten businesses: registered businesses by id, free-text names (no registry entry) by name.
        acc = and_(_in(Complaint.accepted_date, period), _office_cond(office_id))
        by_id = s.execute(select(Business.name, func.count(Complaint.id).label("n"))
                          .join(Business, Business.id == Complaint.business_id).where(acc)
                          .group_by(Business.id, Business.name).order_by(func.count(Complaint.id).desc(), Business.name)
                          .limit(10)).all()
        by_name = s.execute(select(Complaint.business_name, func.count(Complaint.id))
                            .where(acc, Complaint.business_id.is_(None), Complaint.business_name != "")
                            .group_by(Complaint.business_name)
                            .order_by(func.count(Complaint.id).desc(), Complaint.business_name).limit(10)).all()

        month_sel = [extract("year", Complaint.accepted_date), extract("month", Complaint.accepted_date)]
        monthly_raw = s.execute(select(*month_sel, func.count(Complaint.id))
                                .where(or_(_in(Complaint.accepted_date, period), _in(Complaint.accepted_date, ly)),
                                       _office_cond(office_id))
                                .group_by(*month_sel)).all()

        if s.get_bind().dialect.name == "sqlite":
            days = cast(func.julianday(Complaint.closed_date) - func.julianday(Complaint.received_date), Integer)
        else:
            days = Complaint.closed_date - Complaint.received_date
        hist = [(int(d), int(n)) for d, n in s.execute(
            select(days, func.count(Complaint.id)).where(_in(Complaint.closed_date, period), _office_cond(office_id))
            .group_by(days).order_by(days))]
        cutoff = min(period.end, today)
        overdue = int(s.scalar(select(func.count(Complaint.id)).where(
            Complaint.status.in_([x.value for x in OPEN_STATUSES]), Complaint.received_date <= period.end,
            Complaint.due_date < cutoff, _office_cond(office_id))) or 0)

    names = {(k, c): n for k, c, n, _a, _p in vocab}

    def listed(kind: str, counted: dict[str, tuple[int, int, int]], pred: Any = None) -> list[tuple[str, str]]:
        return [(c, n) for k, c, n, active, parent in vocab
                if k == kind and parent is None and (pred is None or pred(c)) and (active or c in counted)]

    whole = accepted[0]
    nature_rows = [ShareRow(r.code, nature_label(r.name, period.start.year), r.count, r.share, r.last_year, r.previous)
                   for r in _rows(listed("nature", natures), natures, whole)]

    # First-level categories (codes roll up by their first three characters).
    first: dict[str, tuple[int, int, int]] = {}
    groups: dict[str, tuple[int, int, int]] = {}
    for code, n in cats_full.items():
        for target, key in ((first, code[:3]), (groups, code[:1])):
            target[key] = _add(target.get(key, (0, 0, 0)), n)
    cat_rows = _rows(listed("category", first), first, whole)
    group_rows = _rows(list(CATEGORY_GROUPS.items()), groups, whole)

    def top_items() -> list[RankRow]:
        ranked = sorted(((v[0], c) for c, v in cats_full.items() if v[0] > 0), key=lambda t: (-t[0], t[1]))[:10]
        return [RankRow(i + 1, names.get(("category", c), c), n, ratio_pct(n, accepted[0]) or Decimal("0.00"), c)
                for i, (n, c) in enumerate(ranked)]

    merged = sorted([(int(n), str(name)) for name, n in [*by_id, *by_name]], key=lambda t: (-t[0], t[1]))[:10]
    top_businesses = [RankRow(i + 1, name, n, ratio_pct(n, accepted[0]) or Decimal("0.00"))
                      for i, (n, name) in enumerate(merged)]

    monthly = _month_rows(period, ly, {(int(y), int(m)): int(n) for y, m, n in monthly_raw}, today)

    headline = _headline(desk, periods, accepted, office_id)
    referrals = desk.departments.referral_stats(period.start, period.end, today=today)
    ref_rows = [*referrals.rows, *([referrals.unmatched_row] if referrals.unmatched_row else []), referrals.total]
    return Statistics(
        period=period, last_year_period=ly, previous_period=prev, office_id=office_id, office_name=office_name,
        headline=headline,
        natures=tuple(nature_rows),
        groups=tuple(group_rows),
        goods_categories=tuple(r for r in cat_rows if r.code.startswith("G")),
        service_categories=tuple(r for r in cat_rows if r.code.startswith("S")),
        other_categories=tuple(r for r in cat_rows if not r.code.startswith(("G", "S"))),
        top_businesses=tuple(top_businesses),
        top_items=tuple(top_items()),
        channels=tuple(_rows(listed("channel", channels), channels, whole)),
        monthly=monthly,
        handling=Handling(sum(k for _d, k in hist), _median(hist), overdue, cutoff),
        referrals=tuple(ReferralRow(r.name, r.sent, r.replied, r.overdue, r.pending, r.returned) for r in ref_rows),
        outreach=desk.outreach.period_totals(period.start, period.end, office_id),
        roster=desk.rosters.yearly_figures(period.end.year),
    )


def _headline(desk: Desk, periods: tuple[Period, Period, Period], accepted: tuple[int, ...], office_id: int | None) -> Headline:
    resolved, recovered, pun_n, pun_amt, consult, cohort = [], [], [], [], [], []
    for p in periods:
        resolved.append(mediation_stats.resolved_count(desk, p.start, p.end, office_id))
        cohort.append(mediation_stats.cohort_resolved_count(desk, p.start, p.end, office_id))
        recovered.append(yuan_to_wan(mediation_stats.recovered_amount(desk, p.start, p.end, office_id)))
        n, amount = mediation_stats.punitive_count_and_amount(desk, p.start, p.end, office_id, fraud_only=True)
        pun_n.append(n)
        pun_amt.append(yuan_to_wan(amount))
        consult.append(desk.consultations.total_people(p.start, p.end, office_id=office_id))
    rates = [ratio_pct(r, a) for r, a in zip(resolved, accepted, strict=True)]
    cohort_rates = [ratio_pct(r, a) for r, a in zip(cohort, accepted, strict=True)]

    def fig(key: str, label: str, unit: str, v: list[Any] | tuple[Any, ...]) -> Figure:
        return Figure(key, label, unit, v[0], v[1], v[2])

    return Headline(
        accepted=fig("accepted", "受理投诉", "件", accepted),
        resolved=fig("resolved", "解决", "件", resolved),
        resolution_rate=fig("resolution_rate", "投诉解决率", "%", rates),
        recovered_wan=fig("recovered_wan", "为消费者挽回经济损失", "万元", recovered),
        punitive_count=fig("punitive_count", "因经营者欺诈得到加倍赔偿的投诉", "件", pun_n),
        punitive_wan=fig("punitive_wan", "加倍赔偿金额", "万元", pun_amt),
        consultations=fig("consultations", "接待来访和咨询", "人次", consult),
        cohort_resolved=fig("cohort_resolved", "本期受理且期末前解决", "件", cohort),
        cohort_rate=fig("cohort_rate", "受理当期解决率", "%", cohort_rates),
    )


def rate_note(stats: Statistics) -> str | None:
    """The note under a 解决率 above 100 %: why, and the cohort rate beside it; None otherwise."""
    h = stats.headline
    if not h.rate_over_100:
        return None
    return (f"注：解决数按解决日期统计，包括本期解决的以前受理的投诉，因此解决率{fmt_pct(h.resolution_rate.value)}"
            f"超过100%。本期受理的{h.accepted.value}件投诉中，截至期末已解决{h.cohort_resolved.value}件，"
            f"受理当期解决率为{fmt_pct(h.cohort_rate.value)}。")


# -- export --------------------------------------------------------------------------------------


def _pct_cell(x: Decimal | None) -> Any:
    return DASH if x is None else float(x)


def _value_cell(x: Decimal | int | None) -> Any:
    return DASH if x is None else float(x) if isinstance(x, Decimal) else x


def total_row(rows: tuple[ShareRow, ...] | list[ShareRow], whole: int) -> ShareRow:
    """The 合计 of a share table: its count's own share of ``whole`` (not a sum of rounded shares)."""
    n, ly, prev = (sum(r.count for r in rows), sum(r.last_year for r in rows), sum(r.previous for r in rows))
    return ShareRow("", "合计", n, share_pct(n, whole), ly, prev)


def tables(stats: Statistics) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Every table as (sheet title, Chinese headers, rows) — for the .xlsx export and the briefing."""
    h = stats.headline
    out: list[tuple[str, list[str], list[list[Any]]]] = [
        ("主要数据", ["指标", "单位", "本期", "去年同期", "同比", "上期", "环比", "同比、环比单位"],
         [[f.label, f.unit, _value_cell(f.value), _value_cell(f.last_year), _pct_cell(f.yoy),
           _value_cell(f.previous), _pct_cell(f.mom), f.change_unit] for f in h.report_figures]),
    ]

    whole = int(h.accepted.value or 0)

    def share_table(title: str, first: str, rows: tuple[ShareRow, ...]) -> None:
        body = [[r.name, r.count, float(r.share), r.last_year, _pct_cell(r.yoy_pct)] for r in (*rows, total_row(rows, whole))]
        out.append((title, [first, "件数", "占比(%)", "去年同期", "同比(%)"], body))

    share_table("投诉性质", "投诉性质", stats.natures)
    share_table("商品服务其他", "类别", stats.groups)
    share_table("商品类", "商品大类", stats.goods_categories)
    share_table("服务类", "服务大类", stats.service_categories)
    out.append(("投诉经营者前十", ["排名", "经营者", "件数", "占受理(%)"],
                [[r.rank, r.name, r.count, float(r.share)] for r in stats.top_businesses]))
    out.append(("商品服务前十", ["排名", "商品或服务", "件数", "占受理(%)"],
                [[r.rank, r.name, r.count, float(r.share)] for r in stats.top_items]))
    share_table("投诉渠道", "渠道", stats.channels)
    out.append(("月度趋势", ["月份", "本期", "去年同期"],
                [[m.label, m.this_year, m.last_year] for m in stats.monthly]))
    hd = stats.handling
    out.append(("办理情况", ["指标", "数值"],
                [["本期结案（件）", hd.closed], ["办理天数中位数（天）", DASH if hd.median_days is None else hd.median_days],
                 ["超期未办结（截至" + hd.overdue_cutoff.isoformat() + "，件）", hd.overdue]]))
    out.append(("转办情况", ["成员单位", "转办", "已回复", "超期未回复", "待回复", "退回"],
                [[r.name, r.sent, r.replied, r.overdue, r.pending, r.returned] for r in stats.referrals]))
    o, ro = stats.outreach, stats.roster
    out.append(("宣传与监督", ["指标", "数值"], [
        ["宣传活动（次）", o.activities], ["“六进”活动（次）", o.six_in_activities], ["受众（人次）", o.people_reached],
        ["发放资料（份）", o.leaflets], ["现场咨询（人次）", o.onsite_consultations], ["现场受理投诉（件）", o.onsite_complaints],
        ["消费警示（期）", o.warnings_issued], ["消费提示（期）", o.tips_issued], ["消费调查（项）", o.surveys],
        ["媒体报道（篇）", o.media_reports], ["网站发布（条）", o.website_posts], ["新媒体发布（条）", o.new_media_posts],
        ["诚信单位回访（次）", o.revisits_held], ["回访单位（家）", o.units_revisited], ["回访合格（次）", o.revisits_passed],
        ["新授牌诚信单位（家）", o.units_awarded], ["复评续牌（家）", o.units_renewed], ["摘牌（家）", o.units_revoked],
        ["联席会议（次）", o.joint_meetings],
        [f"{ro.year}年末在册人员（人）", ro.on_roster], [f"{ro.year}年培训（场）", ro.sessions],
        [f"{ro.year}年参训人员（人）", ro.trained],
    ]))
    return out


def to_xlsx(stats: Statistics, path: str | Path) -> Path:
    """Write every table to ``path`` (.xlsx), one sheet per table, Chinese headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for title, headers, rows in tables(stats):
        ws = wb.create_sheet(title[:31])
        ws.append([f"{stats.period.label} {stats.office_name} {title}"])
        ws["A1"].font = Font(bold=True)
        ws.append(headers)
        for c in ws[2]:
            c.font = Font(bold=True)
        for r in rows:
            ws.append(r)
        for i, _h in enumerate(headers):
            ws.column_dimensions[chr(ord("A") + i)].width = 28 if i == 0 or (i == 1 and title.endswith("前十")) else 12
    p = Path(path)
    wb.save(p)
    return p
