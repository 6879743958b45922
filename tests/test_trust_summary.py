"""The yearly revisit summary on a crafted dataset whose answers were worked out by hand
(see the comments), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from test_trust_units import awarded_unit, business, frozen, revisit  # noqa: F401  (frozen is a fixture)

from desk.facade import Desk
from desk.services.offices import OfficeInput
from desk.services.trust_units import ApplicationInput, FollowUpInput, StepInput

CHECKLIST = ["C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09"]


def build_dataset(d: Desk) -> dict[str, int]:
    """Units A–H; the year under study is 2026 (office time 2026-11-20).

    A  awarded 2025-03-01; 2026-03-10 合格 (C04 fails, 3 activities); 2026-09-10 限期整改
       (C02, C03 fail, 0 activities), followed up 已整改
    B  awarded 2025-03-01; 2026-04-01 限期整改 (C04, C06 fail, 1 activity), followed up 未按期整改;
       revoked 2026-06-01
    C  awarded 2025-03-01; 2026-05-01 合格 (5 activities)
    D  awarded 2025-03-01; 2026-06-01 建议摘牌 (C01, C02, C03, C04 fail, 0 activities); retained
    E  awarded 2025-03-01; visited 2025-06-01 only (C07 fails): not visited in 2026
    F  awarded 2026-02-01, branch office; 2026-10-01 限期整改 (C04 fails, 2 activities), deadline
       2026-12-01, not followed up yet
    G  awarded 2025-03-01, revoked 2025-12-01: does not hold the title in 2026
    H  applied 2026-01-10 only
    """
    t = d.trust_units
    county = d.offices.list()[0]
    branch = d.offices.create(OfficeInput("THCG", "太和县消费者协会城关分会", kind="branch", parent_id=county.id))
    y25 = dt.date(2025, 3, 1)
    ids = {k: awarded_unit(d, f"单位{k}", applied=dt.date(2025, 1, 5), awarded=y25, cert=f"S-{k}") for k in "ABCDEG"}
    f = t.apply(ApplicationInput(business(d, "单位F"), "K02", "2026-01-10", office_id=branch.id))
    f = t.act(f.id, "evaluate", f.version, StepInput("2026-01-20", "合格", passed=True))
    f = t.act(f.id, "award", f.version, StepInput("2026-02-01", year=2026, certificate_no="S-F", valid_until="2028-12-31"))
    ids["F"] = f.id
    ids["H"] = t.apply(ApplicationInput(business(d, "单位H"), "K01", "2026-01-10")).id

    revisit(d, ids["A"], dt.date(2026, 3, 10), "pass", ("C04",), education=3)
    a2 = revisit(d, ids["A"], dt.date(2026, 9, 10), "rectify", ("C02", "C03"), deadline=dt.date(2026, 10, 10), education=0)
    t.record_follow_up(a2, t.get_revisit(a2).version, FollowUpInput("2026-10-08", True))
    b1 = revisit(d, ids["B"], dt.date(2026, 4, 1), "rectify", ("C04", "C06"), deadline=dt.date(2026, 5, 1), education=1)
    t.record_follow_up(b1, t.get_revisit(b1).version, FollowUpInput("2026-05-02", False, "未整改"))
    t.act(ids["B"], "revoke", t.get(ids["B"]).version, StepInput("2026-06-01", "拒不整改"))
    revisit(d, ids["C"], dt.date(2026, 5, 1), "pass", education=5)
    revisit(d, ids["D"], dt.date(2026, 6, 1), "revoke", ("C01", "C02", "C03", "C04"), education=0)
    t.act(ids["D"], "retain", t.get(ids["D"]).version, StepInput("2026-06-10", "当场整改"))
    revisit(d, ids["E"], dt.date(2025, 6, 1), "pass", ("C07",))
    revisit(d, ids["F"], dt.date(2026, 10, 1), "rectify", ("C04",), deadline=dt.date(2026, 12, 1), education=2)
    t.act(ids["G"], "revoke", t.get(ids["G"]).version, StepInput("2025-12-01", "严重违法"))
    ids["branch"] = branch.id
    ids["county"] = county.id
    return ids


def test_yearly_revisit_summary_on_a_crafted_dataset(desk: Desk, frozen: dt.date) -> None:  # noqa: F811
    ids = build_dataset(desk)
    s = desk.trust_units.revisit_summary(2026)
    # Holding the title on some day of 2026: A B C D E F (G was revoked in 2025, H never awarded).
    assert s.units_holding == 6
    assert (s.units_visited, s.revisits) == (5, 6)  # A twice, B, C, D, F
    # First revisit of the year concluded 合格: A and C → 2 of 5.
    assert s.units_passed == 2 and s.pass_share == Decimal("40.00")
    # 限期整改: A (rectified), B (not rectified), F (pending).
    assert (s.rectify_demanded, s.rectified, s.not_rectified, s.rectify_pending) == (3, 1, 1, 1)
    assert (s.revoke_proposed, s.units_revoked) == (1, 1)  # D proposed; B revoked (G was 2025)
    assert s.education_activities == 3 + 0 + 1 + 5 + 0 + 2
    assert s.units_without_education == 2  # A (second visit) and D
    failed = {i.code: i.failed for i in s.items}
    checked = {i.code: i.checked for i in s.items}
    assert checked == dict.fromkeys(CHECKLIST, 6)
    assert failed == {"C01": 1, "C02": 2, "C03": 2, "C04": 4, "C05": 0, "C06": 1, "C07": 0, "C08": 0, "C09": 0}
    c04 = next(i for i in s.items if i.code == "C04")
    assert c04.fail_share == Decimal("66.67")
    assert s.not_visited == ("单位E",)
    rows = {r.business_name: r for r in s.rows}
    assert set(rows) == {"单位A", "单位B", "单位C", "单位D", "单位F"}
    assert rows["单位A"].visit_dates == (dt.date(2026, 3, 10), dt.date(2026, 9, 10))
    assert rows["单位A"].first_conclusion == "合格" and rows["单位A"].rectification == "已整改"
    assert rows["单位A"].problems == ("明码标价", "投诉处理制度落实", "开展消费教育活动（次数）")
    assert rows["单位B"].rectification == "未按期整改" and rows["单位B"].revoked
    assert rows["单位F"].rectification == "整改中" and rows["单位C"].problems == ()
    assert rows["单位D"].first_conclusion == "建议摘牌" and not rows["单位D"].revoked

    # One office: the branch's F alone; the county without F.
    b = desk.trust_units.revisit_summary(2026, ids["branch"])
    assert (b.units_holding, b.units_visited, b.revisits, b.units_passed, b.rectify_pending) == (1, 1, 1, 0, 1)
    c = desk.trust_units.revisit_summary(2026, ids["county"])
    assert (c.units_holding, c.units_visited, c.revisits, c.units_passed) == (5, 4, 5, 2)
    assert c.pass_share == Decimal("50.00")

    # 2025: E's visit only; G revoked.
    s25 = desk.trust_units.revisit_summary(2025)
    assert (s25.units_visited, s25.revisits, s25.units_passed, s25.units_revoked) == (1, 1, 1, 1)
    assert {i.code: i.failed for i in s25.items}["C07"] == 1
    # A year without revisits.
    empty = desk.trust_units.revisit_summary(2020)
    assert (empty.units_holding, empty.units_visited, empty.pass_share, empty.items) == (0, 0, None, ())
