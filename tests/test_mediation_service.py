"""Mediation through the services on real databases: sessions and their workflow steps (the
first one held starts the mediation, a recusal request stops the clock until decided), two
desks saving one session, the outcome with its agreement and amounts (the breakdown adds up or
the field says why not, the Art. 55 calculator), performance, self-settlement, reopening,
signed scans, reconciliation stations and their settled cases, permissions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import open_as_admin

from desk import clock
from desk.errors import ConflictError, DeskError, PermissionDenied, ValidationError
from desk.roles import Role
from desk.services.businesses import BusinessInput
from desk.services.complaints import ActionInput, ComplaintFilter, ComplaintInput
from desk.services.mediation import (
    MediatorInput,
    OutcomeInput,
    SessionInput,
    food_safety_compensation,
    punitive_compensation,
    session_input_of,
)
from desk.services.stations import StationInput
from desk.services.users import UserInput

BUSINESS = "太和县万家福超市有限公司"


# -- helpers (the other mediation test files use them too) --------------------------------------


def days_ago(n: int) -> dt.date:
    return clock.today() - dt.timedelta(days=n)


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def business(desk, name: str = BUSINESS) -> int:  # type: ignore[no-untyped-def]
    found = [b for b in desk.businesses.search(name) if b.name == name]
    if found:
        return found[0].id
    return desk.businesses.create(BusinessInput(name=name, address="太和县城关镇人民路1号", credit_code="")).id


def make_case(desk, *, received_days_ago: int = 60, accept: bool = True, name: str = "张三丰", office_id: int | None = None,
              amount: str = "1999"):  # type: ignore[no-untyped-def]
    """A complaint received ``received_days_ago`` days ago, accepted the next day."""
    received = at(days_ago(received_days_ago), 10, 0)
    v = desk.complaints.register(ComplaintInput(
        consumer_name=name, consumer_phone="13812345678", channel_code="C01", category_code="G0101", nature_code="N03",
        business_id=business(desk), received_at=received, facts="购买冰箱一个月不制冷，商家拒绝维修。", amount=amount,
        demand="退货退款", consumer_address="太和县旧县镇幸福村3组", office_id=office_id))
    if accept:
        v = desk.complaints.act(v.id, "accept", v.version, ActionInput(on=received.date() + dt.timedelta(days=1)))
    return v


def session_input(desk, day: dt.date, **kw) -> SessionInput:  # type: ignore[no-untyped-def]
    values = dict(
        method="onsite", started_at=at(day), ended_at=at(day, 11, 0), place="本会调解室",
        mediators=(MediatorInput(kind="staff", user_id=desk.actor.user_id), MediatorInput("李明德", "expert")),
        recorder_user_id=desk.actor.user_id, consumer_attendees="张三丰（投诉人本人）", business_attendees="王力（店长）",
        identity_checked=True, rights_explained=True, recusal_explained=True,
        consumer_statement="冰箱买回一个月不制冷。", business_statement="同意检测后处理。", evidence_shown="购物小票一张。",
        result="adjourned", result_detail="双方同意送检后再调。",
    )
    values.update(kw)
    return SessionInput(**values)  # type: ignore[arg-type]


def agreement(on: dt.date, **kw) -> OutcomeInput:  # type: ignore[no-untyped-def]
    values = dict(result="mediated", on=on, terms="被投诉人为投诉人更换同型号冰箱一台。", performance_due=on + dt.timedelta(days=7),
                  exchange_amount="1999", compensation_amount="200")
    values.update(kw)
    return OutcomeInput(**values)  # type: ignore[arg-type]


# -- the Art. 55 calculator ------------------------------------------------------------------------------


@pytest.mark.parametrize(("price", "expected"), [
    ("0", "500.00"),
    ("0.01", "500.00"),
    ("166.66", "500.00"),  # 499.98: below the floor
    ("166.67", "500.01"),  # 500.01: three times
    ("1000", "3000.00"),
    ("1299.99", "3899.97"),
])
def test_punitive_compensation_at_its_edges(price: str, expected: str) -> None:
    result = punitive_compensation(Decimal(price))
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2  # to the fen


def test_calculators_refuse_negative_prices() -> None:
    with pytest.raises(ValueError):
        punitive_compensation(Decimal("-1"))
    assert food_safety_compensation(Decimal("50")) == Decimal("1000.00")  # ten times 500 is below the floor
    assert food_safety_compensation(Decimal("150")) == Decimal("1500.00")
    assert food_safety_compensation(Decimal("10"), Decimal("800")) == Decimal("2400.00")  # three times the loss


# -- sessions ---------------------------------------------------------------------------------------------


def test_first_session_starts_mediation_and_recusal_pauses_until_decided(desk) -> None:  # type: ignore[no-untyped-def]
    c = make_case(desk, received_days_ago=30)
    s = desk.mediation.add_session(c.id, session_input(desk, days_ago(20), recusal_requested=True,
                                                       recusal_request="投诉人申请专家李明德回避：与经营者是亲属。"))
    v = desk.complaints.get(c.id)
    assert v.status == "mediating" and v.mediation_started_date == days_ago(20)
    assert v.paused_since == days_ago(20) and v.due_date is None  # the clock stopped
    assert s.recusal_paused and s.recusal_pending and s.ordinal == 1
    assert [m.name for m in s.mediators] == [desk.actor.display_name, "李明德"]
    assert s.mediators[1].affiliation == "消费争议人民调解委员会"
    steps = [(e.action, e.event_date) for e in desk.complaints.timeline(c.id)]
    assert ("start_mediation", days_ago(20)) in steps and ("pause", days_ago(20)) in steps
    assert any("回避申请待决定" in i.what for i in desk.mediation.worklist())

    # Unticking the request while it holds the clock is refused: decide it instead.
    with pytest.raises(ValidationError) as err:
        desk.mediation.update_session(s.id, s, replace(session_input_of(s), recusal_requested=False))
    assert "recusal_requested" in err.value.fields

    decided = replace(session_input_of(s), recusal_decision="granted", recusal_decided_date=days_ago(15),
                      mediators=(MediatorInput(kind="staff", user_id=desk.actor.user_id), MediatorInput("赵国强", "expert")))
    s2 = desk.mediation.update_session(s.id, s, decided)
    assert not s2.recusal_paused and s2.version > s.version
    assert [m.name for m in s2.mediators][1] == "赵国强"
    v = desk.complaints.get(c.id)
    assert v.paused_since is None and v.pauses[0].start == days_ago(20) and v.pauses[0].end == days_ago(15)
    # 60 calendar days from acceptance plus the five paused days (then the next working day).
    plain = desk.calendar.calendar().add_days(v.accepted_date, 60).date
    assert v.due_kind == "mediation" and v.due_date >= plain + dt.timedelta(days=5)
    resume = [e for e in desk.complaints.timeline(c.id) if e.action == "resume"]
    assert resume and resume[0].event_date == days_ago(15) and "准予回避" in resume[0].detail


def test_a_planned_session_does_not_start_mediation(sqlite_desk) -> None:  # type: ignore[no-untyped-def]
    c = make_case(sqlite_desk)
    tomorrow = clock.today() + dt.timedelta(days=1)
    s = sqlite_desk.mediation.add_session(c.id, session_input(sqlite_desk, tomorrow, result="pending", recorder_user_id=None,
                                                               consumer_statement="", business_statement="", evidence_shown=""))
    assert s.planned and sqlite_desk.complaints.get(c.id).status == "accepted"
    items = sqlite_desk.mediation.worklist()
    assert any(i.what.startswith("已安排现场调解") and i.due == tomorrow for i in items)
    assert sqlite_desk.mediation.cases("open")[0].todo.startswith("已安排调解")
    # A result for a session that has not happened yet is refused.
    with pytest.raises(ValidationError) as err:
        sqlite_desk.mediation.update_session(s.id, s, replace(session_input_of(s), result="agreed", recorder_name="王五"))
    assert "result" in err.value.fields


def test_bad_session_input_names_each_field_and_saves_nothing(sqlite_desk) -> None:  # type: ignore[no-untyped-def]
    c = make_case(sqlite_desk, received_days_ago=30)
    bad = SessionInput(method="", started_at=at(days_ago(40)), ended_at=at(days_ago(41)), place="", mediators=(),
                       result="agreed", recusal_requested=True, recusal_request="", recusal_decision="granted")
    with pytest.raises(ValidationError) as err:
        sqlite_desk.mediation.add_session(c.id, bad)
    f = err.value.fields
    assert set(f) >= {"method", "started_at", "ended_at", "mediators", "recorder_name", "recusal_request", "recusal_decided_date"}
    assert "受理日期" in f["started_at"]
    assert sqlite_desk.mediation.sessions(c.id) == []
    assert sqlite_desk.complaints.get(c.id).status == "accepted"  # no step taken either
    # Onsite needs a place; an expert needs a name; staff must be a user.
    with pytest.raises(ValidationError) as err:
        sqlite_desk.mediation.add_session(c.id, session_input(sqlite_desk, days_ago(5), place="", mediators=(
            MediatorInput("", "expert"), MediatorInput(kind="staff", user_id=9999))))
    assert "place" in err.value.fields and "第1位调解员" in err.value.fields["mediators"]
    # Not before acceptance: a registered case has no sessions.
    registered = make_case(sqlite_desk, accept=False, name="李四")
    with pytest.raises(DeskError, match="受理后"):
        sqlite_desk.mediation.add_session(registered.id, session_input(sqlite_desk, days_ago(5)))


def test_two_desks_saving_the_same_session_lose_neither_change(desk, db_url: str) -> None:  # type: ignore[no-untyped-def]
    c = make_case(desk, received_days_ago=30)
    base = desk.mediation.add_session(c.id, session_input(desk, days_ago(10)))
    other = open_as_admin(db_url)
    try:
        theirs_base = other.mediation.get_session(base.id)
        saved = other.mediation.update_session(base.id, theirs_base, replace(
            session_input_of(theirs_base), business_statement="经营者同意更换。", place="本会第二调解室"))
        assert saved.version > base.version

        mine = replace(session_input_of(base), consumer_statement="消费者要求退货。", place="投诉人家中")
        with pytest.raises(ConflictError) as err:
            desk.mediation.update_session(base.id, base, mine)
        assert set(err.value.changed) >= {"business_statement", "place"}
        assert err.value.current.business_statement == "经营者同意更换。"
        assert desk.mediation.get_session(base.id).consumer_statement == base.consumer_statement  # mine not saved yet

        merge = desk.mediation.merge_session(base, mine, err.value.current)
        assert merge.taken == {"business_statement": "经营者同意更换。"}
        assert merge.conflicts == {"place": ("投诉人家中", "本会第二调解室")}
        final = desk.mediation.update_session(base.id, err.value.current, merge.merged)
        assert final.consumer_statement == "消费者要求退货。"  # mine
        assert final.business_statement == "经营者同意更换。"  # theirs
        assert final.place == "投诉人家中"  # both changed: mine, after seeing theirs
        # Changing only the mediators still bumps the version the other desk checks.
        stale = other.mediation.get_session(base.id)
        desk.mediation.update_session(base.id, final, replace(session_input_of(final), mediators=(MediatorInput("钱七", "expert"),)))
        with pytest.raises(ConflictError) as err2:
            other.mediation.update_session(base.id, stale, replace(session_input_of(stale), note="补充说明"))
        assert "mediators" in err2.value.changed
    finally:
        other.close()


# -- the outcome ---------------------------------------------------------------------------------------


def test_breakdown_must_add_up_to_the_total(sqlite_desk) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    c = make_case(d, received_days_ago=30)
    d.mediation.add_session(c.id, session_input(d, days_ago(10), result="agreed"))
    v = d.complaints.get(c.id)
    cases = [
        (dict(recovered_total="2000", refund_amount="1500", exchange_amount="", compensation_amount="200"), "breakdown", "分项合计1,700.00元，与挽回经济损失2,000.00元不一致（总额比分项多300.00元）"),
        (dict(recovered_total="1000", exchange_amount="", compensation_amount=""), "breakdown", "请按退款、换货、维修、赔偿、其他填写分项"),
        (dict(refund_amount="12.345"), "refund_amount", "两位小数"),
        (dict(recovered_total="-5"), "recovered_total", "负数"),
        (dict(punitive=True, price_paid=""), "price_paid", "请填写商品价款"),
        (dict(punitive=True, price_paid="1000", compensation_amount="200"), "compensation_amount", "3,000.00元"),
        (dict(other_comp_amount="100"), "other_comp_basis", "食品安全法"),
        (dict(terms=""), "terms", "协议内容"),
        (dict(performance_due=None), "performance_due", "履行期限"),
    ]
    for kw, field, words in cases:
        with pytest.raises(ValidationError) as err:
            d.mediation.record_outcome(c.id, v.version, agreement(days_ago(9), **kw))
        assert field in err.value.fields, (kw, err.value.fields)
        assert words in err.value.fields[field], (kw, err.value.fields[field])
    # Nothing saved by any of them.
    assert d.mediation.outcome(c.id) is None and d.complaints.get(c.id).status == "mediating"

    # An empty total is the sum of the parts; the statutory amount is filled in from the price.
    o = d.mediation.record_outcome(c.id, v.version, agreement(
        days_ago(9), refund_amount="1,000.00", exchange_amount="", compensation_amount="3000", punitive=True, price_paid="1000", fraud_found=True))
    assert o.recovered_total == Decimal("4000.00") and o.punitive_amount == Decimal("3000.00") and o.fraud_found
    assert o.resolved and o.agreement_no and o.agreement_no.startswith("TH-TJ-")


def test_agreement_performance_and_worklist(desk) -> None:  # type: ignore[no-untyped-def]
    c = make_case(desk, received_days_ago=30)
    desk.mediation.add_session(c.id, session_input(desk, days_ago(10), result="agreed"))
    v = desk.complaints.get(c.id)
    with pytest.raises(ConflictError):
        desk.mediation.record_outcome(c.id, v.version - 1, agreement(days_ago(9)))
    o = desk.mediation.record_outcome(c.id, v.version, agreement(days_ago(9), performance_due=days_ago(2)))
    v = desk.complaints.get(c.id)
    assert v.status == "mediated" and v.mediation_ended_date == days_ago(9)
    assert "挽回经济损失2,199.00元" in v.result_summary
    late = [i for i in desk.mediation.worklist() if i.complaint_id == c.id]
    assert late and late[0].overdue and "履行期限已过" in late[0].what
    assert [r.complaint_id for r in desk.mediation.cases("performance")] == [c.id]
    assert desk.mediation.cases("performance")[0].todo == "履行期限已过，确认履行情况"
    # The case's own deadline is the performance date, so the 投诉 list's overdue filter sees it.
    assert (v.due_kind, v.due_date) == ("performance", days_ago(2)) and v.overdue
    assert c.id in desk.complaints.query_ids(ComplaintFilter(overdue=True))

    with pytest.raises(ValidationError):
        desk.mediation.confirm_performance(c.id, o, days_ago(10))  # before the agreement
    done = desk.mediation.confirm_performance(c.id, o, days_ago(1), "经营者已送货上门更换")
    assert done.performed_date == days_ago(1)
    assert not [i for i in desk.mediation.worklist() if i.complaint_id == c.id]
    assert desk.mediation.cases("performance") == []
    assert desk.complaints.get(c.id).due_date is None  # performed: nothing more is due
    with pytest.raises(ConflictError):
        desk.mediation.update_outcome(c.id, o, replace(agreement(days_ago(9)), terms="改"))  # stale view
    edited = desk.mediation.update_outcome(c.id, done, agreement(days_ago(9), disputes="是否属于质量问题", exchange_amount="1899",
                                                                 compensation_amount="300", performed_date=days_ago(1)))
    assert edited.recovered_total == Decimal("2199.00") and edited.disputes == "是否属于质量问题"
    assert edited.agreement_no == o.agreement_no  # the number is kept


def test_self_settlement_ends_with_t01_and_reopening_undoes_a_resolution(sqlite_desk) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    c = make_case(d, received_days_ago=30)
    o = d.mediation.record_outcome(c.id, c.version, OutcomeInput(result="self_settled", on=days_ago(20), refund_amount="500",
                                                                 terms="经营者退款500元后双方和解"))
    v = d.complaints.get(c.id)
    assert v.status == "terminated" and v.termination_ground_code == "T01" and o.resolved and o.result == "self_settled"
    assert o.agreement_no is None  # no 调解书 for a self-settlement

    # A case mediated, then reopened: no longer resolved until mediated again.
    c2 = make_case(d, received_days_ago=30, name="王五")
    v2 = d.complaints.act(c2.id, "start_mediation", c2.version, ActionInput(on=days_ago(25)))
    v2 = d.complaints.act(c2.id, "mediation_success", v2.version, ActionInput(on=days_ago(24)))  # the plain button
    assert d.mediation.outcome(c2.id).resolved  # the outcome row follows the step
    v2 = d.complaints.act(c2.id, "close", v2.version, ActionInput(on=days_ago(23)))
    v2 = d.complaints.act(c2.id, "reopen", v2.version, ActionInput(on=days_ago(10), reason="经营者未履行"))
    assert not d.mediation.outcome(c2.id).resolved
    v2 = d.complaints.act(c2.id, "start_mediation", v2.version, ActionInput(on=days_ago(9)))
    d.mediation.record_outcome(c2.id, v2.version, agreement(days_ago(5)))
    assert d.mediation.outcome(c2.id).resolved_date == days_ago(5)

    # A plain termination after a resolution also undoes it.
    c3 = make_case(d, received_days_ago=30, name="赵六")
    v3 = d.complaints.act(c3.id, "start_mediation", c3.version, ActionInput(on=days_ago(25)))
    v3 = d.complaints.act(c3.id, "mediation_success", v3.version, ActionInput(on=days_ago(24)))
    v3 = d.complaints.act(c3.id, "close", v3.version, ActionInput(on=days_ago(24)))
    v3 = d.complaints.act(c3.id, "reopen", v3.version, ActionInput(on=days_ago(20), reason="重新调解"))
    d.complaints.act(c3.id, "terminate", v3.version, ActionInput(on=days_ago(19), ground_code="T03"))
    o3 = d.mediation.outcome(c3.id)
    assert o3.result == "failed" and not o3.resolved


def test_an_old_session_edited_after_reopening_does_not_restart_mediation(sqlite_desk) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    c = make_case(d, received_days_ago=40)
    old = d.mediation.add_session(c.id, session_input(d, days_ago(30), result="agreed"))
    d.mediation.record_outcome(c.id, d.complaints.get(c.id).version, agreement(days_ago(29), performed_date=days_ago(29)))
    v = d.complaints.get(c.id)
    v = d.complaints.act(c.id, "close", v.version, ActionInput(on=days_ago(28)))
    d.complaints.act(c.id, "reopen", v.version, ActionInput(on=days_ago(10), reason="经营者未履行"))
    edited = d.mediation.update_session(old.id, old, replace(session_input_of(old), note="补记：经营者当时同意更换"))
    assert edited.note == "补记：经营者当时同意更换"
    assert d.complaints.get(c.id).status == "accepted"  # not restarted on the old session's date
    d.mediation.add_session(c.id, session_input(d, days_ago(5)))
    v = d.complaints.get(c.id)
    assert v.status == "mediating" and v.mediation_started_date == days_ago(5)
    assert [s.ordinal for s in d.mediation.sessions(c.id)] == [1, 2]


def test_signed_scans_attach_to_the_case(sqlite_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    c = make_case(d, received_days_ago=30)
    s = d.mediation.add_session(c.id, session_input(d, days_ago(10), result="agreed"))
    d.mediation.record_outcome(c.id, d.complaints.get(c.id).version, agreement(days_ago(9)))
    scan = tmp_path / "调解书签字版.pdf"
    scan.write_bytes(b"%PDF-1.4 signed")
    doc = d.mediation.attach_signed(c.id, scan)
    rec = tmp_path / "笔录.jpg"
    rec.write_bytes(b"jpeg")
    d.mediation.attach_signed(c.id, rec, session_id=s.id)
    signed = d.mediation.signed_documents(c.id)
    assert [x.note for x in signed] == ["已签署调解书", f"已签署调解笔录（第1次调解，{days_ago(10):%Y-%m-%d}）"]
    assert doc.filename == "调解书签字版.pdf"
    assert [a.filename for a in d.complaints.get(c.id).attachments] == ["调解书签字版.pdf", "笔录.jpg"]
    with pytest.raises(ValidationError):
        d.mediation.attach_signed(c.id, tmp_path / "不存在.pdf")


# -- stations -------------------------------------------------------------------------------------------


def test_station_registry_and_a_case_settled_at_a_station(desk) -> None:  # type: ignore[no-untyped-def]
    bid = business(desk, "太和县华联超市")
    with pytest.raises(ValidationError) as err:
        desk.stations.create(StationInput(business_id=None, conciliator_phone="123", established_date=clock.today() + dt.timedelta(days=3)))
    assert set(err.value.fields) >= {"business_id", "conciliator_name", "conciliator_phone", "established_date"}
    st = desk.stations.create(StationInput(business_id=bid, conciliator_name="孙和解", conciliator_phone="13900001111",
                                           liaison_name="周联络", liaison_phone="0558-8612345", established_date=days_ago(400)))
    assert st.name == "太和县华联超市消费争议和解服务站" and st.status_label == "运行" and st.settled == 0
    with pytest.raises(ValidationError) as err:
        desk.stations.create(StationInput(business_id=bid, conciliator_name="另一人"))
    assert "已设立和解站" in err.value.fields["business_id"]

    complaint = ComplaintInput(consumer_name="钱八", consumer_phone="13700001234", channel_code="C01", category_code="G0303",
                               nature_code="N03", received_at=at(days_ago(6)), facts="购买的牛奶过期。", amount="58")
    v = desk.stations.record_settled_case(st.id, complaint, OutcomeInput(on=days_ago(5), terms="超市退款并赔偿", refund_amount="58",
                                                                          compensation_amount="1000", other_comp_basis="《食品安全法》第一百四十八条",
                                                                          other_comp_amount="1000", performed_date=days_ago(5)))
    assert v.channel_code == "C06" and v.business_id == bid and v.status == "mediated"
    o = desk.mediation.outcome(v.id)
    assert o.result == "station" and o.station_name == st.name and o.recovered_total == Decimal("1058.00")
    assert desk.stations.get(st.id).settled == 1
    assert [r[1] for r in desk.stations.settled_cases(st.id)] == [v.case_no]
    # Errors of the settlement carry their prefix; nothing is registered.
    before = desk.complaints.count()
    with pytest.raises(ValidationError) as err:
        desk.stations.record_settled_case(st.id, complaint, OutcomeInput(on=days_ago(5), terms="", refund_amount="x"))
    assert {"outcome.terms", "outcome.refund_amount"} <= set(err.value.fields)
    assert desk.complaints.count() == before

    # A suspended station takes no new cases, and a station with cases is not deleted.
    cur = desk.stations.get(st.id)
    suspended = desk.stations.update(st.id, cur, StationInput(business_id=bid, conciliator_name="孙和解", status="suspended",
                                                              established_date=days_ago(400)))
    assert suspended.status_date == clock.today()
    with pytest.raises(DeskError, match="暂停"):
        desk.stations.record_settled_case(st.id, complaint, OutcomeInput(on=days_ago(5), terms="x", performed_date=days_ago(5)))
    with pytest.raises(DeskError, match="不能删除"):
        desk.stations.delete(st.id, suspended)
    with pytest.raises(ConflictError):
        desk.stations.update(st.id, cur, StationInput(business_id=bid, conciliator_name="改名"))


# -- permissions ---------------------------------------------------------------------------------------


def test_readonly_user_sees_masked_sessions_and_may_not_edit(sqlite_desk, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    c = make_case(sqlite_desk, received_days_ago=30)
    s = sqlite_desk.mediation.add_session(c.id, session_input(sqlite_desk, days_ago(10)))
    sqlite_desk.users.create(UserInput("reader", "只读用户", Role.READONLY.value, sqlite_desk.actor.office_id, password="reader-pass-1"))
    from desk.facade import Desk

    ro = Desk.open(sqlite_url)
    try:
        ro.auth.login("reader", "reader-pass-1")
        seen = ro.mediation.sessions(c.id)[0]
        assert seen.masked and seen.consumer_attendees == "（已隐去）"
        with pytest.raises(PermissionDenied):
            ro.mediation.update_session(s.id, seen, session_input_of(seen))
        with pytest.raises(PermissionDenied):
            ro.mediation.add_session(c.id, session_input(ro, days_ago(3)))
        with pytest.raises(PermissionDenied):
            ro.stations.create(StationInput(business_id=business(sqlite_desk), conciliator_name="x"))
    finally:
        ro.close()
