"""Demo trust units (with their evaluations, awards, renewals, revisits, rectifications and
revocations) and the outreach registers (activities, warnings and tips, surveys, media
reports, monthly posts, joint meetings), over the last two to three years.

Trust units go through desk.trust_units so every record passes the state machine and its
checks (and the unit timeline is written); the registers are inserted through the ORM in
batches (audited). Both steps top up: re-running adds nothing once the sizes are reached."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import func, select

from desk import clock
from desk.demo import DemoContext, StepResult, demo_step
from desk.errors import DeskError
from desk.models import Business, Complaint, ComplaintEvent, Office, Referral
from desk.models.outreach import (
    Activity,
    ConsumerWarning,
    MediaReport,
    MonthlyPosts,
    Survey,
    SurveyScore,
    WarningCase,
)
from desk.models.trust_units import Department, JointMeeting, JointMeetingAttendee, ReferralReturn, TrustUnit

# -- trust units ---------------------------------------------------------------------------------------

CONCLUSION_WEIGHTS = {"pass": 70, "rectify": 22, "revoke": 8}
FINDINGS = {
    "C01": "消费者权益保护制度未上墙公示，台账不全",
    "C02": "投诉登记簿记录不完整，部分投诉无处理结果",
    "C03": "本年度未开展消费教育活动",
    "C04": "部分商品价签缺失或与结算价不符",
    "C05": "“假一赔十”承诺未在店内显著位置公示",
    "C06": "电子秤未按期检定",
    "C07": "售后服务电话无人接听，维修记录缺失",
    "C08": "诚信经营承诺书未公示",
    "C09": "未建立先行赔付制度",
}


def _inspectors(ctx: DemoContext) -> list:
    from desk.services.trust_units import InspectorInput

    choices = ctx.desk.trust_units.inspector_choices()
    staff = [c for c in choices if c.kind == "staff"]
    investigators = [c for c in choices if c.kind == "investigator"]
    picked = ctx.rng.sample(staff, min(len(staff), 2)) if staff else []
    out = [InspectorInput("staff", c.user_id) for c in picked]
    if investigators and ctx.rng.random() < 0.6:
        p = ctx.rng.choice(investigators)
        out.append(InspectorInput("investigator", person_id=p.person_id, name=p.name))
    if not out:
        out.append(InspectorInput("other", name=ctx.fake.name()))
    return out


def _revisit(ctx: DemoContext, unit_id: int, on: dt.date) -> tuple[str, int, dt.date | None]:
    """Record one revisit on ``on``; returns (conclusion, revisit id, rectification deadline)."""
    from desk.services.trust_units import CheckInput, RevisitInput

    rng = ctx.rng
    conclusion = rng.choices(list(CONCLUSION_WEIGHTS), list(CONCLUSION_WEIGHTS.values()))[0]
    items = ctx.desk.trust_units.checklist()
    n_failed = {"pass": rng.choice([0, 0, 0, 1]), "rectify": rng.randint(1, 3), "revoke": rng.randint(3, 5)}[conclusion]
    failed = set(rng.sample([i.code for i in items], min(n_failed, len(items))))
    checks = []
    for i in items:
        ok = i.code not in failed
        count = None
        if i.counted:
            count = rng.randint(1, 6) if ok else 0
        checks.append(CheckInput(i.code, ok, count=count, note="" if ok else FINDINGS.get(i.code, "未达到要求")))
    problems = "；".join(FINDINGS.get(c, "") for c in sorted(failed) if FINDINGS.get(c))
    findings = ("检查组查看了制度台账、投诉登记簿和经营现场。" + (f"发现：{problems}。" if problems else "各项制度落实较好。"))
    deadline = on + dt.timedelta(days=30) if conclusion == "rectify" else None
    r = ctx.desk.trust_units.record_revisit(unit_id, RevisitInput(
        on, tuple(_inspectors(ctx)), tuple(checks), conclusion, findings,
        rectification_demand=f"针对{problems or '检查发现的问题'}，一个月内完成整改并书面报告本会。" if deadline else "",
        rectification_deadline=deadline))
    return conclusion, r.id, deadline


@demo_step("trust_units", label="诚信单位（含回访检查）", count=24)
def _trust_units(ctx: DemoContext) -> StepResult:
    from desk.services.trust_units import ApplicationInput, FollowUpInput, StepInput

    n = ctx.count("trust_units", 24)
    with ctx.desk.read() as s:
        have = s.scalar(select(func.count()).select_from(TrustUnit)) or 0
        taken = set(s.scalars(select(TrustUnit.business_id)))
        businesses = [r[0] for r in s.execute(select(Business.id).order_by(Business.id))]
    if have >= n:
        return StepResult(skipped=n)
    free = [b for b in businesses if b not in taken]
    if not free:
        return StepResult(note="经营者名录为空，未生成诚信单位")
    rng = ctx.rng
    svc = ctx.desk.trust_units
    today = clock.today()
    added = 0
    serial: dict[int, int] = {}
    for business_id in rng.sample(free, min(n - have, len(free))):
        applied = today - dt.timedelta(days=rng.randint(330, 1100))
        kind = "K01" if rng.random() < 0.75 else "K02"
        try:
            u = svc.apply(ApplicationInput(business_id, kind, applied, applicant=ctx.fake.name(),
                                           application_note="申报材料：申报表、营业执照复印件、消费者权益保护制度、投诉处理记录。"))
            added += 1
            if rng.random() < 0.05:
                svc.act(u.id, "withdraw", u.version, StepInput(applied + dt.timedelta(days=7), "企业主动撤回申报"))
                continue
            evaluated = applied + dt.timedelta(days=rng.randint(10, 30))
            passed = rng.random() > 0.1
            u = svc.act(u.id, "evaluate", u.version, StepInput(
                evaluated, "经实地评审，申报材料真实，制度健全，近一年无有效投诉。" if passed else "近一年投诉较多，制度不健全，暂不予评定。",
                passed=passed))
            if not passed:
                continue
            awarded = evaluated + dt.timedelta(days=rng.randint(5, 20))
            year = awarded.year
            serial[year] = serial.get(year, 0) + 1
            u = svc.act(u.id, "award", u.version, StepInput(awarded, year=year, certificate_no=f"THCX{year}{ctx.seed % 100:02d}{serial[year]:03d}",
                                                           valid_until=dt.date(year + 2, 12, 31)))
            # One revisit a year after the award year (this year's with some left to do).
            for y in range(year + 1, today.year + 1):
                if u.status not in ("awarded", "rectifying", "revocation_proposed"):
                    break
                if u.valid_until and u.valid_until < dt.date(y, 1, 1):
                    serial[y] = serial.get(y, 0) + 1
                    renewed = dt.date(y, 1, rng.randint(5, 25))
                    if renewed > today or u.status != "awarded":
                        break
                    u = svc.act(u.id, "renew", u.version, StepInput(renewed, year=y, certificate_no=f"THCX{y}{ctx.seed % 100:02d}{serial[y]:03d}",
                                                                   valid_until=dt.date(y + 2, 12, 31)))
                if y == today.year and rng.random() < 0.3:
                    break  # not yet revisited this year: shows on the worklist
                visit = dt.date(y, rng.randint(4, 10), rng.randint(1, 28))
                if visit > today or visit < (u.awarded_date or visit):
                    continue
                conclusion, rid, deadline = _revisit(ctx, u.id, visit)
                if conclusion == "rectify" and deadline and deadline < today and rng.random() < 0.85:
                    r = svc.get_revisit(rid)
                    done = rng.random() < 0.8
                    svc.record_follow_up(rid, r.version, FollowUpInput(deadline - dt.timedelta(days=rng.randint(0, 5)), done,
                                                                       "已按要求完成整改" if done else "整改未完成"))
                u = svc.get(u.id)
                if u.status == "revocation_proposed" and visit + dt.timedelta(days=30) < today:
                    if rng.random() < 0.7:
                        u = svc.act(u.id, "revoke", u.version, StepInput(visit + dt.timedelta(days=20), "回访检查问题突出，经会长办公会研究撤销称号"))
                    else:
                        u = svc.act(u.id, "retain", u.version, StepInput(visit + dt.timedelta(days=20), "企业已当场整改并作出书面承诺，保留称号"))
        except DeskError as exc:  # a demo plan that hits a rule is skipped, not fatal
            ctx.shared.setdefault("demo_trust_skipped", []).append(str(exc))
    return StepResult(added=added, skipped=have)


# -- outreach registers --------------------------------------------------------------------------------

ACTIVITY_TITLES = {
    "A01": ["“3·15”国际消费者权益日宣传咨询活动", "“3·15”消费维权集中宣传服务日"],
    "A02": ["消费教育进商场超市——识别商品标签", "进超市开展食品安全消费提示"],
    "A03": ["消费教育进社区——预付卡消费风险提示", "进社区讲解养老消费防骗知识"],
    "A04": ["消费教育进企业——诚信经营座谈", "进企业宣讲《消费者权益保护法》"],
    "A05": ["消费教育进农村——农资识假辨假", "送法下乡：农村消费维权宣传"],
    "A06": ["消费教育进校园——网络消费与个人信息保护", "进学校开展“小小消费者”课堂"],
    "A07": ["消费教育大讲堂：网购维权实务"],
    "A08": ["消费维权志愿者业务培训"],
    "A09": ["《消费在线》栏目：热点消费问题解答"],
    "A99": ["消费维权知识有奖问答"],
}
KIND_WEIGHTS = {"A01": 0, "A02": 14, "A03": 16, "A04": 10, "A05": 14, "A06": 12, "A07": 5, "A08": 4, "A09": 8, "A99": 4}
# Where each kind of activity is held (others: PLACES).
KIND_PLACES = {
    "A02": ["太和县某大型超市门前", "城关镇商贸城", "旧县镇综合超市"],
    "A03": ["城关镇沙河路社区", "城关镇人民路社区", "细阳社区服务中心"],
    "A04": ["县经济开发区管委会", "县供电公司会议室", "县自来水公司"],
    "A05": ["税镇镇农资市场", "三塔镇集贸市场", "宫集镇政府广场", "双浮镇大王村文化广场"],
    "A06": ["旧县镇中心小学", "太和县第一中学", "太和县职业技术学校"],
    "A07": ["县消协会议室", "城关镇文化站"],
    "A08": ["县消协会议室"],
    "A09": ["县电视台演播厅"],
}
PLACES = ["太和县人民广场", "太和县文化广场", "城关镇沙河路社区", "旧县镇中心小学", "税镇镇农资市场", "太和县第一中学",
          "宫集镇政府广场", "太和县某大型超市门前", "三塔镇集贸市场", "县电视台演播厅"]
PARTNERS = ["县市场监督管理局", "县公安局", "县卫生健康委员会", "县药品监督管理局", "县烟草专卖局", "县司法局", "县教育局"]
WARNINGS = [
    ("warning", "春节消费警示：谨防预付卡“卷款跑路”", "近期本会接到多起预付卡消费投诉。提醒消费者：办卡前查看经营者资质，不要一次充值过多，保存好合同和票据。"),
    ("warning", "消费警示：警惕“免费体检”推销保健品", "一些商家以免费体检、健康讲座为名诱导老年人高价购买保健品。请消费者不轻信、不盲从，遇到问题及时拨打12315投诉。"),
    ("tip", "消费提示：网购“七日无理由退货”要点", "网购商品（定作、鲜活易腐等除外）自收货之日起七日内可无理由退货，商品应当完好。请保留聊天记录和订单截图。"),
    ("tip", "消费提示：家装合同签订注意事项", "签订家装合同要写明材料品牌、型号、价格和工期，分期付款，竣工验收后再付尾款。"),
    ("warning", "消费警示：二手车交易谨防“调表车”", "购买二手车请查询维修保养记录，在合同中写明里程数和车况，必要时委托第三方检测。"),
    ("tip", "消费提示：节日期间理性消费", "节日促销请看清“满减”“折扣”规则，保留购物凭证，发现价格欺诈可向市场监管部门举报。"),
    ("warning", "消费警示：电动自行车充电安全", "请选购符合新国标的电动自行车和原厂充电器，不在楼道、室内充电，发现电池鼓包及时更换。"),
    ("tip", "消费提示：校外培训退费须知", "报名培训前核实机构资质，按课时或月度缴费，不一次性缴纳大额费用，签订规范合同。"),
]
MEDIA = [("P01", "《安徽法制报》"), ("P01", "《颍州晚报》"), ("P02", "太和县电视台"), ("P03", "阜阳新闻网"),
         ("P04", "太和县融媒体中心微信公众号"), ("P02", "太和县广播电台")]
MEDIA_TITLES = ["县消协开展“3·15”集中宣传活动", "县消协调解一起预付卡纠纷为消费者挽回损失", "县消协发布节日消费警示",
                "县消协回访检查诚信单位", "县消协开展消费教育进校园活动", "县消协召开成员单位联席会议", "县消协完成供水供电行业消费评议"]
ASPECTS = ["服务态度", "收费合理", "办事效率", "信息公开"]


def _date_back(rng: random.Random, today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=rng.randint(0, days))


@demo_step("outreach", label="宣传活动、消费警示、评议与新闻宣传", count=60)
def _outreach(ctx: DemoContext) -> StepResult:
    n = ctx.count("outreach", 60)
    rng = ctx.rng
    today = clock.today()
    with ctx.desk.read() as s:
        have = s.scalar(select(func.count()).select_from(Activity)) or 0
        offices = [r[0] for r in s.execute(select(Office.id).where(Office.active.is_(True)).order_by(Office.id))]
        county = s.scalar(select(Office.id).where(Office.parent_id.is_(None)).order_by(Office.id))
        cases = [r[0] for r in s.execute(select(Complaint.id).where(Complaint.accepted_date.is_not(None)).order_by(Complaint.id).limit(500))]
        departments = [r[0] for r in s.execute(select(Department.id).where(Department.active.is_(True)).order_by(Department.sort_order))]
        months_done = {(r.office_id, r.year, r.month) for r in s.execute(select(MonthlyPosts.office_id, MonthlyPosts.year, MonthlyPosts.month))}
        empty = {
            "warnings": not s.scalar(select(func.count()).select_from(ConsumerWarning)),
            "surveys": not s.scalar(select(func.count()).select_from(Survey)),
            "media": not s.scalar(select(func.count()).select_from(MediaReport)),
            "meetings": not s.scalar(select(func.count()).select_from(JointMeeting)),
        }
    if not offices or county is None:
        return StepResult(note="没有单位，未生成")
    added = 0
    # activities: every year's 3·15 at the county office, the rest spread over two years
    acts: list[Activity] = []
    if have < n:
        for y in (today.year - 1, today.year):
            day = dt.date(y, 3, 15)
            if day <= today and len(acts) < n - have:
                acts.append(Activity(office_id=county, kind_code="A01", held_date=day, title=f"{y}年" + rng.choice(ACTIVITY_TITLES["A01"]),
                                     place="太和县人民广场", partners="\n".join(rng.sample(PARTNERS, 4)), sites=rng.randint(8, 15),
                                     people_reached=rng.randint(3000, 8000), leaflets=rng.randint(2000, 5000), banners=rng.randint(15, 40),
                                     consultations=rng.randint(150, 400), complaints_received=rng.randint(10, 40),
                                     note="联合成员单位和诚信企业现场咨询、真假商品对比展示"))
        kinds = [k for k, w in KIND_WEIGHTS.items() if w]
        while len(acts) < n - have:
            kind = rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
            big = kind in ("A07", "A08", "A09")
            acts.append(Activity(office_id=rng.choice(offices), kind_code=kind, held_date=_date_back(rng, today, 700),
                                 title=rng.choice(ACTIVITY_TITLES[kind]), place=rng.choice(KIND_PLACES.get(kind, PLACES)),
                                 partners="\n".join(rng.sample(PARTNERS, rng.randint(0, 2))), sites=rng.randint(1, 3),
                                 people_reached=rng.randint(40, 300) if not big else rng.randint(100, 2000),
                                 leaflets=rng.randint(50, 400), banners=rng.randint(0, 4), consultations=rng.randint(5, 60),
                                 complaints_received=rng.randint(0, 3)))
        added += ctx.insert(acts)
    # warnings and tips
    if empty["warnings"]:
        ws: list[ConsumerWarning] = []
        for kind, title, body in WARNINGS:
            w = ConsumerWarning(office_id=county, kind=kind, issued_date=_date_back(rng, today, 600), title=title,
                                channel_code=rng.choice(["M01", "M02", "M03", "M04", "M06"]), body=body)
            for cid in rng.sample(cases, min(len(cases), rng.randint(0, 2))):
                w.cases.append(WarningCase(complaint_id=cid))
            ws.append(w)
        added += ctx.insert(ws)
    # surveys: the six industries last year, two this year
    if empty["surveys"]:
        sv: list[Survey] = []
        plan = [(today.year - 1, code) for code in ("I01", "I02", "I03", "I04", "I05", "I06")]
        plan += [(today.year, code) for code in rng.sample(["I01", "I02", "I03", "I04", "I05", "I06"], 2)]
        names = {"I01": "供水", "I02": "供电", "I03": "通讯", "I04": "金融", "I05": "邮政", "I06": "快递"}
        for y, code in plan:
            start = dt.date(y, rng.randint(5, 9), rng.randint(1, 20))
            if start > today:
                start = today - dt.timedelta(days=30)
            end = min(today, start + dt.timedelta(days=rng.randint(20, 45)))
            sent = rng.choice([300, 400, 500])
            returned = int(sent * rng.uniform(0.85, 0.97))
            score = Decimal(str(round(rng.uniform(76, 94), 1)))
            v = Survey(office_id=county, industry_code=code, title=f"{y}年{names[code]}行业消费评议", start_date=start, end_date=end,
                       sent=sent, returned=returned, satisfaction=score,
                       findings="消费者对服务态度较为满意，对收费透明度和投诉处理时效意见较多。")
            for a in ASPECTS:
                v.scores.append(SurveyScore(aspect=a, score=Decimal(str(round(rng.uniform(70, 97), 1)))))
            sv.append(v)
        added += ctx.insert(sv)
    if empty["media"]:
        ms = []
        for _ in range(max(6, n // 4)):
            kind, outlet = rng.choice(MEDIA)
            ms.append(MediaReport(office_id=county, published_date=_date_back(rng, today, 700), media_kind_code=kind, outlet=outlet,
                                  title=rng.choice(MEDIA_TITLES)))
        added += ctx.insert(ms)
    # website and new-media posts for the last 24 full months
    posts = []
    y, m = today.year, today.month
    for _ in range(24):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        if (county, y, m) not in months_done:
            posts.append(MonthlyPosts(office_id=county, year=y, month=m, website_posts=rng.randint(2, 7), new_media_posts=rng.randint(3, 12)))
    added += ctx.insert(posts)
    if empty["meetings"] and departments:
        mt = []
        for y in (today.year - 1, today.year):
            for month, title in ((4, "上半年秘书长联席会议"), (11, "下半年秘书长联席会议")):
                day = dt.date(y, month, rng.randint(10, 25))
                if day > today:
                    continue
                meeting = JointMeeting(office_id=county, meeting_date=day, title=f"{y}年{title}", place="县消协会议室", host="秘书长",
                                       minutes="通报本阶段投诉受理和转办情况，各成员单位汇报转办件办理情况。",
                                       decisions="一、转办件在15个工作日内回复；二、联合开展预付卡消费专项整治。")
                for did in rng.sample(departments, rng.randint(min(8, len(departments)), len(departments))):
                    meeting.attendees.append(JointMeetingAttendee(department_id=did, people=""))
                mt.append(meeting)
        added += ctx.insert(mt)
    added += _demo_referrals(ctx)
    return StepResult(added=added, skipped=min(have, n))


# How handlers write the departments on referrals: names, aliases, and a few no department has.
REFERRAL_SPELLINGS = ["县市场监督管理局", "太和县市场监督管理局", "县工商局", "市场监管局", "县物价局", "县卫生健康委员会",
                      "县药监局", "县公安局", "县住建局", "县交通运输局", "县文旅局", "县教育局", "县农业农村局", "县消防救援大队"]


def _demo_referrals(ctx: DemoContext) -> int:
    """The demo complaints marked 已转办 came without a referral row: give each one, so the
    member departments' referral counts have something to count."""
    rng = ctx.rng
    today = clock.today()
    with ctx.desk.read() as s:
        rows = s.execute(select(Complaint.id, Complaint.received_date, Complaint.accepted_date, Complaint.status)
                         .outerjoin(Referral, Referral.complaint_id == Complaint.id)
                         .where(Complaint.status.in_(["referred", "closed", "archived"]), Referral.id.is_(None))
                         .order_by(Complaint.id)).all()
        closed_referred = set(s.scalars(select(ComplaintEvent.complaint_id).where(
            ComplaintEvent.action == "close", ComplaintEvent.from_status == "referred")))
    refs = []
    for cid, received, accepted, status in rows:
        if status != "referred" and cid not in closed_referred:
            continue  # only cases that were referred (open ones, or closed from 已转办)
        sent = (accepted or received) + dt.timedelta(days=rng.randint(0, 3))
        if sent > today:
            sent = today
        due = sent + dt.timedelta(days=21)
        # A closed case closed its loop: replied (sometimes late) or sent back; an open one may wait.
        replied = None
        if status != "referred" or rng.random() < 0.5:
            replied = min(today, sent + dt.timedelta(days=rng.randint(5, 30)))
        r = Referral(complaint_id=cid, kind="transfer", department=rng.choice(REFERRAL_SPELLINGS), sent_date=sent,
                     reply_due=due, replied_date=replied, reply_text="已调查处理并告知消费者" if replied else "")
        refs.append(r)
    added = ctx.insert(refs)
    returns = [ReferralReturn(referral_id=r.id, returned_date=min(today, r.sent_date + dt.timedelta(days=3)),
                              reason="不属本部门职责，建议转市场监管部门", recorded_by="演示数据")
               for r in refs if r.replied_date and rng.random() < 0.1]
    return added + ctx.insert(returns)
