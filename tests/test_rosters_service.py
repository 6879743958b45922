"""RosterService on real databases: people (validation, duplicates, masking by role, search,
status, conflicts, deletion and anonymising), trainings with attendance and sign-in sheets,
investigation tasks linked to complaints, each person's history and the yearly figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.errors import ConflictError, DeskError, NotFound, PermissionDenied, ValidationError
from desk.facade import Desk
from desk.models import AuditLog
from desk.models.rosters import RosterPerson, RosterStatusChange
from desk.roles import Role
from desk.services.businesses import BusinessInput
from desk.services.complaints import ComplaintInput
from desk.services.rosters import (
    HistoryItem,
    PersonFilter,
    PersonInput,
    TaskInput,
    TrainingInput,
    register_history_provider,
)
from tests.test_rosters_support import login_as, make_id, make_workbook

TODAY = dt.date.today()


def vol(name: str = "张三", **kw) -> PersonInput:  # type: ignore[no-untyped-def]
    values = dict(kind="volunteer", name=name, gender="男", phone="13812345678", id_no=make_id(), township="城关镇",
                  community="人民社区", workplace="太和县第一中学", occupation="教师", join_date="2023年5月1日",
                  certificate_no="ZY2023001", skills="法律咨询", consent_date="2023-05-01", consent_method="报名表书面同意")
    values.update(kw)
    return PersonInput(**values)  # type: ignore[arg-type]


# -- people ---------------------------------------------------------------------------------------


def test_create_normalises_and_validates(desk: Desk) -> None:
    p = desk.rosters.create(vol(name="张　三", phone="138 1234 5678", id_no=make_id().lower()[:-1] + make_id()[-1].lower()))
    assert (p.name, p.phone, p.join_date, p.gender_label, p.status_label) == ("张三", "13812345678", dt.date(2023, 5, 1), "男", "在册")
    assert p.kind_label == "消费维权志愿者" and p.has_consent and not p.masked

    with pytest.raises(ValidationError) as err:
        desk.rosters.create(vol(name=" ", phone="1381234", id_no=make_id(seq=5, bad_check=True), gender="未知",
                                join_date="2099-01-01", consent_date="2024-01-01", consent_method=""))
    fields = err.value.fields
    assert fields["name"] == "请填写姓名"
    assert "11位" in fields["phone"]
    assert "校验位" in fields["id_no"]
    assert "男" in fields["gender"]
    assert "不能晚于" in fields["join_date"]
    assert "方式" in fields["consent_method"]
    assert desk.rosters.count() == 1  # nothing half-saved


def test_gender_comes_from_the_id_when_not_given(desk: Desk) -> None:
    p = desk.rosters.create(vol(gender="", id_no=make_id(seq=124)))  # 17th digit 4: a woman
    assert p.gender == "F"


def test_duplicates_on_one_roster_are_refused_but_two_rosters_may_share_a_person(desk: Desk) -> None:
    desk.rosters.create(vol())
    with pytest.raises(ValidationError) as err:
        desk.rosters.create(vol(name="张三", certificate_no="x"))
    assert "张三" in err.value.fields["id_no"] and "张三" in err.value.fields["phone"]
    with pytest.raises(ValidationError) as err:
        desk.rosters.create(vol(name="李四", id_no="", phone="13812345678"))
    assert "手机号" in err.value.fields["phone"]
    # The same person may also be an investigator.
    inv = desk.rosters.create(vol(kind="investigator"))
    assert inv.kind == "investigator"
    # A shared office landline is not a duplicate.
    desk.rosters.create(vol(name="王五", id_no="", phone="0558-8612315"))
    desk.rosters.create(vol(name="赵六", id_no="", phone="0558-8612315"))


def test_masking_by_role_and_logged_views(db_url: str) -> None:
    ro = login_as(db_url, Role.READONLY.value)
    admin = login_as(db_url, Role.ADMIN.value, "admin")
    try:
        created = admin.rosters.create(vol(phone="13812345678", id_no=make_id()))
        seen = ro.rosters.search(PersonFilter(kind="volunteer"))[0]
        assert seen.masked and seen.phone == "138****5678" and seen.id_no == "3412**********" + make_id()[-4:]
        assert seen.name == "张三"  # names are shown: volunteers act publicly
        one = ro.rosters.get(created.id)
        assert one.phone == "138****5678" and one.id_no.startswith("3412*")
        # The phone cannot be probed through the search box by a role that may not see it.
        assert ro.rosters.search(PersonFilter(keyword="5678")) == []
        assert ro.rosters.search(PersonFilter(keyword="张三"))
        assert admin.rosters.search(PersonFilter(keyword="1381234"))[0].phone == "13812345678"
        full = admin.rosters.get(created.id)
        assert full.phone == "13812345678" and full.id_no == make_id()
        with admin.read() as s:
            viewers = list(s.scalars(select(AuditLog.username).where(AuditLog.action == "view",
                                                                      AuditLog.table_name == "roster_person")))
        assert viewers == ["admin"]  # the masked read is not a view of personal data
        with pytest.raises(PermissionDenied):
            ro.rosters.create(vol(name="李四", phone="13912345678", id_no=""))
    finally:
        ro.close()
        admin.close()


def test_a_handler_may_see_but_not_edit_the_roster(sqlite_url: str) -> None:
    h = login_as(sqlite_url, Role.HANDLER.value)
    try:
        with pytest.raises(PermissionDenied, match="编辑人员名册"):
            h.rosters.create(vol())
        assert h.rosters.search() == []
    finally:
        h.close()


def test_search_filters(sqlite_desk: Desk) -> None:
    d = sqlite_desk
    a = d.rosters.create(vol(name="张三", township="城关镇", workplace="太和县人民医院"))
    d.rosters.create(vol(name="李四", phone="13912345678", id_no="", township="旧县镇", consent_date=None, consent_method=""))
    d.rosters.create(vol(kind="investigator", name="王五", phone="13712345678", id_no=""))
    assert d.rosters.count(PersonFilter(kind="volunteer")) == 2
    assert [p.name for p in d.rosters.search(PersonFilter(keyword="人民医院"))] == ["张三"]
    assert [p.name for p in d.rosters.search(PersonFilter(keyword="%"))] == []  # wildcards are literal
    assert [p.name for p in d.rosters.search(PersonFilter(township="旧县镇"))] == ["李四"]
    assert [p.name for p in d.rosters.search(PersonFilter(without_consent=True, kind="volunteer"))] == ["李四"]
    d.rosters.change_status(a.id, a, "left", TODAY, "工作调动")
    assert [p.name for p in d.rosters.search(PersonFilter(kind="volunteer", status="current"))] == ["李四"]
    assert [p.name for p in d.rosters.search(PersonFilter(status="left"))] == ["张三"]
    assert d.rosters.townships("volunteer") == ["城关镇", "旧县镇"]


def test_update_conflict_and_status_changes(desk: Desk) -> None:
    p = desk.rosters.create(vol())
    q = desk.rosters.update(p.id, p, dataclasses.replace(vol(), workplace="太和县第二中学"))
    assert q.workplace == "太和县第二中学" and q.version == p.version + 1
    with pytest.raises(ConflictError) as err:
        desk.rosters.update(p.id, p, dataclasses.replace(vol(), note="过时的编辑"))
    assert "workplace" in err.value.changed
    assert desk.rosters.get(p.id).note == ""

    with pytest.raises(ValidationError) as verr:
        desk.rosters.change_status(q.id, q, "suspended", TODAY, "")
    assert "原因" in verr.value.fields["status_reason"]
    with pytest.raises(ValidationError) as verr:
        desk.rosters.change_status(q.id, q, "left", "2020-01-01", "太早")
    assert "加入日期" in verr.value.fields["status_date"]
    r = desk.rosters.change_status(q.id, q, "suspended", "2024-03-01", "外出学习")
    r = desk.rosters.change_status(r.id, r, "active", "2024-09-01")
    r = desk.rosters.change_status(r.id, r, "left", "2025-02-01", "工作调动")
    assert (r.status_label, r.status_date, r.status_reason) == ("退出", dt.date(2025, 2, 1), "工作调动")
    with desk.read() as s:
        hist = s.execute(select(RosterStatusChange.status, RosterStatusChange.changed_on)
                         .where(RosterStatusChange.person_id == p.id).order_by(RosterStatusChange.id)).all()
    assert [h.status for h in hist] == ["suspended", "active", "left"]


def test_delete_only_without_history_and_anonymise_after_leaving(desk: Desk) -> None:
    p = desk.rosters.create(vol())
    t = desk.rosters.create_training(TrainingInput("2024-03-10", "志愿者培训", audience=("volunteer",)))
    desk.rosters.add_attendees(t.id, [p.id])
    with pytest.raises(DeskError, match="退出"):
        desk.rosters.delete(p.id, p)
    with pytest.raises(DeskError, match="已退出"):
        desk.rosters.anonymise(p.id, p)
    left = desk.rosters.change_status(p.id, p, "left", TODAY, "本人申请")
    anon = desk.rosters.anonymise(left.id, desk.rosters.get(p.id))
    assert (anon.name, anon.phone, anon.id_no, anon.workplace) == ("张某", "", None, "")
    assert anon.township == "城关镇" and anon.join_date == dt.date(2023, 5, 1)
    assert desk.rosters.yearly_figures(2024, "volunteer").trained == 1  # the statistics survive
    other = desk.rosters.create(vol(name="李四", phone="13912345678", id_no=""))
    desk.rosters.delete(other.id, other)
    with pytest.raises(NotFound):
        desk.rosters.get(other.id)


# -- trainings ------------------------------------------------------------------------------------


def test_training_attendance_and_sign_in_sheet(sqlite_desk: Desk, tmp_path: Path) -> None:
    d = sqlite_desk
    a = d.rosters.create(vol(name="张三"))
    b = d.rosters.create(vol(name="李四", phone="13912345678", id_no=""))
    c = d.rosters.create(vol(kind="investigator", name="李四", phone="13712345678", id_no=""))
    e = d.rosters.create(vol(kind="investigator", name="王五", phone="13612345678", id_no=""))
    with pytest.raises(ValidationError) as err:
        d.rosters.create_training(TrainingInput("", "", audience=(), other_attendees="-3"))
    assert set(err.value.fields) == {"held_on", "topic", "audience", "other_attendees"}
    t = d.rosters.create_training(TrainingInput("2024-03-10", "消费维权业务培训", "县消协会议室", "秘书长",
                                                ("volunteer", "staff"), 12))
    assert t.audience_label == "本会工作人员、志愿者" and t.attendee_count == 0
    assert d.rosters.add_attendees(t.id, [a.id]) == 1
    assert d.rosters.add_attendees(t.id, [a.id]) == 0  # already there

    sheet = make_workbook(tmp_path / "签到表.xlsx", [
        [1, "张三", "13812345678"],   # by phone, already signed in
        [2, "李 四", "13912345678"],  # by phone (the name is spaced)
        [3, "王五", ""],              # by name: one 王五
        [4, "李四", ""],              # two people named 李四: ambiguous
        [5, "赵六", "13512345678"],   # not on the roster
        [6, "王五", "13612345678"],   # 王五 again
        [7, "", ""],
    ], header=["序号", "姓名", "手机"], title="培训签到表")
    m = d.rosters.match_sign_in(t.id, str(sheet))
    assert [(r.row_no, r.person_id) for r in m.matched] == [(3, a.id), (4, b.id), (5, e.id)]
    assert m.already == 1
    assert [(r.row_no, r.reason) for r in m.unmatched] == [
        (6, "名册中有 2 人姓名相同，请手工选择"), (7, "名册中没有此人"), (8, "与前面的行是同一人（王五）")]
    assert d.rosters.add_attendees(t.id, m.person_ids, source="sign_in") == 2
    assert [x.name for x in d.rosters.attendees(t.id)] == ["王五", "张三", "李四"]  # by roster, then name
    assert d.rosters.get_training(t.id).total_attendees == 15
    assert d.rosters.remove_attendees(t.id, [a.id]) == 1
    assert d.rosters.list_trainings(2024)[0].attendee_count == 2
    assert d.rosters.list_trainings(2023) == []
    del c


def test_training_conflict_and_delete(desk: Desk) -> None:
    p = desk.rosters.create(vol())
    t = desk.rosters.create_training(TrainingInput(dt.date(2024, 3, 10), "培训", audience=("volunteer",)))
    desk.rosters.add_attendees(t.id, [p.id])
    t2 = desk.rosters.update_training(t.id, t, TrainingInput(dt.date(2024, 3, 11), "培训（改期）", audience=("volunteer",)))
    with pytest.raises(ConflictError):
        desk.rosters.update_training(t.id, t, TrainingInput(dt.date(2024, 3, 12), "培训", audience=("volunteer",)))
    desk.rosters.delete_training(t2.id, desk.rosters.get_training(t.id))
    assert desk.rosters.list_trainings() == []
    assert desk.rosters.history(p.id).of_kind("training") == []


# -- tasks -------------------------------------------------------------------------------------------


def _complaint(d: Desk) -> str:
    b = d.businesses.create(BusinessInput(name="太和县万家福超市有限公司"))
    c = d.complaints.register(ComplaintInput(
        consumer_name="王某", consumer_phone="13812340000", channel_code="C01", category_code="G0101", nature_code="N05",
        business_id=b.id, facts="结账价格高于标价。", amount="20"))
    return c.case_no


def test_investigation_task_with_assignees_and_complaints(desk: Desk) -> None:
    case_no = _complaint(desk)
    a = desk.rosters.create(vol(kind="investigator"))
    b = desk.rosters.create(vol(kind="investigator", name="李四", phone="13912345678", id_no=""))
    with pytest.raises(ValidationError) as err:
        desk.rosters.create_task(TaskInput("bogus", "", "2024-01-10", "2024-01-01", complaint_refs="TH-1999-9999"))
    assert set(err.value.fields) == {"task_type", "title", "end_date", "complaint_refs"}
    assert "TH-1999-9999" in err.value.fields["complaint_refs"]
    t = desk.rosters.create_task(TaskInput("price", "春节前粮油价格检查", "2024-01-10", "2024-01-20", "县城超市",
                                           "3 家超市明码标价不规范", "2024年第1号消费提示", [a.id, b.id], f"{case_no.lower()}，"))
    assert t.type_label == "价格检查" and t.assignee_names == "张三、李四"
    assert t.case_numbers == case_no and t.complaints[0].business_name == "太和县万家福超市有限公司"
    t2 = desk.rosters.update_task(t.id, t, dataclasses.replace(
        TaskInput("price", t.title, t.start_date, t.end_date, t.place, t.findings, t.warning_refs), assignee_ids=[b.id]))
    assert t2.assignee_names == "李四" and t2.complaints == () and t2.version > t.version
    with pytest.raises(ConflictError):  # links alone changed the version too
        desk.rosters.update_task(t.id, t, TaskInput("price", "x", "2024-01-10", assignee_ids=[a.id]))
    left = desk.rosters.change_status(a.id, desk.rosters.get(a.id), "left", TODAY, "退出")
    with pytest.raises(ValidationError, match="已退出"):
        desk.rosters.create_task(TaskInput("market", "新任务", TODAY, assignee_ids=[left.id]))
    assert [x.title for x in desk.rosters.list_tasks(2024, person_id=b.id)] == ["春节前粮油价格检查"]
    assert desk.rosters.list_tasks(2024, person_id=a.id) == []
    desk.rosters.delete_task(t2.id, t2)
    assert desk.rosters.list_tasks() == []


def test_worklist_lists_tasks_without_findings_and_volunteers_without_consent(sqlite_desk: Desk) -> None:
    d = sqlite_desk
    d.rosters.create(vol(consent_date=None, consent_method=""))
    inv = d.rosters.create(vol(kind="investigator", consent_date=None, consent_method=""))  # not needed for investigators
    d.rosters.create_task(TaskInput("quality", "到期未填写", TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=1),
                                    assignee_ids=[inv.id]))
    d.rosters.create_task(TaskInput("quality", "已有结果", TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=1),
                                    findings="无问题"))
    d.rosters.create_task(TaskInput("quality", "下月才结束", TODAY, TODAY + dt.timedelta(days=30)))
    wl = d.rosters.worklist()
    assert [t.title for t in wl.tasks_due] == ["到期未填写"] and wl.volunteers_without_consent == 1


# -- history and yearly figures ---------------------------------------------------------------------------


def test_history_lists_status_trainings_tasks_and_registered_items(sqlite_desk: Desk) -> None:
    d = sqlite_desk
    p = d.rosters.create(vol(kind="investigator"))
    t = d.rosters.create_training(TrainingInput("2024-03-10", "调查员培训", "会议室", "秘书长", ("investigator",)))
    d.rosters.add_attendees(t.id, [p.id])
    d.rosters.create_task(TaskInput("market", "校园周边检查", "2024-05-06", assignee_ids=[p.id]))
    p = d.rosters.change_status(p.id, p, "suspended", "2024-06-01", "外出学习")

    def activities(_s, person_id: int):  # type: ignore[no-untyped-def]
        return [HistoryItem(dt.date(2024, 3, 15), "activity", "宣传活动", "3·15 宣传咨询", "人民广场")] if person_id == p.id else []

    register_history_provider(activities)
    try:
        h = d.rosters.history(p.id)
    finally:
        from desk.services import rosters as mod

        mod._HISTORY_PROVIDERS.remove(activities)
    assert [(i.on, i.kind_label, i.title) for i in h.items] == [
        (dt.date(2024, 6, 1), "暂停", "状态改为“暂停”"),
        (dt.date(2024, 5, 6), "市场检查", "校园周边检查"),
        (dt.date(2024, 3, 15), "宣传活动", "3·15 宣传咨询"),
        (dt.date(2024, 3, 10), "培训", "调查员培训"),
        (dt.date(2023, 5, 1), "加入", "加入义务调查员名册"),
    ]


def _person(d: Desk, kind: str, name: str, phone: str, joined: str) -> object:
    return d.rosters.create(vol(kind=kind, name=name, phone=phone, id_no="", join_date=joined))


def test_yearly_figures_on_a_crafted_roster(desk: Desk) -> None:
    d = desk
    a = _person(d, "volunteer", "甲", "13800000001", "2022-05-01")   # on the roster throughout
    b = _person(d, "volunteer", "乙", "13800000002", "2023-03-01")   # joined 2023, left 2024-06-30
    c = _person(d, "volunteer", "丙", "13800000003", "2024-02-01")   # joined 2024, suspended 2024 (still counted)
    e = _person(d, "volunteer", "丁", "13800000004", "2024-12-31")   # joined on the last day of 2024
    f = _person(d, "volunteer", "戊", "13800000005", "2023-01-01")   # left 2024-03-01, came back 2024-09-01
    g = _person(d, "investigator", "己", "13800000006", "2024-04-01")  # another roster
    b = d.rosters.change_status(b.id, b, "left", "2024-06-30", "工作调动")  # type: ignore[attr-defined]
    c = d.rosters.change_status(c.id, c, "suspended", "2024-10-01", "外出")  # type: ignore[attr-defined]
    f = d.rosters.change_status(f.id, f, "left", "2024-03-01", "外出务工")  # type: ignore[attr-defined]
    f = d.rosters.change_status(f.id, f, "active", "2024-09-01")  # type: ignore[attr-defined]
    t1 = d.rosters.create_training(TrainingInput("2024-03-10", "志愿者培训", audience=("volunteer",)))
    t2 = d.rosters.create_training(TrainingInput("2024-09-20", "调查员培训", audience=("investigator",)))
    t3 = d.rosters.create_training(TrainingInput("2024-11-05", "工作人员培训", audience=("staff",)))
    d.rosters.create_training(TrainingInput("2023-09-20", "去年的培训", audience=("volunteer",)))
    d.rosters.add_attendees(t1.id, [a.id, b.id, c.id])  # type: ignore[attr-defined]
    d.rosters.add_attendees(t2.id, [a.id, g.id])  # type: ignore[attr-defined]  (a volunteer at the investigators' one)
    del t3, e

    v24 = d.rosters.yearly_figures(2024, "volunteer")
    assert (v24.on_roster, v24.joined, v24.left, v24.trained, v24.sessions) == (4, 2, 2, 3, 2)
    v23 = d.rosters.yearly_figures(2023, "volunteer")
    assert (v23.on_roster, v23.joined, v23.left, v23.trained, v23.sessions) == (3, 2, 0, 0, 1)
    i24 = d.rosters.yearly_figures(2024, "investigator")
    assert (i24.on_roster, i24.joined, i24.left, i24.trained, i24.sessions) == (1, 1, 0, 1, 1)
    all24 = d.rosters.yearly_figures(2024)
    assert (all24.on_roster, all24.joined, all24.left, all24.trained, all24.sessions) == (5, 3, 2, 4, 3)
    with pytest.raises(DeskError, match="未知的名册"):
        d.rosters.yearly_figures(2024, "bogus")


def test_every_change_is_in_the_audit_trail(sqlite_desk: Desk) -> None:
    d = sqlite_desk
    p = d.rosters.create(vol())
    d.rosters.update(p.id, p, dataclasses.replace(vol(), skills="摄影"))
    with d.read() as s:
        rows = s.execute(select(AuditLog.action, AuditLog.after).where(AuditLog.table_name == "roster_person")
                         .order_by(AuditLog.id)).all()
        stored = s.scalar(select(RosterPerson.search_text))
    assert [r.action for r in rows] == ["insert", "update"]
    assert json.loads(rows[1].after) == {"search_text": stored, "skills": "摄影"}
