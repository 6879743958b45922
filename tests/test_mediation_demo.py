"""Demo mediation data: consistent with the demo complaints and with the service's own rules
(breakdowns add up, 加倍赔偿 by the Art. 55 formula and inside 赔偿, sessions inside the
mediation, agreement numbers unique and continued by the service), and a re-run adds nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from test_mediation_service import agreement, days_ago, make_case

from desk import clock, demo
from desk import mediation_stats as ms
from desk.facade import SYSTEM_ACTOR, Desk
from desk.models import Complaint
from desk.models.mediation import MediationMediator, MediationOutcome, MediationSession, ReconciliationStation
from desk.services.complaints import ActionInput
from desk.services.mediation import punitive_compensation


def test_demo_mediation_is_consistent_and_rerun_adds_nothing(sqlite_url: str) -> None:
    with Desk.open(sqlite_url, actor=SYSTEM_ACTOR) as d:
        report = demo.run_demo(d, 5, businesses=40, complaints=300, stations=6)
        steps = dict(report.steps)
        assert steps["消费争议和解服务站"].added == 6
        assert steps["调解记录、调解结果与金额"].added > 100
        with d.read() as s:
            # Plain rows: a read session's rollback expires ORM objects.
            outcomes = list(s.execute(select(MediationOutcome.__table__)))
            cases = {c.id: c for c in s.execute(select(Complaint.__table__))}
            sessions = list(s.execute(select(MediationSession.__table__)))
            n_mediators = s.scalar(select(func.count()).select_from(MediationMediator))
            stations = {x.id: x for x in s.execute(select(ReconciliationStation.__table__))}
        assert len(stations) == 6 and len({x.business_id for x in stations.values()}) == 6
        for o in outcomes:
            c = cases[o.complaint_id]
            parts = o.refund_amount + o.exchange_amount + o.repair_amount + o.compensation_amount + o.other_amount
            assert parts == o.recovered_total
            assert o.punitive_amount + o.other_comp_amount <= o.compensation_amount
            if o.punitive:
                assert o.punitive_amount == punitive_compensation(o.price_paid)
            assert o.resolved_date == c.mediation_ended_date
            if o.result == "station":
                assert c.channel_code == "C06" and stations[o.station_id].business_id == c.business_id
            if o.result == "self_settled":
                assert c.termination_ground_code == "T01"
            else:
                assert c.termination_ground_code is None and o.agreement_no
        numbers = [o.agreement_no for o in outcomes if o.agreement_no]
        assert len(numbers) == len(set(numbers))
        now = clock.now()
        for x in sessions:
            c = cases[x.complaint_id]
            assert c.accepted_date is not None and x.started_at.date() >= c.mediation_started_date
            if x.result == "pending":
                assert x.started_at > now
            else:
                assert x.started_at.date() <= (c.mediation_ended_date or clock.today())
        assert n_mediators >= len(sessions)
        assert ms.resolved_count(d, days_ago(3 * 366), clock.today()) == len(outcomes)

        again = demo.run_demo(d, 5, businesses=40, complaints=300, stations=6)
        assert dict(again.steps)["调解记录、调解结果与金额"].added == 0
        assert dict(again.steps)["消费争议和解服务站"].added == 0

    # The service continues the demo's agreement numbers.
    with Desk.open(sqlite_url) as d:
        d.auth.login("demo_handler1", demo.DEMO_PASSWORD)
        c = make_case(d, received_days_ago=5)
        v = d.complaints.act(c.id, "start_mediation", c.version, ActionInput(on=days_ago(3)))
        o = d.mediation.record_outcome(c.id, v.version, agreement(days_ago(2)))
        assert o.agreement_no not in numbers and o.recovered_total == Decimal("2199.00")

