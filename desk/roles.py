"""Roles and what each may do. Services check these; menus only mirror them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    HEAD = "head"
    SECRETARY = "secretary"
    HANDLER = "handler"
    READONLY = "readonly"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "管理员",
    Role.HEAD: "秘书长",
    Role.SECRETARY: "秘书",
    Role.HANDLER: "投诉受理/调解员",
    Role.READONLY: "只读",
}


class Perm(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_OFFICES = "manage_offices"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_VOCAB = "manage_vocab"
    MANAGE_CALENDAR = "manage_calendar"
    BACKUP = "backup"
    EDIT_BUSINESS = "edit_business"
    EDIT_COMPLAINT = "edit_complaint"
    REOPEN_CASE = "reopen_case"
    VIEW_PERSONAL = "view_personal"  # unmasked consumer/volunteer names, phones, IDs
    EXPORT_PERSONAL = "export_personal"
    EDIT_ROSTER = "edit_roster"
    EDIT_REGISTERS = "edit_registers"
    MAKE_BRIEFING = "make_briefing"
    VIEW_AUDIT = "view_audit"


PERM_LABELS: dict[Perm, str] = {
    Perm.MANAGE_USERS: "管理用户",
    Perm.MANAGE_OFFICES: "管理机构",
    Perm.MANAGE_SETTINGS: "修改单位设置",
    Perm.MANAGE_VOCAB: "维护分类词表",
    Perm.MANAGE_CALENDAR: "维护节假日",
    Perm.BACKUP: "备份与恢复",
    Perm.EDIT_BUSINESS: "编辑经营者",
    Perm.EDIT_COMPLAINT: "办理投诉",
    Perm.REOPEN_CASE: "重新打开已结案件",
    Perm.VIEW_PERSONAL: "查看个人信息",
    Perm.EXPORT_PERSONAL: "导出个人信息",
    Perm.EDIT_ROSTER: "编辑人员名册",
    Perm.EDIT_REGISTERS: "编辑工作登记",
    Perm.MAKE_BRIEFING: "编制简报",
    Perm.VIEW_AUDIT: "查看操作日志",
}

_ALL = frozenset(Perm)

ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: _ALL,
    Role.HEAD: _ALL - {Perm.MANAGE_USERS, Perm.MANAGE_OFFICES, Perm.BACKUP},
    Role.SECRETARY: frozenset(
        {
            Perm.EDIT_BUSINESS,
            Perm.EDIT_ROSTER,
            Perm.EDIT_REGISTERS,
            Perm.MAKE_BRIEFING,
            Perm.VIEW_PERSONAL,
        }
    ),
    Role.HANDLER: frozenset({Perm.EDIT_BUSINESS, Perm.EDIT_COMPLAINT, Perm.VIEW_PERSONAL, Perm.EDIT_REGISTERS}),
    Role.READONLY: frozenset(),
}


def role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def has_perm(role: str, perm: Perm) -> bool:
    try:
        return perm in ROLE_PERMS[Role(role)]
    except ValueError:
        return False
