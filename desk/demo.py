"""Realistic demo data for 太和县 (zh_CN), deterministic for a seed.

``run_demo(desk, seed, businesses=300)`` runs the registered steps in order. Each step gets a
``DemoContext`` with its own ``random.Random`` and seeded ``Faker("zh_CN")`` derived from the
seed and the step's name, so adding a step later never changes what earlier steps generate.

Re-running with the same seed SKIPS what exists: every step first generates its full list from
the seed alone (never from the database), then inserts only the rows whose natural key (office
code, user name, credit code, holiday date) is not there yet. Running again with the same seed
adds nothing; another seed adds new distinct businesses.

Later issues add their record types in this module or in a ``desk/demo_*.py`` module (found
by ``load_steps()``) with::

    @demo_step("complaints", count=1000, label="投诉")
    def _complaints(ctx: DemoContext) -> StepResult: ...

which also gives ``cadesk-admin demo`` a ``--complaints N`` option. Steps insert through the
ORM in batches (``ctx.insert``), one ``desk.write()`` transaction per batch, so the audit
listener still records every row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import extract, select

from desk.errors import DeskError
from desk.models import Business, HolidayOverride, Office, User
from desk.roles import Role
from desk.validators import mobile_or_landline, normalise_search_text

if TYPE_CHECKING:
    from faker import Faker

    from desk.facade import Desk

DEMO_PASSWORD = "demo-pass-1"
COUNTY_CODE = "TH"
COUNTY_NAME = "太和县消费者协会"
# 安徽省阜阳市太和县: administrative division code used in credit codes; 0558 is its area code.
TAIHE_DIVISION = "341222"
TAIHE_AREA_CODE = "0558"
BATCH = 500

# Townships of 太和县 with a short pinyin abbreviation for branch office codes (TH + abbr).
TOWNSHIPS: tuple[tuple[str, str], ...] = (
    ("城关镇", "CG"),
    ("旧县镇", "JX"),
    ("税镇镇", "SZ"),
    ("皮条孙镇", "PTS"),
    ("原墙镇", "YQ"),
    ("倪邱镇", "NQ"),
    ("李兴镇", "LX"),
    ("大新镇", "DX"),
    ("宫集镇", "GJ"),
    ("关集镇", "GUJ"),
    ("三塔镇", "STA"),
    ("双浮镇", "SF"),
    ("肖口镇", "XK"),
    ("马集镇", "MJ"),
    ("二郎镇", "EL"),
    ("赵集乡", "ZJ"),
    ("坟台镇", "FT"),
    ("洪山镇", "HS"),
    ("清浅镇", "QQ"),
    ("五星镇", "WX"),
    ("高庙镇", "GM"),
    ("桑营镇", "SY"),
    ("阮桥镇", "RQ"),
    ("双庙镇", "SM"),
    ("胡总镇", "HZ"),
    ("三堂镇", "STG"),
    ("苗老集镇", "MLJ"),
    ("赵庙镇", "ZM"),
    ("蔡庙镇", "CM"),
    ("郭庙镇", "GUM"),
)
TOWNSHIP_NAMES: tuple[str, ...] = tuple(t for t, _ in TOWNSHIPS)

# (trade suffix, weight, individual business 个体工商户?) — weights roughly follow a county's
# register: many small shops and restaurants, fewer schools and property companies.
TRADES: tuple[tuple[str, int, bool], ...] = (
    ("超市", 12, True),
    ("百货商店", 4, True),
    ("家电城", 5, False),
    ("通讯店", 6, True),
    ("手机专卖店", 4, True),
    ("餐饮店", 8, True),
    ("饭店", 5, True),
    ("大药房", 5, False),
    ("服装店", 6, True),
    ("鞋业商行", 3, True),
    ("电动车行", 4, True),
    ("汽车销售服务有限公司", 3, False),
    ("培训学校", 3, False),
    ("物业管理有限公司", 3, False),
    ("装饰工程有限公司", 3, False),
    ("家具城", 3, False),
    ("建材商行", 3, True),
    ("美容美发店", 4, True),
    ("健身会所", 2, False),
    ("眼镜店", 2, True),
    ("金店", 2, False),
    ("农资经营部", 4, True),
    ("房地产开发有限公司", 2, False),
    ("旅行社有限公司", 1, False),
    ("快递服务站", 3, True),
    ("宽带营业厅", 2, False),
    ("大酒店", 2, False),
    ("烟酒商行", 4, True),
    ("母婴用品店", 3, True),
    ("水果批发部", 2, True),
)
# Characters shop owners like in a 字号 (trade name): two of them make names like 鑫盛, 华兴.
NAME_CHARS = "金鑫华利兴隆盛福顺达恒泰宏源丰祥瑞昌旺鼎佳美新汇嘉安和康永广众诚信益家乐惠民好运万隆聚德润发天宇"
STREETS = ("人民路", "沙河路", "健康路", "国泰路", "细阳路", "长征路", "三清路", "向阳路", "中心街", "建设路", "文化路", "商贸大道")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "173", "176", "177", "178", "180", "181", "182", "183", "185",
    "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip

# GB 32100-2015 character set and weights of the 统一社会信用代码 check character.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code (positions 9–17) weights; letters count as A=10 … Z=35.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 (GB 32100-2015, mod 31)."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    """The check character of a 9-character organisation code (GB 11714, mod 11)."""
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_credit_code(rng: random.Random, *, individual: bool, division: str = TAIHE_DIVISION) -> str:
    """A well-formed code: 9 (市场监管) + 1 enterprise / 2 个体工商户, the county's division
    code, a GB 11714 organisation code (newer ones start with MA), and the check character."""
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(CREDIT_CHARSET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = f"9{'2' if individual else '1'}{division}{body}{org_check_char(body)}"
    return first17 + credit_check_char(first17)


def make_phone(rng: random.Random, *, landline_share: float = 0.3) -> str:
    """A mobile number, or a 太和 landline (0558-8xxxxxx), normalised by the validator."""
    if rng.random() < landline_share:
        raw = f"{TAIHE_AREA_CODE}-{rng.choice('68')}{rng.randint(100000, 999999)}"
    else:
        raw = f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}"
    return mobile_or_landline(raw)


def township_address(rng: random.Random, township: str) -> str:
    return f"安徽省阜阳市太和县{township}{rng.choice(STREETS)}{rng.randint(1, 399)}号"


# -- steps ------------------------------------------------------------------------------------


@dataclass
class StepResult:
    added: int = 0
    skipped: int = 0
    note: str = ""


@dataclass
class DemoContext:
    """What a step works with. ``rng`` and ``fake`` are seeded from (seed, step name)."""

    desk: Desk
    seed: int
    step: str
    rng: random.Random
    counts: dict[str, int]
    shared: dict[str, Any]  # values earlier steps leave for later ones (e.g. office ids)
    _fake: Faker | None = None

    @property
    def fake(self) -> Faker:
        if self._fake is None:
            self._fake = make_faker(self.seed, self.step)
        return self._fake

    def count(self, name: str, default: int) -> int:
        return self.counts.get(name, default)

    def insert(self, objects: Sequence[Any], *, batch: int = BATCH) -> int:
        """Add ORM objects in batches, one write transaction each (audit rows included)."""
        for i in range(0, len(objects), batch):
            with self.desk.write() as s:
                s.add_all(objects[i : i + batch])
        return len(objects)


StepFn = Callable[[DemoContext], StepResult]


@dataclass(frozen=True)
class DemoStep:
    name: str
    label: str  # Chinese, for the summary
    fn: StepFn
    count_default: int | None  # None: the step has no size option


STEPS: list[DemoStep] = []


def demo_step(name: str, *, label: str, count: int | None = None) -> Callable[[StepFn], StepFn]:
    """Register a step; steps run in registration order. ``count`` makes it sized (a
    ``--<name> N`` option of ``cadesk-admin demo``) with that default."""

    def register(fn: StepFn) -> StepFn:
        if any(s.name == name for s in STEPS):
            raise ValueError(f"demo step {name!r} registered twice")
        STEPS.append(DemoStep(name, label, fn, count))
        return fn

    return register


def load_steps() -> list[DemoStep]:
    """Import every ``desk/demo_*.py`` module so the steps it registers run too (after the
    foundation steps here, in module name order)."""
    import importlib
    import pkgutil

    import desk

    for info in sorted(pkgutil.iter_modules(desk.__path__), key=lambda m: m.name):
        if info.name.startswith("demo_"):
            importlib.import_module(f"desk.{info.name}")
    return STEPS


def sized_steps() -> list[DemoStep]:
    return [s for s in load_steps() if s.count_default is not None]


def make_faker(seed: int, salt: str = "") -> Faker:
    try:
        from faker import Faker
    except ImportError as exc:  # Faker is a test/demo extra, not needed by the office
        raise DeskError("生成演示数据需要 Faker 包，请先安装：pip install Faker") from exc
    fake = Faker("zh_CN")
    fake.seed_instance(f"{seed}:{salt}")
    return fake


@dataclass(frozen=True)
class DemoReport:
    seed: int
    steps: tuple[tuple[str, StepResult], ...]  # (label, result)

    @property
    def added(self) -> int:
        return sum(r.added for _, r in self.steps)


def run_demo(desk: Desk, seed: int, **counts: int) -> DemoReport:
    """Fill ``desk`` with demo data for ``seed``; ``counts`` sizes steps by name (businesses=300)."""
    known = {s.name for s in sized_steps()}
    unknown = set(counts) - known
    if unknown:
        raise DeskError(f"未知的演示数据类型：{'、'.join(sorted(unknown))}")
    for name, n in counts.items():
        if n < 0:
            raise DeskError(f"演示数据数量不能为负数：{name}={n}")
    shared: dict[str, Any] = {}
    results: list[tuple[str, StepResult]] = []
    for step in list(STEPS):
        ctx = DemoContext(desk, seed, step.name, random.Random(f"{seed}:{step.name}"), dict(counts), shared)
        results.append((step.label, step.fn(ctx)))
    return DemoReport(seed, tuple(results))


# -- foundation steps ---------------------------------------------------------------------------


@demo_step("offices", label="单位（县消协及基层分会）")
def _offices(ctx: DemoContext) -> StepResult:
    rng = ctx.rng
    towns = [t for t in TOWNSHIPS if t[0] != "城关镇"]  # the county office sits in 城关镇
    picked = rng.sample(towns, rng.randint(3, 5))
    county_phone = make_phone(rng, landline_share=1.0)
    branch_phones = [make_phone(rng, landline_share=1.0) for _ in picked]
    branch_addresses = [township_address(rng, town) for town, _ in picked]
    with ctx.desk.read() as s:
        # Plain values: a read session's rollback expires the ORM objects it loaded.
        existing = {code: (oid, kind) for oid, code, kind in s.execute(select(Office.id, Office.code, Office.kind).order_by(Office.id))}
    county_id = (existing.get(COUNTY_CODE) or next(((i, k) for i, k in existing.values() if k == "county"), (None, "")))[0]
    result = StepResult()
    if county_id is None:
        county = Office(
            code=COUNTY_CODE,
            name=COUNTY_NAME,
            kind="county",
            address="安徽省阜阳市太和县城关镇人民路88号",
            phone=county_phone,
        )
        ctx.insert([county])
        county_id = county.id
        result.added += 1
    else:
        result.skipped += 1
    branches = []
    for (town, abbr), phone, address in zip(picked, branch_phones, branch_addresses, strict=True):
        code = f"{COUNTY_CODE}{abbr}"
        if code in existing:
            result.skipped += 1
            continue
        branches.append(
            Office(code=code, name=f"太和县消费者协会{town}分会", kind="branch", parent_id=county_id, address=address, phone=phone)
        )
    result.added += ctx.insert(branches)
    codes = [f"{COUNTY_CODE}{a}" for _, a in picked]
    with ctx.desk.read() as s:
        ctx.shared["county_id"] = county_id
        ctx.shared["branch_ids"] = list(s.scalars(select(Office.id).where(Office.code.in_(codes)).order_by(Office.id)))
    return result


# How many demo users per role; handlers are spread over the county office and the branches.
USER_PLAN: tuple[tuple[Role, int], ...] = (
    (Role.ADMIN, 1),
    (Role.HEAD, 1),
    (Role.SECRETARY, 2),
    (Role.HANDLER, 4),
    (Role.READONLY, 2),
)


@demo_step("users", label="用户（各角色）")
def _users(ctx: DemoContext) -> StepResult:
    from desk.services.auth import hash_password

    county_id = ctx.shared["county_id"]
    branch_ids = ctx.shared.get("branch_ids") or [county_id]
    planned: list[tuple[str, str, str, int]] = []
    for role, n in USER_PLAN:
        for i in range(1, n + 1):
            office = county_id
            if role in (Role.HANDLER, Role.READONLY) and i > 1:
                office = branch_ids[(i - 2) % len(branch_ids)]
            planned.append((f"demo_{role.value}{i}", ctx.fake.name(), role.value, office))
    with ctx.desk.read() as s:
        taken = set(s.scalars(select(User.username)))
    new = [p for p in planned if p[0] not in taken]
    # One argon2 hash for all: hashing is deliberately slow, and they share the password anyway.
    pw_hash = hash_password(DEMO_PASSWORD) if new else ""
    users = [User(username=u, display_name=d, role=r, office_id=o, password_hash=pw_hash) for u, d, r, o in new]
    ctx.insert(users)
    return StepResult(added=len(users), skipped=len(planned) - len(users), note=f"用户名 demo_…，密码 {DEMO_PASSWORD}")


def _trade_name(rng: random.Random) -> str:
    a, b = rng.sample(NAME_CHARS, 2)
    return a + b


def generate_businesses(seed: int, n: int) -> list[dict[str, Any]]:
    """The business rows for ``seed`` as plain dicts (no database involved)."""
    rng = random.Random(f"{seed}:businesses")
    fake = make_faker(seed, "businesses")
    trades = list(TRADES)
    weights = [t[1] for t in TRADES]
    rows: list[dict[str, Any]] = []
    codes: set[str] = set()
    for _ in range(n):
        trade, _w, individual = rng.choices(trades, weights)[0]
        township = rng.choice(TOWNSHIP_NAMES)
        # Town businesses often carry the town's name: 太和县旧县镇鑫盛超市.
        place = township if township != "城关镇" and rng.random() < 0.4 else ""
        name = f"太和县{place}{_trade_name(rng)}{trade}"
        code = make_credit_code(rng, individual=individual)
        while code in codes:
            code = make_credit_code(rng, individual=individual)
        codes.add(code)
        rows.append(
            dict(
                name=name,
                credit_code=code,
                address=township_address(rng, township),
                contact_person=fake.name(),
                phone=make_phone(rng),
                township=township,
                note="",
                search_name=normalise_search_text(name),
            )
        )
    return rows


@demo_step("businesses", label="经营者", count=300)
def _businesses(ctx: DemoContext) -> StepResult:
    rows = generate_businesses(ctx.seed, ctx.count("businesses", 300))
    with ctx.desk.read() as s:
        taken = set(s.scalars(select(Business.credit_code).where(Business.credit_code.is_not(None))))
    new = [Business(**r) for r in rows if r["credit_code"] not in taken]
    ctx.insert(new)
    return StepResult(added=len(new), skipped=len(rows) - len(new))


# Only what is certain: the rest of 2027's schedule is published by the State Council each
# November and entered by the office.
DEMO_HOLIDAYS_2027: tuple[tuple[dt.date, bool, str], ...] = ((dt.date(2027, 1, 1), False, "元旦"),)


@demo_step("holidays", label="2027年节假日安排（示例）")
def _holidays(ctx: DemoContext) -> StepResult:
    with ctx.desk.read() as s:
        present = s.scalar(select(HolidayOverride.day).where(extract("year", HolidayOverride.day) == 2027).limit(1))
    if present is not None:
        return StepResult(skipped=len(DEMO_HOLIDAYS_2027), note="2027年已有安排，未改动")
    ctx.insert([HolidayOverride(day=d, is_workday=w, name=n) for d, w, n in DEMO_HOLIDAYS_2027])
    ctx.desk.calendar.invalidate()
    # desk.workcal counts a year with any override as entered, so 2027 deadlines stop being
    # flagged as provisional: say so, the office must enter the rest of the schedule.
    return StepResult(added=len(DEMO_HOLIDAYS_2027), note="只录入了元旦；2027年其余节假日须在“设置—节假日”中补录")


def summary_lines(report: DemoReport) -> Iterable[str]:
    for label, r in report.steps:
        line = f"  {label}：新增 {r.added}，已存在跳过 {r.skipped}"
        yield line + (f"（{r.note}）" if r.note else "")


__all__ = [
    "BATCH",
    "DEMO_PASSWORD",
    "STEPS",
    "TOWNSHIP_NAMES",
    "DemoContext",
    "DemoReport",
    "DemoStep",
    "StepResult",
    "credit_check_char",
    "demo_step",
    "generate_businesses",
    "make_credit_code",
    "make_phone",
    "run_demo",
    "sized_steps",
    "summary_lines",
]
