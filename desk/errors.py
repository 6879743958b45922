"""Typed errors the services raise; the GUI turns each into a clear Chinese message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DeskError(Exception):
    """Base of every error a service raises on purpose. ``str(err)`` is a Chinese message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DeskError):
    """Bad input. ``fields`` maps a field name to its Chinese message; nothing was saved."""

    def __init__(self, fields: Mapping[str, str], labels: Mapping[str, str] | None = None) -> None:
        self.fields = dict(fields)
        labels = labels or {}
        parts = [f"{labels.get(k, k)}：{v}" for k, v in self.fields.items()]
        super().__init__("；".join(parts) if parts else "输入有误")


class ConflictError(DeskError):
    """Someone else saved the record since it was read. ``current`` is the record as it is now."""

    def __init__(self, message: str, current: Any = None, changed: Mapping[str, tuple[Any, Any]] | None = None):
        super().__init__(message)
        self.current = current
        # field -> (value the user started from, value saved meanwhile)
        self.changed = dict(changed or {})


class NotFound(DeskError):
    pass


class PermissionDenied(DeskError):
    pass


class AuthError(DeskError):
    """Wrong user name or password, or the account is locked or disabled."""


class DatabaseOpenError(DeskError):
    """The database cannot be opened or reached; the message explains why and what to do."""


class SchemaTooNewError(DatabaseOpenError):
    pass


class NetworkPathError(DatabaseOpenError):
    pass
