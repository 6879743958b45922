"""Foundation services: offices, users, vocabularies, the calendar, businesses. Bad input is
refused with a Chinese message naming the field, and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import open_as_admin

from desk.errors import AuthError, ConflictError, DeskError, NotFound, ValidationError
from desk.facade import Desk
from desk.services.auth import LOCK_MINUTES, MAX_ATTEMPTS
from desk.services.businesses import BusinessInput
from desk.services.offices import OfficeInput
from desk.services.users import UserInput
from desk.vocab_data import BUILTIN

# -- offices ----------------------------------------------------------------------------------


def test_office_create_and_validation(desk: Desk) -> None:
    county = desk.offices.list()[0]
    assert county.code == "TH" and county.kind == "county"
    branch = desk.offices.create(
        OfficeInput(" thcg ", "城关分会", kind="branch", parent_id=county.id, address=" 城关镇 ", phone="0558 1234567")
    )
    assert branch.code == "THCG" and branch.address == "城关镇" and branch.phone == "0558-1234567"

    cases = {
        "code": OfficeInput("1AB", "数字开头"),
        "name": OfficeInput("AB", "  "),
        "kind": OfficeInput("AC", "类型错", kind="province"),
        "phone": OfficeInput("AD", "电话错", phone="1381234"),
        "parent_id": OfficeInput("AE", "上级不存在", parent_id=99999),
        "address": OfficeInput("AF", "地址太长", address="路" * 201),
    }
    for field, inp in cases.items():
        with pytest.raises(ValidationError) as err:
            desk.offices.create(inp)
        assert set(err.value.fields) == {field}, (field, err.value.fields)
    with pytest.raises(ValidationError) as err:
        desk.offices.create(OfficeInput("TOOLONG12", "太长"))
    assert "1–8位" in err.value.fields["code"]
    with pytest.raises(ValidationError) as err:
        desk.offices.create(OfficeInput("thcg", "重复简码"))
    assert "已被其他单位使用" in err.value.fields["code"] and "单位简码" in str(err.value)
    assert [o.code for o in desk.offices.list()] == ["TH", "THCG"]


def test_office_update(desk: Desk) -> None:
    county = desk.offices.list()[0]
    a = desk.offices.create(OfficeInput("A1", "甲分会", parent_id=county.id))
    b = desk.offices.create(OfficeInput("B1", "乙分站", kind="station", parent_id=a.id))
    a2 = desk.offices.update(a.id, a, OfficeInput("A1", "甲分会（新）", parent_id=county.id, phone="13812345678"))
    assert a2.name == "甲分会（新）" and a2.version == a.version + 1
    # Its own code is not a duplicate of itself; another office's code is.
    with pytest.raises(ValidationError) as err:
        desk.offices.update(b.id, b, OfficeInput("A1", "乙分站", kind="station", parent_id=a.id))
    assert set(err.value.fields) == {"code"}
    # No loops in the hierarchy: not its own parent, not below its own child.
    for parent in (a.id, b.id):
        with pytest.raises(ValidationError) as err:
            desk.offices.update(a.id, a2, OfficeInput("A1", "甲分会（新）", parent_id=parent))
        assert set(err.value.fields) == {"parent_id"}
    with pytest.raises(ConflictError) as cerr:
        desk.offices.update(a.id, a, OfficeInput("A1", "旧视图保存", parent_id=county.id))
    assert cerr.value.changed["name"] == ("甲分会", "甲分会（新）")
    assert desk.offices.get(a.id) == a2
    with pytest.raises(NotFound):
        desk.offices.get(99999)


# -- users ------------------------------------------------------------------------------------


def test_user_create_update_reset_unlock(sqlite_desk: Desk) -> None:
    d = sqlite_desk
    office = d.offices.list()[0]
    with pytest.raises(ValidationError) as err:
        d.users.create(UserInput("li si", "", "boss", None, password="short"))
    assert set(err.value.fields) == {"username", "display_name", "role", "office_id", "password"}
    assert "用户名" in str(err.value) and "角色" in str(err.value)
    with pytest.raises(ValidationError) as err:
        d.users.create(UserInput("admin", "重名", "handler", office.id, password="long-enough"))
    assert "已存在" in err.value.fields["username"]
    assert [u.username for u in d.users.list()] == ["admin"]

    li = d.users.create(UserInput("lisi", "李四", "handler", office.id, password="lisi-pass-1"))
    assert li.role_label == "投诉受理/调解员" and li.active
    li2 = d.users.update(li.id, li, UserInput("lisi", "李四", "secretary", office.id))
    assert li2.role == "secretary" and li2.role_label == "秘书"
    assert d.users.names()[li.id] == "李四"

    # Lock the account through the login screen, then the admin unlocks it.
    other = Desk.open(d.url)
    try:
        for _ in range(MAX_ATTEMPTS):
            with pytest.raises(AuthError):
                other.auth.login("lisi", "wrong-pass-0")
        with pytest.raises(AuthError, match=f"{LOCK_MINUTES}分钟"):
            other.auth.login("lisi", "lisi-pass-1")
        assert next(u for u in d.users.list() if u.id == li.id).locked_until is not None
        d.users.unlock(li.id)
        assert next(u for u in d.users.list() if u.id == li.id).locked_until is None
        assert other.auth.login("lisi", "lisi-pass-1").username == "lisi"

        # Reset: the old password stops working, the new one works.
        with pytest.raises(ValidationError) as err:
            d.users.reset_password(li.id, "short")
        assert set(err.value.fields) == {"password"}
        d.users.reset_password(li.id, "lisi-pass-2")
        other.auth.logout()
        with pytest.raises(AuthError):
            other.auth.login("lisi", "lisi-pass-1")
        assert other.auth.login("lisi", "lisi-pass-2").role == "secretary"
    finally:
        other.close()
    for call in (lambda: d.users.unlock(99999), lambda: d.users.reset_password(99999, "long-enough-1")):
        with pytest.raises(NotFound):
            call()


# -- vocabularies ----------------------------------------------------------------------------


def test_vocab_second_level_codes_rename_deactivate(desk: Desk) -> None:
    cats = desk.vocab.list("category")
    g01 = next(c for c in cats if c.code == "G01")
    kids_before = [c.code for c in cats if c.parent_id == g01.id]
    assert kids_before == ["G0101", "G0102", "G0103", "G0104"]

    new = desk.vocab.add("category", " 智能穿戴设备 ", parent_id=g01.id)
    assert new.code == "G0105" and new.name == "智能穿戴设备" and new.group == "商品"
    assert not new.builtin and new.parent_id == g01.id
    assert desk.vocab.add("category", "扫地机器人", parent_id=g01.id).code == "G0106"
    s03 = next(c for c in cats if c.code == "S03")  # a top level without children yet
    assert desk.vocab.add("category", "乡村旅游", parent_id=s03.id).code == "S0301"

    with pytest.raises(ValidationError) as err:
        desk.vocab.add("category", "智能穿戴设备", parent_id=g01.id)
    assert "已存在" in err.value.fields["name"]
    with pytest.raises(ValidationError):
        desk.vocab.add("category", "   ", parent_id=g01.id)
    with pytest.raises(DeskError, match="二级分类"):
        desk.vocab.add("category", "新的大类")
    with pytest.raises(DeskError, match="一级分类"):
        desk.vocab.add("category", "三级", parent_id=new.id)
    with pytest.raises(NotFound):
        desk.vocab.add("no_such_kind", "x")

    channel = desk.vocab.add("channel", "微信公众号")
    assert channel.code.startswith("C") and len(channel.code) == 4
    assert desk.vocab.list("channel")[-1] == channel  # sorted after the built-in ones

    renamed = desk.vocab.rename(new.id, new, "智能手表手环")
    assert renamed.name == "智能手表手环" and renamed.code == "G0105"
    with pytest.raises(ConflictError):
        desk.vocab.rename(new.id, new, "过期视图")
    with pytest.raises(ValidationError):
        desk.vocab.rename(new.id, renamed, "扫地机器人")  # a sibling already has this name

    off = desk.vocab.set_active(renamed.id, False)
    assert not off.active
    assert renamed.id not in [c.id for c in desk.vocab.list("category")]
    assert renamed.id in [c.id for c in desk.vocab.list("category", include_inactive=True)]
    # A deactivated code is still taken: the next one gets a new code.
    assert desk.vocab.add("category", "电子书阅读器", parent_id=g01.id).code == "G0107"


def test_vocab_builtin_seeding_is_idempotent(desk: Desk) -> None:
    expected = sum(1 + len(kids) for items in BUILTIN.values() for _c, _n, kids in items)
    total = sum(len(desk.vocab.list(k, include_inactive=True)) for k in BUILTIN)
    assert total == expected
    assert desk.vocab.ensure_builtin() == 0
    # A renamed or deactivated built-in item is left as the admin made it.
    n09 = next(v for v in desk.vocab.list("nature") if v.code == "N09")
    desk.vocab.rename(n09.id, n09, "人格权益（含个人信息）")
    desk.vocab.set_active(next(v for v in desk.vocab.list("channel") if v.code == "C06").id, False)
    assert desk.vocab.ensure_builtin() == 0
    assert next(v for v in desk.vocab.list("nature") if v.code == "N09").name == "人格权益（含个人信息）"
    # A fresh desk on the same database seeds nothing more.
    again = open_as_admin(desk.url)
    try:
        assert again.vocab.ensure_builtin() == 0
        assert sum(len(again.vocab.list(k, include_inactive=True)) for k in BUILTIN) == expected
    finally:
        again.close()


# -- calendar ---------------------------------------------------------------------------------

MON = dt.date(2031, 3, 3)  # a Monday in a year no holiday package knows yet


def test_calendar_overrides_and_cache(desk: Desk) -> None:
    assert MON.weekday() == 0
    cal = desk.calendar.calendar()
    assert cal.is_workday(MON)
    assert desk.calendar.calendar() is cal  # cached

    o = desk.calendar.set_override(MON, False, " 县庆 ")
    assert (o.day, o.is_workday, o.name) == (MON, False, "县庆")
    assert not desk.calendar.calendar().is_workday(MON)  # own change invalidates the cache
    assert desk.calendar.add_working_days(MON - dt.timedelta(days=3), 1).date == MON + dt.timedelta(days=1)
    o2 = desk.calendar.set_override(MON, True, "改回上班")
    assert o2.version == o.version + 1 and desk.calendar.calendar().is_workday(MON)
    assert [x.day for x in desk.calendar.overrides(2031)] == [MON]
    assert desk.calendar.overrides(2030) == []
    with pytest.raises(ValidationError):
        desk.calendar.set_override(MON, False, "名" * 41)

    # Another desk keeps its cached calendar until it is invalidated (or the cache expires).
    other = open_as_admin(desk.url)
    try:
        assert other.calendar.calendar().is_workday(MON)
        desk.calendar.remove_override(MON)
        assert other.calendar.calendar().is_workday(MON)
        desk.calendar.set_override(MON, False, "临时放假")
        other.calendar.invalidate()
        assert not other.calendar.calendar().is_workday(MON)
    finally:
        other.close()
    desk.calendar.remove_override(MON)
    with pytest.raises(NotFound):
        desk.calendar.remove_override(MON)


def test_calendar_import_is_all_or_nothing(desk: Desk) -> None:
    good = "2031-10-01..2031-10-07 休 国庆节\n2031-09-28 班 国庆调休 # 周日上班\n"
    assert desk.calendar.import_text(good) == 8
    assert len(desk.calendar.overrides(2031)) == 8
    assert desk.calendar.calendar().is_workday(dt.date(2031, 9, 28))
    assert not desk.calendar.calendar().is_workday(dt.date(2031, 10, 6))

    bad_inputs = {
        "2031-05-01 休 劳动节\n2031-05-02 休息吧 劳动节\n": "第2行",
        "2031-05-01 休 劳动节\n2031-13-01 休 不存在\n": "第2行",
        "2031-05-01 休\n2031-05-01 班\n": "重复",
        f"2031-05-01 休 {'长' * 41}\n": "40",
        "# 只有注释\n\n": "没有任何日期",
    }
    for text, words in bad_inputs.items():
        with pytest.raises(ValidationError) as err:
            desk.calendar.import_text(text)
        assert words in str(err.value) and "节假日文件" in str(err.value), str(err.value)
    # Nothing of the refused files was written.
    assert len(desk.calendar.overrides(2031)) == 8
    assert desk.calendar.overrides(2031)[0].day == dt.date(2031, 9, 28)
    # Re-importing replaces days: 10-07 becomes a working day.
    assert desk.calendar.import_text("2031-10-07 班 改为上班") == 1
    assert desk.calendar.calendar().is_workday(dt.date(2031, 10, 7))
    assert len(desk.calendar.overrides(2031)) == 8


# -- businesses -------------------------------------------------------------------------------

GOOD_CODE = "91350100M000100Y43"


def test_business_validation_names_the_field(sqlite_desk: Desk) -> None:
    # Checked before any SQL: one database is enough.
    desk = sqlite_desk
    bad_check = GOOD_CODE[:-1] + ("2" if GOOD_CODE[-1] != "2" else "3")
    cases = [
        (BusinessInput(name="校验位错", credit_code=bad_check), "credit_code", "校验位"),
        (BusinessInput(name="位数错", credit_code="9135010"), "credit_code", "18位"),
        (BusinessInput(name="字符错", credit_code="91350100M000100YIO"), "credit_code", "非法字符"),
        (BusinessInput(name="电话错", phone="1381234"), "phone", "手机号"),
        (BusinessInput(name="电话字母", phone="0558-abc"), "phone", "无效字符"),
        (BusinessInput(name=""), "name", ""),
        (BusinessInput(name="联系人太长", contact_person="张" * 41), "contact_person", "40"),
    ]
    for inp, field, words in cases:
        with pytest.raises(ValidationError) as err:
            desk.businesses.create(inp)
        assert field in err.value.fields, (inp, err.value.fields)
        assert words in err.value.fields[field]
        assert str(err.value).startswith(
            {"credit_code": "统一社会信用代码", "phone": "联系电话", "name": "经营者名称", "contact_person": "联系人"}[field]
        )
    with pytest.raises(ValidationError) as err:
        desk.businesses.create(BusinessInput(name=" ", credit_code="123", phone="abc"))
    assert set(err.value.fields) == {"name", "credit_code", "phone"}  # all at once
    assert desk.businesses.count() == 0


def test_business_duplicate_credit_code_and_normalisation(desk: Desk) -> None:
    first = desk.businesses.create(
        BusinessInput(name="太和县华联超市", credit_code=" 91350100m000100y43 ", phone="+86 138 1234 5678")
    )
    assert first.credit_code == GOOD_CODE and first.phone == "13812345678"
    with pytest.raises(ValidationError) as err:
        desk.businesses.create(BusinessInput(name="另一家", credit_code=GOOD_CODE))
    assert "太和县华联超市" in err.value.fields["credit_code"]
    other = desk.businesses.create(BusinessInput(name="没有代码的小店"))
    assert other.credit_code is None
    assert desk.businesses.create(BusinessInput(name="也没有代码")).credit_code is None
    with pytest.raises(ValidationError):
        desk.businesses.update(other.id, other, BusinessInput(name="没有代码的小店", credit_code=GOOD_CODE))
    assert desk.businesses.get(other.id) == other
    assert desk.businesses.count() == 3
    # Search: by part of the name, by code, by phone; wildcards are literal.
    assert [b.id for b in desk.businesses.search("华联")] == [first.id]
    assert [b.id for b in desk.businesses.search("m000100")] == [first.id]
    assert [b.id for b in desk.businesses.search("1234")] == [first.id]
    assert desk.businesses.search("%") == []
    with pytest.raises(NotFound):
        desk.businesses.get(99999)


def test_business_name_that_grows_when_normalised(desk: Desk) -> None:
    # 150 characters that NFKC turns into 450: the search column must still hold it.
    b = desk.businesses.create(BusinessInput(name="㈱" * 150))
    assert desk.businesses.get(b.id).name == "㈱" * 150
    assert [x.id for x in desk.businesses.search("(株)")] == [b.id]


@pytest.mark.pg
def test_vocab_codes_allocated_by_two_desks_at_once(pg_url: str) -> None:
    import threading

    desks = [open_as_admin(pg_url) for _ in range(3)]
    try:
        g01 = next(c for c in desks[0].vocab.list("category") if c.code == "G01")
        barrier = threading.Barrier(len(desks))
        results: list[object] = []

        def add(d: Desk, n: int) -> None:
            barrier.wait()
            try:
                results.append(d.vocab.add("category", f"同时添加{n}", parent_id=g01.id).code)
            except Exception as exc:  # noqa: BLE001 - checked below
                results.append(exc)

        threads = [threading.Thread(target=add, args=(d, n)) for n, d in enumerate(desks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert sorted(map(str, results)) == ["G0105", "G0106", "G0107"], results
    finally:
        for d in desks:
            d.close()
