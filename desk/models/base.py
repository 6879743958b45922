"""Declarative base, naming convention and the mixins every editable table uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from desk import clock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {Decimal: Money}


class Versioned:
    """Optimistic locking: SQLAlchemy adds ``WHERE version = :old`` to every UPDATE/DELETE, so a
    desk saving over someone else's change gets StaleDataError (turned into ConflictError)."""

    version: Mapped[int] = mapped_column(nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.version}


class Audited:
    """Marker: inserts, updates and deletes of this table are written to audit_log."""

    __audit_exclude__: tuple[str, ...] = ()


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(default=clock.now, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(default=clock.now, onupdate=clock.now, nullable=False)
