"""The façade: one ``Desk`` owns the engine and sessions and exposes the services by domain.
A service method is one unit of work returning plain frozen dataclasses or raising a typed
error from desk.errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from desk import audit  # noqa: F401  (registers the audit listener)
from desk.db import make_engine, normalise_url
from desk.errors import ConflictError, DatabaseOpenError, DeskError, PermissionDenied
from desk.roles import PERM_LABELS, Perm, Role, has_perm, role_label

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who is working: a logged-in user, or the local administrator tool (user_id None)."""

    user_id: int | None
    username: str
    display_name: str
    role: str
    office_id: int | None

    def can(self, perm: Perm) -> bool:
        return has_perm(self.role, perm)

    @property
    def role_label(self) -> str:
        return role_label(self.role)


SYSTEM_ACTOR = Actor(None, "system", "系统管理工具", Role.ADMIN.value, None)


def explain_db_error(exc: BaseException, url: str) -> str:
    """A Chinese explanation of why the database could not be opened or reached."""
    msg = str(getattr(exc, "orig", exc) or exc)
    low = msg.lower()
    backend = normalise_url(url).get_backend_name()
    if backend == "sqlite":
        if isinstance(exc, OSError):
            where = getattr(exc, "filename", None) or normalise_url(url).database
            return f"无法在这个位置建立数据库文件（{where}）：文件夹无法创建或没有写入权限。请检查“设置—数据库”中的文件位置。"
        if "file is not a database" in low or "malformed" in low or "not a database" in low:
            return "数据库文件已损坏或不是消协工作台的数据文件。请用“恢复备份”找回最近的备份。"
        if "locked" in low or "busy" in low:
            return "数据库文件正被其他程序占用（被锁定），请稍后再试，或关闭其他正在使用它的程序。"
        if "unable to open" in low or "readonly" in low or "read-only" in low or "permission" in low:
            return "无法打开数据库文件：文件夹不存在或没有写入权限。请检查“设置—数据库”中的文件位置。"
        if "disk is full" in low or "database or disk is full" in low:
            return "磁盘空间已满，数据没有保存。请清理磁盘空间后再试。"
        if "disk i/o error" in low:
            return "读写数据库文件时出错（磁盘或U盘可能有问题，或文件在被拔出的设备上）。请检查存放位置后重试。"
        return f"无法打开数据库文件：{msg}"
    if "password authentication failed" in low or "authentication failed" in low:
        return "PostgreSQL 服务器拒绝登录：用户名或密码错误。"
    if "does not exist" in low and "database" in low:
        return "PostgreSQL 服务器上没有这个数据库，请检查数据库名称，或请管理员先建立数据库。"
    # Before the generic "timeout": a query cancelled by statement_timeout is not a network problem.
    if "statement timeout" in low or "canceling statement" in low:
        return "数据库操作超时（服务器繁忙或操作量太大），请稍后再试。"
    if "timeout" in low or "timed out" in low:
        return "连接 PostgreSQL 服务器超时：请检查服务器地址、端口和网络。"
    if "connection refused" in low or "could not connect" in low or "no route" in low:
        return "无法连接 PostgreSQL 服务器：服务器未启动，或地址、端口不对，或被防火墙阻止。"
    if "could not translate host name" in low or "name or service not known" in low or "nodename" in low:
        return "找不到 PostgreSQL 服务器：服务器地址（主机名）无法解析。"
    if "no pg_hba.conf entry" in low:
        return "PostgreSQL 服务器不允许本机连接（pg_hba.conf），请管理员放行本机地址。"
    if "permission denied" in low:
        return "PostgreSQL 用户的权限不够（不能建表或读写数据），请管理员给这个用户授予该数据库的权限。"
    return f"数据库出错：{msg}"


def _refuse_foreign_tables(conn: Connection) -> None:
    """A database without our schema version must be empty: never create our tables among
    another program's data (a wrong file picked in the settings, a shared server database)."""
    names = [n for n in inspect(conn).get_table_names() if n != "alembic_version" and not n.startswith("sqlite_")]
    if names:
        shown = "、".join(sorted(names)[:5]) + ("等" if len(names) > 5 else "")
        raise DatabaseOpenError(
            f"这个数据库里已有其他程序的数据表（{shown}），不是消协工作台的数据库。"
            "为免破坏其中的数据，程序不会在这里建表。请选择一个新文件，或请管理员建立一个空数据库。"
        )


class Desk:
    """Open with ``Desk.open(url)``; log in with ``desk.auth.login(...)`` (or ``Desk.open(url,
    actor=SYSTEM_ACTOR)`` for the admin CLI); then use ``desk.businesses``, ``desk.users`` …"""

    def __init__(self, engine: Engine, url: str, actor: Actor | None = None) -> None:
        self.engine = engine
        self.url = url
        self.actor: Actor | None = actor
        write_engine = engine.execution_options(cadesk_write=True) if engine.dialect.name == "sqlite" else engine
        self._write_sessions = sessionmaker(bind=write_engine, expire_on_commit=False, autoflush=False)
        self._read_sessions = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)

    # -- opening -------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, actor: Actor | None = None) -> Desk:
        """Open (and if needed create or upgrade) the database. Raises DatabaseOpenError with a
        Chinese message for every way this can fail."""
        from desk import migrate as migrate_mod
        from desk import paths

        url = url or paths.default_db_url()
        try:
            # make_engine creates the file's folder: a path through a file, or a folder we may
            # not write, fails here with OSError and must get the same Chinese message.
            engine = make_engine(url)
        except OSError as exc:
            raise DatabaseOpenError(explain_db_error(exc, url)) from exc
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                if engine.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA schema_version").fetchone()
                rev = migrate_mod.current_revision(conn)
                if rev is None:
                    _refuse_foreign_tables(conn)
            migrate_mod.check_not_newer(rev)
            if migrate:
                migrate_mod.upgrade(engine)
            elif rev != migrate_mod.head_revision():
                raise DatabaseOpenError("数据库结构需要升级，请用 cadesk-admin migrate 升级后再打开。")
        except DeskError:
            engine.dispose()
            raise
        except (DBAPIError, OSError) as exc:
            engine.dispose()
            raise DatabaseOpenError(explain_db_error(exc, url)) from exc
        desk = cls(engine, url, actor)
        if migrate:
            desk.vocab.ensure_builtin()
        return desk

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        u = normalise_url(self.url)
        if u.get_backend_name() == "sqlite":
            return f"本地文件 {u.database}"
        return f"PostgreSQL {u.username}@{u.host}:{u.port or 5432}/{u.database}"

    # -- units of work -------------------------------------------------------
    def _actor_info(self) -> tuple[int | None, str]:
        a = self.actor
        return (a.user_id, a.username) if a else (None, "system")

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE on SQLite) committed at the end of the block."""
        session = self._write_sessions()
        session.info[audit.ACTOR_KEY] = self._actor_info()
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise ConflictError("这条记录刚被其他用户修改过，您的修改没有保存。请查看最新内容后重试。") from exc
        except IntegrityError as exc:
            session.rollback()
            log.warning("integrity error: %s", exc)
            raise DeskError("保存失败：与已有记录重复或引用的记录不存在。") from exc
        except OperationalError as exc:
            session.rollback()
            raise DatabaseOpenError(explain_db_error(exc, self.url)) from exc
        except DataError as exc:
            # Last line of defence (services check lengths first): PostgreSQL refuses a value
            # too long for its column, SQLite would have stored it.
            session.rollback()
            log.warning("data error: %s", exc)
            raise DeskError("保存失败：有内容超出了允许的长度或格式，请检查后重试。") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read_sessions()
        session.info[audit.ACTOR_KEY] = self._actor_info()
        try:
            yield session
        except OperationalError as exc:
            raise DatabaseOpenError(explain_db_error(exc, self.url)) from exc
        finally:
            session.rollback()
            session.close()

    # -- permissions -----------------------------------------------------------
    def require(self, perm: Perm) -> Actor:
        a = self.actor
        if a is None:
            raise PermissionDenied("请先登录")
        if not a.can(perm):
            raise PermissionDenied(f"您的角色（{a.role_label}）没有“{PERM_LABELS[perm]}”权限")
        return a

    def require_login(self) -> Actor:
        if self.actor is None:
            raise PermissionDenied("请先登录")
        return self.actor

    def can(self, perm: Perm) -> bool:
        return self.actor is not None and self.actor.can(perm)

    # -- services --------------------------------------------------------------
    @cached_property
    def auth(self):  # type: ignore[no-untyped-def]
        from desk.services.auth import AuthService

        return AuthService(self)

    @cached_property
    def users(self):  # type: ignore[no-untyped-def]
        from desk.services.users import UserService

        return UserService(self)

    @cached_property
    def offices(self):  # type: ignore[no-untyped-def]
        from desk.services.offices import OfficeService

        return OfficeService(self)

    @cached_property
    def settings(self):  # type: ignore[no-untyped-def]
        from desk.services.settings import SettingsService

        return SettingsService(self)

    @cached_property
    def vocab(self):  # type: ignore[no-untyped-def]
        from desk.services.vocab import VocabService

        return VocabService(self)

    @cached_property
    def businesses(self):  # type: ignore[no-untyped-def]
        from desk.services.businesses import BusinessService

        return BusinessService(self)

    @cached_property
    def calendar(self):  # type: ignore[no-untyped-def]
        from desk.services.calendar import CalendarService

        return CalendarService(self)

    @cached_property
    def complaints(self):  # type: ignore[no-untyped-def]
        from desk.services.complaints import ComplaintService

        return ComplaintService(self)

    @cached_property
    def consultations(self):  # type: ignore[no-untyped-def]
        from desk.services.consultations import ConsultationService

        return ConsultationService(self)

    @cached_property
    def mediation(self):  # type: ignore[no-untyped-def]
        from desk.services.mediation import MediationService

        return MediationService(self)

    @cached_property
    def stations(self):  # type: ignore[no-untyped-def]
        from desk.services.stations import StationService

        return StationService(self)

    @cached_property
    def rosters(self):  # type: ignore[no-untyped-def]
        from desk.services.rosters import RosterService

        return RosterService(self)

    @cached_property
    def trust_units(self):  # type: ignore[no-untyped-def]
        from desk.services.trust_units import TrustUnitService

        return TrustUnitService(self)

    @cached_property
    def departments(self):  # type: ignore[no-untyped-def]
        from desk.services.departments import DepartmentService

        return DepartmentService(self)

    @cached_property
    def outreach(self):  # type: ignore[no-untyped-def]
        from desk.services.outreach import OutreachService

        return OutreachService(self)

    @cached_property
    def audit_log(self):  # type: ignore[no-untyped-def]
        from desk.services.audit_log import AuditLogService

        return AuditLogService(self)
