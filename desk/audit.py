"""Audit trail: every insert/update/delete of an ``Audited`` row is logged in the same
transaction, from the ORM's flush. Bulk ``update()``/``delete()`` bypass the ORM and so the
trail: application code does not use them on audited tables."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from desk import clock
from desk.models import Audited, AuditLog

# session.info key holding the acting user: (user_id | None, username)
ACTOR_KEY = "cadesk_actor"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _snapshot(obj: Any, *, committed: bool) -> dict[str, Any]:
    state = inspect(obj)
    exclude = set(getattr(obj, "__audit_exclude__", ()))
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in exclude:
            continue
        if committed:
            hist = state.attrs[key].history
            if hist.deleted:
                value = hist.deleted[0]
            elif hist.unchanged:
                value = hist.unchanged[0]
            else:
                value = state.dict.get(key)
        else:
            value = state.dict.get(key)
        out[key] = _jsonable(value)
    return out


def _row_id(obj: Any) -> str:
    ident = inspect(obj).identity
    if ident is None:
        ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(_jsonable(v).__str__() for v in ident)


def _dump(d: dict[str, Any] | None) -> str | None:
    return None if d is None else json.dumps(d, ensure_ascii=False, sort_keys=True)


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _ctx: Any) -> None:
    # after_flush: primary keys are assigned, and new/dirty/deleted plus attribute history
    # still show the pre-flush state.
    user_id, username = session.info.get(ACTOR_KEY, (None, "system"))
    at = clock.now()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(dict(action="insert", obj=obj, before=None, after=_snapshot(obj, committed=False)))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before = _snapshot(obj, committed=True)
            after = _snapshot(obj, committed=False)
            changed = {k for k in after if before.get(k) != after.get(k)} - {"version", "updated_at"}
            if not changed:
                continue
            rows.append(
                dict(
                    action="update",
                    obj=obj,
                    before={k: before[k] for k in sorted(changed)},
                    after={k: after[k] for k in sorted(changed)},
                )
            )
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(dict(action="delete", obj=obj, before=_snapshot(obj, committed=True), after=None))
    if not rows:
        return
    session.connection().execute(
        insert(AuditLog.__table__),
        [
            {
                "at": at,
                "user_id": user_id,
                "username": username,
                "action": r["action"],
                "table_name": r["obj"].__tablename__,
                "row_id": _row_id(r["obj"]),
                "before": _dump(r["before"]),
                "after": _dump(r["after"]),
            }
            for r in rows
        ],
    )


def log_access(session: Session, action: str, table_name: str, row_id: str, detail: dict[str, Any]) -> None:
    """Record that personal data was viewed or exported (PIPL Art. 51)."""
    user_id, username = session.info.get(ACTOR_KEY, (None, "system"))
    session.connection().execute(
        insert(AuditLog.__table__),
        [
            {
                "at": clock.now(),
                "user_id": user_id,
                "username": username,
                "action": action,
                "table_name": table_name,
                "row_id": row_id,
                "before": None,
                "after": _dump(detail),
            }
        ],
    )
