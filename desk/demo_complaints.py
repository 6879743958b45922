"""Demo complaints: a realistic mix of channels, categories, natures, outcomes and amounts
spread over three years. Written with bulk Core inserts (100,000 in well under a minute), so
these rows carry no audit trail: demo data is not office history."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import func, insert, select, update

from desk import clock
from desk.dates import cn_date
from desk.deadlines import DeadlineRules, current_due
from desk.demo import DemoContext, StepResult, demo_step
from desk.facade import Desk
from desk.models import (
    Business,
    CaseSequence,
    Complaint,
    ComplaintEvent,
    Consultation,
    Office,
    User,
    VocabItem,
)
from desk.validators import normalise_search_text
from desk.workflow import Status

CHUNK = 5000

CHANNEL_WEIGHTS = {"C01": 35, "C04": 30, "C02": 20, "C03": 3, "C05": 5, "C06": 5, "C99": 2}
NATURE_WEIGHTS = {"N01": 28, "N03": 22, "N02": 18, "N05": 8, "N04": 7, "N06": 4, "N07": 3, "N08": 2, "N09": 1, "N10": 7}
GROUP_WEIGHTS = {"G": 45, "S": 50, "O": 5}
# Finished cases by outcome.
OUTCOME_WEIGHTS = {
    Status.MEDIATED: 72,
    Status.TERMINATED: 8,
    Status.REFUSED: 6,
    Status.REFERRED: 7,
    Status.WITHDRAWN: 7,
}
PROBLEMS = {
    "N01": ["保修期内维修多次仍未修好", "商家拒绝履行三包义务", "售后电话长期无人接听"],
    "N02": ["商家单方面变更合同内容", "预付卡余额不予退还", "未按约定时间交货"],
    "N03": ["使用不久即出现故障", "商品存在明显质量瑕疵", "食品开封后发现异物"],
    "N04": ["宣传功效与实际严重不符", "直播间宣传的赠品未兑现"],
    "N05": ["结账价格高于标价", "同一商品先涨价后打折"],
    "N06": ["使用中发生漏电", "电动车电池起火"],
    "N07": ["购买的名牌商品疑似假冒"],
    "N08": ["称重短斤少两", "加油机计量不准"],
    "N09": ["被店员搜身并言语侮辱"],
    "N10": ["商家拒绝开具发票", "个人信息被泄露后频繁收到骚扰电话"],
}
DEMANDS = ["退货退款", "更换同型号商品", "免费维修", "赔偿损失", "退还预付款", "依法三倍赔偿", "赔礼道歉"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰萍毅浩宇轩欣怡梓涵子豪晨阳佳琪雨萱俊杰建华国强海燕红梅志刚文博思远"
MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "183", "187", "188",
                   "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "177", "199"]
TOWNS = ["城关镇", "旧县镇", "税镇镇", "皮条孙镇", "原墙镇", "倪邱镇", "李兴镇", "大新镇", "宫集镇", "关集镇", "三塔镇", "双浮镇",
         "肖口镇", "马集镇", "二郎镇", "赵集乡", "坟台镇", "洪山镇", "清浅镇", "五星镇", "高庙镇", "桑营镇", "阮桥镇"]


def _weighted(rng: random.Random, weights: dict) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _received(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    span = (end - start).days
    while True:
        day = start + dt.timedelta(days=int(span * rng.random() ** 0.85))  # recent years a little busier
        # Around 3·15 the phones ring more; weekends much less.
        weight = 2.0 if (day.month == 3 and 10 <= day.day <= 20) else 1.0
        if day.weekday() >= 5:
            weight *= 0.3
        if rng.random() < weight / 2.0:
            return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randrange(60), rng.randrange(60)))


def _ensure_businesses(desk: Desk, rng: random.Random, minimum: int = 1) -> list[tuple[int, str]]:
    """The registry's businesses; on an empty registry (a bare benchmark database) 200 simple
    ones are made first so complaints have someone to be against."""
    with desk.read() as s:
        rows = [(r.id, r.name) for r in s.execute(select(Business.id, Business.name))]
    if len(rows) >= minimum:
        return rows
    minimum = max(minimum, 200)
    kinds = ["超市", "家电城", "通讯店", "餐饮店", "培训学校", "物业公司", "汽车销售服务有限公司", "装饰工程有限公司",
             "电动车行", "美容美发店", "健身会所", "农资经营部", "药店", "服装店", "金店", "快递服务部"]
    new = []
    taken = {n for _i, n in rows}
    while len(rows) + len(new) < minimum:
        name = f"太和县{rng.choice(TOWNS)[:2]}{rng.choice(SURNAMES)}{rng.choice('记氏家鑫华兴隆盛达')}{rng.choice(kinds)}"
        if name in taken:
            continue
        taken.add(name)
        new.append({"name": name, "credit_code": None, "address": f"太和县{rng.choice(TOWNS)}", "contact_person": _name(rng),
                    "phone": _phone(rng), "township": rng.choice(TOWNS), "note": "", "search_name": normalise_search_text(name),
                    "version": 1, "created_at": clock.now(), "updated_at": clock.now()})
    with desk.write() as s:
        s.execute(insert(Business.__table__), new)
    with desk.read() as s:
        return [(r.id, r.name) for r in s.execute(select(Business.id, Business.name))]


def add_complaints(desk: Desk, n: int, *, seed: int = 1, years: int = 3, today: dt.date | None = None) -> int:
    """Insert ``n`` demo complaints received over the last ``years`` years. Returns n."""
    if n <= 0:
        return 0
    rng = random.Random(seed)
    today = today or clock.today()
    start = today.replace(year=today.year - years)
    with desk.read() as s:
        offices = [(r.id, r.code) for r in s.execute(select(Office.id, Office.code).where(Office.active.is_(True)).order_by(Office.id))]
        users = [r[0] for r in s.execute(select(User.id).where(User.active.is_(True)))]
        cats = [(r.code, r.parent_id) for r in s.execute(select(VocabItem.code, VocabItem.parent_id).where(VocabItem.kind == "category", VocabItem.active.is_(True)))]
    if not offices:
        raise ValueError("demo complaints need an office: run init or demo first")
    cats_by_group: dict[str, list[str]] = {}
    for code, _parent in cats:
        cats_by_group.setdefault(code[:1], []).append(code)
    businesses = _ensure_businesses(desk, rng)
    rules = DeadlineRules.from_settings(desk.settings.snapshot("deadline.").values)
    cal = desk.calendar.calendar()
    office_weights = [6] + [1] * (len(offices) - 1)  # the county office registers most cases

    # Draw every case first, then number them per office and year in date order.
    drafts = []
    for _ in range(n):
        office = rng.choices(offices, weights=office_weights)[0]
        drafts.append((_received(rng, start, today), office))
    drafts.sort(key=lambda d: d[0])
    with desk.read() as s:
        used = {
            (r[0], r[1]): r[2]
            for r in s.execute(
                select(CaseSequence.office_id, CaseSequence.year, CaseSequence.last_no).where(CaseSequence.kind == "case")
            )
        }
    counters = dict(used)

    def rows() -> Iterator[tuple[dict, list[dict]]]:
        for received, (office_id, code) in drafts:
            key = (office_id, received.year)
            counters[key] = counters.get(key, 0) + 1
            case_no = f"{code}-{received.year}-{counters[key]:05d}"
            group = _weighted(rng, GROUP_WEIGHTS)
            category = rng.choice(cats_by_group.get(str(group)) or cats_by_group["O"])
            nature = str(_weighted(rng, NATURE_WEIGHTS))
            channel = str(_weighted(rng, CHANNEL_WEIGHTS))
            bid, bname = rng.choice(businesses)
            name = _name(rng)
            phone = _phone(rng)
            problem = rng.choice(PROBLEMS[nature])
            demand = rng.choice(DEMANDS)
            amount = Decimal(min(200000, round(rng.lognormvariate(6.7, 1.2), 2))).quantize(Decimal("0.01"))
            facts = f"消费者于{cn_date(received, padded=True)}在{bname}消费{amount}元，{problem}，与经营者协商未果，请求{demand}。"
            age = (today - received.date()).days
            received_date = received.date()
            accepted = received_date + dt.timedelta(days=rng.randint(0, 6))
            status: str
            # Old cases are finished; the last weeks hold the open work.
            if age > 75 or (age > 20 and rng.random() < 0.8):
                outcome = _weighted(rng, OUTCOME_WEIGHTS)
                status = Status.ARCHIVED.value if age > 180 and rng.random() < 0.7 else Status.CLOSED.value
            elif age > 7:
                outcome = None
                status = rng.choice([Status.ACCEPTED.value, Status.MEDIATING.value, Status.MEDIATING.value])
            else:
                outcome = None
                status = rng.choice([Status.REGISTERED.value, Status.REGISTERED.value, Status.ACCEPTED.value])
            if accepted > today:
                accepted = today
            closed = None
            refusal = termination = None
            ended = None
            if outcome is not None:
                ended = min(today, accepted + dt.timedelta(days=rng.randint(3, 40)))
                closed = min(today, ended + dt.timedelta(days=rng.randint(0, 5)))
                if outcome == Status.REFUSED:
                    refusal = rng.choice(["R01", "R02", "R03", "R04", "R05"])
                if outcome == Status.TERMINATED:
                    termination = rng.choice(["T01", "T02", "T03", "T05"])
            rule_version = rules.rule_version(received_date)
            acc = None if status == Status.REGISTERED.value or outcome == Status.REFUSED else accepted
            due = current_due(cal, status=status, rule_version=rule_version, received_date=received_date, accepted_date=acc,
                              mediation_ended_date=ended, termination_notified_date=None, pauses=(), rules=rules)
            handler = rng.choice(users) if users else None
            row = dict(
                case_no=case_no, office_id=office_id, status=status, rule_version=rule_version, received_at=received,
                received_date=received_date, channel_code=channel, category_code=category, nature_code=nature,
                business_id=bid, business_name=bname, consumer_name=name, consumer_phone=phone,
                consumer_address=f"太和县{rng.choice(TOWNS)}", consumer_id_no=None, is_joint=False,
                consumer_is_representative=False, agent_name="", agent_phone="", agent_authorised=False, amount=amount,
                demand=demand, facts=facts, handler_id=handler, accepted_date=acc, refusal_ground_code=refusal,
                mediation_started_date=acc if status in ("mediating",) or outcome in (Status.MEDIATED, Status.TERMINATED) else None,
                mediation_ended_date=ended if outcome in (Status.MEDIATED, Status.TERMINATED) else None,
                termination_ground_code=termination, termination_notified_date=ended if termination else None,
                closed_date=closed, archive_no=None, result_summary="双方达成调解协议，经营者已履行" if outcome == Status.MEDIATED else "",
                paused_since=None, due_date=due.date, due_kind=due.kind, due_provisional=due.provisional,
                search_text="\x01".join(normalise_search_text(p) for p in (case_no, name, phone, bname, facts)),
                version=1, created_at=received, updated_at=received,
            )
            events = [dict(event_date=received_date, action="register", from_status=None, to_status=Status.REGISTERED.value,
                           detail="登记投诉（演示数据）")]
            if outcome is not None:
                events.append(dict(event_date=closed, action="close", from_status=str(outcome), to_status=Status.CLOSED.value, detail=""))
            yield row, events

    batch: list[dict] = []
    batch_events: list[list[dict]] = []
    with desk.write() as s:
        for row, events in rows():
            batch.append(row)
            batch_events.append(events)
            if len(batch) >= CHUNK:
                _flush(s, batch, batch_events)
                batch, batch_events = [], []
        if batch:
            _flush(s, batch, batch_events)
        for (office_id, year), last in counters.items():
            if (office_id, year) in used:
                s.execute(update(CaseSequence).where(CaseSequence.office_id == office_id, CaseSequence.year == year,
                                                     CaseSequence.kind == "case").values(last_no=last))
            else:
                s.execute(insert(CaseSequence).values(office_id=office_id, year=year, kind="case", last_no=last))
    return n


def _flush(s, batch: list[dict], batch_events: list[list[dict]]) -> None:  # type: ignore[no-untyped-def]
    s.execute(insert(Complaint.__table__), batch)
    ids = {r[0]: r[1] for r in s.execute(select(Complaint.case_no, Complaint.id).where(Complaint.case_no.in_([b["case_no"] for b in batch])))}
    now = clock.now()
    events = []
    for row, evs in zip(batch, batch_events, strict=True):
        cid = ids[row["case_no"]]
        for e in evs:
            events.append(dict(complaint_id=cid, at=now, user_id=None, username="演示数据", **e))
    s.execute(insert(ComplaintEvent.__table__), events)


def complaint_count(desk: Desk) -> int:
    with desk.read() as s:
        return s.scalar(select(func.count()).select_from(Complaint)) or 0


@demo_step("complaints", label="投诉（近三年）", count=1000)
def _complaints_step(ctx: DemoContext) -> StepResult:
    # Re-running tops the database up to n cases rather than adding n more each time.
    n = ctx.counts.get("complaints", 1000)
    have = complaint_count(ctx.desk)
    added = add_complaints(ctx.desk, n - have, seed=ctx.seed) if have < n else 0
    return StepResult(added=added, skipped=min(have, n), note="批量写入，不记入操作日志")


CONSULT_TOPICS = ["预付卡退费咨询", "网购七日无理由退货", "家电三包期限", "装修合同纠纷", "快递丢件赔偿", "医美消费维权",
                  "二手车交易", "教育培训退费", "保健品宣传", "燃气费计量", "手机套餐变更", "消费者权益保护法咨询"]


@demo_step("consultations", label="来访咨询", count=300)
def _consultations_step(ctx: DemoContext) -> StepResult:
    n = ctx.counts.get("consultations", 300)
    rng = ctx.rng
    today = clock.today()
    with ctx.desk.read() as s:
        have = s.scalar(select(func.count()).select_from(Consultation)) or 0
    if have >= n:
        return StepResult(skipped=n)
    n -= have
    with ctx.desk.read() as s:
        offices = [r[0] for r in s.execute(select(Office.id).where(Office.active.is_(True)))]
        users = [r[0] for r in s.execute(select(User.id).where(User.active.is_(True)))]
    if not offices or n <= 0:
        return StepResult()
    rows = []
    for _ in range(n):
        day = today - dt.timedelta(days=rng.randrange(365 * 3))
        rows.append(dict(office_id=rng.choice(offices), day=day, channel_code=rng.choice(["C01", "C01", "C02", "C02", "C04"]),
                         topic=rng.choice(CONSULT_TOPICS), people=rng.choice([1, 1, 1, 1, 2, 3]), note="",
                         handler_id=rng.choice(users) if users else None, version=1))
    with ctx.desk.write() as s:
        s.execute(insert(Consultation.__table__), rows)
    return StepResult(added=n, note="批量写入，不记入操作日志")
