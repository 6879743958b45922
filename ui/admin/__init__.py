"""The 设置 module's pages. The shell lists ``ADMIN_PAGES`` (those the user may see) and builds
a page with ``factory(desk, dialogs, worker)`` when it is first opened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desk.roles import Perm

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.facade import Actor, Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker


@dataclass(frozen=True)
class AdminPage:
    title: str
    factory: Callable[[Desk, Dialogs, Worker], QWidget]
    perm: Perm | None  # shown only to users who have it


# Each factory imports its page on first use, so start-up does not pay for every page.
def _users(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from ui.admin.users_page import UsersPage

    return UsersPage(desk, dialogs, worker)


def _profile(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from ui.admin.profile_page import ProfilePage

    return ProfilePage(desk, dialogs, worker)


def _offices(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from ui.admin.offices_page import OfficesPage

    return OfficesPage(desk, dialogs, worker)


def _vocab(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from ui.admin.vocab_page import VocabPage

    return VocabPage(desk, dialogs, worker)


def _calendar(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from ui.admin.calendar_page import CalendarPage

    return CalendarPage(desk, dialogs, worker)


def _businesses(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from ui.admin.businesses_page import BusinessesPage

    return BusinessesPage(desk, dialogs, worker)


def _audit(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from ui.admin.audit_page import AuditPage

    return AuditPage(desk, dialogs, worker)


ADMIN_PAGES: list[AdminPage] = [
    AdminPage("经营者", _businesses, None),  # everyone may look; editing needs Perm.EDIT_BUSINESS
    AdminPage("单位信息", _profile, Perm.MANAGE_SETTINGS),
    AdminPage("用户管理", _users, Perm.MANAGE_USERS),
    AdminPage("机构管理", _offices, Perm.MANAGE_OFFICES),
    AdminPage("分类词表", _vocab, Perm.MANAGE_VOCAB),
    AdminPage("节假日", _calendar, Perm.MANAGE_CALENDAR),
    AdminPage("操作日志", _audit, Perm.VIEW_AUDIT),
]


def pages_for(actor: Actor | None) -> list[AdminPage]:
    """The pages this user may open (none when nobody is logged in)."""
    if actor is None:
        return []
    return [p for p in ADMIN_PAGES if p.perm is None or actor.can(p.perm)]
