"""Demo rosters for 太和县: 65 消费维权志愿者 and 200 义务调查员 (the seed county's numbers),
two training sessions a year for three years with their attendance, and the investigators'
market, price and quality checks. Deterministic for a seed; re-running skips what exists
(people by certificate number, sessions by date and topic, tasks by date and title)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from desk import clock
from desk.demo import MOBILE_PREFIXES, TAIHE_DIVISION, TOWNSHIP_NAMES, DemoContext, StepResult, demo_step
from desk.models import Complaint
from desk.models.rosters import (
    RosterAttendance,
    RosterPerson,
    RosterStatusChange,
    RosterTask,
    RosterTaskAssignee,
    RosterTaskComplaint,
    RosterTraining,
)
from desk.services.rosters import Kind, Status, person_search_text

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_M = "伟强磊军洋勇杰涛明超刚毅浩宇轩俊杰建华国强志刚文博思远子豪晨阳"
GIVEN_F = "芳娜秀英敏静丽艳娟霞平桂英玉兰萍欣怡梓涵佳琪雨萱海燕红梅"
COMMUNITIES = ("人民社区", "沙河社区", "细阳社区", "三里村", "新华村", "王庄村", "李集村", "和平社区", "东城社区", "西关村")
WORKPLACES = (
    "太和县人民医院", "太和县第一中学", "太和县城关镇人民政府", "太和县农商银行", "太和县供电公司", "太和县邮政分公司",
    "太和县市场监督管理局", "太和县律师事务所", "太和县电视台", "太和县第二小学", "个体经营", "太和县自来水公司",
)
OCCUPATIONS = ("教师", "医生", "律师", "会计", "公务员", "个体工商户", "退休职工", "记者", "社区工作者", "村干部", "银行职员")
SKILLS = ("法律咨询", "财会", "摄影", "写作", "电器维修", "食品检验", "计量", "宣传", "医药", "")
LEAVE_REASONS = ("工作调动，离开本县", "本人申请退出", "身体原因", "外出务工")
SUSPEND_REASONS = ("外出学习一年", "本人申请暂停", "长期在外地工作")

TRAINING_PLAN = (
    (3, 10, "消费维权志愿者业务培训：消费者权益保护法实施条例解读", ("volunteer", "investigator", "staff"), "县消协会议室", "县消协秘书长"),
    (9, 20, "义务调查员市场检查实务培训：价格、计量与食品安全", ("investigator", "branch"), "县市场监管局培训中心", "县市场监管局执法大队"),
)
TASK_PLAN = (
    ("price", 1, "春节前粮油肉蛋价格检查", "县城各大超市、农贸市场"),
    ("quality", 3, "3·15 前电动自行车质量抽查", "城关镇电动车经营户"),
    ("market", 5, "校园周边食品经营秩序检查", "各中小学周边商店"),
    ("quality", 7, "夏季冷饮及桶装水质量检查", "城区冷饮店、水站"),
    ("market", 9, "中秋国庆月饼市场检查", "县城商场、超市"),
    ("price", 11, "“双十一”网购商品价格标示检查", "县城快递服务站及电商网店"),
)
FINDINGS = (
    "共检查经营户 {n} 家，发现 {k} 家存在明码标价不规范问题，已反馈市场监管部门。",
    "检查经营户 {n} 家，{k} 家存在过期商品未下架，现场督促整改。",
    "检查 {n} 家，未发现明显问题，经营秩序良好。",
)


def _id_no(rng: random.Random, birth: dt.date, female: bool) -> str:
    from desk.validators import _id_check_char

    seq = rng.randrange(0, 100)
    sex = rng.choice("02468" if female else "13579")
    first17 = f"{TAIHE_DIVISION}{birth:%Y%m%d}{seq:02d}{sex}"
    return first17 + _id_check_char(first17)


def generate_people(seed: int, kind: str, n: int, *, today: dt.date) -> list[dict]:
    """The rows for ``kind`` from the seed alone (no database): plain dicts."""
    rng = random.Random(f"{seed}:roster:{kind}")
    prefix = "ZY" if kind == Kind.VOLUNTEER else "DC"
    phones: set[str] = set()
    out = []
    for i in range(n):
        female = rng.random() < 0.45
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_F if female else GIVEN_M) for _ in range(rng.choice((1, 2, 2))))
        phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        while phone in phones:
            phone = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        phones.add(phone)
        join = dt.date(today.year - rng.randint(0, 6), rng.choice((3, 3, 5, 9)), rng.randint(1, 28))
        join = min(join, today)
        birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        row = {
            "kind": kind,
            "name": name,
            "gender": "F" if female else "M",
            "phone": phone,
            "id_no": _id_no(rng, birth, female) if rng.random() < 0.6 else None,
            "township": rng.choice(TOWNSHIP_NAMES),
            "community": rng.choice(COMMUNITIES),
            "workplace": rng.choice(WORKPLACES),
            "occupation": rng.choice(OCCUPATIONS),
            "join_date": join,
            "certificate_no": f"{prefix}{join.year}{i + 1:04d}",
            "skills": rng.choice(SKILLS),
            "note": "",
            "consent_date": join if kind == Kind.VOLUNTEER else None,
            "consent_method": "入会申请表书面同意" if kind == Kind.VOLUNTEER else "",
            "status": Status.ACTIVE.value,
            "status_date": None,
            "status_reason": "",
        }
        r = rng.random()
        if r < 0.08 and join < today - dt.timedelta(days=60):
            row.update(status=Status.LEFT.value, status_reason=rng.choice(LEAVE_REASONS),
                       status_date=join + dt.timedelta(days=rng.randint(30, (today - join).days)))
        elif r < 0.11 and join < today - dt.timedelta(days=60):
            row.update(status=Status.SUSPENDED.value, status_reason=rng.choice(SUSPEND_REASONS),
                       status_date=join + dt.timedelta(days=rng.randint(30, (today - join).days)))
        out.append(row)
    return out


def _people_step(ctx: DemoContext, kind: str, default: int) -> StepResult:
    today = clock.today()
    rows = generate_people(ctx.seed, kind, ctx.count(ctx.step, default), today=today)
    with ctx.desk.read() as s:
        taken = set(s.scalars(select(RosterPerson.certificate_no).where(RosterPerson.kind == kind)))
        taken_phones = set(s.scalars(select(RosterPerson.phone).where(RosterPerson.kind == kind)))
        taken_ids = set(s.scalars(select(RosterPerson.id_no).where(RosterPerson.kind == kind, RosterPerson.id_no.is_not(None))))
    office_id = ctx.shared.get("county_id")
    people = []
    for r in rows:
        if r["certificate_no"] in taken or r["phone"] in taken_phones or (r["id_no"] and r["id_no"] in taken_ids):
            continue
        p = RosterPerson(**r, office_id=office_id, search_text=person_search_text(r))
        if r["status"] != Status.ACTIVE:
            p.status_changes.append(RosterStatusChange(status=r["status"], changed_on=r["status_date"], reason=r["status_reason"]))
        people.append(p)
    added = ctx.insert(people)
    return StepResult(added=added, skipped=len(rows) - added)


@demo_step("volunteers", label="消费维权志愿者", count=65)
def _volunteers(ctx: DemoContext) -> StepResult:
    return _people_step(ctx, Kind.VOLUNTEER, 65)


@demo_step("investigators", label="义务调查员", count=200)
def _investigators(ctx: DemoContext) -> StepResult:
    return _people_step(ctx, Kind.INVESTIGATOR, 200)


def _audience_people(people: list[tuple[int, str, dt.date | None, str, dt.date | None]], audience: tuple[str, ...],
                     day: dt.date) -> list[int]:
    kinds = {a for a in audience if a in ("volunteer", "investigator")}
    out = []
    for pid, kind, join, status, status_date in people:
        if kind not in kinds or (join and join > day):
            continue
        if status != Status.ACTIVE and status_date and status_date <= day:
            continue
        out.append(pid)
    return out


@demo_step("trainings", label="培训班（含签到）")
def _trainings(ctx: DemoContext) -> StepResult:
    rng = ctx.rng
    today = clock.today()
    with ctx.desk.read() as s:
        existing = set(s.execute(select(RosterTraining.held_on, RosterTraining.topic)).all())
        people = [tuple(r) for r in s.execute(select(RosterPerson.id, RosterPerson.kind, RosterPerson.join_date,
                                                     RosterPerson.status, RosterPerson.status_date).order_by(RosterPerson.id))]
    result = StepResult()
    for year in range(today.year - 2, today.year + 1):
        for month, day, topic, audience, place, trainer in TRAINING_PLAN:
            held = dt.date(year, month, day)
            if held > today:
                continue
            share = rng.uniform(0.55, 0.85)
            others = rng.randint(5, 20)
            if (held, topic) in existing:
                result.skipped += 1
                continue
            t = RosterTraining(held_on=held, topic=topic, place=place, trainer=trainer, audience=",".join(audience),
                               other_attendees=others, office_id=ctx.shared.get("county_id"))
            chosen = [pid for pid in _audience_people(people, audience, held) if rng.random() < share]
            t.attendance = [RosterAttendance(person_id=pid, source=rng.choice(("picked", "sign_in"))) for pid in chosen]
            ctx.insert([t])
            result.added += 1
    return result


@demo_step("investigation_tasks", label="义务调查员调查任务")
def _tasks(ctx: DemoContext) -> StepResult:
    today = clock.today()
    # The tasks (their natural key: start date and title) come from the seed alone; who does
    # them is drawn apart, so a re-run finds the same tasks whatever the roster holds.
    plan = []
    for year in range(today.year - 2, today.year + 1):
        for task_type, month, title, place in TASK_PLAN:
            start = dt.date(year, month, 5 + ctx.rng.randrange(10))
            plan.append((task_type, start, title, place, ctx.rng.randint(3, 14)))
    picker = random.Random(f"{ctx.seed}:investigation_tasks:people")
    with ctx.desk.read() as s:
        existing = set(s.execute(select(RosterTask.start_date, RosterTask.title)).all())
        investigators = list(s.scalars(select(RosterPerson.id).where(
            RosterPerson.kind == Kind.INVESTIGATOR, RosterPerson.status == Status.ACTIVE).order_by(RosterPerson.id)))
        complaints = list(s.scalars(select(Complaint.id).order_by(Complaint.id).limit(500)))
    result = StepResult()
    for task_type, start, title, place, days in plan:
        if start > today:
            continue
        if (start, title) in existing or not investigators:
            result.skipped += 1
            continue
        end = start + dt.timedelta(days=days)
        done = end < today
        finding = picker.choice(FINDINGS).format(n=picker.randint(8, 40), k=picker.randint(1, 5))
        t = RosterTask(task_type=task_type, title=title, start_date=start, end_date=end, place=place,
                       findings=finding if done else "", office_id=ctx.shared.get("county_id"))
        k = min(picker.randint(2, 4), len(investigators))
        t.assignees = [RosterTaskAssignee(person_id=pid) for pid in picker.sample(investigators, k)]
        if complaints and done and picker.random() < 0.4:
            t.complaints = [RosterTaskComplaint(complaint_id=picker.choice(complaints))]
            t.warning_refs = f"{start.year}年第{picker.randint(1, 6)}号消费提示"
        ctx.insert([t])
        result.added += 1
    return result
