"""The Excel roster import on fixture workbooks built here with openpyxl: every kind of bad row,
every kind of bad file, merged cells, formulas, dates written as text or serial numbers, the
row limit, re-importing (skip and update), all-or-nothing commits, and the command line."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from desk import roster_import as ri
from desk.cli import main as cli_main
from desk.errors import DeskError, ValidationError
from desk.facade import Desk
from desk.services.rosters import PersonFilter, PersonInput
from tests.test_rosters_support import HEADER, make_id, make_workbook, person_row

OPTS = ri.ImportOptions("volunteer")


def load(desk: Desk, path: Path, options: ri.ImportOptions = OPTS, **kw) -> ri.ImportPreview:  # type: ignore[no-untyped-def]
    data = ri.read_sheet(path, **kw)
    return ri.preview(desk, data, ri.auto_mapping(data.headers), options)


def by_row(plan: ri.ImportPreview) -> dict[int, ri.RowResult]:
    return {r.row_no: r for r in plan.rows}


# -- reading ----------------------------------------------------------------------------------------


def test_header_below_a_title_merged_cells_and_auto_mapping(tmp_path: Path) -> None:
    rows = [
        person_row(1, "张三", phone="13812345678", township="城关镇"),
        person_row(2, "李四", phone="13912345678", township=None),
        person_row(3, "王五", phone="13712345678", township=None),
        person_row(4, "赵六", phone="13612345678", township="旧县镇"),
    ]
    p = make_workbook(tmp_path / "a.xlsx", rows, title="太和县消费维权志愿者名册", merges=["F3:F5"])
    data = ri.read_sheet(p)
    assert data.header_row == 2 and data.sheet == "名册"
    assert [r for r, _c in data.rows] == [3, 4, 5, 6]
    assert [c[5] for _r, c in data.rows] == ["城关镇", "城关镇", "城关镇", "旧县镇"]  # merged 乡镇 filled down
    assert data.merged_ranges == 1  # the merged title does not count
    m = ri.auto_mapping(data.headers)
    assert m == {"name": 1, "gender": 2, "phone": 3, "id_no": 4, "township": 5, "community": 6, "workplace": 7,
                 "occupation": 8, "join_date": 9, "certificate_no": 10, "skills": 11, "note": 12}


@pytest.mark.parametrize(("header", "field"), [
    ("手机", "phone"), ("联系电话（手机）", "phone"), ("身份证号", "id_no"), ("公民身份号码", "id_no"),
    ("乡镇", "township"), ("所在村（社区）", "community"), ("单位", "workplace"), ("工作单位及职务", "workplace"),
    ("加入日期", "join_date"), ("聘任时间", "join_date"), ("*姓 名", "name"), ("证 书 编 号", "certificate_no"),
    ("年龄", None), ("序号", None), ("太和县消费维权志愿者名册（2024年）", None),
])
def test_header_aliases(header: str, field: str | None) -> None:
    assert ri.field_of_header(header)[0] == field


def test_sheet_choice_and_a_sheet_without_header(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本表为2024年名册，请勿改动列名。"])
    ws2 = wb.create_sheet("数据")
    ws2.append(["张三", "13812345678"])  # names without a header row
    ws3 = wb.create_sheet("志愿者")
    ws3.append(["姓名", "手机"])
    ws3.append(["张三", "13812345678"])
    wb.create_sheet("空表")
    p = tmp_path / "multi.xlsx"
    wb.save(p)
    assert [s.name for s in ri.list_sheets(p)] == ["说明", "数据", "志愿者", "空表"]
    with pytest.raises(DeskError, match="找不到表头行.*姓名"):
        ri.read_sheet(p)  # the first sheet is the notes
    with pytest.raises(DeskError, match="找不到表头行"):
        ri.read_sheet(p, "数据")
    with pytest.raises(DeskError, match="是空的"):
        ri.read_sheet(p, "空表")
    with pytest.raises(DeskError, match="没有名为“不存在”的工作表.*志愿者"):
        ri.read_sheet(p, "不存在")
    assert len(ri.read_sheet(p, "志愿者").rows) == 1


def _ole2(extra: bytes = b"") -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + extra + b"\0" * 1024


@pytest.mark.parametrize(("name", "content", "message"), [
    ("old.xls", _ole2(), "旧版 Excel 97-2003 格式（.xls）"),
    ("renamed.xlsx", _ole2(), "旧版 Excel 97-2003 格式（.xls）"),
    ("secret.xlsx", _ole2("EncryptionInfo".encode("utf-16-le") + b"\0\0" + "EncryptedPackage".encode("utf-16-le")), "设置了打开密码"),
    # A bigger encrypted workbook: the container's directory after the encrypted data.
    ("big_secret.xlsx", _ole2(b"\x5a" * 200_000 + "EncryptedPackage".encode("utf-16-le")), "设置了打开密码"),
    ("names.xlsx", "姓名,电话\n张三,13812345678\n".encode(), "不是 Excel 工作簿"),
    ("names.csv", "姓名,电话\n张三,13812345678\n".encode("gbk"), "CSV 文本文件"),
    ("empty.xlsx", b"", "是空的"),
])
def test_files_that_are_not_xlsx_are_refused_clearly(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(DeskError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ri.list_sheets(p)
    with pytest.raises(DeskError):
        ri.read_sheet(p)


def test_damaged_files_are_refused_clearly(tmp_path: Path) -> None:
    good = make_workbook(tmp_path / "good.xlsx", [person_row(i, f"人{i}", phone=f"138{i:08d}") for i in range(300)])
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DeskError, match="已损坏"):
        ri.read_sheet(truncated)
    not_a_workbook = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as z:
        z.writestr("hello.txt", "不是工作簿")
    with pytest.raises(DeskError, match="已损坏"):
        ri.list_sheets(not_a_workbook)
    # A sheet whose XML breaks half way: found while reading its rows.
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 2 // 3]
            dst.writestr(item, data)
    with pytest.raises(DeskError, match="已损坏"):
        ri.read_sheet(broken)
    with pytest.raises(DeskError, match="找不到文件"):
        ri.read_sheet(tmp_path / "missing.xlsx")


def test_over_the_row_limit_is_refused_before_anything_is_written(sqlite_desk: Desk, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append(["姓名", "手机"])
    for i in range(100_000):
        ws.append([f"人{i}", f"138{i:08d}"])
    p = tmp_path / "huge.xlsx"
    wb.save(p)
    with pytest.raises(DeskError, match="上限 20,000 行.*没有导入任何数据"):
        ri.import_file(sqlite_desk, p, OPTS)
    assert sqlite_desk.rosters.count() == 0


def test_formatted_blank_rows_below_the_data_end_the_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "电话"])
    ws.append(["张三", "13812345678"])
    for r in range(3, 5000):
        ws.cell(r, 1).border = Border(left=Side(style="thin"))
    ws.append(["李四", "13912345678"])  # after far more than EMPTY_RUN_STOP blank rows: not data
    p = tmp_path / "formatted.xlsx"
    wb.save(p)
    assert [c[0] for _r, c in ri.read_sheet(p).rows] == ["张三"]


def test_cancel_while_reading(tmp_path: Path) -> None:
    p = make_workbook(tmp_path / "a.xlsx", [person_row(i, f"人{i}") for i in range(1200)])
    with pytest.raises(ri.ImportCancelled, match="没有导入任何数据"):
        ri.read_sheet(p, cancel=lambda: True)


# -- every kind of bad row -------------------------------------------------------------------------------


def test_every_kind_of_bad_row_is_listed(sqlite_desk: Desk, tmp_path: Path) -> None:
    d = sqlite_desk
    d.rosters.create(PersonInput("volunteer", "老会员", phone="13800000001", id_no=make_id(seq=901)))
    d.rosters.create(PersonInput("volunteer", "钱七", phone="13800000002"))
    rows = [
        person_row(1, "张三", phone="13812345678", id_no=make_id(seq=1), join="2023年5月1日"),  # fine
        person_row(2, "李四", phone="1381234567", id_no=make_id(seq=2)),  # bad phone
        person_row(3, "王五", phone="13812340003", id_no=make_id(seq=3, bad_check=True)),  # wrong check digit
        person_row(4, "", phone="13812340004", gender="男"),  # missing name
        person_row(5, "张三", phone="13812349999", id_no=make_id(seq=1)),  # same ID as row 3 in the sheet (1st data row)
        person_row(6, "张三丰", phone="13812345678"),  # same mobile as the first row
        person_row(7, "老会员", phone="13800000001", id_no=make_id(seq=901)),  # already on the roster: skip
        person_row(8, "孙八", phone="13800000002"),  # mobile of 钱七: a different name
        person_row(9, "周九", phone="13812340009", id_no=34122219900101, join="2023.5.1"),  # ID stored as a number
        person_row(10, "吴十", phone="=D3", join=45047),  # formula without cached value; serial date
        person_row(11, "郑一", phone="#N/A"),  # an Excel error value
        person_row(12, "冯二", phone="13812340012", gender="未知"),  # bad gender
        person_row(13, "陈三", phone="13812340013", join="2099-01-01"),  # future
        person_row(14, "褚四", phone="13812340014", join=2019),  # year only
        person_row(15, "卫五", phone="13812340015", join="2023年13月1日"),  # no such date
        person_row(16, "蒋六", phone="13812340016", join=dt.datetime(2022, 3, 1)),  # a real date cell
        person_row(17, "沈七", phone="13812340017", join="2021年9月", workplace="单" * 101),  # too long workplace
        person_row(18, "韩八", phone=13812340018, join=20230102, gender="女", id_no=make_id(seq=11)),  # numbers; gender vs ID
        [None] * 13,  # blank row: ignored
        [19, None, None, None, None, None, None, None, None, None, None, None, "只有备注"],  # no name
    ]
    p = make_workbook(tmp_path / "bad.xlsx", rows)
    plan = load(d, p)
    r = by_row(plan)
    assert r[2].action == "new" and r[2].values["join_date"] == dt.date(2023, 5, 1)
    assert r[3].problems == ("电话：手机号应为11位数字，当前为10位",)
    assert r[4].problems == ("身份证号：身份证号码校验位不正确，请核对",)
    assert r[5].problems == ("缺少姓名",)
    assert r[6].problems == ("与第 2 行是同一人（身份证号相同）",)
    assert r[7].problems == ("与第 2 行的手机号相同",)
    assert r[8].action == "skip" and "已在名册中：老会员" in r[8].notes[-1]
    assert r[9].problems == ("手机号与名册中的“钱七”相同，但姓名不同，请核对",)
    assert "存成了数字" in r[10].problems[0]
    assert r[11].problems == ("电话是公式，但文件中没有公式的计算结果（请用 Excel 打开并保存后再导入）",)
    assert r[12].problems == ("电话是 Excel 错误值 #N/A",)
    assert r[13].problems == ("性别：性别应为“男”或“女”",)
    assert "不能晚于" in r[14].problems[0]
    assert "只填了年份（2019）" in r[15].problems[0]
    assert "不存在" in r[16].problems[0]
    assert r[17].action == "new" and r[17].values["join_date"] == dt.date(2022, 3, 1)
    assert r[18].problems == ("工作单位：不能超过100个字（当前101个字）",)
    assert r[19].action == "new" and r[19].values["phone"] == "13812340018"
    assert r[19].values["join_date"] == dt.date(2023, 1, 2) and r[19].values["gender"] == "F"
    assert any("性别与身份证号不一致" in n for n in r[19].notes)
    assert r[21].problems == ("缺少姓名",)
    assert 20 not in r  # the blank row
    # The serial number of row 11 was read as a date before the formula stopped the row.
    assert (plan.count("new"), plan.count("skip"), plan.count("error")) == (3, 1, 15)
    assert plan.problem_rows[0].row_no == 3 and plan.rows[1].id_no.startswith("3412*")


def _with_cached_values(src: Path, dst: Path, values: dict[str, str]) -> Path:
    """openpyxl saves formulas without results; give some cells the result Excel would store."""
    import re

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for ref, value in values.items():
                    xml = re.sub(rf'<c r="{ref}"(?: [^>]*)?><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
                                 rf'<c r="{ref}" t="str"><f>\1</f><v>{value}</v></c>', xml)
                data = xml.encode()
            zout.writestr(item, data)
    return dst


def test_formulas_use_the_values_excel_saved(sqlite_desk: Desk, tmp_path: Path) -> None:
    rows = [
        person_row(1, "张三", phone='="138"&"12345678"', join="=DATE(2023,5,1)"),
        person_row(2, "李四", phone='="139"&"12345678"'),
    ]
    src = make_workbook(tmp_path / "formulas.xlsx", rows)
    p = _with_cached_values(src, tmp_path / "saved.xlsx", {"D2": "13812345678", "J2": "2023-05-01"})
    r = by_row(load(sqlite_desk, p))
    assert r[2].action == "new" and r[2].values["phone"] == "13812345678"
    assert r[2].values["join_date"] == dt.date(2023, 5, 1)
    assert r[3].problems == ("电话是公式，但文件中没有公式的计算结果（请用 Excel 打开并保存后再导入）",)


def test_text_and_serial_dates(sqlite_desk: Desk, tmp_path: Path) -> None:
    forms = ["2023年5月1日", "2023.5.1", "2023/5/1", "2023-05-01", "20230501", 20230501, 45047, dt.date(2023, 5, 1),
             "2023年5月", "2023.05", " 2023 年 5 月 1 日 "]
    rows = [person_row(i + 1, f"人{i}", phone=f"1381234{i:04d}", join=f) for i, f in enumerate(forms)]
    plan = load(sqlite_desk, make_workbook(tmp_path / "dates.xlsx", rows))
    assert [r.values["join_date"] for r in plan.rows] == [dt.date(2023, 5, 1)] * 8 + [dt.date(2023, 5, 1)] * 3


# -- importing -------------------------------------------------------------------------------------------


def _sheet(tmp_path: Path, *, workplace: str = "太和县第一中学") -> Path:
    rows = [
        person_row(1, "张三", phone="13812345678", id_no=make_id(seq=1), workplace=workplace, join="2023-05-01"),
        person_row(2, "李四", phone="13912345678", workplace=workplace),
        person_row(3, "王五", township="旧县镇"),  # neither ID nor mobile: found again by name and township
        person_row(4, "赵六", phone="123"),  # a problem: not imported
    ]
    return make_workbook(tmp_path / "roster.xlsx", rows, title="志愿者名册")


def test_import_then_reimport_skip_and_update(desk: Desk, tmp_path: Path) -> None:
    p = _sheet(tmp_path)
    plan, summary = ri.import_file(desk, p, ri.ImportOptions("volunteer", "skip", "2024-01-05", "报名表书面同意"))
    assert (summary.added, summary.not_imported, summary.without_consent) == (3, 1, 0)
    people = {x.name: x for x in desk.rosters.search(PersonFilter(kind="volunteer"))}
    assert set(people) == {"张三", "李四", "王五"}
    assert people["张三"].consent_method == "报名表书面同意" and people["张三"].gender == "M"  # from the ID
    assert plan.header_row == 2

    _plan, again = ri.import_file(desk, p, ri.ImportOptions("volunteer", "skip"))
    assert (again.added, again.skipped, again.updated) == (0, 3, 0)
    assert desk.rosters.count() == 3

    changed = _sheet(tmp_path, workplace="太和县第二中学")
    plan3, upd = ri.import_file(desk, changed, ri.ImportOptions("volunteer", "update"))
    assert (upd.added, upd.updated, upd.unchanged) == (0, 2, 1)  # 王五 had no workplace in either file
    assert "将更新：工作单位" in by_row(plan3)[3].notes[-1]
    assert {x.workplace for x in desk.rosters.search(PersonFilter(keyword="二中"))} == {"太和县第二中学"}
    assert desk.rosters.count() == 3
    _plan, same = ri.import_file(desk, changed, ri.ImportOptions("volunteer", "update"))
    assert (same.updated, same.unchanged) == (0, 3)

    # Other rosters are separate: the same sheet adds investigators.
    _plan, inv = ri.import_file(desk, p, ri.ImportOptions("investigator"))
    assert inv.added == 3 and desk.rosters.count(PersonFilter(kind="investigator")) == 3


def test_dry_run_and_preview_write_nothing(sqlite_desk: Desk, tmp_path: Path) -> None:
    plan, summary = ri.import_file(sqlite_desk, _sheet(tmp_path), OPTS, dry_run=True)
    assert summary.dry_run and plan.importable == 3 and summary.without_consent == 3
    assert sqlite_desk.rosters.count() == 0
    lines = ri.report_lines(plan, summary)
    assert "试运行：没有导入任何数据。" in lines
    assert any(line.startswith("  第 6 行（赵六）：电话") for line in lines)
    assert any("3 名志愿者没有记录个人信息使用同意" in line for line in lines)


def test_cancel_or_failure_during_commit_imports_nothing(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [person_row(i + 1, f"人{i}", phone=f"1381234{i:04d}") for i in range(30)]
    p = make_workbook(tmp_path / "a.xlsx", rows)
    data = ri.read_sheet(p)
    m = ri.auto_mapping(data.headers)
    monkeypatch.setattr(ri, "CHUNK", 10)
    calls = {"n": 0}

    def cancel_on_second_chunk() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(ri.ImportCancelled):
        ri.commit(desk, data, m, OPTS, cancel=cancel_on_second_chunk)
    assert desk.rosters.count() == 0

    seen: list[tuple[int, int, str]] = []

    def failing_progress(done: int, total: int, stage: str) -> None:
        seen.append((done, total, stage))
        if done >= 20:
            raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        ri.commit(desk, data, m, OPTS, progress=failing_progress)
    assert desk.rosters.count() == 0 and seen[:2] == [(10, 30, "导入"), (20, 30, "导入")]
    _plan, summary = ri.commit(desk, data, m, OPTS)
    assert summary.added == 30 and desk.rosters.count() == 30


def test_commit_checks_again_what_changed_since_the_preview(sqlite_desk: Desk, tmp_path: Path) -> None:
    p = _sheet(tmp_path)
    data = ri.read_sheet(p)
    m = ri.auto_mapping(data.headers)
    plan = ri.preview(sqlite_desk, data, m, OPTS)
    assert plan.count("new") == 3
    sqlite_desk.rosters.create(PersonInput("volunteer", "李四", phone="13912345678"))  # someone else meanwhile
    done, summary = ri.commit(sqlite_desk, data, m, OPTS)
    assert (summary.added, summary.skipped) == (2, 1) and sqlite_desk.rosters.count() == 3
    assert by_row(done)[4].action == "skip"


def test_mapping_and_options_are_checked(sqlite_desk: Desk, tmp_path: Path) -> None:
    data = ri.read_sheet(_sheet(tmp_path))
    with pytest.raises(DeskError, match="姓名"):
        ri.preview(sqlite_desk, data, {"phone": 3}, OPTS)
    with pytest.raises(DeskError, match="一列只能对应一项"):
        ri.preview(sqlite_desk, data, {"name": 1, "note": 1}, OPTS)
    with pytest.raises(DeskError, match="未知的名册"):
        ri.preview(sqlite_desk, data, {"name": 1}, ri.ImportOptions("staff"))
    with pytest.raises(ValidationError) as err:
        ri.preview(sqlite_desk, data, {"name": 1}, ri.ImportOptions("volunteer", consent_date="2024-01-01"))
    assert "consent_method" in err.value.fields
    # A user's own mapping: the 备注 column read as 特长.
    plan = ri.preview(sqlite_desk, data, {"name": 1, "skills": 12}, OPTS)
    assert plan.importable == 4  # without the phone column 赵六's bad phone is not read


def test_export_then_import_round_trip(sqlite_desk: Desk, sqlite_url: str, tmp_path: Path) -> None:
    from desk.documents.roster import export_roster_xlsx

    _plan, first = ri.import_file(sqlite_desk, _sheet(tmp_path), OPTS)
    out = export_roster_xlsx(sqlite_desk, tmp_path / "导出.xlsx", PersonFilter(kind="volunteer"))
    assert out.rows == 3 and not out.masked
    data = ri.read_sheet(out.path)
    assert set(ri.auto_mapping(data.headers)) >= {"name", "gender", "phone", "id_no", "township", "join_date"}
    _plan, again = ri.import_file(sqlite_desk, out.path, OPTS)
    assert (again.added, again.skipped) == (0, 3)


# -- the command line -------------------------------------------------------------------------------------


def test_cli_dry_run_imports_nothing_then_imports(capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path) -> None:
    p = _sheet(tmp_path)
    code = cli_main(["--db", sqlite_url, "import-roster", str(p), "--kind", "volunteer", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "工作表：名册（表头在第 2 行）" in out
    assert "列的对应：姓名←B 列“姓名”" in out
    assert "可新增 3" in out and "第 6 行（赵六）：电话" in out and "试运行：没有导入任何数据。" in out
    with Desk.open(sqlite_url) as d:
        from desk.models.rosters import RosterPerson

        with d.read() as s:
            assert s.query(RosterPerson).count() == 0

    code = cli_main(["--db", sqlite_url, "import-roster", str(p), "--kind", "volunteer", "--consent-date", "2024-01-05",
                     "--consent-method", "报名表书面同意"])
    out = capsys.readouterr().out
    assert code == 0 and "已导入：新增 3 人，更新 0 人；跳过 0 人，无变化 0 人，未导入 1 行。" in out
    code = cli_main(["--db", sqlite_url, "import-roster", str(p), "--kind", "volunteer", "--on-duplicate", "update"])
    assert code == 0 and "无变化 3" in capsys.readouterr().out


def test_cli_bad_input_is_a_chinese_error(capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "old.xls"
    bad.write_bytes(_ole2())
    assert cli_main(["--db", sqlite_url, "import-roster", str(bad), "--kind", "investigator"]) == 1
    assert "错误：“old.xls”是旧版 Excel 97-2003 格式" in capsys.readouterr().err
    p = _sheet(tmp_path)
    assert cli_main(["--db", sqlite_url, "import-roster", str(p), "--kind", "volunteer", "--consent-date", "明天"]) == 1
    assert "错误：同意日期" in capsys.readouterr().err
    assert cli_main(["--db", sqlite_url, "import-roster", str(p), "--kind", "staff"]) == 2
    assert "无效" in capsys.readouterr().err
    assert cli_main(["--db", sqlite_url, "import-roster", str(p), "--kind", "volunteer", "--sheet", "Sheet9"]) == 1
    assert "没有名为“Sheet9”的工作表" in capsys.readouterr().err


def test_header_list_is_what_the_export_writes() -> None:
    from desk.documents.roster import XLSX_COLUMNS

    mapped = ri.auto_mapping([t for _k, t, _w in XLSX_COLUMNS])
    assert set(mapped) == set(ri.FIELDS)
    assert ri.auto_mapping(HEADER)["join_date"] == 9


def test_reading_still_works_if_openpyxl_internals_move(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def moved(_ws):  # type: ignore[no-untyped-def]
        raise AttributeError("_get_source")

    monkeypatch.setattr(ri, "_sheet_parser", moved)
    p = make_workbook(tmp_path / "a.xlsx", [person_row(1, "张三", phone="13812345678")], title="名册")
    data = ri.read_sheet(p)
    assert data.header_row == 2 and [c[1] for _r, c in data.rows] == ["张三"]
