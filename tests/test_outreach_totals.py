"""``outreach.period_totals`` (the figures the briefing uses) on a crafted dataset, with the
expected figures added up by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from test_trust_units import awarded_unit, business, frozen, revisit  # noqa: F401  (frozen is a fixture)

from desk.errors import ValidationError
from desk.facade import Desk
from desk.services.departments import AttendeeInput, MeetingInput
from desk.services.offices import OfficeInput
from desk.services.outreach import (
    ActivityInput,
    MediaReportInput,
    MonthlyPostsInput,
    SurveyInput,
    WarningInput,
)
from desk.services.trust_units import ApplicationInput, StepInput

Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def test_period_totals_on_a_crafted_dataset(desk: Desk, frozen: dt.date) -> None:  # noqa: F811
    d = desk
    o = d.outreach
    county = d.offices.list()[0]
    branch = d.offices.create(OfficeInput("THJX", "旧县镇分会", kind="branch", parent_id=county.id)).id
    # Activities: in Q3 three at the county office, one at the branch; one each side of Q3.
    o.add_activity(ActivityInput("A03", "2026-07-01", "进社区", sites=2, people_reached=100, leaflets=300, banners=2,
                                 consultations=10, complaints_received=1))
    o.add_activity(ActivityInput("A05", "2026-08-15", "进农村", sites=1, people_reached=250, leaflets=500, banners=4,
                                 consultations=30, complaints_received=2))
    o.add_activity(ActivityInput("A07", "2026-09-30", "大讲堂", sites=1, people_reached=400, leaflets=0, banners=1,
                                 consultations=5, complaints_received=0))
    o.add_activity(ActivityInput("A06", "2026-09-10", "进学校", sites=1, people_reached=600, leaflets=600, banners=0,
                                 consultations=0, complaints_received=0, office_id=branch))
    o.add_activity(ActivityInput("A01", "2026-03-15", "3·15", sites=10, people_reached=5000))
    o.add_activity(ActivityInput("A03", "2026-10-01", "十月进社区", people_reached=70))
    # Warnings: two warnings and one tip in Q3, one tip in June.
    for kind, day in (("warning", "2026-07-05"), ("warning", "2026-09-30"), ("tip", "2026-08-01"), ("tip", "2026-06-30")):
        o.add_warning(WarningInput(kind, day, f"{kind}{day}", "M03", "理性消费"))
    # Surveys by start date: two in Q3 (500/480 and 300/290), one starting in June.
    o.add_survey(SurveyInput("I01", "供水", "2026-07-10", "2026-08-10", sent=500, returned=480))
    o.add_survey(SurveyInput("I02", "供电", "2026-09-01", "2026-10-15", sent=300, returned=290, office_id=branch))
    o.add_survey(SurveyInput("I03", "通讯", "2026-06-20", "2026-07-20", sent=200, returned=150))
    o.add_media_report(MediaReportInput("2026-07-20", "P01", "《颍州晚报》", "报道一"))
    o.add_media_report(MediaReportInput("2026-09-01", "P02", "太和县电视台", "报道二"))
    o.add_media_report(MediaReportInput("2026-10-02", "P02", "太和县电视台", "报道三"))
    for month, web, new in ((6, 9, 9), (7, 3, 5), (8, 4, 6), (9, 5, 7), (10, 9, 9)):
        o.save_monthly_posts(MonthlyPostsInput(2026, month, web, new))
    o.save_monthly_posts(MonthlyPostsInput(2026, 8, 1, 1, office_id=branch))
    # Trust units: U1 awarded in Q3, U2 renewed in Q3 and revisited twice (pass, rectify),
    # U3 revisited (pass) and revoked in Q3; U4 at the branch revisited in Q3 (pass).
    awarded_unit(d, "U1", applied=dt.date(2026, 6, 1), awarded=dt.date(2026, 7, 15), cert="T-1")
    u2 = awarded_unit(d, "U2", applied=dt.date(2024, 6, 1), awarded=dt.date(2024, 7, 1), cert="T-2", valid_until=dt.date(2026, 6, 30))
    d.trust_units.act(u2, "renew", d.trust_units.get(u2).version, StepInput("2026-07-02", year=2026, certificate_no="T-2b",
                                                                          valid_until="2028-12-31"))
    revisit(d, u2, dt.date(2026, 8, 1), "pass")
    revisit(d, u2, dt.date(2026, 9, 1), "rectify", ("C04",), deadline=dt.date(2026, 10, 1))
    u3 = awarded_unit(d, "U3", applied=dt.date(2025, 1, 1), awarded=dt.date(2025, 2, 1), cert="T-3")
    revisit(d, u3, dt.date(2026, 7, 3), "pass")
    d.trust_units.act(u3, "revoke", d.trust_units.get(u3).version, StepInput("2026-09-15", "违法"))
    u4 = d.trust_units.apply(ApplicationInput(business(d, "U4"), "K01", "2025-01-01", office_id=branch))
    u4 = d.trust_units.act(u4.id, "evaluate", u4.version, StepInput("2025-01-10", "好", passed=True))
    u4 = d.trust_units.act(u4.id, "award", u4.version, StepInput("2025-02-01", year=2025, certificate_no="T-4", valid_until="2027-12-31"))
    revisit(d, u4.id, dt.date(2026, 9, 20), "pass")
    revisit(d, u4.id, dt.date(2026, 6, 20), "pass")  # outside Q3
    deps = d.departments.list()
    d.departments.create_meeting(MeetingInput("2026-08-08", "三季度联席会议", (AttendeeInput(deps[0].id),)))
    d.departments.create_meeting(MeetingInput("2026-05-08", "二季度联席会议", (AttendeeInput(deps[0].id),)))

    t = o.period_totals(*Q3)
    assert t.activities == 4 and t.six_in_activities == 3  # 进社区, 进农村, 进学校 (大讲堂 is not one of the 六进)
    assert t.activities_by_kind["A03"] == 1 and t.activities_by_kind["A05"] == 1 and t.activities_by_kind["A07"] == 1
    assert t.activities_by_kind["A06"] == 1 and t.activities_by_kind["A01"] == 0 and sum(t.activities_by_kind.values()) == 4
    assert t.kind_names["A07"] == "消费教育讲堂"
    assert (t.sites, t.people_reached, t.leaflets, t.banners) == (2 + 1 + 1 + 1, 100 + 250 + 400 + 600, 300 + 500 + 600, 2 + 4 + 1)
    assert (t.onsite_consultations, t.onsite_complaints) == (45, 3)
    assert (t.warnings_issued, t.tips_issued, t.warnings_and_tips) == (2, 1, 3)
    assert (t.surveys, t.questionnaires_sent, t.questionnaires_returned) == (2, 800, 770)
    assert t.media_reports == 2
    assert (t.website_posts, t.new_media_posts) == (3 + 4 + 5 + 1, 5 + 6 + 7 + 1)
    assert (t.revisits_held, t.units_revisited, t.revisits_passed) == (4, 3, 3)  # U2 twice, U3, U4
    assert (t.units_awarded, t.units_renewed, t.units_revoked, t.joint_meetings) == (1, 1, 1, 1)

    c = o.period_totals(*Q3, office_id=county.id)
    assert (c.activities, c.people_reached, c.six_in_activities) == (3, 750, 2)
    assert (c.surveys, c.questionnaires_sent, c.website_posts) == (1, 500, 12)
    assert (c.revisits_held, c.units_revisited) == (3, 2)
    b = o.period_totals(*Q3, office_id=branch)
    assert (b.activities, b.people_reached, b.surveys, b.website_posts, b.revisits_held, b.joint_meetings) == (1, 600, 1, 1, 1, 0)
    # A single day, and the whole year.
    day = o.period_totals(dt.date(2026, 9, 30), dt.date(2026, 9, 30))
    assert (day.activities, day.warnings_issued, day.people_reached) == (1, 1, 400)
    year = o.period_totals(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert year.activities == 6 and year.activities_by_kind["A01"] == 1 and year.tips_issued == 2
    with pytest.raises(ValidationError):
        o.period_totals(dt.date(2026, 9, 30), dt.date(2026, 7, 1))
