"""The complaint state machine: every legal and illegal step (pure), then each route through the
service on SQLite and PostgreSQL, with the timeline, roles, stale versions and bad dates."""

from __future__ import annotations

import datetime

import pytest
from test_complaints_service import BACKENDS, fresh_desk

from desk import clock
from desk.errors import ConflictError, DeskError, PermissionDenied, ValidationError
from desk.facade import Desk
from desk.roles import ROLE_PERMS, Perm, Role
from desk.services.businesses import BusinessInput
from desk.services.complaints import ActionInput, ComplaintInput
from desk.services.users import UserInput
from desk.workflow import (
    STATUS_LABELS,
    TRANSITIONS,
    Status,
    available_actions,
    check_transition,
    status_label,
)

D = datetime.date
TODAY = datetime.datetime(2026, 11, 30, 10, 0)

# The procedure, written out independently of desk.workflow: action -> (sources, target).
S = Status
EXPECTED: dict[str, tuple[set[Status], Status | None]] = {
    "accept": ({S.REGISTERED}, S.ACCEPTED),
    "refuse": ({S.REGISTERED}, S.REFUSED),
    "start_mediation": ({S.ACCEPTED}, S.MEDIATING),
    "mediation_success": ({S.MEDIATING}, S.MEDIATED),
    "terminate": ({S.ACCEPTED, S.MEDIATING}, S.TERMINATED),
    "notify_termination": ({S.TERMINATED}, None),
    "transfer": ({S.REGISTERED, S.ACCEPTED, S.MEDIATING}, S.REFERRED),
    "enforcement": ({S.ACCEPTED, S.MEDIATING, S.MEDIATED, S.TERMINATED}, None),
    "lawsuit": ({S.ACCEPTED, S.MEDIATING, S.TERMINATED}, S.REFERRED),
    "arbitration": ({S.ACCEPTED, S.MEDIATING, S.TERMINATED}, S.REFERRED),
    "withdraw": ({S.REGISTERED, S.ACCEPTED, S.MEDIATING}, S.WITHDRAWN),
    "pause": ({S.ACCEPTED, S.MEDIATING}, None),
    "resume": ({S.ACCEPTED, S.MEDIATING}, None),
    "close": ({S.MEDIATED, S.TERMINATED, S.REFUSED, S.REFERRED, S.WITHDRAWN}, S.CLOSED),
    "archive": ({S.CLOSED}, S.ARCHIVED),
    "reopen": ({S.CLOSED, S.ARCHIVED}, S.ACCEPTED),
}
NEEDS = {
    "refuse": ("ground",), "terminate": ("ground",),
    "transfer": ("department",), "enforcement": ("department",), "lawsuit": ("department",), "arbitration": ("department",),
    "withdraw": ("reason",), "pause": ("reason",), "reopen": ("reason",),
}
ALL = frozenset(Perm)


def test_transition_table_is_the_procedure():
    assert set(TRANSITIONS) == set(EXPECTED)
    for action, (sources, target) in EXPECTED.items():
        t = TRANSITIONS[action]
        assert set(t.sources) == sources, action
        assert t.target == target, action
        assert t.needs == NEEDS.get(action, ()), action
        assert t.label and all("\u4e00" <= ch <= "\u9fff" or ch in "（）/" for ch in t.label), t.label
    assert set(STATUS_LABELS) == set(Status)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("status", list(Status))
def test_every_status_action_pair(status, action):
    sources, _target = EXPECTED[action]
    if status in sources:
        assert check_transition(status.value, action, ALL) is TRANSITIONS[action]
    else:
        with pytest.raises(DeskError) as exc:
            check_transition(status.value, action, ALL)
        assert not isinstance(exc.value, PermissionDenied)
        # The message names the current status in Chinese and the refused step.
        assert f"“{STATUS_LABELS[status]}”" in exc.value.message
        assert TRANSITIONS[action].label in exc.value.message


def test_unknown_action_is_refused():
    with pytest.raises(DeskError, match="未知的办理步骤"):
        check_transition("registered", "explode", ALL)


@pytest.mark.parametrize("role", [Role.READONLY, Role.SECRETARY])
def test_roles_without_edit_rights_cannot_act(role):
    perms = ROLE_PERMS[role]
    for action, (sources, _t) in EXPECTED.items():
        with pytest.raises(PermissionDenied):
            check_transition(next(iter(sources)).value, action, perms)
    assert available_actions("registered", perms) == []


def test_handler_may_do_everything_but_reopen():
    perms = ROLE_PERMS[Role.HANDLER]
    for action, (sources, _t) in EXPECTED.items():
        status = next(iter(sources)).value
        if action == "reopen":
            with pytest.raises(PermissionDenied, match="秘书长或管理员"):
                check_transition(status, action, perms)
        else:
            assert check_transition(status, action, perms).action == action
    assert [t.action for t in available_actions("closed", perms)] == ["archive"]


@pytest.mark.parametrize("role", [Role.HEAD, Role.ADMIN])
def test_head_and_admin_may_reopen(role):
    perms = ROLE_PERMS[role]
    assert check_transition("closed", "reopen", perms).target == Status.ACCEPTED
    assert check_transition("archived", "reopen", perms).target == Status.ACCEPTED
    assert {t.action for t in available_actions("archived", perms)} == {"reopen"}


def test_status_label_of_unknown_status_is_shown_as_is():
    assert status_label("registered") == "登记"
    assert status_label("weird") == "weird"


# -- through the service ------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def desk(request):  # type: ignore[no-untyped-def]
    """Fresh database per test; PostgreSQL emptied rather than recreated (see test_complaints_service)."""
    yield from fresh_desk(request)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """Today is 2026-11-30 for these tests, so back-dated steps and 'future' are stable."""
    monkeypatch.setattr(clock, "now", lambda: TODAY)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    # Several users log in per test; argon2's default cost would dominate the run time.
    from argon2 import PasswordHasher

    from desk.services import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _business(desk, name="太和县华联超市") -> int:
    return desk.businesses.create(BusinessInput(name=name)).id


def _register(desk, bid, received=datetime.datetime(2026, 3, 2, 9, 30), **kw):
    values = dict(consumer_name="张三", consumer_phone="13812345678", channel_code="C01", category_code="G0101",
                  nature_code="N03", received_at=received, business_id=bid, amount="1999.00", demand="退货退款",
                  facts="购买的电饭煲使用三天后无法加热，商家拒绝退货。")
    values.update(kw)
    return desk.complaints.register(ComplaintInput(**values))


def _login_as(desk, role: Role, username: str, name: str) -> Desk:
    desk.users.create(UserInput(username, name, role.value, desk.actor.office_id, password="pass-12345"))
    other = Desk(desk.engine, desk.url)
    other.auth.login(username, "pass-12345")
    return other


def _act(desk, view, action, on, **kw):
    return desk.complaints.act(view.id, action, view.version, ActionInput(on=on, **kw))


def test_happy_path_to_archive(desk):
    c = _register(desk, _business(desk))
    assert (c.status, c.case_no, c.rule_version) == ("registered", "TH-2026-00001", "2019")
    c = _act(desk, c, "accept", D(2026, 3, 3))
    assert (c.status, c.accepted_date) == ("accepted", D(2026, 3, 3))
    c = _act(desk, c, "start_mediation", D(2026, 3, 5))
    assert (c.status, c.mediation_started_date) == ("mediating", D(2026, 3, 5))
    c = _act(desk, c, "mediation_success", D(2026, 3, 20), detail="商家退货退款1999元")
    assert (c.status, c.result_summary, c.due_date) == ("mediated", "商家退货退款1999元", None)
    c = _act(desk, c, "close", D(2026, 3, 25))
    assert (c.status, c.closed_date) == ("closed", D(2026, 3, 25))
    c = _act(desk, c, "archive", D(2026, 3, 26))
    assert c.status == "archived"
    assert c.archive_no == "TH-GD-2026-00001"
    assert desk.complaints.get(c.id).archive_no == "TH-GD-2026-00001"

    tl = desk.complaints.timeline(c.id)
    assert [e.action for e in tl] == ["register", "accept", "start_mediation", "mediation_success", "close", "archive"]
    assert [e.event_date for e in tl] == [D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 20), D(2026, 3, 25), D(2026, 3, 26)]
    assert all(e.username == "系统管理员" for e in tl)
    assert [(e.from_status, e.to_status) for e in tl[1:]] == [
        ("registered", "accepted"), ("accepted", "mediating"), ("mediating", "mediated"),
        ("mediated", "closed"), ("closed", "archived"),
    ]
    assert [e.action_label for e in tl] == ["登记", "受理", "开始调解", "调解成功", "结案", "归档"]
    assert "TH-GD-2026-00001" in tl[-1].detail
    # Archived: nothing left but reopening.
    assert [a for a, _l, _n in desk.complaints.actions_for(c)] == ["reopen"]


def test_refusal_needs_a_ground(desk):
    c = _register(desk, _business(desk))
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "refuse", D(2026, 3, 4))
    assert set(exc.value.fields) == {"ground"}
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "refuse", D(2026, 3, 4), ground_code="T01")  # a termination ground, not a refusal one
    assert set(exc.value.fields) == {"ground"}
    assert desk.complaints.get(c.id).version == c.version
    c = _act(desk, c, "refuse", D(2026, 3, 4), ground_code="R03")
    assert (c.status, c.refusal_ground_code, c.refusal_ground_name) == ("refused", "R03", "不属于消费者权益争议")
    assert c.due_date is None
    assert "不属于消费者权益争议" in desk.complaints.timeline(c.id)[-1].detail
    c = _act(desk, c, "close", D(2026, 3, 5))
    assert c.status == "closed"


def test_termination_then_notice(desk):
    c = _register(desk, _business(desk), received=datetime.datetime(2026, 2, 2, 8, 0))
    c = _act(desk, c, "accept", D(2026, 2, 3))
    c = _act(desk, c, "start_mediation", D(2026, 2, 5))
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "terminate", D(2026, 2, 12))
    assert set(exc.value.fields) == {"ground"}
    c = _act(desk, c, "terminate", D(2026, 2, 12), ground_code="T02")
    assert (c.status, c.termination_ground_name) == ("terminated", "一方当事人无正当理由不参加调解或者拒绝调解")
    # Both parties must be told within 7 working days: 02-13, 02-14, 02-24 … 02-28.
    assert (c.due_kind, c.due_date) == ("termination_notice", D(2026, 2, 28))
    c = _act(desk, c, "notify_termination", D(2026, 2, 13))
    assert (c.status, c.termination_notified_date, c.due_date, c.due_kind) == ("terminated", D(2026, 2, 13), None, None)
    c = _act(desk, c, "close", D(2026, 2, 14))
    assert [e.action for e in desk.complaints.timeline(c.id)][-3:] == ["terminate", "notify_termination", "close"]


def test_transfer_with_reply(desk):
    c = _register(desk, _business(desk), received=datetime.datetime(2026, 9, 22, 15, 0))
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "transfer", D(2026, 9, 24), department="  ")
    assert set(exc.value.fields) == {"department"}
    c = _act(desk, c, "transfer", D(2026, 9, 24), department="县市场监督管理局")
    assert (c.status, c.due_date) == ("referred", None)
    (ref,) = c.referrals
    # 15 working days across Mid-Autumn and National Day 2026 (see test_complaints_deadlines).
    assert (ref.kind, ref.department, ref.sent_date, ref.reply_due, ref.replied_date) == (
        "transfer", "县市场监督管理局", D(2026, 9, 24), D(2026, 10, 22), None)
    assert ref.overdue  # today is 2026-11-30
    assert desk.complaints.worklist().referrals_overdue[0].complaint_id == c.id

    with pytest.raises(ValidationError) as exc:
        desk.complaints.record_referral_reply(ref.id, ref.version, D(2026, 9, 23), "已处理")
    assert set(exc.value.fields) == {"replied_on"}
    with pytest.raises(ValidationError) as exc:
        desk.complaints.record_referral_reply(ref.id, ref.version, D(2026, 12, 1), "已处理")
    assert set(exc.value.fields) == {"replied_on"}
    with pytest.raises(ValidationError):
        desk.complaints.record_referral_reply(ref.id, ref.version, D(2026, 10, 20), "   ")
    r = desk.complaints.record_referral_reply(ref.id, ref.version, D(2026, 10, 20), "经查，已责令商家退款。")
    assert (r.replied_date, r.reply_text, r.overdue) == (D(2026, 10, 20), "经查，已责令商家退款。", False)
    with pytest.raises(ConflictError):
        desk.complaints.record_referral_reply(ref.id, ref.version, D(2026, 10, 21), "再次回复")
    assert desk.complaints.worklist().referrals_overdue == ()
    tl = desk.complaints.timeline(c.id)
    assert [e.action for e in tl] == ["register", "transfer", "referral_reply"]
    assert tl[-1].event_date == D(2026, 10, 20) and "县市场监督管理局" in tl[-1].detail
    c = desk.complaints.get(c.id)
    c = _act(desk, c, "close", D(2026, 10, 21))
    assert c.status == "closed"


def test_enforcement_keeps_the_case_going(desk):
    c = _register(desk, _business(desk), received=datetime.datetime(2026, 2, 2, 8, 0))
    c = _act(desk, c, "accept", D(2026, 2, 3))
    c = _act(desk, c, "start_mediation", D(2026, 2, 5))
    due_before = (c.due_kind, c.due_date)
    c = _act(desk, c, "enforcement", D(2026, 2, 12), department="县市场监督管理局执法大队", detail="疑似销售假冒商品")
    assert c.status == "mediating"
    assert (c.due_kind, c.due_date) == due_before
    (ref,) = c.referrals
    # 15 working days from Thu 2026-02-12 across the Spring Festival.
    assert (ref.kind, ref.kind_label, ref.reply_due) == ("enforcement", "诉转案", D(2026, 3, 11))
    e = desk.complaints.timeline(c.id)[-1]
    assert (e.action, e.from_status, e.to_status, e.event_date) == ("enforcement", "mediating", "mediating", D(2026, 2, 12))


def test_lawsuit_and_arbitration_referrals(desk):
    bid = _business(desk)
    a = _act(desk, _register(desk, bid), "accept", D(2026, 3, 3))
    a = _act(desk, a, "lawsuit", D(2026, 3, 4), department="太和县人民法院", reply_due=D(2026, 4, 30))
    assert a.status == "referred" and a.referrals[0].reply_due == D(2026, 4, 30)
    b = _act(desk, _register(desk, bid), "accept", D(2026, 3, 3))
    with pytest.raises(ValidationError) as exc:
        _act(desk, b, "arbitration", D(2026, 3, 4), department="阜阳仲裁委员会", reply_due=D(2026, 3, 1))
    assert set(exc.value.fields) == {"reply_due"}
    b = _act(desk, b, "arbitration", D(2026, 3, 4), department="阜阳仲裁委员会")
    assert (b.status, b.referrals[0].kind_label, b.referrals[0].reply_due) == ("referred", "仲裁", None)


def test_withdraw(desk):
    c = _register(desk, _business(desk))
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "withdraw", D(2026, 3, 3))
    assert set(exc.value.fields) == {"reason"}
    c = _act(desk, c, "withdraw", D(2026, 3, 3), reason="商家已主动退款，消费者撤回投诉")
    assert (c.status, c.due_date, c.result_summary) == ("withdrawn", None, "商家已主动退款，消费者撤回投诉")
    assert desk.complaints.timeline(c.id)[-1].detail == "商家已主动退款，消费者撤回投诉"


def test_reopen_needs_head_or_admin_and_a_reason(desk):
    c = _register(desk, _business(desk))
    for action, on in (("accept", D(2026, 3, 3)), ("start_mediation", D(2026, 3, 4)),
                       ("mediation_success", D(2026, 3, 10)), ("close", D(2026, 3, 11)), ("archive", D(2026, 3, 12))):
        c = _act(desk, c, action, on)
    handler = _login_as(desk, Role.HANDLER, "li", "李调解")
    head = _login_as(desk, Role.HEAD, "wang", "王秘书长")
    reader = _login_as(desk, Role.READONLY, "zhao", "赵只读")

    with pytest.raises(PermissionDenied, match="秘书长或管理员"):
        handler.complaints.act(c.id, "reopen", c.version, ActionInput(on=D(2026, 4, 1), reason="商家未履行"))
    with pytest.raises(PermissionDenied):
        reader.complaints.act(c.id, "reopen", c.version, ActionInput(on=D(2026, 4, 1), reason="商家未履行"))
    with pytest.raises(ValidationError) as exc:
        head.complaints.act(c.id, "reopen", c.version, ActionInput(on=D(2026, 4, 1)))
    assert set(exc.value.fields) == {"reason"}
    assert handler.complaints.actions_for(c) == []
    assert reader.complaints.actions_for(c) == []

    c = head.complaints.act(c.id, "reopen", c.version, ActionInput(on=D(2026, 4, 1), reason="商家未按调解协议履行"))
    assert (c.status, c.closed_date, c.archive_no) == ("accepted", None, "TH-GD-2026-00001")
    e = desk.complaints.timeline(c.id)[-1]
    assert (e.action, e.username, e.event_date, e.from_status, e.to_status) == ("reopen", "王秘书长", D(2026, 4, 1), "archived", "accepted")
    assert "商家未按调解协议履行" in e.detail
    # The handler carries on with the reopened case; archiving again keeps its archive number.
    c = handler.complaints.act(c.id, "terminate", c.version, ActionInput(on=D(2026, 4, 2), ground_code="T02"))
    assert desk.complaints.timeline(c.id)[-1].username == "李调解"
    c = handler.complaints.act(c.id, "close", c.version, ActionInput(on=D(2026, 4, 3)))
    c = handler.complaints.act(c.id, "archive", c.version, ActionInput(on=D(2026, 4, 3)))
    assert c.archive_no == "TH-GD-2026-00001"


def test_reopen_of_a_refused_case_starts_its_clock(desk):
    c = _register(desk, _business(desk))
    c = _act(desk, c, "refuse", D(2026, 3, 3), ground_code="R05")
    c = _act(desk, c, "close", D(2026, 3, 4))
    c = _act(desk, c, "reopen", D(2026, 3, 9), reason="消费者补齐了购物凭证")
    # An accepted case needs an acceptance date, or it has no mediation deadline at all.
    assert c.accepted_date == D(2026, 3, 9)
    assert c.due_kind == "mediation" and c.due_date is not None


def test_readonly_cannot_act(desk):
    c = _register(desk, _business(desk))
    reader = _login_as(desk, Role.READONLY, "zhao", "赵只读")
    with pytest.raises(PermissionDenied, match="办理投诉"):
        reader.complaints.act(c.id, "accept", c.version, ActionInput(on=D(2026, 3, 3)))
    assert desk.complaints.get(c.id).status == "registered"


def test_illegal_step_is_refused_and_changes_nothing(desk):
    c = _register(desk, _business(desk))
    c = _act(desk, c, "accept", D(2026, 3, 3))
    with pytest.raises(DeskError, match="案件当前状态为“已受理”，不能受理"):
        _act(desk, c, "accept", D(2026, 3, 4))
    with pytest.raises(DeskError, match="“已受理”.*不能归档"):
        _act(desk, c, "archive", D(2026, 3, 4))
    after = desk.complaints.get(c.id)
    assert (after.status, after.version) == ("accepted", c.version)
    assert len(desk.complaints.timeline(c.id)) == 2


def test_stale_version_is_a_conflict(desk):
    c = _register(desk, _business(desk))
    other = Desk(desk.engine, desk.url)
    other.auth.login("admin", "admin-pass-1")
    moved = other.complaints.act(c.id, "accept", c.version, ActionInput(on=D(2026, 3, 3)))
    with pytest.raises(ConflictError) as exc:
        desk.complaints.act(c.id, "withdraw", c.version, ActionInput(on=D(2026, 3, 3), reason="重复投诉"))
    assert exc.value.current.version == moved.version
    assert exc.value.current.status == "accepted"
    assert desk.complaints.get(c.id).status == "accepted"


def test_step_dates_are_checked(desk):
    c = _register(desk, _business(desk))
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "accept", D(2026, 12, 1))  # tomorrow
    assert set(exc.value.fields) == {"on"}
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "accept", D(2026, 3, 1))  # before receipt on 03-02
    assert set(exc.value.fields) == {"on"} and "2026-03-02" in exc.value.fields["on"]
    c = _act(desk, c, "accept", D(2026, 3, 2))  # the receipt day itself is fine
    c = _act(desk, c, "start_mediation", D(2026, 3, 10))
    # A step cannot be dated before the step that made it possible.
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "mediation_success", D(2026, 3, 5))
    assert set(exc.value.fields) == {"on"}
    c = _act(desk, c, "mediation_success", D(2026, 3, 10))
    assert c.status == "mediated"
    # Without a date, the step happens today.
    c = desk.complaints.act(c.id, "close", c.version)
    assert c.closed_date == D(2026, 11, 30)


def test_pause_and_resume(desk):
    c = _register(desk, _business(desk), received=datetime.datetime(2026, 4, 16, 9, 0))
    c = _act(desk, c, "accept", D(2026, 4, 16))
    assert (c.rule_version, c.due_date) == ("2026", D(2026, 6, 15))
    with pytest.raises(DeskError, match="没有暂停"):
        _act(desk, c, "resume", D(2026, 5, 10))
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "pause", D(2026, 5, 10))
    assert set(exc.value.fields) == {"reason"}
    acts = [a for a, _l, _n in desk.complaints.actions_for(c)]
    assert "pause" in acts and "resume" not in acts
    c = _act(desk, c, "pause", D(2026, 5, 10), reason="送检：电饭煲加热元件质量鉴定")
    acts = [a for a, _l, _n in desk.complaints.actions_for(c)]
    assert "resume" in acts and "pause" not in acts
    assert (c.paused_since, c.due_date, c.due_kind) == (D(2026, 5, 10), None, "mediation")
    assert "计时暂停" in c.due_label
    with pytest.raises(DeskError, match="已暂停计时"):
        _act(desk, c, "pause", D(2026, 5, 11), reason="再次送检")
    with pytest.raises(ValidationError) as exc:
        _act(desk, c, "resume", D(2026, 5, 9))
    assert set(exc.value.fields) == {"on"}
    c = _act(desk, c, "start_mediation", D(2026, 5, 11))  # mediation may start while the sample is tested
    c = _act(desk, c, "resume", D(2026, 5, 13))
    # 3 calendar days not counted: 06-15 → 06-18.
    assert (c.paused_since, c.due_date) == (None, D(2026, 6, 18))
    assert [(p.start, p.end) for p in c.pauses] == [(D(2026, 5, 10), D(2026, 5, 13))]


def test_leaving_mediation_ends_an_open_pause(desk):
    bid = _business(desk)
    for action, kw in (("mediation_success", {}), ("terminate", {"ground_code": "T04"}),
                       ("withdraw", {"reason": "和解"}), ("transfer", {"department": "县卫生健康委"})):
        c = _register(desk, bid, received=datetime.datetime(2026, 4, 16, 9, 0))
        c = _act(desk, c, "accept", D(2026, 4, 16))
        c = _act(desk, c, "start_mediation", D(2026, 4, 17))
        c = _act(desk, c, "pause", D(2026, 4, 20), reason="鉴定")
        c = _act(desk, c, action, D(2026, 4, 25), **kw)
        assert c.paused_since is None, action
        assert [(p.start, p.end) for p in c.pauses] == [(D(2026, 4, 20), D(2026, 4, 25))], action
        assert "计时暂停" not in c.due_label, action


def test_second_termination_after_reopen_needs_a_new_notice(desk):
    c = _register(desk, _business(desk), received=datetime.datetime(2026, 2, 2, 8, 0))
    c = _act(desk, c, "accept", D(2026, 2, 3))
    c = _act(desk, c, "terminate", D(2026, 2, 12), ground_code="T02")
    c = _act(desk, c, "notify_termination", D(2026, 2, 13))
    c = _act(desk, c, "close", D(2026, 2, 14))
    c = _act(desk, c, "reopen", D(2026, 3, 2), reason="经营者同意重新调解")
    c = _act(desk, c, "terminate", D(2026, 3, 9), ground_code="T03")
    # The first notice does not cover the second termination: 7 working days from Mon 03-09.
    assert (c.termination_notified_date, c.due_kind, c.due_date) == (None, "termination_notice", D(2026, 3, 18))


def test_archived_case_cannot_be_edited(desk):
    c = _register(desk, _business(desk))
    for action, on in (("withdraw", D(2026, 3, 3)), ("close", D(2026, 3, 3)), ("archive", D(2026, 3, 4))):
        c = _act(desk, c, action, on, reason="和解" if action == "withdraw" else "")
    inp = ComplaintInput(consumer_name="张三丰", consumer_phone="13812345678", channel_code="C01", category_code="G0101",
                         nature_code="N03", business_id=c.business_id, facts=c.facts, received_at=c.received_at)
    with pytest.raises(DeskError, match="已归档"):
        desk.complaints.update(c.id, c, inp)
    assert desk.complaints.get(c.id).consumer_name == "张三"
    # Reopened, it can be corrected again.
    c = _act(desk, c, "reopen", D(2026, 3, 5), reason="更正登记信息")
    assert desk.complaints.update(c.id, c, inp).consumer_name == "张三丰"
