"""Foundation tables: offices, users, audit log, settings, vocabularies, businesses, holidays."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desk import clock
from desk.models.base import Audited, Base, Timestamped, Versioned


class Office(Versioned, Audited, Timestamped, Base):
    """The county office and its branches (基层分会/分站); ``code`` prefixes case numbers."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="county")  # county | branch | station
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)


class User(Versioned, Audited, Timestamped, Base):
    __tablename__ = "app_user"
    # Hashes and login counters are not business history: keep them out of the audit trail.
    __audit_exclude__ = ("password_hash", "failed_attempts", "locked_until", "last_login_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    last_login_at: Mapped[dt.datetime | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)

    office: Mapped[Office] = relationship()


class AuditLog(Base):
    """Who changed what, written in the same transaction as the change (desk.audit)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=clock.now, index=True)
    user_id: Mapped[int | None] = mapped_column()  # no FK: the trail outlives deleted users
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))  # insert | update | delete | view | export
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)  # JSON

    __table_args__ = (Index("ix_audit_log_table_row", "table_name", "row_id"),)


class Setting(Versioned, Audited, Base):
    """Key → JSON value: office profile, deadline limits, briefing defaults (desk.settings)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class VocabItem(Versioned, Audited, Base):
    """Maintained vocabularies with stable codes, so statistics never depend on free text."""

    __tablename__ = "vocab_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    code: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("vocab_item.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    builtin: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (UniqueConstraint("kind", "code", name="uq_vocab_item_kind_code"),)


class Business(Versioned, Audited, Timestamped, Base):
    """经营者 registry."""

    __tablename__ = "business"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    township: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # NFKC-normalised name for substring search (LIKE), kept in step by the service.
    search_name: Mapped[str] = mapped_column(String(200), default="", index=True)

    __table_args__ = (
        # Unique only when present: many small traders have no credit code on file.
        Index(
            "uq_business_credit_code",
            "credit_code",
            unique=True,
            sqlite_where=text("credit_code IS NOT NULL"),
            postgresql_where=text("credit_code IS NOT NULL"),
        ),
    )


class HolidayOverride(Versioned, Audited, Base):
    """The office's own holiday/makeup-day entries; they win over chinese_calendar."""

    __tablename__ = "holiday_override"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool] = mapped_column()
    name: Mapped[str] = mapped_column(String(40), default="")
