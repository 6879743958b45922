"""Legal deadlines of a complaint (domain.md §3). Pure functions over a WorkCalendar, so every
rule is testable without a database. Limits are settings (desk.settings) with these defaults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desk.settings import SettingDef, register
from desk.workcal import DayResult, WorkCalendar

# The SAMR rules changed on this date (Order 121); a case keeps the version in force on receipt.
DEFAULT_RULE_CHANGE = dt.date(2026, 4, 15)

for _d in (
    SettingDef("deadline.rule_change_date", "新投诉处理办法施行日期", DEFAULT_RULE_CHANGE.isoformat(), "str", "办理期限"),
    SettingDef("deadline.accept_working_days", "受理决定期限（工作日）", 7, "int", "办理期限", 1, 60),
    SettingDef("deadline.mediation_working_days_old", "调解期限：旧办法（工作日）", 45, "int", "办理期限", 1, 365),
    SettingDef("deadline.mediation_days_new", "调解期限：新办法（自然日）", 60, "int", "办理期限", 1, 365),
    SettingDef("deadline.termination_notice_working_days", "终止调解告知期限（工作日）", 7, "int", "办理期限", 1, 60),
    SettingDef("deadline.enforcement_working_days", "诉转案线索核查期限（工作日）", 15, "int", "办理期限", 1, 60),
    SettingDef("deadline.referral_reply_working_days", "转办回复期限（工作日）", 15, "int", "办理期限", 1, 120),
    SettingDef("deadline.due_soon_working_days", "临期提醒（工作日内到期）", 3, "int", "办理期限", 0, 30),
):
    register(_d)

RULE_OLD = "2019"
RULE_NEW = "2026"
RULE_LABELS = {RULE_OLD: "《市场监督管理投诉举报处理暂行办法》", RULE_NEW: "《市场监督管理投诉举报处理办法》（2026）"}

DUE_KIND_LABELS = {
    "accept": "受理决定",
    "mediation": "调解期限",
    "termination_notice": "终止调解告知",
    "referral_reply": "转办回复",
    "performance": "履行期限",
}


@dataclass(frozen=True)
class DeadlineRules:
    rule_change: dt.date = DEFAULT_RULE_CHANGE
    accept_working_days: int = 7
    mediation_working_days_old: int = 45
    mediation_days_new: int = 60
    termination_notice_working_days: int = 7
    enforcement_working_days: int = 15
    referral_reply_working_days: int = 15
    due_soon_working_days: int = 3

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> DeadlineRules:
        def get(key: str, default: Any) -> Any:
            return values.get(f"deadline.{key}", default)

        try:
            change = dt.date.fromisoformat(str(get("rule_change_date", DEFAULT_RULE_CHANGE.isoformat())))
        except ValueError:
            change = DEFAULT_RULE_CHANGE
        base = cls()
        return cls(
            rule_change=change,
            accept_working_days=int(get("accept_working_days", base.accept_working_days)),
            mediation_working_days_old=int(get("mediation_working_days_old", base.mediation_working_days_old)),
            mediation_days_new=int(get("mediation_days_new", base.mediation_days_new)),
            termination_notice_working_days=int(get("termination_notice_working_days", base.termination_notice_working_days)),
            enforcement_working_days=int(get("enforcement_working_days", base.enforcement_working_days)),
            referral_reply_working_days=int(get("referral_reply_working_days", base.referral_reply_working_days)),
            due_soon_working_days=int(get("due_soon_working_days", base.due_soon_working_days)),
        )

    def rule_version(self, received: dt.date) -> str:
        return RULE_NEW if received >= self.rule_change else RULE_OLD


Interval = tuple[dt.date, dt.date | None]  # a pause: days d with start < d <= end are not counted


def _paused(d: dt.date, pauses: Iterable[Interval]) -> bool:
    return any(start < d and (end is None or d <= end) for start, end in pauses)


def count_forward(
    cal: WorkCalendar,
    start: dt.date,
    n: int,
    *,
    working_days: bool,
    pauses: Iterable[Interval] = (),
) -> DayResult:
    """The n-th counted day after ``start`` (the start day itself not counted), skipping paused
    days; with calendar days, a period ending on a non-working day ends on the next working day."""
    pauses = list(pauses)
    if not pauses:
        return cal.add_working_days(start, n) if working_days else cal.add_days(start, n)
    if any(end is None for _s, end in pauses):
        raise ValueError("an open pause has no deadline")
    uncovered: set[int] = set()
    d = start
    counted = 0
    while counted < n:
        d += dt.timedelta(days=1)
        is_work, provisional = cal.day_status(d)
        if provisional:
            uncovered.add(d.year)
        if _paused(d, pauses):
            continue
        if working_days and not is_work:
            continue
        counted += 1
    if not working_days:
        while True:
            is_work, provisional = cal.day_status(d)
            if provisional:
                uncovered.add(d.year)
            if is_work:
                break
            d += dt.timedelta(days=1)
    return DayResult(d, bool(uncovered), tuple(sorted(uncovered)))


def acceptance_due(cal: WorkCalendar, received: dt.date, rules: DeadlineRules) -> DayResult:
    return cal.add_working_days(received, rules.accept_working_days)


def mediation_due(
    cal: WorkCalendar, accepted: dt.date, rule_version: str, pauses: Iterable[Interval], rules: DeadlineRules
) -> DayResult:
    """45 working days (before 2026-04-15) or 60 calendar days (from then) from acceptance,
    not counting days paused for testing or appraisal."""
    if rule_version == RULE_OLD:
        return count_forward(cal, accepted, rules.mediation_working_days_old, working_days=True, pauses=pauses)
    return count_forward(cal, accepted, rules.mediation_days_new, working_days=False, pauses=pauses)


def termination_notice_due(cal: WorkCalendar, terminated: dt.date, rules: DeadlineRules) -> DayResult:
    return cal.add_working_days(terminated, rules.termination_notice_working_days)


def referral_reply_due(cal: WorkCalendar, sent: dt.date, kind: str, rules: DeadlineRules) -> DayResult:
    days = rules.enforcement_working_days if kind == "enforcement" else rules.referral_reply_working_days
    return cal.add_working_days(sent, days)


@dataclass(frozen=True)
class CurrentDue:
    kind: str | None  # accept | mediation | termination_notice | None (nothing due)
    date: dt.date | None
    provisional: bool
    paused: bool = False


def current_due(
    cal: WorkCalendar,
    *,
    status: str,
    rule_version: str,
    received_date: dt.date,
    accepted_date: dt.date | None,
    mediation_ended_date: dt.date | None,
    termination_notified_date: dt.date | None,
    pauses: Iterable[Interval],
    rules: DeadlineRules,
    performance_due: dt.date | None = None,
    performed: bool = False,
) -> CurrentDue:
    """The deadline of the step the case is waiting for. A mediated case waits for the
    agreement to be performed by the date it names (a fixed date, not a counted period)."""
    pauses = list(pauses)
    if status == "mediated":
        if performance_due is not None and not performed:
            return CurrentDue("performance", performance_due, False)
        return CurrentDue(None, None, False)
    if status == "registered":
        r = acceptance_due(cal, received_date, rules)
        return CurrentDue("accept", r.date, r.provisional)
    if status in ("accepted", "mediating") and accepted_date is not None:
        if any(end is None for _s, end in pauses):
            return CurrentDue("mediation", None, False, paused=True)
        r = mediation_due(cal, accepted_date, rule_version, pauses, rules)
        return CurrentDue("mediation", r.date, r.provisional)
    if status == "terminated" and mediation_ended_date is not None and termination_notified_date is None:
        r = termination_notice_due(cal, mediation_ended_date, rules)
        return CurrentDue("termination_notice", r.date, r.provisional)
    return CurrentDue(None, None, False)
