"""Field validators and masks for form input.

Each validator takes the raw value and returns it normalised, or raises FieldError with a
Chinese message saying what is wrong and what is expected. Callers prefix the field name.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Literal, overload

__all__ = [
    "FieldError",
    "mobile_or_landline",
    "mask_phone",
    "resident_id",
    "mask_id",
    "credit_code",
    "money",
    "format_yuan",
    "parse_date",
    "required_text",
    "normalise_search_text",
    "mask_name",
]


class FieldError(ValueError):
    """Invalid field input; `.message` is the Chinese text to show (without field name)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _nfkc(value: object) -> str:
    # NFKC turns full-width digits, letters and punctuation (１２３，．－) into ASCII.
    return unicodedata.normalize("NFKC", str(value)).strip()


# -- phone numbers --------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_SERVICE_RE = re.compile(r"[19]\d{4}")  # 12315, 95588 …
_HOTLINE_RE = re.compile(r"([48]00)(\d{3})(\d{4})")  # 400/800 business hotlines
# Area codes: 010 and 020–029 have three digits, all others four, which makes input
# without a dash unambiguous. Local numbers are 7–8 digits and never start with 0.
_LANDLINE_RE = re.compile(
    r"\(?(010|02\d|0[3-9]\d{2})\)?-?([1-9]\d{6,7})(?:(?:-|转|ext\.?|x)(\d{1,6}))?",
    re.IGNORECASE,
)
_PHONE_ALLOWED = re.compile(r"[\d\s\-()+转extEXT.]")
_PHONE_HINT = "手机号应为11位数字（如 13812345678），固定电话应带区号（如 0558-1234567）"


def mobile_or_landline(value: str) -> str:
    """Validate a Chinese phone number and normalise it.

    Returns mobiles as 11 digits, landlines as "0558-1234567" (extension as "-123"),
    5-digit service numbers (12315, 95xxx) as digits, 400/800 hotlines as "400-123-4567".
    """
    s = _nfkc(value if value is not None else "")
    if not s:
        raise FieldError("请输入电话号码")
    for ch in s:
        if not _PHONE_ALLOWED.fullmatch(ch):
            raise FieldError(f"电话号码含有无效字符“{ch}”")
    compact = re.sub(r"\s+", "", s)

    digits_only = re.sub(r"[-()]", "", compact)
    mobile = digits_only
    if mobile.startswith("+86"):
        mobile = mobile[3:]
    elif mobile.startswith("0086"):
        mobile = mobile[4:]
    elif mobile.startswith("86") and len(mobile) == 13:
        mobile = mobile[2:]
    if _MOBILE_RE.fullmatch(mobile):
        return mobile
    if _SERVICE_RE.fullmatch(digits_only):
        return digits_only
    m = _HOTLINE_RE.fullmatch(digits_only)
    if m:
        return f"{m[1]}-{m[2]}-{m[3]}"
    m = _LANDLINE_RE.fullmatch(compact)
    if m:
        return f"{m[1]}-{m[2]}" + (f"-{m[3]}" if m[3] else "")

    # Specific hints for the common mistakes.
    if mobile.isdigit() and mobile.startswith("1"):
        if len(mobile) != 11:
            raise FieldError(f"手机号应为11位数字，当前为{len(mobile)}位")
        raise FieldError("手机号第二位应为3–9，请核对")
    if digits_only.isdigit() and not digits_only.startswith("0") and len(digits_only) in (7, 8):
        raise FieldError("固定电话请加区号，如 0558-1234567")
    raise FieldError(f"电话号码格式不正确：{_PHONE_HINT}")


def mask_phone(value: str | None) -> str:
    """Mask for lists and printouts: 138****1234; landline 0558-***4567 (extension dropped).

    Service numbers and 400/800 hotlines are public and shown as they are. Unparseable
    input keeps only its last 4 characters.
    """
    if value is None or not str(value).strip():
        return ""
    try:
        norm = mobile_or_landline(str(value))
    except FieldError:
        raw = re.sub(r"\s+", "", str(value))
        return "*" * max(len(raw) - 4, 0) + raw[-4:] if len(raw) > 4 else "*" * len(raw)
    if _MOBILE_RE.fullmatch(norm):
        return f"{norm[:3]}****{norm[-4:]}"
    if norm.startswith("0"):
        area, number = norm.split("-")[:2]
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return norm


# -- resident identity card -----------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_MAP = "10X98765432"


def _id_check_char(first17: str) -> str:
    return _ID_CHECK_MAP[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id(value: str, *, today: datetime.date | None = None) -> str:
    """Validate an 18-character resident ID (GB 11643-1999); returns it with upper-case X.

    `today` exists for tests (birth date must not be in the future).
    """
    s = re.sub(r"\s+", "", _nfkc(value if value is not None else "")).upper()
    if not s:
        raise FieldError("请输入身份证号码")
    if len(s) != 18:
        if len(s) == 15:
            raise FieldError("身份证号码应为18位，当前为15位旧号码，请填写18位新号码")
        raise FieldError(f"身份证号码应为18位，当前为{len(s)}位")
    if not (s.isascii() and s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")):
        raise FieldError("身份证号码含有无效字符：前17位应为数字，末位为数字或X")
    if s[0] not in "12345678":
        raise FieldError("身份证号码前6位地区码不正确（首位应为1–8）")
    birth_text = s[6:14]
    try:
        birth = datetime.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:8]))
    except ValueError:
        raise FieldError(f"身份证号码中的出生日期“{birth_text}”无效") from None
    # GB 11643 allows centuries 18–20; the published sample 440524188001010014 is from 1880.
    if birth.year < 1800:
        raise FieldError(f"身份证号码中的出生日期“{birth_text}”无效")
    if birth > (today or datetime.date.today()):
        raise FieldError(f"身份证号码中的出生日期“{birth_text}”晚于今天")
    if _id_check_char(s[:17]) != s[17]:
        raise FieldError("身份证号码校验位不正确，请核对")
    return s


def mask_id(value: str | None) -> str:
    """Keep the first 4 (province + city) and the last 4 characters: 3412**********123X.

    Hides the county and the birth date; the tail is enough for staff to tell records
    apart when speaking with the consumer.
    """
    if value is None:
        return ""
    s = re.sub(r"\s+", "", str(value)).upper()
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


# -- unified social credit code ---------------------------------------------------------

_CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    check = 31 - total % 31
    return _CREDIT_CHARSET[0 if check == 31 else check]


def credit_code(value: str) -> str:
    """Validate a 统一社会信用代码 (GB 32100-2015); returns it upper-cased.

    Only the charset and the 18th (check) character are verified; the registration
    authority/type codes are not checked against a list.
    """
    s = re.sub(r"\s+", "", _nfkc(value if value is not None else "")).upper()
    if not s:
        raise FieldError("请输入统一社会信用代码")
    if len(s) != 18:
        raise FieldError(f"统一社会信用代码应为18位，当前为{len(s)}位")
    for ch in s:
        if ch not in _CREDIT_CHARSET:
            raise FieldError(f"统一社会信用代码含有非法字符“{ch}”（只用数字和除I、O、Z、S、V外的大写字母）")
    if _credit_check_char(s[:17]) != s[17]:
        raise FieldError("统一社会信用代码校验位不正确，请核对")
    return s


# -- money ------------------------------------------------------------------------------------

_CENT = Decimal("0.01")
_DEFAULT_CEILING = Decimal("100000000")
_MONEY_RE = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")


def format_yuan(amount: Decimal) -> str:
    """Readable amount for messages: 1亿元, 5万元, 1,234.50元."""
    if amount >= Decimal("100000000") and amount % Decimal("100000000") == 0:
        return f"{int(amount / Decimal('100000000'))}亿元"
    if amount >= Decimal("10000") and amount % Decimal("10000") == 0:
        return f"{int(amount / Decimal('10000'))}万元"
    return f"{amount.quantize(_CENT):,}元"


@overload
def money(value: object, *, ceiling: Decimal = ..., required: Literal[True] = ...) -> Decimal: ...
@overload
def money(value: object, *, ceiling: Decimal = ..., required: bool) -> Decimal | None: ...


def money(value: object, *, ceiling: Decimal = _DEFAULT_CEILING, required: bool = True) -> Decimal | None:
    """Parse a yuan amount: non-negative, at most 2 decimals, <= ceiling; quantized to 0.01.

    Accepts str/int/Decimal; floats go through str() so 0.1 stays 0.1. Strips 元, ¥,
    thousands separators and spaces; full-width digits and ． are converted.
    Empty input -> FieldError, or None when required=False.
    """
    if isinstance(value, bool):
        raise FieldError("金额格式不正确，应为数字，如 1234.50")
    if value is None:
        text = ""
    elif isinstance(value, Decimal):
        text = format(value, "f") if value.is_finite() else "x"
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = _nfkc(value)
    text = re.sub(r"[\s,元¥￥]", "", text)  # NFKC already folded full-width forms
    if not text:
        if required:
            raise FieldError("请输入金额")
        return None
    if not _MONEY_RE.fullmatch(text):
        raise FieldError("金额格式不正确，应为数字，如 1234.50")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise FieldError("金额格式不正确，应为数字，如 1234.50") from None
    if amount < 0:
        raise FieldError("金额不能为负数")
    if amount != amount.quantize(_CENT):
        raise FieldError("金额最多保留两位小数（精确到分）")
    if amount > ceiling:
        raise FieldError(f"金额不能超过{format_yuan(ceiling)}")
    # copy_abs turns -0.00 into 0.00.
    return amount.quantize(_CENT).copy_abs()


# -- dates -----------------------------------------------------------------------------------

_DATE_SEP_RE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_CN_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_DATE_HINT = "应为 YYYY-MM-DD（如 2026-03-05），也可写作 2026/3/5、2026.3.5、20260305 或 2026年3月5日"
_MIN_YEAR, _MAX_YEAR = 1900, 2099


@overload
def parse_date(
    value: object,
    *,
    not_after: datetime.date | None = ...,
    not_before: datetime.date | None = ...,
    required: Literal[True] = ...,
) -> datetime.date: ...
@overload
def parse_date(
    value: object,
    *,
    not_after: datetime.date | None = ...,
    not_before: datetime.date | None = ...,
    required: bool,
) -> datetime.date | None: ...


def parse_date(
    value: object,
    *,
    not_after: datetime.date | None = None,
    not_before: datetime.date | None = None,
    required: bool = True,
) -> datetime.date | None:
    """Parse a date from a date object or common Chinese office spellings.

    Empty input -> FieldError, or None when required=False.
    """
    if isinstance(value, datetime.datetime):
        d = value.date()
    elif isinstance(value, datetime.date):
        d = value
    else:
        text = re.sub(r"\s+", "", _nfkc(value if value is not None else ""))
        if not text:
            if required:
                raise FieldError("请输入日期")
            return None
        m = _DATE_SEP_RE.fullmatch(text)
        if m:
            parts = (m[1], m[3], m[4])
        else:
            m = _DATE_COMPACT_RE.fullmatch(text) or _DATE_CN_RE.fullmatch(text)
            if not m:
                raise FieldError(f"日期“{text}”格式不正确，{_DATE_HINT}")
            parts = (m[1], m[2], m[3])
        year, month, day = (int(p) for p in parts)
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise FieldError(f"日期“{text}”的年份超出范围（{_MIN_YEAR}–{_MAX_YEAR}）")
        try:
            d = datetime.date(year, month, day)
        except ValueError:
            raise FieldError(f"日期“{text}”不存在，请核对月份和日期") from None
    if not_after is not None and d > not_after:
        raise FieldError(f"不能晚于 {not_after.isoformat()}")
    if not_before is not None and d < not_before:
        raise FieldError(f"不能早于 {not_before.isoformat()}")
    return d


# -- text ------------------------------------------------------------------------------------


def required_text(value: object, *, max_len: int) -> str:
    """Stripped non-empty text of at most max_len characters."""
    s = "" if value is None else str(value).strip()
    if not s:
        raise FieldError("不能为空")
    if len(s) > max_len:
        raise FieldError(f"不能超过{max_len}个字（当前{len(s)}个字）")
    return s


def normalise_search_text(value: str | None) -> str:
    """Key for search columns: NFKC (full-width -> half-width), lower-case, no whitespace."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)).lower())


_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离".split()
)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def mask_name(name: str | None) -> str:
    """张三 -> 张某, 欧阳娜娜 -> 欧阳某, John Smith -> J某.

    A two-character name that equals a compound surname (e.g. 欧阳 as 欧 + 阳) keeps only
    the first character, since it cannot be surname-only.
    """
    s = "" if name is None else str(name).strip()
    if not s:
        return ""
    if _is_cjk(s[0]):
        if len(s) > 2 and s[:2] in _COMPOUND_SURNAMES:
            return s[:2] + "某"
        return s[0] + "某"
    return s[0].upper() + "某"
