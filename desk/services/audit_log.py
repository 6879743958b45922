"""Reading the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desk.models import AuditLog
from desk.roles import Perm
from desk.services.base import Service


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    user_id: int | None
    username: str
    action: str
    table_name: str
    row_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditLogService(Service):
    def entries(self, *, table: str | None = None, row_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        self.desk.require(Perm.VIEW_AUDIT)
        q = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
        if table:
            q = q.where(AuditLog.table_name == table)
        if row_id is not None:
            q = q.where(AuditLog.row_id == str(row_id))
        with self.desk.read() as s:
            return [
                AuditEntry(
                    a.id, a.at, a.user_id, a.username, a.action, a.table_name, a.row_id,
                    json.loads(a.before) if a.before else None,
                    json.loads(a.after) if a.after else None,
                )
                for a in s.scalars(q)
            ]
