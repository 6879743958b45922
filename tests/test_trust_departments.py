"""Member departments (成员单位): the seeded list, aliases, the referrals counted per
department from the complaints' free-text department, returned referrals, joint meetings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_trust_units import business, frozen  # noqa: F401  (frozen is a fixture)

from desk.errors import ConflictError, DeskError, ValidationError
from desk.facade import Desk
from desk.services.complaints import ActionInput, ComplaintInput
from desk.services.departments import AttendeeInput, DepartmentInput, MeetingInput


def _referral(d: Desk, bid: int, department: str, *, sent: dt.date, due: dt.date, replied: dt.date | None = None) -> int:
    c = d.complaints.register(ComplaintInput("李四", "13912345678", "C01", "G0101", "N01", business_id=bid,
                                             received_at=dt.datetime.combine(sent, dt.time(9)), facts="投诉事实"))
    c = d.complaints.act(c.id, "transfer", c.version, ActionInput(on=sent, department=department, reply_due=due))
    ref = c.referrals[0]
    if replied:
        d.complaints.record_referral_reply(ref.id, ref.version, replied, "已处理")
    return ref.id


def test_seeded_departments_and_their_aliases(sqlite_desk: Desk) -> None:
    ds = sqlite_desk.departments
    names = [x.name for x in ds.list()]
    assert len(names) == 15 and names[0] == "县市场监督管理局" and "县公安局" in names
    assert ds.match("太和县市场监督管理局").name == "县市场监督管理局"  # county prefix dropped
    assert ds.match("县工商局").name == "县市场监督管理局"  # an alias
    assert ds.match(" 物价局 ").name == "县发展和改革委员会（物价）"
    assert ds.match("ｘｘ办公室") is None and ds.match("") is None
    with pytest.raises(ValidationError) as e:
        ds.create(DepartmentInput("县城市管理局", aliases="城管局\n工商局", phone="12"))
    assert "县市场监督管理局" in e.value.fields["aliases"] and "phone" in e.value.fields
    with pytest.raises(ValidationError) as e:
        ds.create(DepartmentInput("县公安局"))
    assert "已有" in e.value.fields["name"]
    new = ds.create(DepartmentInput("县城市管理局", "城管", "城管局、县城管局", phone="0558-8888888"))
    assert new.alias_list == ["城管局", "县城管局"] and new.sort_order > 150
    assert ds.match("城管局").id == new.id
    ds.set_active(new.id, False)
    assert "县城市管理局" not in [x.name for x in ds.list()]
    assert "县城市管理局" in [x.name for x in ds.list(include_inactive=True)]


def test_referrals_per_department(desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    d = desk
    ds = d.departments
    bid = business(d, "被投诉超市")
    # 市场监管: 4 (one replied on time, one late, one overdue, one pending); 物价: 1 returned;
    # unmatched "县消防大队": 2 (one replied); one outside the period.
    _referral(d, bid, "县市场监督管理局", sent=dt.date(2026, 9, 1), due=dt.date(2026, 9, 20), replied=dt.date(2026, 9, 10))
    _referral(d, bid, "太和县市场监督管理局", sent=dt.date(2026, 9, 2), due=dt.date(2026, 9, 20), replied=dt.date(2026, 9, 25))
    _referral(d, bid, "县工商局", sent=dt.date(2026, 10, 1), due=dt.date(2026, 10, 20))
    _referral(d, bid, "市场监管", sent=dt.date(2026, 11, 10), due=dt.date(2026, 12, 1))
    returned = _referral(d, bid, "物价局", sent=dt.date(2026, 10, 5), due=dt.date(2026, 10, 30))
    _referral(d, bid, "县消防大队", sent=dt.date(2026, 10, 6), due=dt.date(2026, 10, 30))
    _referral(d, bid, "县消防大队", sent=dt.date(2026, 10, 7), due=dt.date(2026, 10, 30), replied=dt.date(2026, 10, 9))
    _referral(d, bid, "县市场监督管理局", sent=dt.date(2025, 12, 31), due=dt.date(2026, 1, 20))
    with pytest.raises(ValidationError) as e:
        ds.mark_returned(returned, "2026-10-01", "")
    assert set(e.value.fields) == {"returned_date", "reason"}
    ds.mark_returned(returned, "2026-10-08", "不属本部门职责")
    with pytest.raises(DeskError, match="已登记为退回"):
        ds.mark_returned(returned, "2026-10-08", "再次")

    st = ds.referral_stats(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    rows = {r.name: r for r in st.rows}
    m = rows["县市场监督管理局"]
    assert (m.sent, m.replied, m.replied_late, m.overdue, m.returned, m.pending) == (4, 2, 1, 1, 0, 1)
    p = rows["县发展和改革委员会（物价）"]
    assert (p.sent, p.replied, p.overdue, p.returned, p.pending) == (1, 0, 0, 1, 0)
    assert rows["县公安局"].sent == 0 and len(st.rows) == 15
    assert [(u.text, u.count) for u in st.unmatched] == [("县消防大队", 2)]
    assert st.unmatched_row is not None and (st.unmatched_row.sent, st.unmatched_row.replied, st.unmatched_row.overdue) == (2, 1, 1)
    t = st.total
    assert (t.sent, t.replied, t.overdue, t.returned, t.pending) == (7, 3, 2, 1, 1)
    assert ds.referral_stats().total.sent == 8  # no period: all of them

    listed = ds.referrals_of(m.department_id, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert sorted(r.state_label for r in listed) == sorted(["待回复", "已回复", "已回复", "逾期未回复"])
    assert {r.department_text for r in listed} == {"县市场监督管理局", "太和县市场监督管理局", "县工商局", "市场监管"}
    # Mapping an unmatched spelling as an alias moves its referrals to the department.
    police = next(x for x in ds.list() if x.name == "县公安局")
    ds.add_alias(police.id, "县消防大队")
    st2 = ds.referral_stats(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert st2.unmatched == () and next(r for r in st2.rows if r.name == "县公安局").sent == 2
    ds.unmark_returned(returned)
    assert next(r for r in ds.referral_stats(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).rows
                if r.name.endswith("（物价）")).overdue == 1
    out = ds.export_referral_stats(tmp_path / "转办", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    ws = load_workbook(out.path).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert out.path.suffix == ".xlsx" and values[1][:2] == ["成员单位", "转办（件）"]
    assert values[-1][:2] == ["合计", 7]


def test_joint_meetings(sqlite_desk: Desk, frozen: dt.date, tmp_path: Path) -> None:  # noqa: F811
    ds = sqlite_desk.departments
    deps = ds.list()
    with pytest.raises(ValidationError) as e:
        ds.create_meeting(MeetingInput("2026-12-01", " ", ()))
    assert set(e.value.fields) == {"meeting_date", "title", "attendees"}
    m = ds.create_meeting(MeetingInput("2026-06-01", "上半年秘书长联席会议", (AttendeeInput(deps[0].id, "张科长"), AttendeeInput(deps[5].id),
                                                                      AttendeeInput(deps[0].id)), place="县消协会议室",
                                       minutes="通报投诉情况", decisions="一、转办件15个工作日内回复"))
    assert [a.department_name for a in m.attendees] == ["县市场监督管理局", "县公安局"]
    other = sqlite_desk.departments.get_meeting(m.id)
    m2 = ds.update_meeting(m.id, m, MeetingInput("2026-06-01", "上半年秘书长联席会议", (AttendeeInput(deps[1].id),)))
    assert [a.department_name for a in m2.attendees] == ["县质量技术监督局"] and m2.version > m.version
    with pytest.raises(ConflictError):
        ds.update_meeting(m.id, other, MeetingInput("2026-06-02", "改期", (AttendeeInput(deps[1].id),)))
    with pytest.raises(ConflictError):
        ds.delete_meeting(m.id, other)
    assert [x.title for x in ds.meetings(dt.date(2026, 1, 1), dt.date(2026, 12, 31))] == ["上半年秘书长联席会议"]
    out = ds.export_meetings(tmp_path / "会议.xlsx")
    assert out.rows == 1
    ds.delete_meeting(m.id, m2)
    assert ds.meetings() == []
