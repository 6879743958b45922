"""Roster exports: the shipped Word template matches its builder; the printable roster and the
workbook carry real phones and IDs only for a role allowed to export personal data, masked once
for everyone else; every export is in the audit trail."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from desk.documents import roster as R
from desk.documents.roster_templates import TEMPLATES, build_all
from desk.facade import Desk
from desk.models import AuditLog
from desk.roles import Role
from desk.services.rosters import PersonFilter, PersonInput
from tests.test_rosters_support import login_as, make_id

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "resources" / "templates"


def test_shipped_template_matches_the_builder(tmp_path: Path) -> None:
    for p in build_all(tmp_path):
        shipped = TEMPLATE_DIR / p.name
        assert shipped.is_file(), f"{p.name} missing: run python -m desk.documents.roster_templates"
        assert p.read_bytes() == shipped.read_bytes(), f"{p.name} differs from the builder: regenerate it"
    assert sorted(TEMPLATES) == ["roster.docx"]
    with zipfile.ZipFile(TEMPLATE_DIR / "roster.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert 'w:orient="landscape"' in xml and "<w:cantSplit/>" in xml and "<w:tblHeader/>" in xml


def _people(d: Desk) -> None:
    d.settings.save({"office.name": "太和县消费者协会"})
    d.rosters.create(PersonInput("volunteer", "张三", "男", "13812345678", make_id(seq=1), "城关镇", "人民社区",
                                 "太和县第一中学", "教师", "2021-03-01", "ZY2021001"))
    d.rosters.create(PersonInput("volunteer", "李四", "女", "0558-8612315", "", "旧县镇", "", "", "退休职工",
                                 "2022-05-01", "ZY2022002"))
    d.rosters.create(PersonInput("investigator", "王五", "男", "13712345678", "", "城关镇", join_date="2020-01-01"))


def _doc_text(path: Path) -> tuple[str, list[list[str]]]:
    doc = Document(str(path))
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    return "\n".join(p.text for p in doc.paragraphs), table


def test_printable_roster_for_admin_and_read_only(db_url: str, tmp_path: Path) -> None:
    admin = login_as(db_url, Role.ADMIN.value, "admin")
    ro = login_as(db_url, Role.READONLY.value)
    try:
        _people(admin)
        f = PersonFilter(kind="volunteer", status="current")
        full = R.render_roster_docx(admin, tmp_path / "admin.docx", f)
        text, table = _doc_text(full.path)
        assert not full.masked and full.rows == 2
        assert "太和县消费者协会消费维权志愿者名册" in text and "共2人" in text and "在册和暂停人员" in text
        assert table[0] == ["序号", "姓名", "性别", "联系电话", "乡镇（街道）", "工作单位或职业", "加入日期", "证书编号"]
        assert table[1] == ["1", "张三", "男", "13812345678", "城关镇·人民社区", "太和县第一中学", "2021-03-01", "ZY2021001"]
        assert table[2] == ["2", "李四", "女", "0558-8612315", "旧县镇", "退休职工", "2022-05-01", "ZY2022002"]
        assert "部分隐藏" not in text

        masked = R.render_roster_docx(ro, tmp_path / "ro.docx", f)
        text, table = _doc_text(masked.path)
        assert masked.masked
        assert [r[3] for r in table[1:]] == ["138****5678", "0558-***2315"]
        assert "13812345678" not in text + str(table) and "注：为保护个人信息，联系电话已部分隐藏。" in text
        with admin.read() as s:
            rows = s.execute(select(AuditLog.username, AuditLog.after).where(
                AuditLog.action == "export", AuditLog.table_name == "roster_person").order_by(AuditLog.id)).all()
        assert [(u, json.loads(a)["masked"], json.loads(a)["rows"]) for u, a in rows] == [("admin", False, 2), ("u_readonly", True, 2)]
    finally:
        admin.close()
        ro.close()


@pytest.mark.parametrize(("role", "masked"), [(Role.ADMIN.value, False), (Role.SECRETARY.value, True), (Role.READONLY.value, True)])
def test_workbook_masking_by_role(sqlite_url: str, tmp_path: Path, role: str, masked: bool) -> None:
    admin = login_as(sqlite_url, Role.ADMIN.value, "admin")
    _people(admin)
    admin.close()
    d = login_as(sqlite_url, role, None if role != Role.ADMIN.value else "admin")
    try:
        out = R.export_roster_xlsx(d, tmp_path / "roster", PersonFilter(kind="volunteer"))
    finally:
        d.close()
    assert out.path.suffix == ".xlsx" and out.rows == 2 and out.masked is masked
    ws = load_workbook(out.path).active
    header = [c.value for c in ws[1]]
    values = {h: ws.cell(2, i + 1).value for i, h in enumerate(header)}
    if masked:
        # The secretary may see but not export: masked once, not '*******5678'.
        assert values["联系电话"] == "138****5678" and values["身份证号码"] == "3412**********" + make_id(seq=1)[-4:]
    else:
        assert values["联系电话"] == "13812345678" and values["身份证号码"] == make_id(seq=1)
    assert values["姓名"] == "张三" and values["加入日期"].date().isoformat() == "2021-03-01"
    assert ws.cell(2, header.index("身份证号码") + 1).number_format == "@"


def test_unwritable_target_is_a_clear_error(sqlite_desk: Desk, tmp_path: Path) -> None:
    from desk.errors import DeskError

    _people(sqlite_desk)
    with pytest.raises(DeskError, match="不存在"):
        R.render_roster_docx(sqlite_desk, tmp_path / "nope" / "a.docx", PersonFilter())
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DeskError, match="无法写入"):
        R.export_roster_xlsx(sqlite_desk, blocker / "a.xlsx", PersonFilter())


def test_suggested_filename(sqlite_desk: Desk) -> None:
    sqlite_desk.settings.save({"office.name": "太和县消费者协会"})
    name = R.suggested_filename(sqlite_desk, PersonFilter(kind="investigator"), "docx")
    assert name.startswith("太和县消费者协会义务调查员名册（") and name.endswith(".docx")
