"""Complaint registration, intake warnings, the case list, masking and attachments, on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import PG_URL, open_as_admin

from desk import clock
from desk.errors import NotFound, PermissionDenied, ValidationError
from desk.facade import Desk
from desk.roles import Role
from desk.services.businesses import BusinessInput
from desk.services.complaints import (
    MAX_ATTACHMENT_BYTES,
    SORT_COLUMNS,
    ActionInput,
    ComplaintFilter,
    ComplaintInput,
    PartyInput,
)
from desk.services.offices import OfficeInput
from desk.services.users import UserInput
from tests.conftest import drop_database

D = datetime.date
DT = datetime.datetime
TODAY = DT(2026, 11, 30, 10, 0)
VALID_CREDIT_CODE = "91350100M000100Y43"
VALID_ID = "11010519491231002X"  # the GB 11643 sample


# -- a fresh database per test, cheaply -----------------------------------------------------
# Creating and dropping a PostgreSQL database per test cost 1-2.5 s each on this machine (and
# DROP … WITH (FORCE) fails when an autovacuum worker is attached). These tests share one
# database per run instead and empty it before each test: every table but the schema version
# and the vocabulary is truncated, identities restart, and setup runs again. SQLite files are
# cheap and stay one per test. test_complaints_workflow/deadlines use the same fixture.

BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]
_shared_pg: dict[str, str] = {}


def _pg_admin():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from desk.db import normalise_url

    return create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _shared_pg_url(request: pytest.FixtureRequest) -> str:
    template = request.getfixturevalue("pg_template")
    if "url" not in _shared_pg:
        import os
        import uuid

        from desk.db import normalise_url

        name = f"cadesk_cx_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = _pg_admin()
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'')
        admin.dispose()

        def drop() -> None:
            admin = _pg_admin()
            with admin.connect() as c:
                drop_database(c, name)
            admin.dispose()

        request.config.add_cleanup(drop)
        _shared_pg["url"] = normalise_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    return _shared_pg["url"]


def _empty_pg(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    eng = create_engine(url, poolclass=NullPool)
    with eng.begin() as c:
        tables = [r[0] for r in c.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('alembic_version', 'vocab_item')")]
        c.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    eng.dispose()


def fresh_desk(request: pytest.FixtureRequest) -> Iterator[Desk]:
    """A logged-in administrator's Desk on an empty database (the ``desk`` fixture's contract)."""
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
    else:
        url = _shared_pg_url(request)
        _empty_pg(url)
    d = open_as_admin(url)
    yield d
    d.close()


@pytest.fixture(params=BACKENDS)
def desk(request):  # type: ignore[no-untyped-def]
    yield from fresh_desk(request)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: TODAY)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    # Users log in several times per test; argon2's default cost would dominate the run time.
    from argon2 import PasswordHasher

    from desk.services import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _business(desk, name="太和县华联超市", **kw) -> int:
    return desk.businesses.create(BusinessInput(name=name, **kw)).id


def _input(bid: int | None, **kw) -> ComplaintInput:
    values = dict(consumer_name="张三", consumer_phone="13812345678", channel_code="C01", category_code="G0101",
                  nature_code="N03", received_at=DT(2026, 11, 2, 9, 30), business_id=bid, amount="1999.00",
                  demand="退货退款", facts="购买的电饭煲使用三天后无法加热，商家拒绝退货。")
    values.update(kw)
    return ComplaintInput(**values)


def _login_as(desk, role: Role, username: str, name: str, office_id: int | None = None) -> Desk:
    desk.users.create(UserInput(username, name, role.value, office_id or desk.actor.office_id, password="pass-12345"))
    other = Desk(desk.engine, desk.url)
    other.auth.login(username, "pass-12345")
    return other


def _counts(desk) -> tuple[int, int]:
    return desk.complaints.count(), desk.businesses.count()


# -- registration -----------------------------------------------------------------------------


def test_register_saves_what_was_entered(desk):
    bid = _business(desk)
    c = desk.complaints.register(_input(bid, consumer_phone="138 1234 5678", consumer_id_no=VALID_ID.lower(),
                                        consumer_address="太和县城关镇人民路1号", amount="１,９９９.５元"))
    assert c.case_no == "TH-2026-00001"
    assert (c.consumer_phone, c.consumer_id_no, c.amount) == ("13812345678", VALID_ID, Decimal("1999.50"))
    assert (c.business_id, c.business_name, c.category_name, c.nature_name, c.channel_name) == (
        bid, "太和县华联超市", "家用电子电器类 / 家用电器", "质量", "来电")
    assert (c.status_label, c.handler_name, c.office_code, c.is_joint, c.masked) == ("登记", "系统管理员", "TH", False, False)
    assert c.received_at == DT(2026, 11, 2, 9, 30)
    (e,) = desk.complaints.timeline(c.id)
    assert (e.action, e.username, e.event_date, e.to_status) == ("register", "系统管理员", D(2026, 11, 2), "registered")
    # Default receipt time is now.
    c2 = desk.complaints.register(_input(bid, received_at=None))
    assert (c2.received_at, c2.case_no) == (TODAY, "TH-2026-00002")


BAD_INPUTS = [
    ({"consumer_phone": "1381234567"}, "consumer_phone"),
    ({"consumer_phone": "  "}, "consumer_phone"),
    ({"consumer_phone": "0558-12"}, "consumer_phone"),
    ({"consumer_id_no": "110105194912310021"}, "consumer_id_no"),  # wrong check digit
    ({"consumer_id_no": "11010519491231"}, "consumer_id_no"),
    ({"amount": "12.345"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "一百"}, "amount"),
    ({"category_code": ""}, "category_code"),
    ({"category_code": "X99"}, "category_code"),
    ({"nature_code": ""}, "nature_code"),
    ({"channel_code": "C77"}, "channel_code"),
    ({"consumer_name": " "}, "consumer_name"),
    ({"facts": ""}, "facts"),
    ({"received_at": DT(2026, 12, 5, 9, 0)}, "received_at"),
    ({"agent_name": "李律师", "agent_authorised": False}, "agent_authorised"),
    ({"agent_name": "李律师", "agent_authorised": True, "agent_phone": "123"}, "agent_phone"),
    ({"parties": (PartyInput("李四", is_representative=True), PartyInput("王五", is_representative=True)),
      "consumer_is_representative": True}, "parties"),
    ({"parties": (PartyInput("李四", phone="139"),)}, "parties"),
    ({"parties": (PartyInput("李四", id_no="123"),)}, "parties"),
    ({"parties": (PartyInput("  "),)}, "parties"),
    ({"business_id": None}, "business"),
    ({"business_id": 999999}, "business"),
    ({"handler_id": 999999}, "handler_id"),
    ({"office_id": 999999}, "office_id"),
]


def test_bad_input_names_the_field_and_saves_nothing(desk):
    bid = _business(desk)
    before = _counts(desk)
    for changes, field in BAD_INPUTS:
        with pytest.raises(ValidationError) as exc:
            desk.complaints.register(_input(bid, **changes))
            pytest.fail(f"accepted: {changes}")
        assert field in exc.value.fields, (changes, exc.value.fields)
        message = exc.value.fields[field]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
        assert _counts(desk) == before, changes
    # Several mistakes are reported together.
    with pytest.raises(ValidationError) as exc:
        desk.complaints.register(_input(bid, consumer_phone="1", amount="x", category_code="", facts=""))
    assert {"consumer_phone", "amount", "category_code", "facts"} <= set(exc.value.fields)
    assert "消费者电话" in exc.value.message and "争议金额" in exc.value.message
    assert _counts(desk) == before
    # An agent with a written authorisation, and exactly two representatives, are fine.
    c = desk.complaints.register(_input(bid, agent_name="李律师", agent_authorised=True, agent_phone="0558-8612345",
                                        parties=(PartyInput("李四", is_representative=True),),
                                        consumer_is_representative=True))
    assert (c.agent_name, c.agent_phone, c.agent_authorised) == ("李律师", "0558-8612345", True)


def test_inline_business(desk):
    before = _counts(desk)
    with pytest.raises(ValidationError) as exc:
        desk.complaints.register(_input(None, new_business=BusinessInput(name="太和县新开超市", credit_code="91350100M000100Y44")))
    assert set(exc.value.fields) == {"business.credit_code"}
    assert "统一社会信用代码" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        desk.complaints.register(_input(None, new_business=BusinessInput(name=" ")))
    assert set(exc.value.fields) == {"business.name"}
    # A valid new business plus a bad consumer phone: neither is saved.
    with pytest.raises(ValidationError):
        desk.complaints.register(_input(None, consumer_phone="1", new_business=BusinessInput(name="太和县新开超市")))
    assert _counts(desk) == before

    c = desk.complaints.register(_input(None, new_business=BusinessInput(name="太和县新开超市", credit_code=VALID_CREDIT_CODE,
                                                                          address="太和县城关镇")))
    assert _counts(desk) == (before[0] + 1, before[1] + 1)
    assert (c.business_name, c.business_credit_code, c.business_address) == ("太和县新开超市", VALID_CREDIT_CODE, "太和县城关镇")
    assert desk.businesses.search("新开")[0].id == c.business_id
    # The same credit code again is someone already registered.
    with pytest.raises(ValidationError) as exc:
        desk.complaints.register(_input(None, new_business=BusinessInput(name="另一家", credit_code=VALID_CREDIT_CODE)))
    assert set(exc.value.fields) == {"business.credit_code"}


def test_joint_complaint(desk):
    bid = _business(desk)
    c = desk.complaints.register(_input(
        bid, consumer_is_representative=True,
        parties=(PartyInput("李四", phone="13900001111", is_representative=True), PartyInput("欧阳娜娜", id_no=VALID_ID)),
    ))
    assert c.is_joint and c.consumer_is_representative
    assert [(p.name, p.phone, p.is_representative) for p in c.parties] == [
        ("李四", "13900001111", True), ("欧阳娜娜", "", False)]
    assert "共3名投诉人" in desk.complaints.timeline(c.id)[0].detail
    assert desk.complaints.query_ids(ComplaintFilter(keyword="欧阳娜娜")) == [c.id]
    assert desk.complaints.query_ids(ComplaintFilter(keyword="李四")) == [c.id]
    # Editing keeps the parties searchable and replaces them.
    c = desk.complaints.update(c.id, c, _input(bid, parties=(PartyInput("赵六"),)))
    assert [p.name for p in c.parties] == ["赵六"]
    assert desk.complaints.query_ids(ComplaintFilter(keyword="赵六")) == [c.id]
    assert desk.complaints.query_ids(ComplaintFilter(keyword="欧阳娜娜")) == []
    # Masked for a reader.
    reader = _login_as(desk, Role.READONLY, "zhao", "赵只读")
    v = reader.complaints.get(c.id)
    assert [(p.name, p.phone) for p in v.parties] == [("赵某", "")]


def test_update_conflict_keeps_the_other_change(desk):
    from desk.errors import ConflictError

    bid = _business(desk)
    c = desk.complaints.register(_input(bid))
    other = Desk(desk.engine, desk.url)
    other.auth.login("admin", "admin-pass-1")
    theirs = other.complaints.update(c.id, c, _input(bid, demand="赔偿500元"))
    with pytest.raises(ConflictError) as exc:
        desk.complaints.update(c.id, c, _input(bid, facts="补充：商家态度恶劣。"))
    assert exc.value.changed["demand"] == ("退货退款", "赔偿500元")
    assert exc.value.current.version == theirs.version
    assert desk.complaints.get(c.id).facts == c.facts
    with pytest.raises(NotFound):
        desk.complaints.get(999999)


# -- intake warnings --------------------------------------------------------------------------


def _kinds(desk, inp) -> set[str]:
    return {w.kind for w in desk.complaints.intake_warnings(inp)}


def test_group_complaint_warning(desk):
    bid, other = _business(desk), _business(desk, "太和县苏宁电器")
    phones = iter(f"1390000{i:04d}" for i in range(100))
    for day in (1, 10):
        desk.complaints.register(_input(bid, consumer_phone=next(phones), received_at=DT(2026, 11, day, 9, 0)))
    third = _input(bid, consumer_phone=next(phones), received_at=DT(2026, 11, 20, 9, 0))
    warnings = desk.complaints.intake_warnings(third)
    (group,) = [w for w in warnings if w.kind == "group"]
    assert group.case_nos == ("TH-2026-00001", "TH-2026-00002")
    assert "群体" in group.message
    # Another business, or another category, is no group.
    assert "group" not in _kinds(desk, replace(third, business_id=other))
    assert "group" not in _kinds(desk, replace(third, category_code="G0102"))
    # Warnings never block: the third is registered.
    c = desk.complaints.register(third)
    assert c.case_no == "TH-2026-00003"
    # Excluding the case itself (checking it again when editing) still sees the two others.
    assert "group" in {w.kind for w in desk.complaints.intake_warnings(third, exclude_id=c.id)}

    # Outside the 30-day window: two in September, the third in November.
    bid2 = _business(desk, "太和县国美电器")
    for day in (1, 15):
        desk.complaints.register(_input(bid2, consumer_phone=next(phones), received_at=DT(2026, 9, day, 9, 0)))

    def group_with(day: datetime.datetime) -> bool:
        return "group" in _kinds(desk, _input(bid2, consumer_phone=next(phones), received_at=day))

    assert not group_with(DT(2026, 11, 20, 9, 0))
    assert not group_with(DT(2026, 10, 10, 9, 0))  # 09-15 is within 30 days, 09-01 is not
    # Inside it: 09-01, 09-15 and 10-01 lie within 30 days.
    assert group_with(DT(2026, 10, 1, 9, 0))
    assert not group_with(DT(2026, 10, 2, 9, 0))
    # A letter received earlier and registered late counts as well: 08-20, 09-01, 09-15.
    assert group_with(DT(2026, 8, 20, 9, 0))
    assert not group_with(DT(2026, 8, 15, 9, 0))  # 08-15 … 09-15 is 31 days
    # Between the two: 09-01, 09-08, 09-15.
    assert group_with(DT(2026, 9, 8, 9, 0))


def test_same_phone_and_profit_seeking_warnings(desk):
    bid = _business(desk)
    fresh = _input(bid, consumer_phone="13700001111", consumer_name="孙七")
    assert _kinds(desk, fresh) == set()
    first = desk.complaints.register(replace(fresh, received_at=DT(2026, 10, 1, 9, 0), category_code="G0201"))
    (w,) = desk.complaints.intake_warnings(fresh)
    assert (w.kind, w.case_nos) == ("open_same_phone", (first.case_no,))
    assert first.case_no in w.message
    # Once that case is closed it is no longer an open complaint with the same phone.
    first = desk.complaints.act(first.id, "withdraw", first.version, ActionInput(on=D(2026, 10, 2), reason="和解"))
    first = desk.complaints.act(first.id, "close", first.version, ActionInput(on=D(2026, 10, 2)))
    assert _kinds(desk, fresh) == set()
    # A third complaint from one phone within 90 days: a sign of profit-seeking (Art. 17).
    desk.complaints.register(replace(fresh, received_at=DT(2026, 10, 20, 9, 0), category_code="G0301"))
    assert _kinds(desk, fresh) == {"open_same_phone", "profit_seeking"}
    w = [w for w in desk.complaints.intake_warnings(fresh) if w.kind == "profit_seeking"][0]
    assert "第十七条" in w.message and len(w.case_nos) == 2
    # Counted within 90 days only: a complaint received in May is far from October's two.
    assert "profit_seeking" not in _kinds(desk, replace(fresh, received_at=DT(2026, 5, 1, 9, 0)))
    assert "profit_seeking" in _kinds(desk, replace(fresh, received_at=DT(2026, 8, 1, 9, 0)))  # 10-01, 10-20 within 90 days
    # Several people giving one phone is flagged too.
    assert _kinds(desk, replace(fresh, consumer_phone="13700003333")) == set()
    desk.complaints.register(replace(fresh, consumer_phone="13700003333", consumer_name="周八"))
    assert "profit_seeking" in _kinds(desk, replace(fresh, consumer_phone="13700003333", consumer_name="吴九"))
    # Warnings never block registration.
    c = desk.complaints.register(fresh)
    assert c.status == "registered"


# -- the case list ----------------------------------------------------------------------------


@pytest.fixture
def listed(desk):
    """Eight cases with distinct values in every column the list filters or sorts on."""
    county = desk.actor.office_id
    branch = desk.offices.create(OfficeInput(code="THCG", name="城关分会", kind="branch", parent_id=county)).id
    handler = desk.users.create(UserInput("li", "李调解", "handler", county, password="pass-12345")).id
    b1 = _business(desk, "太和县华联超市")
    b2 = _business(desk, "阜阳苏宁易购")
    specs = [
        dict(consumer_name="张三", consumer_phone="13812345678", business_id=b1, category_code="G0101", nature_code="N03",
             channel_code="C01", amount="100", received_at=DT(2026, 1, 5, 9, 0), facts="电饭煲不加热"),
        dict(consumer_name="张小明", consumer_phone="13955556666", business_id=b1, category_code="G0102", nature_code="N01",
             channel_code="C02", amount="2500.50", received_at=DT(2026, 3, 9, 10, 0), facts="手机屏幕100%碎裂，商家拒赔"),
        dict(consumer_name="李四", consumer_phone="0558-8612345", business_id=b2, category_code="G0201", nature_code="N05",
             channel_code="C04", amount="35", received_at=DT(2026, 5, 20, 11, 0), facts="价格标签a_b与结算不符"),
        dict(consumer_name="王五", consumer_phone="13700001234", business_id=b2, category_code="S0701", nature_code="N04",
             channel_code="C05", amount="899", received_at=DT(2026, 7, 1, 8, 0), facts="主播说O'Brien同款，实为仿冒"),
        dict(consumer_name="赵六", consumer_phone="13600009999", business_id=b1, category_code="S0102", nature_code="N02",
             channel_code="C06", amount="0", received_at=DT(2026, 9, 14, 15, 0), facts="美发卡余额C:\\卡\\余额无法退"),
        dict(consumer_name="孙七", consumer_phone="13500004444", business_id=b2, category_code="G0101", nature_code="N03",
             channel_code="C01", amount="12000", received_at=DT(2026, 11, 26, 9, 0), facts="冰箱不制冷",
             office_id=branch, handler_id=handler),
        dict(consumer_name="周八", consumer_phone="13400003333", business_id=b1, category_code="O01", nature_code="N10",
             channel_code="C99", amount="50", received_at=DT(2025, 12, 31, 23, 0), facts="其他问题"),
        dict(consumer_name="吴九", consumer_phone="13300002222", business_id=b2, category_code="G0303", nature_code="N06",
             channel_code="C03", amount="66.60", received_at=DT(2026, 11, 27, 16, 0), facts="预包装食品过期",
             handler_id=handler),
    ]
    cases = [desk.complaints.register(_input(None, **s)) for s in specs]
    # Statuses: accepted (mediation due long past), refused → closed, withdrawn, the rest registered.
    c = cases[1]
    cases[1] = desk.complaints.act(c.id, "accept", c.version, ActionInput(on=D(2026, 3, 10)))
    c = cases[2]
    c = desk.complaints.act(c.id, "refuse", c.version, ActionInput(on=D(2026, 5, 21), ground_code="R03"))
    cases[2] = desk.complaints.act(c.id, "close", c.version, ActionInput(on=D(2026, 5, 22)))
    c = cases[3]
    cases[3] = desk.complaints.act(c.id, "withdraw", c.version, ActionInput(on=D(2026, 7, 2), reason="和解"))
    return dict(cases=cases, branch=branch, handler=handler, b1=b1, b2=b2)


def _names(desk, f: ComplaintFilter | None = None, **kw) -> set[str]:
    return {r.consumer_name for r in desk.complaints.rows(desk.complaints.query_ids(f or ComplaintFilter(), **kw))}


def test_keyword_search(desk, listed):
    def find(word: str) -> set[str]:
        f = ComplaintFilter(keyword=word)
        names = _names(desk, f)
        assert desk.complaints.count(f) == len(names)
        return names

    assert find("张") == {"张三", "张小明"}  # one character
    assert find("张三") == {"张三"}  # two characters
    assert find("小明") == {"张小明"}
    assert find("13812345678") == {"张三"}
    assert find("8612345") == {"李四"}  # part of a landline
    assert find("华联") == {"张三", "张小明", "赵六", "周八"}  # business name
    assert find("苏宁易购") == {"李四", "王五", "孙七", "吴九"}
    assert find("不制冷") == {"孙七"}  # facts
    assert find("TH-2026-00003") == {"李四"}  # the case number too
    # Wildcards and quotes match literally.
    assert find("100%") == {"张小明"}
    assert find("%") == {"张小明"}
    assert find("a_b") == {"李四"}
    assert find("_") == {"李四"}
    assert find("'") == {"王五"}
    assert find("O'Brien") == {"王五"}
    assert find("\\") == {"赵六"}
    assert find("C:\\卡") == {"赵六"}
    assert find("'; DROP TABLE complaint; --") == set()
    # Full-width input and spaces are normalised as the stored text is.
    assert find("１００％") == {"张小明"}
    assert find("o'brien") == {"王五"}
    assert find(" 张 三 ") == {"张三"}
    assert find("没有这个词") == set()
    assert find("") == {c.consumer_name for c in listed["cases"]}


def test_filters(desk, listed):
    cases = listed["cases"]
    everyone = {c.consumer_name for c in cases}
    assert _names(desk) == everyone
    assert _names(desk, ComplaintFilter(statuses=("registered",))) == {"张三", "赵六", "孙七", "周八", "吴九"}
    assert _names(desk, ComplaintFilter(statuses=("closed", "withdrawn"))) == {"李四", "王五"}
    assert _names(desk, ComplaintFilter(open_only=True)) == everyone - {"李四", "王五"}
    # Period: by receipt date, both ends inclusive.
    assert _names(desk, ComplaintFilter(date_from=D(2026, 1, 5), date_to=D(2026, 5, 20))) == {"张三", "张小明", "李四"}
    assert _names(desk, ComplaintFilter(date_to=D(2025, 12, 31))) == {"周八"}
    assert _names(desk, ComplaintFilter(date_from=D(2026, 11, 27))) == {"吴九"}
    assert _names(desk, ComplaintFilter(office_id=listed["branch"])) == {"孙七"}
    assert len(_names(desk, ComplaintFilter(office_id=desk.actor.office_id))) == 7
    assert _names(desk, ComplaintFilter(handler_id=listed["handler"])) == {"孙七", "吴九"}
    # A first-level category includes its second-level items; a second-level one only itself.
    assert _names(desk, ComplaintFilter(category_code="G01")) == {"张三", "张小明", "孙七"}
    assert _names(desk, ComplaintFilter(category_code="G0101")) == {"张三", "孙七"}
    assert _names(desk, ComplaintFilter(category_code="S01")) == {"赵六"}
    assert _names(desk, ComplaintFilter(category_code="O01")) == {"周八"}
    assert _names(desk, ComplaintFilter(nature_code="N03")) == {"张三", "孙七"}
    assert _names(desk, ComplaintFilter(channel_code="C01")) == {"张三", "孙七"}
    assert _names(desk, ComplaintFilter(business_id=listed["b1"])) == {"张三", "张小明", "赵六", "周八"}
    # Overdue on 2026-11-30: acceptance due passed for the old registered cases, mediation for 张小明;
    # 孙七 (received 11-26) and 吴九 (11-27) are still within 7 working days.
    assert _names(desk, ComplaintFilter(overdue=True)) == {"张三", "张小明", "赵六", "周八"}
    # Filters combine.
    f = ComplaintFilter(keyword="张", business_id=listed["b1"], overdue=True, statuses=("accepted",))
    assert _names(desk, f) == {"张小明"}
    assert desk.complaints.count(f) == 1


SORT_VALUE = {
    "case_no": lambda v: v.case_no,
    "status": lambda v: v.status,
    "received_at": lambda v: v.received_at,
    "consumer_name": lambda v: v.consumer_name,
    "consumer_phone": lambda v: v.consumer_phone,
    "business_name": lambda v: v.business_name,
    "category_name": lambda v: v.category_code,
    "nature_name": lambda v: v.nature_code,
    "channel_name": lambda v: v.channel_code,
    "amount": lambda v: v.amount,
    "handler_name": lambda v: v.handler_name or None,
    "office_code": lambda v: v.office_code,
    "due_date": lambda v: v.due_date,
}


def test_sorting_by_every_column_both_ways(desk, listed):
    assert set(SORT_VALUE) == set(SORT_COLUMNS)
    views = [desk.complaints.get(c.id) for c in listed["cases"]]

    def expected(key: str, descending: bool) -> list[int]:
        # Empty values last in both directions; ties by id in the same direction. (Text is
        # compared by code point: the test server uses the C.UTF-8 collation, as SQLite does.)
        have = [v for v in views if SORT_VALUE[key](v) is not None]
        empty = [v for v in views if SORT_VALUE[key](v) is None]
        have.sort(key=lambda v: (SORT_VALUE[key](v), v.id), reverse=descending)
        empty.sort(key=lambda v: v.id, reverse=descending)
        return [v.id for v in have + empty]

    for key in SORT_COLUMNS:
        for descending in (False, True):
            got = desk.complaints.query_ids(sort=key, descending=descending)
            assert got == expected(key, descending), (key, descending)
            assert [r.id for r in desk.complaints.first_page(sort=key, descending=descending, limit=3)] == got[:3]
    # The default: newest first.
    assert desk.complaints.query_ids()[0] == listed["cases"][7].id
    # An unknown column falls back to the default rather than failing.
    assert desk.complaints.query_ids(sort="nonsense") == desk.complaints.query_ids()


def test_rows_keep_the_id_order(desk, listed):
    ids = [c.id for c in listed["cases"]]
    order = [ids[5], ids[0], ids[7], ids[2]]
    rows = desk.complaints.rows(order + [999999])
    assert [r.id for r in rows] == order
    r = rows[0]
    assert (r.case_no, r.status_label, r.business_name, r.category_name, r.nature_name, r.channel_name, r.amount,
            r.handler_name, r.office_code) == ("THCG-2026-00001", "登记", "阜阳苏宁易购", "家用电子电器类 / 家用电器",
                                             "质量", "来电", Decimal("12000.00"), "李调解", "THCG")
    assert desk.complaints.rows([]) == []


def test_masking_and_view_logging(desk, listed):
    zhang = listed["cases"][0]
    reader = _login_as(desk, Role.READONLY, "zhao", "赵只读")
    (row,) = reader.complaints.rows([zhang.id])
    assert (row.consumer_name, row.consumer_phone) == ("张某", "138****5678")
    v = reader.complaints.get(zhang.id)
    assert (v.consumer_name, v.consumer_phone, v.masked) == ("张某", "138****5678", True)
    landline = reader.complaints.get(listed["cases"][2].id)
    assert (landline.consumer_name, landline.consumer_phone) == ("李某", "0558-***2345")
    assert all("*" in i.consumer_name or i.consumer_name.endswith("某") for i in reader.complaints.worklist().overdue)
    # The administrator sees the real values.
    (row,) = desk.complaints.rows([zhang.id])
    assert (row.consumer_name, row.consumer_phone) == ("张三", "13812345678")
    # A masked reader cannot probe whether a person complained by typing a phone or a name,
    # yet still finds cases by number, business or facts.
    assert zhang.id in desk.complaints.query_ids(ComplaintFilter(keyword="13812345678"))
    assert zhang.id not in reader.complaints.query_ids(ComplaintFilter(keyword="13812345678"))
    assert zhang.id not in reader.complaints.query_ids(ComplaintFilter(keyword="张三"))
    assert zhang.id in reader.complaints.query_ids(ComplaintFilter(keyword=zhang.case_no))

    def views() -> list:
        return [e for e in desk.audit_log.entries(table="complaint", row_id=str(zhang.id)) if e.action == "view"]

    assert views() == []
    reader.complaints.get(zhang.id)  # masked: nothing personal seen, nothing logged
    assert views() == []
    handler = Desk(desk.engine, desk.url)
    handler.auth.login("li", "pass-12345")
    assert handler.complaints.get(zhang.id).consumer_name == "张三"
    (entry,) = views()
    assert (entry.username, entry.after) == ("li", {"case_no": zhang.case_no})
    desk.complaints.get(zhang.id)
    assert len(views()) == 2


# -- attachments ------------------------------------------------------------------------------


def test_attachments(desk, tmp_path):
    c = desk.complaints.register(_input(_business(desk)))
    data = b"%PDF-1.4 invoice \x00\xff" * 1000
    a = desk.complaints.add_attachment(c.id, "C:\\Users\\张三\\购物发票.pdf", data, note="发票")
    assert (a.filename, a.size, a.sha256, a.uploaded_by) == ("购物发票.pdf", len(data), hashlib.sha256(data).hexdigest(), "系统管理员")
    assert desk.complaints.attachment_content(a.id) == ("购物发票.pdf", data)
    # A file from disk keeps its own name.
    f = tmp_path / "聊天记录.png"
    f.write_bytes(b"\x89PNG\r\n" + bytes(range(256)))
    b = desk.complaints.add_attachment_file(c.id, f)
    assert (b.filename, b.size) == ("聊天记录.png", 262)
    assert desk.complaints.attachment_content(b.id)[1] == f.read_bytes()
    v = desk.complaints.get(c.id)
    assert [x.filename for x in v.attachments] == ["购物发票.pdf", "聊天记录.png"]
    assert v.version == c.version  # evidence does not change the case record
    assert [e.action for e in desk.complaints.timeline(c.id)] == ["register", "attachment", "attachment"]

    # The limit is 20 MB: exactly 20 MB is stored, one byte more is refused.
    big = desk.complaints.add_attachment(c.id, "录像.mp4", b"\x01" * MAX_ATTACHMENT_BYTES)
    assert big.size == 20 * 1024 * 1024
    desk.complaints.remove_attachment(big.id)
    events = len(desk.complaints.timeline(c.id))
    with pytest.raises(ValidationError) as exc:
        desk.complaints.add_attachment(c.id, "录像2.mp4", b"\x01" * (MAX_ATTACHMENT_BYTES + 1))
    assert set(exc.value.fields) == {"file"}
    assert "20 MB" in exc.value.fields["file"] and "录像2.mp4" in exc.value.fields["file"]
    huge = tmp_path / "大文件.bin"
    with huge.open("wb") as fh:
        fh.truncate(MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(ValidationError) as exc:
        desk.complaints.add_attachment_file(c.id, huge)
    assert "超过 20 MB" in exc.value.fields["file"]
    # Missing files and folders are a message, not an OSError.
    for path, words in ((tmp_path / "不存在.jpg", "找不到文件"), (tmp_path, "文件夹")):
        with pytest.raises(ValidationError) as exc:
            desk.complaints.add_attachment_file(c.id, path)
        assert set(exc.value.fields) == {"file"} and words in exc.value.fields["file"], exc.value.fields
        assert "No such" not in exc.value.fields["file"] and "directory" not in exc.value.fields["file"]
    v = desk.complaints.get(c.id)
    assert (v.version, len(v.attachments), len(desk.complaints.timeline(c.id))) == (c.version, 2, events)

    desk.complaints.remove_attachment(a.id)
    assert [x.filename for x in desk.complaints.get(c.id).attachments] == ["聊天记录.png"]
    assert desk.complaints.timeline(c.id)[-1].action == "attachment_removed"
    with pytest.raises(NotFound):
        desk.complaints.attachment_content(a.id)

    reader = _login_as(desk, Role.READONLY, "zhao", "赵只读")
    with pytest.raises(PermissionDenied):
        reader.complaints.add_attachment(c.id, "x.txt", b"x")
    with pytest.raises(PermissionDenied):
        reader.complaints.attachment_content(b.id)
