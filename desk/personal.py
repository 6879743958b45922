"""Keeping personal data out of documents meant for others (domain.md §6, §7): the briefing.

Two steps, both before anything is written:

1. ``mask_known``: every name the database knows as a person (consumers and agents of every
   complaint whatever its date, further complainants of joint complaints, every roster person —
   volunteers, investigators, 和解员, 联络员 — and the stations' 和解员 / 联络员), every known
   address, street-level addresses (人民路18号 → 人民路**号), phone and ID numbers are masked
   without asking.
2. ``scan``: what still looks personal — a 2–3 character name after a common surname followed by
   反映 / 投诉 / 称 …, a house number, a long digit run (a phone or ID written oddly) — is listed
   with its context (``Finding``). The secretary chooses, per finding, to mask (the default) or
   keep it; ``apply`` masks every finding not explicitly kept.

Names of one character are never masked (masking every 张 would garble a text)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from desk.validators import mask_id, mask_name, mask_phone

if TYPE_CHECKING:
    from desk.facade import Desk

# An ID number (18 or 15 digits) not inside a longer digit run; phones: mobiles and landlines.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")
_NUM = r"[0-9０-９]+|[一二三四五六七八九十百零〇]+"
# A street-level address: a road / street / lane / village / estate and a house number.
_STREET_RE = re.compile(
    r"([\u4e00-\u9fff]{1,12}?(?:大道|大街|胡同|小区|社区|花园|公寓|大厦|新村|路|街|巷|弄|道|村|组|苑))\s*"
    rf"(?:{_NUM})\s*(?:号|號|栋|幢|单元|组)(?:[0-9０-９\-－#号號栋幢单元楼层室]|{_NUM})*"
)
# What the scan flags.
_HOUSE_RE = re.compile(r"(?<![0-9０-９*第])[0-9０-９]{1,5}\s*(?:号楼|号院|号|栋|幢|单元|室)")
_DIGITS_RE = re.compile(r"(?<![0-9*])\d[\d -]{5,}\d(?![0-9*])")
_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_VERBS = ("反映", "投诉", "诉称", "表示", "来电", "来访", "称", "说", "要求", "认为", "到场", "介绍")
# Common surnames (single and compound): a name candidate must start with one.
_SURNAMES = set(
    # Surnames that are also everyday words before a name (和, 向, 于, 对 …) are left out.
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
    "汪范金石廖贾夏韦付白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤温康施牛樊葛邢乔伍庞颜"
    "倪庄聂章鲁岳翟殷詹申欧耿兰焦俞柳祝宁舒阮柯纪梅童凌毕季裴霍涂翁冉骆蓝游辛靳管柴蒙鲍喻祁蒲"
    "滕屈饶牟艾尤穆卓吉缪项芦麦褚娄窦戚岑费卜冷晏柏瞿桂佟臧闵苟邬卞姬仇栾隋刁"
    "荣巫寇桑郎甄丛仲虞敖巩佘匡钮鞠")
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯")
# Words that end right before a verb and are not names (消费者投诉, 该公司称 …).
_NOT_NAMES = ("消费者", "经营者", "投诉人", "被投诉人", "当事人", "申请人", "代理人", "商家", "公司", "店家", "店主", "老板",
              "对方", "双方", "本会", "记者", "群众", "市民", "村民", "顾客", "客户", "厂家", "平台", "客服", "门店",
              "有关", "相关", "部门", "单位", "工作人员", "人员", "我们", "他们", "她们", "大家", "本人", "家属")


@dataclass(frozen=True)
class Known:
    """What the database knows as personal: names and addresses."""

    names: frozenset[str]
    addresses: frozenset[str]


@dataclass(frozen=True)
class Finding:
    """Something that still looks personal after ``mask_known``."""

    kind: str  # 姓名 | 门牌号 | 号码
    text: str  # as it stands in the document
    masked: str  # what it becomes when masked
    context: str  # a few characters either side, the hit in 【】
    where: str  # the part of the document (工作动态 …)


def known_personal(desk: Desk) -> Known:
    """Every person's name and address the database holds (a few indexed columns)."""
    from desk.models import Complaint
    from desk.models.complaints import ComplaintParty
    from desk.models.mediation import ReconciliationStation
    from desk.models.rosters import RosterPerson

    names: set[str] = set()
    addresses: set[str] = set()
    with desk.read() as s:
        for col in (Complaint.consumer_name, Complaint.agent_name, ComplaintParty.name, RosterPerson.name,
                    ReconciliationStation.conciliator_name, ReconciliationStation.liaison_name):
            names.update(x.strip() for x in s.scalars(select(col).distinct()) if x and len(x.strip()) >= 2)
        for col in (Complaint.consumer_address, ComplaintParty.address):
            addresses.update(x.strip() for x in s.scalars(select(col).distinct()) if x and len(x.strip()) >= 4)
    return Known(frozenset(names), frozenset(addresses))


def mask_address(address: str) -> str:
    """Keep the administrative part (…县…镇), hide the rest: 太和县城关镇人民路18号 → 太和县城关镇****."""
    m = list(re.finditer(r"(省|自治区|市|州|县|区|旗|镇|乡|街道)", address))
    keep = address[: m[-1].end()] if m and m[-1].end() < len(address) else ""
    return keep + "****"


def _mask_digits(s: str) -> str:
    digits = re.sub(r"\D", "", s)
    n = len(digits)
    head, tail = (3, 4) if n >= 11 else (2, 2)
    return digits[:head] + "*" * max(n - head - tail, 1) + digits[-tail:]


def mask_numbers(text: str) -> str:
    """ID numbers and phone numbers masked (3412**********123X, 138****5678)."""
    out = _ID_RE.sub(lambda m: mask_id(m.group(0)), text or "")
    out = _MOBILE_RE.sub(lambda m: mask_phone(re.sub(r"[- ]|^\+?86", "", m.group(0))), out)
    return _LANDLINE_RE.sub(lambda m: mask_phone(m.group(0)), out)


def mask_streets(text: str) -> str:
    """Street-level addresses with their house numbers hidden: 人民路18号3栋 → 人民路**号."""
    return _STREET_RE.sub(lambda m: m.group(1) + "**号", text)


def mask_names(text: str, names: Iterable[str]) -> str:
    present = sorted({n for n in names if len(n) >= 2 and n in text}, key=lambda n: (-len(n), n))
    if not present:
        return text
    masked = {n: mask_name(n) for n in present}
    return re.compile("|".join(re.escape(n) for n in present)).sub(lambda m: masked[m.group(0)], text)


def mask_known(text: str, known: Known) -> str:
    """Step 1: every known address, name, street address, phone and ID number masked."""
    out = text or ""
    present = sorted((a for a in known.addresses if a in out), key=len, reverse=True)
    for a in present:
        out = out.replace(a, mask_address(a))
    out = mask_numbers(out)
    out = mask_streets(out)
    return mask_names(out, known.names)


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    left = text[max(0, start - width): start]
    right = text[end: end + width]
    return ("…" if start > width else "") + left + "【" + text[start:end] + "】" + right + ("…" if end + width < len(text) else "")


def _name_before(text: str, i: int) -> str | None:
    """The likely personal name ending at ``i`` (just before a verb), or None."""
    for sw in _NOT_NAMES:
        if text.endswith(sw, 0, i):
            return None
    for size in (4, 3, 2):
        cand = text[max(0, i - size): i]
        if len(cand) != size or not all("\u4e00" <= ch <= "\u9fff" for ch in cand) or "某" in cand:
            continue
        if size == 4 and cand[:2] in _COMPOUND:
            return cand
        if size in (2, 3) and cand[0] in _SURNAMES:
            return cand
    return None


def scan(text: str, where: str = "") -> list[Finding]:
    """Step 2: what in ``text`` (already through ``mask_known``) still looks personal."""
    found: dict[tuple[str, str], Finding] = {}

    def add(kind: str, start: int, end: int, masked: str) -> None:
        hit = text[start:end]
        found.setdefault((kind, hit), Finding(kind, hit, masked, _context(text, start, end), where))

    for verb in _VERBS:
        for m in re.finditer(re.escape(verb), text):
            name = _name_before(text, m.start())
            if name:
                add("姓名", m.start() - len(name), m.start(), mask_name(name))
    for m in _HOUSE_RE.finditer(text):
        add("门牌号", m.start(), m.end(), re.sub(r"[0-9０-９]+", "**", m.group(0)))
    for m in _DIGITS_RE.finditer(text):
        if len(re.sub(r"\D", "", m.group(0))) >= 7 and not _DATE_RE.fullmatch(m.group(0).strip()):
            add("号码", m.start(), m.end(), _mask_digits(m.group(0)))
    return sorted(found.values(), key=lambda f: text.find(f.text))


def apply(text: str, findings: Iterable[Finding], keep: Collection[str] = ()) -> str:
    """``text`` with every finding masked except those whose text the secretary kept."""
    todo = sorted({f.text: f.masked for f in findings if f.text not in keep}.items(), key=lambda kv: -len(kv[0]))
    for hit, masked in todo:
        text = text.replace(hit, masked)
    return text
