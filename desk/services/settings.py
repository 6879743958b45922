"""Read and change the office's shared settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desk.errors import ConflictError, ValidationError
from desk.models import Setting
from desk.roles import Perm
from desk.services.base import Service
from desk.settings import REGISTRY, coerce


@dataclass(frozen=True)
class SettingsSnapshot:
    values: dict[str, Any]
    versions: dict[str, int]  # key -> version (0 when never saved)


class SettingsService(Service):
    def snapshot(self, prefix: str = "") -> SettingsSnapshot:
        with self.desk.read() as s:
            # Plain values, taken inside the session: read() rolls back at the end, which
            # expires ORM objects, so touching a row afterwards raised DetachedInstanceError.
            rows = {r.key: (r.value, r.version) for r in s.scalars(select(Setting).where(Setting.key.startswith(prefix, autoescape=True)))}
        values: dict[str, Any] = {}
        versions: dict[str, int] = {}
        for key, defn in REGISTRY.items():
            if not key.startswith(prefix):
                continue
            row = rows.get(key)
            values[key] = json.loads(row[0]) if row else defn.default
            versions[key] = row[1] if row else 0
        return SettingsSnapshot(values, versions)

    def get(self, key: str) -> Any:
        defn = REGISTRY[key]
        with self.desk.read() as s:
            row = s.get(Setting, key)
            return json.loads(row.value) if row else defn.default

    def save(self, changes: dict[str, Any], started_from: SettingsSnapshot | None = None) -> SettingsSnapshot:
        """Save the changed keys. With ``started_from``, refuse if any of them was changed by
        someone else meanwhile (ConflictError lists which)."""
        self.desk.require(Perm.MANAGE_SETTINGS)
        errors: dict[str, str] = {}
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            defn = REGISTRY.get(key)
            if defn is None:
                errors[key] = "未知的设置项"
                continue
            try:
                clean[key] = coerce(defn, value)
            except ValueError as exc:
                errors[key] = str(exc)
        if errors:
            raise ValidationError(errors, {k: d.label for k, d in REGISTRY.items()})
        with self.desk.write() as s:
            changed: dict[str, tuple[Any, Any]] = {}
            for key, value in clean.items():
                row = s.get(Setting, key)
                if started_from is not None:
                    now_version = row.version if row else 0
                    if now_version != started_from.versions.get(key, 0):
                        changed[key] = (started_from.values.get(key), json.loads(row.value) if row else None)
                        continue
                encoded = json.dumps(value, ensure_ascii=False)
                if row is None:
                    s.add(Setting(key=key, value=encoded))
                elif row.value != encoded:
                    row.value = encoded
            if changed:
                raise ConflictError("以下设置在您编辑期间已被其他用户修改，您的修改尚未保存。", changed=changed)
        return self.snapshot()
