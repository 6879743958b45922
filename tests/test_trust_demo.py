"""``cadesk-admin demo`` fills the trust units and the outreach registers too: through the
services' rules, sized by options, and a re-run adds nothing."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from desk import clock, demo
from desk.cli import build_parser
from desk.facade import Desk
from desk.models import Referral
from desk.models.outreach import Activity, ConsumerWarning, MediaReport, MonthlyPosts, Survey
from desk.models.trust_units import JointMeeting, Revisit, TrustUnit


def _count(d: Desk, model: type) -> int:
    with d.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_demo_fills_trust_units_and_outreach_registers(sqlite_desk: Desk) -> None:
    d = sqlite_desk
    report = demo.run_demo(d, 5, businesses=40, complaints=120, consultations=5, trust_units=10, outreach=15)
    steps = dict(report.steps)
    assert steps["诚信单位（含回访检查）"].added == 10
    assert _count(d, TrustUnit) == 10 and _count(d, Activity) == 15
    statuses = {u.status for u in d.trust_units.list_units()}
    assert "awarded" in statuses and statuses <= {"applied", "evaluated", "rejected", "withdrawn", "awarded", "rectifying",
                                                  "revocation_proposed", "revoked"}
    assert _count(d, Revisit) > 0
    # Every revisit answers the whole checklist, dated after its unit's award.
    for r in d.trust_units.list_revisits():
        v = d.trust_units.get_revisit(r.id)
        assert len(v.checks) == 9 and v.inspectors
        assert v.visit_date >= d.trust_units.get(r.unit_id).first_awarded_date
    for model in (ConsumerWarning, Survey, MediaReport, MonthlyPosts, JointMeeting):
        assert _count(d, model) > 0, model.__name__
    for v in d.outreach.surveys():
        assert v.returned <= v.sent
    for w in d.outreach.warnings():
        assert not re.search(r"1[3-9]\d{9}", w.title + w.body)  # published: no phone numbers
    today = clock.today()
    t = d.outreach.period_totals(dt.date(today.year - 2, 1, 1), today)
    assert t.activities == 15 and t.people_reached > 0 and t.revisits_held == _count(d, Revisit)
    # Referred demo complaints got their referral row, so departments have counts.
    assert _count(d, Referral) == d.departments.referral_stats().total.sent

    again = demo.run_demo(d, 5, businesses=40, complaints=120, consultations=5, trust_units=10, outreach=15)
    assert dict(again.steps)["诚信单位（含回访检查）"].added == 0
    assert dict(again.steps)["宣传活动、消费警示、评议与新闻宣传"].added == 0
    args = build_parser().parse_args(["demo", "--seed", "1", "--trust-units", "3", "--outreach", "4"])
    assert (args.count_trust_units, args.count_outreach) == (3, 4)
