import datetime
from decimal import Decimal

import pytest

from desk.validators import (
    FieldError,
    credit_code,
    format_yuan,
    mask_id,
    mask_name,
    mask_phone,
    mobile_or_landline,
    money,
    normalise_search_text,
    parse_date,
    required_text,
    resident_id,
)

D = datetime.date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    """Reference GB 11643-1999 check character, written independently of the module."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def test_field_error_is_value_error():
    err = FieldError("不能为空")
    assert isinstance(err, ValueError)
    assert err.message == "不能为空" == str(err)


# -- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("19912345678", "19912345678"),
        ("0558-1234567", "0558-1234567"),
        ("05581234567", "0558-1234567"),
        ("(0558)1234567", "0558-1234567"),
        ("0558 1234567", "0558-1234567"),
        ("0558-12345678", "0558-12345678"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("021-52345678", "021-52345678"),
        ("0558-1234567-123", "0558-1234567-123"),
        ("0558-1234567转123", "0558-1234567-123"),
        ("0558-1234567 转 8", "0558-1234567-8"),
        ("12315", "12315"),
        ("95588", "95588"),
        ("400-123-4567", "400-123-4567"),
        ("4001234567", "400-123-4567"),
    ],
)
def test_phone_valid(raw, expected):
    assert mobile_or_landline(raw) == expected


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("", "请输入电话号码"),
        ("   ", "请输入电话号码"),
        ("1381234567", "手机号应为11位数字，当前为10位"),
        ("138123456789", "当前为12位"),
        ("12812345678", "第二位应为3–9"),
        ("1381234567a", "无效字符“a”"),
        ("tel 13812345678", "无效字符"),
        ("1234567", "手机号应为11位数字"),
        ("2345678", "请加区号"),
        ("62345678", "请加区号"),
        ("0558-123456", "格式不正确"),
        ("0558-0234567", "格式不正确"),
        ("015-12345678", "格式不正确"),
        ("23456", "格式不正确"),
        ("0558-1234567-", "格式不正确"),
    ],
)
def test_phone_invalid(raw, fragment):
    with pytest.raises(FieldError) as exc_info:
        mobile_or_landline(raw)
    assert fragment in exc_info.value.message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 5678", "138****5678"),
        ("0558-1234567", "0558-***4567"),
        ("010-62345678", "010-****5678"),
        ("0558-1234567转123", "0558-***4567"),
        ("12315", "12315"),
        ("400-123-4567", "400-123-4567"),
        ("", ""),
        (None, ""),
        ("garbage-99", "******e-99"),
    ],
)
def test_mask_phone(raw, expected):
    assert mask_phone(raw) == expected


# -- resident ID ----------------------------------------------------------------------------


def test_id_check_reference():
    assert id_check("11010519491231002") == "X"
    assert id_check("44052418800101001") == "4"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),  # lower-case x
        ("440524188001010014", "440524188001010014"),  # published sample
        (" 440524 18800101 0014 ", "440524188001010014"),
        (
            "３４１２２２１９９００１０１１２３" + id_check("34122219900101123"),
            "34122219900101123" + id_check("34122219900101123"),
        ),
    ],
)
def test_resident_id_valid(raw, expected):
    assert resident_id(raw) == expected


def _with_check(first17: str) -> str:
    return first17 + id_check(first17)


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("", "请输入身份证号码"),
        ("11010519491231002", "应为18位，当前为17位"),
        ("11010519491231002X1", "当前为19位"),
        ("110105491231002", "15位旧号码"),
        ("1101051949123100AX", "无效字符"),
        ("11010519491231002Y", "无效字符"),
        ("X10105194912310021", "无效字符"),
        (_with_check("01010519491231002"), "地区码不正确"),
        (_with_check("91010519491231002"), "地区码不正确"),
        (_with_check("11010519491331002"), "出生日期“19491331”无效"),
        (_with_check("11010519490229002"), "出生日期“19490229”无效"),
        (_with_check("11010517991231002"), "出生日期“17991231”无效"),
        (_with_check("11010520260302002"), "晚于今天"),
        ("110105194912310021", "校验位不正确"),
        ("440524188001010015", "校验位不正确"),
    ],
)
def test_resident_id_invalid(raw, fragment):
    with pytest.raises(FieldError) as exc_info:
        resident_id(raw, today=D(2026, 3, 1))
    assert fragment in exc_info.value.message


def test_resident_id_message_does_not_reveal_check_digit():
    with pytest.raises(FieldError) as exc_info:
        resident_id("110105194912310021")
    assert exc_info.value.message == "身份证号码校验位不正确，请核对"


def test_resident_id_birth_today_ok():
    assert resident_id(_with_check("11010520260301002"), today=D(2026, 3, 1)).startswith("110105")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("34122219900101123X", "3412**********123X"),
        ("440524188001010014", "4405**********0014"),
        ("1234567", "*******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id(raw, expected):
    assert mask_id(raw) == expected


# -- credit code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("91350100M000100Y43", "91350100M000100Y43"),
        ("91110000600037341L", "91110000600037341L"),
        ("91110000600037341l", "91110000600037341L"),  # lower-case
        (" 9111 0000 6000 3734 1L ", "91110000600037341L"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),  # full-width
    ],
)
def test_credit_code_valid(raw, expected):
    assert credit_code(raw) == expected


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("", "请输入统一社会信用代码"),
        ("91350100M000100Y4", "应为18位，当前为17位"),
        ("91350100M000100Y433", "当前为19位"),
        ("91350100M000I00Y43", "非法字符“I”"),
        ("91350100M000100O43", "非法字符“O”"),
        ("91350100M0001-0Y43", "非法字符“-”"),
        ("91350100M000100Y44", "校验位不正确"),
        ("91110000600037341K", "校验位不正确"),
    ],
)
def test_credit_code_invalid(raw, fragment):
    with pytest.raises(FieldError) as exc_info:
        credit_code(raw)
    assert fragment in exc_info.value.message


# -- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (0, Decimal("0.00")),
        ("0", Decimal("0.00")),
        ("0.00", Decimal("0.00")),
        ("-0", Decimal("0.00")),
        ("1,234.5元", Decimal("1234.50")),
        (" 1 234.56 ", Decimal("1234.56")),
        ("¥99", Decimal("99.00")),
        ("１２３４．５", Decimal("1234.50")),  # full-width digits and point
        ("１，２３４元", Decimal("1234.00")),
        (".5", Decimal("0.50")),
        ("12.", Decimal("12.00")),
        ("1.230", Decimal("1.23")),  # trailing zero is not a third decimal
        (1500, Decimal("1500.00")),
        (Decimal("19.9"), Decimal("19.90")),
        (0.1, Decimal("0.10")),  # float via str, no binary noise
        ("100000000", Decimal("100000000.00")),  # exactly the ceiling
    ],
)
def test_money_valid(raw, expected):
    result = money(raw)
    assert result == expected
    assert result.as_tuple().exponent == -2
    assert not result.is_signed()


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "请输入金额"),
        (None, "请输入金额"),
        ("元", "请输入金额"),
        ("-1", "金额不能为负数"),
        ("1.234", "金额最多保留两位小数（精确到分）"),
        ("100000000.01", "金额不能超过1亿元"),
        ("abc", "金额格式不正确，应为数字，如 1234.50"),
        ("1e3", "金额格式不正确，应为数字，如 1234.50"),
        ("NaN", "金额格式不正确，应为数字，如 1234.50"),
        ("1.2.3", "金额格式不正确，应为数字，如 1234.50"),
        ("1万", "金额格式不正确，应为数字，如 1234.50"),
        (True, "金额格式不正确，应为数字，如 1234.50"),
        (Decimal("NaN"), "金额格式不正确，应为数字，如 1234.50"),
    ],
)
def test_money_invalid(raw, message):
    with pytest.raises(FieldError) as exc_info:
        money(raw)
    assert exc_info.value.message == message


def test_money_custom_ceiling_message():
    with pytest.raises(FieldError) as exc_info:
        money("50001", ceiling=Decimal("50000"))
    assert exc_info.value.message == "金额不能超过5万元"
    assert money("50000", ceiling=Decimal("50000")) == Decimal("50000.00")


def test_money_optional():
    assert money("", required=False) is None
    assert money("  ", required=False) is None
    assert money(None, required=False) is None
    assert money("12", required=False) == Decimal("12.00")


@pytest.mark.parametrize(
    "amount, text",
    [
        (Decimal("100000000"), "1亿元"),
        (Decimal("300000000"), "3亿元"),
        (Decimal("50000"), "5万元"),
        (Decimal("1234.5"), "1,234.50元"),
    ],
)
def test_format_yuan(amount, text):
    assert format_yuan(amount) == text


# -- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-05",
        "2026-3-5",
        "2026/3/5",
        "2026/03/05",
        "2026.3.5",
        "20260305",
        "2026年3月5日",
        "2026年03月05日",
        "2026年3月5",
        " 2026 - 03 - 05 ",
        "２０２６－０３－０５",
        D(2026, 3, 5),
        datetime.datetime(2026, 3, 5, 14, 30),
    ],
)
def test_parse_date_formats(raw):
    assert parse_date(raw) == D(2026, 3, 5)


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("", "请输入日期"),
        ("2026-02-30", "日期“2026-02-30”不存在"),
        ("2026-13-01", "不存在"),
        ("20261301", "不存在"),
        ("2026年2月29日", "不存在"),
        ("2026-03/05", "格式不正确，应为 YYYY-MM-DD"),
        ("26-3-5", "格式不正确"),
        ("2026年3月", "格式不正确"),
        ("昨天", "格式不正确"),
        ("1899-12-31", "年份超出范围"),
    ],
)
def test_parse_date_invalid(raw, fragment):
    with pytest.raises(FieldError) as exc_info:
        parse_date(raw)
    assert fragment in exc_info.value.message


def test_parse_date_range():
    assert parse_date("2026-11-30", not_after=D(2026, 11, 30)) == D(2026, 11, 30)
    with pytest.raises(FieldError) as exc_info:
        parse_date("2026-12-01", not_after=D(2026, 11, 30))
    assert exc_info.value.message == "不能晚于 2026-11-30"
    with pytest.raises(FieldError) as exc_info:
        parse_date(D(2026, 1, 1), not_before=D(2026, 1, 2))
    assert exc_info.value.message == "不能早于 2026-01-02"


def test_parse_date_optional():
    assert parse_date("", required=False) is None
    assert parse_date(None, required=False) is None


# -- text -----------------------------------------------------------------------------------


def test_required_text():
    assert required_text("  投诉内容  ", max_len=10) == "投诉内容"
    assert required_text("一二三四五", max_len=5) == "一二三四五"
    for empty in ("", "   ", None):
        with pytest.raises(FieldError) as exc_info:
            required_text(empty, max_len=5)
        assert exc_info.value.message == "不能为空"
    with pytest.raises(FieldError) as exc_info:
        required_text("一二三四五六", max_len=5)
    assert "不能超过5个字" in exc_info.value.message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ＡＢＣ　有限公司", "abc有限公司"),
        (" 张 三 ", "张三"),
        ("iPhone１５ Pro", "iphone15pro"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_search_text(raw, expected):
    assert normalise_search_text(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("张三", "张某"),
        ("张三丰", "张某"),
        ("欧阳娜娜", "欧阳某"),
        ("司马光", "司马某"),
        ("欧阳", "欧某"),  # two characters: surname 欧, given name 阳
        ("王", "王某"),
        (" 李四 ", "李某"),
        ("John Smith", "J某"),
        ("alice", "A某"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(raw, expected):
    assert mask_name(raw) == expected
