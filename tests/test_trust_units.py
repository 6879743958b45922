"""Trust units: the state machine and its refusals, applications, revisits with their
checklist, inspectors and photos, follow-up, conflicts, the worklist rules and the flag a
complaint against a trust unit carries. Real SQLite files and the real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest
from conftest import ADMIN_PASSWORD

from desk import clock
from desk.errors import ConflictError, DeskError, ValidationError
from desk.facade import Desk
from desk.services.businesses import BusinessInput
from desk.services.complaints import ActionInput, ComplaintInput
from desk.services.trust_units import (
    TRANSITIONS,
    ApplicationInput,
    CheckInput,
    FollowUpInput,
    InspectorInput,
    RevisitInput,
    StepInput,
    available_actions,
    check_trust_transition,
)

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[dt.date]:
    """Office time fixed at TODAY 10:00 (dates of the crafted data are relative to it)."""
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(TODAY, dt.time(10, 0)))
    yield TODAY


# -- helpers other trust/outreach test modules import ------------------------------------------


def business(d: Desk, name: str) -> int:
    return d.businesses.create(BusinessInput(name=name)).id


def awarded_unit(d: Desk, name: str, *, applied: dt.date, awarded: dt.date, cert: str, valid_until: dt.date | None = None,
                 kind: str = "K01") -> int:
    t = d.trust_units
    u = t.apply(ApplicationInput(business(d, name), kind, applied))
    u = t.act(u.id, "evaluate", u.version, StepInput(applied + dt.timedelta(days=3), "制度健全", passed=True))
    u = t.act(u.id, "award", u.version, StepInput(awarded, year=awarded.year, certificate_no=cert,
                                                  valid_until=valid_until or dt.date(awarded.year + 2, 12, 31)))
    return u.id


def checks(d: Desk, failed: tuple[str, ...] = (), education: int = 2) -> tuple[CheckInput, ...]:
    """A result for every active checklist item; ``failed`` codes fail."""
    out = []
    for item in d.trust_units.checklist():
        ok = item.code not in failed
        out.append(CheckInput(item.code, ok, count=education if item.counted else None, note="" if ok else "发现问题"))
    return tuple(out)


def staff(d: Desk) -> tuple[InspectorInput, ...]:
    return (InspectorInput("staff", d.actor.user_id), InspectorInput("other", name="李检查"))


def revisit(d: Desk, unit_id: int, on: dt.date, conclusion: str = "pass", failed: tuple[str, ...] = (), *,
            deadline: dt.date | None = None, education: int = 2) -> int:
    inp = RevisitInput(on, staff(d), checks(d, failed, education), conclusion, "检查情况",
                       rectification_demand="限期整改" if conclusion == "rectify" else "",
                       rectification_deadline=deadline if conclusion == "rectify" else None)
    return d.trust_units.record_revisit(unit_id, inp).id


def accepted_complaint(d: Desk, business_id: int, received: dt.date, *, accept: bool = True, refuse: bool = False) -> str:
    c = d.complaints.register(ComplaintInput("张三", "13812345678", "C01", "G0101", "N01", business_id=business_id,
                                             received_at=dt.datetime.combine(received, dt.time(9, 0)), facts="买到的电视坏了"))
    if accept:
        d.complaints.act(c.id, "accept", c.version, ActionInput(on=received))
    elif refuse:
        d.complaints.act(c.id, "refuse", c.version, ActionInput(on=received, ground_code="R03"))
    return c.case_no


# -- the state machine (pure) -------------------------------------------------------------------------


def test_illegal_steps_are_refused_in_chinese_with_a_hint() -> None:
    with pytest.raises(DeskError) as e:
        check_trust_transition("applied", "award")
    assert "已申报" in e.value.message and "评审通过" in e.value.message and "授牌" in e.value.message
    with pytest.raises(DeskError) as e:
        check_trust_transition("rectifying", "renew")
    assert "整改中" in e.value.message and "整改复查" in e.value.message
    with pytest.raises(DeskError) as e:
        check_trust_transition("revoked", "revisit")
    assert "已摘牌" in e.value.message
    with pytest.raises(DeskError) as e:
        check_trust_transition("rejected", "evaluate")
    assert "重新申报" in e.value.message
    with pytest.raises(DeskError):
        check_trust_transition("awarded", "fly")
    assert {t.action for t in available_actions("awarded")} == {"renew", "revoke"}
    assert {t.action for t in available_actions("revocation_proposed")} == {"revoke", "retain"}
    assert available_actions("revoked") == []
    # Every status the machine can reach is a source or a final state.
    targets = {t.target for t in TRANSITIONS.values() if t.target} | {"evaluated", "rejected", "rectifying", "revocation_proposed"}
    assert targets <= {"applied", "evaluated", "rejected", "withdrawn", "awarded", "rectifying", "revocation_proposed", "revoked"}


# -- the life of a unit, on both databases ---------------------------------------------------------


def test_life_cycle_application_to_revocation(desk: Desk, frozen: dt.date) -> None:
    t = desk.trust_units
    bid = business(desk, "太和县鑫盛超市")
    u = t.apply(ApplicationInput(bid, "K01", "2024-03-01", applicant="王经理"))
    assert u.status == "applied" and u.status_label == "已申报"
    with pytest.raises(ValidationError) as e:
        t.apply(ApplicationInput(bid, "K02", "2024-03-02"))
    assert "不能重复申报" in e.value.fields["business_id"]
    with pytest.raises(DeskError, match="评审通过"):
        t.act(u.id, "award", u.version, StepInput("2024-04-01", year=2024, certificate_no="X1", valid_until="2025-12-31"))
    u = t.act(u.id, "evaluate", u.version, StepInput("2024-03-20", "材料齐全，现场评审合格", passed=True))
    u = t.act(u.id, "award", u.version, StepInput("2024-04-01", year=2024, certificate_no="thcx2024-001", valid_until="2025-12-31"))
    assert (u.status, u.certificate_no, u.award_year, u.first_awarded_date) == ("awarded", "THCX2024-001", 2024, dt.date(2024, 4, 1))

    r1 = revisit(desk, u.id, dt.date(2025, 5, 10), "rectify", ("C04",), deadline=dt.date(2025, 6, 10))
    u = t.get(u.id)
    assert u.status == "rectifying"
    with pytest.raises(DeskError, match="整改复查"):
        t.act(u.id, "renew", u.version, StepInput("2026-01-10", year=2026, certificate_no="THCX2026-001", valid_until="2027-12-31"))
    rv = t.get_revisit(r1)
    t.record_follow_up(r1, rv.version, FollowUpInput("2025-06-08", True, "价签已补齐"))
    u = t.get(u.id)
    assert u.status == "awarded"
    # The certificate number of a renewal must be new.
    with pytest.raises(ValidationError) as e:
        t.act(u.id, "renew", u.version, StepInput("2026-01-10", year=2026, certificate_no="THCX2024-001", valid_until="2027-12-31"))
    assert "已被使用" in e.value.fields["certificate_no"]
    u = t.act(u.id, "renew", u.version, StepInput("2026-01-10", year=2026, certificate_no="THCX2026-001", valid_until="2027-12-31"))
    assert [a.kind for a in u.awards] == ["award", "renewal"] and u.valid_until == dt.date(2027, 12, 31)

    revisit(desk, u.id, dt.date(2026, 5, 10), "revoke", ("C01", "C02", "C04"))
    u = t.get(u.id)
    assert u.status == "revocation_proposed"
    u = t.act(u.id, "retain", u.version, StepInput("2026-05-20", "已当场整改并书面承诺"))
    assert u.status == "awarded"
    revisit(desk, u.id, dt.date(2026, 9, 1), "pass")
    u = t.act(u.id, "revoke", t.get(u.id).version, StepInput("2026-10-01", "经查存在价格欺诈"))
    assert (u.status, u.revoked_date, u.revocation_reason) == ("revoked", dt.date(2026, 10, 1), "经查存在价格欺诈")
    with pytest.raises(DeskError, match="已摘牌"):
        revisit(desk, u.id, dt.date(2026, 11, 1))
    actions = [e.action for e in u.events]
    assert actions == ["apply", "evaluate", "award", "revisit", "follow_up", "renew", "revisit", "retain", "revisit", "revoke"]
    assert all(e.action_label for e in u.events)
    # Revoked is final for this record; the business may apply again.
    again = t.apply(ApplicationInput(bid, "K01", "2026-11-01"))
    assert again.status == "applied" and again.id != u.id
    assert t.flag_for_business(bid) is None


def test_application_and_step_input_is_checked(sqlite_desk: Desk, frozen: dt.date) -> None:
    t = sqlite_desk.trust_units
    with pytest.raises(ValidationError) as e:
        t.apply(ApplicationInput(None, "", "2026-12-01", applicant="甲" * 61))
    assert set(e.value.fields) == {"business_id", "kind_code", "applied_date", "applicant"}
    assert "今天" in e.value.fields["applied_date"]
    bid = business(sqlite_desk, "测试单位")
    with pytest.raises(ValidationError) as e:
        t.apply(ApplicationInput(bid, "K99", "2026-02-30"))
    assert "不存在" in e.value.fields["applied_date"] and "kind_code" in e.value.fields
    u = t.apply(ApplicationInput(bid, "K01", "2026-03-01"))
    with pytest.raises(ValidationError) as e:
        t.act(u.id, "evaluate", u.version, StepInput("2026-02-01", ""))
    assert set(e.value.fields) == {"on", "text", "passed"}
    u = t.act(u.id, "evaluate", u.version, StepInput("2026-03-10", "合格", passed=True))
    with pytest.raises(ValidationError) as e:
        t.act(u.id, "award", u.version, StepInput("2026-03-20", year=2030, certificate_no="", valid_until="2026-03-01"))
    assert set(e.value.fields) == {"year", "certificate_no", "valid_until"}
    with pytest.raises(ConflictError):
        t.act(u.id, "award", u.version - 1, StepInput("2026-03-20", year=2026, certificate_no="A", valid_until="2027-12-31"))
    # Nothing was half-saved by the refused steps.
    assert t.get(u.id).status == "evaluated" and t.get(u.id).awards == ()


def test_revisit_input_is_checked(sqlite_desk: Desk, frozen: dt.date) -> None:
    d = sqlite_desk
    t = d.trust_units
    uid = awarded_unit(d, "回访单位", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="C-1")
    items = t.checklist()
    assert [i.name for i in items[:3]] == ["消费者权益保护制度落实", "投诉处理制度落实", "开展消费教育活动（次数）"]
    counted = next(i for i in items if i.counted)
    bad_checks = tuple(c if c.item_code != counted.code else CheckInput(counted.code, True, count=-1) for c in checks(d))
    with pytest.raises(ValidationError) as e:
        t.record_revisit(uid, RevisitInput("2025-01-10", (), bad_checks, "pass", rectification_deadline="2025-03-01"))
    f = e.value.fields
    assert "授牌日期" in f["visit_date"] and "检查人员" in f["inspectors"] and "负数" in f["checks"]
    assert "合格" in f["rectification_deadline"]
    with pytest.raises(ValidationError) as e:
        t.record_revisit(uid, RevisitInput("2025-05-10", staff(d), checks(d)[:2], "rectify", rectification_deadline="2025-05-01"))
    f = e.value.fields
    assert "没有填写结果" in f["checks"] and "明码标价" in f["checks"]
    assert "晚于回访日期" in f["rectification_deadline"] and "rectification_demand" in f
    with pytest.raises(ValidationError) as e:
        t.record_revisit(uid, RevisitInput("2025-05-10", (InspectorInput("staff", 999),), checks(d), "maybe"))
    assert "不是本系统的用户" in e.value.fields["inspectors"] and "conclusion" in e.value.fields
    assert t.list_revisits() == []  # nothing half-saved
    # Follow-up only for a 限期整改, not before the visit, with a result.
    rid = revisit(d, uid, dt.date(2025, 5, 10), "pass")
    with pytest.raises(DeskError, match="不需要复查"):
        t.record_follow_up(rid, t.get_revisit(rid).version, FollowUpInput("2025-06-01", True))
    rid = revisit(d, uid, dt.date(2025, 6, 10), "rectify", ("C05",), deadline=dt.date(2025, 7, 10))
    with pytest.raises(ValidationError) as e:
        t.record_follow_up(rid, t.get_revisit(rid).version, FollowUpInput("2025-06-01", None))
    assert set(e.value.fields) == {"follow_up_date", "rectified"}


def test_investigators_come_from_the_roster(sqlite_desk: Desk, frozen: dt.date) -> None:
    d = sqlite_desk
    from desk.services.rosters import PersonInput

    inv = d.rosters.create(PersonInput("investigator", "赵调查", phone="13900001111"))
    vol = d.rosters.create(PersonInput("volunteer", "钱志愿", phone="13900002222"))
    choices = d.trust_units.inspector_choices()
    assert any(c.kind == "investigator" and c.person_id == inv.id and c.name == "赵调查" for c in choices)
    assert not any(c.person_id == vol.id for c in choices)
    assert any(c.kind == "staff" and c.user_id == d.actor.user_id for c in choices)
    uid = awarded_unit(d, "调查员回访单位", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="C-2")
    with pytest.raises(ValidationError, match="不在义务调查员名册"):
        d.trust_units.record_revisit(uid, RevisitInput("2025-05-10", (InspectorInput("investigator", person_id=vol.id),), checks(d), "pass"))
    r = d.trust_units.record_revisit(uid, RevisitInput("2025-05-10", (InspectorInput("investigator", person_id=inv.id),
                                                                     InspectorInput("staff", d.actor.user_id)), checks(d), "pass"))
    assert [(i.kind, i.name) for i in r.inspectors] == [("investigator", "赵调查"), ("staff", "系统管理员")]


def test_checklist_items_an_admin_edits(sqlite_desk: Desk, frozen: dt.date) -> None:
    d = sqlite_desk
    uid = awarded_unit(d, "检查项目单位", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="C-3")
    first = revisit(d, uid, dt.date(2025, 4, 1), "pass")
    answers_before = checks(d)
    new = d.outreach.add_vocab("revisit_check", "消防安全")
    assert new.code == "CX01"
    with pytest.raises(ValidationError, match="消防安全"):  # the new item must be answered
        d.trust_units.record_revisit(uid, RevisitInput("2025-05-01", staff(d), answers_before, "pass"))
    price = next(i for i in d.trust_units.checklist() if i.code == "C04")
    d.outreach.rename_vocab(price.id, price, "明码标价与价格公示")
    d.outreach.set_vocab_active(new.id, False)
    rid = revisit(d, uid, dt.date(2025, 5, 1), "pass", ("C04",))
    # Old revisits keep the name the item had; new ones carry the new name; codes are stable.
    assert [c.item_name for c in d.trust_units.get_revisit(first).checks if c.item_code == "C04"] == ["明码标价"]
    assert [c.item_name for c in d.trust_units.get_revisit(rid).checks if c.item_code == "C04"] == ["明码标价与价格公示"]
    with pytest.raises(ValidationError, match="已存在"):
        d.outreach.add_vocab("revisit_check", "投诉处理制度落实")


def test_revisit_photos_are_stored_with_their_hash(sqlite_desk: Desk, frozen: dt.date, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    uid = awarded_unit(d, "照片单位", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="C-4")
    rid = revisit(d, uid, dt.date(2025, 4, 1))
    data = b"\xff\xd8\xff\xe0" + b"x" * 5000
    p = d.trust_units.add_revisit_photo(rid, "C:\\照片\\现场1.JPG", data, "门头")
    assert (p.filename, p.size, p.sha256) == ("现场1.JPG", len(data), hashlib.sha256(data).hexdigest())
    assert d.trust_units.revisit_photo(p.id) == ("现场1.JPG", data)
    big = tmp_path / "大照片.jpg"
    with open(big, "wb") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(ValidationError, match="20 MB"):
        d.trust_units.add_revisit_photo_file(rid, big)
    with pytest.raises(ValidationError, match="不是照片"):
        d.trust_units.add_revisit_photo(rid, "说明.txt", b"abc")
    with pytest.raises(ValidationError, match="找不到文件"):
        d.trust_units.add_revisit_photo_file(rid, tmp_path / "没有.jpg")
    assert [x.filename for x in d.trust_units.get_revisit(rid).photos] == ["现场1.JPG"]
    d.trust_units.remove_revisit_photo(p.id)
    assert d.trust_units.get_revisit(rid).photos == ()


def test_two_desks_editing_one_revisit(sqlite_desk: Desk, frozen: dt.date) -> None:
    d = sqlite_desk
    uid = awarded_unit(d, "并发单位", applied=dt.date(2025, 1, 5), awarded=dt.date(2025, 2, 1), cert="C-5")
    rid = revisit(d, uid, dt.date(2025, 4, 1), "rectify", ("C04",), deadline=dt.date(2025, 5, 1))
    other = Desk.open(d.url)
    try:
        other.auth.login("admin", ADMIN_PASSWORD)
        mine, theirs = d.trust_units.get_revisit(rid), other.trust_units.get_revisit(rid)
        other.trust_units.update_revisit(rid, theirs, RevisitInput("2025-04-01", staff(other), checks(other, ("C04", "C06")), "rectify",
                                                                   "计量器具也有问题", "限期整改", "2025-05-01"))
        with pytest.raises(ConflictError) as e:
            d.trust_units.update_revisit(rid, mine, RevisitInput("2025-04-01", staff(d), checks(d), "pass"))
        assert "findings" in e.value.changed
        with pytest.raises(ConflictError):
            d.trust_units.record_follow_up(rid, mine.version, FollowUpInput("2025-04-20", True))
    finally:
        other.close()
    final = d.trust_units.get_revisit(rid)
    assert final.findings == "计量器具也有问题" and final.follow_up_date is None
    assert sorted(c.item_code for c in final.checks if not c.passed) == ["C04", "C06"]


# -- the worklist and the complaint flag ------------------------------------------------------------


def test_worklist_rules_and_complaint_flags(desk: Desk, frozen: dt.date) -> None:
    d = desk
    last_year = dt.date(2025, 3, 1)
    due = awarded_unit(d, "甲：今年未回访", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-1")
    fresh = awarded_unit(d, "乙：今年授牌", applied=dt.date(2026, 1, 5), awarded=dt.date(2026, 2, 1), cert="W-2")
    done = awarded_unit(d, "丙：今年已回访", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-3")
    revisit(d, done, dt.date(2026, 4, 1))
    soon = awarded_unit(d, "丁：整改将到期", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-4")
    revisit(d, soon, dt.date(2026, 10, 25), "rectify", ("C04",), deadline=TODAY + dt.timedelta(days=3))
    late = awarded_unit(d, "戊：整改逾期", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-5")
    late_r = revisit(d, late, dt.date(2026, 9, 1), "rectify", ("C04",), deadline=dt.date(2026, 10, 1))
    followed = awarded_unit(d, "己：整改已复查", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-6")
    fr = revisit(d, followed, dt.date(2026, 9, 1), "rectify", ("C04",), deadline=dt.date(2026, 10, 1))
    d.trust_units.record_follow_up(fr, d.trust_units.get_revisit(fr).version, FollowUpInput("2026-09-28", True))
    proposed = awarded_unit(d, "庚：建议摘牌", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-7")
    revisit(d, proposed, dt.date(2026, 6, 1), "revoke", ("C01", "C02"))
    expiring = awarded_unit(d, "辛：称号将到期", applied=dt.date(2024, 1, 5), awarded=dt.date(2024, 2, 1), cert="W-8",
                            valid_until=dt.date(2026, 12, 31))
    revisit(d, expiring, dt.date(2026, 5, 1))
    complained = awarded_unit(d, "壬：有投诉", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-9")
    revisit(d, complained, dt.date(2026, 6, 1))
    revoked = awarded_unit(d, "癸：已摘牌", applied=dt.date(2025, 1, 5), awarded=last_year, cert="W-10")
    d.trust_units.act(revoked, "revoke", d.trust_units.get(revoked).version, StepInput("2026-01-10", "严重违法"))

    bid = d.trust_units.get(complained).business_id
    before_visit = accepted_complaint(d, bid, dt.date(2026, 5, 20))  # before the last revisit: no new suggestion
    after = accepted_complaint(d, bid, dt.date(2026, 10, 12))
    accepted_complaint(d, bid, dt.date(2026, 10, 15), accept=False)  # only registered
    accepted_complaint(d, bid, dt.date(2026, 10, 16), accept=False, refuse=True)  # refused
    accepted_complaint(d, d.trust_units.get(revoked).business_id, dt.date(2026, 10, 12))  # not a trust unit any more

    items = d.trust_units.worklist()
    by_unit: dict[int, set[str]] = {}
    for i in items:
        by_unit.setdefault(i.unit_id, set()).add(i.kind)
    assert by_unit[due] == {"revisit_due"}
    assert fresh not in by_unit and done not in by_unit and followed not in by_unit and revoked not in by_unit
    assert by_unit[soon] == {"rectify_due"}
    assert by_unit[late] == {"rectify_overdue"}
    assert by_unit[proposed] == {"revocation"}
    assert by_unit[expiring] == {"expiring"}
    assert by_unit[complained] == {"complaint"}
    late_item = next(i for i in items if i.unit_id == late)
    assert late_item.overdue and late_item.due == dt.date(2026, 10, 1) and late_item.revisit_id == late_r
    soon_item = next(i for i in items if i.unit_id == soon)
    assert not soon_item.overdue and soon_item.due == TODAY + dt.timedelta(days=3)
    complaint_item = next(i for i in items if i.unit_id == complained)
    assert "1 件" in complaint_item.text and after in complaint_item.text and before_visit not in complaint_item.text

    # The unit lists its complaints since the award; the case gets the flag.
    view = d.trust_units.get(complained)
    assert [(c.case_no, c.since_last_revisit) for c in view.complaints] == [(after, True), (before_visit, False)]
    flag = d.trust_units.flag_for_business(bid)
    assert flag is not None and flag.unit_id == complained and "W-9" in flag.text and "诚信单位" in flag.text
    flags = d.trust_units.flags_for_businesses([bid, d.trust_units.get(revoked).business_id, 99999])
    assert set(flags) == {bid}
    assert d.trust_units.flag_for_business(None) is None
    rows = {r.id: r for r in d.trust_units.list_units()}
    assert rows[complained].complaints == 2 and rows[due].complaints == 0
    # A follow-up finding the rectification not done asks for a decision.
    d.trust_units.record_follow_up(late_r, d.trust_units.get_revisit(late_r).version, FollowUpInput(TODAY, False, "未整改"))
    kinds = {i.kind for i in d.trust_units.worklist() if i.unit_id == late}
    assert kinds == {"revocation"} and d.trust_units.get(late).status == "rectifying"


def test_one_live_record_per_business_even_past_the_service_check(desk: Desk, frozen: dt.date) -> None:
    """Two desks filing the same application at once both pass the service's check; the
    database's partial unique index lets only one live record in. Finished ones may repeat."""
    from desk.models.trust_units import TrustUnit

    d = desk
    bid = business(d, "同时申报的单位")
    first = d.trust_units.apply(ApplicationInput(bid, "K01", "2026-03-01"))
    with pytest.raises(DeskError, match="重复"):
        with d.write() as s:
            s.add(TrustUnit(business_id=bid, office_id=first.office_id, kind_code="K01", status="applied",
                            applied_date=dt.date(2026, 3, 1)))
    d.trust_units.act(first.id, "withdraw", first.version, StepInput("2026-03-02", "填错了"))
    with d.write() as s:  # a withdrawn record does not block, nor does a second finished one
        s.add(TrustUnit(business_id=bid, office_id=first.office_id, kind_code="K01", status="rejected",
                        applied_date=dt.date(2026, 3, 1)))
    assert d.trust_units.apply(ApplicationInput(bid, "K02", "2026-03-03")).status == "applied"
