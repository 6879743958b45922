"""Legal deadlines of a complaint (domain.md §3), pure: a WorkCalendar and the rules, no database.

Every expected date below was counted by hand against the State Council schedules
(国办发明电〔2024〕12号 for 2025, 〔2025〕7号 for 2026) as chinese_calendar 1.11.0 has them:
- National Day 2025: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked.
- Spring Festival 2026: 02-15..02-23 off, Sat 02-14 and Sat 02-28 worked; Qingming 04-04..04-06 off.
- Labour Day 2026: 05-01..05-05 off, Sat 05-09 worked; Dragon Boat 06-19..06-21 off.
- Mid-Autumn 2026: 09-25 off; National Day 2026: 10-01..10-07 off, Sun 09-20 and Sat 10-10 worked.
The day of the event itself is never counted."""

import datetime

import pytest
from test_complaints_service import BACKENDS, fresh_desk

from desk.deadlines import (
    RULE_NEW,
    RULE_OLD,
    DeadlineRules,
    acceptance_due,
    count_forward,
    current_due,
    mediation_due,
    referral_reply_due,
    termination_notice_due,
)
from desk.workcal import WorkCalendar

D = datetime.date
RULES = DeadlineRules()


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_calendar_is_the_one_these_dates_were_counted_on(cal):
    # The hand counts below rely on 2025 and 2026 being covered by the package and 2027 not.
    assert cal.is_year_covered(2025) and cal.is_year_covered(2026)
    assert not cal.is_year_covered(2027), "chinese_calendar now covers 2027: move the provisional tests to the next year"


# -- acceptance: 7 working days from receipt --------------------------------------------------


@pytest.mark.parametrize(
    "received, due",
    [
        # Tue 09-30: 10-09, 10-10, Sat 10-11 (makeup), 10-13, 10-14, 10-15, 10-16.
        (D(2025, 9, 30), D(2025, 10, 16)),
        # Fri 09-26: Sun 09-28 (makeup), 09-29, 09-30, 10-09, 10-10, Sat 10-11, 10-13.
        (D(2025, 9, 26), D(2025, 10, 13)),
        # Sat 09-27 (a day off, the clock still starts): Sun 09-28 … 10-13 as above.
        (D(2025, 9, 27), D(2025, 10, 13)),
        # Thu 02-12: 02-13, Sat 02-14 (makeup), 02-24, 02-25, 02-26, 02-27, Sat 02-28 (makeup).
        (D(2026, 2, 12), D(2026, 2, 28)),
        # Fri 02-13: Sat 02-14, 02-24 … 02-27, Sat 02-28, Mon 03-02.
        (D(2026, 2, 13), D(2026, 3, 2)),
        # Received during the festival (Wed 02-18): 02-24 … 02-27, Sat 02-28, 03-02, 03-03.
        (D(2026, 2, 18), D(2026, 3, 3)),
        # An ordinary week: Mon 2026-03-09 → Wed 03-18.
        (D(2026, 3, 9), D(2026, 3, 18)),
    ],
)
def test_acceptance_due_seven_working_days(cal, received, due):
    r = acceptance_due(cal, received, RULES)
    assert r.date == due
    assert r.provisional is False


def test_acceptance_limit_is_a_setting(cal):
    rules = DeadlineRules.from_settings({"deadline.accept_working_days": 5})
    # 10-09, 10-10, Sat 10-11, 10-13, 10-14.
    assert acceptance_due(cal, D(2025, 9, 30), rules).date == D(2025, 10, 14)


# -- rule version -------------------------------------------------------------------------------


def test_rule_version_by_receipt_date():
    assert RULES.rule_version(D(2026, 4, 14)) == RULE_OLD
    assert RULES.rule_version(D(2026, 4, 15)) == RULE_NEW
    assert RULES.rule_version(D(2025, 1, 1)) == RULE_OLD
    moved = DeadlineRules.from_settings({"deadline.rule_change_date": "2026-05-01"})
    assert moved.rule_version(D(2026, 4, 20)) == RULE_OLD
    assert moved.rule_version(D(2026, 5, 1)) == RULE_NEW
    # A broken setting falls back to the statutory date rather than crashing.
    assert DeadlineRules.from_settings({"deadline.rule_change_date": "2026-13-01"}).rule_change == D(2026, 4, 15)


# -- mediation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accepted, due",
    [
        # Tue 2025-09-30: 10-09, 10-10, 10-11 (3); eight full weeks 10-13 … 12-05 (43); 12-08, 12-09.
        (D(2025, 9, 30), D(2025, 12, 9)),
        # Thu 2026-02-12: 02-13, 02-14 (2); 02-24 … 02-28 (7); 03-02 … 04-03 (32); 04-06 is
        # Qingming; 04-07 … 04-10 (36); 04-13 … 04-17 (41); 04-20 … 04-23 (45).
        (D(2026, 2, 12), D(2026, 4, 23)),
        # Mon 2026-04-20 (a case received before the change): 04-21 … 04-30 (8); 05-01..05-05
        # off; 05-06 … 05-08 (11); Sat 05-09 (12); 05-11 … 06-12 (37); 06-15 … 06-18 (41);
        # 06-19 Dragon Boat; 06-22 … 06-25 (45).
        (D(2026, 4, 20), D(2026, 6, 25)),
    ],
)
def test_mediation_old_rule_45_working_days(cal, accepted, due):
    r = mediation_due(cal, accepted, RULE_OLD, [], RULES)
    assert (r.date, r.provisional) == (due, False)


@pytest.mark.parametrize(
    "accepted, due",
    [
        # Thu 2026-04-16 + 60 = Mon 06-15, a working day: no roll.
        (D(2026, 4, 16), D(2026, 6, 15)),
        # Wed 2026-04-15 + 60 = Sun 06-14 → Mon 06-15.
        (D(2026, 4, 15), D(2026, 6, 15)),
        # Mon 2026-04-20 + 60 = Fri 06-19, Dragon Boat (06-19..06-21 off) → Mon 06-22.
        (D(2026, 4, 20), D(2026, 6, 22)),
        # Mon 2026-08-03 + 60 = Fri 10-02, National Day (10-01..10-07 off) → Thu 10-08.
        (D(2026, 8, 3), D(2026, 10, 8)),
        # Sat 2026-07-11 + 60 = Wed 09-09: an ordinary day.
        (D(2026, 7, 11), D(2026, 9, 9)),
        # Mon 2026-07-27 + 60 = Fri 09-25, Mid-Autumn → Sat 09-26, Sun 09-27 off → Mon 09-28.
        (D(2026, 7, 27), D(2026, 9, 28)),
    ],
)
def test_mediation_new_rule_60_calendar_days_rolls_to_next_working_day(cal, accepted, due):
    r = mediation_due(cal, accepted, RULE_NEW, [], RULES)
    assert (r.date, r.provisional) == (due, False)


def test_mediation_limits_are_settings(cal):
    rules = DeadlineRules.from_settings({"deadline.mediation_days_new": 30, "deadline.mediation_working_days_old": 10})
    # Thu 2026-04-16 + 30 = Sat 05-16 → Mon 05-18.
    assert mediation_due(cal, D(2026, 4, 16), RULE_NEW, [], rules).date == D(2026, 5, 18)
    # Tue 2025-09-30 + 10 working days: 10-09, 10-10, 10-11 (3), 10-13 … 10-17 (8), 10-20, 10-21.
    assert mediation_due(cal, D(2025, 9, 30), RULE_OLD, [], rules).date == D(2025, 10, 21)


# -- pauses for testing / appraisal -------------------------------------------------------------


def test_old_rule_pause_extends_by_the_paused_working_days(cal):
    base = mediation_due(cal, D(2025, 9, 30), RULE_OLD, [], RULES).date
    assert base == D(2025, 12, 9)
    # Paused Mon 10-20, resumed Fri 10-24: 10-21 … 10-24 are 4 working days not counted.
    # 12-09 + 4 working days = 12-10, 12-11, 12-12, 12-15.
    r = mediation_due(cal, D(2025, 9, 30), RULE_OLD, [(D(2025, 10, 20), D(2025, 10, 24))], RULES)
    assert r.date == D(2025, 12, 15)
    assert cal.working_days_between(D(2025, 10, 20), D(2025, 10, 24)) == 4
    # A pause over a weekend costs only its working days: Fri 10-17 → Tue 10-21 pauses 10-20, 10-21.
    r = mediation_due(cal, D(2025, 9, 30), RULE_OLD, [(D(2025, 10, 17), D(2025, 10, 21))], RULES)
    assert r.date == D(2025, 12, 11)


def test_old_rule_pause_over_the_holiday_counts_only_working_days(cal):
    # Paused on acceptance day 09-30 until 10-10: of 10-01 … 10-10 only 10-09 and 10-10 work.
    r = mediation_due(cal, D(2025, 9, 30), RULE_OLD, [(D(2025, 9, 30), D(2025, 10, 10))], RULES)
    assert r.date == D(2025, 12, 11)


def test_two_pauses_add_up(cal):
    pauses = [(D(2025, 10, 20), D(2025, 10, 24)), (D(2025, 11, 3), D(2025, 11, 5))]  # 4 + 2 working days
    # 12-09 + 6 working days: 12-10, 12-11, 12-12, 12-15, 12-16, 12-17.
    assert mediation_due(cal, D(2025, 9, 30), RULE_OLD, pauses, RULES).date == D(2025, 12, 17)


@pytest.mark.parametrize("days", [1, 3, 10])
def test_new_rule_pause_extends_by_the_paused_calendar_days(cal, days):
    # Thu 2026-04-16 + 60 = Mon 06-15; paused from 05-10 for `days` days.
    start = D(2026, 5, 10)
    r = mediation_due(cal, D(2026, 4, 16), RULE_NEW, [(start, start + datetime.timedelta(days=days))], RULES)
    expected = {1: D(2026, 6, 16), 3: D(2026, 6, 18), 10: D(2026, 6, 25)}[days]
    assert r.date == expected


def test_new_rule_pause_pushing_onto_a_holiday_rolls_forward(cal):
    # 06-15 + 4 days = Fri 06-19 (Dragon Boat) → Mon 06-22.
    r = mediation_due(cal, D(2026, 4, 16), RULE_NEW, [(D(2026, 5, 10), D(2026, 5, 14))], RULES)
    assert r.date == D(2026, 6, 22)


def test_pause_after_the_deadline_does_not_revive_it(cal):
    # The period had run out on 06-15; a pause begun later changes nothing.
    r = mediation_due(cal, D(2026, 4, 16), RULE_NEW, [(D(2026, 7, 1), D(2026, 7, 20))], RULES)
    assert r.date == D(2026, 6, 15)


def test_empty_pause_changes_nothing(cal):
    r = mediation_due(cal, D(2025, 9, 30), RULE_OLD, [(D(2025, 10, 20), D(2025, 10, 20))], RULES)
    assert r.date == D(2025, 12, 9)


def test_open_pause_has_no_deadline(cal):
    with pytest.raises(ValueError):
        count_forward(cal, D(2025, 9, 30), 45, working_days=True, pauses=[(D(2025, 10, 20), None)])
    due = current_due(
        cal, status="mediating", rule_version=RULE_OLD, received_date=D(2025, 9, 26), accepted_date=D(2025, 9, 30),
        mediation_ended_date=None, termination_notified_date=None, pauses=[(D(2025, 10, 20), None)], rules=RULES,
    )
    assert due.paused and due.date is None and due.kind == "mediation"


# -- termination notice, referrals ------------------------------------------------------------


def test_termination_notice_due_seven_working_days(cal):
    assert termination_notice_due(cal, D(2026, 2, 12), RULES).date == D(2026, 2, 28)
    assert termination_notice_due(cal, D(2025, 9, 30), RULES).date == D(2025, 10, 16)


def test_referral_reply_due(cal):
    # Enforcement clue sent Thu 2026-02-12: 02-13, 02-14, 02-24 … 02-28 (7), 03-02 … 03-06 (12),
    # 03-09, 03-10, 03-11 (15).
    assert referral_reply_due(cal, D(2026, 2, 12), "enforcement", RULES).date == D(2026, 3, 11)
    # Transfer sent Thu 2026-09-24: 09-25 Mid-Autumn; 09-28, 09-29, 09-30 (3); 10-01..10-07 off;
    # 10-08, 10-09, Sat 10-10 (6); 10-12 … 10-16 (11); 10-19 … 10-22 (15).
    assert referral_reply_due(cal, D(2026, 9, 24), "transfer", RULES).date == D(2026, 10, 22)
    rules = DeadlineRules.from_settings({"deadline.referral_reply_working_days": 5})
    # 09-28, 09-29, 09-30, 10-08, 10-09.
    assert referral_reply_due(cal, D(2026, 9, 24), "transfer", rules).date == D(2026, 10, 9)
    assert referral_reply_due(cal, D(2026, 9, 24), "enforcement", rules).date == D(2026, 10, 22)


# -- the current deadline of a case ---------------------------------------------------------------


def _due(cal, status, **kw):
    base = dict(rule_version=RULE_OLD, received_date=D(2025, 9, 26), accepted_date=D(2025, 9, 30),
                mediation_ended_date=None, termination_notified_date=None, pauses=[], rules=RULES)
    base.update(kw)
    return current_due(cal, status=status, **base)


def test_current_due_follows_the_step(cal):
    assert (_due(cal, "registered").kind, _due(cal, "registered").date) == ("accept", D(2025, 10, 13))
    assert (_due(cal, "accepted").kind, _due(cal, "accepted").date) == ("mediation", D(2025, 12, 9))
    assert _due(cal, "mediating").date == D(2025, 12, 9)
    t = _due(cal, "terminated", mediation_ended_date=D(2026, 2, 12))
    assert (t.kind, t.date) == ("termination_notice", D(2026, 2, 28))
    assert _due(cal, "terminated", mediation_ended_date=D(2026, 2, 12), termination_notified_date=D(2026, 2, 13)).kind is None
    for status in ("refused", "mediated", "referred", "withdrawn", "closed", "archived"):
        assert _due(cal, status).date is None, status


# -- years the package does not cover -------------------------------------------------------------


def test_deadline_in_an_uncovered_year_is_provisional(cal):
    # Mon 2026-11-30 + 60 = Fri 2027-01-29: Monday–Friday fallback, marked provisional.
    r = mediation_due(cal, D(2026, 11, 30), RULE_NEW, [], RULES)
    assert (r.date, r.provisional, r.uncovered_years) == (D(2027, 1, 29), True, (2027,))
    # Old rule counted into 2027: every working day after 2026-12-31 is a guess.
    r = mediation_due(cal, D(2026, 12, 1), RULE_OLD, [], RULES)
    assert r.provisional and r.uncovered_years == (2027,)
    # With a pause the day-by-day count notices the uncovered year too.
    r = mediation_due(cal, D(2026, 11, 30), RULE_NEW, [(D(2026, 12, 1), D(2026, 12, 3))], RULES)
    assert (r.date, r.provisional) == (D(2027, 2, 1), True)


def test_overrides_for_the_year_make_it_final():
    # An entry alone is no schedule: only a year declared complete is final.
    cal = WorkCalendar({D(2027, 1, 1): False})
    r = mediation_due(cal, D(2026, 11, 30), RULE_NEW, [], RULES)
    assert (r.date, r.provisional) == (D(2027, 1, 29), True)
    cal = WorkCalendar({D(2027, 1, 1): False}, covered_override_years=[2027])
    r = mediation_due(cal, D(2026, 11, 30), RULE_NEW, [], RULES)
    assert (r.date, r.provisional) == (D(2027, 1, 29), False)
    cal = WorkCalendar({D(2027, 1, 1): False, D(2027, 1, 29): False}, covered_override_years=[2027])
    r = mediation_due(cal, D(2026, 11, 30), RULE_NEW, [], RULES)
    assert (r.date, r.provisional) == (D(2027, 2, 1), False)


def test_override_wins_over_the_package():
    # An office that also rests on 2025-10-09 (a local rule) gets one day more.
    cal = WorkCalendar({D(2025, 10, 9): False})
    assert acceptance_due(cal, D(2025, 9, 30), RULES).date == D(2025, 10, 17)


# -- deadlines kept on the cases (SQLite and PostgreSQL) ---------------------------------------

TODAY = datetime.datetime(2026, 11, 30, 10, 0)


@pytest.fixture(params=BACKENDS)
def desk(request):  # type: ignore[no-untyped-def]
    """Fresh database per test; PostgreSQL emptied rather than recreated (see test_complaints_service)."""
    yield from fresh_desk(request)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    # Logging in is not under test here; argon2's default cost would dominate the run time.
    from argon2 import PasswordHasher

    from desk.services import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def frozen(monkeypatch):
    """Today is Mon 2026-11-30 (and can be moved by the test)."""
    from desk import clock

    state = {"now": TODAY}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


def _complaint(desk, received: datetime.datetime, bid: int | None = None, **kw):
    from desk.services.businesses import BusinessInput
    from desk.services.complaints import ComplaintInput

    if bid is None:
        bid = desk.businesses.create(BusinessInput(name=f"经营者{received:%m%d%H%M%S}")).id
    values = dict(consumer_name="张三", consumer_phone="13812345678", channel_code="C02", category_code="S0701",
                  nature_code="N02", received_at=received, business_id=bid, facts="网购商品与描述不符。")
    values.update(kw)
    return desk.complaints.register(ComplaintInput(**values))


def _act(desk, c, action, on, **kw):
    from desk.services.complaints import ActionInput

    return desk.complaints.act(c.id, action, c.version, ActionInput(on=on, **kw))


def test_acceptance_due_stored_on_registration(desk, frozen):
    a = _complaint(desk, datetime.datetime(2025, 9, 30, 16, 45))
    assert (a.due_kind, a.due_date, a.due_provisional, a.rule_version) == ("accept", D(2025, 10, 16), False, RULE_OLD)
    assert a.due_label == "受理决定 2025-10-16"
    b = _complaint(desk, datetime.datetime(2026, 2, 12, 9, 0))
    assert b.due_date == D(2026, 2, 28)
    # Both are overdue on 2026-11-30 and the list and worklist say so.
    assert a.overdue and b.overdue
    assert {i.complaint_id for i in desk.complaints.worklist().overdue} == {a.id, b.id}
    from desk.services.complaints import ComplaintFilter

    assert set(desk.complaints.query_ids(ComplaintFilter(overdue=True))) == {a.id, b.id}
    assert "2025-10-16" in desk.complaints.timeline(a.id)[0].detail


def test_rule_version_is_picked_by_receipt_date(desk, frozen):
    old = _complaint(desk, datetime.datetime(2026, 4, 14, 17, 30))
    new = _complaint(desk, datetime.datetime(2026, 4, 15, 8, 30))
    old = _act(desk, old, "accept", D(2026, 4, 20))
    new = _act(desk, new, "accept", D(2026, 4, 20))
    # Accepted the same day, after the change; the receipt date decides.
    assert (old.rule_version, old.due_kind, old.due_date) == (RULE_OLD, "mediation", D(2026, 6, 25))
    assert (new.rule_version, new.due_kind, new.due_date) == (RULE_NEW, "mediation", D(2026, 6, 22))
    # Correcting the receipt date of a case not yet accepted moves it to the other rule.
    from dataclasses import replace

    from desk.services.complaints import ComplaintInput

    c = _complaint(desk, datetime.datetime(2026, 4, 16, 9, 0))
    assert c.rule_version == RULE_NEW
    inp = ComplaintInput(consumer_name="张三", consumer_phone="13812345678", channel_code="C02", category_code="S0701",
                         nature_code="N02", received_at=datetime.datetime(2026, 4, 10, 9, 0), business_id=c.business_id,
                         facts="网购商品与描述不符。")
    c = desk.complaints.update(c.id, c, inp)
    assert (c.rule_version, c.due_date) == (RULE_OLD, D(2026, 4, 21))  # 7 working days from Fri 04-10
    c = _act(desk, c, "accept", D(2026, 4, 20))
    assert c.due_date == D(2026, 6, 25)
    # Once accepted, the receipt date is fixed.
    from desk.errors import ValidationError

    with pytest.raises(ValidationError) as exc:
        desk.complaints.update(c.id, c, replace(inp, received_at=datetime.datetime(2026, 4, 16, 9, 0)))
    assert set(exc.value.fields) == {"received_at"}


def test_pause_old_rule_through_the_service(desk, frozen):
    c = _complaint(desk, datetime.datetime(2025, 9, 26, 10, 0))
    c = _act(desk, c, "accept", D(2025, 9, 30))
    assert c.due_date == D(2025, 12, 9)
    c = _act(desk, c, "start_mediation", D(2025, 10, 9))
    c = _act(desk, c, "pause", D(2025, 10, 20), reason="送检")
    assert (c.due_date, c.paused_since) == (None, D(2025, 10, 20))
    assert c.due_label == "计时暂停（自2025-10-20）"
    assert not c.overdue
    wl = desk.complaints.worklist()
    (mine,) = [i for i in wl.mine if i.complaint_id == c.id]
    assert (mine.what, mine.due_date) == ("计时暂停", None)
    assert c.id not in {i.complaint_id for i in wl.overdue + wl.due_soon}
    (row,) = desk.complaints.rows([c.id])
    assert row.paused and row.due_date is None
    c = _act(desk, c, "resume", D(2025, 10, 24))
    # 4 working days (10-21 … 10-24) not counted.
    assert (c.due_date, c.paused_since) == (D(2025, 12, 15), None)
    # A second pause adds its working days: 11-03 → 11-05 pauses 11-04, 11-05.
    c = _act(desk, c, "pause", D(2025, 11, 3), reason="鉴定")
    c = _act(desk, c, "resume", D(2025, 11, 5))
    assert c.due_date == D(2025, 12, 17)


def test_pause_new_rule_through_the_service(desk, frozen):
    c = _complaint(desk, datetime.datetime(2026, 4, 16, 10, 0))
    c = _act(desk, c, "accept", D(2026, 4, 16))
    c = _act(desk, c, "pause", D(2026, 5, 10), reason="送检")
    c = _act(desk, c, "resume", D(2026, 5, 20))
    # 06-15 + 10 calendar days = Thu 06-25.
    assert c.due_date == D(2026, 6, 25)


def test_due_soon_in_the_worklist(desk, frozen):
    # Received Fri 2026-11-20: due Tue 12-01, within 3 working days of today, not overdue.
    a = _complaint(desk, datetime.datetime(2026, 11, 20, 9, 0))
    assert a.due_date == D(2026, 12, 1)
    b = _complaint(desk, datetime.datetime(2026, 11, 27, 9, 0))  # due 12-08: later than 3 working days
    wl = desk.complaints.worklist()
    assert [i.complaint_id for i in wl.due_soon] == [a.id]
    assert wl.due_soon[0].what == "受理决定"
    assert {i.complaint_id for i in wl.mine} == {a.id, b.id}
    assert wl.overdue == ()


def test_provisional_deadline_until_the_year_is_entered(desk, frozen):
    c = _complaint(desk, datetime.datetime(2026, 11, 20, 9, 0))
    c = _act(desk, c, "accept", D(2026, 11, 30))
    # + 60 = Fri 2027-01-29 on the Monday–Friday fallback.
    assert (c.due_date, c.due_provisional) == (D(2027, 1, 29), True)
    assert "暂定" in c.due_label
    (row,) = desk.complaints.rows([c.id])
    assert row.due_provisional
    assert desk.complaints.worklist().provisional_years == (2027,)

    # One entry is no schedule: the deadline stays provisional …
    desk.calendar.set_override(D(2027, 1, 1), False, "元旦")
    assert desk.complaints.get(c.id).due_provisional
    # … until the office declares 2027 complete; the calendar service recomputes open cases.
    desk.calendar.set_year_complete(2027)
    c = desk.complaints.get(c.id)
    assert (c.due_date, c.due_provisional) == (D(2027, 1, 29), False)
    assert "暂定" not in c.due_label
    assert desk.complaints.worklist().provisional_years == ()
    # Nothing left to change.
    assert desk.complaints.recompute_due_dates() == 0

    # A holiday on the last day moves the deadline, both on the calendar change and on the next step.
    desk.calendar.set_override(D(2027, 1, 29), False, "调休")
    assert desk.complaints.get(c.id).due_date == D(2027, 2, 1)
    desk.calendar.remove_override(D(2027, 1, 29))
    c = _act(desk, desk.complaints.get(c.id), "start_mediation", D(2026, 11, 30))
    assert (c.due_date, c.due_provisional) == (D(2027, 1, 29), False)


def test_provisional_referral_reply_due_is_recomputed(desk, frozen):
    frozen["now"] = datetime.datetime(2026, 12, 21, 9, 0)
    c = _complaint(desk, datetime.datetime(2026, 12, 18, 9, 0))
    c = _act(desk, c, "transfer", D(2026, 12, 21), department="县市场监督管理局")
    ref = c.referrals[0]
    # Mon 2026-12-21 + 15 working days: 12-22 … 12-31 (8), then 2027 on the fallback:
    # 01-01 is New Year; 01-04 … 01-08 (13), 01-11, 01-12.
    assert (ref.reply_due, ref.reply_due_provisional) == (D(2027, 1, 12), True)
    # An imported file is taken as the whole schedule of its year: the reply due is recomputed.
    desk.calendar.import_text("2027-01-01..2027-01-03 休 元旦\n2027-01-04 休 元旦调休（假设）\n")
    assert desk.complaints.recompute_due_dates() == 0  # already done by the import
    ref = desk.complaints.get(c.id).referrals[0]
    assert (ref.reply_due, ref.reply_due_provisional) == (D(2027, 1, 13), False)


def test_deadline_settings_apply_to_new_cases(desk, frozen):
    before = _complaint(desk, datetime.datetime(2025, 9, 30, 9, 0))
    desk.settings.save({"deadline.accept_working_days": 5, "deadline.mediation_days_new": 30})
    after = _complaint(desk, datetime.datetime(2025, 9, 30, 9, 0))
    assert before.due_date == D(2025, 10, 16)
    assert after.due_date == D(2025, 10, 14)
    assert desk.complaints.get(before.id).due_date == D(2025, 10, 16)  # stored dates are not silently moved
    n = _complaint(desk, datetime.datetime(2026, 4, 16, 9, 0))
    n = _act(desk, n, "accept", D(2026, 4, 16))
    assert n.due_date == D(2026, 5, 18)  # Sat 05-16 → Mon 05-18
    # The rule-change date is a setting too (for the office's own stricter rules).
    desk.settings.save({"deadline.rule_change_date": "2026-05-01"})
    assert _complaint(desk, datetime.datetime(2026, 4, 20, 9, 0)).rule_version == RULE_OLD
    from desk.errors import ValidationError

    with pytest.raises(ValidationError) as exc:
        desk.settings.save({"deadline.accept_working_days": 0})
    assert exc.value.fields == {"deadline.accept_working_days": "不能小于1"}
