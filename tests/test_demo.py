"""Demo data: deterministic for a seed, valid codes and phones, safe to re-run."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, select

from desk import demo
from desk.errors import DeskError
from desk.facade import SYSTEM_ACTOR, Desk
from desk.models import Business, HolidayOverride, Office, User
from desk.roles import Role
from desk.validators import FieldError, credit_code, mobile_or_landline


def test_credit_check_character_matches_published_examples():
    # Check characters of codes that pass the project's validator and of GB 11714's example.
    assert demo.credit_check_char("91350100M000100Y4") == "3"
    assert demo.org_check_char("D2143569") == "X"
    rng = random.Random(1)
    for _ in range(300):
        code = demo.make_credit_code(rng, individual=rng.random() < 0.5)
        assert credit_code(code) == code
        assert code.startswith(("91341222", "92341222"))
        # the 9-character organisation code inside carries its own GB 11714 check character
        assert demo.org_check_char(code[8:16]) == code[16]
        wrong = code[:17] + ("0" if code[17] != "0" else "1")
        with pytest.raises(FieldError):
            credit_code(wrong)


def test_same_seed_same_businesses_other_seed_different():
    a = demo.generate_businesses(42, 50)
    b = demo.generate_businesses(42, 50)
    c = demo.generate_businesses(43, 50)
    assert a == b
    assert [r["name"] for r in a] != [r["name"] for r in c]
    assert len({r["credit_code"] for r in a}) == 50


def test_generated_businesses_are_valid_and_local():
    rows = demo.generate_businesses(7, 300)
    for r in rows:
        assert credit_code(r["credit_code"]) == r["credit_code"]
        assert mobile_or_landline(r["phone"]) == r["phone"]
        assert r["name"].startswith("太和县")
        assert r["township"] in demo.TOWNSHIP_NAMES
        assert r["township"] in r["address"]
        assert r["contact_person"]
    # a realistic mix, not one trade only
    suffixes = {t for t, _w, _i in demo.TRADES if any(r["name"].endswith(t) for r in rows)}
    assert len(suffixes) >= 15
    assert any(r["phone"].startswith("0558-") for r in rows)
    assert any(len(r["phone"]) == 11 for r in rows)


def test_run_demo_fills_and_rerun_skips(desk):
    report = demo.run_demo(desk, 11, businesses=50, complaints=40, consultations=10)
    with desk.read() as s:
        n_business = s.scalar(select(func.count()).select_from(Business))
        branches = s.execute(select(Office.name, Office.code).where(Office.kind == "branch")).all()
        roles = dict(s.execute(select(User.role, func.count()).where(User.username.like("demo_%")).group_by(User.role)).all())
        codes = list(s.scalars(select(Business.credit_code)))
        phones = list(s.scalars(select(Business.phone)))
        holiday = s.execute(select(HolidayOverride.is_workday).where(HolidayOverride.day == dt.date(2027, 1, 1))).one_or_none()
    assert n_business == 50
    assert 3 <= len(branches) <= 5
    assert all(any(t in name for t in demo.TOWNSHIP_NAMES) and code.startswith("TH") for name, code in branches)
    assert set(roles) == {r.value for r in Role}
    assert all(credit_code(c) == c for c in codes)
    assert all(mobile_or_landline(p) == p for p in phones)
    assert holiday is not None and holiday.is_workday is False  # 元旦
    steps = dict(report.steps)
    # Only the steps this test sized; other issues add steps of their own.
    known = ("单位（县消协及基层分会）", "用户（各角色）", "经营者", "2027年节假日安排（示例）", "投诉（近三年）", "来访咨询")
    assert sum(steps[k].added for k in known) == 50 + len(branches) + sum(roles.values()) + 1 + 40 + 10  # county office existed
    assert desk.complaints.count() == 40

    again = demo.run_demo(desk, 11, businesses=50, complaints=40, consultations=10)
    assert sum(dict(again.steps)[k].added for k in known) == 0
    assert desk.businesses.count() == 50

    other = demo.run_demo(desk, 12, businesses=20, complaints=40, consultations=10)
    assert dict(other.steps)["经营者"].added == 20
    assert desk.businesses.count() == 70


def test_demo_users_log_in_with_demo_password(sqlite_url):
    with Desk.open(sqlite_url, actor=SYSTEM_ACTOR) as d:
        demo.run_demo(d, 3, businesses=5)
    with Desk.open(sqlite_url) as d:
        actor = d.auth.login("demo_handler1", demo.DEMO_PASSWORD)
        assert actor.role == Role.HANDLER.value
        # the county office was created since the database had none
        assert d.offices.get(actor.office_id).code == "TH"


def test_same_seed_gives_same_database_content(tmp_path):
    from desk.paths import sqlite_url

    names = []
    for i in range(2):
        with Desk.open(sqlite_url(tmp_path / f"d{i}.sqlite3"), actor=SYSTEM_ACTOR) as d:
            demo.run_demo(d, 99, businesses=30)
            with d.read() as s:
                names.append(list(s.execute(select(Business.name, Business.credit_code, Business.phone).order_by(Business.id))))
            with d.read() as s:
                names.append(sorted(s.scalars(select(Office.code))))
    assert names[0] == names[2] and len(names[0]) == 30
    assert names[1] == names[3]


def test_holidays_left_alone_when_office_entered_2027(sqlite_desk):
    sqlite_desk.calendar.set_override(dt.date(2027, 2, 6), True, "春节调休")
    report = demo.run_demo(sqlite_desk, 1, businesses=0)
    assert dict(report.steps)["2027年节假日安排（示例）"].added == 0
    assert [o.day for o in sqlite_desk.calendar.overrides(2027)] == [dt.date(2027, 2, 6)]


def test_unknown_or_negative_counts_are_refused(sqlite_desk):
    with pytest.raises(DeskError, match="未知"):
        demo.run_demo(sqlite_desk, 1, complaintz=5)
    with pytest.raises(DeskError, match="负数"):
        demo.run_demo(sqlite_desk, 1, businesses=-1)
    assert sqlite_desk.businesses.count() == 0


def test_later_steps_register_with_their_own_seeded_generators(sqlite_desk):
    seen: list[float] = []

    @demo.demo_step("widgets_test", label="测试用部件", count=2)
    def _widgets(ctx: demo.DemoContext) -> demo.StepResult:
        seen.append(ctx.rng.random())
        return demo.StepResult(added=ctx.count("widgets_test", 2))

    try:
        r1 = demo.run_demo(sqlite_desk, 5, businesses=0, widgets_test=4)
        r2 = demo.run_demo(sqlite_desk, 5, businesses=0)
        from desk.cli import build_parser

        args = build_parser().parse_args(["demo", "--seed", "5", "--widgets-test", "7"])
        assert args.count_widgets_test == 7
    finally:
        demo.STEPS[:] = [s for s in demo.STEPS if s.name != "widgets_test"]
    assert dict(r1.steps)["测试用部件"].added == 4
    assert dict(r2.steps)["测试用部件"].added == 2
    assert seen[0] == seen[1] == random.Random("5:widgets_test").random()
