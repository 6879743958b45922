"""Demo mediation data consistent with the demo complaints (desk.demo_complaints): the
reconciliation stations (the seed county has 24), and for the cases that ended the outcome rows
(amounts with their breakdown, 加倍赔偿 where the consumer asked for three times the price and
fraud was found, agreement numbers, performance) and, for a realistic share of them and of the
cases still in mediation, the sessions with their mediators. Written with bulk Core inserts,
like the demo complaints, so these rows carry no audit trail.

Re-running adds nothing: a case that has an outcome row or sessions is left alone, a business
that has a station keeps it."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update

from desk import clock
from desk.demo import DemoContext, StepResult, demo_step
from desk.demo_complaints import _name, _phone
from desk.models import Business, CaseSequence, Complaint, Office, User
from desk.models.mediation import MediationMediator, MediationOutcome, MediationSession, ReconciliationStation
from desk.roles import Perm, has_perm
from desk.services.mediation import EXPERT_AFFILIATION, punitive_compensation
from desk.workflow import Status

_FEN = Decimal("0.01")
METHOD_WEIGHTS = {"onsite": 50, "phone": 35, "video": 10, "online": 5}
BUSINESS_ROLES = ("店长", "经理", "客服主管", "法务专员", "负责人")
BUSINESS_SAYS = [
    "承认商品存在质量问题，同意按规定处理。",
    "认为是消费者使用不当造成的，但愿意协商解决。",
    "同意退货，但要求扣除折旧费。",
    "同意免费维修，不同意退货。",
    "表示已按合同履行，不同意消费者的全部请求。",
]
EVIDENCE = ["购物小票", "发票", "聊天记录截图", "商品照片", "合同", "付款记录", "检测报告"]
PLACES = ["本会调解室", "本会调解室", "被投诉人经营场所", "乡镇分会调解室"]
COMPLETED = (Status.CLOSED.value, Status.ARCHIVED.value, Status.MEDIATED.value)


def _money(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(_FEN)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# -- stations ------------------------------------------------------------------------------------


@demo_step("stations", label="消费争议和解服务站", count=24)
def _stations(ctx: DemoContext) -> StepResult:
    rng = ctx.rng
    n = ctx.count("stations", 24)
    with ctx.desk.read() as s:
        have = {r[0] for r in s.execute(select(ReconciliationStation.business_id))}
        county = s.scalar(select(Office.id).where(Office.parent_id.is_(None)).order_by(Office.id).limit(1))
        # Enterprises whose complaints come through the channel 和解站 first, then large traders.
        via_station = [r[0] for r in s.execute(
            select(Complaint.business_id, func.count()).where(Complaint.channel_code == "C06", Complaint.business_id.is_not(None))
            .group_by(Complaint.business_id).order_by(func.count().desc(), Complaint.business_id))]
        businesses = [(r.id, r.name, r.address) for r in s.execute(select(Business.id, Business.name, Business.address).order_by(Business.id))]
    if county is None or not businesses or len(have) >= n:
        return StepResult(skipped=len(have))
    big = [b for b in businesses if any(k in b[1] for k in ("超市", "家电", "商场", "汽车", "通讯", "电器", "百货", "药房"))]
    first = set(via_station[:n])
    order = [b for b in businesses if b[0] in first] + rng.sample(big, len(big)) + rng.sample(businesses, len(businesses))
    today = clock.today()
    rows: list[dict[str, Any]] = []
    seen = set(have)
    for bid, name, address in order:
        if len(seen) >= n:
            break
        if bid in seen:
            continue
        seen.add(bid)
        established = today - dt.timedelta(days=rng.randint(120, 6 * 365))
        status = rng.choices(["active", "suspended", "revoked"], weights=[20, 2, 2])[0]
        status_date = None if status == "active" else established + dt.timedelta(days=rng.randint(30, max(31, (today - established).days)))
        rows.append(dict(
            office_id=county, business_id=bid, name=f"{name}消费争议和解服务站", address=address,
            conciliator_name=_name(rng), conciliator_phone=_phone(rng),
            liaison_name=_name(rng) if rng.random() < 0.8 else "", liaison_phone=_phone(rng) if rng.random() < 0.7 else "",
            established_date=established, status=status, status_date=min(status_date, today) if status_date else None,
            note="", version=1, created_at=clock.now(), updated_at=clock.now(),
        ))
    for r in rows:
        if not r["liaison_name"]:
            r["liaison_phone"] = ""
    if rows:
        with ctx.desk.write() as s:
            s.execute(insert(ReconciliationStation), rows)
    return StepResult(added=len(rows), skipped=len(have), note="批量写入，不记入操作日志")


# -- outcomes and sessions -------------------------------------------------------------------------------


def _amounts(rng: random.Random, amount: Decimal, demand: str, category: str) -> dict[str, Any]:
    """The breakdown a settlement of ``demand`` over ``amount`` typically brings."""
    a = float(amount)
    parts = dict(refund_amount=Decimal("0.00"), exchange_amount=Decimal("0.00"), repair_amount=Decimal("0.00"),
                 compensation_amount=Decimal("0.00"), other_amount=Decimal("0.00"))
    extra: dict[str, Any] = dict(punitive=False, price_paid=None, punitive_amount=Decimal("0.00"), fraud_found=False,
                                 other_comp_basis="", other_comp_amount=Decimal("0.00"))
    terms: list[str] = []
    if demand in ("退货退款", "退还预付款"):
        parts["refund_amount"] = _money(round(a * rng.choice((1, 1, 1, 0.8, 0.6))))
        terms.append(f"被投诉人退还投诉人{'预付款' if demand == '退还预付款' else '货款'}{parts['refund_amount']:,.2f}元。")
    elif demand == "更换同型号商品":
        parts["exchange_amount"] = _money(a)
        terms.append("被投诉人为投诉人更换同型号新商品一件。")
    elif demand == "免费维修":
        parts["repair_amount"] = _money(min(a, rng.randint(80, 900)))
        terms.append("被投诉人为投诉人免费维修，维修期间提供备用品。")
    elif demand == "赔偿损失":
        parts["compensation_amount"] = _money(round(a * rng.choice((0.3, 0.5, 1))))
        terms.append(f"被投诉人赔偿投诉人损失{parts['compensation_amount']:,.2f}元。")
    elif demand == "依法三倍赔偿":
        parts["refund_amount"] = _money(a)
        terms.append(f"被投诉人退还投诉人货款{parts['refund_amount']:,.2f}元。")
        if rng.random() < 0.6:
            extra.update(punitive=True, price_paid=_money(a), punitive_amount=punitive_compensation(_money(a)), fraud_found=rng.random() < 0.85)
            parts["compensation_amount"] = extra["punitive_amount"]
            terms.append(f"被投诉人依照《消费者权益保护法》第五十五条赔偿投诉人{extra['punitive_amount']:,.2f}元。")
    else:  # 赔礼道歉
        terms.append("被投诉人向投诉人赔礼道歉。")
    if category.startswith("G03") and a < 300 and rng.random() < 0.25:
        comp = max(_money(a * 10), Decimal("1000.00"))
        extra.update(other_comp_basis="《食品安全法》第一百四十八条", other_comp_amount=comp)
        parts["compensation_amount"] += comp
        terms.append(f"被投诉人依照《食品安全法》第一百四十八条赔偿投诉人{comp:,.2f}元。")
    total = sum(parts.values(), Decimal("0.00"))
    return dict(**parts, **extra, recovered_total=total, terms="\n".join(terms))


@demo_step("mediation", label="调解记录、调解结果与金额")
def _mediation(ctx: DemoContext) -> StepResult:
    rng = ctx.rng
    desk = ctx.desk
    today = clock.today()
    now = clock.now()
    with desk.read() as s:
        done = {r[0] for r in s.execute(select(MediationOutcome.complaint_id))} | {
            r[0] for r in s.execute(select(MediationSession.complaint_id).distinct())}
        cols = (Complaint.id, Complaint.office_id, Complaint.status, Complaint.channel_code, Complaint.category_code,
                Complaint.business_id, Complaint.consumer_name, Complaint.amount, Complaint.demand, Complaint.facts,
                Complaint.handler_id, Complaint.accepted_date, Complaint.mediation_started_date, Complaint.mediation_ended_date,
                Complaint.termination_ground_code)
        cases = [r for r in s.execute(select(*cols).where(Complaint.accepted_date.is_not(None)).order_by(Complaint.id)) if r.id not in done]
        staff = [(u.id, u.display_name) for u in s.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
                 if has_perm(u.role, Perm.EDIT_COMPLAINT)]
        stations = {r[1]: r[0] for r in s.execute(select(ReconciliationStation.id, ReconciliationStation.business_id)
                                                  .where(ReconciliationStation.status == "active"))}
        offices = dict(s.execute(select(Office.id, Office.code)).all())
        used = {(r[0], r[1]): r[2] for r in s.execute(
            select(CaseSequence.office_id, CaseSequence.year, CaseSequence.last_no).where(CaseSequence.kind == "agreement"))}
    if not cases or not staff:
        return StepResult()
    counters = dict(used)
    experts = [_name(rng) for _ in range(6)]
    outcomes: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    mediators: dict[tuple[int, int], list[dict[str, Any]]] = {}
    seqs: Counter[int] = Counter()  # sessions so far per case
    kinds: Counter[str] = Counter()

    def add_sessions(rng: random.Random, c: Any, first: dt.date, last: dt.date, final: str, *, planned: bool = False) -> None:
        n = 1 if rng.random() < 0.7 or (last - first).days < 2 else 2
        days = sorted(first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days))) for _ in range(n))
        handler = next((x for x in staff if x[0] == c.handler_id), rng.choice(staff))
        for i, day in enumerate(days, start=1):
            method = _weighted(rng, METHOD_WEIGHTS)
            start = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice((0, 30))))
            recorder = rng.choice([x for x in staff if x != handler] or [handler])
            seqs[c.id] += 1
            seq = seqs[c.id]
            result = final if i == n else "adjourned"
            sessions.append(dict(
                complaint_id=c.id, seq_no=seq, method=method, started_at=start, ended_at=start + dt.timedelta(minutes=rng.choice((30, 45, 60, 90))),
                place=rng.choice(PLACES) if method == "onsite" else "", recorder_user_id=recorder[0], recorder_name=recorder[1],
                consumer_attendees=f"{c.consumer_name}（投诉人本人）" if method != "phone" else c.consumer_name,
                consumer_agent="", business_attendees=f"{_name(rng)}（{rng.choice(BUSINESS_ROLES)}）", business_agent="",
                identity_checked=True, rights_explained=True, recusal_explained=method == "onsite" or rng.random() < 0.7,
                recusal_requested=False, recusal_request="", recusal_decision="", recusal_decided_date=None, recusal_pause_id=None,
                consumer_statement=(c.facts or "")[:300], business_statement=rng.choice(BUSINESS_SAYS),
                evidence_shown="、".join(rng.sample(EVIDENCE, rng.randint(1, 3))) + "。",
                result=result, result_detail="" if result != "adjourned" else "双方意见分歧较大，约定择日再调。", note="",
                version=1, created_at=now, updated_at=now,
            ))
            people = [dict(position=0, kind="staff", user_id=handler[0], name=handler[1], affiliation="")]
            if rng.random() < 0.2:
                people.append(dict(position=1, kind="expert", user_id=None, name=rng.choice(experts), affiliation=EXPERT_AFFILIATION))
            mediators[(c.id, seq)] = people
        if planned:
            seqs[c.id] += 1
            seq = seqs[c.id]
            start = dt.datetime.combine(today + dt.timedelta(days=rng.randint(1, 7)), dt.time(rng.choice((9, 10, 14, 15)), 0))
            sessions.append(dict(
                complaint_id=c.id, seq_no=seq, method="onsite", started_at=start, ended_at=None, place="本会调解室",
                recorder_user_id=None, recorder_name="", consumer_attendees="", consumer_agent="", business_attendees="",
                business_agent="", identity_checked=False, rights_explained=False, recusal_explained=False,
                recusal_requested=False, recusal_request="", recusal_decision="", recusal_decided_date=None, recusal_pause_id=None,
                consumer_statement="", business_statement="", evidence_shown="", result="pending", result_detail="", note="",
                version=1, created_at=now, updated_at=now,
            ))
            mediators[(c.id, seq)] = [dict(position=0, kind="staff", user_id=handler[0], name=handler[1], affiliation="")]

    for c in cases:
        # Each case draws from its own generator: a re-run decides the same for a case that
        # got no rows the first time, so it adds nothing.
        rng = random.Random(f"{ctx.seed}:mediation:{c.id}")
        ended = c.mediation_ended_date
        if c.status in COMPLETED and ended is not None and c.termination_ground_code is None:
            station = stations.get(c.business_id) if c.channel_code == "C06" else None
            result = "station" if station else "mediated"
            values = _amounts(rng, c.amount, c.demand, c.category_code)
            key = (c.office_id, ended.year)
            counters[key] = counters.get(key, 0) + 1
            due = ended + dt.timedelta(days=rng.choice((0, 3, 5, 7, 10, 15)))
            recent = (today - ended).days <= 20
            performed = None if recent and rng.random() < 0.5 else min(today, due - dt.timedelta(days=rng.randint(0, min(3, (due - ended).days))))
            outcomes.append(dict(
                complaint_id=c.id, result=result, resolved_date=ended, station_id=station,
                agreement_no=f"{offices.get(c.office_id, 'TH')}-TJ-{ended.year}-{counters[key]:05d}", agreement_date=ended,
                facts="", disputes="", responsibility="",
                performance_method="当场履行" if due == ended else rng.choice(("银行转账", "现金", "微信转账", "上门更换")),
                performance_place="本会调解室" if result == "mediated" else "和解站", performance_due=due if due > ended else None,
                performed_date=performed if due > ended else ended, performance_note="消费者电话确认已履行" if performed else "",
                note="", version=1, created_at=now, updated_at=now, **values,
            ))
            kinds[result] += 1
            if result == "mediated" and rng.random() < 0.35 and c.mediation_started_date:
                add_sessions(rng, c, c.mediation_started_date, ended, "agreed")
        elif c.status in (Status.CLOSED.value, Status.ARCHIVED.value) and c.termination_ground_code and ended is not None:
            if c.termination_ground_code == "T01" and rng.random() < 0.5:
                values = _amounts(rng, c.amount, "退货退款", c.category_code)
                values["terms"] = "双方自行和解：" + values["terms"]
                outcomes.append(dict(
                    complaint_id=c.id, result="self_settled", resolved_date=ended, station_id=None, agreement_no=None, agreement_date=None,
                    facts="", disputes="", responsibility="", performance_method="", performance_place="", performance_due=None,
                    performed_date=ended, performance_note="", note="", version=1, created_at=now, updated_at=now, **values,
                ))
                kinds["self_settled"] += 1
            elif c.termination_ground_code in ("T02", "T03", "T05") and c.mediation_started_date:
                add_sessions(rng, c, c.mediation_started_date, ended, "not_agreed")
                kinds["failed"] += 1
        elif c.status == Status.MEDIATING.value and c.mediation_started_date and rng.random() < 0.6:
            add_sessions(rng, c, c.mediation_started_date, today, "adjourned", planned=rng.random() < 0.4)
            kinds["mediating"] += 1

    with desk.write() as s:
        for i in range(0, len(outcomes), 2000):
            s.execute(insert(MediationOutcome), outcomes[i:i + 2000])
        for i in range(0, len(sessions), 2000):
            s.execute(insert(MediationSession), sessions[i:i + 2000])
        if sessions:
            ids = {(r[1], r[2]): r[0] for r in s.execute(select(MediationSession.id, MediationSession.complaint_id, MediationSession.seq_no)
                                                         .where(MediationSession.complaint_id.in_({x["complaint_id"] for x in sessions})))}
            rows = [dict(session_id=ids[k], **m) for k, people in mediators.items() for m in people]
            for i in range(0, len(rows), 2000):
                s.execute(insert(MediationMediator), rows[i:i + 2000])
        for (office_id, year), last in counters.items():
            if (office_id, year) in used:
                s.execute(update(CaseSequence).where(CaseSequence.office_id == office_id, CaseSequence.year == year,
                                                     CaseSequence.kind == "agreement").values(last_no=last))
            else:
                s.execute(insert(CaseSequence).values(office_id=office_id, year=year, kind="agreement", last_no=last))
    note = (f"调解成功{kinds['mediated']}件、和解站和解{kinds['station']}件、自行和解{kinds['self_settled']}件，"
            f"调解记录{len(sessions)}次；批量写入，不记入操作日志")
    return StepResult(added=len(outcomes) + len(sessions), skipped=len(done), note=note)
