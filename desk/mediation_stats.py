"""The mediation figures a briefing needs, defined once here (domain.md §5).

What counts as 解决 (resolved)
------------------------------
A complaint counts as resolved when its outcome record (``mediation_outcome``, one per case,
kept in step with the workflow by ``desk.services.mediation.sync_outcome``) has one of the
results in ``RESOLVED_RESULTS`` and a ``resolved_date``:

- ``mediated`` 调解成功: the office mediated and the parties reached an agreement (the
  workflow step 调解成功, recorded with its agreement in the case's 调解 tab or by the plain
  step).
- ``station`` 和解站和解: settled at a reconciliation station (消费争议和解服务站) in the
  enterprise and recorded with the station (normally a case registered with the channel 和解站,
  code C06).
- ``self_settled`` 双方自行和解: the parties settled themselves with the office's help. It is
  recorded in the 调解 tab as 双方自行和解, which ends the case with the termination ground T01
  “投诉人撤回投诉或者双方自行和解” (or, before acceptance, with 撤诉). A T01 termination or a
  withdrawal without that record is NOT counted: T01 covers both a plain withdrawal and a
  settlement, and only the handler knows which it was.

The office setting ``briefing.count_t01_as_resolved`` (default off: the behaviour above) counts
every T01 termination of an accepted case as 解决 as well, on its termination date
(``mediation_ended_date``): offices that treat a withdrawal after the business satisfied the
consumer as resolved switch it on. It changes ``resolved_count``, ``cohort_resolved_count`` and
``resolved_summary`` (as ``by_result["t01"]``); such cases carry no recovered amount.

The cohort count (``cohort_resolved_count``) is the other view of the same cases: of those
accepted in the period, how many were resolved by its end (whatever the resolved date).

Not counted: 不予受理, 终止调解 on the other grounds (the dispute stays open), 转办 / 支持起诉 /
仲裁 (another body resolves it, and counts it), a plain 撤诉. A case reopened after being
resolved stops counting (its ``resolved_date`` is cleared) until it is resolved again, and then
counts on the new date.

Which period
------------
A resolved case is counted in the period holding its ``resolved_date``: the day the agreement
was reached (the date of the 调解成功 step), the day of the station settlement, or the day the
self-settlement ended the case. Not the receipt date (a case received in March and settled in
April belongs to April's 解决), and not the closing date (结案 is paperwork that may lag). The
resolution rate 投诉解决率 = resolved ÷ accepted in a period is therefore a ratio of two counts
over the same period, as the China Consumers Association reports it; it can exceed 100 % in a
period that settles an earlier backlog. Dates are inclusive: ``date_from <= resolved_date <=
date_to``. ``office_id`` restricts to cases of that office (the case's 受理单位), None = all.

Amounts
-------
- ``recovered_amount``: 为消费者挽回经济损失 (yuan, Decimal) = the sum of ``recovered_total`` of
  the resolved cases; each total is the sum of its breakdown (退款, 换货, 维修, 赔偿, 其他), the
  service refuses anything else. 加倍赔偿 and other statutory compensation are part of 赔偿 and
  so of the total. Reports convert to 万元 themselves.
- ``punitive_count_and_amount``: 加倍赔偿 (消法第五十五条) among the resolved cases: how many
  got it (punitive amount > 0) and how much. ``fraud_only=True`` counts only those where the
  office found fraud (the CCA's 因经营者欺诈得到加倍赔偿的投诉).

Sums are taken in whole fen (``round(x * 100)``) so SQLite's floating storage of NUMERIC never
leaks rounding into a total."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, select

from desk.models import Complaint
from desk.models.mediation import MediationOutcome

if TYPE_CHECKING:
    from desk.facade import Desk

RESOLVED_RESULTS: tuple[str, ...] = ("mediated", "station", "self_settled")
T01_SETTING = "briefing.count_t01_as_resolved"
T01 = "T01"
RESOLVED_LABELS: dict[str, str] = {"mediated": "调解成功", "station": "和解站和解", "self_settled": "双方自行和解"}

BREAKDOWN_FIELDS: tuple[tuple[str, str], ...] = (
    ("refund_amount", "退款"),
    ("exchange_amount", "换货"),
    ("repair_amount", "维修"),
    ("compensation_amount", "赔偿"),
    ("other_amount", "其他"),
)

_FEN = Decimal("0.01")


def resolved_condition() -> Any:
    """The SQL condition "this outcome row is a resolved case" (for other modules' queries)."""
    return and_(MediationOutcome.result.in_(RESOLVED_RESULTS), MediationOutcome.resolved_date.is_not(None))


def _conds(date_from: dt.date, date_to: dt.date, office_id: int | None) -> list[Any]:
    if date_from > date_to:
        raise ValueError("date_from after date_to")
    conds = [resolved_condition(), MediationOutcome.resolved_date >= date_from, MediationOutcome.resolved_date <= date_to]
    if office_id is not None:
        conds.append(Complaint.office_id == office_id)
    return conds


def _base(cols: list[Any], date_from: dt.date, date_to: dt.date, office_id: int | None):  # type: ignore[no-untyped-def]
    return (select(*cols).select_from(MediationOutcome)
            .join(Complaint, Complaint.id == MediationOutcome.complaint_id)
            .where(*_conds(date_from, date_to, office_id)))


def _fen_sum(col: Any) -> Any:
    return func.coalesce(func.sum(func.round(col * 100)), 0)


def _yuan(fen: Any) -> Decimal:
    return (Decimal(int(fen or 0)) / 100).quantize(_FEN)


def count_t01(desk: Desk) -> bool:
    """Whether the office counts T01 terminations as 解决 (the setting; default False)."""
    return bool(desk.settings.get(T01_SETTING))


def _t01_extra(date_from: dt.date, date_to: dt.date, office_id: int | None, *, by_acceptance: bool = False) -> Any:
    """COUNT of accepted cases ended on ground T01 in the period (or, ``by_acceptance``:
    accepted in the period and ended by its end) that are not already resolved by an outcome."""
    if date_from > date_to:
        raise ValueError("date_from after date_to")
    resolved = exists().where(MediationOutcome.complaint_id == Complaint.id, resolved_condition())
    conds = [Complaint.termination_ground_code == T01, Complaint.accepted_date.is_not(None), ~resolved]
    if by_acceptance:
        conds += [Complaint.accepted_date >= date_from, Complaint.accepted_date <= date_to,
                  Complaint.mediation_ended_date <= date_to]
    else:
        conds += [Complaint.mediation_ended_date >= date_from, Complaint.mediation_ended_date <= date_to]
    if office_id is not None:
        conds.append(Complaint.office_id == office_id)
    return select(func.count(Complaint.id)).where(*conds)


def resolved_count(desk: Desk, date_from: dt.date, date_to: dt.date, office_id: int | None = None) -> int:
    """解决 (件): cases resolved in [date_from, date_to] (see the module docstring)."""
    desk.require_login()
    t01 = count_t01(desk)
    with desk.read() as s:
        n = int(s.scalar(_base([func.count(MediationOutcome.id)], date_from, date_to, office_id)) or 0)
        if t01:
            n += int(s.scalar(_t01_extra(date_from, date_to, office_id)) or 0)
        return n


def cohort_resolved_count(desk: Desk, date_from: dt.date, date_to: dt.date, office_id: int | None = None) -> int:
    """Cases accepted in [date_from, date_to] and resolved on or before ``date_to``: the
    numerator of the 受理当期解决率 (cohort rate), which never exceeds 100 %."""
    desk.require_login()
    if date_from > date_to:
        raise ValueError("date_from after date_to")
    conds = [resolved_condition(), MediationOutcome.resolved_date <= date_to,
             Complaint.accepted_date >= date_from, Complaint.accepted_date <= date_to]
    if office_id is not None:
        conds.append(Complaint.office_id == office_id)
    q = (select(func.count(MediationOutcome.id)).select_from(MediationOutcome)
         .join(Complaint, Complaint.id == MediationOutcome.complaint_id).where(*conds))
    t01 = count_t01(desk)
    with desk.read() as s:
        n = int(s.scalar(q) or 0)
        if t01:
            n += int(s.scalar(_t01_extra(date_from, date_to, office_id, by_acceptance=True)) or 0)
        return n


def recovered_amount(desk: Desk, date_from: dt.date, date_to: dt.date, office_id: int | None = None) -> Decimal:
    """为消费者挽回经济损失 (元) of the cases resolved in the period."""
    desk.require_login()
    with desk.read() as s:
        return _yuan(s.scalar(_base([_fen_sum(MediationOutcome.recovered_total)], date_from, date_to, office_id)))


def punitive_count_and_amount(desk: Desk, date_from: dt.date, date_to: dt.date, office_id: int | None = None, *,
                              fraud_only: bool = False) -> tuple[int, Decimal]:
    """加倍赔偿 (消法第五十五条) among the cases resolved in the period: (件, 元)."""
    desk.require_login()
    q = _base([func.count(MediationOutcome.id), _fen_sum(MediationOutcome.punitive_amount)], date_from, date_to, office_id)
    q = q.where(MediationOutcome.punitive_amount > 0)
    if fraud_only:
        q = q.where(MediationOutcome.fraud_found.is_(True))
    with desk.read() as s:
        n, fen = s.execute(q).one()
    return int(n or 0), _yuan(fen)


@dataclass(frozen=True)
class ResolvedSummary:
    """All the figures of a period at once (one query)."""

    date_from: dt.date
    date_to: dt.date
    office_id: int | None
    count: int
    by_result: dict[str, int] = field(default_factory=dict)  # mediated | station | self_settled
    recovered: Decimal = Decimal("0.00")
    breakdown: dict[str, Decimal] = field(default_factory=dict)  # refund_amount … other_amount
    punitive_count: int = 0
    punitive_amount: Decimal = Decimal("0.00")
    punitive_fraud_count: int = 0


def resolved_summary(desk: Desk, date_from: dt.date, date_to: dt.date, office_id: int | None = None) -> ResolvedSummary:
    """Resolved cases by result, recovered amounts with their breakdown and 加倍赔偿."""
    desk.require_login()
    o = MediationOutcome
    with desk.read() as s:
        by_result = {r: int(n) for r, n in s.execute(
            _base([o.result, func.count(o.id)], date_from, date_to, office_id).group_by(o.result))}
        sums = s.execute(_base(
            [_fen_sum(o.recovered_total), *(_fen_sum(getattr(o, f)) for f, _l in BREAKDOWN_FIELDS)],
            date_from, date_to, office_id)).one()
        t01 = int(s.scalar(_t01_extra(date_from, date_to, office_id)) or 0) if count_t01(desk) else 0
    count, amount = punitive_count_and_amount(desk, date_from, date_to, office_id)
    fraud_count, _ = punitive_count_and_amount(desk, date_from, date_to, office_id, fraud_only=True)
    results = {r: by_result.get(r, 0) for r in RESOLVED_RESULTS}
    if t01:
        results["t01"] = t01
    return ResolvedSummary(
        date_from=date_from, date_to=date_to, office_id=office_id, count=sum(results.values()),
        by_result=results,
        recovered=_yuan(sums[0]),
        breakdown={f: _yuan(v) for (f, _l), v in zip(BREAKDOWN_FIELDS, sums[1:], strict=True)},
        punitive_count=count, punitive_amount=amount, punitive_fraud_count=fraud_count,
    )
