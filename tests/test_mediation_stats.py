"""The resolved-case statistics (desk.mediation_stats) on a crafted dataset with known answers:
every way a case can end, inside and outside the period and on its edges, on two offices.
The answers are stated by hand and computed again with plain SQL written here, independently
of the module. Also: the migration gives cases mediated before it their outcome row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, text
from test_mediation_service import agreement, business, days_ago, make_case

from desk import mediation_stats as ms
from desk.services.complaints import ActionInput
from desk.services.mediation import OutcomeInput
from desk.services.offices import OfficeInput
from desk.services.stations import StationInput

PERIOD = (days_ago(30), days_ago(10))


def step(desk, v, action: str, ago: int, **kw):  # type: ignore[no-untyped-def]
    return desk.complaints.act(v.id, action, v.version, ActionInput(on=days_ago(ago), **kw))


def mediated(desk, v, ago: int, **kw):  # type: ignore[no-untyped-def]
    """Start mediation the day after acceptance and record an agreement ``ago`` days ago."""
    v = step(desk, v, "start_mediation", 58)
    desk.mediation.record_outcome(v.id, v.version, agreement(days_ago(ago), performed_date=days_ago(ago), **kw))
    return desk.complaints.get(v.id)


def crafted(desk) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Twelve cases; the comments say whether each counts in PERIOD."""
    county = desk.actor.office_id
    branch = desk.offices.create(OfficeInput(code="THJX", name="太和县消费者协会旧县分会", parent_id=county)).id
    zero = dict(exchange_amount="", compensation_amount="")
    ids: dict[str, int] = {}

    def case(key: str, office: int):  # type: ignore[no-untyped-def]
        v = make_case(desk, received_days_ago=60, name=f"用户{key}", office_id=office)
        ids[key] = v.id
        return v

    mediated(desk, case("A", county), 20, refund_amount="1000", **zero)  # in
    mediated(desk, case("B", county), 40, refund_amount="700", **zero)  # before the period
    mediated(desk, case("C", branch), 15, refund_amount="100", compensation_amount="500", exchange_amount="",
             punitive=True, price_paid="100", fraud_found=True)  # in: 加倍赔偿 500 (the floor), fraud
    station = desk.stations.create(StationInput(business_id=business(desk), conciliator_name="孙和解", office_id=county))
    v = case("D", county)
    desk.mediation.record_outcome(v.id, v.version, OutcomeInput(
        result="station", station_id=station.id, on=days_ago(12), terms="退款并赔偿", refund_amount="58", compensation_amount="1000",
        other_comp_basis="《食品安全法》第一百四十八条", other_comp_amount="1000", performed_date=days_ago(12)))  # in
    v = case("E", branch)
    desk.mediation.record_outcome(v.id, v.version, OutcomeInput(result="self_settled", on=days_ago(25), refund_amount="300"))  # in
    v = case("F", county)
    step(desk, v, "terminate", 20, ground_code="T01", reason="投诉人撤回")  # a plain T01: out
    v = case("G", county)
    step(desk, v, "terminate", 20, ground_code="T03")  # out
    v = mediated(desk, case("H", county), 28, refund_amount="400", **zero)
    v = step(desk, v, "close", 27)
    step(desk, v, "reopen", 15, reason="经营者未履行")  # resolved, then reopened: out
    v = mediated(desk, case("I", branch), 35, refund_amount="100", **zero)
    v = step(desk, v, "close", 34)
    v = step(desk, v, "reopen", 29, reason="重新调解")
    v = step(desk, v, "start_mediation", 28)
    desk.mediation.record_outcome(v.id, v.version, agreement(  # in, on its new date, with 加倍赔偿 900 without fraud
        days_ago(11), refund_amount="800", exchange_amount="", compensation_amount="900", punitive=True, price_paid="300",
        performed_date=days_ago(11)))
    mediated(desk, case("J", county), 5, refund_amount="50", **zero)  # after the period
    mediated(desk, case("K", county), 30, refund_amount="0.10", **zero)  # first day: in
    mediated(desk, case("L", branch), 10, refund_amount="0.20", **zero)  # last day: in
    v = case("M", county)
    step(desk, v, "withdraw", 50, reason="不想投诉了")  # a plain withdrawal: out
    ids["county"], ids["branch"] = county, branch
    return ids


def plain_sql(url: str, sql: str, **params: object) -> tuple:
    eng = create_engine(url)
    try:
        with eng.connect() as c:
            return tuple(c.execute(text(sql), params).one())
    finally:
        eng.dispose()


def test_resolved_figures_on_a_crafted_dataset(desk, db_url: str) -> None:  # type: ignore[no-untyped-def]
    from desk.db import normalise_url

    ids = crafted(desk)
    a, b = PERIOD
    county, branch = ids["county"], ids["branch"]

    # Stated by hand: A, C, D, E, I, K, L.
    assert ms.resolved_count(desk, a, b) == 7
    assert ms.resolved_count(desk, a, b, county) == 3  # A, D, K
    assert ms.resolved_count(desk, a, b, branch) == 4  # C, E, I, L
    assert ms.recovered_amount(desk, a, b) == Decimal("4658.30")  # 1000 + 600 + 1058 + 300 + 1700 + 0.10 + 0.20
    assert ms.recovered_amount(desk, a, b, county) == Decimal("2058.10")
    assert ms.punitive_count_and_amount(desk, a, b) == (2, Decimal("1400.00"))  # C 500, I 900
    assert ms.punitive_count_and_amount(desk, a, b, fraud_only=True) == (1, Decimal("500.00"))
    assert ms.punitive_count_and_amount(desk, a, b, county) == (0, Decimal("0.00"))
    # The whole three months: B, H's first resolution is undone, I counts once, J at the end.
    assert ms.resolved_count(desk, days_ago(60), days_ago(0)) == 9  # + B, J
    assert ms.resolved_count(desk, days_ago(9), days_ago(9)) == 0
    summary = ms.resolved_summary(desk, a, b)
    assert summary.count == 7 and summary.by_result == {"mediated": 5, "station": 1, "self_settled": 1}
    assert summary.recovered == Decimal("4658.30") and sum(summary.breakdown.values()) == summary.recovered
    assert summary.breakdown["compensation_amount"] == Decimal("2400.00")
    assert (summary.punitive_count, summary.punitive_amount, summary.punitive_fraud_count) == (2, Decimal("1400.00"), 1)

    # The same figures by plain SQL, written here from the definition in the docstring.
    url = normalise_url(db_url).render_as_string(hide_password=False)
    base = ("FROM mediation_outcome o JOIN complaint c ON c.id = o.complaint_id "
            "WHERE o.result IN ('mediated', 'station', 'self_settled') AND o.resolved_date IS NOT NULL "
            "AND o.resolved_date >= :a AND o.resolved_date <= :b")
    for office in (None, county, branch):
        where = base + (" AND c.office_id = :office" if office else "")
        n, total = plain_sql(url, f"SELECT COUNT(*), COALESCE(SUM(o.recovered_total), 0) {where}", a=a, b=b, office=office)
        assert ms.resolved_count(desk, a, b, office) == n
        assert ms.recovered_amount(desk, a, b, office) == Decimal(str(total)).quantize(Decimal("0.01"))
        pn, pamount = plain_sql(url, f"SELECT COUNT(*), COALESCE(SUM(o.punitive_amount), 0) {where} AND o.punitive_amount > 0",
                                a=a, b=b, office=office)
        assert ms.punitive_count_and_amount(desk, a, b, office) == (pn, Decimal(str(pamount)).quantize(Decimal("0.01")))
    with pytest.raises(ValueError):
        ms.resolved_count(desk, b, a)


def test_migration_gives_earlier_mediated_cases_their_outcome(sqlite_url: str) -> None:
    """A database upgraded from 0002 with cases mediated, closed after mediation, terminated
    and merely accepted: only the mediated ones get an outcome row, resolved on the day
    mediation ended."""
    from desk import migrate
    from desk.db import make_engine

    eng = make_engine(sqlite_url)
    migrate.upgrade(eng, backup=False, target="0002")
    now = dt.datetime(2026, 3, 1, 9, 0)
    with eng.begin() as c:
        c.execute(text("INSERT INTO office (id, code, name, kind, address, phone, active, version, created_at, updated_at) "
                       "VALUES (1, 'TH', '太和县消费者协会', 'county', '', '', 1, 1, :t, :t)"), {"t": now})
        rows = [(1, "mediated", "2026-02-10", None), (2, "closed", "2026-02-11", None), (3, "closed", "2026-02-12", "T03"),
                (4, "accepted", None, None), (5, "archived", "2026-01-05", None)]
        for i, status, ended, ground in rows:
            c.execute(text(
                "INSERT INTO complaint (id, case_no, office_id, status, rule_version, received_at, received_date, channel_code, "
                "category_code, nature_code, business_name, consumer_name, consumer_phone, consumer_address, is_joint, "
                "consumer_is_representative, agent_name, agent_phone, agent_authorised, amount, demand, facts, result_summary, "
                "due_provisional, search_text, version, created_at, updated_at, mediation_ended_date, termination_ground_code) "
                "VALUES (:i, :no, 1, :st, '2019', :t, '2026-01-02', 'C01', 'G01', 'N01', '某店', '张三', '', '', 0, 0, '', '', 0, "
                "0, '', '', '', 0, '', 1, :t, :t, :ended, :ground)"),
                {"i": i, "no": f"TH-2026-{i:05d}", "st": status, "t": now, "ended": ended, "ground": ground})
    migrate.upgrade(eng, backup=False)
    with eng.connect() as c:
        got = c.execute(text("SELECT complaint_id, result, resolved_date, recovered_total FROM mediation_outcome ORDER BY complaint_id")).all()
    eng.dispose()
    assert [(r[0], r[1], str(r[2])) for r in got] == [(1, "mediated", "2026-02-10"), (2, "mediated", "2026-02-11"), (5, "mediated", "2026-01-05")]
    assert all(Decimal(str(r[3])) == 0 for r in got)
