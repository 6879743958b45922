"""Helpers the roster tests share (valid and broken ID numbers, fixture workbooks built with
openpyxl, desks logged in with a given role), and tests of the helpers themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import open_as_admin

from desk.facade import Desk
from desk.validators import FieldError, _id_check_char, resident_id

ROLE_PASSWORD = "role-pass-123"

HEADER = ["序号", "姓名", "性别", "联系电话", "身份证号码", "乡镇（街道）", "社区/村", "工作单位", "职业", "入会时间", "证书编号", "特长", "备注"]


def make_id(birth: str = "19900101", seq: int = 123, *, bad_check: bool = False, area: str = "341222") -> str:
    """An 18-character resident ID with a right (or, with bad_check, wrong) check character."""
    first17 = f"{area}{birth}{seq:03d}"
    check = _id_check_char(first17)
    if bad_check:
        check = "0" if check != "0" else "1"
    return first17 + check


def person_row(n: int, name: str, *, phone: Any = None, id_no: Any = None, gender: str = "", township: str = "城关镇",
               community: str = "", workplace: str = "", occupation: str = "", join: Any = None, cert: str = "",
               skills: str = "", note: str = "") -> list[Any]:
    return [n, name, gender, phone, id_no, township, community, workplace, occupation, join, cert, skills, note]


def make_workbook(path: Path, rows: Iterable[Sequence[Any]], *, header: Sequence[str] | None = HEADER,
                  title: str | None = None, sheet: str = "名册", merges: Iterable[str] = (),
                  extra_sheets: Iterable[str] = ()) -> Path:
    """A workbook like an office's own: an optional merged title row above the header."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header or [1]))
    if header is not None:
        ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    for ref in merges:
        ws.merge_cells(ref)
    for name in extra_sheets:
        wb.create_sheet(name)
    wb.save(path)
    return path


def login_as(url: str, role: str, username: str | None = None) -> Desk:
    """A desk on ``url`` logged in as a new user with ``role`` (created by the admin)."""
    from desk.services.users import UserInput

    if username == "admin":
        return open_as_admin(url)
    admin = open_as_admin(url)
    try:
        username = username or f"u_{role}"
        office_id = admin.actor.office_id
        existing = [u for u in admin.users.list() if u.username == username]
        if not existing:
            admin.users.create(UserInput(username, f"{role}用户", role, office_id, password=ROLE_PASSWORD))
    finally:
        admin.close()
    d = Desk.open(url)
    d.auth.login(username, ROLE_PASSWORD)
    return d


# -- the helpers work -----------------------------------------------------------------------------


def test_make_id_is_valid_and_bad_check_is_refused() -> None:
    good = make_id("19851231", 7)
    assert resident_id(good, today=dt.date(2026, 1, 1)) == good
    with pytest.raises(FieldError, match="校验位"):
        resident_id(make_id("19851231", 7, bad_check=True))


def test_make_workbook_puts_the_header_below_the_title(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    p = make_workbook(tmp_path / "a.xlsx", [person_row(1, "张三")], title="名册")
    ws = load_workbook(p).active
    assert ws["A1"].value == "名册" and ws["B2"].value == "姓名" and ws["B3"].value == "张三"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:M1"]
