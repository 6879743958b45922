"""Periods (desk.periods) and the statistics core (desk.stats) on a crafted dataset with known
answers. Rows are inserted with exact values (Core inserts), the answers are stated by hand and
the headline figures are computed again here with plain SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from itertools import count

import pytest
from sqlalchemy import insert, text

from desk import stats as st
from desk.errors import ValidationError
from desk.models import Business, Complaint, Consultation, Referral
from desk.models.mediation import MediationOutcome
from desk.periods import parse_period, previous_period, same_period_last_year
from desk.services.offices import OfficeInput

D = dt.date

# -- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text_", "start", "end", "label", "kind"), [
    ("2026", D(2026, 1, 1), D(2026, 12, 31), "2026年", "year"),
    ("2026H1", D(2026, 1, 1), D(2026, 6, 30), "2026年上半年", "half"),
    ("2026h2", D(2026, 7, 1), D(2026, 12, 31), "2026年下半年", "half"),
    ("2026Q3", D(2026, 7, 1), D(2026, 9, 30), "2026年第三季度", "quarter"),
    ("2024Q1", D(2024, 1, 1), D(2024, 3, 31), "2024年第一季度", "quarter"),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024年2月", "month"),
    (" 2026-07 ", D(2026, 7, 1), D(2026, 7, 31), "2026年7月", "month"),
    ("2026-07-01..2026-09-30", D(2026, 7, 1), D(2026, 9, 30), "2026年7月1日至2026年9月30日", "custom"),
])
def test_parse_period(text_, start, end, label, kind) -> None:  # type: ignore[no-untyped-def]
    p = parse_period(text_)
    assert (p.start, p.end, p.label, p.kind) == (start, end, label, kind)
    assert parse_period(p.code) == p


@pytest.mark.parametrize("bad", ["", "26", "2026Q5", "2026H3", "2026-13", "2026-09-30..2026-07-01", "2026-02-30..2026-03-01",
                                 "上季度", "1800"])
def test_parse_period_rejects_in_chinese(bad: str) -> None:
    with pytest.raises(ValidationError) as e:
        parse_period(bad)
    assert "统计期间" in str(e.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in e.value.fields["period"])


@pytest.mark.parametrize(("code", "yoy", "mom"), [
    ("2026", "2025", "2025"),
    ("2026H1", "2025H1", "2025H2"),
    ("2026H2", "2025H2", "2026H1"),
    ("2026Q1", "2025Q1", "2025Q4"),
    ("2026Q3", "2025Q3", "2026Q2"),
    ("2026-01", "2025-01", "2025-12"),
    ("2024-02", "2023-02", "2024-01"),
    ("2026-07-01..2026-07-10", "2025-07-01..2025-07-10", "2026-06-21..2026-06-30"),
    ("2024-02-29..2024-03-01", "2023-02-28..2023-03-01", "2024-02-27..2024-02-28"),
])
def test_comparison_periods(code: str, yoy: str, mom: str) -> None:
    p = parse_period(code)
    assert same_period_last_year(p) == parse_period(yoy)
    assert previous_period(p) == parse_period(mom)


# -- helpers -------------------------------------------------------------------------------------


def test_shares_round_half_up_each_on_its_own() -> None:
    # Equal counts, equal shares; the shares' sum strays from 100 by at most half a hundredth a row
    # (99.99–100.01 for usual tables; seven equal rows give 100.03) and the 合计 row shows 100.00.
    assert [st.share_pct(1, 3)] * 3 == [Decimal("33.33")] * 3
    assert st.share_pct(1, 8) == Decimal("12.50") and st.share_pct(1, 800) == Decimal("0.13")  # half up
    assert st.share_pct(0, 0) == Decimal("0.00")
    for counts in ([4, 3, 2, 2, 1], [7, 0, 13, 1], [1] * 7, [999, 1, 1], [18, 18, 18, 371]):
        total = sum(counts)
        shares = [st.share_pct(c, total) for c in counts]
        assert abs(sum(shares) - 100) <= Decimal("0.005") * len(counts)
        assert all(a == b for a, b, c, d in zip(shares, shares[1:], counts, counts[1:], strict=False) if c == d)


def test_rate_change_is_in_points() -> None:
    f = st.Figure("resolution_rate", "投诉解决率", "%", Decimal("92.21"), Decimal("82.19"), Decimal("95.00"))
    assert f.yoy == Decimal("10.02") and f.yoy_text == "+10.02个百分点" and f.mom_text == "-2.79个百分点"
    assert f.yoy_pct is None  # never a relative change of a rate
    n = st.Figure("accepted", "受理投诉", "件", 77, 73, 0)
    assert n.yoy == Decimal("5.48") and n.yoy_text == "+5.48%" and n.mom_text == "—"


def test_change_pct_never_divides_by_zero() -> None:
    assert st.change_pct(5, 0) is None
    assert st.change_pct(0, 0) is None
    assert st.change_pct(None, 3) is None
    assert st.change_pct(3, 4) == Decimal("-25.00")
    assert st.change_pct(Decimal("1.50"), Decimal("1.00")) == Decimal("50.00")
    assert st.fmt_pct(None) == "—"
    assert st.fmt_pct(Decimal("12.5"), signed=True) == "+12.50%"


# -- the crafted dataset -------------------------------------------------------------------------

Q3 = parse_period("2025Q3")  # the period; 同比 2024Q3, 环比 2025Q2
_no = count(1)


def _complaint(office: int, accepted: dt.date | None, *, nature: str, cat: str, channel: str = "C01",
               business_id: int | None = None, business_name: str = "", received: dt.date | None = None,
               status: str = "accepted", closed: dt.date | None = None, due: dt.date | None = None) -> dict:
    received = received or accepted or D(2025, 8, 1)
    n = next(_no)
    return dict(case_no=f"T{n:05d}", office_id=office, status=status, rule_version="2019",
                received_at=dt.datetime.combine(received, dt.time(9)), received_date=received,
                channel_code=channel, category_code=cat, nature_code=nature, business_id=business_id,
                business_name=business_name, consumer_name=f"消费者{n}", accepted_date=accepted,
                closed_date=closed, due_date=due)


def crafted(desk) -> dict[str, int]:  # type: ignore[no-untyped-def]
    county = desk.actor.office_id
    branch = desk.offices.create(OfficeInput(code="THJX", name="太和县消费者协会旧县分会", parent_id=county)).id
    with desk.write() as s:
        b1 = s.execute(insert(Business).values(name="甲电器商行").returning(Business.id)).scalar_one()
        b2 = s.execute(insert(Business).values(name="乙装修公司").returning(Business.id)).scalar_one()
        rows = [
            # In 2025Q3, county office: 10 accepted.
            # 4 × 质量 / 家用电器 (one received in June, accepted in July: counts by acceptance).
            _complaint(county, D(2025, 7, 2), received=D(2025, 6, 28), nature="N03", cat="G0101", business_id=b1,
                       status="closed", closed=D(2025, 7, 8)),  # handled in 10 days
            _complaint(county, D(2025, 7, 5), nature="N03", cat="G0101", business_id=b1, status="closed",
                       received=D(2025, 7, 1), closed=D(2025, 7, 21)),  # 20 days
            _complaint(county, D(2025, 8, 1), nature="N03", cat="G0101", business_id=b1, status="closed",
                       received=D(2025, 8, 1), closed=D(2025, 8, 31)),  # 30 days
            _complaint(county, D(2025, 9, 30), nature="N03", cat="G0101", business_id=b1,
                       due=D(2025, 9, 1)),  # last day of the period; open and overdue at the period end
            # 3 × 售后服务 / 网络购物 via 12315, against a shop not in the registry.
            *[_complaint(county, D(2025, 8, d), nature="N01", cat="S0701", channel="C04", business_name="某网店")
              for d in (3, 4, 5)],
            # 2 × 合同 / 米面油.
            _complaint(county, D(2025, 7, 1), nature="N02", cat="G0301", business_id=b1,
                       due=D(2025, 10, 15)),  # open, but its deadline is after the period end
            _complaint(county, D(2025, 9, 9), nature="N02", cat="G0301", business_id=b1, status="closed",
                       received=D(2025, 8, 20), closed=D(2025, 9, 29)),  # 40 days
            # 1 × 人格权益 / 其他商品和服务, a visit.
            _complaint(county, D(2025, 9, 10), nature="N09", cat="O01", channel="C02", business_id=b2),
            # Branch office in 2025Q3: 2 × 价格 / 房屋装修.
            _complaint(branch, D(2025, 7, 15), nature="N05", cat="S0201", business_id=b2),
            _complaint(branch, D(2025, 8, 15), nature="N05", cat="S0201", business_id=b2),
            # Not accepted: registered only, and refused. Received in the period, never counted.
            _complaint(county, None, received=D(2025, 8, 2), nature="N03", cat="G0101", status="registered"),
            _complaint(county, None, received=D(2025, 8, 3), nature="N03", cat="G0101", status="refused"),
            # Edges: accepted the day before and the day after the period.
            _complaint(county, D(2025, 6, 30), nature="N01", cat="S0701"),
            _complaint(county, D(2025, 10, 1), nature="N01", cat="S0701"),
            # 2024Q3 (同比): 2 × 质量 / 家用电器 at the county office, no services at all.
            _complaint(county, D(2024, 7, 10), nature="N03", cat="G0101"),
            _complaint(county, D(2024, 9, 30), nature="N03", cat="G0102"),
            # 2025Q2 (环比): 4 more 网络购物 (5 with the 30 June edge case).
            *[_complaint(county, D(2025, 4, d), nature="N01", cat="S0701") for d in (1, 2, 3, 4)],
        ]
        ids = [s.execute(insert(Complaint).values(**r).returning(Complaint.id)).scalar_one() for r in rows]
        outcome = dict(result="mediated", recovered_total=Decimal("0"), punitive_amount=Decimal("0"), fraud_found=False)
        s.execute(insert(MediationOutcome), [
            {**outcome, "complaint_id": ids[0], "resolved_date": D(2025, 7, 6), "recovered_total": Decimal("1000.00")},
            {**outcome, "complaint_id": ids[1], "resolved_date": D(2025, 7, 20), "recovered_total": Decimal("2500.50"),
             "punitive_amount": Decimal("1500.00"), "fraud_found": True, "result": "station"},
            {**outcome, "complaint_id": ids[2], "resolved_date": D(2025, 8, 30), "recovered_total": Decimal("900.00"),
             "punitive_amount": Decimal("900.00"), "fraud_found": False, "result": "self_settled"},
            {**outcome, "complaint_id": ids[10], "resolved_date": D(2025, 9, 1), "recovered_total": Decimal("0.49")},  # branch
            {**outcome, "complaint_id": ids[6], "resolved_date": None, "result": "failed"},  # not resolved
            {**outcome, "complaint_id": ids[-1], "resolved_date": D(2025, 5, 1), "recovered_total": Decimal("200.00")},  # Q2
        ])
        s.execute(insert(Consultation), [
            dict(office_id=county, day=D(2025, 7, 3), channel_code="C01", topic="退货", people=3),
            dict(office_id=branch, day=D(2025, 9, 30), channel_code="C02", topic="预付卡", people=4),
            dict(office_id=county, day=D(2025, 6, 30), channel_code="C01", topic="维修", people=5),  # Q2
        ])
        s.execute(insert(Referral), [dict(complaint_id=ids[9], kind="transfer", department="县市场监督管理局",
                                          sent_date=D(2025, 8, 10))])
    return {"county": county, "branch": branch}


def _sql_headline(desk, p, office: int | None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The headline figures with plain SQL, independent of desk.stats and desk.mediation_stats."""
    where_office = "" if office is None else f" AND c.office_id = {int(office)}"
    prm = {"a": p.start, "b": p.end}
    with desk.read() as s:
        accepted = s.execute(text("SELECT COUNT(*) FROM complaint c WHERE c.accepted_date BETWEEN :a AND :b" + where_office),
                             prm).scalar_one()
        res = ("FROM mediation_outcome o JOIN complaint c ON c.id = o.complaint_id WHERE o.result IN "
               "('mediated', 'station', 'self_settled') AND o.resolved_date BETWEEN :a AND :b" + where_office)
        resolved, fen = s.execute(text(f"SELECT COUNT(*), COALESCE(SUM(ROUND(o.recovered_total * 100)), 0) {res}"), prm).one()
        pn, pfen = s.execute(text(f"SELECT COUNT(*), COALESCE(SUM(ROUND(o.punitive_amount * 100)), 0) {res} "
                                  "AND o.punitive_amount > 0 AND o.fraud_found = :t"), {**prm, "t": True}).one()
        people = s.execute(text("SELECT COALESCE(SUM(people), 0) FROM consultation c WHERE c.day BETWEEN :a AND :b"
                                + where_office), prm).scalar_one()
    wan = lambda f: (Decimal(int(f)) / 1_000_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # noqa: E731  fen → 万元
    rate = None if not accepted else (Decimal(resolved) * 100 / Decimal(accepted)).quantize(Decimal("0.01"))
    return {"accepted": int(accepted), "resolved": int(resolved), "resolution_rate": rate, "recovered_wan": wan(fen),
            "punitive_count": int(pn), "punitive_wan": wan(pfen), "consultations": int(people)}


def test_statistics_on_crafted_data(desk) -> None:  # type: ignore[no-untyped-def]
    o = crafted(desk)
    stats = st.compute(desk, Q3)
    h = stats.headline

    # Stated by hand.
    assert (h.accepted.value, h.accepted.last_year, h.accepted.previous) == (12, 2, 5)
    assert h.accepted.yoy_pct == Decimal("500.00") and h.accepted.mom_pct == Decimal("140.00")
    assert (h.resolved.value, h.resolved.last_year, h.resolved.previous) == (4, 0, 1)
    assert h.resolved.yoy_pct is None  # nothing resolved a year ago: 同比 '—'
    assert h.resolution_rate.value == Decimal("33.33") and h.resolution_rate.last_year == Decimal("0.00")
    assert h.recovered_wan.value == Decimal("0.44")  # 1000 + 2500.50 + 900 + 0.49 = 4400.99 元
    assert (h.punitive_count.value, h.punitive_wan.value) == (1, Decimal("0.15"))  # fraud only
    assert (h.consultations.value, h.consultations.last_year, h.consultations.previous) == (7, 0, 5)
    assert h.consultations.yoy_pct is None and st.fmt_pct(h.consultations.yoy_pct) == "—"

    # And again with plain SQL, for this period, the comparison periods and each office.
    for office in (None, o["county"], o["branch"]):
        s_ = stats if office is None else st.compute(desk, Q3, office)
        for which, p in (("value", Q3), ("last_year", stats.last_year_period), ("previous", stats.previous_period)):
            expected = _sql_headline(desk, p, office)
            got = {f.key: getattr(f, which) for f in s_.headline.figures}
            assert got == expected, (office, which)

    natures = {r.code: r for r in stats.natures}
    assert [r.code for r in stats.natures] == [f"N{i:02d}" for i in range(1, 11)]
    assert {c: r.count for c, r in natures.items() if r.count} == {"N03": 4, "N01": 3, "N02": 2, "N09": 1, "N05": 2}
    # 4/12, 3/12, 2/12, 2/12, 1/12, each half up on its own (sum 100.00 here by chance).
    assert [natures[c].share for c in ("N03", "N01", "N02", "N05", "N09")] == [
        Decimal("33.33"), Decimal("25.00"), Decimal("16.67"), Decimal("16.67"), Decimal("8.33")]
    assert natures["N09"].name == "人格权益"
    assert st.compute(desk, parse_period("2023Q3")).natures[8].name == "人格尊严"  # before 2024
    assert natures["N03"].last_year == 2 and natures["N03"].yoy_pct == Decimal("100.00")

    for table in (stats.natures, stats.groups, stats.channels):
        assert sum(r.count for r in table) == 12
        assert Decimal("99.99") <= sum(r.share for r in table) <= Decimal("100.01")
    cats = [*stats.goods_categories, *stats.service_categories, *stats.other_categories]
    assert sum(r.count for r in cats) == 12 and Decimal("99.99") <= sum(r.share for r in cats) <= Decimal("100.01")
    # The 合计 of a category table is its group's row: one number for one thing.
    groups_ = {r.code: r for r in stats.groups}
    assert st.total_row(stats.service_categories, 12).share == groups_["S"].share == Decimal("41.67")

    groups = {r.name: r for r in stats.groups}
    assert (groups["商品"].count, groups["服务"].count, groups["其他"].count) == (6, 5, 1)
    assert groups["商品"].last_year == 2 and groups["服务"].last_year == 0 and groups["服务"].yoy_pct is None
    goods = {r.code: r for r in stats.goods_categories}
    assert len(goods) == 10 and goods["G01"].name == "家用电子电器类"
    assert (goods["G01"].count, goods["G01"].last_year, goods["G01"].yoy_pct) == (4, 2, Decimal("100.00"))  # G0102 rolls up
    assert goods["G03"].count == 2 and goods["G10"].count == 0
    services = {r.code: r for r in stats.service_categories}
    assert len(services) == 13
    assert (services["S07"].count, services["S07"].previous) == (3, 5)
    assert services["S02"].count == 2

    assert [(r.name, r.count) for r in stats.top_businesses] == [("甲电器商行", 6), ("乙装修公司", 3), ("某网店", 3)]
    assert stats.top_businesses[0].share == Decimal("50.00")
    assert [(r.code, r.name, r.count) for r in stats.top_items] == [
        ("G0101", "家用电器", 4), ("S0701", "网络购物", 3), ("G0301", "米面油及调味品", 2), ("S0201", "房屋装修", 2),
        ("O01", "其他商品和服务", 1)]
    channels = {r.code: r.count for r in stats.channels if r.count}
    assert channels == {"C01": 8, "C04": 3, "C02": 1}

    assert stats.handling.closed == 4 and stats.handling.median_days == 25  # 10, 20, 30, 40: whole days
    assert stats.handling.overdue == 1 and stats.handling.overdue_cutoff == Q3.end
    # The period's own months only (not January–December), each against a year earlier.
    assert [(r.label, r.this_year, r.last_year) for r in stats.monthly] == [("7月", 4, 1), ("8月", 5, 0), ("9月", 3, 1)]
    # Cohort: of the 12 accepted in Q3, 4 were resolved by 30 September (the flow count is 4 too).
    assert (h.cohort_resolved.value, h.cohort_rate.value) == (4, Decimal("33.33"))
    assert stats.referrals[-1].name == "合计" and stats.referrals[-1].sent == 1
    assert stats.outreach.activities == 0 and stats.roster.year == 2025

    # One office: exact office, no roll-up; the branch has one category only.
    br = st.compute(desk, Q3, o["branch"])
    assert br.office_name == "太和县消费者协会旧县分会"
    assert br.headline.accepted.value == 2 and br.headline.resolved.value == 1
    assert br.headline.resolution_rate.value == Decimal("50.00")
    assert [(r.name, r.count, r.share) for r in br.groups] == [
        ("商品", 0, Decimal("0.00")), ("服务", 2, Decimal("100.00")), ("其他", 0, Decimal("0.00"))]
    assert [(r.code, r.share) for r in br.service_categories if r.count] == [("S02", Decimal("100.00"))]
    assert sum(r.share for r in br.goods_categories) == 0
    assert [(r.code, r.share) for r in br.natures if r.count] == [("N05", Decimal("100.00"))]
    assert br.headline.accepted.yoy_pct is None  # the branch had nothing a year ago
    county = st.compute(desk, Q3, o["county"])
    assert county.headline.accepted.value == 10


def test_empty_period_and_xlsx(desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    crafted(desk)
    empty = st.compute(desk, parse_period("2023-03"))
    h = empty.headline
    assert all(f.value in (0, Decimal("0.00")) for f in h.figures if f.key != "resolution_rate")
    assert h.resolution_rate.value is None and h.resolution_rate.value_text == "—"
    assert all(f.yoy_pct is None and f.mom_pct is None for f in h.figures)
    assert all(r.count == 0 and r.share == 0 for r in (*empty.natures, *empty.groups, *empty.channels))
    assert empty.top_businesses == () and empty.top_items == ()
    assert empty.handling.closed == 0 and empty.handling.median_days is None

    from openpyxl import load_workbook

    path = st.to_xlsx(st.compute(desk, Q3), tmp_path / "统计.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == ["主要数据", "投诉性质", "商品服务其他", "商品类"]
    ws = wb["主要数据"]
    assert [c.value for c in ws[2]] == ["指标", "单位", "本期", "去年同期", "同比", "上期", "环比", "同比、环比单位"]
    assert [c.value for c in ws[3]][:5] == ["受理投诉", "件", 12, 2, 500.0]
    resolved = [c.value for c in ws[4]]
    assert resolved[4] == "—"
    rate = [c.value for c in ws[5]]
    assert rate[0] == "投诉解决率" and rate[4] == 33.33 and rate[7] == "个百分点"  # 33.33 − 0.00 points
    natures = wb["投诉性质"]
    total = [c.value for c in natures[natures.max_row]]
    assert total[0] == "合计" and total[1] == 12 and abs(total[2] - 100.0) < 1e-9
    st.to_xlsx(empty, tmp_path / "空.xlsx")  # nothing to divide by: still writes


def test_custom_range_and_unknown_office(desk) -> None:  # type: ignore[no-untyped-def]
    from desk.errors import NotFound

    crafted(desk)
    custom = st.compute(desk, parse_period("2025-07-01..2025-09-30"))
    q3 = st.compute(desk, Q3)
    assert custom.period.kind == "custom" and custom.previous_period == parse_period("2025-03-31..2025-06-30")
    assert [f.value for f in custom.headline.figures] == [f.value for f in q3.headline.figures]
    assert [f.last_year for f in custom.headline.figures] == [f.last_year for f in q3.headline.figures]
    assert custom.natures == q3.natures and custom.top_items == q3.top_items
    # The edge case accepted on 30 June is in both the quarter's and the custom range's 环比.
    assert custom.headline.accepted.previous == 5
    # A single day: only what was accepted that day.
    day = st.compute(desk, parse_period("2025-09-30..2025-09-30"))
    assert day.headline.accepted.value == 1 and [r.code for r in day.natures if r.count] == ["N03"]
    with pytest.raises(NotFound):
        st.compute(desk, Q3, office_id=999_999)
